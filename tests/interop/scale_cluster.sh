#!/usr/bin/env bash
# Scale-out end to end (docs/scale-out.md): PostgreSQL, three focus nodes
# sharing it, Kamailio with deploy/kamailio/kamailio.cfg in front (the
# dispatcher hashes the conference name), 30 conferences each watched by
# `confinfo watch` through the proxy with a short Expires, and a stream
# of PUBLISHes through the proxy; at the end 300 SIPp subscribers, ten
# per conference, through the proxy.
# - every watcher converges on the revision acknowledged last;
# - kill -9 of a node that holds subscriptions: its watchers get the
#   proxy's 408 on their next refresh, subscribe again (new dialog) to a
#   live node and converge; no PUBLISH answered 200 is lost; no watcher
#   ever sees a revision go back;
# - the node restarts and serves the stored (latest) state, not a stale
#   one, and the stream goes on;
# - every SIPp subscriber gets the last revision.
. "$(dirname "$0")/../lib.bash" "$@"
. "$(dirname "$0")/scale_lib.bash"

need_cmd kamailio kamailio
start_pg
mkdir "$TMP/confs"
P1=$(free_port) P2=$(free_port) P3=$(free_port) KPORT=$(free_port)
start_node node1 "$P1"

start_node node2 "$P2"
start_node node3 "$P3"
start_kamailio "$KPORT" "$P1" "$P2" "$P3"

CONFS=()
for i in $(seq -w 0 29); do
	CONFS+=("c$i")
done
ALL=$(
	IFS=,
	echo "${CONFS[*]}"
)
converged() {
	python3 "$TESTS_DIR/interop/scale_check.py" --quiet "$TMP/pub.pub" -- \
		"$TMP"/watch-*.out
}
check() {
	python3 "$TESTS_DIR/interop/scale_check.py" "$TMP/pub.pub" -- \
		"$TMP"/watch-*.out >&2 || fail "$1"
}

publish pub "$KPORT" "$ALL" 1 1
[ "$(count_lines "$TMP/pub.pub" ' 200 ')" -eq 30 ] ||
	fail "the first PUBLISHes were not all accepted"
# Every node holds every conference, whichever node took the PUBLISH.
wait_for 10 prints 30 psql_q 'SELECT count(*) FROM confinfo_conference' ||
	fail "the store does not hold the 30 conferences"
for n in node1 node2 node3; do
	wait_for 10 at_least 30 count_lines "$TMP/$n.out" \
		'^conference conf=c[0-9]+ what=(added|changed)' ||
		fail "$n does not serve the 30 conferences"
done

for c in "${CONFS[@]}"; do
	bg "watch-$c" "$CONFINFO" watch --json --expires 6 \
		"sip:$c@127.0.0.1:$KPORT"
done
wait_for 20 converged || check "the watchers did not get the first state"

publish pub "$KPORT" "$ALL" 2 3
wait_for 15 converged || check "the watchers did not converge"

# The node of the most subscriptions dies.
victim=node1 best=-1
for n in node1 node2 node3; do
	k=$(count_lines "$TMP/$n.out" '^subscribe ')
	if [ "$k" -gt "$best" ]; then
		victim=$n best=$k
	fi
done
[ "$best" -gt 0 ] || fail "no node logged a subscription"
VPORT=${NODE_PORT[$victim]}
kill -KILL "${NODE_PID[$victim]}"
wait_exit "${NODE_PID[$victim]}" 5
# The stream goes on meanwhile: the PUBLISHes of the dead node's
# conferences fail over to the next node.
publish pub "$KPORT" "$ALL" 4 5
wait_for 30 converged || check "the watchers did not converge after the kill"
# Its watchers started new subscriptions (new dialogs): one terminated
# event each, at least.
moved=0
for f in "$TMP"/watch-*.out; do
	if json_has "$f" 'e["event"] == "terminated"'; then
		moved=$((moved + 1))
	fi
done
[ "$moved" -gt 0 ] || fail "no watcher subscribed again after the kill"
echo "$best subscriptions on $victim, $moved watchers moved" >&2

# The node comes back: it serves what the store holds (rev 5 of every
# conference), never what it served before it died.
start_node "$victim-again" "$VPORT"
for c in c00 c13 c29; do
	"$CONFINFO" watch --json --once "sip:$c@127.0.0.1:$VPORT" 		>"$TMP/once-$c.json" 2>"$TMP/once-$c.err" ||
		fail "watch --once of $c at the restarted node failed"
	json_has "$TMP/once-$c.json" 'e["event"] == "state" and e["conference"]["subject"] == "rev 5"' ||
		fail "the restarted node serves a stale $c"
done
publish pub "$KPORT" "$ALL" 6 6
wait_for 20 converged || check "the watchers did not converge after the restart"
check "final check"

# A few hundred SIPp subscribers through the proxy, ten per conference:
# each one answers every NOTIFY until it holds rev 7 (SIPp fails a call
# that does not get there).
printf 'SEQUENTIAL\n' >"$TMP/subs.csv"
for r in $(seq 10); do
	for c in "${CONFS[@]}"; do
		echo "$c;" >>"$TMP/subs.csv"
	done
done
sipp_subs() { # how many subscriptions of SIPp the nodes logged
	cat "$TMP"/node*.out | grep -c '^subscribe .*peer="sip:sub' || true
}
bg sipp-subs sipp -sf "$TESTS_DIR/interop/sipp/scale_sub.xml" \
	-inf "$TMP/subs.csv" -t u1 -m 300 -r 200 -l 300 -i 127.0.0.1 \
	-p "$(free_port)" -nostdin -timeout 40s -timeout_error \
	-trace_err -error_file "$TMP/sipp-subs.log" "127.0.0.1:$KPORT"
SUBS=$BG_PID
wait_for 20 at_least 300 sipp_subs || fail "the SIPp subscriptions were not set up"
publish pub "$KPORT" "$ALL" 7 7
wait_exit "$SUBS" 30
[ "$EXIT_STATUS" -eq 0 ] || fail "SIPp subscribers did not all get rev 7 (status $EXIT_STATUS)"
wait_for 20 converged || check "the watchers did not converge on rev 7"

# Nothing acknowledged is missing from the store.
for c in "${CONFS[@]}"; do
	want=$(awk -v c="$c" '$1 == c && $3 == 200 { if ($2 > m) m = $2 } END { print m }' "$TMP/pub.pub")
	got=$(psql_q "SELECT document FROM confinfo_conference WHERE name = '$c'" |
		sed -nE 's|.*<subject>rev ([0-9]+)</subject>.*|\1|p')
	[ -n "$want" ] && [ "$got" = "$want" ] ||
		fail "$c: stored rev '$got', acknowledged rev '$want'"
done
grep -Eq ' (0|5[0-9][0-9]) ' "$TMP/pub.pub" &&
	echo "PUBLISHes not accepted: $(grep -Ec ' (0|5[0-9][0-9]) ' "$TMP/pub.pub")" >&2
for n in node2 node3; do
	[ "$n" = "$victim" ] && continue
	stop_focus "${NODE_PID[$n]}" || fail "$n exit status $?"
done
echo PASS
