# confinfo focus restarted with --state (SQLite): a subscriber's refresh
# on the old dialog gets 481, its new subscription gets exactly the state
# served before the crash (sipp/focus_restart.xml), even though the
# conference file was broken while the focus was down; the broken file is
# reported as FILE:LINE:COL. A conference whose file was deleted while
# the focus was down is no longer served (the directory owns it); one
# whose file is intact is served unchanged.
. "$(dirname "$0")/../lib.bash" "$@"

mkdir "$TMP/confs"
conf_doc conf1 alice | write_conf "$TMP/confs" conf1
conf_doc conf2 carol | write_conf "$TMP/confs" conf2
conf_doc conf3 dave | write_conf "$TMP/confs" conf3
PORT=$(free_port)
ARGS=(--conferences "$TMP/confs" --listen "udp:127.0.0.1:$PORT"
	--listen "tcp:127.0.0.1:$PORT" --min-interval 0
	--state "$TMP/state.db")
start_focus focus1 "${ARGS[@]}"

{
	echo "tmp='$TMP/confs/.conf1.xml.tmp'"
	echo "cat >\"\$tmp\" <<'XML'"
	conf_doc conf1 alice bob
	echo "XML"
	echo "mv \"\$tmp\" '$TMP/confs/conf1.xml'"
} >"$TMP/change.sh"
# The crash and the restart, run by the scenario. The new focus is not
# a child of this shell, so `wait` cannot give its exit status: a shell
# waiting for it writes its pid to focus2.pid and, once it has ended, its
# status to focus2.status, which stop_focus reads.
cat >"$TMP/restart.sh" <<SH
kill -9 $FOCUS_PID
printf '<conference-info xmlns="urn:ietf:params:xml:ns:conference-info"\n  entity="sip:conf1@example.com" version="3">\n  <users><user></users>\n' >'$TMP/confs/conf1.xml'
rm '$TMP/confs/conf2.xml'
(
	'$CONFINFO' focus $(printf "'%s' " "${ARGS[@]}") \
		>'$TMP/focus2.out' 2>'$TMP/focus2.err' &
	echo \$! >'$TMP/focus2.pid'
	wait \$!
	echo \$? >'$TMP/focus2.status'
) </dev/null >/dev/null 2>&1 &
SH

sipp_uac focus_restart.xml u1 conf1 "$PORT"
sipp_uac focus_resubscribe.xml u1 conf1 "$PORT"

log1="$TMP/focus1.out" log2="$TMP/focus2.out"
wait_line "$log2" '^terminated ' 5 || fail "focus2: no termination logged"
grep -Eq '^notify conf=conf1 .* version=2 body=partial' "$log1" ||
	fail "focus1 did not send the partial NOTIFY"
grep -Eq '^reject conf=conf1 .*code=481' "$log2" ||
	fail "focus2 did not answer the old dialog with 481"
grep -Eq '^notify conf=conf1 .* version=1 body=full code=200' "$log2" ||
	fail "focus2 did not send the full state"
# The broken file is reported with its position and not served.
grep -Eq "conf1\.xml:3:[0-9]+: " "$TMP/focus2.err" ||
	fail "the broken conf1.xml was not reported as FILE:LINE:COL"
# Loaded from the store ("added"), then never changed.
grep -q '^conference conf=conf1 what=added' "$log2" ||
	fail "focus2 did not load conf1 from the store"
lacks_line "$log2" '^conference conf=conf1 what=changed' ||
	fail "focus2 replaced the stored conf1 state"
grep -q '^conference conf=conf2 what=removed' "$log2" ||
	fail "focus2 still serves conf2, whose file is gone"
lacks_line "$log2" '^conference conf=conf3 what=changed' ||
	fail "focus2 changed conf3, whose file did not change"
grep -q '^conference conf=conf3 what=added' "$log1" || fail "conf3 not served"

wait_for 5 test -s "$TMP/focus2.pid" || fail "focus2 left no pid"
stop_focus "$(cat "$TMP/focus2.pid")" "$TMP/focus2.status" ||
	fail "focus2 exit status $?"
echo "PASS"
