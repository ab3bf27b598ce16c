/*
 * confinfo_merge_ex(): the limits on the merged state. Every limit at its
 * boundary (exactly the limit applies, one more is INVALID with E2BIG and
 * leaves the state as it was), reached through partial documents, full
 * replacements and new rows; rows deleted in the same document make room;
 * a stream of one-user partials stops at the limit; the defaults.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confinfo/merge.h"
#include "mergetest.h"

#define ENTITY MT_ENTITY
#define LIMIT  3u

/* ---------------------------------------------------------------------- *
 * Documents with N rows of one list.
 * ---------------------------------------------------------------------- */

/* The lists a limit applies to, each at one place of the document. */
enum kind {
	K_USERS,         /* users of the root                          */
	K_ENDPOINTS,     /* endpoints of bob                           */
	K_MEDIA,         /* media of bob's laptop                      */
	K_AORS,          /* associated-aors of bob                     */
	K_REFS,          /* sidebars-by-ref of the root                */
	K_SIDEBARS,      /* sidebars-by-val entries of the root        */
	K_SIDEBAR_USERS, /* users of the sidebars-by-val entry grid=0  */
	K_CONF_URIS,     /* conf-uris of the (atomic) description      */
	K_COUNT
};

#define BOB     "<user entity=\"sip:bob@example.com\""
#define LAPTOP  "<endpoint entity=\"sip:bob@pc.example.com\""
#define GRID0   "<entry entity=\"" ENTITY ";grid=0\""
#define PARTIAL " state=\"partial\">"

static const struct kind_info {
	const char *name;
	/* Around the rows in a full document and in a partial one. */
	const char *full_head, *part_head, *tail;
	bool deletable; /* rows have a state: a partial can delete them */
	bool atomic;    /* a partial document replaces the list whole */
	size_t limit_offset;
	const char *msg; /* the message: count, limit */
} kinds[K_COUNT] = {
    [K_USERS] = {"users", "<users>", "<users" PARTIAL, "</users>", true, false,
		 offsetof(struct confinfo_merge_limits, max_users),
		 "<users> of conference '" ENTITY "' would hold %u users "
		 "(limit %u)"},
    [K_ENDPOINTS] = {"endpoints", "<users>" BOB ">",
		     "<users" PARTIAL BOB PARTIAL, "</user></users>", true,
		     false,
		     offsetof(struct confinfo_merge_limits,
			      max_endpoints_per_user),
		     "user 'sip:bob@example.com' would hold %u endpoints "
		     "(limit %u)"},
    [K_MEDIA] = {"media", "<users>" BOB ">" LAPTOP ">",
		 "<users" PARTIAL BOB PARTIAL LAPTOP PARTIAL,
		 "</endpoint></user></users>", false, false,
		 offsetof(struct confinfo_merge_limits, max_media_per_endpoint),
		 "endpoint 'sip:bob@pc.example.com' would hold %u media "
		 "(limit %u)"},
    [K_AORS] = {"associated-aors", "<users>" BOB "><associated-aors>",
		"<users" PARTIAL BOB PARTIAL "<associated-aors" PARTIAL,
		"</associated-aors></user></users>", false, false,
		offsetof(struct confinfo_merge_limits, max_entries_per_list),
		"<associated-aors> of user 'sip:bob@example.com' would hold %u "
		"entries (limit %u)"},
    [K_REFS] = {"sidebars-by-ref", "<sidebars-by-ref>",
		"<sidebars-by-ref" PARTIAL, "</sidebars-by-ref>", false, false,
		offsetof(struct confinfo_merge_limits, max_entries_per_list),
		"<sidebars-by-ref> of conference '" ENTITY "' would hold %u "
		"entries (limit %u)"},
    [K_SIDEBARS] = {"sidebars-by-val", "<sidebars-by-val>",
		    "<sidebars-by-val" PARTIAL, "</sidebars-by-val>", true,
		    false, offsetof(struct confinfo_merge_limits, max_sidebars),
		    "<sidebars-by-val> of conference '" ENTITY "' would hold "
		    "%u entries (limit %u)"},
    [K_SIDEBAR_USERS] = {"sidebar users", "<sidebars-by-val>" GRID0 "><users>",
			 "<sidebars-by-val" PARTIAL GRID0 PARTIAL
			 "<users" PARTIAL,
			 "</users></entry></sidebars-by-val>", true, false,
			 offsetof(struct confinfo_merge_limits, max_users),
			 "<users> of conference '" ENTITY ";grid=0' would "
			 "hold %u users (limit %u)"},
    [K_CONF_URIS] = {"conf-uris", "<conference-description><conf-uris>",
		     "<conference-description><conf-uris>",
		     "</conf-uris></conference-description>", false, true,
		     offsetof(struct confinfo_merge_limits,
			      max_entries_per_list),
		     "<conf-uris> of conference '" ENTITY "' would hold %u "
		     "entries (limit %u)"},
};

/* A growing document text. */
struct text {
	char buf[128 * 1024];
	size_t len;
};

static void add(struct text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, sizeof(t->buf) - t->len, fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < sizeof(t->buf) - t->len);
	t->len += (size_t)n;
}

/* Row @p i of a list of kind @p k; rows with a state are full or
 * deleted. */
static void add_row(struct text *t, enum kind k, unsigned i, bool deleted)
{
	const char *st = deleted ? "deleted" : "full";

	switch (k) {
	case K_USERS:
	case K_SIDEBAR_USERS:
		add(t, "<user entity=\"sip:u%u@example.com\" state=\"%s\"/>", i,
		    st);
		break;
	case K_ENDPOINTS:
		add(t,
		    "<endpoint entity=\"sip:bob@dev%u.example.com\" "
		    "state=\"%s\"/>",
		    i, st);
		break;
	case K_MEDIA:
		add(t, "<media id=\"%u\"><type>audio</type></media>", i);
		break;
	case K_AORS:
		add(t, "<entry><uri>mailto:a%u@example.com</uri></entry>", i);
		break;
	case K_REFS:
		add(t, "<entry><uri>" ENTITY ";grid=%u</uri></entry>", i);
		break;
	case K_SIDEBARS:
		add(t, "<entry entity=\"" ENTITY ";grid=%u\" state=\"%s\"/>", i,
		    st);
		break;
	case K_CONF_URIS:
		add(t, "<entry><uri>sip:c%u@example.com</uri></entry>", i);
		break;
	case K_COUNT:
		fail();
	}
}

/*
 * A document of version @p version (full or partial) whose list of kind
 * @p k carries rows [add_from, add_from + add_n) and, deleted, rows
 * [del_from, del_from + del_n). Returned in a static buffer.
 */
static const char *doc(enum kind k, bool full, unsigned version,
		       unsigned add_from, unsigned add_n, unsigned del_from,
		       unsigned del_n)
{
	static struct text t;
	const struct kind_info *ki = &kinds[k];

	t.len = 0;
	add(&t,
	    "<conference-info xmlns=\"urn:ietf:params:xml:ns:conference-info\" "
	    "entity=\"" ENTITY "\" state=\"%s\" version=\"%u\">%s",
	    full ? "full" : "partial", version,
	    full ? ki->full_head : ki->part_head);
	for (unsigned i = 0; i < del_n; i++)
		add_row(&t, k, del_from + i, true);
	for (unsigned i = 0; i < add_n; i++)
		add_row(&t, k, add_from + i, false);
	add(&t, "%s</conference-info>", ki->tail);
	return t.buf;
}

/* The length of the list of kind @p k in @p c (0 when it is absent). */
static size_t count(const struct confinfo_conf *c, enum kind k)
{
	const struct confinfo_user *bob =
	    confinfo_conf_user(c, "sip:bob@example.com");
	const struct confinfo_conf *grid0 = NULL;
	const struct confinfo_endpoint *laptop = NULL;

	if (bob)
		laptop = confinfo_user_endpoint(bob, "sip:bob@pc.example.com");
	if (c->sidebars_by_val)
		grid0 = confinfo_list_find(&c->sidebars_by_val->entries,
					   ENTITY ";grid=0");
	switch (k) {
	case K_USERS:
		return c->users ? c->users->users.count : 0;
	case K_ENDPOINTS:
		return bob ? bob->endpoints.count : 0;
	case K_MEDIA:
		return laptop ? laptop->media.count : 0;
	case K_AORS:
		return bob && bob->associated_aors
			   ? bob->associated_aors->entries.count
			   : 0;
	case K_REFS:
		return c->sidebars_by_ref ? c->sidebars_by_ref->entries.count
					  : 0;
	case K_SIDEBARS:
		return c->sidebars_by_val ? c->sidebars_by_val->entries.count
					  : 0;
	case K_SIDEBAR_USERS:
		return grid0 && grid0->users ? grid0->users->users.count : 0;
	case K_CONF_URIS:
		return c->description && c->description->conf_uris
			   ? c->description->conf_uris->entries.count
			   : 0;
	case K_COUNT:
		break;
	}
	fail();
	return 0;
}

/* Limits with @p k's limit at @p n and the others at their defaults. */
static struct confinfo_merge_limits limits_for(enum kind k, size_t n)
{
	struct confinfo_merge_limits lim = {0};

	*(size_t *)((char *)&lim + kinds[k].limit_offset) = n;
	return lim;
}

/* ---------------------------------------------------------------------- *
 * Merging with the outcome checked.
 * ---------------------------------------------------------------------- */

/*
 * Merge @p doc (consumed) into @p *statep within @p lim (NULL: through
 * confinfo_merge()) and fail unless the outcome is @p want. Not applied:
 * the state is the same pointer, equal to a clone taken before, and
 * diag.err is @p want_err. Returns the message (valid until the next
 * call).
 */
/* diag.limit of the last merge_doc(). */
static const char *last_limit;

static const char *merge_doc(struct confinfo_conf **statep,
			     struct confinfo_conf *doc,
			     const struct confinfo_merge_limits *lim,
			     enum confinfo_merge_result want, int want_err)
{
	static struct confinfo_diag diag;
	struct confinfo_conf *before = NULL, *ptr = *statep;
	enum confinfo_merge_result r = (enum confinfo_merge_result) - 1;

	memset(&diag, 0, sizeof(diag));
	if (*statep)
		assert_int_equal(confinfo_conf_clone(&before, *statep), 0);
	if (lim)
		assert_int_equal(confinfo_merge_ex(statep, doc, lim, &r, &diag),
				 0);
	else
		assert_int_equal(confinfo_merge(statep, doc, &r, &diag), 0);
	if (r != want)
		fail_msg("merge: got %s (%s), want %s",
			 confinfo_merge_result_str(r), diag.message,
			 confinfo_merge_result_str(want));
	/* A limit is named exactly when one refused the document. */
	last_limit = diag.limit;
	if (want_err == E2BIG)
		assert_non_null(diag.limit);
	else
		assert_null(diag.limit);
	if (want == CONFINFO_MERGE_APPLIED) {
		assert_int_equal(diag.err, 0);
		mt_assert_normalised(*statep);
	} else {
		assert_int_equal(diag.err, want_err);
		assert_ptr_equal(*statep, ptr);
		if (before)
			assert_true(confinfo_conf_equal(*statep, before));
	}
	confinfo_conf_free(before);
	return diag.message;
}

static const char *merge_xml(struct confinfo_conf **statep, const char *xml,
			     const struct confinfo_merge_limits *lim,
			     enum confinfo_merge_result want, int want_err)
{
	return merge_doc(statep, tu_decode_str(xml), lim, want, want_err);
}

/* Fail unless @p msg is kind @p k's message for @p n rows. */
/* The name diag.limit gives the limit at @p off in the limits struct. */
static const char *limit_name(size_t off)
{
#define NAME(f)                                                                \
	if (off == offsetof(struct confinfo_merge_limits, f))                  \
		return #f;
	NAME(max_users)
	NAME(max_endpoints_per_user)
	NAME(max_media_per_endpoint)
	NAME(max_entries_per_list)
	NAME(max_sidebars)
#undef NAME
	return NULL;
}

/* The last merge was refused by kind @p k's limit, @p n rows for LIMIT. */
static void assert_msg(const char *msg, enum kind k, unsigned n)
{
	char want[256];

	snprintf(want, sizeof(want), kinds[k].msg, n, LIMIT);
	if (strcmp(msg, want) != 0)
		fail_msg("%s: message '%s', want '%s'", kinds[k].name, msg,
			 want);
	assert_non_null(last_limit);
	assert_string_equal(last_limit, limit_name(kinds[k].limit_offset));
}

/* ---------------------------------------------------------------------- *
 * Each limit at its boundary.
 * ---------------------------------------------------------------------- */

/* Full documents: their own counts, into no state or replacing one. */
static void test_full_documents(void **st)
{
	(void)st;
	for (enum kind k = 0; k < K_COUNT; k++) {
		struct confinfo_merge_limits lim = limits_for(k, LIMIT);
		struct confinfo_conf *state = NULL;
		const char *msg;

		/* One over the limit into no state: no state. */
		msg = merge_xml(&state, doc(k, true, 1, 0, LIMIT + 1, 0, 0),
				&lim, CONFINFO_MERGE_INVALID, E2BIG);
		assert_null(state);
		assert_msg(msg, k, LIMIT + 1);
		/* Exactly the limit. */
		merge_xml(&state, doc(k, true, 1, 0, LIMIT, 0, 0), &lim,
			  CONFINFO_MERGE_APPLIED, 0);
		assert_int_equal(count(state, k), LIMIT);
		/* A full replacement one over: the state stays. */
		msg = merge_xml(&state, doc(k, true, 2, 10, LIMIT + 1, 0, 0),
				&lim, CONFINFO_MERGE_INVALID, E2BIG);
		assert_msg(msg, k, LIMIT + 1);
		/* The same with a limit one higher applies. */
		lim = limits_for(k, LIMIT + 1);
		merge_xml(&state, doc(k, true, 2, 10, LIMIT + 1, 0, 0), &lim,
			  CONFINFO_MERGE_APPLIED, 0);
		assert_int_equal(count(state, k), LIMIT + 1);
		confinfo_conf_free(state);
	}
}

/* Partial documents adding rows to a list: the local count plus the new
 * rows. An atomic list is replaced whole: the document's count. */
static void test_partial_documents(void **st)
{
	(void)st;
	for (enum kind k = 0; k < K_COUNT; k++) {
		struct confinfo_merge_limits lim = limits_for(k, LIMIT);
		struct confinfo_conf *state = NULL;
		const char *msg;

		merge_xml(&state, doc(k, true, 1, 0, LIMIT - 1, 0, 0), &lim,
			  CONFINFO_MERGE_APPLIED, 0);
		if (kinds[k].atomic) {
			merge_xml(&state, doc(k, false, 2, 10, LIMIT, 0, 0),
				  &lim, CONFINFO_MERGE_APPLIED, 0);
			msg = merge_xml(&state,
					doc(k, false, 3, 20, LIMIT + 1, 0, 0),
					&lim, CONFINFO_MERGE_INVALID, E2BIG);
			assert_msg(msg, k, LIMIT + 1);
			assert_int_equal(count(state, k), LIMIT);
			confinfo_conf_free(state);
			continue;
		}
		/* Row LIMIT - 1 is new: the list reaches the limit. */
		merge_xml(&state, doc(k, false, 2, LIMIT - 1, 1, 0, 0), &lim,
			  CONFINFO_MERGE_APPLIED, 0);
		assert_int_equal(count(state, k), LIMIT);
		/* Rows the state has are replaced, not added: still fits. */
		merge_xml(&state, doc(k, false, 3, 0, LIMIT, 0, 0), &lim,
			  CONFINFO_MERGE_APPLIED, 0);
		assert_int_equal(count(state, k), LIMIT);
		/* One new row among known ones is one too many. */
		msg = merge_xml(&state, doc(k, false, 4, 1, LIMIT, 0, 0), &lim,
				CONFINFO_MERGE_INVALID, E2BIG);
		assert_msg(msg, k, LIMIT + 1);
		/* The version did not move: the next document is still 4. */
		assert_int_equal(state->version.value, 3);
		merge_xml(&state, doc(k, false, 4, 0, 1, 0, 0), &lim,
			  CONFINFO_MERGE_APPLIED, 0);
		confinfo_conf_free(state);
	}
}

/* Rows deleted by the same document make room; deleting what the state
 * does not have does not. */
static void test_deleted_rows_make_room(void **st)
{
	(void)st;
	for (enum kind k = 0; k < K_COUNT; k++) {
		struct confinfo_merge_limits lim = limits_for(k, LIMIT);
		struct confinfo_conf *state = NULL;
		const char *msg;

		if (!kinds[k].deletable)
			continue;
		merge_xml(&state, doc(k, true, 1, 0, LIMIT, 0, 0), &lim,
			  CONFINFO_MERGE_APPLIED, 0);
		/* Delete rows 0 and 1, add LIMIT and LIMIT + 1. */
		merge_xml(&state, doc(k, false, 2, LIMIT, 2, 0, 2), &lim,
			  CONFINFO_MERGE_APPLIED, 0);
		assert_int_equal(count(state, k), LIMIT);
		/* Delete one (row 2), add two: one too many. */
		msg = merge_xml(&state, doc(k, false, 3, 10, 2, 2, 1), &lim,
				CONFINFO_MERGE_INVALID, E2BIG);
		assert_msg(msg, k, LIMIT + 1);
		/* Deleting an unknown row (50) frees nothing. */
		msg = merge_xml(&state, doc(k, false, 3, 10, 1, 50, 1), &lim,
				CONFINFO_MERGE_INVALID, E2BIG);
		assert_msg(msg, k, LIMIT + 1);
		/* Delete one, add one. */
		merge_xml(&state, doc(k, false, 3, 10, 1, 2, 1), &lim,
			  CONFINFO_MERGE_APPLIED, 0);
		assert_int_equal(count(state, k), LIMIT);
		confinfo_conf_free(state);
	}
}

/* A full uris list in a partial document replaces the local one: its own
 * count, whatever the local count was. */
static void test_full_list_in_partial(void **st)
{
	struct confinfo_merge_limits lim = limits_for(K_AORS, LIMIT);
	struct confinfo_conf *state = NULL;
	const char *msg;

	(void)st;
	merge_xml(&state, doc(K_AORS, true, 1, 0, LIMIT, 0, 0), &lim,
		  CONFINFO_MERGE_APPLIED, 0);
	merge_xml(&state,
		  MT_ROOT("partial", 2,
			  "<users state=\"partial\">" BOB PARTIAL
			  "<associated-aors state=\"full\">"
			  "<entry><uri>mailto:x1@example.com</uri></entry>"
			  "<entry><uri>mailto:x2@example.com</uri></entry>"
			  "<entry><uri>mailto:x3@example.com</uri></entry>"
			  "</associated-aors></user></users>"),
		  &lim, CONFINFO_MERGE_APPLIED, 0);
	assert_int_equal(count(state, K_AORS), LIMIT);
	msg =
	    merge_xml(&state,
		      MT_ROOT("partial", 3,
			      "<users state=\"partial\">" BOB PARTIAL
			      "<associated-aors state=\"full\">"
			      "<entry><uri>mailto:x1@example.com</uri></entry>"
			      "<entry><uri>mailto:x2@example.com</uri></entry>"
			      "<entry><uri>mailto:x3@example.com</uri></entry>"
			      "<entry><uri>mailto:x4@example.com</uri></entry>"
			      "</associated-aors></user></users>"),
		      &lim, CONFINFO_MERGE_INVALID, E2BIG);
	assert_msg(msg, K_AORS, LIMIT + 1);
	confinfo_conf_free(state);
}

/* New rows inserted as they are carry their own lists: a new user's
 * endpoints (its deleted ones dropped first), a replaced endpoint's
 * media. */
static void test_new_rows(void **st)
{
	struct confinfo_merge_limits lim = {
	    .max_endpoints_per_user = LIMIT,
	    .max_media_per_endpoint = LIMIT,
	};
	struct confinfo_conf *state = NULL;
	const char *msg;

#define CAROL(state, eps)                                                      \
	MT_ROOT("partial", 2,                                                  \
		"<users state=\"partial\">"                                    \
		"<user entity=\"sip:carol@example.com\" state=\"" state        \
		"\">" eps "</user></users>")
#define EP(n, state)                                                           \
	"<endpoint entity=\"sip:carol@d" #n ".example.com\" state=\"" state    \
	"\"/>"
	(void)st;
	merge_xml(&state, doc(K_USERS, true, 1, 0, 1, 0, 0), &lim,
		  CONFINFO_MERGE_APPLIED, 0);
	msg = merge_xml(&state,
			CAROL("full", EP(1, "full") EP(2, "full") EP(3, "full")
					  EP(4, "full")),
			&lim, CONFINFO_MERGE_INVALID, E2BIG);
	assert_string_equal(msg, "user 'sip:carol@example.com' would hold 4 "
				 "endpoints (limit 3)");
	msg = merge_xml(&state,
			CAROL("partial", EP(1, "full") EP(2, "partial")
					     EP(3, "full") EP(4, "full")),
			&lim, CONFINFO_MERGE_INVALID, E2BIG);
	assert_string_equal(msg, "user 'sip:carol@example.com' would hold 4 "
				 "endpoints (limit 3)");
	/* A new partial user's deleted endpoints delete nothing: dropped,
	 * not counted. */
	merge_xml(&state,
		  CAROL("partial", EP(1, "deleted") EP(2, "full") EP(3, "full")
				       EP(4, "full") EP(5, "deleted")),
		  &lim, CONFINFO_MERGE_APPLIED, 0);
	assert_int_equal(
	    confinfo_conf_user(state, "sip:carol@example.com")->endpoints.count,
	    3);
#undef CAROL
#undef EP

	/* A full endpoint replacing a known one: its own media. */
	msg = merge_xml(
	    &state,
	    MT_ROOT("partial", 3,
		    "<users state=\"partial\">"
		    "<user entity=\"sip:carol@example.com\" state=\"partial\">"
		    "<endpoint entity=\"sip:carol@d2.example.com\" "
		    "state=\"full\"><media id=\"1\"/><media id=\"2\"/>"
		    "<media id=\"3\"/><media id=\"4\"/></endpoint>"
		    "</user></users>"),
	    &lim, CONFINFO_MERGE_INVALID, E2BIG);
	assert_string_equal(msg, "endpoint 'sip:carol@d2.example.com' would "
				 "hold 4 media (limit 3)");
	confinfo_conf_free(state);
}

/* A list the document carries no rows of is not looked at, even when it
 * is over the limit (a state built with other limits); one it carries
 * rows of is checked on what it would hold. */
static void test_untouched_lists(void **st)
{
	struct confinfo_merge_limits big = limits_for(K_USERS, 5);
	struct confinfo_merge_limits lim = limits_for(K_USERS, LIMIT);
	struct confinfo_conf *state = NULL;
	const char *msg;

	(void)st;
	merge_xml(&state, doc(K_USERS, true, 1, 0, 5, 0, 0), &big,
		  CONFINFO_MERGE_APPLIED, 0);
	merge_xml(&state,
		  MT_ROOT("partial", 2,
			  "<conference-state><active>true</active>"
			  "</conference-state><users state=\"partial\"/>"),
		  &lim, CONFINFO_MERGE_APPLIED, 0);
	assert_int_equal(count(state, K_USERS), 5);
	msg =
	    merge_xml(&state,
		      MT_ROOT("partial", 3,
			      "<users state=\"partial\">"
			      "<user entity=\"sip:u0@example.com\" "
			      "state=\"partial\"><display-text>U</display-text>"
			      "</user></users>"),
		      &lim, CONFINFO_MERGE_INVALID, E2BIG);
	assert_string_equal(msg, "<users> of conference '" ENTITY
				 "' would hold 5 users (limit 3)");
	/* Deleting two brings it back within the limit. */
	merge_xml(&state, doc(K_USERS, false, 3, 0, 0, 0, 2), &lim,
		  CONFINFO_MERGE_APPLIED, 0);
	assert_int_equal(count(state, K_USERS), LIMIT);
	confinfo_conf_free(state);
}

/* ---------------------------------------------------------------------- *
 * A notifier adding one user per NOTIFY.
 * ---------------------------------------------------------------------- */

static void test_stream_stops_at_limit(void **st)
{
	struct confinfo_merge_limits lim = {.max_users = 5};
	struct confinfo_conf *state = NULL;
	unsigned version = 1;
	const char *msg;

	(void)st;
	merge_xml(&state, MT_ROOT("full", 1, ""), &lim, CONFINFO_MERGE_APPLIED,
		  0);
	for (unsigned i = 0; i < 5; i++) {
		version++;
		merge_xml(&state, doc(K_USERS, false, version, i, 1, 0, 0),
			  &lim, CONFINFO_MERGE_APPLIED, 0);
		assert_int_equal(count(state, K_USERS), i + 1);
	}
	/* The sixth, and every later try of it, is refused. */
	for (unsigned try = 0; try < 3; try++) {
		msg = merge_xml(&state,
				doc(K_USERS, false, version + 1, 5, 1, 0, 0),
				&lim, CONFINFO_MERGE_INVALID, E2BIG);
		assert_string_equal(msg, "<users> of conference '" ENTITY
					 "' would hold 6 users (limit 5)");
	}
	/* A later version does not get around it either (it is a gap). */
	merge_xml(&state, doc(K_USERS, false, version + 2, 5, 1, 0, 0), &lim,
		  CONFINFO_MERGE_GAP, EAGAIN);
	/* One leaves, the sixth joins. */
	merge_xml(&state, doc(K_USERS, false, version + 1, 5, 1, 0, 1), &lim,
		  CONFINFO_MERGE_APPLIED, 0);
	assert_int_equal(count(state, K_USERS), 5);
	assert_non_null(confinfo_conf_user(state, "sip:u5@example.com"));
	assert_null(confinfo_conf_user(state, "sip:u0@example.com"));
	confinfo_conf_free(state);
}

/* ---------------------------------------------------------------------- *
 * The defaults.
 * ---------------------------------------------------------------------- */

/* A full state of @p n users, built without the decoder (whose default
 * limit is also 10000 users per document). */
static struct confinfo_conf *state_of(size_t n)
{
	struct confinfo_conf *c = confinfo_conf_new();
	char key[64];

	assert_non_null(c);
	assert_int_equal(confinfo_str_set(&c->entity, ENTITY), 0);
	c->state = CONFINFO_STATE_FULL;
	c->version.set = true;
	c->version.value = 1;
	c->users = confinfo_users_new();
	assert_non_null(c->users);
	c->users->state = CONFINFO_STATE_FULL;
	for (size_t i = 0; i < n; i++) {
		struct confinfo_user *u = confinfo_user_new();

		assert_non_null(u);
		snprintf(key, sizeof(key), "sip:u%zu@example.com", i);
		assert_int_equal(confinfo_str_set(&u->entity, key), 0);
		u->state = CONFINFO_STATE_FULL;
		assert_int_equal(confinfo_list_append(&c->users->users, u), 0);
	}
	return c;
}

static void test_defaults(void **st)
{
	struct confinfo_merge_limits lim, zero = {0},
					  more = {.max_users = 10001};
	struct confinfo_conf *state;
	const char *msg;

	(void)st;
	confinfo_merge_limits_default(&lim);
	assert_int_equal(lim.max_users, 10000);
	assert_int_equal(lim.max_endpoints_per_user, 64);
	assert_int_equal(lim.max_media_per_endpoint, 32);
	assert_int_equal(lim.max_entries_per_list, 1000);
	assert_int_equal(lim.max_sidebars, 100);
	confinfo_merge_limits_default(NULL);

	state = state_of(10000);
	/* confinfo_merge(), zeroed limits and the defaults agree. */
	msg = merge_xml(&state, doc(K_USERS, false, 2, 10000, 1, 0, 0), NULL,
			CONFINFO_MERGE_INVALID, E2BIG);
	assert_string_equal(msg, "<users> of conference '" ENTITY
				 "' would hold 10001 users (limit 10000)");
	merge_xml(&state, doc(K_USERS, false, 2, 10000, 1, 0, 0), &zero,
		  CONFINFO_MERGE_INVALID, E2BIG);
	merge_xml(&state, doc(K_USERS, false, 2, 10000, 1, 0, 0), &lim,
		  CONFINFO_MERGE_INVALID, E2BIG);
	/* One leaves, one joins: at the limit. */
	merge_xml(&state, doc(K_USERS, false, 2, 10000, 1, 0, 1), NULL,
		  CONFINFO_MERGE_APPLIED, 0);
	assert_int_equal(count(state, K_USERS), 10000);
	/* A raised limit admits the next one. */
	merge_xml(&state, doc(K_USERS, false, 3, 10001, 1, 0, 0), &more,
		  CONFINFO_MERGE_APPLIED, 0);
	assert_int_equal(count(state, K_USERS), 10001);
	confinfo_conf_free(state);

	/* The per-row defaults, one over each through confinfo_merge(). */
	state = NULL;
	merge_xml(&state, doc(K_ENDPOINTS, true, 1, 0, 64, 0, 0), NULL,
		  CONFINFO_MERGE_APPLIED, 0);
	msg = merge_xml(&state, doc(K_ENDPOINTS, false, 2, 64, 1, 0, 0), NULL,
			CONFINFO_MERGE_INVALID, E2BIG);
	assert_string_equal(msg, "user 'sip:bob@example.com' would hold 65 "
				 "endpoints (limit 64)");
	confinfo_conf_free(state);
	state = NULL;
	merge_xml(&state, doc(K_MEDIA, true, 1, 0, 32, 0, 0), NULL,
		  CONFINFO_MERGE_APPLIED, 0);
	merge_xml(&state, doc(K_MEDIA, false, 2, 32, 1, 0, 0), NULL,
		  CONFINFO_MERGE_INVALID, E2BIG);
	confinfo_conf_free(state);
	state = NULL;
	merge_xml(&state, doc(K_REFS, true, 1, 0, 1000, 0, 0), NULL,
		  CONFINFO_MERGE_APPLIED, 0);
	merge_xml(&state, doc(K_REFS, false, 2, 1000, 1, 0, 0), NULL,
		  CONFINFO_MERGE_INVALID, E2BIG);
	confinfo_conf_free(state);
	state = NULL;
	merge_xml(&state, doc(K_SIDEBARS, true, 1, 0, 100, 0, 0), NULL,
		  CONFINFO_MERGE_APPLIED, 0);
	merge_xml(&state, doc(K_SIDEBARS, false, 2, 100, 1, 0, 0), NULL,
		  CONFINFO_MERGE_INVALID, E2BIG);
	confinfo_conf_free(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_full_documents),
	    cmocka_unit_test(test_partial_documents),
	    cmocka_unit_test(test_deleted_rows_make_room),
	    cmocka_unit_test(test_full_list_in_partial),
	    cmocka_unit_test(test_new_rows),
	    cmocka_unit_test(test_untouched_lists),
	    cmocka_unit_test(test_stream_stops_at_limit),
	    cmocka_unit_test(test_defaults),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
