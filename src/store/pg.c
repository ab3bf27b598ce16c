/*
 * The PostgreSQL backend of the store (backend.h), shared by several
 * focus nodes (docs/scale-out.md).
 *
 * - One row per conference: name, version, source, document (the XML),
 *   updated. Versions come from one sequence, so they grow across every
 *   conference and across a removal and a re-creation: a node can always
 *   tell old from new by comparing two numbers.
 * - A save is one transaction: a transaction-scoped advisory lock on the
 *   name (a row lock that also covers a row not yet inserted), then the
 *   version taken under the lock, the write, and pg_notify() on the
 *   channel `confinfo` ("VERSION NAME"), all committed together. Two
 *   writers of one conference are thereby serialised: commit order is
 *   version order, and the later commit is the stored state. PUBLISH
 *   bodies are full states, never read-modify-write, so there is no lost
 *   update to refuse: both writers get their 200, the later one stands.
 * - Every statement is a constant with $n parameters (PQexecParams),
 *   never a string built from data.
 * - The connection LISTENs on the channel; the caller's event loop
 *   watches its socket and calls poll. A connection found down is
 *   re-established by reconnect, without blocking, driven by the
 *   caller's loop and backoff timer (or, blocking, by the save whose
 *   statement found it dead just then); poll then reports that changes
 *   may have been missed. A save never connects to a server already
 *   known to be down: it fails at once.
 */
#ifdef CONFINFO_STORE_PG
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "backend.h"

#define SCHEMA_VERSION      1
#define SCHEMA_VERSION_TEXT "1"
#define CONNECT_TIMEOUT     "2"  /* seconds, blocking connects */
#define CONNECT_TIMEOUT_MS  2000 /* the non-blocking ones */

/* The tables of every schema version; migration[v] goes from v to v + 1,
 * so that an older database is brought up to date step by step. */
static const char *const migration[SCHEMA_VERSION] = {
    "CREATE SEQUENCE IF NOT EXISTS confinfo_version;"
    "CREATE TABLE IF NOT EXISTS confinfo_conference ("
    " name text PRIMARY KEY,"
    " version bigint NOT NULL,"
    " source text NOT NULL,"
    " document text NOT NULL,"
    " updated timestamptz NOT NULL DEFAULT now())",
};

struct store_backend {
	PGconn *conn;
	bool resynced;    /* reconnected: poll tells the caller */
	bool connecting;  /* a non-blocking reconnection under way */
	uint64_t started; /* when it started, ms (CLOCK_MONOTONIC) */
};

typedef int(row_h)(const char *name, const char *source, const char *xml,
		   size_t len, uint64_t version, void *arg);

/* libpq's messages end with a newline, and may hold several lines. */
static int fail_msg(struct confinfo_diag *diag, const char *what,
		    const char *msg)
{
	size_t len = msg ? strcspn(msg, "\n") : 0;

	return confinfo_diag_fail(diag, EIO, 0, 0, "state store: %s: %.*s",
				  what, (int)len, len ? msg : "no answer");
}

static int conn_fail(struct store_backend *b, struct confinfo_diag *diag,
		     const char *what)
{
	return fail_msg(diag, what, b->conn ? PQerrorMessage(b->conn) : NULL);
}

/* Run @p sql with @p n text parameters; the result in *resp (PQclear())
 * when @p resp, else cleared. EIO with the server's message. */
static int run(struct store_backend *b, const char *sql, int n,
	       const char *const *params, PGresult **resp,
	       struct confinfo_diag *diag, const char *what)
{
	PGresult *res;
	ExecStatusType st;
	int err;

	res = PQexecParams(b->conn, sql, n, NULL, params, NULL, NULL, 0);
	st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		err = res ? fail_msg(diag, what, PQresultErrorMessage(res))
			  : conn_fail(b, diag, what);
		PQclear(res);
		return err;
	}
	if (resp)
		*resp = res;
	else
		PQclear(res);
	return 0;
}

static int schema_upgrade(struct store_backend *b, struct confinfo_diag *diag)
{
	PGresult *res = NULL;
	int version = 0, err;

	/* Nodes starting together: one creates, the others wait. */
	err = run(b, "BEGIN", 0, NULL, NULL, diag, "schema");
	if (!err)
		err = run(b, "SELECT pg_advisory_xact_lock(4575)", 0, NULL,
			  NULL, diag, "schema lock");
	if (!err)
		err = run(b,
			  "CREATE TABLE IF NOT EXISTS confinfo_schema "
			  "(version integer NOT NULL)",
			  0, NULL, NULL, diag, "creating the schema table");
	if (!err)
		err = run(b,
			  "SELECT coalesce(max(version), 0) FROM "
			  "confinfo_schema",
			  0, NULL, &res, diag, "reading the schema version");
	if (err)
		goto out;
	version = atoi(PQgetvalue(res, 0, 0));
	if (version > SCHEMA_VERSION) {
		err = confinfo_diag_fail(diag, EPROTO, 0, 0,
					 "state store: schema version %d is "
					 "newer than this confinfo's (%d)",
					 version, SCHEMA_VERSION);
		goto out;
	}
	for (int v = version; !err && v < SCHEMA_VERSION; v++) {
		PGresult *r = PQexec(b->conn, migration[v]);

		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			err = fail_msg(diag, "creating the tables",
				       r ? PQresultErrorMessage(r)
					 : PQerrorMessage(b->conn));
		PQclear(r);
	}
	if (!err && version < SCHEMA_VERSION)
		err = run(b, "DELETE FROM confinfo_schema", 0, NULL, NULL, diag,
			  "writing the schema version");
	if (!err && version < SCHEMA_VERSION) {
		const char *const p[] = {SCHEMA_VERSION_TEXT};

		err = run(b, "INSERT INTO confinfo_schema VALUES ($1)", 1, p,
			  NULL, diag, "writing the schema version");
	}
	if (!err)
		err = run(b, "COMMIT", 0, NULL, NULL, diag, "schema");
out:
	if (err && PQstatus(b->conn) == CONNECTION_OK)
		PQclear(PQexec(b->conn, "ROLLBACK"));
	PQclear(res);
	return err;
}

/* The server's notices (a FATAL on its shutdown, say) would go to
 * stderr unasked; the errors that matter come back from the calls. */
static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static int listen_channel(struct store_backend *b, struct confinfo_diag *diag)
{
	return run(b, "LISTEN confinfo", 0, NULL, NULL, diag, "LISTEN");
}

static void pg_close(struct store_backend *b)
{
	if (!b)
		return;
	PQfinish(b->conn);
	free(b);
}

static int pg_open(struct store_backend **bp, const char *where,
		   struct confinfo_diag *diag)
{
	/* The string's own connect_timeout, if any, wins over ours (later
	 * keywords override earlier ones; dbname expands the string). */
	const char *const keys[] = {"connect_timeout", "dbname", NULL};
	const char *const vals[] = {CONNECT_TIMEOUT, where, NULL};
	struct store_backend *b;
	int err;

	b = calloc(1, sizeof(*b));
	if (!b)
		return ENOMEM;
	b->conn = PQconnectdbParams(keys, vals, 1);
	if (!b->conn) {
		err = ENOMEM;
		goto out;
	}
	PQsetNoticeProcessor(b->conn, quiet, NULL);
	if (PQstatus(b->conn) != CONNECTION_OK) {
		err = conn_fail(b, diag, "connecting");
		goto out;
	}
	err = schema_upgrade(b, diag);
	if (!err)
		err = listen_channel(b, diag);
out:
	if (err)
		pg_close(b);
	else
		*bp = b;
	return err;
}

/* Connected again: LISTEN, and tell the caller at the next poll. */
static int connected(struct store_backend *b, struct confinfo_diag *diag)
{
	b->connecting = false;
	b->resynced = true;
	return listen_channel(b, diag);
}

/* A blocking reconnection: for a save whose statement found the
 * connection dead just now (the server restarted while we were idle). */
static int reconnect_now(struct store_backend *b, struct confinfo_diag *diag)
{
	b->connecting = false;
	PQreset(b->conn);
	if (PQstatus(b->conn) != CONNECTION_OK)
		return conn_fail(b, diag, "reconnecting");
	return connected(b, diag);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The non-blocking one (PQresetStart, PQresetPoll), driven by the
 * caller's loop: libpq enforces no timeout then, so a server that neither
 * answers nor refuses is given up after CONNECT_TIMEOUT_MS here. */
static int pg_reconnect(struct store_backend *b, bool *writep,
			struct confinfo_diag *diag)
{
	PostgresPollingStatusType st;

	if (b->connecting && now_ms() - b->started > CONNECT_TIMEOUT_MS) {
		b->connecting = false;
		return fail_msg(diag, "reconnecting", "timed out");
	}
	if (!b->connecting) {
		if (!PQresetStart(b->conn))
			return conn_fail(b, diag, "reconnecting");
		b->connecting = true;
		b->started = now_ms();
	}
	st = PQresetPoll(b->conn);
	if (st == PGRES_POLLING_OK)
		return connected(b, diag);
	if (st == PGRES_POLLING_FAILED) {
		b->connecting = false;
		return conn_fail(b, diag, "reconnecting");
	}
	*writep = st == PGRES_POLLING_WRITING;
	return EINPROGRESS;
}

/* The statements of one save, in its transaction: the lock, then the
 * write that takes its version under the lock and announces it. */
static const char sql_lock[] =
    "SELECT pg_advisory_xact_lock(hashtextextended($1::text, 0))";
static const char sql_put[] =
    "INSERT INTO confinfo_conference(name, version, source, document) "
    "VALUES ($1, nextval('confinfo_version'), $2, $3) "
    "ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version, "
    "source = EXCLUDED.source, document = EXCLUDED.document, "
    "updated = now() "
    "RETURNING version, pg_notify('confinfo', version::text || ' ' || name)";
static const char sql_del[] =
    "WITH gone AS (DELETE FROM confinfo_conference WHERE name = $1::text) "
    "SELECT v, pg_notify('confinfo', v::text || ' ' || $1::text) "
    "FROM nextval('confinfo_version') AS v";

/* One attempt at a save; *sentp: the transaction reached the server
 * (after that a failure is not retried: it may have committed). */
static int save_once(struct store_backend *b, const char *name, const char *xml,
		     const char *source, uint64_t *versionp, bool *sentp,
		     struct confinfo_diag *diag)
{
	const char *const put[] = {name, source, xml};
	PGresult *res = NULL;
	int err;

	*sentp = false;
	err = run(b, "BEGIN", 0, NULL, NULL, diag, "saving a conference");
	if (err)
		return err;
	*sentp = true;
	err = run(b, sql_lock, 1, put, NULL, diag, "locking a conference");
	if (!err)
		err = run(
		    b, xml ? sql_put : sql_del, xml ? 3 : 1, put, &res, diag,
		    xml ? "saving a conference" : "removing a conference");
	if (!err && PQntuples(res) != 1)
		err = fail_msg(diag, "saving a conference", "no version");
	if (!err)
		err = run(b, "COMMIT", 0, NULL, NULL, diag, "committing");
	if (!err)
		*versionp = strtoull(PQgetvalue(res, 0, 0), NULL, 10);
	else if (PQstatus(b->conn) == CONNECTION_OK)
		PQclear(PQexec(b->conn, "ROLLBACK"));
	PQclear(res);
	return err;
}

static int pg_save(struct store_backend *b, const char *name, const char *xml,
		   size_t len, const char *source, uint64_t *versionp,
		   struct confinfo_diag *diag)
{
	bool sent = false;
	int err;

	(void)len; /* the encoder's text is NUL-terminated */
	/* Known down: fail fast (503) and leave the reconnection to the
	 * caller's backoff timer, rather than a blocking connect per save. */
	if (b->connecting || PQstatus(b->conn) != CONNECTION_OK)
		return fail_msg(diag, "no connection", "reconnecting");
	err = save_once(b, name, xml, source, versionp, &sent, diag);
	/* A connection that died while idle (the server restarted) is only
	 * noticed by the next statement: when that was the BEGIN, nothing
	 * was stored, and one new connection is worth a try. */
	if (err && !sent && PQstatus(b->conn) != CONNECTION_OK &&
	    !reconnect_now(b, diag))
		err = save_once(b, name, xml, source, versionp, &sent, diag);
	return err;
}

static int rows(PGresult *res, int first, row_h *rowh, void *arg)
{
	int err = 0;

	for (int i = 0; !err && i < PQntuples(res); i++) {
		const char *name = PQgetvalue(res, i, first);
		uint64_t version =
		    strtoull(PQgetvalue(res, i, first + 1), NULL, 10);

		err =
		    rowh(name, PQgetvalue(res, i, first + 2),
			 PQgetvalue(res, i, first + 3),
			 (size_t)PQgetlength(res, i, first + 3), version, arg);
	}
	return err;
}

static int pg_scan(struct store_backend *b, row_h *rowh, void *arg,
		   struct confinfo_diag *diag)
{
	PGresult *res = NULL;
	int err;

	err = run(b,
		  "SELECT name, version, source, document FROM "
		  "confinfo_conference ORDER BY name",
		  0, NULL, &res, diag, "reading conferences");
	if (!err)
		err = rows(res, 0, rowh, arg);
	PQclear(res);
	return err;
}

static int pg_get(struct store_backend *b, const char *name, row_h *rowh,
		  void *arg, struct confinfo_diag *diag)
{
	const char *const p[] = {name};
	PGresult *res = NULL;
	int err;

	err = run(b,
		  "SELECT name, version, source, document FROM "
		  "confinfo_conference WHERE name = $1",
		  1, p, &res, diag, "reading a conference");
	if (!err && PQntuples(res) == 0)
		err = ENOENT;
	if (!err)
		err = rows(res, 0, rowh, arg);
	PQclear(res);
	return err;
}

static int pg_fd(const struct store_backend *b)
{
	if (b->connecting || PQstatus(b->conn) == CONNECTION_OK)
		return PQsocket(b->conn);
	return -1;
}

/* "VERSION NAME", as sql_put and sql_del announce it; other payloads on
 * the channel (someone else's NOTIFY) are ignored. */
static bool parse_payload(const char *p, uint64_t *versionp, const char **namep)
{
	char *end;
	unsigned long long v = strtoull(p, &end, 10);

	if (end == p || *end != ' ' || !end[1])
		return false;
	*versionp = v;
	*namep = end + 1;
	return true;
}

static int pg_poll(struct store_backend *b, confinfo_store_changed_h *h,
		   void *arg, struct confinfo_diag *diag)
{
	PGnotify *nt;

	if (b->connecting || PQstatus(b->conn) != CONNECTION_OK ||
	    !PQconsumeInput(b->conn))
		return conn_fail(b, diag, "connection lost");
	if (b->resynced) {
		b->resynced = false;
		h(NULL, 0, arg);
	}
	while ((nt = PQnotifies(b->conn)) != NULL) {
		uint64_t version;
		const char *name;

		if (parse_payload(nt->extra, &version, &name))
			h(name, version, arg);
		PQfreemem(nt);
	}
	return 0;
}

const struct store_ops store_pg_ops = {
    .name = "PostgreSQL",
    .open = pg_open,
    .close = pg_close,
    .save = pg_save,
    .scan = pg_scan,
    .get = pg_get,
    .fd = pg_fd,
    .poll = pg_poll,
    .reconnect = pg_reconnect,
};
#else
/* Built without libpq: ISO C wants a declaration in every file. */
typedef int store_pg_unused;
#endif /* CONFINFO_STORE_PG */
