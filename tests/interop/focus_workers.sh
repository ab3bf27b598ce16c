#!/usr/bin/env bash
# confinfo focus --workers 2 (issue 16, docs/performance-sip.md "Both
# cores"):
# - the parent forks two workers and says "ready" once both are;
# - 16 UDP and 4 TCP watchers, each from its own port, are spread by the
#   kernel (SO_REUSEPORT) over both workers: each worker ends holding some;
# - Sofia-SIP subscribers over TCP get their NOTIFYs over UDP (a Contact
#   without transport), and the answers reach the worker that sent them;
# - PUBLISHes, each from a new port so that they reach either worker,
#   reach every watcher whichever worker holds it (the workers share the
#   state through the private store), and the last one is what all show;
# - kill -9 of a worker: the parent starts another in its place, which
#   serves the same sockets; the dead worker's watchers get 481 on their
#   next refresh, subscribe again and converge on the next PUBLISH;
# - SIGTERM ends both workers, the focus exits 0 and its private store is
#   gone;
# - the chat bridge refuses --workers 2.
. "$(dirname "$0")/../lib.bash" "$@"

mkdir "$TMP/confs"
PORT=$(free_port)
shm_stores() { find /dev/shm -maxdepth 1 -name 'confinfo-focus.*' 2>/dev/null | wc -l; }
stores_before=$(shm_stores)
start_focus focus --conferences "$TMP/confs" --workers 2 --publisher '*' \
	--listen "udp:127.0.0.1:$PORT" --listen "tcp:127.0.0.1:$PORT" \
	--min-interval 0 --expires-min 4
log=$TMP/focus.out
has_line "$log" '^workers 2$' || fail "no 'workers 2' line"
[ "$(pgrep -c -P "$FOCUS_PID")" -eq 2 ] ||
	fail "the focus has $(pgrep -c -P "$FOCUS_PID") worker processes, not 2"

# rev N of conference w, PUBLISHed over UDP from a port of its own.
publish() {
	python3 "$TESTS_DIR/interop/scale_pub.py" "$PORT" w "$1" "$1" \
		>>"$TMP/pub.out" || fail "scale_pub.py failed"
	has_line "$TMP/pub.out" "^w $1 200 " || fail "rev $1 was not accepted: $(cat "$TMP/pub.out")"
}
laggards() {
	local f
	for f in "$TMP"/watch-*.out; do
		echo "$(basename "$f"): rev $(last_rev "$f")"
	done
}

publish 1
for i in $(seq 1 16); do
	bg "watch-u$i" "$CONFINFO" watch --json --expires 6 "sip:w@127.0.0.1:$PORT"
done
for i in $(seq 1 4); do
	bg "watch-t$i" "$CONFINFO" watch --json --expires 6 --transport tcp \
		"sip:w@127.0.0.1:$PORT"
done
wait_for 15 watchers_at 1 || fail "not every watcher shows rev 1: $(laggards)"
# Sofia-SIP subscribers over TCP whose Contact names no transport: their
# NOTIFYs go over UDP (RFC 3263), and the 200s, from their UDP port, must
# reach the worker that sent them, whatever that port hashes to (each
# worker sends from a socket of its own).
need_sofia_sub
for i in 1 2 3 4; do
	bg "sofia-$i" "$SOFIA_SUB" --target "sip:w@127.0.0.1:$PORT;transport=tcp" \
		--bind "sip:127.0.0.1:$(free_port)" --out "$TMP/sofia-$i.xml" \
		--until-version 2 --timeout 30
	SOFIA_PIDS[$i]=$BG_PID
	wait_line "$TMP/sofia-$i.out" '^notify version=1 state=full result=applied' 10 ||
		fail "sofia $i: no full state"
done
for rev in 2 3 4 5 6; do
	publish "$rev"
done
wait_for 10 watchers_at 6 || fail "not every watcher shows rev 6: $(laggards)"
for i in 1 2 3 4; do
	wait_exit "${SOFIA_PIDS[$i]}" 20
	[ "$EXIT_STATUS" -eq 0 ] || fail "sofia $i: no partial NOTIFY (status $EXIT_STATUS)"
done
# (libre's words, on either stream, for a response no transaction took.)
cat "$log" "$TMP/focus.err" >"$TMP/focus.all"
lacks_line "$TMP/focus.all" 'unhandeled response' ||
	fail "a NOTIFY's answer reached the other worker"

# kill -9 of a worker: another takes its place and its sockets.
victim=$(pgrep -P "$FOCUS_PID" | head -n 1)
kill -9 "$victim"
wait_line "$log" "^worker id=[01] pid=$victim what=ended status=\"signal 9\"$" 5 ||
	fail "the parent did not report the killed worker"
wait_line "$log" '^worker id=[01] pid=[0-9]+ what=ready$' 10 ||
	fail "no worker started in the killed one's place"
[ "$(pgrep -c -P "$FOCUS_PID")" -eq 2 ] || fail "not two workers after the restart"
publish 7
# Refreshes every ~3 s (Expires 6): the dead worker's watchers get 481,
# subscribe again and are served rev 7 by the new worker.
wait_for 20 watchers_at 7 || fail "not every watcher shows rev 7 after a worker died: $(laggards)"

stop_focus "$FOCUS_PID" || fail "focus exit status $?"
# Each worker held some of the watchers when it stopped.
[ "$(count_lines "$log" '^shutdown signal=15 subscriptions=[1-9][0-9]*$')" -eq 2 ] ||
	fail "the subscriptions were not spread over both workers: $(grep '^shutdown' "$log")"
has_line "$log" '^worker id=0 pid=[0-9]+ what=ended status="exit 0"$' ||
	fail "worker 0 did not end cleanly"
has_line "$log" '^worker id=1 pid=[0-9]+ what=ended status="exit 0"$' ||
	fail "worker 1 did not end cleanly"
[ "$(shm_stores)" -le "$stores_before" ] || fail "the private store was left in /dev/shm"

# The chat bridge stays in one process.
echo secret >"$TMP/xmpp.pass"
chmod 600 "$TMP/xmpp.pass"
run 2 "$CONFINFO" focus --conferences "$TMP/confs" --workers 2 \
	--xmpp-jid focus@127.0.0.1 --xmpp-password-file "$TMP/xmpp.pass"
expect_err 'chat bridge runs in one process'
echo PASS
