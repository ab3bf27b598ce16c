# confinfo-xmpp (issue 12) joins a room that exists, where it is only a
# participant: nothing is configured, the joined event says so and gives
# the whois the room has; the room hides real JIDs from it; a role
# command is refused by the room (ok:false with the XMPP condition). Then
# the owner destroys the room: destroyed with the reason, and left.
. "$(dirname "$0")/../lib.bash" "$@"
. "$(dirname "$0")/prosody.bash"

start_prosody "$TMP/prosody"
ROOM=r2@conference.localhost
# Carol creates the room (an instant room: Prosody's defaults, whois
# moderators) and owns it.
start_actor carol carol r2 Carol
json_has "$TMP/carol.out" 'e["ev"] == "joined" and e["created"]' ||
	fail "carol did not create the room"

mapfile -t ARGS < <(xmppc_account bridge)
start_xmppc x "${ARGS[@]}"
ev_wait x 'e["ev"] == "connected"'

# Members-only: the join is refused; the command's result and `left` say
# why (the condition), and the room is not wanted any more.
actor carol config membersonly 1
ev_wait carol 'e["ev"] == "ok" and e["cmd"] == "config"'
xmppc x '{"op":"join","id":10,"room":"'$ROOM'","nick":"focus"}'
ev_wait x 'e["ev"] == "result" and e["id"] == 10 and not e["ok"] and e["error"] == "registration-required"'
ev_wait x 'e["ev"] == "left" and e["room"] == "'$ROOM'" and e["error"] == "registration-required"'
actor carol config membersonly 0
wait_for 10 eval '[ "$(json_count "$TMP/carol.out" '"'"'e["ev"] == "ok" and e["cmd"] == "config"'"'"')" -eq 2 ]' ||
	fail "carol could not open the room again"
start_actor dave dave r2 Dave

xmppc x '{"op":"join","id":1,"room":"'$ROOM'","nick":"focus","config":{"persistent":true,"whois":"anyone"},"admins":["carol@localhost"]}'
ev_wait x 'e["ev"] == "result" and e["id"] == 1 and e["ok"]'
json_has "$TMP/x.out" 'e["ev"] == "joined" and not e["created"] and not e["configured"] and e["affiliation"] == "none" and e["role"] == "participant" and e["whois"] == "moderators"' ||
	fail "joined does not describe an existing room with a participant"
# "joined" comes before the occupants it found there (the resync order).
python3 - "$TMP/x.out" <<'PY' || fail "occupant presences before joined"
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
kinds = [e["ev"] for e in evs]
j = kinds.index("joined")
assert any(e["ev"] == "presence" and e["nick"] == "Carol" for e in evs[j:]), evs
assert not any(e["ev"] == "presence" for e in evs[:j]), evs
PY
# Semi-anonymous and not a moderator: no real JIDs, and the room was not
# reconfigured by the join (still whois moderators).
json_has "$TMP/x.out" 'e["ev"] == "presence" and e["nick"] == "Carol" and e["jid"] is None and e["affiliation"] == "owner"' ||
	fail "Carol's presence is wrong"
actor carol disco
ev_wait carol 'e["ev"] == "disco" and "muc_semianonymous" in e["features"] and "muc_temporary" in e["features"]'

# A participant may not revoke voice: the room refuses, the result says why.
xmppc x '{"op":"role","id":2,"room":"'$ROOM'","nick":"Dave","role":"visitor"}'
ev_wait x 'e["ev"] == "result" and e["id"] == 2 and not e["ok"] and e["error"] in ("forbidden", "not-allowed")'
xmppc x '{"op":"affiliation","id":3,"room":"'$ROOM'","jid":"dave@localhost","affiliation":"outcast"}'
ev_wait x 'e["ev"] == "result" and e["id"] == 3 and not e["ok"] and e["error"] in ("forbidden", "not-allowed")'

# The owner makes the child a moderator: its own presence says so.
actor carol moderator focus
ev_wait x 'e["ev"] == "presence" and e["self"] and e["role"] == "moderator" and e["actor"] == "Carol"'

# The owner changes the configuration: room_config with the status codes
# (Prosody sends 172: now non-anonymous) and whois read again.
actor carol config whois anyone
ev_wait x 'e["ev"] == "room_config" and e["room"] == "'$ROOM'" and 172 in e["status"] and e["whois"] == "anyone"'

# Kicked itself: `left` says so, and the room is not rejoined by itself;
# joining again works.
actor carol kick focus out
ev_wait x 'e["ev"] == "presence" and e["self"] and not e["available"] and 307 in e["status"] and e["reason"] == "out"'
ev_wait x 'e["ev"] == "left" and e["room"] == "'$ROOM'" and e["error"] == "kicked"'
xmppc x '{"op":"join","id":11,"room":"'$ROOM'","nick":"focus"}'
ev_wait x 'e["ev"] == "result" and e["id"] == 11 and e["ok"]'
[ "$(json_count "$TMP/x.out" 'e["ev"] == "joined"')" -eq 2 ] ||
	fail "expected two joined events (first join, join after the kick)"

# The owner destroys the room.
actor carol destroy conference over
ev_wait x 'e["ev"] == "destroyed" and e["room"] == "'$ROOM'" and e["reason"] == "conference over"'
ev_wait x 'e["ev"] == "left" and e["room"] == "'$ROOM'" and e["error"] == "destroyed"'
# Gone: commands on it are refused, and a leave too.
xmppc x '{"op":"role","id":4,"room":"'$ROOM'","nick":"Dave","role":"visitor"}'
ev_wait x 'e["ev"] == "result" and e["id"] == 4 and e["error"] == "not-joined"'
xmppc x '{"op":"quit","id":5}'
wait_exit "$XMPPC_PID" 10
[ "$EXIT_STATUS" -eq 0 ] || fail "confinfo-xmpp exited with $EXIT_STATUS after quit"
