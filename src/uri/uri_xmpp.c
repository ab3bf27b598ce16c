/*
 * xmpp URIs and IRIs by the grammar of RFC 5122 (sections 2.2 and 3.3),
 * with the address rules of RFC 7622:
 *
 *   xmppiri   = "xmpp" ":" ihierxmpp [ "?" iquerycomp ] [ "#" ifragment ]
 *   ihierxmpp = iauthpath / ipathxmpp
 *   iauthpath = "//" iauthxmpp [ "/" ipathxmpp ]
 *   iauthxmpp = inodeid "@" ihost
 *   ipathxmpp = [ inodeid "@" ] ihost [ "/" iresid ]
 *
 * The authority (xmpp://account@server/...) names the account the client
 * should log in with, not the room: the room is always the path JID, and an
 * authority without a path is invalid here (RFC 5122 makes the path
 * optional, but such a URI names no room). Only the `join` query may be
 * acted on, so any other query type makes the URI invalid.
 *
 * Localparts are percent-decoded and put through PRECIS
 * UsernameCaseMapped (precis.c); XEP-0106 escapes ("\20") are left as they
 * are, never unescaped for comparison.
 */
#include <errno.h>
#include <string.h>

#include "model/alloc.h"
#include "uri/uri_int.h"

static bool node_char(int ch)
{
	return uri_is_unreserved(ch) || ch >= 0x80 || ch == '!' || ch == '$' ||
	       ch == '(' || ch == ')' || ch == '*' || ch == '+' || ch == ',' ||
	       ch == ';' || ch == '=';
}

static bool res_char(int ch)
{
	return node_char(ch) || ch == '&' || ch == '\'' || ch == ':';
}

static bool query_char(int ch)
{
	return uri_is_unreserved(ch) || ch >= 0x80;
}

/* RFC 7622 section 3.3.1: characters a localpart may never hold, even
 * percent-encoded (PRECIS would allow them). */
static const char *forbidden_in_localpart(const struct confinfo_bytes *b)
{
	for (size_t i = 0; i < b->len; i++) {
		if (strchr("\"&'/:<>@", b->ptr[i]) && b->ptr[i])
			return b->ptr + i;
	}
	return NULL;
}

static int localpart_parse(struct uri_ctx *c, size_t off, size_t end)
{
	struct confinfo_bytes raw = {0};
	const char *bad;
	int err;

	if (off == end)
		return uri_fail(c, CONFINFO_URI_E_LOCALPART, off,
				"empty localpart before '@'");
	err = uri_pct_decode(&raw, c->s + off, end - off);
	if (err)
		return err;
	if (raw.len > CONFINFO_URI_MAX_XMPP_PART) {
		err = uri_fail(c, CONFINFO_URI_E_LENGTH, off,
			       "localpart longer than %d bytes",
			       CONFINFO_URI_MAX_XMPP_PART);
		goto out;
	}
	bad = forbidden_in_localpart(&raw);
	if (bad) {
		err = uri_fail(c, CONFINFO_URI_E_LOCALPART, off,
			       "localpart holds '%c', which RFC 7622 forbids",
			       *bad);
		goto out;
	}
	err = confinfo_uri_precis_username(&c->u->user, raw.ptr, raw.len,
					   &c->u->user_width_mapped);
	if (err == EBADMSG) {
		err = uri_fail(c, CONFINFO_URI_E_LOCALPART, off,
			       "localpart is not a valid PRECIS "
			       "UsernameCaseMapped string (control, space, "
			       "symbol, compatibility or other disallowed "
			       "character, not UTF-8, or Bidi Rule)");
		goto out;
	}
	if (err)
		goto out;
	/* Width mapping can turn FULLWIDTH COMMERCIAL AT into '@'. */
	bad = forbidden_in_localpart(&c->u->user);
	if (bad)
		err = uri_fail(c, CONFINFO_URI_E_LOCALPART, off,
			       "localpart maps to '%c', which RFC 7622 forbids",
			       *bad);
	else if (c->u->user.len > CONFINFO_URI_MAX_XMPP_PART)
		err = uri_fail(c, CONFINFO_URI_E_LENGTH, off,
			       "localpart longer than %d bytes",
			       CONFINFO_URI_MAX_XMPP_PART);
out:
	ci_free(raw.ptr);
	return err;
}

static int resource_parse(struct uri_ctx *c, size_t off, size_t end)
{
	int err;

	if (off == end)
		return uri_fail(c, CONFINFO_URI_E_RESOURCE, off,
				"empty resourcepart after '/'");
	err = uri_pct_decode(&c->u->resource, c->s + off, end - off);
	if (err)
		return err;
	if (c->u->resource.len > CONFINFO_URI_MAX_XMPP_PART)
		return uri_fail(c, CONFINFO_URI_E_LENGTH, off,
				"resourcepart longer than %d bytes",
				CONFINFO_URI_MAX_XMPP_PART);
	if (uri_precis_opaque_check(c->u->resource.ptr, c->u->resource.len))
		return uri_fail(c, CONFINFO_URI_E_RESOURCE, off,
				"resourcepart holds a control or other "
				"disallowed character, or is not UTF-8");
	return 0;
}

/* "?" querytype *( ";" key "=" value ): only "join" is acted on. */
static int query_parse(struct uri_ctx *c, size_t i, size_t *endp)
{
	size_t tstart = i + 1, tend = uri_scan(c, tstart, query_char);
	struct confinfo_bytes type = {0};
	bool join;
	int err;

	err = uri_pct_decode(&type, c->s + tstart, tend - tstart);
	if (err)
		return err;
	join = type.len == 4 && !memcmp(type.ptr, "join", 4);
	ci_free(type.ptr);
	if (!join)
		return uri_fail(c, CONFINFO_URI_E_QUERY, tstart,
				"xmpp query type is not 'join' (only a join "
				"may be acted on)");
	c->u->has_join_query = true;
	i = tend;
	while (i < c->len && c->s[i] == ';') {
		size_t kend = uri_scan(c, i + 1, query_char);

		if (kend == c->len || c->s[kend] != '=')
			return uri_fail(c, CONFINFO_URI_E_QUERY, kend,
					"xmpp query pair without '='");
		i = uri_scan(c, kend + 1, query_char);
	}
	*endp = i;
	return 0;
}

/* The authority: inodeid "@" ihost. Validated, kept as written. */
static int authority_parse(struct uri_ctx *c, size_t off, size_t end)
{
	struct confinfo_host account = {0};
	size_t nend = uri_scan(c, off, node_char);
	char d[16];
	int err;

	if (nend >= end || c->s[nend] != '@')
		return uri_fail(c, CONFINFO_URI_E_AUTHORITY, nend,
				"xmpp authority must be account@server "
				"(found %s)",
				uri_char_desc(c, nend, d));
	err = uri_host_parse(c, &account, nend + 1, end - nend - 1,
			     CONFINFO_HOST_ALLOW_PCT |
				 CONFINFO_HOST_ALLOW_UNICODE);
	if (err)
		return err;
	confinfo_uri_host_reset(&account);
	c->u->authority = ci_strndup(c->s + off, end - off);
	return c->u->authority ? 0 : ENOMEM;
}

int uri_parse_xmpp(struct uri_ctx *c, size_t off)
{
	size_t i = off, nend, h, hend;
	char d[16];
	int err;

	if (c->len - off >= 2 && c->s[off] == '/' && c->s[off + 1] == '/') {
		size_t aend = off + 2;

		while (aend < c->len && c->s[aend] != '/' &&
		       c->s[aend] != '?' && c->s[aend] != '#')
			aend++;
		err = authority_parse(c, off + 2, aend);
		if (err)
			return err;
		if (aend == c->len || c->s[aend] != '/')
			return uri_fail(c, CONFINFO_URI_E_AUTHORITY, aend,
					"xmpp authority without a path: the "
					"URI names an account, not a room");
		i = aend + 1;
	}
	/* [ inodeid "@" ] ihost */
	nend = uri_scan(c, i, node_char);
	h = i;
	if (nend < c->len && c->s[nend] == '@') {
		err = localpart_parse(c, i, nend);
		if (err)
			return err;
		h = nend + 1;
	}
	for (hend = h; hend < c->len && c->s[hend] != '/' &&
		       c->s[hend] != '?' && c->s[hend] != '#';
	     hend++) {
		if (c->s[hend] == '@')
			return uri_fail(c, CONFINFO_URI_E_USERINFO, hend,
					c->u->user.ptr
					    ? "more than one '@'"
					    : "character not allowed in an "
					      "xmpp localpart before '@'");
	}
	err = uri_host_parse(c, &c->u->host, h, hend - h,
			     CONFINFO_HOST_ALLOW_PCT |
				 CONFINFO_HOST_ALLOW_UNICODE);
	if (err)
		return err;
	i = hend;
	if (i < c->len && c->s[i] == '/') {
		size_t rend = uri_scan(c, i + 1, res_char);

		err = resource_parse(c, i + 1, rend);
		if (err)
			return err;
		i = rend;
	}
	if (i < c->len && c->s[i] == '?') {
		err = query_parse(c, i, &i);
		if (err)
			return err;
	}
	if (i < c->len && c->s[i] == '#')
		return uri_check_tail(c, i, true);
	if (i < c->len)
		return uri_fail(c, CONFINFO_URI_E_CHAR, i,
				"%s not allowed here in an xmpp URI",
				uri_char_desc(c, i, d));
	return 0;
}
