/*
 * The notifier's views (src/sipnot/views.c) without the network:
 * subscriptions made in the test (what subscribe.c would make, minus the
 * dialog) are taken through what sipnot_sub_kick() and send_notify() do
 * before sending: decide the view, get its snapshot, get the body. Shows
 * that a change costs one rendering, diff and encoding per view (plus one
 * per private participant who subscribes), that each body holds what its
 * view may, that anonymous URIs follow the notifier's key, and that a new
 * policy changes views and asks for full state. The SIP side is
 * tests/interop/focus_views.sh.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <re.h>

#include "confinfo/notifier.h"
#include "confinfo/policy.h"
#include "confinfo/sipstack.h"
#include "sipnot/sipnot.h"
#include "testutil.h"

static struct confinfo_sipstack *the_stack;

static int setup(void **state)
{
	(void)state;
	assert_int_equal(libre_init(), 0);
	assert_int_equal(confinfo_sipstack_alloc(&the_stack, NULL, NULL), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	confinfo_sipstack_free(the_stack);
	libre_close();
	return 0;
}

#define DOC(STATUS)                                                            \
	"<conference-info xmlns=\"urn:ietf:params:xml:ns:conference-info\" "   \
	"xmlns:cp=\"urn:x-confinfo:params:xml:ns:privacy\" "                   \
	"entity=\"sip:room@example.com\" state=\"full\" version=\"1\"><users>" \
	"<user entity=\"sip:alice@example.com\"><display-text>Alice"           \
	"</display-text></user>"                                               \
	"<user entity=\"sip:bob@example.com\" cp:private=\"true\">"            \
	"<display-text>Bob Hidden</display-text><endpoint entity=\"sip:bob@"   \
	"pc.example.com;gr=urn:uuid:b0b\"><status>" STATUS "</status>"         \
	"</endpoint></user></users></conference-info>"

static struct confinfo_notifier *notifier(const char *policy, const char *key)
{
	struct confinfo_notifier_config cfg;
	struct confinfo_notifier *n = NULL;
	struct confinfo_view_policy *p = NULL;
	struct confinfo_conf *doc = tu_decode_str(DOC("connected"));

	confinfo_notifier_config_default(&cfg);
	if (key) {
		cfg.token_key = (const uint8_t *)key;
		cfg.token_key_len = strlen(key);
	}
	assert_int_equal(confinfo_notifier_alloc(
			     &n, confinfo_sipstack_sip(the_stack), &cfg, NULL),
			 0);
	if (policy) {
		assert_int_equal(confinfo_view_policy_parse(
				     &p, policy, strlen(policy), NULL),
				 0);
		assert_int_equal(confinfo_notifier_set_view_policy(n, p), 0);
	}
	assert_int_equal(confinfo_notifier_set_conf(n, "room", doc, NULL), 0);
	confinfo_conf_free(doc);
	return n;
}

static void change(struct confinfo_notifier *n, const char *xml)
{
	struct confinfo_conf *doc = tu_decode_str(xml);

	assert_int_equal(confinfo_notifier_set_conf(n, "room", doc, NULL), 0);
	confinfo_conf_free(doc);
}

static struct sipnot_conf *the_conf(struct confinfo_notifier *n)
{
	struct pl name = PL("room");

	return sipnot_conf_find(n, &name);
}

static void sub_destructor(void *arg)
{
	struct sipnot_sub *sub = arg;

	mem_deref(sub->sent);
	mem_deref(sub->own);
	mem_deref(sub->conf);
	free(sub->identity);
	free(sub->vid);
}

static struct sipnot_sub *sub_new(struct confinfo_notifier *n,
				  const char *identity)
{
	struct sipnot_sub *sub = mem_zalloc(sizeof(*sub), sub_destructor);

	assert_non_null(sub);
	sub->n = n;
	sub->conf = mem_ref(the_conf(n));
	if (identity)
		sub->identity = strdup(identity);
	return sub;
}

/* What kick and send_notify do for @p sub, short of sending: the body
 * (a copy, NUL-terminated), NULL when there is nothing to send. */
static char *deliver(struct sipnot_sub *sub)
{
	struct sipnot_snap *cur = NULL;
	const char *xml = NULL;
	size_t len = 0;
	bool empty = true, full;
	char *copy = NULL;

	assert_false(sipnot_view_update(sub));
	full = sub->need_full || !sub->sent;
	sub->need_full = false;
	assert_int_equal(sipnot_view_snap(sub, &cur), 0);
	assert_non_null(cur);
	assert_int_equal(sipnot_body_get(sub->conf, full ? NULL : sub->sent,
					 cur, sub->version + 1, &xml, &len,
					 &empty),
			 0);
	if (!empty) {
		sub->version++;
		copy = strndup(xml, len);
	}
	mem_deref(sub->sent);
	sub->sent = mem_ref(cur);
	return copy;
}

static unsigned used_diffs(const struct sipnot_cache *c)
{
	unsigned k = 0;

	for (unsigned i = 0; i < SIPNOT_CACHE_SLOTS; i++)
		k += c->diff[i].used;
	return k;
}

static unsigned used_bodies(const struct sipnot_cache *c)
{
	unsigned k = 0;

	for (unsigned i = 0; i < SIPNOT_CACHE_SLOTS; i++)
		k += c->body[i].xml != NULL;
	return k;
}

static const char POLICY3[] = "participants participant\n"
			      "authenticated public\n"
			      "subscriber sip:ops1@example.com full\n"
			      "subscriber sip:ops2@example.com full\n"
			      "subscriber sip:eve1@example.com participant\n"
			      "subscriber sip:eve2@example.com participant\n";

static void test_one_render_per_view(void **state)
{
	static const char *const ids[] = {
	    "sip:ops1@example.com", "sip:eve1@example.com",
	    "sip:pub1@example.com", "sip:ops2@example.com",
	    "sip:eve2@example.com", "sip:pub2@example.com",
	    "sip:bob@example.com"};
	struct confinfo_notifier *n = notifier(POLICY3, NULL);
	struct sipnot_conf *conf = the_conf(n);
	struct sipnot_sub *subs[7];
	char *body[7];
	struct sipnot_snap *snaps[7];

	(void)state;
	for (int i = 0; i < 7; i++) {
		subs[i] = sub_new(n, ids[i]);
		free(deliver(subs[i]));
	}
	change(n, DOC("on-hold"));
	for (int i = 0; i < 7; i++) {
		bool public = i == 2 || i == 5;

		body[i] = deliver(subs[i]);
		/* A change the public view does not show: no NOTIFY. */
		if (public)
			assert_null(body[i]);
		else
			assert_non_null(body[i]);
		assert_int_equal(subs[i]->version, public ? 1 : 2);
		snaps[i] = subs[i]->sent;
	}
	/* One snapshot per view (full is the state itself), shared. */
	assert_int_equal(subs[0]->view, CONFINFO_VIEW_FULL);
	assert_int_equal(subs[1]->view, CONFINFO_VIEW_PARTICIPANT);
	assert_int_equal(subs[2]->view, CONFINFO_VIEW_PUBLIC);
	assert_int_equal(subs[6]->view, CONFINFO_VIEW_PARTICIPANT);
	assert_ptr_equal(snaps[0], conf->snap);
	for (int i = 0; i < 3; i++)
		assert_ptr_equal(snaps[i], snaps[i + 3]);
	assert_true(snaps[0] != snaps[1] && snaps[1] != snaps[2] &&
		    snaps[0] != snaps[2]);
	/* bob, a private participant, has his own variant. */
	assert_true(snaps[6] != snaps[1] && snaps[6]->own);
	/* One diff per view (public's empty) and two bodies, each in the
	 * cache of its view, shared by six subscribers; bob's own. */
	assert_null(snaps[0]->cache);
	assert_int_equal(used_diffs(&conf->cache), 1);
	assert_int_equal(used_bodies(&conf->cache), 1);
	assert_int_equal(used_diffs(snaps[1]->cache), 1);
	assert_int_equal(used_bodies(snaps[1]->cache), 1);
	assert_int_equal(used_diffs(snaps[2]->cache), 1);
	assert_int_equal(used_bodies(snaps[2]->cache), 0);
	assert_int_equal(used_diffs(snaps[6]->cache), 1);
	assert_int_equal(used_bodies(snaps[6]->cache), 1);
	for (int i = 0; i < 2; i++)
		assert_string_equal(body[i], body[i + 3]);
	/* What each may see: the change is in every view but public. */
	assert_non_null(strstr(body[0], "sip:bob@example.com"));
	assert_null(strstr(body[1], "bob"));
	assert_non_null(strstr(body[1], "@anonymous.invalid"));
	assert_non_null(strstr(body[1], "on-hold"));
	assert_non_null(strstr(body[6], "sip:bob@pc.example.com"));
	for (int i = 0; i < 7; i++)
		free(body[i]);
	/* Nothing changed: nothing to send, nothing rendered again. */
	assert_null(deliver(subs[1]));
	assert_ptr_equal(subs[1]->sent, snaps[1]);
	for (int i = 0; i < 7; i++)
		mem_deref(subs[i]);
	confinfo_notifier_free(n);
}

/* bob's anonymous entity as a participant of @p n's conference @p name
 * sees it. */
static void anon_in(struct confinfo_notifier *n, const char *name,
		    char out[128])
{
	struct sipnot_sub *sub = sub_new(n, "sip:alice@example.com");
	struct pl pl;
	char *xml;

	pl_set_str(&pl, name);
	mem_deref(sub->conf);
	sub->conf = mem_ref(sipnot_conf_find(n, &pl));
	assert_non_null(sub->conf);
	xml = deliver(sub);
	const char *p = strstr(xml, "sip:anonymous");

	assert_non_null(p);
	snprintf(out, 128, "%.*s", (int)strcspn(p, "\""), p);
	free(xml);
	mem_deref(sub);
}

static void anon_of(struct confinfo_notifier *n, char out[128])
{
	anon_in(n, "room", out);
}

static void test_anonymous_key(void **state)
{
	struct confinfo_notifier *a = notifier("", "shared key");
	struct confinfo_notifier *b = notifier("", "shared key");
	struct confinfo_notifier *c = notifier("", NULL);
	char ua[128], ua2[128], ub[128], uc[128], other[128];
	struct confinfo_conf *doc;

	(void)state;
	anon_of(a, ua);
	change(a, DOC("on-hold"));
	anon_of(a, ua2);
	anon_of(b, ub);
	anon_of(c, uc);
	/* The same user in another conference of the same notifier. */
	doc = tu_decode_str(DOC("connected"));
	assert_int_equal(
	    confinfo_str_set(&doc->entity, "sip:room2@example.com"), 0);
	assert_int_equal(confinfo_notifier_set_conf(a, "room2", doc, NULL), 0);
	confinfo_conf_free(doc);
	anon_in(a, "room2", other);
	assert_true(strlen(other) > 20);
	assert_string_not_equal(ua, other);
	/* 64 hex digits of HMAC-SHA256. */
	assert_int_equal(strlen(ua), strlen("sip:anonymous") + 64 +
					 strlen("@anonymous.invalid"));
	assert_string_equal(ua, ua2); /* stable across changes */
	assert_string_equal(ua, ub);  /* one key, one URI: several nodes */
	assert_string_not_equal(ua, uc);
	confinfo_notifier_free(a);
	confinfo_notifier_free(b);
	confinfo_notifier_free(c);
}

static void test_policy_change(void **state)
{
	struct confinfo_notifier *n = notifier("authenticated public\n", NULL);
	struct sipnot_sub *eve = sub_new(n, "sip:eve@example.com");
	struct sipnot_sub *anon = sub_new(n, NULL);
	struct confinfo_view_policy *p = NULL;
	static const char next[] = "authenticated participant\n"
				   "anonymous public\n"
				   "private-display-text Someone\n";
	char *xml;

	(void)state;
	xml = deliver(eve);
	assert_null(strstr(xml, "<user "));
	free(xml);
	free(deliver(anon));
	assert_int_equal(anon->view, CONFINFO_VIEW_PUBLIC);
	assert_int_equal(
	    confinfo_view_policy_parse(&p, next, sizeof(next) - 1, NULL), 0);
	assert_int_equal(confinfo_notifier_set_view_policy(n, p), 0);
	/* eve's view changed: full state of the new one, version on. */
	assert_false(sipnot_view_update(eve));
	assert_true(eve->need_full);
	xml = deliver(eve);
	assert_int_equal(eve->view, CONFINFO_VIEW_PARTICIPANT);
	assert_int_equal(eve->version, 2);
	assert_non_null(strstr(xml, "state=\"full\""));
	assert_non_null(strstr(xml, "Someone"));
	assert_null(strstr(xml, "Bob"));
	free(xml);
	/* The anonymous subscriber's did not: nothing to send. */
	assert_false(sipnot_view_update(anon));
	assert_false(anon->need_full);
	assert_null(deliver(anon));
	/* No policy: everyone full again. */
	assert_int_equal(confinfo_notifier_set_view_policy(n, NULL), 0);
	xml = deliver(anon);
	assert_int_equal(anon->view, CONFINFO_VIEW_FULL);
	assert_non_null(strstr(xml, "Bob Hidden"));
	free(xml);
	mem_deref(eve);
	mem_deref(anon);
	confinfo_notifier_free(n);
}

/* Class changes come with the state: alice becomes chair, then leaves. */
static void test_class_change(void **state)
{
	static const char chair_doc[] =
	    "<conference-info xmlns=\"urn:ietf:params:xml:ns:conference-info\" "
	    "entity=\"sip:room@example.com\" state=\"full\" version=\"1\">"
	    "<users><user entity=\"sip:alice@example.com\"><roles><entry>"
	    "moderator</entry></roles></user></users></conference-info>";
	static const char gone_doc[] =
	    "<conference-info xmlns=\"urn:ietf:params:xml:ns:conference-info\" "
	    "entity=\"sip:room@example.com\" state=\"full\" version=\"1\">"
	    "<users/></conference-info>";
	struct confinfo_notifier *n =
	    notifier("participants participant\nauthenticated public\n"
		     "chair-roles moderator\n",
		     NULL);
	struct sipnot_sub *alice = sub_new(n, "sip:alice@EXAMPLE.com");
	uint32_t v;

	(void)state;
	free(deliver(alice));
	assert_int_equal(alice->view, CONFINFO_VIEW_PARTICIPANT);
	change(n, chair_doc);
	assert_false(sipnot_view_update(alice));
	assert_int_equal(alice->view, CONFINFO_VIEW_FULL);
	assert_true(alice->need_full);
	free(deliver(alice));
	v = alice->version;
	change(n, gone_doc);
	assert_false(sipnot_view_update(alice));
	assert_int_equal(alice->view, CONFINFO_VIEW_PUBLIC);
	assert_true(alice->need_full);
	free(deliver(alice));
	assert_int_equal(alice->version, v + 1);
	mem_deref(alice);
	confinfo_notifier_free(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_one_render_per_view),
	    cmocka_unit_test(test_anonymous_key),
	    cmocka_unit_test(test_policy_change),
	    cmocka_unit_test(test_class_change),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
