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
 *   the notifier sends NOTIFYs to is reachable), and verifies the
 *   certificates of TLS servers (struct confinfo_sipstack_tls_event).
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
#include <stddef.h>
#include <stdint.h>

#include "confinfo/diag.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sip;     /* libre's SIP stack (re_sip.h) */
struct sip_msg; /* a SIP message (re_sip.h) */

/**
 * A TLS peer certificate was checked (the parameters' @c tlsh).
 *
 * Certificates are checked as follows:
 * - a client stack checks the certificate of every server it connects
 *   to: the chain against @c tls_ca (or the system's store), the validity
 *   dates, and the name against the host of the first hop given to
 *   confinfo_sipstack_client() (the proxy's, else the target's: a DNS
 *   name against the certificate's DNS names, RFC 5922 section 7.2, an
 *   address against its IP addresses). libre 1.1.0's SIP transport opens
 *   its TLS connections itself and gives no hook per connection, so the
 *   name is set on the TLS context: a client stack checks every server
 *   against that one name, which is right for a watcher whose requests
 *   all go to one first hop.
 * - a server stack with @c tls_client_ca requires a client certificate
 *   and checks its chain and dates (not its name: clients have none to
 *   check against).
 * - connections a server stack opens (NOTIFYs to a subscriber's
 *   Contact) are not checked: the Contact's certificate names no one
 *   the focus knows, and libre gives no hook per connection.
 */
struct confinfo_sipstack_tls_event {
	/** true: the peer is a TLS client of ours (mutual TLS); false: a
	 *  server we connected to. */
	bool client;
	/** true: the certificate verified; false: refused, see @c error. */
	bool verified;
	/** What was wrong, naming the problem ("certificate has expired",
	 *  "certificate is for another name (expected focus.example.com)",
	 *  "certificate issued by an unknown authority", "no client
	 *  certificate"); NULL when verified. */
	const char *error;
	/** The peer certificate's identity: its first subjectAltName URI
	 *  (e.g. sip:alice@example.com), else its subject CN; "" without a
	 *  certificate. */
	const char *identity;
	/** The certificate's subject and issuer, one line each (OpenSSL's
	 *  RFC 2253 form); "" without a certificate. */
	const char *subject;
	const char *issuer;
};

/** TLS callback: @p ev is valid only during the call. Since 0.1. */
typedef void(confinfo_sipstack_tls_h)(
    const struct confinfo_sipstack_tls_event *ev, void *arg);

/**
 * What a listener's socket buffers came to (the parameters' @c bufh).
 * Since 0.2.
 */
struct confinfo_sipstack_bufs {
	/** The listener, as given to confinfo_sipstack_listen(). */
	const char *spec;
	/** Bytes asked for, each of SO_RCVBUF and SO_SNDBUF. */
	uint32_t want;
	/** SO_RCVBUF and SO_SNDBUF read back with getsockopt(). Linux
	 *  reports twice what was set (its bookkeeping counts): a request
	 *  granted in full reads back as 2 x @c want. */
	uint32_t rcvbuf, sndbuf;
	/** The request went past the kernel's limits with SO_RCVBUFFORCE /
	 *  SO_SNDBUFFORCE (CAP_NET_ADMIN, e.g. root). */
	bool forced;
	/** net.core.rmem_max or net.core.wmem_max cut the request: raise
	 *  them (sysctl) or run with CAP_NET_ADMIN. */
	bool capped;
	/** 0, or why the buffers could not be set (the socket was not
	 *  found: ENOENT; setsockopt()'s errno). */
	int err;
};

/** Socket buffer report: @p b is valid only during the call.
 *  Since 0.2. */
typedef void(confinfo_sipstack_bufs_h)(const struct confinfo_sipstack_bufs *b,
				       void *arg);

/** Default of the parameters' @c sock_buf: 1 MiB. A focus fanning a
 *  change out over UDP receives thousands of 200s within milliseconds;
 *  with the kernel's default (212,992 bytes, a few hundred datagrams)
 *  they overflow the receive buffer and every lost 200 becomes a
 *  retransmitted NOTIFY. Since 0.2. */
#define CONFINFO_SIPSTACK_SOCK_BUF (1024u * 1024u)

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
	 *  self-signed certificate on its TLS listener. A client stack with
	 *  one presents it on the connections it opens too (as a client
	 *  certificate, for a focus that requires one). */
	const char *tls_cert;
	/** Resolve names in URIs (RFC 3263) with the system's resolvers
	 *  (127.0.0.1 when there are none). false: URIs must carry IP
	 *  addresses, and no DNS query is ever sent. */
	bool dns;
	/** With @c dns: the one DNS server to ask, "ADDR:PORT" ("[::1]:53"),
	 *  instead of the system's; NULL: the system's. Since 0.1. */
	const char *dns_server;
	/** Client stacks (confinfo_sipstack_client()): a PEM file of the
	 *  certificate authorities to trust for the server's certificate,
	 *  instead of the system's store (OpenSSL's default paths). NULL:
	 *  the system's store. Since 0.1. */
	const char *tls_ca;
	/** Client stacks: do not verify the server's certificate at all
	 *  (neither chain nor name). Anyone on the path can then read and
	 *  change the conference state: for tests only. Since 0.1. */
	bool tls_insecure;
	/** Server stacks (`tls:` listeners): a PEM file of the certificate
	 *  authorities that issue client certificates. Set, every TLS
	 *  client must present a certificate that verifies against it (RFC
	 *  4575 section 8.1, mutual TLS), or the handshake fails. NULL:
	 *  client certificates are neither asked for nor checked.
	 *  Since 0.1. */
	const char *tls_client_ca;
	/** Told about TLS peer certificates, from the event loop; NULL:
	 *  nobody. Since 0.1. */
	confinfo_sipstack_tls_h *tlsh;
	void *tls_arg; /**< passed to @c tlsh */
	/** Bytes of SO_RCVBUF and SO_SNDBUF for the UDP socket of every
	 *  `udp:` listener (confinfo_sipstack_listen()); 0:
	 *  CONFINFO_SIPSTACK_SOCK_BUF. When the kernel's limit
	 *  (net.core.rmem_max, wmem_max) is lower, the stack tries
	 *  SO_RCVBUFFORCE / SO_SNDBUFFORCE, which only CAP_NET_ADMIN may
	 *  use, and otherwise keeps what the kernel granted: @c bufh says
	 *  which. TCP and TLS listeners are left alone: Linux sizes the
	 *  buffers of each TCP connection by itself (tcp_rmem), and a
	 *  fixed size set on the listener would be inherited by every
	 *  connection and switch that off. Since 0.2. */
	uint32_t sock_buf;
	/** Told what every `udp:` listener's buffers came to, from
	 *  confinfo_sipstack_listen(); NULL: nobody. Since 0.2. */
	confinfo_sipstack_bufs_h *bufh;
	void *buf_arg; /**< passed to @c bufh */
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
 * A `udp:` listener's socket buffers are sized as the parameters'
 * @c sock_buf says, and reported to their @c bufh; not getting the size
 * asked for is not an error.
 *
 * @return 0, EINVAL (bad spec, tls: without a certificate, or an
 *         unreadable @c tls_client_ca),
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
 * Unless the parameters' @c tls_insecure is set, the TLS connections the
 * stack opens check the server's certificate: against @c tls_ca or the
 * system's store, and for the host of @p target (a proxy's URI when there
 * is one: the first hop), which is therefore required.
 *
 * @return 0, EINVAL (bad @p local or @p target; no @p target to check TLS
 *         servers against; an unreadable @c tls_ca), ENOENT (the system's
 *         store cannot be read), or the socket's error; @p diag says which
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

/**
 * The identity of the TLS client certificate that the request @p msg came
 * with (mutual TLS, @c tls_client_ca): the certificate's first
 * subjectAltName URI, else its subject CN, as in struct
 * confinfo_sipstack_tls_event. NULL when @p msg did not come over TLS,
 * the stack does not require client certificates, or the certificate did
 * not verify.
 *
 * Call it only from a request handler of the stack's loop, for the
 * request being handled: libre hands a request to its handlers in the
 * same call that decrypted it, and the certificate is found through the
 * TLS connection read last (libre 1.1.0 has no other link from a request
 * to its TLS session). The string lives as long as the connection; copy
 * it to keep it. Since 0.1.
 */
const char *
confinfo_sipstack_tls_client_identity(const struct confinfo_sipstack *s,
				      const struct sip_msg *msg);

/* ---------------------------------------------------------------------
 * The guard of a server stack's TCP and TLS listeners (guard.c).
 *
 * libre 1.1.0 accepts connections in src/tcp/tcp.c (tcp_conn_handler, a
 * static handler on the listening socket): when accept() fails (EMFILE,
 * out of descriptors) it returns and leaves the connection queued, the
 * socket stays readable, and the event loop calls it again at once: 99 %
 * CPU until a descriptor frees up. Nothing in libre's API bounds the
 * number of connections or lets a program pause accepting; it closes a
 * silent connection only after 32 s (TCP_ACCEPT_TIMEOUT in sip/transp.c).
 *
 * So the guard works from outside, on the descriptors themselves: it
 * finds the listening sockets and the connections accepted on them in
 * /proc/self/fd, ends a connection with shutdown(2) (libre then reads end
 * of file and frees it as if the peer had closed), and keeps the count
 * below a limit that leaves descriptors free, so that libre's accept()
 * does not fail. When it fails anyway (descriptors taken by something
 * else), the guard sheds connections and, as a last resort, takes the
 * queued connections off the listener with a spare descriptor
 * (close-accept-close), so that the spin lasts one guard tick at most.
 *
 * Linux only (it reads /proc/self/fd). Since 0.1.
 * ------------------------------------------------------------------- */

/** Called for every action: @p what is "idle" (no request within
 *  idle_ms), "limit" (over max_conns) or "exhausted" (accept() failing);
 *  @p closed connections were ended, @p open remain. */
typedef void(confinfo_sipstack_guard_log_h)(const char *what, size_t closed,
					    size_t open, void *arg);

/** What the guard enforces. */
struct confinfo_sipstack_guard_params {
	/** Accepted connections at most; 0: the descriptor limit minus a
	 *  reserve (up to 64). */
	size_t max_conns;
	/** A connection must send its first request within this many
	 *  milliseconds; 0: never closed for idleness. */
	uint32_t idle_ms;
	confinfo_sipstack_guard_log_h *logh; /**< optional */
	void *arg;
};

struct confinfo_sipstack_guard;

/**
 * A guard on @p sip. Create it before the notifier (its request listener
 * must come first, to see every request), and start it once the stack
 * listens.
 *
 * @return 0, EINVAL, ENOMEM
 */
int confinfo_sipstack_guard_open(
    struct confinfo_sipstack_guard **gp, struct sip *sip,
    const struct confinfo_sipstack_guard_params *p);

/** Start guarding the stack's TCP and TLS listeners (with none, the guard
 *  does nothing). */
void confinfo_sipstack_guard_start(struct confinfo_sipstack_guard *g);

/** Stop and free the guard (NULL is fine). */
void confinfo_sipstack_guard_close(struct confinfo_sipstack_guard *g);

#ifdef __cplusplus
}
#endif

#endif
