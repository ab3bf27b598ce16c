#!/usr/bin/env bash
# confinfo watch with the input limit options, against our own focus
# serving a conference of two users, the first with two endpoints: the
# defaults show it; --max-users 1 refuses its NOTIFY (decoder limit) and
# --max-endpoints-per-user 1 (merge limit) too, each reported with the
# option that raises it (text and JSON) and without touching the state;
# the limits raised to the conference's counts show it again.
. "$(dirname "$0")/../lib.bash" "$@"

PORT=$(free_port)
DIR=$TMP/conferences
mkdir -p "$DIR"
cat >"$DIR/.big.tmp" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<conference-info xmlns="urn:ietf:params:xml:ns:conference-info"
    entity="sip:big@conf.example.com" state="full" version="1">
  <users>
    <user entity="sip:alice@example.com">
      <display-text>Alice</display-text>
      <endpoint entity="sip:alice@pc.example.com"/>
      <endpoint entity="sip:alice@phone.example.com"/>
    </user>
    <user entity="sip:bob@example.com">
      <display-text>Bob</display-text>
    </user>
  </users>
</conference-info>
XML
mv "$DIR/.big.tmp" "$DIR/big.xml"

need_free_port "$PORT"
start_focus focus --conferences "$DIR" \
	--listen "udp:127.0.0.1:$PORT" --domain conf.example.com --min-interval 0
URI=sip:big@conf.example.com
PROXY=sip:127.0.0.1:$PORT

# watch_once NAME [OPTIONS...]: --once, which must show both users.
watch_once() {
	local name=$1
	shift
	bg "$name" "$CONFINFO" watch --once --proxy "$PROXY" "$@" "$URI"
	wait_exit "$BG_PID" 10
	[ "$EXIT_STATUS" -eq 0 ] || fail "$name: watch exited with $EXIT_STATUS"
	grep -q '^  2 users:$' "$TMP/$name.out" || fail "$name: no roster of 2 users"
}

# refused NAME CHECK [OPTIONS...]: a watcher that must report its first
# NOTIFY refused (CHECK: a function polled until it succeeds), and stop
# cleanly on SIGINT.
refused() {
	local name=$1 check=$2 pid
	shift 2
	bg "$name" "$CONFINFO" watch --proxy "$PROXY" "$@" "$URI"
	pid=$BG_PID
	wait_for 10 "$check" || fail "$name: no refusal naming the option"
	kill -INT "$pid"
	wait_exit "$pid" 10
	[ "$EXIT_STATUS" -eq 0 ] || fail "$name: watch exited with $EXIT_STATUS"
}

watch_once defaults

# Decoder limit, text mode: the reason on stderr, nothing on stdout.
check_text_users() {
	grep -Eq '^confinfo watch: NOTIFY body over a limit \([0-9]+:[0-9]+: <user>: more than 1 users in the document\) \(raise with --max-users\): state kept' \
		"$TMP/users.err"
}
refused users check_text_users --max-users 1
[ ! -s "$TMP/users.out" ] || fail "users: a state over the limit was shown"

# Decoder limit, JSON mode: the option in its own key.
check_json_users() {
	json_has "$TMP/users-json.out" \
		'e["event"] == "resync" and e.get("raise_with") == "--max-users" and "more than 1 users" in e["message"]'
}
refused users-json check_json_users --json --max-users 1
json_lacks "$TMP/users-json.out" 'e["event"] == "state"' ||
	fail "users-json: a state over the limit was applied"

# Merge limit: the document decodes, the merge refuses it.
check_json_endpoints() {
	json_has "$TMP/endpoints.out" \
		'e["event"] == "resync" and e.get("raise_with") == "--max-endpoints-per-user" and "would hold 2 endpoints (limit 1)" in e["message"]'
}
refused endpoints check_json_endpoints --json --max-endpoints-per-user 1
json_lacks "$TMP/endpoints.out" 'e["event"] == "state"' ||
	fail "endpoints: a state over the merge limit was applied"
check_text_endpoints() {
	grep -Eq "would hold 2 endpoints \(limit 1\)\) \(raise with --max-endpoints-per-user\): state kept" \
		"$TMP/endpoints-text.err"
}
refused endpoints-text check_text_endpoints --max-endpoints-per-user 1

# Raised to the conference's own counts: shown again.
watch_once raised --max-users 2 --max-endpoints-per-user 2

# Bad values are usage errors, before anything is sent.
status=0
"$CONFINFO" watch --max-media-per-endpoint 0 "$URI" >"$TMP/bad.out" \
	2>"$TMP/bad.err" || status=$?
[ "$status" -eq 2 ] || fail "--max-media-per-endpoint 0 exited with $status"
grep -q "^confinfo watch: --max-media-per-endpoint: invalid value '0': must be at least 1$" \
	"$TMP/bad.err" || fail "--max-media-per-endpoint 0: wrong message"

kill -INT "$FOCUS_PID"
wait_exit "$FOCUS_PID" 15
[ "$EXIT_STATUS" -eq 0 ] || fail "focus exited with $EXIT_STATUS"
echo ok
