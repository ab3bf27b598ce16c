/*
 * Allocation failures in the decoder, one at a time (the expat way): for
 * n = 1, 2, ... the n-th allocation and every later one fail, in our code
 * and in libxml2 alike (its allocator is routed through the same hook).
 * Each run must either fail cleanly (an error with diagnostics, the
 * caller's pointer untouched, nothing leaked: run under ASan/LSan) or
 * produce exactly the state a normal decode gives. The loop ends with the
 * first run in which no allocation failed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlmemory.h>

#include "confinfo/xml.h"
#include "dectest.h"
#include "model/alloc.h"
#include "testutil.h"

static void fail_each_allocation(const char *path)
{
	struct confinfo_conf *want = NULL;
	struct confinfo_diag diag = {0};
	unsigned long n, failures = 0;
	size_t len;
	char *doc = tu_read_vector(path, &len);

	assert_int_equal(dt_decode_mem(doc, len, NULL, &diag, &want), 0);
	for (n = 1;; n++) {
		struct confinfo_conf *got = DT_SENTINEL;
		int err, failed;

		memset(&diag, 0, sizeof(diag));
		confinfo__alloc_fail_at(n);
		err = confinfo_xml_decode(&got, doc, len, NULL, &diag);
		failed = confinfo__alloc_failed();
		confinfo__alloc_fail_at(0);
		if (err) {
			/* Only an injected failure may make it fail; libxml2
			 * sometimes reports one as a parse error. */
			if (!failed)
				fail_msg("%s, n=%lu: err %d without injected "
					 "failure: %s",
					 path, n, err, diag.message);
			if (diag.err != err || !diag.message[0])
				fail_msg("%s, n=%lu: err %d, diag %d \"%s\"",
					 path, n, err, diag.err, diag.message);
			if (got != DT_SENTINEL)
				fail_msg("%s, n=%lu: *confp written on failure",
					 path, n);
			if (err == ENOMEM)
				failures++;
			continue;
		}
		/* A failure absorbed along the way must not change the
		 * outcome. */
		if (!confinfo_conf_equal(got, want))
			fail_msg(
			    "%s, n=%lu: state differs from a normal decode",
			    path, n);
		confinfo_conf_free(got);
		if (!failed)
			break;
	}
	/* The hook did reach the decoder: many allocations, most of them
	 * reported as ENOMEM. */
	if (n < 50 || failures < n / 2)
		fail_msg("%s: %lu runs, only %lu ENOMEM", path, n, failures);
	if (getenv("DT_VERBOSE"))
		printf("%s: %lu runs, %lu ENOMEM\n", path, n, failures);
	confinfo_conf_free(want);
	free(doc);
}

static void test_rfc_basic(void **state)
{
	(void)state;
	fail_each_allocation("rfc4575/rfc4575-example-7.1.xml");
}

static void test_rfc_rich(void **state)
{
	(void)state;
	fail_each_allocation("rfc4575/rfc4575-example-7.2.xml");
}

static void test_full_schema(void **state)
{
	(void)state;
	fail_each_allocation("valid/full-schema.xml");
}

static void test_partial_states(void **state)
{
	(void)state;
	fail_each_allocation("valid/partial-states.xml");
}

static void test_redefined_prefix(void **state)
{
	(void)state;
	fail_each_allocation("valid/redefined-prefix.xml");
}

/* The error paths of a refused document free the half-built state too. */
static void test_refused(void **state)
{
	static const char *const files[] = {
	    "invalid/dup-media.xml", "invalid/sip-without-to-tag.xml",
	    "invalid/uri-entry-without-uri.xml", "hostile/foreign-flood.xml"};

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		size_t len;
		char *doc = tu_read_vector(files[i], &len);
		unsigned long n;

		for (n = 1;; n++) {
			struct confinfo_conf *got = DT_SENTINEL;
			struct confinfo_diag diag = {0};
			int err, failed;

			confinfo__alloc_fail_at(n);
			err = confinfo_xml_decode(&got, doc, len, NULL, &diag);
			failed = confinfo__alloc_failed();
			confinfo__alloc_fail_at(0);
			assert_int_not_equal(err, 0);
			assert_int_equal(diag.err, err);
			assert_ptr_equal(got, DT_SENTINEL);
			if (!failed) {
				assert_int_equal(err, EBADMSG);
				break;
			}
		}
		assert_true(n > 10);
		free(doc);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc_basic),
	    cmocka_unit_test(test_rfc_rich),
	    cmocka_unit_test(test_full_schema),
	    cmocka_unit_test(test_partial_states),
	    cmocka_unit_test(test_redefined_prefix),
	    cmocka_unit_test(test_refused),
	};

	/* Before any other libxml2 call, so that every libxml2 allocation
	 * goes through the failure hook. */
	if (xmlMemSetup(free, confinfo__alloc_xml_malloc,
			confinfo__alloc_xml_realloc,
			confinfo__alloc_xml_strdup)) {
		fprintf(stderr, "xmlMemSetup failed\n");
		return 1;
	}
	xmlInitParser();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
