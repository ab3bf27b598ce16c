/*
 * The notifier's overlay (notifier.h, sipnot/overlay.c): the served state
 * is the sources' state with the overlay on top; a new base is overlaid
 * again; reapply() re-runs the overlay on the kept base; the change
 * callback (the store) gets the base; removal tells the overlay; an
 * overlay error keeps the previous state served; a change of the base
 * that the overlay hides still reaches the commit and change callbacks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <re.h>

#include "confinfo/notifier.h"
#include "confinfo/sipstack.h"
#include "testutil.h"

static const char *doc1 =
    "<conference-info xmlns='urn:ietf:params:xml:ns:conference-info'"
    " entity='sip:c@x' state='full' version='1'><users>"
    "<user entity='sip:a@x'><display-text>A</display-text></user>"
    "</users></conference-info>";
static const char *doc2 =
    "<conference-info xmlns='urn:ietf:params:xml:ns:conference-info'"
    " entity='sip:c@x' state='full' version='1'><users>"
    "<user entity='sip:a@x'><display-text>A2</display-text></user>"
    "</users></conference-info>";

struct ov {
	const char *role; /* added to every user's roles */
	int fail;         /* returned instead */
	const char *text; /* every user's display-text, or NULL */
	unsigned calls, removed;
	const struct confinfo_conf *changed; /* last change callback */
	unsigned changes;
	char committed[16]; /* display-text of sip:a@x last committed */
};

static int overlay(const char *name, struct confinfo_conf *state, void *arg)
{
	struct ov *o = arg;
	struct confinfo_list *l;

	assert_string_equal(name, "c");
	if (!state) {
		o->removed++;
		return 0;
	}
	o->calls++;
	if (o->fail)
		return o->fail;
	l = &state->users->users;
	for (size_t i = 0; o->text && i < l->count; i++) {
		struct confinfo_user *u = l->items[i];

		assert_int_equal(confinfo_str_set(&u->display_text, o->text),
				 0);
	}
	for (size_t i = 0; o->role && i < l->count; i++) {
		struct confinfo_user *u = l->items[i];

		if (!u->roles)
			u->roles = confinfo_roles_new();
		assert_int_equal(confinfo_roles_add(u->roles, o->role), 0);
	}
	return 0;
}

static void changed(const char *name, const struct confinfo_conf *state,
		    const char *source, void *arg)
{
	struct ov *o = arg;
	(void)name;
	(void)source;
	o->changed = state;
	o->changes++;
}

static const struct confinfo_user *user_a(const struct confinfo_conf *c)
{
	return confinfo_conf_user(c, "sip:a@x");
}

static struct confinfo_sipstack *the_stack;

/* A notifier on a fresh stack whose change callback, overlay and (when
 * @p commit is set) commit callback all report to @p o. */
static struct confinfo_notifier *start(struct ov *o,
				       confinfo_notifier_commit_h *commit)
{
	struct confinfo_notifier_config cfg;
	struct confinfo_notifier *n = NULL;

	assert_int_equal(libre_init(), 0);
	assert_int_equal(confinfo_sipstack_alloc(&the_stack, NULL, NULL), 0);
	confinfo_notifier_config_default(&cfg);
	cfg.changeh = changed;
	cfg.change_arg = o;
	cfg.commith = commit;
	cfg.commit_arg = o;
	assert_int_equal(confinfo_notifier_alloc(
			     &n, confinfo_sipstack_sip(the_stack), &cfg, NULL),
			 0);
	confinfo_notifier_set_overlay(n, overlay, o);
	return n;
}

static void stop(struct confinfo_notifier *n)
{
	confinfo_notifier_free(n);
	confinfo_sipstack_free(the_stack);
	the_stack = NULL;
	libre_close();
}

static void test_overlay(void **state)
{
	struct confinfo_conf *d1 = tu_decode_str(doc1);
	struct confinfo_conf *d2 = tu_decode_str(doc2);
	struct ov o = {.role = "chat-moderator"};
	struct confinfo_notifier *n = start(&o, NULL);
	(void)state;

	assert_int_equal(confinfo_notifier_set_conf(n, "c", d1, NULL), 0);
	/* Served: base + overlay; base: as given; the store gets the base. */
	assert_string_equal(
	    user_a(confinfo_notifier_conf(n, "c"))->roles->entries[0],
	    "chat-moderator");
	assert_null(user_a(confinfo_notifier_conf_base(n, "c"))->roles);
	assert_ptr_equal(o.changed, confinfo_notifier_conf_base(n, "c"));

	/* The overlay changes: reapply serves it on the same base. */
	o.role = "chat-visitor";
	assert_int_equal(confinfo_notifier_reapply(n, "c"), 0);
	assert_string_equal(
	    user_a(confinfo_notifier_conf(n, "c"))->roles->entries[0],
	    "chat-visitor");
	assert_string_equal(
	    user_a(confinfo_notifier_conf(n, "c"))->display_text, "A");
	/* A new base is overlaid again. */
	assert_int_equal(confinfo_notifier_set_conf(n, "c", d2, NULL), 0);
	assert_string_equal(
	    user_a(confinfo_notifier_conf(n, "c"))->display_text, "A2");
	assert_string_equal(
	    user_a(confinfo_notifier_conf(n, "c"))->roles->entries[0],
	    "chat-visitor");
	/* Nothing changed: the served state stays, no change callback. */
	{
		unsigned changes = o.changes;

		assert_int_equal(confinfo_notifier_reapply(n, "c"), 0);
		assert_int_equal(o.changes, changes);
	}
	/* An overlay error keeps what is served. */
	o.fail = ENOMEM;
	assert_int_equal(confinfo_notifier_set_conf(n, "c", d1, NULL), ENOMEM);
	assert_string_equal(
	    user_a(confinfo_notifier_conf(n, "c"))->display_text, "A2");
	o.fail = 0;
	assert_int_equal(confinfo_notifier_reapply(n, "nope"), ENOENT);
	assert_int_equal(confinfo_notifier_reapply(NULL, "c"), EINVAL);
	/* Removal tells the overlay. */
	assert_int_equal(confinfo_notifier_remove_conf(n, "c"), 0);
	assert_int_equal(o.removed, 1);
	assert_null(confinfo_notifier_conf_base(n, "c"));

	stop(n);
	confinfo_conf_free(d1);
	confinfo_conf_free(d2);
}

static int commit(const char *name, const struct confinfo_conf *state,
		  const char *source, void *arg)
{
	struct ov *o = arg;
	(void)name;
	(void)source;
	/* What the source gave, never what the overlay made of it. */
	assert_non_null(state);
	assert_string_not_equal(user_a(state)->display_text, "hidden");
	snprintf(o->committed, sizeof(o->committed), "%s",
		 user_a(state)->display_text);
	return 0;
}

/* The overlay hides the base's change (it writes every display-text):
 * the served state stays, but the store must still get the new base. */
static void test_hidden_change(void **state)
{
	struct confinfo_conf *d1 = tu_decode_str(doc1);
	struct confinfo_conf *d2 = tu_decode_str(doc2);
	struct ov o = {.text = "hidden"};
	struct confinfo_notifier *n = start(&o, commit);
	unsigned changes;
	(void)state;
	assert_int_equal(confinfo_notifier_set_conf(n, "c", d1, NULL), 0);
	assert_string_equal(o.committed, "A");
	changes = o.changes;

	assert_int_equal(confinfo_notifier_set_conf(n, "c", d2, NULL), 0);
	assert_string_equal(
	    user_a(confinfo_notifier_conf(n, "c"))->display_text, "hidden");
	assert_string_equal(o.committed, "A2");
	assert_int_equal(o.changes, changes + 1);
	assert_string_equal(user_a(o.changed)->display_text, "A2");
	assert_string_equal(
	    user_a(confinfo_notifier_conf_base(n, "c"))->display_text, "A2");

	stop(n);
	confinfo_conf_free(d1);
	confinfo_conf_free(d2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_overlay),
	    cmocka_unit_test(test_hidden_change),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
