#!/usr/bin/env bash
# confinfo watch against a SIPp notifier that ends the subscription with
# terminated;reason=deactivated: the watcher subscribes again at once on a
# new dialog (SIPp sees a second call) and follows the state served there.
. "$(dirname "$0")/../lib.bash" "$@"

PORT=$(free_port)
sipp_uas sipp-deactivated sipp/watch_deactivated.xml $PORT u1 2
bg watch "$CONFINFO" watch --json --proxy "sip:127.0.0.1:$PORT" \
	--save "$TMP/state.xml" sip:weekly@conf.example.com
wait_exit "$BG_PID" 20
[ "$EXIT_STATUS" -eq 0 ] || fail "watch exited with $EXIT_STATUS"
sipp_ok deactivated 10

json_has "$TMP/watch.out" 'e["event"] == "terminated" and e["reason"] == "deactivated" and e["retry_ms"] == 0' ||
	fail "deactivated did not lead to an immediate new subscription"
n=$(json_count "$TMP/watch.out" 'e["event"] == "subscribed"')
[ "$n" -eq 2 ] || fail "expected 2 subscriptions, got $n"
json_has "$TMP/watch.out" 'e["event"] == "joined" and e["user"] == "sip:carol@example.com"' ||
	fail "the change seen through the new dialog was not reported"
assert_same_state "$TMP/state.xml" sipp/watch/migrated-v1-full.xml
echo ok
