/*
 * model/alloc.h: the library's malloc() wrappers and the failure-injection
 * hook behind them, nothing else.
 *
 * Every allocation of the library goes through these so that tests can
 * make the Nth allocation fail and check that each error path runs without
 * leaking (the expat way). The hook is a single counter, cheap enough for
 * the hot decode path. Model objects (model/obj.h) and pools
 * (model/pool.h) count their allocations through the same hook.
 */
#ifndef CONFINFO_ALLOC_H
#define CONFINFO_ALLOC_H

#include <stddef.h>

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
