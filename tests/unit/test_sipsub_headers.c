/*
 * The subscriber's header parsers (src/sipsub/headers.c) without the
 * network: Subscription-State, Event and delta-seconds, each from a table
 * of valid and hostile values with the exact result expected. The inputs
 * are handed over as libre pointer-length strings (struct pl), the way
 * sock.c passes them from a parsed NOTIFY, so a value is never terminated
 * by NUL and the parsers must stop at its length.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <re.h>

/* The module's private header: its include directory is not exported. */
#include "../../src/sipsub/sipsub.h"

/* An input that may hold NUL bytes: its length is that of the literal. */
#define RAW(s) s, sizeof(s) - 1
/* A NUL-free input: its length is strlen(). */
#define STR(s) s, 0

#define U32MAX UINT32_MAX

/*
 * Build the pl as sock.c receives it. The bytes are copied into a buffer of
 * exactly @p len bytes on the heap, so that a parser reading one byte past
 * the value is caught by ASan.
 */
static char *pl_from(struct pl *pl, const char *s, size_t len)
{
	char *buf = malloc(len ? len : 1);

	assert_non_null(buf);
	if (len)
		memcpy(buf, s, len);
	pl->p = buf;
	pl->l = len;
	return buf;
}

static size_t in_len(const char *s, size_t len)
{
	return len ? len : strlen(s);
}

/* ------------------------------------------------------------------ */
/* Subscription-State. */

struct substate_case {
	const char *in;
	size_t len; /* 0: strlen(in) */
	int err;
	enum sipsub_substate_value value;
	const char *reason;
	bool has_expires;
	uint32_t expires;
	bool has_retry_after;
	uint32_t retry_after;
};

#define ACT SIPSUB_SS_ACTIVE
#define PEN SIPSUB_SS_PENDING
#define TER SIPSUB_SS_TERMINATED
#define EXT SIPSUB_SS_EXTENSION

static const struct substate_case substate_cases[] = {
    /* Plain states, case-insensitive. */
    {STR("active"), 0, ACT, "", false, 0, false, 0},
    {STR("ACTIVE"), 0, ACT, "", false, 0, false, 0},
    {STR("Pending"), 0, PEN, "", false, 0, false, 0},
    {STR("terminated"), 0, TER, "", false, 0, false, 0},
    {STR("TeRmInAtEd"), 0, TER, "", false, 0, false, 0},
    /* Unknown states are extensions (RFC 6665 section 4.1.3). */
    {STR("waiting"), 0, EXT, "", false, 0, false, 0},
    {STR("activex"), 0, EXT, "", false, 0, false, 0},
    {STR("activ"), 0, EXT, "", false, 0, false, 0},
    {STR("x-state;expires=5"), 0, EXT, "", true, 5, false, 0},
    /* Parameters, names case-insensitive. */
    {STR("active;expires=3600"), 0, ACT, "", true, 3600, false, 0},
    {STR("active;EXPIRES=60"), 0, ACT, "", true, 60, false, 0},
    {STR("pending;Expires=0"), 0, PEN, "", true, 0, false, 0},
    {STR("terminated;reason=timeout"), 0, TER, "timeout", false, 0, false, 0},
    {STR("terminated;REASON=NoResource"), 0, TER, "noresource", false, 0, false,
     0},
    {STR("terminated;reason=probation;retry-after=30"), 0, TER, "probation",
     false, 0, true, 30},
    {STR("terminated;Retry-After=7;reason=giveup"), 0, TER, "giveup", false, 0,
     true, 7},
    {STR("active;expires=10;reason=deactivated;retry-after=3"), 0, ACT,
     "deactivated", true, 10, true, 3},
    /* Unknown reasons are tolerated, lower-cased. */
    {STR("terminated;reason=Moved-Elsewhere"), 0, TER, "moved-elsewhere", false,
     0, false, 0},
    /* A long extension reason is kept, cut to 31 bytes. */
    {STR("terminated;reason=ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), 0, TER,
     "abcdefghijklmnopqrstuvwxyz01234", false, 0, false, 0},
    {STR("terminated;reason=abcdefghijklmnopqrstuvwxyz01234"), 0, TER,
     "abcdefghijklmnopqrstuvwxyz01234", false, 0, false, 0},
    /* Whitespace around everything, and line folds. */
    {STR("  active  "), 0, ACT, "", false, 0, false, 0},
    {STR("\tactive\t;\texpires\t=\t42\t"), 0, ACT, "", true, 42, false, 0},
    {STR("active ; expires = 42 ; reason = Timeout"), 0, ACT, "timeout", true,
     42, false, 0},
    {STR("active;\r\n expires=42"), 0, ACT, "", true, 42, false, 0},
    {STR("active\r\n\t;expires=42"), 0, ACT, "", true, 42, false, 0},
    {STR("active;expires=00000000000000000000000007"), 0, ACT, "", true, 7,
     false, 0},
    /* Generic parameters: ignored, in every gen-value form. */
    {STR("active;foo"), 0, ACT, "", false, 0, false, 0},
    {STR("active;foo=bar;expires=9"), 0, ACT, "", true, 9, false, 0},
    {STR("active;foo=\"a ; b, expires=1\";expires=9"), 0, ACT, "", true, 9,
     false, 0},
    {STR("active;foo=\"esc \\\" quote\""), 0, ACT, "", false, 0, false, 0},
    {STR("active;foo=\"\""), 0, ACT, "", false, 0, false, 0},
    {STR("active;foo=\"caf\xc3\xa9\""), 0, ACT, "", false, 0, false, 0},
    {STR("active;maddr=[2001:db8::1];expires=9"), 0, ACT, "", true, 9, false,
     0},
    {STR("active;host=192.0.2.1"), 0, ACT, "", false, 0, false, 0},
    {STR("active;foo;foo;foo=1"), 0, ACT, "", false, 0, false, 0},
    /* Numbers: saturate at 2^32-1 (RFC 3261 section 20.19). */
    {STR("active;expires=4294967295"), 0, ACT, "", true, U32MAX, false, 0},
    {STR("active;expires=4294967294"), 0, ACT, "", true, U32MAX - 1, false, 0},
    {STR("active;expires=4294967296"), 0, ACT, "", true, U32MAX, false, 0},
    {STR("active;expires=18446744073709551616"), 0, ACT, "", true, U32MAX,
     false, 0},
    {STR("terminated;retry-after="
	 "99999999999999999999999999999999999999999999999999"),
     0, TER, "", false, 0, true, U32MAX},

    /* Hostile and malformed forms: all EBADMSG. */
    {STR(""), EBADMSG, 0, NULL, false, 0, false, 0},
    {STR("   "), EBADMSG, 0, NULL, false, 0, false, 0},
    {STR("\r\n "), EBADMSG, 0, NULL, false, 0, false, 0},
    {STR(";expires=1"), EBADMSG, 0, NULL, false, 0, false, 0},
    {STR("\"active\""), EBADMSG, 0, NULL, false, 0, false, 0},
    {STR("active pending"), EBADMSG, 0, NULL, false, 0, false, 0},
    {STR("active,pending"), EBADMSG, 0, NULL, false, 0, false, 0},
    {STR("active;"), EBADMSG, 0, NULL, false, 0, false, 0},
    {STR("active;;expires=1"), EBADMSG, 0, NULL, false, 0, false, 0},
    {STR("active;=1"), EBADMSG, 0, NULL, false, 0, false, 0},
    {STR("active;foo="), EBADMSG, 0, NULL, false, 0, false, 0},
    {STR("active;foo=\"open"), EBADMSG, 0, NULL, false, 0, false, 0},
    {STR("active;foo=\"ends in escape\\"), EBADMSG, 0, NULL, false, 0, false,
     0},
    {STR("active;foo=[]"), EBADMSG, 0, NULL, false, 0, false, 0},
    {STR("active;foo=[::1"), EBADMSG, 0, NULL, false, 0, false, 0},
    {STR("active;foo=[::g]"), EBADMSG, 0, NULL, false, 0, false, 0},
    {STR("active;foo=bar baz"), EBADMSG, 0, NULL, false, 0, false, 0},
    /* Missing or non-numeric values of the known parameters. */
    {STR("active;expires"), EBADMSG, 0, NULL, false, 0, false, 0},
    {STR("active;expires="), EBADMSG, 0, NULL, false, 0, false, 0},
    {STR("active;expires=-1"), EBADMSG, 0, NULL, false, 0, false, 0},
    {STR("active;expires=+1"), EBADMSG, 0, NULL, false, 0, false, 0},
    {STR("active;expires=1.5"), EBADMSG, 0, NULL, false, 0, false, 0},
    {STR("active;expires=0x10"), EBADMSG, 0, NULL, false, 0, false, 0},
    {STR("active;expires=10s"), EBADMSG, 0, NULL, false, 0, false, 0},
    {STR("active;expires=\"10\""), EBADMSG, 0, NULL, false, 0, false, 0},
    {STR("active;expires=[::1]"), EBADMSG, 0, NULL, false, 0, false, 0},
    {STR("terminated;retry-after"), EBADMSG, 0, NULL, false, 0, false, 0},
    {STR("terminated;retry-after=soon"), EBADMSG, 0, NULL, false, 0, false, 0},
    {STR("terminated;reason"), EBADMSG, 0, NULL, false, 0, false, 0},
    {STR("terminated;reason="), EBADMSG, 0, NULL, false, 0, false, 0},
    {STR("terminated;reason=\"timeout\""), EBADMSG, 0, NULL, false, 0, false,
     0},
    {STR("terminated;reason=[::1]"), EBADMSG, 0, NULL, false, 0, false, 0},
    /* Duplicated parameters (RFC 3261 section 7.3.1). */
    {STR("active;expires=10;expires=20"), EBADMSG, 0, NULL, false, 0, false, 0},
    {STR("active;expires=10;EXPIRES=10"), EBADMSG, 0, NULL, false, 0, false, 0},
    {STR("terminated;reason=timeout;reason=rejected"), EBADMSG, 0, NULL, false,
     0, false, 0},
    {STR("terminated;retry-after=1;Retry-After=2"), EBADMSG, 0, NULL, false, 0,
     false, 0},
    /* Embedded NUL: never part of a token, never whitespace. */
    {RAW("active\0"), EBADMSG, 0, NULL, false, 0, false, 0},
    {RAW("\0active"), EBADMSG, 0, NULL, false, 0, false, 0},
    {RAW("act\0ive"), EBADMSG, 0, NULL, false, 0, false, 0},
    {RAW("terminated;reason=rejected\0x"), EBADMSG, 0, NULL, false, 0, false,
     0},
    {RAW("active;expires=1\0"
	 "0"),
     EBADMSG, 0, NULL, false, 0, false, 0},
    {RAW("active;foo=\"a\0b\""), EBADMSG, 0, NULL, false, 0, false, 0},
    {RAW("active;ex\0pires=1"), EBADMSG, 0, NULL, false, 0, false, 0},
    /* CR and LF other than a line fold: header injection. */
    {STR("active\r\nExpires: 1"), EBADMSG, 0, NULL, false, 0, false, 0},
    {STR("active\r\n"), EBADMSG, 0, NULL, false, 0, false, 0},
    {STR("active\n ;expires=1"), EBADMSG, 0, NULL, false, 0, false, 0},
    {STR("active\r ;expires=1"), EBADMSG, 0, NULL, false, 0, false, 0},
    {STR("active;expires=1\r"), EBADMSG, 0, NULL, false, 0, false, 0},
    {STR("active;expires=1\n"), EBADMSG, 0, NULL, false, 0, false, 0},
    {STR("\nactive"), EBADMSG, 0, NULL, false, 0, false, 0},
    {STR("active;foo=\"a\rb\""), EBADMSG, 0, NULL, false, 0, false, 0},
    {STR("active;foo=\"a\nb\""), EBADMSG, 0, NULL, false, 0, false, 0},
    {STR("active;foo=\"a\\\nb\""), EBADMSG, 0, NULL, false, 0, false, 0},
    {STR("active;foo=\"a\x01"
	 "b\""),
     EBADMSG, 0, NULL, false, 0, false, 0},
    {STR("active;foo=\"a\x7f"
	 "b\""),
     EBADMSG, 0, NULL, false, 0, false, 0},
    /* A non-ASCII byte is not a token character. */
    {STR("act\xc3\xafve"), EBADMSG, 0, NULL, false, 0, false, 0},
};

static void check_substate(const struct substate_case *c, size_t idx)
{
	size_t len = in_len(c->in, c->len);
	struct sipsub_substate ss, sentinel;
	struct pl pl;
	char *buf = pl_from(&pl, c->in, len);
	int err;

	/* Out-parameter written only on success: a sentinel must survive. */
	memset(&sentinel, 0xa5, sizeof(sentinel));
	ss = sentinel;
	err = sipsub_substate_parse(&ss, pl.p, pl.l);
	if (err != c->err)
		fail_msg("case %zu (%.*s): err %d, expected %d", idx, (int)len,
			 c->in, err, c->err);
	if (c->err) {
		assert_memory_equal(&ss, &sentinel, sizeof(ss));
	} else {
		if (ss.value != c->value)
			fail_msg("case %zu: value %d, expected %d", idx,
				 (int)ss.value, (int)c->value);
		assert_string_equal(ss.reason, c->reason);
		assert_int_equal(ss.has_expires, c->has_expires);
		assert_int_equal(ss.has_retry_after, c->has_retry_after);
		if (c->has_expires)
			assert_int_equal(ss.expires, c->expires);
		if (c->has_retry_after)
			assert_int_equal(ss.retry_after, c->retry_after);
	}
	free(buf);
}

static void test_substate_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(substate_cases) / sizeof(substate_cases[0]); i++)
		check_substate(&substate_cases[i], i);
}

/* Absent fields are cleared, whatever the struct held before. */
static void test_substate_clears(void **state)
{
	struct sipsub_substate ss;

	(void)state;
	memset(&ss, 0xa5, sizeof(ss));
	assert_int_equal(sipsub_substate_parse(&ss, "pending", 7), 0);
	assert_int_equal(ss.value, SIPSUB_SS_PENDING);
	assert_string_equal(ss.reason, "");
	assert_false(ss.has_expires);
	assert_int_equal(ss.expires, 0);
	assert_false(ss.has_retry_after);
	assert_int_equal(ss.retry_after, 0);
}

/* The parser stops at the length, not at a terminator. */
static void test_substate_length(void **state)
{
	const char *s = "active;expires=1234;reason=timeout";
	struct sipsub_substate ss;

	(void)state;
	assert_int_equal(sipsub_substate_parse(&ss, s, 6), 0);
	assert_int_equal(ss.value, SIPSUB_SS_ACTIVE);
	assert_false(ss.has_expires);
	assert_int_equal(sipsub_substate_parse(&ss, s, 17), 0);
	assert_true(ss.has_expires);
	assert_int_equal(ss.expires, 12);
	assert_string_equal(ss.reason, "");
	assert_int_equal(sipsub_substate_parse(&ss, s, 7), EBADMSG);
	assert_int_equal(sipsub_substate_parse(&ss, s, 0), EBADMSG);
	assert_int_equal(sipsub_substate_parse(&ss, s, 3), 0);
	assert_int_equal(ss.value, SIPSUB_SS_EXTENSION);
}

static void test_substate_args(void **state)
{
	struct sipsub_substate ss;

	(void)state;
	assert_int_equal(sipsub_substate_parse(NULL, "active", 6), EINVAL);
	assert_int_equal(sipsub_substate_parse(&ss, NULL, 0), EINVAL);
}

/* A huge value (many parameters, a 1 MB number) is linear and exact. */
static void test_substate_huge(void **state)
{
	const size_t n = 1 << 20;
	struct sipsub_substate ss;
	char *buf = malloc(n + 64);
	size_t len, i;

	(void)state;
	assert_non_null(buf);
	len = (size_t)sprintf(buf, "active;expires=");
	for (i = 0; i < n; i++)
		buf[len++] = (char)('1' + i % 9);
	assert_int_equal(sipsub_substate_parse(&ss, buf, len), 0);
	assert_true(ss.has_expires);
	assert_int_equal(ss.expires, UINT32_MAX);

	len = (size_t)sprintf(buf, "active");
	while (len + 4 <= n) {
		memcpy(buf + len, ";x=1", 4);
		len += 4;
	}
	memcpy(buf + len, ";expires=77", 11);
	len += 11;
	assert_int_equal(sipsub_substate_parse(&ss, buf, len), 0);
	assert_int_equal(ss.expires, 77);
	free(buf);
}

/* ------------------------------------------------------------------ */
/* Event. */

struct event_case {
	const char *in;
	size_t len;
	const char *package;
	bool match;
};

static const struct event_case event_cases[] = {
    {STR("conference"), "conference", true},
    {STR("  conference  "), "conference", true},
    {STR("conference;foo=bar"), "conference", true},
    {STR("conference ; foo = \"x;id=1\""), "conference", true},
    {STR("conference;idx=1"), "conference", true},
    {STR("conference;foo"), "conference", true},
    {STR("conference;\r\n\tfoo=1"), "conference", true},
    {STR("presence"), "presence", true},
    /* Byte-exact package name (RFC 6665 section 8.2.1). */
    {STR("Conference"), "conference", false},
    {STR("CONFERENCE"), "conference", false},
    {STR("conferenc"), "conference", false},
    {STR("conferences"), "conference", false},
    {STR("conference.winfo"), "conference", false},
    {STR("presence"), "conference", false},
    /* An id parameter: not the subscription we made. */
    {STR("conference;id=1"), "conference", false},
    {STR("conference;ID=1"), "conference", false},
    {STR("conference;Id"), "conference", false},
    {STR("conference;foo=1;id=\"x\""), "conference", false},
    /* Malformed. */
    {STR(""), "conference", false},
    {STR("   "), "conference", false},
    {STR("\"conference\""), "conference", false},
    {STR("conference;"), "conference", false},
    {STR("conference;foo="), "conference", false},
    {STR("conference;foo=\"x"), "conference", false},
    {STR("conference presence"), "conference", false},
    {STR("conference,presence"), "conference", false},
    {STR("conference\r\nEvent: conference"), "conference", false},
    {STR("conference\n"), "conference", false},
    {RAW("conference\0"), "conference", false},
    {RAW("conference;id\0=1"), "conference", false},
    {RAW("confer\0ence"), "conference", false},
};

static void test_event_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(event_cases) / sizeof(event_cases[0]); i++) {
		const struct event_case *c = &event_cases[i];
		size_t len = in_len(c->in, c->len);
		struct pl pl;
		char *buf = pl_from(&pl, c->in, len);
		bool m = sipsub_event_match(pl.p, pl.l, c->package);

		if (m != c->match)
			fail_msg("event case %zu (%.*s): %d, expected %d", i,
				 (int)len, c->in, m, c->match);
		free(buf);
	}
}

static void test_event_args(void **state)
{
	(void)state;
	assert_false(sipsub_event_match(NULL, 0, "conference"));
	assert_false(sipsub_event_match("conference", 10, NULL));
	/* Stops at the length. */
	assert_true(sipsub_event_match("conference;id=1", 10, "conference"));
	assert_false(sipsub_event_match("conference", 9, "conference"));
}

/* ------------------------------------------------------------------ */
/* delta-seconds (Expires, Min-Expires, and the parameters above). */

struct delta_case {
	const char *in;
	size_t len;
	int err;
	uint32_t val;
};

static const struct delta_case delta_cases[] = {
    {STR("0"), 0, 0},
    {STR("1"), 0, 1},
    {STR("3600"), 0, 3600},
    {STR("007"), 0, 7},
    {STR(" 42 "), 0, 42},
    {STR("\t42\t"), 0, 42},
    {STR("\r\n 42"), 0, 42},
    {STR("4294967295"), 0, U32MAX},
    {STR("4294967296"), 0, U32MAX},
    {STR("42949672950"), 0, U32MAX},
    {STR("99999999999999999999999999999999"), 0, U32MAX},
    {STR("00000000000000000000000000004294967295"), 0, U32MAX},
    {STR("00000000000000000000000000000000000001"), 0, 1},
    {STR(""), EBADMSG, 0},
    {STR(" "), EBADMSG, 0},
    {STR("-1"), EBADMSG, 0},
    {STR("+1"), EBADMSG, 0},
    {STR("1 2"), EBADMSG, 0},
    {STR("12a"), EBADMSG, 0},
    {STR("a12"), EBADMSG, 0},
    {STR("1.0"), EBADMSG, 0},
    {STR("0x1"), EBADMSG, 0},
    {STR("1e3"), EBADMSG, 0},
    {STR("\"1\""), EBADMSG, 0},
    {STR("1\r\n"), EBADMSG, 0},
    {STR("1\n"), EBADMSG, 0},
    {STR("\n1"), EBADMSG, 0},
    {STR("1\r"), EBADMSG, 0},
    {RAW("1\0"), EBADMSG, 0},
    {RAW("\0"
	 "1"),
     EBADMSG, 0},
    {RAW("1\0"
	 "2"),
     EBADMSG, 0},
    {STR("\xd9\xa1"), EBADMSG, 0}, /* ARABIC-INDIC DIGIT ONE */
};

static void test_delta_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(delta_cases) / sizeof(delta_cases[0]); i++) {
		const struct delta_case *c = &delta_cases[i];
		size_t len = in_len(c->in, c->len);
		uint32_t v = 0xdeadbeef;
		struct pl pl;
		char *buf = pl_from(&pl, c->in, len);
		int err = sipsub_delta_parse(pl.p, pl.l, &v);

		if (err != c->err)
			fail_msg("delta case %zu (%.*s): err %d, expected %d",
				 i, (int)len, c->in, err, c->err);
		assert_int_equal(v, c->err ? 0xdeadbeef : c->val);
		free(buf);
	}
}

static void test_delta_args(void **state)
{
	uint32_t v = 5;

	(void)state;
	assert_int_equal(sipsub_delta_parse(NULL, 0, &v), EINVAL);
	assert_int_equal(sipsub_delta_parse("1", 1, NULL), EINVAL);
	assert_int_equal(v, 5);
	/* Stops at the length. */
	assert_int_equal(sipsub_delta_parse("123x", 2, &v), 0);
	assert_int_equal(v, 12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_substate_table),
	    cmocka_unit_test(test_substate_clears),
	    cmocka_unit_test(test_substate_length),
	    cmocka_unit_test(test_substate_args),
	    cmocka_unit_test(test_substate_huge),
	    cmocka_unit_test(test_event_table),
	    cmocka_unit_test(test_event_args),
	    cmocka_unit_test(test_delta_table),
	    cmocka_unit_test(test_delta_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
