#!/usr/bin/env bash
# confinfo watch --open-with, with a recording chat client
# (open_with/record.py) and a SIPp notifier advertising rooms of every kind:
# - auto (--auto-join=same-domain), no terminal: same-domain rooms are
#   opened at once, the other-domain room is not (no terminal to ask), the
#   invalid one never; a URI full of shell metacharacters arrives as one
#   argument, byte for byte;
# - ask (the default policy) on a pseudo-terminal (open_with/pty_answer.py):
#   one prompt per valid room, never repeated when the rooms are advertised
#   again, at least --prompt-interval apart; only rooms answered "y" open.
. "$(dirname "$0")/../lib.bash" "$@"

A='xmpp:weekly@conf.example.com?join'
B="sip:we;ek\$(id)&a='b'!*@conf.example.com"
C='xmpp:weekly@chat.other.example?join'
D='ftp://conf.example.com/weekly'
E='xmpp:other@conf.example.com?join'
RECORD="python3 $TESTS_DIR/interop/open_with/record.py"
need_cmd setsid util-linux

# records FILE: the recorded argument lists, one JSON array per line.
records() {
	[ -f "$1" ] && cat "$1" || true
}
expect_records() {
	local file=$1
	shift
	# The clients run concurrently: compare without order.
	python3 - "$file" "$@" <<'PY' || fail "recorded $(records "$file") instead of: $*"
import json, sys
got = sorted(json.loads(l) for l in open(sys.argv[1]).read().splitlines())
want = sorted([u] for u in sys.argv[2:])
sys.exit(0 if got == want else 1)
PY
}

# --- auto, without a terminal ---------------------------------------
PORT=$(free_port)
export RECORD_FILE=$TMP/auto.rec
sipp_uas sipp-auto sipp/watch_rooms.xml $PORT
bg auto setsid "$CONFINFO" watch --json --auto-join=same-domain \
	--open-with "$RECORD" --proxy "sip:127.0.0.1:$PORT" \
	sip:weekly@conf.example.com
wpid=$BG_PID
wait_for 15 bash -c "[ \$(wc -l <'$RECORD_FILE' 2>/dev/null || echo 0) -ge 3 ]" ||
	fail "auto: the same-domain rooms were not opened"
wait_for 5 json_has "$TMP/auto.out" "e['event'] == 'room_declined' and e['uri'] == '$C'" ||
	fail "auto: the other-domain room was not declined for want of a terminal"
json_has "$TMP/auto.out" "e['event'] == 'room_refused' and e['uri'] == '$D'" ||
	fail "auto: the invalid room was not refused"
kill -INT "$wpid"
wait_exit "$wpid" 10
[ "$EXIT_STATUS" -eq 0 ] || fail "auto: watch exited with $EXIT_STATUS"
sipp_ok auto 10
expect_records "$RECORD_FILE" "$A" "$B" "$E"
n=$(json_count "$TMP/auto.out" "e['event'] == 'room_declined'")
[ "$n" -eq 1 ] || fail "auto: $n rooms declined, expected only $C once"

# --- ask, answered on a pseudo-terminal -------------------------------
PORT=$(free_port)
export RECORD_FILE=$TMP/ask.rec
ANSWERS=$(python3 -c 'import json,sys; print(json.dumps({sys.argv[1]: "y", sys.argv[2]: "n", sys.argv[3]: "y", sys.argv[4]: "y"}))' "$A" "$B" "$C" "$E")
sipp_uas sipp-ask sipp/watch_rooms.xml $PORT
bg ask python3 open_with/pty_answer.py "$TMP/prompts.log" "$ANSWERS" -- \
	"$CONFINFO" watch --prompt-interval 1 --open-with "$RECORD" \
	--proxy "sip:127.0.0.1:$PORT" sip:weekly@conf.example.com
dpid=$BG_PID
wait_for 20 bash -c "[ \$(wc -l <'$RECORD_FILE' 2>/dev/null || echo 0) -ge 3 ] && [ \$(wc -l <'$TMP/prompts.log') -ge 4 ]" ||
	fail "ask: prompts $(cat "$TMP/prompts.log" 2>/dev/null), opened $(records "$RECORD_FILE")"
sleep 1.5 # a repeated prompt would come within the interval
kill -TERM "$dpid"
wait_exit "$dpid" 10
[ "$EXIT_STATUS" -eq 0 ] || fail "ask: watch exited with $EXIT_STATUS ($(tail -c 300 "$TMP/prompts.log.tty"))"
sipp_ok ask 10
expect_records "$RECORD_FILE" "$A" "$C" "$E"
python3 - "$TMP/prompts.log" "$A" "$B" "$C" "$E" <<'PY' || fail "ask: prompts were $(cat "$TMP/prompts.log")"
import json, sys
prompts = [json.loads(l) for l in open(sys.argv[1]).read().splitlines()]
uris = [p["uri"] for p in prompts]
assert sorted(uris) == sorted(sys.argv[2:]), uris          # once each, never D
gaps = [b["t"] - a["t"] for a, b in zip(prompts, prompts[1:])]
assert all(g >= 0.95 for g in gaps), gaps                    # rate-limited
PY
grep -q "declined\|not joining" "$TMP/prompts.log.tty" || fail "ask: the 'n' answer was not acknowledged"
echo ok
