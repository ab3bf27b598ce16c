# Shared by tests/interop/watch_*.sh (sourced, not a test itself: ctest
# registers only tests/interop/*.sh). Each test runs as
#   bash watch_X.sh /path/to/confinfo BUILD_DIR
# from tests/interop/. Everything it starts is recorded and killed on exit;
# every wait is bounded; readiness is polled, never slept for.

set -euo pipefail

CONFINFO=${1:?usage: $0 /path/to/confinfo BUILD_DIR}
BUILD_DIR=${2:-}
HERE=$(pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/confinfo-watch.XXXXXX")
PIDS=()

cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${PIDS[@]}"; do
		# Bounded: a process ignoring TERM gets KILL after 2 s.
		for _ in $(seq 20); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null || true
	done
	if [ -n "${KEEP_TMP:-}" ]; then
		echo "kept $TMP" >&2
	else
		rm -rf "$TMP"
	fi
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	local f
	for f in "$TMP"/*.out "$TMP"/*.err "$TMP"/*.log; do
		[ -s "$f" ] || continue
		echo "---- $f" >&2
		tail -n 40 "$f" >&2
	done
	exit 1
}

skip() {
	echo "SKIP: $*" >&2
	exit 0
}

# bg NAME CMD...: start CMD in the background, stdout to NAME.out and
# stderr to NAME.err in $TMP; its pid lands in BG_PID and in PIDS.
bg() {
	local name=$1
	shift
	"$@" </dev/null >"$TMP/$name.out" 2>"$TMP/$name.err" &
	BG_PID=$!
	PIDS+=("$BG_PID")
}

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds.
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.1
	done
}

# Is something listening on 127.0.0.1:PORT (udp or tcp)?
port_open() {
	local proto=$1 port=$2 hex
	hex=$(printf '%04X' "$port")
	if [ "$proto" = udp ]; then
		grep -q ":$hex 00000000:0000 07" /proc/net/udp /proc/net/udp6 2>/dev/null
	else
		grep -q ":$hex 00000000:0000 0A" /proc/net/tcp /proc/net/tcp6 2>/dev/null
	fi
}

wait_port() {
	wait_for 10 port_open "$1" "$2" || fail "nothing listens on $1 port $2"
}

# A port of 127.0.0.1 free for both UDP and TCP right now. Ports are
# picked at random, so that tests run concurrently (another build
# directory, another developer) do not collide.
free_port() {
	python3 - <<'PY'
import random, socket
for _ in range(500):
    port = random.randint(20000, 32000)
    ok = True
    for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
        s = socket.socket(socket.AF_INET, kind)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            ok = False
        finally:
            s.close()
    if ok:
        print(port)
        break
PY
}

need_free_port() {
	if port_open udp "$1" || port_open tcp "$1"; then
		fail "port $1 is in use"
	fi
}

# need_cmd CMD PACKAGE: the test needs CMD, which scripts/deps.sh installs.
need_cmd() {
	command -v "$1" >/dev/null ||
		fail "$1 is not installed (Debian package $2; see scripts/deps.sh)"
}

# wait_exit PID SECONDS: wait for PID to end; its status in EXIT_STATUS.
wait_exit() {
	local pid=$1 secs=$2
	wait_for "$secs" bash -c "! kill -0 $pid 2>/dev/null" ||
		fail "process $pid still running after $secs s"
	set +e
	wait "$pid"
	EXIT_STATUS=$?
	set -e
}

# The canonical form of a state: decoded and encoded again by confinfo,
# without the version (versions are per subscription).
canon() {
	"$CONFINFO" apply "$1" | sed -E 's/ version="[0-9]+"//'
}

# assert_same_state GOT EXPECTED
assert_same_state() {
	[ -s "$1" ] || fail "no state saved in $1"
	if ! diff <(canon "$1") <(canon "$2") >"$TMP/state.diff"; then
		cat "$TMP/state.diff" >&2
		fail "the watcher's state differs from $2"
	fi
}

# json_has FILE PYTHON-EXPR: some JSON line e of FILE satisfies the expr.
json_has() {
	python3 - "$1" "$2" <<'EOF'
import json, sys
path, expr = sys.argv[1], sys.argv[2]
try:
    lines = open(path).read().splitlines()
except OSError:
    sys.exit(1)
for line in lines:
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if eval(expr, {}, {"e": e}):
        sys.exit(0)
sys.exit(1)
EOF
}

# json_count FILE PYTHON-EXPR: how many lines satisfy it.
json_count() {
	python3 - "$1" "$2" <<'EOF'
import json, sys
n = 0
for line in open(sys.argv[1]).read().splitlines():
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if eval(sys.argv[2], {}, {"e": e}):
        n += 1
print(n)
EOF
}

# sipp_uas NAME SCENARIO PORT [TRANSPORT] [CALLS]: a SIPp notifier on
# 127.0.0.1:PORT, ready when its socket is.
sipp_uas() {
	local name=$1 scen=$2 port=$3 tp=${4:-u1} calls=${5:-1}
	need_cmd sipp sip-tester
	need_free_port "$port"
	bg "$name" sipp -sf "$scen" -i 127.0.0.1 -p "$port" -t "$tp" \
		-m "$calls" -timeout 60s -timeout_error \
		-trace_err -error_file "$TMP/$name.log"
	SIPP_PID=$BG_PID
	if [ "$tp" = t1 ]; then
		wait_port tcp "$port"
	else
		wait_port udp "$port"
	fi
}

# sipp_ok NAME SECONDS: SIPp ran its scenario through.
sipp_ok() {
	wait_exit "$SIPP_PID" "$2"
	[ "$EXIT_STATUS" -eq 0 ] || fail "SIPp scenario $1 failed (status $EXIT_STATUS)"
}
