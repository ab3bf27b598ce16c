/*
 * The subscriber's API (subscriber.h): creating a subscription, closing
 * it, asking for the full state, freeing it. The work is in request.c
 * (SUBSCRIBE requests), life.c (timers and the life cycle), notify.c
 * (NOTIFYs) and sock.c (the NOTIFY listener).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confinfo/uri.h"
#include "sipsub.h"

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
	sub->timer_n_ms =
	    p->notify_timeout_ms ? p->notify_timeout_ms : SIPSUB_TIMER_N_MS;
	sub->smime = p->smime;
	sub->require_signed = p->require_signed;
	sub->eventh = p->eventh;
	sub->arg = p->arg;

	/* For the entity check (notify.c): an unparsable URI falls back to a
	 * byte comparison. */
	if (confinfo_uri_parse(&sub->conf_uri, sub->uri, strlen(sub->uri), NULL,
			       NULL) == ENOMEM) {
		err = ENOMEM;
		goto out;
	}
	err = sipsub_start_new(sub);
out:
	if (err)
		confinfo_subscriber_free(sub);
	else
		*subp = sub;
	return err;
}

void confinfo_subscriber_close(struct confinfo_subscriber *sub,
			       uint64_t timeout_ms)
{
	if (!sub || sub->closing)
		return;
	sub->closing = true;
	sipsub_cancel_timers(sub);
	tmr_start(&sub->tmr_close, timeout_ms ? timeout_ms : 1,
		  sipsub_close_timeout_handler, sub);
	if (sub->req)
		return; /* its response sends the unsubscribe (or ends) */
	if (sub->dlg && sip_dialog_established(sub->dlg) && sub->subscribed) {
		if (sipsub_send_unsubscribe(sub) == 0)
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
		err = sipsub_start_new(sub);
		if (err)
			sipsub_terminated(sub, "error", 0,
					  "could not send SUBSCRIBE: %s",
					  strerror(err));
		return err;
	}
	return sipsub_send_subscribe(sub, sub->expires, true);
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
	sipsub_cancel_timers(sub);
	tmr_cancel(&sub->tmr_close);
	list_unlink(&sub->le);
	mem_deref(sub->req);
	mem_deref(sub->dlg);
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
