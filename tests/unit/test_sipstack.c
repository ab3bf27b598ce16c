/*
 * The SIP stack helpers (sipstack.h) that need no peer:
 * confinfo_sipstack_raise_fd_limit() takes the soft descriptor limit up
 * to the hard one, reports it, and leaves a stack that still works; the
 * TLS and DNS parameters are checked when the stack is set up, so that a
 * mistake is an error at start-up, never a silently weaker stack.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>

#include <re.h>

#include "confinfo/sipstack.h"
#include "testutil.h"

/* The soft limit it would reach: the hard one, or 1048576 when that is
 * more than the kernel allows. */
static rlim_t reachable(rlim_t hard)
{
	struct rlimit try = {hard, hard};

	if (!setrlimit(RLIMIT_NOFILE, &try))
		return hard;
	return 1048576;
}

static void test_raise_fd_limit(void **state)
{
	struct confinfo_sipstack *s = NULL;
	struct rlimit old, low, now;
	uint64_t limit = 0;
	rlim_t want;

	(void)state;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	want = reachable(old.rlim_max);
	/* Start below it: the call must raise. */
	low = old;
	low.rlim_cur = want > 64 ? 64 : want / 2;
	assert_true(low.rlim_cur < want);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);

	assert_int_equal(libre_init(), 0);
	assert_int_equal(confinfo_sipstack_raise_fd_limit(&limit), 0);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &now), 0);
	assert_int_equal(now.rlim_cur, want);
	assert_int_equal(limit, (uint64_t)want);
	/* Again: nothing to raise, the same answer; NULL is fine. */
	limit = 0;
	assert_int_equal(confinfo_sipstack_raise_fd_limit(&limit), 0);
	assert_int_equal(limit, (uint64_t)want);
	assert_int_equal(confinfo_sipstack_raise_fd_limit(NULL), 0);
	/* libre's table, sized by it, still takes listeners. */
	assert_int_equal(confinfo_sipstack_alloc(&s, NULL, NULL), 0);
	assert_int_equal(confinfo_sipstack_listen(s, "udp:127.0.0.1:0", NULL),
			 0);
	confinfo_sipstack_free(s);
	libre_close();

	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
}

/* A client stack verifies servers by name: without a target there is no
 * name, and it refuses rather than check the chain alone. */
static void test_client_needs_target(void **state)
{
	struct confinfo_sipstack_params p = {0};
	struct confinfo_sipstack *s = NULL;
	struct confinfo_diag diag;

	(void)state;
	confinfo_diag_reset(&diag);
	assert_int_equal(libre_init(), 0);
	assert_int_equal(confinfo_sipstack_alloc(&s, &p, NULL), 0);
	assert_int_equal(confinfo_sipstack_client(s, "127.0.0.1", NULL, &diag),
			 EINVAL);
	assert_non_null(strstr(diag.message, "no name to check"));
	confinfo_sipstack_free(s);
	/* --tls-insecure has nothing to check: it may go without. */
	p.tls_insecure = true;
	assert_int_equal(confinfo_sipstack_alloc(&s, &p, NULL), 0);
	assert_int_equal(confinfo_sipstack_client(s, "127.0.0.1", NULL, NULL),
			 0);
	confinfo_sipstack_free(s);
	libre_close();
}

/* Unreadable trust anchors and a bad DNS server fail at set-up, naming
 * what is wrong. */
static void test_bad_files(void **state)
{
	struct confinfo_sipstack_params p = {0};
	struct confinfo_sipstack *s = NULL;
	struct confinfo_diag diag;

	(void)state;
	assert_int_equal(libre_init(), 0);
	confinfo_diag_reset(&diag);
	p.tls_ca = "/nonexistent/ca.pem";
	assert_int_equal(confinfo_sipstack_alloc(&s, &p, NULL), 0);
	assert_int_equal(confinfo_sipstack_client(
			     s, NULL, "sips:conf@127.0.0.1:5061", &diag),
			 EINVAL);
	assert_non_null(strstr(diag.message, "/nonexistent/ca.pem"));
	confinfo_sipstack_free(s);

	confinfo_diag_reset(&diag);
	memset(&p, 0, sizeof(p));
	p.tls_client_ca = "/nonexistent/clients.pem";
	p.tls_cert = "/nonexistent/cert.pem";
	assert_int_equal(confinfo_sipstack_alloc(&s, &p, NULL), 0);
	assert_int_not_equal(
	    confinfo_sipstack_listen(s, "tls:127.0.0.1:0", &diag), 0);
	assert_non_null(strstr(diag.message, "/nonexistent/"));
	confinfo_sipstack_free(s);

	confinfo_diag_reset(&diag);
	memset(&p, 0, sizeof(p));
	p.dns = true;
	p.dns_server = "not an address";
	assert_int_equal(confinfo_sipstack_alloc(&s, &p, &diag), EINVAL);
	assert_non_null(strstr(diag.message, "not an address"));
	p.dns_server = "127.0.0.1:5353";
	assert_int_equal(confinfo_sipstack_alloc(&s, &p, NULL), 0);
	confinfo_sipstack_free(s);
	libre_close();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_raise_fd_limit),
	    cmocka_unit_test(test_client_needs_target),
	    cmocka_unit_test(test_bad_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
