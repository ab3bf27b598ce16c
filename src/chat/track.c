/*
 * Following the advertised rooms of one subscription (chat.h, "Following
 * the rooms of one subscription"; RFC 7106 section 2).
 *
 * A notifier decides what it advertises and how often, so the tracker is
 * shaped to give it no lever:
 * - it reports only when the advertised set changes, by URI and order: a
 *   NOTIFY that leaves the rooms alone costs one string comparison per
 *   room and checks none; a change checks each room once;
 * - it builds the whole report before touching its own state, so an
 *   allocation failure leaves the tracker as it was and the next state is
 *   compared with what the caller last saw;
 * - it remembers the rooms acted on in a bounded list that refuses to
 *   grow past CONFINFO_CHAT_TRACKER_HANDLED_MAX rather than forget the
 *   earliest: forgetting would let a flood of new rooms make a room the
 *   user already answered be asked about again.
 * The lists are searched linearly: they are short, and searched once per
 * room of a change.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "chat/chat_int.h"
#include "model/alloc.h"

struct confinfo_chat_tracker {
	struct confinfo_uri *conference; /* NULL when it cannot be parsed  */
	char *unusable; /* why not (printable), when conference is NULL     */
	const struct confinfo_chat_policy *policy; /* borrowed              */
	char **last; /* URIs of the last report, in order                   */
	size_t last_count;
	bool reported;  /* a report was made                                 */
	char **handled; /* rooms acted on, at most HANDLED_MAX               */
	size_t handled_count;
};

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		ci_free(v[i]);
	ci_free(v);
}

static bool strv_has(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(v[i], s))
			return true;
	}
	return false;
}

int confinfo_chat_tracker_alloc(struct confinfo_chat_tracker **tp,
				const char *conference, size_t len,
				const struct confinfo_chat_policy *policy)
{
	struct confinfo_chat_tracker *t = NULL;
	struct confinfo_diag diag;
	char why[CONFINFO_DIAG_MSG_SIZE + 64];
	int err;

	if (!tp || !conference)
		return EINVAL;
	t = ci_calloc(1, sizeof(*t));
	if (!t)
		return ENOMEM;
	t->policy = policy;
	confinfo_diag_reset(&diag);
	err = confinfo_chat_conference_parse(&t->conference, conference, len,
					     &diag);
	if (err && err != ENOMEM) {
		/* Not a failure of ours: the rooms are still shown, each with
		 * the reason it cannot be checked, and never joined. */
		snprintf(why, sizeof(why),
			 "the conference URI cannot be checked: %s",
			 diag.message[0] ? diag.message : strerror(err));
		t->unusable = chat_display(why, strlen(why), false, NULL);
		err = t->unusable ? 0 : ENOMEM;
	}
	if (err)
		goto out;
	*tp = t;
	t = NULL;
out:
	confinfo_chat_tracker_free(t);
	return err;
}

void confinfo_chat_tracker_free(struct confinfo_chat_tracker *t)
{
	if (!t)
		return;
	confinfo_uri_free(t->conference);
	ci_free(t->unusable);
	strv_free(t->last, t->last_count);
	strv_free(t->handled, t->handled_count);
	ci_free(t);
}

void confinfo_chat_report_free(struct confinfo_chat_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->count; i++)
		confinfo_chat_verdict_free(r->rooms[i].verdict);
	ci_free(r->rooms);
	strv_free(r->gone, r->gone_count);
	ci_free(r);
}

static bool same_as_last(const struct confinfo_chat_tracker *t,
			 const struct confinfo_chat_room *rooms, size_t count)
{
	if (count != t->last_count)
		return false;
	for (size_t i = 0; i < count; i++) {
		if (strcmp(rooms[i].entry->uri, t->last[i]))
			return false;
	}
	return true;
}

/* The verdict of a room that cannot be checked: invalid, with the reason,
 * shown like any other. */
static int unchecked(struct confinfo_chat_verdict **vp, const char *why,
		     const char *uri)
{
	struct confinfo_chat_verdict *v = ci_calloc(1, sizeof(*v));

	if (!v)
		return ENOMEM;
	v->port = -1;
	v->join = CONFINFO_CHAT_JOIN_NEVER;
	v->error = ci_strdup(why);
	v->uri_display = chat_display(uri, strlen(uri), false, NULL);
	if (!v->error || !v->uri_display) {
		confinfo_chat_verdict_free(v);
		return ENOMEM;
	}
	*vp = v;
	return 0;
}

/* The report on @p rooms, but for @c gone, which only commit() fills: its
 * array is sized here for every URI of the last report. */
static int build(struct confinfo_chat_report **rp,
		 const struct confinfo_chat_tracker *t,
		 const struct confinfo_conf *state,
		 const struct confinfo_chat_room *rooms, size_t count)
{
	struct confinfo_chat_report *r = ci_calloc(1, sizeof(*r));
	uint32_t users = confinfo_chat_user_count(state);
	int err = ENOMEM;

	if (!r)
		return ENOMEM;
	r->first = !t->reported;
	if (count && !(r->rooms = ci_calloc(count, sizeof(*r->rooms))))
		goto out;
	r->count = count; /* the verdicts not made yet are NULL */
	if (t->last_count &&
	    !(r->gone = ci_calloc(t->last_count, sizeof(*r->gone))))
		goto out;
	err = 0;
	for (size_t i = 0; !err && i < count; i++) {
		struct confinfo_chat_tracked *k = &r->rooms[i];

		k->room = rooms[i];
		k->added =
		    !strv_has(t->last, t->last_count, rooms[i].entry->uri);
		if (t->conference)
			err = confinfo_chat_check_room(&k->verdict,
						       t->conference, &rooms[i],
						       t->policy, users);
		else
			err = unchecked(&k->verdict, t->unusable,
					rooms[i].entry->uri);
	}
	if (err)
		goto out;
	*rp = r;
	r = NULL;
out:
	confinfo_chat_report_free(r);
	return err;
}

/* Cannot fail: the URIs that left move from the last report into @c gone,
 * and @p now (count URIs) becomes the last report. */
static void commit(struct confinfo_chat_tracker *t,
		   struct confinfo_chat_report *r, char **now, size_t count)
{
	for (size_t i = 0; i < t->last_count; i++) {
		if (strv_has(now, count, t->last[i]))
			ci_free(t->last[i]);
		else
			r->gone[r->gone_count++] = t->last[i];
	}
	if (!r->gone_count) {
		ci_free(r->gone);
		r->gone = NULL;
	}
	ci_free(t->last);
	t->last = now;
	t->last_count = count;
	t->reported = true;
}

static int uris_copy(char ***vp, const struct confinfo_chat_room *rooms,
		     size_t count)
{
	char **v = NULL;

	if (count && !(v = ci_calloc(count, sizeof(*v))))
		return ENOMEM;
	for (size_t i = 0; i < count; i++) {
		v[i] = ci_strdup(rooms[i].entry->uri);
		if (!v[i]) {
			strv_free(v, i);
			return ENOMEM;
		}
	}
	*vp = v;
	return 0;
}

int confinfo_chat_tracker_update(struct confinfo_chat_tracker *t,
				 const struct confinfo_conf *state,
				 struct confinfo_chat_report **reportp)
{
	struct confinfo_chat_room *rooms = NULL;
	struct confinfo_chat_report *r = NULL;
	char **now = NULL;
	size_t count = 0;
	int err;

	if (!t || !state || !reportp)
		return EINVAL;
	err = confinfo_chat_rooms(state, &rooms, &count, NULL);
	if (err)
		return err;
	for (size_t i = 0; i < count; i++) {
		if (!rooms[i].entry->uri) {
			err = EINVAL; /* a model no decoder makes */
			goto out;
		}
	}
	if (same_as_last(t, rooms, count))
		goto out; /* r stays NULL: nothing to report */
	err = uris_copy(&now, rooms, count);
	if (!err)
		err = build(&r, t, state, rooms, count);
	if (err)
		goto out;
	commit(t, r, now, count);
	now = NULL;
out:
	if (!err)
		*reportp = r;
	else
		confinfo_chat_report_free(r);
	strv_free(now, count);
	ci_free(rooms);
	return err;
}

bool confinfo_chat_tracker_handled(const struct confinfo_chat_tracker *t,
				   const char *uri)
{
	return t && uri && strv_has(t->handled, t->handled_count, uri);
}

int confinfo_chat_tracker_mark(struct confinfo_chat_tracker *t, const char *uri)
{
	char **nv, *copy;

	if (!t || !uri)
		return EINVAL;
	if (strv_has(t->handled, t->handled_count, uri))
		return 0;
	if (t->handled_count >= CONFINFO_CHAT_TRACKER_HANDLED_MAX)
		return ENOSPC;
	copy = ci_strdup(uri);
	if (!copy)
		return ENOMEM;
	nv = ci_realloc(t->handled, (t->handled_count + 1) * sizeof(*nv));
	if (!nv) {
		ci_free(copy);
		return ENOMEM;
	}
	t->handled = nv;
	nv[t->handled_count++] = copy;
	return 0;
}
