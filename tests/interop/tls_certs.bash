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

. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/pki.bash"

# tls_ca NAME SUBJECT-CN: a self-signed CA, NAME.key and NAME.crt.
tls_ca() {
	pki_ca "$PKI/$1" "$2" || fail "openssl could not make the CA $1"
}

# tls_leaf CA NAME SAN DAYS: NAME.pem (key and certificate) issued by CA;
# DAYS -1 makes a certificate that expired a day ago.
tls_leaf() {
	pki_leaf "$PKI/$1" "$PKI/$2" "$2" "$4" "subjectAltName=$3" ||
		fail "openssl could not make the certificate $2"
}

tls_ca ca "confinfo test CA"
tls_ca evil "another CA"
tls_leaf ca good "DNS:focus.test,IP:127.0.0.1" 2
tls_leaf ca other "DNS:other.test" 2
tls_leaf ca expired "DNS:focus.test,IP:127.0.0.1" -1
tls_leaf evil rogue "DNS:focus.test,IP:127.0.0.1" 2
tls_leaf ca alice "URI:sip:alice@example.com" 2
tls_leaf evil mallory "URI:sip:alice@example.com" 2
