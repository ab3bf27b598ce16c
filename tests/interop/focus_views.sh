# confinfo focus --view-policy (issue 14, RFC 4575 section 8.2): digest-
# authenticated SIPp subscribers, every NOTIFY captured (-trace_msg).
# bob is a private participant (marked in the state, cp:private): his AOR,
# his GRUU and his display name appear in no byte sent to carol (a
# participant) or to eve (public), across a partial NOTIFY whose
# anonymous URIs are those of the full one; bob himself and ops (a full
# subscriber) see them. A policy reload moves eve from public to
# participant with a full NOTIFY (version 2); mallory (view none) gets
# 403; `confinfo watch` as carol sees bob anonymised. A bad policy file
# is refused at start-up with its line, and on reload keeps the old one.
. "$(dirname "$0")/../lib.bash" "$@"

BOB_AOR='sip:bob@example.com'
BOB_GRUU='urn:uuid:0b0b0b0b-feed-4bad-8bad-b0b0b0b0b0b0'
BOB_NAME='Roberto Secretname'

# room_doc STATUS: the conference, bob's endpoint in STATUS.
room_doc() {
	cat <<XML
<?xml version="1.0" encoding="UTF-8"?>
<conference-info xmlns="urn:ietf:params:xml:ns:conference-info"
    xmlns:cp="urn:x-confinfo:params:xml:ns:privacy"
    entity="sip:room1@example.com" state="full" version="3">
  <conference-description><subject>Views</subject></conference-description>
  <users>
    <user entity="sip:alice@example.com">
      <display-text>Alice</display-text>
      <roles><entry>chairman</entry></roles>
      <endpoint entity="sip:alice@pc.example.com"><status>connected</status></endpoint>
    </user>
    <user entity="$BOB_AOR" cp:private="true">
      <display-text>$BOB_NAME</display-text>
      <endpoint entity="sip:bob@pc.example.com;gr=$BOB_GRUU">
        <display-text>$BOB_NAME's phone</display-text>
        <status>$1</status>
        <joining-info><by>$BOB_AOR</by></joining-info>
      </endpoint>
    </user>
    <user entity="sip:carol@example.com">
      <display-text>Carol</display-text>
      <endpoint entity="sip:carol@pc.example.com"><status>connected</status></endpoint>
    </user>
  </users>
</conference-info>
XML
}

mkdir "$TMP/confs"
room_doc connected | write_conf "$TMP/confs" room1
md5() { printf '%s' "$1" | md5sum | cut -d' ' -f1; }
for u in alice bob carol ops eve mallory dave; do
	echo "$u:example.com:$(md5 "$u:example.com:pw-$u")"
done >"$TMP/users"
policy_to() { # FILE EXTRA-LINES: a policy file
	local file=$1
	shift
	{
		echo 'participants participant'
		echo 'authenticated public'
		echo 'subscriber sip:ops@example.com full'
		echo 'subscriber sip:mallory@example.com none'
		printf '%s\n' "$@"
	} >"$file"
}
policy_to "$TMP/policy"

PORT=$(free_port)
start_focus focus --conferences "$TMP/confs" --listen "udp:127.0.0.1:$PORT" \
	--min-interval 0 --domain example.com --auth "$TMP/users" \
	--view-policy "$TMP/policy"
log="$TMP/focus.out"
has_line "$log" '^view-policy .*result=loaded' || fail "policy not loaded"

# run_as USER HOOK: one SIPp subscription as USER; HOOK is hook.sh (run
# between version 1 and 2). The message log is left in $TMP/USER.log.
run_as() {
	printf '%s\n' "$2" >"$TMP/hook.sh"
	# shellcheck disable=SC2046
	sipp_uac focus_views.xml u1 room1 "$PORT" -key from "$1" \
		-auth_uri "room1@127.0.0.1:$PORT" -au "$1" -ap "pw-$1"
	mv "$TMP/sipp-focus_views-u1.log" "$TMP/$1.log"
	split "$1"
}
# split USER: what SIPp received as USER (the focus's bytes), from its
# message log, into $TMP/USER.rx (everything) and $TMP/USER.nK (the K-th
# NOTIFY). Files, not pipes: `grep -q` closing a pipe early would fail
# the writer under pipefail.
split() {
	python3 - "$TMP/$1.log" "$TMP/$1" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="latin-1").read()
out = open(sys.argv[2] + ".rx", "w", encoding="latin-1")
k = 0
# Entries: a line of dashes and a time, "UDP message received [N]
# bytes :", the message.
for part in re.split(r"^-{20,} [^\n]*$", text, flags=re.M):
    head, _, msg = part.lstrip("\n").partition("\n")
    if "message received" not in head:
        continue
    out.write(msg)
    if msg.lstrip().startswith("NOTIFY "):
        k += 1
        open("%s.n%d" % (sys.argv[2], k), "w", encoding="latin-1").write(msg)
PY
}
rx() { echo "$TMP/$1.rx"; }
# notifies USER: the NOTIFYs received, as many as expected (sanity).
notify_count() { grep -c '^NOTIFY ' "$(rx "$1")" || true; }
# secret_free USER: no byte naming bob reached USER.
secret_free() {
	local got
	got=$(cat "$(rx "$1")")
	[ -n "$got" ] || fail "$1: nothing captured"
	for s in 'bob' 'Bob' 'BOB' "$BOB_GRUU" '0b0b0b0b' 'Secretname' 'Roberto'; do
		if grep -qF -- "$s" <<<"$got"; then
			fail "$1 received '$s'"
		fi
	done
}
change_hook() { # the change between version 1 and 2: bob's status
	local doc=$TMP/doc-$1.xml
	room_doc "$1" >"$doc"
	echo "cp '$doc' '$TMP/confs/.room1.tmp' && mv '$TMP/confs/.room1.tmp' '$TMP/confs/room1.xml'"
}

# carol: participant view, a change of bob's endpoint in between.
run_as carol "$(change_hook on-hold)"
[ "$(notify_count carol)" -eq 3 ] || fail "carol: expected 3 NOTIFYs"
secret_free carol
grep -q 'sip:carol@example.com' "$(rx carol)" || fail "carol did not see herself"
grep -q 'Alice' "$(rx carol)" || fail "carol did not see alice"
grep -q 'state="partial"' "$(rx carol)" || fail "carol: no partial NOTIFY"
grep -q '<status>on-hold</status>' "$(rx carol)" || fail "carol: the change did not arrive"
# The partial NOTIFY names bob by the anonymous URIs of the full one.
anon=$(grep -o 'sip:anonymous[0-9a-f]*@anonymous.invalid' "$(rx carol)" | sort -u)
[ "$(wc -l <<<"$anon")" -eq 2 ] || fail "carol: expected 2 anonymous URIs (bob, his endpoint), got: $anon"
grep -q 'sip:anonymous' "$TMP/carol.n2" ||
	fail "carol: the partial NOTIFY does not name bob's anonymous URI"

# bob sees himself unmasked (his own variant), others as they are.
run_as bob "$(change_hook connected)"
grep -qF "$BOB_NAME" "$(rx bob)" || fail "bob did not see his name"
grep -qF "$BOB_GRUU" "$(rx bob)" || fail "bob did not see his GRUU"
grep -q 'entity="sip:bob@example.com"' "$(rx bob)" || fail "bob did not see his AOR"

# ops: a full subscriber sees bob.
run_as ops "$(change_hook on-hold)"
grep -qF "$BOB_NAME" "$(rx ops)" || fail "ops (full) did not see bob's name"
grep -qF "$BOB_GRUU" "$(rx ops)" || fail "ops (full) did not see bob's GRUU"

# eve: public (no users) until the policy names her a participant: a
# full NOTIFY (version 2) of the participant view, bob anonymised.
policy_to "$TMP/.policy.eve" 'subscriber sip:eve@example.com participant'
run_as eve "mv '$TMP/.policy.eve' '$TMP/policy'"
secret_free eve
grep -q '<user-count>3</user-count>' "$TMP/eve.n1" ||
	fail "eve: the public view has no user count"
if grep -q '<user ' "$TMP/eve.n1"; then
	fail "eve: the public view lists users"
fi
grep -Eq 'state="full" version="2"|version="2" state="full"' "$TMP/eve.n2" ||
	fail "eve: the view change was not a full NOTIFY with version 2"
grep -q 'sip:alice@example.com' "$TMP/eve.n2" ||
	fail "eve: the participant view lacks the users"
has_line "$log" '^view conf=room1 peer="sip:eve@example.com" .*view=participant' ||
	fail "the focus did not log eve's view change"
[ "$(count_lines "$log" '^view-policy .*result=loaded')" -eq 2 ] ||
	fail "the policy was not reloaded"

# mallory: view none, 403 at SUBSCRIBE.
# shellcheck disable=SC2046
sipp_uac focus_auth_as.xml u1 room1 "$PORT" -key from mallory \
	-auth_uri "room1@127.0.0.1:$PORT" -au mallory -ap pw-mallory
has_line "$log" '^reject .*peer="sip:mallory@example.com" .*code=403 reason="Forbidden By View Policy"' ||
	fail "mallory (view none) was not refused"

# dave, public: a change of bob's endpoint is not in his view, so no
# NOTIFY; the change still counts as delivered to him.
printf 'dave:pw-dave\n' >"$TMP/dave.auth"
bg dave "$CONFINFO" watch --from sip:dave@example.com \
	--auth-file "$TMP/dave.auth" --proxy "sip:127.0.0.1:$PORT" \
	sip:room1@example.com
DAVE_PID=$BG_PID
wait_line "$log" '^notify conf=room1 peer="sip:dave@example.com" .*version=1 ' 10 ||
	fail "dave got no first NOTIFY"
before=$(count_lines "$log" 'what=delivered')
sh -c "$(change_hook connected)"
delivered_more() {
	[ "$(count_lines "$log" 'what=delivered subscribers=1 ')" -gt "$before" ]
}
wait_for 10 delivered_more ||
	fail "a change hidden from dave's view was never counted as delivered"
lacks_line "$log" '^notify conf=room1 peer="sip:dave@example.com" .*version=2 ' ||
	fail "dave (public) was notified of a change his view does not show"
kill -INT "$DAVE_PID"
wait_exit "$DAVE_PID" 10

# A bad policy on reload: the focus says where, and keeps the old one
# (eve is still a participant).
printf 'participants everything\n' >"$TMP/.policy.tmp"
mv "$TMP/.policy.tmp" "$TMP/policy"
wait_line "$log" '^view-policy .*result=error' 5 || fail "bad policy not reported"
grep -q 'policy:1: unknown view' "$TMP/focus.err" || fail "the bad line was not named"

# confinfo watch as carol: the roster shows bob anonymised.
printf 'carol:pw-carol\n' >"$TMP/carol.auth"
bg watch "$CONFINFO" watch --once --from sip:carol@example.com \
	--auth-file "$TMP/carol.auth" --proxy "sip:127.0.0.1:$PORT" \
	sip:room1@example.com
wait_exit "$BG_PID" 10
[ "$EXIT_STATUS" -eq 0 ] || fail "watch exited with $EXIT_STATUS"
grep -q 'sip:anonymous[0-9a-f]*@anonymous.invalid' "$TMP/watch.out" ||
	fail "watch: bob not anonymised"
grep -q 'sip:carol@example.com' "$TMP/watch.out" || fail "watch: no roster"
if grep -Eq 'bob|Secretname' "$TMP/watch.out"; then fail "watch saw bob"; fi
stop_focus "$FOCUS_PID" || fail "focus exit status $?"

# A bad policy file refuses the start, naming its line.
printf 'anonymous full\n[room1]\nchairs\n' >"$TMP/bad"
st=0
timeout 10 "$CONFINFO" focus --conferences "$TMP/confs" --domain example.com \
	--view-policy "$TMP/bad" --listen "udp:127.0.0.1:$(free_port)" \
	>"$TMP/bad.log" 2>"$TMP/bad.err" || st=$?
[ "$st" -ne 0 ] && [ "$st" -ne 124 ] || fail "a bad policy was accepted"
grep -q 'bad:3: missing view' "$TMP/bad.err" || fail "the bad line was not named"
echo "PASS"
