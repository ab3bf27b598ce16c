#!/usr/bin/env bash
# The PostgreSQL store under two focus nodes, without a proxy
# (docs/scale-out.md):
# - a node answers OPTIONS (the proxy's probe) with 200, Allow, Accept;
# - a change accepted at one node reaches the watchers of the other
#   (LISTEN/NOTIFY);
# - PostgreSQL stopped: PUBLISHes get 503 with Retry-After and the served
#   state does not change; restarted under a stream of PUBLISHes: the
#   nodes reconnect by themselves, no 200 is given while the server is
#   down, and every revision acknowledged is stored and served;
# - a node stopped (SIGSTOP) while the server restarts and the other node
#   stores a change reads that change when it reconnects;
# - a node whose read of an announced change finds the connection gone
#   reconnects by itself and serves that change;
# - the schema is created once, and a newer one is refused, untouched;
# - two PUBLISHes of one conference at two nodes at once, many times:
#   both are answered 200 (the store serialises them), the later commit is
#   the stored state, and both nodes serve it.
. "$(dirname "$0")/../lib.bash" "$@"
. "$(dirname "$0")/scale_lib.bash"

start_pg
mkdir "$TMP/confs"
PA=$(free_port) PB=$(free_port)
start_node a "$PA"
start_node b "$PB"
rev_of() { # the revision in the stored document of conference $1
	psql_q "SELECT document FROM confinfo_conference WHERE name = '$1'" |
		sed -nE 's|.*<subject>rev ([0-9]+)</subject>.*|\1|p'
}
converged() {
	python3 "$TESTS_DIR/interop/scale_check.py" --quiet "$TMP/pub.pub" \
		"$TMP/stream.pub" -- "$TMP"/watch-c[01]*.out
}
check() {
	python3 "$TESTS_DIR/interop/scale_check.py" "$TMP/pub.pub" \
		"$TMP/stream.pub" -- "$TMP"/watch-c[01]*.out >&2 || fail "$1"
}
: >"$TMP/stream.pub"

# What the proxy's probes get.
sipp_uac scale_options.xml u1 node "$PA"

publish pub "$PA" c0,c1 1 1
[ "$(count_lines "$TMP/pub.pub" ' 200 ')" -eq 2 ] || fail "PUBLISH refused"
# Each watcher at the node that did not take the PUBLISH.
bg watch-c0-b "$CONFINFO" watch --json --expires 30 "sip:c0@127.0.0.1:$PB"
bg watch-c1-b "$CONFINFO" watch --json --expires 30 "sip:c1@127.0.0.1:$PB"
bg watch-c0-a "$CONFINFO" watch --json --expires 30 "sip:c0@127.0.0.1:$PA"
wait_for 10 converged || check "the watchers did not get the first state"
publish pub "$PA" c0,c1 2 2
wait_for 10 converged || check "node b did not serve node a's change"

# The server goes away: 503 with Retry-After, nothing served changes.
stop_pg
publish down "$PA" c0 3 3
publish down "$PB" c1 3 3
[ "$(count_lines "$TMP/down.pub" '^c[01] 3 503 [0-9]+ ')" -eq 2 ] ||
	fail "PUBLISH without the store: $(cat "$TMP/down.pub")"
check "a PUBLISH refused changed the served state"

# Back, then away and back again under a stream of PUBLISHes.
run_pg
wait_line "$TMP/a.err" 'state store: reconnected' 15 ||
	fail "node a did not reconnect"
wait_line "$TMP/b.err" 'state store: reconnected' 15 ||
	fail "node b did not reconnect"
bg stream python3 "$TESTS_DIR/interop/scale_pub.py" "$PA" c0,c1 4 400 \
	--gap 10 --timeout 2
STREAM=$BG_PID
cp /dev/null "$TMP/stream.pub"
wait_for 10 at_least 10 count_lines "$TMP/stream.out" ' 200 ' ||
	fail "the stream did not start"
stop_pg
DOWN_FROM=$(now_us)
wait_for 10 has_line "$TMP/stream.out" ' 503 [0-9]+ ' ||
	fail "no 503 while the store was down"
DOWN_TO=$(now_us)
run_pg
wait_exit "$STREAM" 60
[ "$EXIT_STATUS" -eq 0 ] || fail "the stream failed"
cp "$TMP/stream.out" "$TMP/stream.pub"
awk -v f="$DOWN_FROM" -v t="$DOWN_TO" \
	'$3 == 200 && $5 > f && $5 < t { bad++ } END { exit bad > 0 }' \
	"$TMP/stream.pub" || fail "a 200 while the store was down"
awk '$3 != 200 && !($3 == 503 && $4 ~ /^[0-9]+$/) { bad++ } END { exit bad > 0 }' \
	"$TMP/stream.pub" || fail "answers other than 200 and 503 + Retry-After"
[ "$(count_lines "$TMP/stream.pub" ' 200 ')" -gt 20 ] ||
	fail "the stream did not go on after the restart"
wait_for 15 converged || check "no convergence after the restart"
for c in c0 c1; do
	want=$(awk -v c="$c" '$1 == c && $3 == 200 { m = $2 } END { print m }' "$TMP/stream.pub")
	[ "$(rev_of "$c")" = "$want" ] || fail "$c: rev $want acknowledged, $(rev_of "$c") stored"
done

# A node that missed an announcement (stopped while the server restarted
# and the other node stored a change) reads it when it reconnects.
ra=$(count_lines "$TMP/a.err" 'state store: reconnected')
rb=$(count_lines "$TMP/b.err" 'state store: reconnected')
kill -STOP "${NODE_PID[a]}"
stop_pg
run_pg
wait_for 15 at_least $((rb + 1)) count_lines "$TMP/b.err" 'state store: reconnected' ||
	fail "node b did not reconnect"
: >"$TMP/missed.pub"
publish missed "$PB" c0 500 500
has_line "$TMP/missed.pub" '^c0 500 200 ' || fail "node b refused rev 500"
[ "$(last_rev "$TMP/watch-c0-a.out")" != 500 ] || fail "node a served while stopped"
kill -CONT "${NODE_PID[a]}"
wait_for 15 at_least $((ra + 1)) count_lines "$TMP/a.err" 'state store: reconnected' ||
	fail "node a did not reconnect"
wait_for 10 prints 500 last_rev "$TMP/watch-c0-a.out" ||
	fail "node a did not serve the change it missed (holds rev $(last_rev "$TMP/watch-c0-a.out"))"

# A read of an announced change that finds the connection gone: node b
# stopped, node a stores rev 600 of c1 (the announcement waits in node
# b's socket), node b's server process is ended (its goodbye and the
# end of the stream wait behind it); node b, continued, reads the
# announcement, then the conference from a connection that is no more.
# It must reconnect by itself (no PUBLISH comes to tell it) and serve
# rev 600, not stay deaf to the other node.
pg_conn_of() { # pg_conn_of PID: "LOCAL-PORT RECV-Q" of PID's connection to the server
	python3 - "$1" "$PG_PORT" <<'PY'
import os, sys
pid, pg = sys.argv[1], int(sys.argv[2])
inodes = set()
for fd in os.listdir(f"/proc/{pid}/fd"):
    try:
        link = os.readlink(f"/proc/{pid}/fd/{fd}")
    except OSError:
        continue
    if link.startswith("socket:["):
        inodes.add(link[8:-1])
for line in open("/proc/net/tcp").readlines()[1:]:
    f = line.split()
    if int(f[2].split(":")[1], 16) == pg and f[3] == "01" and f[9] in inodes:
        print(int(f[1].split(":")[1], 16), int(f[4].split(":")[1], 16))
        sys.exit(0)
sys.exit(1)
PY
}
queued() { # queued PID N: PID's connection has more than N bytes unread
	local q
	q=$(pg_conn_of "$1") || return 1
	[ "${q#* }" -gt "$2" ]
}
backend_gone() {
	[ "$(psql_q "SELECT count(*) FROM pg_stat_activity WHERE pid = $1")" = 0 ]
}
rb=$(count_lines "$TMP/b.err" 'state store: reconnected')
kill -STOP "${NODE_PID[b]}"
conn=$(pg_conn_of "${NODE_PID[b]}") || fail "node b has no connection to the server"
: >"$TMP/gone.pub"
publish gone "$PA" c1 600 600
has_line "$TMP/gone.pub" '^c1 600 200 ' || fail "node a refused rev 600"
wait_for 5 queued "${NODE_PID[b]}" "${conn#* }" ||
	fail "the announcement of rev 600 did not reach node b's socket"
bpid=$(psql_q "SELECT pid FROM pg_stat_activity WHERE client_port = ${conn% *}")
[ -n "$bpid" ] || fail "no server process for node b's port ${conn% *}"
[ "$(psql_q "SELECT pg_terminate_backend($bpid)")" = t ] ||
	fail "could not end node b's server process $bpid"
wait_for 5 backend_gone "$bpid" || fail "node b's server process $bpid still runs"
kill -CONT "${NODE_PID[b]}"
wait_line "$TMP/b.err" 'reading a conference: ' 5 ||
	fail "node b did not read the conference from the lost connection"
wait_for 15 at_least $((rb + 1)) count_lines "$TMP/b.err" 'state store: reconnected' ||
	fail "node b did not reconnect after a read lost the connection"
wait_for 10 prints 600 last_rev "$TMP/watch-c1-b.out" ||
	fail "node b did not serve rev 600 after it reconnected (holds rev $(last_rev "$TMP/watch-c1-b.out"))"

# Two writers of one conference at once.
publish race "$PA" x 1000 1000
bg watch-x-a "$CONFINFO" watch --json --expires 30 "sip:x@127.0.0.1:$PA"
# Each writer has its own output file (race-a.out, race-b.out, stderr in
# race-a.err, race-b.err), appended to race.pub once both ended: no two
# processes write one file at once, and each one's status is checked
# (`wait P1 P2` returns only P2's).
race_ran() { # race_ran PID NAME REV: scale_pub.py (bg NAME) of REV ended
	# well, with its one line, now appended to race.pub.
	wait_exit "$1" 30
	if [ "$EXIT_STATUS" -ne 0 ] || [ "$(wc -l <"$TMP/$2.out")" -ne 1 ] ||
		! has_line "$TMP/$2.out" "^x $3 [0-9]+ "; then
		fail "round $i: scale_pub.py for rev $3 exited with $EXIT_STATUS," \
			"printed: '$(cat "$TMP/$2.out")', stderr: '$(cat "$TMP/$2.err")'"
	fi
	cat "$TMP/$2.out" >>"$TMP/race.pub"
}
for i in $(seq 1 15); do
	r=$((1000 + 2 * i))
	bg race-a python3 "$TESTS_DIR/interop/scale_pub.py" "$PA" x $r $r
	p1=$BG_PID
	bg race-b python3 "$TESTS_DIR/interop/scale_pub.py" "$PB" x $((r + 1)) $((r + 1))
	p2=$BG_PID
	race_ran "$p1" race-a $r
	race_ran "$p2" race-b $((r + 1))
	stored=$(rev_of x)
	[ "$stored" = $r ] || [ "$stored" = $((r + 1)) ] ||
		fail "round $i: stored rev '$stored', published $r and $((r + 1))"
done
n=$(count_lines "$TMP/race.pub" '^x [0-9]+ 200 ')
[ "$n" -eq 31 ] ||
	fail "a concurrent PUBLISH was not accepted: $n lines with 200, 31 expected;" \
		"race.pub ($(wc -l <"$TMP/race.pub") lines, cat -A):"$'\n'"$(cat -A "$TMP/race.pub")"
stored=$(rev_of x)
# Both nodes serve the last commit, not their own last PUBLISH.
serves() { # serves PORT REV: the node on PORT serves x at REV
	"$CONFINFO" watch --json --once "sip:x@127.0.0.1:$1" \
		>"$TMP/once.json" 2>"$TMP/once.err" &&
		grep -q "\"subject\":\"rev $2\"" "$TMP/once.json"
}
for port in "$PA" "$PB"; do
	wait_for 5 serves "$port" "$stored" ||
		fail "the node on $port does not serve the stored rev $stored"
done
wait_for 5 prints "$stored" last_rev "$TMP/watch-x-a.out" ||
	fail "the watcher at a holds rev $(last_rev "$TMP/watch-x-a.out"), stored $stored"
stop_focus "${NODE_PID[a]}" || fail "node a exit status $?"
stop_focus "${NODE_PID[b]}" || fail "node b exit status $?"

# The schema: created once (version 1), and a newer one is refused, not
# written over.
[ "$(psql_q 'SELECT version FROM confinfo_schema')" = 1 ] ||
	fail "schema version: $(psql_q 'SELECT version FROM confinfo_schema')"
psql_q 'UPDATE confinfo_schema SET version = 99' >/dev/null
st=0
"$CONFINFO" focus --conferences "$TMP/confs" --listen "udp:127.0.0.1:$PA" \
	--state "$PG_URI" >"$TMP/newer.out" 2>"$TMP/newer.err" || st=$?
[ "$st" -ne 0 ] || fail "a focus started on a newer schema"
has_line "$TMP/newer.err" 'schema version 99 is newer' ||
	fail "the newer schema was not named: $(cat "$TMP/newer.err")"
[ "$(psql_q 'SELECT version FROM confinfo_schema')" = 99 ] ||
	fail "the newer schema version was overwritten"
echo PASS
