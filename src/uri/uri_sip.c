/*
 * sip and sips URIs by the grammar of RFC 3261 section 25.1:
 *
 *   SIP-URI   = "sip:" [ userinfo ] hostport uri-parameters [ headers ]
 *   userinfo  = ( user / telephone-subscriber ) [ ":" password ] "@"
 *   user      = 1*( unreserved / escaped / user-unreserved )
 *   user-unreserved = "&" / "=" / "+" / "$" / "," / ";" / "?" / "/"
 *
 * A user part may hold ';', '?' and '/', so the host cannot be found by
 * splitting on ';' (or on the first '@' of a lenient reading): the userinfo
 * is the longest run of user (and password) characters, and it is a
 * userinfo only when an '@' ends it. Nothing after the userinfo may hold an
 * '@' (parameters and headers cannot), so a second '@' is an error rather
 * than a choice between two readings.
 *
 * Also the comparison of two parsed SIP URIs by where a request goes
 * (confinfo_uri_same_target()).
 */
#include <errno.h>
#include <string.h>

#include "model/alloc.h"
#include "uri/uri_int.h"

static bool sip_unreserved(int ch)
{
	return uri_is_alnum(ch) || ch == '-' || ch == '_' || ch == '.' ||
	       ch == '!' || ch == '~' || ch == '*' || ch == '\'' || ch == '(' ||
	       ch == ')';
}

static bool user_char(int ch)
{
	return sip_unreserved(ch) || ch == '&' || ch == '=' || ch == '+' ||
	       ch == '$' || ch == ',' || ch == ';' || ch == '?' || ch == '/';
}

static bool password_char(int ch)
{
	return sip_unreserved(ch) || ch == '&' || ch == '=' || ch == '+' ||
	       ch == '$' || ch == ',';
}

static bool param_char(int ch)
{
	return sip_unreserved(ch) || ch == '[' || ch == ']' || ch == '/' ||
	       ch == ':' || ch == '&' || ch == '+' || ch == '$';
}

static bool header_char(int ch)
{
	return sip_unreserved(ch) || ch == '[' || ch == ']' || ch == '/' ||
	       ch == '?' || ch == ':' || ch == '+' || ch == '$';
}

/* Case-insensitive comparison of decoded bytes with a lower-case word. */
static bool word_eq(const struct confinfo_bytes *b, const char *word)
{
	size_t n = strlen(word);

	if (b->len != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (uri_lower((unsigned char)b->ptr[i]) != word[i])
			return false;
	}
	return true;
}

static void lower_bytes(struct confinfo_bytes *b)
{
	for (size_t i = 0; i < b->len; i++)
		b->ptr[i] = (char)uri_lower((unsigned char)b->ptr[i]);
}

/* The parameters seen so far, for the duplicate check. */
struct sip_params {
	struct confinfo_bytes names[CONFINFO_URI_MAX_PARAMS];
	size_t count;
};

static void params_reset(struct sip_params *p)
{
	for (size_t i = 0; i < p->count; i++)
		ci_free(p->names[i].ptr);
	p->count = 0;
}

/* One ";name[=value]" at @p i (on the ';'); *endp receives its end. */
static int param_parse(struct uri_ctx *c, struct sip_params *seen, size_t i,
		       size_t *endp)
{
	struct confinfo_uri *u = c->u;
	struct confinfo_bytes name = {0}, value = {0};
	size_t nstart = i + 1, nend, vstart = 0, vend = 0;
	int err;

	nend = uri_scan(c, nstart, param_char);
	if (nend == nstart)
		return uri_fail(c, CONFINFO_URI_E_PARAM, i,
				"empty URI parameter name");
	if (nend < c->len && c->s[nend] == '=') {
		vstart = nend + 1;
		vend = uri_scan(c, vstart, param_char);
		if (vend == vstart)
			return uri_fail(c, CONFINFO_URI_E_PARAM, nend,
					"empty URI parameter value");
	} else {
		vend = nend;
	}
	if (seen->count == CONFINFO_URI_MAX_PARAMS)
		return uri_fail(c, CONFINFO_URI_E_PARAM, i,
				"more than %d URI parameters",
				CONFINFO_URI_MAX_PARAMS);
	err = uri_pct_decode(&name, c->s + nstart, nend - nstart);
	if (err)
		return err;
	lower_bytes(&name);
	for (size_t k = 0; k < seen->count; k++) {
		if (confinfo_bytes_equal(&seen->names[k], &name)) {
			ci_free(name.ptr);
			/* Two readers may take different ones. */
			return uri_fail(c, CONFINFO_URI_E_PARAM, i,
					"URI parameter given twice");
		}
	}
	seen->names[seen->count++] = name;
	if (word_eq(&name, "method"))
		return uri_fail(c, CONFINFO_URI_E_PARAM, i,
				"method= parameter: the URI is not an "
				"invitation to a room");
	if (word_eq(&name, "maddr"))
		u->has_maddr = true;
	if (word_eq(&name, "transport")) {
		if (!vstart)
			return uri_fail(c, CONFINFO_URI_E_PARAM, i,
					"transport parameter without value");
		err = uri_pct_decode(&value, c->s + vstart, vend - vstart);
		if (err)
			return err;
		lower_bytes(&value);
		if (memchr(value.ptr, '\0', value.len)) {
			ci_free(value.ptr);
			return uri_fail(c, CONFINFO_URI_E_PARAM, vstart,
					"NUL in transport parameter");
		}
		u->transport = value.ptr;
		if (u->scheme == CONFINFO_URI_SCHEME_SIPS &&
		    word_eq(&value, "udp"))
			return uri_fail(c, CONFINFO_URI_E_PARAM, vstart,
					"sips URI with transport=udp");
	}
	*endp = vend;
	return 0;
}

/* "?" header *( "&" header ), header = hname "=" hvalue. */
static int headers_parse(struct uri_ctx *c, size_t i)
{
	struct confinfo_uri *u = c->u;
	size_t count = 0;

	while (i < c->len) {
		size_t nstart = i + 1, nend, vend;
		struct confinfo_bytes name = {0};
		int err;

		nend = uri_scan(c, nstart, header_char);
		if (nend == nstart)
			return uri_fail(c, CONFINFO_URI_E_PARAM, i,
					"empty URI header name");
		if (nend == c->len || c->s[nend] != '=')
			return uri_fail(c, CONFINFO_URI_E_PARAM, nend,
					"URI header without '='");
		vend = uri_scan(c, nend + 1, header_char);
		if (vend < c->len && c->s[vend] != '&')
			return uri_fail(c, CONFINFO_URI_E_CHAR, vend,
					"character '%c' not allowed in a URI "
					"header",
					c->s[vend]);
		if (++count > CONFINFO_URI_MAX_PARAMS)
			return uri_fail(c, CONFINFO_URI_E_PARAM, i,
					"more than %d URI headers",
					CONFINFO_URI_MAX_PARAMS);
		err = uri_pct_decode(&name, c->s + nstart, nend - nstart);
		if (err)
			return err;
		/* Only headers that cannot send the request elsewhere are
		 * harmless; Route, Via, From, To, Contact... all can. */
		if (!u->reroute_header && !word_eq(&name, "subject") &&
		    !word_eq(&name, "s") && !word_eq(&name, "priority")) {
			u->reroute_header = name.ptr;
			name.ptr = NULL;
		}
		ci_free(name.ptr);
		i = vend;
	}
	return 0;
}

static int userinfo_parse(struct uri_ctx *c, size_t off, size_t *hostp)
{
	size_t user_end = uri_scan(c, off, user_char), i = user_end;
	bool password = false;
	const char *at;

	if (i < c->len && c->s[i] == ':') {
		password = true;
		i = uri_scan(c, i + 1, password_char);
	}
	if (i < c->len && c->s[i] == '@') {
		if (user_end == off)
			return uri_fail(c, CONFINFO_URI_E_USERINFO, off,
					"empty user part before '@'");
		c->u->has_password = password;
		*hostp = i + 1;
		return uri_pct_decode(&c->u->user, c->s + off, user_end - off);
	}
	/* No userinfo. An '@' further on means the user part held a
	 * character it may not: name that character, not the '@'. */
	at = memchr(c->s + off, '@', c->len - off);
	if (at)
		return uri_fail(c, CONFINFO_URI_E_USERINFO, i,
				"character '%c' not allowed in a SIP user part "
				"(before the '@' at offset %zu)",
				c->s[i], (size_t)(at - c->s));
	*hostp = off;
	return 0;
}

int uri_parse_sip(struct uri_ctx *c, size_t off)
{
	struct sip_params seen = {.count = 0};
	size_t h = off, hend, i;
	const char *at;
	int err;

	err = userinfo_parse(c, off, &h);
	if (err)
		goto out;
	at = memchr(c->s + h, '@', c->len - h);
	if (at) {
		err = uri_fail(c, CONFINFO_URI_E_USERINFO, (size_t)(at - c->s),
			       "more than one '@'");
		goto out;
	}
	if (h < c->len && c->s[h] == '[') {
		const char *close = memchr(c->s + h, ']', c->len - h);

		hend = close ? (size_t)(close - c->s) + 1 : c->len;
	} else {
		for (hend = h; hend < c->len && c->s[hend] != ':' &&
			       c->s[hend] != ';' && c->s[hend] != '?';
		     hend++)
			;
	}
	err = uri_host_parse(c, &c->u->host, h, hend - h, 0);
	if (err)
		goto out;
	i = hend;
	if (i < c->len && c->s[i] == ':') {
		size_t p = i + 1;

		for (i = p; i < c->len && c->s[i] != ';' && c->s[i] != '?'; i++)
			;
		err = uri_port_parse(c, p, i - p, &c->u->port);
		if (err)
			goto out;
	}
	while (i < c->len && c->s[i] == ';') {
		err = param_parse(c, &seen, i, &i);
		if (err)
			goto out;
	}
	if (i < c->len && c->s[i] == '?') {
		err = headers_parse(c, i);
		if (err)
			goto out;
		i = c->len;
	}
	if (i < c->len)
		err = uri_fail(c, CONFINFO_URI_E_CHAR, i,
			       "character '%c' not allowed after the host of a "
			       "SIP URI",
			       c->s[i]);
out:
	params_reset(&seen);
	return err;
}

/* ---------------------------------------------------------------------
 * Comparing two parsed SIP URIs.
 * ------------------------------------------------------------------- */

static bool str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* The parts of a SIP URI that decide where a request goes and to whom
 * (RFC 3261 section 19.1.4, restricted to what a subscription uses): the
 * other parameters and the headers do not change the target. */
bool confinfo_uri_same_target(const struct confinfo_uri *a,
			      const struct confinfo_uri *b)
{
	if (!a || !b)
		return false;
	if (a->scheme != b->scheme || a->port != b->port ||
	    a->has_password != b->has_password ||
	    a->has_maddr != b->has_maddr || !str_eq(a->transport, b->transport))
		return false;
	if (!confinfo_uri_host_equal(&a->host, &b->host))
		return false;
	if (!a->user.ptr || !b->user.ptr)
		return !a->user.ptr && !b->user.ptr;
	return confinfo_bytes_equal(&a->user, &b->user);
}
