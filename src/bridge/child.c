/*
 * The confinfo-xmpp child (docs/chat-bridge.md, briefs: the protocol).
 * libstrophe blocks in its TLS handshake and SRV lookup, so it runs in a
 * process of its own; the focus talks to it over a socketpair, one JSON
 * object per line each way, from its libre loop, and never waits:
 * - reads are non-blocking and split into lines here (a line over
 *   65,536 bytes is dropped whole, up to its newline);
 * - writes go to a bounded queue flushed when the socket is writable: a
 *   child that stops reading loses commands (logged by the caller), the
 *   SIP side never stalls;
 * - a child that dies (EOF) is reaped and started again after a backoff,
 *   1 s doubling to 60 s, back to 1 s once one has lived a minute.
 * Spawned with posix_spawn (no shell); its credentials are in its own
 * options (a password file name, never the password).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <re.h>

#include "bridge_int.h"

extern char **environ;

#define LINE_MAX_BYTES  65536
#define QUEUE_MAX_BYTES (4u * 1024 * 1024)
#define BACKOFF_MIN_MS  1000
#define BACKOFF_MAX_MS  60000
#define STABLE_MS       60000

struct bridge_child {
	char **argv;
	bridge_child_line_h *lineh;
	bridge_child_state_h *stateh;
	void *arg;
	pid_t pid;
	int fd;
	uint64_t started;
	uint32_t backoff;
	struct tmr restart;
	/* Input: bytes of an incomplete line; skipping a too long one. */
	char *in;
	size_t in_len;
	bool skipping;
	/* Output queue. */
	struct mbuf *out;
	bool freeing;
};

static void child_start(void *arg);

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	(void)nanosleep(&ts, NULL);
}
static void fd_handler(int flags, void *arg);

static void reap(struct bridge_child *c)
{
	if (c->pid <= 0)
		return;
	/* The socket is closed: a child that has not exited yet gets
	 * SIGTERM; it must not linger as a zombie either. */
	if (waitpid(c->pid, NULL, WNOHANG) == 0) {
		(void)kill(c->pid, SIGTERM);
		for (int i = 0; i < 50; i++) {
			if (waitpid(c->pid, NULL, WNOHANG) != 0)
				goto out;
			sleep_ms(2);
		}
		(void)kill(c->pid, SIGKILL);
		(void)waitpid(c->pid, NULL, 0);
	}
out:
	c->pid = 0;
}

static void child_down(struct bridge_child *c, const char *why)
{
	if (c->fd >= 0) {
		fd_close(c->fd);
		close(c->fd);
		c->fd = -1;
	}
	reap(c);
	c->in_len = 0;
	c->skipping = false;
	if (c->out) {
		mbuf_reset(c->out);
	}
	if (c->freeing)
		return;
	if (tmr_jiffies() - c->started >= STABLE_MS)
		c->backoff = BACKOFF_MIN_MS;
	tmr_start(&c->restart, c->backoff, child_start, c);
	if (c->stateh)
		c->stateh(false, why, c->arg);
	c->backoff =
	    c->backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : c->backoff * 2;
}

/* Hand every complete line of the input buffer to the caller. */
static void split_lines(struct bridge_child *c)
{
	size_t start = 0;

	for (size_t i = 0; i < c->in_len; i++) {
		if (c->in[i] != '\n')
			continue;
		if (!c->skipping && c->lineh) {
			c->in[i] = '\0';
			c->lineh(c->in + start, i - start, c->arg);
		}
		c->skipping = false;
		start = i + 1;
		if (c->fd < 0)
			return; /* the handler stopped us */
	}
	memmove(c->in, c->in + start, c->in_len - start);
	c->in_len -= start;
	if (c->in_len > LINE_MAX_BYTES) {
		/* Too long: drop it up to its newline. */
		c->in_len = 0;
		c->skipping = true;
	}
}

static void read_some(struct bridge_child *c)
{
	for (int rounds = 0; rounds < 16 && c->fd >= 0; rounds++) {
		ssize_t n = read(c->fd, c->in + c->in_len,
				 LINE_MAX_BYTES + 1 - c->in_len);

		if (n == 0) {
			child_down(c, "the child closed its socket");
			return;
		}
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			child_down(c, strerror(errno));
			return;
		}
		c->in_len += (size_t)n;
		split_lines(c);
	}
}

static void flush_out(struct bridge_child *c)
{
	while (c->fd >= 0 && mbuf_get_left(c->out)) {
		ssize_t n =
		    write(c->fd, mbuf_buf(c->out), mbuf_get_left(c->out));

		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				child_down(c, strerror(errno));
			break;
		}
		mbuf_advance(c->out, n);
	}
	if (!mbuf_get_left(c->out))
		mbuf_reset(c->out);
	if (c->fd >= 0)
		(void)fd_listen(
		    c->fd, FD_READ | (mbuf_get_left(c->out) ? FD_WRITE : 0),
		    fd_handler, c);
}

static void fd_handler(int flags, void *arg)
{
	struct bridge_child *c = arg;

	if (flags & FD_WRITE)
		flush_out(c);
	if (c->fd >= 0 && (flags & (FD_READ | FD_EXCEPT)))
		read_some(c);
}

static int spawn(struct bridge_child *c, int sock)
{
	posix_spawn_file_actions_t fa;
	int err = posix_spawn_file_actions_init(&fa);

	if (err)
		return err;
	err = posix_spawn_file_actions_adddup2(&fa, sock, STDIN_FILENO);
	if (!err)
		err =
		    posix_spawn_file_actions_adddup2(&fa, sock, STDOUT_FILENO);
	if (!err)
		err = posix_spawn(&c->pid, c->argv[0], &fa, NULL, c->argv,
				  environ);
	posix_spawn_file_actions_destroy(&fa);
	return err;
}

static void child_start(void *arg)
{
	struct bridge_child *c = arg;
	int sv[2], err;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) {
		child_down(c, strerror(errno));
		return;
	}
	(void)fcntl(sv[0], F_SETFD, FD_CLOEXEC);
	(void)fcntl(sv[1], F_SETFD, FD_CLOEXEC);
	err = spawn(c, sv[1]);
	close(sv[1]);
	if (err) {
		close(sv[0]);
		c->pid = 0;
		child_down(c, strerror(err));
		return;
	}
	c->fd = sv[0];
	(void)fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
	c->started = tmr_jiffies();
	err = fd_listen(c->fd, FD_READ, fd_handler, c);
	if (err) {
		child_down(c, strerror(err));
		return;
	}
	if (c->stateh)
		c->stateh(true, NULL, c->arg);
}

int bridge_child_alloc(struct bridge_child **cp, const char *const *argv,
		       bridge_child_line_h *lineh, bridge_child_state_h *stateh,
		       void *arg)
{
	struct bridge_child *c;
	size_t n = 0;

	if (!cp || !argv || !argv[0])
		return EINVAL;
	while (argv[n])
		n++;
	c = calloc(1, sizeof(*c));
	if (!c)
		return ENOMEM;
	c->fd = -1;
	c->backoff = BACKOFF_MIN_MS;
	tmr_init(&c->restart);
	c->argv = calloc(n + 1, sizeof(*c->argv));
	c->in = malloc(LINE_MAX_BYTES + 2);
	c->out = mbuf_alloc(4096);
	for (size_t i = 0; c->argv && i < n; i++)
		if (!(c->argv[i] = strdup(argv[i])))
			goto fail;
	if (!c->argv || !c->in || !c->out)
		goto fail;
	c->lineh = lineh;
	c->stateh = stateh;
	c->arg = arg;
	*cp = c;
	/* From the loop: the caller finishes its setup first. */
	tmr_start(&c->restart, 0, child_start, c);
	return 0;
fail:
	c->freeing = true;
	bridge_child_free(c, 0);
	return ENOMEM;
}

int bridge_child_send(struct bridge_child *c, const char *line)
{
	size_t len = strlen(line);
	size_t pos;
	int err;

	if (!c || c->fd < 0)
		return ENOTCONN;
	if (mbuf_get_left(c->out) + len + 1 > QUEUE_MAX_BYTES)
		return ENOBUFS;
	/* Append at the end, keep the read position. */
	pos = c->out->pos;
	c->out->pos = c->out->end;
	err = mbuf_write_mem(c->out, (const uint8_t *)line, len);
	if (!err)
		err = mbuf_write_u8(c->out, '\n');
	c->out->pos = pos;
	if (err)
		return err;
	flush_out(c);
	return 0;
}

void bridge_child_free(struct bridge_child *c, uint32_t wait_ms)
{
	if (!c)
		return;
	c->freeing = true;
	tmr_cancel(&c->restart);
	if (c->fd >= 0 && c->pid > 0) {
		/* Ask it to leave its rooms; give it @p wait_ms. */
		static const char quit[] = "{\"op\":\"quit\",\"id\":0}\n";

		(void)fcntl(c->fd, F_SETFL,
			    fcntl(c->fd, F_GETFL) & ~O_NONBLOCK);
		if (write(c->fd, quit, sizeof(quit) - 1) > 0) {
			for (uint32_t t = 0; t < wait_ms; t += 10) {
				if (waitpid(c->pid, NULL, WNOHANG) != 0) {
					c->pid = 0;
					break;
				}
				sleep_ms(10);
			}
		}
	}
	child_down(c, NULL);
	for (size_t i = 0; c->argv && c->argv[i]; i++)
		free(c->argv[i]);
	free(c->argv);
	free(c->in);
	mem_deref(c->out);
	free(c);
}
