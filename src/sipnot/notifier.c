/*
 * The notifier object: configuration, its request listener on the
 * caller's SIP stack, request dispatch, shutdown. The conference table is
 * in conf.c, log events in log.c, replies in reply.c.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sipnot.h"

#define DEFAULT_DOMAIN "localhost"

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
	cfg->udp_window = SIPNOT_UAC_WINDOW;
	cfg->udp_window_per_dest = SIPNOT_UAC_WINDOW_DEST;
}

/* ------------------------------------------------------------------ */

static bool request_handler(const struct sip_msg *msg, void *arg)
{
	struct confinfo_notifier *n = arg;

	if (!pl_strcmp(&msg->met, "SUBSCRIBE"))
		return sipnot_subscribe_handler(n, msg);
	if (!pl_strcmp(&msg->met, "PUBLISH"))
		return sipnot_publish_handler(n, msg);
	if (!pl_strcmp(&msg->met, "OPTIONS")) {
		(void)sipnot_reply(n, msg, 200, "OK",
				   "Allow: SUBSCRIBE, PUBLISH, OPTIONS\r\n"
				   "Allow-Events: conference\r\n"
				   "Accept: " SIPNOT_CTYPE "\r\n");
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
	n->domain = strdup(cfg->domain ? cfg->domain : DEFAULT_DOMAIN);
	if (!n->domain)
		return ENOMEM;
	if (cfg->chat_room) {
		const char *colon = strchr(cfg->chat_room, ':');

		if (!colon || colon == cfg->chat_room)
			return confinfo_diag_fail(diag, EINVAL, 0, 0,
						  "chat room template '%s' "
						  "has no URI scheme",
						  cfg->chat_room);
		n->chat_room = strdup(cfg->chat_room);
		if (!n->chat_room)
			return ENOMEM;
	}
	for (size_t i = 0; i < cfg->allow_count && !err; i++) {
		err = sipnot_uri_list_add(&n->allow, &n->allow_count,
					  cfg->allow[i]);
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
		err = sipnot_uri_list_add(&n->publishers, &n->publisher_count,
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
		err = sipnot_auth_load(n, cfg->auth_file, diag);
	if (!err)
		err = sipnot_views_key(n, cfg->token_key, cfg->token_key_len);
	n->cfg.token_key = NULL;
	n->cfg.token_key_len = 0;
	return err;
}

/* A place in the UDP window is free for a subscription that waited. */
static void uac_ready(void *arg)
{
	sipnot_sub_kick(arg);
}

int confinfo_notifier_alloc(struct confinfo_notifier **np, struct sip *sip,
			    const struct confinfo_notifier_config *cfg,
			    struct confinfo_diag *diag)
{
	struct confinfo_notifier *n;
	int err;

	if (!np || !sip || !cfg)
		return EINVAL;
	n = calloc(1, sizeof(*n));
	if (!n)
		return ENOMEM;
	sipnot_sched_init(&n->sched);
	tmr_init(&n->done_tmr);
	err = copy_config(n, cfg, diag);
	if (err)
		goto out;
	err = hash_alloc(&n->confs, 1024);
	err = err ? err : hash_alloc(&n->dialogs, 16384);
	if (err)
		goto out;
	n->sip = sip;
	err = sip_listen(&n->lsnr, n->sip, true, request_handler, n);
	if (!err)
		err = sipnot_uac_init(&n->uac, sip, &n->sched, cfg->udp_window,
				      cfg->udp_window_per_dest,
				      cfg->udp_own_socket, uac_ready);
out:
	if (err)
		confinfo_notifier_free(n);
	else
		*np = n;
	return err;
}

/* ------------------------------------------------------------------ */

static void done_handler(void *arg)
{
	struct confinfo_notifier *n = arg;

	if (n->doneh)
		n->doneh(n->done_arg);
}

void sipnot_check_done(struct confinfo_notifier *n)
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
			struct sipnot_sub *sub = le->data;

			le = le->next;
			sipnot_sub_terminate(sub, SIPNOT_REASON_DEACTIVATED);
		}
	}
	sipnot_check_done(n);
}

void confinfo_notifier_free(struct confinfo_notifier *n)
{
	if (!n)
		return;
	/* The transactions first: the subscriptions' pointers to them are
	 * cleared, and no response wakes a subscription being freed. */
	sipnot_uac_close(&n->uac);
	if (n->dialogs) {
		for (uint32_t b = 0; b < hash_bsize(n->dialogs); b++) {
			struct list *l = hash_list(n->dialogs, b);

			while (l->head)
				sipnot_sub_unlink(l->head->data);
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
	/* The stack is the caller's: only our listener goes. */
	mem_deref(n->lsnr);
	mem_deref(n->confs);
	mem_deref(n->dialogs);
	sipnot_sched_close(&n->sched);
	for (size_t i = 0; i < n->allow_count; i++)
		free(n->allow[i]);
	free(n->allow);
	for (size_t i = 0; i < n->publisher_count; i++)
		free(n->publishers[i]);
	free(n->publishers);
	sipnot_auth_free(n);
	free(n->other_identity);
	free(n->domain);
	free(n->chat_room);
	confinfo_view_policy_free(n->policy);
	free(n);
}

void confinfo_notifier_udp_stats(const struct confinfo_notifier *n,
				 struct confinfo_notifier_udp_stats *st)
{
	if (!st)
		return;
	memset(st, 0, sizeof(*st));
	if (!n)
		return;
	st->sent = n->uac.stats.sent;
	st->retrans = n->uac.stats.retrans;
	st->timeouts = n->uac.stats.timeouts;
	st->absorbed = n->uac.stats.absorbed;
	st->waited = n->uac.stats.waited;
	st->inflight = n->uac.inflight;
}

const struct confinfo_xml_limits *
confinfo_notifier_limits(const struct confinfo_notifier *n)
{
	return n ? &n->limits : NULL;
}
