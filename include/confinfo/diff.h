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
 * @param docp       on success receives a new partial document (owned by
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
 * partial with only the changed items; an item is sent partial when that
 * is smaller than sending it full.
 */
int confinfo_diff(struct confinfo_conf **docp,
		  const struct confinfo_conf *old_state,
		  const struct confinfo_conf *new_state);

#ifdef __cplusplus
}
#endif

#endif
