# confinfo focus against SIPp: the full life cycle of a subscription over
# UDP and over TCP (sipp/focus_lifecycle.xml), and the focus's own log of
# it (versions, full/partial, termination reason).
. "$(dirname "$0")/../lib.bash" "$@"

mkdir "$TMP/confs"
conf_doc conf1 alice | write_conf "$TMP/confs" conf1

for tp in u1 t1; do
	PORT=$(free_port)
	start_focus "focus-$tp" --conferences "$TMP/confs" \
		--listen "udp:127.0.0.1:$PORT" --listen "tcp:127.0.0.1:$PORT" \
		--min-interval 0
	log="$TMP/focus-$tp.out"
	# The change the scenario triggers after the first NOTIFY.
	{
		echo "tmp='$TMP/confs/.conf1.xml.tmp'"
		echo "cat >\"\$tmp\" <<'XML'"
		conf_doc conf1 alice bob
		echo "XML"
		echo "mv \"\$tmp\" '$TMP/confs/conf1.xml'"
	} >"$TMP/change.sh"

	sipp_uac focus_lifecycle.xml "$tp" conf1 "$PORT"

	wait_line "$log" '^terminated .*reason="timeout"' 5 ||
		fail "$tp: no termination logged"
	grep -Eq '^subscribe conf=conf1 .*expires=600' "$log" ||
		fail "$tp: subscribe not logged"
	grep -Eq '^notify conf=conf1 .* version=1 body=full code=200' "$log" ||
		fail "$tp: full NOTIFY v1 not logged"
	grep -Eq '^notify conf=conf1 .* version=2 body=partial code=200' "$log" ||
		fail "$tp: partial NOTIFY v2 not logged"
	grep -Eq '^notify conf=conf1 .* version=2 body=full code=200' "$log" ||
		fail "$tp: refresh full NOTIFY v2 not logged"
	grep -Eq '^unsubscribe conf=conf1' "$log" || fail "$tp: unsubscribe not logged"
	grep -Eq '^conference conf=conf1 what=delivered subscribers=1 ms=[0-9]+$' "$log" ||
		fail "$tp: delivery of the change not logged"
	[ "$(count_lines "$log" '^notify ')" -eq 3 ] ||
		fail "$tp: expected 3 acknowledged NOTIFYs before the final one"

	stop_focus "$FOCUS_PID" || fail "$tp: focus exit status $?"
	# Back to one subscriber-less conference for the next transport.
	conf_doc conf1 alice | write_conf "$TMP/confs" conf1
done
echo "PASS"
