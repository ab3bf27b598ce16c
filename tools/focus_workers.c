/*
 * confinfo focus --workers N (focus_workers.h).
 *
 * libre 1.1.0 creates, binds and watches its listening sockets in one
 * call (sip_transp_add() -> udp_listen() / tcp_listen()), with no way to
 * set SO_REUSEPORT before the bind, which is when Linux needs it, nor to
 * hand it a socket of ours. So this file defines bind(): in a worker, a
 * bind() of a listener's address (libre's, from the worker's
 * confinfo_sipstack_listen()) puts the worker's socket of that listener,
 * bound by the parent, in place of libre's own with dup3(), and returns
 * success; libre then watches and uses our socket under its descriptor
 * number. Every other bind() (any address in the parent, the watcher, the
 * XMPP child's helpers, the sockets libre opens for outgoing
 * connections) goes to the C library's bind() unchanged. The definition
 * lives in the confinfo program only, never in a library: a library must
 * not change bind() for the program that embeds it.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <re.h>

#include "focus_workers.h"

/* A worker that ends within this time of its start, this many times in a
 * row, is not started again: something is wrong with every start (a
 * corrupt store, a resource limit), and restarting it forever would hide
 * it. */
#define QUICK_DEATH_MS   10000
#define QUICK_DEATHS_MAX 5
/* A listener's port still in use is tried again for this many times 50
 * ms. */
#define IN_USE_TRIES 40

struct listener {
	const char *spec;
	int type;                     /* SOCK_DGRAM, SOCK_STREAM */
	struct sockaddr_storage want; /* as given: the port may be 0 */
	int *fd;                      /* one per worker; -1: not here */
};

struct worker {
	pid_t pid; /* 0: not running */
	bool ready;
	uint64_t started_ms;
	unsigned quick_deaths;
};

struct focus_workers {
	unsigned n;
	struct listener *l;
	size_t count;
	struct worker *w;
	int ready_pipe[2];
	int sigfd; /* the parent's signalfd, -1: none */
	int self;  /* -1 in the parent, K in worker K */
	sigset_t old_mask;
	char *dir;   /* the private store's directory, or NULL */
	char *store; /* its database file */
};

/* The worker whose sockets bind() adopts: set in a worker from its start
 * until it is ready; NULL in every other process. */
static struct focus_workers *adopting;

/* ------------------------------------------------------------------ */
/* bind() */

typedef int(bind_fn)(int, const struct sockaddr *, socklen_t);

static int next_bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	static bind_fn *next;

	if (!next) {
		void *sym = dlsym(RTLD_NEXT, "bind");

		if (!sym) {
			errno = ENOSYS;
			return -1;
		}
		memcpy(&next, &sym, sizeof(next));
	}
	return next(fd, addr, len);
}

static bool same_addr(const struct sockaddr_storage *a,
		      const struct sockaddr *b, socklen_t len)
{
	if (a->ss_family != b->sa_family)
		return false;
	if (b->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *x = (const void *)a;
		const struct sockaddr_in *y = (const void *)b;

		return x->sin_port == y->sin_port &&
		       x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (b->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *x = (const void *)a;
		const struct sockaddr_in6 *y = (const void *)b;

		return x->sin6_port == y->sin6_port &&
		       !memcmp(&x->sin6_addr, &y->sin6_addr,
			       sizeof(x->sin6_addr));
	}
	return false;
}

/* 0: @p fd is now this worker's socket of a listener; -1: failed (errno);
 * 1: not a listener's address. */
static int adopt(struct focus_workers *w, int fd, const struct sockaddr *addr,
		 socklen_t len)
{
	socklen_t tlen = sizeof(int);
	int type;

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen))
		return 1;
	for (size_t i = 0; i < w->count; i++) {
		struct listener *l = &w->l[i];
		int own = l->fd[w->self];

		if (l->type != type || own < 0 ||
		    !same_addr(&l->want, addr, len))
			continue;
		if (dup3(own, fd, O_CLOEXEC) < 0)
			return -1;
		close(own);
		l->fd[w->self] = -1;
		return 0;
	}
	return 1;
}

/* Declared as glibc declares it (with _GNU_SOURCE, a transparent union of
 * the sockaddr pointer types). */
int bind(int fd, __CONST_SOCKADDR_ARG arg, socklen_t len)
{
	const struct sockaddr *addr = arg.__sockaddr__;

	if (adopting && addr) {
		int r = adopt(adopting, fd, addr, len);

		if (r <= 0)
			return r;
	}
	return next_bind(fd, addr, len);
}

/* ------------------------------------------------------------------ */
/* The sockets. */

unsigned focus_workers_default(void)
{
	cpu_set_t set;
	long n;

	if (!sched_getaffinity(0, sizeof(set), &set))
		n = CPU_COUNT(&set);
	else
		n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		return 1;
	return n > FOCUS_WORKERS_MAX ? FOCUS_WORKERS_MAX : (unsigned)n;
}

static uint16_t port_of(const struct sockaddr_storage *a)
{
	if (a->ss_family == AF_INET)
		return ntohs(
		    ((const struct sockaddr_in *)(const void *)a)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)(const void *)a)->sin6_port);
}

static int parse_spec(struct listener *l, const char *spec)
{
	const char *addr = spec + 4;
	struct sa sa;

	l->spec = spec;
	if (!strncmp(spec, "udp:", 4))
		l->type = SOCK_DGRAM;
	else if (!strncmp(spec, "tcp:", 4) || !strncmp(spec, "tls:", 4))
		l->type = SOCK_STREAM;
	else
		return EINVAL;
	if (sa_decode(&sa, addr, strlen(addr)) || sa.len > sizeof(l->want))
		return EINVAL;
	memset(&l->want, 0, sizeof(l->want));
	memcpy(&l->want, &sa.u, sa.len);
	return 0;
}

/* Whether another socket holds @p at: SO_REUSEPORT would let our sockets
 * join a group of another process of the same user (a second focus
 * started on the same port) instead of failing as a plain bind does. */
static int in_use(int type, const struct sockaddr_storage *at, socklen_t len)
{
	int fd = socket(at->ss_family, type | SOCK_CLOEXEC, 0);
	int err = 0;

	const int one = 1;

	if (fd < 0)
		return errno;
	/* Past TIME_WAIT, as below; a listener still refuses the bind. */
	if ((type == SOCK_STREAM &&
	     setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one))) ||
	    next_bind(fd, (const struct sockaddr *)at, len))
		err = errno;
	close(fd);
	return err;
}

/* Bind @p l's N sockets: the first on the address as given, the others on
 * the port the first got. */
static int bind_group(struct listener *l, unsigned n)
{
	struct sockaddr_storage at = l->want;
	socklen_t len = at.ss_family == AF_INET ? sizeof(struct sockaddr_in)
						: sizeof(struct sockaddr_in6);
	const int one = 1;
	int err;

	/* The workers of a focus just killed may still hold the port for
	 * some milliseconds: wait for them a little. */
	for (int tries = 0; port_of(&at); tries++) {
		const struct timespec pause = {.tv_nsec = 50 * 1000 * 1000};

		err = in_use(l->type, &at, len);
		if (!err)
			break;
		if (err != EADDRINUSE || tries == IN_USE_TRIES)
			return err;
		nanosleep(&pause, NULL);
	}

	for (unsigned k = 0; k < n; k++) {
		int fd = socket(at.ss_family,
				l->type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

		if (fd < 0)
			return errno;
		l->fd[k] = fd;
		/* SO_REUSEADDR as libre sets it on its TCP listeners:
		 * a restarted focus rebinds past TIME_WAIT. */
		if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one,
			       sizeof(one)) ||
		    (l->type == SOCK_STREAM &&
		     setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
				sizeof(one))) ||
		    next_bind(fd, (struct sockaddr *)&at, len))
			return errno;
		if (k == 0 && !port_of(&at) &&
		    getsockname(fd, (struct sockaddr *)&at, &len))
			return errno;
	}
	return 0;
}

int focus_workers_open(struct focus_workers **wp, unsigned n,
		       const char *const *listen, size_t count)
{
	struct focus_workers *w;
	int err = 0;

	w = calloc(1, sizeof(*w));
	if (!w)
		return ENOMEM;
	w->n = n;
	w->self = -1;
	w->sigfd = -1;
	w->ready_pipe[0] = w->ready_pipe[1] = -1;
	w->l = calloc(count, sizeof(*w->l));
	w->w = calloc(n, sizeof(*w->w));
	if (!w->l || !w->w) {
		focus_workers_close(w);
		return ENOMEM;
	}
	w->count = count;
	for (size_t i = 0; i < count; i++) {
		w->l[i].fd = malloc(n * sizeof(int));
		if (!w->l[i].fd) {
			err = ENOMEM;
			break;
		}
		for (unsigned k = 0; k < n; k++)
			w->l[i].fd[k] = -1;
		if (parse_spec(&w->l[i], listen[i])) {
			fprintf(stderr,
				"confinfo focus: listen '%s': expected udp:, "
				"tcp: or tls:ADDR:PORT\n",
				listen[i]);
			err = EINVAL;
			break;
		}
		err = bind_group(&w->l[i], n);
		if (err) {
			fprintf(stderr, "confinfo focus: listen '%s': %s\n",
				listen[i], strerror(err));
			break;
		}
	}
	if (err) {
		focus_workers_close(w);
		return err;
	}
	*wp = w;
	return 0;
}

const char *focus_workers_private_store(struct focus_workers *w)
{
	const char *base = getenv("TMPDIR");

	if (!access("/dev/shm", W_OK | X_OK))
		base = "/dev/shm";
	else if (!base || !*base)
		base = "/tmp";
	if (asprintf(&w->dir, "%s/confinfo-focus.XXXXXX", base) < 0) {
		w->dir = NULL;
		return NULL;
	}
	if (!mkdtemp(w->dir)) {
		fprintf(stderr, "confinfo focus: %s: %s\n", w->dir,
			strerror(errno));
		free(w->dir);
		w->dir = NULL;
		return NULL;
	}
	if (asprintf(&w->store, "%s/state.db", w->dir) < 0) {
		w->store = NULL;
		return NULL;
	}
	return w->store;
}

/* ------------------------------------------------------------------ */
/* The processes. */

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* In the child: keep worker @p k's sockets only, and adopt them. */
static void become_worker(struct focus_workers *w, unsigned k, pid_t parent)
{
	w->self = (int)k;
	for (size_t i = 0; i < w->count; i++)
		for (unsigned j = 0; j < w->n; j++)
			if (j != k && w->l[i].fd[j] >= 0) {
				close(w->l[i].fd[j]);
				w->l[i].fd[j] = -1;
			}
	close(w->ready_pipe[0]);
	w->ready_pipe[0] = -1;
	close(w->sigfd);
	w->sigfd = -1;
	/* A worker must not outlive the focus it belongs to: the focus
	 * killed is the focus crashed, every worker with it (a SIGTERM
	 * would let them hold the ports for their shutdown grace while a
	 * new focus starts). */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
		_exit(1);
	sigprocmask(SIG_SETMASK, &w->old_mask, NULL);
	adopting = w;
}

static int start(struct focus_workers *w, unsigned k, focus_worker_h *h,
		 void *arg)
{
	pid_t parent = getpid();
	pid_t pid;

	fflush(NULL); /* or the child would write the parent's buffers too */
	pid = fork();
	if (pid < 0)
		return errno;
	if (pid == 0) {
		int status;

		become_worker(w, k, parent);
		status = h(k, arg);
		fflush(NULL);
		_exit(status);
	}
	w->w[k].pid = pid;
	w->w[k].ready = false;
	w->w[k].started_ms = now_ms();
	return 0;
}

int focus_workers_self(const struct focus_workers *w)
{
	return w ? w->self : -1;
}

void focus_workers_ready(struct focus_workers *w)
{
	uint8_t k;

	if (!w || w->self < 0)
		return;
	adopting = NULL;
	/* Sockets libre did not take (it should take them all). */
	for (size_t i = 0; i < w->count; i++)
		if (w->l[i].fd[w->self] >= 0) {
			close(w->l[i].fd[w->self]);
			w->l[i].fd[w->self] = -1;
		}
	k = (uint8_t)w->self;
	if (write(w->ready_pipe[1], &k, 1) != 1)
		fprintf(stderr, "confinfo focus: worker %d: %s\n", w->self,
			strerror(errno));
}

static void signal_all(struct focus_workers *w, int sig)
{
	for (unsigned k = 0; k < w->n; k++)
		if (w->w[k].pid > 0)
			kill(w->w[k].pid, sig);
}

static unsigned running(const struct focus_workers *w)
{
	unsigned count = 0;

	for (unsigned k = 0; k < w->n; k++)
		count += w->w[k].pid > 0;
	return count;
}

/* The parent's state while it supervises. */
struct supervisor {
	struct focus_workers *w;
	focus_worker_h *h;
	void *arg;
	unsigned ready; /* workers ready at least once */
	bool announced; /* "ready" printed */
	bool stopping;  /* a signal came, or a worker failed */
	int status;     /* the focus's exit status */
};

static void on_ready(struct supervisor *s, unsigned k)
{
	struct focus_workers *w = s->w;

	if (k >= w->n || w->w[k].ready)
		return;
	w->w[k].ready = true;
	if (s->announced) {
		printf("worker id=%u pid=%d what=ready\n", k, (int)w->w[k].pid);
	} else if (++s->ready == w->n) {
		for (size_t i = 0; i < w->count; i++)
			printf("listen %s\n", w->l[i].spec);
		printf("workers %u\n", w->n);
		printf("ready\n");
		s->announced = true;
	}
	fflush(stdout);
}

static void describe(char *buf, size_t size, int st)
{
	if (WIFSIGNALED(st))
		snprintf(buf, size, "signal %d", WTERMSIG(st));
	else
		snprintf(buf, size, "exit %d", WEXITSTATUS(st));
}

static void on_end(struct supervisor *s, unsigned k, int st)
{
	struct focus_workers *w = s->w;
	struct worker *x = &w->w[k];
	bool clean = WIFEXITED(st) && WEXITSTATUS(st) == 0;
	char how[32];
	int err;

	describe(how, sizeof(how), st);
	printf("worker id=%u pid=%d what=ended status=\"%s\"\n", k, (int)x->pid,
	       how);
	fflush(stdout);
	x->pid = 0;
	if (s->stopping) {
		if (!clean)
			s->status = 1;
		return;
	}
	x->quick_deaths =
	    now_ms() - x->started_ms < QUICK_DEATH_MS ? x->quick_deaths + 1 : 0;
	if (!x->ready || x->quick_deaths >= QUICK_DEATHS_MAX) {
		fprintf(stderr,
			"confinfo focus: worker %u %s (%s): stopping the "
			"focus\n",
			k,
			x->ready ? "keeps ending" : "ended before it was ready",
			how);
		s->status = 1;
		s->stopping = true;
		signal_all(w, SIGTERM);
		return;
	}
	err = start(w, k, s->h, s->arg);
	if (err) {
		fprintf(stderr, "confinfo focus: worker %u: fork: %s\n", k,
			strerror(err));
		s->status = 1;
		s->stopping = true;
		signal_all(w, SIGTERM);
		return;
	}
	printf("worker id=%u pid=%d what=started\n", k, (int)x->pid);
	fflush(stdout);
}

static void reap(struct supervisor *s)
{
	pid_t pid;
	int st;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
		for (unsigned k = 0; k < s->w->n; k++)
			if (s->w->w[k].pid == pid) {
				on_end(s, k, st);
				break;
			}
}

static void on_signal(struct supervisor *s, int sfd)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD) {
			reap(s);
			continue;
		}
		/* A second signal reaches the workers too: they stop
		 * waiting for their final NOTIFYs. */
		s->stopping = true;
		signal_all(s->w, (int)si.ssi_signo);
	}
}

int focus_workers_run(struct focus_workers *w, focus_worker_h *h, void *arg)
{
	struct supervisor s = {.w = w, .h = h, .arg = arg};
	struct pollfd pfd[2];
	sigset_t set;
	int sfd, err = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, &w->old_mask))
		return 1;
	sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	w->sigfd = sfd;
	if (sfd < 0 || pipe2(w->ready_pipe, O_CLOEXEC | O_NONBLOCK)) {
		fprintf(stderr, "confinfo focus: workers: %s\n",
			strerror(errno));
		if (sfd >= 0)
			close(sfd);
		w->sigfd = -1;
		return 1;
	}
	for (unsigned k = 0; k < w->n && !err; k++)
		err = start(w, k, h, arg);
	if (err) {
		fprintf(stderr, "confinfo focus: fork: %s\n", strerror(err));
		s.status = 1;
		s.stopping = true;
		signal_all(w, SIGTERM);
	}
	pfd[0] = (struct pollfd){.fd = sfd, .events = POLLIN};
	pfd[1] = (struct pollfd){.fd = w->ready_pipe[0], .events = POLLIN};
	while (running(w)) {
		uint8_t k[64];
		ssize_t got;

		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents & POLLIN)
			while ((got = read(w->ready_pipe[0], k, sizeof(k))) > 0)
				for (ssize_t i = 0; i < got; i++)
					on_ready(&s, k[i]);
		if (pfd[0].revents & POLLIN)
			on_signal(&s, sfd);
	}
	close(sfd);
	w->sigfd = -1;
	sigprocmask(SIG_SETMASK, &w->old_mask, NULL);
	return s.status;
}

/* ------------------------------------------------------------------ */

static int remove_entry(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	if (remove(path))
		fprintf(stderr, "confinfo focus: %s: %s\n", path,
			strerror(errno));
	return 0;
}

void focus_workers_close(struct focus_workers *w)
{
	if (!w)
		return;
	for (size_t i = 0; w->l && i < w->count; i++) {
		for (unsigned k = 0; w->l[i].fd && k < w->n; k++)
			if (w->l[i].fd[k] >= 0)
				close(w->l[i].fd[k]);
		free(w->l[i].fd);
	}
	if (w->ready_pipe[0] >= 0)
		close(w->ready_pipe[0]);
	if (w->ready_pipe[1] >= 0)
		close(w->ready_pipe[1]);
	/* The parent only: a worker leaves the store to its parent. */
	if (w->dir && w->self < 0)
		(void)nftw(w->dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	free(w->dir);
	free(w->store);
	free(w->l);
	free(w->w);
	free(w);
}
