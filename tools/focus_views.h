/*
 * confinfo focus --view-policy FILE: the view policy (policy.h) loaded at
 * start and reloaded when the file changes; --view-key FILE: the key of
 * the anonymous URIs, shared by the nodes serving one conference.
 */
#ifndef CONFINFO_TOOLS_FOCUS_VIEWS_H
#define CONFINFO_TOOLS_FOCUS_VIEWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "confinfo/notifier.h"

struct focus_views;

/* Load @p path and give it to @p n, then check the file every
 * FOCUS_VIEWS_POLL_MS and reload it when it changed: a file that does not
 * parse keeps the policy in force (error on standard error as
 * `file:line: message`). @p report false: say nothing, neither errors nor
 * `view-policy` lines (the workers but one of a focus, which all read the
 * same file). Returns 0 or an errno (printed when @p report). */
int focus_views_open(struct focus_views **vp, struct confinfo_notifier *n,
		     const char *path, bool report);

/* Stop watching (the policy stays the notifier's). NULL is fine. */
void focus_views_close(struct focus_views *v);

/* Read the key file @p path (1 to FOCUS_VIEWS_KEY_MAX bytes) into @p buf.
 * Returns 0 or an errno (printed). */
#define FOCUS_VIEWS_KEY_MAX 4096
int focus_views_read_key(const char *path, uint8_t *buf, size_t *lenp);

#endif
