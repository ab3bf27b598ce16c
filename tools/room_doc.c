/*
 * `rooms` and `show`: one document, its chat rooms checked against the
 * URI given with --conference (see room_doc.h). The rooms are checked
 * against that URI, never against the document's own entity: a forged
 * NOTIFY controls the entity too (docs/chat-rooms.md section 1).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "input_limits.h"
#include "room_doc.h"
#include "room_policy.h"
#include "show_view.h"

/* The command line. */
struct room_doc_args {
	bool json;
	const char *conference; /* NULL when not given           */
	const char *path;       /* FILE ("-": standard input)    */
	const char *smime_ca;   /* --smime-ca, NULL when not given */
	struct room_policy policy;
	struct input_limits limits;
	struct show_view view; /* show --view, --as, --view-policy */
};

static int args_opt(void *ctx, int c, const char *arg)
{
	struct room_doc_args *a = ctx;

	if (c == 'j')
		a->json = true;
	else if (c == 'c')
		a->conference = arg;
	else if (c == 'S')
		a->smime_ca = arg;
	else if (c == SHOW_VIEW_OPT_VIEW)
		a->view.view = arg;
	else if (c == SHOW_VIEW_OPT_AS)
		a->view.as = arg;
	else if (c == SHOW_VIEW_OPT_POLICY)
		a->view.policy = arg;
	return CMD_RUN;
}

/* CMD_RUN, or the exit status (commands.h). */
static int args_parse(struct room_doc_args *a, const char *usage,
		      bool need_conference, int argc, char **argv)
{
	static const struct option long_opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"conference", required_argument, NULL, 'c'},
	    {"smime-ca", required_argument, NULL, 'S'},
	    {"help", no_argument, NULL, 'h'},
	    {"view", required_argument, NULL, SHOW_VIEW_OPT_VIEW},
	    {"as", required_argument, NULL, SHOW_VIEW_OPT_AS},
	    {"view-policy", required_argument, NULL, SHOW_VIEW_OPT_POLICY},
	    ROOM_POLICY_LONG_OPTIONS,
	    INPUT_LIMITS_LONG_OPTIONS,
	    {NULL, 0, NULL, 0},
	};
	const char *cmd = a->policy.cmd;
	const struct tool_cli cli = {.cmd = cmd,
				     .usage = usage,
				     .shortopts = "jc:h",
				     .longopts = long_opts,
				     .limits = &a->limits,
				     .policy = &a->policy};
	int status;

	status = tool_parse_opts(&cli, argc, argv, args_opt, a);
	if (status != CMD_RUN)
		return status;
	if (need_conference && !a->conference)
		return tool_usage_error(cmd, "--conference URI is required");
	if (!a->conference && a->policy.given)
		return tool_usage_error(cmd,
					"the policy options need --conference");
	if (need_conference && show_view_given(&a->view))
		return tool_usage_error(cmd, "--view, --as and --view-policy "
					     "are options of show");
	if (argc - optind != 1)
		return tool_usage_error(cmd, "expected exactly one FILE");
	a->path = argv[optind];
	return room_policy_finish(&a->policy);
}

/* 0; or, the reason said, EXIT_USAGE (conference URI) or 1 (document). */
static int load(struct room_doc *rd, const struct room_doc_args *a)
{
	int status;

	rd->json = a->json;
	tool_doc_init(&rd->doc, a->path, &a->limits);
	rd->doc.smime_ca = a->smime_ca;
	if (a->conference) {
		status = room_policy_conference(a->policy.cmd, a->conference,
						&rd->conference);
		if (status)
			return status;
	}
	if (tool_doc_load(&rd->doc, &rd->conf))
		return 1;
	if (show_view_given(&a->view)) {
		status = show_view_apply(&a->view, a->policy.cmd, &rd->conf);
		if (status || !rd->conf)
			return status;
	}
	if (!rd->conference)
		return 0;
	rd->check.conference = rd->conference;
	rd->check.policy = a->policy.chat;
	rd->check.users = confinfo_chat_user_count(rd->conf);
	rd->check.all_valid = true;
	/* A mismatch is a warning, printed at once through the diag. */
	rd->entity_matches = confinfo_chat_entity_matches(
	    rd->conf, rd->conference, &rd->doc.diag);
	return 0;
}

int room_doc_main(const char *cmd, const char *usage, bool rooms_command,
		  room_doc_print_h *print, int argc, char **argv)
{
	struct room_doc_args a = {.policy = ROOM_POLICY_INIT(cmd)};
	struct room_doc rd;
	int status, err;

	memset(&rd, 0, sizeof(rd));
	input_limits_init(&a.limits);
	status = args_parse(&a, usage, rooms_command, argc, argv);
	if (status != CMD_RUN)
		goto out;
	status = load(&rd, &a);
	if (status || !rd.conf)
		goto out; /* no document: a view of none */
	err = print(&rd);
	if (err) {
		tool_doc_fail(&rd.doc, err);
		status = 1;
	} else if (!tool_stdout_ok(cmd)) {
		status = 1;
	} else if (rooms_command && !rd.check.all_valid) {
		status = 1;
	}
out:
	confinfo_conf_free(rd.conf);
	confinfo_uri_free(rd.conference);
	room_policy_reset(&a.policy);
	return status;
}
