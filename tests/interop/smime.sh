#!/usr/bin/env bash
# Issue 13, S/MIME-signed conference state (RFC 4575 section 8.1, RFC 7106
# section 2): `confinfo focus --smime-cert` signs, `confinfo watch
# --smime-ca` verifies, end to end; state signed by a certificate of
# another CA, unsigned state under --require-signed, and a signed NOTIFY
# with one byte flipped in the document or in the signature are refused
# with the state untouched; a subscriber that does not accept
# multipart/signed gets the plain body, or 406 with --require-signing.
# Certificates are made here with openssl; the tampered NOTIFYs are signed
# by `openssl cms` (an independent implementation) and sent by SIPp.
. "$(dirname "$0")/../lib.bash" "$@"
need_cmd openssl openssl

# A CA, a focus certificate it issued, and an unrelated CA.
. "$(dirname "$0")/../../scripts/pki.bash"
{
	pki_ca "$TMP/ca" "Test CA" && pki_ca "$TMP/other" "Other CA" &&
		pki_leaf "$TMP/ca" "$TMP/focus" focus.conf.example.com 2 \
			basicConstraints=CA:FALSE \
			keyUsage=critical,digitalSignature \
			extendedKeyUsage=emailProtection \
			subjectAltName=URI:sip:focus@conf.example.com
} || fail "openssl could not make certificates"

mkdir "$TMP/confs"
cp sipp/watch/v1-full.xml "$TMP/confs/weekly.xml"
URI=sip:weekly@conf.example.com

# 1. End to end: signed by the focus, verified by the watcher.
PORT=$(free_port)
start_focus focus --conferences "$TMP/confs" --listen "udp:127.0.0.1:$PORT" \
	--domain conf.example.com --smime-cert "$TMP/focus.pem"
bg watch-ok "$CONFINFO" watch --once --json --smime-ca "$TMP/ca.crt" \
	--require-signed --proxy "sip:127.0.0.1:$PORT" "$URI"
wait_exit "$BG_PID" 15
[ "$EXIT_STATUS" -eq 0 ] || fail "verified: watch exited with $EXIT_STATUS"
json_has "$TMP/watch-ok.out" 'e["event"] == "smime" and e["status"] == "verified" and e["state_verified"] and "focus.conf.example.com" in e["signer"]' ||
	fail "verified: no verified smime event"
json_has "$TMP/watch-ok.out" 'e["event"] == "state" and e["version"] == 1' ||
	fail "verified: the signed state was not applied"

# The text form says it too.
bg watch-text "$CONFINFO" watch --once --smime-ca "$TMP/ca.crt" \
	--proxy "sip:127.0.0.1:$PORT" "$URI"
wait_exit "$BG_PID" 15
[ "$EXIT_STATUS" -eq 0 ] || fail "text: watch exited with $EXIT_STATUS"
has_line "$TMP/watch-text.err" 'NOTIFY version 1: signature verified \(signer .*focus.conf.example.com' ||
	fail "text: no verified line: $(cat "$TMP/watch-text.err")"

# A same-domain room of verified state is joined automatically
# (--auto-join=same-domain, a recording chat client).
RECORD="python3 $TESTS_DIR/interop/open_with/record.py"
export RECORD_FILE=$TMP/verified.rec
bg join-ok setsid "$CONFINFO" watch --json --smime-ca "$TMP/ca.crt" \
	--auto-join=same-domain --open-with "$RECORD" \
	--proxy "sip:127.0.0.1:$PORT" "$URI"
wait_for 10 test -s "$RECORD_FILE" || fail "verified: the room was not opened"
kill "$BG_PID"

# 2. A certificate of another CA: failed, the state untouched.
bg watch-other "$CONFINFO" watch --json --smime-ca "$TMP/other.crt" \
	--require-signed --proxy "sip:127.0.0.1:$PORT" "$URI"
wait_line "$TMP/watch-other.out" '"event":"resync"' 10 ||
	fail "other CA: no resync"
kill "$BG_PID"
json_has "$TMP/watch-other.out" 'e["event"] == "resync" and "signature failed" in e["message"] and e["smime"] == "failed"' ||
	fail "other CA: not refused for its signature"
json_lacks "$TMP/watch-other.out" 'e["event"] == "state"' ||
	fail "other CA: state applied"

# 3. A plain subscriber (SIPp) gets the plain body from the signing focus.
sipp_uac focus_smime_plain.xml u1 weekly "$PORT"
stop_focus "$FOCUS_PID" || fail "focus exited with $?"

# 4. --require-signing: 406 for it; and unsigned state refused by a
#    watcher that requires signed state, from a focus that does not sign.
PORT=$(free_port)
start_focus focus-req --conferences "$TMP/confs" --listen "udp:127.0.0.1:$PORT" \
	--domain conf.example.com --smime-cert "$TMP/focus.pem" --require-signing
sipp_uac focus_smime_406.xml u1 weekly "$PORT"
stop_focus "$FOCUS_PID" || fail "focus-req exited with $?"

PORT=$(free_port)
start_focus focus-plain --conferences "$TMP/confs" --listen "udp:127.0.0.1:$PORT" \
	--domain conf.example.com
bg watch-unsigned "$CONFINFO" watch --json --smime-ca "$TMP/ca.crt" \
	--require-signed --proxy "sip:127.0.0.1:$PORT" "$URI"
wait_line "$TMP/watch-unsigned.out" '"event":"resync"' 10 ||
	fail "unsigned: no resync"
kill "$BG_PID"
json_has "$TMP/watch-unsigned.out" 'e["event"] == "resync" and "unsigned NOTIFY refused" in e["message"]' ||
	fail "unsigned: not refused"
json_lacks "$TMP/watch-unsigned.out" 'e["event"] == "state"' ||
	fail "unsigned: state applied under --require-signed"
# The same room from unsigned state is never joined automatically.
export RECORD_FILE=$TMP/unverified.rec
bg join-unv setsid "$CONFINFO" watch --json --smime-ca "$TMP/ca.crt" \
	--auto-join=same-domain --open-with "$RECORD" \
	--proxy "sip:127.0.0.1:$PORT" "$URI"
wait_line "$TMP/join-unv.out" '"event":"room_declined"' 10 ||
	fail "unverified: the room was not declined: $(cat "$TMP/join-unv.out")"
kill "$BG_PID"
json_has "$TMP/join-unv.out" 'e["event"] == "room_unverified" and e["uri"] == "xmpp:weekly@conf.example.com?join"' ||
	fail "unverified: no room_unverified note"
[ ! -s "$RECORD_FILE" ] || fail "unverified: the room was opened: $(cat "$RECORD_FILE")"
# Without --require-signed it applies, reported unsigned.
bg watch-unsigned2 "$CONFINFO" watch --once --json --smime-ca "$TMP/ca.crt" \
	--proxy "sip:127.0.0.1:$PORT" "$URI"
wait_exit "$BG_PID" 15
[ "$EXIT_STATUS" -eq 0 ] || fail "unsigned2: watch exited with $EXIT_STATUS"
json_has "$TMP/watch-unsigned2.out" 'e["event"] == "smime" and e["status"] == "unsigned" and not e["state_verified"]' ||
	fail "unsigned2: not reported unsigned"
stop_focus "$FOCUS_PID" || fail "focus-plain exited with $?"

# 5. Signed by openssl cms, sent by SIPp: intact, then one byte flipped in
#    the document, then one in the signature.
printf 'Content-Type: application/conference-info+xml\r\n\r\n' >"$TMP/entity"
cat sipp/watch/v1-full.xml >>"$TMP/entity"
openssl cms -sign -binary -md sha256 -signer "$TMP/focus.crt" \
	-inkey "$TMP/focus.key" -in "$TMP/entity" -out "$TMP/signed.eml" ||
	fail "openssl cms -sign"
ctype=$(sed -n 's/^Content-Type: \(multipart\/signed.*\)$/\1/p' "$TMP/signed.eml" | head -1 | tr -d '\r')
[ -n "$ctype" ] || fail "no Content-Type in openssl's output"
# The body: everything after the first blank line.
awk 'found { print; next } /^\r?$/ { found = 1 }' "$TMP/signed.eml" >"$TMP/body-ok"
flip() { # FILE PATTERN OFFSET OUT: flip one bit OFFSET bytes after PATTERN
	python3 - "$@" <<'PY'
import sys
path, pat, off, out = sys.argv[1], sys.argv[2].encode(), int(sys.argv[3]), sys.argv[4]
data = bytearray(open(path, "rb").read())
i = data.find(pat)
assert i >= 0, pat
data[i + off] ^= 0x01
open(out, "wb").write(data)
PY
}
flip "$TMP/body-ok" 'sip:alice@example.com' 5 "$TMP/body-doc" || fail flip
flip "$TMP/body-ok" 'filename="smime.p7s"' 200 "$TMP/body-sig" || fail flip
for variant in ok doc sig; do
	sed -e "s|SIGNED_CTYPE|$ctype|" -e "s|SIGNED_BODY|$TMP/body-$variant|" \
		sipp/watch_smime.xml >"$TMP/watch_smime_$variant.xml"
	PORT=$(free_port)
	sipp_uas "sipp-smime-$variant" "$TMP/watch_smime_$variant.xml" "$PORT"
	bg "watch-$variant-sipp" "$CONFINFO" watch --json --smime-ca "$TMP/ca.crt" \
		--require-signed --proxy "sip:127.0.0.1:$PORT" "$URI"
	out=$TMP/watch-$variant-sipp.out
	wait_line "$out" '"event":"(state|resync)"' 10 ||
		fail "$variant: nothing happened: $(cat "$TMP/watch-$variant-sipp.err")"
	kill "$BG_PID"
	if [ "$variant" = ok ]; then
		json_has "$out" 'e["event"] == "smime" and e["status"] == "verified"' ||
			fail "ok: openssl's signature not verified"
	else
		json_has "$out" 'e["event"] == "resync" and "signature failed" in e["message"]' ||
			fail "$variant: the flipped byte was not detected"
		json_lacks "$out" 'e["event"] == "state"' ||
			fail "$variant: tampered state applied"
	fi
done

# 6. lint and show take the signed MIME form (openssl's file) with
#    --smime-ca: verified; a flipped byte fails; a plain file warns.
run 0 "$CONFINFO" lint --smime-ca "$TMP/ca.crt" "$TMP/signed.eml"
expect_err 'signature verified \(signer .*focus.conf.example.com'
run 0 "$CONFINFO" show --smime-ca "$TMP/ca.crt" "$TMP/signed.eml"
expect_out 'version: 1'
{ head -c "$(($(grep -b -m1 '^$' "$TMP/signed.eml" | cut -d: -f1) + 1))" "$TMP/signed.eml"
  cat "$TMP/body-doc"; } >"$TMP/signed-doc.eml"
run 1 "$CONFINFO" lint --smime-ca "$TMP/ca.crt" "$TMP/signed-doc.eml"
expect_err 'signature failed'
run 1 "$CONFINFO" show --smime-ca "$TMP/other.crt" "$TMP/signed.eml"
expect_err 'signature failed'
run 0 "$CONFINFO" lint --smime-ca "$TMP/ca.crt" sipp/watch/v1-full.xml
expect_err 'warning: not signed'
run 1 "$CONFINFO" lint --strict --smime-ca "$TMP/ca.crt" sipp/watch/v1-full.xml
echo ok
