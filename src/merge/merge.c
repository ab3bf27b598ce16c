/*
 * confinfo_merge(): the version rules of RFC 4575 section 4.6, replacing
 * by full and deleted documents, and the two-phase partial merge of
 * prepare.c and apply.c.
 *
 * Where the RFC is silent or ambiguous, merge reads it as follows (the
 * digest's suggestions, sections 3.1 to 3.4):
 * - A keyed child of a partial parent (user, endpoint, sidebars-by-val
 *   entry): deleted removes the row (an unknown key is ignored); full,
 *   explicit or by default, replaces the whole row or appends it; partial
 *   merges into the known row, or appends an unknown one as it is, minus
 *   its own deleted children (step 3.1.1).
 * - <media> is keyed by id but has no state: replaced whole by id. It
 *   cannot be deleted from a partial endpoint; the endpoint is sent full.
 * - uris-type lists with a state of their own (sidebars-by-ref,
 *   associated-aors): full replaces, deleted removes, partial upserts its
 *   entries by uri. Entries have no state, so a partial list cannot remove
 *   one: the list is sent full for that. Inside the atomic
 *   conference-description and host-info they are full.
 * - Inside a full element (or an atomic one) every element is full (RFC
 *   4575 4.4): a partial or deleted one there makes the document INVALID.
 * - Foreign content of a partial element replaces the state's when the
 *   document has some, and leaves it alone otherwise.
 * - A sidebars-by-val entry's own version is data: a partial entry that
 *   carries one sets it.
 * - After a deleted root, a partial document is INVALID (nothing to merge
 *   into); a newer full one starts the conference again.
 * - The stored state is always normalised: every state attribute full, so
 *   equality and diff see plain full trees.
 *
 * Limits (struct confinfo_merge_limits). The decoder bounds one document;
 * only merge sees the sum of a stream of them, so only merge can stop a
 * notifier that adds one user per NOTIFY forever. Phase 1 (prepare.c)
 * checks the count each list will reach: a list replaced whole has the
 * document's count, a list merged into has its local count plus the new
 * keys minus the local keys deleted. Counts are O(1) and the keys are
 * looked up anyway, so the checks keep the merge's cost proportional to
 * the document. A document over a limit is INVALID (err E2BIG) and, since
 * phase 1 does not change the state, leaves it as it was; the subscriber
 * then asks for a full state, which is checked the same way.
 *
 * The diagnostics' err is EALREADY for STALE, EAGAIN for GAP, EPROTO for
 * INVALID and E2BIG for INVALID over a limit (the function itself returns
 * 0), ENOMEM when out of memory.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "confinfo/merge.h"
#include "merge/merge_int.h"

const char *confinfo_merge_result_str(enum confinfo_merge_result r)
{
	switch (r) {
	case CONFINFO_MERGE_APPLIED:
		return "applied";
	case CONFINFO_MERGE_STALE:
		return "stale";
	case CONFINFO_MERGE_GAP:
		return "gap";
	case CONFINFO_MERGE_INVALID:
		return "invalid";
	}
	return NULL;
}

/* The defaults, documented in merge.h. Users match the decoder's per
 * document limit, so a full document the decoder accepts fits; the
 * per-row limits are far above what a real device list, set of media
 * streams or sidebar list needs. They bound each list, not the product
 * over the levels (merge.h says so): a state-wide budget would need a
 * count kept beside the state, which the model does not have. */
enum {
	MERGE_DEFAULT_USERS = 10000,
	MERGE_DEFAULT_ENDPOINTS_PER_USER = 64,
	MERGE_DEFAULT_MEDIA_PER_ENDPOINT = 32,
	MERGE_DEFAULT_ENTRIES_PER_LIST = 1000,
	MERGE_DEFAULT_SIDEBARS = 100,
};

void confinfo_merge_limits_default(struct confinfo_merge_limits *lim)
{
	if (!lim)
		return;
	lim->max_users = MERGE_DEFAULT_USERS;
	lim->max_endpoints_per_user = MERGE_DEFAULT_ENDPOINTS_PER_USER;
	lim->max_media_per_endpoint = MERGE_DEFAULT_MEDIA_PER_ENDPOINT;
	lim->max_entries_per_list = MERGE_DEFAULT_ENTRIES_PER_LIST;
	lim->max_sidebars = MERGE_DEFAULT_SIDEBARS;
}

/* @p lim with every 0 field replaced by its default. */
static struct confinfo_merge_limits
resolve_limits(const struct confinfo_merge_limits *lim)
{
	struct confinfo_merge_limits r;

	confinfo_merge_limits_default(&r);
	if (!lim)
		return r;
	if (lim->max_users)
		r.max_users = lim->max_users;
	if (lim->max_endpoints_per_user)
		r.max_endpoints_per_user = lim->max_endpoints_per_user;
	if (lim->max_media_per_endpoint)
		r.max_media_per_endpoint = lim->max_media_per_endpoint;
	if (lim->max_entries_per_list)
		r.max_entries_per_list = lim->max_entries_per_list;
	if (lim->max_sidebars)
		r.max_sidebars = lim->max_sidebars;
	return r;
}

/* Empties a deleted root: RFC 4575 4.4 says its children "MUST" be
 * ignored, and the conference they described is gone. Nothing here
 * allocates. */
static void strip(struct confinfo_conf *conf)
{
	confinfo_description_free(conf->description);
	conf->description = NULL;
	confinfo_host_info_free(conf->host_info);
	conf->host_info = NULL;
	confinfo_conf_state_free(conf->conf_state);
	conf->conf_state = NULL;
	confinfo_users_free(conf->users);
	conf->users = NULL;
	confinfo_uris_free(conf->sidebars_by_ref);
	conf->sidebars_by_ref = NULL;
	confinfo_sidebars_by_val_free(conf->sidebars_by_val);
	conf->sidebars_by_val = NULL;
	confinfo_ext_reset(&conf->ext);
	conf->state = CONFINFO_STATE_DELETED;
}

/* Checks what can be checked without looking inside the documents.
 * Returns the outcome; on APPLIED the document is to be used. */
static enum confinfo_merge_result
check_version(const struct confinfo_conf *state,
	      const struct confinfo_conf *doc, struct confinfo_diag *diag)
{
	uint64_t local;

	if (!doc->entity) {
		confinfo_diag_fail(diag, MERGE_EINVALID, 0, 0,
				   "document has no entity");
		return CONFINFO_MERGE_INVALID;
	}
	if (!doc->version.set) {
		confinfo_diag_fail(diag, MERGE_EINVALID, 0, 0,
				   "document has no version (RFC 4575 4.3: "
				   "it MUST be present)");
		return CONFINFO_MERGE_INVALID;
	}
	if (!state) {
		if (merge_is_partial(doc->state)) {
			confinfo_diag_fail(diag, EAGAIN, 0, 0,
					   "partial notification before any "
					   "full state: refresh");
			return CONFINFO_MERGE_GAP;
		}
		if (merge_is_deleted(doc->state)) {
			confinfo_diag_fail(diag, MERGE_EINVALID, 0, 0,
					   "deleted notification before any "
					   "full state");
			return CONFINFO_MERGE_INVALID;
		}
		return CONFINFO_MERGE_APPLIED;
	}
	if (!state->entity || strcmp(state->entity, doc->entity)) {
		confinfo_diag_fail(diag, MERGE_EINVALID, 0, 0,
				   "document is about '%.*s', the state about "
				   "'%.*s'",
				   MERGE_KEY_MAX, doc->entity, MERGE_KEY_MAX,
				   state->entity ? state->entity : "");
		return CONFINFO_MERGE_INVALID;
	}
	local = state->version.value;
	if (doc->version.value <= local) {
		confinfo_diag_fail(diag, EALREADY, 0, 0,
				   "version %u is not above the local version "
				   "%u: discarded",
				   (unsigned)doc->version.value,
				   (unsigned)local);
		return CONFINFO_MERGE_STALE;
	}
	if (!merge_is_partial(doc->state))
		return CONFINFO_MERGE_APPLIED;
	if (doc->version.value > local + 1) {
		confinfo_diag_fail(diag, EAGAIN, 0, 0,
				   "version %u follows local version %u: "
				   "notifications were lost, refresh",
				   (unsigned)doc->version.value,
				   (unsigned)local);
		return CONFINFO_MERGE_GAP;
	}
	if (merge_is_deleted(state->state)) {
		confinfo_diag_fail(diag, MERGE_EINVALID, 0, 0,
				   "partial notification for a deleted "
				   "conference");
		return CONFINFO_MERGE_INVALID;
	}
	return CONFINFO_MERGE_APPLIED;
}

int confinfo_merge_ex(struct confinfo_conf **statep, struct confinfo_conf *doc,
		      const struct confinfo_merge_limits *lim,
		      enum confinfo_merge_result *resultp,
		      struct confinfo_diag *diag)
{
	struct merge_ctx ctx = {.diag = diag, .lim = resolve_limits(lim)};
	enum confinfo_merge_result result;
	struct confinfo_conf *state;
	int err = 0;

	if (!statep || !doc || !resultp) {
		err = EINVAL;
		goto out;
	}
	confinfo_diag_reset(diag);
	state = *statep;
	result = check_version(state, doc, diag);
	if (result != CONFINFO_MERGE_APPLIED)
		goto done;

	if (merge_is_deleted(doc->state)) {
		strip(doc);
		confinfo_conf_free(state);
		*statep = doc;
		doc = NULL;
		goto done;
	}
	if (merge_is_full(doc->state)) {
		err = merge_norm_conf(&ctx, doc);
		if (!err) {
			confinfo_conf_free(state);
			*statep = doc;
			doc = NULL;
		}
	} else {
		err = merge_prepare_conf(&ctx, state, doc);
		if (!err) {
			merge_apply_conf(state, doc);
			state->version = doc->version;
			state->state = CONFINFO_STATE_FULL;
		}
	}
	if (err == MERGE_EINVALID || err == MERGE_ELIMIT) {
		err = 0;
		result = CONFINFO_MERGE_INVALID;
	}
	if (err)
		goto out;
done:
	*resultp = result;
out:
	if (err == ENOMEM)
		confinfo_diag_fail(diag, ENOMEM, 0, 0, "out of memory");
	/* The document is ours in every case (merge.h). */
	confinfo_conf_free(doc);
	return err;
}

int confinfo_merge(struct confinfo_conf **statep, struct confinfo_conf *doc,
		   enum confinfo_merge_result *resultp,
		   struct confinfo_diag *diag)
{
	return confinfo_merge_ex(statep, doc, NULL, resultp, diag);
}
