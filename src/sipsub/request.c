/*
 * SUBSCRIBE requests and their responses: initial requests on a fresh
 * dialog, refreshes and the unsubscribe on the dialog, 401/407 and 423
 * retries, and what each final answer does to the subscription (life.c).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sipstack/drequest.h"
#include "sipsub.h"

/* A refresh failed with @p scode (0: no answer), @p what said. */
static void refresh_failed(struct confinfo_subscriber *sub, uint16_t scode,
			   const char *what)
{
	switch (scode) {
	case 0:
	case 408:
	case 503:
		/* No answer, or the node behind a proxy is gone or going
		 * (docs/scale-out.md): the dialog leads nowhere. A new
		 * subscription, sent to the request URI again, reaches a
		 * live node; its delay grows while this keeps happening. */
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
				  sipsub_refresh_handler, sub);
		return;
	}
	}
}

/* An initial SUBSCRIBE failed with @p scode (0: no answer, @p err). */
static void initial_failed(struct confinfo_subscriber *sub, int err,
			   uint16_t scode, bool answered, const char *what)
{
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
		sipsub_finish(sub, answered ? EPROTO : err, scode, "failed",
			      "SUBSCRIBE failed: %s", what);
		return;
	}
	sipsub_terminated(sub, "subscribe-failed", 0, "SUBSCRIBE failed: %s",
			  what);
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

	if (refresh)
		refresh_failed(sub, scode, what);
	else
		initial_failed(sub, err, scode, msg != NULL, what);
}

/* Why the challenge of a 401/407 cannot be answered (digest.c's code). */
static const char *auth_failure(int err)
{
	switch (err) {
	case EAUTH:
		return "credentials refused";
	case ENOTSUP:
		return "no digest challenge with an algorithm we support "
		       "(SHA-256, MD5; qop=auth)";
	case EPROTO:
		return "the nonce keeps being stale";
	case E2BIG:
		return "too many realms";
	default:
		return strerror(err);
	}
}

/* Answer a 401/407 with the SUBSCRIBE again (digest.c decides how). */
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
	err = sipsub_digest_challenged(&sub->digest, msg, NULL);
	if (err) {
		sipsub_finish(sub, EACCES, msg->scode, "auth",
			      "authentication failed (%s)", auth_failure(err));
		return true;
	}
	/* A stale nonce: our answer was right, only late (RFC 7616 3.3);
	 * no failure, the same request with the new nonce. */
	err = sipsub_send_subscribe(sub, expires, refresh);
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
	return sipsub_send_subscribe(sub, min, refresh) == 0;
}

static void unsub_response(struct confinfo_subscriber *sub, int err,
			   const struct sip_msg *msg)
{
	/* The nonce went stale (or the notifier forgot it) during the
	 * subscription: answer once more, or the subscription would stay
	 * on the notifier until it expires. Any failure here just ends. */
	if (!err && (msg->scode == 401 || msg->scode == 407) &&
	    sub->auth_user && !sip_request_loops(&sub->ls, msg->scode) &&
	    !sipsub_digest_challenged(&sub->digest, msg, NULL) &&
	    !sipsub_send_subscribe(sub, 0, true))
		return;
	sub->unsub_answered = true;
	if (err || msg->scode >= 300 || sub->final_notify) {
		sipsub_finish(sub, 0, 0, "closed", "unsubscribed");
		return;
	}
	/* Give the final NOTIFY a moment, not the whole timeout. */
	if (tmr_get_expire(&sub->tmr_close) > 1000)
		tmr_start(&sub->tmr_close, 1000, sipsub_close_timeout_handler,
			  sub);
}

/* A 2xx to the SUBSCRIBE in flight, asking for @p expires seconds. */
static void subscribed(struct confinfo_subscriber *sub,
		       const struct sip_msg *msg, bool refresh,
		       uint32_t expires)
{
	struct confinfo_subscriber_event ev;
	uint32_t granted;

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
		if (sipsub_send_unsubscribe(sub))
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
	/* Our digest answers worked; the loop count starts again. */
	sipsub_digest_proven(&sub->digest);
	sip_loopstate_reset(&sub->ls);
	sub->subscribed = true;
	sub->ever_subscribed = true;
	sub->ok_tp = msg->tp;
	if (!sub->stable_since)
		sub->stable_since = tmr_jiffies();
	sipsub_schedule(sub, granted);
	if (sub->resync_due && !tmr_isrunning(&sub->tmr_resync)) {
		/* The NOTIFY of this request brings the full state; if it
		 * does not, ask again once the backoff allows. */
		tmr_start(&sub->tmr_resync, sub->timer_n_ms / 4,
			  sipsub_resync_handler, sub);
	}
	memset(&ev, 0, sizeof(ev));
	ev.type = CONFINFO_SUBSCRIBER_SUBSCRIBED;
	ev.message = refresh ? "refreshed" : "subscribed";
	ev.expires = granted;
	sipsub_emit(sub, &ev);
}

static void response_handler(int err, const struct sip_msg *msg, void *arg)
{
	struct confinfo_subscriber *sub = arg;
	bool refresh = sub->req_refresh, unsub = sub->req_unsub;
	uint32_t expires = sub->expires;

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
	subscribed(sub, msg, refresh, expires);
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

int sipsub_send_subscribe(struct confinfo_subscriber *sub, uint32_t expires,
			  bool refresh)
{
	char *auth = NULL;
	int err;

	if (!refresh)
		sip_loopstate_reset(&sub->ls);
	/* The digest uri is the Request-URI libre puts on the request. */
	err = sipsub_digest_headers(&sub->digest, &auth, sub->auth_user,
				    sub->auth_password, "SUBSCRIBE",
				    sip_dialog_uri(sub->dlg));
	if (err)
		return err;
	err = sipstack_drequestf(
	    &sub->req, sub->sock->sip, true, "SUBSCRIBE", sub->dlg, 0, NULL,
	    send_handler, response_handler, sub,
	    "%s"
	    "Event: conference\r\n"
	    "Accept: application/conference-info+xml%s\r\n"
	    "Allow: NOTIFY\r\n"
	    "Expires: %u\r\n"
	    "Content-Length: 0\r\n"
	    "\r\n",
	    auth ? auth : "", sub->smime ? ", multipart/signed" : "", expires);
	mem_deref(auth);
	if (err)
		return err;
	sub->req_refresh = refresh;
	sub->req_unsub = expires == 0 && sub->closing;
	/* Timer N: a NOTIFY must follow every SUBSCRIBE. */
	if (!sub->req_unsub)
		tmr_start(&sub->tmr_n, sub->timer_n_ms, sipsub_timer_n_handler,
			  sub);
	return 0;
}

int sipsub_send_unsubscribe(struct confinfo_subscriber *sub)
{
	sub->final_notify = false;
	sub->unsub_answered = false;
	return sipsub_send_subscribe(sub, 0, true);
}
