# confinfo focus fed by SIP PUBLISH (RFC 3903) from a mixer (SIPp):
# refusals (403 not a publisher, 489, 400, 415, 400 with the decoder's
# position), initial publication with an entity tag, a Sofia-SIP
# subscriber getting full state then the partial NOTIFY of a modification
# and merging it to the published document, a stale tag (412), a refresh,
# a removal (the conference goes), and a publication that expires.
# One worker (--workers 1): each SIPp run here sends from a new port, and
# a publication lives in the worker that received it (confinfo(1),
# --workers).
. "$(dirname "$0")/../lib.bash" "$@"

need_sofia_sub

mkdir "$TMP/confs"
PORT=$(free_port)
start_focus focus --conferences "$TMP/confs" --workers 1 \
	--listen "udp:127.0.0.1:$PORT" --listen "tcp:127.0.0.1:$PORT" \
	--min-interval 0 --expires-min 1 --publisher sip:mixer@example.com
log="$TMP/focus.out"

# etag_file CONF: the entity tag of the last accepted PUBLISH for CONF, as
# an SIPp injection file.
etag_file() {
	local tag
	tag=$(grep -E "^publish conf=$1 .*code=200" "$log" | tail -n 1 |
		sed -E 's/.* etag=([0-9a-f]+) .*/\1/') || true
	[ -n "$tag" ] || fail "no entity tag for $1"
	printf 'SEQUENTIAL\n%s;\n' "$tag" >"$TMP/etag.csv"
}

sipp_uac focus_publish_initial.xml u1 pubconf "$PORT" -key expires 600
for code in 403 489 400 415; do
	grep -Eq "^publish .*code=$code " "$log" || fail "PUBLISH $code not logged"
done
grep -Eq '^publish conf=pubconf .*code=400 reason="[0-9]+:[0-9]+: ' "$log" ||
	fail "the undecodable PUBLISH was not reported with its position"
grep -Eq '^publish conf=pubconf .*etag=[0-9a-f]{16} code=200 reason="initial"' "$log" ||
	fail "initial PUBLISH not logged"
grep -q '^conference conf=pubconf what=added' "$log" || fail "pubconf not served"

SPORT=$(free_port)
slog="$TMP/sofia.out"
bg sofia "$SOFIA_SUB" --target "sip:pubconf@127.0.0.1:$PORT" \
	--bind "sip:127.0.0.1:$SPORT" --out "$TMP/sofia.xml" \
	--until-version 2 --timeout 30
SOFIA_PID=$BG_PID
wait_line "$slog" '^notify version=1 state=full result=applied' 10 ||
	fail "no full state from the published conference"

etag_file pubconf
sipp_uac focus_publish_modify.xml u1 pubconf "$PORT" -key expires 600 \
	-inf "$TMP/etag.csv"
wait_exit "$SOFIA_PID" 40
[ "$EXIT_STATUS" -eq 0 ] || fail "sofia_sub failed"
grep -q '^notify version=2 state=partial result=applied' "$slog" ||
	fail "no partial NOTIFY for the modification"
grep -q 'entity="sip:bob@example.com"' "$TMP/sofia.xml" ||
	fail "the modification did not reach the subscriber"
grep -Eq '^publish conf=pubconf .*code=412 ' "$log" || fail "412 not logged"
grep -Eq '^publish conf=pubconf .*code=200 reason="refresh"' "$log" ||
	fail "refresh not logged"

etag_file pubconf
sipp_uac focus_publish_remove.xml u1 pubconf "$PORT" -key expires 0 \
	-inf "$TMP/etag.csv"
wait_line "$log" '^conference conf=pubconf what=removed' 5 ||
	fail "removal did not remove the conference"

# A publication that is not refreshed expires and takes its state along.
sipp_uac focus_publish_initial.xml u1 pubexp "$PORT" -key expires 1
wait_line "$log" '^publish conf=pubexp .*reason="expired"' 5 ||
	fail "the publication did not expire"
wait_line "$log" '^conference conf=pubexp what=removed' 5 ||
	fail "the expired publication's conference is still served"

stop_focus "$FOCUS_PID" || fail "focus exit status $?"
echo "PASS"
