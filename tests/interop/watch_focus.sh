#!/usr/bin/env bash
# confinfo watch against our own focus (confinfo focus), one watcher per
# transport (UDP, TCP, TLS) at the same time: the full state, a burst of
# changes, refreshes (Expires 4 s), and a focus restart with a change made
# while it was down: every watcher resubscribes and ends with the state the
# focus serves.
. "$(dirname "$0")/../lib.bash" "$@"

PORT=$(free_port)
TLS_PORT=$(free_port)
DIR=$TMP/conferences
DOC=$DIR/weekly.xml
mkdir -p "$DIR"
cp "$TESTS_DIR/../examples/conference-with-chat.xml" "$DOC"
need_cmd openssl openssl
# Self-signed for 127.0.0.1 (an IP SAN: names are checked there), and the
# TLS watcher trusts it with --tls-ca: watchers verify the focus.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 \
	-keyout "$TMP/key.pem" -out "$TMP/cert.pem" 2>/dev/null
cat "$TMP/key.pem" "$TMP/cert.pem" >"$TMP/focus.pem"

# start_weekly_focus: the focus serving $DIR on the same ports each time
# (focus1, focus2, ...).
FOCUS_N=0
start_weekly_focus() {
	FOCUS_N=$((FOCUS_N + 1))
	need_free_port $PORT
	need_free_port $TLS_PORT
	start_focus "focus$FOCUS_N" --conferences "$DIR" \
		--listen udp:127.0.0.1:$PORT --listen tcp:127.0.0.1:$PORT \
		--listen tls:127.0.0.1:$TLS_PORT --tls-cert "$TMP/focus.pem" \
		--domain conf.example.com --min-interval 0 --expires-min 4
}

# edit SED-SCRIPT: change the served document (atomically: the focus
# ignores dot files and sees the rename).
edit() {
	sed -e "$1" "$DOC" >"$DIR/.weekly.tmp"
	mv "$DIR/.weekly.tmp" "$DOC"
}

# Every watcher saved the state the focus serves (same_state checks that
# both sides decode before comparing them).
all_converged() {
	local tp
	for tp in udp tcp tls; do
		same_state "$TMP/watch-$tp.xml" "$DOC" || return 1
	done
}

start_weekly_focus

# --once: the first full state, then unsubscribe and exit.
bg once "$CONFINFO" watch --once --proxy "sip:127.0.0.1:$PORT" \
	sip:weekly@conf.example.com
wait_exit "$BG_PID" 10
[ "$EXIT_STATUS" -eq 0 ] || fail "--once exited with $EXIT_STATUS"
grep -q '^conference sip:weekly@conf.example.com "Weekly Sales Meeting"' "$TMP/once.out" ||
	fail "--once did not print the roster"
grep -q '^    Bob <sip:bob@example.com> (muted)$' "$TMP/once.out" ||
	fail "--once did not show Bob muted"
grep -q '^unsubscribe ' "$TMP/focus1.out" || fail "--once did not unsubscribe"

declare -A WPID
# A text-mode watcher beside the JSON ones.
bg text "$CONFINFO" watch --proxy "sip:127.0.0.1:$PORT" \
	sip:weekly@conf.example.com
TEXT_PID=$BG_PID
for tp in udp tcp tls; do
	p=$PORT
	ca=()
	[ $tp = tls ] && p=$TLS_PORT && ca=(--tls-ca "$TMP/cert.pem")
	bg "watch-$tp" "$CONFINFO" watch --json --expires 4 --transport $tp \
		"${ca[@]}" \
		--proxy "sip:127.0.0.1:$p" --save "$TMP/watch-$tp.xml" \
		sip:weekly@conf.example.com
	WPID[$tp]=$BG_PID
done
wait_for 15 all_converged || fail "the full state did not reach every watcher"
# The text watcher must have its full state too before the changes, or
# it would print them as part of its first roster, not as change lines.
wait_for 15 grep -q '^conference ' "$TMP/text.out" ||
	fail "the text watcher did not print the roster"

# A burst of changes, without waiting in between.
edit 's#<status>muted-via-focus</status>#<status>connected</status>#; s#<status>recvonly</status>#<status>sendrecv</status>#'
edit 's#</users>#  <user entity="sip:carol@example.com" state="full"><display-text>Carol</display-text><endpoint entity="sip:carol@phone.example.com" state="full"><status>connected</status></endpoint></user>\n </users>#'
edit 's#<roles><entry>chair</entry></roles>#<roles><entry>participant</entry></roles>#'
edit 's#<subject>Agenda: this month.s goals</subject>#<subject>Changed subject</subject>#'
edit 's#<user-count>2</user-count>#<user-count>3</user-count>#'
wait_for 15 all_converged || fail "the changes did not reach every watcher"
for tp in udp tcp tls; do
	json_has "$TMP/watch-$tp.out" 'e["event"] == "joined" and e["user"] == "sip:carol@example.com"' ||
		fail "$tp: carol's join was not reported"
	json_has "$TMP/watch-$tp.out" 'e["event"] == "role_changed" and e["new"] == ["participant"]' ||
		fail "$tp: alice's role change was not reported"
	json_has "$TMP/watch-$tp.out" 'e["event"] == "unmuted" and e["user"] == "sip:bob@example.com"' ||
		fail "$tp: bob's unmute was not reported"
done

for line in 'unmuted: Bob <sip:bob@example.com>' \
	'joined: Carol <sip:carol@example.com>' \
	'role changed: Alice <sip:alice@example.com>: chair -> participant'; do
	wait_for 5 grep -qxF "$line" "$TMP/text.out" ||
		fail "text mode: no line '$line'"
done
kill -INT "$TEXT_PID"
wait_exit "$TEXT_PID" 10
[ "$EXIT_STATUS" -eq 0 ] || fail "text mode: watch exited with $EXIT_STATUS"

# Refreshes: granted 4 s, each watcher refreshes every 2 s.
for tp in udp tcp tls; do
	wait_for 10 bash -c "[ \$(grep -c '\"refreshed\"' '$TMP/watch-$tp.out') -ge 2 ]" ||
		fail "$tp: no refreshes"
done

# Restart the focus, with a change made while it is down.
kill -INT "$FOCUS_PID"
wait_exit "$FOCUS_PID" 15
[ "$EXIT_STATUS" -eq 0 ] || fail "focus exited with $EXIT_STATUS"
edit 's#<display-text>Carol</display-text>#<display-text>Carol (back)</display-text>#'
start_weekly_focus
wait_for 40 all_converged || fail "not every watcher came back to the focus's state"
for tp in udp tcp tls; do
	json_has "$TMP/watch-$tp.out" 'e["event"] == "terminated" and e["reason"] == "deactivated"' ||
		fail "$tp: the focus shutdown was not seen"
done

for tp in udp tcp tls; do
	kill -INT "${WPID[$tp]}"
	wait_exit "${WPID[$tp]}" 10
	[ "$EXIT_STATUS" -eq 0 ] || fail "$tp: watch exited with $EXIT_STATUS"
	json_has "$TMP/watch-$tp.out" 'e["event"] == "closed" and not e["error"]' ||
		fail "$tp: no clean unsubscribe"
done
kill -INT "$FOCUS_PID"
wait_exit "$FOCUS_PID" 15
echo ok
