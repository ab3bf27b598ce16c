# Helpers sourced by the CLI tests (tests/cli/*.sh), which run from tests/
# as `bash cli/NAME.sh /path/to/confinfo`. Not a test itself (the test glob
# is *.sh).
#
# After `run`, the command's stdout is in $OUT and its stderr in $ERR.

BIN=${1:?usage: $0 /path/to/confinfo}
V=vectors/cli
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
OUT=$TMP/stdout
ERR=$TMP/stderr

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

show_io() {
	echo "--- stdout:" >&2
	head -c 4000 "$OUT" >&2 || true
	echo "--- stderr:" >&2
	head -c 4000 "$ERR" >&2 || true
}

# run STATUS CMD [ARGS...]: run CMD and fail unless it exits with STATUS.
# Its standard input is the caller's, so `run 0 "$BIN" lint - <file` works.
run() {
	local want=$1 got=0 arg
	shift
	for arg in "$@"; do
		# The command's output goes there: it would read a truncated file.
		[ "$arg" != "$OUT" ] && [ "$arg" != "$ERR" ] ||
			fail "run: copy \$OUT or \$ERR before passing it to a command"
	done
	"$@" >"$OUT" 2>"$ERR" || got=$?
	if [ "$got" != "$want" ]; then
		show_io
		fail "'$*' exited with $got, expected $want"
	fi
}

# expect_err REGEX / expect_out REGEX: a line of stderr / stdout matches
# the extended regular expression.
expect_err() {
	grep -q -E -- "$1" "$ERR" || { show_io; fail "no stderr line matches /$1/"; }
}
expect_out() {
	grep -q -E -- "$1" "$OUT" || { show_io; fail "no stdout line matches /$1/"; }
}
# expect_out_fixed STRING: a line of stdout contains STRING literally.
expect_out_fixed() {
	grep -q -F -- "$1" "$OUT" || { show_io; fail "stdout lacks '$1'"; }
}
expect_no_out() {
	[ ! -s "$OUT" ] || { show_io; fail "stdout should be empty"; }
}
expect_no_err() {
	[ ! -s "$ERR" ] || { show_io; fail "stderr should be empty"; }
}
# expect_err_lines N: stderr has exactly N lines.
expect_err_lines() {
	local n
	n=$(wc -l <"$ERR")
	[ "$n" -eq "$1" ] || { show_io; fail "stderr has $n lines, expected $1"; }
}

# json_assert FILE PYEXPR...: each Python expression, evaluated with the
# JSON document of FILE as `d`, must be true.
json_assert() {
	python3 - "$@" <<'PY'
import json, sys
path, exprs = sys.argv[1], sys.argv[2:]
with open(path) as f:
    d = json.load(f)
for e in exprs:
    if not eval("(" + e + ")", {"d": d}):
        sys.exit("FAIL: %s is false for %s:\n%s" % (e, path, json.dumps(d, indent=2)))
PY
}

# json_same A B [KEY...]: the JSON documents A and B are equal once the
# top-level KEYs are dropped from both.
json_same() {
	python3 - "$@" <<'PY'
import json, sys
a_path, b_path, drop = sys.argv[1], sys.argv[2], sys.argv[3:]
docs = []
for p in (a_path, b_path):
    with open(p) as f:
        d = json.load(f)
    for k in drop:
        d.pop(k, None)
    docs.append(d)
if docs[0] != docs[1]:
    sys.exit("FAIL: %s and %s differ:\n%s\n---\n%s" % (a_path, b_path,
             json.dumps(docs[0], indent=2), json.dumps(docs[1], indent=2)))
PY
}

# show_json FILE DEST: the normalised (JSON) view of a document.
show_json() {
	"$BIN" show --json "$1" >"$2" 2>/dev/null || fail "show --json $1 failed"
}
