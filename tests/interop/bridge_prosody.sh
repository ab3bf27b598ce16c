#!/usr/bin/env bash
# The chat bridge end to end (issue 12): confinfo focus with its real XMPP
# child (confinfo-xmpp) against a throwaway Prosody, room occupants played
# by slixmpp actors (xmpp_actor.py), a JSON watcher and a mixer hook:
# - the focus creates and configures the conference's room, the chair
#   (Alice) becomes its admin;
# - Alice revokes Bob's voice: the hook is asked, the watcher sees Bob
#   muted by Alice; Alice kicks Mallory: booted, reason "spam";
# - the room is configured as asked (persistent, semi-anonymous, open);
# - Dave, a room moderator but no chair of the conference, kicks Bob:
#   roles only (the log says why), no hook; Alice bans Bob: booted;
# - the mixer boots Dave: the bridge kicks him from the room, no loop;
# - Prosody restarts: the child reconnects, rejoins, re-reads the
#   occupants; no hook runs twice.
. "$(dirname "$0")/../lib.bash" "$@"
. "$(dirname "$0")/prosody.bash"

[ -x "$XMPPC" ] || fail "confinfo-xmpp is not built ($XMPPC)"
start_prosody "$TMP/prosody"
PORT=$(free_port)
DIR=$TMP/conferences
mkdir -p "$DIR"

user() { # NAME DISPLAY ROLES [STATUS EXTRA]
	cat <<XML
  <user entity="sip:$1@localhost"><display-text>$2</display-text>
   <associated-aors><entry><uri>xmpp:$1@localhost</uri></entry></associated-aors>
   $3
   <endpoint entity="sip:$1@pc"><status>${4:-connected}</status>${5:-}
    <media id="1"><type>audio</type><status>sendrecv</status></media>
   </endpoint>
  </user>
XML
}
doc() { # [DAVE-STATUS DAVE-EXTRA]
	cat <<XML
<?xml version="1.0" encoding="UTF-8"?>
<conference-info xmlns="urn:ietf:params:xml:ns:conference-info"
 entity="sip:weekly@localhost" state="full" version="1">
 <conference-description><display-text>Weekly</display-text></conference-description>
 <users>
$(user alice Alice "<roles><entry>chair</entry></roles>")
$(user bob Bob "")
$(user mallory Mallory "")
$(user dave Dave "" "${1:-}" "${2:-}")
 </users>
</conference-info>
XML
}
doc | write_conf "$DIR" weekly
cat >"$TMP/hook" <<SH
#!/bin/sh
cat >>"$TMP/hook.log"
echo >>"$TMP/hook.log"
exit 0
SH
chmod +x "$TMP/hook"
: >"$TMP/hook.log"
hooks() { grep -c . "$TMP/hook.log" || true; }

start_bridge_focus focus "$DIR" "$PORT" "$TMP/hook" \
	--chat-room 'xmpp:{name}@conference.localhost?join'
wait_line "$TMP/focus.out" 'what=joined conf=weekly detail="weekly@conference.localhost created=yes affiliation=owner"' 20 ||
	fail "the bridge did not create the room"

bg watch "$CONFINFO" watch --json --proxy "sip:127.0.0.1:$PORT" \
	sip:weekly@localhost
bg text "$CONFINFO" watch --proxy "sip:127.0.0.1:$PORT" sip:weekly@localhost
wait_line "$TMP/watch.out" '"event":"state"' || fail "no first state"

start_actor alice alice weekly alice
start_actor bob bob weekly bob
start_actor mallory mallory weekly mal
start_actor dave dave weekly dave
# Alice was made admin at creation: a moderator, her chat roles served.
wait_for 15 json_has "$TMP/watch.out" \
	'e["event"] == "role_changed" and e["user"] == "sip:alice@localhost" and "chat-admin" in e["new"] and "chat-moderator" in e["new"]' ||
	fail "Alice's room roles did not reach the watcher"
wait_for 15 json_has "$TMP/watch.out" \
	'e["event"] == "role_changed" and e["user"] == "sip:mallory@localhost" and e["new"] == ["chat-participant"]' ||
	fail "Mallory's room role did not reach the watcher"

# The room as the bridge configured it: persistent, real JIDs for
# moderators only (semi-anonymous), open (not members-only).
actor alice disco
wait_for 10 json_has "$TMP/alice.out" \
	'e["ev"] == "disco" and "muc_persistent" in e["features"] and "muc_semianonymous" in e["features"] and "muc_open" in e["features"]' ||
	fail "the room is not configured as the bridge asked: $(grep disco "$TMP/alice.out")"

# The chair revokes Bob's voice.
actor alice devoice bob
wait_for 15 json_has "$TMP/watch.out" \
	'e == {"event": "muted", "user": "sip:bob@localhost", "display_text": "Bob", "by": "sip:alice@localhost", "via": "chat"}' ||
	fail "Bob's mute did not reach the watcher"
wait_line "$TMP/text.out" '^muted: Bob <sip:bob@localhost> \(by Alice in the chat room\)$' ||
	fail "the text watcher did not say it"
json_has "$TMP/hook.log" 'e["action"] == "mute" and e["user"] == "sip:bob@localhost" and e["by"] == "sip:alice@localhost" and e["endpoints"] == ["sip:bob@pc"] and e["room"] == "xmpp:weekly@conference.localhost?join"' ||
	fail "no mute in the hook log: $(cat "$TMP/hook.log")"

# The chair kicks Mallory.
actor alice kick mal spam
wait_for 15 json_has "$TMP/watch.out" \
	'e["event"] == "booted" and e["user"] == "sip:mallory@localhost" and e["reason"] == "spam" and e["by"] == "sip:alice@localhost"' ||
	fail "Mallory's boot did not reach the watcher"
wait_line "$TMP/text.out" '^booted: Mallory <sip:mallory@localhost>: spam$' ||
	fail "the text watcher did not print the boot"
json_has "$TMP/hook.log" 'e["action"] == "kick" and e["status"] == [307] and e["reason"] == "spam"' ||
	fail "no kick in the hook log"

# A room moderator who is no chair: roles only.
actor alice moderator dave
wait_for 15 json_has "$TMP/watch.out" \
	'e["event"] == "role_changed" and e["user"] == "sip:dave@localhost" and e["new"] == ["chat-moderator"]' ||
	fail "Dave did not become a moderator"
N=$(hooks)
actor dave kick bob bye
wait_line "$TMP/focus.out" 'what=roles-only conf=weekly detail="kick of bob@localhost by dave: the actor is not a conference chair"' 15 ||
	fail "a non-chair's kick was not refused"
sleep 1
[ "$(hooks)" = "$N" ] || fail "a non-chair's kick ran the hook"
lacks_line "$TMP/text.out" '^booted: Bob' || fail "Bob was shown booted"

# Bob comes back to the room; the chair bans him (301): booted, and the
# hook asked to ban.
actor bob join
actor alice wait-occupant bob
wait_for 15 json_has "$TMP/alice.out" 'e["ev"] == "occupant" and e["nick"] == "bob"' ||
	fail "Bob did not come back"
actor alice ban bob@localhost flooding
wait_for 15 json_has "$TMP/watch.out" \
	'e["event"] == "booted" and e["user"] == "sip:bob@localhost" and e["reason"] == "flooding"' ||
	fail "Bob's ban did not reach the watcher"
json_has "$TMP/hook.log" 'e["action"] == "ban" and e["user"] == "sip:bob@localhost" and 301 in e["status"]' ||
	fail "no ban in the hook log"
N=$(hooks)

# Reverse: the mixer boots Dave (the conference input): the bridge kicks
# him from the room; its own kick is not mirrored back to the hook.
doc disconnected '<disconnection-method>booted</disconnection-method>' |
	write_conf "$DIR" weekly
wait_for 15 json_has "$TMP/dave.out" \
	'e["ev"] == "presence" and e["self"] and not e["available"] and 307 in e["status"] and e["reason"] == "booted from the conference"' ||
	fail "Dave was not kicked from the room"
sleep 1
[ "$(hooks)" = "$N" ] || fail "the bridge's own kick ran the hook"

# Prosody restarts: reconnect, rejoin, the occupants re-read; no hook
# runs again.
stop_prosody
start_prosody "$TMP/prosody"
wait_for 60 eval '[ "$(count_lines "$TMP/focus.out" "what=joined conf=weekly")" -ge 2 ]' ||
	fail "the bridge did not rejoin after the restart"
sleep 3
[ "$(hooks)" = "$N" ] || fail "the resync ran the hook again: $(cat "$TMP/hook.log")"

stop_focus "$FOCUS_PID" || fail "focus exited with $?"
