# Shared by the SIP benchmarks (run.sh, kamailio.sh, scale.sh,
# scale_recovery.sh): sourced after the script has set WORK (its scratch
# directory). Benchmarks, not tests: they print figures and fail loudly,
# with no assertion of their own on the figures.

die() { echo "bench: $*" >&2; exit 1; }

# Processes the benchmark started (PIDS, and PostgreSQL's PG_PID), for
# bench_cleanup: `trap bench_cleanup EXIT` stops them and removes WORK
# (kept when KEEP_WORK is set).
PIDS=()
PG_PID=
bench_cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	[ -n "$PG_PID" ] && kill -INT "$PG_PID" 2>/dev/null
	wait 2>/dev/null
	[ "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}

# A free port of 127.0.0.1 (the kernel picks it).
free_port() {
	python3 -c 'import socket
s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_line FILE REGEX SECONDS: FILE has a line matching REGEX.
wait_line() {
	local i
	for i in $(seq $(($3 * 20))); do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
now() { date +%s.%N; }

# failed_calls OUT: SIPp's cumulative "Failed call" counter in its
# screen file OUT.
failed_calls() {
	grep -E '^ +Failed call' "$1" | tail -n 1 | awk -F'|' '{ gsub(/ /, "", $3); print $3 }'
}

# notify_retrans OUT: NOTIFY retransmissions SIPp saw (the second number
# of its NOTIFY rows).
notify_retrans() {
	awk '/NOTIFY/ && /<-/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+$/) { n++; if (n == 2) r += $i } n = 0 } END { print r + 0 }' "$1"
}

# start_postgres: a throwaway PostgreSQL in $WORK/pg on 127.0.0.1 (as
# nobody when run as root: postgres refuses root); sets PG_PID, PG_PORT
# and URI (a conninfo URI for --state). PG_BIN: the server's binaries.
start_postgres() {
	local as=()
	[ "$(id -u)" -eq 0 ] && as=(setpriv --reuid nobody --regid nogroup --clear-groups)
	mkdir "$WORK/pg"
	if [ ${#as[@]} -gt 0 ]; then
		chmod 711 "$WORK"
		chown nobody:nogroup "$WORK/pg"
	fi
	"${as[@]}" "$PG_BIN/initdb" -D "$WORK/pg/data" -A trust -U confinfo --no-sync \
		>"$WORK/initdb.log" 2>&1 || die "initdb failed"
	PG_PORT=$(free_port)
	"${as[@]}" "$PG_BIN/postgres" -D "$WORK/pg/data" -k "$WORK/pg" -h 127.0.0.1 \
		-p "$PG_PORT" >"$WORK/pg.log" 2>&1 &
	PG_PID=$!
	for _ in $(seq 100); do
		"$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U confinfo && break
		sleep 0.1
	done
	URI="postgresql://confinfo@127.0.0.1:$PG_PORT/postgres"
}

# A focus started with --workers W > 1 is a supervising parent and W
# worker processes (its children): its CPU and memory are those of the
# tree. tree_ticks PID: CPU clock ticks (user + system) of PID and its
# children; tree_rss_kb PID: their summed RSS in kB (pages shared after
# fork count once per process: an upper bound).
tree_pids() { echo "$1" $(pgrep -P "$1"); }
# tree_sum PID ticks|rss: the sum over the tree (a process gone counts 0).
tree_sum() {
	local pid t=0 v
	for pid in $(tree_pids "$1"); do
		case $2 in
		ticks) v=$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null) ;;
		rss) v=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null) ;;
		esac
		t=$((t + ${v:-0}))
	done
	echo "$t"
}
tree_ticks() { tree_sum "$1" ticks; }
tree_rss_kb() { tree_sum "$1" rss; }
# workers_rss_kb PID: the RSS of each child (worker) of PID, in kB,
# space-separated (nothing for a focus of one process).
workers_rss_kb() {
	local pid out=
	for pid in $(pgrep -P "$1"); do
		out="$out $(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)"
	done
	echo "${out# }"
}

# Clock ticks this shell's waited-for children used so far (cutime +
# cstime): around a foreground SIPp run, SIPp's CPU (plus the few small
# commands the shell ran meanwhile).
child_ticks() { awk '{ print $16 + $17 }' /proc/$$/stat; }

# focus_stop PID [GRACE]: SIGTERM (the parent passes it on to its
# workers, which log their `shutdown` and `udp` lines and remove the
# private store in /dev/shm), SIGKILL to the tree after GRACE (6) s:
# final NOTIFYs to a SIPp that is gone are given up after 5 s. A store
# left behind by a SIGKILL is removed too.
focus_stop() {
	local pid=$1 grace=${2:-6} p dirs i
	dirs=$(for p in $(tree_pids "$pid"); do
		ls -l "/proc/$p/fd" 2>/dev/null
	done | grep -o '/dev/shm/confinfo-focus\.[A-Za-z0-9]*' | sort -u)
	kill -TERM "$pid" 2>/dev/null
	for i in $(seq "$(awk -v g="$grace" 'BEGIN { printf "%d", g * 10 }')"); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 $(tree_pids "$pid") 2>/dev/null
	wait "$pid" 2>/dev/null
	for p in $dirs; do
		rm -rf "$p"
	done
}
# workers_ticks PID: the CPU clock ticks of each child (worker) of PID,
# space-separated.
workers_ticks() {
	local pid out=
	for pid in $(pgrep -P "$1"); do
		out="$out $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null)"
	done
	echo "${out# }"
}
