/*
 * sipstack_drequestf(): see drequest.h. libre 1.1.0 exports the dialog
 * functions below but declares them in its private sip.h only; their
 * signatures are those of every libre release since 0.4.
 */
#include <errno.h>
#include <stdarg.h>

#include "drequest.h"

const struct uri *sip_dialog_route(const struct sip_dialog *dlg);
const char *sip_dialog_uri(const struct sip_dialog *dlg);
uint32_t sip_dialog_hash(const struct sip_dialog *dlg);
int sip_dialog_encode(struct mbuf *mb, struct sip_dialog *dlg, uint32_t cseq,
		      const char *met);
int sip_auth_encode(struct mbuf *mb, struct sip_auth *auth, const char *met,
		    const char *uri);

/* The sip: route that reaches the host of sips: @p route over TLS, in
 * @p buf. */
static int tls_route(struct uri *out, char *buf, size_t size,
		     const struct uri *route)
{
	const char *lb = route->af == AF_INET6 ? "[" : "";
	const char *rb = route->af == AF_INET6 ? "]" : "";
	struct pl pl;
	int n;

	if (!msg_param_decode(&route->params, "transport", &pl) &&
	    pl_strcasecmp(&pl, "tls"))
		return EPROTONOSUPPORT;
	if (route->port)
		n = re_snprintf(buf, size, "sip:%s%r%s:%u;transport=tls", lb,
				&route->host, rb, (unsigned)route->port);
	else
		n = re_snprintf(buf, size, "sip:%s%r%s;transport=tls", lb,
				&route->host, rb);
	if (n < 0 || (size_t)n >= size)
		return ENAMETOOLONG;
	if (!msg_param_decode(&route->params, "maddr", &pl)) {
		int m =
		    re_snprintf(buf + n, size - (size_t)n, ";maddr=%r", &pl);

		if (m < 0 || (size_t)m >= size - (size_t)n)
			return ENAMETOOLONG;
	}
	pl_set_str(&pl, buf);
	return uri_decode(out, &pl);
}

/* What sip_drequestf() does, to the next hop @p route. */
static int request_to(struct sip_request **reqp, struct sip *sip, bool stateful,
		      const char *met, struct sip_dialog *dlg, uint32_t cseq,
		      struct sip_auth *auth, sip_send_h *sendh,
		      sip_resp_h *resph, void *arg, const struct uri *route,
		      const struct mbuf *hdrs)
{
	struct mbuf *mb = mbuf_alloc(2048);
	int err;

	if (!mb)
		return ENOMEM;
	err = mbuf_write_str(mb, "Max-Forwards: 70\r\n");
	if (auth)
		err |= sip_auth_encode(mb, auth, met, sip_dialog_uri(dlg));
	err |= sip_dialog_encode(mb, dlg, cseq, met);
	err |= mbuf_write_mem(mb, hdrs->buf, hdrs->end);
	if (err)
		goto out;
	mb->pos = 0;
	err = sip_request(reqp, sip, stateful, met, -1, sip_dialog_uri(dlg), -1,
			  route, mb, sip_dialog_hash(dlg), sendh, resph, arg);
out:
	mem_deref(mb);
	return err;
}

int sipstack_drequestf(struct sip_request **reqp, struct sip *sip,
		       bool stateful, const char *met, struct sip_dialog *dlg,
		       uint32_t cseq, struct sip_auth *auth, sip_send_h *sendh,
		       sip_resp_h *resph, void *arg, const char *fmt, ...)
{
	const struct uri *route = dlg ? sip_dialog_route(dlg) : NULL;
	struct mbuf *hdrs;
	struct uri tls;
	char buf[300];
	va_list ap;
	int err;

	if (!sip || !met || !dlg || !fmt || !route)
		return EINVAL;
	hdrs = mbuf_alloc(1024);
	if (!hdrs)
		return ENOMEM;
	va_start(ap, fmt);
	err = mbuf_vprintf(hdrs, fmt, ap);
	va_end(ap);
	if (err)
		goto out;
	if (pl_strcasecmp(&route->scheme, "sips")) {
		/* libre's own path (it adds the User-Agent too). */
		err = sip_drequestf(reqp, sip, stateful, met, dlg, cseq, auth,
				    sendh, resph, arg, "%b", hdrs->buf,
				    hdrs->end);
		goto out;
	}
	err = tls_route(&tls, buf, sizeof(buf), route);
	if (!err)
		err = request_to(reqp, sip, stateful, met, dlg, cseq, auth,
				 sendh, resph, arg, &tls, hdrs);
out:
	mem_deref(hdrs);
	return err;
}
