/*
 * confinfo diff: the partial notification a focus would send to move a
 * subscriber from one full state to another.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "confinfo/diff.h"
#include "confinfo/xml.h"
#include "input_limits.h"
#include "util.h"

static const char diff_usage[] =
    "usage: confinfo diff [LIMITS] OLD NEW\n"
    "\n"
    "Print the smallest partial notification that turns the full state\n"
    "OLD into the full state NEW (what 'confinfo apply OLD -' accepts).\n"
    "Its version is OLD's plus one; NEW's version is ignored. Both must\n"
    "describe the same conference (same entity). One of them may be '-'\n"
    "for standard input.\n"
    "\n"
    "Options:\n"
    "  -h, --help  print this help and exit\n"
    "\n" INPUT_LIMITS_HELP "\n"
    "Exit status: 0 printed, 1 invalid input, 2 usage error.\n";

/*
 * The reasons confinfo_diff() can refuse two valid documents, checked
 * first so that the message names the file at fault.
 */
static bool diff_inputs_ok(const struct tool_doc *old_doc,
			   const struct confinfo_conf *old_state,
			   const struct tool_doc *new_doc,
			   const struct confinfo_conf *new_state)
{
	char msg[96];

	if (!tool_require_full(old_doc, old_state) ||
	    !tool_require_full(new_doc, new_state))
		return false;
	if (!old_state->version.set) {
		tool_report(old_doc->name, 0, 0, false, "no version");
		return false;
	}
	if (old_state->version.value == UINT32_MAX) {
		snprintf(msg, sizeof(msg),
			 "version %u is the last one: no partial "
			 "notification can follow it",
			 (unsigned)UINT32_MAX);
		tool_report(old_doc->name, 0, 0, false, msg);
		return false;
	}
	/* The decoder requires entity; a NULL would still be no match. */
	if (!old_state->entity || !new_state->entity) {
		tool_report(new_doc->name, 0, 0, false, "no entity to compare");
		return false;
	}
	if (strcmp(old_state->entity, new_state->entity)) {
		/* tool_report()'s form; tool_printf() escapes the URIs. */
		tool_printf(stderr,
			    "%s: another conference (%s) than the old state's "
			    "(%s)\n",
			    new_doc->name, new_state->entity,
			    old_state->entity);
		return false;
	}
	return true;
}

int cmd_diff(int argc, char **argv)
{
	static const struct option long_opts[] = {
	    {"help", no_argument, NULL, 'h'},
	    INPUT_LIMITS_LONG_OPTIONS,
	    {NULL, 0, NULL, 0},
	};
	struct confinfo_conf *old_state = NULL, *new_state = NULL;
	struct input_limits limits;
	struct confinfo_conf *doc = NULL;
	struct tool_doc old_doc, new_doc;
	char *xml = NULL;
	size_t len = 0;
	const struct tool_cli cli = {.cmd = "diff",
				     .usage = diff_usage,
				     .shortopts = "h",
				     .longopts = long_opts,
				     .limits = &limits};
	int err, status = 1;

	input_limits_init(&limits);
	err = tool_parse_opts(&cli, argc, argv, NULL, NULL);
	if (err != CMD_RUN)
		return err;
	if (argc - optind != 2)
		return tool_usage_error("diff", "expected OLD and NEW");
	if (!tool_stdin_once("diff", argc - optind, argv + optind))
		return EXIT_USAGE;

	tool_doc_init(&old_doc, argv[optind], &limits);
	tool_doc_init(&new_doc, argv[optind + 1], &limits);
	if (tool_doc_load(&old_doc, &old_state) ||
	    tool_doc_load(&new_doc, &new_state))
		goto out;
	if (!diff_inputs_ok(&old_doc, old_state, &new_doc, new_state))
		goto out;
	err = confinfo_diff(&doc, old_state, new_state);
	if (!err)
		err = confinfo_xml_encode(&xml, &len, doc);
	if (err) {
		fprintf(stderr, "confinfo diff: %s\n", strerror(err));
		goto out;
	}
	fwrite(xml, 1, len, stdout);
	if (tool_stdout_ok("diff"))
		status = 0;
out:
	free(xml);
	confinfo_conf_free(doc);
	confinfo_conf_free(new_state);
	confinfo_conf_free(old_state);
	return status;
}
