# confinfo focus against an independent subscriber built on Sofia-SIP
# (sofia_sub.c): full state, then partial NOTIFYs for three kinds of
# change (a user joins; a user leaves while another's endpoint changes
# status; the subject changes and a user with media joins). The
# subscriber merges them with confinfo_merge(); its final state must be
# the state the focus serves (read from the focus's --state database),
# including the chat room added by --chat-room. Over UDP and TCP; over
# UDP the focus also signs (--smime-cert) for the subscribers that accept
# multipart/signed, which Sofia's does not: it must get the plain body.
. "$(dirname "$0")/../lib.bash" "$@"

need_sofia_sub

doc() { # doc SUBJECT USERS-XML
	cat <<XML
<?xml version="1.0" encoding="UTF-8"?>
<conference-info xmlns="urn:ietf:params:xml:ns:conference-info"
    entity="sip:conf1@example.com" state="full" version="1">
  <conference-description>
    <subject>$1</subject>
  </conference-description>
  <users>
$2
  </users>
</conference-info>
XML
}
user() { # user NAME STATUS [MEDIA-XML]
	cat <<XML
    <user entity="sip:$1@example.com">
      <display-text>$1</display-text>
      <endpoint entity="sip:$1@pc.example.com">
        <status>$2</status>
        ${3:-}
      </endpoint>
    </user>
XML
}

# focus_state NAME > FILE: the state the focus serves, from its database.
focus_state() {
	python3 - "$TMP/state.db" "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
row = db.execute("SELECT state FROM conference WHERE name = ?", (sys.argv[2],)).fetchone()
sys.stdout.write(row[0])
PY
}

# same_json A B: the two documents' JSON views are equal but for the
# version (per subscription on one side, 0 in the store on the other).
same_json() {
	"$CONFINFO" show --json "$1" >"$1.json" || fail "show $1"
	"$CONFINFO" show --json "$2" >"$2.json" || fail "show $2"
	python3 - "$1.json" "$2.json" <<'PY' || fail "states differ: $1 $2"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for d in (a, b):
    d.pop("version", None)
if a != b:
    print(json.dumps(a, indent=1, sort_keys=True))
    print(json.dumps(b, indent=1, sort_keys=True))
    sys.exit(1)
PY
}

. "$(dirname "$0")/../../scripts/pki.bash"
{
	pki_ca "$TMP/ca" "Test CA" &&
		pki_leaf "$TMP/ca" "$TMP/focus" focus.example.com 2 \
			keyUsage=critical,digitalSignature \
			extendedKeyUsage=emailProtection
} || fail "openssl could not make the signing certificate"

mkdir "$TMP/confs"
for tp in udp tcp; do
	signing=()
	[ "$tp" = udp ] && signing=(--smime-cert "$TMP/focus.pem")
	rm -rf "$TMP/state.db"* # the file, -wal, -shm, .peers/
	doc "Weekly" "$(user alice connected)" | write_conf "$TMP/confs" conf1
	PORT=$(free_port)
	start_focus "focus-$tp" --conferences "$TMP/confs" \
		--listen "udp:127.0.0.1:$PORT" --listen "tcp:127.0.0.1:$PORT" \
		--min-interval 0 --state "$TMP/state.db" --domain example.com \
		--chat-room 'xmpp:{name}@conference.{domain}?join' "${signing[@]}"
	SPORT=$(free_port)
	slog="$TMP/sofia-$tp.out"
	bg "sofia-$tp" "$SOFIA_SUB" \
		--target "sip:conf1@127.0.0.1:$PORT;transport=$tp" \
		--bind "sip:127.0.0.1:$SPORT" --out "$TMP/sofia-$tp.xml" \
		--until-version 4 --timeout 30
	SOFIA_PID=$BG_PID

	wait_line "$slog" '^notify version=1 state=full result=applied' 10 ||
		fail "$tp: no full state"
	doc "Weekly" "$(user alice connected)$(user bob connected)" |
		write_conf "$TMP/confs" conf1
	wait_line "$slog" '^notify version=2 state=partial result=applied' 10 ||
		fail "$tp: no partial NOTIFY for the join"
	doc "Weekly" "$(user bob on-hold)" | write_conf "$TMP/confs" conf1
	wait_line "$slog" '^notify version=3 state=partial result=applied' 10 ||
		fail "$tp: no partial NOTIFY for the leave"
	doc "Weekly (moved)" "$(user bob on-hold)$(user carol connected \
		'<media id="1"><type>audio</type><status>sendrecv</status></media>')" |
		write_conf "$TMP/confs" conf1
	wait_line "$slog" '^notify version=4 state=partial result=applied' 10 ||
		fail "$tp: no partial NOTIFY for the subject"

	wait_exit "$SOFIA_PID" 40
	[ "$EXIT_STATUS" -eq 0 ] || fail "$tp: sofia_sub failed"
	grep -q '^terminated' "$slog" || fail "$tp: no final NOTIFY"
	focus_state conf1 >"$TMP/focus-$tp.xml" ||
		fail "$tp: no state of conf1 in the focus's database"
	same_json "$TMP/sofia-$tp.xml" "$TMP/focus-$tp.xml"
	grep -q 'xmpp:conf1@conference.example.com?join' "$TMP/sofia-$tp.xml.json" ||
		fail "$tp: the chat room did not reach the subscriber"
	grep -q '"Weekly (moved)"' "$TMP/sofia-$tp.xml.json" ||
		fail "$tp: the last change did not reach the subscriber"
	stop_focus "$FOCUS_PID" || fail "$tp: focus exit status $?"
done
echo "PASS"
