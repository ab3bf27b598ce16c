/*
 * Merge phase 1: check the document, normalise what is inserted as is,
 * check the size of every list the document changes against the limits,
 * and reserve room in the state's lists. See merge_int.h for the design.
 *
 * The state is only read here (apart from list capacity). The document may
 * be changed freely: it belongs to the merge and is freed after it.
 *
 * Limits are checked on counts, never by walking the state: a list
 * replaced whole has the document's count; a list merged into has the
 * local count (O(1)) plus the document's new keys minus the local keys it
 * deletes, which phase 1 looks up anyway. Each check comes before the
 * reservation of the list it is about, so an oversized document does not
 * even make the state's arrays grow.
 */
#include <stdbool.h>

#include "merge/merge_int.h"

/* RFC 4575 4.4: "if the parent is full, every child MUST be full". An
 * atomic element counts as full: it is replaced whole. */
static int not_full(struct merge_ctx *c, const char *elem, const char *key,
		    enum confinfo_state s, const char *parent)
{
	return confinfo_diag_fail(
	    c->diag, MERGE_EINVALID, 0, 0,
	    "<%s%s%.*s%s> has state '%s' inside a full <%s> (RFC 4575 "
	    "4.4: the children of a full element are full)",
	    elem, key ? " entity='" : "", MERGE_KEY_MAX, key ? key : "",
	    key ? "'" : "", confinfo_state_str(s), parent);
}

/* Who owns a list, to name it in messages: the kind of element
 * ("conference", "user", "endpoint") and its key. */
struct owner {
	const char *kind;
	const char *key;
};

/* The limit check of one list: @p count rows of @p what would be in the
 * list @p list (an element name, or NULL when the rows sit directly in
 * their owner, as endpoints in a user) of @p o. */
static int over_limit_named(struct merge_ctx *c, const struct owner *o,
			    const char *list, size_t count, size_t limit,
			    const char *name, const char *what)
{
	if (count <= limit)
		return 0;
	if (c->diag && !c->diag->err)
		c->diag->limit = name; /* this failure will be the one kept */
	return confinfo_diag_fail(
	    c->diag, MERGE_ELIMIT, 0, 0,
	    "%s%s%s%s '%.*s' would hold %zu %s (limit %zu)", list ? "<" : "",
	    list ? list : "", list ? "> of " : "", o->kind, MERGE_KEY_MAX,
	    o->key ? o->key : "", count, what, limit);
}

/* over_limit(c, o, list, count, field, what): @p field is the member of
 * struct confinfo_merge_limits, also named in diag->limit. */
#define over_limit(c, o, list, count, field, what)                             \
	over_limit_named((c), (o), (list), (count), (c)->lim.field, #field,    \
			 (what))

/* ------------------------------------------------------------------
 * Normalisation of subtrees inserted as they are.
 *
 * norm_X(x) expects x to be full or partial (the caller checked it against
 * x's parent and handled deleted). A full x must contain only full
 * elements; a partial x is a new row (RFC 4575 4.6 step 3.1.1): its
 * deleted children refer to nothing and are dropped, the rest is kept.
 * Either way every state becomes full, so that the stored state and the
 * equality of states see clean full trees.
 * ---------------------------------------------------------------- */

/* A uris-type child (associated-aors, sidebars-by-ref, conf-uris, ...).
 * Its entries have no state: the whole meaning is in its own. */
static int norm_uris(struct merge_ctx *c, struct confinfo_uris **up,
		     bool parent_full, const char *elem, const char *parent,
		     const struct owner *o)
{
	struct confinfo_uris *u = *up;

	if (!u)
		return 0;
	if (parent_full && !merge_is_full(u->state))
		return not_full(c, elem, NULL, u->state, parent);
	if (merge_is_deleted(u->state)) {
		confinfo_uris_free(u);
		*up = NULL;
		return 0;
	}
	u->state = CONFINFO_STATE_FULL;
	return over_limit(c, o, elem, u->entries.count, max_entries_per_list,
			  "entries");
}

/* conference-description and host-info are atomic: their uris lists are
 * part of a whole that replaces the local one, hence full. */
static int norm_description(struct merge_ctx *c, struct confinfo_description *d,
			    const struct owner *conf)
{
	int err;

	if (!d)
		return 0;
	err = norm_uris(c, &d->conf_uris, true, "conf-uris",
			"conference-description", conf);
	if (!err)
		err = norm_uris(c, &d->service_uris, true, "service-uris",
				"conference-description", conf);
	return err;
}

static int norm_host_info(struct merge_ctx *c, struct confinfo_host_info *h,
			  const struct owner *conf)
{
	if (!h)
		return 0;
	return norm_uris(c, &h->uris, true, "uris", "host-info", conf);
}

/* Free helpers with one signature, for drop_deleted(). */
typedef void(item_free_h)(void *item);

static void endpoint_free_item(void *p)
{
	confinfo_endpoint_free(p);
}

static void user_free_item(void *p)
{
	confinfo_user_free(p);
}

static void conf_free_item(void *p)
{
	confinfo_conf_free(p);
}

/* Removes item @p i of a document list. Rows deleted inside a new row are
 * rare, so the O(n) removal is fine. */
static void drop_item(struct confinfo_list *list, size_t i, item_free_h *freeh)
{
	freeh(confinfo_list_remove(list, confinfo_item_key(list->items[i])));
}

static int norm_endpoint(struct merge_ctx *c, struct confinfo_endpoint *ep,
			 bool parent_full, const char *parent)
{
	const struct owner o = {"endpoint", ep->entity};

	if (parent_full && !merge_is_full(ep->state))
		return not_full(c, "endpoint", ep->entity, ep->state, parent);
	/* Its children (media, call-info, ...) have no state. */
	ep->state = CONFINFO_STATE_FULL;
	return over_limit(c, &o, NULL, ep->media.count, max_media_per_endpoint,
			  "media");
}

static int norm_user(struct merge_ctx *c, struct confinfo_user *u,
		     bool parent_full)
{
	const struct owner o = {"user", u->entity};
	bool full = merge_is_full(u->state);
	size_t i = 0;
	int err;

	if (parent_full && !full)
		return not_full(c, "user", u->entity, u->state, "users");
	err = norm_uris(c, &u->associated_aors, full, "associated-aors", "user",
			&o);
	while (!err && i < u->endpoints.count) {
		struct confinfo_endpoint *ep = u->endpoints.items[i];

		if (!full && merge_is_deleted(ep->state)) {
			drop_item(&u->endpoints, i, endpoint_free_item);
			continue;
		}
		err = norm_endpoint(c, ep, full, "user");
		i++;
	}
	if (!err)
		err = over_limit(c, &o, NULL, u->endpoints.count,
				 max_endpoints_per_user, "endpoints");
	u->state = CONFINFO_STATE_FULL;
	return err;
}

/* The users element @p *usp of the conference @p conf, full or not. */
static int norm_users(struct merge_ctx *c, struct confinfo_users **usp,
		      bool parent_full, const struct owner *conf)
{
	struct confinfo_users *us = *usp;
	size_t i = 0;
	bool full;
	int err = 0;

	if (!us)
		return 0;
	if (parent_full && !merge_is_full(us->state))
		return not_full(c, "users", NULL, us->state, "conference-info");
	if (merge_is_deleted(us->state)) {
		confinfo_users_free(us);
		*usp = NULL;
		return 0;
	}
	full = merge_is_full(us->state);
	while (!err && i < us->users.count) {
		struct confinfo_user *u = us->users.items[i];

		if (!full && merge_is_deleted(u->state)) {
			drop_item(&us->users, i, user_free_item);
			continue;
		}
		err = norm_user(c, u, full);
		i++;
	}
	if (!err)
		err = over_limit(c, conf, "users", us->users.count, max_users,
				 "users");
	us->state = CONFINFO_STATE_FULL;
	return err;
}

static int norm_conf(struct merge_ctx *c, struct confinfo_conf *conf,
		     bool parent_full);

static int norm_sidebars_by_val(struct merge_ctx *c,
				struct confinfo_sidebars_by_val **sp,
				bool parent_full, const struct owner *conf)
{
	struct confinfo_sidebars_by_val *s = *sp;
	size_t i = 0;
	bool full;
	int err = 0;

	if (!s)
		return 0;
	if (parent_full && !merge_is_full(s->state))
		return not_full(c, "sidebars-by-val", NULL, s->state,
				"conference-info");
	if (merge_is_deleted(s->state)) {
		confinfo_sidebars_by_val_free(s);
		*sp = NULL;
		return 0;
	}
	full = merge_is_full(s->state);
	while (!err && i < s->entries.count) {
		struct confinfo_conf *e = s->entries.items[i];

		if (!full && merge_is_deleted(e->state)) {
			drop_item(&s->entries, i, conf_free_item);
			continue;
		}
		err = norm_conf(c, e, full);
		i++;
	}
	if (!err)
		err = over_limit(c, conf, "sidebars-by-val", s->entries.count,
				 max_sidebars, "entries");
	s->state = CONFINFO_STATE_FULL;
	return err;
}

static int norm_conf(struct merge_ctx *c, struct confinfo_conf *conf,
		     bool parent_full)
{
	const struct owner o = {"conference", conf->entity};
	bool full = merge_is_full(conf->state);
	int err;

	if (parent_full && !full)
		return not_full(c, "entry", conf->entity, conf->state,
				"sidebars-by-val");
	err = norm_description(c, conf->description, &o);
	if (!err)
		err = norm_host_info(c, conf->host_info, &o);
	if (!err)
		err = norm_users(c, &conf->users, full, &o);
	if (!err)
		err = norm_uris(c, &conf->sidebars_by_ref, full,
				"sidebars-by-ref", "conference-info", &o);
	if (!err)
		err = norm_sidebars_by_val(c, &conf->sidebars_by_val, full, &o);
	conf->state = CONFINFO_STATE_FULL;
	return err;
}

int merge_norm_conf(struct merge_ctx *c, struct confinfo_conf *conf)
{
	return norm_conf(c, conf, false);
}

/* ------------------------------------------------------------------
 * Preparation of a partial element merged into an existing one.
 *
 * For each keyed list that gets new rows, count them, check the count
 * the list would reach against its limit, and reserve room. What replaces
 * or is inserted as is gets normalised (which checks its own lists); what
 * merges into a known row is prepared recursively; deleted rows need
 * nothing but to be counted when they remove a local row.
 *
 * A list the document carries no rows for keeps its count: it is not
 * checked, so that a document touching a row never pays for (or fails on)
 * a list it leaves alone.
 * ---------------------------------------------------------------- */

/* The count a merged list reaches: the local rows, plus the new ones,
 * minus the local ones deleted. @p gone <= @p local: each deleted row is a
 * distinct local key (document lists have unique keys). */
static size_t merged_count(size_t local, size_t fresh, size_t gone)
{
	return local - gone + fresh;
}

/* A partial uris-type list (sidebars-by-ref, associated-aors) upserts its
 * entries by uri; full replaces, deleted removes. */
static int prep_uris(struct merge_ctx *c, struct confinfo_uris *state,
		     struct confinfo_uris *doc, const char *elem,
		     const struct owner *o)
{
	size_t fresh = 0;
	int err;

	if (!doc || merge_is_deleted(doc->state))
		return 0;
	if (merge_is_full(doc->state) || !state) {
		doc->state = CONFINFO_STATE_FULL;
		return over_limit(c, o, elem, doc->entries.count,
				  max_entries_per_list, "entries");
	}
	if (!doc->entries.count)
		return 0;
	for (size_t i = 0; i < doc->entries.count; i++) {
		if (!confinfo_list_find(
			&state->entries,
			confinfo_item_key(doc->entries.items[i])))
			fresh++;
	}
	err =
	    over_limit(c, o, elem, merged_count(state->entries.count, fresh, 0),
		       max_entries_per_list, "entries");
	if (!err)
		err = confinfo_list_reserve(&state->entries, fresh);
	return err;
}

static int prep_endpoint(struct merge_ctx *c, struct confinfo_endpoint *state,
			 struct confinfo_endpoint *doc)
{
	const struct owner o = {"endpoint", state->entity};
	size_t fresh = 0;
	int err;

	if (!doc->media.count)
		return 0;
	/* <media> has no state: each one replaces the one with its id. */
	for (size_t i = 0; i < doc->media.count; i++) {
		if (!confinfo_list_find(&state->media,
					confinfo_item_key(doc->media.items[i])))
			fresh++;
	}
	err =
	    over_limit(c, &o, NULL, merged_count(state->media.count, fresh, 0),
		       max_media_per_endpoint, "media");
	if (!err)
		err = confinfo_list_reserve(&state->media, fresh);
	return err;
}

static int prep_user(struct merge_ctx *c, struct confinfo_user *state,
		     struct confinfo_user *doc)
{
	const struct owner o = {"user", state->entity};
	size_t fresh = 0, gone = 0;
	int err;

	err = prep_uris(c, state->associated_aors, doc->associated_aors,
			"associated-aors", &o);
	for (size_t i = 0; !err && i < doc->endpoints.count; i++) {
		struct confinfo_endpoint *ep = doc->endpoints.items[i];
		struct confinfo_endpoint *known;

		known = confinfo_list_find(&state->endpoints, ep->entity);
		if (merge_is_deleted(ep->state)) {
			gone += known != NULL;
			continue;
		}
		if (!known)
			fresh++;
		if (known && merge_is_partial(ep->state))
			err = prep_endpoint(c, known, ep);
		else
			err = norm_endpoint(c, ep, false, "user");
	}
	if (!err && doc->endpoints.count)
		err = over_limit(
		    c, &o, NULL,
		    merged_count(state->endpoints.count, fresh, gone),
		    max_endpoints_per_user, "endpoints");
	if (!err)
		err = confinfo_list_reserve(&state->endpoints, fresh);
	return err;
}

static int prep_users(struct merge_ctx *c, struct confinfo_users *state,
		      struct confinfo_users **docp, const struct owner *conf)
{
	struct confinfo_users *doc = *docp;
	size_t fresh = 0, gone = 0;
	int err = 0;

	if (!doc || merge_is_deleted(doc->state))
		return 0;
	if (merge_is_full(doc->state) || !state)
		return norm_users(c, docp, false, conf);
	for (size_t i = 0; !err && i < doc->users.count; i++) {
		struct confinfo_user *u = doc->users.items[i];
		struct confinfo_user *known;

		known = confinfo_list_find(&state->users, u->entity);
		if (merge_is_deleted(u->state)) {
			gone += known != NULL;
			continue;
		}
		if (!known)
			fresh++;
		if (known && merge_is_partial(u->state))
			err = prep_user(c, known, u);
		else
			err = norm_user(c, u, false);
	}
	if (!err && doc->users.count)
		err = over_limit(c, conf, "users",
				 merged_count(state->users.count, fresh, gone),
				 max_users, "users");
	if (!err)
		err = confinfo_list_reserve(&state->users, fresh);
	return err;
}

static int prep_sidebars_by_val(struct merge_ctx *c,
				struct confinfo_sidebars_by_val *state,
				struct confinfo_sidebars_by_val **docp,
				const struct owner *conf)
{
	struct confinfo_sidebars_by_val *doc = *docp;
	size_t fresh = 0, gone = 0;
	int err = 0;

	if (!doc || merge_is_deleted(doc->state))
		return 0;
	if (merge_is_full(doc->state) || !state)
		return norm_sidebars_by_val(c, docp, false, conf);
	for (size_t i = 0; !err && i < doc->entries.count; i++) {
		struct confinfo_conf *e = doc->entries.items[i];
		struct confinfo_conf *known;

		known = confinfo_list_find(&state->entries, e->entity);
		if (merge_is_deleted(e->state)) {
			gone += known != NULL;
			continue;
		}
		if (!known)
			fresh++;
		/* An entry is conference-type: same logic as the root. */
		if (known && merge_is_partial(e->state))
			err = merge_prepare_conf(c, known, e);
		else
			err = norm_conf(c, e, false);
	}
	if (!err && doc->entries.count)
		err =
		    over_limit(c, conf, "sidebars-by-val",
			       merged_count(state->entries.count, fresh, gone),
			       max_sidebars, "entries");
	if (!err)
		err = confinfo_list_reserve(&state->entries, fresh);
	return err;
}

int merge_prepare_conf(struct merge_ctx *c, struct confinfo_conf *state,
		       struct confinfo_conf *doc)
{
	const struct owner o = {"conference", state->entity};
	int err;

	err = norm_description(c, doc->description, &o);
	if (!err)
		err = norm_host_info(c, doc->host_info, &o);
	if (!err)
		err = prep_users(c, state->users, &doc->users, &o);
	if (!err)
		err = prep_uris(c, state->sidebars_by_ref, doc->sidebars_by_ref,
				"sidebars-by-ref", &o);
	if (!err)
		err = prep_sidebars_by_val(c, state->sidebars_by_val,
					   &doc->sidebars_by_val, &o);
	return err;
}
