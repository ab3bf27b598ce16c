#!/usr/bin/env bash
# confinfo watch against a SIPp notifier that sends undecodable bodies (a
# DOCTYPE with entities, a truncated document): each leaves the state
# untouched, is reported, and is answered with a refresh (SIPp waits for
# it); the full states that answer the refreshes apply.
. "$(dirname "$0")/../lib.bash" "$@"

PORT=$(free_port)
sipp_uas sipp-undecodable sipp/watch_undecodable.xml $PORT
bg watch "$CONFINFO" watch --json --proxy "sip:127.0.0.1:$PORT" \
	--save "$TMP/state.xml" sip:weekly@conf.example.com
wait_exit "$BG_PID" 20
[ "$EXIT_STATUS" -eq 0 ] || fail "watch exited with $EXIT_STATUS"
sipp_ok undecodable 10

n=$(json_count "$TMP/watch.out" 'e["event"] == "resync" and "undecodable" in e["message"]')
[ "$n" -eq 2 ] || fail "expected 2 undecodable bodies reported, got $n"
json_lacks "$TMP/watch.out" '"mallory" in str(e)' ||
	fail "content of an undecodable NOTIFY reached the state"
json_has "$TMP/watch.out" 'e["event"] == "discarded" and e["version"] == 2' ||
	fail "the repeated full v2 was not discarded"
assert_same_state "$TMP/state.xml" sipp/watch/v2-full.xml
echo ok
