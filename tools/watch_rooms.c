/*
 * Chat rooms in confinfo watch (RFC 7106 section 2, docs/chat-rooms.md).
 *
 * Whenever the advertised rooms change, every room is shown with its full
 * URI and its verdicts (watch_verdict.c asks the chat module). With
 * --open-with CMD a room is handed to a chat client:
 * - decision auto: CMD runs at once;
 * - decision ask: a question on the controlling terminal (/dev/tty, not
 *   standard input, which may be a pipe); no terminal means no. Prompts
 *   come one at a time, at most one per --prompt-interval, and an
 *   unanswered one counts as no after a while;
 * - decision never: never.
 * A room is handled (run, asked, or refused for want of a terminal) at
 * most once per session, so a notifier re-advertising a room cannot make
 * us ask again and again.
 *
 * CMD is split at blanks into a program and its arguments (no quoting, no
 * expansion) and the room URI is appended as one more argument; the
 * program runs through execvp(), never through a shell, so whatever
 * characters the URI holds reach it as one argument.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <unistd.h>

/* Not libre's umbrella re.h: its re_json.h clashes with jansson's enums.
 * re_types.h comes first, the others need it. */
#include <re_types.h>

#include <re_list.h>
#include <re_main.h>
#include <re_tmr.h>

#include "confinfo/chat.h"
#include "util.h"
#include "watch.h"
#include "watch_verdict.h"

#define MAX_ARGS    32
#define ANSWER_MAX  64
#define HANDLED_MAX 4096 /* rooms remembered (bounded memory) */

struct pending {
	char *uri;
	struct pending *next;
};

struct watch_rooms {
	struct watch_room_opts opts;
	struct watch_out *out;
	struct watch_verdict *verdict;

	char **shown; /* URIs of the rooms shown last, in order */
	size_t shown_count;

	char **handled; /* rooms run, asked or refused already */
	size_t handled_count;

	struct pending *queue, *queue_tail; /* rooms waiting for a prompt */
	int tty;                            /* -1 when no prompt is open */
	char *asking;                       /* the room being asked about */
	char answer[ANSWER_MAX];
	size_t answer_len;
	uint64_t last_prompt; /* tmr_jiffies() of the last prompt */
	bool prompted_once;
	struct tmr tmr_prompt; /* next prompt slot, or answer timeout */
};

static void prompt_next(void *arg);

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static bool handled(const struct watch_rooms *wr, const char *uri)
{
	for (size_t i = 0; i < wr->handled_count; i++) {
		if (!strcmp(wr->handled[i], uri))
			return true;
	}
	return false;
}

static void mark_handled(struct watch_rooms *wr, const char *uri)
{
	char **nv;

	if (handled(wr, uri) || wr->handled_count >= HANDLED_MAX)
		return;
	nv = realloc(wr->handled, (wr->handled_count + 1) * sizeof(*nv));
	if (!nv)
		return;
	wr->handled = nv;
	nv[wr->handled_count] = strdup(uri);
	if (nv[wr->handled_count])
		wr->handled_count++;
}

/* A JSON {event, uri[, message]} line, or a text line on stdout. */
static void room_note(struct watch_rooms *wr, const char *event,
		      const char *uri, const char *text)
{
	struct watch_out *out = wr->out;

	if (out->json) {
		json_t *o = json_object();
		int bad = 0;

		bad |= json_object_set_new(o, "event", json_string(event));
		bad |= json_object_set_new(o, "uri", json_string(uri));
		bad |= json_object_set_new(o, "message", json_string(text));
		if (bad) {
			json_decref(o);
			o = NULL;
		}
		watch_json_line(out, o);
		return;
	}
	fputs(text, out->f);
	fputs(": ", out->f);
	tool_fputs_safe(out->f, uri);
	fputc('\n', out->f);
	if (fflush(out->f))
		out->failed = true;
}

/* Run the opener with @p uri as its last argument; never waits. */
static void open_room(struct watch_rooms *wr, const char *uri)
{
	char *argv[MAX_ARGS + 2];
	char *copy = strdup(wr->opts.open_with);
	char *save = NULL, *tok;
	size_t argc = 0;
	pid_t pid;

	if (!copy)
		return;
	for (tok = strtok_r(copy, " \t", &save); tok && argc < MAX_ARGS;
	     tok = strtok_r(NULL, " \t", &save))
		argv[argc++] = tok;
	if (!argc) {
		free(copy);
		return;
	}
	argv[argc++] = (char *)(uintptr_t)uri;
	argv[argc] = NULL;

	pid = fork();
	if (pid == 0) {
		int fd = open("/dev/null", O_RDONLY);

		/* Ignored signals survive exec: give the client the usual
		 * dispositions. It must not read our terminal's answers. */
		signal(SIGCHLD, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		if (fd >= 0) {
			dup2(fd, STDIN_FILENO);
			if (fd != STDIN_FILENO)
				close(fd);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid < 0)
		room_note(wr, "room_open_failed", uri,
			  "could not start --open-with command");
	else
		room_note(wr, "room_opened", uri, "opening chat room");
	free(copy);
}

static void close_prompt(struct watch_rooms *wr)
{
	if (wr->tty >= 0) {
		fd_close(wr->tty);
		close(wr->tty);
		wr->tty = -1;
	}
	free(wr->asking);
	wr->asking = NULL;
	wr->answer_len = 0;
}

static void finish_prompt(struct watch_rooms *wr, bool yes)
{
	char *uri = wr->asking;

	wr->asking = NULL;
	close_prompt(wr);
	if (uri) {
		if (yes)
			open_room(wr, uri);
		else
			room_note(wr, "room_declined", uri,
				  "not joining chat room");
		free(uri);
	}
	/* The next prompt waits for its slot. */
	tmr_start(&wr->tmr_prompt, 0, prompt_next, wr);
}

static void tty_handler(int flags, void *arg)
{
	struct watch_rooms *wr = arg;
	char buf[ANSWER_MAX];
	ssize_t n;

	(void)flags;
	n = read(wr->tty, buf, sizeof(buf));
	if (n <= 0) {
		finish_prompt(wr, false);
		return;
	}
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] == '\n' || buf[i] == '\r') {
			bool yes;

			wr->answer[wr->answer_len] = '\0';
			yes = !strcasecmp(wr->answer, "y") ||
			      !strcasecmp(wr->answer, "yes");
			finish_prompt(wr, yes);
			return;
		}
		if (wr->answer_len + 1 < sizeof(wr->answer))
			wr->answer[wr->answer_len++] = buf[i];
	}
}

static void answer_timeout(void *arg)
{
	struct watch_rooms *wr = arg;

	if (wr->tty >= 0)
		dprintf(wr->tty, "\n(no answer: not joining)\n");
	finish_prompt(wr, false);
}

static void ask(struct watch_rooms *wr, char *uri)
{
	FILE *f;
	int fd, dupfd;

	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		room_note(wr, "room_declined", uri,
			  "no terminal to ask: not joining chat room");
		free(uri);
		tmr_start(&wr->tmr_prompt, 0, prompt_next, wr);
		return;
	}
	dupfd = dup(fd);
	f = dupfd >= 0 ? fdopen(dupfd, "w") : NULL;
	if (f) {
		fputs("\nJoin chat room ", f);
		tool_fputs_safe(f, uri);
		fputs(" ? [y/N] ", f);
		fclose(f);
	} else if (dupfd >= 0) {
		close(dupfd);
	}
	wr->tty = fd;
	wr->asking = uri;
	wr->answer_len = 0;
	wr->last_prompt = tmr_jiffies();
	wr->prompted_once = true;
	if (fd_listen(fd, FD_READ, tty_handler, wr)) {
		finish_prompt(wr, false);
		return;
	}
	tmr_start(&wr->tmr_prompt, (uint64_t)wr->opts.prompt_timeout * 1000,
		  answer_timeout, wr);
}

/* Take the next queued room if its prompt slot has come. */
static void prompt_next(void *arg)
{
	struct watch_rooms *wr = arg;
	uint64_t now = tmr_jiffies(), gap;
	struct pending *p;

	if (wr->asking || !wr->queue)
		return;
	gap = (uint64_t)wr->opts.prompt_interval * 1000;
	if (wr->prompted_once && now - wr->last_prompt < gap) {
		tmr_start(&wr->tmr_prompt, gap - (now - wr->last_prompt),
			  prompt_next, wr);
		return;
	}
	p = wr->queue;
	wr->queue = p->next;
	if (!wr->queue)
		wr->queue_tail = NULL;
	ask(wr, p->uri);
	free(p);
}

static void enqueue(struct watch_rooms *wr, const char *uri)
{
	struct pending *p = calloc(1, sizeof(*p));

	if (!p || !(p->uri = strdup(uri))) {
		free(p);
		return;
	}
	if (wr->queue_tail)
		wr->queue_tail->next = p;
	else
		wr->queue = p;
	wr->queue_tail = p;
	if (!wr->asking && !tmr_isrunning(&wr->tmr_prompt))
		tmr_start(&wr->tmr_prompt, 0, prompt_next, wr);
}

/* What --open-with does with a room whose decision is @p d. */
static void act(struct watch_rooms *wr, const char *uri, enum watch_decision d)
{
	if (!wr->opts.open_with || handled(wr, uri))
		return;
	switch (d) {
	case WATCH_DECISION_AUTO:
		mark_handled(wr, uri);
		open_room(wr, uri);
		break;
	case WATCH_DECISION_ASK:
		mark_handled(wr, uri);
		enqueue(wr, uri);
		break;
	case WATCH_DECISION_NEVER:
		mark_handled(wr, uri);
		room_note(wr, "room_refused", uri,
			  "decision never: not joining chat room");
		break;
	}
}

static bool in_list(char *const *v, size_t n, const char *uri)
{
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(v[i], uri))
			return true;
	}
	return false;
}

void watch_rooms_update(struct watch_rooms *wr,
			const struct confinfo_conf *state)
{
	struct confinfo_chat_room *rooms = NULL;
	enum watch_decision *decisions;
	size_t count = 0, i;
	char **now;
	bool same;

	if (confinfo_chat_rooms(state, &rooms, &count, NULL))
		return;
	now = calloc(count ? count : 1, sizeof(*now));
	if (!now) {
		free(rooms);
		return;
	}
	for (i = 0; i < count; i++) {
		now[i] = strdup(rooms[i].entry->uri);
		if (!now[i]) {
			free_strv(now, i);
			free(rooms);
			return;
		}
	}
	same = count == wr->shown_count;
	for (i = 0; same && i < count; i++)
		same = !strcmp(now[i], wr->shown[i]);
	if (same) {
		free_strv(now, count);
		free(rooms);
		return;
	}
	decisions = calloc(count ? count : 1, sizeof(*decisions));
	if (!decisions) {
		free_strv(now, count);
		free(rooms);
		return;
	}
	if (wr->shown) {
		for (i = 0; i < wr->shown_count; i++) {
			if (!in_list(now, count, wr->shown[i]))
				room_note(wr, "room_removed", wr->shown[i],
					  "room removed");
		}
		for (i = 0; i < count; i++) {
			if (!in_list(wr->shown, wr->shown_count, now[i]))
				room_note(wr, "room_added", now[i],
					  "room added");
		}
	}
	watch_verdict_show(wr->verdict, wr->out, state, rooms, count,
			   decisions);
	for (i = 0; i < count; i++)
		act(wr, now[i], decisions[i]);
	free_strv(wr->shown, wr->shown_count);
	wr->shown = now;
	wr->shown_count = count;
	free(decisions);
	free(rooms);
}

int watch_rooms_alloc(struct watch_rooms **wrp, const struct watch_room_opts *o,
		      struct watch_out *out)
{
	struct watch_rooms *wr = calloc(1, sizeof(*wr));
	int err;

	if (!wr)
		return ENOMEM;
	wr->opts = *o;
	wr->out = out;
	wr->tty = -1;
	tmr_init(&wr->tmr_prompt);
	err = watch_verdict_alloc(&wr->verdict, o);
	if (err) {
		free(wr);
		return err;
	}
	if (o->open_with) {
		/* Chat clients we start are not waited for: let the kernel
		 * reap them. */
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = SIG_IGN;
		sigaction(SIGCHLD, &sa, NULL);
	}
	*wrp = wr;
	return 0;
}

void watch_rooms_free(struct watch_rooms *wr)
{
	if (!wr)
		return;
	tmr_cancel(&wr->tmr_prompt);
	close_prompt(wr);
	while (wr->queue) {
		struct pending *p = wr->queue;

		wr->queue = p->next;
		free(p->uri);
		free(p);
	}
	free_strv(wr->shown, wr->shown_count);
	free_strv(wr->handled, wr->handled_count);
	watch_verdict_free(wr->verdict);
	free(wr);
}
