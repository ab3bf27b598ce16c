/*
 * Full copies of parts of the new state for the diff document. Every state
 * attribute of a copy is set to full explicitly: a full element contains
 * only full elements (RFC 4575 4.4), and writing it spares receivers the
 * default-state trap of the RFC's section 7.2 example.
 */
#include "diff/diff_int.h"

static void full_uris(struct confinfo_uris *u)
{
	if (u)
		u->state = CONFINFO_STATE_FULL;
}

static void full_endpoint(struct confinfo_endpoint *e)
{
	e->state = CONFINFO_STATE_FULL;
}

static void full_user(struct confinfo_user *u)
{
	u->state = CONFINFO_STATE_FULL;
	full_uris(u->associated_aors);
	for (size_t i = 0; i < u->endpoints.count; i++)
		full_endpoint(u->endpoints.items[i]);
}

static void full_users(struct confinfo_users *u)
{
	if (!u)
		return;
	u->state = CONFINFO_STATE_FULL;
	for (size_t i = 0; i < u->users.count; i++)
		full_user(u->users.items[i]);
}

static void full_conf(struct confinfo_conf *c);

static void full_sidebars_by_val(struct confinfo_sidebars_by_val *s)
{
	if (!s)
		return;
	s->state = CONFINFO_STATE_FULL;
	for (size_t i = 0; i < s->entries.count; i++)
		full_conf(s->entries.items[i]);
}

static void full_conf(struct confinfo_conf *c)
{
	c->state = CONFINFO_STATE_FULL;
	if (c->description) {
		full_uris(c->description->conf_uris);
		full_uris(c->description->service_uris);
	}
	if (c->host_info)
		full_uris(c->host_info->uris);
	full_users(c->users);
	full_uris(c->sidebars_by_ref);
	full_sidebars_by_val(c->sidebars_by_val);
}

int diff_clone_conf(struct confinfo_conf **outp, const struct confinfo_conf *n)
{
	int err = confinfo_conf_clone(outp, n);

	if (!err)
		full_conf(*outp);
	return err;
}

int diff_clone_users(struct confinfo_users **outp,
		     const struct confinfo_users *n)
{
	int err = confinfo_users_clone(outp, n);

	if (!err)
		full_users(*outp);
	return err;
}

int diff_clone_user(struct confinfo_user **outp, const struct confinfo_user *n)
{
	int err = confinfo_user_clone(outp, n);

	if (!err)
		full_user(*outp);
	return err;
}

int diff_clone_endpoint(struct confinfo_endpoint **outp,
			const struct confinfo_endpoint *n)
{
	int err = confinfo_endpoint_clone(outp, n);

	if (!err)
		full_endpoint(*outp);
	return err;
}

int diff_clone_uris(struct confinfo_uris **outp, const struct confinfo_uris *n)
{
	int err = confinfo_uris_clone(outp, n);

	if (!err)
		full_uris(*outp);
	return err;
}

int diff_clone_sidebars_by_val(struct confinfo_sidebars_by_val **outp,
			       const struct confinfo_sidebars_by_val *n)
{
	int err = confinfo_sidebars_by_val_clone(outp, n);

	if (!err)
		full_sidebars_by_val(*outp);
	return err;
}
