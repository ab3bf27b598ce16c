#!/usr/bin/env bash
# The focus beside Kamailio 5.6 presence_conference (issue 16), the
# servers run alternately with the same SIPp scenarios in one run: Kamailio,
# then the focus once per value of WORKERS (`--workers W` passed
# explicitly):
#   1. subscription cycles (bench_cycle.xml: SUBSCRIBE/NOTIFY, then
#      un-SUBSCRIBE/NOTIFY) up a ladder of rates, over UDP and TCP, the
#      load spread over source ports so that the kernel spreads it over
#      the focus's workers (UDP: SIPp -t un, a socket per call; TCP:
#      several SIPps of one connection each, t1x4: -t tn, a connection
#      per call, slows SIPp down with every run, its bind() searching
#      ports among the TIME_WAIT ones): the highest rate with < 1 % failed calls (and
#      >= 90 % of the rate reached), each server's CPU per cycle there
#      (a focus of several processes: the sum over its tree), and SIPp's;
#   2. fan-out: N subscribers (bench_fanout_v2.xml) of a PUBLISHed
#      document, in FANOUT_SIPPS SIPp processes of N/FANOUT_SIPPS each,
#      each on its own port (one socket or connection each: the kernel
#      spreads them over the workers), then a second PUBLISH
#      (bench_publish.xml): the time from the trigger until every SIPp
#      has its version 2 (every SIPp has exited), the calls failed (a lost
#      or repeated version fails one: must be 0), the NOTIFY
#      retransmissions SIPp saw, the memory per held subscription (the
#      focus: RSS growth of its process tree; Kamailio: shared memory in
#      use, kamcmd core.shmmem), and how the subscriptions spread over
#      the workers (their `shutdown` lines).
#
# usage: bash bench/sip/kamailio.sh /path/to/confinfo
# environment: WORKERS (focus --workers values, default "1 2"),
#   CYCLE_RATES (default "1000 1600 2500 4000 6000 8000 10000 12000"),
#   CYCLE_TP ("unx2 t1x4": -t un in 2 SIPps, -t t1 in 4 SIPps sharing
#   the rate; u1/t1: one socket, all in one worker; empty: no cycles),
#   CYCLE_SECS (4), FANOUT ("10000 20000"; empty: none), FANOUT_TP
#   ("u1 t1"), FANOUT_SIPPS (8), SUB_RATE (subscriptions/s while
#   filling, over all SIPps, 1000), KAMAILIO_RUN (1; 0 skips Kamailio).
# Needs kamailio, kamailio-presence-modules, kamailio-sqlite-modules,
# sip-tester. Prints one line per figure, then a Markdown table.
set -u

CONFINFO=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CYCLE_RATES=${CYCLE_RATES:-1000 1600 2500 4000 6000 8000 10000 12000}
CYCLE_SECS=${CYCLE_SECS:-4}
FANOUT=${FANOUT-10000 20000}
CYCLE_TP=${CYCLE_TP-unx2 t1x4}
FANOUT_TP=${FANOUT_TP:-u1 t1}
FANOUT_SIPPS=${FANOUT_SIPPS:-8}
SUB_RATE=${SUB_RATE:-1000}
WORKERS=${WORKERS:-1 2}
KINDS=
[ "${KAMAILIO_RUN:-1}" = 0 ] || KINDS=kamailio
for w in $WORKERS; do
	KINDS="$KINDS focus$w"
done
KAMAILIO=$(command -v kamailio) || { echo "bench: no kamailio" >&2; exit 1; }
SQL=/usr/share/kamailio/db_sqlite
WORK=$(mktemp -d "${TMPDIR:-/tmp}/confinfo-kam.XXXXXX")
SERVER_PID=
PIDS=()

cleanup() {
	# A focus: its private store in /dev/shm removed too.
	[ -n "$SERVER_PID" ] && [ "${KIND:-}" != kamailio ] && focus_stop "$SERVER_PID" 1
	for pid in "${PIDS[@]}" $SERVER_PID; do
		kill -9 "$pid" 2>/dev/null
	done
	pkill -9 -P "$$" 2>/dev/null
	wait 2>/dev/null
	[ "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
. "$HERE/lib.bash"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

wait_for() { # SECONDS CMD...
	local i n=$(($1 * 20))
	shift
	for i in $(seq "$n"); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

port_up() { ss -Hlun "sport = :$1" | grep -q .; }

# CPU seconds x 100 (clock ticks) of the server and its children.
server_ticks() { tree_ticks "$SERVER_PID"; }

# Memory of the server in bytes: the focus's RSS; Kamailio's shared
# memory in use (where its subscriptions live).
server_mem() {
	if [ "$KIND" = kamailio ]; then
		kamcmd -s "unix:$WORK/ctl" core.shmmem 2>/dev/null |
			awk '$1 == "used:" { print $2 }'
	else
		echo $(($(tree_rss_kb "$SERVER_PID") * 1024))
	fi
}

conf_doc() { # VERSION USERS...
	local v=$1 u
	shift
	printf '<?xml version="1.0" encoding="UTF-8"?>\n<conference-info xmlns="urn:ietf:params:xml:ns:conference-info" entity="sip:bench@example.com" state="full" version="%s">\n<conference-description><subject>bench</subject></conference-description>\n<users>\n' "$v"
	for u in "$@"; do
		printf '<user entity="sip:%s@example.com"><display-text>%s</display-text><endpoint entity="sip:%s@pc.example.com"><status>connected</status></endpoint></user>\n' "$u" "$u" "$u"
	done
	printf '</users>\n</conference-info>\n'
}

start_server() { # KIND (kamailio|focusW: W workers)
	KIND=$1
	PORT=$(free_port)
	if [ "$KIND" = kamailio ]; then
		rm -f "$WORK/presence.db" "$WORK/ctl"
		python3 - "$WORK/presence.db" "$SQL/standard-create.sql" "$SQL/presence-create.sql" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for path in sys.argv[2:]:
    db.executescript(open(path).read())
db.commit()
PY
		mkdir -p "$WORK/run"
		"$KAMAILIO" -f "$HERE/kamailio.cfg" -DD -E -m 1024 -M 32 \
			-Y "$WORK/run" -l "udp:127.0.0.1:$PORT" -l "tcp:127.0.0.1:$PORT" \
			-A "DBURL=\"sqlite://$WORK/presence.db\"" \
			-A "SERVER=\"sip:127.0.0.1:$PORT\"" \
			-A "CTL=\"unix:$WORK/ctl\"" >"$WORK/kamailio.log" 2>&1 &
	else
		rm -rf "$WORK/confs"
		mkdir -p "$WORK/confs"
		"$CONFINFO" focus --conferences "$WORK/confs" --quiet \
			--listen "udp:127.0.0.1:$PORT" --listen "tcp:127.0.0.1:$PORT" \
			--min-interval 0 --publisher '*' --expires-min 1 \
			--max-subs 1000000 --max-subs-per-conf 1000000 \
			--workers "${KIND#focus}" >"$WORK/focus.log" 2>&1 &
	fi
	SERVER_PID=$!
	if [ "$KIND" = kamailio ]; then
		wait_for 10 port_up "$PORT" || die "$KIND did not start"
	else
		# The parent binds before its workers are ready: wait for
		# its `ready`.
		wait_line "$WORK/focus.log" '^ready$' 10 || die "$KIND did not start"
	fi
	sleep 0.5
}

# The publisher (bench_publish.xml): PUBLISH pub-v1.xml now, pub-v2.xml
# on publish_trigger. PUB_PID.
publish_start() { # NAME
	PUB_PORT=$(free_port)
	(cd "$WORK" && exec sipp -sf "$HERE/bench_publish.xml" -t u1 -m 1 \
		-i 127.0.0.1 -p "$PUB_PORT" -s bench -nostdin -timeout 900s \
		-cid_str benchpub "127.0.0.1:$PORT" >"$WORK/pub-$1.out" 2>&1) &
	PUB_PID=$!
	PIDS+=("$PUB_PID")
	wait_for 30 published && return 0
	# Kamailio's commit of the presentity can fail with "database is
	# locked" while published() reads the table (seen once in ~12
	# starts): start it again, once.
	if [ "$KIND" = kamailio ] && [ -z "${PUB_RETRY:-}" ] &&
		grep -q 'database is locked' "$WORK/kamailio.log"; then
		echo "# warning: Kamailio did not store the first PUBLISH (database is locked); starting it again"
		PUB_RETRY=1
		stop_server
		start_server kamailio
		publish_start "$1"
		PUB_RETRY=
		return 0
	fi
	die "$KIND: the first PUBLISH was not taken"
}

# The first PUBLISH has been taken: the focus logged it, Kamailio stored
# the presentity.
published() {
	if [ "$KIND" = kamailio ]; then
		[ "$(python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("select count(*) from presentity").fetchone()[0])' "$WORK/presence.db" 2>/dev/null)" = 1 ]
	else
		grep -q '^publish .*code=200' "$WORK/focus.log"
	fi
}

# The trigger: an OPTIONS in the publisher's call.
publish_trigger() {
	python3 -c 'import socket, sys
p = int(sys.argv[1])
m = ("OPTIONS sip:pub@127.0.0.1:%d SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKtrigger\r\nFrom: <sip:t@127.0.0.1>;tag=t\r\nTo: <sip:pub@127.0.0.1>\r\nCall-ID: benchpub\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n" % p).encode()
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(m, ("127.0.0.1", p))' "$PUB_PORT"
}

# Kamailio: SIGKILL. The focus: SIGTERM, so that every worker logs its
# `shutdown` line (the subscriptions it held) and the private store in
# /dev/shm is removed; SIGKILL after 6 s (focus_stop, lib.bash).
stop_server() {
	if [ "$KIND" = kamailio ]; then
		kill -9 "$SERVER_PID" $(pgrep -P "$SERVER_PID") 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
	else
		focus_stop "$SERVER_PID" 6
	fi
	kill -9 ${PUB_PID:-} 2>/dev/null
	wait ${PUB_PID:-} 2>/dev/null
	SERVER_PID=
	PUB_PID=
}

sipp_base() { # SCENARIO TRANSPORT OUT [ARGS...]
	local scen=$1 tp=$2 out=$3 more=()
	shift 3
	# A socket per call (un, tn): below the limit of open files.
	case $tp in un | tn) more=(-max_socket $(($(ulimit -n) - 1000))) ;; esac
	sipp -sf "$HERE/$scen" -t "$tp" -i 127.0.0.1 -p "$(free_port)" \
		-s bench -nostdin -max_recv_loops 10000 -max_sched_loops 10000 \
		-buff_size 4194304 -timeout 600s -timeout_error \
		-trace_err -error_file "$WORK/$out.err" "${more[@]}" "$@" \
		"127.0.0.1:$PORT" >"$WORK/$out.out" 2>&1
}

echo "# focus vs Kamailio, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg); servers: $KINDS"
echo "# $("$CONFINFO" --version), $("$KAMAILIO" -v | head -n 1), $(sipp -v 2>&1 | grep -o 'SIPp v[^ -]*' | head -n 1)"

conf_doc 1 alice bob carol >"$WORK/pub-v1.xml"
conf_doc 2 alice bob carol dave >"$WORK/pub-v2.xml"
HZ=$(getconf CLK_TCK)
tp_name() { case $1 in u*) echo UDP ;; t*) echo TCP ;; *) echo "$1" ;; esac; }
# A CYCLE_TP entry: SIPp's transport, and how many SIPps (after an x).
tp_of() { echo "${1%%x*}"; }
sipps_of() { case $1 in *x*) echo "${1##*x}" ;; *) echo 1 ;; esac; }

# The focus's `shutdown` lines: the subscriptions each worker held
# ("4987+5013"), in the order the workers logged them.
worker_split() {
	grep -o '^shutdown signal=[0-9]* subscriptions=[0-9]*' "$WORK/focus.log" |
		sed 's/.*=//' | paste -sd+ -
}

# ------------------------------------------------------------------
# 1. Subscription cycles up the ladder, alternating the servers.
declare -A CLEAN CPU SCPU STOPPED
for tp in $CYCLE_TP; do
	for kind in $KINDS; do
		CLEAN[$kind-$tp]=0
		CPU[$kind-$tp]=-
		SCPU[$kind-$tp]=-
		STOPPED[$kind-$tp]=
	done
	CYCLE_SIPPS=$(sipps_of "$tp")
	for rate in $CYCLE_RATES; do
		for kind in $KINDS; do
			[ -n "${STOPPED[$kind-$tp]}" ] && continue
			start_server "$kind"
			publish_start "cycle-$kind-$tp-$rate"
			per=$((rate * CYCLE_SECS / CYCLE_SIPPS))
			calls=$((per * CYCLE_SIPPS))
			c0=$(server_ticks)
			wt0=
			[ "$kind" = kamailio ] || wt0=$(workers_ticks "$SERVER_PID")
			s0=$(child_ticks)
			t0=$(date +%s.%N)
			spids=()
			for j in $(seq "$CYCLE_SIPPS"); do
				sipp_base bench_cycle.xml "$(tp_of "$tp")" "cycle-$kind-$tp-$rate-$j" \
					-m "$per" -r "$((rate / CYCLE_SIPPS))" \
					-l "$((rate / CYCLE_SIPPS))" -recv_timeout 10000 &
				spids+=($!)
			done
			wait "${spids[@]}"
			t1=$(date +%s.%N)
			s1=$(child_ticks)
			c1=$(server_ticks)
			wt1=
			[ "$kind" = kamailio ] || wt1=$(workers_ticks "$SERVER_PID")
			stop_server
			# Each worker's share of the CPU (how the kernel spread
			# the load), in s.
			wcpu=$(paste -d' ' <(echo "$wt0" | tr ' ' '\n') <(echo "$wt1" | tr ' ' '\n') |
				awk -v hz="$HZ" 'NF == 2 { printf "%s%.2f", n++ ? "+" : "", ($2 - $1) / hz }')
			failed=0
			for j in $(seq "$CYCLE_SIPPS"); do
				f=$(failed_calls "$WORK/cycle-$kind-$tp-$rate-$j.out")
				failed=$((failed + ${f:-$per}))
			done
			# The rate reached: SIPp's own clock, from the first
			# SIPp's start to the last one's end (not the wall time
			# around them, which holds their start-up: 0.3 - 0.9 s
			# with 4 SIPps on the loaded machine).
			got=$(for j in $(seq "$CYCLE_SIPPS"); do
				awk '/^ +Start Time/ { s = $(NF) } /^ +Current Time/ { c = $(NF) } END { print s, c }' \
					"$WORK/cycle-$kind-$tp-$rate-$j.out"
			done | awk -v n="$calls" 'NR == 1 || $1 < a { a = $1 } NR == 1 || $2 > b { b = $2 }
				END { if (b > a) printf "%.0f", n / (b - a); else print 0 }')
			us=$(awk -v c="$((c1 - c0))" -v hz="$HZ" -v n="$calls" \
				'BEGIN { printf "%.0f", c / hz * 1e6 / n }')
			sus=$(awk -v c="$((s1 - s0))" -v hz="$HZ" -v n="$calls" \
				'BEGIN { printf "%.0f", c / hz * 1e6 / n }')
			busy=$(awk -v c="$((c1 - c0))" -v s="$((s1 - s0))" -v hz="$HZ" -v a="$t0" -v b="$t1" \
				'BEGIN { printf "%.2f + %.2f", c / hz / (b - a), s / hz / (b - a) }')
			pct=$(awk -v f="$failed" -v n="$calls" 'BEGIN { printf "%.1f", 100 * f / n }')
			echo "cycle_${kind}_$tp rate=$rate reached=$got/s failed=$failed ($pct %) cpu=${us}us/cycle sipp_cpu=${sus}us/cycle cores_busy(server + sipp)=$busy workers_cpu_s=${wcpu:--}"
			if awk -v f="$failed" -v n="$calls" -v g="$got" -v r="$rate" \
				'BEGIN { exit !(f < n / 100 && g >= 0.9 * r) }'; then
				CLEAN[$kind-$tp]=$rate
				CPU[$kind-$tp]=$us
				SCPU[$kind-$tp]=$sus
			else
				STOPPED[$kind-$tp]=1
			fi
		done
	done
done

# ------------------------------------------------------------------
# 2. Fan-out of one change to N subscribers in FANOUT_SIPPS SIPps,
# alternating the servers.
declare -A FMS FFAIL FRET FMEM FIDLE FSPLIT FCPU
for tp in $FANOUT_TP; do
	for n in $FANOUT; do
		for kind in $KINDS; do
			key=$kind-$tp-$n
			start_server "$kind"
			publish_start "$key"
			m0=$(server_mem)
			w0=
			[ "$kind" = kamailio ] || w0=$(workers_rss_kb "$SERVER_PID")
			per=$((n / FANOUT_SIPPS))
			rate=$((SUB_RATE / FANOUT_SIPPS))
			[ "$rate" -gt 0 ] || rate=1
			spids=()
			for j in $(seq "$FANOUT_SIPPS"); do
				sipp_base bench_fanout_v2.xml "$tp" "fanout-$key-$j" \
					-m "$per" -r "$rate" -l "$per" &
				spids+=($!)
				PIDS+=($!)
			done
			# Filled: SIPp starts a call every 1/SUB_RATE s;
			# then the last first NOTIFYs are answered.
			sleep "$(awk -v n="$n" -v r="$SUB_RATE" 'BEGIN { printf "%.1f", n / r + 2 }')"
			if [ "$kind" != kamailio ]; then
				for _ in $(seq 600); do
					[ "$(grep -c '^subscribe ' "$WORK/focus.log")" -ge $((per * FANOUT_SIPPS)) ] && break
					sleep 0.1
				done
			fi
			sleep 3 # the last first NOTIFYs answered
			m1=$(server_mem)
			w1=
			[ "$kind" = kamailio ] || w1=$(workers_rss_kb "$SERVER_PID")
			# The server's CPU over the fan-out. (SIPp's is not
			# given: counted as the shell's reaped children less what
			# the SIPps had used before the trigger, it came out above
			# what 2 cores allow.)
			c0=$(server_ticks)
			t0=$(date +%s.%N)
			publish_trigger
			wait "${spids[@]}"
			t1=$(date +%s.%N)
			c1=$(server_ticks)
			FCPU[$key]=$(awk -v c="$((c1 - c0))" -v hz="$HZ" 'BEGIN { printf "%.2f", c / hz }')
			stop_server
			FSPLIT[$key]=-
			dms=-
			if [ "$kind" != kamailio ]; then
				FSPLIT[$key]=$(worker_split)
				# Each worker's own time, from the change it saw
				# to its last subscriber's 200 (ms, in log order).
				dms=$(grep '^conference conf=bench what=delivered' "$WORK/focus.log" |
					sed -E 's/.* subscribers=([0-9]+) ms=([0-9]+).*/\2/' | paste -sd+ -)
			fi
			FMS[$key]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
			f=0
			r=0
			for j in $(seq "$FANOUT_SIPPS"); do
				x=$(failed_calls "$WORK/fanout-$key-$j.out")
				f=$((f + ${x:-$per}))
				r=$((r + $(notify_retrans "$WORK/fanout-$key-$j.out")))
			done
			FFAIL[$key]=$f
			FRET[$key]=$r
			FMEM[$key]=$(awk -v a="$m0" -v b="$m1" -v n="$((per * FANOUT_SIPPS))" 'BEGIN { if (a == "" || b == "") print "-"; else printf "%.0f", (b - a) / n }')
			FIDLE[$key]=$(awk -v a="$m0" 'BEGIN { if (a == "") print "-"; else printf "%.1f", a / 1048576 }')
			echo "fanout_${kind}_${tp}_$n ${FMS[$key]} s to version 2 at every subscriber ($FANOUT_SIPPS SIPps of $per), failed=${FFAIL[$key]} notify_retrans=${FRET[$key]} memory=${FMEM[$key]} bytes/subscription (before the subscribers ${FIDLE[$key]} MiB; workers' RSS kB ${w0:--} -> ${w1:--}) subscriptions_per_worker=${FSPLIT[$key]} server_cpu_s=${FCPU[$key]} delivered_ms=${dms:--}"
		done
	done
done

# ------------------------------------------------------------------
# The table: per server, then the ratios of the last focus to the first
# (e.g. --workers 2 / 1) and to Kamailio.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0 && a + 0 > 0) printf "%.1fx", a / b; else print "-" }'; }
FIRST=focus${WORKERS%% *}
LAST=focus${WORKERS##* }
echo
hdr="| work |"
sep="|---|"
for kind in $KINDS; do
	hdr="$hdr $([ "$kind" = kamailio ] && echo Kamailio || echo "focus W=${kind#focus}") |"
	sep="$sep---|"
done
echo "$hdr W=${WORKERS##* } / W=${WORKERS%% *} | W=${WORKERS##* } / Kamailio |"
echo "$sep---|---|"
for tp in $CYCLE_TP; do
	row="| cycles/s with < 1 % failed, $(tp_name "$tp") (-t $(tp_of "$tp") in $(sipps_of "$tp") SIPp; top of ladder: ${CYCLE_RATES##* }) |"
	for kind in $KINDS; do
		row="$row ${CLEAN[$kind-$tp]} (${CPU[$kind-$tp]} us CPU/cycle; SIPp ${SCPU[$kind-$tp]} us) |"
	done
	echo "$row $(ratio "${CLEAN[$LAST-$tp]}" "${CLEAN[$FIRST-$tp]}") | $(ratio "${CLEAN[$LAST-$tp]}" "${CLEAN[kamailio-$tp]:-}") |"
done
[ -n "$FANOUT" ] || FANOUT_TP=
for tp in $FANOUT_TP; do
	for n in $FANOUT; do
		row="| fan-out to $n, $(tp_name "$tp"), $FANOUT_SIPPS SIPps: s (failed, NOTIFY retransmissions; per worker) |"
		for kind in $KINDS; do
			k=$kind-$tp-$n
			row="$row ${FMS[$k]} (${FFAIL[$k]}, ${FRET[$k]}; ${FSPLIT[$k]}) |"
		done
		echo "$row $(ratio "${FMS[$FIRST-$tp-$n]}" "${FMS[$LAST-$tp-$n]}") faster | $(ratio "${FMS[kamailio-$tp-$n]:-}" "${FMS[$LAST-$tp-$n]}") faster |"
	done
	n=${FANOUT##* }
	row="| memory per held subscription, $(tp_name "$tp"), $n held (bytes; before: MiB) |"
	for kind in $KINDS; do
		k=$kind-$tp-$n
		row="$row ${FMEM[$k]} (${FIDLE[$k]}) |"
	done
	echo "$row $(ratio "${FMEM[$LAST-$tp-$n]}" "${FMEM[$FIRST-$tp-$n]}") | $(ratio "${FMEM[$LAST-$tp-$n]}" "${FMEM[kamailio-$tp-$n]:-}") |"
done
