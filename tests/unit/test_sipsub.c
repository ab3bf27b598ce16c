/*
 * The SIP layer's limits end to end, with two real SIP agents over
 * loopback inside one libre event loop (as libre's own tests do): our
 * notifier (notifier.h) serving a conference, our subscriber
 * (subscriber.h) following it, and a bare libre client sending PUBLISH.
 *
 * - A subscriber with merge limits below the conference refuses its full
 *   NOTIFY as an invalid document (RESYNC, E2BIG, the limit named), one
 *   with decoder limits below it as a body over a limit (EBADMSG), and
 *   the defaults apply it.
 * - A notifier with decoder limits refuses a PUBLISH over them (400, the
 *   limit named in the log event) that the defaults accept, and a body
 *   over its request limit with 413 and "max_body".
 * Other SIP behaviour is tested against foreign peers in tests/interop/.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <re.h>

#include "confinfo/merge.h"
#include "confinfo/notifier.h"
#include "confinfo/sipstack.h"
#include "confinfo/subscriber.h"
#include "testutil.h"

/* Longest a single exchange may take before the test gives up. */
#define GUARD_MS 10000

/* Two users, the first with two endpoints: over max_users 1 and over
 * max_endpoints_per_user 1, within every default. */
static const char doc_big[] =
    "<conference-info xmlns='urn:ietf:params:xml:ns:conference-info' "
    "entity='sip:big@example.com' state='full' version='1'><users>"
    "<user entity='sip:alice@example.com'>"
    "<endpoint entity='sip:alice@pc.example.com'/>"
    "<endpoint entity='sip:alice@phone.example.com'/></user>"
    "<user entity='sip:bob@example.com'/>"
    "</users></conference-info>";

static const char doc_one_user[] =
    "<conference-info xmlns='urn:ietf:params:xml:ns:conference-info' "
    "entity='sip:big@example.com' state='full' version='1'><users>"
    "<user entity='sip:alice@example.com'/>"
    "</users></conference-info>";

/* A UDP port of 127.0.0.1 free right now (the notifier does not tell
 * which one it bound to). */
static uint16_t free_udp_port(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	close(fd);
	return ntohs(sin.sin_port);
}

static void guard_expired(void *arg)
{
	bool *expired = arg;

	*expired = true;
	re_cancel();
}

/* Run the loop until something calls re_cancel(); false if the guard
 * had to. */
static bool run_loop(void)
{
	struct tmr guard;
	bool expired = false;

	tmr_init(&guard);
	tmr_start(&guard, GUARD_MS, guard_expired, &expired);
	(void)re_main(NULL);
	tmr_cancel(&guard);
	return !expired;
}

/* ------------------------------------------------------------------ */
/* The two agents. */

/* What the notifier logged about the last PUBLISH, copied (the event's
 * pointers are valid only during the call). */
struct pub_log {
	unsigned count;
	uint16_t scode;
	int err;
	char limit[32]; /* "" when the event had no diag or no limit */
};

static void on_notifier_log(const struct confinfo_notifier_log *ev, void *arg)
{
	struct pub_log *p = arg;

	if (ev->type != CONFINFO_NOTIFIER_PUBLISHED)
		return;
	p->count++;
	p->scode = ev->scode;
	p->err = ev->diag ? ev->diag->err : 0;
	snprintf(p->limit, sizeof(p->limit), "%s",
		 ev->diag && ev->diag->limit ? ev->diag->limit : "");
}

struct agents {
	struct confinfo_sipstack *nstack; /* the notifier's */
	struct confinfo_notifier *n;
	struct pub_log pub;
	uint16_t port;
	char request_uri[64];
	struct sip *sip; /* the subscriber's and the publisher's */
	struct confinfo_subscriber_sock *sock;
};

/* A notifier on a free loopback port with @p lim (NULL: defaults) and
 * @p max_body (0: default), taking PUBLISH from anyone, and a client SIP
 * stack. */
static void agents_start(struct agents *a,
			 const struct confinfo_xml_limits *lim, size_t max_body)
{
	static const char *const anyone[] = {"*"};
	struct confinfo_notifier_config cfg;
	struct confinfo_diag diag;
	char spec[64];
	struct sa laddr;

	memset(a, 0, sizeof(*a));
	confinfo_notifier_config_default(&cfg);
	cfg.domain = "example.com";
	cfg.publishers = anyone;
	cfg.publisher_count = 1;
	cfg.limits = lim;
	if (max_body)
		cfg.max_body = max_body;
	cfg.logh = on_notifier_log;
	cfg.log_arg = &a->pub;
	assert_int_equal(confinfo_sipstack_alloc(&a->nstack, NULL, NULL), 0);
	assert_int_equal(
	    confinfo_notifier_alloc(&a->n, confinfo_sipstack_sip(a->nstack),
				    &cfg, NULL),
	    0);
	a->port = free_udp_port();
	snprintf(spec, sizeof(spec), "udp:127.0.0.1:%u", a->port);
	memset(&diag, 0, sizeof(diag));
	assert_int_equal(confinfo_sipstack_listen(a->nstack, spec, &diag), 0);
	snprintf(a->request_uri, sizeof(a->request_uri), "sip:big@127.0.0.1:%u",
		 a->port);

	assert_int_equal(
	    sip_alloc(&a->sip, NULL, 32, 32, 32, "confinfo-test", NULL, NULL),
	    0);
	assert_int_equal(sa_set_str(&laddr, "127.0.0.1", 0), 0);
	assert_int_equal(sip_transp_add(a->sip, SIP_TRANSP_UDP, &laddr), 0);
	assert_int_equal(confinfo_subscriber_sock_alloc(&a->sock, a->sip), 0);
}

static void agents_stop(struct agents *a)
{
	confinfo_subscriber_sock_free(a->sock);
	sip_close(a->sip, true);
	mem_deref(a->sip);
	confinfo_notifier_free(a->n);
	confinfo_sipstack_free(a->nstack);
}

/* Serve @p xml as conference "big". */
static void serve(struct agents *a, const char *xml)
{
	struct confinfo_conf *conf = tu_decode_str(xml);

	assert_int_equal(confinfo_notifier_set_conf(a->n, "big", conf, NULL),
			 0);
	confinfo_conf_free(conf);
}

/* ------------------------------------------------------------------ */
/* Subscribing. */

/* What one subscription saw before it was closed. */
struct sub_run {
	struct confinfo_subscriber *sub;
	unsigned states, resyncs;
	size_t users;   /* of the state, at the first STATE */
	int diag_err;   /* of the first RESYNC's diag, -1 without one */
	char limit[32]; /* its diag->limit, "" when NULL */
	char message[320];
	bool closed;
};

static void on_sub_event(const struct confinfo_subscriber_event *ev, void *arg)
{
	struct sub_run *r = arg;

	switch (ev->type) {
	case CONFINFO_SUBSCRIBER_STATE:
		if (!r->states++ && ev->state->users)
			r->users = ev->state->users->users.count;
		confinfo_subscriber_close(r->sub, 2000);
		break;
	case CONFINFO_SUBSCRIBER_RESYNC:
		if (!r->resyncs++) {
			r->diag_err = ev->diag ? ev->diag->err : -1;
			snprintf(r->limit, sizeof(r->limit), "%s",
				 ev->diag && ev->diag->limit ? ev->diag->limit
							     : "");
			snprintf(r->message, sizeof(r->message), "%s",
				 ev->message);
		}
		/* The first full NOTIFY is all this test needs to see. */
		confinfo_subscriber_close(r->sub, 2000);
		break;
	case CONFINFO_SUBSCRIBER_CLOSED:
		r->closed = true;
		re_cancel();
		break;
	default:
		break;
	}
}

/* Subscribe to "big" with these limits (NULL: defaults) until the first
 * full NOTIFY is applied or refused, then unsubscribe. */
static void subscribe_once(struct agents *a, struct sub_run *r,
			   struct confinfo_xml_limits *lim,
			   struct confinfo_merge_limits *mlim)
{
	struct confinfo_subscriber_params p;
	struct confinfo_xml_limits lim_saved;
	struct confinfo_merge_limits mlim_saved;

	memset(r, 0, sizeof(*r));
	memset(&p, 0, sizeof(p));
	p.uri = "sip:big@example.com";
	p.request_uri = a->request_uri;
	p.from = "sip:watcher@example.com";
	p.limits = lim;
	p.merge_limits = mlim;
	p.eventh = on_sub_event;
	p.arg = r;
	assert_int_equal(confinfo_subscriber_alloc(&r->sub, a->sock, &p), 0);
	/* Both are copied: wiping the caller's structs changes nothing. */
	if (lim) {
		lim_saved = *lim;
		memset(lim, 0, sizeof(*lim));
	}
	if (mlim) {
		mlim_saved = *mlim;
		memset(mlim, 0, sizeof(*mlim));
	}
	assert_true(run_loop());
	assert_true(r->closed);
	confinfo_subscriber_free(r->sub);
	r->sub = NULL;
	if (lim)
		*lim = lim_saved;
	if (mlim)
		*mlim = mlim_saved;
}

static void test_subscriber_merge_limits(void **state)
{
	struct confinfo_merge_limits mlim;
	struct agents a;
	struct sub_run r;
	(void)state;

	assert_int_equal(libre_init(), 0);
	agents_start(&a, NULL, 0);
	serve(&a, doc_big);

	/* The defaults apply the two users. */
	subscribe_once(&a, &r, NULL, NULL);
	assert_int_equal(r.states, 1);
	assert_int_equal(r.resyncs, 0);
	assert_int_equal(r.users, 2);

	/* One user per conference: the full NOTIFY is invalid for the
	 * merge, the state never set, the limit named. */
	memset(&mlim, 0, sizeof(mlim));
	mlim.max_users = 1;
	subscribe_once(&a, &r, NULL, &mlim);
	assert_int_equal(r.states, 0);
	assert_int_equal(r.resyncs, 1);
	assert_int_equal(r.diag_err, E2BIG);
	assert_string_equal(r.limit, "max_users");
	assert_non_null(strstr(r.message, "not applied (invalid: "));
	assert_non_null(strstr(r.message, "would hold 2 users (limit 1)"));

	/* A per-row limit, the others left 0 (their defaults). */
	memset(&mlim, 0, sizeof(mlim));
	mlim.max_endpoints_per_user = 1;
	subscribe_once(&a, &r, NULL, &mlim);
	assert_int_equal(r.states, 0);
	assert_int_equal(r.diag_err, E2BIG);
	assert_string_equal(r.limit, "max_endpoints_per_user");

	/* At the conference's own counts: applied. */
	mlim.max_users = 2;
	mlim.max_endpoints_per_user = 2;
	subscribe_once(&a, &r, NULL, &mlim);
	assert_int_equal(r.states, 1);
	assert_int_equal(r.users, 2);

	agents_stop(&a);
	libre_close();
}

static void test_subscriber_decode_limits(void **state)
{
	struct confinfo_xml_limits lim;
	struct agents a;
	struct sub_run r;
	(void)state;

	assert_int_equal(libre_init(), 0);
	agents_start(&a, NULL, 0);
	serve(&a, doc_big);

	/* The decoder refuses the body before the merge sees it. */
	memset(&lim, 0, sizeof(lim));
	lim.max_users = 1;
	subscribe_once(&a, &r, &lim, NULL);
	assert_int_equal(r.states, 0);
	assert_int_equal(r.resyncs, 1);
	assert_int_equal(r.diag_err, EBADMSG);
	assert_string_equal(r.limit, "max_users");
	assert_non_null(strstr(r.message, "NOTIFY body over a limit ("));
	assert_non_null(strstr(r.message, "more than 1 users"));

	lim.max_users = 2;
	subscribe_once(&a, &r, &lim, NULL);
	assert_int_equal(r.states, 1);
	assert_int_equal(r.users, 2);

	agents_stop(&a);
	libre_close();
}

/* ------------------------------------------------------------------ */
/* Publishing. */

struct pub_run {
	struct sip_request *req;
	uint16_t scode;
	bool done;
};

static void on_pub_response(int err, const struct sip_msg *msg, void *arg)
{
	struct pub_run *r = arg;

	if (!err && msg->scode < 200)
		return;
	r->scode = err ? 0 : msg->scode;
	r->done = true;
	re_cancel();
}

/* PUBLISH @p xml as the initial state of "big"; the final status. */
static uint16_t publish(struct agents *a, const char *xml)
{
	struct pub_run r;

	memset(&r, 0, sizeof(r));
	assert_int_equal(
	    sip_requestf(&r.req, a->sip, true, "PUBLISH", a->request_uri, NULL,
			 NULL, NULL, on_pub_response, &r,
			 "To: <sip:big@example.com>\r\n"
			 "From: <sip:mixer@example.com>;tag=%x\r\n"
			 "Call-ID: %x\r\n"
			 "CSeq: 1 PUBLISH\r\n"
			 "Max-Forwards: 70\r\n"
			 "Event: conference\r\n"
			 "Expires: 600\r\n"
			 "Content-Type: application/conference-info+xml\r\n"
			 "Content-Length: %zu\r\n"
			 "\r\n"
			 "%s",
			 rand_u32(), rand_u32(), strlen(xml), xml),
	    0);
	assert_true(run_loop());
	assert_true(r.done);
	mem_deref(r.req);
	return r.scode;
}

static void test_publish_limits(void **state)
{
	struct confinfo_xml_limits lim;
	struct agents a;
	(void)state;

	assert_int_equal(libre_init(), 0);

	/* The defaults accept the two users. */
	agents_start(&a, NULL, 0);
	assert_int_equal(publish(&a, doc_big), 200);
	assert_non_null(confinfo_notifier_conf(a.n, "big"));
	agents_stop(&a);

	/* max_users 1 refuses them (400), names the limit in the log, and
	 * serves nothing; one user is still fine. The caller's struct may
	 * go once the notifier is allocated. */
	memset(&lim, 0, sizeof(lim));
	lim.max_users = 1;
	agents_start(&a, &lim, 0);
	memset(&lim, 0, sizeof(lim));
	assert_int_equal(publish(&a, doc_big), 400);
	assert_int_equal(a.pub.scode, 400);
	assert_int_equal(a.pub.err, EBADMSG);
	assert_string_equal(a.pub.limit, "max_users");
	assert_null(confinfo_notifier_conf(a.n, "big"));
	assert_int_equal(publish(&a, doc_one_user), 200);
	assert_string_equal(a.pub.limit, "");
	assert_non_null(confinfo_notifier_conf(a.n, "big"));
	agents_stop(&a);

	/* The decoder's size limit: 400 with "max_body". */
	memset(&lim, 0, sizeof(lim));
	lim.max_body = 64;
	agents_start(&a, &lim, 0);
	assert_int_equal(publish(&a, doc_big), 400);
	assert_int_equal(a.pub.err, EMSGSIZE);
	assert_string_equal(a.pub.limit, "max_body");
	agents_stop(&a);

	/* The request body limit: 413 before decoding, with "max_body"
	 * too; without limits->max_body the decoder would have refused
	 * the same body at the same size. */
	agents_start(&a, NULL, 64);
	assert_int_equal(publish(&a, doc_big), 413);
	assert_int_equal(a.pub.scode, 413);
	assert_int_equal(a.pub.err, EMSGSIZE);
	assert_string_equal(a.pub.limit, "max_body");
	agents_stop(&a);

	libre_close();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_subscriber_merge_limits),
	    cmocka_unit_test(test_subscriber_decode_limits),
	    cmocka_unit_test(test_publish_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
