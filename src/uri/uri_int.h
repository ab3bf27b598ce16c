/*
 * Private to the URI module. Its files call down only, in this order:
 *
 *   uri.c        confinfo_uri_parse(): shared checks, then dispatch
 *   uri_sip.c, uri_web.c, uri_xmpp.c   the grammar of each scheme
 *   host.c, precis.c                   hosts, xmpp localparts
 *   lex.c        what they all share: failures with offsets,
 *                percent-decoding, ports, query and fragment
 *
 * plus the character classes below, inline for every grammar. Below the
 * module, the text module's text_utf8_next() and text_is_bidi_control()
 * (text/text_int.h): the arrow points down, uri -> text.
 */
#ifndef CONFINFO_URI_INT_H
#define CONFINFO_URI_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "confinfo/uri.h"
#include "text/text_int.h"

/*
 * One parse in progress. Offsets given to the helpers are absolute byte
 * offsets into @c s, so every message names the place in the input the
 * user actually wrote.
 */
struct uri_ctx {
	const char *s;
	size_t len;
	struct confinfo_uri *u;
	enum confinfo_uri_err *errp;
	struct confinfo_diag *diag;
};

/* ASCII classes. They take an int so that a char from any platform works;
 * bytes >= 0x80 are in none of them. */
static inline bool uri_is_alpha(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}
static inline bool uri_is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}
static inline bool uri_is_alnum(int ch)
{
	return uri_is_alpha(ch) || uri_is_digit(ch);
}
static inline bool uri_is_hex(int ch)
{
	return uri_is_digit(ch) || (ch >= 'a' && ch <= 'f') ||
	       (ch >= 'A' && ch <= 'F');
}
static inline int uri_hexval(int ch)
{
	if (uri_is_digit(ch))
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return ch - 'A' + 10;
}
static inline int uri_lower(int ch)
{
	return (ch >= 'A' && ch <= 'Z') ? ch + ('a' - 'A') : ch;
}
/* RFC 3986 unreserved. */
static inline bool uri_is_unreserved(int ch)
{
	return uri_is_alnum(ch) || ch == '-' || ch == '.' || ch == '_' ||
	       ch == '~';
}
/* RFC 3986 sub-delims. */
static inline bool uri_is_sub_delim(int ch)
{
	return ch == '!' || ch == '$' || ch == '&' || ch == '\'' || ch == '(' ||
	       ch == ')' || ch == '*' || ch == '+' || ch == ',' || ch == ';' ||
	       ch == '=';
}
/* RFC 3986 pchar minus pct-encoded (checked separately). */
static inline bool uri_is_pchar(int ch)
{
	return uri_is_unreserved(ch) || uri_is_sub_delim(ch) || ch == ':' ||
	       ch == '@';
}

/*
 * True if a valid "%" HEXDIG HEXDIG starts at @p off (the caller has
 * already checked, in uri_prescan, that every '%' is well formed; this is
 * used to step over escapes in the grammar scanners).
 */
static inline bool uri_pct_at(const char *s, size_t len, size_t off)
{
	return off + 2 < len && s[off] == '%' &&
	       uri_is_hex((unsigned char)s[off + 1]) &&
	       uri_is_hex((unsigned char)s[off + 2]);
}

/* Advance from @p i over characters of class @p cls and percent escapes;
 * returns where the run ends. */
static inline size_t uri_scan(const struct uri_ctx *c, size_t i,
			      bool (*cls)(int))
{
	while (i < c->len) {
		if (uri_pct_at(c->s, c->len, i))
			i += 3;
		else if (cls((unsigned char)c->s[i]))
			i++;
		else
			break;
	}
	return i;
}

/* lex.c: the bottom of the module. */

/* Record the failed rule and a message "... at offset N"; returns EBADMSG
 * so that callers can `return uri_fail(...)`. */
int uri_fail(struct uri_ctx *c, enum confinfo_uri_err code, size_t off,
	     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* "'x'" for a printable ASCII character at @p off, "U+XXXX" otherwise,
 * written to @p buf (at least 16 bytes): safe to put in a message. */
const char *uri_char_desc(const struct uri_ctx *c, size_t off, char *buf);

/*
 * Percent-decode @p len bytes at @p s into a new length-counted string
 * (ci_malloc'd, NUL-terminated after len). Escapes are assumed well formed
 * (uri_prescan). 0 or ENOMEM.
 */
int uri_pct_decode(struct confinfo_bytes *out, const char *s, size_t len);

/* Parse a port of s[off .. off+len): 1-5 digits' worth, <= 65535. */
int uri_port_parse(struct uri_ctx *c, size_t off, size_t len, int *portp);

/*
 * Scan an RFC 3986 [ "?" query ] [ "#" fragment ] tail of s[off .. len):
 * every character must be a pchar, '/', '?' or a valid escape (fragment:
 * '#' may not repeat). Non-ASCII is allowed only when @p iri (xmpp).
 * Returns 0 or EBADMSG.
 */
int uri_check_tail(struct uri_ctx *c, size_t off, bool iri);

/* host.c */

/*
 * Host normalisation with offsets for messages: like
 * confinfo_uri_host_normalize() on s[off .. off+len) of the context.
 */
int uri_host_parse(struct uri_ctx *c, struct confinfo_host *h, size_t off,
		   size_t len, unsigned flags);

/* precis.c */

/* Bytes of a PRECIS-valid xmpp part, for the resourcepart check. */
int uri_precis_opaque_check(const char *s, size_t len);

/* uri_sip.c, uri_xmpp.c, uri_web.c: one parser per scheme. */

/* Per-scheme parsers; @p off is just after "scheme:". */
int uri_parse_sip(struct uri_ctx *c, size_t off);
int uri_parse_xmpp(struct uri_ctx *c, size_t off);
int uri_parse_irc(struct uri_ctx *c, size_t off);
int uri_parse_http(struct uri_ctx *c, size_t off);

#endif
