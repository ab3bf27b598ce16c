/*
 * Look-alike room hosts from several threads (src/chat/lookalike.c): ICU's
 * spoof checker is opened once, by whichever check comes first, and then
 * shared read-only. Here four threads race to open it and keep checking;
 * every check must still see the look-alike. The verdict rows of the
 * rule are in test_chat.c.
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "confinfo/chat.h"
#include "testutil.h"

#define THREADS 4

static bool has_warning(const struct confinfo_chat_verdict *v,
			const char *needle)
{
	for (size_t i = 0; i < v->warning_count; i++) {
		if (strstr(v->warnings[i], needle))
			return true;
	}
	return false;
}

/* 200 checks of "сonf.example.com" (Cyrillic es) and of a plain sibling;
 * returns the number of wrong verdicts. */
static void *check_lookalike(void *arg)
{
	static const char look[] = "xmpp:r@\xd1\x81onf.example.com";
	static const char plain[] = "xmpp:r@chat.example.com";
	const struct confinfo_uri *conf = arg;
	intptr_t bad = 0;

	for (int i = 0; i < 200; i++) {
		struct confinfo_chat_verdict *v = NULL, *w = NULL;

		if (confinfo_chat_check(&v, conf, look, sizeof(look) - 1, NULL,
					0) ||
		    !v->lookalike || !has_warning(v, "looks like"))
			bad++;
		if (confinfo_chat_check(&w, conf, plain, sizeof(plain) - 1,
					NULL, 0) ||
		    w->lookalike)
			bad++;
		confinfo_chat_verdict_free(v);
		confinfo_chat_verdict_free(w);
	}
	return (void *)bad;
}

static void test_lookalike_threads(void **state)
{
	static const char cs[] = "sip:x@conf.example.com";
	struct confinfo_uri *conf = NULL;
	pthread_t t[THREADS];

	(void)state;
	assert_int_equal(
	    confinfo_chat_conference_parse(&conf, cs, sizeof(cs) - 1, NULL), 0);
	for (size_t i = 0; i < THREADS; i++)
		assert_int_equal(
		    pthread_create(&t[i], NULL, check_lookalike, conf), 0);
	for (size_t i = 0; i < THREADS; i++) {
		void *bad = NULL;

		assert_int_equal(pthread_join(t[i], &bad), 0);
		assert_null(bad);
	}
	confinfo_uri_free(conf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lookalike_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
