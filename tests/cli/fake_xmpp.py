#!/usr/bin/python3
"""A stand-in for confinfo-xmpp (the XMPP child of the chat bridge) that
speaks its JSON-lines protocol (briefs: bridge-protocol) without a server,
so that the bridge's tests need no Prosody.

- Every command the bridge sends is appended to $FAKE_XMPP_DIR/commands.log.
- join: answered with `joined` (affiliation $FAKE_XMPP_AFFIL [owner],
  whois $FAKE_XMPP_WHOIS [moderators]) and a `result`; role none (a kick
  by the bridge): the server's answer, an unavailable presence with 307
  and the bridge's nick as actor; quit: exit 0; others: result ok.
- Every line the test writes to the FIFO $FAKE_XMPP_DIR/events is passed
  to the bridge as an event, as it is.
- $FAKE_XMPP_STALL set: say `ready`, then read nothing and say nothing
  (a stalled XMPP side).
"""
import json
import os
import select
import sys
import time

d = os.environ["FAKE_XMPP_DIR"]
affil = os.environ.get("FAKE_XMPP_AFFIL", "owner")
whois = os.environ.get("FAKE_XMPP_WHOIS", "moderators")
log = open(os.path.join(d, "commands.log"), "a", buffering=1)
with open(os.path.join(d, "fake.pid"), "w") as f:
    f.write(str(os.getpid()))


def out(o):
    sys.stdout.write(json.dumps(o) + "\n")
    sys.stdout.flush()


out({"ev": "ready"})
if os.environ.get("FAKE_XMPP_STALL"):
    while True:
        time.sleep(60)
out({"ev": "connected", "jid": "focus@localhost/confinfo-1"})
events = os.open(os.path.join(d, "events"), os.O_RDWR | os.O_NONBLOCK)
inbuf = b""
evbuf = b""
nicks = {}


def command(cmd):
    op = cmd.get("op")
    room = cmd.get("room")
    if op == "join":
        nicks[room] = cmd.get("nick")
        out({"ev": "joined", "room": room, "nick": cmd.get("nick"),
             "created": True, "configured": True, "affiliation": affil,
             "role": "moderator", "whois": whois, "rejoin": False})
    elif op == "quit":
        out({"ev": "result", "id": cmd.get("id"), "ok": True})
        sys.exit(0)
    elif op == "role" and cmd.get("role") == "none":
        out({"ev": "presence", "room": room, "nick": cmd.get("nick"),
             "jid": None, "available": False, "role": "none",
             "affiliation": "none", "status": [307],
             "actor": nicks.get(room), "reason": cmd.get("reason"),
             "new_nick": None, "self": False})
    out({"ev": "result", "id": cmd.get("id"), "ok": True})


while True:
    r, _, _ = select.select([0, events], [], [])
    if 0 in r:
        data = os.read(0, 65536)
        if not data:
            sys.exit(0)
        inbuf += data
        while b"\n" in inbuf:
            line, inbuf = inbuf.split(b"\n", 1)
            log.write(line.decode() + "\n")
            command(json.loads(line))
    if events in r:
        evbuf += os.read(events, 65536)
        while b"\n" in evbuf:
            line, evbuf = evbuf.split(b"\n", 1)
            sys.stdout.write(line.decode() + "\n")
            sys.stdout.flush()
