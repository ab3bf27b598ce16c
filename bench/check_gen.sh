#!/bin/bash
# bench_gen_valid: the generator's documents must be valid against the
# RFC 4575 schema, and must be what the benchmark claims they are.
# usage: check_gen.sh CONFINFO_GEN XMLLINT SCHEMA
set -euo pipefail
gen=$1 xmllint=$2 schema=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

"$gen" 50 >"$tmp/full.xml"
"$gen" --partial 50 >"$tmp/partial0.xml"
"$gen" --partial --variant 1 --version 3 50 >"$tmp/partial1.xml"
"$gen" 1 >"$tmp/one.xml"
for f in full partial0 partial1 one; do
	"$xmllint" --noout --nonet --schema "$schema" "$tmp/$f.xml" ||
		fail "$f.xml is not valid"
done

# Shape: 50 users, 2 endpoints and 4 media each, one chat room.
count() { grep -c -- "$1" "$2" || true; }
[ "$(count '<user entity=' "$tmp/full.xml")" = 50 ] || fail "users != 50"
[ "$(count '<endpoint entity=' "$tmp/full.xml")" = 100 ] ||
	fail "endpoints != 100"
[ "$(count '<media id=' "$tmp/full.xml")" = 200 ] || fail "media != 200"
[ "$(count '<purpose>grouptextchat</purpose>' "$tmp/full.xml")" = 1 ] ||
	fail "no grouptextchat room"
grep -q 'version="1"' "$tmp/full.xml" || fail "full version != 1"

# The partial: version + 1, one user, one media, explicit partial states.
grep -q 'state="partial" version="2"' "$tmp/partial0.xml" ||
	fail "partial root is not partial version 2"
grep -q 'version="3"' "$tmp/partial1.xml" || fail "--version ignored"
[ "$(count '<user entity=' "$tmp/partial0.xml")" = 1 ] ||
	fail "partial has != 1 user"
[ "$(count 'state="partial"' "$tmp/partial0.xml")" = 4 ] ||
	fail "partial: root, users, user, endpoint must say partial"
grep -q '<status>inactive</status>' "$tmp/partial0.xml" ||
	fail "variant 0 does not set inactive"
grep -q '<status>sendrecv</status>' "$tmp/partial1.xml" ||
	fail "variant 1 does not set sendrecv"

# Deterministic, and bad arguments are refused.
cmp -s "$tmp/full.xml" <("$gen" 50) || fail "output not deterministic"
if "$gen" --partial 0 >/dev/null 2>&1; then fail "--partial 0 accepted"; fi
if "$gen" -5 >/dev/null 2>&1; then fail "negative N accepted"; fi
if "$gen" --version 4294967296 1 >/dev/null 2>&1; then
	fail "version overflow accepted"
fi
echo "bench_gen_valid: ok"
