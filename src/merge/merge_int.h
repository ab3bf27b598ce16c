/*
 * Private interface between the parts of the merge (RFC 4575 4.6).
 *
 * A partial merge runs in two phases so that it is atomic without cloning
 * the state:
 * - prepare (prepare.c) walks the document against the state without
 *   changing what the state contains. It checks the document for what would
 *   make it INVALID, normalises (in the document) every subtree that will be
 *   inserted as is, and reserves room in every state list that will grow.
 *   It is the only phase that can fail.
 * - apply (apply.c) moves the document's parts into the state: pointer
 *   swaps, list appends into reserved room, list removals. Nothing in it
 *   allocates, so it cannot fail. What it swaps out of the state ends up in
 *   the document, which the caller frees afterwards.
 * Both phases only visit what the document carries, so the cost of a merge
 * grows with the document, not with the state.
 */
#ifndef CONFINFO_MERGE_INT_H
#define CONFINFO_MERGE_INT_H

#include <errno.h>
#include <stdbool.h>

#include "confinfo/diag.h"
#include "confinfo/merge.h"
#include "confinfo/model.h"

/* Internal code of "the document is inconsistent": the message is in the
 * diagnostics and confinfo_merge() turns it into CONFINFO_MERGE_INVALID. */
#define MERGE_EINVALID EPROTO

/* Internal code of "the result would exceed a limit": INVALID as well, but
 * diag->err tells the caller it was the size, not the content. */
#define MERGE_ELIMIT E2BIG

/* Longest key quoted in a message: keys can be 8 KiB long. */
#define MERGE_KEY_MAX 80

/* How merge reads a state attribute: absent means full (RFC 4575 4.4), and
 * so does a value out of the enumeration, which only a program building a
 * model by hand can produce. */
static inline bool merge_is_deleted(enum confinfo_state s)
{
	return s == CONFINFO_STATE_DELETED;
}

static inline bool merge_is_partial(enum confinfo_state s)
{
	return s == CONFINFO_STATE_PARTIAL;
}

static inline bool merge_is_full(enum confinfo_state s)
{
	return !merge_is_deleted(s) && !merge_is_partial(s);
}

struct merge_ctx {
	struct confinfo_diag *diag;
	struct confinfo_merge_limits lim; /* no field 0: defaults applied */
};

/*
 * Normalise a conference-type element that is inserted or replaces the
 * state as it is (the root of a full document, a new sidebars-by-val
 * entry): check that no element inside a full one is partial or deleted
 * (RFC 4575 4.4), drop the deleted children of partial ones (they delete
 * what does not exist), check every list against the limits, and set every
 * state to full. Returns 0, MERGE_EINVALID or MERGE_ELIMIT.
 */
int merge_norm_conf(struct merge_ctx *c, struct confinfo_conf *conf);

/*
 * Phase 1 of merging the partial conference-type element @p doc into
 * @p state (both the root, or both a sidebars-by-val entry): also checks
 * that every list the document changes stays within the limits. Returns
 * 0, MERGE_EINVALID, MERGE_ELIMIT or ENOMEM; in every case @p state holds
 * what it held.
 */
int merge_prepare_conf(struct merge_ctx *c, struct confinfo_conf *state,
		       struct confinfo_conf *doc);

/*
 * Phase 2, after merge_prepare_conf() succeeded on the same pair. Cannot
 * fail. Leaves in @p doc what was replaced or not used: free it.
 */
void merge_apply_conf(struct confinfo_conf *state, struct confinfo_conf *doc);

#endif
