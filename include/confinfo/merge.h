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
 * The decoder bounds each document (xml.h), but a stream of valid partial
 * documents could add rows forever. Merge therefore bounds its result
 * (struct confinfo_merge_limits): a document that would leave a list it
 * changes longer than its limit is INVALID, with diag->err E2BIG, and the
 * state stays as it was, so a hostile notifier cannot make a subscriber's
 * memory grow without bound.
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
 * Limits on the state a merge leaves. A field left 0 takes its default (in
 * brackets). Each limit bounds one list wherever it occurs: the root and
 * every sidebars-by-val entry are conferences with users of their own.
 *
 * A list is checked when the document replaces it whole (a full document,
 * a full or new row, a full uris list: the document's count) and when a
 * partial element carries rows of it (the local count, plus the rows the
 * document adds, minus the local rows it deletes). So a document may
 * delete rows to make room for new ones, and a list the document carries
 * no rows of is never looked at: checking costs O(1) per list the document
 * touches, never a walk of the state.
 *
 * The defaults accept any full document of the decoder's default limits
 * (xml.h: 10000 users) whose rows are within the per-row limits, which are
 * far above what real devices and media lines need. The limits bound each
 * list, not the sum over lists: a stream of partial documents can at worst
 * build max_users * max_endpoints_per_user * max_media_per_endpoint media
 * per conference. A subscriber short of memory should lower them. Lists
 * replaced only whole (roles, available-media) cannot grow across
 * documents: the decoder's limits bound them.
 */
struct confinfo_merge_limits {
	size_t max_users;              /**< users of one conference [10000] */
	size_t max_endpoints_per_user; /**< endpoints of one user [64]      */
	size_t max_media_per_endpoint; /**< media of one endpoint [32]      */
	size_t max_entries_per_list;   /**< entries of one uris-type list:
					*   associated-aors, sidebars-by-ref,
					*   conf-uris, service-uris,
					*   host-info uris [1000]             */
	size_t max_sidebars;           /**< entries of one sidebars-by-val
					*   [100]                             */
};

/** The defaults, for documentation and for programs that want to scale
 *  them. */
void confinfo_merge_limits_default(struct confinfo_merge_limits *lim);

/**
 * Apply @p doc to @p *statep within the limits @p lim (NULL for the
 * defaults; copied, not kept).
 *
 * Everything is as for confinfo_merge() below, plus: a document that would
 * take a list beyond its limit is CONFINFO_MERGE_INVALID, diag->err is
 * E2BIG and diag->message names the list, its owner's key, the count it
 * would reach and the limit, e.g. "<users> of conference 'sip:conf@x'
 * would hold 10001 users (limit 10000)". The state is unchanged.
 */
int confinfo_merge_ex(struct confinfo_conf **statep, struct confinfo_conf *doc,
		      const struct confinfo_merge_limits *lim,
		      enum confinfo_merge_result *resultp,
		      struct confinfo_diag *diag);

/**
 * Apply @p doc to @p *statep, within the default limits
 * (confinfo_merge_ex() with NULL limits).
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
 *                then EALREADY (stale), EAGAIN (gap), EPROTO (invalid) or
 *                E2BIG (invalid: a limit exceeded), and diag->message says
 *                why
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
