/*
 * The SQLite backend of the store (backend.h): one database file, in WAL
 * mode, that the processes of one machine may share (the workers of one
 * focus); every save is its own transaction, durable when the call
 * returns (synchronous=FULL would also survive power loss; NORMAL, the
 * setting used, survives a crash of the process, which is what a restart
 * test checks). States are kept as conference-info XML, readable with the
 * sqlite3 shell.
 *
 * - Versions, as pg.c's: every save (put or removal) takes the next value
 *   of one database-wide counter (the one row of confinfo_version) in its
 *   write transaction (BEGIN IMMEDIATE: one writer at a time, so commit
 *   order is version order, and a reader that sees a version sees every
 *   lower one). A removal leaves a tombstone (removed = 1) carrying its
 *   version, so that the other processes learn of it by version; scan and
 *   get skip tombstones. Tombstones older than a day are dropped at open
 *   (a process that has not polled for a day would miss that removal).
 * - Announcements: each open store binds a Linux abstract-namespace unix
 *   datagram socket (abstract: no file, no 108-byte path limit) and
 *   registers under its name as an empty file in `<db>.peers/`. After a
 *   committed save, every other registered store gets a one-byte poke; a
 *   poke says "read the database", never what changed: poll reads every
 *   row above the highest version this store has seen, so a lost poke
 *   (a full queue) loses no change as long as a later poke, or any poll,
 *   comes. A registration whose socket is gone is removed by the next
 *   save. Where `<db>.peers/` cannot be made, the store still works for
 *   one process (fd -1; a warning says so).
 */
#define _GNU_SOURCE /* SOCK_NONBLOCK, SOCK_CLOEXEC, getrandom() */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "backend.h"

/* How long a writer waits for another process's transaction. */
#define BUSY_MS 2000

/* Bumped on every incompatible change of the tables below. */
#define SCHEMA_VERSION 2
/* Tombstones older than this are dropped at open, seconds. */
#define TOMBSTONE_KEEP (24 * 3600)
#define PEER_PREFIX    "confinfo-"

/* migration[v] goes from schema v to v + 1, so that an older file is
 * brought up to date step by step, and a new one the same way. */
static const char *const migration[SCHEMA_VERSION] = {
    "CREATE TABLE IF NOT EXISTS conference ("
    " name TEXT PRIMARY KEY NOT NULL,"
    " source TEXT NOT NULL,"
    " state TEXT NOT NULL,"
    " updated INTEGER NOT NULL"
    ");",
    /* 2: versions and tombstones. The rows of 1 get distinct versions
     * (their rowid), and the counter starts above them. */
    "ALTER TABLE conference ADD COLUMN version INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE conference ADD COLUMN removed INTEGER NOT NULL DEFAULT 0;"
    "UPDATE conference SET version = rowid;"
    "CREATE INDEX conference_version ON conference(version);"
    "CREATE TABLE confinfo_version ("
    " id INTEGER PRIMARY KEY CHECK (id = 1),"
    " last INTEGER NOT NULL"
    ");"
    "INSERT INTO confinfo_version "
    " SELECT 1, coalesce(max(version), 0) FROM conference;",
};

/* The statements of the store, prepared once at open. */
enum {
	ST_BEGIN,
	ST_COMMIT,
	ST_BUMP,
	ST_LAST,
	ST_PUT,
	ST_DEL,
	ST_GET,
	ST_SINCE,
	ST_COUNT
};

static const char *const statement[ST_COUNT] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_BUMP] = "UPDATE confinfo_version SET last = last + 1 WHERE id = 1",
    [ST_LAST] = "SELECT last FROM confinfo_version WHERE id = 1",
    [ST_PUT] = "INSERT INTO conference(name, source, state, updated, "
	       "version, removed) VALUES(?1, ?2, ?3, ?4, ?5, 0) "
	       "ON CONFLICT(name) DO UPDATE SET source = ?2, state = ?3, "
	       "updated = ?4, version = ?5, removed = 0",
    [ST_DEL] = "UPDATE conference SET source = '', state = '', "
	       "updated = ?4, version = ?5, removed = 1 "
	       "WHERE name = ?1 AND removed = 0",
    [ST_GET] = "SELECT name, source, state, version FROM conference "
	       "WHERE name = ?1 AND removed = 0",
    [ST_SINCE] = "SELECT name, version FROM conference WHERE version > ?1 "
		 "ORDER BY version",
};

struct store_backend {
	sqlite3 *db;
	sqlite3_stmt *st[ST_COUNT];
	uint64_t seen; /* every version up to this one was reported */
	int sock;      /* announcements in; -1: one process only */
	int peers;     /* <db>.peers/, -1: none */
	pid_t pid;     /* the opener: a forked child does not unregister */
	bool registered;
	char name[64]; /* the socket's abstract name, and its file's */
};

typedef int(row_h)(const char *name, const char *source, const char *xml,
		   size_t len, uint64_t version, void *arg);

static int db_fail(struct store_backend *s, struct confinfo_diag *diag,
		   const char *what)
{
	return confinfo_diag_fail(diag, EIO, 0, 0, "state store: %s: %s", what,
				  sqlite3_errmsg(s->db));
}

static int user_version(struct store_backend *s, int *versionp,
			struct confinfo_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) !=
	    SQLITE_OK)
		return db_fail(s, diag, "reading the schema version");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*versionp = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW
		   ? 0
		   : db_fail(s, diag, "reading the schema version");
}

static int too_new(int version, struct confinfo_diag *diag)
{
	return confinfo_diag_fail(diag, EPROTO, 0, 0,
				  "state store: schema version %d is newer "
				  "than this confinfo's (%d)",
				  version, SCHEMA_VERSION);
}

/* Bring the file to SCHEMA_VERSION in one write transaction; processes
 * opening it together: one upgrades, the others wait and find it done. */
/*
 * WAL mode. Switching a new file to it needs the file to itself, and
 * SQLite answers SQLITE_BUSY at once, without its busy handler, when
 * another process has it open at that moment (the workers of one focus
 * opening a new store together): try again for as long as the busy
 * timeout would wait. Once the file is in WAL mode the pragma only reads.
 */
static int set_wal(struct store_backend *s)
{
	const struct timespec pause = {.tv_nsec = 5 * 1000 * 1000};
	int rc;

	for (int waited = 0;; waited += 5) {
		rc = sqlite3_exec(s->db,
				  "PRAGMA journal_mode=WAL; "
				  "PRAGMA synchronous=NORMAL;",
				  NULL, NULL, NULL);
		if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) ||
		    waited >= BUSY_MS)
			return rc;
		nanosleep(&pause, NULL);
	}
}

static int check_schema(struct store_backend *s, struct confinfo_diag *diag)
{
	char sql[64];
	int version = -1, err;

	err = user_version(s, &version, diag);
	if (err)
		return err;
	if (version > SCHEMA_VERSION)
		return too_new(version, diag);
	if (version == SCHEMA_VERSION)
		return 0;
	if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return db_fail(s, diag, "upgrading the tables");
	err = user_version(s, &version, diag);
	if (!err && version > SCHEMA_VERSION)
		err = too_new(version, diag);
	for (int v = version < 0 ? 0 : version; !err && v < SCHEMA_VERSION; v++)
		if (sqlite3_exec(s->db, migration[v], NULL, NULL, NULL) !=
		    SQLITE_OK)
			err = db_fail(s, diag, "upgrading the tables");
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", SCHEMA_VERSION);
	if (!err && sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		err = db_fail(s, diag, "writing the schema version");
	if (!err &&
	    sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		err = db_fail(s, diag, "upgrading the tables");
	if (err && !sqlite3_get_autocommit(s->db))
		(void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return err;
}

/* ------------------------------------------------------------------ */
/* Peers: the other stores open on the file. */

static socklen_t peer_addr(struct sockaddr_un *a, const char *name)
{
	size_t len = strlen(name);

	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	/* Abstract: a leading NUL, the name without its own NUL. */
	memcpy(a->sun_path + 1, name, len);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len);
}

static void peers_close(struct store_backend *s)
{
	if (s->registered && s->pid == getpid())
		(void)unlinkat(s->peers, s->name, 0);
	if (s->sock >= 0)
		close(s->sock);
	if (s->peers >= 0)
		close(s->peers);
	s->sock = -1;
	s->peers = -1;
	s->registered = false;
}

/* Bind the socket, then register it (so that a peer that sees the file
 * can reach it). Returns an errno for the warning; the store works
 * without. */
static int peers_open(struct store_backend *s, const char *path,
		      const char **whatp)
{
	struct sockaddr_un a;
	unsigned char rnd[8];
	size_t plen = strlen(path);
	char *dir;
	int fd, err = 0;

	*whatp = "creating the directory";
	dir = malloc(plen + sizeof(".peers"));
	if (!dir)
		return ENOMEM;
	memcpy(dir, path, plen);
	memcpy(dir + plen, ".peers", sizeof(".peers"));
	if (mkdir(dir, 0700) && errno != EEXIST)
		err = errno;
	if (!err) {
		*whatp = "opening the directory";
		s->peers = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (s->peers < 0)
			err = errno;
	}
	free(dir);
	if (err)
		return err;

	*whatp = "binding the socket";
	/* Two stores of one process need two names too. */
	if (getrandom(rnd, sizeof(rnd), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(rnd)) {
		struct timespec ts;
		uint64_t x;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		x = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
		memcpy(rnd, &x, sizeof(rnd));
	}
	snprintf(s->name, sizeof(s->name),
		 PEER_PREFIX "%ld-%02x%02x%02x%02x%02x%02x%02x%02x",
		 (long)s->pid, rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5],
		 rnd[6], rnd[7]);
	s->sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->sock < 0 ||
	    bind(s->sock, (struct sockaddr *)&a, peer_addr(&a, s->name)))
		return errno;

	*whatp = "registering";
	fd = openat(s->peers, s->name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		    0600);
	if (fd < 0)
		return errno;
	close(fd);
	s->registered = true;
	return 0;
}

/* After a committed save: poke every other registered store. From a
 * socket of its own each time: a poke waiting in a peer's queue is
 * charged to the socket that sent it, and the store's one socket would
 * run out of send buffer on a peer that does not read (stopped), and
 * then reach no peer at all. */
static void peers_poke(struct store_backend *s)
{
	struct sockaddr_un a;
	struct dirent *de;
	DIR *d;
	int out, fd;

	if (s->peers < 0)
		return;
	fd = openat(s->peers, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	out = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	while (out >= 0 && (de = readdir(d)) != NULL) {
		const char *peer = de->d_name;

		if (strncmp(peer, PEER_PREFIX, strlen(PEER_PREFIX)) ||
		    !strcmp(peer, s->name) ||
		    strlen(peer) >= sizeof(a.sun_path) - 1)
			continue;
		if (sendto(out, "!", 1, MSG_DONTWAIT | MSG_NOSIGNAL,
			   (struct sockaddr *)&a, peer_addr(&a, peer)) < 0 &&
		    (errno == ECONNREFUSED || errno == ENOENT))
			(void)unlinkat(s->peers, peer, 0); /* gone */
		/* EAGAIN: its queue is full, so it will wake anyway. */
	}
	if (out >= 0)
		close(out);
	closedir(d);
}

/* ------------------------------------------------------------------ */

static void sqlite_close(struct store_backend *s)
{
	if (!s)
		return;
	peers_close(s);
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->st[i]);
	sqlite3_close(s->db);
	free(s);
}

/* The last version given out; *vp untouched on error. */
static int last_version(struct store_backend *s, uint64_t *vp,
			struct confinfo_diag *diag)
{
	sqlite3_stmt *st = s->st[ST_LAST];
	int err = 0;

	if (sqlite3_step(st) == SQLITE_ROW)
		*vp = (uint64_t)sqlite3_column_int64(st, 0);
	else
		err = db_fail(s, diag, "reading the version");
	sqlite3_reset(st);
	return err;
}

static int sqlite_open(struct store_backend **sp, const char *path,
		       struct confinfo_diag *diag)
{
	struct store_backend *s;
	sqlite3_stmt *st = NULL;
	const char *what = "";
	int err = 0, perr;

	s = calloc(1, sizeof(*s));
	if (!s)
		return ENOMEM;
	s->sock = -1;
	s->peers = -1;
	s->pid = getpid();
	if (sqlite3_open_v2(path, &s->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		err = s->db ? db_fail(s, diag, path) : ENOMEM;
		goto out;
	}
	/* The other processes writing (a focus still shutting down, the
	 * other workers) are waited for a little rather than failing at
	 * once. */
	sqlite3_busy_timeout(s->db, BUSY_MS);
	if (set_wal(s) != SQLITE_OK) {
		err = db_fail(s, diag, path);
		goto out;
	}
	err = check_schema(s, diag);
	if (err)
		goto out;
	for (int i = 0; i < ST_COUNT; i++)
		if (sqlite3_prepare_v2(s->db, statement[i], -1, &s->st[i],
				       NULL) != SQLITE_OK) {
			err = db_fail(s, diag, "preparing statements");
			goto out;
		}
	/* Best effort: a busy file keeps its tombstones until next time. */
	if (sqlite3_prepare_v2(s->db,
			       "DELETE FROM conference WHERE removed = 1 "
			       "AND updated < ?1",
			       -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_bind_int64(
		st, 1, (sqlite3_int64)time(NULL) - TOMBSTONE_KEEP) == SQLITE_OK)
		(void)sqlite3_step(st);
	sqlite3_finalize(st);

	if (strcmp(path, ":memory:")) {
		perr = peers_open(s, path, &what);
		if (perr) {
			peers_close(s);
			if (perr == ENOMEM) {
				err = ENOMEM;
				goto out;
			}
			confinfo_diag_warn(diag, 0, 0,
					   "state store: %s.peers: %s: %s: "
					   "changes made by other processes "
					   "will not be announced",
					   path, what, strerror(perr));
		}
	}
	/* Registered first: a change above this version is announced. */
	err = last_version(s, &s->seen, diag);
out:
	if (err)
		sqlite_close(s);
	else
		*sp = s;
	return err;
}

static int sqlite_save(struct store_backend *s, const char *name,
		       const char *xml, size_t len, const char *source,
		       uint64_t *versionp, struct confinfo_diag *diag)
{
	sqlite3_stmt *st = xml ? s->st[ST_PUT] : s->st[ST_DEL];
	const char *what =
	    xml ? "saving a conference" : "removing a conference";
	uint64_t version = 0;
	bool changed = false;
	int err = 0;

	if (sqlite3_step(s->st[ST_BEGIN]) != SQLITE_DONE) {
		err = db_fail(s, diag, what);
		sqlite3_reset(s->st[ST_BEGIN]);
		return err;
	}
	sqlite3_reset(s->st[ST_BEGIN]);
	if (sqlite3_step(s->st[ST_BUMP]) != SQLITE_DONE)
		err = db_fail(s, diag, what);
	sqlite3_reset(s->st[ST_BUMP]);
	if (!err)
		err = last_version(s, &version, diag);
	if (!err &&
	    (sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) ||
	     sqlite3_bind_int64(st, 4, (sqlite3_int64)time(NULL)) ||
	     sqlite3_bind_int64(st, 5, (sqlite3_int64)version) ||
	     (xml &&
	      (sqlite3_bind_text(st, 2, source, -1, SQLITE_STATIC) ||
	       sqlite3_bind_text(st, 3, xml, (int)len, SQLITE_STATIC))) ||
	     sqlite3_step(st) != SQLITE_DONE))
		err = db_fail(s, diag, what);
	if (!err)
		changed = sqlite3_changes(s->db) > 0;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (!err && sqlite3_step(s->st[ST_COMMIT]) != SQLITE_DONE)
		err = db_fail(s, diag, "committing");
	sqlite3_reset(s->st[ST_COMMIT]);
	if (err) {
		if (!sqlite3_get_autocommit(s->db))
			(void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return err;
	}
	/* Nothing missed between: poll need not report our own save. */
	if (s->seen + 1 == version)
		s->seen = version;
	if (changed)
		peers_poke(s);
	*versionp = version;
	return 0;
}

/* Read one row of a SELECT name, source, state, version. */
static int row(sqlite3_stmt *st, row_h *rowh, void *arg)
{
	const char *name = (const char *)sqlite3_column_text(st, 0);
	const char *source = (const char *)sqlite3_column_text(st, 1);
	const char *xml = (const char *)sqlite3_column_text(st, 2);
	int len = sqlite3_column_bytes(st, 2);
	sqlite3_int64 version = sqlite3_column_int64(st, 3);

	if (!name || !source || !xml)
		return ENOMEM;
	return rowh(name, source, xml, (size_t)len, (uint64_t)version, arg);
}

static int sqlite_scan(struct store_backend *s, row_h *rowh, void *arg,
		       struct confinfo_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int rc = SQLITE_DONE, err = 0;

	if (sqlite3_prepare_v2(s->db,
			       "SELECT name, source, state, version FROM "
			       "conference WHERE removed = 0 ORDER BY name",
			       -1, &st, NULL) != SQLITE_OK)
		return db_fail(s, diag, "reading conferences");
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW)
		err = row(st, rowh, arg);
	if (!err && rc != SQLITE_DONE)
		err = db_fail(s, diag, "reading conferences");
	sqlite3_finalize(st);
	return err;
}

/* The row is copied out and the statement reset before @p rowh runs, so
 * that the callee may use the store (save) without a read in progress. */
static int sqlite_get(struct store_backend *s, const char *name, row_h *rowh,
		      void *arg, struct confinfo_diag *diag)
{
	sqlite3_stmt *st = s->st[ST_GET];
	char *source = NULL, *xml = NULL;
	uint64_t version = 0;
	size_t len = 0;
	int rc, err = 0;

	if (sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) != SQLITE_OK) {
		err = db_fail(s, diag, "reading a conference");
		goto out;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		err = ENOENT;
	} else if (rc != SQLITE_ROW) {
		err = db_fail(s, diag, "reading a conference");
	} else {
		const char *src = (const char *)sqlite3_column_text(st, 1);
		const char *doc = (const char *)sqlite3_column_text(st, 2);

		len = (size_t)sqlite3_column_bytes(st, 2);
		version = (uint64_t)sqlite3_column_int64(st, 3);
		source = src ? strdup(src) : NULL;
		xml = doc ? malloc(len + 1) : NULL;
		if (!source || !xml)
			err = ENOMEM;
		else
			memcpy(xml, doc, len + 1);
	}
out:
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (!err)
		err = rowh(name, source, xml, len, version, arg);
	free(source);
	free(xml);
	return err;
}

static int sqlite_fd(const struct store_backend *s)
{
	return s->sock;
}

struct change {
	char *name;
	uint64_t version;
};

/* Every row above the versions seen, tombstones included, in version
 * order: one entry per conference, however many pokes were lost. */
static int changes_since(struct store_backend *s, struct change **chp,
			 size_t *np, struct confinfo_diag *diag)
{
	sqlite3_stmt *st = s->st[ST_SINCE];
	struct change *ch = NULL, *more;
	size_t n = 0, cap = 0;
	int rc = SQLITE_DONE, err = 0;

	if (sqlite3_bind_int64(st, 1, (sqlite3_int64)s->seen) != SQLITE_OK)
		err = db_fail(s, diag, "reading changes");
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);

		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			more = realloc(ch, cap * sizeof(*ch));
			if (!more) {
				err = ENOMEM;
				break;
			}
			ch = more;
		}
		ch[n].name = name ? strdup(name) : NULL;
		ch[n].version = (uint64_t)sqlite3_column_int64(st, 1);
		if (!ch[n].name) {
			err = ENOMEM;
			break;
		}
		n++;
	}
	if (!err && rc != SQLITE_DONE)
		err = db_fail(s, diag, "reading changes");
	/* Reset: a read left open would hold back the WAL's checkpoints. */
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (err) {
		while (n)
			free(ch[--n].name);
		free(ch);
		return err;
	}
	*chp = ch;
	*np = n;
	return 0;
}

static int sqlite_poll(struct store_backend *s, confinfo_store_changed_h *h,
		       void *arg, struct confinfo_diag *diag)
{
	struct change *ch = NULL;
	char buf[16];
	size_t n = 0;
	int err;

	/* Drained first: a poke arriving after it is for a change the read
	 * below may miss, and will wake the caller again. */
	if (s->sock >= 0)
		while (recv(s->sock, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
			;
	err = changes_since(s, &ch, &n, diag);
	if (err)
		return err;
	/* Called with no read in progress: the handler may get (and save). */
	for (size_t i = 0; i < n; i++) {
		if (ch[i].version > s->seen)
			s->seen = ch[i].version;
		h(ch[i].name, ch[i].version, arg);
	}
	for (size_t i = 0; i < n; i++)
		free(ch[i].name);
	free(ch);
	return 0;
}

const struct store_ops store_sqlite_ops = {
    .name = "SQLite",
    .open = sqlite_open,
    .close = sqlite_close,
    .save = sqlite_save,
    .scan = sqlite_scan,
    .get = sqlite_get,
    .fd = sqlite_fd,
    .poll = sqlite_poll,
};
