# confinfo focus against connection floods (issue 13, defect 7).
# 1. Out of descriptors: under a limit of 64 descriptors, 100 TCP
#    connections that never send anything. libre's accept loop used to
#    spin at 99 % CPU once accept() failed with EMFILE; the focus's guard
#    ends connections (shutdown) and takes queued ones off the listener,
#    so the CPU is idle again within a second or two, the guard says
#    what it did, and a real subscriber is served.
# 2. --tcp-idle: a connection that sends no request is closed after it
#    (libre alone waits 32 s).
# 3. --max-connections: connections above the limit are closed, the
#    newest first.
# One worker (--workers 1): the limits and the CPU measured are those of
# one process.
. "$(dirname "$0")/../lib.bash" "$@"

RAW=$TESTS_DIR/interop/sip_raw.py
mkdir "$TMP/confs"
conf_doc conf1 alice | write_conf "$TMP/confs" conf1

# cpu_ticks PID: user + system clock ticks the process used so far.
cpu_ticks() {
	awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}

# subscribe_tcp PORT NAME: a fetch over a new TCP connection; 0 on 200.
subscribe_tcp() {
	python3 "$RAW" tcp "$1" --wait 1 >"$TMP/$2.raw" 2>&1 <<SIP || return 1
SUBSCRIBE sip:conf1@127.0.0.1:$1 SIP/2.0
Via: SIP/2.0/TCP 127.0.0.1:{lport};branch=z9hG4bK-{callid}
From: <sip:alice@example.com>;tag=f1
To: <sip:conf1@127.0.0.1>
Call-ID: {callid}
CSeq: 1 SUBSCRIBE
Contact: <sip:alice@127.0.0.1:{lport};transport=tcp>
Max-Forwards: 70
Event: conference
Expires: 0
Content-Length: 0

SIP
	grep -q '^response 200' "$TMP/$2.raw"
}

# --- 1. Descriptors exhausted.
PORT=$(free_port)
bg focus1 bash -c 'ulimit -Sn 64 && ulimit -Hn 64 && exec "$0" "$@"' \
	"$CONFINFO" focus --conferences "$TMP/confs" --workers 1 \
	--listen "tcp:127.0.0.1:$PORT" --tcp-idle 2
FOCUS_PID=$BG_PID
wait_line "$TMP/focus1.out" '^ready$' 10 || fail "focus1 did not start"
python3 - "$PORT" >"$TMP/flood.out" 2>&1 <<'PY' &
import socket, sys, time
socks = []
for _ in range(100):
    try:
        socks.append(socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=0.3))
    except OSError:
        pass
print("flood", len(socks), flush=True)
time.sleep(30)
PY
FLOOD_PID=$!
PIDS+=("$FLOOD_PID")
wait_line "$TMP/flood.out" '^flood ' 30 || fail "the flood did not run"
sleep 2
t0=$(cpu_ticks "$FOCUS_PID")
sleep 2
t1=$(cpu_ticks "$FOCUS_PID")
ticks=$((t1 - t0))
echo "focus CPU over 2 s with the flood held: $ticks ticks"
[ "$ticks" -lt 40 ] || fail "the focus spins: $ticks clock ticks in 2 s"
grep -Eq '^connections what=(exhausted|limit|idle) closed=[0-9]+ open=[0-9]+$' \
	"$TMP/focus1.out" || fail "the guard did not report what it closed"
wait_for 10 subscribe_tcp "$PORT" sub1 ||
	fail "a subscriber is not served after the flood: $(cat "$TMP/sub1.raw")"
kill "$FLOOD_PID" 2>/dev/null || true
stop_focus "$FOCUS_PID" || fail "focus1 exit status $?"

# --- 2 and 3. --tcp-idle 1 --max-connections 5.
PORT=$(free_port)
start_focus focus2 --conferences "$TMP/confs" --workers 1 \
	--listen "tcp:127.0.0.1:$PORT" --tcp-idle 1 --max-connections 5
python3 - "$PORT" >"$TMP/conns.out" 2>&1 <<'PY' || fail "$(cat "$TMP/conns.out")"
import select, socket, sys, time
port = int(sys.argv[1])
def closed_within(s, secs):
    """True when the focus closed s within secs (recv gives b'')."""
    end = time.time() + secs
    while time.time() < end:
        r, _, _ = select.select([s], [], [], end - time.time())
        if r:
            try:
                if s.recv(65536) == b"":
                    return True
            except ConnectionResetError:
                return True
    return False
# 2. A silent connection: closed after about 1 s, well before 32 s.
t = time.time()
s = socket.create_connection(("127.0.0.1", port))
if not closed_within(s, 5):
    sys.exit("the silent connection is still open after 5 s")
print("silent connection closed after %.1f s" % (time.time() - t))
# 3. Eight connections, each sending a request (OPTIONS, answered):
# at most five stay open.
opts = ("OPTIONS sip:conf1@127.0.0.1 SIP/2.0\r\n"
        "Via: SIP/2.0/TCP 127.0.0.1:%d;branch=z9hG4bK-o%d\r\n"
        "From: <sip:a@example.com>;tag=o%d\r\nTo: <sip:conf1@127.0.0.1>\r\n"
        "Call-ID: o%d@x\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
        "Content-Length: 0\r\n\r\n")
socks = []
for i in range(8):
    c = socket.create_connection(("127.0.0.1", port))
    c.sendall((opts % (c.getsockname()[1], i, i, i)).encode())
    socks.append(c)
    time.sleep(0.05)
closed = [i for i, c in enumerate(socks) if closed_within(c, 3 if i == 0 else 0.2)]
print("closed of 8:", closed)
if len(socks) - len(closed) > 5:
    sys.exit("%d connections stay open, the limit is 5" % (8 - len(closed)))
if 0 in closed:
    sys.exit("the oldest connection was closed before the newest")
PY
cat "$TMP/conns.out"
grep -Eq '^connections what=idle closed=1 ' "$TMP/focus2.out" ||
	fail "the idle connection was not reported"
grep -Eq '^connections what=limit closed=[0-9]+ open=5$' "$TMP/focus2.out" ||
	fail "the connections over the limit were not reported"
stop_focus "$FOCUS_PID" || fail "focus2 exit status $?"
echo "PASS"
