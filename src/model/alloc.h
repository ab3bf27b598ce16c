/*
 * Internal allocation wrappers. Every allocation of the library goes
 * through these so that tests can make the Nth allocation fail and check
 * that each error path runs without leaking (the expat way). The hook is a
 * single counter, cheap enough for the hot decode path.
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

/*
 * Test hook: make the @p n-th allocation from now fail (1 = the next one),
 * and every one after it too; 0 disables. Not thread-safe: tests only.
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
