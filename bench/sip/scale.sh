#!/usr/bin/env bash
# Scale-out benchmark (docs/scale-out.md, docs/performance-sip.md "Several
# nodes"): confinfo focus nodes sharing PostgreSQL, Kamailio with
# deploy/kamailio/kamailio.cfg in front.
#   1. subscription set-ups per second over 30 conferences (SUBSCRIBE, 200,
#      full NOTIFY, 200; UDP): straight to one node, then through Kamailio
#      to three nodes, in the same run; the ratio is the proxy's cost on
#      this machine (the nodes, SIPp and Kamailio share its cores);
#   2. fan-out of one change to N TCP subscribers of one conference spread
#      evenly over the three nodes (subscribed to each node directly): a
#      PUBLISH at node 1 is stored, announced, read by the other two and
#      delivered by all three; the time from the PUBLISH to the last
#      node's "delivered", and each node's own delivery time.
#
# usage: bash bench/sip/scale.sh /path/to/confinfo [SETUP_CALLS] [FANOUT]
#        defaults: 5000 set-ups, fan-out to 3000 subscribers.
# Needs PostgreSQL (/usr/lib/postgresql/15/bin; run as root, the server
# runs as nobody), kamailio, sipp. Prints one line per figure.
set -u

CONFINFO=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SETUP_CALLS=${2:-5000}
FANOUT=${3:-3000}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/confinfo-scale.XXXXXX")
. "$HERE/lib.bash"
trap bench_cleanup EXIT
trap 'exit 1' INT TERM
ulimit -n 65536 2>/dev/null || true

# PostgreSQL in $WORK, as nobody when run as root.
start_postgres

# 30 conferences, the same directory for every node.
mkdir "$WORK/confs"
: >"$WORK/confs.csv"
echo SEQUENTIAL >"$WORK/confs.csv"
for i in $(seq -w 0 29); do
	printf '<conference-info xmlns="urn:ietf:params:xml:ns:conference-info" entity="sip:c%s@example.com" state="full" version="1"><users><user entity="sip:alice@example.com"/></users></conference-info>\n' "$i" >"$WORK/confs/c$i.xml"
	echo "c$i;" >>"$WORK/confs.csv"
done
printf '<conference-info xmlns="urn:ietf:params:xml:ns:conference-info" entity="sip:bench@example.com" state="full" version="1"><users><user entity="sip:alice@example.com"/></users></conference-info>\n' >"$WORK/confs/bench.xml"

declare -A NODE_PID NODE_PORT
start_node() { # NAME
	local port
	port=$(free_port)
	"$CONFINFO" focus --conferences "$WORK/confs" --quiet \
		--listen "udp:127.0.0.1:$port" --listen "tcp:127.0.0.1:$port" \
		--min-interval 0 --max-subs 1000000 --max-subs-per-conf 1000000 \
		--publisher '*' --state "$URI" >"$WORK/$1.log" 2>"$WORK/$1.err" &
	NODE_PID[$1]=$!
	NODE_PORT[$1]=$port
	PIDS+=($!)
	wait_line "$WORK/$1.log" '^ready$' 10 || die "node $1 did not start"
}
stop_nodes() {
	local n
	for n in "${!NODE_PID[@]}"; do
		kill -9 "${NODE_PID[$n]}" 2>/dev/null
		wait "${NODE_PID[$n]}" 2>/dev/null
	done
	NODE_PID=()
}
start_kamailio() { # NODE...
	local n
	: >"$WORK/dispatcher.list"
	for n in "$@"; do
		echo "1 sip:127.0.0.1:${NODE_PORT[$n]}" >>"$WORK/dispatcher.list"
	done
	KPORT=$(free_port)
	mkdir -p "$WORK/kamailio"
	kamailio -f "$ROOT/deploy/kamailio/kamailio.cfg" -DD -E -Y "$WORK/kamailio" -m 512 \
		-l "udp:127.0.0.1:$KPORT" -A "DSLIST=\"$WORK/dispatcher.list\"" \
		>"$WORK/kamailio.log" 2>&1 &
	KAM_PID=$!
	PIDS+=($!)
	sleep 1
}
sipp_setup() { # PORT OUT
	sipp -sf "$HERE/bench_setup_confs.xml" -inf "$WORK/confs.csv" -t u1 \
		-m "$SETUP_CALLS" -r 20000 -l 50 -i 127.0.0.1 -p "$(free_port)" \
		-nostdin -max_recv_loops 10000 -max_sched_loops 10000 \
		-buff_size 4194304 -timeout 300s -timeout_error \
		"127.0.0.1:$1" >"$WORK/$2.out" 2>&1
}
cpu_sum() { # PID...: CPU ticks of them all
	local t=0 p
	for p in "$@"; do
		t=$((t + $(cpu_ticks "$p")))
	done
	echo "$t"
}

echo "# confinfo scale-out benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores"
echo "# $("$CONFINFO" --version), $(kamailio -v 2>&1 | head -n 1), PostgreSQL $("$PG_BIN/postgres" --version | awk '{ print $3 }')"

# 1. Set-up rate: one node direct, then Kamailio and three nodes.
HZ=$(getconf CLK_TCK)
start_node direct
c0=$(cpu_sum "${NODE_PID[direct]}")
t0=$(now)
sipp_setup "${NODE_PORT[direct]}" setup-direct
t1=$(now)
c1=$(cpu_sum "${NODE_PID[direct]}")
direct=$(awk -v n="$SETUP_CALLS" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')
dcpu=$(awk -v c="$((c1 - c0))" -v hz="$HZ" -v n="$SETUP_CALLS" 'BEGIN { printf "%.0f", c / hz * 1e6 / n }')
echo "scale_setup_direct $direct subscriptions/s ($SETUP_CALLS over 30 conferences to one node, $(failed_calls "$WORK/setup-direct.out") failed; node CPU $dcpu us/subscription)"
stop_nodes

start_node n1
start_node n2
start_node n3
start_kamailio n1 n2 n3
c0=$(cpu_sum "${NODE_PID[n1]}" "${NODE_PID[n2]}" "${NODE_PID[n3]}")
k0=$(cpu_sum "$KAM_PID" $(pgrep -P "$KAM_PID"))
t0=$(now)
sipp_setup "$KPORT" setup-proxy
t1=$(now)
c1=$(cpu_sum "${NODE_PID[n1]}" "${NODE_PID[n2]}" "${NODE_PID[n3]}")
k1=$(cpu_sum "$KAM_PID" $(pgrep -P "$KAM_PID"))
proxy=$(awk -v n="$SETUP_CALLS" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')
ncpu=$(awk -v c="$((c1 - c0))" -v hz="$HZ" -v n="$SETUP_CALLS" 'BEGIN { printf "%.0f", c / hz * 1e6 / n }')
kcpu=$(awk -v c="$((k1 - k0))" -v hz="$HZ" -v n="$SETUP_CALLS" 'BEGIN { printf "%.0f", c / hz * 1e6 / n }')
spread=$(for n in n1 n2 n3; do grep -c '^subscribe ' "$WORK/$n.log"; done | paste -sd/)
echo "scale_setup_proxy $proxy subscriptions/s ($(awk -v p="$proxy" -v d="$direct" 'BEGIN { printf "%.2f", p / d }')x direct; through Kamailio to 3 nodes, $(failed_calls "$WORK/setup-proxy.out") failed, spread $spread; nodes CPU $ncpu us/subscription, Kamailio CPU $kcpu us/subscription)"

# 2. Fan-out of one change to FANOUT subscribers over the three nodes.
per=$((FANOUT / 3))
FAN_PIDS=()
for n in n1 n2 n3; do
	sipp -sf "$HERE/bench_fanout.xml" -t t1 -m "$per" -r 5000 -l "$per" \
		-i 127.0.0.1 -p "$(free_port)" -s bench -nostdin \
		-max_recv_loops 10000 -max_sched_loops 10000 -buff_size 4194304 \
		-timeout 300s -timeout_error "127.0.0.1:${NODE_PORT[$n]}" \
		>"$WORK/fanout-$n.out" 2>&1 &
	FAN_PIDS+=($!)
	PIDS+=($!)
done
for n in n1 n2 n3; do
	for _ in $(seq 1200); do
		[ "$(grep -c '^subscribe conf=bench' "$WORK/$n.log")" -ge "$per" ] && break
		sleep 0.1
	done
done
sleep 2
t0=$(now)
python3 "$ROOT/tests/interop/scale_pub.py" "${NODE_PORT[n1]}" bench 2 2 >"$WORK/fanout.pub"
for n in n1 n2 n3; do
	wait_line "$WORK/$n.log" '^conference conf=bench what=delivered' 60 ||
		echo "# warning: $n did not deliver to all its subscribers"
done
t1=$(now)
failed=0
for p in "${FAN_PIDS[@]}"; do
	wait "$p" || failed=$((failed + 1))
done
per_node=$(for n in n1 n2 n3; do grep '^conference conf=bench what=delivered' "$WORK/$n.log" | tail -n 1 | sed -E 's/.* subscribers=([0-9]+) ms=([0-9]+).*/\1 in \2 ms/'; done | paste -sd,)
echo "scale_fanout_$FANOUT $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", (b - a) * 1000 }') ms from the PUBLISH at node 1 to delivery by all three nodes (PUBLISH answer: $(awk '{ print $3 }' "$WORK/fanout.pub"); per node: $per_node; $failed SIPp runs failed: a lost version fails a call)"
stop_nodes
