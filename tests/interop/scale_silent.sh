#!/usr/bin/env bash
# A focus node whose PostgreSQL neither answers nor refuses (a partition:
# here a socket on the server's port that accepts connections and never
# says a word) keeps serving: its reconnection attempts run in its event
# loop without blocking it (docs/scale-out.md), so every PUBLISH meanwhile
# gets its 503 with Retry-After at once (within 1 s: a blocking connect
# would hold the node 2 s per attempt); once the server is back, the node
# reconnects by itself and accepts changes again.
. "$(dirname "$0")/../lib.bash" "$@"
. "$(dirname "$0")/scale_lib.bash"

start_pg
mkdir "$TMP/confs"
PA=$(free_port)
start_node a "$PA"
publish pub "$PA" c0 1 1
has_line "$TMP/pub.pub" '^c0 1 200 ' || fail "PUBLISH refused"

stop_pg
bg silent python3 -c '
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(64)
print("listening", flush=True)
time.sleep(120)' "$PG_PORT"
SILENT=$BG_PID
wait_line "$TMP/silent.out" '^listening$' 5 || fail "no silent server"
# Six seconds of PUBLISHes, each answered within 1 s or counted as lost.
publish down "$PA" c0 2 60 --gap 100 --timeout 1
n=$(count_lines "$TMP/down.pub" '^c0 [0-9]+ 503 [0-9]+ ')
[ "$n" -eq 59 ] || fail "$n of 59 PUBLISHes answered 503 + Retry-After in time: $(grep -v ' 503 ' "$TMP/down.pub" | head -n 3)"
has_line "$TMP/a.err" 'reconnecting: timed out' ||
	fail "the node did not try (and give up on) the silent server"

kill "$SILENT"
wait_exit "$SILENT" 5
run_pg
wait_line "$TMP/a.err" 'state store: reconnected' 15 || fail "no reconnection"
publish pub "$PA" c0 100 100
has_line "$TMP/pub.pub" '^c0 100 200 ' || fail "PUBLISH refused after the reconnection"
stop_focus "${NODE_PID[a]}" || fail "node a exit status $?"
echo PASS
