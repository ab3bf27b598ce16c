#!/bin/bash
# One number rule for every command (tools/util.c tool_parse_uint()):
# decimal digits only, no sign, no space, no base prefix, no exponent.
# strtoul() and strtod() would read " 5", "+5", "0x10" or "1e3" as a
# number, so a value would differ from what was typed. The limit and
# policy options have their own tests (limits.sh, room.sh); this one
# covers the numbers each command parses itself, and shows that valid
# values still get through (the command then stops at a later check).
. "$(dirname "$0")/../lib.bash" "$@"

BAD=(' 5' '+5' '5 ' '-5' '' 0x10 1e3 5x)
has_command() { "$CONFINFO" --help | grep -E "^  $1 " >/dev/null; }
re_quote() { sed 's/[][\.*^$+?(){}|/]/\\&/g' <<<"$1"; }

# --- room --users
for bad in "${BAD[@]}"; do
	run 2 "$CONFINFO" room --users "$bad" sip:dev@example.com xmpp:dev@example.com
	expect_err "^confinfo room: --users: not a number: '$(re_quote "$bad")'\$"
done
run 0 "$CONFINFO" room --users 5 sip:dev@example.com xmpp:dev@example.com
run 0 "$CONFINFO" room --users 4294967295 sip:dev@example.com xmpp:dev@example.com
run 2 "$CONFINFO" room --users 4294967296 sip:dev@example.com xmpp:dev@example.com
expect_err "^confinfo room: --users: not a number: '4294967296'\$"

# --- focus: --min-interval (seconds, a fraction allowed) and the counts.
if has_command focus; then
	mkdir "$TMP/confs"
	FOCUS=(focus --conferences "$TMP/confs" --listen bogus)
	for bad in "${BAD[@]}" .5 5. 1.2.3 3601 3600.5 inf nan; do
		run 2 "$CONFINFO" "${FOCUS[@]}" --min-interval "$bad"
		expect_err "^confinfo focus: --min-interval: '$(re_quote "$bad")' is not a number of seconds in 0\.\.3600\$"
		expect_no_out
	done
	# Valid: the options pass and the focus stops at the bogus listener.
	for good in 0 5 0.25 3600 3600.0; do
		run 1 "$CONFINFO" "${FOCUS[@]}" --min-interval "$good"
		expect_err "^confinfo focus: listen 'bogus': "
	done
	for opt in --expires-min --expires-max --max-subs --max-subs-per-conf; do
		for bad in "${BAD[@]}" 0 4294967296; do
			run 2 "$CONFINFO" "${FOCUS[@]}" "$opt" "$bad"
			expect_err "^confinfo focus: '$(re_quote "$bad")' is not a positive number\$"
		done
		# The largest, but the minimum Expires must stay below the
		# maximum.
		good=4294967295
		[ "$opt" != --expires-min ] || good=7200
		run 1 "$CONFINFO" "${FOCUS[@]}" "$opt" "$good"
		expect_err "^confinfo focus: listen 'bogus': "
	done
else
	echo "numbers: focus not built: its part skipped"
fi

# --- watch: --expires (1..604800) and --prompt-interval (0..86400).
if has_command watch; then
	for bad in "${BAD[@]}" 0 604801; do
		run 2 "$CONFINFO" watch --expires "$bad" sip:dev@example.com
		expect_err "^confinfo watch: --expires: seconds from 1 to 604800, not '$(re_quote "$bad")'\$"
	done
	for bad in "${BAD[@]}" 86401; do
		run 2 "$CONFINFO" watch --prompt-interval "$bad" sip:dev@example.com
		expect_err "^confinfo watch: --prompt-interval: seconds, not '$(re_quote "$bad")'\$"
	done
	# Valid: the options pass and the watch stops at the missing URI.
	run 2 "$CONFINFO" watch --expires 604800 --prompt-interval 0
	expect_err '^confinfo watch: missing CONFERENCE-URI$'
	run 2 "$CONFINFO" watch --expires 1 --prompt-interval 86400
	expect_err '^confinfo watch: missing CONFERENCE-URI$'
else
	echo "numbers: watch not built: its part skipped"
fi

echo "numbers: ok"
