/*
 * The NOTIFY listener. Every NOTIFY reaching the SIP stack comes here and
 * is matched to a subscription by RFC 6665 section 4.1.3: same Call-ID,
 * its To-tag equal to our From-tag, and, once the dialog exists, its
 * From-tag equal to the dialog's remote tag. The conference package allows
 * a single dialog per SUBSCRIBE (RFC 4575 section 3.8), so a NOTIFY from a
 * second fork, or one forged with a guessed Call-ID, gets 481 and never
 * touches the state.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sipsub.h"

#define EVENT_PACKAGE "conference"

static struct confinfo_subscriber *
find_half(struct confinfo_subscriber_sock *sock, const struct sip_msg *msg)
{
	struct le *le;

	for (le = sock->subl.head; le; le = le->next) {
		struct confinfo_subscriber *sub = le->data;

		if (sub->dlg && sip_dialog_cmp_half(sub->dlg, msg))
			return sub;
	}
	return NULL;
}

static const struct sip_hdr *event_header(const struct sip_msg *msg,
					  uint32_t *countp)
{
	const struct sip_hdr *hdr = sip_msg_hdr(msg, SIP_HDR_EVENT);

	*countp = sip_msg_hdr_count(msg, SIP_HDR_EVENT);
	if (!hdr) {
		/* libre does not map the compact form `o`. */
		hdr = sip_msg_xhdr(msg, "o");
		*countp = sip_msg_xhdr_count(msg, "o");
	}
	return hdr;
}

static void handle_notify(struct confinfo_subscriber_sock *sock,
			  const struct sip_msg *msg)
{
	struct confinfo_subscriber *sub = find_half(sock, msg);
	struct sipsub_substate ss;
	const struct sip_hdr *hdr;
	uint32_t count;
	int err;

	if (!sub || sub->closed) {
		(void)sip_reply(sock->sip, msg, 481,
				"Subscription Does Not Exist");
		return;
	}
	if (sip_dialog_established(sub->dlg) &&
	    !sip_dialog_cmp(sub->dlg, msg)) {
		(void)sip_reply(sock->sip, msg, 481,
				"Subscription Does Not Exist");
		sipsub_emitf(sub, CONFINFO_SUBSCRIBER_WARNING,
			     "NOTIFY from outside the dialog (from-tag "
			     "%.*s) answered 481",
			     (int)(msg->from.tag.l > 64 ? 64 : msg->from.tag.l),
			     msg->from.tag.p ? msg->from.tag.p : "");
		return;
	}
	hdr = event_header(msg, &count);
	if (!hdr || count != 1 ||
	    !sipsub_event_match(hdr->val.p, hdr->val.l, EVENT_PACKAGE)) {
		(void)sip_reply(sock->sip, msg, 489, "Bad Event");
		return;
	}
	hdr = sip_msg_hdr(msg, SIP_HDR_SUBSCRIPTION_STATE);
	if (!hdr || sip_msg_hdr_count(msg, SIP_HDR_SUBSCRIPTION_STATE) != 1 ||
	    sipsub_substate_parse(&ss, hdr->val.p, hdr->val.l)) {
		(void)sip_reply(sock->sip, msg, 400,
				"Bad Subscription-State Header");
		return;
	}
	if (!sip_dialog_established(sub->dlg)) {
		/* The first NOTIFY may come before the 2xx (RFC 6665 section
		 * 4.1.2.4); it creates the dialog and its route set. */
		err = sip_dialog_create(sub->dlg, msg);
		if (err) {
			(void)sip_reply(sock->sip, msg, 400,
					"Missing or Bad Contact");
			return;
		}
	} else {
		if (sub->rseq_set && msg->cseq.num <= sub->rseq) {
			/* RFC 3261 section 12.2.2. Retransmissions never get
			 * here: libre's server transactions absorb them. */
			(void)sip_reply(sock->sip, msg, 500, "Bad CSeq");
			return;
		}
		/* NOTIFY is a target refresh request. */
		(void)sip_dialog_update(sub->dlg, msg);
	}
	sub->rseq = msg->cseq.num;
	sub->rseq_set = true;
	(void)sip_treply(NULL, sock->sip, msg, 200, "OK");
	sipsub_notify_handle(sub, msg, &ss);
}

static bool request_handler(const struct sip_msg *msg, void *arg)
{
	struct confinfo_subscriber_sock *sock = arg;

	if (pl_strcmp(&msg->met, "NOTIFY"))
		return false;
	handle_notify(sock, msg);
	return true;
}

int confinfo_subscriber_sock_alloc(struct confinfo_subscriber_sock **sockp,
				   struct sip *sip)
{
	struct confinfo_subscriber_sock *sock;
	int err;

	if (!sockp || !sip)
		return EINVAL;
	sock = calloc(1, sizeof(*sock));
	if (!sock)
		return ENOMEM;
	sock->sip = sip;
	list_init(&sock->subl);
	err = sip_listen(&sock->lsnr, sip, true, request_handler, sock);
	if (err) {
		free(sock);
		return err;
	}
	*sockp = sock;
	return 0;
}

void confinfo_subscriber_sock_free(struct confinfo_subscriber_sock *sock)
{
	if (!sock)
		return;
	mem_deref(sock->lsnr);
	free(sock);
}
