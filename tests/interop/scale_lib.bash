# Helpers of the scale-out tests (tests/interop/scale_*.sh), sourced after
# ../lib.bash: a PostgreSQL server in $TMP, focus nodes sharing it, and
# Kamailio running deploy/kamailio/kamailio.cfg unchanged in front of them.

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
[ -x "$PG_BIN/initdb" ] ||
	fail "PostgreSQL is not installed in $PG_BIN (Debian package postgresql; see scripts/deps.sh)"
# postgres refuses to run as root: CI runs the tests as root, so the
# server runs as nobody, in a directory nobody owns.
PG_AS=()
if [ "$(id -u)" -eq 0 ]; then
	PG_AS=(setpriv --reuid nobody --regid nogroup --clear-groups)
fi

# start_pg: initdb and start a server on a free port of 127.0.0.1; sets
# PG_PORT, PG_URI, PG_PID.
start_pg() {
	PG_PORT=$(free_port)
	mkdir "$TMP/pg"
	if [ ${#PG_AS[@]} -gt 0 ]; then
		chmod 711 "$TMP"
		chown nobody:nogroup "$TMP/pg"
	fi
	"${PG_AS[@]}" "$PG_BIN/initdb" -D "$TMP/pg/data" -A trust -U confinfo \
		--no-sync -E UTF8 >"$TMP/initdb.log" 2>&1 || fail "initdb failed"
	PG_URI="postgresql://confinfo@127.0.0.1:$PG_PORT/postgres"
	PG_RUNS=0
	run_pg
}

pg_ready() {
	"$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"
}

# run_pg: (re)start the server of start_pg; its log in $TMP/pgN.err.
run_pg() {
	PG_RUNS=$((PG_RUNS + 1))
	# fsync=off: a test kills processes, not the machine; commits still
	# wait for the server, which is what "stored before 200" needs.
	bg "pg$PG_RUNS" "${PG_AS[@]}" "$PG_BIN/postgres" -D "$TMP/pg/data" \
		-k "$TMP/pg" -h 127.0.0.1 -p "$PG_PORT" -c fsync=off \
		-c max_connections=50
	PG_PID=$BG_PID
	wait_for 15 pg_ready || fail "PostgreSQL did not start"
}

# stop_pg: fast shutdown (open connections are cut, as in a crash of the
# server process or a restart by an operator).
stop_pg() {
	kill -INT "$PG_PID"
	wait_exit "$PG_PID" 15
}

# psql_q SQL: one value from the test's database.
psql_q() {
	"$PG_BIN/psql" -X -A -t -q "$PG_URI" -c "$1"
}

# start_node NAME PORT: a focus node on udp:127.0.0.1:PORT, state in
# PostgreSQL; its log in $TMP/NAME.out, its pid in NODE_PID[NAME]. One
# process (--workers 1): the tests stop and kill a node by its pid.
declare -A NODE_PID NODE_PORT
start_node() {
	start_focus "$1" --conferences "$TMP/confs" \
		--listen "udp:127.0.0.1:$2" --min-interval 0 --expires-min 1 \
		--publisher '*' --state "$PG_URI" --workers 1
	NODE_PID[$1]=$FOCUS_PID
	NODE_PORT[$1]=$2
}

# start_kamailio PORT NODE-PORT...: the shipped configuration, with the
# nodes as its dispatcher list, probing every second, 2 s per try, one
# worker (messages relayed in the order they came: SIPp subscribers
# cannot take a 200 after the NOTIFY it was sent before).
start_kamailio() {
	local port=$1 p
	shift
	need_cmd kamailio kamailio
	[ -f /usr/lib/x86_64-linux-gnu/kamailio/modules/dispatcher.so ] ||
		fail "Kamailio's dispatcher module is missing (Debian package kamailio)"
	: >"$TMP/dispatcher.list"
	for p in "$@"; do
		echo "1 sip:127.0.0.1:$p" >>"$TMP/dispatcher.list"
	done
	mkdir -p "$TMP/kamailio"
	bg kamailio kamailio -f "$TESTS_DIR/../deploy/kamailio/kamailio.cfg" \
		-DD -E -Y "$TMP/kamailio" -l "udp:127.0.0.1:$port" \
		-A "DSLIST=\"$TMP/dispatcher.list\"" -A PING_INTERVAL=1 \
		-A FR_TIMER=2000 -A CHILDREN=1
	KAM_PID=$BG_PID
	wait_port udp "$port"
}

# publish NAME PORT CONFS FIRST LAST: scale_pub.py, its lines appended to
# $TMP/NAME.pub ("CONF REV CODE RETRY-AFTER").
publish() {
	local name=$1
	shift
	python3 "$TESTS_DIR/interop/scale_pub.py" "$@" >>"$TMP/$name.pub" ||
		fail "scale_pub.py failed"
}

# at_least N CMD...: the number CMD prints is N or more (for wait_for,
# which runs CMD again each time).
at_least() {
	local n=$1 got
	shift
	got=$("$@") || return 1
	[ -n "$got" ] && [ "$got" -ge "$n" ]
}

# prints VALUE CMD...: CMD prints VALUE (for wait_for).
prints() {
	local want=$1 got
	shift
	got=$("$@") || return 1
	[ "$got" = "$want" ]
}
