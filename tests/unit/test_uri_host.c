/*
 * The host normaliser N(h) of docs/chat-rooms.md section 3, host equality
 * and PRECIS UsernameCaseMapped on their own (the URI grammars are in
 * test_uri.c): benign forms with their exact normalised forms, look-alikes
 * and numeric hosts rejected by exactly the expected rule, and the length
 * limits.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confinfo/uri.h"
#include "testutil.h"

/* ---------------------------------------------------------------------
 * The host normaliser alone.
 * ------------------------------------------------------------------- */

#define UNI  CONFINFO_HOST_ALLOW_UNICODE
#define PCTF CONFINFO_HOST_ALLOW_PCT

struct host_row {
	const char *in;
	unsigned flags;
	enum confinfo_uri_err err;
	enum confinfo_host_kind kind;
	const char *ascii, *unicode;
};

#define HOK(s, f, k, a, u)                                                     \
	{                                                                      \
		s, f, CONFINFO_URI_OK, CONFINFO_HOST_##k, a, u                 \
	}
#define HBAD(s, f, e)                                                          \
	{                                                                      \
		s, f, CONFINFO_URI_E_##e, CONFINFO_HOST_NONE, NULL, NULL       \
	}

static const struct host_row host_rows[] = {
    HOK("EXAMPLE.com", 0, NAME, "example.com", "example.com"),
    HOK("example.com.", 0, NAME, "example.com", "example.com"),
    HOK("a", 0, NAME, "a", "a"),
    HOK("b\xc3\xbc"
	"cher.de",
	UNI, NAME, "xn--bcher-kva.de",
	"b\xc3\xbc"
	"cher.de"),
    /* ASCII letters fold in a U-label too; non-ASCII never does. */
    HOK("B\xc3\xbc"
	"cher.de",
	UNI, NAME, "xn--bcher-kva.de",
	"b\xc3\xbc"
	"cher.de"),
    HOK("b%C3%BCcher.de", PCTF, NAME, "xn--bcher-kva.de",
	"b\xc3\xbc"
	"cher.de"),
    HOK("b%c3%bccher.de", PCTF, NAME, "xn--bcher-kva.de",
	"b\xc3\xbc"
	"cher.de"),
    /* IDNA2008 keeps sharp s (no UTS #46 mapping to "ss"). */
    HOK("\xc3\x9f.de", UNI, NAME, "xn--zca.de", "\xc3\x9f.de"),
    HOK("xn--zca.de", 0, NAME, "xn--zca.de", "\xc3\x9f.de"),
    HOK("ma\xc3\xb1"
	"ana.com",
	UNI, NAME, "xn--maana-pta.com",
	"ma\xc3\xb1"
	"ana.com"),
    /* A Cyrillic look-alike is a valid IDN: the chat module flags it. */
    HOK("\xd0\xb0pple.com", UNI, NAME, "xn--pple-43d.com", "\xd0\xb0pple.com"),
    HOK("\xd0\xbf\xd1\x80\xd0\xb8\xd0\xbc\xd0\xb5\xd1\x80.xn--p1ai", UNI, NAME,
	"xn--e1afmkfd.xn--p1ai",
	"\xd0\xbf\xd1\x80\xd0\xb8\xd0\xbc\xd0\xb5\xd1\x80.\xd1\x80\xd1\x84"),
    HOK("[::1]", 0, IPV6, "[::1]", "[::1]"),
    HOK("[0:0:0:0:0:0:0:1]", 0, IPV6, "[::1]", "[::1]"),
    HOK("[::ffff:192.0.2.1]", 0, IPV6, "[::ffff:192.0.2.1]",
	"[::ffff:192.0.2.1]"),
    HOK("192.0.2.1", 0, IPV4, "192.0.2.1", "192.0.2.1"),
    HOK("255.255.255.255", 0, IPV4, "255.255.255.255", "255.255.255.255"),
    HBAD("", 0, HOST),
    HBAD(".", 0, HOST),
    HBAD("example..com", 0, HOST),
    HBAD("b\xc3\xbc"
	 "cher.de",
	 0, HOST),
    HBAD("b%C3%BCcher.de", 0, HOST),
    HBAD("b%C3%BCcher.de", UNI, HOST),
    HBAD("ex%41mple.com", PCTF, HOST),
    HBAD("ex%2Eample.com", PCTF, HOST),
    HBAD("b%C3cher.de", PCTF, HOST),
    HBAD("\xef\xbc\xa5\xef\xbc\xb8.com", UNI, IDN),
    HBAD("example\xe3\x80\x82"
	 "com",
	 UNI, IDN),
    HBAD("example\xef\xbc\x8e"
	 "com",
	 UNI, IDN),
    HBAD("ex\xc2\xad"
	 "ample.com",
	 UNI, IDN),
    HBAD("ex\xe2\x80\x8b"
	 "ample.com",
	 UNI, IDN),
    HBAD("ex\xe2\x80\x8c"
	 "ample.com",
	 UNI, IDN),
    HBAD("ex\xef\xbb\xbf"
	 "ample.com",
	 UNI, IDN),
    HBAD("MA\xc3\x91"
	 "ANA.com",
	 UNI, IDN),
    /* n + COMBINING TILDE: not NFC, so not a U-label. */
    HBAD("man\xcc\x83"
	 "ana.com",
	 UNI, IDN),
    /* Latin and Hebrew in one label: the Bidi Rule fails. */
    HBAD("a\xd7\x90.com", UNI, IDN),
    HBAD("xn--abc.com", 0, IDN),
    HBAD("xn--ls8h.la", 0, IDN),
    HBAD("xn--bcher-kva1.de", 0, IDN),
    HOK("XN--BCHER-KVA", 0, NAME, "xn--bcher-kva",
	"b\xc3\xbc"
	"cher"),
    HBAD("xn--ss-.de", 0, HOST),
    HBAD("\xe2\x84\xaa"
	 "elvin.com",
	 UNI, IDN),
    HBAD("2130706433", 0, HOST),
    HBAD("0x7f000001", 0, HOST),
    HBAD("0x", 0, HOST),
    HBAD("127.1", 0, HOST),
    HBAD("1.2.3.04", 0, HOST),
    HBAD("1.2.3.4.", 0, HOST),
    HBAD("[::1", 0, IPLITERAL),
    HBAD("[::1%251]", 0, IPLITERAL),
    HBAD("[v1.x]", 0, IPLITERAL),
    HBAD("[1.2.3.4]", 0, IPLITERAL),
    HBAD("ex[a]mple.com", 0, IPLITERAL),
    HBAD("exa mple.com", 0, CHAR),
    HBAD("exa\\mple.com", 0, CHAR),
    HBAD("exa\xe2\x80\xaemple.com", UNI, CHAR),
};

static void test_host_rows(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(host_rows) / sizeof(host_rows[0]); i++) {
		const struct host_row *r = &host_rows[i];
		struct confinfo_host h = {0};
		struct confinfo_diag d = {0};
		enum confinfo_uri_err code = CONFINFO_URI_E_LENGTH + 100;
		int err = confinfo_uri_host_normalize(&h, r->in, strlen(r->in),
						      r->flags, &code, &d);

		if (r->err) {
			if (err != EBADMSG || code != r->err)
				fail_msg("host '%s': expected %s, got %d %s "
					 "(%s)",
					 r->in, confinfo_uri_err_str(r->err),
					 err, confinfo_uri_err_str(code),
					 d.message);
			assert_null(h.ascii);
			continue;
		}
		if (err)
			fail_msg("host '%s': %s", r->in, d.message);
		assert_int_equal(h.kind, r->kind);
		assert_string_equal(h.ascii, r->ascii);
		assert_string_equal(h.unicode, r->unicode);
		confinfo_uri_host_reset(&h);
		assert_null(h.ascii);
	}
}

/* Exactly 253 octets pass, 254 do not; 63-octet labels pass, 64 not. */
static void test_host_limits(void **state)
{
	char name[300];
	struct confinfo_host h = {0};
	enum confinfo_uri_err code;

	(void)state;
	/* 4 labels of 63 + 3 dots = 255; trim to 253 and 254. */
	memset(name, 'a', sizeof(name));
	name[63] = name[127] = name[191] = '.';
	name[253] = '\0';
	assert_int_equal(
	    confinfo_uri_host_normalize(&h, name, 253, 0, &code, NULL), 0);
	assert_int_equal(strlen(h.ascii), 253);
	confinfo_uri_host_reset(&h);
	name[253] = 'a';
	assert_int_equal(
	    confinfo_uri_host_normalize(&h, name, 254, 0, &code, NULL),
	    EBADMSG);
	assert_int_equal(code, CONFINFO_URI_E_HOST);
	/* With a trailing dot, 253 octets of name still pass. */
	name[253] = '.';
	assert_int_equal(
	    confinfo_uri_host_normalize(&h, name, 254, 0, &code, NULL), 0);
	confinfo_uri_host_reset(&h);
	memset(name, 'b', 64);
	assert_int_equal(
	    confinfo_uri_host_normalize(&h, name, 63, 0, &code, NULL), 0);
	confinfo_uri_host_reset(&h);
	assert_int_equal(
	    confinfo_uri_host_normalize(&h, name, 64, 0, &code, NULL), EBADMSG);
	assert_int_equal(code, CONFINFO_URI_E_HOST);
}

struct equal_row {
	const char *a, *b;
	bool equal;
};

static const struct equal_row equal_rows[] = {
    {"example.com", "EXAMPLE.COM.", true},
    {"example.com", "example.com", true},
    {"b\xc3\xbc"
     "cher.de",
     "xn--bcher-kva.de", true},
    {"[2001:db8::1]", "[2001:DB8:0::1]", true},
    {"[::ffff:192.0.2.1]", "[::ffff:c000:201]", true},
    {"192.0.2.1", "192.0.2.1", true},
    {"192.0.2.1", "[::ffff:192.0.2.1]", false},
    {"[::1]", "127.0.0.1", false},
    {"\xc3\x9f.de", "ss.de", false},
    {"example.com", "evil-example.com", false},
    {"example.com", "example.com.evil.net", false},
    {"example.com", "www.example.com", false},
    {"www.example.com", "example.com", false},
    {"example.com", "example.co", false},
    {"\xd0\xb0pple.com", "apple.com", false},
    {"192.0.2.1", "192.0.2.10", false},
};

static void test_host_equal(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(equal_rows) / sizeof(equal_rows[0]);
	     i++) {
		struct confinfo_host a = {0}, b = {0};
		unsigned f = UNI | PCTF;

		assert_int_equal(confinfo_uri_host_normalize(
				     &a, equal_rows[i].a,
				     strlen(equal_rows[i].a), f, NULL, NULL),
				 0);
		assert_int_equal(confinfo_uri_host_normalize(
				     &b, equal_rows[i].b,
				     strlen(equal_rows[i].b), f, NULL, NULL),
				 0);
		if (confinfo_uri_host_equal(&a, &b) != equal_rows[i].equal ||
		    confinfo_uri_host_equal(&b, &a) != equal_rows[i].equal)
			fail_msg("%s vs %s: expected %s", equal_rows[i].a,
				 equal_rows[i].b,
				 equal_rows[i].equal ? "equal" : "different");
		confinfo_uri_host_reset(&a);
		confinfo_uri_host_reset(&b);
	}
	/* No host equals nothing, not even another absent host. */
	{
		struct confinfo_host none = {0};

		assert_false(confinfo_uri_host_equal(&none, &none));
		assert_false(confinfo_uri_host_equal(NULL, &none));
	}
}

/* ---------------------------------------------------------------------
 * PRECIS UsernameCaseMapped.
 * ------------------------------------------------------------------- */

struct precis_row {
	const char *in;
	size_t len;
	const char *out; /* NULL: rejected */
	bool width;
};

#define POK(i, o)                                                              \
	{                                                                      \
		i, sizeof(i) - 1, o, false                                     \
	}
#define PW(i, o)                                                               \
	{                                                                      \
		i, sizeof(i) - 1, o, true                                      \
	}
#define PBAD(i)                                                                \
	{                                                                      \
		i, sizeof(i) - 1, NULL, false                                  \
	}

static const struct precis_row precis_rows[] = {
    POK("dev", "dev"),
    POK("DEV", "dev"),
    POK("D\xc3\xa9v", "d\xc3\xa9v"),
    POK("e\xcc\x81", "\xc3\xa9"),
    POK("\xc3\x9f", "\xc3\x9f"),
    POK("\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d", "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d"),
    POK("a.b-c_d+e", "a.b-c_d+e"),
    POK("\xce\x91\xce\x92", "\xce\xb1\xce\xb2"),
    PW("\xef\xbc\xa4\xef\xbc\xa5\xef\xbc\xb6", "dev"),
    PW("\xef\xbd\xb6", "\xe3\x82\xab"),
    PBAD(""),
    PBAD("a b"),
    PBAD("a\tb"),
    PBAD("a\0b"),
    PBAD("\xff"),
    PBAD("\xc0\xaf"),
    PBAD("\xe2\x84\xa6"),
    PBAD("\xef\xac\x81"),
    PBAD("a\xe2\x80\x8d"
	 "b"),
    PBAD("a\xe2\x80\x8b"
	 "b"),
    PBAD("\xc2\xb7"),
    PBAD("\xd9\xa1\xd9\xa2"),
    PBAD("a\xd7\x90"),
    PBAD("\xe1\x84\x80"),
    PBAD("\xef\xb7\x90"),
    PBAD("\xe2\x98\xba"),
    PBAD("\xc2\xa0"),
    PBAD("\xe2\x80\xae"
	 "a"),
    PBAD("\xee\x80\x80"),
    PBAD("\xe2\x85\xa0"),
};

static void test_precis(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(precis_rows) / sizeof(precis_rows[0]);
	     i++) {
		const struct precis_row *r = &precis_rows[i];
		struct confinfo_bytes out = {0};
		bool width = !r->width;
		int err =
		    confinfo_uri_precis_username(&out, r->in, r->len, &width);

		if (!r->out) {
			if (err != EBADMSG)
				fail_msg("precis row %zu: accepted", i);
			assert_null(out.ptr);
			continue;
		}
		if (err)
			fail_msg("precis row %zu: rejected", i);
		assert_int_equal(out.len, strlen(r->out));
		assert_memory_equal(out.ptr, r->out, out.len);
		assert_int_equal(width, r->width);
		free(out.ptr);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_host_rows),
	    cmocka_unit_test(test_host_limits),
	    cmocka_unit_test(test_host_equal),
	    cmocka_unit_test(test_precis),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
