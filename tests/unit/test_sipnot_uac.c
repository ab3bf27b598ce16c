/*
 * The notifier's own NOTIFY client transactions over UDP (sipnot/uac.c)
 * against scripted UDP peers in one libre loop: the retransmission
 * schedule of RFC 3261 17.1.2.2 (T1 doubling up to T2), matching the
 * 200 by its Via branch, a repeated 200 absorbed, Timer F ending a
 * transaction nobody answers, and the window: places per destination and
 * overall, waiting owners woken in order as answers free places, a dead
 * destination holding its own places only. T1 is shortened so that the
 * 32 s of Timer F take about a second. Also what a NOTIFY built from a
 * subscription's compact dialog (sipnot/dialog.c) carries.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <re.h>

#include "confinfo/sipstack.h"
#include "sipnot/sched.h"
#include "sipnot/sipnot.h"
#include "sipnot/uac.h"
#include "testutil.h"

#define MAX_COPIES 64

/* A scripted subscriber: a bare UDP socket that records what arrives and
 * answers 200 when told to. */
struct peer {
	struct udp_sock *us;
	struct sa addr;
	unsigned copies;         /* datagrams received */
	uint64_t at[MAX_COPIES]; /* when */
	struct sip_msg *msg[MAX_COPIES];
	unsigned answer_on;    /* answer the copy with this number */
	unsigned answer_times; /* that many 200s (2: a repeated one) */
	unsigned forge_on;     /* answer this copy with another branch */
	bool answer_all;       /* answer every request at once */
};

struct owner {
	struct sipnot_uac_wait wait;
	struct sipnot_uac_tx *tx;
	struct peer *peer;
	int id;
	unsigned finals; /* final responses or errors heard */
	int err;
	uint16_t scode;
	uint64_t ended;
};

static struct confinfo_sipstack *stack;
static struct sipnot_sched sched;
static struct sipnot_uac uac;
static struct sipnot_dlg *dlg;
static int woken[16];
static unsigned nwoken;
static bool own_socket; /* up(): notifier.h udp_own_socket */

static void reply(struct peer *p, const struct sip_msg *m, unsigned times)
{
	struct mbuf *mb = mbuf_alloc(512);

	assert_non_null(mb);
	assert_int_equal(
	    mbuf_printf(mb,
			"SIP/2.0 200 OK\r\nVia: %r\r\nTo: %r;tag=peer\r\n"
			"From: %r\r\nCall-ID: %r\r\nCSeq: %u %r\r\n"
			"Content-Length: 0\r\n\r\n",
			&m->via.val, &m->to.val, &m->from.val, &m->callid,
			m->cseq.num, &m->cseq.met),
	    0);
	for (unsigned i = 0; i < times; i++) {
		mb->pos = 0;
		assert_int_equal(udp_send(p->us, &m->src, mb), 0);
	}
	mem_deref(mb);
}

/* A 200 to @p m with the sender's branch prefix but another branch: a
 * response to some other transaction, which must not end this one. */
static void forge(struct peer *p, const struct sip_msg *m)
{
	struct mbuf *mb = mbuf_alloc(512);
	struct pl b = m->via.branch;
	const char *tail;

	assert_non_null(mb);
	assert_true(b.l > 4);
	/* Keep the prefix, change the end of the random part. */
	tail = strncmp(b.p + b.l - 4, "ffff", 4) ? "ffff" : "0000";
	b.l -= 4;
	assert_int_equal(
	    mbuf_printf(mb,
			"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP %r;branch=%r%s\r\n"
			"To: %r;tag=peer\r\nFrom: %r\r\nCall-ID: %r\r\n"
			"CSeq: %u %r\r\nContent-Length: 0\r\n\r\n",
			&m->via.sentby, &b, tail, &m->to.val, &m->from.val,
			&m->callid, m->cseq.num, &m->cseq.met),
	    0);
	mb->pos = 0;
	assert_int_equal(udp_send(p->us, &m->src, mb), 0);
	mem_deref(mb);
}

static void peer_recv(const struct sa *src, struct mbuf *mb, void *arg)
{
	struct peer *p = arg;
	struct sip_msg *m = NULL;

	if (sip_msg_decode(&m, mb) || p->copies == MAX_COPIES) {
		mem_deref(m);
		return;
	}
	m->src = *src;
	p->at[p->copies] = tmr_jiffies();
	p->msg[p->copies++] = m;
	if (p->answer_all || p->copies == p->answer_on)
		reply(p, m, p->answer_all ? 1 : p->answer_times);
	else if (p->copies == p->forge_on)
		forge(p, m);
}

static void peer_open(struct peer *p)
{
	memset(p, 0, sizeof(*p));
	sa_set_str(&p->addr, "127.0.0.1", 0);
	assert_int_equal(udp_listen(&p->us, &p->addr, peer_recv, p), 0);
	assert_int_equal(udp_local_get(p->us, &p->addr), 0);
}

static void peer_close(struct peer *p)
{
	for (unsigned i = 0; i < p->copies; i++)
		mem_deref(p->msg[i]);
	mem_deref(p->us);
}

static void on_ready(void *arg);

/* The compact dialog (sipnot/dialog.c) of a SUBSCRIBE with Contact
 * @p contact and the extra headers @p extra (Record-Route). */
static struct sipnot_dlg *accept_from(const char *extra, const char *contact)
{
	struct sipnot_dlg *d = NULL;
	struct sip_msg *msg = NULL;
	struct mbuf *mb = mbuf_alloc(1024);

	assert_non_null(mb);
	assert_int_equal(
	    mbuf_printf(mb,
			"SUBSCRIBE sip:conf1@127.0.0.1 SIP/2.0\r\n"
			"Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKx\r\n"
			"%s"
			"From: \"Alice\" <sip:alice@example.com>;tag=a1\r\n"
			"To: <sip:conf1@127.0.0.1>\r\n"
			"Call-ID: dlg@test\r\nCSeq: 7 SUBSCRIBE\r\n"
			"Contact: <%s>\r\n"
			"Max-Forwards: 70\r\nEvent: conference\r\n"
			"Content-Length: 0\r\n\r\n",
			extra, contact),
	    0);
	mb->pos = 0;
	assert_int_equal(sip_msg_decode(&msg, mb), 0);
	assert_int_equal(sipnot_dlg_accept(&d, msg, 0x1234abcdULL), 0);
	mem_deref(msg);
	mem_deref(mb);
	return d;
}

/* A request in the dialog from the subscriber (a refresh): To carries
 * @p to_tag, the Contact @p contact. */
static struct sip_msg *refresh_msg(const char *to_tag, const char *contact)
{
	struct sip_msg *msg = NULL;
	struct mbuf *mb = mbuf_alloc(1024);

	assert_non_null(mb);
	assert_int_equal(
	    mbuf_printf(mb,
			"SUBSCRIBE sip:conf1@127.0.0.1 SIP/2.0\r\n"
			"Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKy\r\n"
			"From: \"Alice\" <sip:alice@example.com>;tag=a1\r\n"
			"To: <sip:conf1@127.0.0.1>;tag=%s\r\n"
			"Call-ID: dlg@test\r\nCSeq: 8 SUBSCRIBE\r\n"
			"Contact: <%s>\r\n"
			"Max-Forwards: 70\r\nEvent: conference\r\n"
			"Content-Length: 0\r\n\r\n",
			to_tag, contact),
	    0);
	mb->pos = 0;
	assert_int_equal(sip_msg_decode(&msg, mb), 0);
	mem_deref(mb);
	return msg;
}

static void up(uint32_t window, uint32_t window_dest, uint32_t t1)
{
	assert_int_equal(libre_init(), 0);
	assert_int_equal(confinfo_sipstack_alloc(&stack, NULL, NULL), 0);
	assert_int_equal(
	    confinfo_sipstack_listen(stack, "udp:127.0.0.1:0", NULL), 0);
	sipnot_sched_init(&sched);
	assert_int_equal(sipnot_uac_init(&uac, confinfo_sipstack_sip(stack),
					 &sched, window, window_dest,
					 own_socket, on_ready),
			 0);
	uac.t1 = t1;
	dlg = accept_from("", "sip:peer@127.0.0.1");
	nwoken = 0;
}

static void down(void)
{
	sipnot_uac_close(&uac);
	sipnot_sched_close(&sched);
	sipnot_dlg_free(dlg);
	dlg = NULL;
	confinfo_sipstack_free(stack);
	stack = NULL;
	libre_close();
}

static void on_resp(int err, const struct sip_msg *msg, void *arg)
{
	struct owner *o = arg;

	if (!err && msg->scode < 200)
		return;
	o->finals++;
	o->err = err;
	o->scode = msg ? msg->scode : 0;
	o->ended = tmr_jiffies();
}

/* A NOTIFY from @p o to its peer, on the transactions under test. */
static int send_to(struct owner *o)
{
	return sipnot_uac_requestf(&o->tx, &uac, &o->peer->addr, "NOTIFY", dlg,
				   NULL, on_resp, o,
				   "Event: conference\r\n"
				   "Content-Length: 0\r\n\r\n");
}

/* Woken from the waiting line: take the place (the notifier's
 * subscriptions do the same through sipnot_sub_kick()). */
static void on_ready(void *arg)
{
	struct owner *o = arg;

	woken[nwoken++] = o->id;
	assert_true(sipnot_uac_admit(&uac, &o->peer->addr, &o->wait, o));
	assert_int_equal(send_to(o), 0);
}

/* Run the loop until *@p flag is true or @p ms pass. */
static bool *poll_flag;
static unsigned poll_want;
static unsigned *poll_count;

static void poll_tick(void *arg)
{
	struct tmr *t = arg;

	if ((poll_flag && *poll_flag) ||
	    (poll_count && *poll_count >= poll_want)) {
		re_cancel();
		return;
	}
	tmr_start(t, 2, poll_tick, t);
}

static void stop_loop(void *arg)
{
	(void)arg;
	re_cancel();
}

static void run_until(unsigned *count, unsigned want, uint32_t ms)
{
	struct tmr tick, guard;

	poll_flag = NULL;
	poll_count = count;
	poll_want = want;
	tmr_init(&tick);
	tmr_init(&guard);
	tmr_start(&tick, 0, poll_tick, &tick);
	tmr_start(&guard, ms, stop_loop, NULL);
	(void)re_main(NULL);
	tmr_cancel(&tick);
	tmr_cancel(&guard);
}

static void run_for(uint32_t ms)
{
	run_until(NULL, 0, ms);
}

/* ------------------------------------------------------------------ */

static void test_retransmit_then_200(void **state)
{
	struct peer p;
	struct owner o = {.id = 1};
	(void)state;

	up(0, 0, 50);
	peer_open(&p);
	o.peer = &p;
	/* Silent for three copies (but for a 200 to another branch), then a
	 * 200 sent twice (a repeated 2xx). */
	p.answer_on = 4;
	p.answer_times = 2;
	p.forge_on = 2; /* a 200 with another branch: absorbed, no effect */
	assert_int_equal(send_to(&o), 0);
	assert_non_null(o.tx);
	run_until(&o.finals, 1, 5000);
	assert_int_equal(o.finals, 1);
	assert_int_equal(o.err, 0);
	assert_int_equal(o.scode, 200);
	assert_null(o.tx);
	assert_int_equal(p.copies, 4);
	/* One branch for all copies, ours (with the notifier's prefix). */
	for (unsigned i = 1; i < p.copies; i++)
		assert_int_equal(
		    pl_cmp(&p.msg[i]->via.branch, &p.msg[0]->via.branch), 0);
	assert_int_equal(
	    strncmp(p.msg[0]->via.branch.p, uac.prefix, strlen(uac.prefix)), 0);
	/* Timer E: T1, 2 T1, 4 T1 (never early; late by the loop only). */
	for (unsigned i = 1; i < p.copies; i++) {
		uint64_t gap = p.at[i] - p.at[i - 1];
		uint64_t want = 50u << (i - 1);

		assert_true(gap + 2 >= want);
		assert_true(gap <= want + 150);
	}
	/* Nothing more is sent, and the repeated 200 was absorbed. */
	run_for(400);
	assert_int_equal(p.copies, 4);
	assert_int_equal(o.finals, 1);
	assert_int_equal(uac.stats.absorbed, 2);
	assert_int_equal(uac.stats.retrans, 3);
	assert_int_equal(uac.inflight, 0);
	peer_close(&p);
	down();
}

/* udp_own_socket (confinfo focus --workers): the NOTIFY leaves from a
 * socket of the notifier's own, not the listener, names it in its Via,
 * and the 200 sent back there (to the source, as RFC 3261 18.2.2 and
 * rport say) ends the transaction. */
static void test_own_socket(void **state)
{
	struct peer p;
	struct owner o = {.id = 1};
	struct sa listener;
	(void)state;

	own_socket = true;
	up(0, 0, 50);
	own_socket = false;
	peer_open(&p);
	o.peer = &p;
	p.answer_all = true;
	assert_int_equal(sip_transp_laddr(confinfo_sipstack_sip(stack),
					  &listener, SIP_TRANSP_UDP, &p.addr),
			 0);
	assert_int_equal(send_to(&o), 0);
	run_until(&o.finals, 1, 3000);
	assert_int_equal(o.finals, 1);
	assert_int_equal(o.scode, 200);
	assert_int_equal(p.copies, 1); /* answered at once: no retransmission */
	assert_true(sa_port(&p.msg[0]->src) != sa_port(&listener));
	assert_int_equal(p.msg[0]->via.sentby.l > 0, 1);
	assert_int_equal(sa_port(&p.msg[0]->via.addr), sa_port(&p.msg[0]->src));
	assert_int_equal(uac.stats.retrans, 0);
	peer_close(&p);
	down();
}

static void test_timeout(void **state)
{
	struct peer p;
	struct owner o = {.id = 1};
	uint64_t start, maxgap = 0;
	(void)state;

	/* T1 20 ms: T2 160 ms, Timer F 1,280 ms. */
	up(0, 0, 20);
	peer_open(&p);
	o.peer = &p;
	start = tmr_jiffies();
	assert_int_equal(send_to(&o), 0);
	run_until(&o.finals, 1, 5000);
	assert_int_equal(o.finals, 1);
	assert_int_equal(o.err, ETIMEDOUT);
	assert_null(o.tx);
	assert_true(o.ended - start >= 1280);
	assert_true(o.ended - start <= 1280 + 500);
	/* 20, 40, 80, then every 160 until 1,280: 11 copies in all. */
	assert_true(p.copies >= 9 && p.copies <= 12);
	for (unsigned i = 1; i < p.copies; i++) {
		uint64_t gap = p.at[i] - p.at[i - 1];

		if (gap > maxgap)
			maxgap = gap;
		if (i <= 3)
			assert_true(gap + 2 >= (20u << (i - 1)));
	}
	assert_true(maxgap + 2 >= 160 && maxgap <= 160 + 150);
	assert_int_equal(uac.stats.timeouts, 1);
	assert_int_equal(uac.inflight, 0);
	peer_close(&p);
	down();
}

static void test_window(void **state)
{
	struct peer a, b;
	struct owner o[7];
	(void)state;

	/* 3 in flight in all, 2 per destination; no retransmission within
	 * the test (T1 10 s). */
	up(3, 2, 10000);
	peer_open(&a);
	peer_open(&b);
	memset(o, 0, sizeof(o));
	for (int i = 0; i < 7; i++) {
		o[i].id = i;
		o[i].peer = i < 3 || i == 5 ? &a : &b;
	}
	/* a: o0, o1 go, o2 waits for a; b: o3 goes (3 in all), o4 waits
	 * for the overall window; o5 (a) waits for a, behind o2. */
	for (int i = 0; i < 6; i++) {
		bool go =
		    sipnot_uac_admit(&uac, &o[i].peer->addr, &o[i].wait, &o[i]);

		assert_int_equal(go, i == 0 || i == 1 || i == 3);
		if (go)
			assert_int_equal(send_to(&o[i]), 0);
	}
	/* Asking again keeps the place in line. */
	assert_false(sipnot_uac_admit(&uac, &a.addr, &o[2].wait, &o[2]));
	run_for(50);
	assert_int_equal(a.copies, 2);
	assert_int_equal(b.copies, 1);
	assert_int_equal(uac.inflight, 3);

	/* b answers: its place goes to o4, the first waiting overall (a's
	 * waiters need a place at a). */
	b.answer_all = true;
	reply(&b, b.msg[0], 1);
	run_until(&o[4].finals, 1, 2000);
	assert_int_equal(o[3].finals, 1);
	assert_int_equal(o[4].finals, 1);
	assert_int_equal(nwoken, 1);
	assert_int_equal(woken[0], 4);

	/* a stays silent (a dead subscriber): b's NOTIFYs still flow. */
	assert_true(sipnot_uac_admit(&uac, &b.addr, &o[6].wait, &o[6]));
	assert_int_equal(send_to(&o[6]), 0);
	run_until(&o[6].finals, 1, 2000);
	assert_int_equal(o[6].scode, 200);

	/* a answers o0: o2 goes, then o5 waits on (a is full again). */
	reply(&a, a.msg[0], 1);
	run_until(&a.copies, 3, 2000);
	assert_int_equal(o[0].finals, 1);
	assert_int_equal(nwoken, 2);
	assert_int_equal(woken[1], 2);
	assert_int_equal(a.copies, 3);
	assert_int_equal(o[5].finals, 0);
	assert_non_null(o[5].wait.le.list);
	/* An owner going away leaves the line and its transaction. */
	sipnot_uac_unwait(&o[5].wait);
	assert_null(o[5].wait.le.list);
	sipnot_uac_detach(&o[1].tx);
	assert_null(o[1].tx);
	reply(&a, a.msg[1], 1);
	run_for(50);
	assert_int_equal(o[1].finals, 0);  /* detached: not told */
	assert_int_equal(uac.inflight, 1); /* o2's */
	peer_close(&a);
	peer_close(&b);
	down();
}

/* ------------------------------------------------------------------ */
/* The compact dialog of a subscription (sipnot/dialog.c). */

/* Two NOTIFYs built from the dialog, as the subscriber receives them:
 * RFC 3261 12.2.1.1. */
static void test_dialog_notify(void **state)
{
	struct peer p;
	struct owner o = {.id = 1};
	struct sipnot_dlg *d;
	char contact[64];
	const struct sip_msg *m1, *m2;
	(void)state;

	up(0, 0, 50);
	peer_open(&p);
	p.answer_all = true;
	o.peer = &p;
	(void)re_snprintf(contact, sizeof(contact), "sip:alice@%J", &p.addr);
	d = accept_from("", contact);
	assert_string_equal(sipnot_dlg_callid(d), "dlg@test");
	assert_string_equal(sipnot_dlg_peer(d), "sip:alice@example.com");
	assert_string_equal(sipnot_dlg_target(d), contact);
	for (unsigned i = 1; i <= 2; i++) {
		assert_int_equal(
		    sipnot_uac_requestf(&o.tx, &uac, &p.addr, "NOTIFY", d, NULL,
					on_resp, &o,
					"Event: conference\r\n"
					"Content-Length: 0\r\n\r\n"),
		    0);
		run_until(&o.finals, i, 2000);
		assert_int_equal(o.finals, i);
		assert_int_equal(o.scode, 200);
	}
	assert_int_equal(p.copies, 2);
	m1 = p.msg[0];
	m2 = p.msg[1];
	/* Request-URI: the remote target; no Route without a route set. */
	assert_int_equal(pl_strcmp(&m1->met, "NOTIFY"), 0);
	assert_int_equal(pl_strcmp(&m1->ruri, contact), 0);
	assert_null(sip_msg_hdr(m1, SIP_HDR_ROUTE));
	/* To: their URI and tag; From: ours, with our tag. */
	assert_int_equal(pl_strcmp(&m1->to.auri, "sip:alice@example.com"), 0);
	assert_int_equal(pl_strcmp(&m1->to.tag, "a1"), 0);
	assert_int_equal(pl_strcmp(&m1->from.auri, "sip:conf1@127.0.0.1"), 0);
	assert_int_equal(pl_strcmp(&m1->from.tag, "000000001234abcd"), 0);
	assert_int_equal(pl_strcmp(&m1->callid, "dlg@test"), 0);
	assert_int_equal(pl_strcmp(&m1->cseq.met, "NOTIFY"), 0);
	/* The CSeq counts up by one per request. */
	assert_int_equal(m2->cseq.num, m1->cseq.num + 1);
	assert_int_equal(pl_strcmp(&m2->to.tag, "a1"), 0);
	assert_int_equal(pl_strcmp(&m2->from.tag, "000000001234abcd"), 0);
	sipnot_dlg_free(d);
	peer_close(&p);
	down();
}

/* What @p d writes into a request. */
static char *encoded(struct sipnot_dlg *d)
{
	struct mbuf *mb = mbuf_alloc(512);
	char *s = NULL;

	assert_non_null(mb);
	assert_int_equal(sipnot_dlg_encode(mb, d, "NOTIFY"), 0);
	mb->pos = 0;
	assert_int_equal(mbuf_strdup(mb, &s, mbuf_get_left(mb)), 0);
	mem_deref(mb);
	return s;
}

/* A route set from Record-Route: the Route lines in order, the next hop
 * the first of them, kept when a refresh brings a new Contact; without
 * one the next hop follows the Contact. Refreshes match by Call-ID and
 * both tags. */
static void test_dialog_route_refresh(void **state)
{
	struct sipnot_dlg *d;
	struct sip_msg *msg;
	struct sa dst;
	struct pl rtag;
	char *s;
	(void)state;

	assert_int_equal(libre_init(), 0);
	d = accept_from("Record-Route: <sip:127.0.0.2:5080;lr>, "
			"<sip:127.0.0.3;lr>\r\n",
			"sip:alice@127.0.0.1:5070");
	assert_int_equal(sipnot_uac_dest(d, &dst), 0);
	assert_int_equal(sa_port(&dst), 5080);
	s = encoded(d);
	assert_ptr_equal(strstr(s, "Route: <sip:127.0.0.2:5080;lr>\r\n"
				   "Route: <sip:127.0.0.3;lr>\r\nTo: "),
			 s);
	assert_non_null(strstr(s, "CSeq: "));
	mem_deref(s);
	/* A refresh with a wrong To tag is not in the dialog. */
	msg = refresh_msg("0000000000000bad", "sip:alice@127.0.0.1:5071");
	assert_false(sipnot_dlg_cmp(d, msg));
	mem_deref(msg);
	msg = refresh_msg("000000001234abcd", "sip:alice@127.0.0.1:5071");
	assert_true(sipnot_dlg_cmp(d, msg));
	assert_int_equal(sipnot_dlg_update(&d, msg), 0);
	mem_deref(msg);
	assert_string_equal(sipnot_dlg_target(d), "sip:alice@127.0.0.1:5071");
	assert_int_equal(sipnot_uac_dest(d, &dst), 0);
	assert_int_equal(sa_port(&dst), 5080); /* the route stays */
	rtag = sipnot_dlg_rtag(d);
	assert_int_equal(pl_strcmp(&rtag, "a1"), 0);
	assert_string_equal(sipnot_dlg_peer(d), "sip:alice@example.com");
	s = encoded(d);
	assert_ptr_equal(strstr(s, "Route: <sip:127.0.0.2:5080;lr>\r\n"), s);
	assert_non_null(
	    strstr(s, "To: \"Alice\" <sip:alice@example.com>;tag=a1\r\n"
		      "From: <sip:conf1@127.0.0.1>;tag=000000001234abcd\r\n"
		      "Call-ID: dlg@test\r\n"));
	mem_deref(s);
	sipnot_dlg_free(d);
	/* No route set: the next hop is the Contact, and follows it. */
	d = accept_from("", "sip:alice@127.0.0.1:5070");
	assert_int_equal(sipnot_uac_dest(d, &dst), 0);
	assert_int_equal(sa_port(&dst), 5070);
	msg = refresh_msg("000000001234abcd", "sip:alice@127.0.0.1:5072");
	assert_int_equal(sipnot_dlg_update(&d, msg), 0);
	mem_deref(msg);
	assert_int_equal(sipnot_uac_dest(d, &dst), 0);
	assert_int_equal(sa_port(&dst), 5072);
	/* A sips: or named next hop is not for the UDP transactions. */
	sipnot_dlg_free(d);
	d = accept_from("", "sips:alice@127.0.0.1:5071");
	assert_int_equal(sipnot_uac_dest(d, &dst), ENOTSUP);
	sipnot_dlg_free(d);
	libre_close();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_retransmit_then_200),
	    cmocka_unit_test(test_own_socket),
	    cmocka_unit_test(test_timeout),
	    cmocka_unit_test(test_window),
	    cmocka_unit_test(test_dialog_notify),
	    cmocka_unit_test(test_dialog_route_refresh),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
