#!/usr/bin/env bash
# The README's main command: a live conference on loopback.
#
# 1. installs what is missing (scripts/deps.sh) and builds confinfo;
# 2. starts a focus (confinfo focus, one worker process per CPU sharing
#    its port) serving the example conference
#    examples/conference-with-chat.xml, which advertises a chat room, and
#    signing every NOTIFY (S/MIME, RFC 4575 section 8.1) with a throwaway
#    certificate made here;
# 3. starts a watcher (confinfo watch) subscribed to it: it checks each
#    signature against the throwaway CA, and prints the roster and the
#    chat room with its verdicts;
# 4. changes the conference once (Carol joins, Bob is unmuted, Alice hands
#    over the chair): the focus sends a partial NOTIFY and the watcher
#    prints one line per change;
# 5. stops both: the watcher unsubscribes, the focus shuts down;
# 6. part 2, scripts/demo_bridge.sh: a throwaway Prosody, a focus whose
#    chat bridge creates the conference's room, a chair in the room who
#    revokes Bob's voice and kicks Mallory, the watcher printing both and
#    the mixer hook's log showing what it was asked.
# Everything runs on 127.0.0.1 and is cleaned up on exit, even on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/deps.sh
BUILD=${BUILD:-build}
cmake -S . -B "$BUILD" >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target confinfo_tool >/dev/null
CONFINFO=$(cd "$BUILD" && pwd)/confinfo

TMP=$(mktemp -d "${TMPDIR:-/tmp}/confinfo-demo.XXXXXX")
FOCUS_PID=
WATCH_PID=
cleanup() {
	for pid in $WATCH_PID $FOCUS_PID; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT

# wait_for SECONDS CMD...: poll until CMD succeeds.
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		if [ $SECONDS -ge $deadline ]; then
			return 1
		fi
		sleep 0.1
	done
}

# A free UDP+TCP port on 127.0.0.1, from the kernel.
PORT=$(python3 -c 'import socket
for _ in range(50):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", 0))
    p = u.getsockname()[1]
    t = socket.socket()
    try:
        t.bind(("127.0.0.1", p))
    except OSError:
        continue
    print(p)
    break')

mkdir "$TMP/conferences"
cp examples/conference-with-chat.xml "$TMP/conferences/weekly.xml"

# A throwaway CA and the focus's signing certificate (RFC 7106 section 2:
# a watcher that verifies the state cannot be sent into a forged room).
. scripts/pki.bash
pki_ca "$TMP/ca" "Demo CA" &&
	pki_leaf "$TMP/ca" "$TMP/focus" focus.conf.example.com 1 \
		keyUsage=critical,digitalSignature \
		extendedKeyUsage=emailProtection \
		subjectAltName=URI:sip:focus@conf.example.com || {
	cat "$TMP"/*.log >&2
	exit 1
}

echo "== focus: serving sip:weekly@conf.example.com on 127.0.0.1:$PORT, one worker process per CPU (log below)"
"$CONFINFO" focus --conferences "$TMP/conferences" \
	--listen "udp:127.0.0.1:$PORT" --listen "tcp:127.0.0.1:$PORT" \
	--domain conf.example.com --min-interval 1 \
	--smime-cert "$TMP/focus.pem" >"$TMP/focus.log" 2>&1 &
FOCUS_PID=$!
wait_for 10 grep -q '^ready' "$TMP/focus.log" || {
	cat "$TMP/focus.log" >&2
	exit 1
}

echo "== watcher: confinfo watch --proxy sip:127.0.0.1:$PORT --smime-ca CA --require-signed sip:weekly@conf.example.com"
"$CONFINFO" watch --proxy "sip:127.0.0.1:$PORT" --save "$TMP/watched.xml" \
	--smime-ca "$TMP/ca.crt" --require-signed sip:weekly@conf.example.com &
WATCH_PID=$!
wait_for 10 test -s "$TMP/watched.xml" || {
	echo "the watcher received no state" >&2
	exit 1
}

echo
echo "== changing the conference: Carol joins, Bob is unmuted, Alice hands over the chair"
sed -e 's#<status>muted-via-focus</status>#<status>connected</status>#' \
	-e 's#<status>recvonly</status>#<status>sendrecv</status>#' \
	-e 's#<user-count>2</user-count>#<user-count>3</user-count>#' \
	-e 's#<roles><entry>chair</entry></roles>#<roles><entry>participant</entry></roles>#' \
	-e 's#</users>#  <user entity="sip:carol@example.com" state="full">\
   <display-text>Carol</display-text>\
   <roles><entry>chair</entry></roles>\
   <endpoint entity="sip:carol@phone.example.com" state="full">\
    <status>connected</status>\
   </endpoint>\
  </user>\
 </users>#' \
	"$TMP/conferences/weekly.xml" >"$TMP/conferences/.weekly.xml"
# A rename is atomic: the focus never reads a half-written file.
mv "$TMP/conferences/.weekly.xml" "$TMP/conferences/weekly.xml"
wait_for 15 grep -q 'sip:carol@example.com' "$TMP/watched.xml" || {
	echo "the change did not reach the watcher" >&2
	exit 1
}

echo
echo "== stopping the watcher (it unsubscribes) and the focus"
kill -INT "$WATCH_PID"
wait "$WATCH_PID" || true
WATCH_PID=
kill -INT "$FOCUS_PID"
wait "$FOCUS_PID" || true
FOCUS_PID=
echo
echo "== focus log"
cat "$TMP/focus.log"

# Part 2 (issue 12): the conference and its chat room as one, with a
# throwaway Prosody: scripts/demo_bridge.sh says what it does.
echo
echo "== part 2: the conference and its chat room as one"
cmake --build "$BUILD" -j"$(nproc)" --target confinfo-xmpp >/dev/null
bash scripts/demo_bridge.sh "$CONFINFO" "$(cd "$BUILD" && pwd)"

# Part 3 (issue 14): what each subscriber may see, and a participant who
# asked for privacy: scripts/demo_views.sh says what it does.
echo
echo "== part 3: per-subscriber views and participant privacy"
bash scripts/demo_views.sh "$CONFINFO" "$(cd "$BUILD" && pwd)"
