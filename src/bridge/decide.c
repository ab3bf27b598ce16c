/*
 * What a room presence means for the call, and who may make it happen
 * (chat-bridge.md "Mapping" and "Authority and safety"). Pure functions:
 * the unit tests hold every rule.
 */
#include <stddef.h>

#include "bridge_int.h"

const char *bridge_action_str(enum bridge_action a)
{
	static const char *const names[] = {"none", "mute", "unmute", "kick",
					    "ban"};

	return (unsigned)a < 5 ? names[a] : "none";
}

static bool has(const int *status, size_t count, int code)
{
	for (size_t i = 0; i < count; i++)
		if (status[i] == code)
			return true;
	return false;
}

enum bridge_action bridge_decide(const struct bridge_occupant *prev,
				 bool available, enum bridge_role role,
				 const int *status, size_t status_count)
{
	if (!available) {
		/* 301 banned; 307 kicked, 321 removed by an affiliation
		 * change, 322 room became members-only. A plain leave,
		 * 303 (nick change) and 332/333 (the service's doing)
		 * never touch the call. */
		if (has(status, status_count, 301))
			return BRIDGE_ACT_BAN;
		if (has(status, status_count, 307) ||
		    has(status, status_count, 321) ||
		    has(status, status_count, 322))
			return BRIDGE_ACT_KICK;
		return BRIDGE_ACT_NONE;
	}
	/* Voice is a transition, not a level: in a moderated room visitor
	 * is where everyone starts. An occupant seen for the first time
	 * (joined, or re-read after a reconnect) changes nothing. */
	if (!prev)
		return BRIDGE_ACT_NONE;
	if (prev->role >= BRIDGE_ROLE_PARTICIPANT &&
	    role == BRIDGE_ROLE_VISITOR)
		return BRIDGE_ACT_MUTE;
	if (prev->role == BRIDGE_ROLE_VISITOR &&
	    role >= BRIDGE_ROLE_PARTICIPANT)
		return BRIDGE_ACT_UNMUTE;
	return BRIDGE_ACT_NONE;
}

bool bridge_may_enforce(const struct bridge_authority *a, const char **whyp)
{
	const char *why = NULL;

	if (!a->hook)
		why = "no mixer hook: roles only";
	else if (!a->bot_admin)
		why = "the bridge is not owner or admin of the room";
	else if (!a->sees_jids)
		why = "the room does not show the bridge real JIDs";
	else if (!a->target_mapped)
		why = "the occupant maps to no conference user";
	else if (!a->actor_bare)
		why = "the actor is unknown (no real JID)";
	else if (!a->actor_allowed && !a->actor_chair)
		why = "the actor is not a conference chair";
	if (whyp)
		*whyp = why;
	return !why;
}
