# The XMPP harness of the interop tests (issue 12): a throwaway Prosody,
# scripted room occupants (xmpp_actor.py) and the XMPP child of the bridge
# (confinfo-xmpp) driven with JSON lines. Sourced after lib.bash:
#
#   . "$(dirname "$0")/../lib.bash" "$@"
#   . "$(dirname "$0")/prosody.bash"
#
# Prosody
#   start_prosody DIR
#       Start a Prosody of this test only, configured in DIR (created if
#       needed): c2s on a free port of 127.0.0.1 (no s2s, no HTTP, no
#       direct TLS), STARTTLS required, host "localhost" with the MUC
#       component "conference.localhost" (rooms locked until configured,
#       whois "moderators" by default), internal storage in DIR/data.
#       The first call makes a per-run CA (DIR/pki/ca.crt) and a server
#       certificate for localhost and conference.localhost (scripts/
#       pki.bash). Setting PROSODY_CERT=PREFIX beforehand serves
#       PREFIX.crt/PREFIX.key instead (TLS refusal tests). Called again
#       with the same DIR after stop_prosody, it restarts the same server
#       (same port, accounts, rooms). Returns once the port accepts;
#       exports PROSODY_PORT, PROSODY_CA, PROSODY_PID; logs in
#       DIR/prosody.log and $TMP/prosody.err. Root is fine (CI).
#   prosody_user USER PASSWORD
#       Register USER@localhost (offline, prosodyctl).
#   stop_prosody [KILL]
#       SIGTERM (or SIGKILL with KILL) and wait for the end. lib.bash's
#       EXIT trap stops it too.
#
# The focus with its bridge
#   start_bridge_focus NAME DIR PORT HOOK [ARGS...]
#       `confinfo focus` on udp:127.0.0.1:PORT serving DIR, its chat
#       bridge logged in to this Prosody as focus@localhost.
#
# Actors (tests/interop/xmpp_actor.py: one slixmpp occupant each)
#   start_actor NAME USER ROOM NICK [RESOURCE]
#       USER@localhost (password "pw-USER", registered here) joins
#       ROOM@conference.localhost as NICK; it prints JSON lines to
#       $TMP/NAME.out (see xmpp_actor.py); returns once it joined.
#   actor NAME COMMAND...
#       Send one command line (see xmpp_actor.py) to the actor.
#   ACTOR_DEBUG=--debug: slixmpp's debug log in $TMP/NAME.err.
#
# The XMPP child
#   start_xmppc NAME ARGS...
#       Run confinfo-xmpp ARGS with its stdin on a FIFO and its events in
#       $TMP/NAME.out (stderr: $TMP/NAME.err); pid in XMPPC_PID.
#   xmppc NAME JSON
#       Send one command line to it. The FIFO stays open in the test's
#       shell, so the child never sees the end of its stdin this way
#       (xmpp_hostile.sh pipes into a child for that).
#   ev_wait NAME PYEXPR [SECONDS]
#       Wait (10 s by default) until a JSON line `e` of $TMP/NAME.out (an
#       actor's or the child's) satisfies PYEXPR; fail the test if none.
#   xmppc_account USER
#       Register USER@localhost and write its password file
#       $TMP/USER.pass (mode 0600); prints the --jid/--password-file/
#       --ca/--connect arguments for that account, one a line.
#   XMPPC: the program (BUILD_DIR/confinfo-xmpp).

need_cmd prosody prosody
need_cmd prosodyctl prosody
[ -x /usr/bin/python3 ] || fail "/usr/bin/python3 is missing (Debian python3)"
/usr/bin/python3 -c 'import slixmpp' 2>/dev/null ||
	fail "slixmpp is missing (Debian python3-slixmpp)"

. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/pki.bash"

XMPPC=$BUILD_DIR/confinfo-xmpp
XMPP_ACTOR=$(dirname "${BASH_SOURCE[0]}")/xmpp_actor.py
XMPP_ACTOR=$(cd "$(dirname "$XMPP_ACTOR")" && pwd)/xmpp_actor.py
PROSODY_DIR=
PROSODY_PID=

# _prosody_config DIR PORT CERT-PREFIX: the configuration file.
_prosody_config() {
	cat <<LUA
-- Throwaway Prosody of one confinfo interop test.
daemonize = false
run_as_root = true
pidfile = "$1/prosody.pid"
admin_socket = "$1/admin.sock"
data_path = "$1/data"
plugin_paths = {}
certificates = "$1/pki"
log = { info = "$1/prosody.log"; error = "$1/prosody.log" }
interfaces = { "127.0.0.1" }
local_interfaces = { "127.0.0.1" }
c2s_ports = { $2 }
c2s_direct_tls_ports = {}
s2s_ports = {}
http_ports = {}
https_ports = {}
modules_enabled = { "roster"; "saslauth"; "tls"; "disco"; "ping"; "posix" }
modules_disabled = { "s2s"; "offline"; "c2s_limits" }
storage = "internal"
authentication = "internal_hashed"
c2s_require_encryption = true
allow_registration = false
ssl = { certificate = "$3.crt"; key = "$3.key" }
VirtualHost "localhost"
  ssl = { certificate = "$3.crt"; key = "$3.key" }
Component "conference.localhost" "muc"
  ssl = { certificate = "$3.crt"; key = "$3.key" }
  muc_room_locking = true
  muc_room_default_whois = "moderators"
  restrict_room_creation = false
LUA
}

start_prosody() {
	local dir=$1 cert
	mkdir -p "$dir/data" "$dir/pki"
	dir=$(cd "$dir" && pwd)
	PROSODY_DIR=$dir
	if [ ! -s "$dir/pki/ca.crt" ]; then
		pki_ca "$dir/pki/ca" "confinfo XMPP test CA" ||
			fail "openssl could not make the XMPP test CA"
		pki_leaf "$dir/pki/ca" "$dir/pki/server" localhost 2 \
			"subjectAltName=DNS:localhost,DNS:conference.localhost" ||
			fail "openssl could not make the Prosody certificate"
	fi
	[ -s "$dir/port" ] || free_port >"$dir/port"
	PROSODY_PORT=$(cat "$dir/port")
	PROSODY_CA=$dir/pki/ca.crt
	cert=${PROSODY_CERT:-$dir/pki/server}
	_prosody_config "$dir" "$PROSODY_PORT" "$cert" >"$dir/prosody.cfg.lua"
	wait_for 10 eval '! port_open tcp '"$PROSODY_PORT" ||
		fail "port $PROSODY_PORT is busy"
	prosody --config "$dir/prosody.cfg.lua" </dev/null \
		>>"$TMP/prosody.err" 2>&1 &
	PROSODY_PID=$!
	PIDS+=("$PROSODY_PID")
	export PROSODY_PORT PROSODY_CA PROSODY_PID
	wait_for 15 port_open tcp "$PROSODY_PORT" ||
		fail "Prosody did not listen on $PROSODY_PORT (see $dir/prosody.log)"
}

prosody_user() {
	prosodyctl --config "$PROSODY_DIR/prosody.cfg.lua" register "$1" \
		localhost "$2" >>"$TMP/prosodyctl.log" 2>&1 ||
		fail "prosodyctl could not register $1"
}

stop_prosody() {
	[ -n "$PROSODY_PID" ] || return 0
	# Disowned first: bash would print "Killed" when it reaps it.
	disown "$PROSODY_PID" 2>/dev/null || true
	kill -"${1:-TERM}" "$PROSODY_PID" 2>/dev/null || true
	wait_for 10 pid_gone "$PROSODY_PID" || {
		kill -KILL "$PROSODY_PID" 2>/dev/null || true
		wait_for 5 pid_gone "$PROSODY_PID" || fail "Prosody does not stop"
	}
	{ wait "$PROSODY_PID"; } 2>/dev/null || true
	PROSODY_PID=
}

# _fifo_open NAME FD-VAR: a FIFO $TMP/NAME.in held open read-write by this
# shell (so that neither side blocks and the reader never sees EOF until
# the test ends); its descriptor number in FD-VAR.
_fifo_open() {
	local _fifo_fd
	mkfifo "$TMP/$1.in"
	exec {_fifo_fd}<>"$TMP/$1.in"
	printf -v "$2" '%s' "$_fifo_fd"
}

start_actor() {
	local name=$1 user=$2 room=$3 nick=$4 res=${5:-actor} fd
	# Registered once (an actor may join again as another resource).
	[ -e "$PROSODY_DIR/data/localhost/accounts/$user.dat" ] ||
		prosody_user "$user" "pw-$user"
	_fifo_open "$name" fd
	/usr/bin/python3 "$XMPP_ACTOR" --jid "$user@localhost/$res" \
		--password "pw-$user" --port "$PROSODY_PORT" --ca "$PROSODY_CA" \
		--room "$room@conference.localhost" --nick "$nick" ${ACTOR_DEBUG:-} \
		<&"$fd" {fd}>&- >"$TMP/$name.out" 2>"$TMP/$name.err" &
	PIDS+=("$!")
	wait_for 20 json_has "$TMP/$name.out" 'e["ev"] == "joined"' ||
		fail "actor $name did not join $room"
}

actor() {
	local name=$1
	shift
	printf '%s\n' "$*" >"$TMP/$name.in"
}

start_xmppc() {
	local name=$1 fd
	shift
	[ -x "$XMPPC" ] || fail "confinfo-xmpp is not built ($XMPPC)"
	_fifo_open "$name" fd
	"$XMPPC" "$@" <&"$fd" {fd}>&- >"$TMP/$name.out" 2>"$TMP/$name.err" &
	XMPPC_PID=$!
	PIDS+=("$XMPPC_PID")
}

xmppc() {
	printf '%s\n' "$2" >"$TMP/$1.in"
}

xmppc_account() {
	local user=$1
	prosody_user "$user" "pw-$user"
	(umask 077 && printf 'pw-%s\n' "$user" >"$TMP/$user.pass")
	printf '%s\n' --jid "$user@localhost" --password-file "$TMP/$user.pass" \
		--ca "$PROSODY_CA" --connect "127.0.0.1:$PROSODY_PORT"
}

# start_child_in_room ROOM CONFIG ADMINS: Prosody started in $TMP/prosody,
# the XMPP child "x" logged in as "bridge" (its options in ARGS) and in
# ROOM, joined with command id 1 and the JSON CONFIG and ADMINS.
start_child_in_room() {
	start_prosody "$TMP/prosody"
	mapfile -t ARGS < <(xmppc_account bridge)
	start_xmppc x "${ARGS[@]}"
	ev_wait x 'e["ev"] == "connected"'
	xmppc x '{"op":"join","id":1,"room":"'"$1"'","nick":"focus","config":'"$2"',"admins":'"$3"'}'
	ev_wait x 'e["ev"] == "result" and e["id"] == 1 and e["ok"]'
}

# start_bridge_focus NAME DIR PORT HOOK [ARGS...]: `confinfo focus`
# serving DIR on udp:127.0.0.1:PORT (domain localhost, rate window 0),
# with its chat bridge logged in to this Prosody as "focus" (the account
# is registered here), rooms on conference.localhost, and HOOK as the
# mixer hook; ARGS go to the focus too. Returns once the focus is ready
# (start_focus), not once it joined its rooms.
start_bridge_focus() {
	local name=$1 dir=$2 port=$3 hook=$4 account
	shift 4
	mapfile -t account < <(xmppc_account focus)
	start_focus "$name" --conferences "$dir" \
		--listen "udp:127.0.0.1:$port" --domain localhost \
		--min-interval 0 --xmpp-program "$XMPPC" \
		--xmpp-jid "${account[1]}" --xmpp-password-file "${account[3]}" \
		--xmpp-ca "${account[5]}" --xmpp-connect "${account[7]}" \
		--xmpp-muc conference.localhost --bridge-hook "$hook" "$@"
}

ev_wait() {
	wait_for "${3:-10}" json_has "$TMP/$1.out" "$2" ||
		fail "$1: no event with $2"
}
