#!/usr/bin/env bash
# confinfo watch against a SIPp notifier that answers 423 (Min-Expires 8)
# and then challenges for digest credentials (read from a file here); SIPp
# checks the Expires of each retry and the digest response; the
# subscription granted for 8 s must be refreshed before it ends.
. "$(dirname "$0")/../lib.bash" "$@"

PORT=$(free_port)
printf 'alice:s3cret;&pw\n' >"$TMP/credentials"
chmod 600 "$TMP/credentials"
sipp_uas sipp-refresh sipp/watch_refresh.xml $PORT
bg watch "$CONFINFO" watch --json --expires 5 --auth-file "$TMP/credentials" \
	--proxy "sip:127.0.0.1:$PORT" --save "$TMP/state.xml" \
	sip:weekly@conf.example.com
wait_exit "$BG_PID" 25
[ "$EXIT_STATUS" -eq 0 ] || fail "watch exited with $EXIT_STATUS"
sipp_ok refresh 10

n=$(json_count "$TMP/watch.out" 'e["event"] == "subscribed" and e["expires"] == 8')
[ "$n" -eq 2 ] || fail "expected a subscription and a refresh of 8 s, got $n"
assert_same_state "$TMP/state.xml" sipp/watch/v1-full.xml

# Wrong credentials (on the command line this time): the challenge is
# answered once, then the watch fails.
PORT=$(free_port)
sipp_uas sipp-refresh-bad sipp/watch_refresh.xml $PORT
bg watch-bad "$CONFINFO" watch --json --expires 5 --auth alice:wrong \
	--proxy "sip:127.0.0.1:$PORT" sip:weekly@conf.example.com
wait_exit "$BG_PID" 25
[ "$EXIT_STATUS" -eq 1 ] || fail "watch with bad credentials exited with $EXIT_STATUS"
json_has "$TMP/watch-bad.out" 'e["event"] == "closed" and e["error"] and e["status"] == 403' ||
	fail "the refusal was not reported"
kill "$SIPP_PID" 2>/dev/null || true
echo ok
