/*
 * SUBSCRIBE requests and the life cycle of a subscription (RFC 6665
 * section 4.1.2): initial requests on a fresh dialog, refreshes on the
 * dialog, 401/407 and 423 retries, Timer N, expiry, the backoff between new
 * subscriptions, and unsubscribing.
 *
 * Every path that would send a request because of something the network
 * said goes through a delay that doubles while it keeps happening
 * (sipsub_terminated() and sipsub_resync()): a notifier, or someone forging
 * its messages, cannot make us loop at network speed.
 */
#include <errno.h>
#include <stdlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "confinfo/chat.h"
#include "confinfo/uri.h"
#include "sipsub.h"

static int send_subscribe(struct confinfo_subscriber *sub, uint32_t expires,
			  bool refresh);

void sipsub_emit(struct confinfo_subscriber *sub,
		 struct confinfo_subscriber_event *ev)
{
	if (!ev->message)
		ev->message = "";
	sub->eventh(ev, sub->arg);
}

static void emitv(struct confinfo_subscriber *sub,
		  struct confinfo_subscriber_event *ev, const char *fmt,
		  va_list ap)
{
	char msg[320];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	ev->message = msg;
	sipsub_emit(sub, ev);
}

void sipsub_emitf(struct confinfo_subscriber *sub,
		  enum confinfo_subscriber_event_type type, const char *fmt,
		  ...)
{
	struct confinfo_subscriber_event ev;
	va_list ap;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	va_start(ap, fmt);
	emitv(sub, &ev, fmt, ap);
	va_end(ap);
}

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

static void cancel_timers(struct confinfo_subscriber *sub)
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
	/* reported_entity stays: a mismatch is reported once per value for
	 * the whole subscription, not once per dialog. */
}

static int start_new(struct confinfo_subscriber *sub)
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
	return send_subscribe(sub, sub->expires, false);
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
	cancel_timers(sub);
	tmr_cancel(&sub->tmr_close);
	sub->req = mem_deref(sub->req);
	sub->subscribed = false;
	memset(&ev, 0, sizeof(ev));
	ev.type = CONFINFO_SUBSCRIBER_CLOSED;
	ev.err = err;
	ev.scode = scode;
	ev.reason = reason;
	va_start(ap, fmt);
	emitv(sub, &ev, fmt, ap);
	va_end(ap);
}

static void new_subscription_handler(void *arg)
{
	struct confinfo_subscriber *sub = arg;
	int err;

	err = start_new(sub);
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
	cancel_timers(sub);
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
	emitv(sub, &ev, fmt, ap);
	va_end(ap);
	if (!sub->closing)
		tmr_start(&sub->tmr_refresh, wait, new_subscription_handler,
			  sub);
}

static void timer_n_handler(void *arg)
{
	struct confinfo_subscriber *sub = arg;

	if (!sub->ever_subscribed)
		sipsub_finish(sub, ETIMEDOUT, 0, "timeout",
			      "no NOTIFY within %u s of the SUBSCRIBE",
			      SIPSUB_TIMER_N_MS / 1000);
	else
		sipsub_terminated(sub, "timeout", 0,
				  "no NOTIFY within %u s of the SUBSCRIBE",
				  SIPSUB_TIMER_N_MS / 1000);
}

void sipsub_notify_seen(struct confinfo_subscriber *sub)
{
	tmr_cancel(&sub->tmr_n);
	sub->ever_subscribed = true;
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

static void refresh_handler(void *arg)
{
	struct confinfo_subscriber *sub = arg;
	int err;

	if (sub->req)
		return; /* its outcome reschedules */
	if (!sub->dlg || !sip_dialog_established(sub->dlg)) {
		new_subscription_handler(sub);
		return;
	}
	err = send_subscribe(sub, sub->expires, true);
	if (err)
		tmr_start(&sub->tmr_refresh, 5000, refresh_handler, sub);
}

/* The subscription lasts @p expires more seconds from now. */
static void schedule(struct confinfo_subscriber *sub, uint32_t expires)
{
	if (expires == 0) {
		/* A terminated NOTIFY is coming; if it is lost, the
		 * subscription ends a Timer N later all the same. */
		tmr_cancel(&sub->tmr_refresh);
		tmr_start(&sub->tmr_expiry, SIPSUB_TIMER_N_MS, expiry_handler,
			  sub);
		return;
	}
	tmr_start(&sub->tmr_refresh, refresh_delay_ms(expires), refresh_handler,
		  sub);
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
	schedule(sub, expires);
}

static void resync_handler(void *arg)
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
	tmr_start(&sub->tmr_resync, wait, resync_handler, sub);
}

void sipsub_resynced(struct confinfo_subscriber *sub)
{
	sub->resync_due = false;
	sub->resync_n = 0;
	tmr_cancel(&sub->tmr_resync);
}

/* A final failure of the request in flight. */
static void request_failed(struct confinfo_subscriber *sub, bool refresh,
			   int err, const struct sip_msg *msg)
{
	uint16_t scode = msg ? msg->scode : 0;
	char what[128];

	if (msg)
		snprintf(what, sizeof(what), "%u %.*s", scode,
			 (int)(msg->reason.l > 80 ? 80 : msg->reason.l),
			 msg->reason.p ? msg->reason.p : "");
	else
		snprintf(what, sizeof(what), "%s", strerror(err));

	if (refresh) {
		switch (scode) {
		case 404:
		case 405:
		case 410:
		case 416:
		case 480:
		case 481:
		case 482:
		case 483:
		case 484:
		case 485:
		case 489:
		case 501:
		case 604:
			/* RFC 6665 4.1.2.2: the subscription is gone. */
			sipsub_terminated(sub, "refresh-failed", 0,
					  "refresh answered %s", what);
			return;
		default: {
			/* The old subscription lasts until its expiry; try
			 * again meanwhile. */
			uint64_t left = tmr_get_expire(&sub->tmr_expiry);
			uint64_t wait = left / 3;

			if (wait < 1000)
				wait = 1000;
			if (wait > 60000)
				wait = 60000;
			sipsub_emitf(sub, CONFINFO_SUBSCRIBER_WARNING,
				     "refresh failed (%s): retrying in %llu "
				     "ms",
				     what, (unsigned long long)wait);
			if (left)
				tmr_start(&sub->tmr_refresh, wait,
					  refresh_handler, sub);
			return;
		}
		}
	}

	/* An initial SUBSCRIBE. Definitive answers end it; transient ones
	 * are retried, but only for a subscription that worked before
	 * (a wrong URI on the command line should fail fast). */
	switch (scode) {
	case 401:
	case 403:
	case 407:
	case 603:
		sipsub_finish(sub, EACCES, scode, "refused",
			      "SUBSCRIBE refused: %s", what);
		return;
	case 404:
	case 410:
	case 484:
	case 604:
		sipsub_finish(sub, ENOENT, scode, "not-found",
			      "SUBSCRIBE failed: %s", what);
		return;
	case 489:
		sipsub_finish(sub, EPROTO, scode, "bad-event",
			      "the notifier does not support the conference "
			      "event package (%s)",
			      what);
		return;
	default:
		break;
	}
	if (!sub->ever_subscribed) {
		sipsub_finish(sub, msg ? EPROTO : err, scode, "failed",
			      "SUBSCRIBE failed: %s", what);
		return;
	}
	sipsub_terminated(sub, "subscribe-failed", 0, "SUBSCRIBE failed: %s",
			  what);
}

static bool retry_auth(struct confinfo_subscriber *sub,
		       const struct sip_msg *msg, bool refresh,
		       uint32_t expires)
{
	int err;

	if (!sub->auth_user) {
		sipsub_finish(sub, EACCES, msg->scode, "auth",
			      "the notifier asks for authentication (%u): "
			      "no credentials given",
			      msg->scode);
		return true;
	}
	err = sip_auth_authenticate(sub->auth, msg);
	if (err) {
		sipsub_finish(sub, EACCES, msg->scode, "auth",
			      "authentication failed (%s)",
			      err == EAUTH ? "credentials refused"
					   : strerror(err));
		return true;
	}
	err = send_subscribe(sub, expires, refresh);
	if (err)
		return false;
	return true;
}

static bool retry_min_expires(struct confinfo_subscriber *sub,
			      const struct sip_msg *msg, bool refresh)
{
	const struct sip_hdr *hdr = sip_msg_hdr(msg, SIP_HDR_MIN_EXPIRES);
	uint32_t min;

	if (!hdr || sipsub_delta_parse(hdr->val.p, hdr->val.l, &min) ||
	    min <= sub->expires || min > SIPSUB_MIN_EXPIRES_MAX)
		return false;
	sipsub_emitf(sub, CONFINFO_SUBSCRIBER_WARNING,
		     "423 Interval Too Brief: asking again with Expires %u",
		     (unsigned)min);
	sub->expires = min;
	return send_subscribe(sub, min, refresh) == 0;
}

static void close_timeout_handler(void *arg);

static void unsub_response(struct confinfo_subscriber *sub, int err,
			   const struct sip_msg *msg)
{
	sub->unsub_answered = true;
	if (err || msg->scode >= 300 || sub->final_notify) {
		sipsub_finish(sub, 0, 0, "closed", "unsubscribed");
		return;
	}
	/* Give the final NOTIFY a moment, not the whole timeout. */
	if (tmr_get_expire(&sub->tmr_close) > 1000)
		tmr_start(&sub->tmr_close, 1000, close_timeout_handler, sub);
}

static int send_unsubscribe(struct confinfo_subscriber *sub);

static void response_handler(int err, const struct sip_msg *msg, void *arg)
{
	struct confinfo_subscriber *sub = arg;
	bool refresh = sub->req_refresh, unsub = sub->req_unsub;
	uint32_t expires = sub->expires, granted;

	if (!err && msg->scode < 200)
		return;
	sub->req_refresh = false;
	sub->req_unsub = false;

	if (unsub) {
		unsub_response(sub, err, msg);
		return;
	}
	if (!err && (msg->scode == 401 || msg->scode == 407) &&
	    !sip_request_loops(&sub->ls, msg->scode) && !sub->closing) {
		if (retry_auth(sub, msg, refresh, expires))
			return;
	}
	if (!err && msg->scode == 423 && !sub->closing &&
	    retry_min_expires(sub, msg, refresh))
		return;

	if (err || msg->scode >= 300) {
		if (sub->closing) {
			sipsub_finish(sub, 0, 0, "closed", "unsubscribed");
			return;
		}
		if (sub->closed)
			return;
		request_failed(sub, refresh, err, msg);
		return;
	}

	/* 2xx (202 is treated as 200, RFC 6665 8.3.1). */
	if (!sip_dialog_established(sub->dlg)) {
		if (sip_dialog_create(sub->dlg, msg)) {
			request_failed(sub, refresh, EBADMSG, NULL);
			return;
		}
	} else if (!sip_dialog_cmp(sub->dlg, msg)) {
		/* A 2xx from a second fork: one dialog only (RFC 4575 3.8). */
		sipsub_emitf(sub, CONFINFO_SUBSCRIBER_WARNING,
			     "2xx from a second fork ignored");
		return;
	}
	if (sub->closing) {
		if (send_unsubscribe(sub))
			sipsub_finish(sub, 0, 0, "closed", "unsubscribed");
		return;
	}
	granted = expires;
	if (pl_isset(&msg->expires) &&
	    sipsub_delta_parse(msg->expires.p, msg->expires.l, &granted))
		granted = expires;
	if (granted > expires) {
		sipsub_emitf(sub, CONFINFO_SUBSCRIBER_WARNING,
			     "2xx lengthened the subscription to %u s (asked "
			     "%u s): keeping %u s",
			     (unsigned)granted, (unsigned)expires,
			     (unsigned)expires);
		granted = expires;
	}
	sub->subscribed = true;
	sub->ever_subscribed = true;
	if (!sub->stable_since)
		sub->stable_since = tmr_jiffies();
	schedule(sub, granted);
	if (sub->resync_due && !tmr_isrunning(&sub->tmr_resync)) {
		/* The NOTIFY of this request brings the full state; if it
		 * does not, ask again once the backoff allows. */
		tmr_start(&sub->tmr_resync, SIPSUB_TIMER_N_MS / 4,
			  resync_handler, sub);
	}
	{
		struct confinfo_subscriber_event ev;

		memset(&ev, 0, sizeof(ev));
		ev.type = CONFINFO_SUBSCRIBER_SUBSCRIBED;
		ev.message = refresh ? "refreshed" : "subscribed";
		ev.expires = granted;
		sipsub_emit(sub, &ev);
	}
}

static int send_handler(enum sip_transp tp, const struct sa *src,
			const struct sa *dst, struct mbuf *mb, void *arg)
{
	struct confinfo_subscriber *sub = arg;
	struct sip_contact contact;

	(void)dst;
	sip_contact_set(&contact, sub->cuser, src, tp);
	return mbuf_printf(mb, "%H", sip_contact_print, &contact);
}

static int send_subscribe(struct confinfo_subscriber *sub, uint32_t expires,
			  bool refresh)
{
	int err;

	if (!refresh)
		sip_loopstate_reset(&sub->ls);
	err = sip_drequestf(&sub->req, sub->sock->sip, true, "SUBSCRIBE",
			    sub->dlg, 0, sub->auth, send_handler,
			    response_handler, sub,
			    "Event: conference\r\n"
			    "Accept: application/conference-info+xml\r\n"
			    "Allow: NOTIFY\r\n"
			    "Expires: %u\r\n"
			    "Content-Length: 0\r\n"
			    "\r\n",
			    expires);
	if (err)
		return err;
	sub->req_refresh = refresh;
	sub->req_unsub = expires == 0 && sub->closing;
	/* Timer N: a NOTIFY must follow every SUBSCRIBE. */
	if (!sub->req_unsub)
		tmr_start(&sub->tmr_n, SIPSUB_TIMER_N_MS, timer_n_handler, sub);
	return 0;
}

static int send_unsubscribe(struct confinfo_subscriber *sub)
{
	sub->final_notify = false;
	sub->unsub_answered = false;
	return send_subscribe(sub, 0, true);
}

static int auth_handler(char **user, char **pass, const char *realm, void *arg)
{
	struct confinfo_subscriber *sub = arg;
	int err;

	(void)realm;
	if (!sub->auth_user)
		return EAUTH;
	err = str_dup(user, sub->auth_user);
	if (err)
		return err;
	err = str_dup(pass, sub->auth_password ? sub->auth_password : "");
	if (err)
		*user = mem_deref(*user);
	return err;
}

static int dup_opt(char **dst, const char *src)
{
	if (!src) {
		*dst = NULL;
		return 0;
	}
	*dst = strdup(src);
	return *dst ? 0 : ENOMEM;
}

int confinfo_subscriber_alloc(struct confinfo_subscriber **subp,
			      struct confinfo_subscriber_sock *sock,
			      const struct confinfo_subscriber_params *p)
{
	struct confinfo_subscriber *sub;
	int err = 0;

	if (!subp || !sock || !p || !p->uri || !p->from || !p->eventh)
		return EINVAL;
	sub = calloc(1, sizeof(*sub));
	if (!sub)
		return ENOMEM;
	tmr_init(&sub->tmr_refresh);
	tmr_init(&sub->tmr_expiry);
	tmr_init(&sub->tmr_n);
	tmr_init(&sub->tmr_resync);
	tmr_init(&sub->tmr_close);
	sub->sock = sock;
	list_append(&sock->subl, &sub->le, sub);

	err |= dup_opt(&sub->uri, p->uri);
	err |= dup_opt(&sub->request_uri,
		       p->request_uri ? p->request_uri : p->uri);
	err |= dup_opt(&sub->route, p->route);
	err |= dup_opt(&sub->from, p->from);
	err |= dup_opt(&sub->from_name, p->from_name);
	err |= dup_opt(&sub->cuser,
		       p->contact_user ? p->contact_user : "confinfo");
	err |= dup_opt(&sub->auth_user, p->auth_user);
	err |= dup_opt(&sub->auth_password, p->auth_password);
	if (err) {
		err = ENOMEM;
		goto out;
	}
	if (p->limits)
		sub->limits = *p->limits;
	else
		confinfo_xml_limits_default(&sub->limits);
	if (p->merge_limits)
		sub->merge_limits = *p->merge_limits;
	else
		confinfo_merge_limits_default(&sub->merge_limits);
	sub->expires_asked = p->expires ? p->expires : SIPSUB_EXPIRES_DEFAULT;
	sub->eventh = p->eventh;
	sub->arg = p->arg;

	/* For the entity check (chat.h): an unparsable URI falls back to a
	 * byte comparison. */
	if (confinfo_chat_conference_parse(&sub->conf_uri, sub->uri,
					   strlen(sub->uri), NULL) == ENOMEM) {
		err = ENOMEM;
		goto out;
	}
	err = sip_auth_alloc(&sub->auth, auth_handler, sub, false);
	if (err)
		goto out;
	err = start_new(sub);
out:
	if (err)
		confinfo_subscriber_free(sub);
	else
		*subp = sub;
	return err;
}

static void close_timeout_handler(void *arg)
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

void confinfo_subscriber_close(struct confinfo_subscriber *sub,
			       uint64_t timeout_ms)
{
	if (!sub || sub->closing)
		return;
	sub->closing = true;
	cancel_timers(sub);
	tmr_start(&sub->tmr_close, timeout_ms ? timeout_ms : 1,
		  close_timeout_handler, sub);
	if (sub->req)
		return; /* its response sends the unsubscribe (or ends) */
	if (sub->dlg && sip_dialog_established(sub->dlg) && sub->subscribed) {
		if (send_unsubscribe(sub) == 0)
			return;
	}
	sipsub_finish(sub, 0, 0, "closed", "closed");
}

int confinfo_subscriber_resubscribe(struct confinfo_subscriber *sub)
{
	int err;

	if (!sub)
		return EINVAL;
	if (sub->closing)
		return ESHUTDOWN;
	if (sub->req)
		return EALREADY;
	if (!sub->dlg || !sip_dialog_established(sub->dlg) ||
	    !sub->subscribed) {
		tmr_cancel(&sub->tmr_refresh);
		err = start_new(sub);
		if (err)
			sipsub_terminated(sub, "error", 0,
					  "could not send SUBSCRIBE: %s",
					  strerror(err));
		return err;
	}
	return send_subscribe(sub, sub->expires, true);
}

const struct confinfo_conf *
confinfo_subscriber_state(const struct confinfo_subscriber *sub)
{
	return sub ? sub->state : NULL;
}

void confinfo_subscriber_free(struct confinfo_subscriber *sub)
{
	if (!sub)
		return;
	cancel_timers(sub);
	tmr_cancel(&sub->tmr_close);
	list_unlink(&sub->le);
	mem_deref(sub->req);
	mem_deref(sub->dlg);
	mem_deref(sub->auth);
	confinfo_conf_free(sub->state);
	confinfo_uri_free(sub->conf_uri);
	free(sub->reported_entity);
	free(sub->uri);
	free(sub->request_uri);
	free(sub->route);
	free(sub->from);
	free(sub->from_name);
	free(sub->cuser);
	free(sub->auth_user);
	free(sub->auth_password);
	free(sub);
}
