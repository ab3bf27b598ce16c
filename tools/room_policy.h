/*
 * The chat room policy options (room_policy.c), one implementation for
 * every command that checks chat rooms: `room`, `rooms`, `show
 * --conference` and `watch`. They fill a confinfo_chat_policy (chat.h)
 * and are documented once, in confinfo(1), section "Chat room policy
 * options".
 *
 * Use:
 *   struct room_policy rp = ROOM_POLICY_INIT("rooms");
 *   long options: ROOM_POLICY_LONG_OPTIONS inside the command's array,
 *   &rp in its struct tool_cli: tool_parse_opts() (util.h) applies them
 *   after the options: status = room_policy_finish(&rp)
 *   ... rp.chat is the policy for confinfo_chat_check*() ...
 *   room_policy_reset(&rp);
 * Each step returns CMD_RUN or the command's exit status (commands.h),
 * the reason printed.
 */
#ifndef CONFINFO_TOOLS_ROOM_POLICY_H
#define CONFINFO_TOOLS_ROOM_POLICY_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>

#include "confinfo/chat.h"
#include "confinfo/uri.h"

/*
 * getopt_long codes of the policy options. They start far above the
 * codes commands give their own long options (from 256), so the two sets
 * never collide.
 */
enum room_policy_opt {
	ROOM_POLICY_OPT_RELATED = 0x1000,
	ROOM_POLICY_OPT_RELATE,
	ROOM_POLICY_OPT_AUTO_JOIN,
	ROOM_POLICY_OPT_REQUIRE_NAME_MATCH,
	ROOM_POLICY_OPT_MAX_AUTO_JOIN_USERS,
};

/* The getopt_long entries, for the middle of a command's option array
 * (which still ends with its own {NULL, 0, NULL, 0}). */
/* clang-format off */
#define ROOM_POLICY_LONG_OPTIONS                                               \
	{"related", required_argument, NULL, ROOM_POLICY_OPT_RELATED},         \
	{"relate", required_argument, NULL, ROOM_POLICY_OPT_RELATE},           \
	{"auto-join", required_argument, NULL, ROOM_POLICY_OPT_AUTO_JOIN},     \
	{"require-name-match", no_argument, NULL,                              \
	 ROOM_POLICY_OPT_REQUIRE_NAME_MATCH},                                  \
	{"max-auto-join-users", required_argument, NULL,                       \
	 ROOM_POLICY_OPT_MAX_AUTO_JOIN_USERS}
/* clang-format on */

/* The help text of the options, a string literal so that a command can
 * paste it into its usage. */
#define ROOM_POLICY_HELP                                                       \
	"Chat room policy options:\n"                                          \
	"  --related=off|list|subdomain|psl\n"                                 \
	"                      which domains count as related to the\n"        \
	"                      conference's (default off)\n"                   \
	"  --relate CONF-DOMAIN=CHAT-DOMAIN\n"                                 \
	"                      a related pair (repeatable; implies\n"          \
	"                      --related=list)\n"                              \
	"  --auto-join=never|same-domain|related\n"                            \
	"                      when a room may be joined without asking\n"     \
	"                      (default never)\n"                              \
	"  --require-name-match  automatic joins also need the room name to\n" \
	"                      match the conference name\n"                    \
	"  --max-auto-join-users N\n"                                          \
	"                      largest conference (users) to join from\n"      \
	"                      automatically (default 100)\n"

/* The policy a command line builds. */
struct room_policy {
	const char *cmd;                   /* for messages: "room", ...    */
	struct confinfo_chat_policy *chat; /* owned; allocated by the first
					    * option, complete after
					    * room_policy_finish()         */
	int related;       /* a confinfo_chat_related_mode; -1 until
			    * --related is given                           */
	bool relate_given; /* at least one --relate                        */
	bool given;        /* at least one policy option                   */
};

/*
 * The initialiser of a struct room_policy with the library's defaults;
 * @p cmd_name (a literal) names the command in messages. Nothing is allocated
 * yet, so that starting a command cannot fail.
 */
/* clang-format off */
#define ROOM_POLICY_INIT(cmd_name) {.cmd = (cmd_name), .related = -1}
/* clang-format on */

/* Release what @p rp owns (safe at any step, and twice). */
void room_policy_reset(struct room_policy *rp);

/* True if the getopt_long result @p c is one of the policy options. */
bool room_policy_owns(int c);

/*
 * Apply the getopt_long result @p c, a policy option, with its @p arg.
 * Returns CMD_RUN; or, once the reason is printed, EXIT_USAGE (with the
 * --help hint) or 1 (out of memory).
 */
int room_policy_option(struct room_policy *rp, int c, const char *arg);

/*
 * After the last option: --relate implies --related=list and contradicts
 * any other mode; rp->chat is then the complete policy. CMD_RUN, or
 * EXIT_USAGE or 1 (out of memory) once the reason is printed.
 */
int room_policy_finish(struct room_policy *rp);

/*
 * Parse the conference URI given on the command line of @p cmd (the
 * sip/sips URI subscribed to). On failure print `confinfo CMD: invalid
 * conference URI: why` and return EXIT_USAGE; on success *up is the URI
 * (confinfo_uri_free() it) and 0 is returned.
 */
int room_policy_conference(const char *cmd, const char *s,
			   struct confinfo_uri **up);

#endif
