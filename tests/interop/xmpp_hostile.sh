# confinfo-xmpp (issue 12) and hostile input. From the room: a nick with
# bidi and C1 control characters and a 10 KB kick reason full of them come
# out as valid UTF-8, the reason cut to at most 1,024 bytes on a character
# boundary (cleaning them for display is the bridge's job, so they pass
# through otherwise). From its stdin: a line over 65,536 bytes, a line
# that is not JSON, a command without an id each give an `error` event
# naming the line, and the commands after them still work.
. "$(dirname "$0")/../lib.bash" "$@"
. "$(dirname "$0")/prosody.bash"

ROOM=r4@conference.localhost
start_child_in_room "$ROOM" '{}' '["alice@localhost"]'
start_actor alice alice r4 Alice

# A nick cannot carry control or bidi characters: resourceprep (RFC 6122)
# forbids them, in the server and in the client library alike. It can be
# long: 1,000 bytes of two-byte characters, near the 1,023-byte limit of
# a JID resource.
WIDE=$(printf '\\xc3\\xa4%.0s' $(seq 500))
start_actor mallory mallory r4 "$WIDE"
NICK=$(printf '\u00e4%.0s' $(seq 500))
ev_wait x 'e["ev"] == "presence" and e["nick"] == "'"$NICK"'" and e["available"]'
# The reason can: U+202E RIGHT-TO-LEFT OVERRIDE, U+0085 NEXT LINE (C1),
# DEL, all valid in XML 1.0, so the server passes them on; 1,700 times
# 6 bytes: 10,200 bytes.
EVIL='\xe2\x80\xae\xc2\x85\x7f'
REASON=$(printf "r${EVIL}%.0s" $(seq 1700))
actor alice kick "$WIDE" "$REASON"
ev_wait x 'e["ev"] == "presence" and not e["available"] and 307 in e["status"]'

/usr/bin/python3 - "$TMP/x.out" <<'PY' || fail "a string is not bounded or not valid UTF-8"
import json, sys
raw = open(sys.argv[1], "rb").read()
raw.decode("ascii")  # strict: events are ASCII (\\u escapes)
unit = "r\u202e\u0085\x7f"
for line in raw.splitlines():
    e = json.loads(line)
    for k in ("nick", "jid", "actor", "reason", "new_nick"):
        v = e.get(k)
        if isinstance(v, str):
            assert len(v.encode()) <= 1024, (k, len(v.encode()))
    if e["ev"] == "presence" and 307 in e["status"]:
        r = e["reason"]
        # Cut, on a boundary, to a prefix of what was sent, near the limit.
        assert 1018 <= len(r.encode()) <= 1024, len(r.encode())
        assert (unit * 1700).startswith(r), r[:40]
        found = True
assert found
PY

# Bad lines on stdin: each named by its number, then life goes on.
LONG=$(head -c 70000 /dev/zero | tr '\0' a)
xmppc x "{\"op\":\"leave\",\"id\":50,\"room\":\"$LONG\"}" # line 2
xmppc x 'this is not json'                              # line 3
xmppc x '{"op":"leave","room":"'$ROOM'"}'               # line 4
xmppc x '[1,2,3]'                                       # line 5
ev_wait x 'e["ev"] == "error" and not e["fatal"] and e["error"].startswith("line 2: longer than 65536 bytes")'
ev_wait x 'e["ev"] == "error" and e["error"].startswith("line 3: not JSON")'
ev_wait x 'e["ev"] == "error" and e["error"].startswith("line 4: ")'
ev_wait x 'e["ev"] == "error" and e["error"].startswith("line 5: ")'
json_lacks "$TMP/x.out" 'e["ev"] == "result" and e["id"] == 50' ||
	fail "the over-long line was executed"
# Oversized fields of a valid command: refused, not truncated.
BIG=$(head -c 5000 /dev/zero | tr '\0' b)
xmppc x '{"op":"role","id":6,"room":"'$ROOM'","nick":"'$BIG'","role":"visitor"}'
ev_wait x 'e["ev"] == "result" and e["id"] == 6 and e["error"] == "bad-request"'
xmppc x '{"op":"role","id":7,"room":"'$ROOM'","nick":"Alice","role":"visitor"}'
ev_wait x 'e["ev"] == "result" and e["id"] == 7 and e["ok"]'
xmppc x '{"op":"quit","id":8}'
wait_exit "$XMPPC_PID" 10
[ "$EXIT_STATUS" -eq 0 ] || fail "exit status $EXIT_STATUS after quit"

# The end of stdin (the bridge died) is a quit: the child leaves its rooms
# and exits 0, instead of staying in them with nobody to answer to.
{
	printf '%s\n' '{"op":"join","id":1,"room":"'$ROOM'","nick":"focus2"}'
	sleep 4
} | "$XMPPC" "${ARGS[@]}" >"$TMP/y.out" 2>"$TMP/y.err" &
YPID=$!
PIDS+=("$YPID")
ev_wait y 'e["ev"] == "result" and e["id"] == 1 and e["ok"]'
ev_wait alice 'e["ev"] == "presence" and e["nick"] == "focus2" and e["available"]'
wait_exit "$YPID" 15
[ "$EXIT_STATUS" -eq 0 ] || fail "exit status $EXIT_STATUS at the end of stdin"
ev_wait alice 'e["ev"] == "presence" and e["nick"] == "focus2" and not e["available"]'
