# TLS on every hop of a sips: dialog (issue 13, defect 3; RFC 3261 12.1.1
# and 19.1, RFC 5630): when a SUBSCRIBE reaches the focus with a sips:
# Request-URI (over its tls: listener), the focus's Contact in the 200 and
# in every NOTIFY is a sips: URI, so that the subscriber's refreshes and
# unsubscribe stay on TLS; the NOTIFYs go over TLS, also to a sips:
# Contact (which libre 1.1.0 alone cannot route); a sips: SUBSCRIBE whose
# Contact is reached without TLS, or that did not come over TLS, gets 400.
# Over TCP the focus's Contact says transport=tcp, in the NOTIFYs too.
# The Contacts are read on the wire by a raw subscriber (sip_raw.py,
# Python's ssl verifying the focus against the test CA); confinfo watch
# then follows the sips: Contact for a refresh and its unsubscribe.
. "$(dirname "$0")/../lib.bash" "$@"
. "$(dirname "$0")/tls_certs.bash"

RAW=$TESTS_DIR/interop/sip_raw.py
mkdir "$TMP/confs"
conf_doc conf1 alice | write_conf "$TMP/confs" conf1
PORT=$(free_port)
TCPPORT=$(free_port)
start_focus focus --conferences "$TMP/confs" \
	--listen "tls:127.0.0.1:$PORT" --tls-cert "$PKI/good.pem" \
	--listen "udp:127.0.0.1:$TCPPORT" --listen "tcp:127.0.0.1:$TCPPORT" \
	--min-interval 0 --expires-min 2
log="$TMP/focus.out"

# subscribe NAME TRANSPORT PORT URI CONTACT [sip_raw.py options]: a
# SUBSCRIBE to URI over TRANSPORT, its answers (and their Contacts) in
# $TMP/NAME.raw.
subscribe() {
	local name=$1 tp=$2 port=$3 uri=$4 contact=$5 via
	shift 5
	via=$(echo "$tp" | tr a-z A-Z)
	{
		echo "SUBSCRIBE $uri SIP/2.0"
		echo "Via: SIP/2.0/$via 127.0.0.1:{lport};branch=z9hG4bK-$name"
		echo "From: <sip:alice@example.com>;tag=a-$name"
		echo "To: <$uri>"
		echo "Call-ID: {callid}"
		echo "CSeq: 1 SUBSCRIBE"
		echo "Max-Forwards: 70"
		echo "Contact: <$contact>"
		echo "Event: conference"
		echo "Expires: 600"
		echo "Content-Length: 0"
		echo
	} | python3 "$RAW" "$tp" "$port" --ca "$PKI/ca.crt" --contacts \
		--wait 1.5 "$@" >"$TMP/$name.raw" ||
		fail "sip_raw.py $name failed"
}
# expect NAME REGEX: a line of $TMP/NAME.raw matches REGEX.
expect() {
	has_line "$TMP/$1.raw" "$2" ||
		fail "$1: no line '$2' in: $(tr '\n' '|' <"$TMP/$1.raw")"
}
# only NAME REGEX: every contact line of $TMP/NAME.raw matches REGEX.
only() {
	if grep '^contact ' "$TMP/$1.raw" | grep -Ev "$2" >/dev/null; then
		fail "$1: a Contact not matching '$2': $(tr '\n' '|' \
			<"$TMP/$1.raw")"
	fi
}

SIPS="sips:conf1@127.0.0.1:$PORT"
OURS="<sips:conf1@127\.0\.0\.1:$PORT>"

# A sips: subscription with the Contact libre-based subscribers write:
# the 200 and the NOTIFY carry the focus's sips: Contact.
subscribe tls-param tls "$PORT" "$SIPS" \
	"sip:raw@127.0.0.1:{lport};transport=tls"
expect tls-param '^response 200 '
expect tls-param '^request NOTIFY'
[ "$(grep -c "^contact $OURS\$" "$TMP/tls-param.raw")" -ge 2 ] ||
	fail "no sips: Contact in the 200 and the NOTIFY:" \
		"$(tr '\n' '|' <"$TMP/tls-param.raw")"
only tls-param "^contact $OURS\$"

# A sips: Contact (RFC 3261 8.1.1.8): the NOTIFY reaches it over TLS.
subscribe sips-contact tls "$PORT" "$SIPS" "sips:raw@127.0.0.1:{lport}"
expect sips-contact '^response 200 '
expect sips-contact '^request NOTIFY'
only sips-contact "^contact $OURS\$"

# A sips: dialog whose NOTIFYs would leave without TLS is refused.
subscribe plain-contact tls "$PORT" "$SIPS" "sip:raw@127.0.0.1:{lport}"
expect plain-contact '^response 400 Contact Must Be SIPS'
subscribe tcp-contact tls "$PORT" "$SIPS" \
	"sip:raw@127.0.0.1:{lport};transport=tcp"
expect tcp-contact '^response 400 Contact Must Be SIPS'
subscribe sips-over-tcp tcp "$TCPPORT" "sips:conf1@127.0.0.1:$TCPPORT" \
	"sips:raw@127.0.0.1:{lport}"
expect sips-over-tcp '^response 400 SIPS Request Not Over TLS'
lacks_line "$TMP/sips-over-tcp.raw" '^request NOTIFY' ||
	fail "a NOTIFY of a sips: dialog went over TCP"

# A sip: URI over TLS keeps the sip: Contact with transport=tls.
subscribe sip-over-tls tls "$PORT" "sip:conf1@127.0.0.1:$PORT" \
	"sip:raw@127.0.0.1:{lport};transport=tls"
expect sip-over-tls '^request NOTIFY'
only sip-over-tls "^contact <sip:conf1@127\.0\.0\.1:$PORT;transport=tls>\$"

# Over TCP the Contact names tcp, in the 200 and in the NOTIFY (libre
# 1.1.0 passes UDP to the NOTIFY's send handler when the focus has a UDP
# listener too).
subscribe tcp tcp "$TCPPORT" "sip:conf1@127.0.0.1:$TCPPORT" \
	"sip:raw@127.0.0.1:{lport};transport=tcp"
expect tcp '^response 200 '
expect tcp '^request NOTIFY'
[ "$(grep -c '^contact ' "$TMP/tcp.raw")" -ge 2 ] ||
	fail "tcp: no Contact in the 200 and the NOTIFY"
only tcp "^contact <sip:conf1@127\.0\.0\.1:$TCPPORT;transport=tcp>\$"

# A TCP subscriber whose Contact has no transport gets its NOTIFYs over
# UDP (RFC 3263; here to the second socket, {vport}); their Contact still
# names tcp, the transport it reaches the focus with, not the UDP that
# libre 1.1.0 passes to the NOTIFY's send handler.
subscribe tcp-udp tcp "$TCPPORT" "sip:conf1@127.0.0.1:$TCPPORT" \
	"sip:raw@127.0.0.1:{vport}" --victim 127.0.0.1
expect tcp-udp '^response 200 '
expect tcp-udp '^victim '
only tcp-udp "^contact <sip:conf1@127\.0\.0\.1:$TCPPORT;transport=tcp>\$"

# confinfo watch follows the sips: Contact: its refresh (Expires 2, so
# within a few seconds) and its unsubscribe arrive over TLS.
# Interrupted after 5 s (SIGINT: a clean end, exit 0). --foreground:
# without it timeout sends the signal twice, to the watcher and then to
# its own process group, and a second SIGINT while the watcher is
# unsubscribing means "quit now" (exit 1), which a loaded machine shows.
run 0 timeout --foreground --preserve-status -s INT 5 "$CONFINFO" watch \
	--local 127.0.0.1 --tls-ca "$PKI/ca.crt" --expires 2 "$SIPS"
expect_out 'subject: Test conference conf1'
wait_line "$log" "^unsubscribe conf=conf1 .*transport=TLS" 5 ||
	fail "the watcher's unsubscribe did not arrive"
has_line "$log" '^refresh conf=conf1 .*transport=TLS ' ||
	fail "no refresh over TLS"
lacks_line "$log" '^(refresh|unsubscribe) conf=conf1 .*transport=(UDP|TCP)' ||
	fail "an in-dialog request of a sips: dialog came without TLS"

stop_focus "$FOCUS_PID" || fail "focus exit status $?"
echo "PASS"
