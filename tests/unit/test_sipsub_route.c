/*
 * confinfo_subscriber_route() with sips: (issue 13): TLS on every hop, a
 * sips: proxy turned into a Route libre can follow, and the transports
 * that would break TLS on a hop refused.
 */
#include <errno.h>
#include <string.h>

#include "confinfo/subscriber.h"
#include "testutil.h"

static void route_ok(const char *uri, const char *proxy, const char *tp,
		     const char *want_route)
{
	struct confinfo_subscriber_route r;

	assert_int_equal(confinfo_subscriber_route(&r, uri, proxy, tp, NULL),
			 0);
	assert_string_equal(r.request_uri, uri);
	assert_string_equal(r.route, want_route);
	assert_ptr_equal(r.target, r.route);
}

static void route_refused(const char *uri, const char *proxy, const char *tp,
			  const char *why)
{
	struct confinfo_subscriber_route r;
	struct confinfo_diag diag;

	confinfo_diag_reset(&diag);
	assert_int_equal(confinfo_subscriber_route(&r, uri, proxy, tp, &diag),
			 EINVAL);
	assert_non_null(strstr(diag.message, why));
}

static void test_sips_target(void **state)
{
	(void)state;
	route_ok("sips:conf@focus.test", NULL, NULL,
		 "sip:focus.test;transport=tls");
	route_ok("sips:conf@127.0.0.1:5061", NULL, NULL,
		 "sip:127.0.0.1:5061;transport=tls");
	/* Through a sip: proxy: TLS to the proxy. */
	route_ok("sips:conf@focus.test", "sip:proxy.test", NULL,
		 "sip:proxy.test;transport=tls");
	route_refused("sips:conf@focus.test", "sip:proxy.test;transport=udp",
		      NULL, "TLS on every hop");
	route_refused("sips:conf@focus.test", NULL, "tcp",
		      "needs transport tls");
}

static void test_sips_proxy(void **state)
{
	(void)state;
	route_ok("sip:conf@focus.test", "sips:proxy.test", NULL,
		 "sip:proxy.test;transport=tls");
	route_ok("sips:conf@focus.test", "sips:proxy.test:5071;lr", NULL,
		 "sip:proxy.test:5071;lr;transport=tls");
	route_ok("sip:conf@focus.test", "sips:proxy.test;transport=tls", "tls",
		 "sip:proxy.test;transport=tls");
	route_refused("sip:conf@focus.test", "sips:proxy.test", "udp",
		      "TLS on every hop");
	route_refused("sip:conf@focus.test", "sips:proxy.test;transport=tcp",
		      NULL, "TLS on every hop");
	route_refused("sip:conf@focus.test", "tel:+123", NULL,
		      "needs a sip: or sips: URI");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sips_target),
	    cmocka_unit_test(test_sips_proxy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
