/*
 * Helpers shared by the merge tests (see mergetest.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confinfo/merge.h"
#include "mergetest.h"

/* Every state attribute of an applied state is full (merge normalises). */
static void uris_normalised(const struct confinfo_uris *u)
{
	if (u)
		assert_int_equal(u->state, CONFINFO_STATE_FULL);
}

void mt_assert_normalised(const struct confinfo_conf *c)
{
	assert_int_equal(c->state, CONFINFO_STATE_FULL);
	if (c->description) {
		uris_normalised(c->description->conf_uris);
		uris_normalised(c->description->service_uris);
	}
	if (c->host_info)
		uris_normalised(c->host_info->uris);
	uris_normalised(c->sidebars_by_ref);
	if (c->users) {
		assert_int_equal(c->users->state, CONFINFO_STATE_FULL);
		for (size_t i = 0; i < c->users->users.count; i++) {
			const struct confinfo_user *u =
			    c->users->users.items[i];

			assert_int_equal(u->state, CONFINFO_STATE_FULL);
			uris_normalised(u->associated_aors);
			for (size_t j = 0; j < u->endpoints.count; j++)
				assert_int_equal(
				    ((const struct confinfo_endpoint *)
					 u->endpoints.items[j])
					->state,
				    CONFINFO_STATE_FULL);
		}
	}
	if (c->sidebars_by_val) {
		assert_int_equal(c->sidebars_by_val->state,
				 CONFINFO_STATE_FULL);
		for (size_t i = 0; i < c->sidebars_by_val->entries.count; i++)
			mt_assert_normalised(
			    c->sidebars_by_val->entries.items[i]);
	}
}

void mt_assert_state_is(const struct confinfo_conf *state,
			const char *expected_xml)
{
	struct confinfo_conf *want = tu_decode_str(expected_xml);

	if (!confinfo_conf_equal(state, want)) {
		char *got = tu_encode(state);

		/* cmocka truncates long messages: the documents go to stderr.
		 */
		fprintf(stderr, "got:\n%s\nwant:\n%s\n", got, expected_xml);
		free(got);
		fail_msg("state differs from the expected one");
	}
	confinfo_conf_free(want);
}

/*
 * Merges @p doc into @p *statep and checks the outcome. Whatever it is but
 * APPLIED, the state must be what it was: same pointer, equal content.
 * Returns the diagnostics' message (static buffer).
 */
const char *mt_merge_expect(struct confinfo_conf **statep,
			    struct confinfo_conf *doc,
			    enum confinfo_merge_result want)
{
	static struct confinfo_diag diag;
	struct confinfo_conf *before = NULL, *ptr = *statep;
	enum confinfo_merge_result r = (enum confinfo_merge_result) - 1;

	memset(&diag, 0, sizeof(diag));
	if (*statep)
		assert_int_equal(confinfo_conf_clone(&before, *statep), 0);
	assert_int_equal(confinfo_merge(statep, doc, &r, &diag), 0);
	if (r != want)
		fail_msg("merge: got %s (%s), want %s",
			 confinfo_merge_result_str(r), diag.message,
			 confinfo_merge_result_str(want));
	/* Defaulted states are the decoder's to warn about, not merge's. */
	assert_int_equal(diag.warnings, 0);
	if (want == CONFINFO_MERGE_APPLIED) {
		assert_non_null(*statep);
		if ((*statep)->state != CONFINFO_STATE_DELETED)
			mt_assert_normalised(*statep);
	} else {
		assert_ptr_equal(*statep, ptr);
		assert_non_null(diag.message[0] ? diag.message : NULL);
		if (before)
			assert_true(confinfo_conf_equal(*statep, before));
	}
	confinfo_conf_free(before);
	return diag.message;
}

const char *mt_merge_xml(struct confinfo_conf **statep, const char *xml,
			 enum confinfo_merge_result want)
{
	return mt_merge_expect(statep, tu_decode_str(xml), want);
}
