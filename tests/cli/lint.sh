#!/bin/bash
# confinfo lint: exit statuses, FILE:LINE:COL messages, warnings, --strict,
# standard input, size cap, usage errors.
. "$(dirname "$0")/../lib.bash" "$@"

# Valid documents: silent success.
run 0 "$CONFINFO" lint vectors/rfc4575/rfc4575-example-7.1.xml \
	$V/seq/base-v1.xml $V/seq/v2-partial.xml $V/diff-new.xml
expect_no_out
expect_no_err

# Tag mismatch: the parser notices at </users>, line 6.
run 1 "$CONFINFO" lint $V/bad-mismatch.xml
expect_err "^$V/bad-mismatch\.xml:6:[0-9]+: [^ ]"
expect_no_out

# A bad enumeration value is named, at its line (7).
run 1 "$CONFINFO" lint $V/bad-status.xml
expect_err "^$V/bad-status\.xml:7:[0-9]+: .*sleeping"

# Several files: every bad one is reported (once), the good one is not,
# and the status says "not all valid".
run 1 "$CONFINFO" lint $V/bad-mismatch.xml $V/seq/base-v1.xml $V/bad-status.xml
expect_err "^$V/bad-mismatch\.xml:6:"
expect_err "^$V/bad-status\.xml:7:"
if grep -q "base-v1" "$ERR"; then show_io; fail "a valid file was reported"; fi
[ "$(grep -c "^$V/bad-status\.xml:" "$ERR")" -eq 1 ] || fail "reported twice"

# Warnings are printed but do not fail, unless --strict.
run 0 "$CONFINFO" lint $V/warn-default-state.xml
expect_err "^$V/warn-default-state\.xml:[0-9]+:[0-9]+: warning: "
run 1 "$CONFINFO" lint --strict $V/warn-default-state.xml
expect_err "^$V/warn-default-state\.xml:[0-9]+:[0-9]+: warning: "
expect_err "^$V/warn-default-state\.xml: [0-9]+ warnings? \(--strict\)"
run 1 "$CONFINFO" lint -s $V/warn-default-state.xml

# The misspelled chat room purpose of RFC 7106's example: one warning.
run 0 "$CONFINFO" lint $V/chat-rooms.xml
expect_err "^$V/chat-rooms\.xml: warning: .*groupertextchat"
expect_err_lines 1
run 1 "$CONFINFO" lint --strict $V/chat-rooms.xml
# --strict changes nothing for a clean file.
run 0 "$CONFINFO" lint --strict $V/seq/base-v1.xml
expect_no_err

# Standard input is "<stdin>" in messages.
run 0 "$CONFINFO" lint - <$V/seq/base-v1.xml
run 1 "$CONFINFO" lint - <$V/bad-mismatch.xml
expect_err "^<stdin>:6:[0-9]+: "
run 2 "$CONFINFO" lint - - <$V/seq/base-v1.xml

# Unreadable inputs.
run 1 "$CONFINFO" lint "$TMP/missing.xml"
expect_err "^$TMP/missing\.xml: No such file or directory$"
run 1 "$CONFINFO" lint vectors
expect_err "^vectors: "
: >"$TMP/empty.xml"
run 1 "$CONFINFO" lint "$TMP/empty.xml"
expect_err "^$TMP/empty\.xml(:[0-9]+)*: [^ ]"

# Size cap: one byte over 1 MiB is refused before decoding, and an
# endless pipe is cut off rather than read into memory.
head -c 1048577 /dev/zero | tr '\0' ' ' >"$TMP/big.xml"
run 1 "$CONFINFO" lint "$TMP/big.xml"
expect_err "^$TMP/big\.xml: larger than 1048576 bytes"
run 1 bash -c 'yes "<x/>" | "$0" lint -' "$CONFINFO"
expect_err "^<stdin>: larger than 1048576 bytes"

# Usage errors.
run 2 "$CONFINFO" lint
expect_err "^confinfo lint: no FILE given"
run 2 "$CONFINFO" lint --no-such-option $V/seq/base-v1.xml
expect_err "Try 'confinfo lint --help'"

echo "lint: ok"
