#!/usr/bin/env bash
# The chat bridge in a room it does not own (issue 12): the room exists
# (created by Alice, an instant room) before the focus joins; the bridge
# is a mere participant that sees no real JIDs, so it says it mirrors
# roles only, identifies nobody (nicks are not identities), and a kick by
# Alice, the conference's chair, does not reach the call.
. "$(dirname "$0")/../lib.bash" "$@"
. "$(dirname "$0")/prosody.bash"

[ -x "$XMPPC" ] || fail "confinfo-xmpp is not built ($XMPPC)"
start_prosody "$TMP/prosody"
PORT=$(free_port)
DIR=$TMP/conferences
mkdir -p "$DIR"
write_conf "$DIR" weekly <<XML
<?xml version="1.0" encoding="UTF-8"?>
<conference-info xmlns="urn:ietf:params:xml:ns:conference-info"
 entity="sip:weekly@localhost" state="full" version="1">
 <users>
  <user entity="sip:alice@localhost">
   <associated-aors><entry><uri>xmpp:alice@localhost</uri></entry></associated-aors>
   <roles><entry>chair</entry></roles>
   <endpoint entity="sip:alice@pc"><status>connected</status></endpoint></user>
  <user entity="sip:bob@localhost">
   <associated-aors><entry><uri>xmpp:bob@localhost</uri></entry></associated-aors>
   <endpoint entity="sip:bob@pc"><status>connected</status></endpoint></user>
 </users>
</conference-info>
XML
printf '#!/bin/sh\ncat >>"%s"\nexit 0\n' "$TMP/hook.log" >"$TMP/hook"
chmod +x "$TMP/hook"

# Alice creates the room first: she owns it.
start_actor alice alice weekly alice
json_has "$TMP/alice.out" 'e["ev"] == "joined" and e["created"]' ||
	fail "Alice did not create the room"
start_actor bob bob weekly bob

start_bridge_focus focus "$DIR" "$PORT" "$TMP/hook" \
	--chat-room 'xmpp:{name}@conference.localhost?join'
wait_line "$TMP/focus.out" 'what=joined conf=weekly detail="weekly@conference.localhost created=no affiliation=none; roles only: the bridge is not owner or admin of the room"' 20 ||
	fail "the bridge did not say it mirrors roles only"
bg watch "$CONFINFO" watch --json --proxy "sip:127.0.0.1:$PORT" \
	sip:weekly@localhost
wait_line "$TMP/watch.out" '"event":"state"' || fail "no first state"

# The room hides real JIDs from a participant: nobody can be identified,
# so nobody gets a chat role (never by nick, though "alice" is Alice's).
actor alice say hello
sleep 1
lacks_line "$TMP/watch.out" '"chat-' || fail "a chat role without a real JID"

# The chair kicks Bob: roles only, no hook, Bob not booted.
actor alice kick bob bye
wait_line "$TMP/focus.out" 'what=roles-only conf=weekly detail="kick of .* by alice: the bridge is not owner or admin of the room"' 15 ||
	fail "the kick was not refused"
sleep 1
[ ! -s "$TMP/hook.log" ] || fail "the hook ran: $(cat "$TMP/hook.log")"
lacks_line "$TMP/watch.out" '"event":"booted"' || fail "Bob was shown booted"

stop_focus "$FOCUS_PID" || fail "focus exited with $?"
