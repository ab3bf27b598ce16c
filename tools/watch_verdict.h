/*
 * Chat room verdicts for confinfo watch (watch_verdict.c): every room shown
 * with its verdict from the chat module (chat.h), laid out by verdict.h as
 * `confinfo rooms` does, and the join decision that --open-with acts on.
 * The policy comes from the shared options (room_policy.h).
 */
#ifndef CONFINFO_TOOLS_WATCH_VERDICT_H
#define CONFINFO_TOOLS_WATCH_VERDICT_H

#include <stddef.h>

#include "confinfo/chat.h"
#include "watch.h"

enum watch_decision {
	WATCH_DECISION_NEVER = 0,
	WATCH_DECISION_ASK,
	WATCH_DECISION_AUTO,
};

struct watch_verdict;

/* Parse the conference URI of @p o for the checks. ENOMEM only: an
 * unparsable conference URI makes every room `never` (with the reason). */
int watch_verdict_alloc(struct watch_verdict **vp,
			const struct watch_room_opts *o);
void watch_verdict_free(struct watch_verdict *v);

/* Show @p count rooms of @p state with their verdicts, and put in
 * @p decisions (count of them) what --open-with does with each: one check
 * per room serves both (never when a room cannot be checked). */
void watch_verdict_show(struct watch_verdict *v, struct watch_out *out,
			const struct confinfo_conf *state,
			const struct confinfo_chat_room *rooms, size_t count,
			enum watch_decision *decisions);

#endif
