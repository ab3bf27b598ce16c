/*
 * Log events of the notifier (notifier.h, struct confinfo_notifier_log):
 * one helper per kind of thing a line is about (a subscription, a request
 * refused before it had one, a PUBLISH, a conference). They sit at the
 * bottom of the module: every other file calls down to them.
 *
 * Peer-controlled values (From, Call-ID, the Request-URI's user) are
 * copied out of the message bounded, and a conference name only when it
 * is a valid one, so the log never carries whatever bytes a request chose
 * to put there.
 */
#include <string.h>

#include "sipnot.h"

static const char *transp_label(enum sip_transp tp)
{
	return tp == SIP_TRANSP_NONE ? NULL : sip_transp_name(tp);
}

void sipnot_log_sub(struct confinfo_notifier *n,
		    enum confinfo_notifier_event type,
		    const struct sipnot_sub *sub, uint16_t scode,
		    const char *reason)
{
	struct confinfo_notifier_log ev;

	if (!n->cfg.logh)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.conf = sub->conf->name;
	ev.peer = sipnot_dlg_peer(sub->dlg);
	ev.callid = sipnot_dlg_callid(sub->dlg);
	ev.transport = transp_label(sub->tp);
	ev.scode = scode;
	ev.version = sub->version;
	ev.full = sub->in_full;
	ev.expires = sipnot_sub_remaining(sub);
	ev.reason = reason;
	n->cfg.logh(&ev, n->cfg.log_arg);
}

void sipnot_log_msg(struct confinfo_notifier *n,
		    enum confinfo_notifier_event type,
		    const struct sip_msg *msg, uint16_t scode,
		    const char *reason)
{
	struct confinfo_notifier_log ev;
	char conf[CONFINFO_NOTIFIER_NAME_MAX + 1] = "";
	char peer[256] = "", callid[128] = "";

	if (!n->cfg.logh)
		return;
	/* Only a valid name is shown: the log must not carry whatever
	 * bytes a request chose to put in its URI. */
	if (sipnot_name_valid(msg->uri.user.p, msg->uri.user.l))
		(void)pl_strcpy(&msg->uri.user, conf, sizeof(conf));
	(void)pl_strcpy(&msg->from.auri, peer, sizeof(peer));
	(void)pl_strcpy(&msg->callid, callid, sizeof(callid));
	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.conf = conf[0] ? conf : NULL;
	ev.peer = peer;
	ev.callid = callid;
	ev.transport = transp_label(msg->tp);
	ev.scode = scode;
	ev.reason = reason;
	n->cfg.logh(&ev, n->cfg.log_arg);
}

void sipnot_log_pub(struct confinfo_notifier *n, const struct sip_msg *msg,
		    const char *conf, uint16_t scode, const char *reason,
		    const char *etag, const struct confinfo_diag *diag)
{
	struct confinfo_notifier_log ev;
	char peer[256] = "";

	if (!n->cfg.logh)
		return;
	memset(&ev, 0, sizeof(ev));
	if (msg) {
		(void)pl_strcpy(&msg->from.auri, peer, sizeof(peer));
		ev.peer = peer;
		ev.transport = transp_label(msg->tp);
	}
	ev.type = CONFINFO_NOTIFIER_PUBLISHED;
	ev.conf = conf;
	ev.scode = scode;
	ev.reason = reason;
	ev.etag = etag;
	ev.diag = diag;
	n->cfg.logh(&ev, n->cfg.log_arg);
}

void sipnot_log_delivered(struct sipnot_conf *conf)
{
	struct confinfo_notifier *n = conf->n;
	struct confinfo_notifier_log ev;

	if (!n->cfg.logh)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.type = CONFINFO_NOTIFIER_CONF;
	ev.conf = conf->name;
	ev.reason = "delivered";
	ev.count = (uint32_t)conf->acked;
	ev.elapsed_ms = (uint32_t)(tmr_jiffies() - conf->changed_at);
	n->cfg.logh(&ev, n->cfg.log_arg);
}

void sipnot_log_conf(struct confinfo_notifier *n, const char *name,
		     const char *what)
{
	struct confinfo_notifier_log ev;

	if (!n->cfg.logh)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.type = CONFINFO_NOTIFIER_CONF;
	ev.conf = name;
	ev.reason = what;
	n->cfg.logh(&ev, n->cfg.log_arg);
}
