/*
 * model/copy.h: copying and zeroing the short strings and structs of a
 * document inline, without a libc call.
 *
 * A libc call costs more than the copy itself at these sizes, and decoding
 * makes one or two per string and one zeroing per struct
 * (docs/performance.md): the pool (model/pool.h) and the decoder's fast
 * paths use these.
 */
#ifndef CONFINFO_MODEL_COPY_H
#define CONFINFO_MODEL_COPY_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * memcpy() for the short strings of a document (ids, tags, names, URIs:
 * mostly under 64 bytes), inline: two overlapping loads and stores cover
 * any length up to twice their width (four for 33 to 64 bytes), and only
 * bytes within [src, src + n) are read. Longer copies call memcpy(). Up to
 * CI_COPY_INLINE bytes, callers on a hot path can count on no call at all.
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

#endif
