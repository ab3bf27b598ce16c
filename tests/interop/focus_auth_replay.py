"""Digest replay attacks on confinfo focus --auth (issue 13, defect 2).

A small SIP client over UDP on 127.0.0.1, in the attacker's place: it
captures its own Authorization headers and sends them again in other
requests. Usage: focus_auth_replay.py PORT CHECKS, CHECKS one of
"replay" (default nonce lifetime) or "stale" (focus run with
--nonce-lifetime 1). Every failed check is printed; exit 1 if any.
"""
import hashlib
import os
import re
import socket
import sys
import time

PORT = int(sys.argv[1])
WHAT = sys.argv[2]
REALM = "example.com"
FAILED = []
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(("127.0.0.1", 0))
sock.settimeout(5)
LPORT = sock.getsockname()[1]
SEQ = [0]


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        FAILED.append(what)


def answer_notify(data):
    """200 to a NOTIFY of the focus, echoing its transaction headers."""
    head = data.split("\r\n\r\n", 1)[0].split("\r\n")
    keep = [h for h in head[1:] if re.match(r"(?i)(via|from|to|call-id|cseq):", h)]
    sock.sendto(("SIP/2.0 200 OK\r\n" + "\r\n".join(keep) +
                 "\r\nContent-Length: 0\r\n\r\n").encode(), ("127.0.0.1", PORT))


def request(method, conf, auth=None, callid=None, ruri=None, user="alice",
            dialog=None, expires=600):
    """Send a request in a new dialog, or in @dialog (Call-ID, From tag,
    To tag, CSeq); the final response (code, headers)."""
    SEQ[0] += 1
    ftag, ttag, cseq = "t%d" % SEQ[0], "", 1
    if dialog:
        callid, ftag, ttag, cseq = dialog
        ttag = ";tag=" + ttag
    callid = callid or "replay-%d-%d@127.0.0.1" % (os.getpid(), SEQ[0])
    ruri = ruri or "sip:%s@127.0.0.1:%d" % (conf, PORT)
    branch = "z9hG4bK-%d-%d" % (os.getpid(), SEQ[0])
    msg = [
        "%s %s SIP/2.0" % (method, ruri),
        "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=%s;rport" % (LPORT, branch),
        "From: <sip:%s@example.com>;tag=%s" % (user, ftag),
        "To: <sip:%s@example.com>%s" % (conf, ttag),
        "Call-ID: " + callid,
        "CSeq: %d %s" % (cseq, method),
        "Contact: <sip:%s@127.0.0.1:%d>" % (user, LPORT),
        "Max-Forwards: 70",
        "Event: conference",
        "Expires: %d" % expires,
    ]
    if auth:
        msg.append("Authorization: " + auth)
    msg.append("Content-Length: 0")
    sock.sendto(("\r\n".join(msg) + "\r\n\r\n").encode(), ("127.0.0.1", PORT))
    deadline = time.time() + 5
    while time.time() < deadline:
        data = sock.recv(65535).decode("utf-8", "replace")
        if data.startswith("NOTIFY "):
            answer_notify(data)
            continue
        head = data.split("\r\n\r\n", 1)[0]
        if branch not in head:
            continue
        code = int(head.split(" ", 2)[1])
        if code >= 200:
            return code, head
    raise SystemExit("no final response to " + method)


def challenges(head):
    """The WWW-Authenticate headers: (algorithm, nonce, stale) each."""
    out = []
    for line in head.split("\r\n"):
        if line.lower().startswith("www-authenticate:"):
            alg = re.search(r"algorithm=([\w-]+)", line)
            out.append((alg.group(1) if alg else "MD5",
                        re.search(r'nonce="([^"]*)"', line).group(1),
                        "stale=true" in line.lower()))
    return out


def digest(alg, user, pw, method, uri, nonce, nc, cnonce="0a4f113b"):
    """An Authorization header value (RFC 7616, qop=auth)."""
    h = (lambda s: hashlib.sha256(s.encode()).hexdigest()) if alg == "SHA-256" \
        else (lambda s: hashlib.md5(s.encode()).hexdigest())
    ha1 = h("%s:%s:%s" % (user, REALM, pw))
    ha2 = h("%s:%s" % (method, uri))
    ncs = "%08x" % nc
    resp = h(":".join([ha1, nonce, ncs, cnonce, "auth", ha2]))
    return ('Digest username="%s", realm="%s", nonce="%s", uri="%s", '
            'response="%s", algorithm=%s, qop=auth, nc=%s, cnonce="%s"'
            % (user, REALM, nonce, uri, resp, alg, ncs, cnonce))


def nonce_for(alg, conf="conf1"):
    code, head = request("SUBSCRIBE", conf)
    for a, nonce, _ in challenges(head):
        if a == alg:
            return nonce, head
    return None, head


def uri(conf):
    return "sip:%s@127.0.0.1:%d" % (conf, PORT)


def replay_checks():
    nonce, head = nonce_for("MD5")
    algs = [c[0] for c in challenges(head)]
    check(algs == ["SHA-256", "MD5"], "both challenges, SHA-256 first: %s" % algs)
    if not nonce:
        check(False, "an MD5 challenge")
        return
    # A legitimate subscription, whose header the attacker captures.
    captured = digest("MD5", "alice", "secret", "SUBSCRIBE", uri("conf1"), nonce, 1)
    code, head = request("SUBSCRIBE", "conf1", captured, callid="alice-dlg",
                         user="alice")
    check(code == 200, "MD5 with nc=1: 200 (got %d)" % code)
    totag = re.search(r"(?im)^To:.*;tag=([^;\s]+)", head)
    ftag = "t%d" % SEQ[0]
    # bob, with his own password and From, ends alice's subscription
    # through its dialog identifiers (Call-ID and tags travel in clear).
    bnonce, _ = nonce_for("MD5")
    code, _ = request("SUBSCRIBE", "conf1", digest(
        "MD5", "bob", "bobpw", "SUBSCRIBE", uri("conf1"), bnonce, 1),
        user="bob", dialog=("alice-dlg", ftag, totag.group(1) if totag else "", 2),
        expires=0)
    check(code == 403, "bob refreshing alice's subscription: 403 (got %d)" % code)
    # The same header, another Call-ID (another dialog).
    code, _ = request("SUBSCRIBE", "conf1", captured)
    check(code == 403, "replay with a new Call-ID: 403 (got %d)" % code)
    # A header intercepted before it arrived, sent to another conference.
    held = digest("MD5", "alice", "secret", "SUBSCRIBE", uri("conf1"), nonce, 2)
    code, _ = request("SUBSCRIBE", "conf2", held)
    check(code == 403, "digest uri of conf1 in a request for conf2: 403 (got %d)" % code)
    # A correct response, but with a nonce count already used.
    again = digest("MD5", "alice", "secret", "SUBSCRIBE", uri("conf1"), nonce, 1,
                   cnonce="77777777")
    code, _ = request("SUBSCRIBE", "conf1", again)
    check(code == 403, "nonce count reused: 403 (got %d)" % code)
    # The nonce stays good for its client, with a higher count.
    nxt = digest("MD5", "alice", "secret", "SUBSCRIBE", uri("conf2"), nonce, 3)
    code, _ = request("SUBSCRIBE", "conf2", nxt)
    check(code == 200, "the same nonce with nc=3: 200 (got %d)" % code)
    # A nonce the focus never gave out: challenged, not stale.
    forged = digest("MD5", "alice", "secret", "SUBSCRIBE", uri("conf1"),
                    "0" * 15 + "9" + "ab" * 10, 1)
    code, head = request("SUBSCRIBE", "conf1", forged)
    stale = [c[2] for c in challenges(head)]
    check(code == 401 and not any(stale), "forged nonce: 401 not stale (got %d)" % code)
    # SHA-256 (RFC 7616, RFC 8760).
    nonce, _ = nonce_for("SHA-256")
    check(nonce is not None, "a SHA-256 challenge")
    if nonce:
        code, _ = request("SUBSCRIBE", "conf1", digest(
            "SHA-256", "alice", "secret", "SUBSCRIBE", uri("conf1"), nonce, 1))
        check(code == 200, "SHA-256: 200 (got %d)" % code)
        code, _ = request("SUBSCRIBE", "conf1", digest(
            "SHA-256", "alice", "wrong", "SUBSCRIBE", uri("conf1"), nonce, 2))
        check(code == 403, "SHA-256, wrong password: 403 (got %d)" % code)
    # bob has an MD5 line only: a SHA-256 answer from him is refused.
    nonce, _ = nonce_for("SHA-256")
    if nonce:
        code, _ = request("SUBSCRIBE", "conf1", digest(
            "SHA-256", "bob", "bobpw", "SUBSCRIBE", uri("conf1"), nonce, 1),
            user="bob")
        check(code == 403, "SHA-256 for an MD5-only user: 403 (got %d)" % code)


def stale_checks():
    nonce, _ = nonce_for("MD5")
    time.sleep(2.5)
    code, head = request("SUBSCRIBE", "conf1", digest(
        "MD5", "alice", "secret", "SUBSCRIBE", uri("conf1"), nonce, 1))
    ch = challenges(head)
    check(code == 401 and ch and all(c[2] for c in ch),
          "expired nonce: 401 with stale=true (got %d, %s)" % (code, ch))
    if ch:
        code, _ = request("SUBSCRIBE", "conf1", digest(
            "MD5", "alice", "secret", "SUBSCRIBE", uri("conf1"), ch[-1][1], 1))
        check(code == 200, "the fresh nonce after stale: 200 (got %d)" % code)


{"replay": replay_checks, "stale": stale_checks}[WHAT]()
sys.exit(1 if FAILED else 0)
