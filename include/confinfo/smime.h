/**
 * @file smime.h
 * @brief S/MIME-signed conference state (RFC 4575 section 8.1, RFC 7106
 *        section 2): CMS detached signatures over NOTIFY bodies.
 *
 * A signed body is a `multipart/signed;
 * protocol="application/pkcs7-signature"; micalg=sha-256` entity (RFC 3261
 * section 23, RFC 8551, RFC 1847) of two parts: the signed entity (its
 * headers, `Content-Type: application/conference-info+xml`, and the
 * document) and a CMS SignedData without content (a detached signature,
 * SHA-256, the signer's certificate included), base64-encoded. OpenSSL's
 * CMS API signs and verifies; the MIME framing is done here, byte-exact
 * (the signed bytes are exactly those sent, no line-ending conversion), so
 * that the XML decoder sees the document as signed.
 *
 * What a verification proves: the document was signed by a certificate
 * that chains to the configured trust anchors and was not changed since.
 * It does not prove which conference it belongs to, nor that it is fresh:
 * give the watcher a trust anchor that only issues certificates to
 * conference focuses, and rely on versions (merge.h) for order.
 *
 * Part of libconfinfo-sip (it needs OpenSSL's libcrypto), not of the pure
 * libconfinfo. Since 0.1.
 */
#ifndef CONFINFO_SMIME_H
#define CONFINFO_SMIME_H

#include <stdbool.h>
#include <stddef.h>

#include "confinfo/diag.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The Content-Type of the signed form (without its parameters). */
#define CONFINFO_SMIME_CTYPE "multipart/signed"

/** A private key and its certificate, for signing. */
struct confinfo_smime_signer;

/**
 * Load a signer from @p pem_path: one PEM file holding the private key and
 * the certificate (and, optionally, intermediate certificates, which are
 * sent along in every signature).
 *
 * @param signerp  on success the signer, owned by the caller
 *                 (confinfo_smime_signer_free()); it may be shared by any
 *                 number of notifiers, and must outlive them
 * @return 0; ENOENT / EACCES (file), EINVAL (no key, no certificate, or
 *         a key that does not match the certificate: @p diag says which),
 *         ENOMEM
 */
int confinfo_smime_signer_load(struct confinfo_smime_signer **signerp,
			       const char *pem_path,
			       struct confinfo_diag *diag);

/** Free @p signer (NULL is fine). */
void confinfo_smime_signer_free(struct confinfo_smime_signer *signer);

/**
 * Sign @p body (of type @p ctype, e.g. "application/conference-info+xml").
 *
 * @param mimep   on success the multipart/signed body (malloc, caller
 *                frees; NUL-terminated, the NUL not counted)
 * @param lenp    its length
 * @param ctypep  on success the Content-Type header value to send with it
 *                (malloc, caller frees), with protocol, micalg and a random
 *                boundary
 * @return 0, EINVAL, ENOMEM, EPROTO (OpenSSL refused to sign)
 */
int confinfo_smime_sign(const struct confinfo_smime_signer *signer,
			const char *ctype, const char *body, size_t len,
			char **mimep, size_t *lenp, char **ctypep);

/** Trust anchors for verification. */
struct confinfo_smime_verifier;

/**
 * Load the trust anchors of @p ca_path (PEM, one or more certificates).
 *
 * @param verifierp  on success the anchors, owned by the caller
 *                   (confinfo_smime_verifier_free()); they must outlive
 *                   the subscribers that use them
 * @return 0; ENOENT / EACCES, EINVAL (no certificate), ENOMEM
 */
int confinfo_smime_verifier_load(struct confinfo_smime_verifier **verifierp,
				 const char *ca_path,
				 struct confinfo_diag *diag);

/** Free @p verifier (NULL is fine). */
void confinfo_smime_verifier_free(struct confinfo_smime_verifier *verifier);

/** What a body's signature says. */
enum confinfo_smime_status {
	/** Not multipart/signed: a plain body, nothing checked. */
	CONFINFO_SMIME_UNSIGNED = 0,
	/** Signed, the signature holds, the signer chains to the anchors. */
	CONFINFO_SMIME_VERIFIED,
	/** Signed, but the framing, the signature or the certificate does
	 *  not hold (or there are no anchors to check it against). */
	CONFINFO_SMIME_FAILED,
};

/** "unsigned", "verified", "failed". */
const char *confinfo_smime_status_str(enum confinfo_smime_status status);

/** The result of confinfo_smime_open(). */
struct confinfo_smime_opened {
	enum confinfo_smime_status status;
	/** The document: the inner body (VERIFIED; FAILED when the framing
	 *  could be read), or the body itself (UNSIGNED). Points into the
	 *  caller's buffer. */
	const char *body;
	size_t len;
	/** The inner Content-Type, type/subtype lower-cased ("" unknown). */
	char ctype[96];
	/** VERIFIED: the signer certificate's subject, one line. */
	char signer[256];
	/** FAILED: why, one line. */
	char why[256];
};

/**
 * Open a body of Content-Type @p ctype (the header value, parameters
 * included; @p ctype_len bytes): a multipart/signed body is taken apart and
 * its signature checked against @p verifier (NULL: no anchors, FAILED);
 * any other body is UNSIGNED and returned as it is.
 *
 * @return 0 (the status says the rest), EINVAL (NULL arguments), ENOMEM
 */
int confinfo_smime_open(const struct confinfo_smime_verifier *verifier,
			const char *ctype, size_t ctype_len, const char *body,
			size_t len, struct confinfo_smime_opened *out);

/**
 * Open a file's content in the signed MIME form: MIME headers
 * (`Content-Type: multipart/signed; ...`, optionally `MIME-Version`),
 * a blank line, the multipart body. Content that does not start with a
 * MIME header is UNSIGNED and returned whole. Otherwise as
 * confinfo_smime_open().
 */
int confinfo_smime_open_entity(const struct confinfo_smime_verifier *verifier,
			       const char *data, size_t len,
			       struct confinfo_smime_opened *out);

#ifdef __cplusplus
}
#endif

#endif
