#!/usr/bin/env bash
# Issue 13, defect 9: a notifier that answers the SUBSCRIBE 200 and never
# sends a NOTIFY. `confinfo watch --once` must not wait forever: once the
# NOTIFY timeout (RFC 6665 Timer N, 32 s, shortened here with
# --notify-timeout) runs out, it gives up with a clear error and exit 1.
# Without --once the watcher gives up the same way (it never had a state).
. "$(dirname "$0")/../lib.bash" "$@"

for mode in once follow; do
	PORT=$(free_port)
	sipp_uas "sipp-silent-$mode" sipp/watch_silent.xml "$PORT"
	args=(--notify-timeout 2 --proxy "sip:127.0.0.1:$PORT")
	[ "$mode" = once ] && args+=(--once)
	start=$(date +%s)
	bg "watch-$mode" "$CONFINFO" watch "${args[@]}" sip:weekly@conf.example.com
	wait_exit "$BG_PID" 15
	[ "$EXIT_STATUS" -eq 1 ] ||
		fail "$mode: watch exited with $EXIT_STATUS, expected 1"
	elapsed=$(($(date +%s) - start))
	[ "$elapsed" -le 8 ] || fail "$mode: watch took $elapsed s to give up"
	has_line "$TMP/watch-$mode.err" 'accepted the subscription but sent no NOTIFY within 2 s' ||
		fail "$mode: no clear error: $(cat "$TMP/watch-$mode.err")"
	sipp_ok "silent-$mode" 15
done

# The JSON stream says the same, as a closed event with err ETIMEDOUT.
PORT=$(free_port)
sipp_uas sipp-silent-json sipp/watch_silent.xml "$PORT"
bg watch-json "$CONFINFO" watch --json --once --notify-timeout 1 \
	--proxy "sip:127.0.0.1:$PORT" sip:weekly@conf.example.com
wait_exit "$BG_PID" 15
[ "$EXIT_STATUS" -eq 1 ] || fail "json: watch exited with $EXIT_STATUS"
json_has "$TMP/watch-json.out" 'e["event"] == "closed" and "no NOTIFY" in e["message"]' ||
	fail "no closed event naming the missing NOTIFY"
sipp_ok silent-json 15
echo ok
