#!/usr/bin/python3
"""Chat bridge latency (issue 12): from a chat-room kick to the partial
NOTIFY at a subscriber, against the same change made through the
conference input (the baseline, measured in the same run).

  /usr/bin/python3 bench/sip/bridge_kick.py BUILD/confinfo [KICKS]

A `confinfo focus` (rate window 0) serves one conference of KICKS+1 users
[200] and bridges its room through tests/cli/fake_xmpp.py (the XMPP child's
protocol without a server, so that the figure is the focus's and not
Prosody's); the mixer hook is /bin/true; a `confinfo watch --json`
subscribes. Measured, per user:
- kick: an unavailable presence with 307 by the chair written to the
  child -> the focus runs the hook -> the `booted` event at the watcher;
- baseline: the conference document rewritten with the user's endpoint
  booted (rename into the directory) -> the same `booted` event.
Prints median and p99 of each, and the ratio. Not a test: the figures
depend on the machine (docs/performance-sip.md).
"""
import json
import os
import queue
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
FAKE = os.path.join(HERE, "..", "..", "tests", "cli", "fake_xmpp.py")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def user(name, booted=False):
    # Small: a NOTIFY of the whole state must stay under libre's 64 KiB
    # message limit (the users map through --xmpp-shared-domain).
    status = "disconnected" if booted else "connected"
    method = ("<disconnection-method>booted</disconnection-method>"
              if booted else "")
    return ("<user entity='sip:%s@localhost'>%s<endpoint entity='e'>"
            "<status>%s</status>%s</endpoint></user>"
            % (name,
               "<roles><entry>chair</entry></roles>" if name == "alice" else "",
               status, method))


def document(names, booted):
    return ("<?xml version='1.0' encoding='UTF-8'?>"
            "<conference-info xmlns='urn:ietf:params:xml:ns:conference-info'"
            " entity='sip:bench@localhost' state='full' version='1'><users>"
            + "".join(user(n, n in booted) for n in names)
            + "</users></conference-info>")


def write_doc(d, names, booted):
    tmp = os.path.join(d, ".bench.xml")
    with open(tmp, "w") as f:
        f.write(document(names, booted))
    os.rename(tmp, os.path.join(d, "bench.xml"))


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


def main():
    confinfo = os.path.abspath(sys.argv[1])
    kicks = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    tmp = tempfile.mkdtemp(prefix="confinfo-bench-bridge.")
    procs = []
    try:
        confs = os.path.join(tmp, "conferences")
        fake = os.path.join(tmp, "fake")
        os.makedirs(confs)
        os.makedirs(fake)
        os.mkfifo(os.path.join(fake, "events"))
        with open(os.path.join(tmp, "pw"), "w") as f:
            f.write("x\n")
        os.chmod(os.path.join(tmp, "pw"), 0o600)
        chat = ["k%03d" % i for i in range(kicks)]
        base = ["b%03d" % i for i in range(kicks)]
        names = ["alice"] + chat + base
        booted = set()
        write_doc(confs, names, booted)
        port = free_port()
        env = dict(os.environ, FAKE_XMPP_DIR=fake)
        focus = subprocess.Popen(
            [confinfo, "focus", "--conferences", confs, "--listen",
             "tcp:127.0.0.1:%d" % port, "--domain", "localhost",
             "--chat-room", "xmpp:{name}@conference.localhost?join",
             "--min-interval", "0", "--quiet", "--xmpp-jid",
             "focus@localhost", "--xmpp-password-file",
             os.path.join(tmp, "pw"), "--xmpp-program", FAKE,
             "--xmpp-muc", "conference.localhost",
             "--xmpp-shared-domain", "localhost", "--bridge-hook",
             "/bin/true", "--bridge-hook-rate", "1000000"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True)
        procs.append(focus)
        for line in focus.stdout:
            if "what=joined" in line:
                break
        threading.Thread(target=lambda: [None for _ in focus.stdout],
                         daemon=True).start()
        watch = subprocess.Popen(
            [confinfo, "watch", "--json", "--transport", "tcp", "--proxy",
             "sip:127.0.0.1:%d" % port, "sip:bench@localhost"],
            stdout=subprocess.PIPE, stderr=open(os.path.join(tmp, "watch.err"), "w"), text=True)
        procs.append(watch)
        events = queue.Queue()

        def reader():
            for line in watch.stdout:
                t = time.monotonic()
                if '"event":"booted"' in line or '"event":"state"' in line:
                    events.put((t, json.loads(line)))
        threading.Thread(target=reader, daemon=True).start()
        try:
            events.get(timeout=10)  # the first state
        except queue.Empty:
            print(open(os.path.join(tmp, "watch.err")).read())
            raise
        ev = open(os.path.join(fake, "events"), "w")

        def presence(nick, **kw):
            p = {"ev": "presence", "room": "bench@conference.localhost",
                 "nick": nick, "jid": nick + "@localhost/x",
                 "available": True, "role": "participant",
                 "affiliation": "none", "status": [], "actor": None,
                 "reason": None, "self": False}
            p.update(kw)
            ev.write(json.dumps(p) + "\n")
            ev.flush()

        presence("alice", role="moderator", affiliation="admin")
        for n in chat:
            presence(n)
        time.sleep(1.0)
        while not events.empty():
            events.get()

        def wait_booted(who):
            while True:
                t, e = events.get(timeout=10)
                if (e.get("event") == "booted"
                        and e["user"] == "sip:%s@localhost" % who):
                    return t

        kick = []
        for n in chat:
            t0 = time.monotonic()
            presence(n, available=False, role="none", status=[307],
                     actor="alice", reason="bench")
            kick.append((wait_booted(n) - t0) * 1000.0)
        baseline = []
        for n in base:
            booted.add(n)
            t0 = time.monotonic()
            write_doc(confs, names, booted)
            baseline.append((wait_booted(n) - t0) * 1000.0)
        for label, v in (("baseline_file_boot", baseline),
                         ("chat_kick", kick)):
            print("%-20s median %.2f ms  p99 %.2f ms  (n=%d)"
                  % (label, statistics.median(v), pct(v, 99), len(v)))
        print("ratio chat_kick / baseline: median %.2fx, p99 %.2fx"
              % (statistics.median(kick) / statistics.median(baseline),
                 pct(kick, 99) / pct(baseline, 99)))
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
