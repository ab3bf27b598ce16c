/*
 * confinfo focus --workers N: the SIP work spread over N processes
 * (docs/performance-sip.md, "Both cores").
 *
 * The parent binds every listener N times with SO_REUSEPORT before it
 * forks, so the kernel spreads UDP datagrams (by source address and
 * port) and TCP connections over the N sockets of each listener. Worker K
 * serves what reaches its sockets: a subscription lives in the worker
 * that received its SUBSCRIBE, and its refreshes and the answers to its
 * NOTIFYs, which come from the same address and port, reach that worker
 * too. The parent keeps every socket open, so a worker that dies leaves
 * the groups as they were (nothing is re-hashed to other workers) and
 * the worker started in its place takes over its sockets.
 *
 * The workers share the conference states through the store (store.h),
 * as focus nodes do: a change accepted by one is saved, announced, and
 * served by the others.
 *
 * Everything here runs before libre is initialised (the parent never
 * runs libre).
 */
#ifndef CONFINFO_TOOLS_FOCUS_WORKERS_H
#define CONFINFO_TOOLS_FOCUS_WORKERS_H

#include <stddef.h>

#define FOCUS_WORKERS_MAX 64

struct focus_workers;

/* The default of --workers: the CPUs this process may run on, at most
 * FOCUS_WORKERS_MAX. */
unsigned focus_workers_default(void);

/* Bind every listener of @p listen ("udp:", "tcp:" or "tls:ADDR:PORT")
 * @p n times with SO_REUSEPORT. A port 0 is chosen by the kernel once,
 * for all N. Errors are printed (naming the listener); returns 0 or an
 * errno. */
int focus_workers_open(struct focus_workers **wp, unsigned n,
		       const char *const *listen, size_t count);

/* A directory for the workers' shared store when --state was not given
 * (in /dev/shm when there is one: nothing there needs to survive the
 * focus), removed by focus_workers_close(). Returns the store's path
 * inside it, or NULL (printed). */
const char *focus_workers_private_store(struct focus_workers *w);

/* One worker: runs the focus as worker @p k (0..N-1) and returns its exit
 * status. Called in the child process. */
typedef int(focus_worker_h)(unsigned k, void *arg);

/*
 * Fork the N workers and supervise them until they have all ended:
 * SIGINT and SIGTERM are passed on to them; "listen SPEC" for every
 * listener and "ready" are printed once every worker is ready
 * (focus_workers_ready()); a worker that ends on its own after it was
 * ready is started again (one that fails before it is ready ends the
 * focus, as does a worker that keeps dying). Returns the focus's exit
 * status: 0 when every worker ended with 0 after a signal.
 */
int focus_workers_run(struct focus_workers *w, focus_worker_h *h, void *arg);

/* In a worker: its number K; -1 in the parent or without workers
 * (@p w NULL). */
int focus_workers_self(const struct focus_workers *w);

/* In a worker: it serves (its listeners are added and its state loaded). */
void focus_workers_ready(struct focus_workers *w);

/* Close the sockets and remove the private store (NULL is fine). */
void focus_workers_close(struct focus_workers *w);

#endif
