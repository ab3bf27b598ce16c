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

bool room_policy_parse_count(const char *s, uint32_t *np)
{
	uint64_t v = 0;

	/* Digits only: strtoul() would take "-1" (as ULONG_MAX), " 5" and
	 * "+5", and a count that is not what was typed is worse than a
	 * usage error. */
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > UINT32_MAX)
			return false;
	}
	*np = (uint32_t)v;
	return true;
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
	return 0;
}

int room_policy_option(struct room_policy *rp, int c, const char *arg)
{
	uint32_t n;
	int i;

	if (c < ROOM_POLICY_OPT_RELATED ||
	    c > ROOM_POLICY_OPT_MAX_AUTO_JOIN_USERS)
		/* getopt_long() has said what was wrong. */
		return tool_usage_hint(rp->cmd);
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
		return 0;
	case ROOM_POLICY_OPT_RELATE:
		return relate_add(rp, arg);
	case ROOM_POLICY_OPT_AUTO_JOIN:
		i = mode_arg(rp, "--auto-join", auto_join_modes,
			     COUNT_OF(auto_join_modes), arg);
		if (i < 0)
			return EXIT_USAGE;
		if (confinfo_chat_policy_set_auto_join(
			rp->chat, (enum confinfo_chat_auto_join)i))
			return tool_usage_error(rp->cmd, "--auto-join %s: %s",
						arg, strerror(EINVAL));
		return 0;
	case ROOM_POLICY_OPT_REQUIRE_NAME_MATCH:
		if (confinfo_chat_policy_set_require_name_match(rp->chat, true))
			return tool_usage_error(rp->cmd,
						"--require-name-match: %s",
						strerror(EINVAL));
		return 0;
	case ROOM_POLICY_OPT_MAX_AUTO_JOIN_USERS:
		if (!room_policy_parse_count(arg, &n))
			return tool_usage_error(
			    rp->cmd,
			    "--max-auto-join-users: not a number: '%s'", arg);
		if (confinfo_chat_policy_set_max_auto_join_users(rp->chat, n))
			return tool_usage_error(rp->cmd,
						"--max-auto-join-users: %s",
						strerror(EINVAL));
		return 0;
	default:
		return tool_usage_hint(rp->cmd);
	}
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
	return 0;
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
