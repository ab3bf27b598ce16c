/*
 * Model objects and decode pools (src/model/obj.c): objects sliced from a
 * pool outlive it, can be freed one by one in any order and from another
 * thread, move between states, and their chunks are released with the
 * last of them. Under ASan (CI) a use after free of a sliced object is
 * reported as for a malloc() block, so these tests also check that merge
 * and the model never touch a freed slice.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confinfo/merge.h"
#include "confinfo/xml.h"
#include "model/obj.h"
#include "model/pool.h"
#include "testutil.h"

static size_t chunks_out(void)
{
	size_t out, cached;

	confinfo__chunk_stats(&out, &cached);
	return out;
}

/* A document of @p users users, each with one endpoint and one medium. */
static char *doc_of(unsigned users, unsigned version, const char *state)
{
	size_t cap = 512 + (size_t)users * 400, len = 0;
	char *s = malloc(cap);

	assert_non_null(s);
	len += (size_t)snprintf(
	    s + len, cap - len,
	    "<conference-info xmlns=\"urn:ietf:params:xml:ns:conference-info\""
	    " entity=\"sip:conf@example.com\" state=\"%s\" version=\"%u\">"
	    "<users state=\"%s\">",
	    state, version, state);
	for (unsigned i = 0; i < users; i++)
		len += (size_t)snprintf(
		    s + len, cap - len,
		    "<user entity=\"sip:u%u@example.com\" state=\"%s\">"
		    "<display-text>User %u</display-text>"
		    "<endpoint entity=\"sip:u%u@pc.example.com\" state=\"%s\">"
		    "<status>connected</status>"
		    "<media id=\"1\"><type>audio</type></media>"
		    "</endpoint></user>",
		    i, state, i, i, state);
	snprintf(s + len, cap - len, "</users></conference-info>");
	return s;
}

static struct confinfo_conf *decode(const char *xml)
{
	struct confinfo_diag diag = {0};
	struct confinfo_conf *c = NULL;

	if (confinfo_xml_decode(&c, xml, strlen(xml), NULL, &diag))
		fail_msg("decode: %u:%u: %s", diag.line, diag.column,
			 diag.message);
	return c;
}

static void test_pool_outlives_and_any_order(void **unused)
{
	size_t before = chunks_out();
	struct ci_pool pool;
	char *s[100];

	(void)unused;
	ci_pool_init(&pool, 100);
	for (int i = 0; i < 100; i++) {
		char buf[32];
		size_t n = (size_t)snprintf(buf, sizeof(buf), "string %d", i);

		assert_true(n < sizeof(buf));
		s[i] = ci_pool_str(&pool, buf, n < sizeof(buf) ? n : 0);
		assert_non_null(s[i]);
	}
	/* 100 strings of 32 bytes cannot fit the first 1 KiB chunk. */
	assert_true(chunks_out() >= before + 2);
	/* Freed before the pool is done: the chunks must stay. */
	for (int i = 0; i < 100; i += 2)
		ci_obj_free(s[i]);
	ci_pool_done(&pool);
	assert_true(chunks_out() >= before + 2);
	for (int i = 99; i > 0; i -= 2) {
		char buf[32];

		snprintf(buf, sizeof(buf), "string %d", i);
		assert_string_equal(s[i], buf);
		ci_obj_free(s[i]);
	}
	assert_int_equal(chunks_out(), before);
}

static void test_large_and_empty(void **unused)
{
	size_t before = chunks_out();
	struct ci_pool pool;
	char *big = malloc(100000), *a, *b;
	void *z;

	(void)unused;
	assert_non_null(big);
	memset(big, 'x', 99999);
	big[99999] = '\0';
	ci_pool_init(&pool, 10);
	a = ci_pool_str(&pool, big, 99999); /* a block of its own */
	z = ci_pool_new(&pool, 24);
	b = ci_pool_str(&pool, "", 0);
	assert_non_null(a);
	assert_non_null(z);
	assert_non_null(b);
	assert_int_equal(strlen(a), 99999);
	assert_string_equal(b, "");
	for (int i = 0; i < 24; i++)
		assert_int_equal(((unsigned char *)z)[i], 0);
	ci_pool_done(&pool);
	ci_obj_free(a);
	ci_obj_free(z);
	ci_obj_free(b);
	assert_int_equal(chunks_out(), before);
	/* A pool that sliced nothing leaves nothing. */
	ci_pool_init(&pool, 1 << 20);
	ci_pool_done(&pool);
	assert_int_equal(chunks_out(), before);
	free(big);
}

/* Strings set by the program replace sliced ones, and both kinds are
 * released the same way. */
static void test_str_set_over_sliced(void **unused)
{
	size_t before = chunks_out();
	char *xml = doc_of(3, 1, "full");
	struct confinfo_conf *c = decode(xml);
	struct confinfo_user *u = confinfo_conf_user(c, "sip:u1@example.com");
	char *taken;

	(void)unused;
	assert_non_null(u);
	assert_true(chunks_out() > before);
	assert_int_equal(confinfo_str_set(&u->display_text, "Renamed"), 0);
	assert_string_equal(u->display_text, "Renamed");
	/* Take a sliced string out of the state: it is the program's now. */
	taken = u->entity ? confinfo_str_dup(u->entity) : NULL;
	assert_string_equal(taken, "sip:u1@example.com");
	confinfo_str_free(taken);
	taken = confinfo_conf_user(c, "sip:u2@example.com")->display_text;
	confinfo_conf_user(c, "sip:u2@example.com")->display_text = NULL;
	assert_string_equal(taken, "User 2");
	u->roles = confinfo_roles_new();
	assert_non_null(u->roles);
	assert_int_equal(confinfo_roles_add(u->roles, "moderator"), 0);
	confinfo_conf_free(c);
	/* The taken string keeps its chunk alive. */
	assert_true(chunks_out() > before);
	assert_string_equal(taken, "User 2");
	confinfo_str_free(taken);
	assert_int_equal(chunks_out(), before);
	free(xml);
}

/* A list whose first array came from the pool grows into a block of its
 * own, keeping its items. */
static void test_list_grows_out_of_pool(void **unused)
{
	size_t before = chunks_out();
	char *xml = doc_of(3, 1, "full");
	struct confinfo_conf *c = decode(xml);
	struct confinfo_list *l = &c->users->users;

	(void)unused;
	assert_int_equal(l->count, 3);
	for (unsigned i = 3; i < 40; i++) {
		struct confinfo_user *u = confinfo_user_new();
		char key[64];

		snprintf(key, sizeof(key), "sip:u%u@example.com", i);
		assert_non_null(u);
		assert_int_equal(confinfo_str_set(&u->entity, key), 0);
		assert_int_equal(confinfo_list_append(l, u), 0);
	}
	assert_int_equal(l->count, 40);
	for (unsigned i = 0; i < 40; i++) {
		char key[64];

		snprintf(key, sizeof(key), "sip:u%u@example.com", i);
		assert_non_null(confinfo_conf_user(c, key));
	}
	confinfo_conf_free(c);
	assert_int_equal(chunks_out(), before);
	free(xml);
}

/* Merge moves a partial's objects into the state; the rest of the partial
 * is freed; the state stays whole and releases everything when freed. */
static void test_merge_moves_slices(void **unused)
{
	size_t before = chunks_out();
	char *base = doc_of(50, 1, "full");
	char *part = doc_of(2, 2, "partial");
	struct confinfo_conf *state = decode(base), *doc = decode(part);
	enum confinfo_merge_result res;
	struct confinfo_diag diag = {0};
	struct confinfo_user *u;

	(void)unused;
	assert_int_equal(confinfo_merge(&state, doc, &res, &diag), 0);
	assert_int_equal(res, CONFINFO_MERGE_APPLIED);
	/* The partial's memory: only what moved may still be referenced. */
	u = confinfo_conf_user(state, "sip:u1@example.com");
	assert_non_null(u);
	assert_string_equal(u->display_text, "User 1");
	assert_non_null(confinfo_user_endpoint(u, "sip:u1@pc.example.com"));
	assert_int_equal(state->users->users.count, 50);
	assert_int_equal(state->version.value, 2);
	/* Encoding walks every string of the state. */
	free(tu_encode(state));
	confinfo_conf_free(state);
	assert_int_equal(chunks_out(), before);
	free(base);
	free(part);
}

static void *free_in_thread(void *arg)
{
	confinfo_conf_free(arg);
	return NULL;
}

static void test_free_in_other_thread(void **unused)
{
	size_t before = chunks_out();
	char *xml = doc_of(200, 1, "full");
	struct confinfo_conf *a = decode(xml), *b = decode(xml);
	pthread_t t1, t2;

	(void)unused;
	assert_int_equal(pthread_create(&t1, NULL, free_in_thread, a), 0);
	assert_int_equal(pthread_create(&t2, NULL, free_in_thread, b), 0);
	assert_int_equal(pthread_join(t1, NULL), 0);
	assert_int_equal(pthread_join(t2, NULL), 0);
	assert_int_equal(chunks_out(), before);
	free(xml);
}

static void test_trim_empties_cache(void **unused)
{
	char *xml = doc_of(500, 1, "full");
	size_t out, cached;

	(void)unused;
	confinfo_conf_free(decode(xml));
	confinfo__chunk_stats(&out, &cached);
	assert_true(cached > 0); /* 500 users fill full-size chunks */
	confinfo_mem_trim();
	confinfo__chunk_stats(&out, &cached);
	assert_int_equal(cached, 0);
	free(xml);
}

/* A large document (4 MiB and more) is sliced from 2 MiB chunks of their
 * own, which are kept for the next large decode after release (except
 * under ASan, where plain chunks serve), and given back by trim. */
static void test_large_document_chunks(void **unused)
{
	size_t before, out, cached, cached_after_free;
	char *xml = doc_of(20000, 1, "full");
	struct confinfo_xml_limits lim;
	struct confinfo_diag diag = {0};
	struct confinfo_conf *c = NULL;

	(void)unused;
	assert_true(strlen(xml) >= 4u << 20);
	confinfo_mem_trim();
	before = chunks_out();
	confinfo_xml_limits_default(&lim);
	lim.max_body = 8u << 20;
	lim.max_users = lim.max_endpoints = lim.max_media = 20000;
	assert_int_equal(confinfo_xml_decode(&c, xml, strlen(xml), &lim, &diag),
			 0);
	assert_int_equal(c->users->users.count, 20000);
	assert_true(chunks_out() > before);
	confinfo_conf_free(c);
	assert_int_equal(chunks_out(), before);
	confinfo__chunk_stats(&out, &cached_after_free);
#ifndef CI_ASAN
	assert_true(cached_after_free >= 2); /* kept for the next one */
#endif
	/* A second decode takes what was kept. */
	c = NULL;
	assert_int_equal(confinfo_xml_decode(&c, xml, strlen(xml), &lim, &diag),
			 0);
	confinfo__chunk_stats(&out, &cached);
#ifndef CI_ASAN
	assert_true(cached < cached_after_free);
#endif
	assert_non_null(confinfo_conf_user(c, "sip:u19999@example.com"));
	confinfo_conf_free(c);
	confinfo_mem_trim();
	confinfo__chunk_stats(&out, &cached);
	assert_int_equal(cached, 0);
	assert_int_equal(out, before);
	free(xml);
}

/* Clone gives a copy that owns nothing of the original's chunks. */
static void test_clone_is_independent(void **unused)
{
	size_t before = chunks_out();
	char *xml = doc_of(20, 1, "full");
	struct confinfo_conf *c = decode(xml), *copy = NULL;
	size_t with_c = chunks_out();

	(void)unused;
	assert_int_equal(confinfo_conf_clone(&copy, c), 0);
	assert_int_equal(chunks_out(), with_c);
	confinfo_conf_free(c);
	assert_int_equal(chunks_out(), before);
	assert_non_null(confinfo_conf_user(copy, "sip:u19@example.com"));
	confinfo_conf_free(copy);
	free(xml);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pool_outlives_and_any_order),
	    cmocka_unit_test(test_large_and_empty),
	    cmocka_unit_test(test_str_set_over_sliced),
	    cmocka_unit_test(test_list_grows_out_of_pool),
	    cmocka_unit_test(test_merge_moves_slices),
	    cmocka_unit_test(test_free_in_other_thread),
	    cmocka_unit_test(test_trim_empties_cache),
	    cmocka_unit_test(test_clone_is_independent),
	    cmocka_unit_test(test_large_document_chunks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
