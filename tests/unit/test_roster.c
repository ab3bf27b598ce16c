/*
 * The roster (roster.h): the predicates, what a document touches, and the
 * change events.
 *
 * Every update of a roster here is checked against a reference: the code
 * `confinfo watch` used before the roster existed (tools/watch_out.c),
 * which compared two whole states, user by user. Its predicates and its
 * change loop are copied below as they were, with the endpoint events
 * added, and the roster, which looks only at the users a document
 * touched, must report exactly what the reference reports, in the same
 * order, for every step of every test and for thousands of random chains
 * of documents (gen.c, diff.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confinfo/diff.h"
#include "confinfo/merge.h"
#include "confinfo/roster.h"
#include "gen.h"
#include "mergetest.h"
#include "model/alloc.h"
#include "testutil.h"

/* ---------------------------------------------------------------------- *
 * Documents.
 * ---------------------------------------------------------------------- */

#define FULL(version, users)                                                   \
	MT_ROOT("full", version, "<users>" users "</users>")
#define PARTIAL(version, users)                                                \
	MT_ROOT("partial", version,                                            \
		"<users state=\"partial\">" users "</users>")
#define USER(name, st, body)                                                   \
	"<user entity=\"sip:" name "\" state=\"" st "\">" body "</user>"
#define DT(text)       "<display-text>" text "</display-text>"
#define ROLES(entries) "<roles>" entries "</roles>"
#define ROLE(r)        "<entry>" r "</entry>"
#define EP(name, st, status)                                                   \
	"<endpoint entity=\"sip:" name "\" state=\"" st "\"><status>" status   \
	"</status></endpoint>"
#define EPM(name, st, status, media)                                           \
	"<endpoint entity=\"sip:" name "\" state=\"" st "\"><status>" status   \
	"</status>" media "</endpoint>"
#define MEDIA(id, type, status)                                                \
	"<media id=\"" id "\"><type>" type "</type><status>" status            \
	"</status></media>"

/* ---------------------------------------------------------------------- *
 * Event logs: "joined sip:a; muted sip:a; ...".
 * ---------------------------------------------------------------------- */

struct log {
	char text[1 << 16];
	size_t len;
	unsigned kinds[CONFINFO_ROSTER_DELETED + 1];
	/* The last LEFT: its display-text and whether it had a user. */
	char left_display[64];
	bool left_has_user;
};

static void log_reset(struct log *lg)
{
	memset(lg, 0, sizeof(*lg));
}

static void log_add(struct log *lg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void log_add(struct log *lg, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (lg->len) {
		assert_true(lg->len + 2 < sizeof(lg->text));
		memcpy(lg->text + lg->len, "; ", 3);
		lg->len += 2;
	}
	va_start(ap, fmt);
	n = vsnprintf(lg->text + lg->len, sizeof(lg->text) - lg->len, fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < sizeof(lg->text) - lg->len);
	lg->len += (size_t)n;
}

static void roles_str(char *buf, size_t size, const struct confinfo_roles *r)
{
	size_t len = 0;

	buf[0] = '\0';
	if (!r || !r->count) {
		snprintf(buf, size, "-");
		return;
	}
	for (size_t i = 0; i < r->count; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
					i ? "," : "", r->entries[i]);
}

static const char *status_str(enum confinfo_endpoint_status s)
{
	const char *str = confinfo_endpoint_status_str(s);

	return str ? str : "-";
}

static void log_roles(struct log *lg, const char *entity,
		      const struct confinfo_roles *old_roles,
		      const struct confinfo_roles *new_roles)
{
	char a[256], b[256];

	roles_str(a, sizeof(a), old_roles);
	roles_str(b, sizeof(b), new_roles);
	log_add(lg, "roles %s %s>%s", entity, a, b);
}

static void log_endpoint(struct log *lg, const char *entity,
			 const char *endpoint,
			 enum confinfo_endpoint_status before,
			 enum confinfo_endpoint_status after)
{
	log_add(lg, "ep %s %s %s>%s", entity, endpoint, status_str(before),
		status_str(after));
}

/* A confinfo_roster_event_h writing to a struct log. */
static void record(const struct confinfo_roster_event *ev, void *arg)
{
	static const char *const names[] = {
	    "joined", "left", "muted", "unmuted", "roles", "ep", "deleted"};
	struct log *lg = arg;

	assert_true(ev->type <= CONFINFO_ROSTER_DELETED);
	lg->kinds[ev->type]++;
	switch (ev->type) {
	case CONFINFO_ROSTER_ROLES_CHANGED:
		assert_non_null(ev->user);
		log_roles(lg, ev->entity, ev->old_roles, ev->new_roles);
		return;
	case CONFINFO_ROSTER_ENDPOINT_STATUS_CHANGED:
		assert_non_null(ev->user);
		log_endpoint(lg, ev->entity, ev->endpoint, ev->old_status,
			     ev->new_status);
		return;
	case CONFINFO_ROSTER_DELETED:
		assert_null(ev->entity);
		log_add(lg, "deleted");
		return;
	case CONFINFO_ROSTER_LEFT:
		snprintf(lg->left_display, sizeof(lg->left_display), "%s",
			 ev->display_text ? ev->display_text : "(none)");
		lg->left_has_user = ev->user != NULL;
		break;
	default:
		/* The user in the state, with the event's strings. */
		assert_non_null(ev->user);
		assert_string_equal(ev->user->entity, ev->entity);
		assert_ptr_equal(ev->user->display_text, ev->display_text);
		break;
	}
	log_add(lg, "%s %s", names[ev->type], ev->entity);
}

/* ---------------------------------------------------------------------- *
 * The reference: tools/watch_out.c before the roster, plus endpoints.
 * ---------------------------------------------------------------------- */

static bool ref_endpoint_gone(const struct confinfo_endpoint *ep)
{
	return ep->status == CONFINFO_EP_STATUS_DISCONNECTED;
}

static bool ref_present(const struct confinfo_user *u)
{
	size_t i;

	if (!u)
		return false;
	if (u->endpoints.count == 0)
		return true;
	for (i = 0; i < u->endpoints.count; i++) {
		if (!ref_endpoint_gone(u->endpoints.items[i]))
			return true;
	}
	return false;
}

static bool ref_muted(const struct confinfo_user *u)
{
	size_t i, j;

	for (i = 0; u && i < u->endpoints.count; i++) {
		const struct confinfo_endpoint *ep = u->endpoints.items[i];

		if (ref_endpoint_gone(ep))
			continue;
		if (ep->status == CONFINFO_EP_STATUS_MUTED_VIA_FOCUS)
			return true;
		for (j = 0; j < ep->media.count; j++) {
			const struct confinfo_media *m = ep->media.items[j];

			if (m->type && !strcmp(m->type, "audio") &&
			    (m->status == CONFINFO_MEDIA_STATUS_RECVONLY ||
			     m->status == CONFINFO_MEDIA_STATUS_INACTIVE))
				return true;
		}
	}
	return false;
}

static bool ref_roles_equal(const struct confinfo_roles *a,
			    const struct confinfo_roles *b)
{
	size_t na = a ? a->count : 0, nb = b ? b->count : 0, i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++) {
		if (strcmp(a->entries[i], b->entries[i]))
			return false;
	}
	return true;
}

static void ref_endpoints(struct log *lg, const struct confinfo_user *ou,
			  const struct confinfo_user *nu)
{
	for (size_t i = 0; i < nu->endpoints.count; i++) {
		const struct confinfo_endpoint *ep = nu->endpoints.items[i];
		const struct confinfo_endpoint *was =
		    ou ? confinfo_user_endpoint(ou, ep->entity) : NULL;
		enum confinfo_endpoint_status before =
		    was ? was->status : CONFINFO_EP_STATUS_UNSET;

		if (before != ep->status)
			log_endpoint(lg, nu->entity, ep->entity, before,
				     ep->status);
	}
	for (size_t i = 0; ou && i < ou->endpoints.count; i++) {
		const struct confinfo_endpoint *ep = ou->endpoints.items[i];

		if (ep->status && !confinfo_user_endpoint(nu, ep->entity))
			log_endpoint(lg, nu->entity, ep->entity, ep->status,
				     CONFINFO_EP_STATUS_UNSET);
	}
}

static const struct confinfo_list *ref_users(const struct confinfo_conf *c)
{
	return c && c->users ? &c->users->users : NULL;
}

static void ref_changes(struct log *lg, const struct confinfo_conf *old,
			const struct confinfo_conf *new_state)
{
	const struct confinfo_list *ol = ref_users(old);
	const struct confinfo_list *nl = ref_users(new_state);
	size_t i;

	for (i = 0; ol && i < ol->count; i++) {
		const struct confinfo_user *ou = ol->items[i];
		const struct confinfo_user *nu =
		    nl ? confinfo_list_find(nl, ou->entity) : NULL;

		if (ref_present(ou) && !ref_present(nu))
			log_add(lg, "left %s", ou->entity);
	}
	for (i = 0; nl && i < nl->count; i++) {
		const struct confinfo_user *nu = nl->items[i];
		const struct confinfo_user *ou =
		    ol ? confinfo_list_find(ol, nu->entity) : NULL;

		if (ref_present(nu) && !ref_present(ou)) {
			log_add(lg, "joined %s", nu->entity);
			if (ref_muted(nu))
				log_add(lg, "muted %s", nu->entity);
		} else if (ref_present(nu)) {
			if (!ref_muted(ou) && ref_muted(nu))
				log_add(lg, "muted %s", nu->entity);
			else if (ref_muted(ou) && !ref_muted(nu))
				log_add(lg, "unmuted %s", nu->entity);
			if (!ref_roles_equal(ou->roles, nu->roles))
				log_roles(lg, nu->entity, ou->roles, nu->roles);
		}
		ref_endpoints(lg, ou, nu);
	}
	if (new_state && new_state->state == CONFINFO_STATE_DELETED)
		log_add(lg, "deleted");
}

/* ---------------------------------------------------------------------- *
 * Steps: decode, take the changes, merge, update, compare.
 * ---------------------------------------------------------------------- */

static struct log got, want;
static char context[128]; /* for failure messages */
static struct {
	unsigned docs, partial; /* updates, with partial changes */
	/* [0]: events of updates comparing everything, [1]: partial */
	unsigned kinds[2][CONFINFO_ROSTER_DELETED + 1];
} stats;

/* Merge @p doc into @p *statep as a client does and update @p r; fail
 * unless the roster reports what the reference does. Returns the log. */
static const char *apply_doc(struct confinfo_roster *r,
			     struct confinfo_conf **statep,
			     struct confinfo_conf *doc, bool with_changes)
{
	struct confinfo_roster_changes *c = NULL;
	struct confinfo_conf *before = NULL;
	enum confinfo_merge_result res;
	struct confinfo_diag diag = {0};

	if (with_changes)
		assert_int_equal(confinfo_roster_changes_from_doc(&c, doc), 0);
	if (*statep)
		assert_int_equal(confinfo_conf_clone(&before, *statep), 0);
	assert_int_equal(confinfo_merge(statep, doc, &res, &diag), 0);
	if (res != CONFINFO_MERGE_APPLIED)
		fail_msg("merge: %s: %s", confinfo_merge_result_str(res),
			 diag.message);
	log_reset(&got);
	log_reset(&want);
	assert_int_equal(confinfo_roster_update(r, *statep, c, record, &got),
			 0);
	ref_changes(&want, before, *statep);
	if (strcmp(got.text, want.text))
		fail_msg("%sroster:    %s\nreference: %s", context, got.text,
			 want.text);
	assert_int_equal(confinfo_roster_count(r),
			 (*statep)->users ? (*statep)->users->users.count : 0);
	stats.docs++;
	stats.partial += !confinfo_roster_changes_all(c);
	for (int k = 0; k <= CONFINFO_ROSTER_DELETED; k++)
		stats.kinds[!confinfo_roster_changes_all(c)][k] += got.kinds[k];
	confinfo_roster_changes_free(c);
	confinfo_conf_free(before);
	return got.text;
}

static const char *step(struct confinfo_roster *r,
			struct confinfo_conf **statep, const char *xml)
{
	return apply_doc(r, statep, tu_decode_str(xml), true);
}

static struct confinfo_roster *roster_new(void)
{
	struct confinfo_roster *r = NULL;

	assert_int_equal(confinfo_roster_alloc(&r), 0);
	assert_non_null(r);
	return r;
}

/* A roster filled silently with @p xml, a full document. */
static struct confinfo_roster *filled(struct confinfo_conf **statep,
				      const char *xml)
{
	struct confinfo_roster *r = roster_new();
	struct confinfo_roster_changes *c = NULL;
	struct confinfo_conf *doc = tu_decode_str(xml);
	enum confinfo_merge_result res;

	assert_int_equal(confinfo_roster_changes_from_doc(&c, doc), 0);
	assert_int_equal(confinfo_merge(statep, doc, &res, NULL), 0);
	assert_int_equal(res, CONFINFO_MERGE_APPLIED);
	assert_int_equal(confinfo_roster_update(r, *statep, c, NULL, NULL), 0);
	confinfo_roster_changes_free(c);
	return r;
}

/* ---------------------------------------------------------------------- *
 * Predicates.
 * ---------------------------------------------------------------------- */

/* The users of this document cover every edge of the predicates. */
static const char predicates_doc[] = FULL(
    1,
    /* listed without endpoints: present */
    USER("none", "full", "") USER("gone", "full",
				  EP("gone/1", "full", "disconnected")
				      EP("gone/2", "full", "disconnected"))
	USER("half", "full",
	     EP("half/1", "full", "disconnected")
		 EP("half/2", "full", "connected"))
	    USER("focusmuted", "full", EP("fm/1", "full", "muted-via-focus"))
		USER("mutedgone", "full",
		     EP("mg/1", "full", "disconnected")
			 EP("mg/2", "full", "muted-via-focus"))
		    USER("mutedleft", "full", EP("ml/1", "full", "connected"))
			USER("recvonly", "full",
			     EPM("ro/1", "full", "connected",
				 MEDIA("1", "audio", "recvonly")))
			    USER("inactive", "full",
				 EPM("in/1", "full", "connected",
				     MEDIA("1", "video", "sendrecv")
					 MEDIA("2", "audio", "inactive")))
				USER("video", "full",
				     EPM("vi/1", "full", "connected",
					 MEDIA("1", "video", "recvonly")
					     MEDIA("2", "audio", "sendrecv")))
				    USER("audiogone", "full",
					 EPM("ag/1", "full", "disconnected",
					     MEDIA("1", "audio", "inactive"))
					     EP("ag/2", "full", "connected"))
					USER("chair", "full",
					     ROLES(ROLE("participant")
						       ROLE("chair"))));

static const struct confinfo_user *user_of(const struct confinfo_conf *c,
					   const char *name)
{
	char entity[64];
	const struct confinfo_user *u;

	snprintf(entity, sizeof(entity), "sip:%s", name);
	u = confinfo_conf_user(c, entity);
	assert_non_null(u);
	return u;
}

static void test_present(void **st)
{
	struct confinfo_conf *c = tu_decode_str(predicates_doc);

	(void)st;
	assert_false(confinfo_roster_user_present(NULL));
	assert_true(confinfo_roster_user_present(user_of(c, "none")));
	assert_false(confinfo_roster_user_present(user_of(c, "gone")));
	assert_true(confinfo_roster_user_present(user_of(c, "half")));
	assert_true(confinfo_roster_user_present(user_of(c, "focusmuted")));
	assert_true(confinfo_roster_user_present(user_of(c, "mutedgone")));
	for (size_t i = 0; i < c->users->users.count; i++) {
		const struct confinfo_user *u = c->users->users.items[i];

		assert_int_equal(confinfo_roster_user_present(u),
				 ref_present(u));
	}
	confinfo_conf_free(c);
}

static void test_muted(void **st)
{
	struct confinfo_conf *c = tu_decode_str(predicates_doc);

	(void)st;
	assert_false(confinfo_roster_user_muted(NULL));
	assert_false(confinfo_roster_user_muted(user_of(c, "none")));
	assert_true(confinfo_roster_user_muted(user_of(c, "focusmuted")));
	/* muted-via-focus on the connected one of two endpoints */
	assert_true(confinfo_roster_user_muted(user_of(c, "mutedgone")));
	assert_false(confinfo_roster_user_muted(user_of(c, "mutedleft")));
	assert_true(confinfo_roster_user_muted(user_of(c, "recvonly")));
	assert_true(confinfo_roster_user_muted(user_of(c, "inactive")));
	/* video recvonly is not muted, nor audio sendrecv */
	assert_false(confinfo_roster_user_muted(user_of(c, "video")));
	/* an inactive audio on a disconnected endpoint does not count */
	assert_false(confinfo_roster_user_muted(user_of(c, "audiogone")));
	for (size_t i = 0; i < c->users->users.count; i++) {
		const struct confinfo_user *u = c->users->users.items[i];

		assert_int_equal(confinfo_roster_user_muted(u), ref_muted(u));
	}
	confinfo_conf_free(c);
}

static void test_muted_via_focus_disconnected(void **st)
{
	/* An endpoint cannot be both, but a user whose only muted endpoint
	 * left is not muted: the status says disconnected. */
	struct confinfo_conf *c =
	    tu_decode_str(FULL(1, USER("x", "full",
				       EP("x/1", "full", "disconnected")
					   EP("x/2", "full", "connected"))));
	struct confinfo_user *u = confinfo_conf_user(c, "sip:x");
	struct confinfo_endpoint *ep = confinfo_user_endpoint(u, "sip:x/2");

	(void)st;
	assert_false(confinfo_roster_user_muted(u));
	ep->status = CONFINFO_EP_STATUS_MUTED_VIA_FOCUS;
	assert_true(confinfo_roster_user_muted(u));
	ep->status = CONFINFO_EP_STATUS_DISCONNECTED;
	assert_false(confinfo_roster_user_muted(u));
	assert_false(confinfo_roster_user_present(u));
	confinfo_conf_free(c);
}

static void test_roles(void **st)
{
	struct confinfo_conf *c = tu_decode_str(predicates_doc);
	const struct confinfo_user *chair = user_of(c, "chair");
	struct confinfo_roles *a = confinfo_roles_new();
	struct confinfo_roles *b = confinfo_roles_new();

	(void)st;
	assert_true(confinfo_roster_user_has_role(chair, "chair"));
	assert_true(confinfo_roster_user_has_role(chair, "participant"));
	assert_false(confinfo_roster_user_has_role(chair, "Chair"));
	assert_false(confinfo_roster_user_has_role(chair, "chai"));
	assert_false(
	    confinfo_roster_user_has_role(user_of(c, "none"), "chair"));
	assert_false(confinfo_roster_user_has_role(NULL, "chair"));
	assert_false(confinfo_roster_user_has_role(chair, NULL));

	/* NULL and empty are both "no roles". */
	assert_true(confinfo_roster_roles_equal(NULL, NULL));
	assert_true(confinfo_roster_roles_equal(a, NULL));
	assert_true(confinfo_roster_roles_equal(NULL, a));
	assert_int_equal(confinfo_roles_add(a, "chair"), 0);
	assert_false(confinfo_roster_roles_equal(a, NULL));
	assert_false(confinfo_roster_roles_equal(a, b));
	assert_int_equal(confinfo_roles_add(b, "participant"), 0);
	assert_int_equal(confinfo_roles_add(b, "chair"), 0);
	assert_int_equal(confinfo_roles_add(a, "participant"), 0);
	/* the same entries in another order differ */
	assert_false(confinfo_roster_roles_equal(a, b));
	assert_true(confinfo_roster_roles_equal(b, chair->roles));
	assert_false(confinfo_roster_roles_equal(a, chair->roles));
	confinfo_roles_free(a);
	confinfo_roles_free(b);
	confinfo_conf_free(c);
}

/* ---------------------------------------------------------------------- *
 * What a document touches.
 * ---------------------------------------------------------------------- */

static struct confinfo_roster_changes *changes_of(const char *xml)
{
	struct confinfo_conf *doc = tu_decode_str(xml);
	struct confinfo_roster_changes *c = NULL;

	assert_int_equal(confinfo_roster_changes_from_doc(&c, doc), 0);
	assert_non_null(c);
	confinfo_conf_free(doc); /* nothing of it is kept */
	return c;
}

static void expect_all(const char *xml)
{
	struct confinfo_roster_changes *c = changes_of(xml);

	assert_true(confinfo_roster_changes_all(c));
	assert_int_equal(confinfo_roster_changes_count(c), 0);
	assert_null(confinfo_roster_changes_entity(c, 0));
	confinfo_roster_changes_free(c);
}

static void test_changes_from_doc(void **st)
{
	struct confinfo_roster_changes *c;

	(void)st;
	expect_all(FULL(1, USER("a", "full", "")));
	expect_all(MT_ROOT("deleted", 2, ""));
	expect_all("<conference-info xmlns=\"" CONFINFO_NS
		   "\" entity=\"" MT_ENTITY "\" version=\"1\"/>");
	expect_all(
	    MT_ROOT("partial", 2,
		    "<users state=\"full\">" USER("a", "full", "") "</users>"));
	expect_all(MT_ROOT("partial", 2, "<users state=\"deleted\"/>"));

	c = changes_of(PARTIAL(2,
			       USER("b", "deleted", "") USER("a", "partial", "")
				   USER("c", "full", "")));
	assert_false(confinfo_roster_changes_all(c));
	assert_int_equal(confinfo_roster_changes_count(c), 3);
	assert_string_equal(confinfo_roster_changes_entity(c, 0), "sip:b");
	assert_string_equal(confinfo_roster_changes_entity(c, 1), "sip:a");
	assert_string_equal(confinfo_roster_changes_entity(c, 2), "sip:c");
	assert_null(confinfo_roster_changes_entity(c, 3));
	confinfo_roster_changes_free(c);

	/* A partial document without users touches nobody. */
	c = changes_of(MT_ROOT(
	    "partial", 2,
	    "<conference-state><user-count>3</user-count></conference-state>"));
	assert_false(confinfo_roster_changes_all(c));
	assert_int_equal(confinfo_roster_changes_count(c), 0);
	confinfo_roster_changes_free(c);

	assert_true(confinfo_roster_changes_all(NULL));
	assert_int_equal(confinfo_roster_changes_count(NULL), 0);
	assert_null(confinfo_roster_changes_entity(NULL, 0));
	confinfo_roster_changes_free(NULL);
}

static void test_bad_args(void **st)
{
	struct confinfo_conf *doc = tu_decode_str(FULL(1, ""));
	struct confinfo_roster_changes *c = NULL;
	struct confinfo_roster *r = roster_new();

	(void)st;
	assert_int_equal(confinfo_roster_changes_from_doc(NULL, doc), EINVAL);
	assert_int_equal(confinfo_roster_changes_from_doc(&c, NULL), EINVAL);
	assert_null(c);
	assert_int_equal(confinfo_roster_alloc(NULL), EINVAL);
	assert_int_equal(confinfo_roster_update(NULL, doc, NULL, NULL, NULL),
			 EINVAL);
	assert_int_equal(confinfo_roster_update(r, NULL, NULL, NULL, NULL),
			 EINVAL);
	assert_int_equal(confinfo_roster_count(NULL), 0);
	confinfo_roster_free(NULL);
	confinfo_roster_free(r);
	confinfo_conf_free(doc);
}

/* ---------------------------------------------------------------------- *
 * Events.
 * ---------------------------------------------------------------------- */

#define ALICE_CHAIR                                                            \
	USER("alice", "full",                                                  \
	     DT("Alice") ROLES(ROLE("chair"))                                  \
		 EP("alice/1", "full", "connected"))
#define BOB USER("bob", "full", DT("Bob") EP("bob/1", "full", "connected"))
#define CAROL_MUTED                                                            \
	USER("carol", "full", EP("carol/1", "full", "muted-via-focus"))

static void test_first_update(void **st)
{
	struct confinfo_roster *r = roster_new();
	struct confinfo_conf *state = NULL;

	(void)st;
	/* A new roster compares with nobody. */
	assert_string_equal(
	    step(r, &state, FULL(1, ALICE_CHAIR BOB CAROL_MUTED)),
	    "joined sip:alice; ep sip:alice sip:alice/1 -"
	    ">connected; "
	    "joined sip:bob; ep sip:bob sip:bob/1 ->connected; "
	    "joined sip:carol; muted sip:carol; "
	    "ep sip:carol sip:carol/1 ->muted-via-focus");
	assert_int_equal(confinfo_roster_count(r), 3);
	confinfo_roster_free(r);
	confinfo_conf_free(state);

	/* Filled silently, it then reports only changes. */
	state = NULL;
	r = filled(&state, FULL(1, ALICE_CHAIR BOB));
	assert_int_equal(confinfo_roster_count(r), 2);
	assert_string_equal(
	    step(r, &state,
		 PARTIAL(2, USER("bob", "partial", ROLES(ROLE("x"))))),
	    "roles sip:bob ->x");
	confinfo_roster_free(r);
	confinfo_conf_free(state);
}

/* The same changes by full documents and by partial ones. */
static const char *const by_full[] = {
    FULL(2, ALICE_CHAIR BOB CAROL_MUTED),
    FULL(3, USER("alice", "full",
		 DT("Alice") ROLES(ROLE("participant"))
		     EP("alice/1", "full", "connected"))
		BOB USER("carol", "full", EP("carol/1", "full", "connected"))),
    FULL(4, USER("alice", "full",
		 DT("Alice") ROLES(ROLE("participant"))
		     EPM("alice/1", "full", "connected",
			 MEDIA("1", "audio", "recvonly")))
		USER("bob", "full",
		     DT("Bob") EP("bob/1", "full", "disconnected"))),
};
static const char *const by_partial[] = {
    PARTIAL(2, CAROL_MUTED),
    PARTIAL(3, USER("alice", "partial", ROLES(ROLE("participant"))) USER(
		   "carol", "partial", EP("carol/1", "partial", "connected"))),
    PARTIAL(4, USER("carol", "deleted", "") USER(
		   "bob", "partial", EP("bob/1", "partial", "disconnected"))
		   USER("alice", "partial",
			EPM("alice/1", "partial", "connected",
			    MEDIA("1", "audio", "recvonly")))),
};
static const char *const expected[] = {
    "joined sip:carol; muted sip:carol; "
    "ep sip:carol sip:carol/1 ->muted-via-focus",
    "roles sip:alice chair>participant; unmuted sip:carol; "
    "ep sip:carol sip:carol/1 muted-via-focus>connected",
    "left sip:bob; left sip:carol; muted sip:alice; "
    "ep sip:bob sip:bob/1 connected>disconnected",
};

static void run_chain(const char *const *docs)
{
	struct confinfo_conf *state = NULL;
	struct confinfo_roster *r = filled(&state, FULL(1, ALICE_CHAIR BOB));

	for (size_t i = 0; i < 3; i++)
		assert_string_equal(step(r, &state, docs[i]), expected[i]);
	confinfo_roster_free(r);
	confinfo_conf_free(state);
}

static void test_events_full(void **st)
{
	(void)st;
	run_chain(by_full);
}

static void test_events_partial(void **st)
{
	(void)st;
	run_chain(by_partial);
}

/* Departures first in the old order, then the others in the new order,
 * whatever the order of the document; new users where the merge appends
 * them (in document order, after the known ones). */
static void test_order(void **st)
{
	struct confinfo_conf *state = NULL;
	struct confinfo_roster *r = filled(
	    &state, FULL(1, USER("u1", "full", "") USER("u2", "full", "")
				USER("u3", "full", "") USER("u4", "full", "")
				    USER("u5", "full", "")));

	(void)st;
	assert_string_equal(
	    step(r, &state,
		 PARTIAL(2, USER("u7", "full", "") USER("u4", "deleted", "")
				USER("u5", "partial",
				     EP("u5/1", "full", "muted-via-focus"))
				    USER("u6", "full", "")
					USER("u2", "partial",
					     EP("u2/1", "full", "disconnected"))
					    USER("u1", "partial",
						 ROLES(ROLE("chair"))))),
	    "left sip:u2; left sip:u4; roles sip:u1 ->chair; "
	    "ep sip:u2 sip:u2/1 ->disconnected; muted sip:u5; "
	    "ep sip:u5 sip:u5/1 ->muted-via-focus; joined sip:u7; "
	    "joined sip:u6");
	/* The new users keep their place: u7 before u6. */
	assert_string_equal(
	    step(r, &state,
		 PARTIAL(3, USER("u6", "partial", ROLES(ROLE("b")))
				USER("u7", "partial", ROLES(ROLE("a")))
				    USER("u3", "partial", ROLES(ROLE("c"))))),
	    "roles sip:u3 ->c; roles sip:u7 ->a; roles sip:u6 ->b");
	/* A full document may reorder: its order counts from then on. u2,
	 * listed but not present, goes unreported. */
	assert_string_equal(
	    step(r, &state,
		 FULL(4, USER("u6", "full", "") USER("u3", "full", "")
			     USER("u1", "full", ROLES(ROLE("chair")))
				 USER("u5", "full",
				      EP("u5/1", "full", "muted-via-focus")))),
	    "left sip:u7; roles sip:u6 b>-; roles sip:u3 c>-");
	assert_string_equal(
	    step(r, &state,
		 PARTIAL(5, USER("u1", "partial", ROLES(ROLE("x")))
				USER("u6", "partial", ROLES(ROLE("y"))))),
	    "roles sip:u6 ->y; roles sip:u1 chair>x");
	confinfo_roster_free(r);
	confinfo_conf_free(state);
}

/* Within one user: joined then muted; muted or unmuted, then roles, then
 * endpoints (listed ones in order, then those gone). */
static void test_order_in_user(void **st)
{
	struct confinfo_conf *state = NULL;
	struct confinfo_roster *r = filled(
	    &state, FULL(1, USER("a", "full",
				 ROLES(ROLE("x")) EP("a/1", "full", "connected")
				     EP("a/2", "full", "on-hold")
					 EP("a/3", "full", "alerting"))));

	(void)st;
	assert_string_equal(
	    step(r, &state,
		 PARTIAL(
		     2, USER("a", "partial",
			     ROLES(ROLE("y")) EP("a/2", "deleted", "on-hold")
				 EP("a/4", "full", "dialing-out")
				     EP("a/1", "partial", "muted-via-focus")))),
	    "muted sip:a; roles sip:a x>y; "
	    "ep sip:a sip:a/1 connected>muted-via-focus; "
	    "ep sip:a sip:a/4 ->dialing-out; ep sip:a sip:a/2 on-hold>-");
	assert_string_equal(
	    step(r, &state,
		 PARTIAL(3, USER("a", "partial",
				 ROLES(ROLE("z"))
				     EP("a/1", "partial", "connected")))),
	    "unmuted sip:a; roles sip:a y>z; "
	    "ep sip:a sip:a/1 muted-via-focus>connected");
	assert_string_equal(
	    step(r, &state,
		 PARTIAL(4, USER("a", "partial",
				 EP("a/1", "partial", "disconnected")
				     EP("a/3", "partial", "disconnected") EP(
					 "a/4", "partial", "disconnected")))),
	    "left sip:a; ep sip:a sip:a/1 connected>disconnected; "
	    "ep sip:a sip:a/3 alerting>disconnected; "
	    "ep sip:a sip:a/4 dialing-out>disconnected");
	assert_string_equal(
	    step(r, &state,
		 PARTIAL(5, USER("a", "partial",
				 ROLES(ROLE("w"))
				     EPM("a/3", "partial", "connected",
					 MEDIA("m", "audio", "inactive"))))),
	    "joined sip:a; muted sip:a; "
	    "ep sip:a sip:a/3 disconnected>connected");
	confinfo_roster_free(r);
	confinfo_conf_free(state);
}

/* LEFT shows the user as last seen; the others as the state has it. */
static void test_display_text(void **st)
{
	struct confinfo_conf *state = NULL;
	struct confinfo_roster *r = filled(&state, FULL(1, ALICE_CHAIR BOB));

	(void)st;
	assert_string_equal(
	    step(r, &state,
		 PARTIAL(2, USER("alice", "partial",
				 DT("Alice (away)") EP("alice/1", "partial",
						       "disconnected")))),
	    "left sip:alice; ep sip:alice sip:alice/1 connected>disconnected");
	assert_string_equal(got.left_display, "Alice");
	assert_true(got.left_has_user);
	assert_string_equal(
	    step(r, &state, PARTIAL(3, USER("bob", "deleted", ""))),
	    "left sip:bob");
	assert_string_equal(got.left_display, "Bob");
	assert_false(got.left_has_user);
	/* record() checks that JOINED carries the state's display-text. */
	assert_string_equal(
	    step(r, &state,
		 PARTIAL(4, USER("alice", "partial",
				 DT("Alice (back)")
				     EP("alice/1", "partial", "connected")))),
	    "joined sip:alice; ep sip:alice sip:alice/1 "
	    "disconnected>connected");
	confinfo_roster_free(r);
	confinfo_conf_free(state);
}

static void test_deleted_users(void **st)
{
	struct confinfo_conf *state = NULL;
	struct confinfo_roster *r = filled(
	    &state,
	    FULL(1, ALICE_CHAIR BOB USER(
			"gone", "full", EP("gone/1", "full", "disconnected"))));

	(void)st;
	/* A user who was not present leaves silently; an unknown one is
	 * ignored, as the merge does. */
	assert_string_equal(step(r, &state,
				 PARTIAL(2, USER("gone", "deleted", "") USER(
						"nobody", "deleted", "")
						USER("alice", "deleted", ""))),
			    "left sip:alice");
	assert_int_equal(confinfo_roster_count(r), 1);
	/* Back again: a new user, at the end. */
	assert_string_equal(
	    step(r, &state, PARTIAL(3, ALICE_CHAIR)),
	    "joined sip:alice; ep sip:alice sip:alice/1 ->connected");
	assert_int_equal(confinfo_roster_count(r), 2);
	/* The whole users element deleted: everyone leaves. */
	assert_string_equal(
	    step(r, &state,
		 MT_ROOT("partial", 4, "<users state=\"deleted\"/>")),
	    "left sip:bob; left sip:alice");
	assert_int_equal(confinfo_roster_count(r), 0);
	confinfo_roster_free(r);
	confinfo_conf_free(state);
}

static void test_deleted_conference(void **st)
{
	struct confinfo_conf *state = NULL;
	struct confinfo_roster *r = filled(&state, FULL(1, ALICE_CHAIR BOB));

	(void)st;
	assert_string_equal(step(r, &state, MT_ROOT("deleted", 2, "")),
			    "left sip:alice; left sip:bob; deleted");
	assert_int_equal(got.kinds[CONFINFO_ROSTER_DELETED], 1);
	/* A new full state starts it again. */
	assert_string_equal(step(r, &state, FULL(3, BOB)),
			    "joined sip:bob; ep sip:bob sip:bob/1 ->connected");
	confinfo_roster_free(r);
	confinfo_conf_free(state);
}

/* A partial document that touches nobody (a conference-state change). */
static void test_nobody_touched(void **st)
{
	struct confinfo_conf *state = NULL;
	struct confinfo_roster *r = filled(&state, FULL(1, ALICE_CHAIR BOB));

	(void)st;
	assert_string_equal(
	    step(r, &state,
		 MT_ROOT("partial", 2,
			 "<conference-state><user-count>2</user-count>"
			 "</conference-state>")),
	    "");
	/* A user sent unchanged: nothing either. */
	assert_string_equal(step(r, &state, PARTIAL(3, BOB)), "");
	confinfo_roster_free(r);
	confinfo_conf_free(state);
}

/* ---------------------------------------------------------------------- *
 * Cost: only the touched users are looked at.
 * ---------------------------------------------------------------------- */

#define MANY 1000

static char *many_users_doc(void)
{
	size_t size = 128 + MANY * 160, len;
	char *xml = malloc(size);

	assert_non_null(xml);
	len = (size_t)snprintf(xml, size,
			       "<conference-info xmlns=\"%s\" entity=\"%s\" "
			       "state=\"full\" version=\"1\"><users>",
			       CONFINFO_NS, MT_ENTITY);
	for (unsigned i = 0; i < MANY; i++)
		len += (size_t)snprintf(
		    xml + len, size - len,
		    "<user entity=\"sip:u%u\"><endpoint entity=\"sip:u%u/1\">"
		    "<status>connected</status></endpoint></user>",
		    i, i);
	snprintf(xml + len, size - len, "</users></conference-info>");
	return xml;
}

static void test_one_of_many(void **st)
{
	char *xml = many_users_doc();
	struct confinfo_conf *state = NULL;
	struct confinfo_roster *r = filled(&state, xml);
	struct confinfo_user *u10;

	(void)st;
	assert_int_equal(confinfo_roster_count(r), MANY);
	/* Change user 10 behind the roster's back: a roster that walked the
	 * state would report it. */
	u10 = confinfo_conf_user(state, "sip:u10");
	((struct confinfo_endpoint *)u10->endpoints.items[0])->status =
	    CONFINFO_EP_STATUS_DISCONNECTED;
	assert_string_equal(
	    step(r, &state,
		 PARTIAL(2, USER("u500", "partial",
				 EP("u500/1", "partial", "muted-via-focus")))),
	    "muted sip:u500; ep sip:u500 sip:u500/1 connected>muted-via-focus");
	log_reset(&got);
	/* Everything: now it sees u10. */
	assert_int_equal(confinfo_roster_update(r, state, NULL, record, &got),
			 0);
	assert_string_equal(got.text, "left sip:u10; ep sip:u10 sip:u10/1 "
				      "connected>disconnected");
	confinfo_roster_free(r);
	confinfo_conf_free(state);
	free(xml);
}

/* ---------------------------------------------------------------------- *
 * Allocation failures.
 * ---------------------------------------------------------------------- */

static void test_alloc_simple(void **st)
{
	struct confinfo_roster *r = (struct confinfo_roster *)&r;
	struct confinfo_roster_changes *c =
	    (struct confinfo_roster_changes *)&c;
	struct confinfo_conf *full = tu_decode_str(FULL(1, BOB));
	struct confinfo_conf *partial = tu_decode_str(PARTIAL(2, BOB));
	int err;

	(void)st;
	confinfo__alloc_fail_at(1);
	err = confinfo_roster_alloc(&r);
	confinfo__alloc_fail_at(0);
	assert_int_equal(err, ENOMEM);
	assert_ptr_equal(r, (struct confinfo_roster *)&r);

	confinfo__alloc_fail_at(1);
	err = confinfo_roster_changes_from_doc(&c, full);
	confinfo__alloc_fail_at(0);
	assert_int_equal(err, ENOMEM);
	confinfo__alloc_fail_at(1);
	err = confinfo_roster_changes_from_doc(&c, partial);
	confinfo__alloc_fail_at(0);
	assert_int_equal(err, ENOMEM);
	assert_ptr_equal(c, (struct confinfo_roster_changes *)&c);
	confinfo_conf_free(full);
	confinfo_conf_free(partial);
}

static const char alloc_base[] = FULL(
    1,
    ALICE_CHAIR BOB CAROL_MUTED USER("eve", "full",
				     DT("Eve") EP("eve/1", "full", "connected")
					 EP("eve/2", "full", "on-hold")));
static const char alloc_doc[] = PARTIAL(
    2, USER("dave", "full", DT("Dave") EP("dave/1", "full", "connected"))
	   USER("bob", "deleted", "")
	       USER("alice", "partial", ROLES(ROLE("participant")))
		   USER("eve", "partial", EP("eve/2", "partial", "connected")));
static const char alloc_next[] =
    PARTIAL(3, USER("carol", "partial", EP("carol/1", "partial", "connected")));

/* Merge @p xml into @p *statep; its changes, or NULL. */
static struct confinfo_roster_changes *
merge_only(struct confinfo_conf **statep, const char *xml, bool with_changes)
{
	struct confinfo_conf *doc = tu_decode_str(xml);
	struct confinfo_roster_changes *c = NULL;
	enum confinfo_merge_result res;

	if (with_changes)
		assert_int_equal(confinfo_roster_changes_from_doc(&c, doc), 0);
	assert_int_equal(confinfo_merge(statep, doc, &res, NULL), 0);
	assert_int_equal(res, CONFINFO_MERGE_APPLIED);
	return c;
}

/*
 * The n-th allocation of an update failing, for n = 1, 2, ... until one
 * runs through: ENOMEM, no event, and the next update (of a partial
 * document that does not touch the users of the failed one) reports
 * everything since the last good update. No leak (ASan).
 */
static void fail_each_allocation(bool with_changes)
{
	unsigned long n, failures = 0;

	for (n = 1;; n++) {
		struct confinfo_conf *state = NULL, *good = NULL;
		struct confinfo_roster *r = filled(&state, alloc_base);
		struct confinfo_roster_changes *c;
		int err, failed;

		assert_int_equal(confinfo_conf_clone(&good, state), 0);
		c = merge_only(&state, alloc_doc, with_changes);
		log_reset(&got);
		confinfo__alloc_fail_at(n);
		err = confinfo_roster_update(r, state, c, record, &got);
		failed = confinfo__alloc_failed();
		confinfo__alloc_fail_at(0);
		confinfo_roster_changes_free(c);
		if (err) {
			assert_int_equal(err, ENOMEM);
			assert_true(failed);
			assert_int_equal(got.len, 0);
			failures++;
			c = merge_only(&state, alloc_next, true);
			assert_int_equal(
			    confinfo_roster_update(r, state, c, record, &got),
			    0);
			confinfo_roster_changes_free(c);
		}
		log_reset(&want);
		ref_changes(&want, good, state);
		assert_string_equal(got.text, want.text);
		assert_int_equal(confinfo_roster_count(r),
				 state->users->users.count);
		confinfo_roster_free(r);
		confinfo_conf_free(state);
		confinfo_conf_free(good);
		if (!failed)
			break;
	}
	assert_true(failures > 0 && failures == n - 1);
}

static void test_alloc_update_partial(void **st)
{
	(void)st;
	fail_each_allocation(true);
}

static void test_alloc_update_all(void **st)
{
	(void)st;
	fail_each_allocation(false);
}

/* ---------------------------------------------------------------------- *
 * The property: random chains of documents, roster == reference.
 * ---------------------------------------------------------------------- */

#define CHAINS 800

static void test_property(void **st)
{
	uint64_t master = gen_seed(0x705735eedull), rng = master;
	struct gen_opts opts = {0};

	(void)st;
	memset(&stats, 0, sizeof(stats));
	for (unsigned i = 0; i < CHAINS; i++) {
		uint64_t rr = gen_next(&rng);
		struct confinfo_conf *state = NULL;
		struct confinfo_roster *r = roster_new();
		unsigned steps = 1 + gen_below(&rr, 8);

		opts.max_users = 1 + gen_below(&rr, 10);
		opts.no_ext = true;
		snprintf(context, sizeof(context),
			 "CONFINFO_SEED=0x%016" PRIx64 " chain %u:\n", master,
			 i);
		apply_doc(r, &state, gen_state(&rr, &opts), true);
		for (unsigned s = 0; s < steps; s++) {
			struct confinfo_conf *next = NULL, *doc = NULL;

			if (gen_chance(&rr, 8)) {
				next = gen_state(&rr, &opts);
			} else {
				assert_int_equal(
				    confinfo_conf_clone(&next, state), 0);
				for (unsigned m = gen_below(&rr, 4); m; m--)
					gen_mutate(next, &rr);
			}
			assert_int_equal(confinfo_diff(&doc, state, next), 0);
			apply_doc(r, &state, doc, !gen_chance(&rr, 10));
			confinfo_conf_free(next);
		}
		confinfo_roster_free(r);
		confinfo_conf_free(state);
	}
	context[0] = '\0';
	print_message("  %u updates, %u partial; events of partial ones: %u "
		      "joined, %u left, %u muted, %u unmuted, %u roles, %u "
		      "endpoint\n",
		      stats.docs, stats.partial,
		      stats.kinds[1][CONFINFO_ROSTER_JOINED],
		      stats.kinds[1][CONFINFO_ROSTER_LEFT],
		      stats.kinds[1][CONFINFO_ROSTER_MUTED],
		      stats.kinds[1][CONFINFO_ROSTER_UNMUTED],
		      stats.kinds[1][CONFINFO_ROSTER_ROLES_CHANGED],
		      stats.kinds[1][CONFINFO_ROSTER_ENDPOINT_STATUS_CHANGED]);
	/* Every kind of user event came out of partial documents, where
	 * the roster looks at the touched users only. */
	assert_true(stats.partial > stats.docs / 3);
	for (int k = 0; k < CONFINFO_ROSTER_DELETED; k++)
		assert_true(stats.kinds[1][k] > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_present),
	    cmocka_unit_test(test_muted),
	    cmocka_unit_test(test_muted_via_focus_disconnected),
	    cmocka_unit_test(test_roles),
	    cmocka_unit_test(test_changes_from_doc),
	    cmocka_unit_test(test_bad_args),
	    cmocka_unit_test(test_first_update),
	    cmocka_unit_test(test_events_full),
	    cmocka_unit_test(test_events_partial),
	    cmocka_unit_test(test_order),
	    cmocka_unit_test(test_order_in_user),
	    cmocka_unit_test(test_display_text),
	    cmocka_unit_test(test_deleted_users),
	    cmocka_unit_test(test_deleted_conference),
	    cmocka_unit_test(test_nobody_touched),
	    cmocka_unit_test(test_one_of_many),
	    cmocka_unit_test(test_alloc_simple),
	    cmocka_unit_test(test_alloc_update_partial),
	    cmocka_unit_test(test_alloc_update_all),
	    cmocka_unit_test(test_property),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
