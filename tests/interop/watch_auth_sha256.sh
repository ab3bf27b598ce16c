#!/usr/bin/env bash
# confinfo watch --auth against confinfo focus --auth whose credentials
# file has a SHA-256 HA1 line (RFC 7616, RFC 8760): the focus offers
# SHA-256 first, and the watcher must answer it (libre 1.1.0 alone gives
# up with ENOSYS). Once with a SHA-256-only file, once with both an MD5
# and a SHA-256 line. The subscription is refreshed every 2 s (Expires 4)
# and the nonces live 3 s: refreshes reuse the nonce with a growing nc,
# and a stale nonce (401 stale=true) is answered again without failing.
# A wrong password is refused (403) and the watch exits 1. An unsubscribe
# whose nonce went stale is answered again.
. "$(dirname "$0")/../lib.bash" "$@"

mkdir "$TMP/confs"
conf_doc conf1 alice bob | write_conf "$TMP/confs" conf1
sha=$(printf '%s' 'alice:example.com:secret' | sha256sum | cut -d' ' -f1)
md5=$(printf '%s' 'alice:example.com:secret' | md5sum | cut -d' ' -f1)
printf 'alice:example.com:%s\n' "$sha" >"$TMP/sha"
printf 'alice:example.com:%s\nalice:example.com:%s\n' "$md5" "$sha" >"$TMP/both"

# subscribed_n FILE N: FILE has at least N subscribed events (the first
# and the refreshes).
subscribed_n() {
	[ "$(json_count "$1" 'e["event"] == "subscribed"')" -ge "$2" ]
}

for file in sha both; do
	PORT=$(free_port)
	start_focus "focus-$file" --conferences "$TMP/confs" \
		--listen "udp:127.0.0.1:$PORT" --domain example.com \
		--min-interval 0 --expires-min 4 --nonce-lifetime 3 \
		--auth "$TMP/$file"
	log="$TMP/focus-$file.out"
	bg "watch-$file" "$CONFINFO" watch --json --expires 4 \
		--from sip:alice@example.com --auth alice:secret \
		--proxy "sip:127.0.0.1:$PORT" --save "$TMP/state-$file.xml" \
		sip:conf1@example.com
	WATCH_PID=$BG_PID
	# The first subscription and at least three refreshes (8 s: the
	# nonce of the first went stale on the way).
	wait_for 20 subscribed_n "$TMP/watch-$file.out" 4 ||
		fail "$file: the watcher did not subscribe and refresh"
	assert_same_state "$TMP/state-$file.xml" "$TMP/confs/conf1.xml"
	json_lacks "$TMP/watch-$file.out" 'e["event"] == "closed"' ||
		fail "$file: the subscription ended"
	# Authenticated as alice, by the digest (not by the From alone).
	wait_line "$log" '^subscribe .*conf=conf1' 5 ||
		fail "$file: the focus logged no subscription"
	has_line "$log" 'code=401 .*stale nonce' ||
		fail "$file: no stale nonce was answered (nonce lifetime 3 s)"
	lacks_line "$log" 'code=403' || fail "$file: a request was refused"
	kill -TERM "$WATCH_PID"
	wait_exit "$WATCH_PID" 10
	[ "$EXIT_STATUS" -eq 0 ] || fail "$file: watch exited with $EXIT_STATUS"
	wait_line "$log" '^unsubscribe ' 5 || fail "$file: no unsubscribe"
	# The password never reaches the output.
	lacks_line "$TMP/watch-$file.out" 'secret' || fail "password printed"
	lacks_line "$TMP/watch-$file.err" 'secret' || fail "password printed"

	# A wrong password: 403 Wrong Credentials, exit 1.
	bg "bad-$file" "$CONFINFO" watch --json --expires 4 \
		--from sip:alice@example.com --auth alice:wrong \
		--proxy "sip:127.0.0.1:$PORT" sip:conf1@example.com
	wait_exit "$BG_PID" 15
	[ "$EXIT_STATUS" -eq 1 ] ||
		fail "$file: a wrong password exited with $EXIT_STATUS"
	json_has "$TMP/bad-$file.out" \
		'e["event"] == "closed" and e["error"] and e["status"] == 403' ||
		fail "$file: the refusal was not reported"
	has_line "$log" 'code=403 reason="Wrong Credentials"' ||
		fail "$file: the focus did not refuse the wrong password"
	stop_focus "$FOCUS_PID" || fail "$file: focus exit status $?"
done
# The unsubscribe finds its nonce stale (lifetime 1 s, a subscription of
# 60 s not yet refreshed): it is answered again and reaches the focus.
PORT=$(free_port)
start_focus focus-unsub --conferences "$TMP/confs" \
	--listen "udp:127.0.0.1:$PORT" --domain example.com --min-interval 0 \
	--nonce-lifetime 1 --auth "$TMP/sha"
bg watch-unsub "$CONFINFO" watch --json --expires 60 \
	--from sip:alice@example.com --auth alice:secret \
	--proxy "sip:127.0.0.1:$PORT" sip:conf1@example.com
WATCH_PID=$BG_PID
wait_for 10 subscribed_n "$TMP/watch-unsub.out" 1 || fail "unsub: no subscription"
wait_line "$TMP/focus-unsub.out" '^notify ' 5 || fail "unsub: no NOTIFY"
sleep 1.5 # the nonce's lifetime passes
kill -TERM "$WATCH_PID"
wait_exit "$WATCH_PID" 10
[ "$EXIT_STATUS" -eq 0 ] || fail "unsub: watch exited with $EXIT_STATUS"
has_line "$TMP/focus-unsub.out" 'code=401 .*stale nonce' ||
	fail "unsub: the nonce was not stale"
has_line "$TMP/focus-unsub.out" '^unsubscribe ' ||
	fail "unsub: the unsubscribe did not reach the focus"
stop_focus "$FOCUS_PID" || fail "unsub: focus exit status $?"
echo PASS
