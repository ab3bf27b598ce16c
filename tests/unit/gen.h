/*
 * Random conference states for property tests: a seeded PRNG, a generator
 * of schema-valid full states, and random mutations of a state.
 *
 * Everything is deterministic for a given seed, so a failure is replayed by
 * running the test again with the seed it printed (CONFINFO_SEED).
 */
#ifndef CONFINFO_TESTS_GEN_H
#define CONFINFO_TESTS_GEN_H

#include <stdbool.h>
#include <stdint.h>

#include "confinfo/model.h"

/* splitmix64: the next 64 random bits of the generator state @p *rng. */
uint64_t gen_next(uint64_t *rng);
/* Uniform in [0, n), n > 0. */
uint32_t gen_below(uint64_t *rng, uint32_t n);
/* True with probability @p percent / 100. */
bool gen_chance(uint64_t *rng, unsigned percent);

/* The seed of a test: $CONFINFO_SEED if set (decimal or 0x hex), else
 * @p fallback. */
uint64_t gen_seed(uint64_t fallback);

/* Shape of generated states. Zero fields take the default in brackets. */
struct gen_opts {
	const char *entity;     /* root entity ["sips:conf233@example.com"] */
	uint32_t version;       /* root version [1]                         */
	unsigned max_users;     /* users [6]                                */
	unsigned max_endpoints; /* endpoints per user [3]                   */
	unsigned max_media;     /* media per endpoint [3]                   */
	unsigned max_entries;   /* entries of uris lists and sidebars [3]   */
	unsigned sidebar_depth; /* sidebars-by-val nesting [1]              */
	bool no_ext;            /* no foreign attributes or elements        */
};

/*
 * A random full state, valid against the RFC 4575 schema: required fields
 * set, uris and roles lists non-empty, keys unique. State attributes are
 * randomly absent or "full" (same meaning). Aborts on ENOMEM.
 */
struct confinfo_conf *gen_state(uint64_t *rng, const struct gen_opts *opts);

/*
 * Applies one to four random changes to the full state @p conf, keeping it
 * valid: users, endpoints, media, uri entries and sidebars added, removed,
 * modified or moved; description fields, host-info, conference-state and
 * foreign content set, changed or removed. The root entity and version are
 * kept. Aborts on ENOMEM.
 */
void gen_mutate(struct confinfo_conf *conf, uint64_t *rng);

#endif
