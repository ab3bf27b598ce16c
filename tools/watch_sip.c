/*
 * The SIP stack of confinfo watch: libre with UDP, TCP and TLS transports
 * bound to the local address that routes to the target, and the URIs the
 * subscription uses for the chosen transport.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <re.h>

#include "watch_sip.h"

/*
 * The local address the kernel would use to reach @p dst: connect() a UDP
 * socket (nothing is sent) and read its name back. The Contact we send
 * must be reachable by the notifier, so 0.0.0.0 will not do.
 */
static int source_for(const struct sa *dst, struct sa *src)
{
	struct sa tmp;
	int fd, err = 0;

	fd = socket(sa_af(dst), SOCK_DGRAM, 0);
	if (fd < 0)
		return errno;
	if (connect(fd, &dst->u.sa, dst->len) < 0) {
		err = errno;
		goto out;
	}
	sa_init(&tmp, sa_af(dst));
	if (getsockname(fd, &tmp.u.sa, &tmp.len) < 0) {
		err = errno;
		goto out;
	}
	sa_set_port(&tmp, 0);
	*src = tmp;
out:
	close(fd);
	return err;
}

static int pick_local(struct sa *laddr, const char *local, const char *target)
{
	struct uri u;
	struct pl pl;
	struct sa dst;
	char host[256];
	int err;

	if (local) {
		if (sa_set_str(laddr, local, 0) &&
		    sa_decode(laddr, local, strlen(local)))
			return EINVAL;
		return 0;
	}
	pl_set_str(&pl, target);
	err = uri_decode(&u, &pl);
	if (err)
		return err;
	if (pl_strcpy(&u.host, host, sizeof(host)))
		return EINVAL;
	if (!sa_set_str(&dst, host, u.port ? u.port : SIP_PORT))
		return source_for(&dst, laddr);
	/* A name: the default route's address (IPv4 first). */
	if (!net_default_source_addr_get(AF_INET, laddr))
		return 0;
	return net_default_source_addr_get(AF_INET6, laddr);
}

int watch_sip_open(struct watch_sip *ws, const char *local, const char *target,
		   const char *software)
{
	struct sa nsv[4];
	uint32_t nsn = 4;
	struct sa laddr;
	char domain[64] = "";
	int err;

	memset(ws, 0, sizeof(*ws));
	err = pick_local(&laddr, local, target);
	if (err) {
		snprintf(ws->error, sizeof(ws->error),
			 "no local address for %s: %s", local ? local : target,
			 strerror(err));
		return err;
	}
	/* Names in URIs need DNS; a machine without resolvers still works
	 * with IP addresses. */
	if (dns_srv_get(domain, sizeof(domain), nsv, &nsn) || nsn == 0) {
		sa_set_str(&nsv[0], "127.0.0.1", 53);
		nsn = 1;
	}
	err = dnsc_alloc(&ws->dnsc, NULL, nsv, nsn);
	if (err)
		goto fail;
	err = sip_alloc(&ws->sip, ws->dnsc, 32, 32, 32, software, NULL, NULL);
	if (err)
		goto fail;
	err = sip_transp_add(ws->sip, SIP_TRANSP_UDP, &laddr);
	if (!err)
		err = sip_transp_add(ws->sip, SIP_TRANSP_TCP, &laddr);
	if (!err)
		err = tls_alloc(&ws->tls, TLS_METHOD_SSLV23, NULL, NULL);
	/* Notifiers open their own TLS connection to our Contact for the
	 * NOTIFYs, so our TLS listener needs a certificate. Nobody verifies
	 * it: it only keeps the NOTIFYs private on the wire. (libre 1.1.0's
	 * tls_set_selfsigned() fails with OpenSSL 3; the RSA one works.)
	 * Note that libre 1.1.0 does not verify the notifier's certificate
	 * either: TLS here protects against eavesdroppers, not against an
	 * active man in the middle. */
	if (!err)
		err = tls_set_selfsigned_rsa(ws->tls, "confinfo-watch", 2048);
	if (!err)
		err = sip_transp_add(ws->sip, SIP_TRANSP_TLS, &laddr, ws->tls);
	if (err)
		goto fail;
	return 0;
fail:
	re_snprintf(ws->error, sizeof(ws->error), "SIP stack on %J: %s", &laddr,
		    strerror(err));
	watch_sip_close(ws);
	return err;
}

void watch_sip_close(struct watch_sip *ws)
{
	if (ws->sip)
		sip_close(ws->sip, true);
	ws->sip = mem_deref(ws->sip);
	ws->tls = mem_deref(ws->tls);
	ws->dnsc = mem_deref(ws->dnsc);
}

/* Does the parameter list of @p u hold a transport parameter? */
static bool has_transport(const struct uri *u, struct pl *val)
{
	return !msg_param_decode(&u->params, "transport", val);
}

int watch_sip_route(struct watch_sip_route *r, const char *uri,
		    const char *proxy, const char *transport)
{
	struct uri u;
	struct pl pl, tp;
	bool sips;
	int n;

	memset(r, 0, sizeof(*r));
	pl_set_str(&pl, uri);
	if (uri_decode(&u, &pl)) {
		snprintf(r->error, sizeof(r->error), "not a SIP URI: '%s'",
			 uri);
		return EINVAL;
	}
	sips = !pl_strcasecmp(&u.scheme, "sips");
	if (pl_strcasecmp(&u.scheme, "sip") && !sips) {
		snprintf(r->error, sizeof(r->error),
			 "not a sip: or sips: URI: '%s'", uri);
		return EINVAL;
	}
	if (sips && transport && strcmp(transport, "tls")) {
		snprintf(r->error, sizeof(r->error),
			 "a sips: URI needs --transport tls");
		return EINVAL;
	}
	if (sips && !transport)
		transport = "tls";
	if (has_transport(&u, &tp) && transport &&
	    pl_strcasecmp(&tp, transport)) {
		snprintf(r->error, sizeof(r->error),
			 "the URI says transport=%.*s but --transport is %s",
			 (int)tp.l, tp.p, transport);
		return EINVAL;
	}
	snprintf(r->request_uri, sizeof(r->request_uri), "%s", uri);

	if (proxy) {
		struct uri pu;

		pl_set_str(&pl, proxy);
		if (uri_decode(&pu, &pl) || pl_strcasecmp(&pu.scheme, "sip")) {
			snprintf(r->error, sizeof(r->error),
				 "--proxy needs a sip: URI, not '%s'", proxy);
			return EINVAL;
		}
		n = snprintf(
		    r->route, sizeof(r->route), "%s%s%s", proxy,
		    transport && !has_transport(&pu, &tp) ? ";transport=" : "",
		    transport && !has_transport(&pu, &tp) ? transport : "");
	} else if (sips) {
		/* libre routes sip: URIs only: reach the host over TLS. */
		const char *lb = u.af == AF_INET6 ? "[" : "";
		const char *rb = u.af == AF_INET6 ? "]" : "";

		if (u.port)
			n = re_snprintf(r->route, sizeof(r->route),
					"sip:%s%r%s:%u;transport=tls", lb,
					&u.host, rb, (unsigned)u.port);
		else
			n = re_snprintf(r->route, sizeof(r->route),
					"sip:%s%r%s;transport=tls", lb, &u.host,
					rb);
	} else {
		n = 0;
		if (transport && !has_transport(&u, &tp)) {
			if (pl_isset(&u.headers)) {
				snprintf(r->error, sizeof(r->error),
					 "cannot add a transport to a URI with "
					 "headers: use ;transport= in the URI");
				return EINVAL;
			}
			n = snprintf(r->request_uri, sizeof(r->request_uri),
				     "%s;transport=%s", uri, transport);
		}
	}
	if (n < 0 || (size_t)n >= sizeof(r->route)) {
		snprintf(r->error, sizeof(r->error), "URI too long");
		return EINVAL;
	}
	r->target = r->route[0] ? r->route : r->request_uri;
	return 0;
}
