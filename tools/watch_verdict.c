/*
 * Chat room verdicts in confinfo watch. The chat module decides everything
 * (validity, the two checks, related domains, the join decision, display
 * strings) and verdict.c shows it as `confinfo rooms` does; what is left
 * here is what only watch needs: the conference URI taken from the
 * subscription (an unusable one makes every room `never` instead of
 * ending the watch), the user count of the current state, the rooms event
 * of the JSON stream, and the decision --open-with acts on.
 *
 * Rooms are checked against the URI given on the command line, never the
 * entity of a received document (docs/chat-rooms.md section 1).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "verdict.h"
#include "watch_verdict.h"

struct watch_verdict {
	const struct confinfo_chat_policy *policy;
	struct confinfo_uri *conference; /* NULL when unparsable */
	char error[CONFINFO_DIAG_MSG_SIZE + 64];
};

int watch_verdict_alloc(struct watch_verdict **vp,
			const struct watch_room_opts *o)
{
	struct watch_verdict *v = calloc(1, sizeof(*v));
	struct confinfo_diag diag;
	int err;

	if (!v)
		return ENOMEM;
	v->policy = o->policy;
	memset(&diag, 0, sizeof(diag));
	err = confinfo_chat_conference_parse(&v->conference, o->conf_uri,
					     strlen(o->conf_uri), &diag);
	if (err == ENOMEM) {
		free(v);
		return err;
	}
	if (err)
		snprintf(v->error, sizeof(v->error),
			 "the conference URI cannot be checked: %s",
			 diag.message[0] ? diag.message : strerror(err));
	*vp = v;
	return 0;
}

void watch_verdict_free(struct watch_verdict *v)
{
	if (!v)
		return;
	confinfo_uri_free(v->conference);
	free(v);
}

static struct confinfo_chat_verdict *
check(struct watch_verdict *v, const struct confinfo_conf *state,
      const struct confinfo_chat_room *room)
{
	struct verdict_check c = {
	    .conference = v->conference,
	    .policy = v->policy,
	    .users = confinfo_chat_user_count(state),
	};
	struct confinfo_chat_verdict *cv = NULL;

	if (!v->conference || verdict_check_room(&c, room, &cv))
		return NULL;
	return cv;
}

/* What --open-with does with a room of verdict @p cv (NULL: unchecked). */
static enum watch_decision decision_of(const struct confinfo_chat_verdict *cv)
{
	if (!cv || !cv->valid)
		return WATCH_DECISION_NEVER;
	if (cv->join == CONFINFO_CHAT_JOIN_AUTO)
		return WATCH_DECISION_AUTO;
	if (cv->join == CONFINFO_CHAT_JOIN_ASK)
		return WATCH_DECISION_ASK;
	return WATCH_DECISION_NEVER;
}

/*
 * The verdict shown for a room that could not be checked (no usable
 * conference URI, or out of memory): an invalid room with the reason, so
 * that it is shown, and its JSON has, what any invalid room has. It lives
 * on the stack and borrows its strings: never pass it to
 * confinfo_chat_verdict_free().
 */
static void unchecked(struct confinfo_chat_verdict *cv, struct watch_verdict *v,
		      const struct confinfo_chat_room *room)
{
	memset(cv, 0, sizeof(*cv));
	cv->error = v->error[0] ? v->error : strerror(ENOMEM);
	/* Raw, but printed through tool_fputs_safe() like any other. */
	cv->uri_display = room->entry->uri;
	cv->port = -1;
	cv->join = CONFINFO_CHAT_JOIN_NEVER;
}

/* The room's object: the keys of the JSON view, then those of the
 * verdict. NULL on ENOMEM. */
static json_t *room_json(const struct confinfo_chat_room *room,
			 const struct confinfo_chat_verdict *cv)
{
	json_t *o = tool_json_room(room);

	if (o && verdict_json(o, cv)) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

void watch_verdict_show(struct watch_verdict *v, struct watch_out *out,
			const struct confinfo_conf *state,
			const struct confinfo_chat_room *rooms, size_t count,
			enum watch_decision *decisions)
{
	json_t *obj = NULL, *arr = NULL;
	size_t i;

	if (out->json) {
		obj = json_object();
		arr = json_array();
		if (!obj || !arr ||
		    json_object_set_new(obj, "event", json_string("rooms")) ||
		    json_object_set_new(obj, "rooms", json_incref(arr))) {
			/* Nothing shown; the decisions are still needed. */
			json_decref(obj);
			json_decref(arr);
			obj = arr = NULL;
			out->failed = true;
		}
		json_decref(arr); /* obj holds it */
	} else {
		fprintf(out->f, "chat rooms: %zu\n", count);
	}
	for (i = 0; i < count; i++) {
		struct confinfo_chat_verdict *cv = check(v, state, &rooms[i]);
		struct confinfo_chat_verdict none;
		const struct confinfo_chat_verdict *shown = cv;

		decisions[i] = decision_of(cv);
		if (!cv) {
			unchecked(&none, v, &rooms[i]);
			shown = &none;
		}
		if (out->json) {
			if (arr && json_array_append_new(
				       arr, room_json(&rooms[i], shown)))
				out->failed = true;
		} else {
			verdict_room_text(out->f, i + 1, &rooms[i], shown);
		}
		confinfo_chat_verdict_free(cv);
	}
	if (out->json) {
		if (obj)
			watch_json_line(out, obj);
	} else if (fflush(out->f)) {
		out->failed = true;
	}
}
