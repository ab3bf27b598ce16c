/*
 * Chat rooms in confinfo watch (RFC 7106 section 2, docs/chat-rooms.md).
 *
 * The chat module's tracker (chat.h) says when the advertised rooms
 * changed, which rooms came and went, the verdict on each and which rooms
 * were handled already; this file shows it, as `confinfo rooms` does
 * (verdict.h), and acts on it. With --open-with CMD a room is handed to a
 * chat client:
 * - decision auto: CMD runs at once;
 * - decision ask: a question on the controlling terminal (/dev/tty, not
 *   standard input, which may be a pipe); no terminal means no. Prompts
 *   come one at a time, at most one per --prompt-interval, and an
 *   unanswered one counts as no after a while;
 * - decision never: never.
 * A room is handled (run, asked, or refused for want of a terminal) at
 * most once per session (the tracker remembers it), so a notifier
 * re-advertising a room cannot make us ask again and again.
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
#include "json.h"
#include "util.h"
#include "verdict.h"
#include "watch.h"

#define MAX_ARGS   32
#define ANSWER_MAX 64

struct pending {
	char *uri;
	struct pending *next;
};

struct watch_rooms {
	struct watch_room_opts opts;
	struct watch_out *out;
	struct confinfo_chat_tracker *tracker;

	struct pending *queue, *queue_tail; /* rooms waiting for a prompt */
	int tty;                            /* -1 when no prompt is open */
	char *asking;                       /* the room being asked about */
	char answer[ANSWER_MAX];
	size_t answer_len;
	uint64_t last_prompt; /* tmr_jiffies() of the last prompt */
	bool prompted_once;
	bool unverified;       /* the state is not S/MIME-verified   */
	struct tmr tmr_prompt; /* next prompt slot, or answer timeout */
};

static void prompt_next(void *arg);

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
static void act(struct watch_rooms *wr, const char *uri,
		enum confinfo_chat_join d)
{
	if (!wr->opts.open_with ||
	    confinfo_chat_tracker_handled(wr->tracker, uri))
		return;
	/* Past the tracker's bound (ENOSPC) or without memory the room is
	 * still handled, only not remembered. */
	(void)confinfo_chat_tracker_mark(wr->tracker, uri);
	if (d == CONFINFO_CHAT_JOIN_AUTO && wr->unverified) {
		room_note(wr, "room_unverified", uri,
			  "state not verified (S/MIME): asking instead of "
			  "joining automatically");
		d = CONFINFO_CHAT_JOIN_ASK;
	}
	switch (d) {
	case CONFINFO_CHAT_JOIN_AUTO:
		open_room(wr, uri);
		break;
	case CONFINFO_CHAT_JOIN_ASK:
		enqueue(wr, uri);
		break;
	case CONFINFO_CHAT_JOIN_NEVER:
		room_note(wr, "room_refused", uri,
			  "decision never: not joining chat room");
		break;
	}
}

/* The room's object: the keys of the JSON view, then those of the
 * verdict. NULL on ENOMEM. */
static json_t *room_json(const struct confinfo_chat_tracked *k)
{
	json_t *o = tool_json_room(&k->room);

	if (o && verdict_json(o, k->verdict)) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

/* Every room of @p r with its verdict: a rooms event, or `chat rooms: N`
 * and the rooms as `confinfo rooms` lays them out. */
static void show(struct watch_out *out, const struct confinfo_chat_report *r)
{
	json_t *obj = NULL, *arr = NULL;

	if (out->json) {
		obj = json_object();
		arr = json_array();
		if (!obj || !arr ||
		    json_object_set_new(obj, "event", json_string("rooms")) ||
		    json_object_set_new(obj, "rooms", json_incref(arr))) {
			json_decref(obj);
			json_decref(arr);
			out->failed = true;
			return;
		}
		json_decref(arr); /* obj holds it */
	} else {
		fprintf(out->f, "chat rooms: %zu\n", r->count);
	}
	for (size_t i = 0; i < r->count; i++) {
		if (!out->json)
			verdict_room_text(out->f, i + 1, &r->rooms[i].room,
					  r->rooms[i].verdict);
		else if (json_array_append_new(arr, room_json(&r->rooms[i])))
			out->failed = true;
	}
	if (out->json)
		watch_json_line(out, obj);
	else if (fflush(out->f))
		out->failed = true;
}

void watch_rooms_update(struct watch_rooms *wr,
			const struct confinfo_conf *state)
{
	struct confinfo_chat_report *r = NULL;
	size_t i;

	/* Nothing shown on ENOMEM: the tracker then reports these changes
	 * with the next state. */
	if (confinfo_chat_tracker_update(wr->tracker, state, &r) || !r)
		return;
	/* Added and removed are news only once a list was shown. */
	for (i = 0; !r->first && i < r->gone_count; i++)
		room_note(wr, "room_removed", r->gone[i], "room removed");
	for (i = 0; !r->first && i < r->count; i++) {
		if (r->rooms[i].added)
			room_note(wr, "room_added", r->rooms[i].room.entry->uri,
				  "room added");
	}
	show(wr->out, r);
	for (i = 0; i < r->count; i++)
		act(wr, r->rooms[i].room.entry->uri, r->rooms[i].verdict->join);
	confinfo_chat_report_free(r);
}

void watch_rooms_set_verified(struct watch_rooms *wr, bool verified)
{
	wr->unverified = !verified;
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
	err = confinfo_chat_tracker_alloc(&wr->tracker, o->conf_uri,
					  strlen(o->conf_uri), o->policy);
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
	confinfo_chat_tracker_free(wr->tracker);
	free(wr);
}
