/*
 * The guard of a server stack's TCP and TLS listeners (sipstack.h says
 * why it works from outside libre).
 *
 * Every TICK_MS the guard looks whether a listener has stayed readable
 * for two ticks: libre accepts as soon as it can, so a connection still
 * queued 100 ms later means accept() is failing. Every SCAN_TICKS ticks,
 * and at once in that case, it reads /proc/self/fd: the connections
 * accepted on our listeners (local address = a listener's), each
 * remembered by descriptor and inode (a number reused for another socket
 * is a new connection) with the time it was first seen and whether its
 * peer has sent a request (our request listener, asked before the
 * notifier's, notes the source of every TCP/TLS request). It then ends,
 * with shutdown(2):
 *   - connections silent for idle_ms since they were first seen;
 *   - above max_conns, those without a request first, newest first;
 *   - when accept() fails, every connection without a request and a
 *     tenth of the others; with nothing to end, the queued connections
 *     are taken off the listener with the spare descriptor.
 */
#define _GNU_SOURCE /* accept4 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <re.h>

#include "confinfo/sipstack.h"

#define TICK_MS       100
#define SCAN_TICKS    10
#define MAX_LISTENERS 16
#define RESERVE_MAX   64
#define PEERS_MAX     4096

struct conn_ent {
	uint64_t ino; /* 0: not a connection we know */
	uint64_t since;
	bool active; /* its peer sent a request */
};

struct cand {
	int fd;
	uint64_t since;
	bool active;
};

struct confinfo_sipstack_guard {
	struct sip_lsnr *lsnr;
	struct tmr tmr;
	struct pollfd lfd[MAX_LISTENERS];
	struct sa laddr[MAX_LISTENERS];
	size_t nl;
	struct conn_ent *ents; /* indexed by descriptor */
	size_t nents;
	struct sa peers[PEERS_MAX]; /* request sources since the last scan */
	size_t npeers;
	bool peers_full;
	size_t max_conns;
	uint32_t idle_ms;
	unsigned tick, readable;
	int spare;
	confinfo_sipstack_guard_log_h *logh;
	void *arg;
};

static bool sock_int(int fd, int opt, int *v)
{
	socklen_t len = sizeof(*v);

	return !getsockopt(fd, SOL_SOCKET, opt, v, &len);
}

/* A stream socket: its local address and whether it listens. */
static bool stream_sock(int fd, struct sa *local, bool *listening)
{
	int type, acc;

	if (!sock_int(fd, SO_TYPE, &type) || type != SOCK_STREAM ||
	    !sock_int(fd, SO_ACCEPTCONN, &acc))
		return false;
	sa_init(local, AF_UNSPEC);
	local->len = sizeof(local->u);
	if (getsockname(fd, &local->u.sa, &local->len))
		return false;
	*listening = acc != 0;
	return true;
}

static bool is_ours(const struct confinfo_sipstack_guard *g,
		    const struct sa *local)
{
	for (size_t i = 0; i < g->nl; i++) {
		const struct sa *l = &g->laddr[i];

		if (sa_isset(l, SA_ADDR) ? sa_cmp(l, local, SA_ALL)
					 : sa_af(l) == sa_af(local) &&
					       sa_port(l) == sa_port(local))
			return true;
	}
	return false;
}

static bool request_handler(const struct sip_msg *msg, void *arg)
{
	struct confinfo_sipstack_guard *g = arg;

	if (msg->tp == SIP_TRANSP_TCP || msg->tp == SIP_TRANSP_TLS) {
		if (g->npeers < PEERS_MAX)
			g->peers[g->npeers++] = msg->src;
		else
			g->peers_full = true;
	}
	return false; /* the notifier answers it */
}

static bool peer_active(struct confinfo_sipstack_guard *g, int fd)
{
	struct sa peer;

	if (g->peers_full)
		return true; /* cannot tell: spare it */
	sa_init(&peer, AF_UNSPEC);
	peer.len = sizeof(peer.u);
	if (getpeername(fd, &peer.u.sa, &peer.len))
		return false;
	for (size_t i = 0; i < g->npeers; i++)
		if (sa_cmp(&g->peers[i], &peer, SA_ALL))
			return true;
	return false;
}

static struct conn_ent *ent_get(struct confinfo_sipstack_guard *g, int fd)
{
	if ((size_t)fd >= g->nents) {
		size_t n = (size_t)fd * 2 + 64;
		struct conn_ent *e = realloc(g->ents, n * sizeof(*e));

		if (!e)
			return NULL;
		memset(e + g->nents, 0, (n - g->nents) * sizeof(*e));
		g->ents = e;
		g->nents = n;
	}
	return &g->ents[fd];
}

/* The connections accepted on our listeners, in *cp (free()). */
static size_t gather(struct confinfo_sipstack_guard *g, uint64_t now,
		     struct cand **cp)
{
	struct cand *c = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *dir = opendir("/proc/self/fd");

	if (!dir)
		return 0;
	while ((de = readdir(dir)) != NULL) {
		int fd = atoi(de->d_name);
		struct conn_ent *e;
		struct sa local;
		struct stat st;
		bool listening;

		if (fd < 0 || !de->d_name[0] || de->d_name[0] == '.' ||
		    fd == dirfd(dir) || fstat(fd, &st) ||
		    !S_ISSOCK(st.st_mode) ||
		    !stream_sock(fd, &local, &listening) || listening ||
		    !is_ours(g, &local) || !(e = ent_get(g, fd)))
			continue;
		if (e->ino != (uint64_t)st.st_ino) {
			e->ino = (uint64_t)st.st_ino;
			e->since = now;
			e->active = false;
		}
		if (!e->active)
			e->active = peer_active(g, fd);
		if (n == cap) {
			struct cand *nc =
			    realloc(c, (cap = cap * 2 + 64) * sizeof(*c));

			if (!nc)
				break;
			c = nc;
		}
		c[n++] = (struct cand){fd, e->since, e->active};
	}
	closedir(dir);
	g->npeers = 0;
	g->peers_full = false;
	*cp = c;
	return n;
}

/* Without a request first, then the newest: first seen last, and among
 * those first seen by one scan the highest descriptor (the kernel hands
 * out the lowest free one, so within a burst later means higher). */
static int cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->active != y->active)
		return x->active ? 1 : -1;
	if (x->since != y->since)
		return x->since < y->since ? 1 : -1;
	return x->fd < y->fd ? 1 : x->fd > y->fd ? -1 : 0;
}

static void end_conn(struct confinfo_sipstack_guard *g, struct cand *c)
{
	(void)shutdown(c->fd, SHUT_RDWR);
	g->ents[c->fd].ino = 0;
	c->fd = -1;
}

/* With the spare descriptor, take the queued connections off the
 * listeners: the only way to stop libre's accept loop when every
 * descriptor is held by something we may not end. */
static size_t drain(struct confinfo_sipstack_guard *g)
{
	size_t n = 0;

	if (g->spare >= 0)
		close(g->spare);
	for (size_t i = 0; i < g->nl; i++) {
		int fd;

		while ((fd = accept4(g->lfd[i].fd, NULL, NULL,
				     SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
			close(fd);
			n++;
		}
	}
	g->spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
	return n;
}

static void report(struct confinfo_sipstack_guard *g, const char *what,
		   size_t closed, size_t open)
{
	if (closed && g->logh)
		g->logh(what, closed, open, g->arg);
}

static void enforce(struct confinfo_sipstack_guard *g, bool exhausted)
{
	uint64_t now = tmr_jiffies();
	struct cand *c = NULL;
	size_t n, nopen, idle = 0, over = 0, more;

	/* Reading /proc/self/fd takes a descriptor too. */
	if (exhausted && g->spare >= 0) {
		close(g->spare);
		g->spare = -1;
	}
	n = gather(g, now, &c);
	nopen = n;

	for (size_t i = 0; i < n; i++) {
		if (!c[i].active && g->idle_ms &&
		    now - c[i].since >= g->idle_ms) {
			end_conn(g, &c[i]);
			idle++;
		}
	}
	nopen -= idle;
	qsort(c, n, sizeof(*c), cand_cmp);
	more = nopen > g->max_conns ? nopen - g->max_conns : 0;
	if (exhausted) {
		/* Room for libre's accept() again. */
		size_t active = 0;

		for (size_t i = 0; i < n; i++)
			active += c[i].fd >= 0 && c[i].active;
		more = (nopen - active) + active / 10;
		if (more > nopen)
			more = nopen;
	}
	for (size_t i = 0; i < n && over < more; i++) {
		if (c[i].fd < 0)
			continue;
		end_conn(g, &c[i]);
		over++;
	}
	nopen -= over;
	free(c);
	report(g, "idle", idle, nopen);
	report(g, exhausted ? "exhausted" : "limit", over, nopen);
	if (exhausted && !idle && !over)
		report(g, "exhausted", drain(g), nopen);
	if (g->spare < 0)
		g->spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

/* accept() is failing: out of descriptors? */
static bool out_of_fds(const struct confinfo_sipstack_guard *g)
{
	int fd = fcntl(g->spare >= 0 ? g->spare : 0, F_DUPFD_CLOEXEC, 0);

	if (fd >= 0) {
		close(fd);
		return false;
	}
	return errno == EMFILE || errno == ENFILE;
}

static void tick(void *arg)
{
	struct confinfo_sipstack_guard *g = arg;
	bool readable = false, exhausted = false;

	tmr_start(&g->tmr, TICK_MS, tick, g);
	if (poll(g->lfd, (nfds_t)g->nl, 0) > 0)
		for (size_t i = 0; i < g->nl; i++)
			readable |= (g->lfd[i].revents & POLLIN) != 0;
	g->readable = readable ? g->readable + 1 : 0;
	/* A spare descriptor may hide the shortage from the test: the
	 * listener queued for two ticks is the sign either way. */
	if (g->readable >= 2)
		exhausted = out_of_fds(g) || g->readable >= 4;
	if (exhausted || ++g->tick >= SCAN_TICKS) {
		g->tick = 0;
		enforce(g, exhausted);
		if (exhausted)
			g->readable = 0;
	}
}

static size_t default_max(void)
{
	struct rlimit rl;
	size_t cur, reserve;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur == RLIM_INFINITY)
		return 100000;
	cur = (size_t)rl.rlim_cur;
	reserve = cur / 4 < RESERVE_MAX ? cur / 4 : RESERVE_MAX;
	return cur - reserve;
}

static void find_listeners(struct confinfo_sipstack_guard *g)
{
	struct dirent *de;
	DIR *dir = opendir("/proc/self/fd");

	if (!dir)
		return;
	while ((de = readdir(dir)) != NULL && g->nl < MAX_LISTENERS) {
		int fd = atoi(de->d_name);
		struct sa local;
		bool listening;

		if (de->d_name[0] == '.' || fd == dirfd(dir) ||
		    !stream_sock(fd, &local, &listening) || !listening)
			continue;
		g->lfd[g->nl].fd = fd;
		g->lfd[g->nl].events = POLLIN;
		g->laddr[g->nl++] = local;
	}
	closedir(dir);
}

int confinfo_sipstack_guard_open(struct confinfo_sipstack_guard **gp,
				 struct sip *sip,
				 const struct confinfo_sipstack_guard_params *p)
{
	struct confinfo_sipstack_guard *g;
	int err;

	if (!gp || !sip || !p)
		return EINVAL;
	g = calloc(1, sizeof(*g));
	if (!g)
		return ENOMEM;
	tmr_init(&g->tmr);
	g->max_conns = p->max_conns ? p->max_conns : default_max();
	g->idle_ms = p->idle_ms;
	g->logh = p->logh;
	g->arg = p->arg;
	g->spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
	/* Registered before the notifier's listener: libre asks them in
	 * order, and the notifier's answers every request. */
	err = sip_listen(&g->lsnr, sip, true, request_handler, g);
	if (err) {
		confinfo_sipstack_guard_close(g);
		return err;
	}
	*gp = g;
	return 0;
}

void confinfo_sipstack_guard_start(struct confinfo_sipstack_guard *g)
{
	if (!g)
		return;
	find_listeners(g);
	if (g->nl)
		tmr_start(&g->tmr, TICK_MS, tick, g);
}

void confinfo_sipstack_guard_close(struct confinfo_sipstack_guard *g)
{
	if (!g)
		return;
	tmr_cancel(&g->tmr);
	mem_deref(g->lsnr);
	if (g->spare >= 0)
		close(g->spare);
	free(g->ents);
	free(g);
}
