/*
 * The dialog of a held subscription, kept compactly (sipnot.h, struct
 * sipnot_dlg).
 *
 * libre's struct sip_dialog costs ~700 bytes per subscription (the
 * struct with a decoded route URI, a 512-byte header buffer, four
 * separately allocated strings); with tens of thousands of
 * subscriptions held that was most of the focus's memory. What an
 * in-dialog request needs (RFC 3261 12.2.1.1) is text: the Call-ID,
 * both tags, the remote target, the route set, the remote and local
 * URIs (To and From of our requests) and our CSeq. They are kept here
 * in one allocation, the strings back to back; the remote tag and the
 * subscriber's URI (for logs) are offsets into the To value, not
 * copies. The next hop is decoded from that text when a request goes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sipnot.h"

/* Offsets into s[]; callid starts at 0. Each string is NUL-terminated.
 * The route set is "Route: <...>\r\n" lines ready to send (empty: no
 * route set); the To value is the From of the SUBSCRIBE (their tag in
 * it), the From value its To (our tag is appended when encoding). */
struct sipnot_dlg {
	uint64_t ltag;
	uint32_t cseq;
	uint16_t target, route, to, from, peer;
	uint16_t rtag, rtag_len;
	char s[];
};

/* A dialog's text is bounded by the SUBSCRIBE it came from; the offsets
 * are 16 bits. */
enum { DLG_TEXT_MAX = 16384 };

struct dlg_parts {
	struct pl callid, target, to, from, peer;
	const struct sip_msg *rr; /* Record-Route from here, NULL: none */
	size_t route_len;
};

static bool route_len_handler(const struct sip_hdr *hdr,
			      const struct sip_msg *msg, void *arg)
{
	size_t *len = arg;

	(void)msg;
	*len += 7 + hdr->val.l + 2; /* "Route: " value CRLF */
	return false;
}

struct route_copy {
	char *p;
};

static bool route_copy_handler(const struct sip_hdr *hdr,
			       const struct sip_msg *msg, void *arg)
{
	struct route_copy *rc = arg;

	(void)msg;
	memcpy(rc->p, "Route: ", 7);
	memcpy(rc->p + 7, hdr->val.p, hdr->val.l);
	memcpy(rc->p + 7 + hdr->val.l, "\r\n", 2);
	rc->p += 7 + hdr->val.l + 2;
	return false;
}

static uint16_t put(struct sipnot_dlg *d, size_t *pos, const struct pl *pl)
{
	uint16_t at = (uint16_t)*pos;

	if (pl->l)
		memcpy(d->s + at, pl->p, pl->l);
	d->s[at + pl->l] = '\0';
	*pos += pl->l + 1;
	return at;
}

/* Build a dialog from @p p; the route set is taken from @p route_src
 * (copied text of an older dialog) when @p p has no message for it. */
static int build(struct sipnot_dlg **dlgp, const struct dlg_parts *p,
		 const struct pl *route_src, uint64_t ltag, uint32_t cseq,
		 const struct pl *rtag)
{
	size_t rlen = p->rr ? p->route_len : route_src->l;
	size_t size = p->callid.l + p->target.l + rlen + p->to.l + p->from.l +
		      p->peer.l + 6;
	struct sipnot_dlg *d;
	size_t pos = 0;

	if (size > DLG_TEXT_MAX)
		return EOVERFLOW;
	if (rtag->p < p->to.p || rtag->p + rtag->l > p->to.p + p->to.l)
		return EBADMSG; /* not the tag of that To value */
	d = malloc(sizeof(*d) + size);
	if (!d)
		return ENOMEM;
	d->ltag = ltag;
	d->cseq = cseq;
	(void)put(d, &pos, &p->callid);
	d->target = put(d, &pos, &p->target);
	d->route = (uint16_t)pos;
	if (p->rr) {
		struct route_copy rc = {d->s + pos};

		(void)sip_msg_hdr_apply(p->rr, true, SIP_HDR_RECORD_ROUTE,
					route_copy_handler, &rc);
	} else if (rlen) {
		memcpy(d->s + pos, route_src->p, rlen);
	}
	d->s[pos + rlen] = '\0';
	pos += rlen + 1;
	d->to = put(d, &pos, &p->to);
	d->from = put(d, &pos, &p->from);
	d->peer = put(d, &pos, &p->peer);
	/* The remote tag lies inside the To value (both from one message or
	 * one older dialog): an offset, not a copy. */
	d->rtag = (uint16_t)(d->to + (size_t)(rtag->p - p->to.p));
	d->rtag_len = (uint16_t)rtag->l;
	*dlgp = d;
	return 0;
}

static int contact_uri(const struct sip_msg *msg, struct pl *uri)
{
	const struct sip_hdr *contact = sip_msg_hdr(msg, SIP_HDR_CONTACT);
	struct sip_addr addr;

	if (!contact || sip_addr_decode(&addr, &contact->val))
		return EBADMSG;
	*uri = addr.auri;
	return 0;
}

int sipnot_dlg_accept(struct sipnot_dlg **dlgp, const struct sip_msg *msg,
		      uint64_t ltag)
{
	struct dlg_parts p = {.callid = msg->callid,
			      .to = msg->from.val,
			      .from = msg->to.val,
			      .peer = msg->from.auri,
			      .rr = msg};
	struct sipnot_dlg *d = NULL;
	int err;

	if (!dlgp || !msg->req || !pl_isset(&msg->callid) ||
	    !pl_isset(&msg->from.tag))
		return EINVAL;
	err = contact_uri(msg, &p.target);
	if (err)
		return err;
	(void)sip_msg_hdr_apply(msg, true, SIP_HDR_RECORD_ROUTE,
				route_len_handler, &p.route_len);
	/* RFC 3261 12.1.1: our CSeq starts anywhere below 2^31; a random
	 * 16-bit start, as libre's, leaves room for ~2^31 requests. */
	err = build(&d, &p, NULL, ltag, rand_u16(), &msg->from.tag);
	if (!err)
		*dlgp = d;
	return err;
}

static struct pl dlg_pl(const struct sipnot_dlg *d, uint16_t at)
{
	struct pl pl;

	pl_set_str(&pl, d->s + at);
	return pl;
}

int sipnot_dlg_update(struct sipnot_dlg **dlgp, const struct sip_msg *msg)
{
	const struct sipnot_dlg *old = *dlgp;
	struct dlg_parts p;
	struct pl route, rtag;
	struct sipnot_dlg *d = NULL;
	int err;

	err = contact_uri(msg, &p.target);
	if (err)
		return err;
	if (!pl_strcmp(&p.target, old->s + old->target))
		return 0;
	p.callid = dlg_pl(old, 0);
	p.to = dlg_pl(old, old->to);
	p.from = dlg_pl(old, old->from);
	p.peer = dlg_pl(old, old->peer);
	p.rr = NULL;
	p.route_len = 0;
	route = dlg_pl(old, old->route);
	rtag.p = old->s + old->rtag;
	rtag.l = old->rtag_len;
	err = build(&d, &p, &route, old->ltag, old->cseq, &rtag);
	if (err)
		return err;
	free(*dlgp);
	*dlgp = d;
	return 0;
}

void sipnot_dlg_free(struct sipnot_dlg *dlg)
{
	free(dlg);
}

const char *sipnot_dlg_callid(const struct sipnot_dlg *dlg)
{
	return dlg ? dlg->s : NULL;
}

const char *sipnot_dlg_peer(const struct sipnot_dlg *dlg)
{
	return dlg ? dlg->s + dlg->peer : NULL;
}

const char *sipnot_dlg_target(const struct sipnot_dlg *dlg)
{
	return dlg->s + dlg->target;
}

uint64_t sipnot_dlg_ltag(const struct sipnot_dlg *dlg)
{
	return dlg->ltag;
}

struct pl sipnot_dlg_rtag(const struct sipnot_dlg *dlg)
{
	struct pl pl = {.p = dlg->s + dlg->rtag, .l = dlg->rtag_len};

	return pl;
}

bool sipnot_dlg_cmp(const struct sipnot_dlg *dlg, const struct sip_msg *msg)
{
	struct pl rtag = sipnot_dlg_rtag(dlg);
	char ltag[17];

	if (pl_strcmp(&msg->callid, dlg->s) || pl_cmp(&msg->from.tag, &rtag))
		return false;
	(void)re_snprintf(ltag, sizeof(ltag), "%016llx",
			  (unsigned long long)dlg->ltag);
	return !pl_strcmp(&msg->to.tag, ltag);
}

int sipnot_dlg_next_hop(const struct sipnot_dlg *dlg, struct uri *uri)
{
	const char *route = dlg->s + dlg->route;
	struct sip_addr addr;
	struct pl pl;

	if (!*route) {
		pl_set_str(&pl, dlg->s + dlg->target);
		return uri_decode(uri, &pl);
	}
	/* The first Route line (libre split the Record-Route values). */
	pl.p = route + 7;
	pl.l = (size_t)(strstr(pl.p, "\r\n") - pl.p);
	if (sip_addr_decode(&addr, &pl))
		return EBADMSG;
	*uri = addr.uri;
	return 0;
}

int sipnot_dlg_encode(struct mbuf *mb, struct sipnot_dlg *dlg, const char *met)
{
	int err;

	/* RFC 3261 8.1.1.5: a CSeq is less than 2^31. */
	if (dlg->cseq >= INT32_MAX)
		return EOVERFLOW;
	dlg->cseq++;
	err = mbuf_write_str(mb, dlg->s + dlg->route);
	err |=
	    mbuf_printf(mb,
			"To: %s\r\nFrom: %s;tag=%016llx\r\n"
			"Call-ID: %s\r\nCSeq: %u %s\r\n",
			dlg->s + dlg->to, dlg->s + dlg->from,
			(unsigned long long)dlg->ltag, dlg->s, dlg->cseq, met);
	return err;
}

/* libre routes sip: URIs only: a sips: next hop is reached as
 * sip:HOST:PORT;transport=tls (TLS on every hop, RFC 3261 19.1), the
 * Request-URI untouched. @p buf holds the text @p out points into. */
static int tls_hop(struct uri *out, char *buf, size_t size,
		   const struct uri *hop)
{
	const char *lb = hop->af == AF_INET6 ? "[" : "";
	const char *rb = hop->af == AF_INET6 ? "]" : "";
	struct pl pl, maddr;
	int n;

	if (!msg_param_decode(&hop->params, "transport", &pl) &&
	    pl_strcasecmp(&pl, "tls"))
		return EPROTONOSUPPORT;
	if (msg_param_decode(&hop->params, "maddr", &maddr))
		maddr = pl_null;
	if (hop->port)
		n = re_snprintf(buf, size, "sip:%s%r%s:%u;transport=tls%s%r",
				lb, &hop->host, rb, (unsigned)hop->port,
				pl_isset(&maddr) ? ";maddr=" : "", &maddr);
	else
		n = re_snprintf(buf, size, "sip:%s%r%s;transport=tls%s%r", lb,
				&hop->host, rb,
				pl_isset(&maddr) ? ";maddr=" : "", &maddr);
	if (n < 0 || (size_t)n >= size - 1)
		return ENAMETOOLONG;
	pl_set_str(&pl, buf);
	return uri_decode(out, &pl);
}

int sipnot_dlg_request(struct sip_request **reqp, struct sip *sip,
		       struct sipnot_dlg *dlg, const char *met,
		       sip_send_h *sendh, sip_resp_h *resph, void *arg,
		       const char *fmt, ...)
{
	struct mbuf *mb = NULL;
	struct uri hop, tls;
	char buf[300];
	va_list ap;
	int err;

	if (!reqp || !sip || !dlg || !met || !fmt)
		return EINVAL;
	err = sipnot_dlg_next_hop(dlg, &hop);
	if (err)
		return err;
	if (!pl_strcasecmp(&hop.scheme, "sips")) {
		err = tls_hop(&tls, buf, sizeof(buf), &hop);
		if (err)
			return err;
		hop = tls;
	}
	mb = mbuf_alloc(1024);
	if (!mb)
		return ENOMEM;
	err = mbuf_write_str(mb, "Max-Forwards: 70\r\n");
	err |= sipnot_dlg_encode(mb, dlg, met);
	if (err)
		goto out;
	va_start(ap, fmt);
	err = mbuf_vprintf(mb, fmt, ap);
	va_end(ap);
	if (err)
		goto out;
	mb->pos = 0;
	err = sip_request(reqp, sip, true, met, -1, dlg->s + dlg->target, -1,
			  &hop, mb, (size_t)hash_joaat_str(dlg->s), sendh,
			  resph, arg);
out:
	mem_deref(mb);
	return err;
}
