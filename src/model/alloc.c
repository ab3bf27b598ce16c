#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "model/alloc.h"

_Thread_local unsigned long ci__alloc_count /* since the last fail_at() */
    __attribute__((tls_model("initial-exec")));
unsigned long ci__alloc_limit = ULONG_MAX; /* fail from this one on */
static _Thread_local int failed;

int ci__alloc_failing(void)
{
	failed = 1;
	return 1;
}

static int hook(void)
{
	return ci_alloc_fail();
}

unsigned long confinfo__alloc_fail_at(unsigned long n)
{
	unsigned long made = ci__alloc_count;

	ci__alloc_limit = n ? n : ULONG_MAX;
	ci__alloc_count = 0;
	failed = 0;
	return made;
}

int confinfo__alloc_failed(void)
{
	return failed;
}

void *ci_malloc(size_t size)
{
	return hook() ? NULL : malloc(size);
}

void *ci_calloc(size_t n, size_t size)
{
	return hook() ? NULL : calloc(n, size);
}

void *ci_realloc(void *p, size_t size)
{
	return hook() ? NULL : realloc(p, size);
}

char *ci_strndup(const char *s, size_t len)
{
	char *d = ci_malloc(len + 1);

	if (!d)
		return NULL;
	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

char *ci_strdup(const char *s)
{
	return ci_strndup(s, strlen(s));
}

void ci_free(void *p)
{
	free(p);
}

void *confinfo__alloc_xml_malloc(size_t size)
{
	return ci_malloc(size);
}

void *confinfo__alloc_xml_realloc(void *p, size_t size)
{
	return ci_realloc(p, size);
}

char *confinfo__alloc_xml_strdup(const char *s)
{
	return ci_strdup(s);
}
