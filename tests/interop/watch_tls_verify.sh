# confinfo watch verifies the TLS certificate of the focus it subscribes
# to (issue 13, defect 3): the chain against the system's store or
# --tls-ca, the validity dates, and the name of the first hop (the
# target's host, or the proxy's). A certificate for another name, from an
# unknown CA, or expired is refused with a message naming the problem;
# --tls-insecure accepts anything and warns. sips: targets with a name go
# through libre's DNS client (RFC 3263: SRV _sips._tcp, then A), pointed
# with --dns-server at a dnsmasq of this test on 127.0.0.1 that knows only
# the test's names and asks nobody else.
. "$(dirname "$0")/../lib.bash" "$@"
. "$(dirname "$0")/tls_certs.bash"

need_cmd dnsmasq dnsmasq-base

mkdir "$TMP/confs"
conf_doc conf1 alice | write_conf "$TMP/confs" conf1
PORT=$(free_port)
DNS_PORT=$(free_port)
# --no-resolv and no server=: a name the test does not define gets
# REFUSED, never a query off this machine.
bg dns dnsmasq --keep-in-foreground --port="$DNS_PORT" \
	--listen-address=127.0.0.1 --bind-interfaces --no-resolv --no-hosts \
	--conf-file=/dev/null --pid-file= --log-queries --log-facility=- \
	--host-record=focus.test,127.0.0.1 \
	--srv-host="_sips._tcp.focus.test,focus.test,$PORT"
wait_port udp "$DNS_PORT"

# serve CERT: (re)start the focus on tls:127.0.0.1:$PORT presenting
# $PKI/CERT.pem.
N=0
serve() {
	if [ -n "${FOCUS_PID:-}" ]; then
		stop_focus "$FOCUS_PID" || fail "focus exit status $?"
	fi
	N=$((N + 1))
	wait_for 10 eval '! port_open tcp '"$PORT" || fail "port $PORT busy"
	start_focus "focus$N" --conferences "$TMP/confs" \
		--listen "tls:127.0.0.1:$PORT" --tls-cert "$PKI/$1.pem" \
		--domain focus.test --min-interval 0
}

# watch STATUS ARGS...: confinfo watch --once ARGS, at most 20 s (a
# refusal must not wait for a timer), from 127.0.0.1, with our resolver.
watch() {
	local want=$1
	shift
	run "$want" timeout 20 "$CONFINFO" watch --once --local 127.0.0.1 \
		--dns-server "127.0.0.1:$DNS_PORT" "$@"
}
BY_ADDR="sips:conf1@127.0.0.1:$PORT"
BY_NAME="sips:conf1@focus.test"

serve good
# The system's store does not know the test CA: verification is the
# default.
watch 1 "$BY_ADDR"
expect_err 'TLS: certificate issued by an unknown authority .*issuer CN=confinfo test CA'
lacks_line "$OUT" 'subject: ' || fail "state shown from an unverified focus"

# Trusted with --tls-ca, by address (the certificate's IP SAN) ...
watch 0 --tls-ca "$PKI/ca.crt" "$BY_ADDR"
expect_out 'subject: Test conference conf1'
# ... and by name, resolved through SRV and A by libre's DNS client.
watch 0 --tls-ca "$PKI/ca.crt" "$BY_NAME"
expect_out 'subject: Test conference conf1'
has_line "$TMP/dns.err" 'query\[SRV\] _sips\._tcp\.focus\.test' ||
	fail "no SRV query for _sips._tcp.focus.test"
# Through a proxy, the name checked is the proxy's (the first hop), not
# the target's domain.
watch 0 --tls-ca "$PKI/ca.crt" --proxy "sip:focus.test;transport=tls" \
	"sips:conf1@elsewhere.test"
expect_out 'subject: Test conference conf1'
# A sips: proxy is reached over TLS too, whatever the target.
watch 0 --tls-ca "$PKI/ca.crt" --proxy "sips:focus.test" \
	"sip:conf1@elsewhere.test"
expect_out 'subject: Test conference conf1'

# TLS on every hop: the NOTIFYs went back over TLS too.
has_line "$TMP/focus1.out" '^notify conf=conf1 .*transport=TLS .*code=200' ||
	fail "no NOTIFY answered over TLS"
lacks_line "$TMP/focus1.out" 'transport=(UDP|TCP)' ||
	fail "a request went without TLS"

# A certificate from the trusted CA for another name.
serve other
watch 1 --tls-ca "$PKI/ca.crt" "$BY_NAME"
expect_err 'TLS: certificate is for another name \(expected focus\.test\)'
lacks_line "$OUT" 'subject: ' || fail "state shown from the wrong host"
watch 1 --tls-ca "$PKI/ca.crt" "$BY_ADDR"
expect_err 'TLS: certificate is for another name \(expected 127\.0\.0\.1\)'
watch 1 --tls-ca "$PKI/ca.crt" --proxy "sips:focus.test" \
	"sip:conf1@other.test"
expect_err 'TLS: certificate is for another name \(expected focus\.test\)'

# An expired certificate from the trusted CA.
serve expired
watch 1 --tls-ca "$PKI/ca.crt" "$BY_NAME"
expect_err 'TLS: certificate has expired \(subject CN=expired'
lacks_line "$OUT" 'subject: ' || fail "state shown from an expired cert"

# A certificate for the right name from another CA.
serve rogue
watch 1 --tls-ca "$PKI/ca.crt" "$BY_NAME"
expect_err 'TLS: certificate issued by an unknown authority .*issuer CN=another CA'
lacks_line "$OUT" 'subject: ' || fail "state shown from an unknown CA"

# --tls-insecure takes it, and says what that means on every run.
watch 0 --tls-insecure "$BY_NAME"
expect_out 'subject: Test conference conf1'
expect_err 'warning: --tls-insecure: .*not verified'
run 2 "$CONFINFO" watch --tls-insecure --tls-ca "$PKI/ca.crt" "$BY_NAME"
expect_err 'exclude each other'

stop_focus "$FOCUS_PID" || fail "focus exit status $?"
echo "PASS"
