# confinfo focus refusing SUBSCRIBEs (SIPp scenarios sipp/focus_4xx.xml):
# 489 wrong event package, 404 unknown conference, 423 Expires too brief
# (with Min-Expires), 406 unacceptable Accept, 403 not on the allow-list;
# retransmitted SUBSCRIBEs recognised as such (sipp/focus_retrans.xml);
# and 503 with Retry-After over the subscription cap while a Sofia-SIP
# subscriber holds the only place. Each refusal is logged and leaves no
# subscription behind.
. "$(dirname "$0")/sipp/focus_lib.sh"

mkdir "$WORK/confs"
conf_doc conf1 alice | write_conf "$WORK/confs" conf1
PORT=$(free_port)
start_focus focus --conferences "$WORK/confs" \
	--listen "udp:127.0.0.1:$PORT" --listen "tcp:127.0.0.1:$PORT" \
	--min-interval 0 --expires-min 60 --allow sip:alice@example.com
log="$WORK/focus.log"

run_sipp focus_489.xml u1 conf1 "$PORT"
run_sipp focus_404.xml u1 nosuch "$PORT"
run_sipp focus_423.xml u1 conf1 "$PORT"
run_sipp focus_406.xml u1 conf1 "$PORT"
run_sipp focus_403.xml u1 conf1 "$PORT"
run_sipp focus_404.xml t1 nosuch "$PORT"
run_sipp focus_403.xml t1 conf1 "$PORT"

for code in 489 404 423 406 403; do
	grep -Eq "^reject .*code=$code " "$log" || fail "reject $code not logged"
done
[ "$(count_lines "$log" '^reject ')" -eq 7 ] || fail "expected 7 rejections"
grep -q '^subscribe ' "$log" && fail "a refused SUBSCRIBE created a subscription"
grep -q '^notify ' "$log" && fail "a refused SUBSCRIBE got a NOTIFY"
stop_focus "$FOCUS_PID" || fail "focus exit status $?"

# Retransmitted SUBSCRIBEs (the focus answers without libre server
# transactions): one subscription, the same To tag, one NOTIFY each.
PORT=$(free_port)
start_focus focus-retrans --conferences "$WORK/confs" \
	--listen "udp:127.0.0.1:$PORT" --min-interval 0
log="$WORK/focus-retrans.log"
run_sipp focus_retrans.xml u1 conf1 "$PORT"
wait_for "$log" '^terminated ' 5 || fail "retrans: no termination"
[ "$(count_lines "$log" '^subscribe ')" -eq 1 ] || fail "retrans: duplicate subscription"
[ "$(count_lines "$log" '^refresh ')" -eq 1 ] || fail "retrans: refresh processed twice"
[ "$(count_lines "$log" '^notify ')" -eq 2 ] || fail "retrans: expected 2 NOTIFYs before the final one"
stop_focus "$FOCUS_PID" || fail "focus-retrans exit status $?"

# The cap: one subscription per conference.
SOFIA_SUB=$BUILD_DIR/tests/interop/sofia_sub
[ -x "$SOFIA_SUB" ] || fail "sofia_sub not built ($SOFIA_SUB)"
PORT=$(free_port)
start_focus focus-cap --conferences "$WORK/confs" \
	--listen "udp:127.0.0.1:$PORT" --min-interval 0 --max-subs-per-conf 1
log="$WORK/focus-cap.log"
SPORT=$(free_port)
# It waits for a version 2 that never comes: it holds the place.
"$SOFIA_SUB" --target "sip:conf1@127.0.0.1:$PORT" --bind "sip:127.0.0.1:$SPORT" \
	--out "$WORK/sofia.xml" --until-version 2 --timeout 30 \
	>"$WORK/sofia.log" 2>&1 &
PIDS+=("$!")
wait_for "$log" '^notify conf=conf1 .*version=1' 10 || fail "sofia_sub did not subscribe"
run_sipp focus_503.xml u1 conf1 "$PORT"
grep -Eq '^reject conf=conf1 .*code=503 ' "$log" || fail "503 not logged"
stop_focus "$FOCUS_PID" || fail "focus-cap exit status $?"
echo "PASS"
