# confinfo focus with the input limit options: a conference file over a
# limit is refused with a message naming the option that raises it (on
# start-up and on a later write) while the defaults serve it, and served
# once it fits; a PUBLISH over a limit (SIPp mixer) gets 400 and its log
# line names the option; the size limit (--max-bytes) and bad values.
. "$(dirname "$0")/../lib.bash" "$@"

# has_lines FILE REGEX N: FILE has N lines matching REGEX (wait_line
# waits for the first one only).
has_lines() {
	[ "$(count_lines "$1" "$2")" -ge "$3" ]
}

DIR=$TMP/confs
mkdir "$DIR"
conf_doc big alice bob | write_conf "$DIR" big
conf_doc small alice | write_conf "$DIR" small
PORT=$(free_port)

# The defaults serve both conferences, without a word on stderr.
start_focus default --conferences "$DIR" --listen "udp:127.0.0.1:$PORT"
grep -q '^conference conf=big what=added' "$TMP/default.out" ||
	fail "the defaults do not serve the 2-user conference"
grep -q '^conference conf=small what=added' "$TMP/default.out" ||
	fail "the defaults do not serve the 1-user conference"
[ ! -s "$TMP/default.err" ] || fail "the defaults complain"
stop_focus "$FOCUS_PID" || fail "focus exit status $?"

# --max-users 1: big refused (file:line:col, as lint says it), small
# served.
BIG_RE="^$(sed 's/[.]/\\./g' <<<"$DIR")/big\.xml:[0-9]+:[0-9]+: <user>: more than 1 users in the document \(raise with --max-users\)$"
start_focus strict --conferences "$DIR" --listen "udp:127.0.0.1:$PORT" \
	--max-users 1 --min-interval 0 --publisher sip:mixer@example.com
log=$TMP/strict.out err=$TMP/strict.err
grep -Eq "$BIG_RE" "$err" || fail "the refusal of big.xml does not name --max-users"
grep -q '^conference conf=small what=added' "$log" ||
	fail "--max-users 1 does not serve the 1-user conference"
lacks_line "$log" '^conference conf=big ' || fail "big was served over the limit"
# A later write over the limit: refused the same way (a second line).
conf_doc big alice bob carol | write_conf "$DIR" big
wait_for 5 has_lines "$err" "$BIG_RE" 2 || fail "the rewritten big.xml was not refused"
# Within the limit: served.
conf_doc big alice | write_conf "$DIR" big
wait_line "$log" '^conference conf=big what=added' 5 ||
	fail "big.xml within the limit was not served"

# PUBLISH: two users refused (400) with the option named, one accepted.
sipp_uac focus_publish_limit.xml u1 pubconf "$PORT"
grep -Eq '^publish conf=pubconf .*code=400 reason="[0-9]+:[0-9]+: <user>: more than 1 users in the document \(raise with --max-users\)"$' "$log" ||
	fail "the refused PUBLISH is not logged with --max-users"
grep -Eq '^publish conf=pubconf .*code=200 reason="initial"' "$log" ||
	fail "the PUBLISH within the limit was not accepted"
# (and the start-up warning that --publisher without --auth is a hint)
[ "$(count_lines "$err" .)" -eq 3 ] || fail "unexpected messages on stderr"
has_line "$err" 'without --auth, --allow and --publisher' ||
	fail "no warning that --publisher is a hint without --auth"
stop_focus "$FOCUS_PID" || fail "focus exit status $?"

# --max-bytes: a file larger than the limit, refused unread.
conf_doc big alice bob | write_conf "$DIR" big
size=$(wc -c <"$DIR/small.xml")
start_focus sized --conferences "$DIR" --listen "udp:127.0.0.1:$PORT" \
	--max-bytes "$size"
grep -Eq "/big\.xml: larger than $size bytes, the size limit of a document \(raise with --max-bytes\)$" \
	"$TMP/sized.err" || fail "the refusal over --max-bytes does not name it"
grep -q '^conference conf=small what=added' "$TMP/sized.out" ||
	fail "a file of exactly --max-bytes was not served"
stop_focus "$FOCUS_PID" || fail "focus exit status $?"

# Bad values are usage errors, before anything starts.
st=0
"$CONFINFO" focus --conferences "$DIR" --max-users 0 >"$TMP/bad.out" \
	2>"$TMP/bad.txt" || st=$?
[ "$st" -eq 2 ] || fail "--max-users 0 is not a usage error"
grep -q "^confinfo focus: --max-users: invalid value '0': must be at least 1$" "$TMP/bad.txt" ||
	fail "--max-users 0: wrong message"
# The merge options are the watcher's alone.
st=0
"$CONFINFO" focus --conferences "$DIR" --max-endpoints-per-user 2 \
	>"$TMP/bad.out" 2>"$TMP/bad.txt" || st=$?
[ "$st" -eq 2 ] || fail "focus accepts --max-endpoints-per-user"
echo "PASS"
