# Certificates for the TLS interop tests (watch_tls_verify.sh,
# focus_mtls.sh), made with openssl in $TMP/pki; sourced after lib.bash.
#
#   ca.crt        the test CA (trusted with --tls-ca / --tls-client-ca)
#   good.pem      key + certificate from the CA for focus.test and 127.0.0.1
#   other.pem     from the CA, for other.test only (wrong host name)
#   expired.pem   from the CA, for focus.test and 127.0.0.1, expired
#   rogue.pem     for focus.test and 127.0.0.1, from another CA (evil.crt)
#   alice.pem     client certificate from the CA, SAN sip:alice@example.com
#   mallory.pem   client certificate from the other CA, SAN
#                 sip:alice@example.com (the same identity, not trusted)

need_cmd openssl openssl
PKI=$TMP/pki
mkdir -p "$PKI"

# tls_ca NAME SUBJECT-CN: a self-signed CA, NAME.key and NAME.crt.
tls_ca() {
	openssl req -x509 -newkey rsa:2048 -nodes -days 3 -subj "/CN=$2" \
		-addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign \
		-keyout "$PKI/$1.key" -out "$PKI/$1.crt" 2>/dev/null ||
		fail "openssl could not make the CA $1"
}

# tls_leaf CA NAME SAN DAYS: NAME.pem (key and certificate) issued by CA;
# DAYS -1 makes a certificate that expired a day ago.
tls_leaf() {
	local ca=$1 n=$2
	openssl req -newkey rsa:2048 -nodes -subj "/CN=$n" \
		-keyout "$PKI/$n.key" -out "$PKI/$n.csr" 2>/dev/null &&
		printf 'subjectAltName=%s\n' "$3" >"$PKI/$n.ext" &&
		openssl x509 -req -in "$PKI/$n.csr" -CA "$PKI/$ca.crt" \
			-CAkey "$PKI/$ca.key" -CAcreateserial -days "$4" \
			-extfile "$PKI/$n.ext" -out "$PKI/$n.crt" 2>/dev/null ||
		fail "openssl could not make the certificate $n"
	cat "$PKI/$n.key" "$PKI/$n.crt" >"$PKI/$n.pem"
}

tls_ca ca "confinfo test CA"
tls_ca evil "another CA"
tls_leaf ca good "DNS:focus.test,IP:127.0.0.1" 2
tls_leaf ca other "DNS:other.test" 2
tls_leaf ca expired "DNS:focus.test,IP:127.0.0.1" -1
tls_leaf evil rogue "DNS:focus.test,IP:127.0.0.1" 2
tls_leaf ca alice "URI:sip:alice@example.com" 2
tls_leaf evil mallory "URI:sip:alice@example.com" 2
