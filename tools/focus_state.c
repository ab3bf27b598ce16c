/*
 * confinfo focus --state on the store (focus_state.h): SQLite for one
 * node, PostgreSQL for several sharing their state (docs/scale-out.md).
 *
 * Every accepted change is saved before it is served (the notifier's
 * commit callback). With PostgreSQL the store also tells us of the other
 * nodes' changes: its socket is watched in the libre loop, and every
 * announced change newer than the version served here is read and served
 * (a version at or below the one served is ignored, so a node never goes
 * back, even when announcements of its own and others' changes cross). A
 * lost connection is re-established with a growing delay, without
 * blocking the loop (a server that does not answer must not stop the
 * NOTIFYs); once back, everything is read again and what changed
 * meanwhile is served.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <re.h>

#include "confinfo/store.h"
#include "focus_state.h"

#define BACKOFF_MIN_MS 200
#define BACKOFF_MAX_MS 5000
/* A little over the store's limit on one connection attempt (2 s). */
#define CONNECT_CHECK_MS 2100

/* The store version served for one conference (shared stores only). */
struct served {
	struct le he;
	char *name;
	uint64_t version;
	bool seen; /* by the running rescan */
};

struct focus_state {
	struct confinfo_store *store;
	struct confinfo_notifier *n;
	struct hash *served;
	bool applying; /* serving what the store has: not saved back */
	bool down;     /* connection lost, reconnecting */
	int fd;        /* watched in the loop, -1: none */
	uint32_t backoff_ms;
	struct tmr poll_tmr;
	struct tmr retry_tmr;
};

static void report(const char *what, const struct confinfo_diag *diag, int err)
{
	fprintf(stderr, "confinfo focus: %s%s\n", what,
		diag->message[0] ? diag->message : strerror(err));
}

static void store_warning(unsigned line, unsigned column, const char *msg,
			  void *arg)
{
	(void)line;
	(void)column;
	(void)arg;
	fprintf(stderr, "confinfo focus: warning: %s\n", msg);
}

static void diag_init(struct confinfo_diag *diag)
{
	memset(diag, 0, sizeof(*diag));
	diag->warnh = store_warning;
}

/* ------------------------------------------------------------------ */
/* Versions served. */

static void served_destructor(void *arg)
{
	struct served *v = arg;

	hash_unlink(&v->he);
	free(v->name);
}

static bool served_cmp(struct le *le, void *arg)
{
	const struct served *v = le->data;

	return !strcmp(v->name, arg);
}

static struct served *served_find(struct focus_state *s, const char *name)
{
	struct le *le = hash_lookup(s->served, hash_joaat_str(name), served_cmp,
				    (void *)name);

	return le ? le->data : NULL;
}

static uint64_t served_version(struct focus_state *s, const char *name)
{
	struct served *v = served_find(s, name);

	return v ? v->version : 0;
}

/* Remember @p version for @p name; never lowers it. ENOMEM only. */
static int served_set(struct focus_state *s, const char *name, uint64_t version)
{
	struct served *v = served_find(s, name);

	if (!v) {
		v = mem_zalloc(sizeof(*v), served_destructor);
		if (!v)
			return ENOMEM;
		v->name = strdup(name);
		if (!v->name) {
			mem_deref(v);
			return ENOMEM;
		}
		hash_append(s->served, hash_joaat_str(name), &v->he, v);
	}
	if (version > v->version)
		v->version = version;
	v->seen = true;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Serving what the store holds. */

/* A stored conference, newer than what is served: serve it. */
static int serve_row(const char *name, struct confinfo_conf *state,
		     const char *source, uint64_t version, void *arg)
{
	struct focus_state *s = arg;
	struct served *v = served_find(s, name);
	int err = 0;

	if (v)
		v->seen = true;
	if (!v || version > v->version || !version) {
		s->applying = true;
		err = confinfo_notifier_set_conf(s->n, name, state, source);
		s->applying = false;
		if (err)
			fprintf(stderr,
				"confinfo focus: stored conference %s not "
				"served: %s\n",
				name, strerror(err));
		else if (version)
			err = served_set(s, name, version);
	}
	confinfo_conf_free(state);
	return err == ENOMEM ? err : 0;
}

static void unserve(struct focus_state *s, struct served *v)
{
	s->applying = true;
	(void)confinfo_notifier_remove_conf(s->n, v->name);
	s->applying = false;
	mem_deref(v);
}

static bool unseen(struct le *le, void *arg)
{
	struct served *v = le->data;

	(void)arg;
	return !v->seen;
}

static bool clear_seen(struct le *le, void *arg)
{
	struct served *v = le->data;

	(void)arg;
	v->seen = false;
	return false;
}

static void lost(struct focus_state *s, const struct confinfo_diag *diag,
		 int err);

/* A read for an announcement or after a reconnection failed. When the
 * connection went with it, libpq closed the socket the loop watches,
 * which will never be signalled again: reconnect now, as a failed poll or
 * save does, or the node would stop hearing the other nodes' changes. */
static void read_failed(struct focus_state *s, const char *what,
			const struct confinfo_diag *diag, int err)
{
	if (confinfo_store_fd(s->store) < 0)
		lost(s, diag, err);
	else
		report(what, diag, err);
}

/* After a reconnection: serve every conference that changed meanwhile,
 * remove those that were removed. */
static void rescan(struct focus_state *s)
{
	struct confinfo_diag diag;
	struct le *le;
	int err;

	diag_init(&diag);
	(void)hash_apply(s->served, clear_seen, NULL);
	err = confinfo_store_scan(s->store, confinfo_notifier_limits(s->n),
				  serve_row, s, &diag);
	if (err) {
		read_failed(
		    s, "state store: reading after reconnection: ", &diag, err);
		return;
	}
	while ((le = hash_apply(s->served, unseen, NULL)) != NULL)
		unserve(s, le->data);
}

static void changed(const char *name, uint64_t version, void *arg)
{
	struct focus_state *s = arg;
	struct confinfo_diag diag;
	struct served *v;
	int err;

	if (!name) {
		fprintf(stderr, "confinfo focus: state store: reconnected\n");
		rescan(s);
		return;
	}
	if (version <= served_version(s, name))
		return; /* ours, or older than what we serve */
	diag_init(&diag);
	err = confinfo_store_get(s->store, name, confinfo_notifier_limits(s->n),
				 serve_row, s, &diag);
	if (err == ENOENT) {
		v = served_find(s, name);
		if (v)
			unserve(s, v);
	} else if (err) {
		read_failed(s, "", &diag, err);
	}
}

/* ------------------------------------------------------------------ */
/* The connection in the loop. */

static void poll_now(struct focus_state *s);

static void fd_handler(int flags, void *arg)
{
	(void)flags;
	poll_now(arg);
}

/* Watch the store's socket again: after a save it may be a new one (the
 * store reconnects by itself), possibly under the same number. */
static void rewatch(struct focus_state *s)
{
	int fd = confinfo_store_fd(s->store);

	if (s->fd >= 0)
		fd_close(s->fd);
	s->fd = -1;
	if (fd >= 0 && !fd_listen(fd, FD_READ, fd_handler, s))
		s->fd = fd;
}

static void retry(void *arg);

static void connecting_handler(int flags, void *arg)
{
	(void)flags;
	retry(arg);
}

/* The reconnection, without blocking the loop: each step when the socket
 * is ready, and the timer for the store's own limit on a connection that
 * does not complete; a failure waits longer each time. */
static void retry(void *arg)
{
	struct focus_state *s = arg;
	struct confinfo_diag diag;
	bool write = false;
	int err, fd;

	diag_init(&diag);
	err = confinfo_store_reconnect(s->store, &write, &diag);
	if (s->fd >= 0)
		fd_close(s->fd);
	s->fd = -1;
	if (err == EINPROGRESS) {
		fd = confinfo_store_fd(s->store);
		if (fd >= 0 && !fd_listen(fd, write ? FD_WRITE : FD_READ,
					  connecting_handler, s))
			s->fd = fd;
		tmr_start(&s->retry_tmr, CONNECT_CHECK_MS, retry, s);
		return;
	}
	if (err) {
		report("", &diag, err);
		if (s->backoff_ms < BACKOFF_MAX_MS)
			s->backoff_ms *= 2;
		tmr_start(&s->retry_tmr, s->backoff_ms, retry, s);
		return;
	}
	s->down = false;
	tmr_cancel(&s->retry_tmr);
	rewatch(s);
	poll_now(s);
}

static void lost(struct focus_state *s, const struct confinfo_diag *diag,
		 int err)
{
	if (s->fd >= 0)
		fd_close(s->fd);
	s->fd = -1;
	if (s->down)
		return;
	report("", diag, err);
	s->down = true;
	s->backoff_ms = BACKOFF_MIN_MS;
	tmr_start(&s->retry_tmr, s->backoff_ms, retry, s);
}

static void poll_now(struct focus_state *s)
{
	struct confinfo_diag diag;
	int err;

	diag_init(&diag);
	err = confinfo_store_poll(s->store, changed, s, &diag);
	if (err)
		lost(s, &diag, err);
}

static void poll_later(void *arg)
{
	struct focus_state *s = arg;

	if (s->down)
		return; /* the reconnection owns the socket */
	rewatch(s);
	poll_now(s);
}

/* ------------------------------------------------------------------ */

int focus_state_open(struct focus_state **sp, const char *path,
		     struct confinfo_notifier *n)
{
	struct confinfo_diag diag;
	struct focus_state *s;
	int err;

	s = calloc(1, sizeof(*s));
	if (!s)
		return ENOMEM;
	s->n = n;
	s->fd = -1;
	tmr_init(&s->poll_tmr);
	tmr_init(&s->retry_tmr);
	diag_init(&diag);
	err = hash_alloc(&s->served, 256);
	if (!err)
		err = confinfo_store_open(&s->store, path, &diag);
	if (!err)
		err = confinfo_store_scan(s->store, confinfo_notifier_limits(n),
					  serve_row, s, &diag);
	if (err) {
		fprintf(stderr, "confinfo focus: %s: %s\n", path,
			diag.message[0] ? diag.message : strerror(err));
		focus_state_close(s);
		return err;
	}
	rewatch(s);
	*sp = s;
	return 0;
}

int focus_state_check(const char *path)
{
	struct confinfo_store *store = NULL;
	struct confinfo_diag diag;
	int err;

	diag_init(&diag);
	err = confinfo_store_open(&store, path, &diag);
	if (err)
		fprintf(stderr, "confinfo focus: %s: %s\n", path,
			diag.message[0] ? diag.message : strerror(err));
	confinfo_store_close(store);
	return err;
}

int focus_state_commit(struct focus_state *s, const char *name,
		       const struct confinfo_conf *state, const char *source)
{
	struct confinfo_diag diag;
	uint64_t version = 0;
	struct served *v;
	int err;

	if (!s || s->applying)
		return 0;
	diag_init(&diag);
	err =
	    confinfo_store_save(s->store, name, state, source, &version, &diag);
	if (err) {
		/* A lost connection is reported once, when it goes down, and
		 * then every failed attempt to reconnect; the PUBLISHes
		 * refused meanwhile are in the log as 503s. */
		if (s->down)
			return err;
		if (confinfo_store_fd(s->store) < 0)
			lost(s, &diag, err);
		else
			report("", &diag, err);
		return err;
	}
	if (state && version)
		err = served_set(s, name, version);
	else if (!state && (v = served_find(s, name)) != NULL)
		mem_deref(v);
	/* The answers may have brought announcements along, which the
	 * socket will not signal again. */
	if (confinfo_store_fd(s->store) >= 0)
		tmr_start(&s->poll_tmr, 0, poll_later, s);
	return err;
}

bool focus_state_shared(const char *path)
{
	return confinfo_store_is_shared(path);
}

void focus_state_close(struct focus_state *s)
{
	if (!s)
		return;
	tmr_cancel(&s->poll_tmr);
	tmr_cancel(&s->retry_tmr);
	if (s->fd >= 0)
		fd_close(s->fd);
	hash_flush(s->served);
	mem_deref(s->served);
	confinfo_store_close(s->store);
	free(s);
}
