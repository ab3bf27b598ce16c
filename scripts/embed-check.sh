#!/usr/bin/env bash
# Builds the examples/ against the INSTALLED libraries (pkg-config only, no
# build tree), as an embedder would, and runs them: the library alone
# (embed.c), then a focus that brings its own libre stack (embed_focus.c)
# with a watcher subscribed to it (embed_watch.c), over UDP on 127.0.0.1.
#   scripts/embed-check.sh BUILD-DIR
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
PREFIX=$PWD/$BUILD/install
OUT=$PREFIX/examples
rm -rf "$PREFIX"
cmake --install "$BUILD" --prefix "$PREFIX" >/dev/null
mkdir -p "$OUT"
export PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig:$PREFIX/lib/x86_64-linux-gnu/pkgconfig
libdir=$(pkg-config --variable=libdir confinfo)

cc -Wall -Werror examples/embed.c $(pkg-config --cflags --libs confinfo) \
	-Wl,-rpath,"$libdir" -o "$OUT/embed"
"$OUT/embed" tests/vectors/rfc4575/rfc4575-example-7.1.xml >"$OUT/embed.out"
grep -q "sip:alice@example.com" "$OUT/embed.out" ||
	{ echo "embed: roster not printed" >&2; exit 1; }

for ex in embed_focus embed_watch; do
	cc -Wall -Werror "examples/$ex.c" $(pkg-config --cflags --libs confinfo-sip) \
		-Wl,-rpath,"$libdir" -o "$OUT/$ex"
done
# Nothing but the installed libraries: no path into the source tree.
if ldd "$OUT/embed_focus" | grep -q "$PWD/$BUILD/lib"; then
	echo "embed_focus links the build tree, not the install" >&2
	exit 1
fi

port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$OUT/embed_focus" examples/conference-with-chat.xml weekly "127.0.0.1:$port" 20 \
	>"$OUT/focus.out" 2>&1 &
focus=$!
trap 'kill $focus 2>/dev/null || true' EXIT
for _ in $(seq 50); do
	grep -q '^serving' "$OUT/focus.out" && break
	sleep 0.1
done
status=0
timeout 15 "$OUT/embed_watch" "sip:weekly@127.0.0.1:$port" >"$OUT/watch.out" 2>&1 ||
	status=$?
kill $focus 2>/dev/null || true
wait $focus 2>/dev/null || true
if [ $status -ne 0 ] || ! grep -q 'sip:bob@example.com (muted)' "$OUT/watch.out" ||
	! grep -q '^notified .* (full)' "$OUT/focus.out"; then
	echo "embedded focus and watcher did not talk (status $status)" >&2
	echo "--- focus:" >&2; cat "$OUT/focus.out" >&2
	echo "--- watch:" >&2; cat "$OUT/watch.out" >&2
	exit 1
fi
cat "$OUT/watch.out"
echo "embed-check: libconfinfo, libconfinfo-sip embedded from the install: ok"
