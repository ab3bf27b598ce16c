#!/usr/bin/env bash
# confinfo watch against a SIPp notifier whose first NOTIFY is partial:
# nothing to apply it to, so the watcher refreshes (SIPp waits for it) and
# applies the full state that answers.
. "$(dirname "$0")/../lib.bash" "$@"

PORT=$(free_port)
sipp_uas sipp-partial-first sipp/watch_partial_first.xml $PORT
bg watch "$CONFINFO" watch --json --proxy "sip:127.0.0.1:$PORT" \
	--save "$TMP/state.xml" sip:weekly@conf.example.com
wait_exit "$BG_PID" 20
[ "$EXIT_STATUS" -eq 0 ] || fail "watch exited with $EXIT_STATUS"
sipp_ok partial-first 10

json_has "$TMP/watch.out" 'e["event"] == "resync"' ||
	fail "the partial first NOTIFY was not reported"
n=$(json_count "$TMP/watch.out" 'e["event"] == "state"')
[ "$n" -eq 1 ] || fail "expected only the full state applied, got $n states"
assert_same_state "$TMP/state.xml" sipp/watch/v2-full.xml
echo ok
