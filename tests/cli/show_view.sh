#!/bin/bash
# confinfo show --view / --as / --view-policy (issue 14): what each class
# of subscriber of a focus receives, offline. bob is marked private in the
# document (cp:private), carol by the policy.
. "$(dirname "$0")/../lib.bash" "$@"

cat >"$TMP/room.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<conference-info xmlns="urn:ietf:params:xml:ns:conference-info"
    xmlns:cp="urn:x-confinfo:params:xml:ns:privacy"
    entity="sip:room1@example.com" state="full" version="4">
  <conference-description><subject>Views</subject></conference-description>
  <users>
    <user entity="sip:alice@example.com"><display-text>Alice</display-text>
      <roles><entry>chairman</entry></roles></user>
    <user entity="sip:bob@example.com" cp:private="true">
      <display-text>Bob Hidden</display-text>
      <endpoint entity="sip:bob@pc.example.com;gr=urn:uuid:b0b"><status>connected</status></endpoint>
    </user>
    <user entity="sip:carol@example.com"><display-text>Carol Listed</display-text></user>
  </users>
</conference-info>
XML
cat >"$TMP/policy" <<'EOF2'
participants participant
authenticated public
anonymous none
private-display-text Someone
[room1]
private sip:carol@example.com
EOF2

# full: the document as it is.
run 0 "$CONFINFO" show --view full "$TMP/room.xml"
expect_out_fixed 'sip:bob@example.com "Bob Hidden"'

# participant, without a policy: bob (marked) anonymised, carol not.
run 0 "$CONFINFO" show --view participant "$TMP/room.xml"
expect_no_err
expect_out '^  sip:anonymous[0-9a-f]{32}@anonymous\.invalid$'
expect_out '^    endpoint sip:anonymous[0-9a-f]{32}@anonymous\.invalid: connected$'
expect_out_fixed 'sip:carol@example.com "Carol Listed"'
expect_out_fixed 'sip:alice@example.com "Alice" roles: chairman'
if grep -Eq 'bob|Bob|b0b' "$OUT"; then fail "participant view shows bob"; fi

# --as bob: he sees himself.
run 0 "$CONFINFO" show --view participant --as sip:bob@example.com "$TMP/room.xml"
expect_out_fixed 'sip:bob@example.com "Bob Hidden"'

# The policy decides (the policy parser lives in libconfinfo-sip: a build
# without the SIP layer refuses --view-policy and says why).
if ! "$CONFINFO" --help | grep -q '^  watch '; then
	run 2 "$CONFINFO" show --view-policy "$TMP/policy" "$TMP/room.xml"
	expect_err 'built without SIP support'
else
	# alice (chairman) full, carol (participant, private
	# by the policy) sees herself and bob anonymised as "Someone", dave
	# (authenticated) public, nobody (anonymous) none.
	run 0 "$CONFINFO" show --view-policy "$TMP/policy" --as sip:alice@example.com "$TMP/room.xml"
	expect_out_fixed 'sip:bob@example.com "Bob Hidden"'
	expect_out_fixed 'sip:carol@example.com "Carol Listed"'
	run 0 "$CONFINFO" show --view-policy "$TMP/policy" --as sip:carol@example.com "$TMP/room.xml"
	expect_out_fixed 'sip:carol@example.com "Carol Listed"'
	expect_out '^  sip:anonymous[0-9a-f]{32}@anonymous\.invalid "Someone"$'
	if grep -q 'Bob' "$OUT"; then fail "carol sees bob"; fi
	run 0 "$CONFINFO" show --view-policy "$TMP/policy" --view participant \
		--as sip:alice@example.com "$TMP/room.xml"
	[ "$(grep -c 'anonymous.invalid "Someone"' "$OUT")" -eq 2 ] ||
		fail "alice with --view participant: bob and carol not both anonymised"
	run 0 "$CONFINFO" show --view-policy "$TMP/policy" --as sip:dave@example.com "$TMP/room.xml"
	expect_out '^users \(0\):$'
	expect_out '^  user count: 3, '
	run 0 "$CONFINFO" show --view-policy "$TMP/policy" "$TMP/room.xml"
	expect_no_out
	expect_err 'view none: this subscriber gets 403'
	printf 'participants participant\n[room1]\nprivate mailto:x@y\n' >"$TMP/bad"
	run 2 "$CONFINFO" show --view-policy "$TMP/bad" "$TMP/room.xml"
	expect_err "bad:3: 'mailto:x@y' is not a sip: or sips: URI"
fi

# JSON of a view.
run 0 "$CONFINFO" show --json --view public "$TMP/room.xml"
cp "$OUT" "$TMP/public.json"
json_assert "$TMP/public.json" "d['users'] == []" "d['user_count'] == 3"

# Errors: a bad view, options of show only.
run 2 "$CONFINFO" show --view everything "$TMP/room.xml"
expect_err "'everything' is not none, public, participant or full"
run 2 "$CONFINFO" rooms --conference sip:room1@example.com --view full "$TMP/room.xml"
expect_err 'options of show'
echo "PASS"
