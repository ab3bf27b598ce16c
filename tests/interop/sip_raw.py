#!/usr/bin/env python3
"""Send hand-written SIP requests to a focus on loopback and print what
comes back: the tool of the interop tests for requests no SIP stack
would send (no Call-ID, a Content-Length that wraps, ...).

    sip_raw.py [options] udp|tcp|tls PORT < MESSAGE

MESSAGE is the request as text, lines ending in LF (sent as CRLF), the
body after the first empty line sent as it is. In it, {lport} is the
local port of the socket that sends (its source address), {vport} the
port of a second UDP socket (the "victim" of --victim ADDR), {callid} a
Call-ID (the same for --then), {totag} (--then) the To tag of the 2xx,
and `Content-Length: auto` becomes the body's length (`auto+N`: the
body's length plus N).

Printed on standard output, one line each:
    response CODE REASON      a response to the request
    request METHOD            a request received on the sending socket
                              (answered 200; --save FILE keeps its body)
    victim BYTES              a datagram received by the victim socket
    closed                    (tcp) the focus closed the connection
    contact VALUE             (--contacts) the Contact of that message
tls connects to 127.0.0.1 and verifies the focus against --ca.
Exit status 0 unless the socket failed.
"""
import argparse
import os
import re
import select
import socket
import ssl
import sys
import time


CALLID = os.urandom(8).hex() + "@raw"


def build(text, lport, vport, totag=""):
    text = text.replace("{lport}", str(lport)).replace("{vport}", str(vport))
    text = text.replace("{callid}", CALLID).replace("{totag}", totag)
    head, sep, body = text.partition("\n\n")
    lines = head.split("\n")
    out = []
    for line in lines:
        m = re.match(r"(?i)content-length:\s*auto(\+\d+)?\s*$", line)
        if m:
            extra = int(m.group(1)[1:]) if m.group(1) else 0
            line = "Content-Length: %d" % (len(body.encode()) + extra)
        out.append(line)
    return ("\r\n".join(out) + "\r\n\r\n").encode() + body.encode()


def answer(msg):
    """A 200 for a request (the NOTIFYs a subscriber gets)."""
    head = msg.split(b"\r\n\r\n", 1)[0].decode(errors="replace")
    keep = [l for l in head.split("\r\n")[1:]
            if re.match(r"(?i)(via|from|to|call-id|cseq|v|f|t|i):", l)]
    return ("SIP/2.0 200 OK\r\n" + "\r\n".join(keep) +
            "\r\nContent-Length: 0\r\n\r\n").encode()


CONTACTS = False


def show_contact(msg):
    if not CONTACTS:
        return
    head = msg.split(b"\r\n\r\n", 1)[0].decode(errors="replace")
    for m in re.finditer(r"(?im)^(?:contact|m)\s*:\s*(.*)$", head):
        print("contact " + m.group(1).strip(), flush=True)


def report(msg, sock_send, save, then):
    first = msg.split(b"\r\n", 1)[0].decode(errors="replace")
    if first.startswith("SIP/2.0 "):
        print("response " + first[8:], flush=True)
        show_contact(msg)
        if then and first[8:9] == "2":
            head = msg.split(b"\r\n\r\n", 1)[0].decode(errors="replace")
            m = re.search(r"(?im)^(?:to|t)\s*:.*;\s*tag=([^;\s]+)", head)
            then(m.group(1) if m else "")
    else:
        print("request " + first.split(" ", 1)[0], flush=True)
        show_contact(msg)
        if save:
            with open(save, "wb") as f:
                f.write(msg.split(b"\r\n\r\n", 1)[-1])
        sock_send(answer(msg))


def split_stream(buf):
    """Complete messages at the start of a TCP buffer, and the rest."""
    msgs = []
    while True:
        end = buf.find(b"\r\n\r\n")
        if end < 0:
            return msgs, buf
        m = re.search(rb"(?im)^(content-length|l)\s*:\s*(\d+)", buf[:end])
        total = end + 4 + (int(m.group(2)) if m else 0)
        if len(buf) < total:
            return msgs, buf
        msgs.append(buf[:total])
        buf = buf[total:]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("transport", choices=("udp", "tcp", "tls"))
    ap.add_argument("port", type=int)
    ap.add_argument("--wait", type=float, default=2.0,
                    help="seconds to listen after sending [2]")
    ap.add_argument("--save", metavar="FILE",
                    help="write the body of each request received to FILE")
    ap.add_argument("--victim", metavar="ADDR",
                    help="open the second UDP socket of {vport} on ADDR")
    ap.add_argument("--then", metavar="FILE",
                    help="after the first 2xx, send the message of FILE "
                    "({totag}: the To tag of that 2xx; same Call-ID)")
    ap.add_argument("--ca", metavar="FILE",
                    help="(tls) the CA that issued the focus's certificate")
    ap.add_argument("--contacts", action="store_true",
                    help="print the Contact of every message received")
    args = ap.parse_args()
    global CONTACTS
    CONTACTS = args.contacts
    text = sys.stdin.read()
    dest = ("127.0.0.1", args.port)
    victim = None
    vport = 0
    if args.victim:
        victim = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        victim.bind((args.victim, 0))
        vport = victim.getsockname()[1]
    if args.transport == "udp":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        def send(data):
            s.sendto(data, dest)
    else:
        s = socket.create_connection(dest, timeout=5)
        if args.transport == "tls":
            ctx = ssl.create_default_context(cafile=args.ca)
            s = ctx.wrap_socket(s, server_hostname="127.0.0.1")
        def send(data):
            s.sendall(data)
    lport = s.getsockname()[1]
    send(build(text, lport, vport))
    pending = [open(args.then).read()] if args.then else []

    def then(totag):
        if pending:
            send(build(pending.pop(), lport, vport, totag))
    socks = [s] + ([victim] if victim else [])
    deadline = time.time() + args.wait
    buf = b""
    while True:
        left = deadline - time.time()
        if left <= 0:
            break
        ready, _, _ = select.select(socks, [], [], left)
        for r in ready:
            if r is victim:
                data, _ = victim.recvfrom(65536)
                print("victim %d" % len(data), flush=True)
                show_contact(data)
                continue
            if args.transport == "udp":
                data, _ = s.recvfrom(65536)
                report(data, send, args.save, then)
                continue
            data = s.recv(65536)
            # TLS: select() does not see what the SSL layer already read
            while data and isinstance(s, ssl.SSLSocket) and s.pending():
                data += s.recv(s.pending())
            if not data:
                print("closed", flush=True)
                socks.remove(s)
                continue
            msgs, buf = split_stream(buf + data)
            for m in msgs:
                report(m, send, args.save, then)
        if not socks:
            break
    return 0


if __name__ == "__main__":
    sys.exit(main())
