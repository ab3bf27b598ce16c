# confinfo focus with SIP digest authentication (--auth, htdigest file):
# a SIPp subscriber is challenged, authenticates and subscribes, then
# unsubscribes with the same nonce (sipp/focus_auth.xml); a wrong password
# gets 403 (sipp/focus_auth_403.xml). UDP and TCP.
. "$(dirname "$0")/../lib.bash" "$@"

mkdir "$TMP/confs"
conf_doc conf1 alice | write_conf "$TMP/confs" conf1
ha1=$(printf '%s' 'alice:example.com:secret' | md5sum | cut -d' ' -f1)
printf '# user:realm:HA1\nalice:example.com:%s\n' "$ha1" >"$TMP/users"

for tp in u1 t1; do
	PORT=$(free_port)
	start_focus "focus-$tp" --conferences "$TMP/confs" \
		--listen "udp:127.0.0.1:$PORT" --listen "tcp:127.0.0.1:$PORT" \
		--min-interval 0 --domain example.com --auth "$TMP/users"
	log="$TMP/focus-$tp.out"
	sipp_uac focus_auth.xml "$tp" conf1 "$PORT" -auth_uri "conf1@127.0.0.1:$PORT"
	sipp_uac focus_auth_403.xml "$tp" conf1 "$PORT" -auth_uri "conf1@127.0.0.1:$PORT"
	wait_line "$log" '^terminated conf=conf1 ' 5 || fail "$tp: no termination"
	[ "$(count_lines "$log" '^reject .*code=401 ')" -eq 2 ] ||
		fail "$tp: expected two challenges"
	grep -Eq '^reject .*code=403 reason="Wrong Credentials"' "$log" ||
		fail "$tp: wrong password not refused"
	[ "$(count_lines "$log" '^subscribe ')" -eq 1 ] ||
		fail "$tp: expected exactly one subscription"
	stop_focus "$FOCUS_PID" || fail "$tp: focus exit status $?"
done

# A malformed credentials file is refused at start-up, with its line
# (bounded: a focus that accepted it would serve until killed).
printf 'alice:example.com:%s\nbob:other.realm:%s\n' "$ha1" "$ha1" >"$TMP/bad"
st=0
timeout 10 "$CONFINFO" focus --conferences "$TMP/confs" --domain example.com \
	--auth "$TMP/bad" --listen "udp:127.0.0.1:$(free_port)" \
	>"$TMP/bad.log" 2>"$TMP/bad.err" || st=$?
[ "$st" -ne 0 ] && [ "$st" -ne 124 ] || fail "a bad credentials file was accepted"
grep -q 'bad:2: realm' "$TMP/bad.err" || fail "the bad line was not named"
echo "PASS"
