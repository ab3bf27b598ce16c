/*
 * S/MIME-signed bodies (smime.h): sign, open and verify, offline, with a
 * CA and a signer certificate made here with OpenSSL.
 *
 * - a signed body opens VERIFIED with the inner document byte for byte;
 * - one flipped byte in the document, or in the signature, is FAILED;
 * - another CA, or no anchors at all, is FAILED;
 * - a plain body is UNSIGNED and returned as it is;
 * - broken framing (no closing delimiter, no boundary, wrong protocol) is
 *   FAILED, never VERIFIED;
 * - the file form (MIME headers, blank line, body) opens the same way.
 */
#define _GNU_SOURCE /* asprintf, mkdtemp */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "confinfo/smime.h"

#define DOC                                                                    \
	"<?xml version=\"1.0\"?>\n<conference-info "                           \
	"xmlns=\"urn:ietf:params:xml:ns:conference-info\" "                    \
	"entity=\"sip:w@example.com\" state=\"full\" version=\"1\"/>\n"
#define CTYPE "application/conference-info+xml"

static char dir[64];
static char ca_path[96], other_ca_path[96], signer_path[96];

static EVP_PKEY *new_key(void)
{
	return EVP_EC_gen("P-256");
}

static void add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	assert_non_null(ext);
	assert_int_equal(X509_add_ext(x, ext, -1), 1);
	X509_EXTENSION_free(ext);
}

/* A certificate for @p key named @p cn, signed by @p ikey (issuer @p
 * issuer, NULL: self-signed CA). */
static X509 *new_cert(EVP_PKEY *key, const char *cn, X509 *issuer,
		      EVP_PKEY *ikey)
{
	X509 *x = X509_new();

	assert_non_null(x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), issuer ? 2 : 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -60);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, key);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
				   (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(issuer ? issuer : x));
	if (issuer) {
		add_ext(x, issuer, NID_basic_constraints, "CA:FALSE");
		add_ext(x, issuer, NID_key_usage, "digitalSignature");
	} else {
		add_ext(x, x, NID_basic_constraints, "critical,CA:TRUE");
		add_ext(x, x, NID_key_usage, "keyCertSign");
	}
	assert_true(X509_sign(x, ikey ? ikey : key, EVP_sha256()) > 0);
	return x;
}

static void write_pem(const char *path, EVP_PKEY *key, X509 *cert)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	if (key)
		assert_int_equal(
		    PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL), 1);
	assert_int_equal(PEM_write_X509(f, cert), 1);
	fclose(f);
}

static int setup(void **state)
{
	EVP_PKEY *ca_key = new_key(), *other_key = new_key(),
		 *leaf_key = new_key();
	X509 *ca, *other, *leaf;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_smime.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(ca_path, sizeof(ca_path), "%s/ca.pem", dir);
	snprintf(other_ca_path, sizeof(other_ca_path), "%s/other.pem", dir);
	snprintf(signer_path, sizeof(signer_path), "%s/signer.pem", dir);
	ca = new_cert(ca_key, "Test CA", NULL, NULL);
	other = new_cert(other_key, "Other CA", NULL, NULL);
	leaf = new_cert(leaf_key, "focus.example.com", ca, ca_key);
	write_pem(ca_path, NULL, ca);
	write_pem(other_ca_path, NULL, other);
	write_pem(signer_path, leaf_key, leaf);
	X509_free(ca);
	X509_free(other);
	X509_free(leaf);
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(other_key);
	EVP_PKEY_free(leaf_key);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(ca_path);
	unlink(other_ca_path);
	unlink(signer_path);
	rmdir(dir);
	return 0;
}

struct signed_body {
	char *mime;
	size_t len;
	char *ctype;
};

static void sign_doc(struct signed_body *sb)
{
	struct confinfo_smime_signer *s = NULL;
	struct confinfo_diag diag;

	memset(&diag, 0, sizeof(diag));
	assert_int_equal(confinfo_smime_signer_load(&s, signer_path, &diag), 0);
	assert_int_equal(confinfo_smime_sign(s, CTYPE, DOC, strlen(DOC),
					     &sb->mime, &sb->len, &sb->ctype),
			 0);
	confinfo_smime_signer_free(s);
	assert_non_null(strstr(sb->ctype, "multipart/signed"));
	assert_non_null(strstr(sb->ctype, "application/pkcs7-signature"));
	assert_non_null(strstr(sb->ctype, "micalg=sha-256"));
}

static enum confinfo_smime_status open_with(const char *ca,
					    const struct signed_body *sb,
					    struct confinfo_smime_opened *o)
{
	struct confinfo_smime_verifier *v = NULL;
	struct confinfo_diag diag;

	memset(&diag, 0, sizeof(diag));
	if (ca)
		assert_int_equal(confinfo_smime_verifier_load(&v, ca, &diag),
				 0);
	assert_int_equal(confinfo_smime_open(v, sb->ctype, strlen(sb->ctype),
					     sb->mime, sb->len, o),
			 0);
	confinfo_smime_verifier_free(v);
	return o->status;
}

static void free_signed(struct signed_body *sb)
{
	free(sb->mime);
	free(sb->ctype);
}

static void test_verified(void **state)
{
	struct signed_body sb;
	struct confinfo_smime_opened o;

	(void)state;
	sign_doc(&sb);
	assert_int_equal(open_with(ca_path, &sb, &o), CONFINFO_SMIME_VERIFIED);
	assert_int_equal(o.len, strlen(DOC));
	assert_memory_equal(o.body, DOC, o.len);
	assert_string_equal(o.ctype, CTYPE);
	assert_non_null(strstr(o.signer, "focus.example.com"));
	free_signed(&sb);
}

/* Flip one byte at @p where (an offset into the body) and expect FAILED. */
static void flipped(size_t where)
{
	struct signed_body sb;
	struct confinfo_smime_opened o;

	sign_doc(&sb);
	assert_true(where < sb.len);
	sb.mime[where] ^= 0x01;
	assert_int_equal(open_with(ca_path, &sb, &o), CONFINFO_SMIME_FAILED);
	assert_true(o.why[0] != '\0');
	free_signed(&sb);
}

static void test_flipped_document(void **state)
{
	struct signed_body sb;
	const char *p;

	(void)state;
	sign_doc(&sb);
	p = strstr(sb.mime, "entity=");
	assert_non_null(p);
	flipped((size_t)(p - sb.mime) + 9);
	free_signed(&sb);
}

static void test_flipped_signature(void **state)
{
	struct signed_body sb;
	const char *p;

	(void)state;
	sign_doc(&sb);
	/* Well inside the base64 of the signature: the last line's middle. */
	p = strstr(sb.mime, "handling=required\r\n\r\n");
	assert_non_null(p);
	p += strlen("handling=required\r\n\r\n") + 100;
	flipped((size_t)(p - sb.mime));
	free_signed(&sb);
}

static void test_other_ca_and_no_anchor(void **state)
{
	struct signed_body sb;
	struct confinfo_smime_opened o;

	(void)state;
	sign_doc(&sb);
	assert_int_equal(open_with(other_ca_path, &sb, &o),
			 CONFINFO_SMIME_FAILED);
	assert_int_equal(open_with(NULL, &sb, &o), CONFINFO_SMIME_FAILED);
	free_signed(&sb);
}

static void test_unsigned(void **state)
{
	struct confinfo_smime_opened o;

	(void)state;
	assert_int_equal(confinfo_smime_open(NULL, CTYPE ";charset=utf-8",
					     strlen(CTYPE ";charset=utf-8"),
					     DOC, strlen(DOC), &o),
			 0);
	assert_int_equal(o.status, CONFINFO_SMIME_UNSIGNED);
	assert_ptr_equal(o.body, DOC);
	assert_string_equal(o.ctype, CTYPE);
}

static void test_broken_framing(void **state)
{
	struct signed_body sb;
	struct confinfo_smime_opened o;
	char *close;
	char ct[256];

	(void)state;
	sign_doc(&sb);
	/* No closing delimiter. */
	close = strstr(sb.mime, "--\r\n");
	while (close && strstr(close + 1, "--\r\n"))
		close = strstr(close + 1, "--\r\n");
	assert_non_null(close);
	close[0] = 'x';
	assert_int_equal(open_with(ca_path, &sb, &o), CONFINFO_SMIME_FAILED);
	close[0] = '-';
	/* Another protocol. */
	snprintf(ct, sizeof(ct), "multipart/signed;protocol=\"text/plain\";%s",
		 strstr(sb.ctype, "boundary="));
	assert_int_equal(
	    confinfo_smime_open(NULL, ct, strlen(ct), sb.mime, sb.len, &o), 0);
	assert_int_equal(o.status, CONFINFO_SMIME_FAILED);
	/* No boundary. */
	assert_int_equal(confinfo_smime_open(NULL, "multipart/signed", 16,
					     sb.mime, sb.len, &o),
			 0);
	assert_int_equal(o.status, CONFINFO_SMIME_FAILED);
	free_signed(&sb);
}

static void test_entity_form(void **state)
{
	struct confinfo_smime_verifier *v = NULL;
	struct confinfo_smime_opened o;
	struct signed_body sb;
	char *file;
	int n;

	(void)state;
	sign_doc(&sb);
	n = asprintf(&file, "MIME-Version: 1.0\r\nContent-Type: %s\r\n\r\n",
		     sb.ctype);
	assert_true(n > 0);
	file = realloc(file, (size_t)n + sb.len);
	assert_non_null(file);
	memcpy(file + n, sb.mime, sb.len);
	assert_int_equal(confinfo_smime_verifier_load(&v, ca_path, NULL), 0);
	assert_int_equal(
	    confinfo_smime_open_entity(v, file, (size_t)n + sb.len, &o), 0);
	assert_int_equal(o.status, CONFINFO_SMIME_VERIFIED);
	assert_memory_equal(o.body, DOC, strlen(DOC));
	/* A plain document is UNSIGNED, whole. */
	assert_int_equal(confinfo_smime_open_entity(v, DOC, strlen(DOC), &o),
			 0);
	assert_int_equal(o.status, CONFINFO_SMIME_UNSIGNED);
	assert_int_equal(o.len, strlen(DOC));
	confinfo_smime_verifier_free(v);
	free(file);
	free_signed(&sb);
}

static void test_signer_errors(void **state)
{
	struct confinfo_smime_signer *s = NULL;
	struct confinfo_diag diag;

	(void)state;
	memset(&diag, 0, sizeof(diag));
	assert_int_equal(
	    confinfo_smime_signer_load(&s, "/nonexistent/x.pem", &diag),
	    ENOENT);
	memset(&diag, 0, sizeof(diag));
	/* A CA file has a certificate but no key. */
	assert_int_equal(confinfo_smime_signer_load(&s, ca_path, &diag),
			 EINVAL);
	assert_non_null(strstr(diag.message, "no private key"));
	assert_null(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_verified),
	    cmocka_unit_test(test_flipped_document),
	    cmocka_unit_test(test_flipped_signature),
	    cmocka_unit_test(test_other_ca_and_no_anchor),
	    cmocka_unit_test(test_unsigned),
	    cmocka_unit_test(test_broken_framing),
	    cmocka_unit_test(test_entity_form),
	    cmocka_unit_test(test_signer_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
