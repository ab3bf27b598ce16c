/*
 * The subscriber (subscriber.h) against a scripted notifier, offline: two
 * SIP stacks on 127.0.0.1 in one libre event loop, as in test_sipsub.c.
 *
 * The notifier is written here on bare libre (sip_listen on its own
 * struct sip). It answers every SUBSCRIBE 200 and sends only the NOTIFYs a
 * test writes, headers and body, so that a test can break the rules on
 * purpose: skip a version, repeat one, forge the dialog identifiers, end
 * the subscription. What is asserted is what crossed the wire (the
 * SUBSCRIBEs the notifier received, the answers to its NOTIFYs) and the
 * events the subscriber delivered:
 *
 * - a version gap: RESYNC, the state kept, a refresh SUBSCRIBE on the
 *   dialog, and the full state that answers it applies;
 * - stale NOTIFYs: DISCARDED, the state untouched;
 * - forged NOTIFYs (another fork's From-tag, a wrong To-tag, another
 *   Call-ID): 481, the state untouched, no event but the warning about
 *   the other fork;
 * - terminated;reason=deactivated: TERMINATED and a new SUBSCRIBE on a new
 *   Call-ID after the backoff (0, then 1000 ms, then 2000 ms), the old
 *   dialog answered 481;
 * - NOTIFYs outside any dialog (no subscription, a closed one): 481.
 *
 * Nothing sleeps: each wait runs the loop until a counter is reached,
 * under a guard timer, within a deadline for the whole test.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <re.h>

#include "confinfo/subscriber.h"
#include "testutil.h"

/* Longest a single wait may take, and the whole of one test. */
#define GUARD_MS 5000
#define TEST_MS  20000

#define MAX_SUBSCRIBES 8
#define MAX_NOTIFIES   16
#define MAX_EVENTS     32

#define CONF_URI    "sip:weekly@conf.example.com"
#define WATCHER_URI "sip:watcher@example.com"
#define EXPIRES     600

/* ------------------------------------------------------------------ */
/* Waiting */

/* The wait in progress: the loop stops once *counter >= target. */
static struct {
	const unsigned *counter;
	unsigned target;
	uint64_t deadline; /* of the whole test, tmr_jiffies() */
} W;

/* Called by every handler after it counted something. */
static void poke(void)
{
	if (W.counter && *W.counter >= W.target)
		re_cancel();
}

static void guard_expired(void *arg)
{
	bool *expired = arg;

	*expired = true;
	re_cancel();
}

/* Run the loop until *counter reaches target; fail the test after
 * GUARD_MS or at the test's deadline. */
static void wait_count(const unsigned *counter, unsigned target,
		       const char *what)
{
	uint64_t now = tmr_jiffies(), left;
	bool expired = false;
	struct tmr guard;

	if (*counter >= target)
		return;
	if (now >= W.deadline)
		fail_msg("test deadline passed before: %s", what);
	left = W.deadline - now;
	if (left > GUARD_MS)
		left = GUARD_MS;
	W.counter = counter;
	W.target = target;
	tmr_init(&guard);
	tmr_start(&guard, left, guard_expired, &expired);
	(void)re_main(NULL);
	tmr_cancel(&guard);
	W.counter = NULL;
	if (*counter < target)
		fail_msg("%s: %u of %u after %llu ms", what, *counter, target,
			 (unsigned long long)left);
}

/* Run the loop for @p ms, whatever happens meanwhile. */
static void run_for(uint64_t ms)
{
	bool expired = false;
	struct tmr t;

	tmr_init(&t);
	tmr_start(&t, ms, guard_expired, &expired);
	while (!expired)
		(void)re_main(NULL);
	tmr_cancel(&t);
}

/* ------------------------------------------------------------------ */
/* The scripted notifier */

/* One SUBSCRIBE as the notifier received it. */
struct subscribe_rec {
	char callid[128];
	char from_tag[64];
	char to_tag[64]; /* "" for an initial SUBSCRIBE */
	char ltag[32];   /* initial: the notifier's tag of its dialog */
	uint32_t cseq;
	uint32_t expires;
	bool event_ok;  /* Event: conference */
	bool accept_ok; /* Accept: application/conference-info+xml */
	uint64_t at;    /* tmr_jiffies() */
};

struct notifier;

struct notify_slot {
	struct notifier *n;
	struct sip_request *req;
	uint16_t scode; /* the answer; 0 for a transport error */
};

struct notifier {
	struct sip *sip;
	struct sip_lsnr *lsnr;
	uint16_t port;
	struct subscribe_rec subs[MAX_SUBSCRIBES];
	unsigned nsubs;
	unsigned others; /* requests other than SUBSCRIBE */
	/* The dialog of the last initial SUBSCRIBE. */
	char callid[128];
	char ltag[32];  /* ours: the To-tag libre added to the 200 */
	char rtag[64];  /* the subscriber's From-tag */
	char peer[128]; /* the subscriber's From URI */
	char contact[128];
	uint32_t cseq;
	struct notify_slot notifies[MAX_NOTIFIES];
	unsigned nsent, nanswered;
	/* Answer no SUBSCRIBE (record each once, not its retransmissions). */
	bool silent;
};

static void pl_copy(const struct pl *pl, char *buf, size_t size)
{
	buf[0] = '\0';
	if (pl_isset(pl))
		assert_int_equal(pl_strcpy(pl, buf, size), 0);
}

static void record_subscribe(struct notifier *n, const struct sip_msg *msg)
{
	struct subscribe_rec *r = &n->subs[n->nsubs];
	const struct sip_hdr *event = sip_msg_hdr(msg, SIP_HDR_EVENT);
	const struct sip_hdr *accept = sip_msg_hdr(msg, SIP_HDR_ACCEPT);

	pl_copy(&msg->callid, r->callid, sizeof(r->callid));
	pl_copy(&msg->from.tag, r->from_tag, sizeof(r->from_tag));
	pl_copy(&msg->to.tag, r->to_tag, sizeof(r->to_tag));
	r->cseq = msg->cseq.num;
	r->expires = pl_isset(&msg->expires) ? pl_u32(&msg->expires) : 3600;
	r->event_ok = event && !pl_strcmp(&event->val, "conference");
	r->accept_ok = accept && !pl_strcmp(&accept->val,
					    "application/conference-info+xml");
	r->at = tmr_jiffies();
}

/* An initial SUBSCRIBE: the dialog the next NOTIFYs belong to. */
static void new_dialog(struct notifier *n, const struct sip_msg *msg)
{
	const struct sip_hdr *hdr = sip_msg_hdr(msg, SIP_HDR_CONTACT);
	struct sip_addr contact;

	assert_non_null(hdr);
	assert_int_equal(sip_addr_decode(&contact, &hdr->val), 0);
	pl_copy(&contact.auri, n->contact, sizeof(n->contact));
	pl_copy(&msg->callid, n->callid, sizeof(n->callid));
	pl_copy(&msg->from.tag, n->rtag, sizeof(n->rtag));
	pl_copy(&msg->from.auri, n->peer, sizeof(n->peer));
	/* sip_treplyf() tags the To of a response with the request's
	 * libre tag, printed so. */
	snprintf(n->ltag, sizeof(n->ltag), "%016llx",
		 (unsigned long long)msg->tag);
	n->cseq = 0;
}

static bool notifier_request(const struct sip_msg *msg, void *arg)
{
	struct notifier *n = arg;

	if (pl_strcmp(&msg->met, "SUBSCRIBE")) {
		n->others++;
		(void)sip_reply(n->sip, msg, 405, "Method Not Allowed");
		poke();
		return true;
	}
	assert_true(n->nsubs < MAX_SUBSCRIBES);
	if (n->silent) {
		char callid[128];

		pl_copy(&msg->callid, callid, sizeof(callid));
		if (n->nsubs && !strcmp(n->subs[n->nsubs - 1].callid, callid) &&
		    n->subs[n->nsubs - 1].cseq == msg->cseq.num)
			return true; /* a retransmission */
		record_subscribe(n, msg);
		n->nsubs++;
		poke();
		return true;
	}
	record_subscribe(n, msg);
	if (!pl_isset(&msg->to.tag)) {
		new_dialog(n, msg);
		snprintf(n->subs[n->nsubs].ltag, sizeof(n->subs[0].ltag), "%s",
			 n->ltag);
	}
	assert_int_equal(sip_treplyf(NULL, NULL, n->sip, msg, false, 200, "OK",
				     "Contact: <sip:notifier@127.0.0.1:%u>\r\n"
				     "Expires: %u\r\n"
				     "Content-Length: 0\r\n"
				     "\r\n",
				     n->port, n->subs[n->nsubs].expires),
			 0);
	n->nsubs++;
	poke();
	return true;
}

static uint16_t udp_port(struct sip *sip)
{
	struct sa laddr;

	assert_int_equal(sip_transp_laddr(sip, &laddr, SIP_TRANSP_UDP, NULL),
			 0);
	return sa_port(&laddr);
}

/* A SIP stack with one UDP transport on 127.0.0.1, any port. */
static struct sip *stack_alloc(const char *software)
{
	struct sip *sip = NULL;
	struct sa laddr;

	assert_int_equal(
	    sip_alloc(&sip, NULL, 32, 32, 32, software, NULL, NULL), 0);
	assert_int_equal(sa_set_str(&laddr, "127.0.0.1", 0), 0);
	assert_int_equal(sip_transp_add(sip, SIP_TRANSP_UDP, &laddr), 0);
	return sip;
}

static void notifier_start(struct notifier *n)
{
	memset(n, 0, sizeof(*n));
	n->sip = stack_alloc("scripted-notifier");
	n->port = udp_port(n->sip);
	assert_int_equal(
	    sip_listen(&n->lsnr, n->sip, true, notifier_request, n), 0);
}

static void notifier_stop(struct notifier *n)
{
	for (unsigned i = 0; i < n->nsent; i++)
		mem_deref(n->notifies[i].req);
	mem_deref(n->lsnr);
	sip_close(n->sip, true);
	mem_deref(n->sip);
}

static void notify_response(int err, const struct sip_msg *msg, void *arg)
{
	struct notify_slot *slot = arg;

	if (!err && msg->scode < 200)
		return;
	slot->scode = err ? 0 : msg->scode;
	slot->n->nanswered++;
	poke();
}

/* The dialog identifiers of a NOTIFY; NULL fields take the dialog's. */
struct forgery {
	const char *callid;
	const char *from_tag; /* the notifier's tag */
	const char *to_tag;   /* the subscriber's tag */
};

/* Send a NOTIFY to the subscriber's Contact with @p substate and @p body
 * (NULL for none) and wait for its answer, which is returned. A forged
 * NOTIFY does not take a CSeq of the dialog. */
static uint16_t send_notify(struct notifier *n, const struct forgery *f,
			    const char *substate, const char *body)
{
	struct notify_slot *slot = &n->notifies[n->nsent];
	uint32_t cseq = f ? n->cseq + 1 : ++n->cseq;
	size_t len = body ? strlen(body) : 0;

	assert_true(n->nsent < MAX_NOTIFIES);
	slot->n = n;
	assert_int_equal(
	    sip_requestf(
		&slot->req, n->sip, true, "NOTIFY", n->contact, NULL, NULL,
		NULL, notify_response, slot,
		"To: <%s>;tag=%s\r\n"
		"From: <" CONF_URI ">;tag=%s\r\n"
		"Call-ID: %s\r\n"
		"CSeq: %u NOTIFY\r\n"
		"Max-Forwards: 70\r\n"
		"Contact: <sip:notifier@127.0.0.1:%u>\r\n"
		"Event: conference\r\n"
		"Subscription-State: %s\r\n"
		"%s"
		"Content-Length: %zu\r\n"
		"\r\n"
		"%s",
		n->peer, f && f->to_tag ? f->to_tag : n->rtag,
		f && f->from_tag ? f->from_tag : n->ltag,
		f && f->callid ? f->callid : n->callid, cseq, n->port, substate,
		body ? "Content-Type: application/conference-info+xml\r\n" : "",
		len, body ? body : ""),
	    0);
	n->nsent++;
	wait_count(&n->nanswered, n->nsent, "the answer to a NOTIFY");
	return slot->scode;
}

static uint16_t notify(struct notifier *n, const char *substate,
		       const char *body)
{
	return send_notify(n, NULL, substate, body);
}

/* ------------------------------------------------------------------ */
/* Documents */

#define USER(name) "<user entity='sip:" name "@example.com' state='full'/>"

/* A document of conference CONF_URI, in a static buffer. */
static const char *doc(unsigned version, bool full, const char *users)
{
	static char buf[1024];
	const char *state = full ? "full" : "partial";

	snprintf(buf, sizeof(buf),
		 "<conference-info "
		 "xmlns='urn:ietf:params:xml:ns:conference-info' "
		 "entity='" CONF_URI "' state='%s' version='%u'>"
		 "<users state='%s'>%s</users></conference-info>",
		 state, version, state, users);
	return buf;
}

/* ------------------------------------------------------------------ */
/* The subscriber */

struct event_rec {
	enum confinfo_subscriber_event_type type;
	uint32_t version;
	bool full;
	uint64_t retry_ms;
	char reason[32];
	char message[320];
	uint64_t at; /* tmr_jiffies() */
};

struct watcher {
	struct sip *sip;
	struct confinfo_subscriber_sock *sock;
	struct confinfo_subscriber *sub;
	uint16_t port;
	struct event_rec events[MAX_EVENTS];
	unsigned nevents;
	unsigned by_type[CONFINFO_SUBSCRIBER_CLOSED + 1];
	bool resubscribe_on_terminated; /* from inside the callback */
};

static void on_event(const struct confinfo_subscriber_event *ev, void *arg)
{
	struct watcher *w = arg;
	struct event_rec *r = &w->events[w->nevents];

	assert_true(w->nevents < MAX_EVENTS);
	assert_true(ev->type <= CONFINFO_SUBSCRIBER_CLOSED);
	memset(r, 0, sizeof(*r));
	r->type = ev->type;
	r->version = ev->version;
	r->full = ev->full;
	r->retry_ms = ev->retry_ms;
	snprintf(r->reason, sizeof(r->reason), "%s",
		 ev->reason ? ev->reason : "");
	snprintf(r->message, sizeof(r->message), "%s", ev->message);
	r->at = tmr_jiffies();
	w->by_type[ev->type]++;
	w->nevents++;
	if (ev->type == CONFINFO_SUBSCRIBER_TERMINATED &&
	    w->resubscribe_on_terminated)
		assert_int_equal(confinfo_subscriber_resubscribe(w->sub), 0);
	poke();
}

static void watcher_start(struct watcher *w)
{
	memset(w, 0, sizeof(*w));
	w->sip = stack_alloc("confinfo-test");
	w->port = udp_port(w->sip);
	assert_int_equal(confinfo_subscriber_sock_alloc(&w->sock, w->sip), 0);
}

static void watcher_subscribe(struct watcher *w, const struct notifier *n)
{
	struct confinfo_subscriber_params p;
	char request_uri[64];

	snprintf(request_uri, sizeof(request_uri), "sip:weekly@127.0.0.1:%u",
		 n->port);
	memset(&p, 0, sizeof(p));
	p.uri = CONF_URI;
	p.request_uri = request_uri;
	p.from = WATCHER_URI;
	p.expires = EXPIRES;
	p.eventh = on_event;
	p.arg = w;
	assert_int_equal(confinfo_subscriber_alloc(&w->sub, w->sock, &p), 0);
}

static void watcher_stop(struct watcher *w)
{
	confinfo_subscriber_free(w->sub);
	confinfo_subscriber_sock_free(w->sock);
	sip_close(w->sip, true);
	mem_deref(w->sip);
}

static const struct event_rec *last_event(const struct watcher *w)
{
	assert_true(w->nevents > 0);
	return &w->events[w->nevents - 1];
}

/* The kept state has @p version and exactly the users @p names. */
static void assert_state(const struct watcher *w, unsigned version,
			 const char *const *names, size_t count)
{
	const struct confinfo_conf *s = confinfo_subscriber_state(w->sub);

	assert_non_null(s);
	assert_int_equal(s->version.value, version);
	assert_non_null(s->users);
	assert_int_equal(s->users->users.count, count);
	for (size_t i = 0; i < count; i++)
		if (!confinfo_conf_user(s, names[i]))
			fail_msg("the state lacks %s", names[i]);
}

static const char *const alice_bob[] = {"sip:alice@example.com",
					"sip:bob@example.com"};

/* ------------------------------------------------------------------ */
/* Setting up */

static void start(struct notifier *n, struct watcher *w)
{
	assert_int_equal(libre_init(), 0);
	W.deadline = tmr_jiffies() + TEST_MS;
	notifier_start(n);
	watcher_start(w);
}

static void stop(struct notifier *n, struct watcher *w)
{
	/* No request but SUBSCRIBE ever reached the notifier. */
	assert_int_equal(n->others, 0);
	watcher_stop(w);
	notifier_stop(n);
	libre_close();
}

/* Wait for SUBSCRIBE number @p nth (from 1), an initial one on a Call-ID
 * no earlier SUBSCRIBE used, and for the 2xx to reach the subscriber;
 * then send the full state v1 (Alice, Bob) on the new dialog. */
static void establish(struct notifier *n, struct watcher *w, unsigned nth)
{
	const struct subscribe_rec *r;
	unsigned subscribed = w->by_type[CONFINFO_SUBSCRIBER_SUBSCRIBED];
	unsigned states = w->by_type[CONFINFO_SUBSCRIBER_STATE];

	wait_count(&n->nsubs, nth, "an initial SUBSCRIBE");
	r = &n->subs[nth - 1];
	assert_string_equal(r->to_tag, "");
	assert_true(r->event_ok);
	assert_true(r->accept_ok);
	assert_int_equal(r->expires, EXPIRES);
	for (unsigned i = 0; i + 1 < nth; i++) {
		assert_string_not_equal(n->subs[i].callid, r->callid);
		assert_string_not_equal(n->subs[i].from_tag, r->from_tag);
	}
	wait_count(&w->by_type[CONFINFO_SUBSCRIBER_SUBSCRIBED], subscribed + 1,
		   "SUBSCRIBED");

	assert_int_equal(notify(n, "active;expires=600",
				doc(1, true, USER("alice") USER("bob"))),
			 200);
	wait_count(&w->by_type[CONFINFO_SUBSCRIBER_STATE], states + 1,
		   "the full state");
	assert_int_equal(last_event(w)->type, CONFINFO_SUBSCRIBER_STATE);
	assert_int_equal(last_event(w)->version, 1);
	assert_true(last_event(w)->full);
	assert_state(w, 1, alice_bob, 2);
}

/* ------------------------------------------------------------------ */
/* The cases */

/* A partial v3 after v1: not applied, reported, and a refresh on the same
 * dialog asks for the full state, which applies. */
static void test_gap_resync(void **state)
{
	static const char *const abcd[] = {
	    "sip:alice@example.com", "sip:bob@example.com",
	    "sip:carol@example.com", "sip:dave@example.com"};
	const struct subscribe_rec *first, *refresh;
	const struct event_rec *ev;
	struct notifier n;
	struct watcher w;
	(void)state;

	start(&n, &w);
	watcher_subscribe(&w, &n);
	establish(&n, &w, 1);

	assert_int_equal(
	    notify(&n, "active;expires=600", doc(3, false, USER("dave"))), 200);
	wait_count(&w.by_type[CONFINFO_SUBSCRIBER_RESYNC], 1, "RESYNC");
	ev = last_event(&w);
	assert_int_equal(ev->type, CONFINFO_SUBSCRIBER_RESYNC);
	assert_non_null(strstr(ev->message, "gap"));
	assert_int_equal(ev->retry_ms, 0); /* the first is not delayed */
	assert_state(&w, 1, alice_bob, 2);

	/* The refresh: the same dialog (Call-ID, both tags), a new CSeq. */
	wait_count(&n.nsubs, 2, "the refresh SUBSCRIBE");
	first = &n.subs[0];
	refresh = &n.subs[1];
	assert_string_equal(refresh->callid, first->callid);
	assert_string_equal(refresh->from_tag, first->from_tag);
	assert_string_equal(refresh->to_tag, n.ltag);
	assert_true(refresh->cseq > first->cseq);
	assert_int_equal(refresh->expires, EXPIRES);
	assert_true(refresh->event_ok);
	wait_count(&w.by_type[CONFINFO_SUBSCRIBER_SUBSCRIBED], 2, "refreshed");

	assert_int_equal(
	    notify(&n, "active;expires=600",
		   doc(3, true,
		       USER("alice") USER("bob") USER("carol") USER("dave"))),
	    200);
	wait_count(&w.by_type[CONFINFO_SUBSCRIBER_STATE], 2, "the full v3");
	assert_int_equal(last_event(&w)->version, 3);
	assert_true(last_event(&w)->full);
	assert_state(&w, 3, abcd, 4);

	/* Nothing more: one RESYNC, no new subscription. */
	assert_int_equal(w.by_type[CONFINFO_SUBSCRIBER_RESYNC], 1);
	assert_int_equal(w.by_type[CONFINFO_SUBSCRIBER_TERMINATED], 0);
	assert_int_equal(n.nsubs, 2);
	stop(&n, &w);
}

/* Versions that are not above the state's are discarded unread. */
static void test_stale_discarded(void **state)
{
	static const char *const abc[] = {"sip:alice@example.com",
					  "sip:bob@example.com",
					  "sip:carol@example.com"};
	static const char *const abcd[] = {
	    "sip:alice@example.com", "sip:bob@example.com",
	    "sip:carol@example.com", "sip:dave@example.com"};
	static const struct {
		unsigned version;
		bool full;
	} stale[] = {{2, false}, {1, true}, {1, false}};
	struct notifier n;
	struct watcher w;
	(void)state;

	start(&n, &w);
	watcher_subscribe(&w, &n);
	establish(&n, &w, 1);
	assert_int_equal(
	    notify(&n, "active;expires=600", doc(2, false, USER("carol"))),
	    200);
	wait_count(&w.by_type[CONFINFO_SUBSCRIBER_STATE], 2, "v2");
	assert_state(&w, 2, abc, 3);

	/* A second v2, a full v1, a partial v1, each bringing Mallory. */
	for (size_t i = 0; i < sizeof(stale) / sizeof(stale[0]); i++) {
		const char *body =
		    doc(stale[i].version, stale[i].full, USER("mallory"));
		const struct event_rec *ev;

		assert_int_equal(notify(&n, "active;expires=600", body), 200);
		wait_count(&w.by_type[CONFINFO_SUBSCRIBER_DISCARDED],
			   (unsigned)i + 1, "DISCARDED");
		ev = last_event(&w);
		assert_int_equal(ev->type, CONFINFO_SUBSCRIBER_DISCARDED);
		assert_int_equal(ev->version, stale[i].version);
		assert_int_equal(ev->full, stale[i].full);
		assert_state(&w, 2, abc, 3);
	}

	/* The dialog goes on: v3 applies. */
	assert_int_equal(
	    notify(&n, "active;expires=600", doc(3, false, USER("dave"))), 200);
	wait_count(&w.by_type[CONFINFO_SUBSCRIBER_STATE], 3, "v3");
	assert_state(&w, 3, abcd, 4);
	assert_int_equal(w.by_type[CONFINFO_SUBSCRIBER_RESYNC], 0);
	assert_int_equal(n.nsubs, 1);
	stop(&n, &w);
}

/* NOTIFYs that do not belong to the dialog get 481 and change nothing. */
static void test_forged_notify(void **state)
{
	static const char *const abc[] = {"sip:alice@example.com",
					  "sip:bob@example.com",
					  "sip:carol@example.com"};
	const char *mallory = doc(2, false, USER("mallory"));
	struct forgery fork = {NULL, "forged-fork", NULL};
	struct forgery to_tag = {NULL, NULL, "forged-to-tag"};
	struct forgery callid = {"forged-call-id@127.0.0.1", NULL, NULL};
	struct notifier n;
	struct watcher w;
	unsigned events;
	(void)state;

	start(&n, &w);
	watcher_subscribe(&w, &n);
	establish(&n, &w, 1);

	/* Another fork (right Call-ID and To-tag, another From-tag): 481
	 * and a warning, the only event. */
	events = w.nevents;
	assert_int_equal(send_notify(&n, &fork, "active", mallory), 481);
	assert_int_equal(w.nevents, events + 1);
	assert_int_equal(last_event(&w)->type, CONFINFO_SUBSCRIBER_WARNING);
	assert_non_null(strstr(last_event(&w)->message, "481"));
	assert_non_null(strstr(last_event(&w)->message, "forged-fork"));

	/* A To-tag that is not ours, another Call-ID: 481, no event. */
	events = w.nevents;
	assert_int_equal(send_notify(&n, &to_tag, "active", mallory), 481);
	assert_int_equal(send_notify(&n, &callid, "active", mallory), 481);
	assert_int_equal(w.nevents, events);
	assert_state(&w, 1, alice_bob, 2);

	/* The real v2 still applies. */
	assert_int_equal(
	    notify(&n, "active;expires=600", doc(2, false, USER("carol"))),
	    200);
	wait_count(&w.by_type[CONFINFO_SUBSCRIBER_STATE], 2, "v2");
	assert_state(&w, 2, abc, 3);
	assert_int_equal(w.by_type[CONFINFO_SUBSCRIBER_WARNING], 1);
	assert_int_equal(n.nsubs, 1);
	stop(&n, &w);
}

/* End the dialog of SUBSCRIBE @p nth with reason deactivated; returns
 * the TERMINATED event. */
static const struct event_rec *deactivate(struct notifier *n, struct watcher *w,
					  unsigned nth)
{
	const struct event_rec *ev;

	assert_int_equal(notify(n, "terminated;reason=deactivated", NULL), 200);
	wait_count(&w->by_type[CONFINFO_SUBSCRIBER_TERMINATED], nth,
		   "TERMINATED");
	ev = last_event(w);
	assert_int_equal(ev->type, CONFINFO_SUBSCRIBER_TERMINATED);
	assert_string_equal(ev->reason, "deactivated");
	assert_null(confinfo_subscriber_state(w->sub));
	return ev;
}

/* terminated;reason=deactivated: a new subscription on a new Call-ID,
 * after a backoff that grows (0, 1000, 2000 ms). */
static void test_terminated_backoff(void **state)
{
	const struct event_rec *ev;
	struct forgery old;
	char old_callid[128];
	struct notifier n;
	struct watcher w;
	uint64_t at;
	unsigned events;
	(void)state;

	start(&n, &w);
	watcher_subscribe(&w, &n);
	establish(&n, &w, 1);

	ev = deactivate(&n, &w, 1);
	assert_int_equal(ev->retry_ms, 0);
	establish(&n, &w, 2); /* asserts a new Call-ID */

	/* The first dialog is over: a NOTIFY on it gets 481, no event. */
	snprintf(old_callid, sizeof(old_callid), "%s", n.subs[0].callid);
	old.callid = old_callid;
	old.from_tag = n.subs[0].ltag; /* both tags of the first dialog */
	old.to_tag = n.subs[0].from_tag;
	events = w.nevents;
	assert_int_equal(send_notify(&n, &old, "active", doc(2, true, "")),
			 481);
	assert_int_equal(w.nevents, events);

	/* The second end waits a second before the new SUBSCRIBE. */
	ev = deactivate(&n, &w, 2);
	assert_int_equal(ev->retry_ms, 1000);
	at = ev->at;
	establish(&n, &w, 3);
	assert_true(n.subs[2].at - at >= 1000);

	/* The third, two seconds, which resubscribe() skips. */
	ev = deactivate(&n, &w, 3);
	assert_int_equal(ev->retry_ms, 2000);
	at = ev->at;
	assert_int_equal(confinfo_subscriber_resubscribe(w.sub), 0);
	establish(&n, &w, 4);
	assert_true(n.subs[3].at - at < 1000);

	assert_int_equal(w.by_type[CONFINFO_SUBSCRIBER_TERMINATED], 3);
	assert_int_equal(w.by_type[CONFINFO_SUBSCRIBER_CLOSED], 0);
	stop(&n, &w);
}

/* The event callback may call resubscribe() (subscriber.h): from inside
 * TERMINATED it starts the new subscription at once, and the backoff it
 * skipped must not start yet another one (dropping the new dialog). */
static void test_resubscribe_in_callback(void **state)
{
	const struct event_rec *ev;
	struct notifier n;
	struct watcher w;
	uint64_t at;
	(void)state;

	start(&n, &w);
	watcher_subscribe(&w, &n);
	establish(&n, &w, 1);
	ev = deactivate(&n, &w, 1);
	assert_int_equal(ev->retry_ms, 0);
	establish(&n, &w, 2);

	/* The second end would wait a second: the callback does not. The
	 * notifier now keeps the new SUBSCRIBE waiting past that second. */
	w.resubscribe_on_terminated = true;
	n.silent = true;
	ev = deactivate(&n, &w, 2);
	assert_int_equal(ev->retry_ms, 1000);
	at = ev->at;
	w.resubscribe_on_terminated = false;
	wait_count(&n.nsubs, 3, "the SUBSCRIBE of resubscribe()");
	assert_true(n.subs[2].at - at < 1000);
	assert_string_not_equal(n.subs[2].callid, n.subs[1].callid);

	/* Past the skipped backoff: no other subscription was started. */
	run_for(1500);
	assert_int_equal(n.nsubs, 3);
	assert_int_equal(w.by_type[CONFINFO_SUBSCRIBER_TERMINATED], 2);
	stop(&n, &w);
}

/* NOTIFYs when there is no dialog at all, and on a closed one: 481. */
static void test_notify_outside_dialog(void **state)
{
	struct forgery none = {"no-such-call@127.0.0.1", "no-such-tag",
			       "nor-this-one"};
	struct notifier n;
	struct watcher w;
	unsigned events;
	(void)state;

	start(&n, &w);
	/* No subscription yet: the subscriber's Contact is still known. */
	snprintf(n.contact, sizeof(n.contact), "sip:confinfo@127.0.0.1:%u",
		 w.port);
	snprintf(n.peer, sizeof(n.peer), "%s", WATCHER_URI);
	assert_int_equal(send_notify(&n, &none, "active", doc(1, true, "")),
			 481);
	assert_int_equal(w.nevents, 0);

	/* A subscription, closed: unsubscribe, final NOTIFY, CLOSED. */
	watcher_subscribe(&w, &n);
	establish(&n, &w, 1);
	confinfo_subscriber_close(w.sub, 5000);
	wait_count(&n.nsubs, 2, "the unsubscribe");
	assert_string_equal(n.subs[1].callid, n.callid);
	assert_string_equal(n.subs[1].to_tag, n.ltag);
	assert_int_equal(n.subs[1].expires, 0);
	assert_int_equal(notify(&n, "terminated;reason=timeout", NULL), 200);
	wait_count(&w.by_type[CONFINFO_SUBSCRIBER_CLOSED], 1, "CLOSED");
	events = w.nevents;

	/* Its dialog is over: 481, no event. */
	assert_int_equal(notify(&n, "active", doc(2, true, USER("mallory"))),
			 481);
	assert_int_equal(w.nevents, events);
	stop(&n, &w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_gap_resync),
	    cmocka_unit_test(test_stale_discarded),
	    cmocka_unit_test(test_forged_notify),
	    cmocka_unit_test(test_terminated_backoff),
	    cmocka_unit_test(test_resubscribe_in_callback),
	    cmocka_unit_test(test_notify_outside_dialog),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
