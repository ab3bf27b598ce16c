/*
 * Signing: a PEM key and certificate, and multipart/signed bodies with a
 * detached CMS signature (SHA-256) over the exact bytes of the inner
 * entity (RFC 1847, RFC 8551; RFC 3261 section 23.4's form, with the
 * signature in base64 so that the body stays text).
 */
#define _GNU_SOURCE /* memmem, asprintf */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "confinfo/smime.h"
#include "smime_int.h"

struct confinfo_smime_signer {
	EVP_PKEY *key;
	X509 *cert;
	STACK_OF(X509) * chain; /* intermediates sent along, maybe empty */
};

int smime_ssl_fail(struct confinfo_diag *diag, int err, const char *what,
		   const char *path)
{
	char buf[160];
	unsigned long e = ERR_peek_last_error();

	buf[0] = '\0';
	if (e)
		ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	return confinfo_diag_fail(diag, err, 0, 0, "%s%s%s%s%s",
				  path ? path : "", path ? ": " : "", what,
				  buf[0] ? ": " : "", buf);
}

int smime_file_errno(void)
{
	unsigned long e = ERR_peek_last_error();

	if (ERR_GET_LIB(e) == ERR_LIB_SYS && ERR_GET_REASON(e))
		return ERR_GET_REASON(e);
	return ENOENT;
}

void confinfo_smime_signer_free(struct confinfo_smime_signer *s)
{
	if (!s)
		return;
	EVP_PKEY_free(s->key);
	X509_free(s->cert);
	sk_X509_pop_free(s->chain, X509_free);
	free(s);
}

/* Every certificate of the file: the first is the signer's. */
static int read_certs(struct confinfo_smime_signer *s, BIO *bio)
{
	X509 *x;

	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL))) {
		if (!s->cert) {
			s->cert = x;
		} else if (!sk_X509_push(s->chain, x)) {
			X509_free(x);
			return ENOMEM;
		}
	}
	ERR_clear_error(); /* the end of the file */
	return 0;
}

int confinfo_smime_signer_load(struct confinfo_smime_signer **sp,
			       const char *path, struct confinfo_diag *diag)
{
	struct confinfo_smime_signer *s;
	BIO *bio = NULL;
	int err;

	if (!sp || !path)
		return EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s || !(s->chain = sk_X509_new_null())) {
		err = ENOMEM;
		goto out;
	}
	bio = BIO_new_file(path, "r");
	if (!bio) {
		err = smime_ssl_fail(diag, smime_file_errno(), "cannot read",
				     path);
		goto out;
	}
	s->key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	if (!s->key) {
		err = smime_ssl_fail(diag, EINVAL, "no private key", path);
		goto out;
	}
	/* The key may come before or after the certificates. */
	(void)BIO_reset(bio);
	err = read_certs(s, bio);
	if (err)
		goto out;
	if (!s->cert) {
		err = smime_ssl_fail(diag, EINVAL, "no certificate", path);
		goto out;
	}
	if (X509_check_private_key(s->cert, s->key) != 1) {
		err = smime_ssl_fail(
		    diag, EINVAL,
		    "the private key does not match the certificate", path);
		goto out;
	}
out:
	BIO_free(bio);
	if (err)
		confinfo_smime_signer_free(s);
	else
		*sp = s;
	return err;
}

/* The DER of a detached SHA-256 CMS signature over @p data. */
static int sign_der(const struct confinfo_smime_signer *s, const char *data,
		    size_t len, unsigned char **derp, int *dlenp)
{
	const unsigned flags = CMS_DETACHED | CMS_BINARY | CMS_PARTIAL;
	CMS_ContentInfo *cms = NULL;
	BIO *in = NULL;
	int err = EPROTO, dlen;

	if (len > INT32_MAX)
		return EINVAL;
	in = BIO_new_mem_buf(data, (int)len);
	if (!in)
		return ENOMEM;
	cms = CMS_sign(NULL, NULL, s->chain, NULL, flags);
	if (!cms ||
	    !CMS_add1_signer(cms, s->cert, s->key, EVP_sha256(), flags) ||
	    !CMS_final(cms, in, NULL, flags))
		goto out;
	*derp = NULL;
	dlen = i2d_CMS_ContentInfo(cms, derp);
	if (dlen <= 0)
		goto out;
	*dlenp = dlen;
	err = 0;
out:
	ERR_clear_error();
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	return err;
}

/* Base64 of @p der in lines of 76 characters, each ending in CRLF. */
static char *base64_lines(const unsigned char *der, int dlen, size_t *lenp)
{
	size_t enc = 4 * (((size_t)dlen + 2) / 3);
	char *tmp = malloc(enc + 1), *out, *p;

	out = malloc(enc + 2 * (enc / 76 + 1) + 1);
	if (!tmp || !out) {
		free(tmp);
		free(out);
		return NULL;
	}
	(void)EVP_EncodeBlock((unsigned char *)tmp, der, dlen);
	p = out;
	for (size_t i = 0; i < enc; i += 76) {
		size_t n = enc - i < 76 ? enc - i : 76;

		memcpy(p, tmp + i, n);
		p += n;
		*p++ = '\r';
		*p++ = '\n';
	}
	*p = '\0';
	*lenp = (size_t)(p - out);
	free(tmp);
	return out;
}

static bool contains(const char *hay, size_t hlen, const char *needle)
{
	return memmem(hay, hlen, needle, strlen(needle)) != NULL;
}

/* A random boundary that occurs in none of the parts. */
static int make_boundary(char *b, size_t size, const char *a, size_t alen,
			 const char *c, size_t clen)
{
	unsigned char r[12];

	for (int tries = 0; tries < 8; tries++) {
		if (RAND_bytes(r, sizeof(r)) != 1)
			return EPROTO;
		snprintf(b, size, "confinfo-");
		for (size_t i = 0; i < sizeof(r); i++)
			snprintf(b + 9 + 2 * i, size - 9 - 2 * i, "%02x", r[i]);
		if (!contains(a, alen, b) && !contains(c, clen, b))
			return 0;
	}
	return EPROTO;
}

static const char sig_headers[] =
    "Content-Type: application/pkcs7-signature;name=smime.p7s\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "Content-Disposition: attachment;filename=smime.p7s;"
    "handling=required\r\n\r\n";

/* --B CRLF entity CRLF --B CRLF sig-headers b64 --B-- CRLF */
static int assemble(const char *b, const char *entity, size_t elen,
		    const char *b64, size_t blen, char **mimep, size_t *lenp)
{
	size_t bl = strlen(b);
	size_t total = (2 + bl + 2) + elen + 2 + (2 + bl + 2) +
		       (sizeof(sig_headers) - 1) + blen + (2 + bl + 4);
	char *m = malloc(total + 1), *p;

	if (!m)
		return ENOMEM;
	p = m;
	p += sprintf(p, "--%s\r\n", b);
	memcpy(p, entity, elen);
	p += elen;
	p += sprintf(p, "\r\n--%s\r\n%s", b, sig_headers);
	memcpy(p, b64, blen);
	p += blen;
	p += sprintf(p, "--%s--\r\n", b);
	*p = '\0';
	*mimep = m;
	*lenp = (size_t)(p - m);
	return 0;
}

int confinfo_smime_sign(const struct confinfo_smime_signer *s,
			const char *ctype, const char *body, size_t len,
			char **mimep, size_t *lenp, char **ctypep)
{
	char boundary[40], *entity = NULL, *b64 = NULL, *ct = NULL;
	unsigned char *der = NULL;
	size_t elen, blen, hlen;
	int dlen, err;

	if (!s || !ctype || (!body && len) || !mimep || !lenp || !ctypep)
		return EINVAL;
	/* The signed entity: its header, a blank line, the body. */
	hlen = strlen("Content-Type: \r\n\r\n") + strlen(ctype);
	elen = hlen + len;
	entity = malloc(elen + 1);
	if (!entity)
		return ENOMEM;
	snprintf(entity, hlen + 1, "Content-Type: %s\r\n\r\n", ctype);
	if (len)
		memcpy(entity + hlen, body, len);
	err = sign_der(s, entity, elen, &der, &dlen);
	if (err)
		goto out;
	b64 = base64_lines(der, dlen, &blen);
	if (!b64) {
		err = ENOMEM;
		goto out;
	}
	err =
	    make_boundary(boundary, sizeof(boundary), entity, elen, b64, blen);
	if (err)
		goto out;
	if (asprintf(&ct,
		     "multipart/signed;protocol=\"application/"
		     "pkcs7-signature\";micalg=sha-256;boundary=\"%s\"",
		     boundary) < 0) {
		ct = NULL;
		err = ENOMEM;
		goto out;
	}
	err = assemble(boundary, entity, elen, b64, blen, mimep, lenp);
	if (!err) {
		*ctypep = ct;
		ct = NULL;
	}
out:
	OPENSSL_free(der);
	free(entity);
	free(b64);
	free(ct);
	return err;
}
