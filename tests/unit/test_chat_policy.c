/*
 * The chat module's policy object and its helpers for documents
 * (docs/chat-rooms.md sections 1 and 6): setters and their errors, the
 * related-pairs limit, the warning when a document's entity is not the
 * subscribed URI, the user count used by the size rule, and the warnings a
 * listed room adds to its verdict. The verdict table is in test_chat.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confinfo/chat.h"
#include "testutil.h"

#define CONF "sip:dev@example.com"

static struct confinfo_uri *conf_of(const char *s)
{
	struct confinfo_uri *u = NULL;
	struct confinfo_diag d = {0};

	if (confinfo_chat_conference_parse(&u, s, strlen(s), &d))
		fail_msg("conference %s: %s", s, d.message);
	return u;
}

static bool has_warning(const struct confinfo_chat_verdict *v,
			const char *needle)
{
	for (size_t i = 0; i < v->warning_count; i++) {
		if (strstr(v->warnings[i], needle))
			return true;
	}
	return false;
}

static void test_policy(void **state)
{
	struct confinfo_chat_policy *p = NULL;
	struct confinfo_diag d = {0};
	char a[32], b[32];

	(void)state;
	assert_int_equal(confinfo_chat_policy_alloc(NULL), EINVAL);
	assert_int_equal(confinfo_chat_policy_alloc(&p), 0);
	assert_int_equal(confinfo_chat_policy_set_related(
			     p, (enum confinfo_chat_related_mode)7),
			 EINVAL);
	assert_int_equal(confinfo_chat_policy_set_auto_join(
			     p, (enum confinfo_chat_auto_join) - 1),
			 EINVAL);
	assert_int_equal(
	    confinfo_chat_policy_set_related(NULL, CONFINFO_CHAT_RELATED_PSL),
	    EINVAL);
	assert_int_equal(confinfo_chat_policy_set_max_auto_join_users(NULL, 1),
			 EINVAL);
	assert_int_equal(confinfo_chat_policy_set_require_name_match(NULL, 1),
			 EINVAL);
	assert_int_equal(confinfo_chat_policy_add_related(
			     p, "example..com", "chat.example.com", &d),
			 EINVAL);
	assert_non_null(strstr(d.message, "conference domain"));
	memset(&d, 0, sizeof(d));
	assert_int_equal(confinfo_chat_policy_add_related(p, "example.com",
							  "2130706433", &d),
			 EINVAL);
	assert_non_null(strstr(d.message, "chat domain"));
	assert_int_equal(
	    confinfo_chat_policy_add_related(p, NULL, "x.com", NULL), EINVAL);
	for (int i = 0; i < CONFINFO_CHAT_MAX_RELATED_PAIRS; i++) {
		snprintf(a, sizeof(a), "c%d.example.com", i);
		snprintf(b, sizeof(b), "r%d.example.net", i);
		assert_int_equal(
		    confinfo_chat_policy_add_related(p, a, b, NULL), 0);
	}
	assert_int_equal(
	    confinfo_chat_policy_add_related(p, "x.com", "y.com", NULL),
	    ENOSPC);
	confinfo_chat_policy_free(p);
	confinfo_chat_policy_free(NULL);
}

static void test_join_str(void **state)
{
	(void)state;
	assert_string_equal(confinfo_chat_join_str(CONFINFO_CHAT_JOIN_NEVER),
			    "never");
	assert_string_equal(confinfo_chat_join_str(CONFINFO_CHAT_JOIN_ASK),
			    "ask");
	assert_string_equal(confinfo_chat_join_str(CONFINFO_CHAT_JOIN_AUTO),
			    "auto");
	assert_null(confinfo_chat_join_str((enum confinfo_chat_join)9));
}

/* ---------------------------------------------------------------------
 * Documents: entity, user count, listed rooms.
 * ------------------------------------------------------------------- */

static void count_warning(unsigned line, unsigned column, const char *msg,
			  void *arg)
{
	(void)line;
	(void)column;
	(void)msg;
	(*(unsigned *)arg)++;
}

static void test_entity(void **state)
{
	static const struct {
		const char *entity;
		bool match;
	} cases[] = {
	    {"sip:dev@example.com", true},
	    {"sip:dev@EXAMPLE.com.", true},
	    {"sip:%64ev@example.com", true},
	    {"sip:dev@evil.net", false},
	    {"sip:Dev@example.com", false},
	    {"sips:dev@example.com", false},
	    {"sip:dev@example.com:5070", false},
	    {"sip:dev@example.com;maddr=evil.net", false},
	    {"sip:dev:pw@example.com", false},
	    {"sip:example.com", false},
	    {"not a uri", false},
	    {NULL, false},
	};
	struct confinfo_uri *sub = conf_of(CONF);

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct confinfo_conf *doc = confinfo_conf_new();
		unsigned warnings = 0;
		struct confinfo_diag d = {.warnh = count_warning,
					  .warn_arg = &warnings};

		assert_non_null(doc);
		assert_int_equal(
		    confinfo_str_set(&doc->entity, cases[i].entity), 0);
		if (confinfo_chat_entity_matches(doc, sub, &d) !=
		    cases[i].match)
			fail_msg("entity %s: expected %s", cases[i].entity,
				 cases[i].match ? "match" : "mismatch");
		assert_int_equal(warnings, cases[i].match ? 0 : 1);
		confinfo_conf_free(doc);
	}
	confinfo_uri_free(sub);
}

static struct confinfo_user *mkuser(const char *entity)
{
	struct confinfo_user *u = confinfo_user_new();

	assert_non_null(u);
	assert_int_equal(confinfo_str_set(&u->entity, entity), 0);
	return u;
}

static void test_user_count(void **state)
{
	struct confinfo_conf *doc = confinfo_conf_new();

	(void)state;
	assert_int_equal(confinfo_chat_user_count(NULL), 0);
	assert_int_equal(confinfo_chat_user_count(doc), 0);
	doc->users = confinfo_users_new();
	assert_non_null(doc->users);
	assert_int_equal(
	    confinfo_list_append(&doc->users->users, mkuser("sip:a@x.com")), 0);
	assert_int_equal(
	    confinfo_list_append(&doc->users->users, mkuser("sip:b@x.com")), 0);
	assert_int_equal(confinfo_chat_user_count(doc), 2);
	doc->conf_state = confinfo_conf_state_new();
	assert_non_null(doc->conf_state);
	doc->conf_state->user_count.set = true;
	doc->conf_state->user_count.value = 500;
	assert_int_equal(confinfo_chat_user_count(doc), 500);
	/* Under-reporting does not lower the count. */
	doc->conf_state->user_count.value = 1;
	assert_int_equal(confinfo_chat_user_count(doc), 2);
	confinfo_conf_free(doc);
}

static void test_check_room(void **state)
{
	struct confinfo_uri *conf = conf_of(CONF);
	struct confinfo_uri_entry *e = confinfo_uri_entry_new();
	struct confinfo_chat_room room = {0};
	struct confinfo_chat_verdict *v = NULL;

	(void)state;
	assert_non_null(e);
	assert_int_equal(confinfo_str_set(&e->uri, "xmpp:dev@example.com"), 0);
	assert_int_equal(
	    confinfo_str_set(&e->purpose, CONFINFO_CHAT_PURPOSE_MISSPELLED), 0);
	room.entry = e;
	room.misspelled = true;
	room.in_conf_uris = true;
	assert_int_equal(confinfo_chat_check_room(&v, conf, &room, NULL, 0), 0);
	assert_true(v->valid && v->same_domain && v->name_match);
	assert_true(has_warning(v, "groupertextchat"));
	assert_true(has_warning(v, "conf-uris"));
	confinfo_chat_verdict_free(v);
	room.entry = NULL;
	assert_int_equal(confinfo_chat_check_room(&v, conf, &room, NULL, 0),
			 EINVAL);
	confinfo_uri_entry_free(e);
	confinfo_uri_free(conf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_policy),
	    cmocka_unit_test(test_join_str),
	    cmocka_unit_test(test_entity),
	    cmocka_unit_test(test_user_count),
	    cmocka_unit_test(test_check_room),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
