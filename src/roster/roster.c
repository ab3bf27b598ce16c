/*
 * The roster (roster.h): change events between the users it remembers and
 * those of a new state, at the cost of what the document touched.
 *
 * What it keeps. One item per user listed in the last state, in a keyed
 * list (model.h) in the state's order, so a user is found by entity
 * without a scan. An item holds its entity, a sequence number, and a
 * record (record.c) of what events compare: display-text, presence, mute,
 * roles and endpoint statuses. A changed user gets a new record in the
 * same item: the item never moves, so nothing is searched for (replacing
 * an item of a keyed list would scan for its slot).
 *
 * Why sequence numbers. Events come in the order the old code printed
 * them, which compared two whole states: departures in the old state's
 * order, the rest in the new state's. With only the touched users at hand,
 * their positions in the state are unknown (finding one scans the list).
 * But merge never reorders: known users stay in place, new ones are
 * appended in document order, deleted ones are removed (merge.h). So a
 * number given to each user when it is appended orders the users as the
 * state does, before and after, and sorting the touched users by it gives
 * the old order without a walk. A full document may reorder: everything
 * is compared then, and numbered again from the new state.
 *
 * Failure. Everything that can fail (records, new items, room in the
 * list) happens before the first event; then events are reported and the
 * new records put in, which cannot fail. On ENOMEM nothing is reported
 * and nothing changed, but the touched users' news would be lost by the
 * next partial update, so the next update compares everything.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "confinfo/roster.h"
#include "model/alloc.h"
#include "roster/roster_int.h"

/* A user of the last state: the list item. */
struct roster_user {
	char *entity; /* key, first member: the record's entity */
	uint64_t seq; /* orders the users as the state does     */
	struct roster_rec *rec;
};

struct confinfo_roster {
	struct confinfo_list users; /* of struct roster_user, state order */
	uint64_t next_seq;          /* for the next user appended          */
	bool stale; /* compare everything next time: new, or after ENOMEM */
};

/* Where events go. */
struct emitter {
	confinfo_roster_event_h *h;
	void *arg;
};

int confinfo_roster_alloc(struct confinfo_roster **rp)
{
	struct confinfo_roster *r;

	if (!rp)
		return EINVAL;
	r = ci_calloc(1, sizeof(*r));
	if (!r)
		return ENOMEM;
	r->stale = true;
	*rp = r;
	return 0;
}

static void user_free(struct roster_user *u)
{
	if (!u)
		return;
	roster_rec_free(u->rec);
	ci_free(u);
}

static void users_reset(struct confinfo_list *users)
{
	for (size_t i = 0; i < users->count; i++)
		user_free(users->items[i]);
	confinfo_list_reset(users);
}

void confinfo_roster_free(struct confinfo_roster *r)
{
	if (!r)
		return;
	users_reset(&r->users);
	ci_free(r);
}

size_t confinfo_roster_count(const struct confinfo_roster *r)
{
	return r ? r->users.count : 0;
}

/* An item for @p rec (which it takes on success), NULL on ENOMEM. */
static struct roster_user *user_new(struct roster_rec *rec, uint64_t seq)
{
	struct roster_user *u = ci_malloc(sizeof(*u));

	if (!u)
		return NULL;
	u->entity = rec->entity;
	u->seq = seq;
	u->rec = rec;
	return u;
}

/* Puts @p rec in place of the item's record: the key string changes for
 * an equal one, so the list's index stays right. */
static void user_set(struct roster_user *u, struct roster_rec *rec)
{
	roster_rec_free(u->rec);
	u->rec = rec;
	u->entity = rec->entity;
}

static const struct confinfo_list *users_of(const struct confinfo_conf *c)
{
	return c->users ? &c->users->users : NULL;
}

/* ------------------------------------------------------------------ */
/* Events. */

static void emit(const struct emitter *em, enum confinfo_roster_event_type type,
		 const struct roster_rec *rec, const struct confinfo_user *u)
{
	struct confinfo_roster_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.entity = rec->entity;
	/* LEFT shows the user as it was; the others as it is. */
	ev.display_text =
	    type == CONFINFO_ROSTER_LEFT ? rec->display_text : u->display_text;
	ev.user = u;
	em->h(&ev, em->arg);
}

static const struct confinfo_roles *roles_or_null(const struct roster_rec *r)
{
	return r->roles.count ? &r->roles : NULL;
}

static void emit_roles(const struct emitter *em, const struct roster_rec *old,
		       const struct roster_rec *rec,
		       const struct confinfo_user *u)
{
	struct confinfo_roster_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = CONFINFO_ROSTER_ROLES_CHANGED;
	ev.entity = rec->entity;
	ev.display_text = u->display_text;
	ev.user = u;
	ev.old_roles = roles_or_null(old);
	ev.new_roles = u->roles;
	em->h(&ev, em->arg);
}

static void emit_endpoint(const struct emitter *em,
			  const struct roster_rec *rec,
			  const struct confinfo_user *u, const char *endpoint,
			  enum confinfo_endpoint_status old_status,
			  enum confinfo_endpoint_status new_status)
{
	struct confinfo_roster_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = CONFINFO_ROSTER_ENDPOINT_STATUS_CHANGED;
	ev.entity = rec->entity;
	ev.display_text = u->display_text;
	ev.user = u;
	ev.endpoint = endpoint;
	ev.old_status = old_status;
	ev.new_status = new_status;
	em->h(&ev, em->arg);
}

/* The old record's endpoint @p entity, looked for at *cursor first:
 * merge keeps known endpoints in order, so the next one is usually there,
 * and a scan is needed only after an endpoint was added or removed. */
static const struct roster_ep *old_endpoint(const struct roster_rec *old,
					    const char *entity, size_t *cursor)
{
	size_t i = *cursor;

	if (i >= old->ep_count || strcmp(old->eps[i].entity, entity)) {
		for (i = 0; i < old->ep_count; i++) {
			if (!strcmp(old->eps[i].entity, entity))
				break;
		}
		if (i == old->ep_count)
			return NULL;
	}
	*cursor = i + 1;
	return &old->eps[i];
}

static void emit_endpoints(const struct emitter *em,
			   const struct roster_rec *old,
			   const struct roster_rec *rec,
			   const struct confinfo_user *u)
{
	size_t cursor = 0;

	for (size_t i = 0; i < rec->ep_count; i++) {
		const struct roster_ep *ep = &rec->eps[i];
		const struct roster_ep *was =
		    old ? old_endpoint(old, ep->entity, &cursor) : NULL;
		enum confinfo_endpoint_status before =
		    was ? was->status : CONFINFO_EP_STATUS_UNSET;

		if (before != ep->status)
			emit_endpoint(em, rec, u, ep->entity, before,
				      ep->status);
	}
	/* Endpoints no longer listed: the state's index finds them. */
	for (size_t i = 0; old && i < old->ep_count; i++) {
		const struct roster_ep *ep = &old->eps[i];

		if (ep->status != CONFINFO_EP_STATUS_UNSET &&
		    !confinfo_user_endpoint(u, ep->entity))
			emit_endpoint(em, rec, u, ep->entity, ep->status,
				      CONFINFO_EP_STATUS_UNSET);
	}
}

/* The events of a user listed in the new state (@p u, remembered as
 * @p rec), who was remembered as @p old (NULL: not listed). */
static void emit_user(const struct emitter *em, const struct roster_rec *old,
		      const struct roster_rec *rec,
		      const struct confinfo_user *u)
{
	if (rec->present && !(old && old->present)) {
		emit(em, CONFINFO_ROSTER_JOINED, rec, u);
		if (rec->muted)
			emit(em, CONFINFO_ROSTER_MUTED, rec, u);
	} else if (rec->present) {
		if (!old->muted && rec->muted)
			emit(em, CONFINFO_ROSTER_MUTED, rec, u);
		else if (old->muted && !rec->muted)
			emit(em, CONFINFO_ROSTER_UNMUTED, rec, u);
		if (!confinfo_roster_roles_equal(&old->roles, &rec->roles))
			emit_roles(em, old, rec, u);
	}
	emit_endpoints(em, old, rec, u);
}

/* ------------------------------------------------------------------ */
/* Everything: compare all users, then number them from the new state. */

/* Items for every user of @p ul into the empty @p fresh. */
static int build_all(struct confinfo_list *fresh,
		     const struct confinfo_list *ul)
{
	size_t n = ul ? ul->count : 0;
	int err = confinfo_list_reserve(fresh, n);

	for (size_t i = 0; !err && i < n; i++) {
		struct roster_rec *rec = roster_rec_new(ul->items[i]);
		struct roster_user *u = rec ? user_new(rec, i) : NULL;

		if (!u) {
			roster_rec_free(rec);
			err = ENOMEM;
		} else {
			/* Room reserved, keys unique: cannot fail. */
			err = confinfo_list_append(fresh, u);
			if (err)
				user_free(u);
		}
	}
	if (err)
		users_reset(fresh);
	return err;
}

static int update_all(struct confinfo_roster *r,
		      const struct confinfo_conf *state,
		      const struct emitter *em)
{
	const struct confinfo_list *ul = users_of(state);
	struct confinfo_list fresh;
	int err;

	memset(&fresh, 0, sizeof(fresh));
	err = build_all(&fresh, ul);
	if (err)
		return err;
	for (size_t i = 0; em && i < r->users.count; i++) {
		const struct roster_user *old = r->users.items[i];
		const struct roster_user *now =
		    confinfo_list_find(&fresh, old->entity);

		if (old->rec->present && !(now && now->rec->present))
			emit(em, CONFINFO_ROSTER_LEFT, old->rec,
			     now ? confinfo_list_find(ul, old->entity) : NULL);
	}
	for (size_t i = 0; em && i < fresh.count; i++) {
		const struct roster_user *now = fresh.items[i];
		const struct roster_user *old =
		    confinfo_list_find(&r->users, now->entity);

		emit_user(em, old ? old->rec : NULL, now->rec, ul->items[i]);
	}
	users_reset(&r->users);
	r->users = fresh;
	r->next_seq = fresh.count;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Some: compare the users a partial document touched. */

struct touch {
	struct roster_user *known;     /* the item, NULL: not listed before */
	struct roster_user *added;     /* a new item, for a new user        */
	struct roster_rec *rec;        /* NULL: not listed now              */
	const struct confinfo_user *u; /* in the new state, or NULL         */
	uint64_t seq;                  /* the user's number now             */
};

static int by_old_seq(const void *a, const void *b)
{
	const struct touch *x = *(struct touch *const *)a;
	const struct touch *y = *(struct touch *const *)b;

	return (x->known->seq > y->known->seq) -
	       (x->known->seq < y->known->seq);
}

static int by_new_seq(const void *a, const void *b)
{
	const struct touch *x = *(struct touch *const *)a;
	const struct touch *y = *(struct touch *const *)b;

	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Records (and new items) for the @p n touched users. */
static int build_some(struct confinfo_roster *r, struct touch *t, size_t n,
		      const struct confinfo_roster_changes *c,
		      const struct confinfo_conf *state)
{
	uint64_t next = r->next_seq;
	size_t added = 0;

	for (size_t i = 0; i < n; i++) {
		t[i].known = confinfo_list_find(&r->users, c->entities[i]);
		t[i].u = confinfo_conf_user(state, c->entities[i]);
		if (!t[i].u)
			continue;
		t[i].rec = roster_rec_new(t[i].u);
		if (!t[i].rec)
			return ENOMEM;
		if (t[i].known) {
			t[i].seq = t[i].known->seq;
			continue;
		}
		/* Appended by the merge in document order: so here. */
		t[i].seq = next++;
		t[i].added = user_new(t[i].rec, t[i].seq);
		if (!t[i].added)
			return ENOMEM;
		added++;
	}
	return confinfo_list_reserve(&r->users, added);
}

static void emit_some(const struct emitter *em, struct touch *t, size_t n,
		      struct touch **order)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (t[i].known && t[i].known->rec->present &&
		    !(t[i].rec && t[i].rec->present))
			order[k++] = &t[i];
	}
	qsort(order, k, sizeof(*order), by_old_seq);
	for (size_t i = 0; i < k; i++)
		emit(em, CONFINFO_ROSTER_LEFT, order[i]->known->rec,
		     order[i]->u);
	k = 0;
	for (size_t i = 0; i < n; i++) {
		if (t[i].rec)
			order[k++] = &t[i];
	}
	qsort(order, k, sizeof(*order), by_new_seq);
	for (size_t i = 0; i < k; i++)
		emit_user(em, order[i]->known ? order[i]->known->rec : NULL,
			  order[i]->rec, order[i]->u);
}

/* Puts the touched users' records in, in document order (as the merge
 * appended them). Cannot fail: room was reserved. */
static void commit_some(struct confinfo_roster *r, struct touch *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (t[i].added) {
			void *none = NULL;

			(void)confinfo_list_replace(&r->users, t[i].added,
						    &none);
			r->next_seq = t[i].seq + 1;
		} else if (t[i].known && t[i].rec) {
			user_set(t[i].known, t[i].rec);
		} else if (t[i].known) {
			user_free(confinfo_list_remove(&r->users,
						       t[i].known->entity));
		}
		t[i].added = NULL;
		t[i].rec = NULL;
	}
}

static int update_some(struct confinfo_roster *r,
		       const struct confinfo_conf *state,
		       const struct confinfo_roster_changes *c,
		       const struct emitter *em)
{
	size_t n = c->count;
	struct touch *t = NULL, **order = NULL;
	int err = 0;

	if (!n)
		return 0; /* e.g. only conference-state changed */
	t = ci_calloc(n, sizeof(*t));
	order = ci_calloc(n, sizeof(*order));
	if (!t || !order)
		err = ENOMEM;
	if (!err)
		err = build_some(r, t, n, c, state);
	if (err)
		goto out;
	if (em)
		emit_some(em, t, n, order);
	commit_some(r, t, n);
out:
	for (size_t i = 0; t && i < n; i++) {
		if (t[i].added)
			user_free(t[i].added); /* frees its rec too */
		else
			roster_rec_free(t[i].rec);
	}
	ci_free(order);
	ci_free(t);
	return err;
}

/* ------------------------------------------------------------------ */

int confinfo_roster_update(struct confinfo_roster *r,
			   const struct confinfo_conf *state,
			   const struct confinfo_roster_changes *changes,
			   confinfo_roster_event_h *handler, void *arg)
{
	struct emitter em = {handler, arg};
	const struct emitter *emp = handler ? &em : NULL;
	int err;

	if (!r || !state)
		return EINVAL;
	if (r->stale || confinfo_roster_changes_all(changes))
		err = update_all(r, state, emp);
	else
		err = update_some(r, state, changes, emp);
	r->stale = err != 0;
	if (!err && emp && state->state == CONFINFO_STATE_DELETED) {
		struct confinfo_roster_event ev;

		memset(&ev, 0, sizeof(ev));
		ev.type = CONFINFO_ROSTER_DELETED;
		handler(&ev, arg);
	}
	return err;
}
