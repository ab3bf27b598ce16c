#!/usr/bin/env bash
# The README's main command. Until the live focus and watcher exist this
# builds confinfo and shows an example conference with its chat room.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build >/dev/null
cmake --build build -j"$(nproc)" --target confinfo_tool >/dev/null
./build/confinfo show examples/conference-with-chat.xml
