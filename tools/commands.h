/*
 * The subcommands of the confinfo tool. Each one is a small program of its
 * own: it gets argv with argv[0] set to the subcommand name, parses its
 * options with getopt_long, and returns the process exit status.
 * Conventions shared by all of them:
 * - 0 success, 1 invalid input, 2 usage error (other codes per command);
 * - errors go to stderr as `confinfo CMD: message` or, for documents,
 *   `FILE:LINE:COL: message`;
 * - a FILE of "-" reads standard input.
 */
#ifndef CONFINFO_TOOLS_COMMANDS_H
#define CONFINFO_TOOLS_COMMANDS_H

#define EXIT_USAGE 2

int cmd_lint(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_apply(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_room(int argc, char **argv);
int cmd_rooms(int argc, char **argv);
int cmd_focus(int argc, char **argv);
int cmd_watch(int argc, char **argv);

#endif
