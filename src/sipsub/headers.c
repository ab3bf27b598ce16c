/*
 * Parsing of the two event headers the subscriber acts on. They arrive from
 * the network, so the parsers are strict about what they accept and never
 * read past @p len: a NOTIFY whose Subscription-State cannot be read is
 * answered 400 rather than guessed at.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "sipsub.h"

/* RFC 3261 token characters. NUL is excluded explicitly: strchr() finds
 * the terminator, and a NUL inside a token would let "rejected\0x" compare
 * equal to "rejected" once copied into a C string. */
static bool is_token_char(char c)
{
	return c != '\0' &&
	       (isalnum((unsigned char)c) || strchr("-.!%*_+`'~", c) != NULL);
}

static bool is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* Length of the linear whitespace at p (RFC 3261 LWS: spaces and tabs, and a
 * CRLF only as a line fold, i.e. followed by a space or tab). A lone CR or
 * LF is not whitespace: it is left for the caller to reject. */
static size_t lws_len(const char *p, const char *end)
{
	const char *q = p;

	for (;;) {
		if (q < end && is_wsp(*q))
			q++;
		else if (end - q >= 3 && q[0] == '\r' && q[1] == '\n' &&
			 is_wsp(q[2]))
			q += 3;
		else
			return (size_t)(q - p);
	}
}

static void skip_lws(const char **pp, const char *end)
{
	*pp += lws_len(*pp, end);
}

/* Read a token at *pp; returns its length (0 if none). */
static size_t read_token(const char **pp, const char *end, const char **tokp)
{
	const char *p = *pp;

	*tokp = p;
	while (p < end && is_token_char(*p))
		p++;
	*pp = p;
	return (size_t)(p - *tokp);
}

/* Read a quoted-string at *pp (backslash escapes allowed); on success *pp
 * is past the closing quote. */
static int skip_quoted(const char **pp, const char *end)
{
	const char *p = *pp + 1;

	/* qdtext and quoted-pair (RFC 3261 section 25.1) admit no control
	 * characters but HT, and CRLF only as a fold. */
	while (p < end && *p != '"') {
		size_t n = lws_len(p, end);

		if (n) {
			p += n;
			continue;
		}
		if (*p == '\\') {
			if (p + 1 >= end || p[1] == '\r' || p[1] == '\n')
				return EBADMSG;
			p++;
		} else if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			return EBADMSG;
		}
		p++;
	}
	if (p >= end)
		return EBADMSG;
	*pp = p + 1;
	return 0;
}

/* Read an IPv6reference ("[" hex, ':' and '.' "]") at *pp; on success *pp
 * is past the closing bracket. The address itself is not checked: only
 * generic parameters, which are ignored, can hold one. */
static int skip_ipv6ref(const char **pp, const char *end)
{
	const char *p = *pp + 1;

	while (p < end &&
	       (isxdigit((unsigned char)*p) || *p == ':' || *p == '.'))
		p++;
	if (p >= end || *p != ']' || p == *pp + 1)
		return EBADMSG;
	*pp = p + 1;
	return 0;
}

static bool token_equal_ci(const char *tok, size_t len, const char *word)
{
	size_t n = strlen(word);
	size_t i;

	if (len != n)
		return false;
	for (i = 0; i < n; i++) {
		if (tolower((unsigned char)tok[i]) != word[i])
			return false;
	}
	return true;
}

int sipsub_delta_parse(const char *p, size_t len, uint32_t *valp)
{
	const char *end;
	uint64_t v = 0;
	bool any = false;

	if (!p || !valp)
		return EINVAL;
	end = p + len;
	skip_lws(&p, end);
	while (p < end && *p >= '0' && *p <= '9') {
		if (v <= UINT32_MAX)
			v = v * 10 + (uint64_t)(*p - '0');
		any = true;
		p++;
	}
	skip_lws(&p, end);
	if (!any || p != end)
		return EBADMSG;
	*valp = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
	return 0;
}

/*
 * Walk the `;name[=value]` parameters after a header's first token, calling
 * @p paramh for each. Values may be tokens or quoted strings. Returns 0 or
 * EBADMSG.
 */
typedef int(param_h)(const char *name, size_t nlen, const char *val,
		     size_t vlen, void *arg);

static int walk_params(const char *p, const char *end, param_h *paramh,
		       void *arg)
{
	int err;

	for (;;) {
		const char *name, *val = NULL;
		size_t nlen, vlen = 0;

		skip_lws(&p, end);
		if (p == end)
			return 0;
		if (*p != ';')
			return EBADMSG;
		p++;
		skip_lws(&p, end);
		nlen = read_token(&p, end, &name);
		if (!nlen)
			return EBADMSG;
		skip_lws(&p, end);
		if (p < end && *p == '=') {
			p++;
			skip_lws(&p, end);
			if (p < end && *p == '"') {
				val = p;
				err = skip_quoted(&p, end);
				if (err)
					return err;
				vlen = (size_t)(p - val);
			} else if (p < end && *p == '[') {
				/* gen-value may be a host: an IPv6reference. */
				val = p;
				err = skip_ipv6ref(&p, end);
				if (err)
					return err;
				vlen = (size_t)(p - val);
			} else {
				vlen = read_token(&p, end, &val);
				if (!vlen)
					return EBADMSG;
			}
		}
		err = paramh(name, nlen, val, vlen, arg);
		if (err)
			return err;
	}
}

static int substate_param(const char *name, size_t nlen, const char *val,
			  size_t vlen, void *arg)
{
	struct sipsub_substate *ss = arg;
	size_t i;

	/* A parameter named twice is ambiguous (RFC 3261 section 7.3.1: it
	 * MUST NOT appear more than once): reject rather than pick one. */
	if (token_equal_ci(name, nlen, "reason")) {
		if (!val || *val == '"' || *val == '[' || ss->reason[0])
			return EBADMSG;
		/* Known reasons are short; a longer one is an extension,
		 * tolerated (RFC 6665 section 4.1.3) and kept truncated for
		 * the event text. A cut reason is 31 bytes long, longer
		 * than any known one, so it cannot be mistaken for one. */
		if (vlen >= sizeof(ss->reason))
			vlen = sizeof(ss->reason) - 1;
		for (i = 0; i < vlen; i++)
			ss->reason[i] = (char)tolower((unsigned char)val[i]);
		ss->reason[vlen] = '\0';
	} else if (token_equal_ci(name, nlen, "expires")) {
		if (!val || ss->has_expires ||
		    sipsub_delta_parse(val, vlen, &ss->expires))
			return EBADMSG;
		ss->has_expires = true;
	} else if (token_equal_ci(name, nlen, "retry-after")) {
		if (!val || ss->has_retry_after ||
		    sipsub_delta_parse(val, vlen, &ss->retry_after))
			return EBADMSG;
		ss->has_retry_after = true;
	}
	/* Other (generic) parameters are allowed and ignored. */
	return 0;
}

int sipsub_substate_parse(struct sipsub_substate *ss, const char *p, size_t len)
{
	struct sipsub_substate tmp;
	const char *end, *tok;
	size_t tlen;
	int err;

	if (!ss || !p)
		return EINVAL;
	end = p + len;
	memset(&tmp, 0, sizeof(tmp));
	skip_lws(&p, end);
	tlen = read_token(&p, end, &tok);
	if (!tlen)
		return EBADMSG;
	if (token_equal_ci(tok, tlen, "active"))
		tmp.value = SIPSUB_SS_ACTIVE;
	else if (token_equal_ci(tok, tlen, "pending"))
		tmp.value = SIPSUB_SS_PENDING;
	else if (token_equal_ci(tok, tlen, "terminated"))
		tmp.value = SIPSUB_SS_TERMINATED;
	else
		tmp.value = SIPSUB_SS_EXTENSION;
	err = walk_params(p, end, substate_param, &tmp);
	if (err)
		return err;
	*ss = tmp;
	return 0;
}

static int event_param(const char *name, size_t nlen, const char *val,
		       size_t vlen, void *arg)
{
	bool *has_id = arg;

	(void)val;
	(void)vlen;
	if (token_equal_ci(name, nlen, "id"))
		*has_id = true;
	return 0;
}

bool sipsub_event_match(const char *p, size_t len, const char *package)
{
	const char *end, *tok;
	bool has_id = false;
	size_t tlen;

	if (!p || !package)
		return false;
	end = p + len;
	skip_lws(&p, end);
	tlen = read_token(&p, end, &tok);
	if (tlen != strlen(package) || memcmp(tok, package, tlen))
		return false;
	if (walk_params(p, end, event_param, &has_id))
		return false;
	return !has_id;
}
