/*
 * How a subscription is routed (confinfo_subscriber_route()): the
 * Request-URI and the outbound Route for a conference URI, an optional
 * proxy and an optional transport. Pure string work on libre's URI
 * parser; the subscription itself does not depend on it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <re.h>

#include "sipsub.h"

/* Does the parameter list of @p u hold a transport parameter? */
static bool has_transport(const struct uri *u, struct pl *val)
{
	return !msg_param_decode(&u->params, "transport", val);
}

/* The transport the request must use, checked against what the URI
 * says: a sips: URI needs TLS, and a ;transport= parameter must agree. */
static int pick_transport(const struct uri *u, bool sips,
			  const char **transportp, struct confinfo_diag *diag)
{
	const char *transport = *transportp;
	struct pl tp;

	if (sips && transport && strcmp(transport, "tls"))
		return confinfo_diag_fail(diag, EINVAL, 0, 0,
					  "a sips: URI needs transport tls");
	if (sips && !transport)
		transport = "tls";
	if (has_transport(u, &tp) && transport && pl_strcasecmp(&tp, transport))
		return confinfo_diag_fail(diag, EINVAL, 0, 0,
					  "the URI says transport=%.*s but the "
					  "transport asked for is %s",
					  (int)tp.l, tp.p, transport);
	*transportp = transport;
	return 0;
}

/*
 * The Route through @p proxy, with the transport when it has none: the
 * length written (as snprintf()), -1 when @p proxy is no sip: or sips:
 * URI, -2 when its transport breaks "TLS on every hop". A sips: proxy
 * becomes sip:...;transport=tls (libre routes sip: URIs only), and a
 * sips: subscription (@p tls_only) needs TLS to its proxy too.
 */
static int proxy_route(struct confinfo_subscriber_route *r, const char *proxy,
		       const char *transport, bool tls_only)
{
	struct uri pu;
	struct pl pl, tp;
	bool sips, add, has;

	pl_set_str(&pl, proxy);
	if (uri_decode(&pu, &pl))
		return -1;
	sips = !pl_strcasecmp(&pu.scheme, "sips");
	if (!sips && pl_strcasecmp(&pu.scheme, "sip"))
		return -1;
	has = has_transport(&pu, &tp);
	if (sips && transport && strcmp(transport, "tls"))
		return -2;
	if ((sips || tls_only) && has && pl_strcasecmp(&tp, "tls"))
		return -2;
	if (sips) {
		transport = "tls";
		proxy += strlen("sips");
	}
	add = transport && !has;
	return snprintf(r->route, sizeof(r->route), "%s%s%s%s",
			sips ? "sip" : "", proxy, add ? ";transport=" : "",
			add ? transport : "");
}

/* libre routes sip: URIs only: reach the host of a sips: URI over TLS. */
static int sips_route(struct confinfo_subscriber_route *r, const struct uri *u)
{
	const char *lb = u->af == AF_INET6 ? "[" : "";
	const char *rb = u->af == AF_INET6 ? "]" : "";

	if (u->port)
		return re_snprintf(r->route, sizeof(r->route),
				   "sip:%s%r%s:%u;transport=tls", lb, &u->host,
				   rb, (unsigned)u->port);
	return re_snprintf(r->route, sizeof(r->route),
			   "sip:%s%r%s;transport=tls", lb, &u->host, rb);
}

int confinfo_subscriber_route(struct confinfo_subscriber_route *r,
			      const char *uri, const char *proxy,
			      const char *transport, struct confinfo_diag *diag)
{
	struct confinfo_subscriber_route out;
	struct uri u;
	struct pl pl, tp;
	bool sips;
	int n = 0, err;

	if (!r || !uri)
		return EINVAL;
	if (transport && strcmp(transport, "udp") && strcmp(transport, "tcp") &&
	    strcmp(transport, "tls"))
		return confinfo_diag_fail(diag, EINVAL, 0, 0,
					  "transport: udp, tcp or tls, not "
					  "'%s'",
					  transport);
	memset(&out, 0, sizeof(out));
	pl_set_str(&pl, uri);
	if (uri_decode(&u, &pl))
		return confinfo_diag_fail(diag, EINVAL, 0, 0,
					  "not a SIP URI: '%s'", uri);
	sips = !pl_strcasecmp(&u.scheme, "sips");
	if (pl_strcasecmp(&u.scheme, "sip") && !sips)
		return confinfo_diag_fail(diag, EINVAL, 0, 0,
					  "not a sip: or sips: URI: '%s'", uri);
	err = pick_transport(&u, sips, &transport, diag);
	if (err)
		return err;
	if (snprintf(out.request_uri, sizeof(out.request_uri), "%s", uri) >=
	    (int)sizeof(out.request_uri))
		return confinfo_diag_fail(diag, EINVAL, 0, 0, "URI too long");

	if (proxy) {
		n = proxy_route(&out, proxy, transport, sips);
		if (n == -2)
			return confinfo_diag_fail(diag, EINVAL, 0, 0,
						  "TLS on every hop: the proxy "
						  "'%s' must be reached over "
						  "tls",
						  proxy);
		if (n < 0)
			return confinfo_diag_fail(diag, EINVAL, 0, 0,
						  "the proxy needs a sip: or "
						  "sips: URI, not '%s'",
						  proxy);
	} else if (sips) {
		n = sips_route(&out, &u);
	} else if (transport && !has_transport(&u, &tp)) {
		if (pl_isset(&u.headers))
			return confinfo_diag_fail(
			    diag, EINVAL, 0, 0,
			    "cannot add a transport to a URI with headers: "
			    "use ;transport= in the URI");
		n = snprintf(out.request_uri, sizeof(out.request_uri),
			     "%s;transport=%s", uri, transport);
	}
	if (n < 0 || (size_t)n >= sizeof(out.route))
		return confinfo_diag_fail(diag, EINVAL, 0, 0, "URI too long");
	*r = out;
	r->target = r->route[0] ? r->route : r->request_uri;
	return 0;
}
