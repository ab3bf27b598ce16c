#!/usr/bin/env bash
# The second part of the README's main command (scripts/demo.sh): the
# conference and its chat room as one (issue 12, docs/chat-bridge.md).
#
#   bash scripts/demo_bridge.sh BUILD/confinfo BUILD
#
# 1. starts a throwaway Prosody on 127.0.0.1 (tests/interop/prosody.bash:
#    its own CA, accounts, data directory; the machine's Prosody, if any,
#    is not touched);
# 2. starts a focus whose conference advertises
#    xmpp:weekly@conference.localhost: the focus's chat bridge (its
#    confinfo-xmpp child) creates and configures the room and makes the
#    chair, Alice, its admin; a mixer hook logs what it is asked;
# 3. starts a watcher, and three room occupants (slixmpp): Alice, Bob,
#    Mallory;
# 4. Alice revokes Bob's voice and kicks Mallory ("spam"): the hook is
#    asked, and the watcher prints "muted: Bob ... (by Alice in the chat
#    room)" and "booted: Mallory ...: spam";
# 5. stops everything and removes its files (also on Ctrl-C).
set -euo pipefail
. "$(dirname "$0")/../tests/lib.bash" "$1" "$2"
. "$(dirname "$0")/../tests/interop/prosody.bash"

echo "== chat bridge: a throwaway Prosody on 127.0.0.1 (XMPP domain localhost)"
start_prosody "$TMP/prosody"
PORT=$(free_port)
mkdir -p "$TMP/conferences"
user() {
	cat <<XML
  <user entity="sip:$1@localhost"><display-text>$2</display-text>
   <associated-aors><entry><uri>xmpp:$1@localhost</uri></entry></associated-aors>
   $3
   <endpoint entity="sip:$1@phone.localhost"><status>connected</status>
    <media id="1"><type>audio</type><status>sendrecv</status></media>
   </endpoint>
  </user>
XML
}
write_conf "$TMP/conferences" weekly <<XML
<?xml version="1.0" encoding="UTF-8"?>
<conference-info xmlns="urn:ietf:params:xml:ns:conference-info"
 entity="sip:weekly@localhost" state="full" version="1">
 <conference-description>
  <display-text>Weekly Sales Meeting</display-text>
  <service-uris><entry><uri>xmpp:weekly@conference.localhost?join</uri>
   <purpose>grouptextchat</purpose></entry></service-uris>
 </conference-description>
 <users>
$(user alice Alice "<roles><entry>chair</entry></roles>")
$(user bob Bob "")
$(user mallory Mallory "")
 </users>
</conference-info>
XML
# The mixer: here it only says what it was asked.
cat >"$TMP/mixer-hook" <<SH
#!/bin/sh
{ printf 'mixer asked: '; cat; echo; } >>"$TMP/mixer.log"
SH
chmod +x "$TMP/mixer-hook"
: >"$TMP/mixer.log"

echo "== focus: confinfo focus ... --xmpp-jid focus@localhost --xmpp-muc conference.localhost --bridge-hook mixer-hook"
start_bridge_focus focus "$TMP/conferences" "$PORT" "$TMP/mixer-hook"
wait_line "$TMP/focus.out" 'what=joined conf=weekly' 20 ||
	fail "the focus did not join its room"
grep '^bridge what=joined' "$TMP/focus.out"

echo "== watcher: confinfo watch --proxy sip:127.0.0.1:$PORT sip:weekly@localhost"
bg watch "$CONFINFO" watch --proxy "sip:127.0.0.1:$PORT" sip:weekly@localhost
wait_line "$TMP/watch.out" '^conference ' || fail "the watcher got no state"

echo "== Alice, Bob and Mallory join the room"
start_actor alice alice weekly Alice
start_actor bob bob weekly Bob
start_actor mallory mallory weekly Mallory
wait_line "$TMP/watch.out" '^role changed: Mallory' 15 ||
	fail "the room's roles did not reach the watcher"

echo "== Alice (the chair) revokes Bob's voice and kicks Mallory: spam"
actor alice devoice Bob
wait_line "$TMP/watch.out" '^muted: Bob' 15 || fail "Bob's mute did not arrive"
actor alice kick Mallory spam
wait_line "$TMP/watch.out" '^booted: Mallory' 15 || fail "Mallory's boot did not arrive"

echo
echo "== what the watcher printed"
sed -n '/^role changed\|^muted\|^booted\|^joined\|^left/p' "$TMP/watch.out"
echo
echo "== the mixer hook's log"
cat "$TMP/mixer.log"
echo
echo "== stopping (the focus leaves the room, Prosody and the occupants stop)"
stop_focus "$FOCUS_PID" || true
