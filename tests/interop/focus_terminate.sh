# How confinfo focus ends subscriptions, each checked by a SIPp subscriber:
# expiry (reason timeout), conference file deleted (reason noresource),
# focus shut down by SIGTERM (reason deactivated, and the focus exits 0
# once the final NOTIFY is answered). UDP and TCP.
. "$(dirname "$0")/../lib.bash" "$@"

mkdir "$TMP/confs"
for tp in u1 t1; do
	conf_doc conf1 alice | write_conf "$TMP/confs" conf1
	PORT=$(free_port)
	start_focus "focus-$tp" --conferences "$TMP/confs" \
		--listen "udp:127.0.0.1:$PORT" --listen "tcp:127.0.0.1:$PORT" \
		--min-interval 0 --expires-min 1
	log="$TMP/focus-$tp.out"

	sipp_uac focus_expiry.xml "$tp" conf1 "$PORT"
	wait_line "$log" '^terminated conf=conf1 .*reason="timeout"' 5 ||
		fail "$tp: expiry not logged"

	echo "rm '$TMP/confs/conf1.xml'" >"$TMP/end.sh"
	sipp_uac focus_noresource.xml "$tp" conf1 "$PORT"
	wait_line "$log" '^terminated conf=conf1 .*reason="noresource"' 5 ||
		fail "$tp: noresource not logged"
	grep -q '^conference conf=conf1 what=removed' "$log" ||
		fail "$tp: removal not logged"

	conf_doc conf1 alice | write_conf "$TMP/confs" conf1
	wait_line "$log" '^conference conf=conf1 what=added' 5 ||
		fail "$tp: conf1 not served again"
	echo "kill -TERM $FOCUS_PID" >"$TMP/end.sh"
	sipp_uac focus_deactivated.xml "$tp" conf1 "$PORT"
	wait_line "$log" '^terminated conf=conf1 .*reason="deactivated"' 5 ||
		fail "$tp: deactivation not logged"
	# The focus was already told to stop: it must be gone, with status 0.
	wait_exit "$FOCUS_PID" 5
	[ "$EXIT_STATUS" -eq 0 ] || fail "$tp: focus exit status $EXIT_STATUS"
done
echo "PASS"
