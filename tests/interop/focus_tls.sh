# confinfo focus over TLS (--listen tls:, --tls-cert) with a Sofia-SIP
# subscriber: SUBSCRIBE, full NOTIFY and a partial one after a change,
# both ways over TLS. Certificates are made on the fly with openssl.
# The subscriber advertises a sip:...;transport=tls Contact: libre 1.1.0
# cannot send requests to a sips: URI.
. "$(dirname "$0")/sipp/focus_lib.sh"

SOFIA_SUB=$BUILD_DIR/tests/interop/sofia_sub
[ -x "$SOFIA_SUB" ] || fail "sofia_sub not built ($SOFIA_SUB)"
command -v openssl >/dev/null || fail "openssl not installed"

cert() { # cert NAME: NAME.key, NAME.crt, self-signed for 127.0.0.1
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
		-keyout "$WORK/$1.key" -out "$WORK/$1.crt" 2>/dev/null ||
		fail "openssl could not make a certificate"
}
cert focus
cert sofia
cat "$WORK/focus.key" "$WORK/focus.crt" >"$WORK/focus.pem"
mkdir "$WORK/sofia"
cat "$WORK/sofia.key" "$WORK/sofia.crt" >"$WORK/sofia/agent.pem"
cat "$WORK/focus.crt" "$WORK/sofia.crt" >"$WORK/sofia/cafile.pem"

mkdir "$WORK/confs"
conf_doc conf1 alice | write_conf "$WORK/confs" conf1
PORT=$(free_port)
start_focus focus --conferences "$WORK/confs" --listen "tls:127.0.0.1:$PORT" \
	--tls-cert "$WORK/focus.pem" --min-interval 0
log="$WORK/focus.log"
UPORT=$(free_port)
TPORT=$(free_port)
slog="$WORK/sofia.log"
# Under ASan, Sofia-SIP's TLS transport leaks its OpenSSL context at exit
# (not ours to fix): leak checking is off for this helper only.
(cd "$WORK" && ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	exec "$SOFIA_SUB" --target "sip:conf1@127.0.0.1:$PORT;transport=tls" \
	--bind "sip:127.0.0.1:$UPORT" --tls-bind "sips:127.0.0.1:$TPORT" \
	--tls-dir "$WORK/sofia" \
	--contact "<sip:sofia@127.0.0.1:$TPORT;transport=tls>" \
	--out "$WORK/sofia.xml" --until-version 2 --timeout 30) >"$slog" 2>&1 &
SOFIA_PID=$!
PIDS+=("$SOFIA_PID")
wait_for "$slog" '^notify version=1 state=full result=applied' 10 ||
	fail "no full state over TLS"
conf_doc conf1 alice bob | write_conf "$WORK/confs" conf1
wait "$SOFIA_PID" || fail "sofia_sub failed"
grep -q '^notify version=2 state=partial result=applied' "$slog" ||
	fail "no partial NOTIFY over TLS"
grep -Eq '^subscribe conf=conf1 .*transport=TLS' "$log" ||
	fail "the subscription did not come over TLS"
[ "$(count_lines "$log" '^notify conf=conf1 .*transport=TLS .*code=200')" -eq 2 ] ||
	fail "the NOTIFYs were not answered over TLS"
stop_focus "$FOCUS_PID" || fail "focus exit status $?"
echo "PASS"
