/*
 * The SQLite backend of the store (backend.h): one database file per
 * focus, in WAL mode; every save is its own transaction, durable when the
 * call returns (synchronous=FULL would also survive power loss; NORMAL,
 * the setting used, survives a crash of the process, which is what a
 * restart test checks). States are kept as conference-info XML, readable
 * with the sqlite3 shell. One writer, no versions, nothing to watch.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "backend.h"

/* Bumped on every incompatible change of the tables below. */
#define SCHEMA_VERSION 1

static const char schema_sql[] = "CREATE TABLE IF NOT EXISTS conference ("
				 " name TEXT PRIMARY KEY NOT NULL,"
				 " source TEXT NOT NULL,"
				 " state TEXT NOT NULL,"
				 " updated INTEGER NOT NULL"
				 ");";

struct store_backend {
	sqlite3 *db;
	sqlite3_stmt *put;
	sqlite3_stmt *del;
};

static int db_fail(struct store_backend *s, struct confinfo_diag *diag,
		   const char *what)
{
	return confinfo_diag_fail(diag, EIO, 0, 0, "state store: %s: %s", what,
				  sqlite3_errmsg(s->db));
}

static int check_schema(struct store_backend *s, struct confinfo_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int version = -1;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) !=
	    SQLITE_OK)
		return db_fail(s, diag, "reading the schema version");
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version > SCHEMA_VERSION)
		return confinfo_diag_fail(diag, EPROTO, 0, 0,
					  "state store: schema version %d is "
					  "newer than this confinfo's (%d)",
					  version, SCHEMA_VERSION);
	if (sqlite3_exec(s->db, schema_sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(s, diag, "creating the tables");
	if (version < SCHEMA_VERSION &&
	    sqlite3_exec(s->db, "PRAGMA user_version = 1", NULL, NULL, NULL) !=
		SQLITE_OK)
		return db_fail(s, diag, "writing the schema version");
	return 0;
}

static void sqlite_close(struct store_backend *s)
{
	if (!s)
		return;
	sqlite3_finalize(s->put);
	sqlite3_finalize(s->del);
	sqlite3_close(s->db);
	free(s);
}

static int sqlite_open(struct store_backend **sp, const char *path,
		       struct confinfo_diag *diag)
{
	struct store_backend *s;
	int err = 0;

	s = calloc(1, sizeof(*s));
	if (!s)
		return ENOMEM;
	if (sqlite3_open_v2(path, &s->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		err = s->db ? db_fail(s, diag, path) : ENOMEM;
		goto out;
	}
	/* Another process holding the file (a focus still shutting down)
	 * is waited for a little rather than failing at once. */
	sqlite3_busy_timeout(s->db, 2000);
	if (sqlite3_exec(s->db,
			 "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
			 NULL, NULL, NULL) != SQLITE_OK) {
		err = db_fail(s, diag, path);
		goto out;
	}
	err = check_schema(s, diag);
	if (err)
		goto out;
	if (sqlite3_prepare_v2(s->db,
			       "INSERT INTO conference(name, source, state, "
			       "updated) VALUES(?1, ?2, ?3, ?4) "
			       "ON CONFLICT(name) DO UPDATE SET "
			       "source = ?2, state = ?3, updated = ?4",
			       -1, &s->put, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "DELETE FROM conference WHERE name = ?1",
			       -1, &s->del, NULL) != SQLITE_OK) {
		err = db_fail(s, diag, "preparing statements");
		goto out;
	}
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
	sqlite3_stmt *st = xml ? s->put : s->del;
	int err = 0;

	sqlite3_reset(st);
	if (sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) ||
	    (xml && (sqlite3_bind_text(st, 2, source, -1, SQLITE_STATIC) ||
		     sqlite3_bind_text(st, 3, xml, (int)len, SQLITE_STATIC) ||
		     sqlite3_bind_int64(st, 4, (sqlite3_int64)time(NULL)))) ||
	    sqlite3_step(st) != SQLITE_DONE)
		err = db_fail(s, diag,
			      xml ? "saving a conference"
				  : "removing a conference");
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (!err)
		*versionp = 0;
	return err;
}

static int sqlite_scan(struct store_backend *s,
		       int (*rowh)(const char *name, const char *source,
				   const char *xml, size_t len,
				   uint64_t version, void *arg),
		       void *arg, struct confinfo_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int rc = SQLITE_DONE, err = 0;

	if (sqlite3_prepare_v2(s->db,
			       "SELECT name, source, state FROM conference "
			       "ORDER BY name",
			       -1, &st, NULL) != SQLITE_OK)
		return db_fail(s, diag, "reading conferences");
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		const char *source = (const char *)sqlite3_column_text(st, 1);
		const char *xml = (const char *)sqlite3_column_text(st, 2);
		int len = sqlite3_column_bytes(st, 2);

		if (!name || !source || !xml) {
			err = ENOMEM;
			break;
		}
		err = rowh(name, source, xml, (size_t)len, 0, arg);
	}
	if (!err && rc != SQLITE_DONE)
		err = db_fail(s, diag, "reading conferences");
	sqlite3_finalize(st);
	return err;
}

const struct store_ops store_sqlite_ops = {
    .name = "SQLite",
    .open = sqlite_open,
    .close = sqlite_close,
    .save = sqlite_save,
    .scan = sqlite_scan,
};
