/*
 * confinfo show --view VIEW [--as URI] [--view-policy FILE]: render the
 * document as a subscriber of a focus would receive it (view.h,
 * policy.h), so that an operator can check what each class of subscriber
 * sees.
 */
#ifndef CONFINFO_TOOLS_SHOW_VIEW_H
#define CONFINFO_TOOLS_SHOW_VIEW_H

#include <stdbool.h>

#include "confinfo/model.h"

struct show_view {
	const char *view;   /* --view, NULL: the policy decides */
	const char *as;     /* --as, NULL: an anonymous subscriber */
	const char *policy; /* --view-policy, NULL: none */
};

#define SHOW_VIEW_OPT_VIEW   0x3000
#define SHOW_VIEW_OPT_AS     0x3001
#define SHOW_VIEW_OPT_POLICY 0x3002

/* Whether any of the options was given. */
bool show_view_given(const struct show_view *sv);

/* Replace *@p confp by the view: 0, or the exit status after saying why
 * on standard error (EXIT_USAGE for a bad option value or policy file, 1
 * otherwise). A view of none prints a note and leaves no document
 * (*@p confp NULL). */
int show_view_apply(const struct show_view *sv, const char *cmd,
		    struct confinfo_conf **confp);

#endif
