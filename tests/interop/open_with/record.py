#!/usr/bin/env python3
"""The chat client of the --open-with tests: appends the arguments it was
started with, as one JSON array per line, to $RECORD_FILE. An argument the
watcher passed through a shell would arrive split or expanded; here it must
arrive exactly as the room URI."""
import json
import os
import sys

with open(os.environ["RECORD_FILE"], "a", encoding="utf-8") as f:
    f.write(json.dumps(sys.argv[1:]) + "\n")
