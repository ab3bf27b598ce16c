/*
 * confinfo_subscriber_route() (subscriber.h): the Request-URI, the Route
 * and the first hop of a subscription for a conference URI, a proxy and a
 * transport, and every refusal with its message.
 */
#include <errno.h>
#include <string.h>

#include "confinfo/subscriber.h"
#include "testutil.h"

/* Route @p uri and expect success with @p ruri and @p route ("" for
 * none); the first hop is the route when there is one. */
static void expect_route(const char *uri, const char *proxy,
			 const char *transport, const char *ruri,
			 const char *route)
{
	struct confinfo_subscriber_route r;
	struct confinfo_diag diag;

	memset(&r, 0xa5, sizeof(r)); /* nothing left over is read */
	confinfo_diag_reset(&diag);
	if (confinfo_subscriber_route(&r, uri, proxy, transport, &diag))
		fail_msg("%s via %s over %s: %s", uri, proxy ? proxy : "-",
			 transport ? transport : "-", diag.message);
	assert_string_equal(r.request_uri, ruri);
	assert_string_equal(r.route, route);
	assert_ptr_equal(r.target, route[0] ? r.route : r.request_uri);
}

/* Route @p uri and expect EINVAL with a message holding @p words. */
static void expect_refused(const char *uri, const char *proxy,
			   const char *transport, const char *words)
{
	struct confinfo_subscriber_route r;
	struct confinfo_diag diag;

	memset(&r, 0, sizeof(r));
	strcpy(r.request_uri, "untouched");
	confinfo_diag_reset(&diag);
	assert_int_equal(
	    confinfo_subscriber_route(&r, uri, proxy, transport, &diag),
	    EINVAL);
	if (!strstr(diag.message, words))
		fail_msg("%s: message '%s' lacks '%s'", uri, diag.message,
			 words);
	/* Written only on success. */
	assert_string_equal(r.request_uri, "untouched");
}

static void test_plain(void **state)
{
	(void)state;
	expect_route("sip:conf@127.0.0.1:5060", NULL, NULL,
		     "sip:conf@127.0.0.1:5060", "");
	/* A transport is added to the Request-URI... */
	expect_route("sip:conf@127.0.0.1", NULL, "tcp",
		     "sip:conf@127.0.0.1;transport=tcp", "");
	/* ...unless it names one already, which must agree. */
	expect_route("sip:conf@127.0.0.1;transport=tcp", NULL, "tcp",
		     "sip:conf@127.0.0.1;transport=tcp", "");
	expect_route("sip:conf@127.0.0.1;transport=TCP", NULL, NULL,
		     "sip:conf@127.0.0.1;transport=TCP", "");
}

static void test_sips(void **state)
{
	(void)state;
	/* TLS on every hop: a Route to the host over TLS. */
	expect_route("sips:conf@127.0.0.1:5061", NULL, NULL,
		     "sips:conf@127.0.0.1:5061",
		     "sip:127.0.0.1:5061;transport=tls");
	expect_route("sips:conf@127.0.0.1", NULL, "tls", "sips:conf@127.0.0.1",
		     "sip:127.0.0.1;transport=tls");
	expect_route("sips:conf@[::1]:5061", NULL, NULL, "sips:conf@[::1]:5061",
		     "sip:[::1]:5061;transport=tls");
	expect_refused("sips:conf@127.0.0.1", NULL, "udp",
		       "needs transport tls");
	expect_refused("sips:conf@127.0.0.1", NULL, "tcp",
		       "needs transport tls");
}

static void test_proxy(void **state)
{
	(void)state;
	expect_route("sip:conf@example.com", "sip:127.0.0.1:5070", NULL,
		     "sip:conf@example.com", "sip:127.0.0.1:5070");
	/* The transport goes to the proxy's URI, not the Request-URI. */
	expect_route("sip:conf@example.com", "sip:127.0.0.1:5070", "tcp",
		     "sip:conf@example.com",
		     "sip:127.0.0.1:5070;transport=tcp");
	expect_route("sip:conf@example.com", "sip:127.0.0.1;transport=udp",
		     "tcp", "sip:conf@example.com",
		     "sip:127.0.0.1;transport=udp");
	/* A sips: conference through a proxy: TLS to the proxy. */
	expect_route("sips:conf@example.com", "sip:127.0.0.1:5071", NULL,
		     "sips:conf@example.com",
		     "sip:127.0.0.1:5071;transport=tls");
	expect_refused("sip:conf@example.com", "http://127.0.0.1/", NULL,
		       "proxy needs a sip: or sips: URI");
	expect_refused("sip:conf@focus.test", "tel:+123", NULL,
		       "needs a sip: or sips: URI");
}

/* sips: (RFC 3261 section 19.1): TLS on every hop, a sips: proxy turned
 * into a Route libre can follow, and transports that would break TLS on
 * a hop refused. */
static void test_sips_hops(void **state)
{
	(void)state;
	expect_route("sips:conf@focus.test", NULL, NULL, "sips:conf@focus.test",
		     "sip:focus.test;transport=tls");
	expect_route("sips:conf@focus.test", "sip:proxy.test", NULL,
		     "sips:conf@focus.test", "sip:proxy.test;transport=tls");
	expect_refused("sips:conf@focus.test", "sip:proxy.test;transport=udp",
		       NULL, "TLS on every hop");
	expect_route("sip:conf@focus.test", "sips:proxy.test", NULL,
		     "sip:conf@focus.test", "sip:proxy.test;transport=tls");
	expect_route("sips:conf@focus.test", "sips:proxy.test:5071;lr", NULL,
		     "sips:conf@focus.test",
		     "sip:proxy.test:5071;lr;transport=tls");
	expect_route("sip:conf@focus.test", "sips:proxy.test;transport=tls",
		     "tls", "sip:conf@focus.test",
		     "sip:proxy.test;transport=tls");
	expect_refused("sip:conf@focus.test", "sips:proxy.test", "udp",
		       "TLS on every hop");
	expect_refused("sip:conf@focus.test", "sips:proxy.test;transport=tcp",
		       NULL, "TLS on every hop");
}

static void test_refused(void **state)
{
	char longuri[1100];

	(void)state;
	expect_refused("not a uri", NULL, NULL, "not a SIP URI");
	expect_refused("xmpp:conf@example.com", NULL, NULL,
		       "not a sip: or sips: URI");
	expect_refused("sip:conf@127.0.0.1", NULL, "sctp",
		       "udp, tcp or tls, not 'sctp'");
	expect_refused("sip:conf@127.0.0.1;transport=udp", NULL, "tcp",
		       "transport=udp");
	expect_refused("sip:conf@127.0.0.1?Subject=x", NULL, "tcp",
		       "URI with headers");
	memset(longuri, 0, sizeof(longuri));
	strcpy(longuri, "sip:");
	memset(longuri + 4, 'a', 1040);
	strcat(longuri, "@127.0.0.1");
	expect_refused(longuri, NULL, NULL, "too long");
}

static void test_null(void **state)
{
	struct confinfo_subscriber_route r;

	(void)state;
	assert_int_equal(
	    confinfo_subscriber_route(NULL, "sip:a@b", NULL, NULL, NULL),
	    EINVAL);
	assert_int_equal(confinfo_subscriber_route(&r, NULL, NULL, NULL, NULL),
			 EINVAL);
	/* diag is optional. */
	assert_int_equal(
	    confinfo_subscriber_route(&r, "nonsense", NULL, NULL, NULL),
	    EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain),   cmocka_unit_test(test_sips),
	    cmocka_unit_test(test_proxy),   cmocka_unit_test(test_sips_hops),
	    cmocka_unit_test(test_refused), cmocka_unit_test(test_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
