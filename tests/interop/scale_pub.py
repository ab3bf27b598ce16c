#!/usr/bin/env python3
"""A stream of PUBLISHes for the scale-out tests (tests/interop/scale_*.sh).

    scale_pub.py PORT CONF[,CONF...] FIRST LAST [--gap MS] [--timeout S]

For every revision N from FIRST to LAST, and every conference CONF, sends
an initial PUBLISH (UDP, to 127.0.0.1:PORT, a proxy or a focus) of a full
conference-info document whose subject is "rev N", retransmitting as RFC
3261 17.1.2 says (T1 = 500 ms) until a final response or the timeout, and
prints one line per PUBLISH:

    CONF N CODE RETRY-AFTER TIME   (CODE 0: no final response; RETRY-AFTER
                                    "-" when absent; TIME: when the answer
                                    came, microseconds since the epoch)

A 200 means the focus stored that revision: the tests check that no
revision printed with 200 is ever lost. Each line is one write(2) (see
emit). Exit status 0 unless the socket failed.
"""
import argparse
import os
import re
import socket
import sys
import time

DOC = """<?xml version="1.0" encoding="UTF-8"?>
<conference-info xmlns="urn:ietf:params:xml:ns:conference-info"
    entity="sip:{conf}@example.com" state="full" version="1">
  <conference-description>
    <subject>rev {rev}</subject>
  </conference-description>
  <users>
    <user entity="sip:mixer@example.com" state="full">
      <display-text>rev {rev}</display-text>
    </user>
  </users>
</conference-info>
"""


def request(sock, port, conf, rev, seq):
    lport = sock.getsockname()[1]
    branch = "z9hG4bK" + os.urandom(6).hex()
    callid = os.urandom(8).hex() + "@scale-pub"
    body = DOC.format(conf=conf, rev=rev)
    head = (
        f"PUBLISH sip:{conf}@127.0.0.1:{port} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP 127.0.0.1:{lport};branch={branch};rport\r\n"
        "Max-Forwards: 70\r\n"
        f"From: <sip:mixer@example.com>;tag={os.urandom(4).hex()}\r\n"
        f"To: <sip:{conf}@127.0.0.1>\r\n"
        f"Call-ID: {callid}\r\n"
        f"CSeq: {seq} PUBLISH\r\n"
        "Event: conference\r\n"
        "Expires: 600\r\n"
        "Content-Type: application/conference-info+xml\r\n"
        f"Content-Length: {len(body.encode())}\r\n\r\n"
    )
    return (head + body).encode(), branch


def final_response(sock, port, msg, branch, timeout):
    deadline = time.monotonic() + timeout
    t1, wait = 0.5, 0.5
    next_send = 0.0
    provisional = False
    while True:
        now = time.monotonic()
        if now >= deadline:
            return 0, "-"
        if now >= next_send and not provisional:
            sock.sendto(msg, ("127.0.0.1", port))
            next_send = now + wait
            wait = min(wait * 2, 4.0)
        sock.settimeout(max(0.01, min(next_send, deadline) - now))
        try:
            data = sock.recv(65536).decode(errors="replace")
        except socket.timeout:
            continue
        if branch not in data:
            continue  # a late answer to an earlier request
        m = re.match(r"SIP/2.0 (\d{3})", data)
        if not m:
            continue
        code = int(m.group(1))
        if code < 200:
            provisional = True
            continue
        ra = re.search(r"(?im)^Retry-After:\s*(\d+)", data)
        return code, ra.group(1) if ra else "-"
    return 0, "-"


def emit(line):
    """Write LINE and its newline to stdout in one write(2). print() makes
    two writes (the text, then "\n") when PYTHONUNBUFFERED is set (it is
    in the environment the tests run in): two runs appending to one file
    (>>) at once could interleave them into one joined line and an empty
    one."""
    data = (line + "\n").encode()
    while data:
        data = data[os.write(sys.stdout.fileno(), data):]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("confs")
    ap.add_argument("first", type=int)
    ap.add_argument("last", type=int)
    ap.add_argument("--gap", type=int, default=0, help="ms between PUBLISHes")
    ap.add_argument("--timeout", type=float, default=8.0)
    a = ap.parse_args()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    seq = 1
    for rev in range(a.first, a.last + 1):
        for conf in a.confs.split(","):
            msg, branch = request(sock, a.port, conf, rev, seq)
            seq += 1
            code, ra = final_response(sock, a.port, msg, branch, a.timeout)
            now = int(time.time() * 1000000)
            emit(f"{conf} {rev} {code} {ra} {now}")
            if a.gap:
                time.sleep(a.gap / 1000.0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
