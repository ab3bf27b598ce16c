/*
 * confinfo-bench-views: the cost of per-subscriber views (issue 14) in
 * the fan-out of one change, in process.
 *
 * A notifier serves one conference of USERS users (some private); N
 * subscriptions (10,000 by default) are attached to it, each with an
 * authenticated identity, in four cohorts with different version
 * counters (four encodings of each body, as in a real focus). For every change
 * the notifier does, per subscriber, what sipnot_sub_kick() and send_notify()
 * do before handing a NOTIFY to the transport: decide the subscriber's view
 * (sipnot_view_update), get the snapshot of that view (rendered once per
 * view and change), and get the body of the partial NOTIFY from the
 * cache (diffed and encoded once per view and version). The SIP send
 * itself is left out on purpose: it costs the same per subscriber
 * whatever the views, so leaving it out makes the ratio below an upper
 * bound of the ratio a wire benchmark would see, and the figure does not
 * depend on SIPp's speed (the bottleneck of bench/sip/run.sh on 2 cores).
 *
 * Configurations, measured interleaved in one run, same subscribers,
 * same changes:
 *   none   no policy: everyone full (what the focus did before views);
 *   1view  every subscriber in the participant view;
 *   3views a third full, a third participant, a third public.
 * In both view configurations the private participants subscribe too
 * (own variants). Prints the median time per change of each and the
 * ratios 3views/1view (the target: < 1.5) and 1view/none.
 *
 * usage: confinfo-bench-views [SUBSCRIBERS [CHANGES [USERS]]]
 *        defaults 10000 21 50
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <re.h>

#include "confinfo/notifier.h"
#include "confinfo/policy.h"
#include "confinfo/sipstack.h"
#include "confinfo/xml.h"
#include "sipnot/sipnot.h"

#define PRIVATE_EVERY 10 /* every 10th user is private */

static void die(const char *what, int err)
{
	fprintf(stderr, "bench-views: %s: %s\n", what, strerror(err));
	exit(1);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The conference after change @p round: user round % users on hold, and
 * a subject that every view shows. */
static struct confinfo_conf *state(unsigned users, unsigned round)
{
	struct confinfo_conf *c = NULL;
	struct mbuf *mb = mbuf_alloc(64 * 1024);
	int err;

	if (!mb)
		die("mbuf", ENOMEM);
	mbuf_printf(mb,
		    "<conference-info "
		    "xmlns=\"urn:ietf:params:xml:ns:conference-info\" "
		    "xmlns:cp=\"urn:x-confinfo:params:xml:ns:privacy\" "
		    "entity=\"sip:room@example.com\" state=\"full\" "
		    "version=\"1\"><conference-description><subject>Bench %u"
		    "</subject></conference-description><users>",
		    round % 2);
	for (unsigned i = 0; i < users; i++)
		mbuf_printf(
		    mb,
		    "<user entity=\"sip:p%u@example.com\"%s><display-text>"
		    "Participant %u</display-text><roles><entry>participant"
		    "</entry></roles><endpoint entity=\"sip:p%u@pc%u.example."
		    "com;gr=urn:uuid:%08u\"><display-text>Phone %u"
		    "</display-text><status>%s</status><joining-method>"
		    "dialed-in</joining-method><media id=\"1\"><type>audio"
		    "</type><status>sendrecv</status></media></endpoint>"
		    "</user>",
		    i, i % PRIVATE_EVERY ? "" : " cp:private=\"true\"", i, i, i,
		    i, i, i == round % users ? "on-hold" : "connected");
	mbuf_printf(mb, "</users></conference-info>");
	err =
	    confinfo_xml_decode(&c, (const char *)mb->buf, mb->end, NULL, NULL);
	mem_deref(mb);
	if (err)
		die("decode", err);
	return c;
}

static void sub_destructor(void *arg)
{
	struct sipnot_sub *sub = arg;

	mem_deref(sub->sent);
	mem_deref(sub->own);
	mem_deref(sub->conf);
	free(sub->identity);
	free(sub->vid);
}

/* Subscriber i: a participant (p<i>) for the first USERS, then others. */
static struct sipnot_sub *sub_new(struct confinfo_notifier *n,
				  struct sipnot_conf *conf, const char *id)
{
	struct sipnot_sub *sub = mem_zalloc(sizeof(*sub), sub_destructor);

	if (!sub || !(sub->identity = strdup(id)))
		die("sub", ENOMEM);
	sub->n = n;
	sub->conf = mem_ref(conf);
	return sub;
}

/* What kick + send_notify do per subscriber, short of sending. */
static void fan_out(struct sipnot_sub **subs, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		struct sipnot_sub *sub = subs[i];
		struct sipnot_snap *cur = NULL;
		const char *xml;
		size_t len;
		bool empty;
		int err;

		if (sipnot_view_update(sub))
			die("view none", EINVAL);
		err = sipnot_view_snap(sub, &cur);
		if (!err)
			err = sipnot_body_get(sub->conf, sub->sent, cur,
					      sub->version + 1, &xml, &len,
					      &empty);
		if (err)
			die("body", err);
		if (!empty)
			sub->version++;
		mem_deref(sub->sent);
		sub->sent = mem_ref(cur);
	}
}

static struct confinfo_view_policy *policy(bool three, size_t subs)
{
	struct mbuf *mb = mbuf_alloc(1024 * 1024);
	struct confinfo_view_policy *p = NULL;
	int err;

	if (!mb)
		die("policy", ENOMEM);
	mbuf_printf(mb, "participants participant\nauthenticated %s\n",
		    three ? "public" : "participant");
	for (size_t i = 0; three && i < subs; i++)
		if (i % 3 != 2)
			mbuf_printf(mb, "subscriber sip:s%zu@example.com %s\n",
				    i, i % 3 ? "participant" : "full");
	err = confinfo_view_policy_parse(&p, (const char *)mb->buf, mb->end,
					 NULL);
	mem_deref(mb);
	if (err)
		die("policy", err);
	return p;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

enum { CFG_NONE, CFG_ONE, CFG_THREE, CFG_COUNT };

struct cfg {
	const char *name;
	struct confinfo_notifier *n;
	struct sipnot_conf *conf;
	struct sipnot_sub **subs;
	size_t count;
	double *ms;
};

static void cfg_setup(struct cfg *c, struct sip *sip, int kind, size_t nsubs,
		      unsigned users, unsigned changes)
{
	struct confinfo_notifier_config cfg;
	struct confinfo_conf *st = state(users, 0);
	struct pl name = PL("room");
	char id[64];
	int err;

	confinfo_notifier_config_default(&cfg);
	err = confinfo_notifier_alloc(&c->n, sip, &cfg, NULL);
	if (!err && kind != CFG_NONE)
		err = confinfo_notifier_set_view_policy(
		    c->n, policy(kind == CFG_THREE, nsubs));
	if (!err)
		err = confinfo_notifier_set_conf(c->n, "room", st, NULL);
	confinfo_conf_free(st);
	if (err)
		die("notifier", err);
	c->conf = sipnot_conf_find(c->n, &name);
	c->count = nsubs + (kind == CFG_NONE ? 0 : users / PRIVATE_EVERY);
	c->subs = calloc(c->count, sizeof(*c->subs));
	c->ms = calloc(changes, sizeof(*c->ms));
	if (!c->subs || !c->ms)
		die("subs", ENOMEM);
	for (size_t i = 0; i < c->count; i++) {
		if (i < nsubs)
			snprintf(id, sizeof(id), "sip:s%zu@example.com", i);
		else /* the private participants themselves */
			snprintf(id, sizeof(id), "sip:p%zu@example.com",
				 (i - nsubs) * PRIVATE_EVERY);
		c->subs[i] = sub_new(c->n, c->conf, id);
		/* Four cohorts that subscribed at different times: four
		 * version counters, so four encodings of each body. */
		c->subs[i]->version = (uint32_t)(i % 4) * 10;
	}
	fan_out(c->subs, c->count); /* the full NOTIFYs of the SUBSCRIBEs */
}

int main(int argc, char **argv)
{
	size_t nsubs = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000;
	unsigned changes = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 21;
	unsigned users = argc > 3 ? (unsigned)strtoul(argv[3], NULL, 10) : 50;
	struct cfg cfgs[CFG_COUNT] = {
	    {.name = "none"}, {.name = "1view"}, {.name = "3views"}};
	struct confinfo_sipstack *stack = NULL;
	double med[CFG_COUNT];
	int err;

	if (!nsubs || !changes || users < PRIVATE_EVERY)
		die("usage: [SUBSCRIBERS [CHANGES [USERS>=10]]]", EINVAL);
	err = libre_init();
	if (!err)
		err = confinfo_sipstack_alloc(&stack, NULL, NULL);
	if (err)
		die("libre", err);
	for (int k = 0; k < CFG_COUNT; k++)
		cfg_setup(&cfgs[k], confinfo_sipstack_sip(stack), k, nsubs,
			  users, changes);
	for (unsigned r = 1; r <= changes; r++) {
		struct confinfo_conf *st = state(users, r);

		/* Interleaved: drift of the machine hits all alike. */
		for (int k = 0; k < CFG_COUNT; k++) {
			double t0 = now_ms();

			err = confinfo_notifier_set_conf(cfgs[k].n, "room", st,
							 NULL);
			if (err)
				die("change", err);
			fan_out(cfgs[k].subs, cfgs[k].count);
			cfgs[k].ms[r - 1] = now_ms() - t0;
		}
		confinfo_conf_free(st);
	}
	for (int k = 0; k < CFG_COUNT; k++) {
		qsort(cfgs[k].ms, changes, sizeof(double), cmp_double);
		med[k] = cfgs[k].ms[changes / 2];
		printf("fanout_views_%s subscribers=%zu users=%u "
		       "median_ms_per_change=%.2f\n",
		       cfgs[k].name, cfgs[k].count, users, med[k]);
	}
	printf("fanout_views_ratio_3views_1view=%.2f (target < 1.5)\n",
	       med[CFG_THREE] / med[CFG_ONE]);
	printf("fanout_views_ratio_1view_none=%.2f\n",
	       med[CFG_ONE] / med[CFG_NONE]);
	for (int k = 0; k < CFG_COUNT; k++) {
		for (size_t i = 0; i < cfgs[k].count; i++)
			mem_deref(cfgs[k].subs[i]);
		free(cfgs[k].subs);
		free(cfgs[k].ms);
		confinfo_notifier_free(cfgs[k].n);
	}
	confinfo_sipstack_free(stack);
	libre_close();
	return 0;
}
