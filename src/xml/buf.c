/*
 * Growable output buffer and XML escaping (see buf.h).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "model/alloc.h"
#include "xml/buf.h"

/* The first allocation: big enough for a small notification, so that a
 * typical partial NOTIFY body is written without growing at all. */
#define BUF_MIN_CAP 1024

int ci_buf_grow(struct ci_buf *b, size_t n)
{
	size_t need, cap;
	char *p;

	if (b->err)
		return b->err;
	/* + 1: the spare byte for the terminating NUL. */
	if (n > SIZE_MAX - b->len - 1) {
		b->err = ENOMEM;
		return b->err;
	}
	need = b->len + n + 1;
	cap = b->cap ? b->cap : BUF_MIN_CAP;
	/* Geometric growth keeps appending amortised O(1). */
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = ci_realloc(b->data, cap);
	if (!p) {
		b->err = ENOMEM;
		return b->err;
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

void ci_buf_u32(struct ci_buf *b, uint32_t v)
{
	char tmp[10]; /* 4294967295 */
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	ci_buf_put(b, tmp + i, sizeof(tmp) - i);
}

size_t ci_utf8_xml_char(const char *s, uint32_t *cpp)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c = p[0], cp;

	if (c < 0x80) {
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			return 0;
		*cpp = c;
		return 1;
	}
	/* 0x80..0xBF are continuation bytes, 0xC0/0xC1 only start overlong
	 * forms of ASCII. Each continuation byte is tested before the next
	 * one is read, so a NUL stops the scan. */
	if (c < 0xC2)
		return 0;
	if ((p[1] & 0xC0) != 0x80)
		return 0;
	if (c < 0xE0) {
		*cpp = ((c & 0x1F) << 6) | (p[1] & 0x3F);
		return 2;
	}
	if ((p[2] & 0xC0) != 0x80)
		return 0;
	if (c < 0xF0) {
		cp = ((c & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) |
		     (p[2] & 0x3F);
		/* Overlong, UTF-16 surrogates, and the two non-characters
		 * XML 1.0 excludes. */
		if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF) ||
		    cp == 0xFFFE || cp == 0xFFFF)
			return 0;
		*cpp = cp;
		return 3;
	}
	if (c >= 0xF5 || (p[3] & 0xC0) != 0x80)
		return 0;
	cp = ((c & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) |
	     ((uint32_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
	if (cp < 0x10000 || cp > 0x10FFFF)
		return 0;
	*cpp = cp;
	return 4;
}

/* What a byte needs when it is escaped. */
enum esc_class {
	E_OK = 0, /* copied as is */
	E_END,    /* the terminating NUL */
	E_AMP,
	E_LT,
	E_GT,
	E_QUOT,
	E_TAB,
	E_LF,
	E_CR,
	E_BAD,  /* a C0 control XML 1.0 cannot carry, even as a reference */
	E_UTF8, /* first byte of a multi-byte sequence: validate it */
};

/* Replacement text per class (E_OK, E_END, E_BAD and E_UTF8 have none). */
static const struct {
	const char *s;
	size_t n;
} esc_repl[] = {
    [E_AMP] = {"&amp;", 5},   [E_LT] = {"&lt;", 4},  [E_GT] = {"&gt;", 4},
    [E_QUOT] = {"&quot;", 6}, [E_TAB] = {"&#9;", 4}, [E_LF] = {"&#10;", 5},
    [E_CR] = {"&#13;", 5},
};

#define B E_BAD
#define U E_UTF8
/* clang-format off */
/* Character data: tab and LF are kept literally. */
static const unsigned char text_class[256] = {
	E_END, B, B, B, B, B, B, B, B, E_OK, E_OK, B, B, E_CR, B, B,
	B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B,
	/* 0x20 ' ' .. 0x2F: & */
	0, 0, 0, 0, 0, 0, E_AMP, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 0x30 .. 0x3F: < > */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, E_LT, 0, E_GT, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
	U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
	U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
	U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
	U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
	U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
	U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
	U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
};

/* Attribute values (always written in double quotes): tab, LF and CR as
 * references so that attribute-value normalisation keeps them. > could
 * stay literal here, but escaping it too means "]]>" never appears in the
 * output at all, which is simpler to promise. */
static const unsigned char attr_class[256] = {
	E_END, B, B, B, B, B, B, B, B, E_TAB, E_LF, B, B, E_CR, B, B,
	B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B,
	/* 0x20 ' ' .. 0x2F: " & */
	0, 0, E_QUOT, 0, 0, 0, E_AMP, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 0x30 .. 0x3F: < > */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, E_LT, 0, E_GT, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
	U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
	U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
	U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
	U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
	U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
	U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
	U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
};
/* clang-format on */
#undef B
#undef U

/*
 * One pass over @p s: skip bytes that need nothing (multi-byte UTF-8 is
 * validated but stays in the run), copy the run with one memcpy when a
 * byte needs a replacement, and stop at the NUL. Most values are plain
 * ASCII and cost one table lookup per byte and a single memcpy.
 */
static void escape(struct ci_buf *b, const char *s, const unsigned char *cls)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *run = p;
	unsigned c;
	uint32_t cp;
	size_t n;

	for (;;) {
		/* Unrolled: most bytes are E_OK, and the NUL is a class of
		 * its own, so no length is needed. */
		for (;;) {
			if ((c = cls[p[0]]) != E_OK)
				break;
			if ((c = cls[p[1]]) != E_OK) {
				p += 1;
				break;
			}
			if ((c = cls[p[2]]) != E_OK) {
				p += 2;
				break;
			}
			if ((c = cls[p[3]]) != E_OK) {
				p += 3;
				break;
			}
			p += 4;
		}
		if (c == E_UTF8) {
			n = ci_utf8_xml_char((const char *)p, &cp);
			if (!n) {
				ci_buf_fail(b, EINVAL);
				return;
			}
			p += n;
			continue;
		}
		if (p > run)
			ci_buf_put(b, run, (size_t)(p - run));
		if (c == E_END)
			return;
		if (c == E_BAD) {
			ci_buf_fail(b, EINVAL);
			return;
		}
		ci_buf_put(b, esc_repl[c].s, esc_repl[c].n);
		run = ++p;
	}
}

void ci_buf_text(struct ci_buf *b, const char *s)
{
	escape(b, s, text_class);
}

void ci_buf_attr(struct ci_buf *b, const char *s)
{
	escape(b, s, attr_class);
}

int ci_buf_finish(struct ci_buf *b, char **outp, size_t *lenp)
{
	int err;

	/* An empty buffer has no storage yet: the NUL needs one byte. */
	if (!b->data)
		ci_buf_grow(b, 0);
	err = b->err;
	if (err) {
		ci_buf_reset(b);
		return err;
	}
	b->data[b->len] = '\0';
	*outp = b->data;
	if (lenp)
		*lenp = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return 0;
}

void ci_buf_reset(struct ci_buf *b)
{
	ci_free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->err = 0;
}
