# confinfo-xmpp (issue 12) survives its XMPP server: Prosody killed
# (SIGKILL, no goodbye) gives `disconnected` with the retry delay, and
# the child keeps retrying with backoff while the server is down; once
# Prosody is back on the same port it connects again, rejoins its room
# (`joined` with rejoin:true) and reports the occupants again after it.
# A command sent while disconnected is answered "disconnected". A server
# that accepts TCP and then says nothing does not hold the child: after
# --connect-timeout it gives up the attempt and retries.
. "$(dirname "$0")/../lib.bash" "$@"
. "$(dirname "$0")/prosody.bash"

ROOM=r3@conference.localhost
start_child_in_room "$ROOM" '{"persistent":true}' '[]'
start_actor alice alice r3 Alice
ev_wait x 'e["ev"] == "presence" and e["nick"] == "Alice" and e["available"]'

stop_prosody KILL
ev_wait x 'e["ev"] == "disconnected" and e["retry_ms"] >= 750 and e["retry_ms"] <= 1250' 15
xmppc x '{"op":"role","id":2,"room":"'$ROOM'","nick":"Alice","role":"visitor"}'
ev_wait x 'e["ev"] == "result" and e["id"] == 2 and e["error"] == "disconnected"'
# While the server is down: more attempts, each delay longer.
ev_wait x 'e["ev"] == "disconnected" and e["retry_ms"] >= 1500' 15

start_prosody "$TMP/prosody"
ev_wait x 'e["ev"] == "joined" and e["rejoin"] and e["room"] == "'$ROOM'" and e["affiliation"] == "owner"' 30
# Alice comes back too; her presence follows the rejoin.
start_actor alice2 alice r3 Alice
python3 - "$TMP/x.out" <<'PY' || fail "no occupant presence after the rejoin"
import json, sys, time
for _ in range(100):
    evs = [json.loads(l) for l in open(sys.argv[1])]
    j = max(i for i, e in enumerate(evs) if e["ev"] == "joined")
    if any(e["ev"] == "presence" and e["nick"] == "Alice" and e["available"]
           for e in evs[j:]):
        sys.exit(0)
    time.sleep(0.1)
sys.exit(1)
PY
[ "$(json_count "$TMP/x.out" 'e["ev"] == "connected"')" -eq 2 ] ||
	fail "expected exactly two connected events"
[ "$(json_count "$TMP/x.out" 'e["ev"] == "result" and e["id"] == 1')" -eq 1 ] ||
	fail "the join command was answered more than once"
# And it works again.
xmppc x '{"op":"role","id":3,"room":"'$ROOM'","nick":"Alice","role":"visitor"}'
ev_wait x 'e["ev"] == "result" and e["id"] == 3 and e["ok"]'
xmppc x '{"op":"quit","id":4}'
wait_exit "$XMPPC_PID" 10
[ "$EXIT_STATUS" -eq 0 ] || fail "exit status $EXIT_STATUS after quit"

# A stalled server: accepts, never answers.
STALL_PORT=$(free_port)
bg stall /usr/bin/python3 -c '
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(8)
held = []
while True:
    held.append(s.accept()[0])
' "$STALL_PORT"
wait_port tcp "$STALL_PORT"
STALLED=("${ARGS[@]}")
STALLED[7]=127.0.0.1:$STALL_PORT
[ "${STALLED[6]}" = --connect ] || fail "argument order changed"
start_xmppc y "${STALLED[@]}" --connect-timeout 2
ev_wait y 'e["ev"] == "disconnected" and e["error"] == "no session within 2 s"' 10
# ... and keeps trying, later each time.
wait_for 20 eval '[ "$(json_count "$TMP/y.out" '"'"'e["ev"] == "disconnected"'"'"')" -ge 2 ]' ||
	fail "no second attempt at the stalled server"
json_lacks "$TMP/y.out" 'e["ev"] in ("connected", "error")' || fail "y: connected or failed"
xmppc y '{"op":"quit","id":1}'
wait_exit "$XMPPC_PID" 10
[ "$EXIT_STATUS" -eq 0 ] || fail "y: exit status $EXIT_STATUS after quit"
