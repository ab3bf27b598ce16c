#!/usr/bin/env bash
# confinfo watch against a SIPp notifier whose versions go back (a partial
# v1, a second v2, the full v1 again after v2): each must be discarded
# unprocessed; the v3 that follows applies; terminated;reason=noresource
# ends the watch with status 0.
. "$(dirname "$0")/../lib.bash" "$@"

PORT=$(free_port)
sipp_uas sipp-rollback sipp/watch_rollback.xml $PORT
bg watch "$CONFINFO" watch --json --proxy "sip:127.0.0.1:$PORT" \
	--save "$TMP/state.xml" sip:weekly@conf.example.com
wait_exit "$BG_PID" 20
[ "$EXIT_STATUS" -eq 0 ] || fail "watch exited with $EXIT_STATUS"
sipp_ok rollback 10

n=$(json_count "$TMP/watch.out" 'e["event"] == "discarded"')
[ "$n" -eq 3 ] || fail "expected 3 discarded NOTIFYs, got $n"
json_lacks "$TMP/watch.out" '"mallory" in str(e)' ||
	fail "content of a stale NOTIFY reached the state"
json_has "$TMP/watch.out" 'e["event"] == "state" and e["version"] == 3' ||
	fail "v3 was not applied"
json_has "$TMP/watch.out" 'e["event"] == "closed" and e["reason"] == "noresource" and not e["error"]' ||
	fail "noresource was not reported as a normal end"
assert_same_state "$TMP/state.xml" sipp/watch/expected-rollback.xml
echo ok
