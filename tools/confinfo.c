/*
 * confinfo: one binary, one subcommand per job (git style). This file only
 * dispatches; each subcommand lives in its own cmd_*.c.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "confinfo/version.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
    {"lint", cmd_lint, "check conference-info documents"},
    {"show", cmd_show, "summarise a conference-info document"},
    {"apply", cmd_apply, "apply notifications to a full state"},
    {"diff", cmd_diff, "the partial notification between two states"},
    {"room", cmd_room, "check one chat room URI against a conference"},
    {"rooms", cmd_rooms, "list and check the chat rooms of a document"},
#ifdef CONFINFO_TOOL_LIVE /* built with libconfinfo-sip */
    {"focus", cmd_focus, "serve conference state over SIP"},
    {"watch", cmd_watch, "subscribe to a conference and follow it"},
#endif
};

static void usage(FILE *f)
{
	fprintf(f, "usage: confinfo [--help] [--version] COMMAND [ARGS]\n\n"
		   "RFC 4575 conference state and RFC 7106 chat rooms.\n\n"
		   "Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-6s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(f, "\nA FILE argument of '-' reads standard input. Exit status:"
		   " 0 success,\n1 invalid input or failure, 2 usage error;"
		   " some commands add more.\n"
		   "Run 'confinfo COMMAND --help' for the options of one "
		   "command; see confinfo(1).\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("confinfo %s\n", CONFINFO_VERSION_STRING);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	}
	fprintf(stderr, "confinfo: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
