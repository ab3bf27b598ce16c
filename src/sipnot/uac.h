/*
 * NOTIFY client transactions over UDP, run by the notifier itself (RFC
 * 3261 17.1.2, non-INVITE), and the window that paces them.
 *
 * Why not libre's: every libre client transaction keeps two libre
 * timers (Timer E and F) in libre's timer list, which is sorted on
 * insert; with thousands of NOTIFYs in flight each retransmission walks
 * that list (a perf sample at 1,400 UDP subscription cycles/s: 66 % of
 * the time in list_apply). Here each transaction has one entry in the
 * notifier's heap (sched.c): O(log n) per (re)transmission.
 *
 * The request is encoded from the subscription's own dialog (dialog.c)
 * and libre sends the datagram (sip_send); the Via branch is ours, with a
 * prefix of this notifier, and responses come through a response listener
 * (sip_listen with req false), which libre calls for every response that none
 * of its own client transactions matched. A response whose branch carries our
 * prefix but matches no transaction in flight is a retransmission of a
 * final response already handled: it is absorbed there, which is what
 * Timer K's Completed state is for, without keeping the transaction.
 *
 * Only UDP, and only next hops given as IP addresses (no DNS): TCP and
 * TLS do not retransmit, and stay on libre's transactions.
 */
#ifndef CONFINFO_SIPNOT_UAC_H
#define CONFINFO_SIPNOT_UAC_H

#include <stdbool.h>
#include <stdint.h>

#include <re.h>

#include "sched.h"

#define SIPNOT_UAC_WINDOW      1024
#define SIPNOT_UAC_WINDOW_DEST 256

struct sipnot_uac_tx;
struct sipnot_dlg;
struct sipnot_uac_dest;

/* A waiting place in the window, embedded in its owner (a
 * subscription). Zero-initialised = not waiting. */
struct sipnot_uac_wait {
	struct le le;
	struct sipnot_uac_dest *dest; /* NULL: waits for the overall window */
};

/* A place freed: the owner of the waiting place @p arg may send now. */
typedef void(sipnot_uac_ready_h)(void *arg);

/* Counters, for benchmarks and logs. */
struct sipnot_uac_stats {
	uint64_t sent;     /* transactions started */
	uint64_t retrans;  /* retransmissions */
	uint64_t timeouts; /* transactions that got no final response */
	uint64_t absorbed; /* responses to transactions already ended */
	uint64_t waited;   /* times a NOTIFY found the window full */
};

struct sipnot_uac {
	struct sip *sip;
	struct sip_lsnr *lsnr;
	struct sipnot_sched *sched;
	struct hash *txs;    /* by branch */
	struct hash *dests;  /* by address and port */
	struct list waiting; /* for the overall window, oldest first */
	sipnot_uac_ready_h *readyh;
	uint32_t window, window_dest;
	uint32_t t1; /* Timer T1 in ms, 500; T2 and F follow (uac.c) */
	size_t inflight;
	/* With own_socket (notifier.h udp_own_socket): ours, per address
	 * family, opened at the first NOTIFY to it; NULL: not yet. */
	bool own_socket;
	struct udp_sock *us4, *us6;
	char prefix[24]; /* "z9hG4bK" + ours */
	struct sipnot_uac_stats stats;
};

int sipnot_uac_init(struct sipnot_uac *u, struct sip *sip,
		    struct sipnot_sched *sched, uint32_t window,
		    uint32_t window_dest, bool own_socket,
		    sipnot_uac_ready_h *readyh);
/* Drop every transaction and waiting place, telling nobody. */
void sipnot_uac_close(struct sipnot_uac *u);

/* Where the next request of @p dlg goes when the notifier's own UDP
 * transaction can take it: a sip: next hop with an IP address, and
 * transport UDP (none named: libre's default, UDP). ENOTSUP otherwise. */
int sipnot_uac_dest(const struct sipnot_dlg *dlg, struct sa *dst);

/* May a request to @p dst start now? false: @p w now waits, and
 * readyh(@p arg) runs (from a response handler or a timer) when a place
 * is free; the owner then asks again. */
bool sipnot_uac_admit(struct sipnot_uac *u, const struct sa *dst,
		      struct sipnot_uac_wait *w, void *arg);
/* Stop waiting (nothing happens if @p w is not waiting). */
void sipnot_uac_unwait(struct sipnot_uac_wait *w);

/*
 * Send @p met in dialog @p dlg to @p dst over UDP, as sip_drequestf()
 * would (Max-Forwards, the dialog's headers, @p sendh's headers, then
 * @p fmt), and run its transaction: @p resph gets every response (1xx
 * too), then exactly one final response or an error (ETIMEDOUT after
 * 32 s, or the send's), after which *@p txp is NULL. *@p txp must be
 * NULL before.
 */
int sipnot_uac_requestf(struct sipnot_uac_tx **txp, struct sipnot_uac *u,
			const struct sa *dst, const char *met,
			struct sipnot_dlg *dlg, sip_send_h *sendh,
			sip_resp_h *resph, void *arg, const char *fmt, ...);

/* The owner of *@p txp is going away: it hears nothing more, *@p txp is
 * NULL. The transaction runs on (it keeps its place in the window until
 * it ends, so that the subscriber is not sent more than the window). */
void sipnot_uac_detach(struct sipnot_uac_tx **txp);

#endif
