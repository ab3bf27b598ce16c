/*
 * The notifier object: configuration, SIP stack and listeners, request
 * dispatch, log events, shutdown. The conference table is in conf.c.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/alloc.h"
#include "sipnot.h"

#define DEFAULT_DOMAIN "localhost"
#define SOFTWARE       "confinfo-focus/" CONFINFO_VERSION_STRING

void confinfo_notifier_config_default(struct confinfo_notifier_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->expires_min = 60;
	cfg->expires_default = 3600;
	cfg->expires_max = 7200;
	cfg->min_interval_ms = 5000;
	cfg->max_subs = 100000;
	cfg->max_subs_per_conf = 20000;
	cfg->max_confs = 10000;
	cfg->max_body = 1024 * 1024;
	cfg->retry_after = 30;
}

bool ci_name_valid(const char *s, size_t len)
{
	if (!len || len > CONFINFO_NOTIFIER_NAME_MAX || s[0] == '.')
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		      c == '_' || c == '~' || c == '+'))
			return false;
	}
	return true;
}

static const char *transp_label(enum sip_transp tp)
{
	return tp == SIP_TRANSP_NONE ? NULL : sip_transp_name(tp);
}

void ci_log_sub(struct confinfo_notifier *n, enum confinfo_notifier_event type,
		const struct ci_sub *sub, uint16_t scode, const char *reason)
{
	struct confinfo_notifier_log ev;

	if (!n->cfg.logh)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.conf = sub->conf->name;
	ev.peer = sub->peer;
	ev.callid = sip_dialog_callid(sub->dlg);
	ev.transport = transp_label(sub->tp);
	ev.scode = scode;
	ev.version = sub->version;
	ev.full = sub->in_full;
	ev.expires = ci_sub_remaining(sub);
	ev.reason = reason;
	n->cfg.logh(&ev, n->cfg.log_arg);
}

void ci_log_msg(struct confinfo_notifier *n, enum confinfo_notifier_event type,
		const struct sip_msg *msg, uint16_t scode, const char *reason)
{
	struct confinfo_notifier_log ev;
	char conf[CONFINFO_NOTIFIER_NAME_MAX + 1] = "";
	char peer[256] = "", callid[128] = "";

	if (!n->cfg.logh)
		return;
	/* Only a valid name is shown: the log must not carry whatever
	 * bytes a request chose to put in its URI. */
	if (ci_name_valid(msg->uri.user.p, msg->uri.user.l))
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

void ci_log_pub(struct confinfo_notifier *n, const struct sip_msg *msg,
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

void ci_log_delivered(struct ci_conf *conf)
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

void ci_log_conf(struct confinfo_notifier *n, const char *name,
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

/* ------------------------------------------------------------------ */

static bool request_handler(const struct sip_msg *msg, void *arg)
{
	struct confinfo_notifier *n = arg;

	if (!pl_strcmp(&msg->met, "SUBSCRIBE"))
		return ci_subscribe_handler(n, msg);
	if (!pl_strcmp(&msg->met, "PUBLISH"))
		return ci_publish_handler(n, msg);
	if (!pl_strcmp(&msg->met, "OPTIONS")) {
		(void)ci_reply(n, msg, 200, "OK",
			       "Allow: SUBSCRIBE, PUBLISH, OPTIONS\r\n"
			       "Allow-Events: conference\r\n"
			       "Accept: " CI_CTYPE "\r\n");
		return true;
	}
	if (!pl_strcmp(&msg->met, "ACK"))
		return true; /* no INVITE here: nothing to acknowledge */
	/* Answered here rather than by libre, which also prints every
	 * such request on stderr: a scanner must not fill the log. */
	if (!pl_strcmp(&msg->met, "CANCEL"))
		(void)sip_replyf(n->sip, msg, 481, "Transaction Does Not Exist",
				 "Content-Length: 0\r\n\r\n");
	else
		(void)sip_replyf(n->sip, msg, 405, "Method Not Allowed",
				 "Allow: SUBSCRIBE, PUBLISH, OPTIONS\r\n"
				 "Content-Length: 0\r\n\r\n");
	return true;
}

/*
 * The decoder limits of the notifier: the caller's, each field 0 replaced
 * by the decoder's default, but max_body by the request body limit, the
 * one size limit a config had before it had decoder limits. Resolved
 * once here, so that the directory source can size its reads from it.
 */
static void resolve_limits(struct confinfo_xml_limits *dst,
			   const struct confinfo_notifier_config *cfg)
{
	struct confinfo_xml_limits lim = {0};

	if (cfg->limits)
		lim = *cfg->limits;
	/* A size left open is the request body limit (notifier.h). */
	if (!lim.max_body)
		lim.max_body = cfg->max_body;
	confinfo_xml_limits_fill(dst, &lim);
	/* libxml2 counts input in ints: the decoder never reads more, and
	 * the directory source must not allocate for more. */
	if (dst->max_body > INT_MAX)
		dst->max_body = INT_MAX;
}

static int copy_config(struct confinfo_notifier *n,
		       const struct confinfo_notifier_config *cfg,
		       struct confinfo_diag *diag)
{
	int err = 0;

	n->cfg = *cfg;
	n->cfg.allow = NULL;
	n->cfg.allow_count = 0;
	if (cfg->expires_min > cfg->expires_default ||
	    cfg->expires_default > cfg->expires_max || !cfg->expires_default)
		return confinfo_diag_fail(diag, EINVAL, 0, 0,
					  "expiry limits: need 0 < min <= "
					  "default <= max");
	if (!cfg->max_subs || !cfg->max_subs_per_conf || !cfg->max_confs ||
	    !cfg->max_body)
		return confinfo_diag_fail(diag, EINVAL, 0, 0,
					  "limits must not be 0");
	resolve_limits(&n->limits, cfg);
	n->cfg.limits = NULL; /* the caller's: not kept */
	n->domain = ci_strdup(cfg->domain ? cfg->domain : DEFAULT_DOMAIN);
	if (!n->domain)
		return ENOMEM;
	if (cfg->chat_room) {
		const char *colon = strchr(cfg->chat_room, ':');

		if (!colon || colon == cfg->chat_room)
			return confinfo_diag_fail(diag, EINVAL, 0, 0,
						  "chat room template '%s' "
						  "has no URI scheme",
						  cfg->chat_room);
		n->chat_room = ci_strdup(cfg->chat_room);
		if (!n->chat_room)
			return ENOMEM;
	}
	if (cfg->tls_cert) {
		n->tls_cert = ci_strdup(cfg->tls_cert);
		if (!n->tls_cert)
			return ENOMEM;
	}
	for (size_t i = 0; i < cfg->allow_count && !err; i++) {
		err =
		    ci_uri_list_add(&n->allow, &n->allow_count, cfg->allow[i]);
		if (err == EINVAL)
			return confinfo_diag_fail(diag, EINVAL, 0, 0,
						  "allowed subscriber '%s' is "
						  "not a SIP URI",
						  cfg->allow[i]);
	}
	for (size_t i = 0; i < cfg->publisher_count && !err; i++) {
		if (!strcmp(cfg->publishers[i], "*")) {
			n->publish_any = true;
			continue;
		}
		err = ci_uri_list_add(&n->publishers, &n->publisher_count,
				      cfg->publishers[i]);
		if (err == EINVAL)
			return confinfo_diag_fail(diag, EINVAL, 0, 0,
						  "publisher '%s' is not a SIP "
						  "URI",
						  cfg->publishers[i]);
	}
	n->cfg.publishers = NULL;
	n->cfg.publisher_count = 0;
	n->cfg.auth_file = NULL;
	if (!err && cfg->auth_file)
		err = ci_auth_load(n, cfg->auth_file, diag);
	return err;
}

int confinfo_notifier_alloc(struct confinfo_notifier **np,
			    const struct confinfo_notifier_config *cfg,
			    struct confinfo_diag *diag)
{
	struct confinfo_notifier *n;
	int err;

	if (!np || !cfg)
		return EINVAL;
	n = ci_calloc(1, sizeof(*n));
	if (!n)
		return ENOMEM;
	ci_sched_init(&n->sched);
	tmr_init(&n->done_tmr);
	err = copy_config(n, cfg, diag);
	if (err)
		goto out;
	err = hash_alloc(&n->confs, 1024);
	err = err ? err : hash_alloc(&n->dialogs, 16384);
	if (err)
		goto out;
	err =
	    sip_alloc(&n->sip, NULL, 16384, 16384, 16384, SOFTWARE, NULL, NULL);
	if (err) {
		confinfo_diag_fail(diag, err, 0, 0, "SIP stack: %s",
				   strerror(err));
		goto out;
	}
	err = sip_listen(&n->lsnr, n->sip, true, request_handler, n);
out:
	if (err)
		confinfo_notifier_free(n);
	else
		*np = n;
	return err;
}

int confinfo_notifier_listen(struct confinfo_notifier *n, const char *spec,
			     struct confinfo_diag *diag)
{
	enum sip_transp tp;
	const char *addr;
	struct sa laddr;
	int err;

	if (!n || !spec)
		return EINVAL;
	if (!strncmp(spec, "udp:", 4))
		tp = SIP_TRANSP_UDP;
	else if (!strncmp(spec, "tcp:", 4))
		tp = SIP_TRANSP_TCP;
	else if (!strncmp(spec, "tls:", 4))
		tp = SIP_TRANSP_TLS;
	else
		return confinfo_diag_fail(diag, EINVAL, 0, 0,
					  "listen '%s': expected udp:, tcp: "
					  "or tls:ADDR:PORT",
					  spec);
	addr = spec + 4;
	if (sa_decode(&laddr, addr, strlen(addr)))
		return confinfo_diag_fail(diag, EINVAL, 0, 0,
					  "listen '%s': bad address (use "
					  "ADDR:PORT, [IPV6]:PORT)",
					  spec);
	if (tp == SIP_TRANSP_TLS) {
		if (!n->tls_cert)
			return confinfo_diag_fail(diag, EINVAL, 0, 0,
						  "listen '%s': TLS needs a "
						  "certificate",
						  spec);
		if (!n->tls) {
			err = tls_alloc(&n->tls, TLS_METHOD_SSLV23, n->tls_cert,
					NULL);
			if (err)
				return confinfo_diag_fail(
				    diag, err, 0, 0, "TLS certificate %s: %s",
				    n->tls_cert, strerror(err));
		}
		err = sip_transp_add(n->sip, tp, &laddr, n->tls);
	} else {
		err = sip_transp_add(n->sip, tp, &laddr);
	}
	if (err)
		return confinfo_diag_fail(diag, err, 0, 0, "listen '%s': %s",
					  spec, strerror(err));
	return 0;
}

/* ------------------------------------------------------------------ */

static void done_handler(void *arg)
{
	struct confinfo_notifier *n = arg;

	if (n->doneh)
		n->doneh(n->done_arg);
}

void ci_check_done(struct confinfo_notifier *n)
{
	if (!n->shutting_down || n->nsubs || n->done_called)
		return;
	n->done_called = true;
	/* From the loop, not from inside the last response handler. */
	tmr_start(&n->done_tmr, 0, done_handler, n);
}

void confinfo_notifier_shutdown(struct confinfo_notifier *n,
				confinfo_notifier_done_h *doneh, void *arg)
{
	if (!n || n->shutting_down)
		return;
	n->shutting_down = true;
	n->doneh = doneh;
	n->done_arg = arg;
	for (uint32_t b = 0; b < hash_bsize(n->dialogs); b++) {
		struct list *l = hash_list(n->dialogs, b);

		for (struct le *le = l->head; le;) {
			struct ci_sub *sub = le->data;

			le = le->next;
			ci_sub_terminate(sub, CI_REASON_DEACTIVATED);
		}
	}
	ci_check_done(n);
}

void confinfo_notifier_free(struct confinfo_notifier *n)
{
	if (!n)
		return;
	if (n->dialogs) {
		for (uint32_t b = 0; b < hash_bsize(n->dialogs); b++) {
			struct list *l = hash_list(n->dialogs, b);

			while (l->head)
				ci_sub_unlink(l->head->data);
		}
	}
	tmr_cancel(&n->done_tmr);
	if (n->confs) {
		for (uint32_t b = 0; b < hash_bsize(n->confs); b++) {
			struct list *l = hash_list(n->confs, b);

			while (l->head)
				mem_deref(l->head->data);
		}
	}
	mem_deref(n->lsnr);
	if (n->sip)
		sip_close(n->sip, true);
	mem_deref(n->sip);
	mem_deref(n->tls);
	mem_deref(n->confs);
	mem_deref(n->dialogs);
	ci_sched_close(&n->sched);
	for (size_t i = 0; i < n->allow_count; i++)
		ci_free(n->allow[i]);
	ci_free(n->allow);
	for (size_t i = 0; i < n->publisher_count; i++)
		ci_free(n->publishers[i]);
	ci_free(n->publishers);
	ci_auth_free(n);
	ci_free(n->domain);
	ci_free(n->chat_room);
	ci_free(n->tls_cert);
	ci_free(n);
}
