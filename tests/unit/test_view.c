/*
 * confinfo_view_render(): every view, every element that can carry a
 * private user's identity, the subscriber's own view, token stability, the
 * diff/merge property per view, and every allocation failure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confinfo/diff.h"
#include "confinfo/merge.h"
#include "confinfo/uri.h"
#include "confinfo/view.h"
#include "confinfo/xml.h"
#include "model/alloc.h"
#include "testutil.h"

/* alice is the private one: every place her identity can be. bob joined
 * because alice dialed him out and was referred by her home AOR. */
#define DOC(CONF, BOB_STATUS, EXTRA_USER)                                      \
	"<?xml version=\"1.0\"?>\n"                                            \
	"<conference-info xmlns=\"urn:ietf:params:xml:ns:conference-info\" "   \
	"entity=\"" CONF "\" state=\"full\" version=\"1\">"                    \
	"<conference-description><subject>Plans</subject><conf-uris><entry>"   \
	"<uri>" CONF "</uri></entry></conf-uris><service-uris><entry>"         \
	"<uri>xmpp:room@muc.example.com?join</uri><purpose>grouptextchat"      \
	"</purpose></entry></service-uris></conference-description>"           \
	"<users>"                                                              \
	"<user entity=\"sip:alice@example.com\"><display-text>Alice Liddell"   \
	"</display-text><associated-aors><entry><uri>sip:alice@home.example."  \
	"org</uri><display-text>alice home</display-text></entry>"             \
	"</associated-aors><roles><entry>participant</entry></roles>"          \
	"<cascaded-focus>sip:alice-focus@example.com</cascaded-focus>"         \
	"<endpoint entity=\"sip:alice@pc.example.com;gr=urn:uuid:1\">"         \
	"<display-text>Alice's laptop</display-text><status>connected"         \
	"</status><joining-method>dialed-in</joining-method><joining-info>"    \
	"<by>sip:alice@example.com</by></joining-info><media id=\"1\">"        \
	"<display-text>Alice's camera</display-text><type>video</type>"        \
	"</media><call-info><sip><display-text>alice call</display-text>"      \
	"<call-id>c1@pc.alice.example.com</call-id><from-tag>alicetag"         \
	"</from-tag><to-tag>t2</to-tag></sip></call-info></endpoint></user>"   \
	"<user "                                                               \
	"entity=\"sip:bob@example.com\"><display-text>Bob</display-text>"      \
	"<endpoint entity=\"sip:bob@10.0.0.2\"><referred><by>sip:alice@home."  \
	"example.org</by></referred><status>" BOB_STATUS "</status>"           \
	"<joining-info><by>sip:alice@EXAMPLE.COM</by></joining-info>"          \
	"<disconnection-info><by>sip:alice-focus@example.com</by>"             \
	"</disconnection-info></endpoint></user>" EXTRA_USER "</users>"        \
	"<sidebars-by-val><entry entity=\"sip:side1@example.com\"><users>"     \
	"<user entity=\"sip:alice@example.com\"><display-text>Alice Liddell"   \
	"</display-text><endpoint entity=\"sip:alice@pc.example.com;gr=urn:"   \
	"uuid:1\"/></user></users></entry></sidebars-by-val>"                  \
	"</conference-info>"

#define CAROL "<user entity=\"sip:carol@example.com\"/>"

struct privset {
	const char *const *entities;
	size_t count;
};

static bool priv_cb(const struct confinfo_user *user, void *arg)
{
	const struct privset *s = arg;
	size_t i;

	for (i = 0; i < s->count; i++)
		if (!strcmp(s->entities[i], user->entity))
			return true;
	return false;
}

static bool all_private(const struct confinfo_user *user, void *arg)
{
	(void)user;
	(void)arg;
	return true;
}

static const char *const alice_only[] = {"sip:alice@example.com"};
static struct privset alice_set = {alice_only, 1};

static struct confinfo_view_params params(enum confinfo_view v)
{
	struct confinfo_view_params p = {0};

	p.view = v;
	p.private_h = priv_cb;
	p.private_arg = &alice_set;
	p.token_h = confinfo_view_token_insecure;
	return p;
}

static struct confinfo_conf *render(const struct confinfo_conf *state,
				    const struct confinfo_view_params *p)
{
	struct confinfo_conf *out = NULL;

	assert_int_equal(confinfo_view_render(&out, state, p), 0);
	return out;
}

/* Render, checking the input is left as it was. */
static struct confinfo_conf *
render_checked(const struct confinfo_conf *state,
	       const struct confinfo_view_params *p)
{
	struct confinfo_conf *before = NULL, *out;

	assert_int_equal(confinfo_conf_clone(&before, state), 0);
	out = render(state, p);
	assert_true(confinfo_conf_equal(before, state));
	confinfo_conf_free(before);
	return out;
}

static bool is_anon(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n > 31 && !strncmp(s, "sip:anonymous", 13) &&
	       !strcmp(s + n - 18, "@anonymous.invalid");
}

static void test_names(void **state)
{
	enum confinfo_view v = CONFINFO_VIEW_FULL;
	enum confinfo_view all[] = {CONFINFO_VIEW_NONE, CONFINFO_VIEW_PUBLIC,
				    CONFINFO_VIEW_PARTICIPANT,
				    CONFINFO_VIEW_FULL};
	size_t i;

	(void)state;
	assert_string_equal(confinfo_view_str(CONFINFO_VIEW_FULL), "full");
	assert_string_equal(confinfo_view_str(CONFINFO_VIEW_PARTICIPANT),
			    "participant");
	assert_string_equal(confinfo_view_str(CONFINFO_VIEW_PUBLIC), "public");
	assert_string_equal(confinfo_view_str(CONFINFO_VIEW_NONE), "none");
	assert_null(confinfo_view_str((enum confinfo_view)42));
	for (i = 0; i < 4; i++) {
		const char *s = confinfo_view_str(all[i]);

		assert_int_equal(confinfo_view_parse(&v, s, strlen(s)), 0);
		assert_int_equal(v, all[i]);
	}
	v = CONFINFO_VIEW_FULL;
	assert_int_equal(confinfo_view_parse(&v, "Full", 4), EINVAL);
	assert_int_equal(confinfo_view_parse(&v, "publicx", 7), EINVAL);
	assert_int_equal(confinfo_view_parse(&v, "public", 5), EINVAL);
	assert_int_equal(confinfo_view_parse(&v, "none", 4), 0);
	assert_int_equal(v, CONFINFO_VIEW_NONE);
}

static void test_full_and_none(void **state)
{
	struct confinfo_conf *doc =
	    tu_decode_str(DOC("sip:c@x", "connected", ""));
	struct confinfo_view_params p = params(CONFINFO_VIEW_FULL);
	struct confinfo_conf *out = render_checked(doc, &p);

	(void)state;
	assert_true(confinfo_conf_equal(out, doc));
	assert_ptr_not_equal(out, doc);
	confinfo_conf_free(out);

	p.view = CONFINFO_VIEW_NONE;
	out = (struct confinfo_conf *)doc;
	assert_int_equal(confinfo_view_render(&out, doc, &p), 0);
	assert_null(out);
	confinfo_conf_free(doc);
}

/* The encoded participant view holds no trace of alice. */
static void test_participant_anonymises(void **state)
{
	struct confinfo_conf *doc =
	    tu_decode_str(DOC("sip:c@x", "connected", ""));
	struct confinfo_view_params p = params(CONFINFO_VIEW_PARTICIPANT);
	struct confinfo_conf *out = render_checked(doc, &p);
	struct confinfo_user *a, *b, *sa;
	struct confinfo_endpoint *ep, *bep;
	struct confinfo_uri_entry *aor;
	char *xml = tu_encode(out);

	(void)state;
	assert_null(strstr(xml, "alice"));
	assert_null(strstr(xml, "Alice"));
	assert_null(strstr(xml, "ALICE"));
	assert_null(strstr(xml, "alicetag"));
	assert_non_null(strstr(xml, "sip:bob@example.com"));
	assert_non_null(strstr(xml, "xmpp:room@muc.example.com?join"));

	assert_int_equal(out->users->users.count, 2);
	a = out->users->users.items[0];
	b = out->users->users.items[1];
	assert_true(is_anon(a->entity));
	assert_null(a->display_text);
	assert_true(is_anon(a->cascaded_focus));
	assert_int_equal(a->roles->count, 1);
	aor = a->associated_aors->entries.items[0];
	assert_true(is_anon(aor->uri));
	assert_null(aor->display_text);
	assert_string_not_equal(aor->uri, a->entity);
	ep = a->endpoints.items[0];
	assert_true(is_anon(ep->entity));
	assert_string_not_equal(ep->entity, a->entity);
	assert_null(ep->display_text);
	assert_string_equal(ep->joining_info->by, a->entity);
	assert_null(
	    ((struct confinfo_media *)ep->media.items[0])->display_text);
	assert_non_null(ep->call_info->sip);
	assert_null(ep->call_info->sip->display_text);
	assert_string_not_equal(ep->call_info->sip->call_id,
				"c1@pc.alice.example.com");
	assert_string_not_equal(ep->call_info->sip->from_tag, "alicetag");
	assert_string_not_equal(ep->call_info->sip->to_tag, "t2");
	/* The keys are found through the (rebuilt) indexes. */
	assert_ptr_equal(confinfo_conf_user(out, a->entity), a);
	assert_ptr_equal(confinfo_user_endpoint(a, ep->entity), ep);
	assert_null(confinfo_conf_user(out, "sip:alice@example.com"));
	assert_non_null(
	    confinfo_list_find(&a->associated_aors->entries, aor->uri));

	/* bob is not private; only the by naming alice changed: her AOR,
	 * her entity in another spelling, her cascaded focus. */
	assert_string_equal(b->entity, "sip:bob@example.com");
	assert_string_equal(b->display_text, "Bob");
	bep = b->endpoints.items[0];
	assert_string_equal(bep->entity, "sip:bob@10.0.0.2");
	assert_string_equal(bep->referred->by, aor->uri);
	assert_string_equal(bep->joining_info->by, a->entity);
	assert_string_equal(bep->disconnection_info->by, a->cascaded_focus);

	/* The sidebar: the same anonymous URIs (one conference). */
	sa = ((struct confinfo_conf *)out->sidebars_by_val->entries.items[0])
		 ->users->users.items[0];
	assert_string_equal(sa->entity, a->entity);
	assert_string_equal(
	    ((struct confinfo_endpoint *)sa->endpoints.items[0])->entity,
	    ep->entity);
	free(xml);
	confinfo_conf_free(out);

	/* A replacement display text. */
	p.private_display_text = "Anonymous";
	out = render(doc, &p);
	a = out->users->users.items[0];
	assert_string_equal(a->display_text, "Anonymous");
	assert_string_equal(
	    ((struct confinfo_endpoint *)a->endpoints.items[0])->display_text,
	    "Anonymous");
	confinfo_conf_free(out);

	/* Nobody private: the participant view is the state. */
	p.private_h = NULL;
	out = render(doc, &p);
	assert_true(confinfo_conf_equal(out, doc));
	confinfo_conf_free(out);
	confinfo_conf_free(doc);
}

static void test_self_unmasked(void **state)
{
	static const char *const selves[] = {
	    "sip:alice@example.com", "sip:alice@EXAMPLE.com",
	    "sip:alice@home.example.org", "sip:alice@example.com;ob"};
	struct confinfo_conf *doc =
	    tu_decode_str(DOC("sip:c@x", "connected", ""));
	struct confinfo_view_params p = params(CONFINFO_VIEW_PARTICIPANT);
	struct confinfo_conf *out;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(selves) / sizeof(selves[0]); i++) {
		p.self = selves[i];
		out = render(doc, &p);
		if (!confinfo_conf_equal(out, doc))
			fail_msg("self %s: alice masked", selves[i]);
		confinfo_conf_free(out);
	}
	/* Someone else, or not a URI: alice stays masked. */
	p.self = "sip:bob@example.com";
	out = render(doc, &p);
	assert_true(is_anon(
	    ((struct confinfo_user *)out->users->users.items[0])->entity));
	confinfo_conf_free(out);
	p.self = "alice";
	out = render(doc, &p);
	assert_false(confinfo_conf_equal(out, doc));
	confinfo_conf_free(out);
	/* Another target by the library's rule (confinfo_uri_same_target():
	 * transport, user case). */
	p.self = "sip:alice@example.com;transport=tcp";
	out = render(doc, &p);
	assert_false(confinfo_conf_equal(out, doc));
	confinfo_conf_free(out);
	p.self = "sip:Alice@example.com";
	out = render(doc, &p);
	assert_false(confinfo_conf_equal(out, doc));
	confinfo_conf_free(out);
	confinfo_conf_free(doc);
}

static void test_public(void **state)
{
	struct confinfo_conf *doc =
	    tu_decode_str(DOC("sip:c@x", "connected", ""));
	struct confinfo_view_params p = params(CONFINFO_VIEW_PUBLIC);
	struct confinfo_conf *out = render_checked(doc, &p);
	char *xml = tu_encode(out);

	(void)state;
	assert_null(out->users);
	assert_null(out->sidebars_by_val);
	assert_true(
	    confinfo_description_equal(out->description, doc->description));
	assert_true(out->conf_state->user_count.set);
	assert_int_equal(out->conf_state->user_count.value, 2);
	assert_null(strstr(xml, "alice"));
	assert_null(strstr(xml, "bob"));
	assert_non_null(strstr(xml, "grouptextchat"));
	free(xml);
	confinfo_conf_free(out);
	confinfo_conf_free(doc);

	/* A user-count the state gives is kept (33 in RFC 4575 7.1). */
	doc = tu_decode_vector("rfc4575/rfc4575-example-7.1.xml");
	out = render(doc, &p);
	assert_null(out->users);
	assert_int_equal(out->conf_state->user_count.value, 33);
	assert_string_equal(out->description->subject,
			    "Agenda: This month's goals");
	confinfo_conf_free(out);
	confinfo_conf_free(doc);
}

/* RFC 4575 7.1 with bob private: his endpoint, and mike's by untouched. */
static void test_example_71(void **state)
{
	static const char *const bob[] = {"sip:bob@example.com"};
	struct privset set = {bob, 1};
	struct confinfo_conf *doc =
	    tu_decode_vector("rfc4575/rfc4575-example-7.1.xml");
	struct confinfo_view_params p = params(CONFINFO_VIEW_PARTICIPANT);
	struct confinfo_conf *out;
	struct confinfo_user *b, *a;
	struct confinfo_endpoint *ep;
	char *xml;

	(void)state;
	p.private_arg = &set;
	out = render(doc, &p);
	b = out->users->users.items[0];
	a = out->users->users.items[1];
	ep = b->endpoints.items[0];
	assert_true(is_anon(b->entity));
	assert_true(is_anon(ep->entity));
	assert_null(b->display_text);
	assert_string_equal(ep->disconnection_info->by, "sip:mike@example.com");
	assert_string_equal(a->entity, "sip:alice@example.com");
	xml = tu_encode(out);
	assert_null(strstr(xml, "bob"));
	assert_null(strstr(xml, "Bob"));
	free(xml);
	confinfo_conf_free(out);
	confinfo_conf_free(doc);
}

/* Every valid vector, everyone private: no user's entity, AOR or endpoint
 * entity survives in the encoded participant view. */
static void check_vector_all_private(const char *path)
{
	struct confinfo_conf *doc = tu_decode_vector(path);
	struct confinfo_view_params p = params(CONFINFO_VIEW_PARTICIPANT);
	struct confinfo_conf *out;
	enum confinfo_view v;
	size_t i, j;
	char *xml;

	p.private_h = all_private;
	out = render_checked(doc, &p);
	xml = tu_encode(out);
	for (i = 0; doc->users && i < doc->users->users.count; i++) {
		const struct confinfo_user *u = doc->users->users.items[i];

		if (strstr(xml, u->entity))
			fail_msg("%s: %s leaked", path, u->entity);
		for (j = 0; j < u->endpoints.count; j++) {
			const char *e =
			    confinfo_item_key(u->endpoints.items[j]);

			if (e && strstr(xml, e))
				fail_msg("%s: %s leaked", path, e);
		}
		for (j = 0; u->associated_aors &&
			    j < u->associated_aors->entries.count;
		     j++) {
			const char *e = confinfo_item_key(
			    u->associated_aors->entries.items[j]);

			if (strstr(xml, e))
				fail_msg("%s: %s leaked", path, e);
		}
	}
	free(xml);
	confinfo_conf_free(out);
	for (v = CONFINFO_VIEW_PUBLIC; v <= CONFINFO_VIEW_FULL; v++) {
		p.view = v;
		confinfo_conf_free(render_checked(doc, &p));
	}
	confinfo_conf_free(doc);
}

static void test_vectors(void **state)
{
	(void)state;
	assert_true(tu_each_vector("valid", check_vector_all_private) >= 3);
	assert_true(tu_each_vector("rfc4575", check_vector_all_private) == 2);
}

static const char *anon_entity(const char *xml, const char *self)
{
	static char buf[200];
	struct confinfo_conf *doc = tu_decode_str(xml);
	struct confinfo_view_params p = params(CONFINFO_VIEW_PARTICIPANT);
	struct confinfo_conf *out;

	p.self = self;
	out = render(doc, &p);
	snprintf(buf, sizeof(buf), "%s",
		 ((struct confinfo_user *)out->users->users.items[0])->entity);
	confinfo_conf_free(out);
	confinfo_conf_free(doc);
	return buf;
}

static void test_tokens_stable(void **state)
{
	char one[200], changed[200], other[200];

	(void)state;
	snprintf(one, sizeof(one), "%s",
		 anon_entity(DOC("sip:c@x", "connected", ""), NULL));
	snprintf(changed, sizeof(changed), "%s",
		 anon_entity(DOC("sip:c@x", "on-hold", CAROL), NULL));
	snprintf(other, sizeof(other), "%s",
		 anon_entity(DOC("sip:d@x", "connected", ""), NULL));
	assert_true(is_anon(one));
	assert_string_equal(one, changed);
	assert_string_not_equal(one, other);
}

static int bad_token(const char *conf, const char *id, char *out, size_t size,
		     void *arg)
{
	(void)conf;
	(void)id;
	(void)arg;
	snprintf(out, size, "%s", "Not@OK");
	return 0;
}

static int failing_token(const char *conf, const char *id, char *out,
			 size_t size, void *arg)
{
	(void)conf;
	(void)id;
	(void)out;
	(void)size;
	(void)arg;
	return EIO;
}

static void test_errors(void **state)
{
	struct confinfo_conf *doc =
	    tu_decode_str(DOC("sip:c@x", "connected", ""));
	struct confinfo_view_params p = params(CONFINFO_VIEW_PARTICIPANT);
	struct confinfo_conf *out = (struct confinfo_conf *)&p;
	char tok[CONFINFO_VIEW_TOKEN_MAX];

	(void)state;
	assert_int_equal(confinfo_view_render(NULL, doc, &p), EINVAL);
	assert_int_equal(confinfo_view_render(&out, NULL, &p), EINVAL);
	assert_int_equal(confinfo_view_render(&out, doc, NULL), EINVAL);
	p.view = (enum confinfo_view)9;
	assert_int_equal(confinfo_view_render(&out, doc, &p), EINVAL);
	p = params(CONFINFO_VIEW_PARTICIPANT);
	p.token_h = NULL;
	assert_int_equal(confinfo_view_render(&out, doc, &p), EINVAL);
	p.token_h = bad_token;
	assert_int_equal(confinfo_view_render(&out, doc, &p), EINVAL);
	p.token_h = failing_token;
	assert_int_equal(confinfo_view_render(&out, doc, &p), EIO);
	assert_ptr_equal(out, (struct confinfo_conf *)&p);
	/* A state that already holds alice's anonymous URI as a key. */
	assert_int_equal(confinfo_view_token_insecure("sip:c@x",
						      "sip:alice@example.com",
						      tok, sizeof(tok), NULL),
			 0);
	{
		char xml[600];
		struct confinfo_conf *clash;

		snprintf(xml, sizeof(xml),
			 "<conference-info xmlns=\"" CONFINFO_NS "\" "
			 "entity=\"sip:c@x\" version=\"1\"><users><user "
			 "entity=\"sip:alice@example.com\"/><user "
			 "entity=\"sip:anonymous%s@anonymous.invalid\"/>"
			 "</users></conference-info>",
			 tok);
		clash = tu_decode_str(xml);
		p = params(CONFINFO_VIEW_PARTICIPANT);
		assert_int_equal(confinfo_view_render(&out, clash, &p), EEXIST);
		assert_ptr_equal(out, (struct confinfo_conf *)&p);
		confinfo_conf_free(clash);
	}
	assert_int_equal(confinfo_view_token_insecure("a", "b", tok, 32, NULL),
			 EINVAL);
	assert_int_equal(confinfo_view_token_insecure("a", "b", tok, 33, NULL),
			 0);
	assert_int_equal(strlen(tok), 32);
	confinfo_conf_free(doc);
}

/* merge(view(old), diff(view(old), view(new))) == view(new). */
static void check_property(const char *old_xml, const char *new_xml,
			   const char *self)
{
	struct confinfo_conf *old_s = tu_decode_str(old_xml);
	struct confinfo_conf *new_s = tu_decode_str(new_xml);
	enum confinfo_view v;

	/* The states must differ, or the property says nothing. */
	assert_false(confinfo_conf_equal(old_s, new_s));
	for (v = CONFINFO_VIEW_PUBLIC; v <= CONFINFO_VIEW_FULL; v++) {
		struct confinfo_view_params p = params(v);
		struct confinfo_conf *vo, *vn, *d = NULL;
		enum confinfo_merge_result r;

		p.self = self;
		vo = render(old_s, &p);
		vn = render(new_s, &p);
		assert_int_equal(confinfo_diff(&d, vo, vn), 0);
		assert_int_equal(confinfo_merge(&vo, d, &r, NULL), 0);
		assert_int_equal(r, CONFINFO_MERGE_APPLIED);
		vn->version = vo->version;
		if (!confinfo_conf_equal(vo, vn))
			fail_msg("view %s: merge(diff) != view(new)",
				 confinfo_view_str(v));
		confinfo_conf_free(vo);
		confinfo_conf_free(vn);
	}
	confinfo_conf_free(old_s);
	confinfo_conf_free(new_s);
}

static void test_diff_merge(void **state)
{
	(void)state;
	check_property(DOC("sip:c@x", "connected", ""),
		       DOC("sip:c@x", "on-hold", CAROL), NULL);
	check_property(DOC("sip:c@x", "on-hold", CAROL),
		       DOC("sip:c@x", "connected", ""), NULL);
	check_property(DOC("sip:c@x", "connected", ""),
		       DOC("sip:c@x", "on-hold", CAROL),
		       "sip:alice@example.com");
}

/* Every allocation failing in turn: ENOMEM, *outp untouched, or the same
 * result as without failures. */
static void test_enomem(void **state)
{
	struct confinfo_conf *doc =
	    tu_decode_str(DOC("sip:c@x", "connected", ""));
	enum confinfo_view v;

	(void)state;
	/* The participant view twice: as someone else, and as alice (found
	 * by her AOR, so the sidebar lookup runs too). */
	for (v = CONFINFO_VIEW_PUBLIC; v <= CONFINFO_VIEW_FULL + 1; v++) {
		struct confinfo_view_params p = params(
		    v > CONFINFO_VIEW_FULL ? CONFINFO_VIEW_PARTICIPANT : v);
		struct confinfo_conf *want;
		unsigned long n, nomem = 0;

		p.self = v > CONFINFO_VIEW_FULL ? "sip:alice@home.example.org"
						: "sip:bob@example.com";
		p.private_display_text = "Anonymous";
		want = render(doc, &p);

		for (n = 1;; n++) {
			struct confinfo_conf *got = (struct confinfo_conf *)&p;
			int err, failed;

			confinfo__alloc_fail_at(n);
			err = confinfo_view_render(&got, doc, &p);
			failed = confinfo__alloc_failed();
			confinfo__alloc_fail_at(0);
			if (err) {
				assert_int_equal(err, ENOMEM);
				assert_true(failed);
				assert_ptr_equal(got,
						 (struct confinfo_conf *)&p);
				nomem++;
				continue;
			}
			if (!confinfo_conf_equal(got, want))
				fail_msg("view %s, n=%lu: differs",
					 confinfo_view_str(p.view), n);
			confinfo_conf_free(got);
			if (!failed)
				break;
		}
		if (nomem < 10)
			fail_msg("view %s: only %lu ENOMEM",
				 confinfo_view_str(v), nomem);
		confinfo_conf_free(want);
	}
	confinfo_conf_free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_full_and_none),
	    cmocka_unit_test(test_participant_anonymises),
	    cmocka_unit_test(test_self_unmasked),
	    cmocka_unit_test(test_public),
	    cmocka_unit_test(test_example_71),
	    cmocka_unit_test(test_vectors),
	    cmocka_unit_test(test_tokens_stable),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_diff_merge),
	    cmocka_unit_test(test_enomem),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
