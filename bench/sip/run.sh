#!/usr/bin/env bash
# SIPp-driven benchmarks of `confinfo focus` (see README.md):
#   1. subscription set-up rate (SUBSCRIBE, 200, NOTIFY, 200) over UDP
#      and TCP, and the focus's memory per idle subscription;
#      the same set-up rate, in the same run and with the same SIPp
#      scenario and parameters, of the baseline: confinfo-plain-notifier
#      (plain_notifier.c, libre's own sipevent API), and the ratio;
#   2. fan-out: time from one change to its acknowledged delivery to
#      every one of 1,000 and 10,000 TCP, then UDP subscribers, no
#      version lost (FANOUT_TP="t1" or "u1": one transport only).
#
# usage: bash bench/sip/run.sh /path/to/confinfo [SETUP_CALLS] [FANOUT...]
#        defaults: 20000 set-ups per transport; fan-out to 1000 10000;
#        FANOUT "none" skips the fan-out, SETUP_CALLS 0 the set-ups.
# The baseline is looked for as bench/sip/confinfo-plain-notifier in the
# build directory holding confinfo (override: PLAIN_NOTIFIER=/path); when
# absent (or PLAIN_NOTIFIER=none), the baseline lines are skipped. The
# baseline slows down with the subscriptions it holds: above ~10000
# SETUP_CALLS its timed batch outlasts SIPp's 300 s call timeout.
# WORKERS: the focus's --workers values, measured in turn (default 1,
# passed explicitly: one SIPp socket reaches one worker anyway, and the
# heap figure needs one process; kamailio.sh spreads the load over
# ports). With more than one, CPU and RSS are those of the process tree
# and the heap line is skipped.
# Use a Release (or RelWithDebInfo) build. Prints one line per figure.
set -u

CONFINFO=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
PLAIN=${PLAIN_NOTIFIER:-$(dirname "$CONFINFO")/bench/sip/confinfo-plain-notifier}
SETUP_CALLS=${2:-20000}
shift 2 2>/dev/null || shift $#
FANOUT=("$@")
[ ${#FANOUT[@]} -gt 0 ] || FANOUT=(1000 10000)
[ "${FANOUT[0]}" = none ] && FANOUT=()
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/confinfo-bench.XXXXXX")
FOCUS_PID=
SIPP_PID=
WORKERS=${WORKERS:-1}
W=1

cleanup() {
	for pid in $SIPP_PID $FOCUS_PID; do
		kill "$pid" 2>/dev/null
	done
	wait 2>/dev/null
	[ "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
. "$HERE/lib.bash"

ulimit -n 65536 2>/dev/null || true

# Heap bytes in use in process $1 (malloc_stats() called through gdb,
# printed on the focus's stderr $2), or nothing without gdb. Exact where
# RSS is not: malloc keeps freed transaction memory and reuses it.
heap_bytes() {
	command -v gdb >/dev/null || return 0
	local before
	before=$(grep -c 'in use bytes' "$2")
	gdb -p "$1" -batch -ex 'call (void)malloc_stats()' >/dev/null 2>&1
	for _ in $(seq 20); do
		[ "$(grep -c 'in use bytes' "$2")" -gt "$before" ] && break
		sleep 0.05
	done
	# The last "in use bytes" line is the total including mmap.
	grep 'in use bytes' "$2" | tail -n 1 | awk '{ print $NF }'
}

conf_doc() { # conf_doc USERS...
	printf '<conference-info xmlns="urn:ietf:params:xml:ns:conference-info" entity="sip:bench@example.com" state="full" version="1">\n<conference-description><subject>bench</subject></conference-description>\n<users>\n'
	for u in "$@"; do
		printf '<user entity="sip:%s@example.com"><display-text>%s</display-text><endpoint entity="sip:%s@pc.example.com"><status>connected</status></endpoint></user>\n' "$u" "$u" "$u"
	done
	printf '</users>\n</conference-info>\n'
}

write_conf() { cat >"$WORK/confs/.bench.tmp" && mv "$WORK/confs/.bench.tmp" "$WORK/confs/bench.xml"; }

start_focus() { # NAME
	PORT=$(free_port)
	"$CONFINFO" focus --conferences "$WORK/confs" --quiet \
		--listen "udp:127.0.0.1:$PORT" --listen "tcp:127.0.0.1:$PORT" \
		--min-interval 0 --max-subs 1000000 --max-subs-per-conf 1000000 \
		--workers "$W" >"$WORK/$1.log" 2>"$WORK/$1.err" &
	FOCUS_PID=$!
	wait_line "$WORK/$1.log" '^ready$' 10 || die "focus did not start"
}

# The baseline, serving the document the focus serves (conf_doc) as a
# fixed full body; it takes FOCUS_PID's place for stop_focus.
start_plain() { # NAME
	PORT=$(free_port)
	cp "$WORK/confs/bench.xml" "$WORK/plain-body.xml"
	"$PLAIN" "127.0.0.1:$PORT" "$WORK/plain-body.xml" \
		>"$WORK/$1.log" 2>"$WORK/$1.err" &
	FOCUS_PID=$!
	wait_line "$WORK/$1.log" '^ready$' 10 || die "plain notifier did not start"
}

stop_focus() {
	# The final NOTIFYs go to a SIPp that is gone: give up on them
	# (SIGKILL after 0.5 s; the workers die with their parent).
	focus_stop "$FOCUS_PID" 0.5
	FOCUS_PID=
}

sipp_run() { # SCENARIO TRANSPORT CALLS RATE LIMIT OUT
	sipp -sf "$HERE/$1" -t "$2" -m "$3" -r "$4" -l "$5" -i 127.0.0.1 \
		-p "$(free_port)" -s bench -nostdin -max_recv_loops 10000 \
		-max_sched_loops 10000 -buff_size 4194304 -timeout 300s -timeout_error \
		-trace_err -error_file "$WORK/$6.err" \
		"127.0.0.1:$PORT" >"$WORK/$6.out" 2>&1
}

mkdir "$WORK/confs"
conf_doc alice bob carol | write_conf

echo "# confinfo focus benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores"
echo "# $("$CONFINFO" --version), $(sipp -v 2>&1 | grep -o 'SIPp v[^ -]*' | head -n 1)"

# 1. Set-up rate and memory per idle subscription. Two batches of
# SETUP_CALLS subscriptions: the rate is that of the second batch (the
# server already holds SETUP_CALLS subscriptions), the memory the growth
# of the focus's RSS over the second batch once its transactions are gone
# (libre keeps a completed NOTIFY transaction 5 s), so memory the first
# batch's transactions returned to malloc does not count as idle memory.
# SIPp keeps few calls in flight (-l): over UDP more only makes SIPp, the
# bottleneck on 2 cores, retransmit.
#
# setup_batches KIND TP LIMIT: start KIND (focus or plain), run both
# batches, set RATE, SECS, FAILED, CPU_US (the server's CPU per
# subscription over the second batch) and, for the focus, the memory
# figures; the server is left running (stop_focus).
setup_batches() {
	local kind=$1 tp=$2 limit=$3 pre t0 t1 cpu0 cpu1
	pre=$([ "$kind" = plain ] && echo plain-setup || echo setup)
	if [ "$kind" = plain ]; then
		start_plain "$pre-$tp"
	else
		start_focus "$pre-$tp"
	fi
	sipp_run bench_setup.xml "$tp" "$SETUP_CALLS" 20000 "$limit" "${pre}1-$tp" ||
		echo "# warning: sipp reported failures (see $WORK/${pre}1-$tp.out)"
	sleep 6
	rss0=$(tree_rss_kb "$FOCUS_PID")
	heap0=
	[ "$kind" = plain ] || [ "$W" != 1 ] || heap0=$(heap_bytes "$FOCUS_PID" "$WORK/$pre-$tp.err")
	cpu0=$(tree_ticks "$FOCUS_PID")
	t0=$(date +%s.%N)
	sipp_run bench_setup.xml "$tp" "$SETUP_CALLS" 20000 "$limit" "$pre-$tp" ||
		echo "# warning: sipp reported failures (see $WORK/$pre-$tp.out)"
	t1=$(date +%s.%N)
	cpu1=$(tree_ticks "$FOCUS_PID")
	FAILED=$(failed_calls "$WORK/$pre-$tp.out")
	SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	RATE=$(awk -v n="$SETUP_CALLS" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')
	CPU_US=$(awk -v c="$((cpu1 - cpu0))" -v hz="$(getconf CLK_TCK)" -v n="$SETUP_CALLS" \
		'BEGIN { printf "%.0f", c / hz * 1e6 / n }')
	[ "$kind" = plain ] && return 0
	sleep 6
	rss1=$(tree_rss_kb "$FOCUS_PID")
	heap1=
	[ "$W" != 1 ] || heap1=$(heap_bytes "$FOCUS_PID" "$WORK/$pre-$tp.err")
	subs=$(grep -c '^subscribe ' "$WORK/$pre-$tp.log")
}

if [ "$PLAIN" = none ]; then
	PLAIN=
elif [ ! -x "$PLAIN" ]; then
	echo "# warning: no baseline ($PLAIN not built: needs libre); plain_* lines skipped"
	PLAIN=
elif [ "$SETUP_CALLS" -gt 10000 ]; then
	echo "# warning: the baseline may not finish with SETUP_CALLS above 10000 (PLAIN_NOTIFIER=none skips it)"
fi
# SETUP_CALLS 0 skips the set-up part (fan-out only).
SETUP_TPS="u1 t1"
[ "$SETUP_CALLS" = 0 ] && SETUP_TPS=
# The whole, once per --workers value (the baseline with the first only).
FIRST_W=${WORKERS%% *}
for W in $WORKERS; do
[ "$W" = "$FIRST_W" ] || PLAIN=
for tp in $SETUP_TPS; do
	name=$([ "$tp" = u1 ] && echo UDP || echo TCP)
	limit=$([ "$tp" = u1 ] && echo 50 || echo 200)
	# The baseline right before the focus, same scenario and parameters.
	plain_rate=
	if [ -n "$PLAIN" ]; then
		setup_batches plain "$tp" "$limit"
		stop_focus
		plain_rate=$RATE
		echo "plain_setup_rate_$name $RATE subscriptions/s ($SETUP_CALLS calls in $SECS s, ${FAILED:-?} failed; plain sipevent notifier CPU $CPU_US us/subscription)"
	fi
	setup_batches focus "$tp" "$limit"
	ratio=
	[ -n "$plain_rate" ] && [ "$plain_rate" -gt 0 ] &&
		ratio=$(awk -v f="$RATE" -v p="$plain_rate" \
			'BEGIN { printf " (%.1fx the plain sipevent notifier'"'"'s %d/s)", f / p, p }')
	echo "setup_rate_$name $RATE subscriptions/s ($SETUP_CALLS calls in $SECS s, ${FAILED:-?} failed; focus CPU $CPU_US us/subscription, workers $W)$ratio"
	if [ -n "$heap0" ] && [ -n "$heap1" ]; then
		awk -v h0="$heap0" -v h1="$heap1" -v n="$SETUP_CALLS" -v tp="$name" -v s="$subs" \
			'BEGIN { printf "idle_memory_%s %.0f bytes/subscription (heap in use %d -> %d bytes over %d subscriptions; %d held)\n", tp, (h1 - h0) / n, h0, h1, n, s }'
	fi
	awk -v r0="$rss0" -v r1="$rss1" -v n="$SETUP_CALLS" -v tp="$name" -v s="$subs" -v w="$W" \
		'BEGIN { printf "idle_rss_%s %.0f bytes/subscription (RSS %d -> %d kB over %d subscriptions; %d held; workers %d)\n", tp, (r1 - r0) * 1024 / n, r0, r1, n, s, w }'
	stop_focus
done

# Retransmissions SIPp saw: the Retrans column of its final screen,
# summed over the NOTIFYs it received (each one a NOTIFY the focus sent
# again, its 200 lost or late).

# 2. Fan-out of one change to N subscribers, over TCP, then over UDP
# (FANOUT_TP="t1 u1" by default).
for tp in ${FANOUT_TP:-t1 u1}; do
name=$([ "$tp" = u1 ] && echo udp || echo tcp)
for n in ${FANOUT[@]+"${FANOUT[@]}"}; do
	conf_doc alice bob carol | write_conf
	start_focus "fanout-$n"
	sipp_run bench_fanout.xml "$tp" "$n" 5000 "$n" "fanout-$n" &
	SIPP_PID=$!
	for _ in $(seq 1200); do
		[ "$(grep -c '^subscribe ' "$WORK/fanout-$n.log")" -ge "$n" ] && break
		sleep 0.1
	done
	# Let the last full NOTIFYs be answered before the change.
	sleep 2
	conf_doc alice bob carol dave | write_conf
	# Each worker with subscribers logs its own `delivered` line.
	delivered() {
		grep '^conference conf=bench what=delivered' "$WORK/fanout-$n.log" |
			sed -E 's/.* subscribers=([0-9]+).*/\1/' | awk '{ s += $1 } END { print s + 0 }'
	}
	for _ in $(seq 1200); do
		[ "$(delivered)" -ge "$n" ] && break
		sleep 0.1
	done
	[ "$(delivered)" -ge "$n" ] || echo "# warning: delivery to all $n subscribers not seen"
	wait "$SIPP_PID"
	status=$?
	SIPP_PID=
	failed=$(failed_calls "$WORK/fanout-$n.out")
	# The slowest worker's time; the subscribers of all.
	ms=$(grep '^conference conf=bench what=delivered' "$WORK/fanout-$n.log" |
		sed -E 's/.* ms=([0-9]+).*/\1/' | sort -n | tail -n 1)
	subs=$(delivered)
	echo "fanout_${name}_$n ${ms:-?} ms to deliver one change to ${subs:-?} subscribers (sipp status $status, ${failed:-?} calls failed: a lost version fails a call; $(notify_retrans "$WORK/fanout-$n.out") NOTIFY retransmissions; workers $W)"
	stop_focus
done
done
done
