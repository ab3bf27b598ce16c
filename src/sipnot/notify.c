/*
 * Sending NOTIFYs in a subscription's dialog (dialog.c), one in flight
 * per subscription.
 *
 * There is no explicit queue of bodies: what a subscription still has to
 * receive is fully described by (what it holds, the current state, the
 * flags need_full and terminating). So any number of changes arriving
 * while a NOTIFY is in flight or inside the rate window collapse into one
 * partial NOTIFY, diff(held, current), with version + 1: nothing is lost,
 * no version is skipped. (libre's own sipevent_notify replaces a queued
 * body with the next one, which loses partial notifications.)
 */
#include <errno.h>
#include <string.h>

#include "sipnot.h"

static void notify_resp(int err, const struct sip_msg *msg, void *arg);

static struct pl accept_item(const char *p, const char *q)
{
	struct pl item = {.p = p, .l = (size_t)(q - p)};
	const char *semi = memchr(item.p, ';', item.l);

	if (semi)
		item.l = (size_t)(semi - item.p);
	while (item.l && (item.p[0] == ' ' || item.p[0] == '\t')) {
		item.p++;
		item.l--;
	}
	while (item.l &&
	       (item.p[item.l - 1] == ' ' || item.p[item.l - 1] == '\t'))
		item.l--;
	return item;
}

bool sipnot_accepts_signed(const struct sip_msg *msg)
{
	/* Only an explicit multipart/signed: a wildcard (asterisk/asterisk,
	 * multipart/asterisk) does not say the subscriber can verify S/MIME. */
	for (struct le *le = msg->hdrl.head; le; le = le->next) {
		const struct sip_hdr *h = le->data;
		const char *p, *end;

		if (h->id != SIP_HDR_ACCEPT)
			continue;
		p = h->val.p;
		end = p + h->val.l;
		while (p < end) {
			const char *q = memchr(p, ',', (size_t)(end - p));
			struct pl item;

			if (!q)
				q = end;
			item = accept_item(p, q);
			if (!pl_strcasecmp(&item, "multipart/signed"))
				return true;
			p = q + 1;
		}
	}
	return false;
}

const char *sipnot_reason_name(enum sipnot_reason reason)
{
	switch (reason) {
	case SIPNOT_REASON_TIMEOUT:
		return "timeout";
	case SIPNOT_REASON_NORESOURCE:
		return "noresource";
	case SIPNOT_REASON_DEACTIVATED:
		return "deactivated";
	case SIPNOT_REASON_REJECTED:
		return "rejected";
	default:
		return "none";
	}
}

/* Drop a subscription without a final NOTIFY. */
void sipnot_sub_unlink(struct sipnot_sub *sub)
{
	mem_deref(sub);
}

static void sub_destroy(struct sipnot_sub *sub)
{
	struct confinfo_notifier *n = sub->n;

	mem_deref(sub);
	sipnot_check_done(n);
}

int sipnot_print_contact(struct re_printf *pf, const struct sipnot_sub *sub)
{
	/* Not libre's sip_contact_print(): it writes sip: only, and the
	 * transport libre 1.1.0 passes to a send handler is not always the
	 * one of the dialog (UDP for a subscriber that came over TCP). RFC
	 * 5630 3.1.3: a sips: URI needs no transport=tls. */
	if (sub->sips)
		return re_hprintf(pf, "Contact: <sips:%s@%J>\r\n",
				  sub->conf->name, &sub->laddr);
	return re_hprintf(pf, "Contact: <sip:%s@%J%s>\r\n", sub->conf->name,
			  &sub->laddr, sip_transp_param(sub->tp));
}

static int send_contact(enum sip_transp tp, const struct sa *src,
			const struct sa *dst, struct mbuf *mb, void *arg)
{
	struct sipnot_sub *sub = arg;

	(void)src;
	/* The last guard against reflection (subscribe.c checked the
	 * target already): state goes to an unauthenticated subscriber's
	 * own source only. The port counts when it came over UDP (libre
	 * 1.1.0 passes no reliable @p tp here). */
	if (!sub->verified &&
	    !sa_cmp(dst, &sub->src,
		    sub->tp == SIP_TRANSP_UDP ? SA_ALL : SA_ADDR))
		return EPERM;
	/* TLS on every hop (RFC 3261 19.1): subscribe.c refused a sips:
	 * dialog whose target is not reached over TLS; should the route
	 * still lead elsewhere, the NOTIFY is not sent and the
	 * subscription fails with a log line. */
	if (sub->sips && tp != SIP_TRANSP_TLS)
		return EPROTONOSUPPORT;
	return mbuf_printf(mb, "%H", sipnot_print_contact, sub);
}

static int print_event(struct re_printf *pf, const struct sipnot_sub *sub)
{
	if (sub->event_id)
		return re_hprintf(pf, "conference;id=%s", sub->event_id);
	return re_hprintf(pf, "conference");
}

static int print_substate(struct re_printf *pf, const struct sipnot_sub *sub)
{
	if (sub->terminating)
		return re_hprintf(pf, "terminated;reason=%s",
				  sipnot_reason_name(sub->reason));
	return re_hprintf(pf, "active;expires=%u", sipnot_sub_remaining(sub));
}

/* @p sub holds the latest change of its conference (acknowledged, or
 * nothing to send: its view does not show the change). */
static void count_delivered(struct sipnot_sub *sub)
{
	struct sipnot_conf *conf = sub->conf;

	if (conf->fanout && sub->sent && conf->snap &&
	    sub->sent->base_seq == conf->snap->seq &&
	    ++conf->acked >= conf->nsubs) {
		conf->fanout = false;
		sipnot_log_delivered(conf);
	}
}

static bool same_entity(const struct confinfo_conf *a,
			const struct confinfo_conf *b)
{
	return a->entity && b->entity && !strcmp(a->entity, b->entity);
}

struct notify_body {
	const struct sipnot_sub *sub;
	const char *ctype;
	const char *xml; /* NULL: no body */
	size_t len;
};

static int print_notify(struct re_printf *pf, const struct notify_body *b)
{
	int err = re_hprintf(pf, "Event: %H\r\nSubscription-State: %H\r\n",
			     print_event, b->sub, print_substate, b->sub);

	if (err || !b->xml)
		return err ? err : re_hprintf(pf, "Content-Length: 0\r\n\r\n");
	return re_hprintf(pf,
			  "Content-Type: %s\r\n"
			  "Content-Length: %zu\r\n\r\n"
			  "%b",
			  b->ctype, b->len, b->xml, b->len);
}

/*
 * Where a NOTIFY of @p sub goes on the notifier's own UDP transactions
 * (uac.h); ENOTSUP: on libre's (TCP, TLS, a next hop named by DNS). A
 * subscriber that came over TCP with a Contact without a transport gets
 * its NOTIFYs over UDP (RFC 3263, as libre would send them): ours too,
 * so that they leave from the notifier's own socket when it has one
 * (udp_own_socket), where their answers come back.
 */
static int own_dest(const struct sipnot_sub *sub, struct sa *dst)
{
	if ((sub->tp != SIP_TRANSP_UDP && sub->tp != SIP_TRANSP_TCP) ||
	    sub->sips)
		return ENOTSUP;
	return sipnot_uac_dest(sub->dlg, dst);
}

/* Whether @p sub may send a NOTIFY now: always on libre's transactions;
 * over UDP when the window has a place, else it waits its turn and is
 * kicked again (uac_ready()). */
static bool may_send(struct sipnot_sub *sub)
{
	struct sa dst;

	if (own_dest(sub, &dst))
		return true;
	return sipnot_uac_admit(&sub->n->uac, &dst, &sub->wait, sub);
}

static int notify_request(struct sipnot_sub *sub, const char *ctype,
			  const char *xml, size_t len)
{
	struct notify_body b = {sub, ctype, xml, len};
	struct sa dst;

	if (!own_dest(sub, &dst))
		return sipnot_uac_requestf(
		    &sub->tx, &sub->n->uac, &dst, "NOTIFY", sub->dlg,
		    send_contact, notify_resp, sub, "%H", print_notify, &b);
	return sipnot_dlg_request(&sub->req, sub->n->sip, sub->dlg, "NOTIFY",
				  send_contact, notify_resp, sub, "%H",
				  print_notify, &b);
}

/*
 * Send one NOTIFY. @p full: full state (else diff from sub->sent);
 * @p body: whether to carry state at all (final NOTIFYs may not).
 * Returns 0 and sets *sentp false when there was nothing to send.
 */
static int send_notify(struct sipnot_sub *sub, bool full, bool body,
		       bool *sentp)
{
	struct sipnot_snap *cur;
	const char *ctype = SIPNOT_CTYPE;
	const char *xml = NULL;
	size_t len = 0;
	uint32_t version = sub->version;
	bool empty = false;
	int err;

	*sentp = false;
	err = sipnot_view_snap(sub, &cur);
	if (err)
		return err;
	if (body && cur && !full && sub->sent &&
	    !same_entity(sub->sent->state, cur->state))
		/* The conference was renamed: a partial notification
		 * applies to the state of one entity only (RFC 4575 4.3),
		 * so the subscriber gets the new one whole. */
		full = true;
	if (body && cur) {
		/* RFC 4575 4.3: a full NOTIFY may repeat the version when
		 * nothing changed since the last one; anything else counts
		 * one up. */
		if (!full || sub->sent != cur || !version) {
			if (version == UINT32_MAX)
				return EOVERFLOW;
			version++;
		}
		if (sub->smime)
			err = sipnot_body_get_signed(
			    sub->conf, full ? NULL : sub->sent, cur, version,
			    &xml, &len, &ctype, &empty);
		else
			err =
			    sipnot_body_get(sub->conf, full ? NULL : sub->sent,
					    cur, version, &xml, &len, &empty);
		if (err)
			return err;
		if (empty) {
			/* Back to the state the subscriber holds: nothing
			 * to tell. */
			mem_deref(sub->sent);
			sub->sent = mem_ref(cur);
			count_delivered(sub);
			return 0;
		}
	}
	err = notify_request(sub, ctype, xml, len);
	if (err)
		return err;
	if (xml) {
		sub->version = version;
		mem_deref(sub->sent);
		sub->sent = mem_ref(cur);
	}
	sub->in_full = xml && full;
	sub->last_sent = tmr_jiffies();
	*sentp = true;
	return 0;
}

static void window_handler(void *arg)
{
	sipnot_sub_kick(arg);
}

static void fail(struct sipnot_sub *sub, uint16_t scode, const char *why)
{
	sipnot_log_sub(sub->n, CONFINFO_NOTIFIER_FAILED, sub, scode, why);
	sub_destroy(sub);
}

void sipnot_sub_kick(struct sipnot_sub *sub)
{
	struct confinfo_notifier *n = sub->n;
	struct sipnot_snap *cur = NULL;
	bool sent = false;
	int err;

	if (sub->req || sub->tx)
		return; /* the response handler kicks again */
	if (sub->terminating) {
		if (sub->termsent || !may_send(sub))
			return;
		sub->termsent = true;
		err = send_notify(sub, true, sub->final_full, &sent);
		if (err || !sent) {
			sipnot_log_sub(n, CONFINFO_NOTIFIER_TERMINATED, sub, 0,
				       sipnot_reason_name(sub->reason));
			sub_destroy(sub);
		}
		return;
	}
	if (sipnot_view_update(sub))
		return; /* its view is none: terminated */
	err = sipnot_view_snap(sub, &cur);
	if (err) {
		fail(sub, 0, strerror(err));
		return;
	}
	if (sub->need_full) {
		/* The NOTIFY after a SUBSCRIBE is never held back (but for
		 * the UDP window). */
		if (!may_send(sub))
			return;
		sub->need_full = false;
		sipnot_sched_cancel(&n->sched, &sub->window);
		err = send_notify(sub, true, true, &sent);
	} else if (cur && sub->sent != cur) {
		uint64_t due = sub->last_sent + n->cfg.min_interval_ms;

		if (tmr_jiffies() < due) {
			if (!sipnot_sched_pending(&sub->window))
				(void)sipnot_sched_start(&n->sched,
							 &sub->window, due,
							 window_handler, sub);
			return;
		}
		if (!may_send(sub))
			return;
		/* Nothing held (a NOTIFY failed softly): resend in full. */
		err = send_notify(sub, !sub->sent, true, &sent);
	} else {
		return;
	}
	if (err == EOVERFLOW) /* 2^32 NOTIFYs: start again on a new dialog */
		sipnot_sub_terminate(sub, SIPNOT_REASON_DEACTIVATED);
	else if (err)
		fail(sub, 0, strerror(err));
}

void sipnot_sub_terminate(struct sipnot_sub *sub, enum sipnot_reason reason)
{
	struct confinfo_notifier *n = sub->n;

	if (sub->terminating)
		return;
	sub->terminating = true;
	sub->reason = reason;
	sipnot_sched_cancel(&n->sched, &sub->expiry);
	sipnot_sched_cancel(&n->sched, &sub->window);
	sipnot_sub_kick(sub);
}

/* RFC 6665 4.2.2: these responses to a NOTIFY end the subscription. */
static bool fatal_scode(uint16_t scode)
{
	switch (scode) {
	case 404:
	case 405:
	case 410:
	case 416:
	case 489:
	case 501:
	case 604:
		return true;
	default:
		return scode >= 480 && scode <= 485;
	}
}

static void notify_resp(int err, const struct sip_msg *msg, void *arg)
{
	struct sipnot_sub *sub = arg;
	uint16_t scode = msg ? msg->scode : 0;

	if (!err && scode < 200)
		return;
	/* libre (or uac.c) has cleared sub->req (sub->tx) before calling
	 * us. */
	if (sub->termsent) {
		sipnot_log_sub(sub->n, CONFINFO_NOTIFIER_TERMINATED, sub, scode,
			       sipnot_reason_name(sub->reason));
		sub_destroy(sub);
		return;
	}
	if (err) {
		fail(sub, 0, err == ETIMEDOUT ? "timeout" : strerror(err));
		return;
	}
	if (fatal_scode(scode)) {
		fail(sub, scode, "rejected by subscriber");
		return;
	}
	if (scode < 300) {
		sipnot_log_sub(sub->n, CONFINFO_NOTIFIER_NOTIFIED, sub, scode,
			       NULL);
		count_delivered(sub);
	} else {
		/* Not fatal (RFC 5057), but the subscriber may not hold
		 * what we sent: the next NOTIFY carries full state. */
		sub->sent = mem_deref(sub->sent);
		sipnot_log_sub(sub->n, CONFINFO_NOTIFIER_NOTIFIED, sub, scode,
			       "not accepted: full state follows");
	}
	sipnot_sub_kick(sub);
}
