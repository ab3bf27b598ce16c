#!/usr/bin/env python3
"""Run a command on a new pseudo-terminal (its controlling terminal) and
answer its chat-room prompts: pty_answer.py LOG ANSWERS -- CMD...

ANSWERS maps a room URI to "y" or "n" as a JSON object. Every prompt is
logged to LOG as a JSON line {"uri": ..., "t": seconds since start}; a
prompt for a room not in ANSWERS, or for a room already asked about, is
answered "n" and logged too (the test then fails on it). The command runs
until it exits or until a SIGTERM/SIGINT to this driver, which is passed
on as SIGINT (Ctrl-C)."""
import json
import os
import pty
import re
import select
import signal
import sys
import time

log_path, answers = sys.argv[1], json.loads(sys.argv[2])
cmd = sys.argv[sys.argv.index("--") + 1:]
prompt = re.compile(rb"Join chat room (\S.*?) \? \[y/N\] ")

pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)

stop = False


def on_signal(sig, frame):
    global stop
    stop = True


signal.signal(signal.SIGTERM, on_signal)
signal.signal(signal.SIGINT, on_signal)
start = time.monotonic()
buf = b""
with open(log_path, "a") as log, open(log_path + ".tty", "wb") as raw:
    while True:
        if stop:
            stop = False
            os.kill(pid, signal.SIGINT)
        try:
            ready, _, _ = select.select([fd], [], [], 0.2)
        except InterruptedError:
            continue
        if not ready:
            continue
        try:
            data = os.read(fd, 4096)
        except OSError:
            break  # the command is gone (EIO on the master)
        if not data:
            break
        raw.write(data)
        raw.flush()
        buf += data
        while True:
            m = prompt.search(buf)
            if not m:
                break
            uri = m.group(1).decode("utf-8", "replace")
            buf = buf[m.end():]
            log.write(json.dumps({"uri": uri, "t": time.monotonic() - start}) + "\n")
            log.flush()
            os.write(fd, (answers.get(uri, "n") + "\n").encode())
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
