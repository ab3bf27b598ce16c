/*
 * The client's policy for chat rooms, and the "related domains" rules of
 * docs/chat-rooms.md section 6.
 *
 * Related domains are opt-in because every rule widens who can host a
 * room the client may join without asking. The sub-domain and registrable
 * domain rules both stop at public suffixes: without that, "com" would be
 * the parent of "example.com" and every .com host would be related.
 */
#include <errno.h>
#include <string.h>

#include <libpsl.h>

#include "chat/chat_int.h"
#include "model/alloc.h"

struct related_pair {
	char *conf; /* N(conference domain), ASCII */
	char *chat; /* N(chat domain), ASCII */
};

struct confinfo_chat_policy {
	enum confinfo_chat_related_mode related;
	enum confinfo_chat_auto_join auto_join;
	bool require_name_match;
	uint32_t max_auto_join_users;
	struct related_pair *pairs;
	size_t npairs;
};

static const struct confinfo_chat_policy defaults = {
    .related = CONFINFO_CHAT_RELATED_OFF,
    .auto_join = CONFINFO_CHAT_AUTO_NEVER,
    .require_name_match = false,
    .max_auto_join_users = CONFINFO_CHAT_DEFAULT_MAX_AUTO_JOIN_USERS,
};

const struct confinfo_chat_policy *
chat_policy_or_default(const struct confinfo_chat_policy *p)
{
	return p ? p : &defaults;
}

int confinfo_chat_policy_alloc(struct confinfo_chat_policy **pp)
{
	struct confinfo_chat_policy *p;

	if (!pp)
		return EINVAL;
	p = ci_calloc(1, sizeof(*p));
	if (!p)
		return ENOMEM;
	*p = defaults;
	*pp = p;
	return 0;
}

void confinfo_chat_policy_free(struct confinfo_chat_policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->npairs; i++) {
		ci_free(p->pairs[i].conf);
		ci_free(p->pairs[i].chat);
	}
	ci_free(p->pairs);
	ci_free(p);
}

int confinfo_chat_policy_set_related(struct confinfo_chat_policy *p,
				     enum confinfo_chat_related_mode mode)
{
	if (!p || mode < CONFINFO_CHAT_RELATED_OFF ||
	    mode > CONFINFO_CHAT_RELATED_PSL)
		return EINVAL;
	p->related = mode;
	return 0;
}

int confinfo_chat_policy_set_auto_join(struct confinfo_chat_policy *p,
				       enum confinfo_chat_auto_join mode)
{
	if (!p || mode < CONFINFO_CHAT_AUTO_NEVER ||
	    mode > CONFINFO_CHAT_AUTO_RELATED)
		return EINVAL;
	p->auto_join = mode;
	return 0;
}

int confinfo_chat_policy_set_require_name_match(struct confinfo_chat_policy *p,
						bool require)
{
	if (!p)
		return EINVAL;
	p->require_name_match = require;
	return 0;
}

int confinfo_chat_policy_set_max_auto_join_users(struct confinfo_chat_policy *p,
						 uint32_t users)
{
	if (!p)
		return EINVAL;
	p->max_auto_join_users = users;
	return 0;
}

/* A configured domain: any host form a person would type (U-labels
 * included), normalised like the hosts it is compared with. */
static int domain_normalize(char **outp, const char *what, const char *s,
			    struct confinfo_diag *diag)
{
	struct confinfo_host h = {0};
	struct confinfo_diag d = {0};
	int err;

	err = confinfo_uri_host_normalize(
	    &h, s, strlen(s),
	    CONFINFO_HOST_ALLOW_UNICODE | CONFINFO_HOST_ALLOW_PCT, NULL, &d);
	if (err == EBADMSG)
		return confinfo_diag_fail(diag, EINVAL, 0, 0, "%s domain: %s",
					  what, d.message);
	if (err)
		return err;
	*outp = h.ascii;
	h.ascii = NULL;
	confinfo_uri_host_reset(&h);
	return 0;
}

int confinfo_chat_policy_add_related(struct confinfo_chat_policy *p,
				     const char *conf_domain,
				     const char *chat_domain,
				     struct confinfo_diag *diag)
{
	struct related_pair pair = {NULL, NULL}, *pairs;
	int err;

	if (!p || !conf_domain || !chat_domain)
		return EINVAL;
	if (p->npairs == CONFINFO_CHAT_MAX_RELATED_PAIRS)
		return confinfo_diag_fail(diag, ENOSPC, 0, 0,
					  "more than %d related domain pairs",
					  CONFINFO_CHAT_MAX_RELATED_PAIRS);
	err = domain_normalize(&pair.conf, "conference", conf_domain, diag);
	if (err)
		goto out;
	err = domain_normalize(&pair.chat, "chat", chat_domain, diag);
	if (err)
		goto out;
	pairs = ci_realloc(p->pairs, (p->npairs + 1) * sizeof(*pairs));
	if (!pairs) {
		err = ENOMEM;
		goto out;
	}
	p->pairs = pairs;
	p->pairs[p->npairs++] = pair;
	pair.conf = pair.chat = NULL;
out:
	ci_free(pair.conf);
	ci_free(pair.chat);
	return err;
}

/* The Public Suffix List compiled into libpsl: no file access, the same
 * answer on every machine with the same library. */
static const psl_ctx_t *psl(void)
{
	return psl_builtin();
}

/* True if @p name is @p base or a sub-domain of it at a label boundary
 * ("chat.example.com" is under "example.com", "evil-example.com" is not). */
static bool under(const char *name, const char *base)
{
	size_t n = strlen(name), b = strlen(base);

	if (n == b)
		return !strcmp(name, base);
	return n > b && name[n - b - 1] == '.' && !strcmp(name + n - b, base);
}

static bool public_suffix(const char *name)
{
	/* PSL_TYPE_ANY with the "*" rule: an unknown top-level name is a
	 * public suffix too, and private suffixes (github.io) count. */
	return psl_is_public_suffix2(psl(), name, PSL_TYPE_ANY) != 0;
}

static bool related_subdomain(const char *conf, const char *room)
{
	const char *parent = strchr(conf, '.');

	if (!strcmp(conf, room))
		return true;
	if (public_suffix(conf))
		return false;
	if (under(room, conf))
		return true;
	if (!parent || public_suffix(parent + 1))
		return false;
	return under(room, parent + 1);
}

static bool related_psl(const char *conf, const char *room)
{
	const char *a = psl_registrable_domain(psl(), conf);
	const char *b = psl_registrable_domain(psl(), room);

	return a && b && !strcmp(a, b);
}

bool chat_policy_related(const struct confinfo_chat_policy *p,
			 const struct confinfo_host *conf,
			 const struct confinfo_host *room)
{
	p = chat_policy_or_default(p);
	if (!conf->ascii || !room->ascii)
		return false;
	switch (p->related) {
	case CONFINFO_CHAT_RELATED_LIST:
		/* N() forms are canonical for every host kind, so the
		 * strings compare exactly (an IPv4 address never equals the
		 * bracketed IPv4-mapped IPv6 text). */
		for (size_t i = 0; i < p->npairs; i++) {
			if (!strcmp(p->pairs[i].conf, conf->ascii) &&
			    !strcmp(p->pairs[i].chat, room->ascii))
				return true;
		}
		return false;
	case CONFINFO_CHAT_RELATED_SUBDOMAIN:
		return conf->kind == CONFINFO_HOST_NAME &&
		       room->kind == CONFINFO_HOST_NAME &&
		       related_subdomain(conf->ascii, room->ascii);
	case CONFINFO_CHAT_RELATED_PSL:
		/* Never for IP literals: libpsl would call "3.4" the
		 * registrable domain of 1.2.3.4. */
		return conf->kind == CONFINFO_HOST_NAME &&
		       room->kind == CONFINFO_HOST_NAME &&
		       related_psl(conf->ascii, room->ascii);
	default:
		return false;
	}
}

void chat_policy_auto(const struct confinfo_chat_policy *p,
		      enum confinfo_chat_auto_join *modep, bool *require_namep,
		      uint32_t *max_usersp)
{
	p = chat_policy_or_default(p);
	*modep = p->auto_join;
	*require_namep = p->require_name_match;
	*max_usersp = p->max_auto_join_users;
}
