/**
 * @file sipstack.h
 * @brief A libre SIP stack for programs that do not have one of their own.
 *
 * The notifier (notifier.h) and the subscriber (subscriber.h) run on the
 * caller's libre `struct sip`: a program that already has a SIP stack
 * (a softphone, a B2BUA, a mixer) passes its own, with its transports,
 * TLS contexts and DNS client, and both sides add only their request
 * listeners to it. A program that has none opens one here:
 *
 * - a server (a focus): confinfo_sipstack_alloc() with a large
 *   `hash_size`, then confinfo_sipstack_listen() once per `udp:`, `tcp:`
 *   or `tls:ADDR:PORT` to listen on;
 * - a client (a watcher): confinfo_sipstack_alloc(), then
 *   confinfo_sipstack_client(), which adds UDP, TCP and TLS transports on
 *   the local address that routes to the first hop (so that the Contact
 *   the notifier sends NOTIFYs to is reachable).
 *
 * libre must be initialised (libre_init()) before, and the stack freed
 * before libre_close(). Everything runs in the libre main loop of the
 * calling thread.
 *
 * Since 0.1.
 */
#ifndef CONFINFO_SIPSTACK_H
#define CONFINFO_SIPSTACK_H

#include <stdbool.h>
#include <stdint.h>

#include "confinfo/diag.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sip; /* libre's SIP stack (re_sip.h) */

/** How to build the stack. Strings are copied. */
struct confinfo_sipstack_params {
	/** Server / User-Agent header value, NULL for none. */
	const char *software;
	/** Buckets of libre's transaction, dialog and connection hash
	 *  tables; 0 means 32, enough for a client. A focus holding
	 *  thousands of subscriptions wants 16384. */
	uint32_t hash_size;
	/** PEM file with the TLS key and certificate, for `tls:` listeners;
	 *  NULL: a `tls:` listener is refused, and a client stack presents a
	 *  self-signed certificate on its TLS listener. */
	const char *tls_cert;
	/** Resolve names in URIs (RFC 3263) with the system's resolvers
	 *  (127.0.0.1 when there are none). false: URIs must carry IP
	 *  addresses, and no DNS query is ever sent. */
	bool dns;
};

struct confinfo_sipstack;

/**
 * Create a SIP stack without transports.
 *
 * @param sp    on success the stack (confinfo_sipstack_free())
 * @param p     parameters (copied); NULL for the defaults
 * @param diag  optional: what failed
 * @return 0, ENOMEM, or libre's error (the TLS certificate: its errno,
 *         with the file named in @p diag)
 */
int confinfo_sipstack_alloc(struct confinfo_sipstack **sp,
			    const struct confinfo_sipstack_params *p,
			    struct confinfo_diag *diag);

/**
 * Listen on @p spec: `udp:ADDR:PORT`, `tcp:ADDR:PORT` or `tls:ADDR:PORT`
 * (IPv6 addresses in brackets: `udp:[::1]:5060`).
 *
 * @return 0, EINVAL (bad spec, or tls: without a certificate),
 *         EADDRINUSE and the other socket errors, ENOMEM; @p diag says
 *         which
 */
int confinfo_sipstack_listen(struct confinfo_sipstack *s, const char *spec,
			     struct confinfo_diag *diag);

/**
 * Add client transports (UDP, TCP and TLS, on an ephemeral port) bound to
 * @p local (an IP address) or, when @p local is NULL, to the local address
 * the kernel would use to reach the host of the SIP URI @p target (for a
 * host name: the default route's address, IPv4 first).
 *
 * @return 0, EINVAL (bad @p local or @p target), or the socket's error;
 *         @p diag says which
 */
int confinfo_sipstack_client(struct confinfo_sipstack *s, const char *local,
			     const char *target, struct confinfo_diag *diag);

/**
 * Let the process hold as many descriptors as the system allows: raise
 * the soft limit on open files (RLIMIT_NOFILE) to the hard limit, and
 * size libre's descriptor table to match (at most 1048576 entries;
 * libre's default is 1024). A focus with thousands of TCP or TLS
 * subscribers holds a connection, so a descriptor, for each. When the
 * hard limit is unlimited, or above what the kernel allows (fs.nr_open),
 * the soft limit goes to 1048576 instead.
 *
 * Call it after libre_init() and before libre listens on its first
 * descriptor (before confinfo_sipstack_alloc() is safe): libre sizes its
 * table once. It changes the whole process, so a program that manages
 * its own limits does not call it.
 *
 * @param limitp  optional: on success receives the soft limit now in
 *                force
 * @return 0; the errno of getrlimit(); the errno of setrlimit() (EPERM)
 *         when the soft limit could not be raised (libre's table is
 *         sized to the soft limit as it is all the same); libre's error
 *         (ENOMEM)
 *
 * Since 0.1.
 */
int confinfo_sipstack_raise_fd_limit(uint64_t *limitp);

/** The libre stack, to pass to confinfo_notifier_alloc() or
 *  confinfo_subscriber_sock_alloc(); owned by @p s. */
struct sip *confinfo_sipstack_sip(const struct confinfo_sipstack *s);

/** Close the stack (its transactions end at once) and free it. Free the
 *  notifiers and subscribers that use it first. NULL is fine. */
void confinfo_sipstack_free(struct confinfo_sipstack *s);

#ifdef __cplusplus
}
#endif

#endif
