/*
 * Untrusted text made safe to show (see text.h).
 *
 * One list decides what is hidden (confinfo_text_hidden()), and one loop
 * walks a text and escapes it (escape()): the chat verdicts percent-encode
 * with it, the tool backslash-escapes with it, so the two can never
 * disagree about a character again. The loop writes through a small sink
 * that either appends to a FILE or measures and then fills a buffer, so
 * that the allocating and the streaming forms share every decision.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <unictype.h>

#include "confinfo/text.h"
#include "model/alloc.h"
#include "text/text_int.h"

bool confinfo_text_hidden(uint32_t cp)
{
	/* Printable ASCII: most of any text, and none of it hidden; spares
	 * the Unicode tables the common case. */
	if (cp >= 0x20 && cp < 0x7F)
		return false;
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) ||
	       text_is_bidi_control(cp) ||
	       uc_is_property_default_ignorable_code_point(cp) ||
	       uc_is_general_category(
		   cp,
		   uc_general_category_or(
		       uc_general_category_or(UC_CATEGORY_Zl, UC_CATEGORY_Zp),
		       uc_general_category_or(UC_CATEGORY_Cs,
					      UC_CATEGORY_Cn))) ||
	       (cp >= 0xE000 && cp <= 0xF8FF); /* private use */
}

bool confinfo_text_printable(const char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = text_utf8_next((const uint8_t *)s + i, len - i, &cp);

		if (!n || confinfo_text_hidden(cp))
			return false;
		i += n;
	}
	return true;
}

/* Where escape() writes: @p f, or @p buf (NULL while measuring). */
struct sink {
	FILE *f;
	char *buf;
	size_t len; /* bytes written, or measured */
	bool escaped;
	int err;
};

static void put(struct sink *k, const void *p, size_t n)
{
	if (!n)
		return;
	if (k->f) {
		if (fwrite(p, 1, n, k->f) != n && !k->err)
			k->err = EIO;
	} else if (k->buf) {
		memcpy(k->buf + k->len, p, n);
	}
	k->len += n;
}

/* Whether the character @p cp is escaped in @p style. */
static bool must_escape(uint32_t cp, enum confinfo_text_style style)
{
	return confinfo_text_hidden(cp) ||
	       (style == CONFINFO_TEXT_PERCENT_ALL && cp == '%') ||
	       (style == CONFINFO_TEXT_BACKSLASH && cp == '\\');
}

/*
 * The escape of the @p n bytes at @p p: one character @p cp, or (@p cp
 * UINT32_MAX) one byte that is not valid UTF-8.
 */
static void put_escape(struct sink *k, const unsigned char *p, size_t n,
		       uint32_t cp, enum confinfo_text_style style)
{
	static const char hex[] = "0123456789ABCDEF";
	char e[16];
	int w;

	k->escaped = true;
	if (style != CONFINFO_TEXT_BACKSLASH) {
		for (size_t i = 0; i < n; i++) {
			e[0] = '%';
			e[1] = hex[p[i] >> 4];
			e[2] = hex[p[i] & 15];
			put(k, e, 3);
		}
		return;
	}
	if (cp == UINT32_MAX)
		w = snprintf(e, sizeof(e), "\\x%02x", p[0]);
	else if (cp == '\\')
		w = snprintf(e, sizeof(e), "\\\\");
	else if (cp < 0x20 || cp == 0x7F)
		w = snprintf(e, sizeof(e), "\\x%02x", (unsigned)cp);
	else if (cp <= 0xFFFF)
		w = snprintf(e, sizeof(e), "\\u%04x", (unsigned)cp);
	else
		w = snprintf(e, sizeof(e), "\\U%08x", (unsigned)cp);
	put(k, e, (size_t)w);
}

/* Write @p s escaped to @p k: the shown runs whole, the rest escaped. */
static void escape(struct sink *k, const char *s, size_t len,
		   enum confinfo_text_style style)
{
	const uint8_t *u = (const uint8_t *)s;
	size_t run = 0; /* start of the run shown as it is */

	if (!len) /* and s may be NULL: no pointer arithmetic on it */
		return;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = text_utf8_next(u + i, len - i, &cp);

		if (n && !must_escape(cp, style)) {
			i += n;
			continue;
		}
		if (!n) { /* one invalid byte at a time */
			n = 1;
			cp = UINT32_MAX;
		}
		put(k, s + run, i - run);
		put_escape(k, u + i, n, cp, style);
		i += n;
		run = i;
	}
	put(k, s + run, len - run);
}

static bool style_ok(enum confinfo_text_style style)
{
	return style == CONFINFO_TEXT_PERCENT ||
	       style == CONFINFO_TEXT_PERCENT_ALL ||
	       style == CONFINFO_TEXT_BACKSLASH;
}

int confinfo_text_escape(char **outp, const char *s, size_t len,
			 enum confinfo_text_style style, bool *escapedp)
{
	struct sink k = {0};
	char *d;

	if (!outp || (!s && len) || !style_ok(style))
		return EINVAL;
	/* An escape is at most 4 bytes per input byte ("\xNN"): the
	 * measured length cannot wrap below this. */
	if (len > (SIZE_MAX - 1) / 4)
		return ENOMEM;
	escape(&k, s, len, style); /* measure */
	d = ci_malloc(k.len + 1);
	if (!d)
		return ENOMEM;
	k.buf = d;
	k.len = 0;
	escape(&k, s, len, style); /* fill */
	d[k.len] = '\0';
	if (escapedp)
		*escapedp = k.escaped;
	*outp = d;
	return 0;
}

int confinfo_text_fputs(FILE *f, const char *s, size_t len,
			enum confinfo_text_style style)
{
	struct sink k = {.f = f};

	if (!f || (!s && len) || !style_ok(style))
		return EINVAL;
	escape(&k, s, len, style);
	return k.err;
}
