# The one shell library of the tests, sourced first by every command line
# test (tests/cli/*.sh) and every interop test (tests/interop/*.sh):
#
#   . "$(dirname "$0")/../lib.bash" "$@"
#
# It sits in tests/, above both kinds, because both need the same things: a
# private work directory, processes that are always stopped, bounded waits,
# loopback ports, and assertions that cannot pass by accident. It is not a
# test itself (ctest takes tests/cli/*.sh and tests/interop/*.sh), and ctest
# runs the tests (tests/CMakeLists.txt) as
#
#   bash cli/NAME.sh CONFINFO                  from tests/
#   bash interop/NAME.sh CONFINFO BUILD_DIR    from tests/interop/
#
# Sourcing it:
# - turns on `set -euo pipefail`: an unchecked failure ends the test. A
#   status that is expected to be non-zero is taken with `cmd || st=$?`
#   (or `run STATUS cmd`), never with `cmd; [ $? ... ]`;
# - sets CONFINFO (the tool, as an absolute path), BUILD_DIR (interop
#   tests: where sofia_sub is built), TESTS_DIR (this directory), TMP (a
#   private work directory, removed on exit unless KEEP_TMP is set);
# - traps EXIT to stop every process the test started (bg, start_focus,
#   and *.pid files that helper scripts leave in $TMP).
#
# Rules the helpers keep, and tests should keep too:
# - Every wait is bounded; readiness is polled for, never slept for.
# - A comparison first checks that each side was produced (its command
#   succeeded): two failures must not compare equal.
# - A negative assertion (lacks_line, json_lacks) fails when the check
#   could not run, not only when it matched.
#
# Sections: basics; processes; ports; running a command (cli); JSON;
# conference states; SIPp and Sofia-SIP; conference documents.

set -euo pipefail

CONFINFO=${1:?usage: $0 /path/to/confinfo [BUILD_DIR]}
CONFINFO=$(cd "$(dirname "$CONFINFO")" && pwd)/$(basename "$CONFINFO")
BUILD_DIR=${2:-}
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/confinfo-test.XXXXXX")
PIDS=()

# ---------------------------------------------------------------------
# Basics

cleanup() {
	local status=$? pid f
	# Processes started by helper scripts (e.g. a restart run by SIPp)
	# are not our children: they leave PID files.
	for f in "$TMP"/*.pid; do
		if [ -s "$f" ]; then
			PIDS+=("$(cat "$f")")
		fi
	done
	for pid in "${PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${PIDS[@]}"; do
		# Bounded: a process ignoring SIGTERM gets SIGKILL after 5 s.
		for _ in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	if [ -n "${KEEP_TMP:-}" ]; then
		echo "kept $TMP" >&2
	else
		rm -rf "$TMP"
	fi
	exit "$status"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# fail MESSAGE: end the test, showing the end of every log in $TMP.
fail() {
	local f
	echo "FAIL: $*" >&2
	for f in "$TMP"/*.out "$TMP"/*.err "$TMP"/*.log; do
		[ -s "$f" ] || continue
		echo "---- $f" >&2
		tail -n 40 "$f" >&2
	done
	exit 1
}

# need_cmd CMD PACKAGE: the test needs CMD (scripts/deps.sh installs it).
need_cmd() {
	command -v "$1" >/dev/null ||
		fail "$1 is not installed (Debian package $2; see scripts/deps.sh)"
}

# now_us: microseconds since the epoch.
now_us() {
	local t=${EPOCHREALTIME/[.,]/}
	echo "$((10#$t))"
}

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds; 1 if it
# did not within SECONDS.
wait_for() {
	local deadline=$(($(now_us) + $1 * 1000000))
	shift
	until "$@"; do
		[ "$(now_us)" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}

# has_line FILE REGEX: FILE exists and a line matches the extended REGEX.
has_line() {
	grep -Eq -- "$2" "$1" 2>/dev/null
}

# wait_line FILE REGEX [SECONDS]: poll (10 s by default) until has_line.
wait_line() {
	wait_for "${3:-10}" has_line "$1" "$2"
}

# lacks_line FILE REGEX: FILE can be read and no line matches REGEX. An
# unreadable FILE is a failure, not an absence.
lacks_line() {
	local st=0
	grep -Eq -- "$2" "$1" || st=$?
	case $st in
	0) echo "$1 has a line matching /$2/:" >&2 && grep -E -- "$2" "$1" | head -n 5 >&2 ;;
	1) return 0 ;;
	*) echo "cannot read $1" >&2 ;;
	esac
	return 1
}

# count_lines FILE REGEX: how many lines of FILE match REGEX (nothing if
# FILE cannot be read, which fails any numeric test of the result).
count_lines() {
	grep -Ec -- "$2" "$1" 2>/dev/null || true
}

# ---------------------------------------------------------------------
# Processes

# bg NAME CMD...: start CMD in the background, stdout to $TMP/NAME.out and
# stderr to $TMP/NAME.err; its pid lands in BG_PID and in PIDS.
bg() {
	local name=$1
	shift
	"$@" </dev/null >"$TMP/$name.out" 2>"$TMP/$name.err" &
	BG_PID=$!
	PIDS+=("$BG_PID")
}

pid_gone() {
	! kill -0 "$1" 2>/dev/null
}

# wait_exit PID SECONDS: wait for our child PID to end (the test fails if
# it still runs after SECONDS); its exit status in EXIT_STATUS.
wait_exit() {
	wait_for "$2" pid_gone "$1" || fail "process $1 still running after $2 s"
	EXIT_STATUS=0
	wait "$1" || EXIT_STATUS=$?
}

# start_focus NAME ARGS...: `confinfo focus ARGS` in the background (bg
# NAME: its log in $TMP/NAME.out), its pid in FOCUS_PID; returns once the
# focus printed "ready".
start_focus() {
	local name=$1
	shift
	bg "$name" "$CONFINFO" focus "$@"
	FOCUS_PID=$BG_PID
	wait_line "$TMP/$name.out" '^ready$' 10 || fail "focus $name did not start"
}

# stop_focus PID [STATUS-FILE]: SIGTERM, wait (10 s at most, then SIGKILL
# and 99) for the end, and return the exit status. A process that is not
# a child of this shell (started by a helper script) has a status `wait`
# cannot read (it answers 127): its starter must write the status to
# STATUS-FILE, which is read instead. A sanitizer report in an *.err file
# of $TMP returns 98 whatever the status.
stop_focus() {
	local pid=$1 status_file=${2:-} status=0
	kill -TERM "$pid" 2>/dev/null || true
	if ! wait_for 10 pid_gone "$pid"; then
		kill -KILL "$pid" 2>/dev/null || true
		echo "process $pid still running 10 s after SIGTERM" >&2
		return 99
	fi
	if [ -n "$status_file" ]; then
		# Its starter writes it just after the end.
		if ! wait_for 5 test -s "$status_file"; then
			echo "no exit status in $status_file" >&2
			return 97
		fi
		status=$(cat "$status_file")
	else
		wait "$pid" || status=$?
	fi
	if grep -Eqs 'AddressSanitizer|LeakSanitizer|runtime error:' "$TMP"/*.err; then
		echo "sanitizer report in $(grep -Els 'Sanitizer|runtime error:' "$TMP"/*.err)" >&2
		return 98
	fi
	return "$status"
}

# ---------------------------------------------------------------------
# Ports

# free_port: a port of 127.0.0.1 free for both UDP and TCP right now,
# picked at random below the ephemeral range (so that outgoing sockets do
# not take it) and so that tests run concurrently rarely collide.
free_port() {
	python3 - <<'PY'
import random, socket, sys
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
        sys.exit(0)
sys.exit("no free port")
PY
}

# port_open udp|tcp PORT: something listens on PORT (any address).
port_open() {
	local proto=$1 port=$2 hex
	hex=$(printf '%04X' "$port")
	if [ "$proto" = udp ]; then
		grep -q ":$hex 00000000:0000 07" /proc/net/udp /proc/net/udp6 2>/dev/null
	else
		grep -q ":$hex 00000000:0000 0A" /proc/net/tcp /proc/net/tcp6 2>/dev/null
	fi
}

# wait_port udp|tcp PORT: wait (10 s at most) until something listens.
wait_port() {
	wait_for 10 port_open "$1" "$2" || fail "nothing listens on $1 port $2"
}

need_free_port() {
	if port_open udp "$1" || port_open tcp "$1"; then
		fail "port $1 is in use"
	fi
}

# ---------------------------------------------------------------------
# Running a command and checking its output (the command line tests)

V=vectors/cli # the command line vectors, relative to tests/
OUT=$TMP/stdout
ERR=$TMP/stderr

show_io() {
	echo "--- stdout:" >&2
	head -c 4000 "$OUT" >&2 || true
	echo "--- stderr:" >&2
	head -c 4000 "$ERR" >&2 || true
}

# run STATUS CMD [ARGS...]: run CMD, its stdout to $OUT and its stderr to
# $ERR, and fail unless it exits with STATUS. Its standard input is the
# caller's, so that `run 0 "$CONFINFO" lint - <file` works.
run() {
	local want=$1 got=0 arg
	shift
	for arg in "$@"; do
		# The command's output goes there: it would read a truncated file.
		[ "$arg" != "$OUT" ] && [ "$arg" != "$ERR" ] ||
			fail "run: copy \$OUT or \$ERR before passing it to a command"
	done
	"$@" >"$OUT" 2>"$ERR" || got=$?
	if [ "$got" != "$want" ]; then
		show_io
		fail "'$*' exited with $got, expected $want"
	fi
}

# expect_err REGEX / expect_out REGEX: a line of $ERR / $OUT matches the
# extended regular expression.
expect_err() {
	grep -q -E -- "$1" "$ERR" || { show_io; fail "no stderr line matches /$1/"; }
}
expect_out() {
	grep -q -E -- "$1" "$OUT" || { show_io; fail "no stdout line matches /$1/"; }
}
# expect_out_fixed STRING: a line of $OUT contains STRING literally.
expect_out_fixed() {
	grep -q -F -- "$1" "$OUT" || { show_io; fail "stdout lacks '$1'"; }
}
expect_no_out() {
	[ ! -s "$OUT" ] || { show_io; fail "stdout should be empty"; }
}
expect_no_err() {
	[ ! -s "$ERR" ] || { show_io; fail "stderr should be empty"; }
}
# expect_err_lines N: $ERR has exactly N lines.
expect_err_lines() {
	local n
	n=$(wc -l <"$ERR")
	[ "$n" -eq "$1" ] || { show_io; fail "stderr has $n lines, expected $1"; }
}

# ---------------------------------------------------------------------
# JSON

# json_assert FILE PYEXPR...: each Python expression, evaluated with the
# JSON document of FILE as `d`, is true.
json_assert() {
	python3 - "$@" <<'PY'
import json, sys
path, exprs = sys.argv[1], sys.argv[2:]
with open(path) as f:
    d = json.load(f)
for e in exprs:
    if not eval("(" + e + ")", {"d": d}):
        sys.exit("FAIL: %s is false for %s:\n%s" % (e, path, json.dumps(d, indent=2)))
PY
}

# json_same A B [KEY...]: the JSON documents A and B are equal once the
# top-level KEYs are dropped from both.
json_same() {
	python3 - "$@" <<'PY'
import json, sys
a_path, b_path, drop = sys.argv[1], sys.argv[2], sys.argv[3:]
docs = []
for p in (a_path, b_path):
    with open(p) as f:
        d = json.load(f)
    for k in drop:
        d.pop(k, None)
    docs.append(d)
if docs[0] != docs[1]:
    sys.exit("FAIL: %s and %s differ:\n%s\n---\n%s" % (a_path, b_path,
             json.dumps(docs[0], indent=2), json.dumps(docs[1], indent=2)))
PY
}

# show_json FILE DEST: the normalised (JSON) view of a document.
show_json() {
	"$CONFINFO" show --json "$1" >"$2" 2>/dev/null || fail "show --json $1 failed"
}

# json_has FILE PYEXPR: some JSON line `e` of FILE (one object a line, as
# `confinfo watch --json` prints them) satisfies PYEXPR. 0 if one does, 1
# if none does, 2 if the check could not run (FILE unreadable, PYEXPR
# raising): polled by wait_for, 1 and 2 alike mean "not yet".
json_has() {
	python3 - "$1" "$2" <<'EOF'
import json, sys
path, expr = sys.argv[1], sys.argv[2]
try:
    lines = open(path).read().splitlines()
except OSError as err:
    sys.stderr.write("json_has: %s\n" % err)
    sys.exit(2)
for line in lines:
    try:
        e = json.loads(line)
    except ValueError:
        continue
    try:
        if eval(expr, {}, {"e": e}):
            sys.exit(0)
    except Exception as err:
        sys.stderr.write("json_has: %s on %s: %r\n" % (expr, line, err))
        sys.exit(2)
sys.exit(1)
EOF
}

# json_lacks FILE PYEXPR: FILE can be read, PYEXPR evaluates on each line,
# and no line satisfies it.
json_lacks() {
	local st=0
	json_has "$1" "$2" || st=$?
	[ "$st" -eq 0 ] && echo "a line of $1 satisfies: $2" >&2
	[ "$st" -eq 1 ]
}

# last_rev FILE: the last word of the subject of the last state a
# `confinfo watch --json` printed to FILE (the "rev N" of the documents
# that tests/interop/scale_pub.py publishes).
last_rev() {
	python3 -c '
import json, sys
last = ""
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("event") == "state":
        last = e["conference"]["subject"].split()[-1]
print(last)' "$1"
}

# watchers_at REV: every $TMP/watch-*.out (watchers started with
# `bg watch-NAME confinfo watch --json ...`) shows rev REV last.
watchers_at() {
	local f
	for f in "$TMP"/watch-*.out; do
		[ "$(last_rev "$f")" = "$1" ] || return 1
	done
}

# json_count FILE PYEXPR: how many JSON lines of FILE satisfy it.
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

# ---------------------------------------------------------------------
# Conference states

# canon FILE: the canonical form of a state, decoded and encoded again by
# confinfo, without the version (versions are per subscription). Fails
# when confinfo cannot read FILE.
canon() {
	"$CONFINFO" apply "$1" | sed -E 's/ version="[0-9]+"//'
}

# same_state GOT EXPECTED: GOT is not empty, both decode, and their
# canonical forms are equal. Each side is checked before the comparison.
same_state() {
	[ -s "$1" ] || return 1
	canon "$1" >"$TMP/canon-got.xml" || return 1
	canon "$2" >"$TMP/canon-expected.xml" || return 1
	cmp -s "$TMP/canon-got.xml" "$TMP/canon-expected.xml"
}

# assert_same_state GOT EXPECTED: same_state, or fail saying why.
assert_same_state() {
	[ -s "$1" ] || fail "no state saved in $1"
	canon "$1" >"$TMP/canon-got.xml" || fail "confinfo cannot read the state $1"
	canon "$2" >"$TMP/canon-expected.xml" || fail "confinfo cannot read $2"
	if ! diff "$TMP/canon-got.xml" "$TMP/canon-expected.xml" >&2; then
		fail "the watcher's state differs from $2"
	fi
}

# ---------------------------------------------------------------------
# SIPp and Sofia-SIP

SIPP_DIR=$TESTS_DIR/interop/sipp

# sipp_uas NAME SCENARIO PORT [TRANSPORT] [CALLS]: SIPp as a server (a
# notifier for the watcher) on 127.0.0.1:PORT, in the background (bg NAME,
# pid in SIPP_PID), ready when its socket is. SCENARIO is a path.
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

# sipp_ok NAME SECONDS: the SIPp server ran its scenario through.
sipp_ok() {
	wait_exit "$SIPP_PID" "$2"
	[ "$EXIT_STATUS" -eq 0 ] || fail "SIPp scenario $1 failed (status $EXIT_STATUS)"
}

# sipp_uac SCENARIO TRANSPORT(u1|t1) SERVICE FOCUS_PORT [SIPP ARGS...]:
# SIPp as a client of the focus, one call of sipp/SCENARIO run from $TMP
# (where its <exec> commands find their scripts); fails the test if the
# scenario fails.
sipp_uac() {
	local scen=$1 tp=$2 service=$3 fport=$4 lport
	shift 4
	need_cmd sipp sip-tester
	lport=$(free_port)
	cp "$SIPP_DIR/$scen" "$TMP/"
	(cd "$TMP" && timeout 60 sipp -sf "$scen" -t "$tp" -m 1 \
		-i 127.0.0.1 -p "$lport" -s "$service" -nostdin \
		-timeout 40s -timeout_error -max_recv_loops 1000 \
		-trace_msg -message_file "$TMP/sipp-${scen%.xml}-$tp.log" \
		-trace_err -error_file "$TMP/sipp-${scen%.xml}-$tp.err" \
		"$@" "127.0.0.1:$fport" >"$TMP/sipp-${scen%.xml}-$tp.out" 2>&1) ||
		fail "sipp $scen over $tp"
}

# need_sofia_sub: the Sofia-SIP subscriber of tests/interop/sofia_sub.c,
# built in BUILD_DIR, in SOFIA_SUB.
need_sofia_sub() {
	SOFIA_SUB=$BUILD_DIR/tests/interop/sofia_sub
	[ -x "$SOFIA_SUB" ] || fail "sofia_sub not built ($SOFIA_SUB)"
}

# ---------------------------------------------------------------------
# Conference documents

# write_conf DIR NAME <CONTENT: atomic write (temporary + rename), the way
# a conference system should update the directory the focus serves.
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
