/*
 * A private growable output buffer for writing XML fast.
 *
 * The encoder appends many short pieces (tags, attribute values, text), so
 * every append is an inline capacity check plus a memcpy; the slow path
 * (growing) lives out of line. Errors are sticky: the first failure
 * (ENOMEM while growing, EINVAL for a character XML cannot carry) is kept in
 * `err`, later appends may write or be dropped (what is written after an
 * error is never handed out), and the caller checks once at the end with
 * ci_buf_finish(). That keeps the tree walk free of error plumbing.
 *
 * Escaping scans a string for the first byte that needs attention with a
 * 256-entry class table and copies the runs in between with memcpy.
 *
 * Not part of the public API: include it as "xml/buf.h" from src/ and
 * tests only.
 */
#ifndef CONFINFO_XML_BUF_H
#define CONFINFO_XML_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* An output buffer. Zero-initialise it (`struct ci_buf b = {0};`). The
 * buffer always keeps one spare byte so that finishing can add the NUL
 * without growing. */
struct ci_buf {
	char *data; /* allocated with ci_realloc, owned until finish/reset */
	size_t len; /* bytes written */
	size_t cap; /* bytes allocated */
	int err;    /* first error, 0 if none */
};

/* Out-of-line slow path: make room for @p n more bytes (plus the spare
 * byte). Returns 0, or the sticky error (ENOMEM, or an earlier one). */
int ci_buf_grow(struct ci_buf *b, size_t n);

/* Append @p n raw bytes. No escaping: only for markup we generate and for
 * fragments already known to be well-formed. */
static inline void ci_buf_put(struct ci_buf *b, const void *p, size_t n)
{
	if (b->cap - b->len <= n && ci_buf_grow(b, n))
		return;
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

/* Append a string literal with its length known at compile time, so the
 * memcpy becomes a few moves. The "" around @p lit makes anything but a
 * literal a compile error. */
#define CI_BUF_LIT(b, lit) ci_buf_put((b), "" lit "", sizeof(lit) - 1)

/* Append a NUL-terminated string as is (no escaping). */
static inline void ci_buf_puts(struct ci_buf *b, const char *s)
{
	ci_buf_put(b, s, strlen(s));
}

/* Record @p err unless an error is already recorded. */
static inline void ci_buf_fail(struct ci_buf *b, int err)
{
	if (!b->err)
		b->err = err;
}

/* Append the decimal form of @p v. */
void ci_buf_u32(struct ci_buf *b, uint32_t v);

/*
 * Append @p s escaped as character data: & < > as entity references (> as
 * well, so that "]]>" never appears), and CR as &#13; because the parser
 * would otherwise turn it into LF (end-of-line handling). Tab and LF stay
 * literal. Records EINVAL if @p s holds a character XML 1.0 cannot carry
 * (C0 controls other than tab/LF/CR, U+FFFE, U+FFFF) or is not valid
 * UTF-8; nothing is guaranteed about the bytes written then.
 */
void ci_buf_text(struct ci_buf *b, const char *s);

/*
 * Append @p s escaped for a double-quoted attribute value: & < > " as
 * entity references, and tab, LF and CR as character references, because
 * attribute-value normalisation would turn literal ones into spaces.
 * Same EINVAL rules as ci_buf_text().
 */
void ci_buf_attr(struct ci_buf *b, const char *s);

/*
 * Hand the bytes over: on success NUL-terminate, store the malloc'd buffer
 * in *outp (the caller free()s it) and its length without the NUL in *lenp
 * (if not NULL), and return 0. On a recorded error free the buffer and
 * return the error. Either way @p b is empty afterwards.
 */
int ci_buf_finish(struct ci_buf *b, char **outp, size_t *lenp);

/* Free what @p b holds and empty it (errors are cleared too). */
void ci_buf_reset(struct ci_buf *b);

/*
 * Decode one UTF-8 sequence at @p s that encodes a character XML 1.0
 * allows (tab, LF, CR, U+0020..U+D7FF, U+E000..U+FFFD,
 * U+10000..U+10FFFF), rejecting overlong forms and surrogates. Stores the
 * code point in *cpp and returns the sequence length (1..4), or 0 if the
 * bytes are not such a character. Reads no byte past a NUL.
 */
size_t ci_utf8_xml_char(const char *s, uint32_t *cpp);

#endif
