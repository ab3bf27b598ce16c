#!/bin/bash
# confinfo room / confinfo rooms: exit codes, the JSON keys and values of a
# verdict, the policy options, the readable summary (full URI, escapes),
# hostile rooms that must never be joined automatically, and `rooms` on
# documents (entity check, user count, misspelled purposes).
. "$(dirname "$0")/../lib.bash" "$@"

C=vectors/chat
CONF=sip:dev@example.com
KEYS="['valid', 'error', 'scheme', 'host', 'host_unicode', 'port', 'room',
 'same_domain', 'name_match', 'related', 'secure', 'lookalike', 'join',
 'warnings']"

# room_json STATUS ARGS...: run `room --json ARGS` and keep the object.
room_json() {
	local want=$1
	shift
	run "$want" "$CONFINFO" room --json "$@"
	cp "$OUT" "$TMP/v.json"
}

# --- Help and usage errors.
run 0 "$CONFINFO" room --help
expect_out '^usage: confinfo room '
expect_out '--related=off\|list\|subdomain\|psl'
run 2 "$CONFINFO" room
expect_err 'expected CONFERENCE-URI and ROOM-URI'
run 2 "$CONFINFO" room $CONF
run 2 "$CONFINFO" room $CONF xmpp:dev@example.com extra
run 2 "$CONFINFO" room --bogus $CONF xmpp:dev@example.com
run 2 "$CONFINFO" room --related=everything $CONF xmpp:dev@example.com
expect_err "unknown mode 'everything'"
run 2 "$CONFINFO" room --auto-join=always $CONF xmpp:dev@example.com
run 2 "$CONFINFO" room --users=-1 $CONF xmpp:dev@example.com
run 2 "$CONFINFO" room --users 4294967296 $CONF xmpp:dev@example.com
run 2 "$CONFINFO" room --max-auto-join-users 1e3 $CONF xmpp:dev@example.com
run 2 "$CONFINFO" room --relate example.com $CONF xmpp:dev@example.com
run 2 "$CONFINFO" room --relate example.com=2130706433 $CONF xmpp:dev@example.com
expect_err 'chat domain'
run 2 "$CONFINFO" room --related=psl --relate a.com=b.com $CONF xmpp:dev@a.com
expect_err 'needs --related=list'

# --- An invalid conference URI is a usage error (2), not a verdict.
run 2 "$CONFINFO" room tel:+15551234 xmpp:dev@example.com
expect_err 'invalid conference URI'
run 2 "$CONFINFO" room xmpp:dev@example.com xmpp:dev@example.com
expect_err 'sip: or sips:'
run 2 "$CONFINFO" room 'sip:dev@evil.net@example.com' xmpp:dev@example.com
expect_no_out

# --- A valid room: every key, in order, and its value.
room_json 0 $CONF 'xmpp:dev@Example.COM?join'
expect_no_err
json_assert "$TMP/v.json" "list(d) == $KEYS" \
	"d['valid'] is True and d['error'] is None" \
	"d['scheme'] == 'xmpp' and d['host'] == 'example.com'" \
	"d['host_unicode'] == 'example.com' and d['port'] is None" \
	"d['room'] == 'dev'" \
	"d['same_domain'] is True and d['name_match'] is True" \
	"d['related'] is False and d['secure'] is True" \
	"d['join'] == 'ask' and d['warnings'] == []"

room_json 0 $CONF 'sips:dev@example.com:5061;transport=tcp'
json_assert "$TMP/v.json" "d['scheme'] == 'sips' and d['port'] == 5061" \
	"d['secure'] is True and d['same_domain'] is True"

room_json 0 $CONF 'http://example.com:8080/chat'
json_assert "$TMP/v.json" "d['room'] is None and d['name_match'] is False" \
	"d['secure'] is False and d['port'] == 8080"

room_json 0 $CONF 'irc://example.com:6697/%23DEV'
json_assert "$TMP/v.json" "d['room'] == 'dev' and d['secure'] is True" \
	"d['name_match'] is True"

# --- Invalid rooms: exit 1, the reason, never joined.
room_json 1 $CONF 'http://example.com@evil.net/'
json_assert "$TMP/v.json" "list(d) == $KEYS" \
	"d['valid'] is False and 'userinfo' in d['error']" \
	"d['scheme'] is None and d['host'] is None and d['room'] is None" \
	"d['port'] is None and d['join'] == 'never'" \
	"not (d['same_domain'] or d['name_match'] or d['related'])"
room_json 1 $CONF 'tel:+15551234'
json_assert "$TMP/v.json" "'unsupported scheme' in d['error']"
room_json 1 $CONF 'irc://example.com/dev,isnick'
json_assert "$TMP/v.json" "'isnick' in d['error']"
room_json 1 --auto-join=related --related=psl $CONF 'xmpp://dev@example.com'
json_assert "$TMP/v.json" "d['join'] == 'never'"

# --- Policy options.
room_json 0 --auto-join=same-domain $CONF 'xmpp:dev@example.com'
json_assert "$TMP/v.json" "d['join'] == 'auto'"
room_json 0 --auto-join=same-domain --users 101 $CONF 'xmpp:dev@example.com'
json_assert "$TMP/v.json" "d['join'] == 'ask'" \
	"any('101 users' in w for w in d['warnings'])"
room_json 0 --auto-join=same-domain --users 150 --max-auto-join-users 200 \
	$CONF 'xmpp:dev@example.com'
json_assert "$TMP/v.json" "d['join'] == 'auto'"
room_json 0 --auto-join=same-domain --require-name-match $CONF \
	'xmpp:other@example.com'
json_assert "$TMP/v.json" "d['join'] == 'ask' and d['name_match'] is False"
room_json 0 --auto-join=same-domain $CONF 'xmpp:dev@muc.example.com'
json_assert "$TMP/v.json" "d['join'] == 'ask' and d['related'] is False"
room_json 0 --related=subdomain --auto-join=related $CONF \
	'xmpp:dev@muc.example.com'
json_assert "$TMP/v.json" "d['related'] is True and d['join'] == 'auto'" \
	"d['same_domain'] is False"
room_json 0 --related=subdomain --auto-join=related $CONF \
	'xmpp:dev@muc.example.com.evil.net'
json_assert "$TMP/v.json" "d['related'] is False and d['join'] == 'ask'"
# Look-alikes: related by the sub-domain rule, never joined automatically,
# and the verdict says why. The first letter of the room host is CYRILLIC
# SMALL LETTER ES; "chаt" holds a CYRILLIC SMALL LETTER A.
LOOK=sip:x@conf.example.com
room_json 0 --related=subdomain --auto-join=related $LOOK \
	'xmpp:r@сonf.example.com'
json_assert "$TMP/v.json" "d['related'] is True and d['join'] == 'ask'" \
	"d['host'] == 'xn--onf-3ed.example.com'" \
	"any('looks like the conference host conf.example.com' in w and
	     'never joined automatically' in w for w in d['warnings'])"
room_json 0 --related=subdomain --auto-join=related $LOOK \
	'xmpp:r@chаt.example.com'
json_assert "$TMP/v.json" "d['related'] is True and d['join'] == 'ask'" \
	"d['lookalike'] is True" \
	"any('mixes scripts in one label' in w for w in d['warnings'])"
# Siblings that imitate nothing stay automatic (docs/chat-rooms.md).
for sibling in chat.example.com evilconf.example.com; do
	room_json 0 --related=subdomain --auto-join=related $LOOK \
		"xmpp:r@$sibling"
	json_assert "$TMP/v.json" "d['related'] is True and d['join'] == 'auto'" \
		"d['warnings'] == []"
done
run 0 "$CONFINFO" room --related=subdomain --auto-join=related $LOOK \
	'xmpp:r@сonf.example.com'
expect_out '^join: +ask$'
expect_out '^look-alike: +yes$'
expect_out '^warning: .*look-alike, never joined automatically$'
room_json 0 --related=psl $CONF 'xmpp:dev@a.b.example.com'
json_assert "$TMP/v.json" "d['related'] is True"
room_json 0 --related=psl sip:dev@example.co.uk 'xmpp:dev@evil.co.uk'
json_assert "$TMP/v.json" "d['related'] is False"
room_json 0 --relate example.com=chat.example.net --relate x.org=y.org \
	--auto-join=related $CONF 'xmpp:dev@chat.example.net'
json_assert "$TMP/v.json" "d['related'] is True and d['join'] == 'auto'"
room_json 0 --related=list --relate example.com=chat.example.net $CONF \
	'xmpp:dev@x.chat.example.net'
json_assert "$TMP/v.json" "d['related'] is False"

# --- Internationalised hosts: both forms, in the keys and the warnings.
room_json 0 sip:dev@xn--bcher-kva.de 'xmpp:dev@bücher.de'
json_assert "$TMP/v.json" "d['host'] == 'xn--bcher-kva.de'" \
	"d['host_unicode'] == 'b\u00fccher.de' and d['same_domain'] is True" \
	"any('xn--bcher-kva.de' in w and 'b\u00fccher.de' in w
	     for w in d['warnings'])"
room_json 0 sip:dev@apple.com 'xmpp:dev@xn--pple-43d.com'
json_assert "$TMP/v.json" "d['same_domain'] is False" \
	"any('mixes scripts' in w for w in d['warnings'])"
room_json 1 $CONF 'xmpp:dev@ｅxample.com'
json_assert "$TMP/v.json" "d['valid'] is False"

# --- Room names that are not printable: percent-encoded, and said so.
room_json 0 'sip:a%00b@example.com' 'sip:a%00b@example.com'
json_assert "$TMP/v.json" "d['room'] == 'a%00b' and d['name_match'] is True" \
	"any('percent-encoded' in w for w in d['warnings'])"
room_json 0 'sip:a@example.com' 'sip:a%00b@example.com'
json_assert "$TMP/v.json" "d['name_match'] is False"

# --- The readable summary always shows the full room URI, escaped.
run 0 "$CONFINFO" room $CONF 'xmpp:dev@example.com/nick?join'
expect_out_fixed 'room URI:     xmpp:dev@example.com/nick?join'
expect_out '^valid: +yes$'
expect_out '^same domain: +yes$'
expect_out '^join: +ask$'
run 0 "$CONFINFO" room sip:dev@xn--bcher-kva.de 'xmpp:dev@bücher.de'
expect_out_fixed 'bücher.de (A-label xn--bcher-kva.de)'
run 1 "$CONFINFO" room $CONF $'xmpp:dev@example.com\e[2J\xe2\x80\xae'
expect_out_fixed 'room URI:     xmpp:dev@example.com%1B[2J%E2%80%AE'
expect_out '^valid: +no: '
expect_out '^join: +never$'
if grep -q $'\e' "$OUT" || grep -q $'\xe2\x80\xae' "$OUT"; then
	fail "escape or bidi character reached the terminal"
fi

# --- The contract's rule: nothing it calls `no` or invalid is answered
# `yes`, even under the most permissive policy.
PERMISSIVE=(--auto-join=related --related=psl --max-auto-join-users
	4294967295)
checked=0
while IFS= read -r room; do
	[ -n "$room" ] || continue
	checked=$((checked + 1))
	st=0
	"$CONFINFO" room --json "${PERMISSIVE[@]}" $CONF "$room" >"$TMP/h.json" \
		2>"$TMP/h.err" || st=$?
	[ "$st" = 0 ] || [ "$st" = 1 ] || fail "$room: exit $st"
	json_assert "$TMP/h.json" "d['join'] != 'auto'" \
		"not d['same_domain'] and not d['related']" \
		"d['valid'] or d['join'] == 'never'"
done < <(cat <<'EOF'
http://example.com@evil.net/
https://example.com%2F@evil.net/
https://example.com%40evil.net/
sip:dev@evil.net@example.com
sip:example.com;transport=tcp@evil.net
sip:dev@example.com;maddr=evil.net
sip:dev@example.com?Route=%3Csip:evil.net%3E
sip:dev@2130706433
sip:dev@0x7f000001
sip:dev@127.1
sip:dev@example.com:65536
xmpp://dev@example.com/dev@evil.net
xmpp://dev@evil.net/dev@example.com
xmpp://dev@example.com
irc:///dev
irc://example.com/dev,isnick
irc://example.com/de%0D%0Av
sip:dev@evil-example.com
sip:dev@example.com.evil.net
sip:dev@co.uk
sip:dev@[::ffff:192.0.2.1]
EOF
	# Look-alikes: a soft hyphen, an ideographic full stop, a fullwidth e.
	printf '%s\n' $'xmpp:dev@exam\xc2\xadple.com' \
		$'xmpp:dev@example\xe3\x80\x82com' $'xmpp:dev@\xef\xbd\x85xample.com')
[ "$checked" = 24 ] || fail "only $checked hostile rooms checked"

# --- rooms: every chat room of a document with its verdict.
run 0 "$CONFINFO" rooms --help
expect_out '^usage: confinfo rooms '
run 2 "$CONFINFO" rooms $C/rooms-mixed.xml
expect_err '--conference URI is required'
run 2 "$CONFINFO" rooms --conference tel:+1 $C/rooms-mixed.xml
run 2 "$CONFINFO" rooms --conference $CONF
run 1 "$CONFINFO" rooms --conference $CONF $C/does-not-exist.xml

SPRINT=sip:dev-sprint@conference.example.com
run 1 "$CONFINFO" rooms --json --conference $SPRINT $C/rooms-mixed.xml
cp "$OUT" "$TMP/r.json"
expect_err "purpose spelled 'groupertextchat'"
json_assert "$TMP/r.json" \
	"list(d) == ['conference', 'entity', 'entity_matches', 'users', 'rooms']" \
	"d['conference'] == '$SPRINT' and d['entity_matches'] is True" \
	"d['users'] == 150 and len(d['rooms']) == 7" \
	"[r['uri'] for r in d['rooms']][:2] == ['xmpp:dev-sprint@conference.example.com', 'xmpp:attack@evil.example.com']" \
	"list(d['rooms'][0])[:4] == ['uri', 'display_text', 'purpose_spelling', 'in_conf_uris']" \
	"list(d['rooms'][0])[4:] == $KEYS" \
	"d['rooms'][0]['same_domain'] and d['rooms'][0]['name_match']" \
	"d['rooms'][0]['join'] == 'ask'" \
	"d['rooms'][1]['purpose_spelling'] == 'groupertextchat'" \
	"not d['rooms'][1]['same_domain'] and not d['rooms'][1]['name_match']" \
	"any('groupertextchat' in w for w in d['rooms'][1]['warnings'])" \
	"d['rooms'][2]['room'] is None and d['rooms'][2]['secure']" \
	"not d['rooms'][3]['same_domain'] and d['rooms'][3]['name_match']" \
	"[r['valid'] for r in d['rooms']] == [True, True, True, True, False, False, True]" \
	"d['rooms'][5]['uri'].endswith('\u202emoc.live')" \
	"d['rooms'][6]['in_conf_uris'] and d['rooms'][6]['secure']" \
	"all(r['join'] != 'auto' for r in d['rooms'])"

# The size rule uses the document's user count: 150 users stop automatic
# joins unless the limit allows them.
run 1 "$CONFINFO" rooms --json --auto-join=same-domain --conference $SPRINT \
	$C/rooms-mixed.xml
cp "$OUT" "$TMP/r.json"
json_assert "$TMP/r.json" "all(r['join'] != 'auto' for r in d['rooms'])"
run 1 "$CONFINFO" rooms --json --auto-join=same-domain --max-auto-join-users 150 \
	--conference $SPRINT $C/rooms-mixed.xml
cp "$OUT" "$TMP/r.json"
json_assert "$TMP/r.json" "d['rooms'][0]['join'] == 'auto'" \
	"d['rooms'][3]['join'] == 'ask'"

# A document whose entity is not the subscribed URI is reported.
run 0 "$CONFINFO" rooms --json --conference sip:team@example.com $C/rooms-valid.xml
cp "$OUT" "$TMP/r.json"
expect_no_err
json_assert "$TMP/r.json" "d['entity_matches'] is True and d['users'] == 3" \
	"[r['same_domain'] for r in d['rooms']] == [True, False, False]" \
	"d['rooms'][2]['host'] == 'xn--bcher-kva.example'"
run 0 "$CONFINFO" rooms --json --conference sip:team@evil.example.net \
	$C/rooms-valid.xml
cp "$OUT" "$TMP/r.json"
expect_err 'differs from the subscribed URI'
json_assert "$TMP/r.json" "d['entity_matches'] is False" \
	"not any(r['same_domain'] for r in d['rooms'])"
run 0 "$CONFINFO" rooms --related=subdomain --auto-join=related \
	--conference sip:team@example.com $C/rooms-valid.xml
expect_out '^users: +3$'
expect_out '^chat rooms: +3$'
expect_out_fixed '  room URI:     xmpp:team@muc.example.com'
expect_out '^  related: +yes$'
expect_out '^  join: +auto$'

run 0 "$CONFINFO" rooms --json --conference sip:team@example.com $C/rooms-none.xml
cp "$OUT" "$TMP/r.json"
json_assert "$TMP/r.json" "d['rooms'] == []"
run 0 "$CONFINFO" rooms --conference sip:team@example.com - <$C/rooms-none.xml
expect_out '^chat rooms: +0$'

# --- The policy options are shared with rooms, show and watch: the same
# parser, the same messages, the same strictness. watch exists only in a
# build with the SIP layer (CONFINFO_WITH_SIP).
policy_cmds="room rooms show"
live=false
if "$CONFINFO" --help | grep -q '^  watch '; then
	live=true
	policy_cmds="$policy_cmds watch"
fi
for cmd in $policy_cmds; do
	run 0 "$CONFINFO" $cmd --help
	expect_out '^Chat room policy options:$'
	expect_out '^  --max-auto-join-users N$'
done
for bad in '+5' ' 5' '' '-1' '5x'; do
	run 2 "$CONFINFO" room --max-auto-join-users "$bad" $CONF xmpp:dev@example.com
	grep -qxF -- "confinfo room: --max-auto-join-users: not a number: '$bad'" \
		"$ERR" || { show_io; fail "--max-auto-join-users '$bad'"; }
done
run 2 "$CONFINFO" rooms --auto-join=always --conference $CONF $C/rooms-none.xml
expect_err "^confinfo rooms: --auto-join: unknown mode 'always' \(never, same-domain or related\)$"
run 2 "$CONFINFO" room --relate =chat.example.net $CONF xmpp:dev@example.com
expect_err "^confinfo room: --relate wants CONF-DOMAIN=CHAT-DOMAIN"
if $live; then
	run 2 "$CONFINFO" watch --related=psl --relate a.com=b.com sip:dev@a.com
	expect_err '^confinfo watch: --relate needs --related=list$'
	run 2 "$CONFINFO" watch --max-auto-join-users +5 sip:dev@example.com
	expect_err "^confinfo watch: --max-auto-join-users: not a number: '\+5'$"
fi
# --relate alone selects the list; --related=list with it is the same.
room_json 0 --related=list --relate example.com=chat.example.net $CONF \
	'xmpp:dev@chat.example.net'
json_assert "$TMP/v.json" "d['related'] is True"

# The readable rooms list: a header per room, its display text, then the
# verdict with the full URI first.
run 1 "$CONFINFO" rooms --conference sip:dev-sprint@conference.example.com \
	$C/rooms-mixed.xml
grep -A2 -x 'room 1:' "$OUT" | tr '\n' '|' |
	grep -qxF 'room 1:|  display text: Sprint chat|  room URI:     xmpp:dev-sprint@conference.example.com|' ||
	{ show_io; fail "rooms: room 1 is not laid out as documented"; }
expect_out '^  valid: +no: unsupported scheme '

echo "room: ok"
