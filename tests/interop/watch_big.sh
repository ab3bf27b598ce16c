#!/usr/bin/env bash
# Issue 13, defect 11 (watcher side): NOTIFYs the SIP stack does not
# receive whole.
# - Over UDP libre 1.1.0 reads at most 8192 bytes of a datagram and cuts
#   the rest silently: the watcher must refuse the cut NOTIFY with 513
#   (it was answered 200 and "undecodable"), say it was too big and that
#   TCP is needed, and exit 1.
# - A NOTIFY whose body is shorter than its Content-Length (a small
#   datagram) gets 400 and leaves the state alone; the next one applies.
# - Over TCP libre drops a message over 64 KiB by closing the connection
#   (nothing reaches the watcher): the watcher's give-up message says that
#   a NOTIFY over 64 KiB may be why.
. "$(dirname "$0")/../lib.bash" "$@"

big_doc() { # USERS: a full document of that many users
	local users=() i
	for ((i = 0; i < $1; i++)); do users+=("user$i"); done
	conf_doc big "${users[@]}"
}
scenario() { # SCENARIO DOCUMENT: a copy of SCENARIO that sends DOCUMENT
	sed "s|BIG_DOCUMENT|$2|" "sipp/$1" >"$TMP/$1"
	echo "$TMP/$1"
}

# UDP, a 12 KiB state.
big_doc 55 >"$TMP/big-udp.xml"
size=$(wc -c <"$TMP/big-udp.xml")
[ "$size" -gt 9000 ] && [ "$size" -lt 30000 ] || fail "big-udp.xml is $size bytes"
PORT=$(free_port)
sipp_uas sipp-big-udp "$(scenario watch_big.xml "$TMP/big-udp.xml")" "$PORT"
bg watch-udp "$CONFINFO" watch --once --proxy "sip:127.0.0.1:$PORT" \
	sip:big@example.com
wait_exit "$BG_PID" 15
[ "$EXIT_STATUS" -eq 1 ] || fail "udp: watch exited with $EXIT_STATUS, expected 1"
sipp_ok big-udp 15 # it got 513, not 200
has_line "$TMP/watch-udp.err" 'NOTIFY too big for UDP' ||
	fail "udp: no 'too big' message: $(cat "$TMP/watch-udp.err")"
has_line "$TMP/watch-udp.err" 'transport tcp' ||
	fail "udp: no hint to use TCP: $(cat "$TMP/watch-udp.err")"
lacks_line "$TMP/watch-udp.err" 'undecodable' ||
	fail "udp: the cut body went to the decoder"

# The same in JSON: a closed event with the reason.
PORT=$(free_port)
sipp_uas sipp-big-json "$(scenario watch_big.xml "$TMP/big-udp.xml")" "$PORT"
bg watch-json "$CONFINFO" watch --json --proxy "sip:127.0.0.1:$PORT" \
	sip:big@example.com
wait_exit "$BG_PID" 15
[ "$EXIT_STATUS" -eq 1 ] || fail "json: watch exited with $EXIT_STATUS"
sipp_ok big-json 15
json_has "$TMP/watch-json.out" 'e["event"] == "closed" and e["reason"] == "too-big" and e["status"] == 513' ||
	fail "json: no closed event with reason too-big"

# A body shorter than its Content-Length: 400, then the real state.
PORT=$(free_port)
sipp_uas sipp-short sipp/watch_short_body.xml "$PORT"
bg watch-short "$CONFINFO" watch --once --proxy "sip:127.0.0.1:$PORT" \
	sip:weekly@conf.example.com
wait_exit "$BG_PID" 15
[ "$EXIT_STATUS" -eq 0 ] || fail "short: watch exited with $EXIT_STATUS"
sipp_ok short 15 # it got 400 for the short body, 200 for the next
has_line "$TMP/watch-short.err" 'shorter than its Content-Length' ||
	fail "short: not reported: $(cat "$TMP/watch-short.err")"
has_line "$TMP/watch-short.out" 'alice' || fail "short: the full state was not shown"

# TCP, a 70 KiB state: libre closes the connection, the watcher says why
# it may have had no NOTIFY.
big_doc 320 >"$TMP/big-tcp.xml"
size=$(wc -c <"$TMP/big-tcp.xml")
[ "$size" -gt 66000 ] || fail "big-tcp.xml is only $size bytes"
PORT=$(free_port)
sipp_uas sipp-big-tcp "$(scenario watch_big_tcp.xml "$TMP/big-tcp.xml")" "$PORT" t1
bg watch-tcp "$CONFINFO" watch --once --notify-timeout 2 --transport tcp \
	--proxy "sip:127.0.0.1:$PORT" sip:big@example.com
wait_exit "$BG_PID" 15
[ "$EXIT_STATUS" -eq 1 ] || fail "tcp: watch exited with $EXIT_STATUS"
has_line "$TMP/watch-tcp.err" 'over 64 KiB on TCP' ||
	fail "tcp: no hint at the 64 KiB limit: $(cat "$TMP/watch-tcp.err")"
echo ok
