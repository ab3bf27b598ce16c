# confinfo focus --auth binds authorization to the authenticated identity
# (issue 13, defect 1), not to the From header: bob, with his own
# password, is refused (403) when his From names the mixer (PUBLISH) or
# alice, who is on --allow (SUBSCRIBE); carol, whose credentials line
# maps her to the AOR sip:mixer@example.com, may publish as the mixer.
# MD5 only: SIPp 3.6 gives up on a SHA-256 challenge (focus_auth_replay.sh
# tests SHA-256).
# Without --auth, --allow and --publisher are only hints: one warning
# line at start-up.
. "$(dirname "$0")/../lib.bash" "$@"

mkdir "$TMP/confs"
conf_doc conf1 alice | write_conf "$TMP/confs" conf1
md5() { printf '%s' "$1" | md5sum | cut -d' ' -f1; }
{
	echo "alice:example.com:$(md5 alice:example.com:secret)"
	echo "bob:example.com:$(md5 bob:example.com:bobpw)"
	echo "carol:example.com:$(md5 carol:example.com:carolpw):sip:mixer@example.com"
} >"$TMP/users"

PORT=$(free_port)
start_focus focus --conferences "$TMP/confs" --listen "udp:127.0.0.1:$PORT" \
	--min-interval 0 --domain example.com --auth "$TMP/users" \
	--allow sip:alice@example.com --publisher sip:mixer@example.com
log="$TMP/focus.out"
au() { echo -auth_uri "$1@127.0.0.1:$PORT" -au "$2" -ap "$3"; }

# alice herself subscribes.
# shellcheck disable=SC2046
sipp_uac focus_auth.xml u1 conf1 "$PORT" $(au conf1 alice secret)
[ "$(count_lines "$log" '^subscribe ')" -eq 1 ] || fail "alice did not subscribe"

# bob with alice's From: 403, though alice is on --allow.
# shellcheck disable=SC2046
sipp_uac focus_auth_as.xml u1 conf1 "$PORT" -key from alice $(au conf1 bob bobpw)
has_line "$log" '^reject .*peer="sip:alice@example.com" .*code=403 reason="From Is Not The Authenticated User"' ||
	fail "bob subscribed with alice's From"
# bob as bob: authenticated, but not on --allow.
# shellcheck disable=SC2046
sipp_uac focus_auth_as.xml u1 conf1 "$PORT" -key from bob $(au conf1 bob bobpw)
has_line "$log" '^reject .*peer="sip:bob@example.com" .*code=403 reason="Forbidden"' ||
	fail "bob was not refused by --allow"

# bob publishing with the mixer's From: 403, nothing published.
# shellcheck disable=SC2046
sipp_uac focus_auth_publish_as.xml u1 pubconf "$PORT" -key from mixer $(au pubconf bob bobpw)
has_line "$log" 'code=403 reason="From Is Not The Authenticated User"' ||
	fail "bob's PUBLISH as the mixer was not refused"
lacks_line "$log" '^publish conf=pubconf .*code=200' ||
	fail "bob published as the mixer"
# carol authenticates as sip:mixer@example.com (4th field): accepted.
# shellcheck disable=SC2046
sipp_uac focus_auth_publish_as.xml u1 pubconf "$PORT" -key from mixer $(au pubconf carol carolpw)
has_line "$log" '^publish conf=pubconf .*code=200' ||
	fail "carol (AOR sip:mixer@example.com) could not publish"
# carol with her own name as From: not her identity.
# shellcheck disable=SC2046
sipp_uac focus_auth_publish_as.xml u1 pubconf "$PORT" -key from carol $(au pubconf carol carolpw)
[ "$(count_lines "$log" '^publish conf=pubconf .*code=200')" -eq 1 ] ||
	fail "carol published with a From that is not her identity"
stop_focus "$FOCUS_PID" || fail "focus exit status $?"

# Without --auth: the lists are hints, and the focus says so (one line).
PORT=$(free_port)
start_focus plain --conferences "$TMP/confs" --listen "udp:127.0.0.1:$PORT" \
	--allow sip:alice@example.com
[ "$(grep -c 'without --auth, --allow and --publisher' "$TMP/plain.err")" -eq 1 ] ||
	fail "no warning that --allow is a hint without --auth"
stop_focus "$FOCUS_PID" || fail "plain focus exit status $?"
echo "PASS"
