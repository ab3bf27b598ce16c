/*
 * Host normalisation N(h), docs/chat-rooms.md section 3.
 *
 * The point of N is that two hosts compare equal only if they are provably
 * the same destination, so everything that some resolver or browser might
 * read differently is rejected rather than guessed at:
 * - IPv4 only in strict dotted-decimal, and an all-numeric (or 0x) last
 *   label is invalid, because inet_aton() and browsers read "2130706433",
 *   "0x7f000001" and "127.1" as 127.0.0.1;
 * - no UTS #46 mapping: a fullwidth letter, an ideographic full stop, a
 *   soft hyphen or an upper-case non-ASCII letter is an error, not
 *   something quietly turned into the "intended" character (which is how
 *   look-alike hosts get past a comparison);
 * - A-labels must round-trip through their U-label, so a label such as
 *   "xn--abc" that merely looks like an IDN is rejected.
 * ASCII letters are lower-cased in every label: DNS is case-insensitive
 * for them, which is not a mapping of look-alikes.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <idn2.h>

#include "model/alloc.h"
#include "uri/uri_int.h"

/* Longest host we look at, as written: 253 octets of A-labels can come
 * from at most this many bytes of percent-encoded UTF-8 U-labels. */
#define HOST_MAX_INPUT 1024
#define LABEL_MAX      63

/* The host being built: ASCII and Unicode forms side by side. */
struct host_buf {
	char ascii[CONFINFO_URI_MAX_HOST + 2];
	size_t alen;
	char unicode[HOST_MAX_INPUT * 2];
	size_t ulen;
};

static bool buf_put(char *buf, size_t size, size_t *lenp, const char *s,
		    size_t n)
{
	if (*lenp + n + 1 > size)
		return false;
	memcpy(buf + *lenp, s, n);
	*lenp += n;
	buf[*lenp] = '\0';
	return true;
}

static int ip6_parse(struct uri_ctx *c, struct confinfo_host *h, size_t off,
		     size_t len)
{
	const char *s = c->s + off;
	char text[INET6_ADDRSTRLEN];

	if (len < 2 || s[len - 1] != ']')
		return uri_fail(c, CONFINFO_URI_E_IPLITERAL, off,
				"'[' without a closing ']' at the end of the "
				"host");
	s++;
	len -= 2;
	if (!len)
		return uri_fail(c, CONFINFO_URI_E_IPLITERAL, off,
				"empty IP literal");
	if (s[0] == 'v' || s[0] == 'V')
		return uri_fail(c, CONFINFO_URI_E_IPLITERAL, off + 1,
				"IPvFuture literals are not accepted");
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '%')
			return uri_fail(c, CONFINFO_URI_E_IPLITERAL,
					off + 1 + i,
					"IPv6 zone identifiers are not "
					"accepted");
		if (!uri_is_hex(ch) && ch != ':' && ch != '.')
			return uri_fail(c, CONFINFO_URI_E_IPLITERAL,
					off + 1 + i,
					"brackets around something that is not "
					"an IPv6 address");
	}
	if (len >= sizeof(text))
		return uri_fail(c, CONFINFO_URI_E_IPLITERAL, off,
				"IPv6 literal too long");
	memcpy(text, s, len);
	text[len] = '\0';
	if (inet_pton(AF_INET6, text, h->addr) != 1)
		return uri_fail(c, CONFINFO_URI_E_IPLITERAL, off,
				"invalid IPv6 address");
	h->kind = CONFINFO_HOST_IPV6;
	return 0;
}

/* Strict dotted-decimal: four parts, each 0-255 without leading zeros. */
static bool ip4_parse(const char *s, size_t len, uint8_t addr[4])
{
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		unsigned v = 0;
		size_t digits = 0;

		if (part) {
			if (i >= len || s[i] != '.')
				return false;
			i++;
		}
		while (i < len && uri_is_digit((unsigned char)s[i])) {
			if (digits && v == 0)
				return false; /* leading zero */
			v = v * 10 + (unsigned)(s[i] - '0');
			if (v > 255)
				return false;
			digits++;
			i++;
		}
		if (!digits)
			return false;
		addr[part] = (uint8_t)v;
	}
	return i == len;
}

/* The last label may not look like a number: "2130706433", "0x7f000001",
 * "127.1", "1.2.3.04" are all read as addresses by some parsers. */
static bool label_numeric(const char *l, size_t n)
{
	size_t i = 0;

	if (n >= 2 && l[0] == '0' && (l[1] == 'x' || l[1] == 'X')) {
		for (i = 2; i < n && uri_is_hex((unsigned char)l[i]); i++)
			;
		return i == n;
	}
	for (i = 0; i < n && uri_is_digit((unsigned char)l[i]); i++)
		;
	return i == n;
}

/*
 * An "xn--" label must be the A-label of a valid U-label: decode it, check
 * the result is non-ASCII UTF-8, encode it again under IDNA2008 (no TR46)
 * and require the very same label. Writes the U-label to @p ulabel.
 */
static bool alabel_roundtrip(const char *label, char *ulabel, size_t size)
{
	char *u = NULL;
	uint8_t *a = NULL;
	bool ok = false, nonascii = false;
	size_t n;

	if (idn2_to_unicode_8z8z(label, &u, 0) != IDN2_OK || !u)
		goto out;
	n = strlen(u);
	for (size_t i = 0; i < n;) {
		uint32_t uc;
		size_t m = text_utf8_next((const uint8_t *)u + i, n - i, &uc);

		if (!m)
			goto out;
		if (uc >= 0x80)
			nonascii = true;
		i += m;
	}
	if (!nonascii || n + 1 > size)
		goto out;
	if (idn2_lookup_u8((const uint8_t *)u, &a, IDN2_NO_TR46) != IDN2_OK ||
	    !a || strcmp((const char *)a, label))
		goto out;
	memcpy(ulabel, u, n + 1);
	ok = true;
out:
	free(u); /* allocated by libidn2 */
	free(a);
	return ok;
}

static int label_ascii(struct uri_ctx *c, struct host_buf *b, char *l, size_t n,
		       size_t off, bool *idnp)
{
	char ulabel[LABEL_MAX * 4 + 1];

	if (n > LABEL_MAX)
		return uri_fail(c, CONFINFO_URI_E_HOST, off,
				"host label longer than 63 octets");
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)l[i];

		if (!uri_is_alnum(ch) && ch != '-')
			return uri_fail(c, CONFINFO_URI_E_HOST, off,
					"character '%c' not allowed in a host "
					"name (letters, digits, '-')",
					ch);
		l[i] = (char)uri_lower(ch);
	}
	if (l[0] == '-' || l[n - 1] == '-')
		return uri_fail(c, CONFINFO_URI_E_HOST, off,
				"host label '%.*s' starts or ends with '-'",
				(int)n, l);
	if (n >= 4 && !memcmp(l, "xn--", 4)) {
		char label[LABEL_MAX + 1];

		memcpy(label, l, n);
		label[n] = '\0';
		if (!alabel_roundtrip(label, ulabel, sizeof(ulabel)))
			return uri_fail(c, CONFINFO_URI_E_IDN, off,
					"'%s' is not a valid A-label (it does "
					"not round-trip through IDNA2008)",
					label);
		if (!buf_put(b->unicode, sizeof(b->unicode), &b->ulen, ulabel,
			     strlen(ulabel)))
			return uri_fail(c, CONFINFO_URI_E_HOST, off,
					"host too long");
		*idnp = true;
		return 0;
	}
	if (!buf_put(b->unicode, sizeof(b->unicode), &b->ulen, l, n))
		return uri_fail(c, CONFINFO_URI_E_HOST, off, "host too long");
	return 0;
}

/* A label with non-ASCII: must already be a valid IDNA2008 U-label. */
static int label_unicode(struct uri_ctx *c, struct host_buf *b, char *l,
			 size_t n, size_t off, char *alabel, size_t *alenp)
{
	char label[HOST_MAX_INPUT + 1];
	uint8_t *a = NULL;
	int rc, err = 0;

	for (size_t i = 0; i < n; i++)
		label[i] = (char)uri_lower((unsigned char)l[i]);
	label[n] = '\0';
	rc = idn2_lookup_u8((const uint8_t *)label, &a, IDN2_NO_TR46);
	if (rc != IDN2_OK || !a) {
		err = uri_fail(c, CONFINFO_URI_E_IDN, off,
			       "host label '%s' is not a valid IDNA2008 "
			       "U-label (%s)",
			       label, idn2_strerror(rc));
		goto out;
	}
	*alenp = strlen((const char *)a);
	if (*alenp > LABEL_MAX || memcmp(a, "xn--", 4) ||
	    memchr(a, '.', *alenp)) {
		err = uri_fail(c, CONFINFO_URI_E_IDN, off,
			       "host label '%s' does not convert to one "
			       "A-label",
			       label);
		goto out;
	}
	memcpy(alabel, a, *alenp);
	if (!buf_put(b->unicode, sizeof(b->unicode), &b->ulen, label, n))
		err = uri_fail(c, CONFINFO_URI_E_HOST, off, "host too long");
out:
	free(a); /* allocated by libidn2 */
	return err;
}

/* Percent-decode a reg-name: escapes must yield non-ASCII (rule 3.2). */
static int host_decode(struct uri_ctx *c, size_t off, size_t len,
		       unsigned flags, char *d, uint16_t *origin, size_t *np)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		size_t at = off + i;
		unsigned char ch = (unsigned char)c->s[at];

		if (ch == '%') {
			unsigned v;

			if (!(flags & CONFINFO_HOST_ALLOW_PCT))
				return uri_fail(c, CONFINFO_URI_E_HOST, at,
						"percent-encoding in a host "
						"that must be ASCII");
			if (!uri_pct_at(c->s, c->len, at))
				return uri_fail(c, CONFINFO_URI_E_PCT, at,
						"'%%' not followed by two hex "
						"digits");
			v = (unsigned)(uri_hexval((unsigned char)c->s[at + 1]) *
					   16 +
				       uri_hexval((unsigned char)c->s[at + 2]));
			if (v < 0x80)
				return uri_fail(c, CONFINFO_URI_E_HOST, at,
						"percent-encoded ASCII %%%02X "
						"in a host (delimiters and "
						"controls may not be hidden "
						"this way)",
						v);
			origin[n] = (uint16_t)i;
			d[n++] = (char)v;
			i += 2;
			continue;
		}
		if (ch >= 0x80 && !(flags & CONFINFO_HOST_ALLOW_UNICODE))
			return uri_fail(c, CONFINFO_URI_E_HOST, at,
					"non-ASCII character in a host that "
					"must be ASCII (write IDNs as "
					"A-labels)");
		if (ch == '[' || ch == ']')
			return uri_fail(c, CONFINFO_URI_E_IPLITERAL, at,
					"brackets around something that is "
					"not an IPv6 address");
		origin[n] = (uint16_t)i;
		d[n++] = (char)ch;
	}
	/* Whatever came out must be UTF-8. */
	for (size_t i = 0; i < n;) {
		uint32_t uc;
		size_t m = text_utf8_next((const uint8_t *)d + i, n - i, &uc);

		if (!m)
			return uri_fail(c, CONFINFO_URI_E_HOST, off + origin[i],
					"host bytes are not UTF-8");
		i += m;
	}
	*np = n;
	return 0;
}

/* Append the label @p l of @p ln bytes (at offset @p at of the input) to
 * both forms of the host in @p b, as an A-label in the ASCII one; its
 * length there in *alenp. */
static int host_label(struct uri_ctx *c, struct host_buf *b,
		      struct confinfo_host *h, char *l, size_t ln, size_t at,
		      size_t off, size_t *alenp)
{
	char alabel[LABEL_MAX + 1];
	size_t alen = 0;
	bool ascii = true;
	int err;

	for (size_t k = 0; k < ln; k++)
		ascii = ascii && (unsigned char)l[k] < 0x80;
	if (h->labels &&
	    !buf_put(b->unicode, sizeof(b->unicode), &b->ulen, ".", 1))
		return uri_fail(c, CONFINFO_URI_E_HOST, off, "host too long");
	if (ascii) {
		err = label_ascii(c, b, l, ln, at, &h->idn);
		if (err)
			return err;
		memcpy(alabel, l, ln);
		alen = ln;
	} else {
		err = label_unicode(c, b, l, ln, at, alabel, &alen);
		if (err)
			return err;
		h->idn = true;
	}
	if ((h->labels &&
	     !buf_put(b->ascii, sizeof(b->ascii), &b->alen, ".", 1)) ||
	    !buf_put(b->ascii, sizeof(b->ascii), &b->alen, alabel, alen) ||
	    b->alen > CONFINFO_URI_MAX_HOST)
		return uri_fail(c, CONFINFO_URI_E_HOST, off,
				"host longer than %d octets",
				CONFINFO_URI_MAX_HOST);
	h->labels++;
	*alenp = alen;
	return 0;
}

/* The whole name of an IDN once more, for the checks IDNA2008 makes
 * across labels (the Bidi Rule of RFC 5893). */
static int idn_check_whole(struct uri_ctx *c, const struct host_buf *b,
			   size_t off)
{
	uint8_t *a = NULL;
	int rc = idn2_lookup_u8((const uint8_t *)b->unicode, &a, IDN2_NO_TR46);
	bool same = rc == IDN2_OK && a && !strcmp((char *)a, b->ascii);

	free(a); /* allocated by libidn2 */
	if (!same)
		return uri_fail(c, CONFINFO_URI_E_IDN, off,
				"host '%s' is not a valid IDNA2008 name "
				"(%s)",
				b->unicode,
				rc == IDN2_OK ? "labels do not agree"
					      : idn2_strerror(rc));
	return 0;
}

static int host_name(struct uri_ctx *c, struct host_buf *b,
		     struct confinfo_host *h, size_t off, size_t len,
		     unsigned flags)
{
	char d[HOST_MAX_INPUT + 1];
	uint16_t origin[HOST_MAX_INPUT + 1];
	size_t n = 0, start = 0, last = 0, lastlen = 0;
	int err;

	err = host_decode(c, off, len, flags, d, origin, &n);
	if (err)
		return err;
	/* One trailing dot names the same host; more is an empty label. */
	if (n && d[n - 1] == '.')
		n--;
	if (!n)
		return uri_fail(c, CONFINFO_URI_E_HOST, off, "empty host");
	for (size_t i = 0; i <= n; i++) {
		size_t ln, at, alen = 0;

		if (i < n && d[i] != '.')
			continue;
		ln = i - start;
		at = off + (start < n ? origin[start] : len);
		if (!ln)
			return uri_fail(c, CONFINFO_URI_E_HOST, at,
					"empty label in host");
		err = host_label(c, b, h, d + start, ln, at, off, &alen);
		if (err)
			return err;
		last = b->alen - alen;
		lastlen = alen;
		start = i + 1;
	}
	if (label_numeric(b->ascii + last, lastlen))
		return uri_fail(c, CONFINFO_URI_E_HOST, off,
				"host ends in a numeric label ('%s'): not a "
				"name, and not a dotted-decimal IPv4 address",
				b->ascii + last);
	if (h->idn) {
		err = idn_check_whole(c, b, off);
		if (err)
			return err;
	}
	h->kind = CONFINFO_HOST_NAME;
	return 0;
}

int uri_host_parse(struct uri_ctx *c, struct confinfo_host *hp, size_t off,
		   size_t len, unsigned flags)
{
	struct confinfo_host h = {0};
	struct host_buf *b = NULL;
	int err = 0;

	if (!len)
		return uri_fail(c, CONFINFO_URI_E_HOST, off, "empty host");
	if (len > HOST_MAX_INPUT)
		return uri_fail(c, CONFINFO_URI_E_HOST, off,
				"host longer than %d bytes", HOST_MAX_INPUT);
	b = ci_calloc(1, sizeof(*b));
	if (!b)
		return ENOMEM;
	if (c->s[off] == '[') {
		err = ip6_parse(c, &h, off, len);
		if (err)
			goto out;
		if (!inet_ntop(AF_INET6, h.addr, b->ascii + 1,
			       sizeof(b->ascii) - 2)) {
			err = ENOMEM; /* cannot happen: the buffer fits */
			goto out;
		}
		b->ascii[0] = '[';
		b->alen = strlen(b->ascii);
		b->ascii[b->alen++] = ']';
		b->ascii[b->alen] = '\0';
		memcpy(b->unicode, b->ascii, b->alen + 1);
	} else if (ip4_parse(c->s + off, len, h.addr)) {
		h.kind = CONFINFO_HOST_IPV4;
		memcpy(b->ascii, c->s + off, len);
		b->ascii[len] = '\0';
		memcpy(b->unicode, b->ascii, len + 1);
	} else {
		err = host_name(c, b, &h, off, len, flags);
		if (err)
			goto out;
	}
	h.ascii = ci_strdup(b->ascii);
	h.unicode = ci_strdup(b->unicode);
	if (!h.ascii || !h.unicode) {
		confinfo_uri_host_reset(&h);
		err = ENOMEM;
		goto out;
	}
	*hp = h;
out:
	ci_free(b);
	return err;
}

int confinfo_uri_host_normalize(struct confinfo_host *h, const char *s,
				size_t len, unsigned flags,
				enum confinfo_uri_err *errp,
				struct confinfo_diag *diag)
{
	struct uri_ctx c = {.s = s, .len = len, .errp = errp, .diag = diag};
	int err;

	if (!h || (!s && len))
		return EINVAL;
	/* The same shared checks a URI gets (no controls, no backslash...),
	 * restricted to what a host may hold. */
	for (size_t i = 0; i < len;) {
		uint32_t uc;
		size_t n = text_utf8_next((const uint8_t *)s + i, len - i, &uc);

		if (!n || uc < 0x21 || (uc >= 0x7F && uc <= 0x9F) ||
		    uc == '\\' || text_is_bidi_control(uc))
			return uri_fail(&c, CONFINFO_URI_E_CHAR, i,
					"character not allowed in a host");
		i += n;
	}
	err = uri_host_parse(&c, h, 0, len, flags);
	if (!err && errp)
		*errp = CONFINFO_URI_OK;
	return err;
}

void confinfo_uri_host_reset(struct confinfo_host *h)
{
	if (!h)
		return;
	ci_free(h->ascii);
	ci_free(h->unicode);
	memset(h, 0, sizeof(*h));
}

bool confinfo_uri_host_equal(const struct confinfo_host *a,
			     const struct confinfo_host *b)
{
	if (!a || !b || a->kind != b->kind)
		return false;
	switch (a->kind) {
	case CONFINFO_HOST_NAME:
		return a->ascii && b->ascii && !strcmp(a->ascii, b->ascii);
	case CONFINFO_HOST_IPV4:
		return !memcmp(a->addr, b->addr, 4);
	case CONFINFO_HOST_IPV6:
		return !memcmp(a->addr, b->addr, 16);
	default:
		return false;
	}
}
