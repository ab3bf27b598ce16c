/*
 * Showing chat room verdicts (verdict.c), one implementation for `room`,
 * `rooms`, `show --conference` and `watch`: the JSON keys of a verdict and
 * its readable form. Everything shown comes from a confinfo_chat_verdict
 * (chat.h), so every command says the same about a room. The keys and
 * their order are documented in confinfo(1), JSON OUTPUT, "room --json";
 * change both together.
 */
#ifndef CONFINFO_TOOLS_VERDICT_H
#define CONFINFO_TOOLS_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "confinfo/chat.h"
#include "confinfo/uri.h"

/*
 * Add the verdict keys to @p obj, after those it has, in this order:
 * valid, error, scheme, host, host_unicode, port, room, same_domain,
 * name_match, related, secure, join, warnings. 0 or ENOMEM (@p obj may
 * then hold some of the keys).
 */
int verdict_json(json_t *obj, const struct confinfo_chat_verdict *v);

/*
 * The readable verdict, every line prefixed by @p indent: the full room
 * URI first, always (RFC 7106 section 2), then validity (with the reason
 * when invalid), scheme and transport, host in both forms, room name, the
 * checks, the join decision and the warnings. Strings are escaped for the
 * terminal.
 */
void verdict_text(FILE *out, const char *indent,
		  const struct confinfo_chat_verdict *v);

/*
 * One room of a list, as `rooms` and `watch` print it: a blank line,
 * `room NUMBER:`, its display text when it has one, then verdict_text()
 * indented by two spaces.
 */
void verdict_room_text(FILE *out, size_t number,
		       const struct confinfo_chat_room *room,
		       const struct confinfo_chat_verdict *v);

/* Checking the rooms of one document against the subscribed URI. */
struct verdict_check {
	const struct confinfo_uri *conference;     /* from the command line  */
	const struct confinfo_chat_policy *policy; /* NULL: the defaults   */
	uint32_t users; /* confinfo_chat_user_count() of the document      */
	bool all_valid; /* set it true; cleared by the first invalid room  */
};

/*
 * confinfo_chat_check_room() with the settings of @p c, noting an invalid
 * room in c->all_valid. On success *vp is the verdict
 * (confinfo_chat_verdict_free() it). 0, ENOMEM, EINVAL.
 */
int verdict_check_room(struct verdict_check *c,
		       const struct confinfo_chat_room *room,
		       struct confinfo_chat_verdict **vp);

/*
 * A tool_json_room_h (json.h) whose @p arg is a struct verdict_check:
 * checks the room and adds its verdict keys to the room's object, as
 * `rooms --json` and `show --json --conference` print it.
 */
int verdict_json_room(json_t *obj, const struct confinfo_chat_room *room,
		      void *arg);

#endif
