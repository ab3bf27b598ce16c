#!/bin/bash
# --help and --version of confinfo and of every command it lists, and the
# man page kept in step with them: every long option that a --help prints
# must be documented in docs/confinfo.1, every command must have its
# section there, and the man page's version must be the program's.
. "$(dirname "$0")/../lib.bash" "$@"

MAN=../docs/confinfo.1
[ -f "$MAN" ] || fail "$MAN is missing"
# The man page as plain words: roff writes '-' as '\-'.
sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' "$MAN" >"$TMP/man.txt"

run 0 "$CONFINFO" --help
expect_no_err
expect_out '^usage: confinfo '
# The commands are the indented lines under "Commands:".
commands=$(awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }
	on && /^$/ { on = 0 }' "$OUT")
[ -n "$commands" ] || fail "confinfo --help lists no commands"
for must in lint show apply diff; do
	grep -qx "$must" <<<"$commands" || fail "--help does not list $must"
done

run 0 "$CONFINFO" --version
version=$(awk '{ print $2 }' "$OUT")
expect_out '^confinfo [0-9]+\.[0-9]+\.[0-9]+'
grep -q "^\.TH CONFINFO 1 .*\"confinfo $version\"" "$MAN" ||
	fail "the man page is not for version $version"

run 2 "$CONFINFO"
expect_err '^usage: confinfo '
run 2 "$CONFINFO" no-such-command
expect_err "^confinfo: unknown command 'no-such-command'"

for cmd in $commands; do
	run 0 "$CONFINFO" "$cmd" --help
	expect_no_err
	expect_out "^usage: confinfo $cmd( |\$)"
	cp "$OUT" "$TMP/help.txt"
	run 0 "$CONFINFO" "$cmd" -h
	cmp -s "$OUT" "$TMP/help.txt" || fail "$cmd: -h and --help differ"
	# Its own section in the man page.
	grep -qE "^\.SS \".*confinfo $cmd([ ,\"]|\$)" "$MAN" ||
		fail "$cmd has no section in the man page"
	# Every long option it prints is documented.
	options=$(grep -oE -- '--[a-z][a-z0-9-]*' "$TMP/help.txt" | sort -u)
	grep -q -- '--help' <<<"$options" || fail "$cmd --help does not list --help"
	for opt in $options; do
		grep -qF -- "$opt" "$TMP/man.txt" ||
			fail "$cmd: option $opt is not in the man page"
	done
	# An unknown option is a usage error.
	run 2 "$CONFINFO" "$cmd" --no-such-option
	# A help that cannot be written is an error, not a success.
	if [ -w /dev/full ]; then
		run 1 bash -c '"$0" "$1" --help >/dev/full' "$CONFINFO" "$cmd"
		expect_err "^confinfo $cmd: write error"
	fi
done

# The man page itself renders without warnings (when groff is there: it
# comes with man-db on Debian).
if command -v groff >/dev/null; then
	groff -man -ww -z "$MAN" 2>"$ERR" || { show_io; fail "groff failed"; }
	[ ! -s "$ERR" ] || { show_io; fail "groff warns about the man page"; }
fi

echo "help: ok"
