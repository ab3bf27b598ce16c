/*
 * SQLite persistence of served conference states.
 *
 * States are kept as conference-info XML (what confinfo_xml_encode()
 * writes): readable with the sqlite3 shell, and decoded through the same
 * hardened path as anything else on load, so a damaged file cannot feed
 * the focus something the decoder would refuse from the network.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "confinfo/store.h"
#include "confinfo/xml.h"

/* Bumped on every incompatible change of the tables below. */
#define SCHEMA_VERSION 1

static const char schema_sql[] = "CREATE TABLE IF NOT EXISTS conference ("
				 " name TEXT PRIMARY KEY NOT NULL,"
				 " source TEXT NOT NULL,"
				 " state TEXT NOT NULL,"
				 " updated INTEGER NOT NULL"
				 ");";

struct confinfo_store {
	sqlite3 *db;
	sqlite3_stmt *put;
	sqlite3_stmt *del;
};

static int db_fail(struct confinfo_store *s, struct confinfo_diag *diag,
		   const char *what)
{
	return confinfo_diag_fail(diag, EIO, 0, 0, "state store: %s: %s", what,
				  sqlite3_errmsg(s->db));
}

static int check_schema(struct confinfo_store *s, struct confinfo_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int version = -1, err = 0;

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
	return err;
}

int confinfo_store_open(struct confinfo_store **sp, const char *path,
			struct confinfo_diag *diag)
{
	struct confinfo_store *s;
	int err = 0;

	if (!sp || !path)
		return EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return ENOMEM;
	if (sqlite3_open_v2(path, &s->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		if (!s->db) {
			err = ENOMEM;
			goto out;
		}
		err = db_fail(s, diag, path);
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
		confinfo_store_close(s);
	else
		*sp = s;
	return err;
}

void confinfo_store_close(struct confinfo_store *s)
{
	if (!s)
		return;
	sqlite3_finalize(s->put);
	sqlite3_finalize(s->del);
	sqlite3_close(s->db);
	free(s);
}

int confinfo_store_put(struct confinfo_store *s, const char *name,
		       const struct confinfo_conf *state, const char *source,
		       struct confinfo_diag *diag)
{
	char *xml = NULL;
	size_t len = 0;
	int err;

	if (!s || !name || !state || !source)
		return EINVAL;
	err = confinfo_xml_encode(&xml, &len, state);
	if (err)
		return err;
	sqlite3_reset(s->put);
	if (sqlite3_bind_text(s->put, 1, name, -1, SQLITE_STATIC) ||
	    sqlite3_bind_text(s->put, 2, source, -1, SQLITE_STATIC) ||
	    sqlite3_bind_text(s->put, 3, xml, (int)len, SQLITE_STATIC) ||
	    sqlite3_bind_int64(s->put, 4, (sqlite3_int64)time(NULL)) ||
	    sqlite3_step(s->put) != SQLITE_DONE)
		err = db_fail(s, diag, "saving a conference");
	sqlite3_reset(s->put);
	sqlite3_clear_bindings(s->put);
	free(xml);
	return err;
}

int confinfo_store_remove(struct confinfo_store *s, const char *name,
			  struct confinfo_diag *diag)
{
	int err = 0;

	if (!s || !name)
		return EINVAL;
	sqlite3_reset(s->del);
	if (sqlite3_bind_text(s->del, 1, name, -1, SQLITE_STATIC) ||
	    sqlite3_step(s->del) != SQLITE_DONE)
		err = db_fail(s, diag, "removing a conference");
	sqlite3_reset(s->del);
	sqlite3_clear_bindings(s->del);
	return err;
}

int confinfo_store_load(struct confinfo_store *s,
			const struct confinfo_xml_limits *limits,
			confinfo_store_each_h *h, void *arg,
			struct confinfo_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int rc = SQLITE_DONE, err = 0;

	if (!s || !h)
		return EINVAL;
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
		struct confinfo_diag d;
		struct confinfo_conf *conf = NULL;
		int derr;

		if (!name || !source || !xml) {
			err = ENOMEM;
			break;
		}
		memset(&d, 0, sizeof(d));
		/* The limits the state was accepted under: the defaults would
		 * drop, at every restart, a state the focus was configured to
		 * serve. */
		derr = confinfo_xml_decode(&conf, xml, (size_t)len, limits, &d);
		if (derr) {
			if (derr == ENOMEM) {
				err = ENOMEM;
				break;
			}
			confinfo_diag_warn(diag, 0, 0,
					   "state store: conference %s "
					   "skipped: %d:%d: %s",
					   name, d.line, d.column,
					   d.message[0] ? d.message
							: strerror(derr));
			continue;
		}
		err = h(name, conf, source, arg);
	}
	if (!err && rc != SQLITE_DONE)
		err = db_fail(s, diag, "reading conferences");
	sqlite3_finalize(st);
	return err;
}
