# Shared by the tests/interop/focus_*.sh scripts (sourced, not a test).
#
# Every script runs as `bash focus_X.sh /path/to/confinfo BUILD_DIR` from
# tests/interop/. It gets a private work directory, free loopback ports,
# and a trap that kills every process it started, whatever happens.
# Readiness is polled for (log lines), never assumed after a sleep.

set -u

CONFINFO=${1:?usage: focus_X.sh /path/to/confinfo BUILD_DIR}
BUILD_DIR=${2:-}
CONFINFO=$(cd "$(dirname "$CONFINFO")" && pwd)/$(basename "$CONFINFO")
SIPP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/confinfo-focus.XXXXXX")
PIDS=()

command -v sipp >/dev/null || { echo "sipp not installed (sip-tester)"; exit 1; }

cleanup() {
	local pid f
	# Processes started by helper scripts (restart.sh) leave PID files.
	for f in "$WORK"/*.pid; do
		[ -s "$f" ] && PIDS+=("$(cat "$f")")
	done
	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${PIDS[@]}"; do
		# Bounded: a process that ignores SIGTERM gets SIGKILL.
		for _ in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$pid" 2>/dev/null
	done
	wait 2>/dev/null
	if [ "${KEEP_WORK:-}" ]; then
		echo "work directory kept: $WORK"
	else
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
	echo "FAIL: $*"
	for f in "$WORK"/*.log "$WORK"/*.err; do
		[ -s "$f" ] || continue
		echo "--- $f"
		tail -n 60 "$f"
	done
	exit 1
}

# A port free on 127.0.0.1 for both UDP and TCP.
free_port() {
	python3 - <<'PY'
import socket
for _ in range(100):
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t.bind(("127.0.0.1", 0))
    port = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", port))
    except OSError:
        t.close()
        continue
    t.close(); u.close()
    print(port)
    break
PY
}

# wait_for FILE REGEX SECONDS: poll until FILE has a line matching REGEX.
wait_for() {
	local file=$1 re=$2 secs=${3:-10} i
	for i in $(seq $((secs * 20))); do
		grep -Eq -- "$re" "$file" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# count_lines FILE REGEX
count_lines() {
	grep -Ec -- "$2" "$1" 2>/dev/null || true
}

# start_focus NAME ARGS...: start `confinfo focus ARGS` logging to
# $WORK/NAME.log (stdout) and NAME.err; returns once it printed "ready".
start_focus() {
	local name=$1
	shift
	"$CONFINFO" focus "$@" >"$WORK/$name.log" 2>"$WORK/$name.err" &
	FOCUS_PID=$!
	PIDS+=("$FOCUS_PID")
	wait_for "$WORK/$name.log" '^ready$' 10 || fail "focus $name did not start"
}

# stop_focus PID: SIGTERM and wait (bounded) for a clean exit; returns
# its exit status (0 for a process that is not our child, e.g. started
# by a helper script, once it is gone: its status is not ours to read).
stop_focus() {
	local pid=$1 i
	kill -TERM "$pid" 2>/dev/null
	for i in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && { kill -9 "$pid"; return 99; }
	wait "$pid" 2>/dev/null
	i=$?
	# Under ASan/UBSan a report fails the test even if the exit status
	# got lost (a process that is not our child).
	if grep -Eqs 'AddressSanitizer|LeakSanitizer|runtime error:' "$WORK"/*.err; then
		echo "sanitizer report in $(grep -Els 'Sanitizer|runtime error:' "$WORK"/*.err)"
		return 98
	fi
	[ "$i" -eq 127 ] && return 0
	return "$i"
}

# run_sipp SCENARIO TRANSPORT(u1|t1) SERVICE FOCUS_PORT [sipp args...]
# Runs one call of a scenario from $WORK; fails the test if it fails.
run_sipp() {
	local scen=$1 tp=$2 service=$3 fport=$4
	shift 4
	local lport
	lport=$(free_port)
	cp "$SIPP_DIR/$scen" "$WORK/"
	(cd "$WORK" && timeout 60 sipp -sf "$scen" -t "$tp" -m 1 \
		-i 127.0.0.1 -p "$lport" -s "$service" -nostdin \
		-timeout 40s -timeout_error -max_recv_loops 1000 \
		-trace_msg -message_file "$WORK/sipp-${scen%.xml}-$tp.log" \
		-trace_err -error_file "$WORK/sipp-${scen%.xml}-$tp.err" \
		"$@" "127.0.0.1:$fport" >"$WORK/sipp-${scen%.xml}-$tp.out" 2>&1) \
		|| fail "sipp $scen over $tp"
}

# write_conf DIR NAME FILE-CONTENT: atomic write (temporary + rename), the
# way a conference system should update the directory.
write_conf() {
	local dir=$1 name=$2
	cat >"$dir/.$name.xml.tmp"
	mv "$dir/.$name.xml.tmp" "$dir/$name.xml"
}

# conf_doc NAME USERS...: a full conference document with these users.
conf_doc() {
	local name=$1 u
	shift
	cat <<XML
<?xml version="1.0" encoding="UTF-8"?>
<conference-info xmlns="urn:ietf:params:xml:ns:conference-info"
    entity="sip:$name@example.com" state="full" version="7">
  <conference-description>
    <subject>Test conference $name</subject>
  </conference-description>
  <conference-state>
    <user-count>$#</user-count>
  </conference-state>
  <users>
XML
	for u in "$@"; do
		cat <<XML
    <user entity="sip:$u@example.com" state="full">
      <display-text>$u</display-text>
      <endpoint entity="sip:$u@pc.example.com">
        <status>connected</status>
      </endpoint>
    </user>
XML
	done
	cat <<XML
  </users>
</conference-info>
XML
}
