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

/* RFC 3261 token characters. */
static bool is_token_char(char c)
{
	return isalnum((unsigned char)c) || strchr("-.!%*_+`'~", c) != NULL;
}

static bool is_lws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void skip_lws(const char **pp, const char *end)
{
	while (*pp < end && is_lws(**pp))
		(*pp)++;
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

	while (p < end && *p != '"') {
		if (*p == '\\') {
			if (p + 1 >= end)
				return EBADMSG;
			p++;
		}
		p++;
	}
	if (p >= end)
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
	const char *end = p + len;
	uint64_t v = 0;
	bool any = false;

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

	if (token_equal_ci(name, nlen, "reason")) {
		if (!val || vlen >= sizeof(ss->reason) || *val == '"')
			return EBADMSG;
		for (i = 0; i < vlen; i++)
			ss->reason[i] = (char)tolower((unsigned char)val[i]);
		ss->reason[vlen] = '\0';
	} else if (token_equal_ci(name, nlen, "expires")) {
		if (!val || sipsub_delta_parse(val, vlen, &ss->expires))
			return EBADMSG;
		ss->has_expires = true;
	} else if (token_equal_ci(name, nlen, "retry-after")) {
		if (!val || sipsub_delta_parse(val, vlen, &ss->retry_after))
			return EBADMSG;
		ss->has_retry_after = true;
	}
	/* Other (generic) parameters are allowed and ignored. */
	return 0;
}

int sipsub_substate_parse(struct sipsub_substate *ss, const char *p, size_t len)
{
	struct sipsub_substate tmp;
	const char *end = p + len, *tok;
	size_t tlen;
	int err;

	if (!ss || !p)
		return EINVAL;
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
	const char *end = p + len, *tok;
	bool has_id = false;
	size_t tlen;

	skip_lws(&p, end);
	tlen = read_token(&p, end, &tok);
	if (tlen != strlen(package) || memcmp(tok, package, tlen))
		return false;
	if (walk_params(p, end, event_param, &has_id))
		return false;
	return !has_id;
}
