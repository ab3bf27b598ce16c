# Mutual TLS in the focus (issue 13, defect 4; RFC 4575 section 8.1):
# with --tls-client-ca, every TLS client must present a certificate issued
# by that CA. A watcher with one (--tls-cert) gets the state, and the focus
# logs the certificate's identity (its SAN URI); a watcher with a
# self-signed certificate, one from another CA (claiming the same
# identity), and a client with none at all are refused at the handshake,
# each with a log line naming the problem, and never get a subscription.
# The certificate's identity is the request's: a From other than it gets
# 403, and --allow is matched against it, not against the From.
. "$(dirname "$0")/../lib.bash" "$@"
. "$(dirname "$0")/tls_certs.bash"

mkdir "$TMP/confs"
conf_doc conf1 alice | write_conf "$TMP/confs" conf1
# Client certificates only exist on TLS listeners.
run 2 "$CONFINFO" focus --conferences "$TMP/confs" \
	--tls-client-ca "$PKI/ca.crt" --listen udp:127.0.0.1:0
expect_err 'tls-client-ca needs a --listen tls:'
PORT=$(free_port)
start_focus focus --conferences "$TMP/confs" --listen "tls:127.0.0.1:$PORT" \
	--tls-cert "$PKI/good.pem" --tls-client-ca "$PKI/ca.crt" \
	--allow sip:alice@example.com --domain focus.test --min-interval 0
log=$TMP/focus.out
URI="sips:conf1@127.0.0.1:$PORT"

# A certificate from the CA: accepted, its identity logged.
run 0 timeout 20 "$CONFINFO" watch --once --tls-ca "$PKI/ca.crt" \
	--tls-cert "$PKI/alice.pem" --from sip:alice@example.com "$URI"
expect_out 'subject: Test conference conf1'
has_line "$log" '^tls-client verified=yes identity="sip:alice@example.com" subject="CN=alice" issuer="CN=confinfo test CA"$' ||
	fail "no tls-client line with alice's identity"
[ "$(count_lines "$log" '^subscribe conf=conf1 .*transport=TLS')" -eq 1 ] ||
	fail "alice's subscription is not in the log"

# The certificate speaks for alice only: alice's certificate with bob's
# From, and bob's certificate (from the same CA) with alice's From, which
# is on --allow, both get 403; bob as himself is not on --allow.
tls_leaf ca bob "URI:sip:bob@example.com" 2
forbidden() { # NAME REASON ARGS...: a 403 with REASON, no subscription
	local name=$1 reason=$2
	shift 2
	run 1 timeout 20 "$CONFINFO" watch --once --tls-ca "$PKI/ca.crt" "$@" "$URI"
	has_line "$log" "^reject .*code=403 reason=\"$reason\"" ||
		fail "$name: no 403 '$reason' in the log"
}
forbidden alice-as-bob "From Is Not The Authenticated User" \
	--tls-cert "$PKI/alice.pem" --from sip:bob@example.com
n=$(count_lines "$log" 'reason="From Is Not The Authenticated User"')
forbidden bob-as-alice "From Is Not The Authenticated User" \
	--tls-cert "$PKI/bob.pem" --from sip:alice@example.com
[ "$(count_lines "$log" 'reason="From Is Not The Authenticated User"')" -gt "$n" ] ||
	fail "bob with alice's From was not refused"
forbidden bob "Forbidden" --tls-cert "$PKI/bob.pem" --from sip:bob@example.com

# refused NAME ERROR-REGEX ARGS...: a watcher with ARGS is refused at the
# handshake. libre 1.1.0 answers a failed handshake by closing the
# connection and lets the SUBSCRIBE transaction run to Timer F (32 s), so
# the watcher is stopped once the focus logged the refusal.
refused() {
	local name=$1 error=$2 n
	shift 2
	n=$(count_lines "$log" '^tls-client verified=no')
	bg "$name" "$CONFINFO" watch --once --tls-ca "$PKI/ca.crt" "$@" "$URI"
	wait_for 10 bash -c "[ \$(grep -c '^tls-client verified=no' '$log') -gt $n ]" ||
		fail "$name: the focus did not refuse the client certificate"
	has_line "$log" "^tls-client verified=no $error" ||
		fail "$name: the refusal does not say /$error/"
	kill -TERM "$BG_PID"
	wait_exit "$BG_PID" 10
	lacks_line "$TMP/$name.out" 'subject: ' || fail "$name got the state"
}
# Without --tls-cert the watcher presents its self-signed certificate.
refused selfsigned 'identity="confinfo" error="certificate issued by an unknown authority'
refused mallory 'identity="sip:alice@example.com" error="certificate issued by an unknown authority .*issuer="CN=another CA"' \
	--tls-cert "$PKI/mallory.pem"
# No certificate at all.
n=$(count_lines "$log" '^tls-client verified=no')
echo | timeout 10 openssl s_client -connect "127.0.0.1:$PORT" \
	-CAfile "$PKI/ca.crt" -quiet >"$TMP/s_client.out" 2>&1 || true
wait_for 10 bash -c "[ \$(grep -c '^tls-client verified=no' '$log') -gt $n ]" ||
	fail "a client without a certificate was not refused"
has_line "$log" '^tls-client verified=no identity="" error="no client certificate"' ||
	fail "the refusal does not say that the certificate is missing"

# Only alice ever subscribed.
[ "$(count_lines "$log" '^subscribe ')" -eq 1 ] ||
	fail "a refused client got a subscription"
stop_focus "$FOCUS_PID" || fail "focus exit status $?"
echo "PASS"
