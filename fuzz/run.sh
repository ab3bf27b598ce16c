#!/bin/bash
# Run every built libFuzzer target for SECONDS seconds each (CI: 60).
#
#   fuzz/run.sh SECONDS [FUZZ_BUILD_DIR]
#
# FUZZ_BUILD_DIR is where the fuzz_* executables are (default:
# build-fuzz/fuzz beside this script's repository; build it with
#   CC=clang cmake -S . -B build-fuzz -DCONFINFO_FUZZ=ON -DBUILD_TESTING=OFF \
#         -DCONFINFO_BENCH=OFF && cmake --build build-fuzz -j2).
# This script builds nothing. Each target fuzz_NAME starts from seeds made
# from tests/vectors by update-seeds.sh, fuzz/seeds/NAME/ and the earlier
# reproducers fuzz/crashes/NAME-* (none of them is modified), and uses
# fuzz/NAME.dict when there is one. Crash, leak, timeout and OOM
# reproducers are saved in $CONFINFO_FUZZ_ARTIFACTS (default
# fuzz/crashes/) as NAME-crash-<sha1> etc.; reproduce one with
#   build-fuzz/fuzz/fuzz_NAME fuzz/crashes/NAME-crash-<sha1>
# Exit status: 0 if every target ran clean, 1 if any failed, 2 on usage.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
seconds=${1:-}
bindir=${2:-$root/build-fuzz/fuzz}
artifacts=${CONFINFO_FUZZ_ARTIFACTS:-$here/crashes}

if ! [[ $seconds =~ ^[1-9][0-9]*$ ]]; then
	echo "usage: $0 SECONDS [FUZZ_BUILD_DIR]" >&2
	exit 2
fi
shopt -s nullglob
targets=()
for bin in "$bindir"/fuzz_*; do
	[ -f "$bin" ] && [ -x "$bin" ] && targets+=("$bin")
done
if [ ${#targets[@]} -eq 0 ]; then
	echo "$0: no fuzz_* executables in $bindir (build with" \
		"-DCONFINFO_FUZZ=ON first)" >&2
	exit 2
fi

mkdir -p "$artifacts"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Make UBSan reports fatal (in case some code was built recoverable) and
# let ASan find leaks; libFuzzer turns both into a saved reproducer.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}

# Seeds: generated from tests/vectors (decode, merge), committed ones
# (fuzz/seeds/NAME, e.g. uri), and every earlier finding of the target as a
# regression input.
CONFINFO_SEEDS_OUT=$work/generated bash "$here/update-seeds.sh" >/dev/null

failed=()
for bin in "${targets[@]}"; do
	target=$(basename "$bin")
	name=${target#fuzz_}
	corpus=$work/$name
	mkdir -p "$corpus"
	for dir in "$work/generated/$name" "$here/seeds/$name"; do
		[ -d "$dir" ] && cp -R "$dir/." "$corpus/"
	done
	for f in "$here/crashes/$name"-*; do
		cp "$f" "$corpus/"
	done
	if [ -z "$(ls -A "$corpus")" ]; then
		echo "$0: warning: no seeds for $target" >&2
	fi
	args=(-max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048
		-print_final_stats=1 -artifact_prefix="$artifacts/$name-")
	[ -f "$here/$name.dict" ] && args+=(-dict="$here/$name.dict")
	echo "=== $target: ${seconds}s on $(ls "$corpus" | wc -l) seeds"
	if "$bin" "${args[@]}" "$corpus" >"$work/$name.log" 2>&1; then
		grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb)' \
			"$work/$name.log" || true
		echo "=== $target: ok"
	else
		tail -n 60 "$work/$name.log"
		echo "=== $target: FAILED (reproducers in $artifacts)"
		failed+=("$target")
	fi
done

if [ ${#failed[@]} -ne 0 ]; then
	echo "fuzz: failed: ${failed[*]}"
	exit 1
fi
echo "fuzz: all ${#targets[@]} targets ran ${seconds}s without a finding"
