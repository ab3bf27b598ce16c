/*
 * The subcommands of the confinfo tool. Each one is a small program of its
 * own: it gets argv with argv[0] set to the subcommand name, parses its
 * options with tool_parse_opts() (util.h: getopt_long, --help, LIMITS and
 * the chat room policy options alike everywhere), and returns the process
 * exit status. Conventions shared by all of them:
 * - 0 success, 1 invalid input, 2 usage error (other codes per command);
 * - errors go to stderr as `confinfo CMD: message` or, for documents,
 *   `FILE:LINE:COL: message`;
 * - a FILE of "-" reads standard input;
 * - numbers on the command line are decimal digits only
 *   (tool_parse_uint());
 * - every function that parses the command line, or one option of it,
 *   returns CMD_RUN when the command is to go on, otherwise the exit
 *   status it must end with, the reason already printed (0 after --help,
 *   EXIT_USAGE for a usage error, 1 when the help could not be written or
 *   memory ran out). CMD_RUN is no exit status, so no answer is mistaken
 *   for another.
 */
#ifndef CONFINFO_TOOLS_COMMANDS_H
#define CONFINFO_TOOLS_COMMANDS_H

#define EXIT_USAGE 2
#define CMD_RUN    (-1)

int cmd_lint(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_apply(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_room(int argc, char **argv);
int cmd_rooms(int argc, char **argv);
int cmd_focus(int argc, char **argv);
int cmd_watch(int argc, char **argv);

#endif
