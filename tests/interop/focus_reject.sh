# confinfo focus refusing SUBSCRIBEs (SIPp scenarios sipp/focus_4xx.xml):
# 489 wrong event package, 404 unknown conference, 423 Expires too brief
# (with Min-Expires), 406 unacceptable Accept, 403 not on the allow-list;
# retransmitted SUBSCRIBEs recognised as such (sipp/focus_retrans.xml);
# and 503 with Retry-After over the subscription cap while a Sofia-SIP
# subscriber holds the only place. Each refusal is logged and leaves no
# subscription behind.
. "$(dirname "$0")/../lib.bash" "$@"

mkdir "$TMP/confs"
conf_doc conf1 alice | write_conf "$TMP/confs" conf1
PORT=$(free_port)
start_focus focus --conferences "$TMP/confs" \
	--listen "udp:127.0.0.1:$PORT" --listen "tcp:127.0.0.1:$PORT" \
	--min-interval 0 --expires-min 60 --allow sip:alice@example.com
log="$TMP/focus.out"

sipp_uac focus_489.xml u1 conf1 "$PORT"
sipp_uac focus_404.xml u1 nosuch "$PORT"
sipp_uac focus_423.xml u1 conf1 "$PORT"
sipp_uac focus_406.xml u1 conf1 "$PORT"
sipp_uac focus_403.xml u1 conf1 "$PORT"
sipp_uac focus_404.xml t1 nosuch "$PORT"
sipp_uac focus_403.xml t1 conf1 "$PORT"

for code in 489 404 423 406 403; do
	grep -Eq "^reject .*code=$code " "$log" || fail "reject $code not logged"
done
[ "$(count_lines "$log" '^reject ')" -eq 7 ] || fail "expected 7 rejections"
lacks_line "$log" '^subscribe ' || fail "a refused SUBSCRIBE created a subscription"
lacks_line "$log" '^notify ' || fail "a refused SUBSCRIBE got a NOTIFY"
stop_focus "$FOCUS_PID" || fail "focus exit status $?"

# Retransmitted SUBSCRIBEs (the focus answers without libre server
# transactions): one subscription, the same To tag, one NOTIFY each.
PORT=$(free_port)
start_focus focus-retrans --conferences "$TMP/confs" \
	--listen "udp:127.0.0.1:$PORT" --min-interval 0
log="$TMP/focus-retrans.out"
sipp_uac focus_retrans.xml u1 conf1 "$PORT"
wait_line "$log" '^terminated ' 5 || fail "retrans: no termination"
[ "$(count_lines "$log" '^subscribe ')" -eq 1 ] || fail "retrans: duplicate subscription"
[ "$(count_lines "$log" '^refresh ')" -eq 1 ] || fail "retrans: refresh processed twice"
[ "$(count_lines "$log" '^notify ')" -eq 2 ] || fail "retrans: expected 2 NOTIFYs before the final one"
stop_focus "$FOCUS_PID" || fail "focus-retrans exit status $?"

# The cap: one subscription per conference, in one worker (--workers 1:
# the caps count per worker, confinfo(1), and the two subscribers come
# from two ports).
need_sofia_sub
PORT=$(free_port)
start_focus focus-cap --conferences "$TMP/confs" --workers 1 \
	--listen "udp:127.0.0.1:$PORT" --min-interval 0 --max-subs-per-conf 1
log="$TMP/focus-cap.out"
SPORT=$(free_port)
# It waits for a version 2 that never comes: it holds the place.
bg sofia "$SOFIA_SUB" --target "sip:conf1@127.0.0.1:$PORT" \
	--bind "sip:127.0.0.1:$SPORT" --out "$TMP/sofia.xml" \
	--until-version 2 --timeout 30
wait_line "$log" '^notify conf=conf1 .*version=1' 10 || fail "sofia_sub did not subscribe"
sipp_uac focus_503.xml u1 conf1 "$PORT"
grep -Eq '^reject conf=conf1 .*code=503 ' "$log" || fail "503 not logged"
stop_focus "$FOCUS_PID" || fail "focus-cap exit status $?"
echo "PASS"
