/*
 * Helpers for the merge tests (test_merge*.c): merging with the outcome
 * and atomicity checked, and comparing a state with an expected document.
 * Every helper fails the running cmocka test on error.
 */
#ifndef CONFINFO_TESTS_MERGETEST_H
#define CONFINFO_TESTS_MERGETEST_H

#include "confinfo/merge.h"
#include "confinfo/model.h"
#include "testutil.h"

#define MT_ENTITY "sips:conf233@example.com"
/* A conference-info document of MT_ENTITY around @p body. */
#define MT_ROOT(state, version, body)                                          \
	"<conference-info xmlns=\"urn:ietf:params:xml:ns:conference-info\" "   \
	"entity=\"" MT_ENTITY "\" state=\"" state "\" version=\"" #version     \
	"\">" body "</conference-info>"

/* Fail unless every state attribute of @p c is full (merge normalises
 * what it stores). */
void mt_assert_normalised(const struct confinfo_conf *c);
/* Fail unless @p state equals the decoded @p expected_xml; both are
 * printed on stderr when they differ. */
void mt_assert_state_is(const struct confinfo_conf *state,
			const char *expected_xml);
/*
 * Merge @p doc (consumed) into @p *statep and fail unless the outcome is
 * @p want. APPLIED: the state is normalised (unless deleted). Anything
 * else: the state is the same pointer with the same content, and there is
 * a message. Returns the message (valid until the next call).
 */
const char *mt_merge_expect(struct confinfo_conf **statep,
			    struct confinfo_conf *doc,
			    enum confinfo_merge_result want);
/* The same with the document given as XML. */
const char *mt_merge_xml(struct confinfo_conf **statep, const char *xml,
			 enum confinfo_merge_result want);

#endif
