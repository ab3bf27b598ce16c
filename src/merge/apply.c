/*
 * Merge phase 2: move the document's parts into the state. Runs only after
 * merge_prepare_conf() succeeded, and cannot fail: every list that grows
 * had its room reserved, and everything else is a pointer swap or a
 * removal. See merge_int.h for the design.
 *
 * Replacing is done by swapping: the new part goes into the state, the old
 * one into the document, and the caller frees the document afterwards.
 * Rows are replaced by swapping their contents, not the row pointers: the
 * list keeps the same item at the same place, and since the key string is
 * byte-identical its hash in the list's index stays right. That keeps a
 * replacement O(1) in a list of 100,000 users.
 */
#include <string.h>

#include "merge/merge_int.h"

/* Swaps the content of two objects of @p size bytes. */
static void swap_bytes(void *a, void *b, size_t size)
{
	unsigned char *x = a, *y = b;

	for (size_t i = 0; i < size; i++) {
		unsigned char t = x[i];

		x[i] = y[i];
		y[i] = t;
	}
}

/* The document's value of an optional pointer member (string, atomic
 * element) replaces the state's when present. */
#define TAKE(state, doc, member)                                               \
	do {                                                                   \
		if ((doc)->member) {                                           \
			void *take_tmp_ = (state)->member;                     \
			(state)->member = (doc)->member;                       \
			(doc)->member = take_tmp_;                             \
		}                                                              \
	} while (0)

/* Foreign content of a partial element: RFC 4575 says nothing, so the
 * document's replaces the state's when it has any and the state's is kept
 * otherwise (absent means unchanged, as for every other child). */
static void take_ext(struct confinfo_ext *state, struct confinfo_ext *doc)
{
	if (!confinfo_ext_empty(doc))
		swap_bytes(state, doc, sizeof(*state));
}

/* Takes the list out of its owner, so that its items can be moved away
 * one by one; the caller releases the array with confinfo_list_reset(). */
static struct confinfo_list detach(struct confinfo_list *list)
{
	struct confinfo_list l = *list;

	memset(list, 0, sizeof(*list));
	return l;
}

/* Appends into room reserved by phase 1: cannot fail (the key is new). */
static void put(struct confinfo_list *list, void *item)
{
	void *old = NULL;

	(void)confinfo_list_replace(list, item, &old);
}

/* A partial uris-type list (sidebars-by-ref, associated-aors): entries have
 * no state, so they are upserted by uri and cannot be deleted one by one
 * (to drop an entry, send the list full). Full replaces, deleted removes. */
static void apply_uris(struct confinfo_uris **statep,
		       struct confinfo_uris **docp)
{
	struct confinfo_uris *state = *statep, *doc = *docp;
	struct confinfo_list entries;

	if (!doc)
		return;
	if (merge_is_deleted(doc->state)) {
		confinfo_uris_free(state);
		*statep = NULL;
		return;
	}
	if (!state || merge_is_full(doc->state)) {
		*statep = doc;
		*docp = state;
		return;
	}
	entries = detach(&doc->entries);
	for (size_t i = 0; i < entries.count; i++) {
		struct confinfo_uri_entry *e = entries.items[i];
		struct confinfo_uri_entry *known =
		    confinfo_list_find(&state->entries, e->uri);

		if (known) {
			swap_bytes(known, e, sizeof(*e));
			confinfo_uri_entry_free(e);
		} else {
			put(&state->entries, e);
		}
	}
	confinfo_list_reset(&entries);
	take_ext(&state->ext, &doc->ext);
	state->state = CONFINFO_STATE_FULL;
}

/* A partial endpoint: each field present replaces the state's, absent
 * fields stay. */
static void apply_endpoint(struct confinfo_endpoint *state,
			   struct confinfo_endpoint *doc)
{
	struct confinfo_list media;

	TAKE(state, doc, display_text);
	TAKE(state, doc, referred);
	TAKE(state, doc, joining_info);
	TAKE(state, doc, disconnection_info);
	TAKE(state, doc, call_info);
	if (doc->status)
		state->status = doc->status;
	if (doc->joining_method)
		state->joining_method = doc->joining_method;
	if (doc->disconnection_method)
		state->disconnection_method = doc->disconnection_method;
	/* <media> is keyed but has no state: replaced whole by id
	 * (digest 3.4 (b)). */
	media = detach(&doc->media);
	for (size_t i = 0; i < media.count; i++) {
		struct confinfo_media *m = media.items[i];
		struct confinfo_media *known =
		    confinfo_list_find(&state->media, m->id);

		if (known) {
			swap_bytes(known, m, sizeof(*m));
			confinfo_media_free(m);
		} else {
			put(&state->media, m);
		}
	}
	confinfo_list_reset(&media);
	take_ext(&state->ext, &doc->ext);
	state->state = CONFINFO_STATE_FULL;
}

static void apply_user(struct confinfo_user *state, struct confinfo_user *doc)
{
	struct confinfo_list eps;

	TAKE(state, doc, display_text);
	TAKE(state, doc, roles);
	TAKE(state, doc, languages);
	TAKE(state, doc, cascaded_focus);
	apply_uris(&state->associated_aors, &doc->associated_aors);
	eps = detach(&doc->endpoints);
	for (size_t i = 0; i < eps.count; i++) {
		struct confinfo_endpoint *ep = eps.items[i];
		struct confinfo_endpoint *known =
		    confinfo_list_find(&state->endpoints, ep->entity);

		if (merge_is_deleted(ep->state)) {
			if (known)
				confinfo_endpoint_free(confinfo_list_remove(
				    &state->endpoints, ep->entity));
		} else if (!known) {
			/* Normalised by phase 1. */
			put(&state->endpoints, ep);
			continue;
		} else if (merge_is_partial(ep->state)) {
			apply_endpoint(known, ep);
		} else {
			swap_bytes(known, ep, sizeof(*ep));
		}
		confinfo_endpoint_free(ep);
	}
	confinfo_list_reset(&eps);
	take_ext(&state->ext, &doc->ext);
	state->state = CONFINFO_STATE_FULL;
}

static void apply_users(struct confinfo_users **statep,
			struct confinfo_users **docp)
{
	struct confinfo_users *state = *statep, *doc = *docp;
	struct confinfo_list users;

	if (!doc)
		return;
	if (merge_is_deleted(doc->state)) {
		confinfo_users_free(state);
		*statep = NULL;
		return;
	}
	/* Phase 1 normalised a partial users without a local one to full. */
	if (!state || merge_is_full(doc->state)) {
		*statep = doc;
		*docp = state;
		return;
	}
	users = detach(&doc->users);
	for (size_t i = 0; i < users.count; i++) {
		struct confinfo_user *u = users.items[i];
		struct confinfo_user *known =
		    confinfo_list_find(&state->users, u->entity);

		if (merge_is_deleted(u->state)) {
			if (known)
				confinfo_user_free(confinfo_list_remove(
				    &state->users, u->entity));
		} else if (!known) {
			put(&state->users, u);
			continue;
		} else if (merge_is_partial(u->state)) {
			apply_user(known, u);
		} else {
			swap_bytes(known, u, sizeof(*u));
		}
		confinfo_user_free(u);
	}
	confinfo_list_reset(&users);
	take_ext(&state->ext, &doc->ext);
	state->state = CONFINFO_STATE_FULL;
}

static void apply_sidebars_by_val(struct confinfo_sidebars_by_val **statep,
				  struct confinfo_sidebars_by_val **docp)
{
	struct confinfo_sidebars_by_val *state = *statep, *doc = *docp;
	struct confinfo_list entries;

	if (!doc)
		return;
	if (merge_is_deleted(doc->state)) {
		confinfo_sidebars_by_val_free(state);
		*statep = NULL;
		return;
	}
	if (!state || merge_is_full(doc->state)) {
		*statep = doc;
		*docp = state;
		return;
	}
	entries = detach(&doc->entries);
	for (size_t i = 0; i < entries.count; i++) {
		struct confinfo_conf *e = entries.items[i];
		struct confinfo_conf *known =
		    confinfo_list_find(&state->entries, e->entity);

		if (merge_is_deleted(e->state)) {
			if (known)
				confinfo_conf_free(confinfo_list_remove(
				    &state->entries, e->entity));
		} else if (!known) {
			put(&state->entries, e);
			continue;
		} else if (merge_is_partial(e->state)) {
			merge_apply_conf(known, e);
		} else {
			swap_bytes(known, e, sizeof(*e));
		}
		confinfo_conf_free(e);
	}
	confinfo_list_reset(&entries);
	take_ext(&state->ext, &doc->ext);
	state->state = CONFINFO_STATE_FULL;
}

void merge_apply_conf(struct confinfo_conf *state, struct confinfo_conf *doc)
{
	/* conference-description, host-info and conference-state are atomic:
	 * present means replaced whole (RFC 4575 4.6 step 3.2). */
	TAKE(state, doc, description);
	TAKE(state, doc, host_info);
	TAKE(state, doc, conf_state);
	apply_users(&state->users, &doc->users);
	apply_uris(&state->sidebars_by_ref, &doc->sidebars_by_ref);
	apply_sidebars_by_val(&state->sidebars_by_val, &doc->sidebars_by_val);
	take_ext(&state->ext, &doc->ext);
	/* A sidebar's own version is data: kept unless the document has one
	 * (the root's is set by the caller). */
	if (doc->version.set)
		state->version = doc->version;
	state->state = CONFINFO_STATE_FULL;
}
