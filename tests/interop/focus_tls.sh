# confinfo focus over TLS (--listen tls:, --tls-cert) with a Sofia-SIP
# subscriber: SUBSCRIBE, full NOTIFY and a partial one after a change,
# both ways over TLS. Certificates are made on the fly with openssl.
# The subscriber advertises a sip:...;transport=tls Contact: libre 1.1.0
# cannot send requests to a sips: URI.
. "$(dirname "$0")/../lib.bash" "$@"

need_sofia_sub
need_cmd openssl openssl

cert() { # cert NAME: NAME.key, NAME.crt, self-signed for 127.0.0.1
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
		-keyout "$TMP/$1.key" -out "$TMP/$1.crt" 2>/dev/null ||
		fail "openssl could not make a certificate"
}
cert focus
cert sofia
cat "$TMP/focus.key" "$TMP/focus.crt" >"$TMP/focus.pem"
mkdir "$TMP/sofia"
cat "$TMP/sofia.key" "$TMP/sofia.crt" >"$TMP/sofia/agent.pem"
cat "$TMP/focus.crt" "$TMP/sofia.crt" >"$TMP/sofia/cafile.pem"

mkdir "$TMP/confs"
conf_doc conf1 alice | write_conf "$TMP/confs" conf1
PORT=$(free_port)
start_focus focus --conferences "$TMP/confs" --listen "tls:127.0.0.1:$PORT" \
	--tls-cert "$TMP/focus.pem" --min-interval 0
log="$TMP/focus.out"
UPORT=$(free_port)
TPORT=$(free_port)
slog="$TMP/sofia.out"
# Under ASan, Sofia-SIP's TLS transport leaks its OpenSSL context at exit
# (not ours to fix): leak checking is off for this helper only.
bg sofia env -C "$TMP" \
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	"$SOFIA_SUB" --target "sip:conf1@127.0.0.1:$PORT;transport=tls" \
	--bind "sip:127.0.0.1:$UPORT" --tls-bind "sips:127.0.0.1:$TPORT" \
	--tls-dir "$TMP/sofia" \
	--contact "<sip:sofia@127.0.0.1:$TPORT;transport=tls>" \
	--out "$TMP/sofia.xml" --until-version 2 --timeout 30
SOFIA_PID=$BG_PID
wait_line "$slog" '^notify version=1 state=full result=applied' 10 ||
	fail "no full state over TLS"
conf_doc conf1 alice bob | write_conf "$TMP/confs" conf1
wait_exit "$SOFIA_PID" 40
[ "$EXIT_STATUS" -eq 0 ] || fail "sofia_sub failed"
grep -q '^notify version=2 state=partial result=applied' "$slog" ||
	fail "no partial NOTIFY over TLS"
grep -Eq '^subscribe conf=conf1 .*transport=TLS' "$log" ||
	fail "the subscription did not come over TLS"
[ "$(count_lines "$log" '^notify conf=conf1 .*transport=TLS .*code=200')" -eq 2 ] ||
	fail "the NOTIFYs were not answered over TLS"
stop_focus "$FOCUS_PID" || fail "focus exit status $?"
echo "PASS"
