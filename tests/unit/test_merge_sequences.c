/*
 * confinfo_merge() over many documents: the partial-notification
 * sequences of tests/vectors/sequences/, random documents (diffs with their
 * state attributes scrambled, also under allocation failures), and the
 * cost of a merge against the size of the state.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "confinfo/diff.h"
#include "confinfo/merge.h"
#include "gen.h"
#include "mergetest.h"
#include "model/alloc.h"

#define ENTITY MT_ENTITY

/* ---------------------------------------------------------------------- *
 * Cost: merging a one-user partial document must not depend on the size of
 * the state (no clone, no walk over what the document does not touch).
 * ---------------------------------------------------------------------- */

#define PERF_DOCS 3000

static struct confinfo_conf *big_state(size_t users)
{
	struct confinfo_conf *c = confinfo_conf_new();
	char key[64];

	assert_non_null(c);
	assert_int_equal(confinfo_str_set(&c->entity, ENTITY), 0);
	c->state = CONFINFO_STATE_FULL;
	c->version.set = true;
	c->version.value = 1;
	c->users = confinfo_users_new();
	assert_non_null(c->users);
	for (size_t i = 0; i < users; i++) {
		struct confinfo_user *u = confinfo_user_new();
		struct confinfo_endpoint *ep = confinfo_endpoint_new();

		assert_non_null(u);
		assert_non_null(ep);
		snprintf(key, sizeof(key), "sip:user%zu@example.com", i);
		assert_int_equal(confinfo_str_set(&u->entity, key), 0);
		snprintf(key, sizeof(key), "sip:user%zu@pc.example.com", i);
		assert_int_equal(confinfo_str_set(&ep->entity, key), 0);
		ep->status = CONFINFO_EP_STATUS_CONNECTED;
		assert_int_equal(confinfo_list_append(&u->endpoints, ep), 0);
		assert_int_equal(confinfo_list_append(&c->users->users, u), 0);
	}
	return c;
}

/* Documents 2, 3, ... each touching one user of the state: a partial
 * endpoint change, a full user replacement, or a new user (appends are
 * amortised O(1); removals are O(n) memmoves and are not measured). */
static void perf_docs(struct confinfo_conf **docs, size_t users)
{
	char key[64];

	for (size_t i = 0; i < PERF_DOCS; i++) {
		struct confinfo_conf *d = confinfo_conf_new();
		struct confinfo_user *u = confinfo_user_new();
		struct confinfo_endpoint *ep = confinfo_endpoint_new();
		/* A few users spread over the list: the caches are warm in
		 * both states, so what is compared is the work done, which
		 * must not grow with the state. */
		size_t k = (i % 8) * (users / 8) + users / 16;

		assert_non_null(d);
		assert_non_null(u);
		assert_non_null(ep);
		assert_int_equal(confinfo_str_set(&d->entity, ENTITY), 0);
		d->state = CONFINFO_STATE_PARTIAL;
		d->version.set = true;
		d->version.value = (uint32_t)(2 + i);
		d->users = confinfo_users_new();
		assert_non_null(d->users);
		d->users->state = CONFINFO_STATE_PARTIAL;
		if (i % 3 == 2)
			snprintf(key, sizeof(key), "sip:new%zu@example.com", i);
		else
			snprintf(key, sizeof(key), "sip:user%zu@example.com",
				 k);
		assert_int_equal(confinfo_str_set(&u->entity, key), 0);
		u->state =
		    i % 3 == 0 ? CONFINFO_STATE_PARTIAL : CONFINFO_STATE_FULL;
		snprintf(key, sizeof(key), "sip:user%zu@pc.example.com", k);
		assert_int_equal(confinfo_str_set(&ep->entity, key), 0);
		/* The children of a full user are full (RFC 4575 4.4). */
		ep->state = u->state;
		ep->status = i % 2 ? CONFINFO_EP_STATUS_ON_HOLD
				   : CONFINFO_EP_STATUS_CONNECTED;
		assert_int_equal(confinfo_list_append(&u->endpoints, ep), 0);
		assert_int_equal(confinfo_list_append(&d->users->users, u), 0);
		docs[i] = d;
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Seconds per merge, the best of a few rounds (the least disturbed). */
static double merge_cost(size_t users)
{
	static struct confinfo_conf *docs[PERF_DOCS];
	/* The state is bigger than the default limit allows; what is
	 * measured includes the limit checks all the same. */
	struct confinfo_merge_limits lim = {.max_users = users + PERF_DOCS};
	double best = 1e9;

	for (int round = 0; round < 5; round++) {
		struct confinfo_conf *state = big_state(users);
		enum confinfo_merge_result r;
		double t0, t;

		perf_docs(docs, users);
		t0 = now();
		for (size_t i = 0; i < PERF_DOCS; i++) {
			assert_int_equal(
			    confinfo_merge_ex(&state, docs[i], &lim, &r, NULL),
			    0);
			assert_int_equal(r, CONFINFO_MERGE_APPLIED);
		}
		t = (now() - t0) / PERF_DOCS;
		if (t < best)
			best = t;
		assert_int_equal(state->users->users.count,
				 users + PERF_DOCS / 3);
		confinfo_conf_free(state);
	}
	return best;
}

static void test_cost_independent_of_state_size(void **st)
{
	double small, big;

	(void)st;
	small = merge_cost(100);
	big = merge_cost(100000);
	print_message("  one-user merge: %.2f us into 100 users, %.2f us into "
		      "100,000 users\n",
		      small * 1e6, big * 1e6);
	if (big > 2 * small)
		fail_msg("merging into 100,000 users costs %.1fx merging into "
			 "100",
			 big / small);
}

/* ---------------------------------------------------------------------- *
 * Sequences: tests/vectors/sequences/NAME/ holds base.xml, 01.xml, 02.xml,
 * ... applied in that order to an empty state, and expected.xml, the state
 * after the last one. expected-result.txt, when present, lists the outcome
 * of each step (base first): "applied", "stale", "gap" or "invalid";
 * without it every step must apply. See the README there.
 * ---------------------------------------------------------------------- */

#define SEQ_DIR       VECTORS_DIR "/sequences"
#define SEQ_MAX_STEPS 64

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted names of the entries of @p dir matching @p want (free them). */
static size_t list_dir(const char *dir, char **names, size_t max,
		       bool (*want)(const char *))
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	if (!d)
		fail_msg("cannot open %s", dir);
	while ((de = readdir(d))) {
		if (!want(de->d_name))
			continue;
		if (n == max)
			fail_msg("%s: more than %zu entries", dir, max);
		names[n] = strdup(de->d_name);
		assert_non_null(names[n]);
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	return n;
}

static bool is_sequence(const char *name)
{
	return name[0] != '.' && strcmp(name, "README.md") != 0;
}

/* "01.xml" .. "99.xml". */
static bool is_step(const char *name)
{
	return strlen(name) == 6 && name[0] >= '0' && name[0] <= '9' &&
	       name[1] >= '0' && name[1] <= '9' && !strcmp(name + 2, ".xml");
}

static enum confinfo_merge_result parse_result(const char *word)
{
	for (int r = CONFINFO_MERGE_APPLIED; r <= CONFINFO_MERGE_INVALID; r++) {
		if (!strcmp(word, confinfo_merge_result_str(
				      (enum confinfo_merge_result)r)))
			return (enum confinfo_merge_result)r;
	}
	fail_msg("unknown result '%s' in expected-result.txt", word);
	return CONFINFO_MERGE_INVALID;
}

/* Reads the expected outcomes; returns how many (0 without the file). */
static size_t read_results(const char *seq, enum confinfo_merge_result *res,
			   size_t max)
{
	char path[1024], word[32];
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/expected-result.txt", SEQ_DIR, seq);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fscanf(f, "%31s", word) == 1) {
		if (n == max)
			fail_msg("%s: too many results", path);
		res[n++] = parse_result(word);
	}
	fclose(f);
	return n;
}

static void run_sequence(const char *seq)
{
	enum confinfo_merge_result want[SEQ_MAX_STEPS + 1];
	char *steps[SEQ_MAX_STEPS];
	struct confinfo_conf *state = NULL;
	char dir[1024], path[1100];
	size_t nsteps, nres;

	print_message("  sequence %s\n", seq);
	snprintf(dir, sizeof(dir), "%s/%s", SEQ_DIR, seq);
	nsteps = list_dir(dir, steps, SEQ_MAX_STEPS, is_step);
	assert_true(nsteps > 0);
	nres = read_results(seq, want, SEQ_MAX_STEPS + 1);
	if (nres && nres != nsteps + 1)
		fail_msg("%s: %zu results for %zu documents", seq, nres,
			 nsteps + 1);
	for (size_t i = 0; i <= nsteps; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir,
			 i ? steps[i - 1] : "base.xml");
		mt_merge_expect(&state, tu_decode_vector(path),
				nres ? want[i] : CONFINFO_MERGE_APPLIED);
	}
	snprintf(path, sizeof(path), "%s/expected.xml", dir);
	{
		char *xml = tu_read_vector(path, NULL);

		assert_non_null(state);
		mt_assert_state_is(state, xml);
		free(xml);
	}
	for (size_t i = 0; i < nsteps; i++)
		free(steps[i]);
	confinfo_conf_free(state);
}

static void test_sequences(void **st)
{
	char *seqs[256];
	size_t n;

	(void)st;
	n = list_dir(SEQ_DIR, seqs, 256, is_sequence);
	/* Every keyed level and state, and the stale / gap cases. */
	assert_true(n >= 10);
	for (size_t i = 0; i < n; i++) {
		run_sequence(seqs[i]);
		free(seqs[i]);
	}
}

/* ---------------------------------------------------------------------- *
 * Random documents: a diff between random states, with some of its state
 * attributes changed at random (and sometimes its version). Whatever the
 * outcome, APPLIED leaves a normalised state and anything else leaves the
 * state as it was, also when an allocation fails.
 * ---------------------------------------------------------------------- */

#define RANDOM_DOCS 1500

static void scramble_state(enum confinfo_state *s, uint64_t *rng)
{
	if (gen_chance(rng, 12))
		*s = (enum confinfo_state)gen_below(rng, 4);
}

static void scramble_uris(struct confinfo_uris *u, uint64_t *rng)
{
	if (u)
		scramble_state(&u->state, rng);
}

static void scramble(struct confinfo_conf *c, uint64_t *rng)
{
	scramble_state(&c->state, rng);
	if (c->description) {
		scramble_uris(c->description->conf_uris, rng);
		scramble_uris(c->description->service_uris, rng);
	}
	if (c->host_info)
		scramble_uris(c->host_info->uris, rng);
	scramble_uris(c->sidebars_by_ref, rng);
	if (c->users) {
		scramble_state(&c->users->state, rng);
		for (size_t i = 0; i < c->users->users.count; i++) {
			struct confinfo_user *u = c->users->users.items[i];

			scramble_state(&u->state, rng);
			scramble_uris(u->associated_aors, rng);
			for (size_t j = 0; j < u->endpoints.count; j++)
				scramble_state(&((struct confinfo_endpoint *)
						     u->endpoints.items[j])
						    ->state,
					       rng);
		}
	}
	if (c->sidebars_by_val) {
		scramble_state(&c->sidebars_by_val->state, rng);
		for (size_t i = 0; i < c->sidebars_by_val->entries.count; i++)
			scramble(c->sidebars_by_val->entries.items[i], rng);
	}
}

/* Merges a copy of @p doc into a copy of @p old, checking atomicity;
 * with @p fail_at, makes that allocation fail. Returns the outcome, or -1
 * for ENOMEM. */
static int merge_checked(const struct confinfo_conf *old,
			 const struct confinfo_conf *doc, unsigned long fail_at,
			 uint64_t seed, unsigned index)
{
	struct confinfo_conf *state = NULL, *before = NULL, *copy = NULL;
	enum confinfo_merge_result r;
	struct confinfo_diag diag = {0};
	int err;

	assert_int_equal(confinfo_conf_clone(&state, old), 0);
	assert_int_equal(confinfo_conf_clone(&before, old), 0);
	assert_int_equal(confinfo_conf_clone(&copy, doc), 0);
	confinfo__alloc_fail_at(fail_at);
	err = confinfo_merge(&state, copy, &r, &diag);
	confinfo__alloc_fail_at(0);
	if (err && err != ENOMEM)
		fail_msg("CONFINFO_SEED=0x%016" PRIx64 " case %u: error %d",
			 seed, index, err);
	if (err || r != CONFINFO_MERGE_APPLIED) {
		if (!confinfo_conf_equal(state, before))
			fail_msg("CONFINFO_SEED=0x%016" PRIx64
				 " case %u: state "
				 "changed by a merge that was not applied (%s)",
				 seed, index, err ? "ENOMEM" : diag.message);
	} else if (state->state != CONFINFO_STATE_DELETED) {
		mt_assert_normalised(state);
	}
	confinfo_conf_free(state);
	confinfo_conf_free(before);
	return err ? -1 : (int)r;
}

static void test_random_documents(void **st)
{
	uint64_t seed = gen_seed(0x4d45524745ull);
	uint64_t rng = seed;
	unsigned seen[4] = {0};

	(void)st;
	for (unsigned i = 0; i < RANDOM_DOCS; i++) {
		uint64_t r = gen_next(&rng);
		struct confinfo_conf *old = NULL, *new = NULL, *doc = NULL;
		int res;

		/* A stored state: what merge made of a full document. */
		mt_merge_expect(&old, gen_state(&r, NULL),
				CONFINFO_MERGE_APPLIED);
		old->version.value = 10;
		assert_int_equal(confinfo_conf_clone(&new, old), 0);
		gen_mutate(new, &r);
		assert_int_equal(confinfo_diff(&doc, old, new), 0);
		scramble(doc, &r);
		if (gen_chance(&r, 10))
			doc->version.value = 8 + gen_below(&r, 5);
		res = merge_checked(old, doc, 0, seed, i);
		assert_true(res >= 0);
		seen[res]++;
		/* Every allocation failing in turn, for some of them. */
		for (unsigned long n = 1; i % 10 == 0; n++) {
			if (merge_checked(old, doc, n, seed, i) >= 0)
				break;
		}
		confinfo_conf_free(old);
		confinfo_conf_free(new);
		confinfo_conf_free(doc);
	}
	print_message("  applied %u, stale %u, gap %u, invalid %u\n",
		      seen[CONFINFO_MERGE_APPLIED], seen[CONFINFO_MERGE_STALE],
		      seen[CONFINFO_MERGE_GAP], seen[CONFINFO_MERGE_INVALID]);
	for (int k = 0; k < 4; k++)
		assert_true(seen[k] > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sequences),
	    cmocka_unit_test(test_random_documents),
	    cmocka_unit_test(test_cost_independent_of_state_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
