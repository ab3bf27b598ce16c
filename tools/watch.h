/*
 * confinfo watch, split by job:
 *   cmd_watch.c    options, the SIP stack, the event loop, signals
 *   watch_out.c    what is printed: roster, one line (or JSON object) per
 *                  change, subscription events
 *   watch_rooms.c  chat rooms as the chat module's tracker reports them:
 *                  verdicts, --open-with, the terminal prompt
 */
#ifndef CONFINFO_TOOLS_WATCH_H
#define CONFINFO_TOOLS_WATCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "confinfo/model.h"
#include "confinfo/roster.h"
#include "confinfo/subscriber.h"

/* ------------------------------------------------------------------ */
/* Output (watch_out.c). */

struct watch_out {
	FILE *f;   /* standard output: roster, changes, JSON lines   */
	FILE *err; /* standard error: subscription events in text mode */
	bool json;
	bool failed; /* a write to f failed (EPIPE, ENOSPC): stop      */
};

/* Print one JSON object as a line and flush it (so that a pipe reader sees
 * it at once). Takes the reference of @p obj. */
void watch_json_line(struct watch_out *out, json_t *obj);

/* The first state of the session: a readable roster, or a JSON snapshot. */
void watch_out_roster(struct watch_out *out, const struct confinfo_conf *state);

/* One line (or JSON event) per change @p roster finds from the state it
 * remembers to @p state (users joined, left, muted, unmuted, roles
 * changed, conference deleted), looking at the users @p changes names
 * (NULL: all); @p roster then remembers @p state. 0, or ENOMEM from
 * confinfo_roster_update(): nothing printed, the roster reports these
 * changes with the next state. */
int watch_out_changes(struct watch_out *out, struct confinfo_roster *roster,
		      const struct confinfo_conf *state,
		      const struct confinfo_roster_changes *changes);

/* The JSON snapshot of @p state after an applied NOTIFY. */
/* What the NOTIFY of a STATE event's signature said (S/MIME): a line on
 * standard error, or an smime event in JSON. */
void watch_out_smime(struct watch_out *out,
		     const struct confinfo_subscriber_event *ev);
void watch_out_snapshot(struct watch_out *out,
			const struct confinfo_conf *state, uint32_t version,
			bool full);

/* A subscription event other than STATE. */
/* Whether a CLOSED event ends the watch in error: the conference ending
 * (noresource) is a normal end, like an unsubscribe. The JSON event's
 * "error" and the exit status both follow this. */
bool watch_closed_in_error(const struct confinfo_subscriber_event *ev);
void watch_out_event(struct watch_out *out,
		     const struct confinfo_subscriber_event *ev,
		     const char *uri);

/* ------------------------------------------------------------------ */
/* Chat rooms (watch_rooms.c). */

/* What the command line says about chat rooms: --open-with, the URI
 * subscribed to, and the policy built by the shared policy options
 * (room_policy.h). */
struct confinfo_chat_policy;
struct watch_room_opts {
	const char *open_with; /* CMD, NULL: none                    */
	const char *conf_uri;  /* the URI subscribed to              */
	/* Borrowed from the command line's struct room_policy, which
	 * outlives the watch. */
	const struct confinfo_chat_policy *policy;
	unsigned prompt_interval; /* seconds between two prompts        */
	unsigned prompt_timeout;  /* seconds before a prompt means no   */
};

struct watch_rooms;

int watch_rooms_alloc(struct watch_rooms **wrp, const struct watch_room_opts *o,
		      struct watch_out *out);
void watch_rooms_free(struct watch_rooms *wr);

/* The advertised rooms of @p state; when they differ from last time, show
 * each with its full URI and verdicts, and act on --open-with. An
 * unusable conference URI makes every room `never`, with the reason,
 * instead of ending the watch. */
void watch_rooms_update(struct watch_rooms *wr,
			const struct confinfo_conf *state);
/* Whether the next states are S/MIME-verified state: when not, a room
 * whose decision is auto is asked for instead (and the reason shown).
 * Rooms are taken as verified until this says otherwise. */
void watch_rooms_set_verified(struct watch_rooms *wr, bool verified);

#endif
