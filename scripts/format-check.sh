#!/usr/bin/env bash
# Check that the C sources and headers are formatted as .clang-format says,
# with Debian's clang-format 14 (STYLE.md): another version formats some
# constructs differently, so it is refused rather than trusted.
#
# usage: scripts/format-check.sh [FILE...]
#   Without FILEs: every *.c and *.h under src include tools tests bench
#   fuzz examples. CLANG_FORMAT names the program (default clang-format-14,
#   then clang-format).
# Exit status: 0 all formatted; 1 some differ, each one named; 2 it could
# not check (no clang-format 14, no file, clang-format failed otherwise).
# It changes nothing: `clang-format -i FILE...` does.
set -euo pipefail
cd "$(dirname "$0")/.."

cf=${CLANG_FORMAT:-}
if [ -z "$cf" ]; then
	for c in clang-format-14 clang-format; do
		if command -v "$c" >/dev/null; then
			cf=$c
			break
		fi
	done
fi
if [ -z "$cf" ] || ! command -v "$cf" >/dev/null; then
	echo "format-check: ${cf:-clang-format} not found (Debian package clang-format-14)" >&2
	exit 2
fi
version=$("$cf" --version)
case $version in
*" version 14."*) ;;
*)
	echo "format-check: $cf is not clang-format 14: $version" >&2
	exit 2
	;;
esac

if [ $# -gt 0 ]; then
	files=("$@")
else
	mapfile -t files < <(find src include tools tests bench fuzz examples \
		-type f \( -name '*.c' -o -name '*.h' \) 2>/dev/null | LC_ALL=C sort)
fi
if [ ${#files[@]} -eq 0 ]; then
	echo "format-check: no C file to check" >&2
	exit 2
fi

# One run for all files; each file that differs is named in a diagnostic
# "FILE:LINE:COL: error: code should be clang-formatted" (the first one
# is enough to name it).
status=0
diags=$("$cf" --style=file --dry-run -Werror --ferror-limit=1 "${files[@]}" 2>&1) ||
	status=$?
mapfile -t bad < <(sed -nE 's/^(.*):[0-9]+:[0-9]+: error: code should be clang-formatted.*/\1/p' \
	<<<"$diags" | LC_ALL=C sort -u)
if [ "$status" -ne 0 ] && [ ${#bad[@]} -eq 0 ]; then
	echo "$diags" >&2
	echo "format-check: $cf failed (status $status)" >&2
	exit 2
fi
if [ ${#bad[@]} -gt 0 ]; then
	echo "format-check: ${#bad[@]} of ${#files[@]} files differ from .clang-format:" >&2
	printf '  %s\n' "${bad[@]}" >&2
	echo "format-check: fix with: $cf -i FILE..." >&2
	exit 1
fi
echo "format-check: ${#files[@]} files formatted"
