#!/usr/bin/env bash
# The chat bridge of confinfo focus (issue 12) against a fake XMPP child
# (fake_xmpp.py speaks confinfo-xmpp's JSON lines; no server): the exact
# changes a `confinfo watch --json` subscriber receives for voice revoked
# and granted, kick, ban, plain leave; the exact hook JSON; identity (a
# nick is nobody, unmapped occupants change nothing, two resources are
# one user); authority (a non-chair's kick is roles only); a failing hook
# leaves the endpoint as it was; hostile reasons arrive cleaned and
# bounded; the reverse kick of a user booted through the conference
# input, without a loop; the chat-owned roles cannot be written by the
# mixer's input; a ban is applied again when the user comes back; a nick
# change keeps the roles; a destroyed room drops them; the room is left
# when the conference ends; rooms the focus must not join are refused.
. "$(dirname "$0")/../lib.bash" "$@"

need_cmd /usr/bin/python3 python3
PORT=$(free_port)
DIR=$TMP/conferences
FAKE=$TMP/fake
ROOM=weekly@conference.localhost
mkdir -p "$DIR" "$FAKE"
mkfifo "$FAKE/events"
export FAKE_XMPP_DIR=$FAKE

# user NAME DISPLAY AOR-LINES ROLES: one user with a connected endpoint
# and an audio stream (sendrecv).
user() {
	cat <<XML
  <user entity="sip:$1@localhost"><display-text>$2</display-text>
   $3 $4
   <endpoint entity="sip:$1@pc"><status>${5:-connected}</status>${6:-}
    <media id="1"><type>audio</type><status>sendrecv</status></media>
   </endpoint>
  </user>
XML
}
xmpp_aor() {
	echo "<associated-aors><entry><uri>xmpp:$1@localhost</uri></entry></associated-aors>"
}
# doc [BOB-STATUS BOB-EXTRA]: the conference. Alice is the chair (and
# the mixer's input claims chat-owner for her: never served); Bob,
# Carol by their xmpp: AOR; Mallory by the mapping file; Dave by the
# shared domain.
doc() {
	cat <<XML
<?xml version="1.0" encoding="UTF-8"?>
<conference-info xmlns="urn:ietf:params:xml:ns:conference-info"
 entity="sip:weekly@localhost" state="full" version="1">
 <conference-description><display-text>Weekly</display-text></conference-description>
 <users>
$(user alice Alice "$(xmpp_aor alice)" "<roles><entry>chair</entry><entry>chat-owner</entry></roles>")
$(user bob Bob "$(xmpp_aor bob)" "" "${1:-connected}" "${2:-}")
$(user carol Carol "$(xmpp_aor carol)" "" "${CAROL:-connected}")
$(user mallory Mallory "" "")
$(user dave Dave "" "")
 </users>
</conference-info>
XML
}
doc | write_conf "$DIR" weekly
# Rooms the focus must not join: another MUC service, another name, an
# authority (whoever feeds the state chooses these URIs).
room_doc() {
	cat <<XML
<conference-info xmlns="urn:ietf:params:xml:ns:conference-info"
 entity="sip:$1@localhost" state="full" version="1">
 <conference-description><service-uris><entry><uri>$2</uri>
 <purpose>grouptextchat</purpose></entry></service-uris></conference-description>
</conference-info>
XML
}
room_doc elsewhere 'xmpp:elsewhere@muc.evil.example?join' | write_conf "$DIR" elsewhere
room_doc named 'xmpp:weekly@conference.localhost?join' | write_conf "$DIR" named
room_doc authority 'xmpp://focus@localhost/authority@conference.localhost?join' |
	write_conf "$DIR" authority
echo "mallory@localhost sip:mallory@localhost" >"$TMP/map"
echo "secret" >"$TMP/pw"
chmod 600 "$TMP/pw"
cat >"$TMP/hook" <<SH
#!/bin/sh
# The mixer: records what it was asked, fails while hook.fail exists.
cat >>"$TMP/hook.log"
echo >>"$TMP/hook.log"
[ -e "$TMP/hook.fail" ] && exit 1
exit 0
SH
chmod +x "$TMP/hook"
: >"$TMP/hook.log"

start_focus focus --conferences "$DIR" --listen udp:127.0.0.1:$PORT \
	--domain localhost --chat-room 'xmpp:{name}@conference.localhost?join' \
	--min-interval 0 --xmpp-jid focus@localhost \
	--xmpp-password-file "$TMP/pw" \
	--xmpp-program "$TESTS_DIR/cli/fake_xmpp.py" \
	--xmpp-muc conference.localhost --xmpp-map "$TMP/map" \
	--xmpp-shared-domain localhost --bridge-hook "$TMP/hook"
wait_line "$FAKE/commands.log" '"op":"join"' ||
	fail "the bridge did not join the room"
# The room of the template, created with the chairs as admins.
[ "$(grep '"op":"join"' "$FAKE/commands.log" | sed 's/,"id":[0-9]*//')" = \
	'{"op":"join","room":"weekly@conference.localhost","nick":"focus","config":{"persistent":true,"whois":"moderators","membersonly":false},"admins":["alice@localhost"]}' ] ||
	fail "unexpected join command: $(cat "$FAKE/commands.log")"
wait_line "$TMP/focus.out" 'what=joined conf=weekly' || fail "no joined"
wait_line "$TMP/focus.out" 'what=room-refused conf=elsewhere detail="xmpp:elsewhere@muc.evil.example\?join: its MUC service is not allowed \(--xmpp-muc\)"' ||
	fail "a room on another service was not refused"
wait_line "$TMP/focus.out" 'what=room-refused conf=named detail="xmpp:weekly@conference.localhost\?join: it fails the RFC 7106 checks"' ||
	fail "a room of another name was not refused"
wait_line "$TMP/focus.out" 'what=room-refused conf=authority ' ||
	fail "a room URI with an authority was not refused"
[ "$(count_lines "$FAKE/commands.log" '"op":"join"')" = 1 ] ||
	fail "the focus joined a refused room: $(cat "$FAKE/commands.log")"

bg watch "$CONFINFO" watch --json --proxy "sip:127.0.0.1:$PORT" \
	sip:weekly@localhost
bg text "$CONFINFO" watch --proxy "sip:127.0.0.1:$PORT" sip:weekly@localhost
wait_line "$TMP/watch.out" '"event":"state"' || fail "no first state"
wait_line "$TMP/text.out" '^conference ' || fail "no roster"

# presence NICK JID AVAILABLE ROLE AFFIL STATUS ACTOR REASON
presence() {
	/usr/bin/python3 -c '
import json, sys
nick, jid, avail, role, affil, status, actor, reason = sys.argv[1:]
print(json.dumps({"ev": "presence", "room": "'$ROOM'", "nick": nick,
    "jid": jid or None, "available": avail == "1", "role": role,
    "affiliation": affil, "status": json.loads(status),
    "actor": actor or None, "reason": reason or None, "new_nick": None,
    "self": False}))' "$@" >"$FAKE/events"
}
# events: the change events the JSON watcher printed so far.
events() {
	grep -v -e '"event":"state"' -e '"event":"rooms"' -e '"event":"subscribed"' \
		"$TMP/watch.out" | sed -e 's/"when":"[^"]*"/"when":"T"/'
}
# expect_events LINE...: the next change events are exactly LINE...
SEEN=0
expect_events() {
	local from=$((SEEN + 1)) n=$# want got
	want=$(printf '%s\n' "$@")
	wait_for 10 eval '[ "$(events | tail -n +$from | wc -l)" -ge $n ]' || true
	got=$(events | tail -n +$from)
	[ "$got" = "$want" ] || fail "events from $from:
$got
expected:
$want"
	SEEN=$((SEEN + $#))
}
hooks() {
	grep -c . "$TMP/hook.log" || true
}
hook_line() {
	grep . "$TMP/hook.log" | sed -n "${1}p" | sed 's/"time":"[^"]*"/"time":"T"/'
}

# Identity: occupants become users by their real JID only. Eve calls
# herself "Bob"; Bob is there twice (two resources, one user).
presence alice alice@localhost/pc 1 moderator admin '[]' '' ''
presence Bob eve@localhost/x 1 participant none '[]' '' ''
presence bob bob@localhost/laptop 1 participant member '[]' '' ''
presence bob-phone bob@localhost/phone 1 participant member '[]' '' ''
presence mal mallory@localhost/x 1 participant none '[]' '' ''
presence carol carol@localhost/x 1 participant none '[]' '' ''
presence dave dave@localhost/x 1 moderator none '[]' '' ''
expect_events \
	'{"event":"role_changed","user":"sip:alice@localhost","display_text":"Alice","old":["chair"],"new":["chair","chat-admin","chat-moderator"]}' \
	'{"event":"role_changed","user":"sip:bob@localhost","display_text":"Bob","old":[],"new":["chat-member","chat-participant"]}' \
	'{"event":"role_changed","user":"sip:mallory@localhost","display_text":"Mallory","old":[],"new":["chat-participant"]}' \
	'{"event":"role_changed","user":"sip:carol@localhost","display_text":"Carol","old":[],"new":["chat-participant"]}' \
	'{"event":"role_changed","user":"sip:dave@localhost","display_text":"Dave","old":[],"new":["chat-moderator"]}'

# Voice revoked by the chair: the hook is asked, then the state shows it.
# (Bob keeps chat-participant: his phone still has voice in the room.)
presence bob bob@localhost/laptop 1 visitor member '[]' alice 'quiet please'
wait_for 10 eval '[ "$(hooks)" -ge 1 ]' || fail "the hook was not run"
[ "$(hook_line 1)" = '{"conference":"weekly","action":"mute","user":"sip:bob@localhost","endpoints":["sip:bob@pc"],"by":"sip:alice@localhost","reason":"quiet please","room":"xmpp:weekly@conference.localhost?join","status":[],"time":"T"}' ] ||
	fail "hook JSON: $(hook_line 1)"
expect_events \
	'{"event":"muted","user":"sip:bob@localhost","display_text":"Bob","by":"sip:alice@localhost","via":"chat"}'
wait_line "$TMP/text.out" '^muted: Bob <sip:bob@localhost> \(by Alice in the chat room\)$' ||
	fail "the text watcher did not say who muted Bob"
# Voice granted back.
presence bob bob@localhost/laptop 1 participant member '[]' alice ''
expect_events \
	'{"event":"unmuted","user":"sip:bob@localhost","display_text":"Bob"}'
[ "$(hook_line 2)" = '{"conference":"weekly","action":"unmute","user":"sip:bob@localhost","endpoints":["sip:bob@pc"],"by":"sip:alice@localhost","reason":null,"room":"xmpp:weekly@conference.localhost?join","status":[],"time":"T"}' ] ||
	fail "hook JSON: $(hook_line 2)"

# Kick by the chair.
presence mal mallory@localhost/x 0 none none '[307]' alice 'spam'
expect_events \
	'{"event":"role_changed","user":"sip:mallory@localhost","display_text":"Mallory","old":["chat-participant"],"new":[]}' \
	'{"event":"booted","user":"sip:mallory@localhost","display_text":"Mallory","reason":"spam","by":"sip:alice@localhost","when":"T"}'
[ "$(hook_line 3)" = '{"conference":"weekly","action":"kick","user":"sip:mallory@localhost","endpoints":["sip:mallory@pc"],"by":"sip:alice@localhost","reason":"spam","room":"xmpp:weekly@conference.localhost?join","status":[307],"time":"T"}' ] ||
	fail "hook JSON: $(hook_line 3)"
wait_line "$TMP/text.out" '^booted: Mallory <sip:mallory@localhost>: spam$' ||
	fail "the text watcher did not print the boot"

# Authority: Dave moderates the room but is no chair: roles only.
presence bob-phone bob@localhost/phone 0 none member '[307]' dave 'no'
wait_line "$TMP/focus.out" 'what=roles-only conf=weekly detail="kick of bob@localhost by dave: the actor is not a conference chair"' ||
	fail "a non-chair's kick was not refused"
# Eve ("Bob") maps to nobody: nothing, not even through her nick.
presence Bob eve@localhost/x 0 none none '[307]' alice 'impostor'
wait_line "$TMP/focus.out" 'what=roles-only conf=weekly detail="kick of eve@localhost by alice: the occupant maps to no conference user"' ||
	fail "an unmapped occupant's kick was not refused"

# A failing hook leaves the endpoint as it was, and says so.
touch "$TMP/hook.fail"
presence carol carol@localhost/x 1 visitor none '[]' alice ''
wait_line "$TMP/focus.out" 'what=hook-failed conf=weekly detail="mute sip:carol@localhost: exited with a non-zero status; the endpoint is left as it was"' ||
	fail "the failed hook was not logged"
rm "$TMP/hook.fail"

# Ban with a hostile reason: bidi override, escape, 10 KB: cleaned and
# cut at 256 bytes in the hook and in the state.
REASON=$(/usr/bin/python3 -c 'print("go\u202eaway\x1b[2J" + "x" * 10240)')
presence carol carol@localhost/x 0 none outcast '[301]' alice "$REASON"
CLEAN="goaway[2J$(printf 'x%.0s' $(seq 247))"
expect_events \
	'{"event":"role_changed","user":"sip:carol@localhost","display_text":"Carol","old":["chat-participant"],"new":["chat-visitor"]}' \
	'{"event":"role_changed","user":"sip:carol@localhost","display_text":"Carol","old":["chat-visitor"],"new":[]}' \
	"{\"event\":\"booted\",\"user\":\"sip:carol@localhost\",\"display_text\":\"Carol\",\"reason\":\"$CLEAN\",\"by\":\"sip:alice@localhost\",\"when\":\"T\"}"
[ "$(hook_line 5)" = "{\"conference\":\"weekly\",\"action\":\"ban\",\"user\":\"sip:carol@localhost\",\"endpoints\":[\"sip:carol@pc\"],\"by\":\"sip:alice@localhost\",\"reason\":\"$CLEAN\",\"room\":\"xmpp:weekly@conference.localhost?join\",\"status\":[301],\"time\":\"T\"}" ] ||
	fail "hook JSON: $(hook_line 5)"

# A plain leave: roles only, no hook.
N=$(hooks)
presence dave dave@localhost/x 0 none none '[]' '' ''
expect_events \
	'{"event":"role_changed","user":"sip:dave@localhost","display_text":"Dave","old":["chat-moderator"],"new":[]}'
[ "$(hooks)" = "$N" ] || fail "a plain leave ran the hook"

# Reverse: the mixer boots Bob (the conference input): the bridge kicks
# his occupant from the room once; the kick comes back (actor: the
# bridge) and is not mirrored back to the hook.
doc disconnected '<disconnection-method>booted</disconnection-method>' |
	write_conf "$DIR" weekly
wait_line "$FAKE/commands.log" '"op":"role","room":"weekly@conference.localhost","nick":"bob","role":"none","reason":"booted from the conference"' ||
	fail "the booted user was not kicked from the room"
wait_line "$TMP/focus.out" 'what=mirror conf=weekly' || fail "no mirror log"
sleep 1
[ "$(count_lines "$FAKE/commands.log" '"op":"role"')" = 1 ] ||
	fail "the bridge's own kick was mirrored back: $(cat "$FAKE/commands.log")"
[ "$(hooks)" = "$N" ] || fail "the bridge's own kick ran the hook"

expect_events \
	'{"event":"booted","user":"sip:bob@localhost","display_text":"Bob","reason":null,"by":null,"when":null}'
# Out of the room, out of the chat roles (a user who left has no roles
# event: the served state says it).
bob_roles_gone() {
	grep '"event":"state"' "$TMP/watch.out" | tail -n 1 >"$TMP/last.json"
	json_assert "$TMP/last.json" \
		'[u["roles"] for u in d["conference"]["users"] if u["entity"] == "sip:bob@localhost"] == [[]]' \
		2>/dev/null
}
wait_for 10 bob_roles_gone || fail "Bob kept his chat roles: $(cat "$TMP/last.json")"

# The ban is kept: Carol leaves the call and comes back (the mixer's
# state): the hook is asked to ban her again.
N=$(hooks)
CAROL=disconnected doc disconnected '<disconnection-method>booted</disconnection-method>' |
	write_conf "$DIR" weekly
sleep 0.5
doc disconnected '<disconnection-method>booted</disconnection-method>' |
	write_conf "$DIR" weekly
wait_line "$TMP/focus.out" 'what=ban-again conf=weekly detail="sip:carol@localhost is back on the call"' ||
	fail "the ban was not applied again"
wait_for 10 eval '[ "$(hooks)" -gt "$N" ]' || fail "no hook run for the ban"
hook_line $((N + 1)) | grep -q '"action":"ban","user":"sip:carol@localhost"' ||
	fail "hook JSON: $(hook_line $((N + 1)))"

# A nick change (303) keeps the occupant: no role flaps out and back.
M=$(events | wc -l)
/usr/bin/python3 -c 'import json; print(json.dumps({"ev": "presence", "room": "'$ROOM'", "nick": "alice", "jid": "alice@localhost/pc", "available": False, "role": "moderator", "affiliation": "admin", "status": [303], "actor": None, "reason": None, "new_nick": "alice2", "self": False}))' >"$FAKE/events"
presence alice2 alice@localhost/pc 1 moderator admin '[]' '' ''
sleep 1
[ "$(events | wc -l)" = "$M" ] || fail "a nick change changed roles: $(events | tail -n +$((M + 1)))"
# The room is destroyed: the chat roles go, the call is untouched.
echo "{\"ev\":\"destroyed\",\"room\":\"$ROOM\",\"reason\":\"moving\"}" >"$FAKE/events"
SEEN=$M
expect_events \
	'{"event":"role_changed","user":"sip:alice@localhost","display_text":"Alice","old":["chair","chat-admin","chat-moderator"],"new":["chair"]}'
wait_line "$TMP/focus.out" 'what=destroyed conf=weekly detail="weekly@conference.localhost: moving"' ||
	fail "the destroyed room was not logged"

# The conference ends (active false): the bridge leaves its room.
doc | sed 's|<users>|<conference-state><active>false</active></conference-state><users>|' |
	write_conf "$DIR" weekly
wait_line "$FAKE/commands.log" '"op":"leave","room":"weekly@conference.localhost"' ||
	fail "the bridge stayed in the room of an ended conference"

stop_focus "$FOCUS_PID" || fail "focus exited with $?"
wait_line "$FAKE/commands.log" '"op":"quit"' 5 || fail "the child was not asked to quit"
