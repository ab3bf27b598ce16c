# confinfo focus under hand-written hostile requests (issue 13): each
# part names its defect.
#   8  SUBSCRIBE without Call-ID, From tag or Contact, or with a Contact
#      that is not a SIP URI: 400, not 503 ("Out Of Memory").
#  10  Call-ID and From values with spaces and quotes do not add fields
#      to the log line: peer-controlled values are quoted and escaped.
#  11  A Content-Length that wraps (2^32 + n read as n) gets 413, over UDP
#      and TCP, for SUBSCRIBE and PUBLISH; one longer than the datagram's
#      body, or not a number, 400; a PUBLISH body without Content-Type
#      415. None of them changes the served state.
#  12  Reflection: without authentication, a SUBSCRIBE whose Contact or
#      Record-Route names another address than its source (a "victim"
#      socket), over UDP or TCP, and a refresh that moves the Contact to
#      the victim, get 403; the victim receives nothing, while the real
#      subscriber gets its NOTIFYs.
. "$(dirname "$0")/../lib.bash" "$@"

RAW=$TESTS_DIR/interop/sip_raw.py
mkdir "$TMP/confs"
conf_doc conf1 alice | write_conf "$TMP/confs" conf1
PORT=$(free_port)
start_focus focus --conferences "$TMP/confs" --listen "udp:127.0.0.1:$PORT" \
	--listen "tcp:127.0.0.1:$PORT" --min-interval 0 \
	--publisher sip:mixer@example.com
log=$TMP/focus.out

# raw NAME udp|tcp [sip_raw.py options] <MESSAGE: send it, the output in
# $TMP/NAME.raw.
raw() {
	local name=$1 tp=$2
	shift 2
	python3 "$RAW" "$tp" "$PORT" "$@" >"$TMP/$name.raw" ||
		fail "sip_raw.py $name failed"
}
# expect_status NAME CODE: the first response to request NAME was CODE.
expect_status() {
	local got
	got=$(grep -m 1 '^response ' "$TMP/$1.raw" | cut -d ' ' -f 2) || true
	[ "$got" = "$2" ] || fail "$1: expected $2, got '${got:-nothing}'"
}

# subscribe NAME HEADER...: a SUBSCRIBE to conf1 with the given headers
# besides Via, To, CSeq, Max-Forwards, Event and Expires.
subscribe() {
	local name=$1
	shift
	{
		echo "SUBSCRIBE sip:conf1@127.0.0.1:$PORT SIP/2.0"
		echo "Via: SIP/2.0/UDP 127.0.0.1:{lport};branch=z9hG4bK-$name"
		echo "To: <sip:conf1@127.0.0.1>"
		echo "CSeq: 1 SUBSCRIBE"
		echo "Max-Forwards: 70"
		echo "Event: conference"
		echo "Expires: 600"
		printf '%s\n' "$@"
		echo "Content-Length: 0"
		echo
	} | raw "$name" udp --wait 0.5
}

# --- 8: malformed SUBSCRIBEs get 400.
FROM="From: <sip:alice@example.com>;tag=a1"
CONTACT="Contact: <sip:alice@127.0.0.1:{lport}>"
subscribe nocallid "$FROM" "$CONTACT"
expect_status nocallid 400
subscribe nocontact "$FROM" "Call-ID: {callid}"
expect_status nocontact 400
subscribe badcontact "$FROM" "Call-ID: {callid}" "Contact: mailto:x@y"
expect_status badcontact 400
subscribe notag "From: <sip:alice@example.com>" "Call-ID: {callid}" "$CONTACT"
expect_status notag 400
grep -Eq '^reject conf=conf1 .*code=400 reason="Missing Call-ID"' "$log" ||
	fail "the SUBSCRIBE without Call-ID was not logged as a 400"
lacks_line "$log" 'code=503' || fail "a malformed SUBSCRIBE got 503"
# A well-formed one still works.
subscribe good "$FROM" "Call-ID: {callid}" "$CONTACT"
expect_status good 200

# --- 10: log injection. The line of each forged request (refused with
# 406) must parse as EVENT key=value... (values bare or "quoted",
# \-escaped) with exactly one code, the real one, and the forged values
# inside their fields.
subscribe inject1 'From: <sip:eve@example.com>;tag=e1' \
	'Call-ID: x1 code=200 peer=sip:admin@example.com' "$CONTACT" \
	'Accept: text/plain'
subscribe inject2 'From: <sip:eve@example.com>;tag=e2' \
	'Call-ID: x2" code="200' "$CONTACT" 'Accept: text/plain'
python3 - "$log" <<'PY' || fail "a forged value added fields to the log"
import re, sys
field = re.compile(r' ([a-z-]+)=("(?:[^"\\]|\\.)*"|[^" ]*)')
seen = 0
for line in open(sys.argv[1]).read().splitlines():
    if "x1" not in line and "x2" not in line:
        continue
    seen += 1
    event, rest = line.split(" ", 1)
    rest = " " + rest
    fields = field.findall(rest)
    if "".join(" %s=%s" % f for f in fields) != rest:
        sys.exit("not key=value fields: " + line)
    keys = [k for k, _ in fields]
    codes = [v for k, v in fields if k == "code"]
    if len(keys) != len(set(keys)) or codes != ["406"]:
        sys.exit("forged fields: " + line)
    callid = dict(fields)["call-id"]
    if not (callid.startswith('"x1 code=200') or
            callid == r'"x2\" code=\"200"'):
        sys.exit("call-id not quoted as sent: " + line)
if seen != 2:
    sys.exit("%d lines of the forged requests, expected 2" % seen)
PY

# --- 11: lengths and types.
DOC='<conference-info xmlns="urn:ietf:params:xml:ns:conference-info" entity="sip:conf1@example.com" state="full" version="1"><users><user entity="sip:mallory@example.com"/></users></conference-info>'
# publish NAME TRANSPORT CONTENT-LENGTH [CONTENT-TYPE]: a PUBLISH of
# conf1 by the mixer with DOC as its body.
publish() {
	local tp=$2 via=UDP
	[ "$tp" = tcp ] && via=TCP
	{
		echo "PUBLISH sip:conf1@127.0.0.1:$PORT SIP/2.0"
		echo "Via: SIP/2.0/$via 127.0.0.1:{lport};branch=z9hG4bK-$1"
		echo "From: <sip:mixer@example.com>;tag=m1"
		echo "To: <sip:conf1@127.0.0.1>"
		echo "Call-ID: {callid}"
		echo "CSeq: 1 PUBLISH"
		echo "Max-Forwards: 70"
		echo "Event: conference"
		echo "Expires: 600"
		[ -n "${4:-}" ] && echo "Content-Type: $4"
		echo "Content-Length: $3"
		echo
		printf '%s' "$DOC"
	} | raw "$1" "$tp" --wait 0.5
}
CT=application/conference-info+xml
publish pub-wrap-udp udp auto+4294967296 "$CT"
expect_status pub-wrap-udp 413
publish pub-wrap-tcp tcp auto+4294967296 "$CT"
expect_status pub-wrap-tcp 413
publish pub-short udp auto+100 "$CT"
expect_status pub-short 400
publish pub-nan udp 12abc "$CT"
expect_status pub-nan 400
publish pub-notype udp auto
expect_status pub-notype 415
grep -Eq '^publish conf=conf1 .*code=413 reason="Request Entity Too Large \(raise with --max-bytes\)"' "$log" ||
	fail "the wrapped PUBLISH was not logged as a 413 naming --max-bytes"
lacks_line "$log" '^conference conf=conf1 what=changed' ||
	fail "a refused PUBLISH changed conf1"
# SUBSCRIBE over TCP with ten body bytes and a length of 2^32 + 10.
{
	echo "SUBSCRIBE sip:conf1@127.0.0.1:$PORT SIP/2.0"
	echo "Via: SIP/2.0/TCP 127.0.0.1:{lport};branch=z9hG4bK-subwrap"
	echo "From: <sip:alice@example.com>;tag=w1"
	echo "To: <sip:conf1@127.0.0.1>"
	echo "Call-ID: {callid}"
	echo "CSeq: 1 SUBSCRIBE"
	echo "Contact: <sip:alice@127.0.0.1:{lport};transport=tcp>"
	echo "Max-Forwards: 70"
	echo "Event: conference"
	echo "Content-Length: 4294967306"
	echo
	printf '0123456789'
} | raw sub-wrap tcp --wait 0.5
expect_status sub-wrap 413
# And the well-formed PUBLISH is accepted: the refusals were the checks.
publish pub-good udp auto "$CT"
expect_status pub-good 200

# --- 12: reflection. reflect NAME TRANSPORT VICTIM-ADDR HEADER...: a
# SUBSCRIBE to conf1 with these headers (Contact or Record-Route naming
# {vport} of the victim socket on VICTIM-ADDR).
reflect() {
	local name=$1 tp=$2 vaddr=$3 via=UDP
	shift 3
	[ "$tp" = tcp ] && via=TCP
	{
		echo "SUBSCRIBE sip:conf1@127.0.0.1:$PORT SIP/2.0"
		echo "Via: SIP/2.0/$via 127.0.0.1:{lport};branch=z9hG4bK-$name"
		echo "From: <sip:eve@example.com>;tag=r-$name"
		echo "To: <sip:conf1@127.0.0.1>"
		echo "Call-ID: {callid}"
		echo "CSeq: 1 SUBSCRIBE"
		echo "Max-Forwards: 70"
		echo "Event: conference"
		echo "Expires: 600"
		printf '%s\n' "$@"
		echo "Content-Length: 0"
		echo
	} | raw "$name" "$tp" --wait 1.5 --victim "$vaddr"
	lacks_line "$TMP/$name.raw" '^victim ' ||
		fail "$name: the victim received state"
}
reflect refl-udp udp 127.0.0.1 'Contact: <sip:v@127.0.0.1:{vport}>'
expect_status refl-udp 403
reflect refl-tcp tcp 127.0.0.2 'Contact: <sip:v@127.0.0.2:{vport}>'
expect_status refl-tcp 403
reflect refl-rr udp 127.0.0.1 'Contact: <sip:e@127.0.0.1:{lport}>' \
	'Record-Route: <sip:127.0.0.1:{vport};lr>'
expect_status refl-rr 403
grep -Eq '^reject conf=conf1 .*code=403 reason="Contact Is Not The Source"' "$log" ||
	fail "the reflected SUBSCRIBE was not logged"
# A refresh of a good subscription that moves the Contact to the victim.
cat >"$TMP/refresh.sip" <<SIP
SUBSCRIBE sip:conf1@127.0.0.1:$PORT SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:{lport};branch=z9hG4bK-refl-refresh2
From: <sip:eve@example.com>;tag=r-refresh
To: <sip:conf1@127.0.0.1>;tag={totag}
Call-ID: {callid}
CSeq: 2 SUBSCRIBE
Contact: <sip:v@127.0.0.1:{vport}>
Max-Forwards: 70
Event: conference
Expires: 600
Content-Length: 0

SIP
raw refl-refresh udp --wait 1.5 --victim 127.0.0.1 \
	--then "$TMP/refresh.sip" <<SIP
SUBSCRIBE sip:conf1@127.0.0.1:$PORT SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:{lport};branch=z9hG4bK-refl-refresh1
From: <sip:eve@example.com>;tag=r-refresh
To: <sip:conf1@127.0.0.1>
Call-ID: {callid}
CSeq: 1 SUBSCRIBE
Contact: <sip:e@127.0.0.1:{lport}>
Max-Forwards: 70
Event: conference
Expires: 600
Content-Length: 0

SIP
grep -q '^request NOTIFY' "$TMP/refl-refresh.raw" ||
	fail "the subscriber did not get its own NOTIFY"
[ "$(grep '^response ' "$TMP/refl-refresh.raw" | cut -d ' ' -f 2 |
	tr '\n' ' ')" = "200 403 " ] ||
	fail "refresh moving the Contact: $(grep '^response' "$TMP/refl-refresh.raw")"
lacks_line "$TMP/refl-refresh.raw" '^victim ' ||
	fail "the refresh sent state to the victim"

stop_focus "$FOCUS_PID" || fail "focus exit status $?"
echo "PASS"
