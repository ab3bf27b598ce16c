# Digest replay (issue 13, defect 2): confinfo focus --auth tracks its
# nonces. A captured Authorization header is refused (403) with another
# Call-ID, another Request-URI, or a nonce count already used; an
# expired nonce gets 401 with stale=true (--nonce-lifetime 1); SHA-256
# (RFC 7616 / RFC 8760) authenticates beside MD5, offered first. The
# attacker is focus_auth_replay.py, a SIP client over UDP on 127.0.0.1.
. "$(dirname "$0")/../lib.bash" "$@"
need_cmd python3 python3

mkdir "$TMP/confs"
conf_doc conf1 alice | write_conf "$TMP/confs" conf1
conf_doc conf2 bob | write_conf "$TMP/confs" conf2
md5() { printf '%s' "$1" | md5sum | cut -d' ' -f1; }
sha() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
{
	echo "# user:realm:HA1[:AOR], one line per algorithm"
	echo "alice:example.com:$(sha alice:example.com:secret)"
	echo "alice:example.com:$(md5 alice:example.com:secret)"
	echo "bob:example.com:$(md5 bob:example.com:bobpw)"
} >"$TMP/users"
client="$(dirname "$0")/focus_auth_replay.py"

PORT=$(free_port)
start_focus focus --conferences "$TMP/confs" --listen "udp:127.0.0.1:$PORT" \
	--min-interval 0 --domain example.com --auth "$TMP/users"
log="$TMP/focus.out"
python3 "$client" "$PORT" replay >"$TMP/replay.out" 2>&1 ||
	fail "replay checks: $(grep -v '^ok' "$TMP/replay.out")"
for why in "Nonce Count Reused" "Digest URI Is Not The Request-URI" \
	"Wrong Credentials" "Not The Subscriber"; do
	has_line "$log" "code=403 reason=\"$why\"" || fail "no 403 \"$why\" logged"
done
[ "$(count_lines "$log" '^subscribe ')" -eq 3 ] ||
	fail "expected three subscriptions (MD5, MD5 nc=3, SHA-256)"
stop_focus "$FOCUS_PID" || fail "focus exit status $?"

PORT=$(free_port)
start_focus short --conferences "$TMP/confs" --listen "udp:127.0.0.1:$PORT" \
	--min-interval 0 --domain example.com --auth "$TMP/users" \
	--nonce-lifetime 1
python3 "$client" "$PORT" stale >"$TMP/stale.out" 2>&1 ||
	fail "stale checks: $(grep -v '^ok' "$TMP/stale.out")"
has_line "$TMP/short.out" 'code=401 reason="Unauthorized \(stale nonce\)"' ||
	fail "the stale nonce was not logged"
stop_focus "$FOCUS_PID" || fail "short focus exit status $?"

# A user with two lines of one algorithm is refused at start-up.
{ cat "$TMP/users"; echo "bob:example.com:$(md5 bob:example.com:other)"; } >"$TMP/dup"
st=0
timeout 10 "$CONFINFO" focus --conferences "$TMP/confs" --domain example.com \
	--auth "$TMP/dup" --listen "udp:127.0.0.1:$(free_port)" \
	>"$TMP/dup.log" 2>"$TMP/dup.err" || st=$?
[ "$st" -ne 0 ] && [ "$st" -ne 124 ] || fail "a duplicate credentials line was accepted"
grep -q "user 'bob' has two lines" "$TMP/dup.err" || fail "the duplicate was not named"
echo "PASS"
