/*
 * URI parsing: the checks every scheme shares (length, characters,
 * percent-encoding, scheme) and the dispatch to the grammar of each scheme.
 * The top of the module: it calls the scheme parsers (uri_sip.c,
 * uri_web.c, uri_xmpp.c), which call host.c and precis.c, and all of
 * them call down to lex.c; nothing calls back up.
 *
 * The shared checks run over the whole input before any grammar does, so
 * that a control character, a backslash or a bidi control hidden in a part
 * a grammar would skip (a fragment, a SIP header value) still makes the URI
 * invalid: docs/chat-rooms.md section 2 says "anywhere".
 */
#include <errno.h>
#include <string.h>

#include "model/alloc.h"
#include "uri/uri_int.h"

static const char *const scheme_names[] = {
    [CONFINFO_URI_SCHEME_SIP] = "sip",   [CONFINFO_URI_SCHEME_SIPS] = "sips",
    [CONFINFO_URI_SCHEME_XMPP] = "xmpp", [CONFINFO_URI_SCHEME_IRC] = "irc",
    [CONFINFO_URI_SCHEME_HTTP] = "http", [CONFINFO_URI_SCHEME_HTTPS] = "https",
};

const char *confinfo_uri_scheme_str(enum confinfo_uri_scheme scheme)
{
	if (scheme <= CONFINFO_URI_SCHEME_NONE ||
	    scheme > CONFINFO_URI_SCHEME_HTTPS)
		return NULL;
	return scheme_names[scheme];
}

const char *confinfo_uri_err_str(enum confinfo_uri_err err)
{
	static const char *const names[] = {
	    [CONFINFO_URI_OK] = "ok",
	    [CONFINFO_URI_E_LENGTH] = "length",
	    [CONFINFO_URI_E_SCHEME] = "scheme",
	    [CONFINFO_URI_E_CHAR] = "character",
	    [CONFINFO_URI_E_PCT] = "percent-encoding",
	    [CONFINFO_URI_E_SYNTAX] = "syntax",
	    [CONFINFO_URI_E_USERINFO] = "userinfo",
	    [CONFINFO_URI_E_HOST] = "host",
	    [CONFINFO_URI_E_IDN] = "idn",
	    [CONFINFO_URI_E_IPLITERAL] = "ip-literal",
	    [CONFINFO_URI_E_PORT] = "port",
	    [CONFINFO_URI_E_PARAM] = "parameter",
	    [CONFINFO_URI_E_AUTHORITY] = "authority",
	    [CONFINFO_URI_E_LOCALPART] = "localpart",
	    [CONFINFO_URI_E_RESOURCE] = "resource",
	    [CONFINFO_URI_E_QUERY] = "query",
	    [CONFINFO_URI_E_TARGET] = "target",
	};

	if ((unsigned)err >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[err];
}

/* Unicode white space that would make a URI look like two words. */
static bool is_unicode_space(uint32_t uc)
{
	return uc == 0x00A0 || uc == 0x1680 || (uc >= 0x2000 && uc <= 0x200A) ||
	       uc == 0x2028 || uc == 0x2029 || uc == 0x202F || uc == 0x205F ||
	       uc == 0x3000 || uc == 0x0085;
}

/* Bidi controls hidden behind percent-encoding: decode each run of
 * escapes and look for their UTF-8 forms at every offset (the run need not
 * be valid UTF-8 as a whole). */
static int check_encoded_bidi(struct uri_ctx *c)
{
	uint8_t run[CONFINFO_URI_MAX_LEN / 3 + 1];

	for (size_t i = 0; i < c->len; i++) {
		size_t start = i, n = 0;

		while (i < c->len && uri_pct_at(c->s, c->len, i)) {
			run[n++] =
			    (uint8_t)(uri_hexval((unsigned char)c->s[i + 1]) *
					  16 +
				      uri_hexval((unsigned char)c->s[i + 2]));
			i += 3;
		}
		for (size_t k = 0; k < n; k++) {
			uint32_t uc;

			if (text_utf8_next(run + k, n - k, &uc) &&
			    text_is_bidi_control(uc))
				return uri_fail(
				    c, CONFINFO_URI_E_CHAR, start + 3 * k,
				    "percent-encoded bidi formatting "
				    "character U+%04X",
				    (unsigned)uc);
		}
	}
	return 0;
}

/* The rules of docs/chat-rooms.md section 2 that hold whatever the scheme
 * and wherever in the URI. */
static int prescan(struct uri_ctx *c, bool iri)
{
	const uint8_t *s = (const uint8_t *)c->s;

	for (size_t i = 0; i < c->len;) {
		uint32_t uc;
		size_t n = text_utf8_next(s + i, c->len - i, &uc);

		if (!n)
			return uri_fail(c, CONFINFO_URI_E_CHAR, i,
					"invalid UTF-8 byte 0x%02X", s[i]);
		if (uc < 0x20 || (uc >= 0x7F && uc <= 0x9F))
			return uri_fail(c, CONFINFO_URI_E_CHAR, i,
					"control character U+%04X",
					(unsigned)uc);
		if (uc == ' ' || is_unicode_space(uc))
			return uri_fail(c, CONFINFO_URI_E_CHAR, i,
					"white space U+%04X", (unsigned)uc);
		if (uc == '\\')
			return uri_fail(c, CONFINFO_URI_E_CHAR, i, "backslash");
		if (text_is_bidi_control(uc))
			return uri_fail(c, CONFINFO_URI_E_CHAR, i,
					"bidi formatting character U+%04X",
					(unsigned)uc);
		if (uc == '%' && !uri_pct_at(c->s, c->len, i))
			return uri_fail(c, CONFINFO_URI_E_PCT, i,
					"'%%' not followed by two hex digits");
		if (uc >= 0x80 && !iri)
			return uri_fail(c, CONFINFO_URI_E_CHAR, i,
					"non-ASCII character U+%04X (only xmpp "
					"IRIs may hold raw Unicode)",
					(unsigned)uc);
		i += n;
	}
	return check_encoded_bidi(c);
}

/* Scheme up to the first ':' (RFC 3986 section 3.1), case-insensitive. */
static int parse_scheme(struct uri_ctx *c, size_t *offp)
{
	static const struct {
		const char *name;
		enum confinfo_uri_scheme scheme;
	} known[] = {
	    {"sip", CONFINFO_URI_SCHEME_SIP},
	    {"sips", CONFINFO_URI_SCHEME_SIPS},
	    {"xmpp", CONFINFO_URI_SCHEME_XMPP},
	    {"irc", CONFINFO_URI_SCHEME_IRC},
	    {"http", CONFINFO_URI_SCHEME_HTTP},
	    {"https", CONFINFO_URI_SCHEME_HTTPS},
	};
	size_t i = 0;

	if (!c->len || !uri_is_alpha((unsigned char)c->s[0]))
		return uri_fail(c, CONFINFO_URI_E_SCHEME, 0,
				"not an absolute URI (no scheme)");
	while (i < c->len &&
	       (uri_is_alnum((unsigned char)c->s[i]) || c->s[i] == '+' ||
		c->s[i] == '-' || c->s[i] == '.'))
		i++;
	if (i == c->len || c->s[i] != ':')
		return uri_fail(c, CONFINFO_URI_E_SCHEME, i,
				"not an absolute URI (no scheme)");
	for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++) {
		size_t n = strlen(known[k].name);
		size_t j;

		if (n != i)
			continue;
		for (j = 0; j < n; j++) {
			if (uri_lower((unsigned char)c->s[j]) !=
			    known[k].name[j])
				break;
		}
		if (j == n) {
			c->u->scheme = known[k].scheme;
			*offp = i + 1;
			return 0;
		}
	}
	/* The scheme is made of scheme characters only: safe to quote. */
	return uri_fail(c, CONFINFO_URI_E_SCHEME, 0,
			"unsupported scheme '%.*s'", (int)(i > 32 ? 32 : i),
			c->s);
}

void confinfo_uri_free(struct confinfo_uri *u)
{
	if (!u)
		return;
	ci_free(u->text);
	confinfo_uri_host_reset(&u->host);
	ci_free(u->user.ptr);
	ci_free(u->transport);
	ci_free(u->reroute_header);
	ci_free(u->authority);
	ci_free(u->resource.ptr);
	ci_free(u->irc_flags);
	ci_free(u);
}

int confinfo_uri_parse(struct confinfo_uri **up, const char *s, size_t len,
		       enum confinfo_uri_err *errp, struct confinfo_diag *diag)
{
	struct uri_ctx c = {.s = s, .len = len, .errp = errp, .diag = diag};
	struct confinfo_uri *u = NULL;
	size_t off = 0;
	int err;

	if (!up || (!s && len))
		return EINVAL;
	if (len > CONFINFO_URI_MAX_LEN)
		return uri_fail(&c, CONFINFO_URI_E_LENGTH, CONFINFO_URI_MAX_LEN,
				"URI longer than %d bytes",
				CONFINFO_URI_MAX_LEN);
	u = ci_calloc(1, sizeof(*u));
	if (!u)
		return ENOMEM;
	u->port = -1;
	c.u = u;
	err = parse_scheme(&c, &off);
	if (err)
		goto out;
	err = prescan(&c, u->scheme == CONFINFO_URI_SCHEME_XMPP);
	if (err)
		goto out;
	switch (u->scheme) {
	case CONFINFO_URI_SCHEME_SIP:
	case CONFINFO_URI_SCHEME_SIPS:
		err = uri_parse_sip(&c, off);
		break;
	case CONFINFO_URI_SCHEME_XMPP:
		err = uri_parse_xmpp(&c, off);
		break;
	case CONFINFO_URI_SCHEME_IRC:
		err = uri_parse_irc(&c, off);
		break;
	default:
		err = uri_parse_http(&c, off);
		break;
	}
	if (err)
		goto out;
	u->text = ci_strndup(s, len);
	if (!u->text) {
		err = ENOMEM;
		goto out;
	}
	if (errp)
		*errp = CONFINFO_URI_OK;
	*up = u;
	u = NULL;
out:
	confinfo_uri_free(u);
	return err;
}
