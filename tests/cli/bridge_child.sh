#!/usr/bin/env bash
# The chat bridge never holds up the focus: a stalled XMPP child (reads
# nothing, says nothing), a child that dies at once (restarted with
# backoff), and a hook that hangs (killed at --bridge-hook-timeout, the
# endpoint left as it was) — in each case a change of the conference
# still reaches a SIP subscriber at once; and the hook's rate limit.
. "$(dirname "$0")/../lib.bash" "$@"

need_cmd /usr/bin/python3 python3
DIR=$TMP/conferences
FAKE=$TMP/fake
mkdir -p "$DIR" "$FAKE"
mkfifo "$FAKE/events"
export FAKE_XMPP_DIR=$FAKE
echo secret >"$TMP/pw"
chmod 600 "$TMP/pw"

doc() {
	cat <<XML
<?xml version="1.0" encoding="UTF-8"?>
<conference-info xmlns="urn:ietf:params:xml:ns:conference-info"
 entity="sip:weekly@localhost" state="full" version="1">
 <conference-description><subject>$1</subject></conference-description>
 <users>
  <user entity="sip:alice@localhost"><display-text>Alice</display-text>
   <associated-aors><entry><uri>xmpp:alice@localhost</uri></entry></associated-aors>
   <roles><entry>chair</entry></roles>
   <endpoint entity="sip:alice@pc"><status>connected</status></endpoint></user>
  <user entity="sip:bob@localhost"><display-text>Bob</display-text>
   <associated-aors><entry><uri>xmpp:bob@localhost</uri></entry></associated-aors>
   <endpoint entity="sip:bob@pc"><status>connected</status></endpoint></user>
 </users>
</conference-info>
XML
}

# run_case NAME PROGRAM [FOCUS-ARGS...]: a focus with the bridge's child
# PROGRAM and a JSON watcher; a change of the subject must reach the
# watcher within 2 s.
run_case() {
	local name=$1 program=$2 port t0 t1
	shift 2
	port=$(free_port)
	doc "before $name" | write_conf "$DIR" weekly
	start_focus "focus-$name" --conferences "$DIR" \
		--listen udp:127.0.0.1:$port --domain localhost \
		--chat-room 'xmpp:{name}@conference.localhost?join' \
		--min-interval 0 --xmpp-jid focus@localhost \
		--xmpp-password-file "$TMP/pw" --xmpp-program "$program" \
		--xmpp-muc conference.localhost "$@"
	bg "watch-$name" "$CONFINFO" watch --json \
		--proxy "sip:127.0.0.1:$port" sip:weekly@localhost
	WATCH_PID=$BG_PID
	wait_line "$TMP/watch-$name.out" '"event":"state"' ||
		fail "$name: no first state"
	t0=$(now_us)
	doc "after $name" | write_conf "$DIR" weekly
	wait_line "$TMP/watch-$name.out" "\"subject\":\"after $name\"" 2 ||
		fail "$name: the change did not reach the subscriber within 2 s"
	t1=$(now_us)
	echo "$name: change delivered in $(((t1 - t0) / 1000)) ms"
}

# A stalled child: the join is queued, never read; SIP goes on.
FAKE_XMPP_STALL=1 run_case stalled "$TESTS_DIR/cli/fake_xmpp.py"
stop_focus "$FOCUS_PID" || fail "stalled: focus exited with $?"

# A child that dies at once: restarted with backoff (1 s, then 2 s),
# said in the log; SIP goes on.
run_case dead /bin/false
wait_for 5 eval '[ "$(count_lines "$TMP/focus-dead.out" "what=child detail=\"started\"")" -ge 2 ]' ||
	fail "the dead child was not restarted"
has_line "$TMP/focus-dead.out" 'what=child detail="stopped: ' ||
	fail "the child's death was not logged"
stop_focus "$FOCUS_PID" || fail "dead: focus exited with $?"

# A hook that hangs: killed after 300 ms, logged, Bob not muted; SIP
# goes on meanwhile.
cat >"$TMP/hook" <<SH
#!/bin/sh
cat >"$TMP/hook.in"
exec sleep 30
SH
chmod +x "$TMP/hook"
run_case hang "$TESTS_DIR/cli/fake_xmpp.py" --bridge-hook "$TMP/hook" \
	--bridge-hook-timeout 300
wait_line "$TMP/focus-hang.out" 'what=joined' || fail "hang: not joined"
presence() {
	echo "{\"ev\":\"presence\",\"room\":\"weekly@conference.localhost\",\"nick\":\"$1\",\"jid\":\"$1@localhost/x\",\"available\":true,\"role\":\"$2\",\"affiliation\":\"member\",\"status\":[],\"actor\":${3:-null},\"reason\":null,\"self\":false}" >"$FAKE/events"
}
presence alice moderator
presence bob participant
presence bob visitor '"alice"'
wait_line "$TMP/focus-hang.out" 'what=hook-failed conf=weekly detail="mute sip:bob@localhost: timed out \(killed\); the endpoint is left as it was"' 5 ||
	fail "the hanging hook was not killed"
has_line "$TMP/hook.in" '"action":"mute"' || fail "the hook got no JSON"
doc "after the hook" | write_conf "$DIR" weekly
wait_line "$TMP/watch-hang.out" '"subject":"after the hook"' 2 ||
	fail "no NOTIFY after the hook"
lacks_line "$TMP/watch-hang.out" '"event":"muted"' ||
	fail "Bob was shown muted though the hook failed"
stop_focus "$FOCUS_PID" || fail "hang: focus exited with $?"

# The hook's rate limit: one run per 10 s here; the second action of the
# conference is refused, logged, and changes nothing.
: >"$FAKE/commands.log"
run_case rate "$TESTS_DIR/cli/fake_xmpp.py" --bridge-hook /bin/true \
	--bridge-hook-rate 1
wait_line "$TMP/focus-rate.out" 'what=joined' || fail "rate: not joined"
presence alice moderator
presence bob participant
presence bob visitor '"alice"'
wait_line "$TMP/focus-rate.out" 'what=hook conf=weekly detail="mute sip:bob@localhost: done"' ||
	fail "rate: the first run did not happen"
wait_line "$TMP/watch-rate.out" '"event":"muted"' || fail "rate: Bob not muted"
presence bob participant '"alice"'
wait_line "$TMP/focus-rate.out" 'what=hook-failed conf=weekly detail="unmute sip:bob@localhost: over the rate limit; the endpoint is left as it was"' ||
	fail "rate: the second run was not refused"
lacks_line "$TMP/watch-rate.out" '"event":"unmuted"' ||
	fail "rate: Bob was shown unmuted"
stop_focus "$FOCUS_PID" || fail "rate: focus exited with $?"
