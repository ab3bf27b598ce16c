#!/bin/bash
# Generate the seeds of fuzz_decode and fuzz_merge from tests/vectors
# (fuzz/seeds/uri belongs to the URI fuzzer and is left alone).
#
#   fuzz/update-seeds.sh [CONFINFO_GEN]
#
# decode/: every tests/vectors/**/*.xml up to 64 KiB (the fuzzers'
#          max_body: a bigger seed is refused unread and only slows
#          libFuzzer down), named after its path.
# merge/:  sequences for fuzz_merge (documents joined by "\n--\n"):
#   - per directory, its history: base.xml then 01.xml, 02.xml, ... when
#     it has a base.xml (tests/vectors/sequences/), otherwise all its
#     documents in order of their root version (expected*.xml, the states
#     a sequence should end in, are not part of it);
#   - per directory, every full document followed by each other document
#     (at most 100 pairs a directory), so that every partial, stale,
#     gapped and deleted case starts from a state.
#   Directories of documents that must not decode (hostile/, invalid/)
#   give decode seeds only.
# With the path of the benchmark generator (build/bench/confinfo-gen), also
# a 3-user generated document (decode/) and it followed by two partials
# (merge/).
# fuzz/run.sh runs it into a scratch directory before every fuzzing run, so
# the seeds always follow the vectors and no copy of them is committed.
# CONFINFO_SEEDS_OUT sets where the seeds go (default: fuzz/seeds, handy
# for running a target by hand).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
vectors=$(dirname "$here")/tests/vectors
out=${CONFINFO_SEEDS_OUT:-$here/seeds}
out_decode=$out/decode
out_merge=$out/merge

rm -rf "$out_decode" "$out_merge"
mkdir -p "$out_decode" "$out_merge"

# The root start tag of a document on one line, or "".
root_tag() {
	tr '\n\r\t' '   ' <"$1" | grep -o '<\([A-Za-z_][-A-Za-z0-9_.]*:\)\?conference-info[^>]*>' |
		head -n 1 || true
}
root_version() {
	root_tag "$1" | sed -n 's/.* version *= *["'\'']\([0-9]\{1,10\}\)["'\''].*/\1/p'
}
root_is_full() {
	local tag
	tag=$(root_tag "$1")
	[ -n "$tag" ] && ! grep -q 'state *= *["'\'']\(partial\|deleted\)' <<<"$tag"
}
seed_name() {
	local rel=${1#"$vectors"/}
	rel=${rel%.xml}
	echo "${rel//\//__}"
}
join_docs() {
	local first=1 f
	for f in "$@"; do
		[ $first = 1 ] || printf '\n--\n'
		cat "$f"
		first=0
	done
}

max_seed=65536
while IFS= read -r -d '' f; do
	[ "$(stat -c %s "$f")" -le $max_seed ] || continue
	cp "$f" "$out_decode/$(seed_name "$f")"
done < <(find "$vectors" -type f -name '*.xml' -print0 | sort -z)

while IFS= read -r -d '' dir; do
	case ${dir#"$vectors"} in
	*/hostile | */invalid) continue ;;
	esac
	if [ -f "$dir/base.xml" ]; then
		mapfile -t docs < <(
			echo "$dir/base.xml"
			for f in "$dir"/[0-9]*.xml; do
				[ -f "$f" ] && echo "$f"
			done
		)
	else
		mapfile -t docs < <(
			for f in "$dir"/*.xml; do
				[ -f "$f" ] || continue
				case ${f##*/} in expected*) continue ;; esac
				[ "$(stat -c %s "$f")" -le $max_seed ] || continue
				v=$(root_version "$f")
				printf '%s\t%s\n' "${v:-0}" "$f"
			done | sort -n -k1,1 -s | cut -f2-
		)
	fi
	[ ${#docs[@]} -gt 0 ] || continue
	base=$(seed_name "$dir/x.xml")
	base=${base%__x}
	[ "$base" = x ] && base=top
	[ ${#docs[@]} -gt 1 ] && join_docs "${docs[@]}" >"$out_merge/$base--all"
	pairs=0
	for full in "${docs[@]}"; do
		root_is_full "$full" || continue
		for other in "${docs[@]}"; do
			[ "$other" != "$full" ] || continue
			[ $pairs -lt 100 ] || break 2
			join_docs "$full" "$other" >"$out_merge/$(seed_name "$full")--$(basename "${other%.xml}")"
			pairs=$((pairs + 1))
		done
	done
done < <(find "$vectors" -type d -print0 | sort -z)

if [ -n "${1:-}" ]; then
	gen=$1
	"$gen" 3 >"$out_decode/bench-gen-3"
	"$gen" --partial 3 >"$out_decode/bench-gen-3-partial"
	{
		"$gen" 3
		printf '\n--\n'
		"$gen" --partial --version 2 --variant 0 3
		printf '\n--\n'
		"$gen" --partial --version 3 --variant 1 3
	} >"$out_merge/bench-gen-3--partials"
fi

echo "decode seeds: $(ls "$out_decode" | wc -l), merge seeds: $(ls "$out_merge" | wc -l)"
