/*
 * model/pool.h: a pool slices model objects (model/obj.h) out of shared
 * chunks, inline for the decoder's hot paths.
 *
 * Decoding a document makes tens of allocations per user; slicing them
 * from a few large chunks instead of calling malloc() for each is what
 * keeps decoding within reach of the parse itself (docs/performance.md).
 * One pool serves one decode, in one thread; the objects outlive it. The
 * chunks themselves (their cache, huge pages, release with the last
 * object) are obj.c's.
 */
#ifndef CONFINFO_MODEL_POOL_H
#define CONFINFO_MODEL_POOL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "model/alloc.h"
#include "model/copy.h"
#include "model/obj.h"

struct ci_chunk;
struct ci_pool {
	struct ci_chunk *chunk; /* being sliced; NULL before the first */
	char *next, *end;       /* its free part                        */
	size_t made;            /* objects sliced from it so far        */
	size_t next_size;       /* bytes of the next chunk              */
};

/* Start a pool for about @p hint bytes of objects (the input's size). */
void ci_pool_init(struct ci_pool *pool, size_t hint);

/* Stop slicing: the chunks now live exactly as long as their objects. */
void ci_pool_done(struct ci_pool *pool);

/* Out of line: a new chunk, or a block of its own for a large object. */
void *ci__pool_slow(struct ci_pool *pool, size_t size);
#ifdef CI_ASAN
void *ci__pool_tag(char *h, struct ci_chunk *c, size_t size);
#endif

/* What ci_pool_alloc() takes of a chunk for an object of @p size. */
static inline size_t ci_pool_need(size_t size)
{
	return CI_OBJ_HDR + ((size + 7) & ~(size_t)7);
}

/* Slice the @p need bytes of an object of @p size off the chunk, which has
 * room for them, and tag it. */
static inline __attribute__((always_inline)) void *
ci__pool_take(struct ci_pool *pool, size_t need, size_t size)
{
	char *h = pool->next;

	pool->next = h + need;
	pool->made++;
#ifdef CI_ASAN
	return ci__pool_tag(h, pool->chunk, size);
#else
	{
		uintptr_t tag = (uintptr_t)pool->chunk;

		(void)size;
		memcpy(h, &tag, sizeof(tag));
		return h + CI_OBJ_HDR;
	}
#endif
}

/* @p size bytes of uninitialised object memory, NULL on ENOMEM. */
static inline void *ci_pool_alloc(struct ci_pool *pool, size_t size)
{
	size_t need = ci_pool_need(size);

	if (ci_alloc_fail())
		return NULL;
	if ((size_t)(pool->end - pool->next) < need)
		return ci__pool_slow(pool, size);
	return ci__pool_take(pool, need, size);
}

/* ci_pool_alloc() when that needs no call: NULL (and nothing counted)
 * if the chunk is full or the failure hook is due, and the caller then
 * goes the general way. For fast paths that must not call anything
 * (under AddressSanitizer it calls, to poison and tag as ci_pool_alloc()
 * does, so that those paths are checked too). */
static inline __attribute__((always_inline)) void *
ci_pool_alloc_nocall(struct ci_pool *pool, size_t size)
{
	size_t need = ci_pool_need(size);

	if (ci__alloc_count + 1 >= ci__alloc_limit ||
	    (size_t)(pool->end - pool->next) < need)
		return NULL;
	ci__alloc_count++;
	return ci__pool_take(pool, need, size);
}

/* True if @p n allocations taking @p bytes of the chunk in all (see
 * ci_pool_need()) would all succeed by ci_pool_alloc_nocall(): for fast
 * paths that must not be left half done. */
static inline int ci_pool_room(const struct ci_pool *pool, size_t bytes,
			       unsigned n)
{
	return ci__alloc_count + n < ci__alloc_limit &&
	       (size_t)(pool->end - pool->next) >= bytes;
}

/* A zeroed struct of @p size bytes (a multiple of 8). */
static inline void *ci_pool_new(struct ci_pool *pool, size_t size)
{
	char *p = ci_pool_alloc(pool, size);

	if (p)
		ci_zero(p, size);
	return p;
}

/* A copy of @p len bytes of @p s, NUL added. */
static inline char *ci_pool_str(struct ci_pool *pool, const char *s, size_t len)
{
	char *d = ci_pool_alloc(pool, len + 1);

	if (d) {
		ci_copy(d, s, len);
		d[len] = '\0';
	}
	return d;
}

/* Test hook: chunks handed to pools and not yet released, and chunks kept
 * in the cache for reuse. */
void confinfo__chunk_stats(size_t *out, size_t *cached);

#endif
