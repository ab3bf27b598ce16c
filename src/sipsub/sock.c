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

/* libre 1.1.0 reads a UDP datagram into a buffer of this size
 * (UDP_RXSZ_DEFAULT of src/udp/udp.c) and cuts the rest silently: a
 * datagram that filled it was most likely longer. */
#define UDP_RX_MAX 8192

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

/* The body's Content-Length against what arrived (RFC 3261 section 18.3):
 * 0 and the length to use, or the status that refuses the NOTIFY.
 * Content-Length is parsed strictly here (libre's pl_u32() wraps a value
 * over 2^32). Extra bytes of a datagram are ignored; a missing
 * Content-Length (allowed over UDP) means the whole datagram. */
static uint16_t body_check(const struct sip_msg *msg, size_t *lenp,
			   uint32_t *clenp)
{
	size_t left = mbuf_get_left(msg->mb);
	uint32_t clen;

	*clenp = 0;
	if (!pl_isset(&msg->clen)) {
		if (msg->tp != SIP_TRANSP_UDP)
			return 400; /* libre frames streams by it */
		*lenp = left;
		return 0;
	}
	if (sipsub_delta_parse(msg->clen.p, msg->clen.l, &clen))
		return 400;
	*clenp = clen;
	if (clen > left) {
		/* Cut by the receive buffer, or sent short. */
		return msg->tp == SIP_TRANSP_UDP && msg->mb->end >= UDP_RX_MAX
			   ? 513
			   : 400;
	}
	if (clen < left && msg->tp != SIP_TRANSP_UDP)
		return 400; /* a stream framed by another length */
	*lenp = clen;
	return 0;
}

/* Refuse a NOTIFY that did not arrive whole. */
static void refuse_cut(struct confinfo_subscriber_sock *sock,
		       struct confinfo_subscriber *sub,
		       const struct sip_msg *msg, uint16_t scode, uint32_t clen)
{
	size_t left = mbuf_get_left(msg->mb);

	if (scode == 513) {
		(void)sip_reply(sock->sip, msg, 513, "Message Too Large");
		/* The notifier drops the subscription after an error
		 * response (RFC 6665 section 4.2.2), and the next full state
		 * would be cut the same way: nothing to retry. */
		sipsub_finish(
		    sub, EMSGSIZE, 513, "too-big",
		    "NOTIFY too big for UDP: the SIP stack reads at "
		    "most %u bytes of a datagram and this one was cut "
		    "(Content-Length %u, %zu body bytes arrived); "
		    "answered 513, state kept; a conference this large "
		    "needs TCP or TLS",
		    (unsigned)UDP_RX_MAX, (unsigned)clen, left);
		return;
	}
	(void)sip_reply(sock->sip, msg, 400,
			"Body Does Not Match Content-Length");
	sipsub_emitf(sub, CONFINFO_SUBSCRIBER_WARNING,
		     "NOTIFY body shorter than its Content-Length, or "
		     "Content-Length invalid (%zu bytes, Content-Length "
		     "%.*s): answered 400, state kept",
		     left, (int)(msg->clen.l > 20 ? 20 : msg->clen.l),
		     msg->clen.p ? msg->clen.p : "");
}

static void handle_notify(struct confinfo_subscriber_sock *sock,
			  const struct sip_msg *msg)
{
	struct confinfo_subscriber *sub = find_half(sock, msg);
	struct sipsub_substate ss;
	const struct sip_hdr *hdr;
	uint32_t count, clen;
	uint16_t scode;
	size_t len;
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
	scode = body_check(msg, &len, &clen);
	if (scode) {
		refuse_cut(sock, sub, msg, scode, clen);
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
	sipsub_notify_handle(sub, msg, len, &ss);
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
