/*
 * The life cycle of a subscription (RFC 6665 section 4.1.2): the timers
 * (refresh, expiry, Timer N, resync, close), new subscriptions after a
 * termination, the backoff between them, and the end.
 *
 * Every path that would send a request because of something the network
 * said goes through a delay that doubles while it keeps happening
 * (sipsub_terminated() and sipsub_resync()): a notifier, or someone forging
 * its messages, cannot make us loop at network speed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sipsub.h"

/* When to refresh a subscription granted for @p expires seconds: late
 * enough not to waste messages, early enough that Timer N (32 s) still
 * fits before it ends. */
static uint64_t refresh_delay_ms(uint32_t expires)
{
	if (expires >= 128)
		return ((uint64_t)expires - 64) * 1000;
	return (uint64_t)expires * 500;
}

static uint64_t backoff_next(unsigned *np)
{
	uint64_t d = 0;

	if (*np > 0) {
		d = 1000ULL << (*np - 1);
		if (d > SIPSUB_BACKOFF_MAX_MS)
			d = SIPSUB_BACKOFF_MAX_MS;
	}
	if (*np < 16)
		(*np)++;
	return d;
}

void sipsub_cancel_timers(struct confinfo_subscriber *sub)
{
	tmr_cancel(&sub->tmr_refresh);
	tmr_cancel(&sub->tmr_expiry);
	tmr_cancel(&sub->tmr_n);
	tmr_cancel(&sub->tmr_resync);
}

/* Forget the dialog and everything scoped to it (versions included). */
static void drop_dialog(struct confinfo_subscriber *sub)
{
	sub->req = mem_deref(sub->req); /* its handlers will not run */
	sub->dlg = mem_deref(sub->dlg);
	sub->subscribed = false;
	sub->rseq_set = false;
	sub->req_refresh = false;
	sub->req_unsub = false;
	sub->stable_since = 0;
	sub->resync_due = false;
	confinfo_conf_free(sub->state);
	sub->state = NULL;
	sub->state_verified = false;
	/* reported_entity stays: a mismatch is reported once per value for
	 * the whole subscription, not once per dialog. */
}

int sipsub_start_new(struct confinfo_subscriber *sub)
{
	const char *routev[1];
	int err;

	drop_dialog(sub);
	routev[0] = sub->route;
	err = sip_dialog_alloc(&sub->dlg, sub->request_uri, sub->uri,
			       sub->from_name, sub->from, routev,
			       sub->route ? 1 : 0);
	if (err)
		return err;
	sub->expires = sub->expires_asked;
	return sipsub_send_subscribe(sub, sub->expires, false);
}

void sipsub_finish(struct confinfo_subscriber *sub, int err, uint16_t scode,
		   const char *reason, const char *fmt, ...)
{
	struct confinfo_subscriber_event ev;
	va_list ap;

	if (sub->closed)
		return;
	sub->closed = true;
	sub->closing = true;
	sipsub_cancel_timers(sub);
	tmr_cancel(&sub->tmr_close);
	sub->req = mem_deref(sub->req);
	sub->subscribed = false;
	memset(&ev, 0, sizeof(ev));
	ev.type = CONFINFO_SUBSCRIBER_CLOSED;
	ev.err = err;
	ev.scode = scode;
	ev.reason = reason;
	va_start(ap, fmt);
	sipsub_emitv(sub, &ev, fmt, ap);
	va_end(ap);
}

static void new_subscription_handler(void *arg)
{
	struct confinfo_subscriber *sub = arg;
	int err;

	err = sipsub_start_new(sub);
	if (err)
		sipsub_terminated(sub, "error", 0,
				  "could not send SUBSCRIBE: %s",
				  strerror(err));
}

void sipsub_terminated(struct confinfo_subscriber *sub, const char *reason,
		       uint64_t min_wait_ms, const char *fmt, ...)
{
	struct confinfo_subscriber_event ev;
	uint64_t wait;
	va_list ap;

	if (sub->closing)
		return;
	sipsub_cancel_timers(sub);
	if (sub->stable_since &&
	    tmr_jiffies() - sub->stable_since >= SIPSUB_STABLE_MS)
		sub->backoff_n = 0;
	wait = backoff_next(&sub->backoff_n);
	if (wait < min_wait_ms)
		wait = min_wait_ms;
	/* The old dialog is over: a NOTIFY still arriving on it gets 481. */
	drop_dialog(sub);
	sub->resync_n = 0;

	memset(&ev, 0, sizeof(ev));
	ev.type = CONFINFO_SUBSCRIBER_TERMINATED;
	ev.reason = reason;
	ev.retry_ms = wait;
	va_start(ap, fmt);
	sipsub_emitv(sub, &ev, fmt, ap);
	va_end(ap);
	/* The callback may have closed the subscription, or started the
	 * new one itself (confinfo_subscriber_resubscribe()): then there is
	 * nothing to wait for. */
	if (!sub->closing && !sub->dlg)
		tmr_start(&sub->tmr_refresh, wait, new_subscription_handler,
			  sub);
}

/* libre drops a message over 64 KiB received on a TCP or TLS connection
 * (it closes the connection, nothing reaches the listener): a missing
 * NOTIFY after a 2xx on such a transport may be one. */
static const char *timer_n_hint(const struct confinfo_subscriber *sub)
{
	if (!sub->ever_subscribed ||
	    (sub->ok_tp != SIP_TRANSP_TCP && sub->ok_tp != SIP_TRANSP_TLS))
		return "";
	return " (a NOTIFY over 64 KiB on TCP or TLS is dropped unanswered "
	       "by the SIP stack: is the conference that large?)";
}

void sipsub_timer_n_handler(void *arg)
{
	struct confinfo_subscriber *sub = arg;

	unsigned s = (unsigned)((sub->timer_n_ms + 999) / 1000);

	/* A notifier that never sent a NOTIFY is not going to start: a 2xx
	 * alone does not count (a `watch --once` would wait forever). */
	if (!sub->ever_notified && sub->ever_subscribed)
		sipsub_finish(sub, ETIMEDOUT, 0, "timeout",
			      "the notifier accepted the subscription but sent "
			      "no NOTIFY within %u s%s",
			      s, timer_n_hint(sub));
	else if (!sub->ever_notified)
		sipsub_finish(sub, ETIMEDOUT, 0, "timeout",
			      "no NOTIFY within %u s of the SUBSCRIBE", s);
	else
		sipsub_terminated(sub, "timeout", 0,
				  "no NOTIFY within %u s of the SUBSCRIBE%s", s,
				  timer_n_hint(sub));
}

void sipsub_notify_seen(struct confinfo_subscriber *sub)
{
	tmr_cancel(&sub->tmr_n);
	sub->ever_subscribed = true;
	sub->ever_notified = true;
	if (!sub->stable_since)
		sub->stable_since = tmr_jiffies();
}

static void expiry_handler(void *arg)
{
	struct confinfo_subscriber *sub = arg;

	sipsub_terminated(sub, "expired", 0,
			  "the subscription expired without a successful "
			  "refresh");
}

void sipsub_refresh_handler(void *arg)
{
	struct confinfo_subscriber *sub = arg;
	int err;

	if (sub->req)
		return; /* its outcome reschedules */
	if (!sub->dlg || !sip_dialog_established(sub->dlg)) {
		new_subscription_handler(sub);
		return;
	}
	err = sipsub_send_subscribe(sub, sub->expires, true);
	if (err)
		tmr_start(&sub->tmr_refresh, 5000, sipsub_refresh_handler, sub);
}

/* The subscription lasts @p expires more seconds from now. */
void sipsub_schedule(struct confinfo_subscriber *sub, uint32_t expires)
{
	if (expires == 0) {
		/* A terminated NOTIFY is coming; if it is lost, the
		 * subscription ends a Timer N later all the same. */
		tmr_cancel(&sub->tmr_refresh);
		tmr_start(&sub->tmr_expiry, sub->timer_n_ms, expiry_handler,
			  sub);
		return;
	}
	tmr_start(&sub->tmr_refresh, refresh_delay_ms(expires),
		  sipsub_refresh_handler, sub);
	tmr_start(&sub->tmr_expiry, (uint64_t)expires * 1000, expiry_handler,
		  sub);
}

void sipsub_set_expires(struct confinfo_subscriber *sub, uint32_t expires)
{
	if (expires > sub->expires) {
		/* RFC 6665 4.2.2: a notifier MUST NOT lengthen it. */
		sipsub_emitf(sub, CONFINFO_SUBSCRIBER_WARNING,
			     "notifier lengthened the subscription to %u s "
			     "(asked %u s): keeping %u s",
			     (unsigned)expires, (unsigned)sub->expires,
			     (unsigned)sub->expires);
		expires = sub->expires;
	}
	if (sub->req)
		return; /* the response of the request in flight decides */
	sipsub_schedule(sub, expires);
}

void sipsub_resync_handler(void *arg)
{
	struct confinfo_subscriber *sub = arg;

	if (!sub->resync_due || sub->req)
		return;
	(void)confinfo_subscriber_resubscribe(sub);
}

void sipsub_resync(struct confinfo_subscriber *sub, const char *why,
		   const struct confinfo_diag *diag)
{
	struct confinfo_subscriber_event ev;
	uint64_t wait;

	if (sub->closing)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.type = CONFINFO_SUBSCRIBER_RESYNC;
	ev.message = why;
	ev.smime = sub->cur_smime;
	ev.diag = diag;
	if (sub->resync_due && (tmr_isrunning(&sub->tmr_resync) || sub->req)) {
		/* Already asked: the full state is on its way. */
		ev.retry_ms = tmr_isrunning(&sub->tmr_resync)
				  ? tmr_get_expire(&sub->tmr_resync)
				  : 0;
		sipsub_emit(sub, &ev);
		return;
	}
	sub->resync_due = true;
	wait = backoff_next(&sub->resync_n);
	ev.retry_ms = wait;
	sipsub_emit(sub, &ev);
	if (sub->closing)
		return;
	/* With a request in flight, its response restarts this timer. */
	tmr_start(&sub->tmr_resync, wait, sipsub_resync_handler, sub);
}

void sipsub_resynced(struct confinfo_subscriber *sub)
{
	sub->resync_due = false;
	sub->resync_n = 0;
	tmr_cancel(&sub->tmr_resync);
}

void sipsub_close_timeout_handler(void *arg)
{
	struct confinfo_subscriber *sub = arg;

	sipsub_finish(sub, 0, 0, "closed",
		      sub->unsub_answered ? "unsubscribed"
					  : "unsubscribed (no answer)");
}

void sipsub_close_notify(struct confinfo_subscriber *sub)
{
	sub->final_notify = true;
	if (sub->unsub_answered)
		sipsub_finish(sub, 0, 0, "closed", "unsubscribed");
}
