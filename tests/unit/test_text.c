/*
 * The text module (text.h): the one list of characters that are never
 * shown as themselves, the three escape styles on a table of hostile and
 * benign inputs, every code point of Unicode through both the escaping
 * and the printable check, the streaming form held to the allocating one,
 * a percent-decoding round trip, write and allocation failures.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confinfo/text.h"
#include "model/alloc.h"
#include "testutil.h"

#define P      CONFINFO_TEXT_PERCENT
#define PA     CONFINFO_TEXT_PERCENT_ALL
#define B      CONFINFO_TEXT_BACKSLASH
#define LEN(s) (sizeof(s) - 1)

/* The members the header names, and neighbours that must stay visible. */
static void test_hidden_list(void **state)
{
	static const uint32_t hidden[] = {
	    0x00,   0x09,   0x0A,   0x1B,   0x1F,    0x7F,    0x80,
	    0x85,   0x9B,   0x9F,   0xAD,   0x061C,  0x180E,  0x200B,
	    0x200C, 0x200D, 0x200E, 0x200F, 0x2028,  0x2029,  0x202A,
	    0x202B, 0x202C, 0x202D, 0x202E, 0x2060,  0x2066,  0x2067,
	    0x2068, 0x2069, 0xFE0F, 0xFEFF, 0xE000,  0xF8FF,  0x0378,
	    0xFFFE, 0xFFFF, 0xD800, 0xDFFF, 0xE0001, 0xE007F, 0x10FFFF,
	};
	static const uint32_t shown[] = {
	    ' ',    '!',    '%',    '\\',   '~',    0xA0,
	    0xE9,   0xFC,   0x0430, 0x05D0, 0x0627, 0x2010,
	    0x202F, 0x20AC, 0x3000, 0x4E2D, 0xFF21, 0x1F600,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++) {
		if (!confinfo_text_hidden(hidden[i]))
			fail_msg("U+%04X should be hidden",
				 (unsigned)hidden[i]);
	}
	for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++) {
		if (confinfo_text_hidden(shown[i]))
			fail_msg("U+%04X should be shown", (unsigned)shown[i]);
	}
}

struct row {
	const char *in;
	size_t len;
	enum confinfo_text_style style;
	const char *want;
	bool escaped;
};

static const struct row rows[] = {
    {"plain text", LEN("plain text"), B, "plain text", false},
    {"", 0, B, "", false},
    {"b\xc3\xbc"
     "cher \xe4\xb8\xad 100%",
     LEN("b\xc3\xbc"
	 "cher \xe4\xb8\xad 100%"),
     B,
     "b\xc3\xbc"
     "cher \xe4\xb8\xad 100%",
     false},
    /* Terminal controls: C0, DEL, the C1 CSI. */
    {"evil\x1b[2J", LEN("evil\x1b[2J"), B, "evil\\x1b[2J", true},
    {"a\x7f\tb\n", LEN("a\x7f\tb\n"), B, "a\\x7f\\x09b\\x0a", true},
    {"evil\xc2\x9b"
     "31m",
     LEN("evil\xc2\x9b"
	 "31m"),
     B, "evil\\u009b31m", true},
    /* Bidi override, isolate, zero width, BOM, soft hyphen, private use. */
    {"txt.\xe2\x80\xae"
     "exe",
     LEN("txt.\xe2\x80\xae"
	 "exe"),
     B, "txt.\\u202eexe", true},
    {"a\xe2\x81\xa6"
     "b\xe2\x80\x8b"
     "c\xef\xbb\xbf"
     "d\xc2\xad"
     "e\xee\x80\x80",
     LEN("a\xe2\x81\xa6"
	 "b\xe2\x80\x8b"
	 "c\xef\xbb\xbf"
	 "d\xc2\xad"
	 "e\xee\x80\x80"),
     B, "a\\u2066b\\u200bc\\ufeffd\\u00ade\\ue000", true},
    /* A tag character, beyond the BMP. */
    {"x\xf3\xa0\x80\x81", LEN("x\xf3\xa0\x80\x81"), B, "x\\U000e0001", true},
    /* The escape character itself, so that an escape cannot be faked. */
    {"a\\x1b", LEN("a\\x1b"), B, "a\\\\x1b", true},
    /* Invalid UTF-8, one byte at a time: stray continuation, overlong,
     * surrogate, truncated, past U+10FFFF. */
    {"\x80", 1, B, "\\x80", true},
    {"\xc0\x80", 2, B, "\\xc0\\x80", true},
    {"\xed\xa0\x80", 3, B, "\\xed\\xa0\\x80", true},
    {"ab\xe2\x80", 4, B, "ab\\xe2\\x80", true},
    {"\xf4\x90\x80\x80", 4, B, "\\xf4\\x90\\x80\\x80", true},
    /* A NUL within the length is a control like any other. */
    {"a\0b", 3, B, "a\\x00b", true},
    /* Percent-encoding: every byte of the character, upper case. */
    {"sip:dev@example.com\x1b[2J\xe2\x80\xae\xff",
     LEN("sip:dev@example.com\x1b[2J\xe2\x80\xae\xff"), P,
     "sip:dev@example.com%1B[2J%E2%80%AE%FF", true},
    {"100%\\", LEN("100%\\"), P, "100%\\", false},
    {"a%b\xff", LEN("a%b\xff"), PA, "a%25b%FF", true},
    {"a%b", LEN("a%b"), PA, "a%25b", true},
    {"a\0b", 3, PA, "a%00b", true},
    {"x\xf3\xa0\x80\x81", LEN("x\xf3\xa0\x80\x81"), P, "x%F3%A0%80%81", true},
};

/* What confinfo_text_fputs() writes for @p r, as a string (free() it). */
static char *fputs_result(const struct row *r)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	assert_non_null(f);
	assert_int_equal(confinfo_text_fputs(f, r->in, r->len, r->style), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void test_rows(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		char *out = NULL, *streamed;
		bool escaped = !r->escaped;

		assert_int_equal(confinfo_text_escape(&out, r->in, r->len,
						      r->style, &escaped),
				 0);
		if (strcmp(out, r->want))
			fail_msg("row %zu: '%s', expected '%s'", i, out,
				 r->want);
		assert_int_equal(escaped, r->escaped);
		/* Printable exactly when PERCENT, which leaves its own
		 * escape character alone, escapes nothing. */
		free(out);
		assert_int_equal(
		    confinfo_text_escape(&out, r->in, r->len, P, &escaped), 0);
		assert_int_equal(confinfo_text_printable(r->in, r->len),
				 !escaped);
		free(out);
		assert_int_equal(
		    confinfo_text_escape(&out, r->in, r->len, r->style, NULL),
		    0);
		streamed = fputs_result(r);
		assert_string_equal(streamed, out);
		free(streamed);
		free(out);
	}
}

static size_t utf8_put(uint32_t cp, char *b)
{
	if (cp < 0x80) {
		b[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		b[0] = (char)(0xC0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		b[0] = (char)(0xE0 | cp >> 12);
		b[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	b[0] = (char)(0xF0 | cp >> 18);
	b[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	b[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	b[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/*
 * Every scalar value: shown as itself exactly when it is not hidden, and
 * otherwise as the one escape its style prescribes. Counts both kinds, so
 * that a list gone empty (or total) fails.
 */
static void test_every_code_point(void **state)
{
	size_t hidden = 0, shown = 0;

	(void)state;
	for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
		char in[4], want[16], *out = NULL;
		size_t n;
		bool escaped;

		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue; /* not encodable */
		n = utf8_put(cp, in);
		assert_int_equal(confinfo_text_escape(&out, in, n, B, &escaped),
				 0);
		if (!confinfo_text_hidden(cp) && cp != '\\') {
			assert_true(confinfo_text_printable(in, n));
			assert_false(escaped);
			assert_memory_equal(out, in, n);
			assert_int_equal(out[n], '\0');
			shown++;
		} else if (cp != '\\') {
			assert_false(confinfo_text_printable(in, n));
			assert_true(escaped);
			if (cp < 0x20 || cp == 0x7F)
				snprintf(want, sizeof(want), "\\x%02x",
					 (unsigned)cp);
			else if (cp <= 0xFFFF)
				snprintf(want, sizeof(want), "\\u%04x",
					 (unsigned)cp);
			else
				snprintf(want, sizeof(want), "\\U%08x",
					 (unsigned)cp);
			assert_string_equal(out, want);
			hidden++;
		}
		free(out);
	}
	/* Unassigned planes alone are hundreds of thousands; assigned
	 * characters and the private use planes, more than 100000. */
	assert_true(hidden > 60000);
	assert_true(shown > 100000);
}

static int hexval(char c)
{
	return c <= '9' ? c - '0' : c - 'A' + 10;
}

/* PERCENT_ALL percent-decodes back to the input, whatever the bytes. */
static void test_percent_round_trip(void **state)
{
	/* Mostly the bytes that matter: '%', controls, UTF-8 lead and
	 * continuation bytes, invalid ones. */
	static const char bytes[] = {'%',    '\x1b', '\xe2', '\x80',
				     '\xae', '\xc3', '\xa9', '\xff'};
	unsigned seed = 7;

	(void)state;
	for (int round = 0; round < 2000; round++) {
		char in[24], back[24], *out = NULL;
		size_t len = (size_t)(round % 24), k = 0;

		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			in[i] = (seed >> 24 & 1) ? (char)(seed >> 8)
						 : bytes[seed >> 16 & 7];
		}
		assert_int_equal(confinfo_text_escape(&out, in, len, PA, NULL),
				 0);
		for (const char *p = out; *p; p++) {
			assert_true(k < sizeof(back));
			if (*p == '%') {
				back[k++] =
				    (char)(hexval(p[1]) * 16 + hexval(p[2]));
				p += 2;
			} else {
				back[k++] = *p;
			}
		}
		assert_int_equal(k, len);
		assert_memory_equal(back, in, len);
		free(out);
	}
}

static void test_errors(void **state)
{
	char *out = NULL;
	bool escaped = true;
	FILE *f;

	(void)state;
	assert_int_equal(confinfo_text_escape(NULL, "a", 1, B, NULL), EINVAL);
	assert_int_equal(confinfo_text_escape(&out, NULL, 1, B, NULL), EINVAL);
	assert_int_equal(confinfo_text_escape(
			     &out, "a", 1, (enum confinfo_text_style)9, NULL),
			 EINVAL);
	assert_null(out);
	assert_int_equal(confinfo_text_fputs(NULL, "a", 1, B), EINVAL);
	/* NULL with no length is the empty text. */
	assert_int_equal(confinfo_text_escape(&out, NULL, 0, P, &escaped), 0);
	assert_string_equal(out, "");
	assert_false(escaped);
	free(out);
	assert_true(confinfo_text_printable(NULL, 0));
	/* A stream that cannot be written says so. */
	f = fopen("/dev/null", "r");
	assert_non_null(f);
	assert_int_equal(confinfo_text_fputs(f, "a\x1b", 2, B), EIO);
	fclose(f);
	/* The one allocation may fail; nothing is written then. */
	out = NULL;
	escaped = false;
	confinfo__alloc_fail_at(1);
	assert_int_equal(confinfo_text_escape(&out, "a\x1b", 2, B, &escaped),
			 ENOMEM);
	confinfo__alloc_fail_at(0);
	assert_null(out);
	assert_false(escaped);
}

/* confinfo_text_clean(): hostile text made valid, visible and bounded. */
static void test_clean(void **state)
{
	char *out = NULL;
	(void)state;

	/* Controls, bidi overrides and zero-width characters go. */
	assert_int_equal(confinfo_text_clean(&out,
					     "a\x1b[2Jb\xe2\x80\xae"
					     "c\xe2\x80\x8b"
					     "d",
					     14, 100, true),
			 0);
	assert_string_equal(out, "a[2Jbcd");
	free(out);
	/* Invalid UTF-8 becomes U+FFFD. */
	assert_int_equal(confinfo_text_clean(&out,
					     "x\xff"
					     "y",
					     3, 100, true),
			 0);
	assert_string_equal(out, "x\xef\xbf\xbdy");
	free(out);
	/* Cut on a character boundary: 5 bytes hold two "é", not half a
	 * third. */
	assert_int_equal(
	    confinfo_text_clean(&out, "\xc3\xa9\xc3\xa9\xc3\xa9", 6, 5, true),
	    0);
	assert_string_equal(out, "\xc3\xa9\xc3\xa9");
	free(out);
	/* 10 KB to the limit. */
	{
		char *big = malloc(10240);

		memset(big, 'x', 10240);
		assert_int_equal(
		    confinfo_text_clean(&out, big, 10240, 256, true), 0);
		assert_int_equal(strlen(out), 256);
		free(out);
		free(big);
	}
	/* Without drop_hidden the characters stay, invalid bytes still
	 * do not. */
	assert_int_equal(confinfo_text_clean(&out,
					     "a\x1b\xff"
					     "b",
					     4, 100, false),
			 0);
	assert_string_equal(out, "a\x1b\xef\xbf\xbd"
				 "b");
	free(out);
	/* Surrogates and overlong forms are not UTF-8: one U+FFFD a byte. */
	assert_int_equal(
	    confinfo_text_clean(&out, "\xed\xa0\x80\xc0\xaf", 5, 100, true), 0);
	assert_string_equal(out, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
				 "\xef\xbf\xbd\xef\xbf\xbd");
	free(out);
	assert_int_equal(confinfo_text_clean(NULL, "a", 1, 4, true), EINVAL);
	assert_int_equal(confinfo_text_clean(&out, NULL, 1, 4, true), EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hidden_list),
	    cmocka_unit_test(test_clean),
	    cmocka_unit_test(test_rows),
	    cmocka_unit_test(test_every_code_point),
	    cmocka_unit_test(test_percent_round_trip),
	    cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
