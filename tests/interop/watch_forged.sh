#!/usr/bin/env bash
# confinfo watch against a SIPp notifier that sends NOTIFYs outside the
# dialog (another From-tag, another To-tag) and one of another event
# package: SIPp checks the 481, 481 and 489 answers; none of them touches
# the state, and the legitimate partial that follows applies.
. "$(dirname "$0")/../lib.bash" "$@"

PORT=$(free_port)
sipp_uas sipp-forged sipp/watch_forged.xml $PORT
bg watch "$CONFINFO" watch --json --proxy "sip:127.0.0.1:$PORT" \
	--save "$TMP/state.xml" sip:weekly@conf.example.com
wait_exit "$BG_PID" 20
[ "$EXIT_STATUS" -eq 0 ] || fail "watch exited with $EXIT_STATUS"
sipp_ok forged 10

json_lacks "$TMP/watch.out" '"mallory" in str(e)' ||
	fail "a forged NOTIFY reached the state"
json_has "$TMP/watch.out" 'e["event"] == "warning" and "481" in e["message"]' ||
	fail "the NOTIFY from outside the dialog was not reported"
json_has "$TMP/watch.out" 'e["event"] == "joined" and e["user"] == "sip:carol@example.com"' ||
	fail "the legitimate v2 was not applied"
assert_same_state "$TMP/state.xml" sipp/watch/v2-full.xml
echo ok
