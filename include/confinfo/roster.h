/**
 * @file roster.h
 * @brief Who is in a conference, and what changed: the meaning a client
 *        reads from RFC 4575 states.
 *
 * A state (model.h) lists users, their endpoints and media; a client wants
 * to know who is present, who is muted, who chairs, and, after each
 * notification, what happened: someone joined, left, was muted, unmuted,
 * got other roles, or an endpoint changed status. This module says it the
 * same way for every program:
 *
 * - a user is **present** when it is listed and not every one of its
 *   endpoints is disconnected (a focus may keep departed users listed with
 *   their endpoints disconnected); a listed user without endpoints is
 *   present;
 * - a user is **muted** when an endpoint still in the conference (not
 *   disconnected) has status muted-via-focus, or an audio stream that is
 *   recvonly or inactive (RFC 4575 section 5.8.5: the focus does not take
 *   its media);
 * - **roles** are the <roles> entries, compared in order, byte for byte.
 *
 * Changes are computed at the cost of what a notification touched, not the
 * size of the state. Merging consumes the document (merge.h), so what it
 * touches is taken from it first (confinfo_roster_changes_from_doc()); a
 * struct confinfo_roster remembers, per listed user, only what it needs to
 * report changes (not a copy of the state), and confinfo_roster_update()
 * compares the touched users with the merged state:
 *
 * @code
 * struct confinfo_roster_changes *changes = NULL;
 *
 * (void)confinfo_roster_changes_from_doc(&changes, doc); // NULL: all
 * err = confinfo_merge(&state, doc, &res, NULL);         // doc consumed
 * if (!err && res == CONFINFO_MERGE_APPLIED)
 *         err = confinfo_roster_update(roster, state, changes, h, arg);
 * confinfo_roster_changes_free(changes);
 * @endcode
 *
 * The subscriber does the first half: its STATE event carries the changes
 * (subscriber.h).
 *
 * Since 0.1.
 */
#ifndef CONFINFO_ROSTER_H
#define CONFINFO_ROSTER_H

#include <stdbool.h>
#include <stddef.h>

#include "confinfo/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------
 * Predicates on one user of a state. They read, never keep, the user.
 * ------------------------------------------------------------------- */

/**
 * Whether @p user takes part in the conference: listed (not NULL) and not
 * every one of its endpoints disconnected. A user without endpoints is
 * present. O(endpoints).
 */
bool confinfo_roster_user_present(const struct confinfo_user *user);

/**
 * Whether @p user is muted: an endpoint that is not disconnected has
 * status muted-via-focus, or a media of type "audio" with status recvonly
 * or inactive. Other media types (video recvonly) do not count. False for
 * NULL. O(endpoints + media).
 */
bool confinfo_roster_user_muted(const struct confinfo_user *user);

/**
 * Whether one of the roles of @p user is exactly @p role (e.g. "chair";
 * byte for byte, as roles are free strings). False for NULL arguments.
 */
bool confinfo_roster_user_has_role(const struct confinfo_user *user,
				   const char *role);

/**
 * Whether @p a and @p b hold the same entries in the same order. NULL and
 * an empty list are equal (both mean "no roles").
 */
bool confinfo_roster_roles_equal(const struct confinfo_roles *a,
				 const struct confinfo_roles *b);

/* ---------------------------------------------------------------------
 * What a document touches.
 * ------------------------------------------------------------------- */

/**
 * The users a document can change, taken from it before the merge
 * consumes it. Opaque; NULL stands for "everything" wherever a changes
 * pointer is taken.
 */
struct confinfo_roster_changes;

/**
 * Record what @p doc, a decoded document not yet merged, touches:
 * everything when it is full or deleted (or has no state attribute, which
 * means full), or when its <users> is full or deleted (replaced or removed
 * whole); otherwise the entities of the <user> elements of its partial
 * <users>, copied (none when it has no <users>). Costs O(users in @p doc);
 * nothing of @p doc is kept.
 *
 * @param cp   on success the new changes (confinfo_roster_changes_free())
 * @param doc  the document, e.g. from confinfo_xml_decode()
 * @return 0, EINVAL (NULL argument), ENOMEM. On ENOMEM a caller may go on
 *         with NULL changes, which mean everything: only the cost grows.
 */
int confinfo_roster_changes_from_doc(struct confinfo_roster_changes **cp,
				     const struct confinfo_conf *doc);

/** Release @p c (NULL is fine). */
void confinfo_roster_changes_free(struct confinfo_roster_changes *c);

/** Whether @p c stands for everything (true for NULL). */
bool confinfo_roster_changes_all(const struct confinfo_roster_changes *c);

/** How many users @p c names (0 for NULL and for everything). */
size_t confinfo_roster_changes_count(const struct confinfo_roster_changes *c);

/** The entity of the @p i-th user @p c names, in document order; NULL when
 *  @p i is out of range. Valid as long as @p c. */
const char *
confinfo_roster_changes_entity(const struct confinfo_roster_changes *c,
			       size_t i);

/* ---------------------------------------------------------------------
 * The roster: change events between two states.
 * ------------------------------------------------------------------- */

/** What happened. */
enum confinfo_roster_event_type {
	CONFINFO_ROSTER_JOINED = 0,    /**< a user became present             */
	CONFINFO_ROSTER_LEFT,          /**< a present user no longer is       */
	CONFINFO_ROSTER_MUTED,         /**< a present user became muted (also
					*   right after JOINED when it joins
					*   muted)                            */
	CONFINFO_ROSTER_UNMUTED,       /**< a present user is no longer muted */
	CONFINFO_ROSTER_ROLES_CHANGED, /**< a user present before and after
					*   has other roles: old_roles,
					*   new_roles                      */
	CONFINFO_ROSTER_ENDPOINT_STATUS_CHANGED, /**< an endpoint of a
						  *   listed user: endpoint,
						  *   old_status, new_status */
	CONFINFO_ROSTER_DELETED, /**< the conference was deleted (last)     */
};

/**
 * One change. Pointers are valid during the callback only; the others are
 * NULL or 0 when the type does not use them.
 */
struct confinfo_roster_event {
	enum confinfo_roster_event_type type;
	/** The user's entity (NULL for DELETED). */
	const char *entity;
	/** The user's display-text, NULL when it has none: for LEFT as the
	 *  roster last saw it, for the others the new state's. */
	const char *display_text;
	/** The user in the new state; NULL for DELETED and for LEFT when the
	 *  user is no longer listed. */
	const struct confinfo_user *user;
	/** ROLES_CHANGED: the roles before and after (NULL: none). */
	const struct confinfo_roles *old_roles;
	const struct confinfo_roles *new_roles;
	/** ENDPOINT_STATUS_CHANGED: the endpoint's entity, and its status
	 *  before and after; CONFINFO_EP_STATUS_UNSET when the endpoint was
	 *  (or is) not listed or had (has) no <status>. */
	const char *endpoint;
	enum confinfo_endpoint_status old_status;
	enum confinfo_endpoint_status new_status;
};

/** Event callback of confinfo_roster_update(). It must not call the
 *  roster it is called from. */
typedef void(confinfo_roster_event_h)(const struct confinfo_roster_event *ev,
				      void *arg);

/**
 * What a client remembers of the users of a state to tell what changed:
 * per listed user its entity, display-text, presence, mute, roles and the
 * status of each endpoint, in the order of the state. Not a copy of the
 * state: the rest (media, call info, ...) is not kept.
 */
struct confinfo_roster;

/**
 * Create an empty roster.
 *
 * @param rp  on success the roster (confinfo_roster_free())
 * @return 0, EINVAL, ENOMEM
 */
int confinfo_roster_alloc(struct confinfo_roster **rp);

/** Release @p r (NULL is fine). */
void confinfo_roster_free(struct confinfo_roster *r);

/**
 * Report what changed from the users the roster remembers to those of
 * @p state, then remember @p state's.
 *
 * @param r        the roster; call it with every state a client applies,
 *                 in order (a state skipped must be followed by an update
 *                 with NULL changes)
 * @param state    the state after the merge of the document @p changes
 *                 was taken from (read, not kept)
 * @param changes  what the document touched, or NULL for everything.
 *                 Everything compares every user of the roster and of
 *                 @p state: O(users). Otherwise only the users named are
 *                 compared: O(users named), never a walk of the state. The
 *                 roster's first update, and the one after an ENOMEM,
 *                 compare everything whatever @p changes says.
 * @param handler  called once per change, before this function returns;
 *                 NULL to update silently (e.g. for a first state that
 *                 the caller shows whole). A new roster compares with no
 *                 users: its first update reports every present user as
 *                 JOINED.
 * @param arg      handler's argument
 * @return 0, EINVAL (NULL @p r or @p state), ENOMEM: then no event was
 *         reported and the roster is as it was, except that its next
 *         update compares everything (and so reports these changes then).
 *
 * Order of the events, which reads like what happened: first LEFT for
 * every user who left, in the order of the previous state; then, in the
 * order of @p state, per user: JOINED (followed by MUTED when it joins
 * muted), or MUTED or UNMUTED and then ROLES_CHANGED; then
 * ENDPOINT_STATUS_CHANGED for its endpoints, those of @p state in order,
 * then those no longer listed. Endpoint events are reported for users
 * listed in @p state only (present or not): a user who is no longer
 * listed has only its LEFT, if it was present. Last, DELETED when
 * @p state is a deleted conference (every user having left before).
 */
int confinfo_roster_update(struct confinfo_roster *r,
			   const struct confinfo_conf *state,
			   const struct confinfo_roster_changes *changes,
			   confinfo_roster_event_h *handler, void *arg);

/** How many users @p r remembers (listed in the last state, present or
 *  not); 0 for NULL. */
size_t confinfo_roster_count(const struct confinfo_roster *r);

#ifdef __cplusplus
}
#endif

#endif
