/*
 * confinfo_diff(): the shape of the document for each kind of change, and
 * the property merge(old, diff(old, new)) == new over random pairs.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confinfo/diff.h"
#include "confinfo/merge.h"
#include "confinfo/xml.h"
#include "enctest.h"
#include "gen.h"
#include "model/alloc.h"
#include "testutil.h"

#define ENTITY "sips:conf233@example.com"
#define ROOT(state, version, body)                                             \
	"<conference-info xmlns=\"urn:ietf:params:xml:ns:conference-info\" "   \
	"entity=\"" ENTITY "\" state=\"" state "\" version=\"" #version        \
	"\">" body "</conference-info>"

/* A state with two users, Bob with two endpoints. */
#define BOB_EP1                                                                \
	"<endpoint entity=\"sip:bob@pc33.example.com\">"                       \
	"<display-text>Bob's Laptop</display-text>"                            \
	"<status>connected</status>"                                           \
	"<joining-method>dialed-in</joining-method>"                           \
	"<media id=\"1\"><type>audio</type><label>34567</label>"               \
	"<status>sendrecv</status></media>"                                    \
	"<media id=\"2\"><type>video</type><status>sendrecv</status></media>"  \
	"</endpoint>"
#define BOB_EP2                                                                \
	"<endpoint entity=\"sip:bob@phone.example.com\">"                      \
	"<status>on-hold</status></endpoint>"
#define ALICE                                                                  \
	"<user entity=\"sip:alice@example.com\">"                              \
	"<display-text>Alice</display-text>"                                   \
	"<endpoint entity=\"sip:alice@pc.example.com\">"                       \
	"<status>connected</status></endpoint></user>"
#define DESC                                                                   \
	"<conference-description><subject>Weekly</subject>"                    \
	"</conference-description>"
#define CSTATE                                                                 \
	"<conference-state><user-count>2</user-count><active>true</active>"    \
	"</conference-state>"
#define BASE_USERS(bob_extra, ep1, alice)                                      \
	"<users><user entity=\"sip:bob@example.com\">"                         \
	"<display-text>Bob Hoskins</display-text>"                             \
	"<roles><entry>participant</entry></roles>" bob_extra ep1 BOB_EP2      \
	"</user>" alice "</users>"
#define BASE ROOT("full", 7, DESC CSTATE BASE_USERS("", BOB_EP1, ALICE))

/* diff(old, new) must succeed; it is then checked to turn old into new
 * through merge, and returned (free it). */
static struct confinfo_conf *diff_checked(const struct confinfo_conf *old,
					  const struct confinfo_conf *new)
{
	struct confinfo_conf *doc = NULL, *state = NULL, *copy = NULL;
	enum confinfo_merge_result r;
	struct confinfo_diag diag = {0};

	assert_int_equal(confinfo_diff(&doc, old, new), 0);
	assert_non_null(doc);
	assert_string_equal(doc->entity, new->entity);
	assert_true(doc->version.set);
	assert_int_equal(doc->version.value, old->version.value + 1);
	assert_int_equal(confinfo_conf_clone(&state, old), 0);
	assert_int_equal(confinfo_conf_clone(&copy, doc), 0);
	assert_int_equal(confinfo_merge(&state, copy, &r, &diag), 0);
	if (r != CONFINFO_MERGE_APPLIED)
		fail_msg("merge of the diff: %s: %s",
			 confinfo_merge_result_str(r), diag.message);
	state->version = new->version;
	assert_true(confinfo_conf_equal(state, new));
	confinfo_conf_free(state);
	return doc;
}

/* diff between two documents given as XML. */
static struct confinfo_conf *diff_xml(const char *old_xml, const char *new_xml)
{
	struct confinfo_conf *old = tu_decode_str(old_xml);
	struct confinfo_conf *new = tu_decode_str(new_xml);
	struct confinfo_conf *doc = diff_checked(old, new);

	confinfo_conf_free(old);
	confinfo_conf_free(new);
	return doc;
}

static bool has_children(const struct confinfo_conf *c)
{
	return c->description || c->host_info || c->conf_state || c->users ||
	       c->sidebars_by_ref || c->sidebars_by_val ||
	       !confinfo_ext_empty(&c->ext);
}

static struct confinfo_user *only_user(const struct confinfo_conf *doc)
{
	assert_non_null(doc->users);
	assert_int_equal(doc->users->state, CONFINFO_STATE_PARTIAL);
	assert_int_equal(doc->users->users.count, 1);
	return doc->users->users.items[0];
}

static void test_no_change(void **st)
{
	struct confinfo_conf *doc = diff_xml(BASE, BASE);

	(void)st;
	assert_int_equal(doc->state, CONFINFO_STATE_PARTIAL);
	assert_false(has_children(doc));
	confinfo_conf_free(doc);
}

/* One media status: users partial / user partial / endpoint partial / one
 * whole media and nothing else. */
static void test_media_status(void **st)
{
	static const char new_xml[] =
	    ROOT("full", 7,
		 DESC CSTATE BASE_USERS(
		     "",
		     "<endpoint entity=\"sip:bob@pc33.example.com\">"
		     "<display-text>Bob's Laptop</display-text>"
		     "<status>connected</status>"
		     "<joining-method>dialed-in</joining-method>"
		     "<media id=\"1\"><type>audio</type><label>34567</label>"
		     "<status>sendrecv</status></media>"
		     "<media id=\"2\"><type>video</type>"
		     "<status>inactive</status></media>"
		     "</endpoint>",
		     ALICE));
	struct confinfo_conf *doc = diff_xml(BASE, new_xml);
	struct confinfo_user *u = only_user(doc);
	struct confinfo_endpoint *ep;
	struct confinfo_media *m;

	(void)st;
	assert_int_equal(doc->state, CONFINFO_STATE_PARTIAL);
	assert_null(doc->description);
	assert_null(doc->conf_state);
	assert_string_equal(u->entity, "sip:bob@example.com");
	assert_int_equal(u->state, CONFINFO_STATE_PARTIAL);
	assert_null(u->display_text);
	assert_null(u->roles);
	assert_int_equal(u->endpoints.count, 1);
	ep = u->endpoints.items[0];
	assert_string_equal(ep->entity, "sip:bob@pc33.example.com");
	assert_int_equal(ep->state, CONFINFO_STATE_PARTIAL);
	assert_null(ep->display_text);
	assert_int_equal(ep->status, CONFINFO_EP_STATUS_UNSET);
	assert_int_equal(ep->media.count, 1);
	m = ep->media.items[0];
	assert_string_equal(m->id, "2");
	assert_string_equal(m->type, "video");
	assert_int_equal(m->status, CONFINFO_MEDIA_STATUS_INACTIVE);
	confinfo_conf_free(doc);
}

/* conference-state disappeared: no partial way to say it, full document. */
static void test_atomic_removal_full(void **st)
{
	static const char new_xml[] =
	    ROOT("full", 9, DESC BASE_USERS("", BOB_EP1, ALICE));
	struct confinfo_conf *doc = diff_xml(BASE, new_xml);
	struct confinfo_conf *new = tu_decode_str(new_xml);

	(void)st;
	assert_int_equal(doc->state, CONFINFO_STATE_FULL);
	assert_int_equal(doc->version.value, 8);
	assert_null(doc->conf_state);
	assert_int_equal(doc->users->state, CONFINFO_STATE_FULL);
	new->version = doc->version;
	assert_true(confinfo_conf_equal(doc, new));
	confinfo_conf_free(new);
	confinfo_conf_free(doc);
}

static void test_atomic_change(void **st)
{
	static const char new_xml[] = ROOT(
	    "full", 7,
	    "<conference-description><subject>Monthly</subject>"
	    "</conference-description>" CSTATE BASE_USERS("", BOB_EP1, ALICE));
	struct confinfo_conf *doc = diff_xml(BASE, new_xml);

	(void)st;
	assert_int_equal(doc->state, CONFINFO_STATE_PARTIAL);
	assert_non_null(doc->description);
	assert_string_equal(doc->description->subject, "Monthly");
	assert_null(doc->conf_state);
	assert_null(doc->users);
	confinfo_conf_free(doc);
}

/* A user-level field removed: that user full, the others untouched. */
static void test_user_field_removed(void **st)
{
	static const char new_xml[] =
	    ROOT("full", 7,
		 DESC CSTATE
		 "<users><user entity=\"sip:bob@example.com\">"
		 "<display-text>Bob Hoskins</display-text>" BOB_EP1 BOB_EP2
		 "</user>" ALICE "</users>");
	struct confinfo_conf *doc = diff_xml(BASE, new_xml);
	struct confinfo_user *u = only_user(doc);

	(void)st;
	assert_int_equal(u->state, CONFINFO_STATE_FULL);
	assert_null(u->roles);
	assert_int_equal(u->endpoints.count, 2);
	assert_int_equal(
	    ((struct confinfo_endpoint *)u->endpoints.items[0])->state,
	    CONFINFO_STATE_FULL);
	confinfo_conf_free(doc);
}

/* An endpoint field removed, or a media removed: that endpoint full. */
static void test_endpoint_full(void **st)
{
	static const char no_status[] =
	    ROOT("full", 7,
		 DESC CSTATE BASE_USERS(
		     "",
		     "<endpoint entity=\"sip:bob@pc33.example.com\">"
		     "<display-text>Bob's Laptop</display-text>"
		     "<joining-method>dialed-in</joining-method>"
		     "<media id=\"1\"><type>audio</type><label>34567</label>"
		     "<status>sendrecv</status></media>"
		     "<media id=\"2\"><type>video</type>"
		     "<status>sendrecv</status></media>"
		     "</endpoint>",
		     ALICE));
	static const char no_media[] =
	    ROOT("full", 7,
		 DESC CSTATE BASE_USERS(
		     "",
		     "<endpoint entity=\"sip:bob@pc33.example.com\">"
		     "<display-text>Bob's Laptop</display-text>"
		     "<status>connected</status>"
		     "<joining-method>dialed-in</joining-method>"
		     "<media id=\"1\"><type>audio</type><label>34567</label>"
		     "<status>sendrecv</status></media>"
		     "</endpoint>",
		     ALICE));
	const char *cases[] = {no_status, no_media};

	(void)st;
	for (size_t i = 0; i < 2; i++) {
		struct confinfo_conf *doc = diff_xml(BASE, cases[i]);
		struct confinfo_user *u = only_user(doc);
		struct confinfo_endpoint *ep;

		assert_int_equal(u->state, CONFINFO_STATE_PARTIAL);
		assert_int_equal(u->endpoints.count, 1);
		ep = u->endpoints.items[0];
		assert_int_equal(ep->state, CONFINFO_STATE_FULL);
		assert_string_equal(ep->display_text, "Bob's Laptop");
		assert_int_equal(ep->media.count, i == 0 ? 2 : 1);
		confinfo_conf_free(doc);
	}
}

static void test_user_added_removed(void **st)
{
	static const char new_xml[] =
	    ROOT("full", 7,
		 DESC CSTATE
		 "<users><user entity=\"sip:bob@example.com\">"
		 "<display-text>Bob Hoskins</display-text>"
		 "<roles><entry>participant</entry></roles>" BOB_EP1 BOB_EP2
		 "</user><user entity=\"sip:carol@example.com\">"
		 "<display-text>Carol</display-text></user></users>");
	struct confinfo_conf *doc = diff_xml(BASE, new_xml);
	struct confinfo_user *gone, *added;

	(void)st;
	assert_int_equal(doc->users->state, CONFINFO_STATE_PARTIAL);
	assert_int_equal(doc->users->users.count, 2);
	gone = doc->users->users.items[0];
	added = doc->users->users.items[1];
	assert_string_equal(gone->entity, "sip:alice@example.com");
	assert_int_equal(gone->state, CONFINFO_STATE_DELETED);
	assert_null(gone->display_text);
	assert_int_equal(gone->endpoints.count, 0);
	assert_string_equal(added->entity, "sip:carol@example.com");
	assert_int_equal(added->state, CONFINFO_STATE_FULL);
	assert_string_equal(added->display_text, "Carol");
	confinfo_conf_free(doc);
}

/* Merge keeps known rows in place: a new order needs the list full. */
static void test_reorder(void **st)
{
	static const char new_xml[] =
	    ROOT("full", 7,
		 DESC CSTATE
		 "<users>" ALICE "<user entity=\"sip:bob@example.com\">"
		 "<display-text>Bob Hoskins</display-text>"
		 "<roles><entry>participant</entry></roles>" BOB_EP1 BOB_EP2
		 "</user></users>");
	struct confinfo_conf *doc = diff_xml(BASE, new_xml);

	(void)st;
	assert_int_equal(doc->state, CONFINFO_STATE_PARTIAL);
	assert_int_equal(doc->users->state, CONFINFO_STATE_FULL);
	assert_int_equal(doc->users->users.count, 2);
	confinfo_conf_free(doc);
}

static void test_users_removed(void **st)
{
	struct confinfo_conf *doc =
	    diff_xml(BASE, ROOT("full", 7, DESC CSTATE));

	(void)st;
	assert_int_equal(doc->state, CONFINFO_STATE_PARTIAL);
	assert_non_null(doc->users);
	assert_int_equal(doc->users->state, CONFINFO_STATE_DELETED);
	assert_int_equal(doc->users->users.count, 0);
	confinfo_conf_free(doc);
}

/* One small change in a big user: partial; everything changed: full. */
static void test_partial_or_full_user(void **st)
{
	static const char all_new[] = ROOT(
	    "full", 7,
	    DESC CSTATE "<users><user entity=\"sip:bob@example.com\">"
			"<display-text>Robert</display-text>"
			"<roles><entry>moderator</entry></roles>"
			"<languages>fr</languages>"
			"<endpoint entity=\"sip:bob@pc33.example.com\">"
			"<display-text>Robert's Laptop</display-text>"
			"<status>muted-via-focus</status>"
			"<joining-method>dialed-out</joining-method></endpoint>"
			"<endpoint entity=\"sip:bob@phone.example.com\">"
			"<status>alerting</status></endpoint>"
			"</user>" ALICE "</users>");
	static const char one_new[] =
	    ROOT("full", 7,
		 DESC CSTATE BASE_USERS("<languages>fr</languages>", BOB_EP1,
					ALICE));
	struct confinfo_conf *doc = diff_xml(BASE, all_new);
	struct confinfo_user *u = only_user(doc);

	(void)st;
	assert_int_equal(u->state, CONFINFO_STATE_FULL);
	confinfo_conf_free(doc);

	doc = diff_xml(BASE, one_new);
	u = only_user(doc);
	assert_int_equal(u->state, CONFINFO_STATE_PARTIAL);
	assert_string_equal(u->languages, "fr");
	assert_null(u->display_text);
	assert_int_equal(u->endpoints.count, 0);
	confinfo_conf_free(doc);
}

#define SIDEBARS(refs, vals)                                                   \
	ROOT("full", 3,                                                        \
	     DESC "<users/><sidebars-by-ref>" refs                             \
		  "</sidebars-by-ref><sidebars-by-val>" vals                   \
		  "</sidebars-by-val>")
#define REF(n, text)                                                           \
	"<entry><uri>sips:conf233@example.com;grid=" #n "</uri>"               \
	"<display-text>" text "</display-text></entry>"
#define VAL(n, users)                                                          \
	"<entry entity=\"sips:conf233@example.com;grid=" #n "\">"              \
	"<conference-description><subject>About the budget for next year"      \
	"</subject></conference-description><users>" users "</users></entry>"
#define U(name) "<user entity=\"sip:" name "@example.com\"/>"
/* An unchanged sidebar, big enough that resending it costs more than
 * a partial list. */
#define VAL80 VAL(80, U("u1") U("u2") U("u3") U("u4") U("u5") U("u6"))

static void test_sidebars(void **st)
{
	static const char base[] =
	    SIDEBARS(REF(45, "Carol") REF(21, "Peter"),
		     VAL(77, U("bob") U("mark") U("ann") U("joe"))
			 VAL(78, U("dan")) VAL80);
	static const char ref_changed[] =
	    SIDEBARS(REF(45, "Carol") REF(21, "Peter and Paul") REF(9, "new"),
		     VAL(77, U("bob") U("mark") U("ann") U("joe"))
			 VAL(78, U("dan")) VAL80);
	static const char ref_removed[] = SIDEBARS(
	    REF(21, "Peter"), VAL(77, U("bob") U("mark") U("ann") U("joe"))
				  VAL(78, U("dan")) VAL80);
	static const char val_changed[] =
	    SIDEBARS(REF(45, "Carol") REF(21, "Peter"),
		     VAL(77, U("bob") U("ann") U("joe")) VAL80 VAL(79, ""));
	struct confinfo_conf *doc;
	struct confinfo_conf *e;

	(void)st;
	doc = diff_xml(base, ref_changed);
	assert_null(doc->sidebars_by_val);
	assert_null(doc->users);
	assert_int_equal(doc->sidebars_by_ref->state, CONFINFO_STATE_PARTIAL);
	assert_int_equal(doc->sidebars_by_ref->entries.count, 2);
	confinfo_conf_free(doc);

	/* uri entries have no state: removing one needs the list full. */
	doc = diff_xml(base, ref_removed);
	assert_int_equal(doc->sidebars_by_ref->state, CONFINFO_STATE_FULL);
	assert_int_equal(doc->sidebars_by_ref->entries.count, 1);
	confinfo_conf_free(doc);

	doc = diff_xml(base, val_changed);
	assert_null(doc->sidebars_by_ref);
	assert_int_equal(doc->sidebars_by_val->state, CONFINFO_STATE_PARTIAL);
	assert_int_equal(doc->sidebars_by_val->entries.count, 3);
	e = doc->sidebars_by_val->entries.items[0];
	assert_string_equal(e->entity, "sips:conf233@example.com;grid=78");
	assert_int_equal(e->state, CONFINFO_STATE_DELETED);
	e = doc->sidebars_by_val->entries.items[1];
	assert_int_equal(e->state, CONFINFO_STATE_PARTIAL);
	assert_int_equal(e->users->state, CONFINFO_STATE_PARTIAL);
	assert_int_equal(e->users->users.count, 1);
	assert_int_equal(
	    ((struct confinfo_user *)e->users->users.items[0])->state,
	    CONFINFO_STATE_DELETED);
	e = doc->sidebars_by_val->entries.items[2];
	assert_int_equal(e->state, CONFINFO_STATE_FULL);
	confinfo_conf_free(doc);
}

static void test_bad_args(void **st)
{
	struct confinfo_conf *old = tu_decode_str(BASE);
	struct confinfo_conf *other = tu_decode_str(BASE);
	struct confinfo_conf *doc = NULL;

	(void)st;
	assert_int_equal(confinfo_diff(NULL, old, old), EINVAL);
	assert_int_equal(confinfo_diff(&doc, NULL, old), EINVAL);
	assert_int_equal(confinfo_diff(&doc, old, NULL), EINVAL);
	assert_int_equal(confinfo_str_set(&other->entity, "sip:x@example.com"),
			 0);
	assert_int_equal(confinfo_diff(&doc, old, other), EINVAL);
	assert_int_equal(confinfo_str_set(&other->entity, ENTITY), 0);
	other->state = CONFINFO_STATE_PARTIAL;
	assert_int_equal(confinfo_diff(&doc, old, other), EINVAL);
	assert_int_equal(confinfo_diff(&doc, other, old), EINVAL);
	old->version.value = UINT32_MAX;
	assert_int_equal(confinfo_diff(&doc, old, old), EOVERFLOW);
	old->version.set = false;
	assert_int_equal(confinfo_diff(&doc, old, old), EINVAL);
	assert_null(doc);
	confinfo_conf_free(old);
	confinfo_conf_free(other);
}

/* Every allocation of a diff failing in turn: ENOMEM, no leak (ASan), no
 * output; then the result is right. */
static void test_alloc_failures(void **st)
{
	uint64_t rng = 42;
	struct confinfo_conf *old = gen_state(&rng, NULL);
	struct confinfo_conf *new = NULL;
	unsigned long n;

	(void)st;
	assert_int_equal(confinfo_conf_clone(&new, old), 0);
	for (int i = 0; i < 6; i++)
		gen_mutate(new, &rng);
	for (n = 1;; n++) {
		struct confinfo_conf *doc = NULL;
		int err;

		confinfo__alloc_fail_at(n);
		err = confinfo_diff(&doc, old, new);
		confinfo__alloc_fail_at(0);
		if (!err) {
			confinfo_conf_free(doc);
			doc = diff_checked(old, new);
			confinfo_conf_free(doc);
			break;
		}
		assert_int_equal(err, ENOMEM);
		assert_null(doc);
	}
	assert_true(n > 1);
	confinfo_conf_free(old);
	confinfo_conf_free(new);
}

/* ---------------------------------------------------------------------- *
 * The property.
 * ---------------------------------------------------------------------- */

#define PAIRS 2500

struct prop_case {
	uint64_t seed;
	unsigned index;
};

static void prop_fail(const struct prop_case *pc, const char *what,
		      const char *detail)
{
	fail_msg("property failed (%s%s%s) for CONFINFO_SEED=0x%016" PRIx64
		 " case %u",
		 what, detail ? ": " : "", detail ? detail : "", pc->seed,
		 pc->index);
}

/* Through XML: the encoded diff is schema-valid and decodes to itself. */
static struct confinfo_conf *through_xml(const struct prop_case *pc,
					 const struct confinfo_conf *doc)
{
	struct confinfo_diag diag = {0};
	struct confinfo_conf *back = NULL;
	char *xml = NULL;
	size_t len = 0;

	int err = confinfo_xml_encode(&xml, &len, doc);

	if (err)
		prop_fail(pc, "encode", strerror(err));
	et_assert_valid(xml);
	if (confinfo_xml_decode(&back, xml, len, NULL, &diag))
		prop_fail(pc, "decode of the encoded diff", diag.message);
	if (!confinfo_conf_equal(back, doc))
		prop_fail(pc, "decode(encode(diff)) != diff", xml);
	free(xml);
	return back;
}

/* What the property test saw, to show it covers the interesting cases. */
static struct {
	unsigned pairs, same, full_docs, users_full, user_partial, user_full;
	unsigned user_deleted, ep_partial, ep_full, sidebar_partial;
} stats;

static void count_shapes(const struct confinfo_conf *doc)
{
	stats.pairs++;
	if (!has_children(doc))
		stats.same++;
	if (doc->state == CONFINFO_STATE_FULL) {
		stats.full_docs++;
		return;
	}
	if (doc->sidebars_by_val &&
	    doc->sidebars_by_val->state == CONFINFO_STATE_PARTIAL)
		stats.sidebar_partial++;
	if (!doc->users)
		return;
	if (doc->users->state == CONFINFO_STATE_FULL)
		stats.users_full++;
	for (size_t i = 0; i < doc->users->users.count; i++) {
		const struct confinfo_user *u = doc->users->users.items[i];

		if (u->state == CONFINFO_STATE_PARTIAL)
			stats.user_partial++;
		else if (u->state == CONFINFO_STATE_DELETED)
			stats.user_deleted++;
		else
			stats.user_full++;
		for (size_t j = 0; j < u->endpoints.count; j++) {
			const struct confinfo_endpoint *e =
			    u->endpoints.items[j];

			if (e->state == CONFINFO_STATE_PARTIAL)
				stats.ep_partial++;
			else if (e->state == CONFINFO_STATE_FULL &&
				 u->state == CONFINFO_STATE_PARTIAL)
				stats.ep_full++;
		}
	}
}

/* Diff old -> new, check it through XML, apply it to a copy of old. */
static void check_pair(const struct prop_case *pc,
		       const struct confinfo_conf *old,
		       struct confinfo_conf *new)
{
	struct confinfo_conf *doc = NULL, *state = NULL, *wire;
	struct confinfo_diag diag = {0};
	enum confinfo_merge_result r;

	char *xml = tu_encode(new);

	/* gen.c promises schema-valid states, mutated or not. */
	et_assert_valid(xml);
	free(xml);
	if (confinfo_diff(&doc, old, new))
		prop_fail(pc, "diff", NULL);
	if (doc->version.value != old->version.value + 1)
		prop_fail(pc, "version", NULL);
	if (confinfo_conf_equal(old, new) && has_children(doc))
		prop_fail(pc, "no change but the diff has content", NULL);
	count_shapes(doc);
	wire = through_xml(pc, doc);
	confinfo_conf_free(doc);
	if (confinfo_conf_clone(&state, old))
		prop_fail(pc, "clone", NULL);
	if (confinfo_merge(&state, wire, &r, &diag))
		prop_fail(pc, "merge error", diag.message);
	if (r != CONFINFO_MERGE_APPLIED)
		prop_fail(pc, confinfo_merge_result_str(r), diag.message);
	new->version = state->version;
	if (!confinfo_conf_equal(state, new))
		prop_fail(pc, "merge(old, diff(old, new)) != new", NULL);
	confinfo_conf_free(state);
}

static void test_property(void **st)
{
	uint64_t master = gen_seed(0xc0f1f0d1ff5eedull);
	uint64_t rng = master;
	struct gen_opts opts = {0};

	(void)st;
	for (unsigned i = 0; i < PAIRS; i++) {
		struct prop_case pc = {master, i};
		uint64_t r = gen_next(&rng);
		struct confinfo_conf *old, *new = NULL;
		unsigned steps = 1 + gen_below(&r, 3);

		opts.max_users = 1 + gen_below(&r, 8);
		opts.no_ext = gen_chance(&r, 30);
		old = gen_state(&r, &opts);
		old->version.value = gen_below(&r, 1000);

		/* A chain old -> new1 -> new2 ..., each step a diff. */
		for (unsigned s = 0; s < steps; s++) {
			if (gen_chance(&r, 8)) {
				new = gen_state(&r, &opts);
			} else {
				assert_int_equal(confinfo_conf_clone(&new, old),
						 0);
				if (!gen_chance(&r, 5))
					gen_mutate(new, &r);
			}
			check_pair(&pc, old, new);
			confinfo_conf_free(old);
			old = new;
			new = NULL;
		}
		confinfo_conf_free(old);
	}
	print_message("  %u diffs: %u without change, %u full documents, %u "
		      "users full; users %u partial, %u full, %u deleted; "
		      "endpoints in partial users %u partial, %u full; %u "
		      "partial sidebars-by-val\n",
		      stats.pairs, stats.same, stats.full_docs,
		      stats.users_full, stats.user_partial, stats.user_full,
		      stats.user_deleted, stats.ep_partial, stats.ep_full,
		      stats.sidebar_partial);
	/* Every shape of document must have been produced and checked. */
	assert_true(stats.same > 0 && stats.full_docs > 0 &&
		    stats.users_full > 0 && stats.user_partial > 0 &&
		    stats.user_full > 0 && stats.user_deleted > 0 &&
		    stats.ep_partial > 0 && stats.ep_full > 0 &&
		    stats.sidebar_partial > 0);
}

static int teardown(void **st)
{
	(void)st;
	et_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_no_change),
	    cmocka_unit_test(test_media_status),
	    cmocka_unit_test(test_atomic_removal_full),
	    cmocka_unit_test(test_atomic_change),
	    cmocka_unit_test(test_user_field_removed),
	    cmocka_unit_test(test_endpoint_full),
	    cmocka_unit_test(test_user_added_removed),
	    cmocka_unit_test(test_reorder),
	    cmocka_unit_test(test_users_removed),
	    cmocka_unit_test(test_partial_or_full_user),
	    cmocka_unit_test(test_sidebars),
	    cmocka_unit_test(test_bad_args),
	    cmocka_unit_test(test_alloc_failures),
	    cmocka_unit_test(test_property),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
