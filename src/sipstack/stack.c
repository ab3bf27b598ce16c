/*
 * A libre SIP stack for programs without one (sipstack.h): the focus's
 * listeners and the watcher's client transports, so that neither the tool
 * nor an embedder has to repeat libre's set-up.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <re.h>

#include "stack.h"

#define HASH_SIZE_DEFAULT 32
/* The largest descriptor table we ask libre for, and the soft limit to
 * fall back to when the hard one cannot be had: Linux's default
 * fs.nr_open, past which setrlimit() fails. */
#define FD_TABLE_MAX 1048576

static int dns_open(struct confinfo_sipstack *s, const char *server)
{
	struct sa nsv[4];
	uint32_t nsn = 4;
	char domain[64] = "";

	if (server) {
		if (sa_decode(&nsv[0], server, strlen(server)))
			return EINVAL;
		return dnsc_alloc(&s->dnsc, NULL, nsv, 1);
	}
	/* A machine without resolvers still works with IP addresses. */
	if (dns_srv_get(domain, sizeof(domain), nsv, &nsn) || nsn == 0) {
		sa_set_str(&nsv[0], "127.0.0.1", 53);
		nsn = 1;
	}
	return dnsc_alloc(&s->dnsc, NULL, nsv, nsn);
}

/* A copy of @p src (NULL stays NULL) in @p dst. */
static int copy_str(char **dst, const char *src)
{
	if (!src)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : ENOMEM;
}

int confinfo_sipstack_alloc(struct confinfo_sipstack **sp,
			    const struct confinfo_sipstack_params *p,
			    struct confinfo_diag *diag)
{
	struct confinfo_sipstack_params def = {0};
	struct confinfo_sipstack *s;
	uint32_t hs;
	int err = 0;

	if (!sp)
		return EINVAL;
	if (!p)
		p = &def;
	s = calloc(1, sizeof(*s));
	if (!s)
		return ENOMEM;
	hs = p->hash_size ? p->hash_size : HASH_SIZE_DEFAULT;
	err = copy_str(&s->tls_cert, p->tls_cert);
	if (!err)
		err = copy_str(&s->tls_ca, p->tls_ca);
	if (!err)
		err = copy_str(&s->tls_client_ca, p->tls_client_ca);
	if (err)
		goto out;
	s->tls_insecure = p->tls_insecure;
	s->tlsh = p->tlsh;
	s->tls_arg = p->tls_arg;
	s->sock_buf = p->sock_buf ? p->sock_buf : CONFINFO_SIPSTACK_SOCK_BUF;
	s->bufh = p->bufh;
	s->buf_arg = p->buf_arg;
	if (p->dns) {
		err = dns_open(s, p->dns_server);
		if (err) {
			confinfo_diag_fail(
			    diag, err, 0, 0, "DNS client%s%s: %s",
			    p->dns_server ? " " : "",
			    p->dns_server ? p->dns_server : "", strerror(err));
			goto out;
		}
	}
	err = sip_alloc(&s->sip, s->dnsc, hs, hs, hs, p->software, NULL, NULL);
	if (err)
		confinfo_diag_fail(diag, err, 0, 0, "SIP stack: %s",
				   strerror(err));
out:
	if (err)
		confinfo_sipstack_free(s);
	else
		*sp = s;
	return err;
}

int confinfo_sipstack_listen(struct confinfo_sipstack *s, const char *spec,
			     struct confinfo_diag *diag)
{
	enum sip_transp tp;
	const char *addr;
	struct sa laddr;
	int err;

	if (!s || !spec)
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
		if (!s->tls_cert)
			return confinfo_diag_fail(diag, EINVAL, 0, 0,
						  "listen '%s': TLS needs a "
						  "certificate",
						  spec);
		err = sipstack_tls_ensure(s, false, diag);
		if (err)
			return err;
		err = sip_transp_add(s->sip, tp, &laddr, s->tls);
	} else {
		err = sip_transp_add(s->sip, tp, &laddr);
	}
	if (err)
		return confinfo_diag_fail(diag, err, 0, 0, "listen '%s': %s",
					  spec, strerror(err));
	if (tp == SIP_TRANSP_UDP)
		sipstack_sockbuf_apply(s, spec, &laddr);
	return 0;
}

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

/* The host of the SIP URI @p target (without IPv6 brackets) and its
 * port (0: none). */
static int target_host(const char *target, char *host, size_t size,
		       uint16_t *port)
{
	struct uri u;
	struct pl pl;
	int err;

	pl_set_str(&pl, target);
	err = uri_decode(&u, &pl);
	if (err)
		return err;
	if (pl_strcpy(&u.host, host, size))
		return EINVAL;
	*port = u.port;
	return 0;
}

static int pick_local(struct sa *laddr, const char *local, const char *host,
		      uint16_t port)
{
	struct sa dst;

	if (local) {
		if (sa_set_str(laddr, local, 0) &&
		    sa_decode(laddr, local, strlen(local)))
			return EINVAL;
		return 0;
	}
	if (!host)
		return EINVAL;
	if (!sa_set_str(&dst, host, port ? port : SIP_PORT))
		return source_for(&dst, laddr);
	/* A name: the default route's address (IPv4 first). */
	if (!net_default_source_addr_get(AF_INET, laddr))
		return 0;
	return net_default_source_addr_get(AF_INET6, laddr);
}

/* Our TLS context, with the name of the first hop to check servers
 * against (sipstack.h). Notifiers open their own TLS connection to our
 * Contact for the NOTIFYs, so our TLS listener needs a certificate: the
 * one given, else a self-signed one, which nobody verifies (it only keeps
 * the NOTIFYs private on the wire). */
static int client_tls(struct confinfo_sipstack *s, const char *host,
		      struct confinfo_diag *diag)
{
	int err = sipstack_tls_ensure(s, true, diag);

	if (err || s->tls_insecure)
		return err;
	if (!host)
		return confinfo_diag_fail(diag, EINVAL, 0, 0,
					  "TLS: no target, so no name to "
					  "check servers' certificates "
					  "against");
	return sipstack_tls_verify_host(s, host, diag);
}

int confinfo_sipstack_client(struct confinfo_sipstack *s, const char *local,
			     const char *target, struct confinfo_diag *diag)
{
	char host[256];
	uint16_t port = 0;
	struct sa laddr;
	int err = 0;

	if (!s)
		return EINVAL;
	if (target)
		err = target_host(target, host, sizeof(host), &port);
	if (!err)
		err = pick_local(&laddr, local, target ? host : NULL, port);
	if (err)
		return confinfo_diag_fail(diag, err, 0, 0,
					  "no local address for %s: %s",
					  local    ? local
					  : target ? target
						   : "-",
					  strerror(err));
	err = client_tls(s, target ? host : NULL, diag);
	if (err)
		return err;
	err = sip_transp_add(s->sip, SIP_TRANSP_UDP, &laddr);
	if (!err)
		err = sip_transp_add(s->sip, SIP_TRANSP_TCP, &laddr);
	if (!err)
		err = sip_transp_add(s->sip, SIP_TRANSP_TLS, &laddr, s->tls);
	if (err) {
		char where[64];

		(void)re_snprintf(where, sizeof(where), "%J", &laddr);
		return confinfo_diag_fail(diag, err, 0, 0,
					  "SIP stack on %s: %s", where,
					  strerror(err));
	}
	return 0;
}

/* Raise the soft RLIMIT_NOFILE of @p rl to its hard limit, or to
 * FD_TABLE_MAX when the kernel refuses that; @p rl follows. */
static int raise_soft(struct rlimit *rl)
{
	struct rlimit want = *rl;
	int err;

	if (rl->rlim_cur >= rl->rlim_max)
		return 0;
	want.rlim_cur = rl->rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &want)) {
		err = errno;
		/* An unlimited hard limit, or one above fs.nr_open. */
		if (rl->rlim_max <= FD_TABLE_MAX ||
		    rl->rlim_cur >= FD_TABLE_MAX)
			return err;
		want.rlim_cur = FD_TABLE_MAX;
		if (setrlimit(RLIMIT_NOFILE, &want))
			return err;
	}
	rl->rlim_cur = want.rlim_cur;
	return 0;
}

int confinfo_sipstack_raise_fd_limit(uint64_t *limitp)
{
	struct rlimit rl;
	int err, err2 = 0;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return errno;
	err = raise_soft(&rl);
	/* libre's table holds 1024 descriptors unless told otherwise: size
	 * it to the soft limit in force, raised or not. */
	if (rl.rlim_cur > 1024)
		err2 =
		    fd_setsize(rl.rlim_cur > FD_TABLE_MAX ? FD_TABLE_MAX
							  : (int)rl.rlim_cur);
	if (!err)
		err = err2;
	if (!err && limitp)
		*limitp = (uint64_t)rl.rlim_cur;
	return err;
}

struct sip *confinfo_sipstack_sip(const struct confinfo_sipstack *s)
{
	return s ? s->sip : NULL;
}

void confinfo_sipstack_free(struct confinfo_sipstack *s)
{
	if (!s)
		return;
	if (s->sip)
		sip_close(s->sip, true);
	mem_deref(s->sip);
	sipstack_tls_forget(s);
	mem_deref(s->tls);
	mem_deref(s->dnsc);
	free(s->tls_cert);
	free(s->tls_ca);
	free(s->tls_client_ca);
	free(s->verify_host);
	free(s);
}
