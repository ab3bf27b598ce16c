/*
 * confinfo focus built without libconfinfo-store (CONFINFO_WITH_STORE=OFF):
 * --state is refused (focus_state.h).
 */
#include <errno.h>
#include <stdio.h>

#include "focus_state.h"

int focus_state_open(struct focus_state **sp, const char *path,
		     struct confinfo_notifier *n)
{
	(void)n;
	*sp = NULL;
	fprintf(stderr,
		"confinfo focus: --state %s: this confinfo was built without "
		"the SQLite store (CONFINFO_WITH_STORE=OFF)\n",
		path);
	return ENOTSUP;
}

int focus_state_check(const char *path)
{
	return focus_state_open(&(struct focus_state *){NULL}, path, NULL);
}

int focus_state_commit(struct focus_state *s, const char *name,
		       const struct confinfo_conf *state, const char *source)
{
	(void)s;
	(void)name;
	(void)state;
	(void)source;
	return 0;
}

bool focus_state_shared(const char *path)
{
	(void)path;
	return false;
}

void focus_state_close(struct focus_state *s)
{
	(void)s;
}
