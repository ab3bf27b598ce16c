/*
 * confinfo focus: the guard of its TCP and TLS listeners (focus_guard.c).
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
 */
#ifndef CONFINFO_TOOLS_FOCUS_GUARD_H
#define CONFINFO_TOOLS_FOCUS_GUARD_H

#include <stddef.h>
#include <stdint.h>

struct sip;
struct focus_guard;

/* Called for every action: @p what is "idle" (no request within
 * idle_ms), "limit" (over max_conns) or "exhausted" (accept() failing);
 * @p closed connections were ended, @p open remain. */
typedef void(focus_guard_log_h)(const char *what, size_t closed, size_t open,
				void *arg);

struct focus_guard_params {
	size_t max_conns; /* accepted connections at most; 0: the
			     descriptor limit minus a reserve */
	uint32_t idle_ms; /* a connection must send a request within it */
	focus_guard_log_h *logh;
	void *arg;
};

/* A guard on @p sip: call before the notifier is created (its request
 * listener must come first). 0, ENOMEM. */
int focus_guard_open(struct focus_guard **gp, struct sip *sip,
		     const struct focus_guard_params *p);

/* Start guarding the TCP/TLS listeners (call once they all listen; with
 * none, the guard does nothing). */
void focus_guard_start(struct focus_guard *g);

/* NULL is fine. */
void focus_guard_close(struct focus_guard *g);

#endif
