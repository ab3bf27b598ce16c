/*
 * The bottom of the URI module: what every scheme's grammar shares, so
 * that uri.c (the dispatcher), the scheme parsers (uri_sip.c, uri_web.c,
 * uri_xmpp.c), host.c and precis.c all call down to it and it calls
 * nothing of theirs. Failures with their offsets, percent-decoding, and
 * the two pieces of grammar several schemes have in common (a port, an
 * RFC 3986 query and fragment). UTF-8 and the bidi controls come from
 * the text module below (text/text_int.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "model/alloc.h"
#include "uri/uri_int.h"

/* ---------------------------------------------------------------------
 * Failures.
 * ------------------------------------------------------------------- */

int uri_fail(struct uri_ctx *c, enum confinfo_uri_err code, size_t off,
	     const char *fmt, ...)
{
	char msg[CONFINFO_DIAG_MSG_SIZE];
	va_list ap;

	if (c->errp)
		*c->errp = code;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* The column is the 1-based byte offset: URIs are one line. */
	confinfo_diag_fail(c->diag, EBADMSG, 0, (unsigned)off + 1,
			   "%s at offset %zu", msg, off);
	return EBADMSG;
}

const char *uri_char_desc(const struct uri_ctx *c, size_t off, char *buf)
{
	uint32_t uc = 0;

	if (off >= c->len) {
		snprintf(buf, 16, "end of input");
		return buf;
	}
	if (!text_utf8_next((const uint8_t *)c->s + off, c->len - off, &uc))
		uc = (unsigned char)c->s[off];
	if (uc > 0x20 && uc < 0x7F)
		snprintf(buf, 16, "'%c'", (char)uc);
	else
		snprintf(buf, 16, "U+%04X", (unsigned)uc);
	return buf;
}

/* ---------------------------------------------------------------------
 * Bytes: percent-decoding, comparison.
 * ------------------------------------------------------------------- */

int uri_pct_decode(struct confinfo_bytes *out, const char *s, size_t len)
{
	char *d = ci_malloc(len + 1);
	size_t n = 0;

	if (!d)
		return ENOMEM;
	for (size_t i = 0; i < len; i++) {
		if (uri_pct_at(s, len, i)) {
			d[n++] =
			    (char)(uri_hexval((unsigned char)s[i + 1]) * 16 +
				   uri_hexval((unsigned char)s[i + 2]));
			i += 2;
		} else {
			d[n++] = s[i];
		}
	}
	d[n] = '\0';
	out->ptr = d;
	out->len = n;
	return 0;
}

bool confinfo_bytes_equal(const struct confinfo_bytes *a,
			  const struct confinfo_bytes *b)
{
	if (!a || !b || !a->ptr || !b->ptr)
		return false;
	return a->len == b->len && !memcmp(a->ptr, b->ptr, a->len);
}

/* ---------------------------------------------------------------------
 * Grammar shared by several schemes.
 * ------------------------------------------------------------------- */

int uri_port_parse(struct uri_ctx *c, size_t off, size_t len, int *portp)
{
	long v = 0;

	if (!len)
		return uri_fail(c, CONFINFO_URI_E_PORT, off, "empty port");
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)c->s[off + i];

		if (!uri_is_digit(ch))
			return uri_fail(c, CONFINFO_URI_E_PORT, off + i,
					"port is not all digits");
		v = v * 10 + (ch - '0');
		if (v > 65535)
			return uri_fail(c, CONFINFO_URI_E_PORT, off,
					"port above 65535");
	}
	*portp = (int)v;
	return 0;
}

int uri_check_tail(struct uri_ctx *c, size_t off, bool iri)
{
	bool fragment = false;

	for (size_t i = off; i < c->len; i++) {
		unsigned char ch = (unsigned char)c->s[i];

		if (ch == '%' && uri_pct_at(c->s, c->len, i)) {
			i += 2;
			continue;
		}
		if (ch == '#' && !fragment) {
			fragment = true;
			continue;
		}
		if (i == off && ch == '?')
			continue;
		if (uri_is_pchar(ch) || ch == '/' || ch == '?')
			continue;
		if (ch >= 0x80 && iri)
			continue;
		return uri_fail(c, CONFINFO_URI_E_CHAR, i,
				"character '%c' not allowed in %s", ch,
				fragment ? "fragment" : "query");
	}
	return 0;
}
