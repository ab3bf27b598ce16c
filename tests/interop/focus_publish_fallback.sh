# A publication never takes down a state it did not create (issue 13,
# defect 6). Conference `shared` is served from its file (carol); a mixer
# publishes over it (alice, last writer wins). When the publication
# expires, and when it is removed (Expires 0), the focus serves the file
# again: the conference is changed back, never removed, and a new
# subscriber gets carol. When the file is deleted while the publication
# owns the state, the publication's end removes the conference.
# One worker (--workers 1): each PUBLISH here comes from a new port, and
# a publication lives in the worker that received it (confinfo(1),
# --workers).
. "$(dirname "$0")/../lib.bash" "$@"

RAW=$TESTS_DIR/interop/sip_raw.py
mkdir "$TMP/confs"
conf_doc shared carol | write_conf "$TMP/confs" shared
PORT=$(free_port)
start_focus focus --conferences "$TMP/confs" --workers 1 \
	--listen "udp:127.0.0.1:$PORT" \
	--min-interval 0 --expires-min 1 --publisher sip:mixer@example.com
log=$TMP/focus.out

# publish EXPIRES [ETAG]: a PUBLISH of shared by the mixer (alice), or,
# with ETAG and EXPIRES 0, the removal of that publication.
publish() {
	local body='' ifmatch=''
	if [ -n "${2:-}" ]; then
		ifmatch="SIP-If-Match: $2"
	else
		body='<conference-info xmlns="urn:ietf:params:xml:ns:conference-info" entity="sip:shared@example.com" state="full" version="1"><users><user entity="sip:alice@example.com"/></users></conference-info>'
	fi
	python3 "$RAW" udp "$PORT" --wait 0.5 >"$TMP/pub.out" <<SIP
PUBLISH sip:shared@127.0.0.1:$PORT SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:{lport};branch=z9hG4bK-{callid}
From: <sip:mixer@example.com>;tag=pub
To: <sip:shared@127.0.0.1>
Call-ID: {callid}
CSeq: 1 PUBLISH
Max-Forwards: 70
Event: conference
Expires: $1
${ifmatch:-X-Nothing: 0}
Content-Type: application/conference-info+xml
Content-Length: auto

$body
SIP
	grep -q '^response 200' "$TMP/pub.out" ||
		fail "PUBLISH (expires $1): $(cat "$TMP/pub.out")"
}

# served USER: a new subscriber (a fetch) gets a full state with USER.
served() {
	rm -f "$TMP/notify.xml"
	python3 "$RAW" udp "$PORT" --wait 1 --save "$TMP/notify.xml" \
		>"$TMP/sub.out" <<SIP
SUBSCRIBE sip:shared@127.0.0.1:$PORT SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:{lport};branch=z9hG4bK-{callid}
From: <sip:bob@example.com>;tag=sub
To: <sip:shared@127.0.0.1>
Call-ID: {callid}
CSeq: 1 SUBSCRIBE
Contact: <sip:bob@127.0.0.1:{lport}>
Max-Forwards: 70
Event: conference
Expires: 0
Content-Length: 0

SIP
	grep -q '^response 200' "$TMP/sub.out" && [ -s "$TMP/notify.xml" ] &&
		grep -q "sip:$1@example.com" "$TMP/notify.xml"
}

changes() { count_lines "$log" '^conference conf=shared what=changed'; }

served carol || fail "the file's state is not served"
# 1. Expiry.
publish 1
wait_line "$log" '^conference conf=shared what=changed' 5 ||
	fail "the publication did not replace the file's state"
served alice || fail "the published state is not served"
wait_line "$log" '^publish conf=shared .*reason="expired"' 5 ||
	fail "the publication did not expire"
wait_for 5 test "$(changes)" -ge 2 ||
	fail "the file's state was not served again after the expiry"
lacks_line "$log" '^conference conf=shared what=removed' ||
	fail "the expired publication removed the file's conference"
served carol || fail "after the expiry, the file's state is not served"

# 2. Removal.
publish 600
wait_for 5 test "$(changes)" -ge 3 || fail "the second publication was not served"
tag=$(grep -E '^publish conf=shared .*code=200' "$log" | tail -n 1 |
	sed -E 's/.* etag=([0-9a-f]+) .*/\1/')
publish 0 "$tag"
wait_for 5 test "$(changes)" -ge 4 ||
	fail "the file's state was not served again after the removal"
lacks_line "$log" '^conference conf=shared what=removed' ||
	fail "the removed publication removed the file's conference"
served carol || fail "after the removal, the file's state is not served"

# 3. The file goes while the publication owns the state: nothing to fall
# back to, the publication's end removes the conference.
publish 1
wait_for 5 test "$(changes)" -ge 5 || fail "the third publication was not served"
rm "$TMP/confs/shared.xml"
wait_line "$log" '^conference conf=shared what=removed' 5 ||
	fail "the publication whose file is gone did not end the conference"
stop_focus "$FOCUS_PID" || fail "focus exit status $?"
echo "PASS"
