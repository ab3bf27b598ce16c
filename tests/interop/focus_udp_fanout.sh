# confinfo focus over UDP (issue 16): one change fanned out to 2,000
# subscribers of one SIPp reaches every one of them with version 2 (SIPp
# fails a call on a lost or repeated version), through a window of 64
# NOTIFYs in flight per destination, while 100 subscribers at a dead
# address (a SIPp stopped with SIGSTOP after subscribing) hold only
# their own places: the live ones do not wait for the dead ones' 32 s
# transaction timeouts. Then SIGTERM with 2,100 subscriptions held ends
# the focus within its 5 s grace although the final NOTIFYs go
# unanswered. The udp: listener reports its socket buffers, and the
# counters at exit show the focus's own transactions at work.
# One worker (--workers 1): the dead and the live subscribers share one
# window, which is what is tested.
. "$(dirname "$0")/../lib.bash" "$@"

need_cmd sipp sip-tester
mkdir "$TMP/confs"
conf_doc conf1 alice | write_conf "$TMP/confs" conf1
cp "$SIPP_DIR/focus_udp_fanout.xml" "$TMP/"
PORT=$(free_port)
start_focus focus --conferences "$TMP/confs" --quiet --workers 1 \
	--listen "udp:127.0.0.1:$PORT" --min-interval 0 --udp-window 64
log=$TMP/focus.out
has_line "$log" "^sockbuf listen=udp:127.0.0.1:$PORT want=1048576 rcvbuf=[0-9]+ sndbuf=[0-9]+ forced=(yes|no) capped=(yes|no)" ||
	fail "no sockbuf line for the udp: listener"

# fanout_sipp NAME CALLS: SIPp subscribers of conf1, in the background.
fanout_sipp() {
	bg "$1" sipp -sf "$TMP/focus_udp_fanout.xml" -t u1 -m "$2" -r 1000 \
		-l "$2" -i 127.0.0.1 -p "$(free_port)" -s conf1 -nostdin \
		-max_recv_loops 10000 -buff_size 1048576 -timeout 120s \
		-timeout_error -trace_err -error_file "$TMP/$1.errors" \
		"127.0.0.1:$PORT"
}

subscribed() { [ "$(count_lines "$log" '^subscribe ')" -ge "$1" ]; }

fanout_sipp dead 100
DEAD_PID=$BG_PID
wait_for 20 subscribed 100 || fail "the 100 dead-to-be did not subscribe"
sleep 1 # their full NOTIFYs answered
kill -STOP "$DEAD_PID"

fanout_sipp live 2000
LIVE_PID=$BG_PID
wait_for 60 subscribed 2100 || fail "the 2,000 live subscribers did not subscribe"
sleep 2 # the last full NOTIFYs answered
t0=$(now_us)
conf_doc conf1 alice bob | write_conf "$TMP/confs" conf1
wait_exit "$LIVE_PID" 60
t1=$(now_us)
ms=$(((t1 - t0) / 1000))
echo "2,000 live subscribers got version 2 in $ms ms (100 dead ones holding places)"
[ "$EXIT_STATUS" -eq 0 ] || fail "live SIPp failed (status $EXIT_STATUS): a version lost or repeated"
# The dead ones' transactions last 32 s; the live ones must not wait
# for them (a generous bound for a loaded machine).
[ "$ms" -lt 15000 ] || fail "the live subscribers waited ${ms} ms: held back by the dead ones"

t0=$(now_us)
stop_focus "$FOCUS_PID" || fail "focus exit status $?"
t1=$(now_us)
ms=$(((t1 - t0) / 1000))
echo "focus exited $ms ms after SIGTERM with 2,100 subscriptions"
has_line "$log" '^shutdown signal=15 subscriptions=2100$' ||
	fail "shutdown line with 2,100 subscriptions missing"
[ "$ms" -lt 8000 ] || fail "shutdown took $ms ms"
# The counters at exit: the NOTIFYs went on the focus's own UDP
# transactions (2,100 full ones, 2,000 partial ones to the live and 64
# to the dead, the first final ones), the dead subscribers' were
# retransmitted, and the window made NOTIFYs wait.
line=$(grep '^udp ' "$log") || fail "no udp counters at exit"
echo "$line"
sent=$(echo "$line" | sed -E 's/.* sent=([0-9]+).*/\1/')
retrans=$(echo "$line" | sed -E 's/.* retransmitted=([0-9]+).*/\1/')
waited=$(echo "$line" | sed -E 's/.* waited=([0-9]+).*/\1/')
[ "$sent" -ge 4164 ] || fail "only $sent NOTIFYs on the focus's UDP transactions"
[ "$retrans" -ge 100 ] || fail "the dead subscribers' NOTIFYs were not retransmitted ($retrans)"
[ "$waited" -ge 1 ] || fail "the window never made a NOTIFY wait"
kill -CONT "$DEAD_PID" 2>/dev/null || true
echo "PASS"
