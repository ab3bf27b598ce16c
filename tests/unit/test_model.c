/*
 * The model: keyed lists with their hash index, foreign content, the
 * generic clone / equal / free walkers, and the enumeration tables.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confinfo/model.h"
#include "model/alloc.h"
#include "testutil.h"

static struct confinfo_user *mkuser(const char *entity)
{
	struct confinfo_user *u = confinfo_user_new();

	assert_non_null(u);
	assert_int_equal(confinfo_str_set(&u->entity, entity), 0);
	return u;
}

static void free_users(struct confinfo_list *l)
{
	for (size_t i = 0; i < l->count; i++)
		confinfo_user_free(l->items[i]);
	confinfo_list_reset(l);
}

/* Exercise both the scanning (small) and the indexed (large) list, with
 * removals that force backward shifts in the hash table. */
static void list_ops(size_t n)
{
	struct confinfo_list l = {0};
	char key[48];
	void *old = NULL;

	for (size_t i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "sip:u%zu@example.com", i);
		assert_int_equal(confinfo_list_append(&l, mkuser(key)), 0);
	}
	assert_int_equal(l.count, n);
	assert_true(n <= 16 ? l.index == NULL : l.index != NULL);

	/* Duplicates are refused and the list is unchanged. */
	{
		struct confinfo_user *dup = mkuser("sip:u0@example.com");

		assert_int_equal(confinfo_list_append(&l, dup), EEXIST);
		assert_int_equal(l.count, n);
		confinfo_user_free(dup);
	}

	/* Every key is found at its position. */
	for (size_t i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "sip:u%zu@example.com", i);
		assert_int_equal(confinfo_list_pos(&l, key), (long)i);
		assert_ptr_equal(confinfo_list_find(&l, key), l.items[i]);
	}
	assert_null(confinfo_list_find(&l, "sip:nobody@example.com"));

	/* Remove every third item; the rest keep their order and stay
	 * findable. */
	for (size_t i = 0; i < n; i += 3) {
		snprintf(key, sizeof(key), "sip:u%zu@example.com", i);
		void *item = confinfo_list_remove(&l, key);

		assert_non_null(item);
		assert_string_equal(confinfo_item_key(item), key);
		confinfo_user_free(item);
		assert_null(confinfo_list_find(&l, key));
	}
	assert_int_equal(l.count, n - (n + 2) / 3);
	for (size_t i = 0, pos = 0; i < n; i++) {
		snprintf(key, sizeof(key), "sip:u%zu@example.com", i);
		if (i % 3 == 0)
			continue;
		assert_int_equal(confinfo_list_pos(&l, key), (long)pos);
		pos++;
	}

	/* Replace keeps the position and returns the old item. */
	if (n > 2) {
		struct confinfo_user *nu = mkuser("sip:u1@example.com");
		long pos = confinfo_list_pos(&l, "sip:u1@example.com");

		assert_int_equal(confinfo_list_replace(&l, nu, &old), 0);
		assert_non_null(old);
		assert_ptr_not_equal(old, nu);
		assert_ptr_equal(l.items[pos], nu);
		assert_ptr_equal(confinfo_list_find(&l, "sip:u1@example.com"),
				 nu);
		confinfo_user_free(old);
	}
	/* Replace of an unknown key appends. */
	{
		size_t before = l.count;

		assert_int_equal(confinfo_list_replace(
				     &l, mkuser("sip:new@example.com"), &old),
				 0);
		assert_null(old);
		assert_int_equal(l.count, before + 1);
	}
	free_users(&l);
}

static void test_list_small(void **state)
{
	(void)state;
	list_ops(10);
}

static void test_list_indexed(void **state)
{
	(void)state;
	list_ops(5000);
}

static void test_list_null_key(void **state)
{
	struct confinfo_list l = {0};
	struct confinfo_user *u = confinfo_user_new();

	(void)state;
	assert_int_equal(confinfo_list_append(&l, u), EINVAL);
	confinfo_user_free(u);
	confinfo_list_reset(&l);
}

/* Keys are compared as bytes: URIs differing only in case or parameters
 * are different keys (RFC 4575 section 4.5). */
static void test_list_bytewise_keys(void **state)
{
	struct confinfo_list l = {0};

	(void)state;
	assert_int_equal(confinfo_list_append(&l, mkuser("sip:a@x")), 0);
	assert_int_equal(confinfo_list_append(&l, mkuser("sip:A@x")), 0);
	assert_int_equal(confinfo_list_append(&l, mkuser("sip:a@x;p=1")), 0);
	assert_int_equal(l.count, 3);
	free_users(&l);
}

static struct confinfo_conf *rich_conf(void)
{
	struct confinfo_conf *c = confinfo_conf_new();
	struct confinfo_user *u = mkuser("sip:bob@example.com");
	struct confinfo_endpoint *ep = confinfo_endpoint_new();
	struct confinfo_media *m = confinfo_media_new();
	struct confinfo_uri_entry *e = confinfo_uri_entry_new();

	assert_int_equal(confinfo_str_set(&c->entity, "sip:c@example.com"), 0);
	c->version.set = true;
	c->version.value = 7;
	c->description = confinfo_description_new();
	assert_int_equal(confinfo_str_set(&c->description->subject, "hi"), 0);
	c->description->service_uris = confinfo_uris_new();
	assert_int_equal(confinfo_str_set(&e->uri, "xmpp:r@chat.example.com"),
			 0);
	assert_int_equal(confinfo_str_set(&e->purpose, "grouptextchat"), 0);
	assert_int_equal(
	    confinfo_list_append(&c->description->service_uris->entries, e), 0);
	c->users = confinfo_users_new();
	u->roles = confinfo_roles_new();
	assert_int_equal(confinfo_roles_add(u->roles, "participant"), 0);
	assert_int_equal(confinfo_str_set(&ep->entity, "sip:bob@pc"), 0);
	ep->status = CONFINFO_EP_STATUS_CONNECTED;
	assert_int_equal(confinfo_str_set(&m->id, "1"), 0);
	m->status = CONFINFO_MEDIA_STATUS_SENDRECV;
	assert_int_equal(confinfo_list_append(&ep->media, m), 0);
	assert_int_equal(confinfo_list_append(&u->endpoints, ep), 0);
	assert_int_equal(confinfo_list_append(&c->users->users, u), 0);
	assert_int_equal(confinfo_ext_add_attr(&u->ext, "urn:x", "x", "a", "v"),
			 0);
	assert_int_equal(
	    confinfo_ext_add_elem(&c->ext, "<x:e xmlns:x=\"urn:x\"/>", 22), 0);
	c->sidebars_by_val = confinfo_sidebars_by_val_new();
	{
		struct confinfo_conf *sb = confinfo_conf_new();

		assert_int_equal(confinfo_str_set(&sb->entity, "sip:sb@x"), 0);
		assert_int_equal(
		    confinfo_list_append(&c->sidebars_by_val->entries, sb), 0);
	}
	return c;
}

static void test_clone_equal(void **state)
{
	struct confinfo_conf *a = rich_conf(), *b = NULL;
	struct confinfo_endpoint *ep;

	(void)state;
	assert_int_equal(confinfo_conf_clone(&b, a), 0);
	assert_true(confinfo_conf_equal(a, b));
	assert_ptr_not_equal(a->users, b->users);

	/* A deep change is seen. */
	ep = confinfo_user_endpoint(
	    confinfo_conf_user(b, "sip:bob@example.com"), "sip:bob@pc");
	assert_non_null(ep);
	confinfo_endpoint_media(ep, "1")->status =
	    CONFINFO_MEDIA_STATUS_RECVONLY;
	assert_false(confinfo_conf_equal(a, b));
	confinfo_endpoint_media(ep, "1")->status =
	    CONFINFO_MEDIA_STATUS_SENDRECV;
	assert_true(confinfo_conf_equal(a, b));

	/* An absent state equals an explicit full, not a partial. */
	b->users->state = CONFINFO_STATE_FULL;
	assert_true(confinfo_conf_equal(a, b));
	b->users->state = CONFINFO_STATE_PARTIAL;
	assert_false(confinfo_conf_equal(a, b));
	b->users->state = CONFINFO_STATE_UNSET;

	/* Optional numbers: absent differs from zero. */
	b->version.value = 0;
	b->version.set = false;
	assert_false(confinfo_conf_equal(a, b));
	b->version.set = true;
	b->version.value = 7;

	/* Foreign content counts. */
	confinfo_ext_reset(&b->ext);
	assert_false(confinfo_conf_equal(a, b));

	confinfo_conf_free(a);
	confinfo_conf_free(b);
}

/* Every allocation of a clone can fail: the clone reports ENOMEM and
 * leaves nothing behind (LeakSanitizer checks the latter). */
static void test_clone_alloc_failures(void **state)
{
	struct confinfo_conf *a = rich_conf();
	unsigned long n;

	(void)state;
	for (n = 1;; n++) {
		struct confinfo_conf *b = NULL;
		int err;

		confinfo__alloc_fail_at(n);
		err = confinfo_conf_clone(&b, a);
		confinfo__alloc_fail_at(0);
		if (!err) {
			assert_true(confinfo_conf_equal(a, b));
			confinfo_conf_free(b);
			break;
		}
		assert_int_equal(err, ENOMEM);
		assert_null(b);
	}
	assert_true(n > 10);
	confinfo_conf_free(a);
}

static void test_enums(void **state)
{
	(void)state;
	for (int s = CONFINFO_EP_STATUS_PENDING;
	     s <= CONFINFO_EP_STATUS_DISCONNECTED; s++) {
		const char *str = confinfo_endpoint_status_str(s);

		assert_non_null(str);
		assert_int_equal(
		    confinfo_endpoint_status_parse(str, strlen(str)), s);
	}
	assert_string_equal(
	    confinfo_endpoint_status_str(CONFINFO_EP_STATUS_MUTED_VIA_FOCUS),
	    "muted-via-focus");
	assert_int_equal(confinfo_state_parse("partial", 7),
			 CONFINFO_STATE_PARTIAL);
	/* Exact spelling only, and length-counted. */
	assert_int_equal(confinfo_state_parse("Partial", 7), 0);
	assert_int_equal(confinfo_state_parse("partia", 6), 0);
	assert_int_equal(confinfo_state_parse("partial\0x", 9), 0);
	assert_int_equal(confinfo_media_status_parse("sendrecv", 8),
			 CONFINFO_MEDIA_STATUS_SENDRECV);
	assert_int_equal(confinfo_joining_method_parse("focus-owner", 11),
			 CONFINFO_JOIN_FOCUS_OWNER);
	assert_int_equal(confinfo_disconnection_method_parse("busy", 4),
			 CONFINFO_DISC_BUSY);
	assert_null(confinfo_media_status_str(99));
	assert_null(confinfo_state_str(CONFINFO_STATE_UNSET));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_list_small),
	    cmocka_unit_test(test_list_indexed),
	    cmocka_unit_test(test_list_null_key),
	    cmocka_unit_test(test_list_bytewise_keys),
	    cmocka_unit_test(test_clone_equal),
	    cmocka_unit_test(test_clone_alloc_failures),
	    cmocka_unit_test(test_enums),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
