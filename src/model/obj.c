/*
 * Model objects and the pools that slice them out of shared chunks.
 *
 * Layout of every model object (see obj.h; pools: pool.h):
 *
 *     [tag: CI_OBJ_PLAIN, or the address of its chunk] [size: ASan only]
 *     [the object]
 *
 * A chunk starts with its reference count: a large constant (HOLD) while
 * a pool slices it, so that objects freed meanwhile (a decode that fails
 * frees what it built) can never bring it to zero; when the pool moves on,
 * it takes HOLD back minus the objects it made, which leaves the count of
 * live objects. The last object freed releases the chunk.
 *
 * Released chunks of the largest size are kept for the next decode, up to
 * CACHE_MAX of them: a freed state is otherwise one run of free memory at
 * the top of the heap, which glibc gives back to the system at once, and
 * the next decode pays a page fault for every 4 KiB of it again.
 * confinfo_mem_trim() empties the cache.
 *
 * A large document (BIG_HINT and up) is sliced from 2 MiB chunks mapped
 * on their own and marked for transparent huge pages: its state is
 * hundreds of megabytes of new memory, and one page fault per 2 MiB
 * instead of one per 4 KiB is most of the difference (docs/performance.md).
 * Not under AddressSanitizer, whose leak checker does not look for
 * pointers in memory mapped by hand. Released ones are kept too, up to
 * HUGE_CACHE_MAX of them and for HUGE_DECAY_S seconds at most (the policy
 * of jemalloc's dirty-page decay): fresh memory has to be cleared by the
 * kernel, which cost a third of the parse at 100,000 users on the
 * development VM. Expiry is checked whenever a chunk is taken or
 * released and when a decode starts; confinfo_mem_trim() releases them at
 * once. (Marking them MADV_FREE meanwhile measured worse: the VM's
 * reclaim took them back between two decodes.)
 *
 * Under AddressSanitizer the free parts of a chunk and every freed object
 * are poisoned, so a use after free or a double free of a sliced object is
 * reported as it would be for one with its own malloc() block.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, madvise() */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "confinfo/model.h"
#include "model/alloc.h"
#include "model/obj.h"
#include "model/pool.h"

#ifdef CI_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n)   ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n)   ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define HDR CI_OBJ_HDR

/* Chunks: big enough that malloc() is rare (one per ~25 users of a large
 * document), small enough to stay below glibc's mmap threshold and to be
 * released soon once most of their objects are gone. */
#define CHUNK_MIN ((size_t)1024)
#define CHUNK_MAX ((size_t)64 * 1024)
/* Objects above this get a block of their own rather than waste a chunk's
 * tail. */
#define SLICE_MAX      (CHUNK_MAX / 8)
#define HOLD           ((size_t)1 << 62)
#define CACHE_MAX      64 /* chunks of CHUNK_MAX: 4 MiB */
#define HUGE_CHUNK     ((size_t)2 * 1024 * 1024)
#define BIG_HINT       ((size_t)4 * 1024 * 1024)
#define HUGE_CACHE_MAX 256 /* 512 MiB of address space */
#define HUGE_DECAY_S   10

#define CHUNK_MAGIC UINT64_C(0x63696368756e6b21) /* "cichunk!" */

struct ci_chunk {
	uint64_t magic; /* CHUNK_MAGIC: tells a chunk from a stray pointer */
	atomic_size_t refs;
	size_t size;           /* of the whole block */
	struct ci_chunk *next; /* in the cache */
	bool mapped;           /* a HUGE_CHUNK of its own mapping */
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ci_chunk *cache;
static unsigned cache_count;
static atomic_size_t chunks_out; /* handed to pools, not yet released */
#ifndef CI_ASAN
/* Released huge chunks, oldest first (a stack: the newest is reused). */
static struct {
	void *addr;
	time_t released; /* CLOCK_MONOTONIC seconds */
} huge_cache[HUGE_CACHE_MAX];
static atomic_uint huge_count; /* atomic: peeked at without the lock */
#endif

static size_t round8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* Write the header at @p h; the object follows it. */
static void *put_header(char *h, uintptr_t tag, size_t size)
{
	memcpy(h, &tag, sizeof(tag));
#ifdef CI_ASAN
	memcpy(h + sizeof(tag), &size, sizeof(size));
#else
	(void)size;
#endif
	return h + HDR;
}

static void *tag_plain(char *h, size_t size)
{
	return put_header(h, CI_OBJ_PLAIN, size);
}

void *ci_obj_new(size_t size)
{
	char *h = ci_malloc(HDR + size);

	if (!h)
		return NULL;
	memset(h + HDR, 0, size);
	return tag_plain(h, size);
}

char *ci_str_ndup(const char *s, size_t len)
{
	char *h = ci_malloc(HDR + len + 1);
	char *d;

	if (!h)
		return NULL;
	d = tag_plain(h, len + 1);
	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

char *ci_str_dup(const char *s)
{
	return ci_str_ndup(s, strlen(s));
}

#ifndef CI_ASAN
/* HUGE_CHUNK bytes aligned on HUGE_CHUNK, so that the kernel can back
 * them with one huge page. */
static struct ci_chunk *chunk_map(void)
{
	char *p = mmap(NULL, 2 * HUGE_CHUNK, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t a;
	size_t head;
	struct ci_chunk *c;

	if (p == MAP_FAILED)
		return NULL;
	a = ((uintptr_t)p + HUGE_CHUNK - 1) & ~(uintptr_t)(HUGE_CHUNK - 1);
	head = a - (uintptr_t)p;
	if (head)
		munmap(p, head);
	munmap((char *)a + HUGE_CHUNK, HUGE_CHUNK - head);
	(void)madvise((void *)a, HUGE_CHUNK, MADV_HUGEPAGE); /* a hint */
	c = (struct ci_chunk *)a;
	c->mapped = true;
	return c;
}
#endif

#ifndef CI_ASAN
static time_t now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* Unmap the huge chunks kept longer than HUGE_DECAY_S (cache_lock held;
 * they are the oldest, at the bottom). */
static void huge_decay(time_t now)
{
	unsigned old = 0;

	while (old < huge_count &&
	       now - huge_cache[old].released >= HUGE_DECAY_S)
		munmap(huge_cache[old++].addr, HUGE_CHUNK);
	if (old) {
		memmove(&huge_cache[0], &huge_cache[old],
			(huge_count - old) * sizeof(huge_cache[0]));
		huge_count -= old;
	}
}
#endif

/* A block for a chunk of @p size bytes (counted by the failure hook as
 * one allocation, cached or not, so that tests see the same sequence). */
static struct ci_chunk *chunk_get(size_t size)
{
	struct ci_chunk *c = NULL;

	if (ci_alloc_fail())
		return NULL;
#ifndef CI_ASAN
	if (size == HUGE_CHUNK) {
		pthread_mutex_lock(&cache_lock);
		huge_decay(now_s());
		if (huge_count)
			c = huge_cache[--huge_count].addr;
		pthread_mutex_unlock(&cache_lock);
		if (c)
			c->mapped = true;
		else
			c = chunk_map();
		if (c)
			atomic_fetch_add_explicit(&chunks_out, 1,
						  memory_order_relaxed);
		return c;
	}
#endif
	if (size == CHUNK_MAX) {
		pthread_mutex_lock(&cache_lock);
		c = cache;
		if (c) {
			cache = c->next;
			cache_count--;
		}
		pthread_mutex_unlock(&cache_lock);
	}
	if (!c) {
		c = malloc(size);
		if (c)
			c->mapped = false;
	}
	if (c)
		atomic_fetch_add_explicit(&chunks_out, 1, memory_order_relaxed);
	return c;
}

static void chunk_release(struct ci_chunk *c)
{
	atomic_fetch_sub_explicit(&chunks_out, 1, memory_order_relaxed);
	UNPOISON(c, c->size);
#ifndef CI_ASAN
	if (c->mapped) {
		time_t now = now_s();

		pthread_mutex_lock(&cache_lock);
		huge_decay(now);
		if (huge_count < HUGE_CACHE_MAX) {
			huge_cache[huge_count].addr = c;
			huge_cache[huge_count].released = now;
			huge_count++;
			c = NULL;
		}
		pthread_mutex_unlock(&cache_lock);
		if (c)
			munmap(c, HUGE_CHUNK);
		return;
	}
#endif
	if (c->size == CHUNK_MAX) {
		pthread_mutex_lock(&cache_lock);
		if (cache_count < CACHE_MAX) {
			c->next = cache;
			cache = c;
			cache_count++;
			c = NULL;
		}
		pthread_mutex_unlock(&cache_lock);
	}
	free(c);
}

void confinfo_mem_trim(void)
{
	struct ci_chunk *list;

	pthread_mutex_lock(&cache_lock);
	list = cache;
	cache = NULL;
	cache_count = 0;
#ifndef CI_ASAN
	while (huge_count)
		munmap(huge_cache[--huge_count].addr, HUGE_CHUNK);
#endif
	pthread_mutex_unlock(&cache_lock);
	while (list) {
		struct ci_chunk *next = list->next;

		free(list);
		list = next;
	}
}

void confinfo__chunk_stats(size_t *out, size_t *cached)
{
	*out = atomic_load(&chunks_out);
	pthread_mutex_lock(&cache_lock);
	*cached = cache_count;
#ifndef CI_ASAN
	*cached += huge_count;
#endif
	pthread_mutex_unlock(&cache_lock);
}

/* Drop @p n references to @p c; the last one releases it. */
static void chunk_put(struct ci_chunk *c, size_t n)
{
	if (atomic_fetch_sub_explicit(&c->refs, n, memory_order_acq_rel) == n)
		chunk_release(c);
}

void ci_obj_free(void *p)
{
	char *h;
	uintptr_t tag;

	if (!p)
		return;
	h = (char *)p - HDR;
	memcpy(&tag, h, sizeof(tag));
	if (tag == CI_OBJ_PLAIN) {
		ci_free(h);
		return;
	}
	/* Anything else must be a chunk: an object the library did not
	 * allocate (or a corrupted header) would corrupt the heap further
	 * on, so stop here when that can be told. */
	if (tag < 4096 || (tag & 7) ||
	    ((struct ci_chunk *)tag)->magic != CHUNK_MAGIC)
		abort();
#ifdef CI_ASAN
	{
		size_t size;

		memcpy(&size, h + sizeof(tag), sizeof(size));
		POISON(h, HDR + round8(size));
	}
#endif
	chunk_put((struct ci_chunk *)tag, 1);
}

static void *tag_chunk(char *h, struct ci_chunk *c, size_t size)
{
	UNPOISON(h, HDR + round8(size));
	return put_header(h, (uintptr_t)c, size);
}

void *ci_obj_grow(void *p, size_t keep, size_t size)
{
	uintptr_t tag;
	char *h;

	if (p) {
		memcpy(&tag, (char *)p - HDR, sizeof(tag));
		if (tag == CI_OBJ_PLAIN) {
			h = ci_realloc((char *)p - HDR, HDR + size);
			return h ? tag_plain(h, size) : NULL;
		}
	}
	h = ci_malloc(HDR + size);
	if (!h)
		return NULL;
	if (p) {
		memcpy(h + HDR, p, keep);
		ci_obj_free(p);
	}
	return tag_plain(h, size);
}

#ifdef CI_ASAN
void *ci__pool_tag(char *h, struct ci_chunk *c, size_t size)
{
	return tag_chunk(h, c, size);
}
#endif

void ci_pool_init(struct ci_pool *pool, size_t hint)
{
#ifndef CI_ASAN
	/* Expire kept huge chunks here too, so that a program that goes on
	 * decoding small documents gives them back. Unlocked peek first:
	 * nearly always there are none. */
	if (atomic_load_explicit(&huge_count, memory_order_relaxed)) {
		pthread_mutex_lock(&cache_lock);
		huge_decay(now_s());
		pthread_mutex_unlock(&cache_lock);
	}
#endif
	size_t size = hint + hint / 4;

	if (size < CHUNK_MIN)
		size = CHUNK_MIN;
	if (size > CHUNK_MAX)
		size = CHUNK_MAX;
	if (hint >= BIG_HINT)
		size = HUGE_CHUNK;
	*pool = (struct ci_pool){.next_size = size};
}

static void pool_retire(struct ci_pool *pool)
{
	if (pool->chunk)
		chunk_put(pool->chunk, HOLD - pool->made);
	pool->chunk = NULL;
	pool->next = pool->end = NULL;
	pool->made = 0;
}

void ci_pool_done(struct ci_pool *pool)
{
	pool_retire(pool);
}

void *ci__pool_slow(struct ci_pool *pool, size_t size)
{
	size_t need = HDR + round8(size);
	struct ci_chunk *c;
	size_t csize;
	char *h;

	if (size > SLICE_MAX) {
		h = malloc(HDR + size); /* counted by the caller */
		return h ? tag_plain(h, size) : NULL;
	}
	csize = pool->next_size;
	if (csize < sizeof(*c) + need)
		csize = sizeof(*c) + need;
	c = chunk_get(csize);
	if (!c)
		return NULL;
	pool_retire(pool);
	c->magic = CHUNK_MAGIC;
	atomic_init(&c->refs, HOLD);
	c->size = csize;
	pool->chunk = c;
	pool->next = (char *)(c + 1);
	pool->end = (char *)c + csize;
	POISON(pool->next, (size_t)(pool->end - pool->next));
	if (pool->next_size < CHUNK_MAX)
		pool->next_size = pool->next_size * 2 < CHUNK_MAX
				      ? pool->next_size * 2
				      : CHUNK_MAX;
	/* Now it fits. */
	h = pool->next;
	pool->next += need;
	pool->made++;
	return tag_chunk(h, c, size);
}
