#!/usr/bin/env python3
"""Checks of the scale-out tests (tests/interop/scale_*.sh).

    scale_check.py [--quiet] PUBLOG... -- WATCHOUT...

PUBLOG: lines of scale_pub.py ("CONF REV CODE RETRY-AFTER"); the revision
acknowledged last for a conference is the highest one answered 200.
WATCHOUT: the --json output of `confinfo watch` of one conference, named
watch-CONF[-N].out; each "state" line carries the subject "rev N".

Fails (exit 1, one line per problem unless --quiet) when
- a watcher saw revisions go back (what it holds is never older than what
  it held before: over one dialog and across re-subscriptions);
- a watcher's last state is not the revision acknowledged last (it has not
  converged, or an acknowledged PUBLISH was lost);
- a revision answered 200 is followed by a 200 of a lower revision of the
  same conference (the publisher is sequential: it cannot happen).
Exit 2 when an input cannot be read.
"""
import json
import os
import re
import sys


def acked(paths):
    best = {}
    for p in paths:
        with open(p) as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 4 and parts[2] == "200":
                    conf, rev = parts[0], int(parts[1])
                    best[conf] = max(best.get(conf, 0), rev)
    return best


def revisions(path):
    revs = []
    with open(path) as f:
        for line in f:
            try:
                e = json.loads(line)
            except ValueError:
                continue
            if e.get("event") != "state":
                continue
            subject = (e.get("conference") or {}).get("subject") or ""
            m = re.match(r"rev (\d+)$", subject)
            if m:
                revs.append(int(m.group(1)))
    return revs


def main(argv):
    quiet = "--quiet" in argv
    argv = [a for a in argv if a != "--quiet"]
    if "--" not in argv:
        print("usage: scale_check.py [--quiet] PUBLOG... -- WATCHOUT...")
        return 2
    cut = argv.index("--")
    try:
        want = acked(argv[:cut])
        problems = []
        for path in argv[cut + 1:]:
            m = re.match(r"watch-([^-.]+)", os.path.basename(path))
            conf = m.group(1)
            revs = revisions(path)
            for a, b in zip(revs, revs[1:]):
                if b < a:
                    problems.append(f"{path}: rev {b} after rev {a}")
                    break
            last = revs[-1] if revs else None
            if conf in want and last != want[conf]:
                problems.append(
                    f"{path}: last state rev {last}, acknowledged rev "
                    f"{want[conf]}")
    except (OSError, AttributeError) as e:
        print(f"scale_check.py: {e}")
        return 2
    if not quiet:
        for p in problems:
            print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
