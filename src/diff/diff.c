/*
 * confinfo_diff(): the partial notification between two full states, at
 * the conference level (root and sidebars-by-val entries) and for users.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "confinfo/diff.h"
#include "diff/diff_int.h"
#include "model/obj.h"

static int user_diff(void **outp, const void *o, const void *n)
{
	struct confinfo_user *u = NULL;
	int err = diff_user(&u, o, n);

	if (!err)
		*outp = u;
	return err;
}

static int user_clone(void **outp, const void *n)
{
	struct confinfo_user *u = NULL;
	int err = diff_clone_user(&u, n);

	if (!err)
		*outp = u;
	return err;
}

static int user_deleted(void **outp, const char *key)
{
	struct confinfo_user *u = confinfo_user_new();

	if (!u || !(u->entity = ci_str_dup(key))) {
		confinfo_user_free(u);
		return ENOMEM;
	}
	u->state = CONFINFO_STATE_DELETED;
	*outp = u;
	return 0;
}

static void user_free(void *p)
{
	confinfo_user_free(p);
}

static const struct diff_item_ops user_ops = {
    .diff = user_diff,
    .clone = user_clone,
    .deleted = user_deleted,
    .free = user_free,
};

/* Both present. */
static int diff_users(struct confinfo_users **outp,
		      const struct confinfo_users *o,
		      const struct confinfo_users *n)
{
	struct confinfo_users *p;
	bool full = false;
	int err;

	if (confinfo_users_equal(o, n)) {
		*outp = NULL;
		return 0;
	}
	p = confinfo_users_new();
	if (!p)
		return ENOMEM;
	p->state = CONFINFO_STATE_PARTIAL;
	err = diff_list(&p->users, &full, &o->users, &n->users, &user_ops);
	if (!err && !full)
		err = diff_ext(&p->ext, &full, &o->ext, &n->ext);
	if (!err && (full || diff_cost_users(p) >= diff_cost_users(n))) {
		confinfo_users_free(p);
		p = NULL;
		err = diff_clone_users(&p, n);
	}
	if (err) {
		confinfo_users_free(p);
		return err;
	}
	*outp = p;
	return 0;
}

/* A sidebars-by-val entry is conference-type: diffed like the root, except
 * that it can fall back to full on its own. */
static int diff_entry(struct confinfo_conf **outp,
		      const struct confinfo_conf *o,
		      const struct confinfo_conf *n)
{
	struct confinfo_conf *p;
	bool full = false;
	int err = 0;

	if (confinfo_conf_equal(o, n)) {
		*outp = NULL;
		return 0;
	}
	p = confinfo_conf_new();
	if (!p || !(p->entity = ci_str_dup(n->entity))) {
		err = ENOMEM;
		goto out;
	}
	p->state = CONFINFO_STATE_PARTIAL;
	/* Its version is data: merge takes the document's when present. */
	if (o->version.set != n->version.set ||
	    o->version.value != n->version.value) {
		if (n->version.set)
			p->version = n->version;
		else
			full = true;
	}
	if (!full)
		err = diff_conf_body(p, &full, o, n);
	if (!err && (full || diff_cost_conf(p) >= diff_cost_conf(n))) {
		confinfo_conf_free(p);
		p = NULL;
		err = diff_clone_conf(&p, n);
	}
out:
	if (err) {
		confinfo_conf_free(p);
		return err;
	}
	*outp = p;
	return 0;
}

static int entry_diff(void **outp, const void *o, const void *n)
{
	struct confinfo_conf *c = NULL;
	int err = diff_entry(&c, o, n);

	if (!err)
		*outp = c;
	return err;
}

static int entry_clone(void **outp, const void *n)
{
	struct confinfo_conf *c = NULL;
	int err = diff_clone_conf(&c, n);

	if (!err)
		*outp = c;
	return err;
}

static int entry_deleted(void **outp, const char *key)
{
	struct confinfo_conf *c = confinfo_conf_new();

	if (!c || !(c->entity = ci_str_dup(key))) {
		confinfo_conf_free(c);
		return ENOMEM;
	}
	c->state = CONFINFO_STATE_DELETED;
	*outp = c;
	return 0;
}

static void entry_free(void *p)
{
	confinfo_conf_free(p);
}

static const struct diff_item_ops entry_ops = {
    .diff = entry_diff,
    .clone = entry_clone,
    .deleted = entry_deleted,
    .free = entry_free,
};

/* Both present. */
static int diff_sidebars_by_val(struct confinfo_sidebars_by_val **outp,
				const struct confinfo_sidebars_by_val *o,
				const struct confinfo_sidebars_by_val *n)
{
	struct confinfo_sidebars_by_val *p;
	bool full = false;
	int err;

	if (confinfo_sidebars_by_val_equal(o, n)) {
		*outp = NULL;
		return 0;
	}
	p = confinfo_sidebars_by_val_new();
	if (!p)
		return ENOMEM;
	p->state = CONFINFO_STATE_PARTIAL;
	err =
	    diff_list(&p->entries, &full, &o->entries, &n->entries, &entry_ops);
	if (!err && !full)
		err = diff_ext(&p->ext, &full, &o->ext, &n->ext);
	if (!err && (full || diff_cost_sidebars_by_val(p) >=
				 diff_cost_sidebars_by_val(n))) {
		confinfo_sidebars_by_val_free(p);
		p = NULL;
		err = diff_clone_sidebars_by_val(&p, n);
	}
	if (err) {
		confinfo_sidebars_by_val_free(p);
		return err;
	}
	*outp = p;
	return 0;
}

/* Atomic children of conference-type: sent whole when changed; one that
 * disappeared cannot be removed by a partial document. */
#define DIFF_ATOMIC(T, m)                                                      \
	do {                                                                   \
		if (!err && !*fullp && !confinfo_##T##_equal(o->m, n->m)) {    \
			if (n->m)                                              \
				err = confinfo_##T##_clone(&p->m, n->m);       \
			else                                                   \
				*fullp = true;                                 \
		}                                                              \
	} while (0)

int diff_conf_body(struct confinfo_conf *p, bool *fullp,
		   const struct confinfo_conf *o, const struct confinfo_conf *n)
{
	int err = 0;

	DIFF_ATOMIC(description, description);
	DIFF_ATOMIC(host_info, host_info);
	DIFF_ATOMIC(conf_state, conf_state);
	if (err || *fullp)
		return err;

	if (o->users && !n->users) {
		p->users = confinfo_users_new();
		if (!p->users)
			return ENOMEM;
		p->users->state = CONFINFO_STATE_DELETED;
	} else if (!o->users && n->users) {
		err = diff_clone_users(&p->users, n->users);
	} else if (n->users) {
		err = diff_users(&p->users, o->users, n->users);
	}
	if (err)
		return err;

	/* A deleted sidebars-by-ref would still need an entry to be valid
	 * (uris-type): rare enough to send the parent full instead. */
	if (o->sidebars_by_ref && !n->sidebars_by_ref)
		*fullp = true;
	else if (!o->sidebars_by_ref && n->sidebars_by_ref)
		err = diff_clone_uris(&p->sidebars_by_ref, n->sidebars_by_ref);
	else if (n->sidebars_by_ref)
		err = diff_uris(&p->sidebars_by_ref, o->sidebars_by_ref,
				n->sidebars_by_ref);
	if (err || *fullp)
		return err;

	if (o->sidebars_by_val && !n->sidebars_by_val) {
		p->sidebars_by_val = confinfo_sidebars_by_val_new();
		if (!p->sidebars_by_val)
			return ENOMEM;
		p->sidebars_by_val->state = CONFINFO_STATE_DELETED;
	} else if (!o->sidebars_by_val && n->sidebars_by_val) {
		err = diff_clone_sidebars_by_val(&p->sidebars_by_val,
						 n->sidebars_by_val);
	} else if (n->sidebars_by_val) {
		err = diff_sidebars_by_val(&p->sidebars_by_val,
					   o->sidebars_by_val,
					   n->sidebars_by_val);
	}
	if (!err)
		err = diff_ext(&p->ext, fullp, &o->ext, &n->ext);
	return err;
}

int confinfo_diff(struct confinfo_conf **docp,
		  const struct confinfo_conf *old_state,
		  const struct confinfo_conf *new_state)
{
	struct confinfo_conf *p = NULL;
	bool full = false;
	int err = 0;

	if (!docp || !old_state || !new_state || !old_state->entity ||
	    !new_state->entity ||
	    confinfo_state_effective(old_state->state) != CONFINFO_STATE_FULL ||
	    confinfo_state_effective(new_state->state) != CONFINFO_STATE_FULL ||
	    !old_state->version.set ||
	    strcmp(old_state->entity, new_state->entity))
		return EINVAL;
	if (old_state->version.value == UINT32_MAX)
		return EOVERFLOW;

	p = confinfo_conf_new();
	if (!p || !(p->entity = ci_str_dup(new_state->entity))) {
		err = ENOMEM;
		goto out;
	}
	p->state = CONFINFO_STATE_PARTIAL;
	err = diff_conf_body(p, &full, old_state, new_state);
	if (!err && full) {
		/* Something vanished that a partial document cannot remove:
		 * a full document is always right, merge replaces. */
		confinfo_conf_free(p);
		p = NULL;
		err = diff_clone_conf(&p, new_state);
	}
	if (err)
		goto out;
	p->version.set = true;
	p->version.value = old_state->version.value + 1;
	*docp = p;
	p = NULL;
out:
	confinfo_conf_free(p);
	return err;
}
