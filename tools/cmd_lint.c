/*
 * confinfo lint: check documents the way a subscriber would decode them.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "confinfo/chat.h"
#include "confinfo/xml.h"
#include "input_limits.h"
#include "util.h"

static const char lint_usage[] =
    "usage: confinfo lint [--strict] [--smime-ca FILE] [LIMITS] FILE...\n"
    "\n"
    "Check conference-info documents (RFC 4575): well-formed XML, valid\n"
    "against the schema, within the size and count limits (LIMITS\n"
    "below), versions, enumerations and keys correct. Also warns about\n"
    "documents that are legal but suspicious (a partial document\n"
    "relying on the default state, a chat room purpose spelled\n"
    "'groupertextchat').\n"
    "Messages go to stderr as FILE:LINE:COL: message; nothing is printed\n"
    "for a clean file. A FILE of '-' reads standard input.\n"
    "\n"
    "Options:\n"
    "  -s, --strict  count warnings as errors\n"
    "  --smime-ca CA FILEs may be S/MIME-signed (multipart/signed MIME\n"
    "                form): verify against the certificates of CA\n"
    "  -h, --help    print this help and exit\n"
    "\n" INPUT_LIMITS_HELP "\n"
    "Exit status: 0 every FILE is valid, 1 at least one is not,\n"
    "2 usage error.\n";

/* Lint one file; true if it passes. */
struct lint_opts {
	bool strict;
	const char *smime_ca;
};

static bool lint_one(const char *path, const struct input_limits *limits,
		     const struct lint_opts *lo)
{
	struct confinfo_chat_room *rooms = NULL;
	struct confinfo_conf *conf = NULL;
	struct tool_doc doc;
	size_t count = 0;
	bool ok = false;
	int err;

	tool_doc_init(&doc, path, limits);
	doc.smime_ca = lo->smime_ca;
	if (tool_doc_load(&doc, &conf))
		goto out;
	/* Listing the rooms is what reports a misspelled purpose. */
	err = confinfo_chat_rooms(conf, &rooms, &count, &doc.diag);
	if (err) {
		tool_doc_fail(&doc, err);
		goto out;
	}
	if (lo->strict && doc.diag.warnings) {
		char msg[64];

		snprintf(msg, sizeof(msg), "%u warning%s (--strict)",
			 doc.diag.warnings, doc.diag.warnings == 1 ? "" : "s");
		tool_report(doc.name, 0, 0, false, msg);
		goto out;
	}
	ok = true;
out:
	free(rooms);
	confinfo_conf_free(conf);
	return ok;
}

static int lint_opt(void *ctx, int c, const char *arg)
{
	struct lint_opts *lo = ctx;

	if (c == 's')
		lo->strict = true;
	else if (c == 'S')
		lo->smime_ca = arg;
	return CMD_RUN;
}

int cmd_lint(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"strict", no_argument, NULL, 's'},
	    {"smime-ca", required_argument, NULL, 'S'},
	    {"help", no_argument, NULL, 'h'},
	    INPUT_LIMITS_LONG_OPTIONS,
	    {NULL, 0, NULL, 0},
	};
	struct input_limits limits;
	const struct tool_cli cli = {.cmd = "lint",
				     .usage = lint_usage,
				     .shortopts = "sh",
				     .longopts = opts,
				     .limits = &limits};
	struct lint_opts lo = {0};
	bool all_ok = true;
	int status;

	input_limits_init(&limits);
	status = tool_parse_opts(&cli, argc, argv, lint_opt, &lo);
	if (status != CMD_RUN)
		return status;
	if (optind >= argc)
		return tool_usage_error("lint", "no FILE given");
	if (!tool_stdin_once("lint", argc - optind, argv + optind))
		return EXIT_USAGE;
	for (int i = optind; i < argc; i++)
		all_ok &= lint_one(argv[i], &limits, &lo);
	return all_ok ? 0 : 1;
}
