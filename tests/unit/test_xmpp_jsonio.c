/*
 * The JSON lines of confinfo-xmpp (src/xmpp/jsonio.c): network strings
 * bounded to 1,024 bytes on a character boundary with invalid UTF-8
 * replaced (on a table, then on random bytes held to an independent
 * check), and the command line reader: lines split across reads, an
 * over-long line skipped and reported with its number, the lines after
 * it intact. The interop tests cannot reach the invalid-UTF-8 paths: a
 * server's XML parser rejects such bytes first.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "xmpp/xmppc.h"

/* xc_jstr(IN) as a malloc'd C string (the test frees it). */
static char *bounded(const char *in)
{
	json_t *j = xc_jstr(in);
	char *s;

	assert_non_null(j);
	assert_true(json_is_string(j));
	s = strdup(json_string_value(j));
	assert_non_null(s);
	json_decref(j);
	return s;
}

static void test_table(void **state)
{
	static const struct {
		const char *in, *out;
	} rows[] = {
	    {"", ""},
	    {"Bob", "Bob"},
	    {"\xe2\x80\xae\xc2\x85\x7f", "\xe2\x80\xae\xc2\x85\x7f"},
	    {"\xff\xfe"
	     "A",
	     "\xef\xbf\xbd\xef\xbf\xbd"
	     "A"},
	    /* overlong '/', a surrogate, a truncated euro sign, > U+10FFFF */
	    {"\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd"},
	    {"\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
	    {"x\xe2\x82", "x\xef\xbf\xbd\xef\xbf\xbd"},
	    {"\xf4\x90\x80\x80",
	     "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
	    {"\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"},
	};
	json_t *j;
	char *s;

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		s = bounded(rows[i].in);
		if (strcmp(s, rows[i].out) != 0)
			fail_msg("row %zu: got \"%s\"", i, s);
		free(s);
	}
	j = xc_jstr(NULL);
	assert_true(json_is_null(j));
	json_decref(j);
}

/* IN repeated N times, bounded: the length expected, and a prefix. */
static void check_cut(const char *unit, size_t n, size_t want)
{
	size_t ul = strlen(unit);
	char *in = malloc(ul * n + 1), *s;

	assert_non_null(in);
	for (size_t i = 0; i < n; i++)
		memcpy(in + i * ul, unit, ul);
	in[ul * n] = '\0';
	s = bounded(in);
	assert_int_equal(strlen(s), want);
	assert_memory_equal(s, in, want);
	free(s);
	free(in);
}

static void test_cut(void **state)
{
	(void)state;
	check_cut("a", 10000, 1024);
	check_cut("a", 1024, 1024);
	check_cut("a", 1023, 1023);
	check_cut("\xf0\x9f\x98\x80", 300, 1024);  /* 256 x 4 */
	check_cut("\xe2\x80\xae", 400, 1023);      /* 341 x 3 */
	check_cut("\xc3\xa4", 600, 1024);          /* 512 x 2 */
	check_cut("a\xf0\x9f\x98\x80", 500, 1021); /* 204 x 5, then "a" */
}

/* An independent validity check (strict RFC 3629). */
static int valid_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0, len, k;
	unsigned long cp;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0)
			len = 2, cp = s[i] & 0x1f;
		else if ((s[i] & 0xf0) == 0xe0)
			len = 3, cp = s[i] & 0x0f;
		else if ((s[i] & 0xf8) == 0xf0)
			len = 4, cp = s[i] & 0x07;
		else
			return 0;
		if (i + len > n)
			return 0;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
		    (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

static void test_random(void **state)
{
	unsigned char in[3001];
	size_t n, cut_valid = 0;
	char *s;

	(void)state;
	srand(12);
	for (int round = 0; round < 3000; round++) {
		n = (size_t)(rand() % 3000);
		for (size_t i = 0; i < n; i++) {
			/* Mostly lead and continuation bytes: many near-valid
			 * sequences, so that both paths run often. */
			in[i] =
			    (unsigned char)((rand() % 4) ? 0x80 + rand() % 0x78
							 : 1 + rand() % 0x7f);
			if (in[i] == 0)
				in[i] = 'z';
		}
		in[n] = '\0';
		s = bounded((const char *)in);
		assert_true(strlen(s) <= 1024);
		assert_true(valid_utf8((unsigned char *)s, strlen(s)));
		/* A valid input is passed through, or cut to a prefix. */
		if (valid_utf8(in, n)) {
			assert_memory_equal(s, in, strlen(s));
			cut_valid++;
		}
		free(s);
	}
	/* The generator made some valid inputs, or the last check never ran. */
	assert_true(cut_valid > 0);
}

struct seen {
	char lines[4][64];
	unsigned long numbers[4];
	int n;
};

static void on_line(void *arg, const char *line, size_t len,
		    unsigned long lineno)
{
	struct seen *seen = arg;

	assert_true(seen->n < 4);
	assert_true(len < 64);
	memcpy(seen->lines[seen->n], line, len + 1);
	seen->numbers[seen->n++] = lineno;
}

/* Feeds DATA through a pipe, LEN bytes, in reads of whatever size the
 * pipe gives. */
static void feed(const char *data, size_t len, struct seen *seen)
{
	int fds[2];
	size_t off = 0;
	ssize_t w;
	int rc;

	assert_int_equal(pipe(fds), 0);
	fcntl(fds[1], F_SETFL, O_NONBLOCK);
	while (off < len) {
		w = write(fds[1], data + off, len - off);
		if (w > 0)
			off += (size_t)w;
		assert_int_equal(xc_lines_read(fds[0], on_line, seen), 0);
	}
	close(fds[1]);
	/* What is left, then the end (each read takes 16 KB at most). */
	while ((rc = xc_lines_read(fds[0], on_line, seen)) == 0)
		;
	assert_int_equal(rc, -1);
	close(fds[0]);
}

static void test_lines(void **state)
{
	size_t big = XC_LINE_MAX + 5000, len;
	char *data = malloc(big + 64), out[512] = "";
	struct seen seen = {0};
	FILE *cap = tmpfile();
	int saved = dup(STDOUT_FILENO);

	(void)state;
	assert_non_null(data);
	assert_non_null(cap);
	len = (size_t)sprintf(data, "{\"a\":1}\n");
	memset(data + len, 'x', big);
	len += big;
	len += (size_t)sprintf(data + len, "\n\n{\"b\":2}\nlast");
	/* The events (one error) go to stdout: captured. */
	fflush(stdout);
	dup2(fileno(cap), STDOUT_FILENO);
	feed(data, len, &seen);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	rewind(cap);
	assert_true(fread(out, 1, sizeof(out) - 1, cap) > 0);
	fclose(cap);
	free(data);

	/* Line 2 skipped, line 3 empty (ignored), "last" has no newline. */
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.lines[0], "{\"a\":1}");
	assert_int_equal(seen.numbers[0], 1);
	assert_string_equal(seen.lines[1], "{\"b\":2}");
	assert_int_equal(seen.numbers[1], 4);
	assert_non_null(strstr(out, "\"line 2: longer than 65536 bytes, "
				    "skipped\""));
	assert_null(strstr(out, "line 1:"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table),
	    cmocka_unit_test(test_cut),
	    cmocka_unit_test(test_random),
	    cmocka_unit_test(test_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
