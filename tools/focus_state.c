/*
 * confinfo focus --state FILE on the SQLite store (focus_state.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confinfo/store.h"
#include "focus_state.h"

struct focus_state {
	struct confinfo_store *store;
	struct confinfo_notifier *n;
};

static int load_one(const char *name, struct confinfo_conf *state,
		    const char *source, void *arg)
{
	struct focus_state *s = arg;
	int err;

	err = confinfo_notifier_set_conf(s->n, name, state, source);
	confinfo_conf_free(state);
	if (err)
		fprintf(stderr,
			"confinfo focus: stored conference %s not served: "
			"%s\n",
			name, strerror(err));
	return err == ENOMEM ? err : 0;
}

static void store_warning(unsigned line, unsigned column, const char *msg,
			  void *arg)
{
	(void)line;
	(void)column;
	(void)arg;
	fprintf(stderr, "confinfo focus: warning: %s\n", msg);
}

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
	memset(&diag, 0, sizeof(diag));
	diag.warnh = store_warning;
	err = confinfo_store_open(&s->store, path, &diag);
	if (!err) {
		/* Changes while loading are recorded again: harmless, and
		 * the store is then exactly what is served. */
		*sp = s;
		err = confinfo_store_load(s->store, confinfo_notifier_limits(n),
					  load_one, s, &diag);
	}
	if (err) {
		fprintf(stderr, "confinfo focus: %s: %s\n", path,
			diag.message[0] ? diag.message : strerror(err));
		*sp = NULL;
		focus_state_close(s);
	}
	return err;
}

void focus_state_changed(struct focus_state *s, const char *name,
			 const struct confinfo_conf *state, const char *source)
{
	struct confinfo_diag diag;
	int err;

	if (!s || !s->store)
		return;
	memset(&diag, 0, sizeof(diag));
	if (state)
		err = confinfo_store_put(s->store, name, state, source, &diag);
	else
		err = confinfo_store_remove(s->store, name, &diag);
	if (err)
		fprintf(stderr, "confinfo focus: %s\n",
			diag.message[0] ? diag.message : strerror(err));
}

void focus_state_close(struct focus_state *s)
{
	if (!s)
		return;
	confinfo_store_close(s->store);
	free(s);
}
