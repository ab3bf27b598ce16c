/*
 * What comes before libxml2, and between it and the caller's buffer: the
 * encoding check, and the reader that hands libxml2 the document in
 * chunks while bounding runs without markup.
 */
#include <errno.h>
#include <string.h>

#include "xml/decode_int.h"

static bool is_xml_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Line and column of byte @p off, for errors found before parsing. */
static void offset_pos(const unsigned char *p, size_t off, unsigned *line,
		       unsigned *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off; i++) {
		if (p[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if ((p[i] & 0xC0) != 0x80) {
			(*col)++;
		}
	}
}

static bool is_utf8_name(const unsigned char *s, size_t len)
{
	static const char want[] = "utf-8";

	if (len != sizeof(want) - 1)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (c != (unsigned char)want[i])
			return false;
	}
	return true;
}

/*
 * Refuse anything but UTF-8 before libxml2 starts: byte order marks of
 * UTF-16/32, their BOM-less forms (a NUL among the first bytes, which XML
 * never allows), EBCDIC, and an XML declaration naming another encoding.
 * The declaration is read with a deliberately small grammar: if it is
 * malformed we say nothing and let libxml2 report the syntax error, since
 * with XML_PARSE_IGNORE_ENC the bytes are UTF-8-checked regardless.
 */
int dec_check_encoding(struct dec *d, const unsigned char *p, size_t len)
{
	unsigned line, col;
	size_t i = 0, k, name, name_len, val;
	unsigned char q;

	if (len >= 2 &&
	    ((p[0] == 0xFE && p[1] == 0xFF) || (p[0] == 0xFF && p[1] == 0xFE)))
		return dec_fail(d, EPROTO, 1, 1,
				"UTF-16/UTF-32 byte order mark: only UTF-8 "
				"is accepted");
	if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		i = 3;
	for (k = i; k < len && k < i + 4; k++)
		if (!p[k])
			return dec_fail(d, EPROTO, 1, 1,
					"NUL byte at the start (UTF-16 or "
					"UTF-32?): only UTF-8 is accepted");
	if (len - i >= 4 && !memcmp(p + i, "\x4C\x6F\xA7\x94", 4))
		return dec_fail(d, EPROTO, 1, 1,
				"EBCDIC input: only UTF-8 is accepted");
	if (len - i < 6 || memcmp(p + i, "<?xml", 5) || !is_xml_space(p[i + 5]))
		return 0;
	for (k = i + 5;;) {
		while (k < len && is_xml_space(p[k]))
			k++;
		name = k;
		while (k < len && p[k] >= 'a' && p[k] <= 'z')
			k++;
		name_len = k - name;
		if (!name_len)
			return 0; /* "?>" or a syntax error */
		while (k < len && is_xml_space(p[k]))
			k++;
		if (k >= len || p[k] != '=')
			return 0;
		k++;
		while (k < len && is_xml_space(p[k]))
			k++;
		if (k >= len || (p[k] != '"' && p[k] != '\''))
			return 0;
		q = p[k++];
		val = k;
		while (k < len && p[k] != q && p[k] != '<' && p[k] != '>')
			k++;
		if (k >= len || p[k] != q)
			return 0;
		if (name_len == 8 && !memcmp(p + name, "encoding", 8) &&
		    !is_utf8_name(p + val, k - val)) {
			offset_pos(p, val, &line, &col);
			return dec_fail(d, EPROTO, line, col,
					"encoding \"%.*s\" refused: only "
					"UTF-8 is accepted",
					(int)(k - val < 40 ? k - val : 40),
					(const char *)p + val);
		}
		k++;
	}
}

/* Never more at once than this: keeps a run without '<' inside one chunk
 * shorter than any max_run. */
#define READ_CHUNK 4096

/*
 * Hostile input can pack tens of thousands of attributes into one start
 * tag, and libxml2 2.9 checks them for duplicates in quadratic time: a
 * 1 MiB start tag costs seconds of CPU, before our callback ever sees the
 * element. A raw '<' cannot occur inside a tag, so no tag is longer than
 * the run of bytes between two '<'. Such runs are refused beyond what the
 * string and foreign-content limits can explain (max_string + max_ext +
 * 4 KiB), before libxml2 reads them; text and comments that long are
 * refused too. Per chunk this costs a scan from each end to the nearest
 * '<', a few bytes in markup.
 */
static int check_runs(struct dec_reader *r, size_t n)
{
	size_t off = (size_t)(r->p - r->doc), lt;
	const char *first = memchr(r->p, '<', n), *last;
	unsigned line, col;

	lt = first ? (size_t)(first - r->doc) : off + n;
	if (lt - r->last_lt > r->max_run) {
		offset_pos((const unsigned char *)r->doc, r->last_lt, &line,
			   &col);
		/* max_run derives from max_string (and max_ext): raising
		 * the string limit raises it. */
		dec_limit(r->d, "max_string");
		return dec_record(r->d, EBADMSG, line, col,
				  "more than %zu bytes without markup (a '<') "
				  "from here: refused",
				  r->max_run);
	}
	if (first) {
		for (last = r->p + n - 1; *last != '<'; last--)
			;
		r->last_lt = (size_t)(last - r->doc);
	}
	return 0;
}

int dec_read_chunk(void *ctx, char *buf, int len)
{
	struct dec_reader *r = ctx;
	size_t n = len > 0 ? (size_t)len : 0;

	/* Once the document is refused, libxml2 gets nothing more to read:
	 * after its own fatal errors it may go on parsing (with our
	 * callbacks off), and this bounds that to what it holds already. */
	if (r->d->err)
		return 0;
	if (n > READ_CHUNK)
		n = READ_CHUNK;
	if (n > r->left)
		n = r->left;
	/* A refused chunk reads as an error: libxml2 stops at what it has,
	 * and our handler ignores its complaints once d->err is set. */
	if (n && check_runs(r, n))
		return -1;
	memcpy(buf, r->p, n);
	r->p += n;
	r->left -= n;
	return (int)n;
}
