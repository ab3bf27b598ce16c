/**
 * @file diff.h
 * @brief The smallest partial notification between two full states.
 *
 * This is what a focus sends after a change: given the state a subscriber
 * has (old) and the current one (new), produce a partial document that
 * confinfo_merge() turns old into new, with version old + 1.
 *
 * Since 0.1.
 */
#ifndef CONFINFO_DIFF_H
#define CONFINFO_DIFF_H

#include "confinfo/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Compute the partial document from @p old_state to @p new_state.
 *
 * @param docp       on success receives a new document, partial unless a
 *                   change needs a full one (see below) (owned by
 *                   the caller, confinfo_conf_free()); it carries
 *                   version = old version + 1 and the entity of @p new_state
 * @param old_state  a full state with a version below UINT32_MAX
 * @param new_state  a full state of the same conference (its version is
 *                   ignored)
 * @return 0, ENOMEM, EINVAL (NULL arguments, states that are not full, or
 *         different entities), EOVERFLOW (the old version is UINT32_MAX)
 *
 * When nothing differs the document has no children: still a valid
 * notification (a version bump), which callers may choose not to send.
 * Atomic elements that changed are sent whole; keyed lists are sent as
 * partial with only the changed items (removed ones as `deleted` stubs,
 * new ones full); a changed item is sent partial or full, whichever is
 * smaller. Every users, user, endpoint and sidebars element of the result
 * carries an explicit state.
 *
 * Some changes cannot be said by a partial document, and then the
 * smallest enclosing element that can say them is sent full:
 * - a root-level atomic element (conference-description, host-info,
 *   conference-state), root foreign content or sidebars-by-ref removed:
 *   the whole document is full (still version old + 1);
 * - a field of a user removed: that user is full;
 * - a field of an endpoint or one of its media removed: that endpoint is
 *   full;
 * - a uri entry removed from a list with a state: that list is full;
 * - rows reordered in a way merge cannot reproduce (merge keeps known rows
 *   in place and appends new ones): the list, or its parent, is full.
 */
int confinfo_diff(struct confinfo_conf **docp,
		  const struct confinfo_conf *old_state,
		  const struct confinfo_conf *new_state);

#ifdef __cplusplus
}
#endif

#endif
