#!/usr/bin/env bash
# The focus beside Kamailio 5.6 presence_conference (issue 16), the two
# servers run alternately with the same SIPp scenarios in one run:
#   1. subscription cycles (bench_cycle.xml: SUBSCRIBE/NOTIFY, then
#      un-SUBSCRIBE/NOTIFY) up a ladder of rates, over UDP and TCP: the
#      highest rate with < 1 % failed calls (and >= 90 % of the rate
#      reached), and each server's CPU per cycle there;
#   2. fan-out: N subscribers (bench_fanout_v2.xml) of a PUBLISHed
#      document, then a second PUBLISH (bench_publish.xml): the time from
#      the trigger until every subscriber has answered the NOTIFY with
#      version 2 (SIPp exits), the calls failed (a lost or repeated
#      version fails one: must be 0), the NOTIFY retransmissions SIPp
#      saw, and the memory per held subscription (the focus: RSS growth;
#      Kamailio: shared memory in use, kamcmd core.shmmem).
#
# usage: bash bench/sip/kamailio.sh /path/to/confinfo
# environment: CYCLE_RATES (default "1000 1600 2500 4000 6000"),
#   CYCLE_TP ("u1 t1"; empty: no cycles),
#   CYCLE_SECS (4), FANOUT ("1000 5000 10000 20000"; empty: none), FANOUT_TP
#   ("u1 t1"), SUB_RATE (subscriptions/s while filling, 1000).
# Needs kamailio, kamailio-presence-modules, kamailio-sqlite-modules,
# sip-tester. Prints one line per figure, then a Markdown table.
set -u

CONFINFO=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CYCLE_RATES=${CYCLE_RATES:-1000 1600 2500 4000 6000}
CYCLE_SECS=${CYCLE_SECS:-4}
FANOUT=${FANOUT-1000 5000 10000 20000}
CYCLE_TP=${CYCLE_TP-u1 t1}
FANOUT_TP=${FANOUT_TP:-u1 t1}
SUB_RATE=${SUB_RATE:-1000}
KAMAILIO=$(command -v kamailio) || { echo "bench: no kamailio" >&2; exit 1; }
SQL=/usr/share/kamailio/db_sqlite
WORK=$(mktemp -d "${TMPDIR:-/tmp}/confinfo-kam.XXXXXX")
SERVER_PID=
PIDS=()

cleanup() {
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
server_ticks() {
	local pid t=0
	for pid in $SERVER_PID $(pgrep -P "$SERVER_PID"); do
		t=$((t + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0)))
	done
	echo "$t"
}

# Memory of the server in bytes: the focus's RSS; Kamailio's shared
# memory in use (where its subscriptions live).
server_mem() {
	if [ "$KIND" = kamailio ]; then
		kamcmd -s "unix:$WORK/ctl" core.shmmem 2>/dev/null |
			awk '$1 == "used:" { print $2 }'
	else
		awk '/^VmRSS:/ { print $2 * 1024 }' "/proc/$SERVER_PID/status"
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

start_server() { # KIND (kamailio|focus)
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
			>"$WORK/focus.log" 2>&1 &
	fi
	SERVER_PID=$!
	wait_for 10 port_up "$PORT" || die "$KIND did not start"
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
	wait_for 30 published || die "$KIND: the first PUBLISH was not taken"
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

stop_server() {
	kill -9 "$SERVER_PID" $(pgrep -P "$SERVER_PID") ${PUB_PID:-} 2>/dev/null
	wait "$SERVER_PID" ${PUB_PID:-} 2>/dev/null
	SERVER_PID=
	PUB_PID=
}

sipp_base() { # SCENARIO TRANSPORT OUT [ARGS...]
	local scen=$1 tp=$2 out=$3
	shift 3
	sipp -sf "$HERE/$scen" -t "$tp" -i 127.0.0.1 -p "$(free_port)" \
		-s bench -nostdin -max_recv_loops 10000 -max_sched_loops 10000 \
		-buff_size 4194304 -timeout 600s -timeout_error \
		-trace_err -error_file "$WORK/$out.err" "$@" \
		"127.0.0.1:$PORT" >"$WORK/$out.out" 2>&1
}

echo "# focus vs Kamailio, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
echo "# $("$CONFINFO" --version), $("$KAMAILIO" -v | head -n 1), $(sipp -v 2>&1 | grep -o 'SIPp v[^ -]*' | head -n 1)"

conf_doc 1 alice bob carol >"$WORK/pub-v1.xml"
conf_doc 2 alice bob carol dave >"$WORK/pub-v2.xml"

# ------------------------------------------------------------------
# 1. Subscription cycles up the ladder, alternating the servers.
declare -A CLEAN CPU STOPPED
for tp in $CYCLE_TP; do
	for kind in kamailio focus; do
		CLEAN[$kind-$tp]=0
		CPU[$kind-$tp]=-
		STOPPED[$kind-$tp]=
	done
	for rate in $CYCLE_RATES; do
		for kind in kamailio focus; do
			[ -n "${STOPPED[$kind-$tp]}" ] && continue
			start_server "$kind"
			publish_start "cycle-$kind-$tp-$rate"
			calls=$((rate * CYCLE_SECS))
			c0=$(server_ticks)
			t0=$(date +%s.%N)
			sipp_base bench_cycle.xml "$tp" "cycle-$kind-$tp-$rate" \
				-m "$calls" -r "$rate" -l "$rate" -recv_timeout 10000
			t1=$(date +%s.%N)
			c1=$(server_ticks)
			stop_server
			failed=$(failed_calls "$WORK/cycle-$kind-$tp-$rate.out")
			failed=${failed:-$calls}
			got=$(awk -v n="$calls" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')
			us=$(awk -v c="$((c1 - c0))" -v hz="$(getconf CLK_TCK)" -v n="$calls" \
				'BEGIN { printf "%.0f", c / hz * 1e6 / n }')
			pct=$(awk -v f="$failed" -v n="$calls" 'BEGIN { printf "%.1f", 100 * f / n }')
			echo "cycle_${kind}_$tp rate=$rate reached=$got/s failed=$failed ($pct %) cpu=${us}us/cycle"
			if awk -v f="$failed" -v n="$calls" -v g="$got" -v r="$rate" \
				'BEGIN { exit !(f < n / 100 && g >= 0.9 * r) }'; then
				CLEAN[$kind-$tp]=$rate
				CPU[$kind-$tp]=$us
			else
				STOPPED[$kind-$tp]=1
			fi
		done
	done
done

# ------------------------------------------------------------------
# 2. Fan-out of one change to N subscribers, alternating the servers.
declare -A FMS FFAIL FRET FMEM
for tp in $FANOUT_TP; do
	for n in $FANOUT; do
		for kind in kamailio focus; do
			key=$kind-$tp-$n
			start_server "$kind"
			publish_start "$key"
			m0=$(server_mem)
			sipp_base bench_fanout_v2.xml "$tp" "fanout-$key" \
				-m "$n" -r "$SUB_RATE" -l "$n" &
			SIPP_PID=$!
			PIDS+=("$SIPP_PID")
			# Filled: SIPp starts a call every 1/SUB_RATE s;
			# then the last first NOTIFYs are answered.
			sleep "$(awk -v n="$n" -v r="$SUB_RATE" 'BEGIN { printf "%.1f", n / r + 2 }')"
			if [ "$kind" = focus ]; then
				for _ in $(seq 600); do
					[ "$(grep -c '^subscribe ' "$WORK/focus.log")" -ge "$n" ] && break
					sleep 0.1
				done
			fi
			sleep 3 # the last first NOTIFYs answered
			m1=$(server_mem)
			t0=$(date +%s.%N)
			publish_trigger
			wait "$SIPP_PID"
			t1=$(date +%s.%N)
			stop_server
			FMS[$key]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
			FFAIL[$key]=$(failed_calls "$WORK/fanout-$key.out")
			FRET[$key]=$(notify_retrans "$WORK/fanout-$key.out")
			FMEM[$key]=$(awk -v a="$m0" -v b="$m1" -v n="$n" 'BEGIN { if (a == "" || b == "") print "-"; else printf "%.0f", (b - a) / n }')
			echo "fanout_${kind}_${tp}_$n ${FMS[$key]} s to version 2 at every subscriber, failed=${FFAIL[$key]:-?} notify_retrans=${FRET[$key]} memory=${FMEM[$key]} bytes/subscription"
		done
	done
done

# ------------------------------------------------------------------
# The table, ratios focus / Kamailio.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0 && a + 0 > 0) printf "%.1fx", a / b; else print "-" }'; }
echo
echo "| work | Kamailio | focus | focus / Kamailio |"
echo "|---|---|---|---|"
for tp in $CYCLE_TP; do
	name=$([ "$tp" = u1 ] && echo UDP || echo TCP)
	echo "| cycles/s with < 1 % failed, $name (top of ladder: ${CYCLE_RATES##* }) | ${CLEAN[kamailio-$tp]} (${CPU[kamailio-$tp]} us CPU/cycle) | ${CLEAN[focus-$tp]} (${CPU[focus-$tp]} us CPU/cycle) | $(ratio "${CLEAN[focus-$tp]}" "${CLEAN[kamailio-$tp]}") |"
done
[ -n "$FANOUT" ] || FANOUT_TP=
for tp in $FANOUT_TP; do
	name=$([ "$tp" = u1 ] && echo UDP || echo TCP)
	for n in $FANOUT; do
		k=kamailio-$tp-$n
		f=focus-$tp-$n
		echo "| fan-out to $n, $name: s (failed, NOTIFY retransmissions) | ${FMS[$k]} (${FFAIL[$k]:-?}, ${FRET[$k]}) | ${FMS[$f]} (${FFAIL[$f]:-?}, ${FRET[$f]}) | $(ratio "${FMS[$k]}" "${FMS[$f]}") faster |"
	done
	n=${FANOUT##* }
	echo "| memory per held subscription, $name, $n held (bytes) | ${FMEM[kamailio-$tp-$n]} | ${FMEM[focus-$tp-$n]} | $(ratio "${FMEM[focus-$tp-$n]}" "${FMEM[kamailio-$tp-$n]}") |"
done
