#!/usr/bin/env bash
# confinfo focus --workers 2 on the PostgreSQL store (docs/scale-out.md,
# confinfo(1) --workers): each worker is a node of its own on the shared
# database (its own connection, LISTEN), so PUBLISHes taken by either
# worker (each from a new port) reach the watchers of both, and what is
# stored is the last one.
. "$(dirname "$0")/../lib.bash" "$@"
. "$(dirname "$0")/scale_lib.bash"

start_pg
mkdir "$TMP/confs"
PORT=$(free_port)
start_focus focus --conferences "$TMP/confs" --workers 2 --publisher '*' \
	--listen "udp:127.0.0.1:$PORT" --min-interval 0 --state "$PG_URI"
has_line "$TMP/focus.out" '^workers 2$' || fail "no 'workers 2' line"
# Both workers connected to the database (besides psql's own checks).
wait_for 10 at_least 2 psql_q "SELECT count(*) FROM pg_stat_activity WHERE application_name <> 'psql' AND backend_type = 'client backend'" ||
	fail "the workers did not both connect"

publish pub "$PORT" w 1 1
for i in $(seq 1 16); do
	bg "watch-$i" "$CONFINFO" watch --json "sip:w@127.0.0.1:$PORT"
done
wait_for 15 watchers_at 1 || fail "not every watcher shows rev 1"
for rev in 2 3 4 5; do
	publish pub "$PORT" w "$rev" "$rev"
done
[ "$(count_lines "$TMP/pub.pub" '^w [0-9]+ 200 ')" -eq 5 ] ||
	fail "PUBLISHes refused: $(cat "$TMP/pub.pub")"
wait_for 10 watchers_at 5 || fail "not every watcher shows rev 5"
psql_q "SELECT document FROM confinfo_conference WHERE name = 'w'" |
	grep -q '<subject>rev 5</subject>' || fail "rev 5 is not the stored state"
stop_focus "$FOCUS_PID" || fail "focus exit status $?"
[ "$(count_lines "$TMP/focus.out" '^shutdown signal=15 subscriptions=[1-9][0-9]*$')" -eq 2 ] ||
	fail "the watchers were not spread over both workers: $(grep "^shutdown" "$TMP/focus.out")"
echo PASS
