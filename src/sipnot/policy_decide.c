/*
 * The decisions of the view policy (include/confinfo/policy.h): which
 * sections apply to a conference, a subscriber's view, chairs, private
 * users.
 */
#include <stdlib.h>
#include <string.h>

#include "policy_int.h"
#include "sipnot.h"

static const enum confinfo_view class_builtin[PC_COUNT] = {
    CONFINFO_VIEW_FULL, CONFINFO_VIEW_PARTICIPANT, CONFINFO_VIEW_PUBLIC,
    CONFINFO_VIEW_PUBLIC};
static const char *const builtin_roles[] = {"chairman", "moderator"};

static const struct psection *section(const struct confinfo_view_policy *p,
				      const char *name)
{
	struct psection key = {.name = (char *)name};

	if (!p || !name || !p->nsecs)
		return NULL;
	return bsearch(&key, p->secs, p->nsecs, sizeof(*p->secs),
		       sipnot_policy_cmp_sec);
}

/* The conference's section (NULL when none) and the default's. */
static void sections(const struct confinfo_view_policy *p, const char *conf,
		     const struct psection *s[2])
{
	s[0] = conf && strcmp(conf, "*") ? section(p, conf) : NULL;
	s[1] = section(p, "*");
}

static const struct psub *find_sub(const struct psection *s, const char *id)
{
	struct psub key = {.id = (char *)id};

	return s && s->nsubs ? bsearch(&key, s->subs, s->nsubs,
				       sizeof(*s->subs), sipnot_policy_cmp_sub)
			     : NULL;
}

static enum confinfo_view class_view(const struct psection *s[2], enum pclass c)
{
	for (int i = 0; i < 2; i++)
		if (s[i] && s[i]->set[c])
			return s[i]->view[c];
	return class_builtin[c];
}

int sipnot_policy_line(const struct confinfo_view_policy *p, const char *conf,
		       const char *norm_id)
{
	const struct psection *s[2];

	if (!p || !norm_id)
		return -1;
	sections(p, conf, s);
	for (int i = 0; i < 2; i++) {
		const struct psub *e = find_sub(s[i], norm_id);

		if (e)
			return (int)e->view;
	}
	return -1;
}

enum confinfo_view sipnot_policy_decide(const struct confinfo_view_policy *p,
					const char *conf, bool authenticated,
					int line, bool participant, bool chair)
{
	const struct psection *s[2];

	if (!p)
		return CONFINFO_VIEW_FULL;
	sections(p, conf, s);
	if (!authenticated)
		return class_view(s, PC_ANON);
	if (line >= 0)
		return (enum confinfo_view)line;
	if (chair && participant)
		return class_view(s, PC_CHAIRS);
	if (participant)
		return class_view(s, PC_PARTICIPANTS);
	return class_view(s, PC_AUTH);
}

enum confinfo_view
confinfo_view_policy_decide(const struct confinfo_view_policy *p,
			    const char *conf, const char *identity,
			    bool participant, bool chair)
{
	enum confinfo_view v;
	char *id = NULL;

	/* An identity that does not normalise matches no subscriber line. */
	if (identity)
		(void)confinfo_view_policy_identity(identity, &id);
	v = sipnot_policy_decide(p, conf, identity != NULL,
				 sipnot_policy_line(p, conf, id), participant,
				 chair);
	free(id);
	return v;
}

bool confinfo_view_policy_chair(const struct confinfo_view_policy *p,
				const char *conf, const struct confinfo_user *u)
{
	const struct psection *s[2], *r = NULL;
	const char *const *roles = builtin_roles;
	size_t nroles = 2;

	if (!u || !u->roles)
		return false;
	sections(p, conf, s);
	for (int i = 1; i >= 0; i--)
		if (s[i] && s[i]->roles_set)
			r = s[i];
	if (r) {
		roles = (const char *const *)r->roles;
		nroles = r->nroles;
	}
	for (size_t i = 0; i < u->roles->count; i++)
		for (size_t j = 0; j < nroles; j++)
			if (!strcmp(u->roles->entries[i], roles[j]))
				return true;
	return false;
}

static bool same_id(const char *uri, const char *id)
{
	char *n = NULL;
	bool yes;

	if (!uri || confinfo_view_policy_identity(uri, &n))
		return false;
	yes = !strcmp(n, id);
	free(n);
	return yes;
}

bool confinfo_view_policy_names(const struct confinfo_user *u, const char *id)
{
	if (!u || !id)
		return false;
	if (same_id(u->entity, id))
		return true;
	for (size_t i = 0;
	     u->associated_aors && i < u->associated_aors->entries.count; i++) {
		const struct confinfo_uri_entry *e =
		    u->associated_aors->entries.items[i];

		if (same_id(e->uri, id))
			return true;
	}
	return false;
}

static bool listed_private(const struct psection *s, const char *uri)
{
	char *n = NULL;
	bool yes;

	if (!s || !s->npriv || !uri || confinfo_view_policy_identity(uri, &n))
		return false;
	yes = bsearch(&n, s->priv, s->npriv, sizeof(*s->priv),
		      sipnot_policy_cmp_str);
	free(n);
	return yes;
}

bool confinfo_view_policy_private(const struct confinfo_view_policy *p,
				  const char *conf,
				  const struct confinfo_user *u)
{
	const struct psection *s[2];

	if (!u)
		return false;
	if (confinfo_view_user_marked_private(u))
		return true;
	sections(p, conf, s);
	for (int i = 0; i < 2; i++) {
		if (!s[i] || !s[i]->npriv)
			continue;
		if (listed_private(s[i], u->entity))
			return true;
		for (size_t j = 0; u->associated_aors &&
				   j < u->associated_aors->entries.count;
		     j++) {
			const struct confinfo_uri_entry *e =
			    u->associated_aors->entries.items[j];

			if (listed_private(s[i], e->uri))
				return true;
		}
	}
	return false;
}

const char *
confinfo_view_policy_display_text(const struct confinfo_view_policy *p,
				  const char *conf)
{
	const struct psection *s[2];

	sections(p, conf, s);
	for (int i = 0; i < 2; i++)
		if (s[i] && s[i]->text_set)
			return s[i]->text;
	return NULL;
}

enum confinfo_view
confinfo_view_policy_view(const struct confinfo_view_policy *p,
			  const char *conf, const struct confinfo_conf *state,
			  const char *identity)
{
	bool participant = false, chair = false;
	char *id = NULL;

	if (identity && state && state->users &&
	    !confinfo_view_policy_identity(identity, &id)) {
		for (size_t i = 0; i < state->users->users.count; i++) {
			const struct confinfo_user *u =
			    state->users->users.items[i];

			if (!confinfo_view_policy_names(u, id))
				continue;
			participant = true;
			chair = chair || confinfo_view_policy_chair(p, conf, u);
		}
		free(id);
	}
	return confinfo_view_policy_decide(p, conf, identity, participant,
					   chair);
}
