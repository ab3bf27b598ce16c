# confinfo-xmpp (issue 12) survives its XMPP server: Prosody killed
# (SIGKILL, no goodbye) gives `disconnected` with the retry delay, and
# the child keeps retrying with backoff while the server is down; once
# Prosody is back on the same port it connects again, rejoins its room
# (`joined` with rejoin:true) and reports the occupants again after it.
# A command sent while disconnected is answered "disconnected".
. "$(dirname "$0")/../lib.bash" "$@"
. "$(dirname "$0")/prosody.bash"

start_prosody "$TMP/prosody"
mapfile -t ARGS < <(xmppc_account bridge)
start_xmppc x "${ARGS[@]}"
ev_wait x 'e["ev"] == "connected"'
ROOM=r3@conference.localhost
xmppc x '{"op":"join","id":1,"room":"'$ROOM'","nick":"focus","config":{"persistent":true},"admins":[]}'
ev_wait x 'e["ev"] == "result" and e["id"] == 1 and e["ok"]'
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
