/*
 * Lexical spaces of the simple types the schema uses, and attribute
 * values.
 *
 * Whitespace: XML Schema gives every type a whiteSpace facet. xs:string
 * (and the enumerations derived from it: state, status, ...) preserve it,
 * so their values are kept exactly as written and an enumeration value
 * with a stray space is invalid. xs:anyURI, xs:dateTime, xs:unsignedInt,
 * xs:boolean and the list types (keywords, languages) collapse it: leading
 * and trailing whitespace goes, inner runs become one space. Keys of type
 * anyURI (user entity, <uri>) are therefore compared after collapsing.
 *
 * Attribute values: without XML_PARSE_NOENT (which we never set), libxml2
 * hands SAX2 an '&' that came from "&amp;" or "&#38;" as the five
 * characters "&#38;", expecting a tree builder to parse it again. No other
 * '&' can reach us (there is no DTD to declare entities), so every "&#38;"
 * in a value is turned back into '&' here.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "model/copy.h"
#include "model/pool.h"
#include "xml/decode_int.h"

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

size_t dec_collapse(char *s, size_t len)
{
	size_t i = 0, n = 0;

	/* Most values (URIs, dates) hold no whitespace at all: one cheap
	 * pass, and nothing to move. Eight bytes at a time: a byte below
	 * 0x21 (the XML spaces are among them) sets its top bit in
	 * (x - 0x21..) & ~x; UTF-8 bytes (0x80 and up) never do. */
	for (; i + 8 <= len; i += 8) {
		uint64_t x;

		memcpy(&x, s + i, 8);
		if ((x - UINT64_C(0x2121212121212121)) & ~x &
		    UINT64_C(0x8080808080808080))
			break;
	}
	while (i < len && (unsigned char)s[i] > ' ')
		i++;
	if (i == len)
		return len;
	i = 0;
	while (i < len && is_space((unsigned char)s[i]))
		i++;
	while (i < len) {
		if (is_space((unsigned char)s[i])) {
			while (i < len && is_space((unsigned char)s[i]))
				i++;
			if (i < len)
				s[n++] = ' ';
			continue;
		}
		s[n++] = s[i++];
	}
	return n;
}

bool dec_is_space_bytes(const xmlChar *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!is_space(s[i]))
			return false;
	return true;
}

/* Trim the XML whitespace around [*s, *s + *len). */
static void trim(const char **s, size_t *len)
{
	while (*len && is_space((unsigned char)**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len && is_space((unsigned char)(*s)[*len - 1]))
		(*len)--;
}

/*
 * xs:unsignedInt. XML Schema 1.0 part 2, 3.3.22: "unsignedInt has a
 * lexical representation consisting of a finite-length sequence of decimal
 * digits". So no sign at all: neither "+1" nor "-0" (the signs belong to
 * the lexical space of integer and nonNegativeInteger, which unsignedInt
 * does not repeat; libxml2's schema validator reads it the same way). The
 * whiteSpace facet is collapse, so surrounding XML whitespace is fine.
 * Leading zeros are fine. No hex, no inner space, no empty value, nothing
 * above 4294967295.
 */
bool dec_parse_u32(const char *s, size_t len, uint32_t *out)
{
	uint64_t v = 0;

	trim(&s, &len);
	if (!len)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > UINT32_MAX)
			return false;
	}
	*out = (uint32_t)v;
	return true;
}

/* xs:boolean: true, false, 1 or 0 after collapsing. */
bool dec_parse_bool(const char *s, size_t len, enum confinfo_bool *out)
{
	trim(&s, &len);
	if ((len == 4 && !memcmp(s, "true", 4)) || (len == 1 && s[0] == '1'))
		*out = CONFINFO_BOOL_TRUE;
	else if ((len == 5 && !memcmp(s, "false", 5)) ||
		 (len == 1 && s[0] == '0'))
		*out = CONFINFO_BOOL_FALSE;
	else
		return false;
	return true;
}

static bool at_amp38(const xmlChar *p, const xmlChar *end)
{
	return end - p >= 5 && !memcmp(p, "&#38;", 5);
}

static size_t decoded_len(const xmlChar *v, size_t len)
{
	const xmlChar *p = v, *end = v + len;
	size_t n = len;

	while ((p = memchr(p, '&', (size_t)(end - p))) != NULL) {
		if (at_amp38(p, end)) {
			n -= 4;
			p += 5;
		} else {
			p++;
		}
	}
	return n;
}

/* Write the decoded value into @p dst (room for it plus NUL). */
static size_t decode_into(char *dst, const xmlChar *v, size_t len)
{
	const xmlChar *end = v + len;
	size_t n = 0;

	if (!memchr(v, '&', len)) {
		ci_copy(dst, v, len);
		dst[len] = '\0';
		return len;
	}
	while (v < end) {
		if (*v == '&' && at_amp38(v, end)) {
			dst[n++] = '&';
			v += 5;
		} else {
			dst[n++] = (char)*v++;
		}
	}
	dst[n] = '\0';
	return n;
}

static int check_len(struct dec *d, const xmlChar *name, const xmlChar *v,
		     size_t len)
{
	if (len > d->lim.max_string &&
	    (!memchr(v, '&', len) || decoded_len(v, len) > d->lim.max_string)) {
		dec_limit(d, "max_string");
		return dec_fail_tag(d, EBADMSG,
				    "value of attribute %s longer than the "
				    "limit of %zu bytes",
				    name, d->lim.max_string);
	}
	return 0;
}

/* True if @p x holds an '&', or (with @p ws) a byte below 0x21, which
 * includes the XML spaces: the bytes that make a value need more than a
 * copy. Exact as to whether there is one (see dec_collapse()). */
static inline bool word_special(uint64_t x, bool ws)
{
	const uint64_t ones = UINT64_C(0x0101010101010101);
	const uint64_t amp = x ^ (ones * '&');
	uint64_t t = (amp - ones) & ~amp;

	if (ws)
		t |= (x - ones * 0x21) & ~x;
	return t & (ones * 0x80);
}

bool dec_value_needs_work(const xmlChar *v, size_t len, bool ws)
{
	uint64_t x;
	size_t i;

	if (len < 8) {
		for (i = 0; i < len; i++)
			if (v[i] == '&' || (ws && v[i] <= ' '))
				return true;
		return false;
	}
	for (i = 0; i + 8 < len; i += 8) {
		memcpy(&x, v + i, 8);
		if (word_special(x, ws))
			return true;
	}
	memcpy(&x, v + len - 8, 8);
	return word_special(x, ws);
}

int dec_attr_dup(struct dec *d, const xmlChar *name, const xmlChar *v,
		 size_t len, bool collapse, char **out)
{
	size_t n;
	char *s;

	/* Keys are short and plain: one scan, one copy. */
	if (len <= CI_COPY_INLINE && len <= d->lim.max_string &&
	    !dec_value_needs_work(v, len, collapse)) {
		s = ci_pool_str(&d->pool, (const char *)v, len);
		if (!s)
			return dec_nomem(d);
		*out = s;
		return 0;
	}
	if (check_len(d, name, v, len))
		return d->err;
	s = ci_pool_alloc(&d->pool, len + 1);
	if (!s)
		return dec_nomem(d);
	n = decode_into(s, v, len);
	if (collapse) {
		n = dec_collapse(s, n);
		s[n] = '\0';
	}
	*out = s;
	return 0;
}

const char *dec_attr_scratch(struct dec *d, const xmlChar *name,
			     const xmlChar *v, size_t len)
{
	if (check_len(d, name, v, len) || dec_text_reserve(d, len + 1))
		return NULL;
	decode_into(d->text, v, len);
	return d->text;
}
