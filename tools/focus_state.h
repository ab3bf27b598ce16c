/*
 * confinfo focus --state FILE|URI: the served states kept in a store
 * (store.h: SQLite, or PostgreSQL shared by several nodes, whose changes
 * are then served here too) and served again after a restart. focus_state.c is
 * built with libconfinfo-store; focus_state_none.c, which refuses
 * --state, without it (CONFINFO_WITH_STORE=OFF).
 */
#ifndef CONFINFO_TOOLS_FOCUS_STATE_H
#define CONFINFO_TOOLS_FOCUS_STATE_H

#include <stdbool.h>

#include "confinfo/model.h"
#include "confinfo/notifier.h"

struct focus_state;

/* Open the store at @p path and serve every conference in it through
 * @p n; a shared store is then watched in the libre loop. Errors are printed
 * (naming @p path); returns 0 or an errno (ENOTSUP: built without a store). */
int focus_state_open(struct focus_state **sp, const char *path,
		     struct confinfo_notifier *n);

/* Open the store at @p path and close it again: creates or upgrades its
 * tables once, before several workers open it together, and reports a
 * store that cannot serve (printed, naming @p path) once rather than once
 * per worker. Returns 0 or an errno. */
int focus_state_check(const char *path);

/* The notifier's commit callback: save the change (@p state NULL
 * removes conference @p name) before it is served. Returns 0, or the
 * store's errno (printed): the change is then refused (a PUBLISH gets
 * 503). Changes the store itself brought in are not saved again. */
int focus_state_commit(struct focus_state *s, const char *name,
		       const struct confinfo_conf *state, const char *source);

/* Whether --state @p path names a store shared with other nodes. */
bool focus_state_shared(const char *path);

/* Close the store (NULL is fine). */
void focus_state_close(struct focus_state *s);

#endif
