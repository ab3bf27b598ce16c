/*
 * The SIP stack helpers (sipstack.h) that need no peer:
 * confinfo_sipstack_raise_fd_limit() takes the soft descriptor limit up
 * to the hard one, reports it, and leaves a stack that still works; the
 * TLS and DNS parameters are checked when the stack is set up, so that a
 * mistake is an error at start-up, never a silently weaker stack; the
 * buffers of a udp: listener's socket are what was asked for, or the
 * report says the kernel's limit cut them.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>

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

/* ------------------------------------------------------------------ */
/* The socket buffers of udp: listeners (sock_buf, bufh). */

static struct confinfo_sipstack_bufs got;
static unsigned reports;

static void on_bufs(const struct confinfo_sipstack_bufs *b, void *arg)
{
	(void)arg;
	got = *b;
	got.spec = NULL; /* only valid during the call */
	reports++;
}

/* SO_RCVBUF / SO_SNDBUF of the stack's UDP socket, found by its address
 * here, not by the code under test. */
static void socket_bufs(struct confinfo_sipstack *s, int *rcv, int *snd)
{
	struct sa laddr, dst;
	int found = 0;

	sa_set_str(&dst, "127.0.0.1", 9);
	assert_int_equal(sip_transp_laddr(confinfo_sipstack_sip(s), &laddr,
					  SIP_TRANSP_UDP, &dst),
			 0);
	assert_true(sa_port(&laddr) != 0);
	for (int fd = 3; fd < 1024; fd++) {
		struct sa sa;
		int type = 0;
		socklen_t len = sizeof(type);

		if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) ||
		    type != SOCK_DGRAM)
			continue;
		sa_init(&sa, AF_INET);
		sa.len = sizeof(sa.u);
		if (getsockname(fd, &sa.u.sa, &sa.len) ||
		    !sa_cmp(&sa, &laddr, SA_ALL))
			continue;
		len = sizeof(*rcv);
		assert_int_equal(
		    getsockopt(fd, SOL_SOCKET, SO_RCVBUF, rcv, &len), 0);
		len = sizeof(*snd);
		assert_int_equal(
		    getsockopt(fd, SOL_SOCKET, SO_SNDBUF, snd, &len), 0);
		found++;
	}
	assert_int_equal(found, 1);
}

static uint32_t proc_u32(const char *path)
{
	FILE *f = fopen(path, "r");
	unsigned long v = 0;

	assert_non_null(f);
	assert_int_equal(fscanf(f, "%lu", &v), 1);
	fclose(f);
	return (uint32_t)v;
}

static void listen_with(uint32_t sock_buf, int *rcv, int *snd)
{
	struct confinfo_sipstack_params p = {0};
	struct confinfo_sipstack *s = NULL;

	p.sock_buf = sock_buf;
	p.bufh = on_bufs;
	reports = 0;
	assert_int_equal(confinfo_sipstack_alloc(&s, &p, NULL), 0);
	assert_int_equal(confinfo_sipstack_listen(s, "udp:127.0.0.1:0", NULL),
			 0);
	assert_int_equal(reports, 1);
	assert_int_equal(got.err, 0);
	socket_bufs(s, rcv, snd);
	/* A TCP listener is left to the kernel: no report. */
	assert_int_equal(confinfo_sipstack_listen(s, "tcp:127.0.0.1:0", NULL),
			 0);
	assert_int_equal(reports, 1);
	confinfo_sipstack_free(s);
}

static void test_udp_buffers(void **state)
{
	uint32_t rmem_max = proc_u32("/proc/sys/net/core/rmem_max");
	uint32_t big;
	int rcv = 0, snd = 0;

	(void)state;
	assert_int_equal(libre_init(), 0);
	/* Within the kernel's limit: granted (Linux reports it doubled). */
	listen_with(65536, &rcv, &snd);
	assert_int_equal(got.want, 65536);
	assert_int_equal(got.rcvbuf, 131072);
	assert_int_equal(got.sndbuf, 131072);
	assert_int_equal(rcv, 131072);
	assert_int_equal(snd, 131072);
	assert_false(got.capped);
	assert_false(got.forced);
	/* The default. */
	listen_with(0, &rcv, &snd);
	assert_int_equal(got.want, CONFINFO_SIPSTACK_SOCK_BUF);
	assert_int_equal((uint32_t)rcv, got.rcvbuf);
	/* Above it: forced with CAP_NET_ADMIN, else capped and said so. */
	big = rmem_max < 64u << 20 ? rmem_max * 2 : rmem_max;
	listen_with(big, &rcv, &snd);
	assert_int_equal((uint32_t)rcv, got.rcvbuf);
	assert_int_equal((uint32_t)snd, got.sndbuf);
	if (got.forced && !got.capped) {
		assert_true((uint32_t)rcv / 2 >= big);
	} else {
		assert_true(got.capped);
		assert_true((uint32_t)rcv / 2 < big);
	}
	libre_close();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_raise_fd_limit),
	    cmocka_unit_test(test_client_needs_target),
	    cmocka_unit_test(test_bad_files),
	    cmocka_unit_test(test_udp_buffers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
