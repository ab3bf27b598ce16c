#!/bin/bash
# The input limit options of the offline commands (--max-bytes,
# --max-users, --max-endpoints, --max-media, --max-entries, --max-string,
# and apply's merge limits): a document over a default limit is refused
# with a message naming the option that raises it, accepted once it is
# raised (files and standard input), a lowered limit refuses a small
# document, apply's merge limit follows --max-users, and bad values are
# usage errors. The large documents are written here, by awk, so that the
# test runs in builds without the benchmarks (bench/confinfo-gen).
. "$(dirname "$0")/../lib.bash" "$@"

BASE=$V/seq/base-v1.xml
COMMANDS="lint show apply diff rooms"

# gen_users N [VERSION [STATE [USER-CONTENT]]]: a document of N users
# sip:uI@example.com (I from 1), each holding USER-CONTENT, about 40 bytes
# a user without content: 12000 users stay well under 1 MiB, so that the
# user limit is met before the size limit.
gen_users() {
	awk -v n="$1" -v v="${2:-1}" -v st="${3:-full}" -v body="${4:-}" '
	BEGIN {
		print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
		print "<conference-info xmlns=\"urn:ietf:params:xml:ns:conference-info\""
		print " entity=\"sip:big@example.com\" state=\"" st "\" version=\"" v "\">"
		print "<users state=\"" st "\">"
		for (i = 1; i <= n; i++) {
			if (body == "")
				printf "<user entity=\"sip:u%d@example.com\"/>\n", i
			else
				printf "<user entity=\"sip:u%d@example.com\">%s</user>\n", i, body
		}
		print "</users>"
		print "</conference-info>"
	}'
}

# run_cmd STATUS CMD [OPTIONS...] FILE: run one of $COMMANDS on FILE (for
# diff, FILE against itself; for rooms, with the conference URI).
run_cmd() {
	local want=$1 cmd=$2 file
	shift 2
	file=${*: -1}
	set -- "${@:1:$#-1}"
	case $cmd in
	diff) run "$want" "$CONFINFO" diff "$@" "$file" "$file" ;;
	rooms) run "$want" "$CONFINFO" rooms --conference sip:big@example.com "$@" "$file" ;;
	*) run "$want" "$CONFINFO" "$cmd" "$@" "$file" ;;
	esac
}

# --- Users: 10000 is the default, 10001 is refused by every command and
# the message names --max-users; raised, the document goes through.
gen_users 10000 >"$TMP/u10000.xml"
gen_users 10001 >"$TMP/u10001.xml"
gen_users 12000 >"$TMP/u12000.xml"
[ "$(wc -c <"$TMP/u12000.xml")" -lt 1048576 ] || fail "u12000.xml is too big"
run 0 "$CONFINFO" lint "$TMP/u10000.xml"
for cmd in $COMMANDS; do
	run_cmd 1 "$cmd" "$TMP/u10001.xml"
	expect_err "^$TMP/u10001\.xml:[0-9]+:[0-9]+: <user>: more than 10000 users in the document \(raise with --max-users\)$"
	expect_no_out
	run_cmd 1 "$cmd" "$TMP/u12000.xml"
	expect_err "more than 10000 users in the document \(raise with --max-users\)$"
	run_cmd 0 "$cmd" --max-users 12000 "$TMP/u12000.xml"
	run_cmd 0 "$cmd" --max-users=12000 "$TMP/u12000.xml"
	# Just under the count: refused again, with the limit in force named.
	run_cmd 1 "$cmd" --max-users 11999 "$TMP/u12000.xml"
	expect_err "more than 11999 users in the document \(raise with --max-users\)$"
done
# The whole document is there, not a truncated part of it.
run 0 "$CONFINFO" show --json --max-users 12000 "$TMP/u12000.xml"
json_assert "$OUT" "len(d['users']) == 12000" \
	"d['users'][-1]['entity'] == 'sip:u12000@example.com'"
# apply takes its base through the merge: --max-users raises the merge
# limit too, or a 12000-user base would be refused there.
run 0 "$CONFINFO" apply --json --max-users 12000 "$TMP/u12000.xml"
json_assert "$OUT" "len(d['users']) == 12000"

# --- Standard input, with the limits raised and not.
run 1 "$CONFINFO" lint - <"$TMP/u12000.xml"
expect_err "^<stdin>:[0-9]+:[0-9]+: <user>: more than 10000 users in the document \(raise with --max-users\)$"
run 0 "$CONFINFO" lint --max-users 12000 - <"$TMP/u12000.xml"
expect_no_err
run 0 "$CONFINFO" show --json --max-users 12000 - <"$TMP/u12000.xml"
json_assert "$OUT" "len(d['users']) == 12000"
# A full version 2 replaces the base (same conference) from stdin.
gen_users 12000 2 >"$TMP/u12000-v2.xml"
run 1 "$CONFINFO" apply "$TMP/u10000.xml" - <"$TMP/u12000-v2.xml"
expect_err "^<stdin>:[0-9]+:[0-9]+: <user>: more than 10000 users in the document \(raise with --max-users\)$"
run 0 "$CONFINFO" apply --json --max-users 12000 "$TMP/u10000.xml" - \
	<"$TMP/u12000-v2.xml"
json_assert "$OUT" "len(d['users']) == 12000" "d['version'] == 2"

# --- Size: a document of 5000 users with long display texts is over
# 1 MiB; refused while it is read, accepted with --max-bytes in any
# spelling, from a file or from standard input.
gen_users 5000 1 full "<display-text>$(printf 'x%.0s' $(seq 200))</display-text>" \
	>"$TMP/big.xml"
size=$(wc -c <"$TMP/big.xml")
[ "$size" -gt 1048576 ] && [ "$size" -lt 2097152 ] ||
	fail "big.xml has $size bytes, expected between 1 and 2 MiB"
for cmd in $COMMANDS; do
	run_cmd 1 "$cmd" "$TMP/big.xml"
	expect_err "^$TMP/big\.xml: larger than 1048576 bytes, the size limit of a document \(raise with --max-bytes\)$"
	expect_no_out
	run_cmd 0 "$cmd" --max-bytes 2M "$TMP/big.xml"
done
for spelling in 2M 2m 2048K 2048k 2097152 "$size"; do
	run 0 "$CONFINFO" lint --max-bytes "$spelling" "$TMP/big.xml"
	expect_no_err
done
run 1 "$CONFINFO" lint --max-bytes $((size - 1)) "$TMP/big.xml"
expect_err "^$TMP/big\.xml: larger than $((size - 1)) bytes, the size limit of a document \(raise with --max-bytes\)$"
run 0 "$CONFINFO" lint --max-bytes 1G - <"$TMP/big.xml"
run 0 "$CONFINFO" lint --max-bytes 2M - <"$TMP/big.xml"
run 1 "$CONFINFO" lint - <"$TMP/big.xml"
expect_err "^<stdin>: larger than 1048576 bytes, the size limit of a document \(raise with --max-bytes\)$"
# The largest size the decoder takes is accepted (and costs nothing more
# for a small document: the buffer grows with the input).
run 0 "$CONFINFO" lint --max-bytes 2147483647 "$BASE"

# --- Lowered limits refuse a small document (2 users, 2 endpoints, 3
# media, 4 entries, strings up to 31 bytes), each naming its option; the
# limit at the document's own count passes.
bsize=$(wc -c <"$BASE")
for cmd in $COMMANDS; do
	run_cmd 1 "$cmd" --max-bytes 1K "$BASE"
	expect_err "^$BASE: larger than 1024 bytes, the size limit of a document \(raise with --max-bytes\)$"
done
run 0 "$CONFINFO" lint --max-bytes "$bsize" "$BASE"
check_lowered() { # OPTION PASSING REFUSED MESSAGE-REGEX
	local cmd
	for cmd in $COMMANDS; do
		run_cmd 0 "$cmd" "$1" "$2" "$BASE"
		run_cmd 1 "$cmd" "$1" "$3" "$BASE"
		expect_err "^$BASE:[0-9]+:[0-9]+: $4 \(raise with $1\)$"
		expect_err_lines 1
		expect_no_out
	done
}
check_lowered --max-users 2 1 "<user>: more than 1 users in the document"
check_lowered --max-endpoints 2 1 "<endpoint>: more than 1 endpoints in the document"
check_lowered --max-media 3 2 "<media>: more than 2 media in the document"
check_lowered --max-entries 4 3 "<entry>: more than 3 entries in the document"
check_lowered --max-string 31 30 "text of <uri> longer than the limit of 30 bytes"
run 1 "$CONFINFO" lint --max-string 16 "$BASE"
expect_err "^$BASE:[0-9]+:[0-9]+: value of attribute entity longer than the limit of 16 bytes \(raise with --max-string\)$"

# --- apply's merge limit follows --max-users. Each document alone is
# within the decoder's limits (the notification adds one user): it is the
# state the merge would build that is over.
cat >"$TMP/add-user.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<conference-info xmlns="urn:ietf:params:xml:ns:conference-info"
 entity="sip:big@example.com" state="partial" version="2">
 <users state="partial">
  <user entity="sip:new@example.com" state="full">
   <endpoint entity="sip:new@a.example.com" state="full">
    <media id="1"/><media id="2"/><media id="3"/>
   </endpoint>
   <endpoint entity="sip:new@b.example.com" state="full"/>
   <endpoint entity="sip:new@c.example.com" state="full"/>
  </user>
 </users>
</conference-info>
EOF
A=$TMP/add-user.xml
# By default: 10000 users, the 10001st refused by the merge.
run 1 "$CONFINFO" apply "$TMP/u10000.xml" "$A"
expect_err "^$A: <users> of conference 'sip:big@example\.com' would hold 10001 users \(limit 10000\) \(raise with --max-users\)$"
expect_no_out
run 0 "$CONFINFO" apply --json --max-users 10001 "$TMP/u10000.xml" "$A"
json_assert "$OUT" "len(d['users']) == 10001" "d['version'] == 2" \
	"d['users'][-1]['entity'] == 'sip:new@example.com'"
# Lowered: a 100-user base takes no 101st user.
gen_users 100 >"$TMP/u100.xml"
run 1 "$CONFINFO" apply --max-users 100 "$TMP/u100.xml" "$A"
expect_err "would hold 101 users \(limit 100\) \(raise with --max-users\)$"
expect_no_out
run 0 "$CONFINFO" apply --json --max-users 101 "$TMP/u100.xml" "$A"
json_assert "$OUT" "len(d['users']) == 101"
# The per-row merge limits, with their own options.
run 1 "$CONFINFO" apply --max-endpoints-per-user 2 "$TMP/u100.xml" "$A"
expect_err "^$A: user 'sip:new@example\.com' would hold 3 endpoints \(limit 2\) \(raise with --max-endpoints-per-user\)$"
expect_no_out
run 0 "$CONFINFO" apply --max-endpoints-per-user 3 "$TMP/u100.xml" "$A"
run 1 "$CONFINFO" apply --max-media-per-endpoint 2 "$TMP/u100.xml" "$A"
expect_err "^$A: endpoint 'sip:new@a\.example\.com' would hold 3 media \(limit 2\) \(raise with --max-media-per-endpoint\)$"
expect_no_out
run 0 "$CONFINFO" apply --max-media-per-endpoint 3 "$TMP/u100.xml" "$A"
# A base of 65 endpoints for one user is over the default merge limit
# (64) while the decoder takes it: the per-user option raises it.
gen_users 1 1 full "$(for i in $(seq 65); do
	printf '<endpoint entity="sip:e%d@example.com"/>' "$i"; done)" >"$TMP/e65.xml"
run 0 "$CONFINFO" lint "$TMP/e65.xml"
run 1 "$CONFINFO" apply "$TMP/e65.xml"
expect_err "would hold 65 endpoints \(limit 64\) \(raise with --max-endpoints-per-user\)$"
run 0 "$CONFINFO" apply --max-endpoints-per-user 65 "$TMP/e65.xml"
# The merge options are apply's alone.
for cmd in lint show diff rooms; do
	run_cmd 2 "$cmd" --max-endpoints-per-user 3 "$BASE"
	run_cmd 2 "$cmd" --max-media-per-endpoint 3 "$BASE"
done

# --- Bad values: a usage error (2) naming the option and the value,
# before any document is read. The parsing is shared: lint gets every
# value a user might try, the other commands enough to show that each
# option reaches it.
re_quote() { sed 's/[][\.*^$+?(){}|/]/\\&/g' <<<"$1"; }
check_bad() { # CMD OPTION VALUE
	local why
	case $3 in
	0) why='must be at least 1' ;;
	99999999999999999999999) why='too large' ;;
	*) why='not a (decimal number|size \(decimal digits, then optionally K, M or G\))' ;;
	esac
	run_cmd 2 "$1" "$2" "$3" "$BASE"
	expect_err "^confinfo $1: $2: invalid value '$(re_quote "$3")': $why\$"
	expect_err "^Try 'confinfo $1 --help' for more information\.\$"
	expect_err_lines 2
	expect_no_out
}
LIMIT_OPTS="--max-bytes --max-users --max-endpoints --max-media --max-entries --max-string"
MERGE_OPTS="--max-endpoints-per-user --max-media-per-endpoint"
for opt in --max-users --max-bytes; do
	for bad in "" +5 " 5" "5 " 0x10 1.5 1,000 007x; do
		check_bad lint "$opt" "$bad"
	done
done
for opt in $LIMIT_OPTS; do
	for bad in 0 -1 1x 99999999999999999999999; do
		check_bad lint "$opt" "$bad"
	done
done
for opt in $MERGE_OPTS; do
	for bad in 0 -1 1x 99999999999999999999999; do
		check_bad apply "$opt" "$bad"
	done
done
for cmd in show apply diff rooms; do
	for opt in $LIMIT_OPTS; do
		check_bad "$cmd" "$opt" 1x
	done
done
# The --opt=VALUE spelling, and a missing value.
run 2 "$CONFINFO" lint --max-users=0 "$BASE"
expect_err "^confinfo lint: --max-users: invalid value '0': must be at least 1\$"
for cmd in $COMMANDS; do
	run 2 "$CONFINFO" "$cmd" --max-users
	expect_err "requires an argument"
done
# One past SIZE_MAX is an overflow, SIZE_MAX itself a (huge) count.
run 2 "$CONFINFO" lint --max-users 18446744073709551616 "$BASE"
expect_err "invalid value '18446744073709551616': too large$"
run 0 "$CONFINFO" lint --max-users 18446744073709551615 "$BASE"
# Suffixes are for sizes only, and one letter of K, M or G.
run 0 "$CONFINFO" lint --max-string 1K "$BASE"
for bad in 1K 1M 2G; do
	run 2 "$CONFINFO" lint --max-users "$bad" "$BASE"
	expect_err "^confinfo lint: --max-users: invalid value '$bad': not a decimal number$"
done
for bad in 1KK 1KB 1T 1Ki K; do
	run 2 "$CONFINFO" lint --max-bytes "$bad" "$BASE"
	expect_err "^confinfo lint: --max-bytes: invalid value '$bad': not a size"
done
# Above what the decoder reads (2 GiB - 1), and a suffix that overflows.
run 2 "$CONFINFO" lint --max-bytes 2G "$BASE"
expect_err "^confinfo lint: --max-bytes: invalid value '2G': too large \(the decoder reads at most 2147483647 bytes\)$"
run 2 "$CONFINFO" lint --max-bytes 2147483648 "$BASE"
expect_err "too large \(the decoder reads at most 2147483647 bytes\)$"
run 2 "$CONFINFO" lint --max-string 99999999999G "$BASE"
expect_err "^confinfo lint: --max-string: invalid value '99999999999G': too large$"

# --- The options are in each command's help (help.sh checks the man page).
for cmd in $COMMANDS; do
	run 0 "$CONFINFO" "$cmd" --help
	expect_out '^usage: confinfo .*\[LIMITS\]'
	for opt in --max-bytes --max-users --max-endpoints --max-media \
		--max-entries --max-string; do
		expect_out "^  $opt N "
	done
done
run 0 "$CONFINFO" apply --help
expect_out '^  --max-endpoints-per-user N$'
expect_out '^  --max-media-per-endpoint N$'

# --- A realistic document from the benchmarks' generator, when it was
# built: 3000 users of 2 endpoints with audio and video (about 6 MB).
GEN=$(dirname "$CONFINFO")/bench/confinfo-gen
if [ -x "$GEN" ]; then
	"$GEN" 3000 >"$TMP/gen.xml" || fail "confinfo-gen failed"
	run 1 "$CONFINFO" lint "$TMP/gen.xml"
	expect_err "\(raise with --max-bytes\)$"
	run 1 "$CONFINFO" lint --max-bytes 16M --max-endpoints 5999 "$TMP/gen.xml"
	expect_err "more than 5999 endpoints in the document \(raise with --max-endpoints\)$"
	run 1 "$CONFINFO" lint --max-bytes 16M --max-media 11999 "$TMP/gen.xml"
	expect_err "more than 11999 media in the document \(raise with --max-media\)$"
	run 0 "$CONFINFO" lint --max-bytes 16M "$TMP/gen.xml"
	run 0 "$CONFINFO" show --json --max-bytes 16M "$TMP/gen.xml"
	json_assert "$OUT" "len(d['users']) == 3000" \
		"sum(len(u['endpoints']) for u in d['users']) == 6000"
else
	echo "limits: $GEN not built (CONFINFO_BENCH=OFF): generated part skipped"
fi

echo "limits: ok"
