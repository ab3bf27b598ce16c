/*
 * Private interface of the SIP stack (include/confinfo/sipstack.h): the
 * struct the public header only names, and what stack.c needs of tls.c.
 *
 * stack.c  the stack, listeners, client transports, descriptor limits
 * tls.c    the TLS context: certificates, verification, peer identities
 * sockbuf.c the socket buffers of UDP listeners
 */
#ifndef CONFINFO_SIPSTACK_PRIV_H
#define CONFINFO_SIPSTACK_PRIV_H

#include <stdbool.h>

#include <re.h>

#include "confinfo/sipstack.h"

struct confinfo_sipstack {
	struct sip *sip;
	struct dnsc *dnsc;
	struct tls *tls;
	char *tls_cert;
	char *tls_ca;
	char *tls_client_ca;
	bool tls_insecure;
	/* The name (or address) a server's certificate must carry: set by
	 * confinfo_sipstack_client(); NULL on a server stack, whose own
	 * connections are not checked (sipstack.h). */
	char *verify_host;
	confinfo_sipstack_tls_h *tlsh;
	void *tls_arg;
	uint32_t sock_buf; /* resolved: never 0 */
	confinfo_sipstack_bufs_h *bufh;
	void *buf_arg;
};

/* Create s->tls if it is not yet there: from s->tls_cert, or (when
 * @p selfsigned) a self-signed certificate; then the verification the
 * parameters ask for. EINVAL: no certificate and not @p selfsigned. */
int sipstack_tls_ensure(struct confinfo_sipstack *s, bool selfsigned,
			struct confinfo_diag *diag);

/* Check every server certificate against @p host (a DNS name or an IP
 * address): the client side of confinfo_sipstack_client(). */
int sipstack_tls_verify_host(struct confinfo_sipstack *s, const char *host,
			     struct confinfo_diag *diag);

/* Size the buffers of the UDP socket libre just bound to @p laddr for
 * listener @p spec, and tell s->bufh. */
void sipstack_sockbuf_apply(struct confinfo_sipstack *s, const char *spec,
			    const struct sa *laddr);

/* Detach @p s from its TLS context: a context that outlives the stack
 * (held by someone else) must not call back into freed memory. */
void sipstack_tls_forget(struct confinfo_sipstack *s);

#endif
