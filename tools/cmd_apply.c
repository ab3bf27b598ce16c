/*
 * confinfo apply: replay notifications over a full state, as a subscriber
 * would, and print the state that results.
 *
 * The base goes through confinfo_merge() too (into an empty state), so the
 * tool applies exactly the library's rules, including those about the
 * first document. Standard output carries either the complete result or
 * nothing: when the replay cannot go on (invalid input, version gap) the
 * exit status says why and there is no half-applied state to mistake for
 * the real one.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "confinfo/merge.h"
#include "confinfo/xml.h"
#include "input_limits.h"
#include "json.h"
#include "util.h"

/* Exit statuses of apply beyond the common ones (commands.h). */
#define EXIT_STALE 3
#define EXIT_GAP   4

static const char apply_usage[] =
    "usage: confinfo apply [--json] [LIMITS] BASE [NOTIFICATION...]\n"
    "\n"
    "Apply notifications in order to the full state BASE by the rules of\n"
    "RFC 4575 section 4.6 and print the resulting full document (or its\n"
    "JSON view). A notification whose version is not above the current\n"
    "one is stale and discarded; a partial notification that skips a\n"
    "version is a gap and stops the replay (a subscriber would ask for a\n"
    "full-state refresh). One FILE may be '-' for standard input.\n"
    "\n"
    "Options:\n"
    "  -j, --json  print the JSON view of the result (keys in confinfo(1))\n"
    "  -h, --help  print this help and exit\n"
    "\n" INPUT_LIMITS_HELP "\n" INPUT_LIMITS_MERGE_HELP "\n"
    "Exit status: 0 all applied, 1 invalid input (nothing printed),\n"
    "2 usage error, 3 at least one stale notification discarded (result\n"
    "printed), 4 version gap (nothing printed).\n";

/* A version for messages: "none" when the document carries none. */
static const char *version_text(const struct confinfo_u32 *v, char *buf,
				size_t size)
{
	if (!v->set)
		return "none";
	snprintf(buf, size, "%u", (unsigned)v->value);
	return buf;
}

/* Report a notification that was not applied (stale or gap). */
static void report_skip(const struct tool_doc *doc, const char *what,
			uint32_t local, const struct confinfo_u32 *received,
			const char *consequence)
{
	char vbuf[16], msg[160];

	snprintf(msg, sizeof(msg), "%s (local %u, received %s): %s", what,
		 (unsigned)local, version_text(received, vbuf, sizeof(vbuf)),
		 consequence);
	tool_report(doc->name, 0, 0, false, msg);
}

/*
 * Merge one notification into *statep. Returns 0 when applied, EXIT_STALE,
 * EXIT_GAP, or 1 (the reason is printed in every case but success).
 */
static int apply_one(struct confinfo_conf **statep, const char *path,
		     const struct input_limits *limits)
{
	enum confinfo_merge_result res;
	struct confinfo_conf *doc = NULL;
	struct confinfo_u32 received;
	struct tool_doc in;
	uint32_t local;
	int err;

	tool_doc_init(&in, path, limits);
	if (tool_doc_load(&in, &doc))
		return 1;
	/* The merge consumes @p doc: keep what the messages need. */
	received = doc->version;
	local = (*statep)->version.value;
	err = confinfo_merge_ex(statep, doc, &limits->merge, &res, &in.diag);
	if (err) {
		tool_doc_fail(&in, err);
		return 1;
	}
	switch (res) {
	case CONFINFO_MERGE_APPLIED:
		return 0;
	case CONFINFO_MERGE_STALE:
		report_skip(&in, "stale", local, &received, "discarded");
		return EXIT_STALE;
	case CONFINFO_MERGE_GAP:
		report_skip(&in, "version gap", local, &received,
			    "a full-state refresh is needed");
		return EXIT_GAP;
	default:
		tool_doc_fail(&in, EPROTO);
		return 1;
	}
}

/* Load BASE and make it the state through the merge rules. */
static int load_base(struct confinfo_conf **statep, const char *path,
		     const struct input_limits *limits)
{
	enum confinfo_merge_result res;
	struct confinfo_conf *doc = NULL;
	struct tool_doc in;
	int err;

	tool_doc_init(&in, path, limits);
	if (tool_doc_load(&in, &doc))
		return 1;
	if (!tool_require_full(&in, doc)) {
		confinfo_conf_free(doc);
		return 1;
	}
	err = confinfo_merge_ex(statep, doc, &limits->merge, &res, &in.diag);
	if (!err && res != CONFINFO_MERGE_APPLIED)
		err = EPROTO;
	if (err) {
		tool_doc_fail(&in, err);
		return 1;
	}
	return 0;
}

static int print_result(const struct confinfo_conf *state, bool json)
{
	struct confinfo_diag diag;
	json_t *obj = NULL;
	char *xml = NULL;
	size_t len = 0;
	int err;

	if (!json) {
		err = confinfo_xml_encode(&xml, &len, state);
		if (!err)
			fwrite(xml, 1, len, stdout);
		free(xml);
		return err;
	}
	/* Warnings about the result (a misspelled chat room purpose) have no
	 * file of their own. */
	tool_diag_init(&diag, "confinfo apply");
	err = tool_json_conf(&obj, state, &diag, NULL, NULL);
	if (!err)
		err = tool_json_print(stdout, obj);
	json_decref(obj);
	return err;
}

static int apply_opt(void *ctx, int c, const char *arg)
{
	bool *json = ctx;

	(void)arg;
	if (c == 'j')
		*json = true;
	return CMD_RUN;
}

int cmd_apply(int argc, char **argv)
{
	static const struct option long_opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    INPUT_LIMITS_LONG_OPTIONS,
	    INPUT_LIMITS_MERGE_LONG_OPTIONS,
	    {NULL, 0, NULL, 0},
	};
	struct confinfo_conf *state = NULL;
	struct input_limits limits;
	const struct tool_cli cli = {.cmd = "apply",
				     .usage = apply_usage,
				     .shortopts = "jh",
				     .longopts = long_opts,
				     .limits = &limits};
	bool json = false, stale = false;
	int err, status;

	input_limits_init(&limits);
	status = tool_parse_opts(&cli, argc, argv, apply_opt, &json);
	if (status != CMD_RUN)
		return status;
	if (optind >= argc)
		return tool_usage_error("apply", "no BASE given");
	if (!tool_stdin_once("apply", argc - optind, argv + optind))
		return EXIT_USAGE;

	status = load_base(&state, argv[optind], &limits);
	for (int i = optind + 1; status == 0 && i < argc; i++) {
		int r = apply_one(&state, argv[i], &limits);

		if (r == EXIT_STALE)
			stale = true;
		else
			status = r;
	}
	if (status)
		goto out;
	err = print_result(state, json);
	if (err) {
		fprintf(stderr, "confinfo apply: cannot print the result: %s\n",
			strerror(err));
		status = 1;
		goto out;
	}
	if (!tool_stdout_ok("apply"))
		status = 1;
	else if (stale)
		status = EXIT_STALE;
out:
	confinfo_conf_free(state);
	return status;
}
