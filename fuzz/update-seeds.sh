#!/bin/bash
# Regenerate fuzz/seeds/decode and fuzz/seeds/merge from tests/vectors
# (fuzz/seeds/uri belongs to the URI fuzzer and is left alone).
#
#   fuzz/update-seeds.sh [CONFINFO_GEN]
#
# decode/: every tests/vectors/**/*.xml, named after its path.
# merge/:  sequences for fuzz_merge (documents joined by "\n--\n"):
#   - per directory, all its documents in order of their root version;
#   - per directory, every full document followed by each other document
#     (at most 100 pairs a directory), so that every partial, stale,
#     gapped and deleted case starts from a state.
# With the path of the benchmark generator (build/bench/confinfo-gen), also
# a 3-user generated document (decode/) and it followed by two partials
# (merge/).
# Run it after adding vectors, and commit the result.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
vectors=$(dirname "$here")/tests/vectors
out_decode=$here/seeds/decode
out_merge=$here/seeds/merge

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

while IFS= read -r -d '' f; do
	cp "$f" "$out_decode/$(seed_name "$f")"
done < <(find "$vectors" -type f -name '*.xml' -print0 | sort -z)

while IFS= read -r -d '' dir; do
	mapfile -t docs < <(
		for f in "$dir"/*.xml; do
			[ -f "$f" ] || continue
			v=$(root_version "$f")
			printf '%s\t%s\n' "${v:-0}" "$f"
		done | sort -n -k1,1 -s | cut -f2-
	)
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
