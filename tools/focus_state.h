/*
 * confinfo focus --state FILE: the served states kept in a store
 * (store.h, SQLite) and served again after a restart. focus_state.c is
 * built with libconfinfo-store; focus_state_none.c, which refuses
 * --state, without it (CONFINFO_WITH_STORE=OFF).
 */
#ifndef CONFINFO_TOOLS_FOCUS_STATE_H
#define CONFINFO_TOOLS_FOCUS_STATE_H

#include "confinfo/model.h"
#include "confinfo/notifier.h"

struct focus_state;

/* Open the store at @p path and serve every conference in it through
 * @p n. Errors are printed (naming @p path); returns 0 or an errno
 * (ENOTSUP: built without a store). */
int focus_state_open(struct focus_state **sp, const char *path,
		     struct confinfo_notifier *n);

/* Record a change of the served state (the notifier's change callback):
 * @p state NULL removes conference @p name. Errors are printed. */
void focus_state_changed(struct focus_state *s, const char *name,
			 const struct confinfo_conf *state, const char *source);

/* Close the store (NULL is fine). */
void focus_state_close(struct focus_state *s);

#endif
