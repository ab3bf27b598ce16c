# confinfo-xmpp (issue 12) creates and configures a room, and reports what
# happens in it: the joined event says created + configured, an occupant
# sees the room persistent and semi-anonymous (whois moderators), the
# admins got affiliation admin; voice revoked and granted, a role command
# of the child, a nick change (303), a kick (307 with actor and reason), a
# ban (301), a plain leave, the child's own leave, and two resources of one account with their
# full JIDs.
. "$(dirname "$0")/../lib.bash" "$@"
. "$(dirname "$0")/prosody.bash"

start_prosody "$TMP/prosody"
mapfile -t ARGS < <(xmppc_account bridge)
start_xmppc x "${ARGS[@]}"
ev_wait x 'e["ev"] == "ready"'
ev_wait x 'e["ev"] == "connected" and e["jid"] == "bridge@localhost/confinfo"'

ROOM=r1@conference.localhost
xmppc x '{"op":"join","id":1,"room":"'$ROOM'","nick":"focus","config":{"persistent":true,"whois":"moderators","membersonly":false},"admins":["alice@localhost"]}'
ev_wait x 'e["ev"] == "result" and e["id"] == 1 and e["ok"]'
json_has "$TMP/x.out" 'e["ev"] == "joined" and e["room"] == "'$ROOM'" and e["created"] and e["configured"] and e["affiliation"] == "owner" and e["role"] == "moderator" and e["whois"] == "moderators" and not e["rejoin"]' ||
	fail "joined does not say created + configured by an owner"

# What the room itself says (disco#info as seen by an occupant).
start_actor alice alice r1 Alice
actor alice disco
ev_wait alice 'e["ev"] == "disco" and "muc_persistent" in e["features"] and "muc_semianonymous" in e["features"]'
ev_wait x 'e["ev"] == "presence" and e["nick"] == "Alice" and e["affiliation"] == "admin" and e["role"] == "moderator" and e["jid"] == "alice@localhost/actor" and e["available"]'

# Two resources of one account: two occupants, each with its full JID.
start_actor bob1 bob r1 Bob phone
start_actor bob2 bob r1 Bob2 desk
ev_wait x 'e["ev"] == "presence" and e["nick"] == "Bob" and e["jid"] == "bob@localhost/phone"'
ev_wait x 'e["ev"] == "presence" and e["nick"] == "Bob2" and e["jid"] == "bob@localhost/desk"'

# Voice revoked and granted by Alice.
actor alice devoice Bob
ev_wait x 'e["ev"] == "presence" and e["nick"] == "Bob" and e["role"] == "visitor" and e["actor"] == "Alice"'
actor alice voice Bob
ev_wait x 'e["ev"] == "presence" and e["nick"] == "Bob" and e["role"] == "participant" and e["actor"] == "Alice"'

# The child's own role command: voice revoked, with its reason.
xmppc x '{"op":"role","id":2,"room":"'$ROOM'","nick":"Bob2","role":"visitor","reason":"muted from the call"}'
ev_wait x 'e["ev"] == "result" and e["id"] == 2 and e["ok"]'
ev_wait bob2 'e["ev"] == "presence" and e["self"] and e["role"] == "visitor" and e["reason"] == "muted from the call"'

# (A command the room refuses: xmpp_participant.sh.) Unknown operations
# and commands the child refuses itself:
xmppc x '{"op":"frobnicate","id":3}'
ev_wait x 'e["ev"] == "result" and e["id"] == 3 and e["error"] == "unknown-op"'
xmppc x '{"op":"role","id":4,"room":"other@conference.localhost","nick":"Bob","role":"visitor"}'
ev_wait x 'e["ev"] == "result" and e["id"] == 4 and e["error"] == "not-joined"'
xmppc x '{"op":"role","id":5,"room":"'$ROOM'","nick":"Bob","role":"king"}'
ev_wait x 'e["ev"] == "result" and e["id"] == 5 and e["error"] == "bad-request"'

# Nick change: 303 with the new nick, then the new occupant.
actor bob2 nick Robert
ev_wait x 'e["ev"] == "presence" and e["nick"] == "Bob2" and not e["available"] and 303 in e["status"] and e["new_nick"] == "Robert"'
ev_wait x 'e["ev"] == "presence" and e["nick"] == "Robert" and e["available"]'

# Kick by Alice: 307, actor and reason.
actor alice kick Robert spamming the room
ev_wait x 'e["ev"] == "presence" and e["nick"] == "Robert" and not e["available"] and 307 in e["status"] and e["actor"] == "Alice" and e["reason"] == "spamming the room" and e["role"] == "none"'

# Ban by the child: 301, affiliation outcast.
start_actor mallory mallory r1 Mallory
xmppc x '{"op":"affiliation","id":6,"room":"'$ROOM'","jid":"mallory@localhost","affiliation":"outcast","reason":"banned from the call"}'
ev_wait x 'e["ev"] == "result" and e["id"] == 6 and e["ok"]'
ev_wait x 'e["ev"] == "presence" and e["nick"] == "Mallory" and not e["available"] and 301 in e["status"] and e["affiliation"] == "outcast" and e["reason"] == "banned from the call"'

# A plain leave: unavailable, no status code.
actor bob1 leave
ev_wait x 'e["ev"] == "presence" and e["nick"] == "Bob" and not e["available"] and e["status"] == []'

# leave: the result, then `left` once the room confirms (Alice sees it).
xmppc x '{"op":"leave","id":7,"room":"'$ROOM'"}'
ev_wait x 'e["ev"] == "result" and e["id"] == 7 and e["ok"]'
ev_wait x 'e["ev"] == "left" and e["room"] == "'$ROOM'" and e["error"] is None'
ev_wait alice 'e["ev"] == "presence" and e["nick"] == "focus" and not e["available"]'
xmppc x '{"op":"leave","id":8,"room":"'$ROOM'"}'
ev_wait x 'e["ev"] == "result" and e["id"] == 8 and e["error"] == "not-joined"'

# quit: exits 0.
xmppc x '{"op":"quit","id":9}'
ev_wait x 'e["ev"] == "result" and e["id"] == 9 and e["ok"]'
wait_exit "$XMPPC_PID" 10
[ "$EXIT_STATUS" -eq 0 ] || fail "confinfo-xmpp exited with $EXIT_STATUS after quit"
# Every command got exactly one result.
for id in 1 2 3 4 5 6 7 8 9; do
	[ "$(json_count "$TMP/x.out" 'e["ev"] == "result" and e["id"] == '$id)" -eq 1 ] ||
		fail "command $id has not exactly one result"
done
lacks_line "$TMP/x.err" 'pw-bridge' || fail "the password reached the log"
