/*
 * The backends of libconfinfo-store behind store.h: sqlite.c (a file
 * path) and pg.c (a postgresql:// URI or a libpq conninfo). store.c picks
 * one at open and forwards every call through this table; what a backend
 * does not need (SQLite has no connection to re-establish: reconnect) it
 * leaves NULL and store.c answers for it. Both version every save and
 * announce it to the other stores open on the same data (pg.c: NOTIFY;
 * sqlite.c: the processes of one machine, through `<db>.peers/`).
 */
#ifndef CONFINFO_STORE_BACKEND_H
#define CONFINFO_STORE_BACKEND_H

#include <stdbool.h>

#include "confinfo/store.h"

struct store_backend;

struct store_ops {
	const char *name; /* "SQLite", "PostgreSQL": for messages */
	int (*open)(struct store_backend **bp, const char *where,
		    struct confinfo_diag *diag);
	void (*close)(struct store_backend *b);
	/* state NULL: remove. *versionp: the version written. */
	int (*save)(struct store_backend *b, const char *name, const char *xml,
		    size_t len, const char *source, uint64_t *versionp,
		    struct confinfo_diag *diag);
	/* Every row: name, source, XML, version. */
	int (*scan)(struct store_backend *b,
		    int (*rowh)(const char *name, const char *source,
				const char *xml, size_t len, uint64_t version,
				void *arg),
		    void *arg, struct confinfo_diag *diag);
	/* One row, or ENOENT. NULL: not supported. */
	int (*get)(struct store_backend *b, const char *name,
		   int (*rowh)(const char *name, const char *source,
			       const char *xml, size_t len, uint64_t version,
			       void *arg),
		   void *arg, struct confinfo_diag *diag);
	int (*fd)(const struct store_backend *b);
	int (*poll)(struct store_backend *b, confinfo_store_changed_h *h,
		    void *arg, struct confinfo_diag *diag);
	int (*reconnect)(struct store_backend *b, bool *writep,
			 struct confinfo_diag *diag);
};

extern const struct store_ops store_sqlite_ops;
#ifdef CONFINFO_STORE_PG
extern const struct store_ops store_pg_ops;
#endif

#endif
