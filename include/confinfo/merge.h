/**
 * @file merge.h
 * @brief Apply a received notification to a local state (RFC 4575 4.6).
 *
 * The subscriber keeps one state per subscription. Every received document
 * goes through confinfo_merge(), which implements the version rules and the
 * full / partial / deleted semantics:
 * - the first document must be full (a partial one before any full state is
 *   reported as a gap: the subscriber needs a full-state refresh);
 * - a document whose version is <= the local version is stale: discarded;
 * - a partial document whose version is > local + 1 is a gap: not applied,
 *   the subscriber must refresh;
 * - full and deleted documents replace the state;
 * - partial documents merge by keys, recursively: keyed children with state
 *   partial are merged, with state full (or no state) replaced or inserted,
 *   with state deleted removed; atomic elements are replaced whole.
 *
 * A partial document that relies on the default state (no `state`
 * attribute on users, user, endpoint or sidebars) is applied by the RFC's
 * normative rule (absent means full); the decoder, which knows the line and
 * column, reports it as a warning.
 *
 * Where the RFC leaves room, merge reads it this way:
 * - inside a full (or atomic) element every element is full: a partial or
 *   deleted one there makes the document INVALID (RFC 4575 section 4.4);
 * - <media> is keyed by id but has no state: a media is replaced whole; to
 *   remove one, the endpoint is sent full;
 * - uris lists with a state (sidebars-by-ref, associated-aors): full
 *   replaces, deleted removes, partial adds or replaces entries by uri
 *   (entries have no state, so removing one needs the list sent full);
 * - foreign content of a partial element replaces the state's when the
 *   document carries some, and is kept otherwise;
 * - after a deleted root a partial document is INVALID; a newer full one
 *   starts the conference again.
 *
 * Merging is atomic: unless the result is CONFINFO_MERGE_APPLIED the state
 * is exactly what it was. It costs what the document touches, not the size
 * of the state (no copy, no walk of unchanged parts); only removing a row
 * moves the pointers after it.
 *
 * Since 0.1.
 */
#ifndef CONFINFO_MERGE_H
#define CONFINFO_MERGE_H

#include "confinfo/diag.h"
#include "confinfo/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What confinfo_merge() did with a document. */
enum confinfo_merge_result {
	CONFINFO_MERGE_APPLIED = 0, /**< state updated                       */
	CONFINFO_MERGE_STALE,       /**< version <= local: discarded         */
	CONFINFO_MERGE_GAP,         /**< version skipped (or no full state
				     *   yet): refresh needed, not applied  */
	CONFINFO_MERGE_INVALID,     /**< inconsistent with the state or the
				     *   RFC (no version, different entity,
				     *   ...): not applied                   */
};

/** "applied", "stale", "gap", "invalid". */
const char *confinfo_merge_result_str(enum confinfo_merge_result r);

/**
 * Apply @p doc to @p *statep.
 *
 * @param statep  the local state; *statep may be NULL before the first full
 *                document, in which case a full @p doc becomes the state.
 *                On APPLIED *statep may have been replaced by a new
 *                pointer (the old one is freed). The root of an applied
 *                state always has state full and the document's version.
 * @param doc     the decoded notification. Ownership passes to the merge
 *                in every case (it is consumed, or freed); the caller must
 *                not use it afterwards.
 * @param resultp receives the outcome
 * @param diag    optional details for STALE, GAP and INVALID: diag->err is
 *                then EALREADY (stale), EAGAIN (gap) or EPROTO (invalid)
 *                and diag->message says why
 * @return 0 when the outcome is in *resultp (whatever it is), EINVAL for
 *         NULL arguments, ENOMEM (state unchanged).
 *
 * A deleted root leaves a state whose root state is DELETED and that has
 * no content: the conference is gone and the subscriber should unsubscribe.
 */
int confinfo_merge(struct confinfo_conf **statep, struct confinfo_conf *doc,
		   enum confinfo_merge_result *resultp,
		   struct confinfo_diag *diag);

#ifdef __cplusplus
}
#endif

#endif
