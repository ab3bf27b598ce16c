/*
 * The two schemes with an RFC 3986 authority: http/https (RFC 9110
 * section 4.2) and irc (the irc URL convention of the IETF drafts,
 * irc://host[:port]/target[,flags][?key]).
 *
 * Both forbid a userinfo here: RFC 9110 deprecates it for http and it is
 * the classic way to make "http://example.com@evil.net" read as
 * example.com; the irc convention has none. An irc target is a channel
 * unless a flag says otherwise (",isnick", ",isuser", ",isserver"), and a
 * "#chan" written after the path is a fragment, not the target: a channel
 * starting with '#' must be written "%23chan" or without its prefix.
 */
#include <errno.h>
#include <string.h>

#include "model/alloc.h"
#include "uri/uri_int.h"

/* "//" authority, ending at '/', '?', '#' or the end; returns its end. */
static size_t authority_end(const struct uri_ctx *c, size_t off)
{
	size_t i = off;

	while (i < c->len && c->s[i] != '/' && c->s[i] != '?' && c->s[i] != '#')
		i++;
	return i;
}

static int authority_parse(struct uri_ctx *c, size_t off, size_t end,
			   bool host_required)
{
	const char *at = memchr(c->s + off, '@', end - off);
	size_t hend;
	char d[16];
	int err;

	if (at)
		return uri_fail(c, CONFINFO_URI_E_USERINFO, (size_t)(at - c->s),
				"userinfo ('@' in the authority) is not "
				"allowed");
	if (off < end && c->s[off] == '[') {
		const char *close = memchr(c->s + off, ']', end - off);

		if (!close)
			return uri_fail(c, CONFINFO_URI_E_IPLITERAL, off,
					"'[' without a closing ']'");
		hend = (size_t)(close - c->s) + 1;
	} else {
		const char *colon = memchr(c->s + off, ':', end - off);

		hend = colon ? (size_t)(colon - c->s) : end;
	}
	if (hend == off) {
		if (host_required)
			return uri_fail(c, CONFINFO_URI_E_HOST, off,
					"empty host");
	} else {
		err = uri_host_parse(c, &c->u->host, off, hend - off,
				     CONFINFO_HOST_ALLOW_PCT);
		if (err)
			return err;
	}
	if (hend < end) {
		if (c->s[hend] != ':')
			return uri_fail(c, CONFINFO_URI_E_CHAR, hend,
					"%s after the host",
					uri_char_desc(c, hend, d));
		return uri_port_parse(c, hend + 1, end - hend - 1, &c->u->port);
	}
	return 0;
}

static bool require_slashes(const struct uri_ctx *c, size_t off)
{
	return c->len - off >= 2 && c->s[off] == '/' && c->s[off + 1] == '/';
}

int uri_parse_http(struct uri_ctx *c, size_t off)
{
	size_t aend, i;
	char d[16];
	int err;

	if (!require_slashes(c, off))
		return uri_fail(c, CONFINFO_URI_E_SYNTAX, off,
				"http(s) URI without '//' and a host");
	aend = authority_end(c, off + 2);
	err = authority_parse(c, off + 2, aend, true);
	if (err)
		return err;
	/* path-abempty */
	for (i = aend; i < c->len && c->s[i] != '?' && c->s[i] != '#'; i++) {
		if (uri_pct_at(c->s, c->len, i))
			i += 2;
		else if (!uri_is_pchar((unsigned char)c->s[i]) &&
			 c->s[i] != '/')
			return uri_fail(c, CONFINFO_URI_E_CHAR, i,
					"%s not allowed in a path",
					uri_char_desc(c, i, d));
	}
	return uri_check_tail(c, i, false);
}

/* Raw characters of an irc target: pchar without ',' (the flags
 * separator); '/' is not part of it. */
static bool target_char(int ch)
{
	return ch != ',' && uri_is_pchar(ch);
}

/* ",flag[,flag...]" at @p i: which flags still name a channel. */
static int flags_parse(struct uri_ctx *c, size_t i, size_t *endp)
{
	static const char *const ok[] = {"needpass", "needkey", "ischannel"};
	static const char *const not_room[] = {"isnick", "isuser", "isserver"};
	size_t start = i + 1, end = start;
	char *flags;

	while (end < c->len && c->s[end] != '?' && c->s[end] != '#')
		end++;
	flags = ci_strndup(c->s + start, end - start);
	if (!flags)
		return ENOMEM;
	c->u->irc_flags = flags;
	for (size_t k = 0; k < end - start; k++)
		flags[k] = (char)uri_lower((unsigned char)flags[k]);
	for (size_t f = 0; f <= end - start;) {
		size_t n = strcspn(flags + f, ",");
		bool known = false;

		for (size_t k = 0; k < sizeof(not_room) / sizeof(*not_room);
		     k++) {
			if (n == strlen(not_room[k]) &&
			    !memcmp(flags + f, not_room[k], n))
				return uri_fail(c, CONFINFO_URI_E_TARGET,
						start + f,
						"irc target flagged ',%s': not "
						"a room",
						not_room[k]);
		}
		for (size_t k = 0; k < sizeof(ok) / sizeof(*ok); k++)
			known = known || (n == strlen(ok[k]) &&
					  !memcmp(flags + f, ok[k], n));
		if (!known)
			return uri_fail(c, CONFINFO_URI_E_TARGET, start + f,
					"unknown or empty irc flag");
		f += n + 1;
	}
	*endp = end;
	return 0;
}

static int target_parse(struct uri_ctx *c, size_t off, size_t *endp)
{
	struct confinfo_bytes *t = &c->u->user;
	size_t end = off;
	int err;

	while (end < c->len) {
		if (uri_pct_at(c->s, c->len, end))
			end += 3;
		else if (target_char((unsigned char)c->s[end]))
			end++;
		else
			break;
	}
	if (end < c->len && c->s[end] == '/')
		return uri_fail(c, CONFINFO_URI_E_TARGET, end,
				"'/' in an irc target");
	*endp = end;
	if (end == off)
		return 0; /* no target: the URL names a server */
	err = uri_pct_decode(t, c->s + off, end - off);
	if (err)
		return err;
	for (size_t i = 0; i < t->len; i++) {
		/* What would split or end an IRC protocol line. */
		if (strchr("\r\n\a ,:", t->ptr[i]))
			return uri_fail(c, CONFINFO_URI_E_TARGET, off,
					"irc channel name holds %s",
					t->ptr[i] == '\0'   ? "NUL"
					: t->ptr[i] == '\r' ? "CR"
					: t->ptr[i] == '\n' ? "LF"
					: t->ptr[i] == '\a' ? "BEL"
					: t->ptr[i] == ' '  ? "a space"
					: t->ptr[i] == ','  ? "','"
							    : "':'");
	}
	return 0;
}

int uri_parse_irc(struct uri_ctx *c, size_t off)
{
	size_t aend, i;
	char d[16];
	int err;

	if (!require_slashes(c, off))
		return uri_fail(c, CONFINFO_URI_E_SYNTAX, off,
				"irc URL without '//'");
	aend = authority_end(c, off + 2);
	err = authority_parse(c, off + 2, aend, false);
	if (err)
		return err;
	i = aend;
	if (i < c->len && c->s[i] == '/') {
		err = target_parse(c, i + 1, &i);
		if (err)
			return err;
		if (i < c->len && c->s[i] == ',') {
			err = flags_parse(c, i, &i);
			if (err)
				return err;
		}
	}
	if (i < c->len && c->s[i] != '?' && c->s[i] != '#')
		return uri_fail(c, CONFINFO_URI_E_CHAR, i,
				"%s not allowed here in an irc URL",
				uri_char_desc(c, i, d));
	err = uri_check_tail(c, i, false);
	if (err)
		return err;
	c->u->irc_fragment = memchr(c->s + i, '#', c->len - i) != NULL;
	return 0;
}
