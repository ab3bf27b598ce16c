/*
 * The input limit options (input_limits.c), one implementation for every
 * command that decodes documents: the offline `lint`, `show`, `apply`,
 * `diff` and `rooms`, and the live `focus` (its conference files and
 * PUBLISH bodies, through the notifier's config) and `watch` (NOTIFY
 * bodies, through the subscriber's parameters). By default a document is
 * decoded within the library's limits (confinfo_xml_limits_default()) and
 * `apply` and `watch` merge within its merge limits
 * (confinfo_merge_limits_default()); these options raise or lower them
 * for a legitimately larger document, or a stricter check. They are
 * documented once, in confinfo(1), section "Input limit options".
 *
 * Use: a command names its struct input_limits (input_limits_init()'d)
 * in its struct tool_cli and puts INPUT_LIMITS_LONG_OPTIONS (plus
 * INPUT_LIMITS_MERGE_LONG_OPTIONS when it merges) in its option array;
 * tool_parse_opts() (util.h) does the rest. tool_doc_init() then decodes
 * within il.xml, and a limit exceeded is reported with the option that
 * raises it.
 */
#ifndef CONFINFO_TOOLS_INPUT_LIMITS_H
#define CONFINFO_TOOLS_INPUT_LIMITS_H

#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "confinfo/diag.h"
#include "confinfo/merge.h"
#include "confinfo/xml.h"

/*
 * getopt_long codes of the limit options. Far above the codes commands
 * give their own long options (from 256) and the chat room policy
 * options (0x1000, room_policy.h), so that the sets never collide.
 */
enum input_limits_opt {
	INPUT_LIMITS_OPT_BYTES = 0x2000,
	INPUT_LIMITS_OPT_USERS,
	INPUT_LIMITS_OPT_ENDPOINTS,
	INPUT_LIMITS_OPT_MEDIA,
	INPUT_LIMITS_OPT_ENTRIES,
	INPUT_LIMITS_OPT_STRING,
	INPUT_LIMITS_OPT_ENDPOINTS_PER_USER,
	INPUT_LIMITS_OPT_MEDIA_PER_ENDPOINT,
	INPUT_LIMITS_OPT_END /* not an option: one past the last code */
};

/*
 * The largest --max-bytes. libxml2 counts input in ints, so the decoder
 * never reads more than this whatever its limit says; a larger value
 * would only move the refusal from the reading to the decoding, with a
 * message suggesting to raise what cannot be raised.
 */
#define INPUT_LIMITS_MAX_BYTES ((size_t)INT_MAX)

/* The getopt_long entries, for the middle of a command's option array
 * (which still ends with its own {NULL, 0, NULL, 0}). */
/* clang-format off */
#define INPUT_LIMITS_LONG_OPTIONS                                              \
	{"max-bytes", required_argument, NULL, INPUT_LIMITS_OPT_BYTES},        \
	{"max-users", required_argument, NULL, INPUT_LIMITS_OPT_USERS},        \
	{"max-endpoints", required_argument, NULL,                             \
	 INPUT_LIMITS_OPT_ENDPOINTS},                                          \
	{"max-media", required_argument, NULL, INPUT_LIMITS_OPT_MEDIA},        \
	{"max-entries", required_argument, NULL, INPUT_LIMITS_OPT_ENTRIES},    \
	{"max-string", required_argument, NULL, INPUT_LIMITS_OPT_STRING}

/* The merge limits, for a command that merges (apply, watch). */
#define INPUT_LIMITS_MERGE_LONG_OPTIONS                                        \
	{"max-endpoints-per-user", required_argument, NULL,                    \
	 INPUT_LIMITS_OPT_ENDPOINTS_PER_USER},                                 \
	{"max-media-per-endpoint", required_argument, NULL,                    \
	 INPUT_LIMITS_OPT_MEDIA_PER_ENDPOINT}
/* clang-format on */

/* The help text of the options, string literals so that a command can
 * paste them into its usage. The defaults are the library's (xml.h,
 * merge.h); tests/cli/limits.sh checks the ones a test can reach. */
#define INPUT_LIMITS_HELP                                                      \
	"Input limit options, LIMITS (N: a decimal number above 0; a size\n"   \
	"may end in K, M or G, units of 1024, 1024^2 and 1024^3 bytes). A\n"   \
	"document over a limit is refused with the option that raises it.\n"   \
	"  --max-bytes N       bytes of one document (default 1M, at most\n"   \
	"                      2147483647)\n"                                  \
	"  --max-users N       users in one document, those of its sidebars\n" \
	"                      included (default 10000)\n"                     \
	"  --max-endpoints N   endpoints in one document (default 20000)\n"    \
	"  --max-media N       media in one document (default 40000)\n"        \
	"  --max-entries N     URI, role, available-media and sidebar\n"       \
	"                      entries in one document (default 10000)\n"      \
	"  --max-string N      bytes of one text or attribute value\n"         \
	"                      (default 8K)\n"

#define INPUT_LIMITS_MERGE_HELP                                                \
	"Merge limit options (a notification that would take the state\n"      \
	"beyond one of them is invalid):\n"                                    \
	"  --max-users N       also the users of one conference (the root,\n"  \
	"                      or one sidebar) after each merge, where the\n"  \
	"                      decoding limit counts every user a document\n"  \
	"                      carries (default 10000 for both)\n"             \
	"  --max-endpoints-per-user N\n"                                       \
	"                      endpoints of one user (default 64)\n"           \
	"  --max-media-per-endpoint N\n"                                       \
	"                      media of one endpoint (default 32)\n"

/* The limits a command line asks for. */
struct input_limits {
	struct confinfo_xml_limits xml;     /* decoding, per document */
	struct confinfo_merge_limits merge; /* merging (apply, watch) */
};

/* Set @p il to the library's defaults. */
void input_limits_init(struct input_limits *il);

/* True if the getopt_long result @p c is one of the limit options. */
bool input_limits_owns(int c);

/*
 * Apply the getopt_long result @p c with its @p arg for the command
 * @p cmd. --max-users sets the decoder's limit and the merge limit on the
 * users of one conference to the same N. Returns CMD_RUN; or EXIT_USAGE
 * once `confinfo CMD: --OPTION: invalid value 'ARG': why` and the --help
 * hint are printed (a value that is not a decimal number above 0, with a
 * K, M or G suffix for sizes, or that is too large). A @p c that is not a
 * limit option prints only the hint.
 */
int input_limits_option(struct input_limits *il, const char *cmd, int c,
			const char *arg);

/*
 * The option that raises the limit @p diag reports exceeded ("--max-users"
 * ...), from diag->limit: NULL when the failure is not about a limit, or
 * about one no option raises (nesting depth, foreign XML, entries of one
 * URI list, sidebars).
 */
const char *input_limits_hint(const struct confinfo_diag *diag);

#endif
