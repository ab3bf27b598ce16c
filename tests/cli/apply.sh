#!/bin/bash
# confinfo apply: exit statuses 0/1/2/3/4, the result (compared with an
# expected state through the JSON view, not textually), stale and gap
# messages, nothing on stdout when the replay stops, standard input.
. "$(dirname "$0")/../lib.bash" "$@"

S=$V/seq
show_json $S/expected-v2.xml "$TMP/expected-v2.json"

# 0: v2 applies; the printed document is the expected full state.
run 0 "$CONFINFO" apply $S/base-v1.xml $S/v2-partial.xml
expect_no_err
cp "$OUT" "$TMP/result.xml"
run 0 "$CONFINFO" lint "$TMP/result.xml"
show_json "$TMP/result.xml" "$TMP/result.json"
json_same "$TMP/expected-v2.json" "$TMP/result.json"
json_assert "$TMP/result.json" "d['version'] == 2 and d['state'] == 'full'" \
	"[u['entity'] for u in d['users']] == ['sip:bob@example.com',
	 'sip:carol@example.com']" \
	"d['users'][0]['endpoints'][0]['status'] == 'on-hold'" \
	"len(d['users'][0]['endpoints'][0]['media']) == 2"
# The result is valid against the RFC 4575 schema.
xmllint --noout --schema schema/conference-info.xsd "$TMP/result.xml" 2>"$ERR" ||
	{ show_io; fail "apply output is not valid against the schema"; }

# --json prints the same view directly.
run 0 "$CONFINFO" apply --json $S/base-v1.xml $S/v2-partial.xml
json_same "$TMP/expected-v2.json" "$OUT"

# Only a base: printed as it is (normalised).
run 0 "$CONFINFO" apply --json $S/base-v1.xml
show_json $S/base-v1.xml "$TMP/base.json"
json_same "$TMP/base.json" "$OUT"

# 3: the same v2 again is stale; it is named, the result is still printed.
run 3 "$CONFINFO" apply --json $S/base-v1.xml $S/v2-partial.xml $S/v2-partial.xml
expect_err "^$S/v2-partial\.xml: stale \(local 2, received 2\): discarded$"
expect_err_lines 1
json_same "$TMP/expected-v2.json" "$OUT"
# A stale base-level document too (v1 after v2), then more is applied.
run 3 "$CONFINFO" apply --json $S/base-v1.xml $S/v2-partial.xml $S/base-v1.xml \
	$S/v3-full.xml
expect_err "^$S/base-v1\.xml: stale \(local 2, received 1\): discarded$"
show_json $S/v3-full.xml "$TMP/v3.json"
json_same "$TMP/v3.json" "$OUT"

# 4: v5 after v1 is a gap: it says a refresh is needed, prints nothing.
run 4 "$CONFINFO" apply $S/base-v1.xml $S/v5-partial.xml
expect_err "^$S/v5-partial\.xml: version gap \(local 1, received 5\): a full-state refresh is needed$"
expect_no_out
# A gap stops the replay: what follows is not even read.
run 4 "$CONFINFO" apply $S/base-v1.xml $S/v5-partial.xml "$TMP/missing.xml"
expect_err_lines 1
# A gap after a stale document still wins (4, not 3).
run 4 "$CONFINFO" apply $S/base-v1.xml $S/v2-partial.xml $S/v2-partial.xml \
	$S/v5-partial.xml
expect_no_out

# Full and deleted documents replace the state.
run 0 "$CONFINFO" apply --json $S/base-v1.xml $S/v2-partial.xml $S/v3-full.xml
json_same "$TMP/v3.json" "$OUT"
run 0 "$CONFINFO" apply --json $S/base-v1.xml $S/v2-partial.xml $S/v3-deleted.xml
json_assert "$OUT" "d['state'] == 'deleted' and d['version'] == 3" \
	"d['users'] == [] and d['subject'] is None"
run 0 "$CONFINFO" apply $S/base-v1.xml $S/v2-partial.xml $S/v3-deleted.xml
cp "$OUT" "$TMP/deleted.xml"
run 0 "$CONFINFO" lint "$TMP/deleted.xml"

# 1: invalid inputs; the file is named, nothing is printed.
run 1 "$CONFINFO" apply $S/base-v1.xml $V/bad-mismatch.xml
expect_err "^$V/bad-mismatch\.xml:6:[0-9]+: "
expect_no_out
run 1 "$CONFINFO" apply $S/base-v1.xml $S/v2-partial.xml $V/bad-status.xml
expect_err "^$V/bad-status\.xml:7:[0-9]+: "
expect_no_out
# Well-formed but inconsistent with the state: another conference.
run 1 "$CONFINFO" apply $S/base-v1.xml $S/v2-other-entity.xml
expect_err "^$S/v2-other-entity\.xml: [^ ]"
expect_no_out
# The base must be a full state.
run 1 "$CONFINFO" apply $S/v2-partial.xml $S/v5-partial.xml
expect_err "^$S/v2-partial\.xml: not a full state \(the document is partial\)$"
expect_no_out
run 1 "$CONFINFO" apply $V/bad-mismatch.xml $S/v2-partial.xml
expect_err "^$V/bad-mismatch\.xml:6:"
run 1 "$CONFINFO" apply "$TMP/missing.xml"
expect_err "^$TMP/missing\.xml: No such file or directory$"

# Standard input, as the base or as a notification.
run 0 "$CONFINFO" apply --json $S/base-v1.xml - <$S/v2-partial.xml
json_same "$TMP/expected-v2.json" "$OUT"
run 0 "$CONFINFO" apply --json - $S/v2-partial.xml <$S/base-v1.xml
json_same "$TMP/expected-v2.json" "$OUT"
run 4 "$CONFINFO" apply $S/base-v1.xml - <$S/v5-partial.xml
expect_err "^<stdin>: version gap \(local 1, received 5\)"

# Usage errors.
run 2 "$CONFINFO" apply
expect_err "^confinfo apply: no BASE given"
run 2 "$CONFINFO" apply $S/base-v1.xml - - </dev/null
run 2 "$CONFINFO" apply --frobnicate $S/base-v1.xml

echo "apply: ok"
