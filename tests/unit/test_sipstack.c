/*
 * The SIP stack helpers (sipstack.h) that need no peer:
 * confinfo_sipstack_raise_fd_limit() takes the soft descriptor limit up
 * to the hard one, reports it, and leaves a stack that still works.
 */
#include <errno.h>
#include <stdint.h>
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_raise_fd_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
