#!/bin/bash
# confinfo show: the text summary and the JSON view (keys, order, values,
# nulls), chat rooms and their spelling, escaping, standard input, errors.
. "$(dirname "$0")/../lib.bash" "$@"

EX71=vectors/rfc4575/rfc4575-example-7.1.xml
EX72=vectors/rfc4575/rfc4575-example-7.2.xml

# --- Text summary of RFC 4575 example 7.1.
run 0 "$CONFINFO" show $EX71
expect_no_err
expect_out '^conference sips:conf233@example\.com$'
expect_out '^  state: full$'
expect_out '^  version: 1$'
expect_out_fixed "  subject: Agenda: This month's goals"
expect_out '^  user count: 33, active: unknown, locked: unknown$'
expect_out '^conf-uris: none$'
expect_out_fixed "  http://sharepoint/salesgroup/ [web-page]"
expect_out '^chat rooms: none$'
expect_out '^users \(2\):$'
expect_out_fixed '  sip:bob@example.com "Bob Hoskins"'
expect_out_fixed "    endpoint sip:bob@pc33.example.com \"Bob's Laptop\": disconnected, disconnection: departed"
expect_out_fixed '      media 1: audio label 34567 sendrecv "main audio"'
expect_out_fixed '    endpoint sip:4kfk4j392jsu@example.com;grid=433kj4j3u: connected, joining: dialed-out'

# --- JSON view of example 7.1: every documented key, in order.
run 0 "$CONFINFO" show --json $EX71
expect_no_err
cp "$OUT" "$TMP/71.json"
json_assert "$TMP/71.json" \
	"list(d) == ['entity', 'state', 'version', 'subject', 'display_text',
	 'user_count', 'active', 'locked', 'conf_uris', 'service_uris',
	 'chat_rooms', 'users', 'sidebars_by_ref', 'sidebars_by_val']" \
	"d['entity'] == 'sips:conf233@example.com'" \
	"d['state'] == 'full' and d['version'] == 1" \
	"d['subject'] == \"Agenda: This month's goals\"" \
	"d['display_text'] is None" \
	"d['user_count'] == 33 and d['active'] is None and d['locked'] is None" \
	"d['conf_uris'] == []" \
	"d['service_uris'] == [{'uri': 'http://sharepoint/salesgroup/',
	  'purpose': 'web-page', 'display_text': None}]" \
	"d['chat_rooms'] == []" \
	"[u['entity'] for u in d['users']] ==
	 ['sip:bob@example.com', 'sip:alice@example.com']" \
	"d['users'][0]['display_text'] == 'Bob Hoskins'" \
	"d['users'][0]['roles'] == []" \
	"list(d['users'][0]) == ['entity', 'state', 'display_text', 'roles',
	 'endpoints']" \
	"list(d['users'][0]['endpoints'][0]) == ['entity', 'state',
	 'display_text', 'status', 'joining_method', 'disconnection_method',
	 'media']" \
	"d['users'][0]['endpoints'][0]['entity'] == 'sip:bob@pc33.example.com'" \
	"d['users'][0]['endpoints'][0]['status'] == 'disconnected'" \
	"d['users'][0]['endpoints'][0]['joining_method'] is None" \
	"d['users'][0]['endpoints'][0]['disconnection_method'] == 'departed'" \
	"d['users'][0]['endpoints'][0]['media'] == [{'id': '1', 'type': 'audio',
	  'label': '34567', 'status': 'sendrecv'}]" \
	"d['users'][1]['endpoints'][0]['status'] == 'connected'" \
	"d['users'][1]['endpoints'][0]['joining_method'] == 'dialed-out'" \
	"d['sidebars_by_ref'] == [] and d['sidebars_by_val'] == []"

# The same through standard input.
run 0 "$CONFINFO" show --json - <$EX71
json_same "$TMP/71.json" "$OUT"
run 0 "$CONFINFO" show -j $EX71
json_same "$TMP/71.json" "$OUT"

# --- Example 7.2, a partial document with everything in it. It relies on
# the default state of <users> and <user>: the decoder warns, with a
# position.
run 0 "$CONFINFO" show --json $EX72
expect_err "^${EX72//./\\.}:[0-9]+:[0-9]+: warning: "
json_assert "$OUT" \
	"d['state'] == 'partial' and d['version'] == 5" \
	"d['display_text'] == 'Weekly Sales Meeting'" \
	"d['user_count'] == 32 and d['active'] is True and d['locked'] is False" \
	"[e['uri'] for e in d['conf_uris']] == ['tel:+18005671234',
	 'h323:conf545@h323.example.com', 'http://real.streaming.com/54634/live.ram']" \
	"d['conf_uris'][0] == {'uri': 'tel:+18005671234',
	 'purpose': 'participation', 'display_text': 'TTI Bridge'}" \
	"d['service_uris'][1]['display_text'] == 'Quicktime'" \
	"d['users'][0]['roles'] == ['participant']" \
	"d['users'][0]['endpoints'][0]['status'] == 'disconnecting'" \
	"d['users'][0]['endpoints'][0]['disconnection_method'] == 'booted'" \
	"d['sidebars_by_ref'] == [
	 {'uri': 'sips:conf233@example.com;grid=45', 'display_text': 'sidebar with Carol'},
	 {'uri': 'sips:conf233@example.com;grid=21', 'display_text': 'private with Peter'}]" \
	"d['sidebars_by_val'] == [{'entity': 'sips:conf233@example.com;grid=77',
	 'state': 'partial'}]"
run 0 "$CONFINFO" show $EX72
expect_out '^  state: partial$'
expect_out '^  user count: 32, active: yes, locked: no$'
expect_out_fixed '  tel:+18005671234 [participation] "TTI Bridge"'
expect_out_fixed '  sips:conf233@example.com;grid=77 (partial, 3 users)'

# --- Chat rooms: service-uris first, then conf-uris; the spelling as
# written; one warning for the misspelling, naming the file.
run 0 "$CONFINFO" show --json $V/chat-rooms.xml
expect_err "^$V/chat-rooms\.xml: warning: .*groupertextchat"
expect_err_lines 1
json_assert "$OUT" \
	"d['chat_rooms'] == [
	 {'uri': 'sip:conf42-chat@example.com', 'display_text': 'Team chat',
	  'purpose_spelling': 'grouptextchat', 'in_conf_uris': False},
	 {'uri': 'xmpp:conf42@muc.example.com?join', 'display_text': 'Old spelling',
	  'purpose_spelling': 'groupertextchat', 'in_conf_uris': False},
	 {'uri': 'irc://irc.example.com/conf42', 'display_text': None,
	  'purpose_spelling': 'grouptextchat', 'in_conf_uris': True}]" \
	"d['user_count'] is None and d['active'] is None and d['locked'] is None" \
	"d['users'] == [] and d['version'] == 7"
run 0 "$CONFINFO" show $V/chat-rooms.xml
expect_err "^$V/chat-rooms\.xml: warning: .*groupertextchat"
expect_out_fixed '  sip:conf42-chat@example.com "Team chat"'
expect_out_fixed "  xmpp:conf42@muc.example.com?join \"Old spelling\" (purpose spelled 'groupertextchat')"
expect_out_fixed '  irc://irc.example.com/conf42 (listed in conf-uris)'
expect_out '^users \(0\):$'

# --- Text that would drive a terminal is escaped in the summary, and
# kept as it is (JSON-escaped) in the JSON view.
run 0 "$CONFINFO" show $V/terminal-escapes.xml
expect_out_fixed '  subject: evil\u009b31m subject'
expect_out_fixed '  sip:mallory@example.com "txt.\u202eexe"'
if LC_ALL=C grep -q $'\xc2\x9b\|\xe2\x80\xae' "$OUT"; then
	show_io
	fail "raw control characters reached the terminal"
fi
run 0 "$CONFINFO" show --json $V/terminal-escapes.xml
json_assert "$OUT" "d['subject'] == 'evil\x9b31m subject'" \
	"d['users'][0]['display_text'] == 'txt.\u202eexe'"

# --- --conference: every chat room marked with its verdict, checked
# against the subscribed URI; without it nothing changes (above).
C=vectors/chat
KEYS="['valid', 'error', 'scheme', 'host', 'host_unicode', 'port', 'room',
 'same_domain', 'name_match', 'related', 'secure', 'lookalike', 'join', 'warnings']"
ROOM_KEYS="['uri', 'display_text', 'purpose_spelling', 'in_conf_uris']"

# expect_verdict ROOM-LINE VERDICT-LINE...: the room line of the text is
# followed, within its verdict (the lines indented by four), by each
# VERDICT-LINE, exactly.
expect_verdict() {
	local room=$1
	shift
	awk -v room="$room" '
		$0 == room { on = 1; print "FOUND"; next }
		on && /^    / { print; next }
		on { exit }' "$OUT" >"$TMP/verdict"
	grep -qx FOUND "$TMP/verdict" || { show_io; fail "no room line '$room'"; }
	for want in "$@"; do
		grep -qxF -- "$want" "$TMP/verdict" ||
			{ show_io; fail "room '$room': no line '$want'"; }
	done
}

run 0 "$CONFINFO" show --auto-join=same-domain --conference sip:team@example.com \
	$C/rooms-valid.xml
expect_no_err
expect_out '^conference sip:team@example\.com$'
expect_verdict '  xmpp:team@example.com?join' \
	'    room URI:     xmpp:team@example.com?join' \
	'    valid:        yes' '    same domain:  yes' '    name match:   yes' \
	'    join:         auto'
# The full URI comes first, right after the room line.
grep -A1 -xF '  xmpp:team@muc.example.com' "$OUT" | tail -n 1 |
	grep -qxF '    room URI:     xmpp:team@muc.example.com' ||
	{ show_io; fail "the verdict does not start with the full room URI"; }
expect_verdict '  xmpp:team@muc.example.com' '    same domain:  no' \
	'    related:      no' '    join:         ask'
expect_verdict '  xmpp:team@bücher.example' \
	'    host:         bücher.example (A-label xn--bcher-kva.example)'
# The rest of the summary is still there.
expect_out '^users \(3\):$'

# The policy reaches the verdicts.
run 0 "$CONFINFO" show --related=subdomain --auto-join=related \
	-c sip:team@example.com $C/rooms-valid.xml
expect_verdict '  xmpp:team@muc.example.com' '    related:      yes' \
	'    join:         auto'

# Hostile rooms are marked and never joined automatically, even where the
# policy joins the conference's own rooms at once; they do not make `show`
# fail.
SPRINT=sip:dev-sprint@conference.example.com
run 0 "$CONFINFO" show --auto-join=same-domain --max-auto-join-users 1000 \
	--conference $SPRINT $C/rooms-mixed.xml
expect_err "purpose spelled 'groupertextchat'"
expect_verdict '  xmpp:dev-sprint@conference.example.com "Sprint chat"' \
	'    same domain:  yes' '    join:         auto'
expect_verdict '  tel:+15551234' \
	"    valid:        no: unsupported scheme 'tel' at offset 0" \
	'    join:         never'
expect_verdict '  xmpp:dev-sprint@conference.example.com\u202emoc.live' \
	'    room URI:     xmpp:dev-sprint@conference.example.com%E2%80%AEmoc.live' \
	'    join:         never'
expect_verdict "  xmpp:attack@evil.example.com (purpose spelled 'groupertextchat')" \
	'    same domain:  no' '    name match:   no' '    join:         ask'
expect_verdict '  sip:dev-sprint@conference.example.com;maddr=evil.example.net' \
	'    same domain:  no' '    join:         ask'
if LC_ALL=C grep -q $'\xe2\x80\xae' "$OUT"; then
	fail "a bidi control reached the terminal"
fi

# JSON: the view's keys unchanged; each chat room has its own keys, then
# the verdict's, exactly as `rooms --json` gives them.
run 0 "$CONFINFO" show --json --conference $SPRINT $C/rooms-mixed.xml
cp "$OUT" "$TMP/show-conf.json"
run 0 "$CONFINFO" show --json $C/rooms-mixed.xml
cp "$OUT" "$TMP/show-plain.json"
run 1 "$CONFINFO" rooms --json --conference $SPRINT $C/rooms-mixed.xml
cp "$OUT" "$TMP/rooms.json"
python3 - "$TMP/show-conf.json" "$TMP/show-plain.json" "$TMP/rooms.json" <<PY ||
import json, sys
conf, plain, rooms = (json.load(open(p)) for p in sys.argv[1:])
assert list(conf) == list(plain)
assert {k: v for k, v in conf.items() if k != 'chat_rooms'} == \
       {k: v for k, v in plain.items() if k != 'chat_rooms'}
assert len(conf['chat_rooms']) == 7
for r, p in zip(conf['chat_rooms'], plain['chat_rooms']):
    assert list(r)[:4] == $ROOM_KEYS and list(r)[4:] == $KEYS, list(r)
    assert {k: r[k] for k in p} == p
    assert list(p) == $ROOM_KEYS
assert conf['chat_rooms'] == rooms['rooms']
assert [r['valid'] for r in conf['chat_rooms']] == \
       [True, True, True, True, False, False, True]
assert conf['chat_rooms'][4]['join'] == 'never'
assert conf['chat_rooms'][0]['same_domain'] and conf['chat_rooms'][0]['join'] == 'ask'
PY
	fail "show --json --conference does not match rooms --json"

# A document whose entity is not the subscribed URI: a warning, and the
# rooms are checked against the subscribed URI all the same.
run 0 "$CONFINFO" show --json --conference sip:team@evil.example.net \
	$C/rooms-valid.xml
expect_err "^$C/rooms-valid\.xml: warning: .*differs from the subscribed URI"
expect_err_lines 1
json_assert "$OUT" "d['entity'] == 'sip:team@example.com'" \
	"len(d['chat_rooms']) == 3" \
	"not any(r['same_domain'] for r in d['chat_rooms'])"
run 0 "$CONFINFO" show --conference sip:team@example.com $C/rooms-valid.xml
expect_no_err

# Usage errors: an invalid conference URI (before the document is read),
# a bad policy option, policy options that nothing would use.
run 2 "$CONFINFO" show --conference tel:+15551234 $C/rooms-valid.xml
expect_err '^confinfo show: invalid conference URI: '
expect_no_out
run 2 "$CONFINFO" show --conference 'sip:team@evil.net@example.com' \
	$C/does-not-exist.xml
expect_err 'invalid conference URI'
run 2 "$CONFINFO" show --conference sip:team@example.com --related=everything \
	$C/rooms-valid.xml
expect_err "unknown mode 'everything'"
run 2 "$CONFINFO" show --related=psl --relate a.com=b.com -c sip:team@a.com \
	$C/rooms-valid.xml
expect_err 'needs --related=list'
run 2 "$CONFINFO" show --auto-join=related $C/rooms-valid.xml
expect_err 'the policy options need --conference'
expect_no_out

# --- Errors.
run 1 "$CONFINFO" show $V/bad-mismatch.xml
expect_no_out
expect_err "^$V/bad-mismatch\.xml:6:[0-9]+: "
run 1 "$CONFINFO" show --json $V/bad-status.xml
expect_no_out
run 2 "$CONFINFO" show
expect_err "^confinfo show: expected exactly one FILE"
run 2 "$CONFINFO" show $EX71 $EX72
run 2 "$CONFINFO" show --bogus $EX71
# Output that cannot be written is a failure, not a silent success.
if [ -w /dev/full ]; then
	run 1 bash -c '"$0" show --json "$1" >/dev/full' "$CONFINFO" $EX71
	expect_err "^confinfo show: write error: "
fi

echo "show: ok"
