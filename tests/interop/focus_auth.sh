# confinfo focus with SIP digest authentication (--auth, htdigest file):
# a SIPp subscriber is challenged, authenticates and subscribes, then
# unsubscribes with the same nonce (sipp/focus_auth.xml); a wrong password
# gets 403 (sipp/focus_auth_403.xml). UDP and TCP.
. "$(dirname "$0")/sipp/focus_lib.sh"

mkdir "$WORK/confs"
conf_doc conf1 alice | write_conf "$WORK/confs" conf1
ha1=$(printf '%s' 'alice:example.com:secret' | md5sum | cut -d' ' -f1)
printf '# user:realm:HA1\nalice:example.com:%s\n' "$ha1" >"$WORK/users"

for tp in u1 t1; do
	PORT=$(free_port)
	start_focus "focus-$tp" --conferences "$WORK/confs" \
		--listen "udp:127.0.0.1:$PORT" --listen "tcp:127.0.0.1:$PORT" \
		--min-interval 0 --domain example.com --auth "$WORK/users"
	log="$WORK/focus-$tp.log"
	run_sipp focus_auth.xml "$tp" conf1 "$PORT"
	run_sipp focus_auth_403.xml "$tp" conf1 "$PORT"
	wait_for "$log" '^terminated conf=conf1 ' 5 || fail "$tp: no termination"
	[ "$(count_lines "$log" '^reject .*code=401 ')" -eq 2 ] ||
		fail "$tp: expected two challenges"
	grep -Eq '^reject .*code=403 reason="Wrong Credentials"' "$log" ||
		fail "$tp: wrong password not refused"
	[ "$(count_lines "$log" '^subscribe ')" -eq 1 ] ||
		fail "$tp: expected exactly one subscription"
	stop_focus "$FOCUS_PID" || fail "$tp: focus exit status $?"
done

# A malformed credentials file is refused at start-up, with its line.
printf 'alice:example.com:%s\nbob:other.realm:%s\n' "$ha1" "$ha1" >"$WORK/bad"
"$CONFINFO" focus --conferences "$WORK/confs" --domain example.com \
	--auth "$WORK/bad" --listen "udp:127.0.0.1:$(free_port)" \
	>"$WORK/bad.log" 2>"$WORK/bad.err" && fail "a bad credentials file was accepted"
grep -q 'bad:2: realm' "$WORK/bad.err" || fail "the bad line was not named"
echo "PASS"
