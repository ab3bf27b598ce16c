# confinfo focus under hand-written hostile requests (issue 13): each
# part names its defect.
#   8  SUBSCRIBE without Call-ID, From tag or Contact, or with a Contact
#      that is not a SIP URI: 400, not 503 ("Out Of Memory").
#  10  Call-ID and From values with spaces and quotes do not add fields
#      to the log line: peer-controlled values are quoted and escaped.
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

stop_focus "$FOCUS_PID" || fail "focus exit status $?"
echo "PASS"
