/*
 * The notifier's own NOTIFY client transactions over UDP and their
 * window (uac.h says why).
 *
 * A transaction is one heap entry (sched.c) that serves as Timer E and
 * Timer F at once: it fires at the next retransmission, or at the
 * 32 s deadline when that comes first. The window counts transactions
 * in flight overall and per destination; owners that find it full wait
 * in FIFO order, per destination when their destination is the full
 * one, else overall, and are woken one place at a time as final
 * responses and timeouts free places.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "confinfo/sipstack.h"
#include "sipnot.h"
#include "uac.h"

/* RFC 3261 17.1.1.1: T1 = 500 ms, the RTT estimate; T2 = 8 x T1, the
 * longest retransmission interval; Timer F = 64 x T1, the transaction's
 * lifetime. u->t1 scales all three (tests shorten it). */
enum { UAC_T1 = 500 };

struct sipnot_uac_dest {
	struct le he; /* uac->dests */
	struct sa addr;
	uint32_t inflight;
	uint32_t pinned;     /* in use by drain(): not freed */
	struct list waiting; /* of struct sipnot_uac_wait, oldest first */
};

struct sipnot_uac_tx {
	struct le he; /* uac->txs, by branch */
	struct sipnot_uac *u;
	struct sipnot_uac_dest *dest;
	struct sipnot_sched_ent tmr; /* Timer E and F */
	struct mbuf *mb;             /* the request, for retransmissions */
	struct sipnot_uac_tx **txp;  /* the owner's pointer; NULL: detached */
	sip_resp_h *resph;
	void *arg;
	uint64_t deadline; /* Timer F, tmr_jiffies() ms */
	uint32_t interval; /* Timer E's current interval */
	bool proceeding;   /* a 1xx arrived: retransmit every T2 */
	char met[16];
	char branch[48];
};

static bool dest_cmp(struct le *le, void *arg)
{
	const struct sipnot_uac_dest *d = le->data;

	return sa_cmp(&d->addr, arg, SA_ALL);
}

static struct sipnot_uac_dest *dest_find(const struct sipnot_uac *u,
					 const struct sa *dst)
{
	return list_ledata(
	    hash_lookup(u->dests, sa_hash(dst, SA_ALL), dest_cmp, (void *)dst));
}

static void dest_put(struct sipnot_uac_dest *d)
{
	if (d->inflight || d->pinned || d->waiting.head)
		return;
	hash_unlink(&d->he);
	free(d);
}

/*
 * Wake waiting owners while the window has room: first those waiting
 * for @p d (whose place was just freed, may be NULL), then those waiting
 * for the overall window. Each wakening either takes a place or leaves
 * the queue (an owner with nothing left to send, or one that now waits
 * for its destination), so the loop ends.
 */
static void drain(struct sipnot_uac *u, struct sipnot_uac_dest *d)
{
	while (u->inflight < u->window) {
		struct sipnot_uac_wait *w;
		struct le *le;

		if (d && d->inflight < u->window_dest && d->waiting.head)
			le = d->waiting.head;
		else
			le = u->waiting.head;
		if (!le)
			break;
		w = (struct sipnot_uac_wait *)(void *)le;
		list_unlink(&w->le);
		w->dest = NULL;
		u->readyh(le->data);
	}
}

static void tx_free(struct sipnot_uac_tx *tx)
{
	struct sipnot_uac *u = tx->u;
	struct sipnot_uac_dest *d = tx->dest;

	hash_unlink(&tx->he);
	sipnot_sched_cancel(u->sched, &tx->tmr);
	if (tx->txp)
		*tx->txp = NULL;
	mem_deref(tx->mb);
	free(tx);
	d->inflight--;
	u->inflight--;
}

/* The transaction ends with @p msg (final) or @p err: free its place,
 * let the next in line have it, then tell the owner. */
static void tx_end(struct sipnot_uac_tx *tx, int err, const struct sip_msg *msg)
{
	struct sipnot_uac *u = tx->u;
	struct sipnot_uac_dest *d = tx->dest;
	sip_resp_h *resph = tx->resph;
	void *arg = tx->arg;

	tx_free(tx);
	/* An owner woken by drain() may fail to send to d, which would
	 * free d under drain()'s feet. */
	d->pinned++;
	drain(u, d);
	d->pinned--;
	dest_put(d);
	if (resph)
		resph(err, msg, arg);
}

/* Transient send errors (a full socket buffer) are retried by the next
 * retransmission like a lost datagram; others end the transaction. */
/* ------------------------------------------------------------------ */
/* The socket NOTIFYs go from: the stack's listener, or our own. */

static bool resp_handler(const struct sip_msg *msg, void *arg);

/* A datagram on our own socket: only responses are for us. */
static void own_recv(const struct sa *src, struct mbuf *mb, void *arg)
{
	struct sip_msg *msg = NULL;

	(void)src;
	if (sip_msg_decode(&msg, mb))
		return;
	if (!msg->req)
		(void)resp_handler(msg, arg);
	mem_deref(msg);
}

/* Our socket for @p dst's address family, opened on first use on the
 * address the stack's UDP transport uses to reach @p dst. */
static struct udp_sock *own_sock(struct sipnot_uac *u, const struct sa *dst)
{
	struct udp_sock **usp = sa_af(dst) == AF_INET6 ? &u->us6 : &u->us4;
	struct sa laddr;

	if (*usp)
		return *usp;
	if (sip_transp_laddr(u->sip, &laddr, SIP_TRANSP_UDP, dst))
		return NULL;
	sa_set_port(&laddr, 0);
	if (udp_listen(usp, &laddr, own_recv, u))
		return NULL;
	/* As the listeners' (sipstack.h): a fan-out's 200s come at once. */
	(void)udp_sockbuf_set(*usp, (int)CONFINFO_SIPSTACK_SOCK_BUF);
	return *usp;
}

/* Send @p mb to @p dst: from our own socket, or the stack's listener. */
static int send_to(struct sipnot_uac *u, const struct sa *dst, struct mbuf *mb)
{
	struct udp_sock *us;

	if (!u->own_socket)
		return sip_send(u->sip, NULL, SIP_TRANSP_UDP, dst, mb);
	us = own_sock(u, dst);
	return us ? udp_send(us, dst, mb) : ENOTCONN;
}

/* The address our Via names for requests to @p dst. */
static int via_addr(struct sipnot_uac *u, const struct sa *dst,
		    struct sa *laddr)
{
	struct udp_sock *us;

	if (!u->own_socket)
		return sip_transp_laddr(u->sip, laddr, SIP_TRANSP_UDP, dst);
	us = own_sock(u, dst);
	return us ? udp_local_get(us, laddr) : ENOTCONN;
}

static bool send_transient(int err)
{
	return err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS ||
	       err == ENOMEM;
}

static void tx_timer(void *arg)
{
	struct sipnot_uac_tx *tx = arg;
	struct sipnot_uac *u = tx->u;
	uint64_t now = tmr_jiffies(), next;
	int err;

	if (now >= tx->deadline) {
		u->stats.timeouts++;
		tx_end(tx, ETIMEDOUT, NULL);
		return;
	}
	tx->mb->pos = 0;
	err = send_to(u, &tx->dest->addr, tx->mb);
	if (err && !send_transient(err)) {
		tx_end(tx, err, NULL);
		return;
	}
	u->stats.retrans++;
	/* 17.1.2.2: doubling up to T2 while Trying, T2 once Proceeding. */
	tx->interval = tx->proceeding || tx->interval * 2 > 8 * u->t1
			   ? 8 * u->t1
			   : tx->interval * 2;
	next = now + tx->interval;
	if (next > tx->deadline)
		next = tx->deadline;
	err = sipnot_sched_start(u->sched, &tx->tmr, next, tx_timer, tx);
	if (err) /* it would never fire again, holding its place */
		tx_end(tx, err, NULL);
}

static bool tx_cmp(struct le *le, void *arg)
{
	const struct sipnot_uac_tx *tx = le->data;
	const struct sip_msg *msg = arg;

	/* 17.1.3: the branch of the top Via and the CSeq method. */
	return !pl_strcmp(&msg->via.branch, tx->branch) &&
	       !pl_strcmp(&msg->cseq.met, tx->met);
}

static bool resp_handler(const struct sip_msg *msg, void *arg)
{
	struct sipnot_uac *u = arg;
	size_t plen = strlen(u->prefix);
	struct sipnot_uac_tx *tx;

	if (msg->via.branch.l < plen ||
	    memcmp(msg->via.branch.p, u->prefix, plen))
		return false; /* not ours: another listener's */
	tx = list_ledata(hash_lookup(u->txs, hash_joaat_pl(&msg->via.branch),
				     tx_cmp, (void *)msg));
	if (!tx) {
		/* A final response repeated after we handled it. */
		u->stats.absorbed++;
		return true;
	}
	if (msg->scode < 200) {
		tx->proceeding = true;
		if (tx->resph)
			tx->resph(0, msg, tx->arg);
		return true;
	}
	tx_end(tx, 0, msg);
	return true;
}

int sipnot_uac_init(struct sipnot_uac *u, struct sip *sip,
		    struct sipnot_sched *sched, uint32_t window,
		    uint32_t window_dest, bool own_socket,
		    sipnot_uac_ready_h *readyh)
{
	int err;

	memset(u, 0, sizeof(*u));
	u->sip = sip;
	u->own_socket = own_socket;
	u->sched = sched;
	u->readyh = readyh;
	u->t1 = UAC_T1;
	u->window = window ? window : SIPNOT_UAC_WINDOW;
	u->window_dest = window_dest ? window_dest : SIPNOT_UAC_WINDOW_DEST;
	/* Our branches carry "cf" and a random tag of this notifier, so that
	 * a late response is recognised as ours, then 64 random bits per
	 * request (RFC 3261 8.1.1.7). Random, not a counter: a subscriber
	 * sees our branches, and must not be able to guess those of the
	 * NOTIFYs to others and answer them in their place. */
	(void)re_snprintf(u->prefix, sizeof(u->prefix), "z9hG4bKcf%08x",
			  rand_u32());
	err = hash_alloc(&u->txs, 16384);
	if (!err)
		err = hash_alloc(&u->dests, 1024);
	if (!err)
		err = sip_listen(&u->lsnr, sip, false, resp_handler, u);
	if (err)
		sipnot_uac_close(u);
	return err;
}

static void close_dest(struct le *le, void *arg)
{
	struct sipnot_uac_dest *d = le->data;

	(void)arg;
	while (d->waiting.head) {
		struct sipnot_uac_wait *w = (void *)d->waiting.head;

		list_unlink(&w->le);
		w->dest = NULL;
	}
}

void sipnot_uac_close(struct sipnot_uac *u)
{
	u->lsnr = mem_deref(u->lsnr);
	u->us4 = mem_deref(u->us4);
	u->us6 = mem_deref(u->us6);
	for (uint32_t b = 0; u->txs && b < hash_bsize(u->txs); b++) {
		struct list *l = hash_list(u->txs, b);

		while (l->head)
			tx_free(l->head->data);
	}
	while (u->waiting.head)
		list_unlink(u->waiting.head);
	for (uint32_t b = 0; u->dests && b < hash_bsize(u->dests); b++) {
		struct list *l = hash_list(u->dests, b);

		while (l->head) {
			struct sipnot_uac_dest *d = l->head->data;

			close_dest(&d->he, NULL);
			hash_unlink(&d->he);
			free(d);
		}
	}
	u->txs = mem_deref(u->txs);
	u->dests = mem_deref(u->dests);
}

int sipnot_uac_dest(const struct sipnot_dlg *dlg, struct sa *dst)
{
	struct uri hop;
	const struct uri *route = &hop;
	struct pl host, tp;
	struct sa sa;

	if (sipnot_dlg_next_hop(dlg, &hop) ||
	    pl_strcasecmp(&route->scheme, "sip"))
		return ENOTSUP;
	if (!msg_param_decode(&route->params, "transport", &tp) &&
	    pl_strcasecmp(&tp, "udp"))
		return ENOTSUP;
	/* As libre: the maddr parameter, when there is one, is the host. */
	if (msg_param_decode(&route->params, "maddr", &host))
		host = route->host;
	if (sa_set(&sa, &host, sip_transp_port(SIP_TRANSP_UDP, route->port)))
		return ENOTSUP; /* a name: DNS, left to libre */
	*dst = sa;
	return 0;
}

bool sipnot_uac_admit(struct sipnot_uac *u, const struct sa *dst,
		      struct sipnot_uac_wait *w, void *arg)
{
	struct sipnot_uac_dest *d;

	if (w->le.list)
		return false; /* keeps its place in the queue */
	d = dest_find(u, dst);
	if (u->inflight < u->window && (!d || d->inflight < u->window_dest))
		return true;
	u->stats.waited++;
	if (d && d->inflight >= u->window_dest) {
		list_append(&d->waiting, &w->le, arg);
		w->dest = d;
	} else {
		list_append(&u->waiting, &w->le, arg);
		w->dest = NULL;
	}
	return false;
}

void sipnot_uac_unwait(struct sipnot_uac_wait *w)
{
	struct sipnot_uac_dest *d = w->dest;

	list_unlink(&w->le);
	w->dest = NULL;
	if (d)
		dest_put(d);
}

void sipnot_uac_detach(struct sipnot_uac_tx **txp)
{
	struct sipnot_uac_tx *tx = *txp;

	if (!tx)
		return;
	tx->txp = NULL;
	tx->resph = NULL;
	tx->arg = NULL;
	*txp = NULL;
}

/* The request: request line, our Via, Max-Forwards, the dialog's
 * headers, the send handler's, then the caller's. */
static int encode(struct mbuf *mb, struct sipnot_uac_tx *tx,
		  struct sipnot_dlg *dlg, sip_send_h *sendh, void *arg,
		  const char *fmt, va_list ap)
{
	struct sa laddr;
	int err;

	err = via_addr(tx->u, &tx->dest->addr, &laddr);
	if (err)
		return err;
	err = mbuf_printf(mb, "%s %s SIP/2.0\r\n", tx->met,
			  sipnot_dlg_target(dlg));
	err |= mbuf_printf(mb, "Via: SIP/2.0/UDP %J;branch=%s;rport\r\n",
			   &laddr, tx->branch);
	err |= mbuf_write_str(mb, "Max-Forwards: 70\r\n");
	err |= sipnot_dlg_encode(mb, dlg, tx->met);
	if (err)
		return err;
	if (sendh) {
		err = sendh(SIP_TRANSP_UDP, &laddr, &tx->dest->addr, mb, arg);
		if (err)
			return err;
	}
	return mbuf_vprintf(mb, fmt, ap);
}

static int tx_alloc(struct sipnot_uac_tx **txp, struct sipnot_uac *u,
		    const struct sa *dst, const char *met)
{
	struct sipnot_uac_dest *d = dest_find(u, dst);
	struct sipnot_uac_tx *tx;

	if (strlen(met) >= sizeof(tx->met))
		return EINVAL;
	tx = calloc(1, sizeof(*tx));
	if (!tx)
		return ENOMEM;
	if (!d) {
		d = calloc(1, sizeof(*d));
		if (!d) {
			free(tx);
			return ENOMEM;
		}
		d->addr = *dst;
		hash_append(u->dests, sa_hash(dst, SA_ALL), &d->he, d);
	}
	tx->u = u;
	tx->dest = d;
	d->inflight++;
	u->inflight++;
	strcpy(tx->met, met);
	(void)re_snprintf(tx->branch, sizeof(tx->branch), "%s%016llx",
			  u->prefix, (unsigned long long)rand_u64());
	*txp = tx;
	return 0;
}

int sipnot_uac_requestf(struct sipnot_uac_tx **txp, struct sipnot_uac *u,
			const struct sa *dst, const char *met,
			struct sipnot_dlg *dlg, sip_send_h *sendh,
			sip_resp_h *resph, void *arg, const char *fmt, ...)
{
	struct sipnot_uac_tx *tx = NULL;
	uint64_t now = tmr_jiffies();
	va_list ap;
	int err;

	if (!txp || *txp || !u || !dst || !met || !dlg || !fmt)
		return EINVAL;
	err = tx_alloc(&tx, u, dst, met);
	if (err)
		return err;
	tx->mb = mbuf_alloc(1024);
	if (!tx->mb) {
		err = ENOMEM;
		goto out;
	}
	va_start(ap, fmt);
	err = encode(tx->mb, tx, dlg, sendh, arg, fmt, ap);
	va_end(ap);
	if (err)
		goto out;
	tx->mb->pos = 0;
	err = send_to(u, dst, tx->mb);
	if (err && !send_transient(err))
		goto out;
	err = 0;
	tx->interval = u->t1;
	tx->deadline = now + 64 * (uint64_t)u->t1;
	err = sipnot_sched_start(u->sched, &tx->tmr, now + u->t1, tx_timer, tx);
	if (err)
		goto out;
	hash_append(u->txs, hash_joaat_str(tx->branch), &tx->he, tx);
	tx->txp = txp;
	tx->resph = resph;
	tx->arg = arg;
	u->stats.sent++;
	*txp = tx;
out:
	if (err) {
		struct sipnot_uac_dest *d = tx->dest;

		tx_free(tx);
		dest_put(d);
	}
	return err;
}
