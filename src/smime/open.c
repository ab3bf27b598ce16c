/*
 * Verification: a multipart/signed body (RFC 1847) taken apart by its
 * boundary, byte-exact (the CRLF before a delimiter belongs to the
 * delimiter, RFC 2046 section 5.1.1), the detached CMS signature checked
 * over the first part's exact bytes against the trust anchors.
 *
 * The framing is parsed here rather than by OpenSSL's SMIME_read_CMS(),
 * which rewrites line endings of the content and so could not verify a
 * document sent with bare LFs. Line ends of the framing itself may be
 * CRLF or LF (files edited by hand).
 */
#define _GNU_SOURCE /* memmem */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "confinfo/smime.h"
#include "smime_int.h"

struct confinfo_smime_verifier {
	X509_STORE *store;
};

const char *confinfo_smime_status_str(enum confinfo_smime_status status)
{
	switch (status) {
	case CONFINFO_SMIME_VERIFIED:
		return "verified";
	case CONFINFO_SMIME_FAILED:
		return "failed";
	default:
		return "unsigned";
	}
}

int confinfo_smime_verifier_load(struct confinfo_smime_verifier **vp,
				 const char *path, struct confinfo_diag *diag)
{
	struct confinfo_smime_verifier *v;
	FILE *f;

	if (!vp || !path)
		return EINVAL;
	f = fopen(path, "r"); /* a clear errno before OpenSSL's message */
	if (!f)
		return confinfo_diag_fail(diag, errno, 0, 0, "%s: %s", path,
					  strerror(errno));
	fclose(f);
	v = calloc(1, sizeof(*v));
	if (!v || !(v->store = X509_STORE_new())) {
		free(v);
		return ENOMEM;
	}
	if (X509_STORE_load_file(v->store, path) != 1) {
		X509_STORE_free(v->store);
		free(v);
		return smime_ssl_fail(diag, EINVAL, "no CA certificate", path);
	}
	*vp = v;
	return 0;
}

void confinfo_smime_verifier_free(struct confinfo_smime_verifier *v)
{
	if (!v)
		return;
	X509_STORE_free(v->store);
	free(v);
}

static int failed(struct confinfo_smime_opened *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int failed(struct confinfo_smime_opened *out, const char *fmt, ...)
{
	va_list ap;

	out->status = CONFINFO_SMIME_FAILED;
	va_start(ap, fmt);
	vsnprintf(out->why, sizeof(out->why), fmt, ap);
	va_end(ap);
	return 0;
}

/* type/subtype of a Content-Type value, lower-cased, into @p buf. */
static void media_type(const char *v, size_t len, char *buf, size_t size)
{
	size_t i = 0, n = 0;

	while (i < len && (v[i] == ' ' || v[i] == '\t'))
		i++;
	for (; i < len && v[i] != ';' && v[i] != ' ' && v[i] != '\t' &&
	       n + 1 < size;
	     i++)
		buf[n++] = (char)tolower((unsigned char)v[i]);
	buf[n] = '\0';
}

/* The value of parameter @p name of a header value (quoted or token). */
static bool param(const char *v, size_t len, const char *name, char *buf,
		  size_t size)
{
	size_t nl = strlen(name), i = 0;

	while (i < len) {
		const char *semi = memchr(v + i, ';', len - i);
		size_t j, n = 0;

		if (!semi)
			return false;
		i = (size_t)(semi - v) + 1;
		while (i < len && (v[i] == ' ' || v[i] == '\t'))
			i++;
		if (len - i <= nl || strncasecmp(v + i, name, nl) ||
		    v[i + nl] != '=')
			continue;
		j = i + nl + 1;
		if (j < len && v[j] == '"') {
			for (j++; j < len && v[j] != '"' && n + 1 < size; j++)
				buf[n++] = v[j];
		} else {
			for (; j < len && v[j] != ';' && v[j] != ' ' &&
			       v[j] != '\t' && n + 1 < size;
			     j++)
				buf[n++] = v[j];
		}
		buf[n] = '\0';
		return n > 0;
	}
	return false;
}

/* A header of a MIME part (the part's headers are [h, hend)), unfolded
 * value in @p buf. */
static bool part_header(const char *h, const char *hend, const char *name,
			char *buf, size_t size)
{
	size_t nl = strlen(name);

	for (const char *p = h; p < hend;) {
		const char *eol = memchr(p, '\n', (size_t)(hend - p));
		const char *e = eol ? eol : hend;

		if ((size_t)(e - p) > nl && !strncasecmp(p, name, nl) &&
		    p[nl] == ':') {
			size_t n = 0;

			const char *q = p + nl + 1;

			while (q < hend && (*q == ' ' || *q == '\t'))
				q++;
			for (; q < hend && n + 1 < size; q++) {
				if (*q == '\r' || *q == '\n') {
					/* A folded line continues. */
					const char *nx =
					    *q == '\r' ? q + 2 : q + 1;
					if (nx < hend &&
					    (*nx == ' ' || *nx == '\t')) {
						q = nx - 1;
						continue;
					}
					break;
				}
				buf[n++] = *q;
			}
			while (n && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
				n--;
			buf[n] = '\0';
			return true;
		}
		p = eol ? eol + 1 : hend;
	}
	return false;
}

/* The end of a part's headers: the blank line; *bodyp after it. */
static const char *headers_end(const char *p, const char *end,
			       const char **bodyp)
{
	if (end - p >= 2 && p[0] == '\r' && p[1] == '\n') {
		*bodyp = p + 2; /* no headers at all */
		return p;
	}
	if (end > p && p[0] == '\n') {
		*bodyp = p + 1;
		return p;
	}
	for (const char *q = p; q < end; q++) {
		if (q[0] != '\n')
			continue;
		if (end - q >= 3 && q[1] == '\r' && q[2] == '\n') {
			*bodyp = q + 3;
			return q + 1;
		}
		if (end - q >= 2 && q[1] == '\n') {
			*bodyp = q + 2;
			return q + 1;
		}
	}
	return NULL;
}

/* The delimiter "--B" (@p d, @p dl bytes) at the start of a line at or
 * after @p p; *prevendp: the end of what precedes it (the line end before
 * a delimiter belongs to the delimiter). */
static const char *find_delim(const char *start, const char *p, const char *end,
			      const char *d, size_t dl, const char **prevendp)
{
	for (const char *q = p; q < end;) {
		const char *hit = memmem(q, (size_t)(end - q), d, dl);

		if (!hit)
			return NULL;
		if (hit == start) {
			*prevendp = hit;
			return hit;
		}
		if (hit[-1] == '\n') {
			*prevendp = hit - 1;
			if (hit - 2 >= start && hit[-2] == '\r')
				*prevendp = hit - 2;
			return hit;
		}
		q = hit + 1;
	}
	return NULL;
}

/* After a delimiter: "--" (close) or optional blanks and a line end.
 * Returns the start of the next line, or NULL; *closep for a close. */
static const char *delim_rest(const char *p, const char *end, bool *closep)
{
	*closep = end - p >= 2 && p[0] == '-' && p[1] == '-';
	if (*closep)
		p += 2;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end)
		return *closep ? p : NULL;
	if (*p == '\r' && end - p >= 2 && p[1] == '\n')
		return p + 2;
	return *p == '\n' ? p + 1 : NULL;
}

struct two_parts {
	const char *p1, *p1end, *p2, *p2end;
};

static bool split(const char *body, size_t len, const char *boundary,
		  struct two_parts *tp)
{
	const char *end = body + len, *d, *dummy;
	char delim[80];
	size_t dl;
	bool close;

	dl = (size_t)snprintf(delim, sizeof(delim), "--%s", boundary);
	if (dl >= sizeof(delim))
		return false;
	d = find_delim(body, body, end, delim, dl, &dummy);
	if (!d || !(tp->p1 = delim_rest(d + dl, end, &close)) || close)
		return false;
	d = find_delim(body, tp->p1, end, delim, dl, &tp->p1end);
	if (!d || !(tp->p2 = delim_rest(d + dl, end, &close)) || close)
		return false;
	d = find_delim(body, tp->p2, end, delim, dl, &tp->p2end);
	return d && delim_rest(d + dl, end, &close) && close;
}

/* The signature part's content as DER (malloc). */
static int signature_der(const char *p, const char *end, const char *cte,
			 unsigned char **derp, size_t *lenp)
{
	unsigned char *out;
	char *b64;
	size_t n = 0, pad = 0;
	int dec;

	if (!cte[0] || !strcasecmp(cte, "binary")) {
		out = malloc((size_t)(end - p) + 1);
		if (!out)
			return ENOMEM;
		memcpy(out, p, (size_t)(end - p));
		*derp = out;
		*lenp = (size_t)(end - p);
		return 0;
	}
	if (strcasecmp(cte, "base64"))
		return EPROTO;
	b64 = malloc((size_t)(end - p) + 1);
	out = malloc((size_t)(end - p) + 1);
	if (!b64 || !out)
		goto nomem;
	for (const char *q = p; q < end; q++)
		if (!isspace((unsigned char)*q))
			b64[n++] = *q;
	if (n % 4 || n > INT32_MAX)
		goto bad;
	pad = n && b64[n - 1] == '=' ? (n > 1 && b64[n - 2] == '=' ? 2 : 1) : 0;
	dec = EVP_DecodeBlock(out, (unsigned char *)b64, (int)n);
	if (dec < 0 || (size_t)dec < pad)
		goto bad;
	free(b64);
	*derp = out;
	*lenp = (size_t)dec - pad;
	return 0;
bad:
	free(b64);
	free(out);
	return EPROTO;
nomem:
	free(b64);
	free(out);
	return ENOMEM;
}

/* Check the DER signature over [p1, p1end). */
static int check(const struct confinfo_smime_verifier *v,
		 const unsigned char *der, size_t dlen, const char *p1,
		 const char *p1end, struct confinfo_smime_opened *out)
{
	const unsigned char *q = der;
	CMS_ContentInfo *cms = NULL;
	STACK_OF(X509) *signers = NULL;
	BIO *content = NULL;
	char err[160] = "";
	int ok;

	if (dlen > INT32_MAX || p1end - p1 > INT32_MAX)
		return failed(out, "signature too large");
	cms = d2i_CMS_ContentInfo(NULL, &q, (long)dlen);
	if (!cms) {
		ERR_clear_error();
		return failed(out, "the signature is not a CMS structure");
	}
	content = BIO_new_mem_buf(p1, (int)(p1end - p1));
	if (!content) {
		CMS_ContentInfo_free(cms);
		return ENOMEM;
	}
	ok = CMS_verify(cms, NULL, v->store, content, NULL, CMS_BINARY);
	if (ok == 1) {
		out->status = CONFINFO_SMIME_VERIFIED;
		signers = CMS_get0_signers(cms);
		if (signers && sk_X509_num(signers) > 0)
			X509_NAME_oneline(
			    X509_get_subject_name(sk_X509_value(signers, 0)),
			    out->signer, (int)sizeof(out->signer));
		sk_X509_free(signers);
	} else {
		unsigned long e = ERR_peek_last_error();

		if (e)
			ERR_error_string_n(e, err, sizeof(err));
		failed(out, "signature does not verify (%s)",
		       err[0] ? err : "unknown reason");
	}
	ERR_clear_error();
	BIO_free(content);
	CMS_ContentInfo_free(cms);
	return 0;
}

/* The signed entity of @p tp into out (body, ctype), or FAILED. */
static bool inner(const struct two_parts *tp, struct confinfo_smime_opened *out)
{
	const char *hend, *b;
	char cte[32] = "", ct[128] = "";

	hend = headers_end(tp->p1, tp->p1end, &b);
	if (!hend) {
		failed(out, "signed part without a header end");
		return false;
	}
	if (part_header(tp->p1, hend, "Content-Type", ct, sizeof(ct)))
		media_type(ct, strlen(ct), out->ctype, sizeof(out->ctype));
	out->body = b;
	out->len = (size_t)(tp->p1end - b);
	if (part_header(tp->p1, hend, "Content-Transfer-Encoding", cte,
			sizeof(cte)) &&
	    strcasecmp(cte, "binary") && strcasecmp(cte, "8bit") &&
	    strcasecmp(cte, "7bit")) {
		failed(out, "signed part with transfer encoding %.32s", cte);
		return false;
	}
	return true;
}

static int open_signed(const struct confinfo_smime_verifier *v,
		       const char *ctype, size_t ctlen, const char *body,
		       size_t len, struct confinfo_smime_opened *out)
{
	char boundary[72], proto[64], ct[128], cte[32] = "";
	struct two_parts tp;
	const char *hend, *b;
	unsigned char *der = NULL;
	size_t dlen;
	int err;

	if (!param(ctype, ctlen, "boundary", boundary, sizeof(boundary)))
		return failed(out, "multipart/signed without a boundary");
	if (!param(ctype, ctlen, "protocol", proto, sizeof(proto)) ||
	    (strcasecmp(proto, "application/pkcs7-signature") &&
	     strcasecmp(proto, "application/x-pkcs7-signature")))
		return failed(out, "multipart/signed whose protocol is not "
				   "application/pkcs7-signature");
	if (!split(body, len, boundary, &tp))
		return failed(out, "multipart/signed body without its two "
				   "parts and closing delimiter");
	if (!inner(&tp, out))
		return 0;
	hend = headers_end(tp.p2, tp.p2end, &b);
	if (!hend || !part_header(tp.p2, hend, "Content-Type", ct, sizeof(ct)))
		return failed(out, "signature part without a Content-Type");
	media_type(ct, strlen(ct), proto, sizeof(proto));
	if (strcmp(proto, "application/pkcs7-signature") &&
	    strcmp(proto, "application/x-pkcs7-signature"))
		return failed(out, "second part is %.64s, not a signature",
			      proto);
	(void)part_header(tp.p2, hend, "Content-Transfer-Encoding", cte,
			  sizeof(cte));
	err = signature_der(b, tp.p2end, cte, &der, &dlen);
	if (err == ENOMEM)
		return err;
	if (err)
		return failed(out, "signature part not decodable");
	if (!v)
		err = failed(out, "no trust anchors to verify the signature "
				  "against");
	else
		err = check(v, der, dlen, tp.p1, tp.p1end, out);
	free(der);
	return err;
}

int confinfo_smime_open(const struct confinfo_smime_verifier *v,
			const char *ctype, size_t ctlen, const char *body,
			size_t len, struct confinfo_smime_opened *out)
{
	if (!out || (!ctype && ctlen) || (!body && len))
		return EINVAL;
	memset(out, 0, sizeof(*out));
	media_type(ctype ? ctype : "", ctlen, out->ctype, sizeof(out->ctype));
	if (strcmp(out->ctype, CONFINFO_SMIME_CTYPE)) {
		out->status = CONFINFO_SMIME_UNSIGNED;
		out->body = body;
		out->len = len;
		return 0;
	}
	out->ctype[0] = '\0';
	return open_signed(v, ctype, ctlen, body, len, out);
}

static bool starts_with_ci(const char *p, size_t len, const char *s)
{
	size_t n = strlen(s);

	return len >= n && !strncasecmp(p, s, n);
}

int confinfo_smime_open_entity(const struct confinfo_smime_verifier *v,
			       const char *data, size_t len,
			       struct confinfo_smime_opened *out)
{
	const char *hend, *b;
	char ct[512];

	if (!out || (!data && len))
		return EINVAL;
	if (!starts_with_ci(data, len, "Content-Type:") &&
	    !starts_with_ci(data, len, "MIME-Version:"))
		return confinfo_smime_open(v, NULL, 0, data, len, out);
	hend = headers_end(data, data + len, &b);
	if (!hend || !part_header(data, hend, "Content-Type", ct, sizeof(ct)))
		return confinfo_smime_open(v, NULL, 0, data, len, out);
	return confinfo_smime_open(v, ct, strlen(ct), b,
				   (size_t)(data + len - b), out);
}
