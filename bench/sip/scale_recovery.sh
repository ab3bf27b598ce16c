#!/usr/bin/env bash
# Recovery after kill -9 of a focus node (docs/scale-out.md, "Recovery
# time"): three nodes sharing PostgreSQL behind Kamailio
# (deploy/kamailio/kamailio.cfg), W `confinfo watch` subscribers over 30
# conferences through the proxy, all asking for Expires E. Once every
# watcher holds revision 1, the node with the most subscriptions is killed
# and revision 2 of every conference is published through the proxy; the
# script polls the watchers' output and prints when each one of the dead
# node's watchers held revision 2.
#
# usage: bash bench/sip/scale_recovery.sh /path/to/confinfo EXPIRES [W]
#        (W defaults to 30). The watchers all subscribe at the start, so
#        they refresh together: the figure is the worst case of the model,
#        a full refresh interval after the kill, plus FR_TIMER.
set -u

CONFINFO=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
EXPIRES=${2:?usage: scale_recovery.sh CONFINFO EXPIRES [WATCHERS]}
W=${3:-30}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/confinfo-recovery.XXXXXX")
. "$HERE/lib.bash"
trap bench_cleanup EXIT
trap 'exit 1' INT TERM

start_postgres
mkdir "$WORK/confs"

declare -A NODE_PID NODE_PORT
: >"$WORK/dispatcher.list"
for n in n1 n2 n3; do
	port=$(free_port)
	"$CONFINFO" focus --conferences "$WORK/confs" --min-interval 0 \
		--listen "udp:127.0.0.1:$port" --publisher '*' --state "$URI" \
		>"$WORK/$n.log" 2>"$WORK/$n.err" &
	NODE_PID[$n]=$!
	NODE_PORT[$n]=$port
	PIDS+=($!)
	wait_line "$WORK/$n.log" '^ready$' 10 || die "node $n did not start"
	echo "1 sip:127.0.0.1:$port" >>"$WORK/dispatcher.list"
done
echo "# confinfo recovery after kill -9, Expires $EXPIRES, $W watchers, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores"
KPORT=$(free_port)
mkdir "$WORK/kamailio"
kamailio -f "$ROOT/deploy/kamailio/kamailio.cfg" -DD -E -Y "$WORK/kamailio" \
	-l "udp:127.0.0.1:$KPORT" -A "DSLIST=\"$WORK/dispatcher.list\"" \
	>"$WORK/kamailio.log" 2>&1 &
PIDS+=($!)
sleep 1

CONFS=$(for i in $(seq -w 0 29); do printf 'c%s,' "$i"; done)
CONFS=${CONFS%,}
python3 "$ROOT/tests/interop/scale_pub.py" "$KPORT" "$CONFS" 1 1 >"$WORK/pub1" ||
	die "publish failed"
for i in $(seq 0 $((W - 1))); do
	c=$(printf 'c%02d' $((i % 30)))
	"$CONFINFO" watch --json --expires "$EXPIRES" "sip:$c@127.0.0.1:$KPORT" \
		>"$WORK/watch-$i.out" 2>"$WORK/watch-$i.err" &
	PIDS+=($!)
done
# Every watcher holds revision 1.
for i in $(seq 0 $((W - 1))); do
	wait_line "$WORK/watch-$i.out" '"subject":"rev 1"' 30 || die "watcher $i has no state"
done
victim=n1 best=-1
for n in n1 n2 n3; do
	k=$(grep -c '^subscribe ' "$WORK/$n.log")
	[ "$k" -gt "$best" ] && victim=$n best=$k
done
kill -9 "${NODE_PID[$victim]}"
t0=$(date +%s.%N)
python3 "$ROOT/tests/interop/scale_pub.py" "$KPORT" "$CONFS" 2 2 >"$WORK/pub2" ||
	die "publish failed"
# When each watcher first held revision 2.
python3 - "$WORK" "$W" "$t0" "$((EXPIRES * 2 + 60))" "$EXPIRES" <<'PY'
import sys, time
work, w, t0, limit = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])

back = {}
while len(back) < w and time.time() - t0 < limit:
    for i in range(w):
        if i in back:
            continue
        with open(f"{work}/watch-{i}.out") as f:
            lines = [l for l in f if '"event":"state"' in l]
        if lines and '"subject":"rev 2"' in lines[-1]:
            back[i] = time.time() - t0
    time.sleep(0.2)
moved = []
for i in range(w):
    with open(f"{work}/watch-{i}.out") as f:
        if '"event":"terminated"' in f.read() and i in back:
            moved.append(back[i])
missing = w - len(back)
if moved:
    moved.sort()
    mean = sum(moved) / len(moved)
    detail = (f"the {len(moved)} that moved: min {moved[0]:.1f}, mean "
              f"{mean:.1f}, max {moved[-1]:.1f} s")
else:
    detail = "none moved"
print(f"recovery_expires_{sys.argv[5]} all {w} watchers on the latest "
      f"revision {max(back.values()) if back else float('nan'):.1f} s after "
      f"the kill ({detail}; {missing} not back within {limit:.0f} s)")
PY
