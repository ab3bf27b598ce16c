/*
 * confinfo show --view: the view of a subscriber, offline. Private users
 * are those the state marks (view.h) and, with --view-policy, those the
 * policy names; the conference's section of the policy is the one named
 * by the user part of the document's entity (sip:NAME@host), as the focus
 * serves sip:NAME@domain. Anonymous URIs here come from the NOT secret
 * confinfo_view_token_insecure(): they show the shape, not the URIs a
 * focus sends (its key is its own).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "confinfo/view.h"
#include "show_view.h"
#include "util.h"
#ifdef CONFINFO_TOOL_LIVE
#include "confinfo/policy.h"
#endif

bool show_view_given(const struct show_view *sv)
{
	return sv->view || sv->as || sv->policy;
}

/* The user part of a sip:/sips: entity: the focus's conference name. */
static char *conf_name(const char *entity)
{
	const char *p, *at;

	if (!entity)
		return NULL;
	p = !strncmp(entity, "sip:", 4)    ? entity + 4
	    : !strncmp(entity, "sips:", 5) ? entity + 5
					   : NULL;
	at = p ? strchr(p, '@') : NULL;
	return at && at > p ? strndup(p, (size_t)(at - p)) : NULL;
}

#ifdef CONFINFO_TOOL_LIVE
struct privctx {
	const struct confinfo_view_policy *p;
	const char *conf;
};

static bool private_h(const struct confinfo_user *u, void *arg)
{
	const struct privctx *pc = arg;

	return confinfo_view_policy_private(pc->p, pc->conf, u);
}

static int load_policy(const struct show_view *sv, const char *cmd,
		       struct confinfo_view_policy **pp)
{
	struct confinfo_diag diag;
	int err;

	if (!sv->policy)
		return 0;
	memset(&diag, 0, sizeof(diag));
	err = confinfo_view_policy_load(pp, sv->policy, &diag);
	if (!err)
		return 0;
	if (diag.line)
		fprintf(stderr, "confinfo %s: %s:%u: %s\n", cmd, sv->policy,
			diag.line, diag.message);
	else
		fprintf(stderr, "confinfo %s: %s: %s\n", cmd, sv->policy,
			diag.message[0] ? diag.message : strerror(err));
	return EXIT_USAGE;
}
#endif

static bool marked_h(const struct confinfo_user *u, void *arg)
{
	(void)arg;
	return confinfo_view_user_marked_private(u);
}

static int render(const struct show_view *sv, const char *cmd,
		  struct confinfo_conf **confp, struct confinfo_view_params *p)
{
	struct confinfo_conf *out = NULL;
	int err;

	if (p->view == CONFINFO_VIEW_NONE) {
		fprintf(stderr,
			"confinfo %s: view none: this subscriber gets "
			"403 and no document\n",
			cmd);
		confinfo_conf_free(*confp);
		*confp = NULL;
		return 0;
	}
	err = confinfo_view_render(&out, *confp, p);
	if (err) {
		fprintf(stderr, "confinfo %s: view %s: %s\n", cmd,
			confinfo_view_str(p->view), strerror(err));
		return 1;
	}
	(void)sv;
	confinfo_conf_free(*confp);
	*confp = out;
	return 0;
}

int show_view_apply(const struct show_view *sv, const char *cmd,
		    struct confinfo_conf **confp)
{
	struct confinfo_view_params p = {
	    .view = CONFINFO_VIEW_FULL,
	    .self = sv->as,
	    .private_h = marked_h,
	    .token_h = confinfo_view_token_insecure,
	};
	char *name = conf_name((*confp)->entity);
	int status = 0;
#ifdef CONFINFO_TOOL_LIVE
	struct confinfo_view_policy *pol = NULL;
	struct privctx pc;

	status = load_policy(sv, cmd, &pol);
	if (status)
		goto out;
	pc.p = pol;
	pc.conf = name;
	p.private_h = private_h;
	p.private_arg = &pc;
	p.private_display_text = confinfo_view_policy_display_text(pol, name);
	if (!sv->view)
		p.view = confinfo_view_policy_view(pol, name, *confp, sv->as);
#else
	if (sv->policy) {
		fprintf(stderr,
			"confinfo %s: --view-policy: built without "
			"SIP support\n",
			cmd);
		status = EXIT_USAGE;
		goto out;
	}
#endif
	if (sv->view &&
	    confinfo_view_parse(&p.view, sv->view, strlen(sv->view))) {
		status = tool_usage_error(cmd,
					  "--view: '%s' is not none, public, "
					  "participant or full",
					  sv->view);
		goto out;
	}
	status = render(sv, cmd, confp, &p);
out:
#ifdef CONFINFO_TOOL_LIVE
	confinfo_view_policy_free(pol);
#endif
	free(name);
	return status;
}
