# confinfo-xmpp (issue 12) refuses what it must not trust, with a clear
# fatal `error` event and exit status 1, never a reconnect loop: a server
# certificate from an unknown CA, one for another name, a password file
# others may read, a wrong password. With the right certificate it
# connects (the same Prosody, so the refusals are about the certificate).
. "$(dirname "$0")/../lib.bash" "$@"
. "$(dirname "$0")/prosody.bash"

start_prosody "$TMP/prosody"
mapfile -t ARGS < <(xmppc_account bridge)
PKI=$PROSODY_DIR/pki

# refused NAME REGEX: run the child (20 s at most); it must end with 1
# after one fatal error event whose text matches REGEX, and never have
# connected.
refused() {
	local name=$1 re=$2
	shift 2
	start_xmppc "$name" "$@"
	wait_exit "$XMPPC_PID" 20
	[ "$EXIT_STATUS" -eq 1 ] || fail "$name: exit status $EXIT_STATUS, expected 1"
	json_has "$TMP/$name.out" 'e["ev"] == "error" and e["fatal"] and __import__("re").search(r"'"$re"'", e["error"])' ||
		fail "$name: no fatal error matching /$re/"
	json_lacks "$TMP/$name.out" 'e["ev"] in ("connected", "disconnected")' ||
		fail "$name: connected or retried"
}

# The right certificate: connects (and the test's CA is what made it so).
start_xmppc good "${ARGS[@]}"
ev_wait good 'e["ev"] == "connected"'
xmppc good '{"op":"quit","id":1}'
wait_exit "$XMPPC_PID" 10
[ "$EXIT_STATUS" -eq 0 ] || fail "good: exit status $EXIT_STATUS"

# Without --ca, the per-run CA is unknown: refused.
NO_CA=()
skip=0
for a in "${ARGS[@]}"; do
	if [ "$skip" = 1 ]; then skip=0; continue; fi
	if [ "$a" = --ca ]; then skip=1; continue; fi
	NO_CA+=("$a")
done
refused noca 'not trusted' "${NO_CA[@]}"

# A certificate for localhost from another CA.
pki_ca "$PKI/evil" "another CA" || fail "openssl"
pki_leaf "$PKI/evil" "$PKI/rogue" localhost 2 \
	"subjectAltName=DNS:localhost,DNS:conference.localhost" || fail "openssl"
stop_prosody
PROSODY_CERT=$PKI/rogue start_prosody "$TMP/prosody"
refused rogue 'not trusted' "${ARGS[@]}"

# A certificate from the right CA for another name.
pki_leaf "$PKI/ca" "$PKI/other" other.test 2 "subjectAltName=DNS:other.test" ||
	fail "openssl"
stop_prosody
PROSODY_CERT=$PKI/other start_prosody "$TMP/prosody"
refused othername 'not trusted.*(match|name)' "${ARGS[@]}"
stop_prosody
start_prosody "$TMP/prosody"

# A wrong password: authentication refused, fatal.
(umask 077 && echo wrong >"$TMP/wrong.pass")
WRONG=("${ARGS[@]}")
WRONG[3]=$TMP/wrong.pass
[ "${WRONG[2]}" = --password-file ] || fail "argument order changed"
refused wrongpw 'authentication refused' "${WRONG[@]}"

# A password file others may read: refused before connecting.
chmod 644 "$TMP/bridge.pass"
refused openpass 'credentials refused: .*group or others may access it' "${ARGS[@]}"
has_line "$TMP/openpass.err" 'group or others may access it' ||
	fail "the log does not say why the password file was refused"
chmod 600 "$TMP/bridge.pass"

# Usage errors: exit 2.
run 2 "$XMPPC" --jid bridge@localhost
run 2 "$XMPPC" --jid bridge@localhost/res --password-file "$TMP/bridge.pass"
