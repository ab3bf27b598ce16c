#!/bin/bash
# confinfo diff: the partial document it prints is valid, carries version
# OLD + 1, and turns OLD into NEW through `confinfo apply` (compared through
# the JSON view); refusals of inputs it cannot diff.
. "$(dirname "$0")/../lib.bash" "$@"

S=$V/seq

# round_trip OLD NEW [STATE]: diff, then apply the diff to OLD; the result
# must be NEW apart from the version, which must be OLD's + 1. The diff's
# root state must be STATE (default partial): diff sends a full document
# when a partial one cannot express the change.
round_trip() {
	local old=$1 new=$2 state=${3:-partial} old_version
	# OLD's version, from its JSON view (show_json checks that show
	# succeeded: an empty view would make no version).
	show_json "$old" "$TMP/old.json"
	old_version=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' \
		"$TMP/old.json")
	run 0 "$CONFINFO" diff "$old" "$new"
	cp "$OUT" "$TMP/d.xml"
	xmllint --noout --schema schema/conference-info.xsd "$TMP/d.xml" \
		2>"$ERR" || { show_io; fail "diff output is not schema-valid"; }
	run 0 "$CONFINFO" show --json "$TMP/d.xml"
	json_assert "$OUT" "d['state'] == '$state'" \
		"d['version'] == $old_version + 1"
	run 0 "$CONFINFO" apply --json "$old" "$TMP/d.xml"
	cp "$OUT" "$TMP/applied.json"
	show_json "$new" "$TMP/new.json"
	json_same "$TMP/new.json" "$TMP/applied.json" version
	json_assert "$TMP/applied.json" "d['version'] == $old_version + 1"
}

# Changes at every level (users added and removed, endpoint and media
# changed, roles, description, conference state, sidebars), and back.
round_trip $S/base-v1.xml $V/diff-new.xml
# Back: the sidebars-by-ref disappear, which only a full document can say.
round_trip $V/diff-new.xml $S/base-v1.xml full
round_trip $S/base-v1.xml $S/expected-v2.xml
# The conference-state disappears: atomic, so again only a full document.
round_trip $S/base-v1.xml $S/v3-full.xml full

# Nothing changed: a version bump with no content.
round_trip $S/base-v1.xml $S/base-v1.xml
json_assert "$TMP/applied.json" "d['version'] == 2"
run 0 "$CONFINFO" diff $S/base-v1.xml $S/base-v1.xml
cp "$OUT" "$TMP/bump.xml"
run 0 "$CONFINFO" show --json "$TMP/bump.xml"
json_assert "$OUT" "d['users'] == [] and d['subject'] is None"

# The printed partial keeps its promise through stdin too: diff | apply.
"$CONFINFO" diff $S/base-v1.xml $V/diff-new.xml |
	"$CONFINFO" apply --json $S/base-v1.xml - >"$TMP/piped.json"
show_json $V/diff-new.xml "$TMP/new.json"
json_same "$TMP/new.json" "$TMP/piped.json" version
run 0 "$CONFINFO" diff - $V/diff-new.xml <$S/base-v1.xml
run 2 "$CONFINFO" diff - - <$S/base-v1.xml

# Refusals (status 1, nothing printed, the file at fault named).
run 1 "$CONFINFO" diff $S/base-v1.xml vectors/rfc4575/rfc4575-example-7.1.xml
expect_err "^vectors/rfc4575/rfc4575-example-7\.1\.xml: another conference \(sips:conf233@example\.com\)"
expect_no_out
run 1 "$CONFINFO" diff $S/v2-partial.xml $S/base-v1.xml
expect_err "^$S/v2-partial\.xml: not a full state \(the document is partial\)$"
run 1 "$CONFINFO" diff $S/base-v1.xml $S/v3-deleted.xml
expect_err "^$S/v3-deleted\.xml: not a full state \(the document is deleted\)$"
run 1 "$CONFINFO" diff $S/base-v1.xml $V/bad-mismatch.xml
expect_err "^$V/bad-mismatch\.xml:6:[0-9]+: "
expect_no_out
# The last version has no successor.
sed 's/version="1"/version="4294967295"/' $S/base-v1.xml >"$TMP/last.xml"
run 1 "$CONFINFO" diff "$TMP/last.xml" $V/diff-new.xml
expect_err "last\.xml: version 4294967295 is the last one"

# Usage errors.
run 2 "$CONFINFO" diff $S/base-v1.xml
expect_err "^confinfo diff: expected OLD and NEW"
run 2 "$CONFINFO" diff $S/base-v1.xml $S/base-v1.xml $S/base-v1.xml
run 2 "$CONFINFO" diff --bogus $S/base-v1.xml $S/base-v1.xml

echo "diff: ok"
