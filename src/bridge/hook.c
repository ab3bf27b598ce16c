/*
 * The mixer hook: what reaches the call. One program (execve, no shell:
 * the JSON it gets carries room text, and a shell would read it as
 * commands) gets one JSON object on standard input and answers with its
 * exit status, 0 = done. Its standard output goes to the focus's
 * standard error, so that it cannot write the focus's log lines.
 *
 * The focus never waits for it: its end is seen through a pidfd on the
 * event loop (Linux 5.3; where there is none, a 10 ms waitpid WNOHANG
 * timer), and a run still going at the timeout is killed and counted as
 * failed.
 * Runs of one conference go one at a time, in order (a kick must not
 * overtake the mute before it), and at most `rate` start per 10 s: a
 * room flooding kicks cannot fork-bomb the focus.
 */
/* syscall(SYS_pidfd_open): glibc 2.36 has no wrapper of its own. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <re.h>

#include "bridge_int.h"

extern char **environ;

#define HOOK_POLL_MS   10
#define HOOK_WINDOW_MS 10000
#define HOOK_QUEUE_MAX 64

struct hook_job {
	struct le le;
	char *json;
	bridge_hook_done_h *doneh;
	void *arg;
};

struct bridge_hook {
	char *program;
	uint32_t timeout_ms;
	uint32_t rate;
	struct list queue;
	struct hook_job *running;
	pid_t pid;
	int pidfd; /* -1: none (polling) */
	uint64_t started;
	struct tmr tmr;
	uint64_t window_start;
	uint32_t window_count;
};

static void job_free(struct hook_job *j)
{
	if (!j)
		return;
	free(j->json);
	free(j->arg);
	free(j);
}

static void hook_next(struct bridge_hook *h);

static void pidfd_close(struct bridge_hook *h)
{
	if (h->pidfd < 0)
		return;
	fd_close(h->pidfd);
	close(h->pidfd);
	h->pidfd = -1;
}

static void job_done(struct bridge_hook *h, bool ok, const char *why)
{
	struct hook_job *j = h->running;

	tmr_cancel(&h->tmr);
	pidfd_close(h);
	h->running = NULL;
	h->pid = 0;
	if (j && j->doneh)
		j->doneh(ok, why, j->arg);
	job_free(j);
	hook_next(h);
}

/* Has the run ended? Then report it; true when it has. */
static bool reap(struct bridge_hook *h)
{
	int status = 0;
	pid_t r = waitpid(h->pid, &status, WNOHANG);

	if (r == 0)
		return false;
	if (r < 0)
		job_done(h, false, "lost the hook process");
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		job_done(h, true, NULL);
	else if (WIFEXITED(status))
		job_done(h, false, "exited with a non-zero status");
	else
		job_done(h, false, "killed by a signal");
	return true;
}

/* The timer: the timeout (with a pidfd), or the poll (without). */
static void timer_handler(void *arg)
{
	struct bridge_hook *h = arg;
	uint64_t ran = tmr_jiffies() - h->started;

	if (reap(h))
		return;
	if (ran < h->timeout_ms) {
		tmr_start(&h->tmr,
			  h->pidfd >= 0 ? h->timeout_ms - ran : HOOK_POLL_MS,
			  timer_handler, h);
		return;
	}
	(void)kill(h->pid, SIGKILL);
	(void)waitpid(h->pid, NULL, 0);
	job_done(h, false, "timed out (killed)");
}

static void pidfd_handler(int flags, void *arg)
{
	struct bridge_hook *h = arg;

	(void)flags;
	if (!reap(h))
		pidfd_close(h); /* spurious: fall back to the timer */
}

/* Start @p j: the JSON is written whole into the pipe before the program
 * runs (it is far below a pipe's capacity), so nothing blocks. */
static int hook_start(struct bridge_hook *h, struct hook_job *j)
{
	posix_spawn_file_actions_t fa;
	char *argv[] = {h->program, NULL};
	size_t len = strlen(j->json);
	int fds[2], err;
	ssize_t w;

	if (pipe(fds))
		return errno;
	/* Neither end may leak into the XMPP child or another hook. */
	(void)fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	(void)fcntl(fds[1], F_SETFD, FD_CLOEXEC);
	w = write(fds[1], j->json, len);
	close(fds[1]);
	if (w != (ssize_t)len) {
		close(fds[0]);
		return EMSGSIZE;
	}
	err = posix_spawn_file_actions_init(&fa);
	if (err) {
		close(fds[0]);
		return err;
	}
	err = posix_spawn_file_actions_adddup2(&fa, fds[0], STDIN_FILENO);
	if (!err)
		err = posix_spawn_file_actions_adddup2(&fa, STDERR_FILENO,
						       STDOUT_FILENO);
	if (!err)
		err =
		    posix_spawn(&h->pid, h->program, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[0]);
	if (err)
		return err;
	h->running = j;
	h->started = tmr_jiffies();
	/* pidfd_open() sets close-on-exec itself. */
	h->pidfd = (int)syscall(SYS_pidfd_open, h->pid, 0);
	if (h->pidfd >= 0 &&
	    fd_listen(h->pidfd, FD_READ, pidfd_handler, h) != 0) {
		close(h->pidfd);
		h->pidfd = -1;
	}
	tmr_start(&h->tmr, h->pidfd >= 0 ? h->timeout_ms : HOOK_POLL_MS,
		  timer_handler, h);
	return 0;
}

static void hook_next(struct bridge_hook *h)
{
	while (!h->running && h->queue.head) {
		struct hook_job *j = h->queue.head->data;

		list_unlink(&j->le);
		if (!hook_start(h, j))
			return;
		if (j->doneh)
			j->doneh(false, "could not be started", j->arg);
		job_free(j);
	}
}

int bridge_hook_alloc(struct bridge_hook **hp, const char *program,
		      uint32_t timeout_ms, uint32_t rate)
{
	struct bridge_hook *h;

	if (!hp || !program)
		return EINVAL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return ENOMEM;
	h->program = strdup(program);
	if (!h->program) {
		free(h);
		return ENOMEM;
	}
	h->timeout_ms = timeout_ms ? timeout_ms : 5000;
	h->rate = rate ? rate : 20;
	list_init(&h->queue);
	tmr_init(&h->tmr);
	h->pidfd = -1;
	*hp = h;
	return 0;
}

int bridge_hook_run(struct bridge_hook *h, const char *json,
		    bridge_hook_done_h *doneh, void *arg)
{
	uint64_t now = tmr_jiffies();
	struct hook_job *j;

	if (!h || !json) {
		free(arg);
		return EINVAL;
	}
	if (now - h->window_start >= HOOK_WINDOW_MS) {
		h->window_start = now;
		h->window_count = 0;
	}
	if (h->window_count >= h->rate ||
	    list_count(&h->queue) >= HOOK_QUEUE_MAX) {
		free(arg);
		return EAGAIN;
	}
	j = calloc(1, sizeof(*j));
	if (!j || !(j->json = strdup(json))) {
		free(j);
		free(arg);
		return ENOMEM;
	}
	j->doneh = doneh;
	j->arg = arg;
	h->window_count++;
	list_append(&h->queue, &j->le, j);
	hook_next(h);
	return 0;
}

void bridge_hook_free(struct bridge_hook *h)
{
	if (!h)
		return;
	tmr_cancel(&h->tmr);
	pidfd_close(h);
	if (h->running) {
		(void)kill(h->pid, SIGKILL);
		(void)waitpid(h->pid, NULL, 0);
		job_free(h->running);
	}
	while (h->queue.head) {
		struct hook_job *j = h->queue.head->data;

		list_unlink(&j->le);
		job_free(j);
	}
	free(h->program);
	free(h);
}
