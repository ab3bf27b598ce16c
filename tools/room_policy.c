/*
 * The chat room policy options of room, rooms, show and watch (see
 * room_policy.h). The chat module owns every rule; this file only turns
 * command-line words into a confinfo_chat_policy, and rejects what it
 * cannot map exactly: a policy that silently differs from what the user
 * typed could join rooms the user meant to be asked about.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "room_policy.h"
#include "util.h"

/* The words of --related, in the order of enum
 * confinfo_chat_related_mode. */
static const char *const related_modes[] = {"off", "list", "subdomain", "psl"};
/* The words of --auto-join, in the order of enum
 * confinfo_chat_auto_join. */
static const char *const auto_join_modes[] = {"never", "same-domain",
					      "related"};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* The library's policy, allocated on first use: 0, or 1 once the reason
 * is printed. */
static int chat_policy(struct room_policy *rp)
{
	if (rp->chat)
		return 0;
	if (!confinfo_chat_policy_alloc(&rp->chat))
		return 0;
	fprintf(stderr, "confinfo %s: %s\n", rp->cmd, strerror(ENOMEM));
	return EXIT_FAILURE;
}

void room_policy_reset(struct room_policy *rp)
{
	confinfo_chat_policy_free(rp->chat);
	rp->chat = NULL;
}

bool room_policy_owns(int c)
{
	return c >= ROOM_POLICY_OPT_RELATED &&
	       c <= ROOM_POLICY_OPT_MAX_AUTO_JOIN_USERS;
}

/*
 * The index of @p arg among the @p count @p words of @p option; -1 once
 * `OPTION: unknown mode 'ARG' (a, b or c)` and the hint are printed.
 */
static int mode_arg(const struct room_policy *rp, const char *option,
		    const char *const *words, size_t count, const char *arg)
{
	for (size_t i = 0; i < count; i++) {
		if (!strcmp(arg, words[i]))
			return (int)i;
	}
	fprintf(stderr, "confinfo %s: %s: unknown mode '%s' (", rp->cmd, option,
		arg);
	for (size_t i = 0; i < count; i++)
		fprintf(stderr, "%s%s",
			!i              ? ""
			: i + 1 < count ? ", "
					: " or ",
			words[i]);
	fputs(")\n", stderr);
	tool_usage_hint(rp->cmd);
	return -1;
}

static int relate_add(struct room_policy *rp, const char *arg)
{
	struct confinfo_diag d = {0};
	const char *eq = strchr(arg, '=');
	char *conf;
	int err;

	if (!eq || eq == arg || !eq[1])
		return tool_usage_error(
		    rp->cmd, "--relate wants CONF-DOMAIN=CHAT-DOMAIN, not '%s'",
		    arg);
	conf = strndup(arg, (size_t)(eq - arg));
	if (!conf)
		return tool_usage_error(rp->cmd, "%s", strerror(ENOMEM));
	err = confinfo_chat_policy_add_related(rp->chat, conf, eq + 1, &d);
	free(conf);
	if (err)
		return tool_usage_error(rp->cmd, "--relate: %s",
					d.message[0] ? d.message
						     : strerror(err));
	rp->relate_given = true;
	return CMD_RUN;
}

int room_policy_option(struct room_policy *rp, int c, const char *arg)
{
	uint64_t n;
	int i, err;

	if (chat_policy(rp))
		return EXIT_FAILURE;
	/* Noted before it is known to be valid: the command exits anyway
	 * when it is not. */
	rp->given = true;
	switch (c) {
	case ROOM_POLICY_OPT_RELATED:
		i = mode_arg(rp, "--related", related_modes,
			     COUNT_OF(related_modes), arg);
		if (i < 0)
			return EXIT_USAGE;
		/* Applied by room_policy_finish(), which needs to know
		 * whether --relate came with another mode. */
		rp->related = i;
		return CMD_RUN;
	case ROOM_POLICY_OPT_RELATE:
		return relate_add(rp, arg);
	case ROOM_POLICY_OPT_AUTO_JOIN:
		i = mode_arg(rp, "--auto-join", auto_join_modes,
			     COUNT_OF(auto_join_modes), arg);
		if (i < 0)
			return EXIT_USAGE;
		err = confinfo_chat_policy_set_auto_join(
		    rp->chat, (enum confinfo_chat_auto_join)i);
		break;
	case ROOM_POLICY_OPT_REQUIRE_NAME_MATCH:
		err =
		    confinfo_chat_policy_set_require_name_match(rp->chat, true);
		break;
	case ROOM_POLICY_OPT_MAX_AUTO_JOIN_USERS:
		if (tool_parse_uint(arg, 0, UINT32_MAX, &n))
			return tool_usage_error(
			    rp->cmd,
			    "--max-auto-join-users: not a number: '%s'", arg);
		err = confinfo_chat_policy_set_max_auto_join_users(rp->chat,
								   (uint32_t)n);
		break;
	default:
		return tool_usage_hint(rp->cmd);
	}
	/* The library refuses only values the words above never map to. */
	if (err)
		return tool_usage_error(rp->cmd, "%s", strerror(err));
	return CMD_RUN;
}

int room_policy_finish(struct room_policy *rp)
{
	int mode = rp->related;

	if (chat_policy(rp))
		return EXIT_FAILURE;
	if (mode < 0)
		mode = rp->relate_given ? CONFINFO_CHAT_RELATED_LIST
					: CONFINFO_CHAT_RELATED_OFF;
	/* Pairs the chosen mode would ignore are a mistake, not a wish. */
	if (rp->relate_given && mode != CONFINFO_CHAT_RELATED_LIST)
		return tool_usage_error(rp->cmd,
					"--relate needs --related=list");
	if (confinfo_chat_policy_set_related(
		rp->chat, (enum confinfo_chat_related_mode)mode))
		return tool_usage_error(rp->cmd, "--related: %s",
					strerror(EINVAL));
	return CMD_RUN;
}

int room_policy_conference(const char *cmd, const char *s,
			   struct confinfo_uri **up)
{
	struct confinfo_diag d = {0};
	int err = confinfo_chat_conference_parse(up, s, strlen(s), &d);

	if (!err)
		return 0;
	fprintf(stderr, "confinfo %s: invalid conference URI: ", cmd);
	/* The message may quote the URI, which may hold anything. */
	tool_fputs_safe(stderr, d.message[0] ? d.message : strerror(err));
	fputc('\n', stderr);
	return EXIT_USAGE;
}
