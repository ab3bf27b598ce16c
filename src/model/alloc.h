/*
 * Internal allocation wrappers. Every allocation of the library goes
 * through these so that tests can make the Nth allocation fail and check
 * that each error path runs without leaking (the expat way). The hook is a
 * single counter, cheap enough for the hot decode path.
 */
#ifndef CONFINFO_ALLOC_H
#define CONFINFO_ALLOC_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

void *ci_malloc(size_t size);
void *ci_calloc(size_t n, size_t size);
void *ci_realloc(void *p, size_t size);
char *ci_strdup(const char *s);
char *ci_strndup(const char *s, size_t len);
void ci_free(void *p);

/* True if the failure-injection hook says this allocation must fail
 * (counts it). For allocators built on top of these (obj.c). Inline: the
 * pool calls it for every object it slices. The count is per thread, so
 * that threads decoding side by side neither race on it nor share its
 * cache line; initial-exec keeps its access one instruction in the
 * shared library too. */
extern _Thread_local unsigned long ci__alloc_count
    __attribute__((tls_model("initial-exec")));
extern unsigned long ci__alloc_limit;
int ci__alloc_failing(void);
static inline int ci_alloc_fail(void)
{
	return ++ci__alloc_count >= ci__alloc_limit ? ci__alloc_failing() : 0;
}

/*
 * Model objects: every struct and every string of include/confinfo/model.h.
 *
 * Each carries a header word in front of it that says where its memory
 * came from: its own malloc() block, or a slice of a chunk shared with the
 * other objects of one decoded document (struct ci_pool below). A chunk
 * counts its live objects and is freed with the last one, so objects can
 * be moved between states (merge does) and freed one by one, in any
 * order, from any thread. Only model objects use this; the library's other
 * memory (list arrays, buffers) is plain ci_malloc().
 */
/* A zeroed struct of @p size bytes. */
void *ci_obj_new(size_t size);
/* Copies of a string (of @p len bytes, NUL added). */
char *ci_str_dup(const char *s);
char *ci_str_ndup(const char *s, size_t len);
/* Release a model object (NULL is fine), whatever it came from. */
void ci_obj_free(void *p);
/* Resize the model object @p p (NULL: a new one) whose first @p keep bytes
 * matter to @p size bytes, like realloc(): NULL on ENOMEM, and then @p p
 * is untouched. */
void *ci_obj_grow(void *p, size_t keep, size_t size);


/*
 * A pool: slices model objects out of chunks. Decoding a document makes
 * tens of allocations per user; slicing them from a few large chunks
 * instead of calling malloc() for each is what keeps decoding within
 * reach of the parse itself (docs/performance.md). One pool serves one
 * decode, in one thread; the objects outlive it.
 */
struct ci_chunk;
struct ci_pool {
	struct ci_chunk *chunk; /* being sliced; NULL before the first */
	char *next, *end;       /* its free part                        */
	size_t made;            /* objects sliced from it so far        */
	size_t next_size;       /* bytes of the next chunk              */
};

/* Start a pool for about @p hint bytes of objects (the input's size). */
void ci_pool_init(struct ci_pool *pool, size_t hint);

#if defined(__SANITIZE_ADDRESS__)
#define CI_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CI_ASAN 1
#endif
#endif

/* The header in front of every model object: its tag (CI_OBJ_PLAIN, or
 * the address of its chunk) and, under AddressSanitizer, its size. */
#ifdef CI_ASAN
#define CI_OBJ_HDR 16
#else
#define CI_OBJ_HDR 8
#endif
#define CI_OBJ_PLAIN ((uintptr_t)1)

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

/*
 * memcpy() for the short strings of a document (ids, tags, names, URIs:
 * mostly under 64 bytes), inline: two overlapping loads and stores cover
 * any length up to twice their width (four for 33 to 64 bytes), and only
 * bytes within [src, src + n) are read. Longer copies call memcpy(). A
 * libc call costs more than the copy itself at these sizes, and decoding
 * makes one or two per string; up to CI_COPY_INLINE bytes, callers on a
 * hot path can count on no call at all.
 */
#define CI_COPY_INLINE 64
static inline void ci_copy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (n > 32 && n <= CI_COPY_INLINE) {
		unsigned char a[16], b[16], c[16], e[16];

		memcpy(a, s, 16);
		memcpy(b, s + 16, 16);
		memcpy(c, s + n - 32, 16);
		memcpy(e, s + n - 16, 16);
		memcpy(d, a, 16);
		memcpy(d + 16, b, 16);
		memcpy(d + n - 32, c, 16);
		memcpy(d + n - 16, e, 16);
	} else if (n >= 16 && n <= 32) {
		unsigned char a[16], b[16];

		memcpy(a, s, 16);
		memcpy(b, s + n - 16, 16);
		memcpy(d, a, 16);
		memcpy(d + n - 16, b, 16);
	} else if (n >= 8 && n < 16) {
		uint64_t a, b;

		memcpy(&a, s, 8);
		memcpy(&b, s + n - 8, 8);
		memcpy(d, &a, 8);
		memcpy(d + n - 8, &b, 8);
	} else if (n >= 4 && n < 8) {
		uint32_t a, b;

		memcpy(&a, s, 4);
		memcpy(&b, s + n - 4, 4);
		memcpy(d, &a, 4);
		memcpy(d + n - 4, &b, 4);
	} else if (n < 4) {
		for (size_t i = 0; i < n; i++)
			d[i] = s[i];
	} else {
		memcpy(d, s, n);
	}
}

/* Zero @p size bytes at @p p (a multiple of 8: every model struct holds
 * pointers), inline for the same reason as ci_copy(). */
static inline void ci_zero(void *p, size_t size)
{
	static const unsigned char zero[16];
	char *c = p;
	size_t i;

	for (i = 0; i + 16 <= size; i += 16) {
		memcpy(c + i, zero, 16);
		/* Keeps the compiler from turning the loop back into a
		 * memset() call. */
		__asm__ volatile("" ::: "memory");
	}
	if (i < size)
		memcpy(c + i, zero, 8);
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
static inline char *ci_pool_str(struct ci_pool *pool, const char *s,
				size_t len)
{
	char *d = ci_pool_alloc(pool, len + 1);

	if (d) {
		ci_copy(d, s, len);
		d[len] = '\0';
	}
	return d;
}

struct confinfo_roles;
/* Append the model string @p role to @p roles, which takes it over; on
 * ENOMEM (also when @p role is NULL, a failed allocation) it is freed.
 * The first array comes from @p pool when one is given (the decoder). */
int ci_roles_append(struct confinfo_roles *roles, char *role,
		    struct ci_pool *pool);

/* Stop slicing: the chunks now live exactly as long as their objects. */
void ci_pool_done(struct ci_pool *pool);

/* Test hook: chunks handed to pools and not yet released, and chunks kept
 * in the cache for reuse. */
void confinfo__chunk_stats(size_t *out, size_t *cached);

/*
 * Test hook: make the @p n-th allocation from now of the calling thread
 * fail (1 = the next one), and every one after it too; 0 disables. Not
 * thread-safe: tests only.
 * Returns how many allocations were made since the last call, so a test can
 * loop n = 1, 2, ... until a call succeeds.
 */
unsigned long confinfo__alloc_fail_at(unsigned long n);
/* True if the hook made an allocation fail since the last fail_at call. */
int confinfo__alloc_failed(void);
/* Allocator functions with the hook, for xmlMemSetup() in tests. */
void *confinfo__alloc_xml_malloc(size_t size);
void *confinfo__alloc_xml_realloc(void *p, size_t size);
char *confinfo__alloc_xml_strdup(const char *s);

#endif
