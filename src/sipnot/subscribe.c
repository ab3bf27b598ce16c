/*
 * SUBSCRIBE processing (RFC 6665 section 4.2.1, RFC 4575 section 3):
 * checks in the order that leaks least (package, dialog, authorization,
 * resource, body type, expiry, capacity), then the 200 and the immediate
 * full NOTIFY.
 *
 * Replies are sent without a libre server transaction. Over UDP such a
 * transaction lives 32 s after its answer (Timer J) with a timer in
 * libre's insert-sorted timer list; at hundreds of SUBSCRIBEs a second
 * those timers made every other timer start walk tens of thousands of
 * entries. The subscription itself remembers what a transaction would:
 * the CSeq of its initial SUBSCRIBE and of the last one answered 200, so
 * a retransmission gets the same 200 again (same To tag) and no second
 * NOTIFY; a rejection is simply computed again.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sipnot.h"

static void reject(struct confinfo_notifier *n, const struct sip_msg *msg,
		   uint16_t scode, const char *reason, const char *hdrs)
{
	(void)sip_replyf(n->sip, msg, scode, reason,
			 "%sContent-Length: 0\r\n\r\n", hdrs ? hdrs : "");
	sipnot_log_msg(n, CONFINFO_NOTIFIER_REJECTED, msg, scode, reason);
}

static void reject_busy(struct confinfo_notifier *n, const struct sip_msg *msg,
			const char *reason)
{
	char hdr[48];

	(void)re_snprintf(hdr, sizeof(hdr), "Retry-After: %u\r\n",
			  n->cfg.retry_after);
	reject(n, msg, 503, reason, hdr);
}

static struct pl pl_trim_ws(struct pl pl)
{
	while (pl.l && (pl.p[0] == ' ' || pl.p[0] == '\t')) {
		pl.p++;
		pl.l--;
	}
	while (pl.l && (pl.p[pl.l - 1] == ' ' || pl.p[pl.l - 1] == '\t'))
		pl.l--;
	return pl;
}

/* RFC 4575 3.4 / RFC 6665 4.1.2.1: without Accept the package default
 * applies; with it, one entry must cover conference-info+xml. A present
 * but empty Accept accepts no body at all. */
static bool accept_ok(const struct sip_msg *msg)
{
	bool present = false;

	for (struct le *le = msg->hdrl.head; le; le = le->next) {
		const struct sip_hdr *h = le->data;
		const char *p, *end;

		if (h->id != SIP_HDR_ACCEPT)
			continue;
		present = true;
		p = h->val.p;
		end = p + h->val.l;
		while (p < end) {
			const char *q = memchr(p, ',', (size_t)(end - p));
			const char *semi;
			struct pl item;

			if (!q)
				q = end;
			item.p = p;
			item.l = (size_t)(q - p);
			semi = memchr(item.p, ';', item.l);
			if (semi)
				item.l = (size_t)(semi - item.p);
			item = pl_trim_ws(item);
			if (!pl_strcasecmp(&item, SIPNOT_CTYPE) ||
			    !pl_strcasecmp(&item, "application/*") ||
			    !pl_strcasecmp(&item, "*/*"))
				return true;
			p = q + 1;
		}
	}
	return !present;
}

/* Expires: absent gives the default; digits only; huge values saturate
 * (they get capped anyway). */
static int parse_expires(const struct sip_msg *msg, uint32_t dfl, uint32_t *ep)
{
	struct pl pl = pl_trim_ws(msg->expires);
	uint64_t v = 0;

	if (!pl_isset(&msg->expires)) {
		*ep = dfl;
		return 0;
	}
	if (!pl.l)
		return EBADMSG;
	for (size_t i = 0; i < pl.l; i++) {
		if (pl.p[i] < '0' || pl.p[i] > '9')
			return EBADMSG;
		if (v < UINT32_MAX)
			v = v * 10 + (uint64_t)(pl.p[i] - '0');
	}
	*ep = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
	return 0;
}

/* Expiry checks shared by new subscriptions and refreshes. Returns false
 * when the request was answered. */
static bool check_expires(struct confinfo_notifier *n,
			  const struct sip_msg *msg, uint32_t *ep)
{
	char hdr[48];

	if (parse_expires(msg, n->cfg.expires_default, ep)) {
		reject(n, msg, 400, "Bad Expires", NULL);
		return false;
	}
	if (*ep && *ep < n->cfg.expires_min) {
		(void)re_snprintf(hdr, sizeof(hdr), "Min-Expires: %u\r\n",
				  n->cfg.expires_min);
		reject(n, msg, 423, "Interval Too Brief", hdr);
		return false;
	}
	if (*ep > n->cfg.expires_max)
		*ep = n->cfg.expires_max;
	return true;
}

/* RFC 3261 12.1.1: the 2xx that creates the dialog copies the
 * Record-Route headers (a stateless reply does not do it for us). */
static int print_record_route(struct re_printf *pf, const struct sip_msg *msg)
{
	int err = 0;

	if (pl_isset(&msg->to.tag))
		return 0;
	for (struct le *le = msg->hdrl.head; le && !err; le = le->next) {
		const struct sip_hdr *h = le->data;

		if (h->id == SIP_HDR_RECORD_ROUTE)
			err = re_hprintf(pf, "Record-Route: %r\r\n", &h->val);
	}
	return err;
}

static int reply_ok(struct confinfo_notifier *n, const struct sip_msg *msg,
		    const struct sipnot_sub *sub, uint32_t expires)
{
	struct sip_msg tagged = *msg;

	/* libre writes the To tag from msg->tag, which is new for every
	 * received copy: a retransmission must get the dialog's tag. */
	tagged.tag = sipnot_dlg_ltag(sub->dlg);
	return sip_replyf(n->sip, &tagged, 200, "OK",
			  "%H%H"
			  "Expires: %u\r\n"
			  "Allow-Events: conference\r\n"
			  "Content-Length: 0\r\n\r\n",
			  print_record_route, msg, sipnot_print_contact, sub,
			  expires);
}

/* The next hop of the dialog @p msg creates or refreshes: the first
 * Record-Route, else the Contact (RFC 3261 12.1.1). False when there is
 * none that decodes. */
static bool dialog_target(const struct sip_msg *msg, struct sip_addr *addr)
{
	const struct sip_hdr *h = sip_msg_hdr(msg, SIP_HDR_RECORD_ROUTE);

	if (!h)
		h = sip_msg_hdr(msg, SIP_HDR_CONTACT);
	return h && !sip_addr_decode(addr, &h->val);
}

/* RFC 3261 12.1.1: a dialog whose request had a sips: Request-URI, or a
 * sips: next hop, is a sips: one; our Contact must be sips: then. */
static bool dialog_is_sips(const struct sip_msg *msg)
{
	struct sip_addr addr;

	if (!pl_strcasecmp(&msg->uri.scheme, "sips"))
		return true;
	return dialog_target(msg, &addr) &&
	       !pl_strcasecmp(&addr.uri.scheme, "sips");
}

/*
 * TLS on every hop (RFC 3261 19.1, RFC 5630): a request of a sips:
 * dialog must have come over TLS, and the NOTIFYs must leave over TLS.
 * RFC 3261 8.1.1.8 wants a sips: Contact in such a request; a sip: one
 * with transport=tls (what libre-based subscribers, ours included,
 * write) still keeps the next hop on TLS and is taken. Anything else is
 * refused with 400 before a dialog exists: better than a subscription
 * whose NOTIFYs could not be sent. NULL when fine, else the reason.
 */
static const char *sips_refused(const struct sip_msg *msg, bool sips)
{
	struct sip_addr addr;
	struct pl tp;

	if (!sips)
		return NULL;
	if (msg->tp != SIP_TRANSP_TLS)
		return "SIPS Request Not Over TLS";
	if (!dialog_target(msg, &addr))
		return "Bad Contact";
	if (!pl_strcasecmp(&addr.uri.scheme, "sips"))
		return NULL;
	if (!msg_param_decode(&addr.uri.params, "transport", &tp) &&
	    !pl_strcasecmp(&tp, "tls"))
		return NULL;
	return "Contact Must Be SIPS";
}

static void start_expiry(struct sipnot_sub *sub, uint32_t expires);

static void expiry_handler(void *arg)
{
	struct sipnot_sub *sub = arg;

	sipnot_sub_terminate(sub, SIPNOT_REASON_TIMEOUT);
}

static void start_expiry(struct sipnot_sub *sub, uint32_t expires)
{
	sub->expires_at = tmr_jiffies() + (uint64_t)expires * 1000;
	/* On ENOMEM the subscription lives until refreshed or ended
	 * otherwise: better than ending it at once. */
	(void)sipnot_sched_start(&sub->n->sched, &sub->expiry, sub->expires_at,
				 expiry_handler, sub);
}

/*
 * Reflection (RFC 4575 section 8, issue 13): a NOTIFY carries the full
 * state, many times the size of the SUBSCRIBE, to whatever the dialog
 * routes to: the first Record-Route (a proxy) or else the Contact. A
 * request that was not authenticated may only name its own source there
 * (over UDP the address and port it came from, over TCP and TLS the
 * address: their source port is an ephemeral one), so that the focus
 * cannot be made to send state to a third party. Names are refused: the
 * focus does not resolve them, and could not compare them.
 */
static bool target_is_source(const struct sip_msg *msg)
{
	const struct sip_hdr *h = sip_msg_hdr(msg, SIP_HDR_RECORD_ROUTE);
	struct sip_addr addr;
	struct sa target;
	uint16_t port;

	if (!h)
		h = sip_msg_hdr(msg, SIP_HDR_CONTACT);
	if (!h || sip_addr_decode(&addr, &h->val))
		return false;
	port = addr.uri.port;
	if (!port)
		port = pl_strcasecmp(&addr.uri.scheme, "sips") &&
			       msg->tp != SIP_TRANSP_TLS
			   ? SIP_PORT
			   : SIP_PORT_TLS;
	if (sa_set(&target, &addr.uri.host, port))
		return false;
	return sa_cmp(&target, &msg->src,
		      msg->tp == SIP_TRANSP_UDP ? SA_ALL : SA_ADDR);
}

/* After sipnot_authenticate(): false (and answered 403) when @p msg was
 * not authenticated and names a target other than its source. With
 * credentials configured, every request that got here authenticated. */
static bool target_ok(struct confinfo_notifier *n, const struct sip_msg *msg,
		      const char *identity)
{
	if (n->cred_count || identity || target_is_source(msg))
		return true;
	reject(n, msg, 403, "Contact Is Not The Source", NULL);
	return false;
}

/* target_ok() for a refresh of @p sub. A dialog set up through a proxy
 * (Record-Route) keeps its route set: its NOTIFYs go to that proxy,
 * whatever Contact a refresh brings, and the proxy was the source then.
 * A refresh is accepted from that same source; its Contact, behind the
 * proxy, is not ours to compare (the proxy rewrote nothing in it). */
static bool refresh_target_ok(struct confinfo_notifier *n,
			      const struct sip_msg *msg,
			      const struct sipnot_sub *sub,
			      const char *identity)
{
	if (!sub->routed || n->cred_count || identity)
		return target_ok(n, msg, identity);
	if (sa_cmp(&msg->src, &sub->src,
		   msg->tp == SIP_TRANSP_UDP ? SA_ALL : SA_ADDR))
		return true;
	reject(n, msg, 403, "Not From The Dialog's Proxy", NULL);
	return false;
}

static bool dialog_cmp(struct le *le, void *arg)
{
	const struct sipnot_sub *sub = le->data;

	return sipnot_dlg_cmp(sub->dlg, arg);
}

static void refresh(struct confinfo_notifier *n, const struct sip_msg *msg,
		    const struct sipevent_event *ev)
{
	const char *identity;
	const char *refused;
	struct sipnot_sub *sub;
	struct le *le;
	uint32_t expires;

	le = hash_lookup(n->dialogs, hash_joaat_pl(&msg->callid), dialog_cmp,
			 (void *)msg);
	sub = le ? le->data : NULL;
	if (sub && msg->cseq.num == sub->ok_cseq) {
		/* A retransmission of the last accepted SUBSCRIBE. */
		(void)reply_ok(n, msg, sub, sipnot_sub_remaining(sub));
		return;
	}
	if (sub && msg->cseq.num < sub->ok_cseq) {
		reject(n, msg, 500, "CSeq Out Of Order", NULL);
		return;
	}
	if (!sub || sub->terminating) {
		reject(n, msg, 481, "Subscription Does Not Exist", NULL);
		return;
	}
	/* Another subscription on this dialog (RFC 6665 4.5.2). */
	if (sub->event_id ? pl_strcmp(&ev->id, sub->event_id)
			  : pl_isset(&ev->id)) {
		reject(n, msg, 403, "Dialog Sharing Not Supported", NULL);
		return;
	}
	refused = sips_refused(msg, sub->sips);
	if (refused) {
		reject(n, msg, 400, refused, NULL);
		return;
	}
	if (!sipnot_authenticate(n, msg, &identity) ||
	    !refresh_target_ok(n, msg, sub, identity))
		return;
	/* The dialog's tags are no secret: only its subscriber may refresh
	 * or end it. */
	if (sub->identity && (!identity || strcmp(identity, sub->identity))) {
		reject(n, msg, 403, "Not The Subscriber", NULL);
		return;
	}
	if (!sipnot_allowed(n, msg, identity)) {
		reject(n, msg, 403, "Forbidden", NULL);
		return;
	}
	if (!check_expires(n, msg, &expires))
		return;
	/* A Contact that does not fit leaves the target as it was. */
	(void)sipnot_dlg_update(&sub->dlg, msg);
	sub->src = msg->src;
	sub->tp = msg->tp;
	sub->laddr = msg->dst;
	if (reply_ok(n, msg, sub, expires))
		return;
	sub->ok_cseq = msg->cseq.num;
	if (!expires) {
		sub->final_full = true;
		sub->expires_at = tmr_jiffies();
		sipnot_log_sub(n, CONFINFO_NOTIFIER_REFRESHED, sub, 200,
			       "unsubscribe");
		sipnot_sub_terminate(sub, SIPNOT_REASON_TIMEOUT);
		return;
	}
	start_expiry(sub, expires);
	sipnot_log_sub(n, CONFINFO_NOTIFIER_REFRESHED, sub, 200, NULL);
	sub->need_full = true;
	sipnot_sub_kick(sub);
}

static void sub_destructor(void *arg)
{
	struct sipnot_sub *sub = arg;

	sipnot_sched_cancel(&sub->n->sched, &sub->expiry);
	sipnot_sched_cancel(&sub->n->sched, &sub->window);
	hash_unlink(&sub->he);
	list_unlink(&sub->le);
	if (sub->linked) {
		sub->n->nsubs--;
		sub->conf->nsubs--;
	}
	mem_deref(sub->req);
	sipnot_uac_detach(&sub->tx);
	sipnot_uac_unwait(&sub->wait);
	sipnot_dlg_free(sub->dlg);
	mem_deref(sub->sent);
	mem_deref(sub->own);
	mem_deref(sub->conf);
	free(sub->vid);
	free(sub->identity);
	free(sub->event_id);
}

static int sub_alloc(struct sipnot_sub **subp, struct confinfo_notifier *n,
		     struct sipnot_conf *conf, const struct sip_msg *msg,
		     const struct sipevent_event *ev, const char *identity)
{
	struct sipnot_sub *sub;
	int err = ENOMEM;

	sub = mem_zalloc(sizeof(*sub), sub_destructor);
	if (!sub)
		return ENOMEM;
	sub->n = n;
	sub->conf = mem_ref(conf);
	sub->tp = msg->tp;
	sub->laddr = msg->dst;
	sub->sips = dialog_is_sips(msg);
	sub->src = msg->src;
	sub->verified = n->cred_count > 0 || identity != NULL;
	if (identity) {
		sub->identity = strdup(identity);
		if (!sub->identity)
			goto out;
	}
	if (pl_isset(&ev->id)) {
		sub->event_id = strndup(ev->id.p, ev->id.l);
		if (!sub->event_id)
			goto out;
	}
	/* Our tag is the one libre gave the request: the To tag of the
	 * 200 (reply_ok()). */
	err = sipnot_dlg_accept(&sub->dlg, msg, msg->tag);
	if (err)
		goto out;
	sub->routed = sip_msg_hdr(msg, SIP_HDR_RECORD_ROUTE) != NULL;
	sub->first_cseq = sub->ok_cseq = msg->cseq.num;
	hash_append(n->dialogs, hash_joaat_str(sipnot_dlg_callid(sub->dlg)),
		    &sub->he, sub);
	list_append(&conf->subs, &sub->le, sub);
	sub->linked = true;
	n->nsubs++;
	conf->nsubs++;
out:
	if (err)
		mem_deref(sub);
	else
		*subp = sub;
	return err;
}

static bool initial_cmp(struct le *le, void *arg)
{
	const struct sipnot_sub *sub = le->data;
	const struct sip_msg *msg = arg;
	const struct pl rtag = sipnot_dlg_rtag(sub->dlg);

	/* libre's sip_dialog_cmp_half() compares our tag, which an initial
	 * request does not carry: compare Call-ID and the From tag. */
	return sub->first_cseq == msg->cseq.num &&
	       !pl_cmp(&msg->from.tag, &rtag) &&
	       !pl_strcmp(&msg->callid, sipnot_dlg_callid(sub->dlg));
}

/* What a dialog needs from the initial SUBSCRIBE (RFC 3261 8.1.1, 12.1.1,
 * RFC 6665 4.1.2): a Call-ID, a From tag and one Contact holding a SIP
 * URI. NULL when it is there, else the reason of the 400: a malformed
 * request is the sender's fault, never "busy". */
static const char *dialog_missing(const struct sip_msg *msg)
{
	const struct sip_hdr *contact = sip_msg_hdr(msg, SIP_HDR_CONTACT);
	struct sip_addr addr;

	if (!pl_isset(&msg->callid))
		return "Missing Call-ID";
	if (!pl_isset(&msg->from.tag))
		return "Missing From Tag";
	if (!contact)
		return "Missing Contact";
	if (sip_msg_hdr_count(msg, SIP_HDR_CONTACT) != 1 ||
	    sip_addr_decode(&addr, &contact->val) ||
	    (pl_strcasecmp(&addr.uri.scheme, "sip") &&
	     pl_strcasecmp(&addr.uri.scheme, "sips")))
		return "Bad Contact";
	return NULL;
}

static void subscribe_new(struct confinfo_notifier *n,
			  const struct sip_msg *msg,
			  const struct sipevent_event *ev)
{
	struct sipnot_conf *conf;
	struct sipnot_sub *sub = NULL;
	const char *identity;
	const char *missing;
	uint32_t expires;
	struct le *le;
	int err;

	missing = dialog_missing(msg);
	if (!missing)
		missing = sips_refused(msg, dialog_is_sips(msg));
	if (missing) {
		reject(n, msg, 400, missing, NULL);
		return;
	}
	/* A retransmission of an initial SUBSCRIBE already accepted. */
	le = hash_lookup(n->dialogs, hash_joaat_pl(&msg->callid), initial_cmp,
			 (void *)msg);
	if (le) {
		sub = le->data;
		(void)reply_ok(n, msg, sub, sipnot_sub_remaining(sub));
		return;
	}

	if (!sipnot_authenticate(n, msg, &identity) ||
	    !target_ok(n, msg, identity))
		return;
	if (!sipnot_allowed(n, msg, identity)) {
		reject(n, msg, 403, "Forbidden", NULL);
		return;
	}
	conf = sipnot_conf_find(n, &msg->uri.user);
	if (!conf || !conf->snap) {
		reject(n, msg, 404, "Conference Not Found", NULL);
		return;
	}
	if (sipnot_view_of(conf, identity) == CONFINFO_VIEW_NONE) {
		reject(n, msg, 403, "Forbidden By View Policy", NULL);
		return;
	}
	if (!accept_ok(msg)) {
		reject(n, msg, 406, "Not Acceptable",
		       "Accept: " SIPNOT_CTYPE "\r\n");
		return;
	}
	if (n->cfg.smime_signer && n->cfg.require_signing &&
	    !sipnot_accepts_signed(msg)) {
		/* The operator requires signed state (issue 13, S/MIME). */
		reject(n, msg, 406, "Not Acceptable",
		       "Accept: multipart/signed\r\n");
		return;
	}
	if (!check_expires(n, msg, &expires))
		return;
	if (n->nsubs >= n->cfg.max_subs ||
	    conf->nsubs >= n->cfg.max_subs_per_conf) {
		reject_busy(n, msg, "Too Many Subscriptions");
		return;
	}
	err = sub_alloc(&sub, n, conf, msg, ev, identity);
	if (err) {
		/* Only a lack of memory is the focus being full. */
		if (err == ENOMEM)
			reject_busy(n, msg, "Out Of Memory");
		else
			reject(n, msg, 400, "Bad Request", NULL);
		return;
	}
	sub->smime = n->cfg.smime_signer && sipnot_accepts_signed(msg);
	if (reply_ok(n, msg, sub, expires)) {
		mem_deref(sub);
		return;
	}
	if (!expires) {
		/* A fetch (RFC 6665 4.4.3): one NOTIFY with the state, and
		 * the subscription is over. */
		sub->final_full = true;
		sipnot_log_sub(n, CONFINFO_NOTIFIER_SUBSCRIBED, sub, 200,
			       "fetch");
		sipnot_sub_terminate(sub, SIPNOT_REASON_TIMEOUT);
		return;
	}
	start_expiry(sub, expires);
	sipnot_log_sub(n, CONFINFO_NOTIFIER_SUBSCRIBED, sub, 200, NULL);
	sub->need_full = true;
	sipnot_sub_kick(sub);
}

bool sipnot_subscribe_handler(struct confinfo_notifier *n,
			      const struct sip_msg *msg)
{
	struct sipevent_event ev;
	const struct sip_hdr *hdr;
	uint64_t len;
	int err;

	if (n->shutting_down) {
		reject_busy(n, msg, "Shutting Down");
		return true;
	}
	/* RFC 6665 8.2.1: the package token is compared byte by byte. */
	hdr = sip_msg_hdr(msg, SIP_HDR_EVENT);
	if (!hdr || sip_msg_hdr_count(msg, SIP_HDR_EVENT) != 1 ||
	    sipevent_event_decode(&ev, &hdr->val) ||
	    pl_strcmp(&ev.event, "conference")) {
		reject(n, msg, 489, "Bad Event",
		       "Allow-Events: conference\r\n");
		return true;
	}
	err = sipnot_body_check(msg, n->cfg.max_body, &len);
	if (err == EMSGSIZE) {
		reject(n, msg, 413, "Request Entity Too Large", NULL);
		return true;
	}
	if (err) {
		reject(n, msg, 400, "Bad Content-Length", NULL);
		return true;
	}
	if (pl_isset(&msg->to.tag))
		refresh(n, msg, &ev);
	else
		subscribe_new(n, msg, &ev);
	return true;
}
