/*
 * view/view.c: rendering a subscriber's view of a conference state
 * (include/confinfo/view.h).
 *
 * Shape: clone the whole state, then edit the clone. The input is walked
 * beside the clone (a clone keeps every list in order, so items[i] of one
 * is items[i] of the other): decisions (is this user private, is it the
 * subscriber) are taken on the input's strings, edits go to the clone.
 *
 * Participant view, two passes over the users:
 * 1. collect every identity of every private user who is not the
 *    subscriber (entity, associated-aors, endpoint entities,
 *    cascaded-focus) with its anonymous URI;
 * 2. anonymise those users, and replace in the whole document every `by`
 *    that names a collected identity, so that "joined, dialed out by X"
 *    does not give X away when X is private.
 * Keys are edited in place, which leaves a list's hash index stale, so a
 * list whose keys changed is rebuilt.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "confinfo/uri.h"
#include "confinfo/view.h"
#include "model/alloc.h"

#define ANON_PREFIX "sip:anonymous"
#define ANON_SUFFIX "@anonymous.invalid"

const char *confinfo_view_str(enum confinfo_view v)
{
	switch (v) {
	case CONFINFO_VIEW_NONE:
		return "none";
	case CONFINFO_VIEW_PUBLIC:
		return "public";
	case CONFINFO_VIEW_PARTICIPANT:
		return "participant";
	case CONFINFO_VIEW_FULL:
		return "full";
	}
	return NULL;
}

int confinfo_view_parse(enum confinfo_view *vp, const char *s, size_t len)
{
	static const enum confinfo_view all[] = {
	    CONFINFO_VIEW_NONE, CONFINFO_VIEW_PUBLIC, CONFINFO_VIEW_PARTICIPANT,
	    CONFINFO_VIEW_FULL};
	size_t i;

	if (!vp || !s)
		return EINVAL;
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		const char *name = confinfo_view_str(all[i]);

		if (strlen(name) == len && !memcmp(name, s, len)) {
			*vp = all[i];
			return 0;
		}
	}
	return EINVAL;
}

bool confinfo_view_user_marked_private(const struct confinfo_user *user)
{
	size_t i;

	for (i = 0; user && i < user->ext.attr_count; i++) {
		const struct confinfo_attr *a = &user->ext.attrs[i];

		if (!strcmp(a->ns, CONFINFO_VIEW_PRIVACY_NS) &&
		    !strcmp(a->name, "private") &&
		    (!strcmp(a->value, "true") || !strcmp(a->value, "1")))
			return true;
	}
	return false;
}

static uint64_t fnv1a(uint64_t h, const char *s)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

int confinfo_view_token_insecure(const char *conf_uri, const char *identity,
				 char *out, size_t size, void *arg)
{
	uint64_t a, b;

	(void)arg;
	if (!conf_uri || !identity || !out || size < 33)
		return EINVAL;
	/* Two differently seeded hashes of conf_uri NUL identity. */
	a = fnv1a(fnv1a(0xcbf29ce484222325ULL, conf_uri) ^ 0xff, identity);
	b = fnv1a(fnv1a(0x84222325cbf29ce4ULL, identity) ^ 0xff, conf_uri);
	snprintf(out, size, "%016llx%016llx", (unsigned long long)a,
		 (unsigned long long)b);
	return 0;
}

/* An identity of a private user and what replaces it. */
struct ident {
	const char *orig;         /* in the input state */
	struct confinfo_uri *uri; /* parsed, or NULL if it does not parse */
	char anon[sizeof(ANON_PREFIX) + CONFINFO_VIEW_TOKEN_MAX +
		  sizeof(ANON_SUFFIX)];
};

struct ctx {
	const struct confinfo_view_params *p;
	const char *conf_uri; /* the root's: sidebars share its tokens */
	struct confinfo_uri *self_uri;
	/* Entities of the users that are the subscriber: one matched by an
	 * AOR in the roster is the same user in a sidebar that lists no
	 * AOR. */
	const char **selves;
	size_t self_count, self_cap;
	struct ident *ids;
	size_t count, cap;
};

/* Parse @p s if it is a URI: *up NULL when it is not. Only ENOMEM fails,
 * so that a failed allocation never turns into "does not match". */
static int parse_opt(struct confinfo_uri **up, const char *s)
{
	int err = confinfo_uri_parse(up, s, strlen(s), NULL, NULL);

	if (err == ENOMEM)
		return err;
	if (err)
		*up = NULL;
	return 0;
}

/* True if @p s (parsed as @p u, maybe NULL) names @p t (parsed as @p tu). */
static bool names(const char *s, const struct confinfo_uri *u, const char *t,
		  const struct confinfo_uri *tu)
{
	if (!strcmp(s, t))
		return true;
	return u && tu && confinfo_uri_same_target(u, tu);
}

static int is_self(bool *yes, const struct ctx *c, const char *s)
{
	struct confinfo_uri *u = NULL;
	int err;

	*yes = false;
	if (!c->p->self || !s)
		return 0;
	if (!c->self_uri)
		return *yes = !strcmp(s, c->p->self), 0;
	err = parse_opt(&u, s);
	if (err)
		return err;
	*yes = names(s, u, c->p->self, c->self_uri);
	confinfo_uri_free(u);
	return 0;
}

static bool token_ok(const char *t, size_t size)
{
	size_t n = strnlen(t, size);

	if (n == 0 || n == size)
		return false;
	for (; *t; t++)
		if (!((*t >= '0' && *t <= '9') || (*t >= 'a' && *t <= 'z')))
			return false;
	return true;
}

/* The anonymous form of @p s, from a token of (conference, @p s). */
static int make_anon(const struct ctx *c, const char *s, char *out, size_t size)
{
	char tok[CONFINFO_VIEW_TOKEN_MAX];
	int err;

	memset(tok, 0, sizeof(tok));
	err = c->p->token_h(c->conf_uri, s, tok, sizeof(tok), c->p->token_arg);
	if (err)
		return err;
	if (!token_ok(tok, sizeof(tok)))
		return EINVAL;
	snprintf(out, size, "%s%s%s", ANON_PREFIX, tok, ANON_SUFFIX);
	return 0;
}

static const struct ident *find_ident(const struct ctx *c, const char *s)
{
	size_t i;

	for (i = 0; i < c->count; i++)
		if (!strcmp(c->ids[i].orig, s))
			return &c->ids[i];
	return NULL;
}

static int add_ident(struct ctx *c, const char *s)
{
	struct ident *id;
	int err;

	if (!s || find_ident(c, s))
		return 0;
	if (c->count == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 8;
		struct ident *n = ci_realloc(c->ids, cap * sizeof(*n));

		if (!n)
			return ENOMEM;
		c->ids = n;
		c->cap = cap;
	}
	id = &c->ids[c->count];
	id->orig = s;
	id->uri = NULL;
	err = parse_opt(&id->uri, s);
	if (!err)
		err = make_anon(c, s, id->anon, sizeof(id->anon));
	if (err) {
		confinfo_uri_free(id->uri);
		return err;
	}
	c->count++;
	return 0;
}

/* The ident @p s names, or NULL. */
static int match_ident(const struct ident **idp, const struct ctx *c,
		       const char *s)
{
	struct confinfo_uri *u = NULL;
	size_t i;
	int err;

	*idp = find_ident(c, s);
	if (*idp || !c->count)
		return 0;
	err = parse_opt(&u, s);
	if (err || !u)
		return err;
	for (i = 0; i < c->count && !*idp; i++)
		if (names(s, u, c->ids[i].orig, c->ids[i].uri))
			*idp = &c->ids[i];
	confinfo_uri_free(u);
	return 0;
}

static int anon_str(const struct ctx *c, char **field, const char *orig)
{
	const struct ident *id;
	int err;

	if (!orig)
		return 0;
	err = match_ident(&id, c, orig);
	if (err || !id)
		return err;
	return confinfo_str_set(field, id->anon);
}

static int anon_exec(const struct ctx *c, struct confinfo_exec *dst,
		     const struct confinfo_exec *src)
{
	return src && src->by ? anon_str(c, &dst->by, src->by) : 0;
}

/* A list whose keys were edited in place: a fresh index. */
static int relist(struct confinfo_list *l)
{
	struct confinfo_list n = {0};
	size_t i;
	int err = confinfo_list_reserve(&n, l->count);

	for (i = 0; !err && i < l->count; i++)
		err = confinfo_list_append(&n, l->items[i]);
	if (err) {
		confinfo_list_reset(&n);
		return err;
	}
	confinfo_list_reset(l);
	*l = n;
	return 0;
}

static bool in_selves(const struct ctx *c, const char *entity)
{
	size_t i;

	for (i = 0; i < c->self_count; i++)
		if (!strcmp(c->selves[i], entity))
			return true;
	return false;
}

/* Is @p u the subscriber: its entity or one of its AORs names them. */
static int user_is_self(bool *yes, const struct ctx *c,
			const struct confinfo_user *u)
{
	size_t i;
	int err = is_self(yes, c, u->entity);

	for (i = 0; !err && !*yes && u->associated_aors &&
		    i < u->associated_aors->entries.count;
	     i++) {
		const struct confinfo_uri_entry *e =
		    u->associated_aors->entries.items[i];

		err = is_self(yes, c, e->uri);
	}
	return err;
}

static int find_selves(struct ctx *c, const struct confinfo_conf *conf)
{
	size_t i;
	int err = 0;

	for (i = 0; !err && conf->users && i < conf->users->users.count; i++) {
		const struct confinfo_user *u = conf->users->users.items[i];
		bool yes;

		if (!u->entity || in_selves(c, u->entity))
			continue;
		err = user_is_self(&yes, c, u);
		if (err || !yes)
			continue;
		if (c->self_count == c->self_cap) {
			size_t cap = c->self_cap ? 2 * c->self_cap : 4;
			const char **n =
			    ci_realloc(c->selves, cap * sizeof(*n));

			if (!n)
				return ENOMEM;
			c->selves = n;
			c->self_cap = cap;
		}
		c->selves[c->self_count++] = u->entity;
	}
	for (i = 0; !err && conf->sidebars_by_val &&
		    i < conf->sidebars_by_val->entries.count;
	     i++)
		err = find_selves(c, conf->sidebars_by_val->entries.items[i]);
	return err;
}

static int private_user(bool *yes, const struct ctx *c,
			const struct confinfo_user *u)
{
	*yes = c->p->private_h && u->entity &&
	       c->p->private_h(u, c->p->private_arg) &&
	       !in_selves(c, u->entity);
	return 0;
}

static int collect(struct ctx *c, const struct confinfo_conf *conf)
{
	size_t i, j;
	int err = 0;

	for (i = 0; !err && conf->users && i < conf->users->users.count; i++) {
		const struct confinfo_user *u = conf->users->users.items[i];
		bool priv;

		err = private_user(&priv, c, u);
		if (err || !priv)
			continue;
		err = add_ident(c, u->entity);
		for (j = 0; !err && u->associated_aors &&
			    j < u->associated_aors->entries.count;
		     j++)
			err = add_ident(
			    c, confinfo_item_key(
				   u->associated_aors->entries.items[j]));
		for (j = 0; !err && j < u->endpoints.count; j++)
			err = add_ident(
			    c, confinfo_item_key(u->endpoints.items[j]));
		if (!err)
			err = add_ident(c, u->cascaded_focus);
	}
	for (i = 0; !err && conf->sidebars_by_val &&
		    i < conf->sidebars_by_val->entries.count;
	     i++)
		err = collect(c, conf->sidebars_by_val->entries.items[i]);
	return err;
}

static int set_text(const struct ctx *c, char **field)
{
	return confinfo_str_set(field,
				*field ? c->p->private_display_text : NULL);
}

static int anon_dialog(const struct ctx *c, struct confinfo_sip_dialog *d)
{
	char *parts[] = {d->call_id, d->from_tag, d->to_tag};
	char tok[3][CONFINFO_VIEW_TOKEN_MAX];
	size_t i;
	int err = 0;

	for (i = 0; !err && i < 3; i++) {
		memset(tok[i], 0, sizeof(tok[i]));
		if (!parts[i])
			continue;
		err = c->p->token_h(c->conf_uri, parts[i], tok[i],
				    sizeof(tok[i]), c->p->token_arg);
		if (!err && !token_ok(tok[i], sizeof(tok[i])))
			err = EINVAL;
	}
	if (!err && d->call_id)
		err = confinfo_str_set(&d->call_id, tok[0]);
	if (!err && d->from_tag)
		err = confinfo_str_set(&d->from_tag, tok[1]);
	if (!err && d->to_tag)
		err = confinfo_str_set(&d->to_tag, tok[2]);
	if (!err)
		err = confinfo_str_set(&d->display_text, NULL);
	confinfo_ext_reset(&d->ext);
	return err;
}

/* Only the clone: its strings are still those of the input here. */
static int anon_endpoint(const struct ctx *c, struct confinfo_endpoint *ep)
{
	size_t i;
	int err = anon_str(c, &ep->entity, ep->entity);

	if (!err)
		err = set_text(c, &ep->display_text);
	for (i = 0; !err && i < ep->media.count; i++) {
		struct confinfo_media *m = ep->media.items[i];

		err = confinfo_str_set(&m->display_text, NULL);
		confinfo_ext_reset(&m->ext);
	}
	if (!err && ep->call_info) {
		confinfo_ext_reset(&ep->call_info->ext);
		if (ep->call_info->sip)
			err = anon_dialog(c, ep->call_info->sip);
	}
	if (ep->referred)
		confinfo_ext_reset(&ep->referred->ext);
	if (ep->joining_info)
		confinfo_ext_reset(&ep->joining_info->ext);
	if (ep->disconnection_info)
		confinfo_ext_reset(&ep->disconnection_info->ext);
	confinfo_ext_reset(&ep->ext);
	return err;
}

static int anon_user(const struct ctx *c, struct confinfo_user *u)
{
	size_t i;
	int err = anon_str(c, &u->entity, u->entity);

	if (!err)
		err = set_text(c, &u->display_text);
	if (!err && u->cascaded_focus)
		err = anon_str(c, &u->cascaded_focus, u->cascaded_focus);
	if (!err && u->associated_aors) {
		struct confinfo_list *l = &u->associated_aors->entries;

		for (i = 0; !err && i < l->count; i++) {
			struct confinfo_uri_entry *e = l->items[i];

			err = anon_str(c, &e->uri, e->uri);
			if (!err)
				err = confinfo_str_set(&e->display_text, NULL);
			confinfo_ext_reset(&e->ext);
			if (e->modified)
				confinfo_ext_reset(&e->modified->ext);
		}
		if (!err)
			err = relist(l);
		confinfo_ext_reset(&u->associated_aors->ext);
	}
	for (i = 0; !err && i < u->endpoints.count; i++)
		err = anon_endpoint(c, u->endpoints.items[i]);
	if (!err)
		err = relist(&u->endpoints);
	if (u->roles)
		confinfo_ext_reset(&u->roles->ext);
	confinfo_ext_reset(&u->ext);
	return err;
}

static int anon_uris_by(const struct ctx *c, struct confinfo_uris *dst,
			const struct confinfo_uris *src)
{
	size_t i;
	int err = 0;

	for (i = 0; !err && src && i < src->entries.count; i++) {
		const struct confinfo_uri_entry *s = src->entries.items[i];
		struct confinfo_uri_entry *d = dst->entries.items[i];

		if (s->modified)
			err = anon_exec(c, d->modified, s->modified);
	}
	return err;
}

/* Replace every `by` naming a private identity, in @p dst (the clone of
 * @p src), before any key is edited. */
static int anon_all_by(const struct ctx *c, struct confinfo_conf *dst,
		       const struct confinfo_conf *src)
{
	size_t i, j;
	int err = 0;

	if (src->description) {
		err = anon_uris_by(c, dst->description->conf_uris,
				   src->description->conf_uris);
		if (!err)
			err = anon_uris_by(c, dst->description->service_uris,
					   src->description->service_uris);
	}
	if (!err && src->host_info)
		err =
		    anon_uris_by(c, dst->host_info->uris, src->host_info->uris);
	if (!err)
		err =
		    anon_uris_by(c, dst->sidebars_by_ref, src->sidebars_by_ref);
	for (i = 0; !err && src->users && i < src->users->users.count; i++) {
		const struct confinfo_user *su = src->users->users.items[i];
		struct confinfo_user *du = dst->users->users.items[i];

		if (!err)
			err = anon_uris_by(c, du->associated_aors,
					   su->associated_aors);
		for (j = 0; !err && j < su->endpoints.count; j++) {
			const struct confinfo_endpoint *se =
			    su->endpoints.items[j];
			struct confinfo_endpoint *de = du->endpoints.items[j];

			err = anon_exec(c, de->referred, se->referred);
			if (!err)
				err = anon_exec(c, de->joining_info,
						se->joining_info);
			if (!err)
				err = anon_exec(c, de->disconnection_info,
						se->disconnection_info);
		}
	}
	for (i = 0; !err && src->sidebars_by_val &&
		    i < src->sidebars_by_val->entries.count;
	     i++)
		err = anon_all_by(c, dst->sidebars_by_val->entries.items[i],
				  src->sidebars_by_val->entries.items[i]);
	return err;
}

static int anon_conf(const struct ctx *c, struct confinfo_conf *dst,
		     const struct confinfo_conf *src)
{
	size_t i;
	int err = 0;
	bool priv;

	for (i = 0; !err && src->users && i < src->users->users.count; i++) {
		err = private_user(&priv, c, src->users->users.items[i]);
		if (!err && priv)
			err = anon_user(c, dst->users->users.items[i]);
	}
	if (!err && dst->users)
		err = relist(&dst->users->users);
	for (i = 0; !err && src->sidebars_by_val &&
		    i < src->sidebars_by_val->entries.count;
	     i++)
		err = anon_conf(c, dst->sidebars_by_val->entries.items[i],
				src->sidebars_by_val->entries.items[i]);
	return err;
}

static int render_participant(struct confinfo_conf *out,
			      const struct confinfo_conf *state,
			      const struct confinfo_view_params *p)
{
	struct ctx c = {.p = p, .conf_uri = state->entity};
	size_t i;
	int err = 0;

	if (p->self)
		err = parse_opt(&c.self_uri, p->self);
	if (!err && p->self)
		err = find_selves(&c, state);
	if (!err)
		err = collect(&c, state);
	if (!err && c.count)
		err = anon_all_by(&c, out, state);
	if (!err && c.count)
		err = anon_conf(&c, out, state);
	for (i = 0; i < c.count; i++)
		confinfo_uri_free(c.ids[i].uri);
	ci_free(c.ids);
	ci_free(c.selves);
	confinfo_uri_free(c.self_uri);
	return err;
}

static int render_public(struct confinfo_conf *out)
{
	size_t users = out->users ? out->users->users.count : 0;

	confinfo_users_free(out->users);
	out->users = NULL;
	confinfo_sidebars_by_val_free(out->sidebars_by_val);
	out->sidebars_by_val = NULL;
	if (!out->conf_state) {
		out->conf_state = confinfo_conf_state_new();
		if (!out->conf_state)
			return ENOMEM;
	}
	if (!out->conf_state->user_count.set) {
		out->conf_state->user_count.set = true;
		out->conf_state->user_count.value =
		    users > UINT32_MAX ? UINT32_MAX : (uint32_t)users;
	}
	return 0;
}

int confinfo_view_render(struct confinfo_conf **outp,
			 const struct confinfo_conf *state,
			 const struct confinfo_view_params *p)
{
	struct confinfo_conf *out = NULL;
	int err;

	if (!outp || !state || !p || !state->entity)
		return EINVAL;
	switch (p->view) {
	case CONFINFO_VIEW_NONE:
		*outp = NULL;
		return 0;
	case CONFINFO_VIEW_PARTICIPANT:
		if (!p->token_h)
			return EINVAL;
		break;
	case CONFINFO_VIEW_PUBLIC:
	case CONFINFO_VIEW_FULL:
		break;
	default:
		return EINVAL;
	}
	err = confinfo_conf_clone(&out, state);
	if (err)
		goto out;
	if (p->view == CONFINFO_VIEW_PARTICIPANT)
		err = render_participant(out, state, p);
	else if (p->view == CONFINFO_VIEW_PUBLIC)
		err = render_public(out);
out:
	if (err) {
		confinfo_conf_free(out);
		return err;
	}
	*outp = out;
	return 0;
}
