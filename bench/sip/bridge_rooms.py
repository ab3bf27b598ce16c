#!/usr/bin/python3
"""The cost of the chat bridge for many conferences (issue 12).

  /usr/bin/python3 bench/sip/bridge_rooms.py BUILD/confinfo [CONFS]

Serves CONFS [1000] conferences of 5 users each, every one advertising a
room (the --chat-room template), once without the bridge (the baseline)
and once with it (its XMPP child played by tests/cli/fake_xmpp.py, which
joins every room at once), and prints:
- the focus's resident memory in both cases, and the difference per
  conference (what the bridge keeps: room state, overlay, base copy);
- the commands the bridge sent the child: one join per conference, and
  how many more after one change of every conference's document (the
  XMPP stanzas a change costs) and after one room presence per
  conference.
Not a test: the figures depend on the machine (docs/performance-sip.md).
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
FAKE = os.path.join(HERE, "..", "..", "tests", "cli", "fake_xmpp.py")


def doc(i, subject):
    users = "".join(
        "<user entity='sip:u%d@localhost'><endpoint entity='e'>"
        "<status>connected</status></endpoint></user>" % j for j in range(5))
    return ("<conference-info xmlns='urn:ietf:params:xml:ns:conference-info'"
            " entity='sip:c%d@localhost' state='full' version='1'>"
            "<conference-description><subject>%s</subject>"
            "</conference-description><users>%s</users></conference-info>"
            % (i, subject, users))


def write_all(d, n, subject):
    for i in range(n):
        tmp = os.path.join(d, ".c%d.xml" % i)
        with open(tmp, "w") as f:
            f.write(doc(i, subject))
        os.rename(tmp, os.path.join(d, "c%d.xml" % i))


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def count(path, needle):
    try:
        with open(path) as f:
            return sum(1 for line in f if needle in line)
    except OSError:
        return 0


def wait(cond, seconds=120):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.1)
    return False


def run(confinfo, tmp, n, bridge):
    confs = os.path.join(tmp, "confs-%d" % bridge)
    fake = os.path.join(tmp, "fake-%d" % bridge)
    os.makedirs(confs)
    os.makedirs(fake)
    os.mkfifo(os.path.join(fake, "events"))
    write_all(confs, n, "one")
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    args = [confinfo, "focus", "--conferences", confs, "--listen",
            "udp:127.0.0.1:%d" % port, "--domain", "localhost",
            "--chat-room", "xmpp:{name}@conference.localhost?join",
            "--quiet", "--max-subs", "10"]
    if bridge:
        pw = os.path.join(tmp, "pw")
        with open(pw, "w") as f:
            f.write("x\n")
        os.chmod(pw, 0o600)
        args += ["--xmpp-jid", "focus@localhost", "--xmpp-password-file", pw,
                 "--xmpp-program", FAKE, "--xmpp-muc", "conference.localhost",
                 "--xmpp-shared-domain", "localhost", "--bridge-hook",
                 "/bin/true"]
    log = open(os.path.join(tmp, "focus-%d.log" % bridge), "w")
    p = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT,
                         env=dict(os.environ, FAKE_XMPP_DIR=fake))
    cmds = os.path.join(fake, "commands.log")
    logp = log.name
    try:
        ok = wait(lambda: count(logp, "what=added") >= n)
        if bridge:
            ok = ok and wait(lambda: count(cmds, '"op":"join"') >= n)
        time.sleep(1)
        rss = rss_kib(p.pid)
        extra = {}
        if bridge:
            before = count(cmds, '"op"')
            write_all(confs, n, "two")
            wait(lambda: count(logp, "what=changed") >= n)
            time.sleep(1)
            extra["change"] = count(cmds, '"op"') - before
            ev = open(os.path.join(fake, "events"), "w")
            for i in range(n):
                ev.write(json.dumps({
                    "ev": "presence", "room": "c%d@conference.localhost" % i,
                    "nick": "u0", "jid": "u0@localhost/x", "available": True,
                    "role": "participant", "affiliation": "member",
                    "status": [], "actor": None, "reason": None,
                    "self": False}) + "\n")
            ev.flush()
            wait(lambda: count(logp, "what=changed") >= 2 * n)
            time.sleep(1)
            extra["presence"] = count(cmds, '"op"') - before - extra["change"]
            extra["rss_after_presences"] = rss_kib(p.pid)
        return ok, rss, extra
    finally:
        p.terminate()
        p.wait(timeout=10)


def main():
    confinfo = os.path.abspath(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    tmp = tempfile.mkdtemp(prefix="confinfo-bench-rooms.")
    try:
        ok0, rss0, _ = run(confinfo, tmp, n, False)
        ok1, rss1, extra = run(confinfo, tmp, n, True)
        print("conferences %d (all loaded: %s/%s)" % (n, ok0, ok1))
        print("rss without bridge %d KiB, with bridge %d KiB: "
              "%.1f KiB per conference"
              % (rss0, rss1, (rss1 - rss0) / float(n)))
        print("rss with one occupant per room %d KiB: %.1f KiB per "
              "conference above the baseline"
              % (extra["rss_after_presences"],
                 (extra["rss_after_presences"] - rss0) / float(n)))
        print("commands to the child: %d joins; %d after a change of "
              "every document; %d after one presence per room"
              % (n, extra["change"], extra["presence"]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
