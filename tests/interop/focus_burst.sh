# confinfo focus coalescing: 20 changes written inside one rate window
# (--min-interval 3) reach the subscriber as ONE partial NOTIFY with
# version 2 and the final state (sipp/focus_burst.xml), over UDP and TCP.
. "$(dirname "$0")/../lib.bash" "$@"

mkdir "$TMP/confs"
{
	echo "set -e"
	users=alice
	for i in $(seq 20); do
		users="$users u$i"
		echo "cat >'$TMP/confs/.conf1.xml.tmp' <<'XML'"
		# shellcheck disable=SC2086
		conf_doc conf1 $users
		echo "XML"
		echo "mv '$TMP/confs/.conf1.xml.tmp' '$TMP/confs/conf1.xml'"
		# Spaced so that the focus reads them one by one (20 x 50 ms
		# stays well inside the 3 s window).
		echo "sleep 0.05"
	done
} >"$TMP/burst.sh"

for tp in u1 t1; do
	conf_doc conf1 alice | write_conf "$TMP/confs" conf1
	PORT=$(free_port)
	start_focus "focus-$tp" --conferences "$TMP/confs" \
		--listen "udp:127.0.0.1:$PORT" --listen "tcp:127.0.0.1:$PORT" \
		--min-interval 3
	log="$TMP/focus-$tp.out"
	sipp_uac focus_burst.xml "$tp" conf1 "$PORT"
	wait_line "$log" '^terminated ' 5 || fail "$tp: no termination logged"
	# Several changes reached the focus (normally all 20, but a slow
	# reader may see two writes as one), and only one partial went out.
	seen=$(count_lines "$log" '^conference conf=conf1 what=changed')
	echo "$tp: the focus saw $seen distinct states during the burst"
	[ "$seen" -ge 2 ] || fail "$tp: the focus did not see the burst"
	[ "$(count_lines "$log" 'body=partial')" -eq 1 ] ||
		fail "$tp: expected exactly one partial NOTIFY"
	stop_focus "$FOCUS_PID" || fail "$tp: focus exit status $?"
done
echo "PASS"
