# Throwaway certificates made with openssl, for the main job (demo.sh) and
# the interop tests (tests/interop/tls_certs.bash, smime.sh): one way of
# making them. Sourced; it defines functions and runs nothing.
#
#   pki_ca PREFIX CN
#       a self-signed CA: PREFIX.key, PREFIX.crt
#   pki_leaf CA-PREFIX PREFIX CN DAYS [EXTENSION]...
#       a certificate issued by CA-PREFIX, valid DAYS days (-1: expired a
#       day ago): PREFIX.key, PREFIX.crt, and PREFIX.pem (key then
#       certificate, as `confinfo focus --tls-cert/--smime-cert` take it);
#       each EXTENSION is an x509v3 line, e.g. subjectAltName=DNS:focus.test
#
# Both return non-zero when openssl fails (its messages are kept in
# PREFIX.log). RSA 2048 keys: what every TLS and CMS peer accepts.

pki_ca() {
	openssl req -x509 -newkey rsa:2048 -nodes -days 3 -subj "/CN=$2" \
		-addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign \
		-keyout "$1.key" -out "$1.crt" 2>"$1.log"
}

pki_leaf() {
	local ca=$1 out=$2 cn=$3 days=$4 ext
	shift 4
	: >"$out.ext"
	for ext in "$@"; do
		printf '%s\n' "$ext" >>"$out.ext"
	done
	openssl req -newkey rsa:2048 -nodes -subj "/CN=$cn" \
		-keyout "$out.key" -out "$out.csr" 2>"$out.log" &&
		openssl x509 -req -in "$out.csr" -CA "$ca.crt" -CAkey "$ca.key" \
			-CAcreateserial -days "$days" -extfile "$out.ext" \
			-out "$out.crt" 2>>"$out.log" &&
		cat "$out.key" "$out.crt" >"$out.pem"
}
