#!/usr/bin/env bash
# confinfo watch against a SIPp notifier that skips a version: the partial
# NOTIFY after the gap is not applied, the watcher refreshes on the dialog
# and applies the full state that answers it; Ctrl-C unsubscribes. Run over
# UDP, then over TCP.
. "$(dirname "$0")/../lib.bash" "$@"

run_gap() {
	local tp=$1 port=$2 name=gap-$1
	sipp_uas "sipp-$name" sipp/watch_gap.xml "$port" "$tp"
	bg "$name" "$CONFINFO" watch --json --proxy "sip:127.0.0.1:$port" \
		--transport "$([ "$tp" = t1 ] && echo tcp || echo udp)" \
		--save "$TMP/$name.xml" sip:weekly@conf.example.com
	local wpid=$BG_PID
	wait_for 15 json_has "$TMP/$name.out" \
		'e["event"] == "state" and e["version"] == 4 and e["full"]' ||
		fail "$name: the full state v4 never arrived"
	kill -INT "$wpid"
	wait_exit "$wpid" 10
	[ "$EXIT_STATUS" -eq 0 ] || fail "$name: watch exited with $EXIT_STATUS"
	sipp_ok "$name" 10

	json_has "$TMP/$name.out" 'e["event"] == "resync" and "gap" in e["message"]' ||
		fail "$name: the gap was not reported"
	json_lacks "$TMP/$name.out" 'e["event"] == "state" and e["version"] == 4 and not e["full"]' ||
		fail "$name: the partial NOTIFY after the gap was applied"
	json_has "$TMP/$name.out" 'e["event"] == "joined" and e["user"] == "sip:carol@example.com"' ||
		fail "$name: carol's join (v2) was not reported"
	json_has "$TMP/$name.out" 'e["event"] == "left" and e["user"] == "sip:bob@example.com"' ||
		fail "$name: bob's departure (seen through the refresh) was not reported"
	json_has "$TMP/$name.out" 'e["event"] == "closed" and not e["error"]' ||
		fail "$name: no clean close"
	assert_same_state "$TMP/$name.xml" sipp/watch/v4-full.xml
}

run_gap u1 "$(free_port)"
run_gap t1 "$(free_port)"
echo "ok"
