# confinfo focus --state under raised limits (issue 13, defect 5): a
# conference of 10001 users, served under --max-users 20000 (the default
# is 10000), is stored; the focus crashes, the file breaks; the restarted
# focus loads the stored state within the same limits and still serves
# it (a SUBSCRIBE gets 200, not 404), without a warning that it skipped
# it.
. "$(dirname "$0")/../lib.bash" "$@"

RAW=$TESTS_DIR/interop/sip_raw.py
mkdir "$TMP/confs"
{
	echo '<conference-info xmlns="urn:ietf:params:xml:ns:conference-info"'
	echo '  entity="sip:big@example.com" state="full" version="1"><users>'
	seq 10001 | sed 's|.*|<user entity="sip:u&@example.com"/>|'
	echo '</users></conference-info>'
} | write_conf "$TMP/confs" big
PORT=$(free_port)
ARGS=(--conferences "$TMP/confs" --listen "udp:127.0.0.1:$PORT"
	--state "$TMP/state.db" --max-users 20000)
start_focus focus1 "${ARGS[@]}"
grep -q '^conference conf=big what=added' "$TMP/focus1.out" ||
	fail "focus1 does not serve the 10001-user conference"
kill -9 "$FOCUS_PID"
wait "$FOCUS_PID" 2>/dev/null || true
# Broken while the focus is down: only the store can serve it now.
echo '<conference-info' >"$TMP/confs/big.xml"

start_focus focus2 "${ARGS[@]}"
grep -q '^conference conf=big what=added' "$TMP/focus2.out" ||
	fail "the restarted focus dropped the stored 10001-user conference"
lacks_line "$TMP/focus2.err" 'skipped' || fail "the store skipped a conference"
python3 "$RAW" udp "$PORT" --wait 1 >"$TMP/raw.out" <<SIP
SUBSCRIBE sip:big@127.0.0.1:$PORT SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:{lport};branch=z9hG4bK-big1
From: <sip:alice@example.com>;tag=big1
To: <sip:big@127.0.0.1>
Call-ID: {callid}
CSeq: 1 SUBSCRIBE
Contact: <sip:alice@127.0.0.1:{lport}>
Max-Forwards: 70
Event: conference
Expires: 0
Content-Length: 0

SIP
grep -q '^response 200' "$TMP/raw.out" ||
	fail "the restarted focus does not serve big: $(head -n 1 "$TMP/raw.out")"
stop_focus "$FOCUS_PID" || fail "focus exit status $?"
echo "PASS"
