/*
 * Encoder tests, text: escaping of character data and attribute values,
 * characters XML 1.0 cannot carry, the output buffer itself, and the
 * lexical checks of typed values (checked against the schema validator so
 * that they can be no looser than it).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "confinfo/xml.h"
#include "enctest.h"
#include "xml/buf.h"
#include "xml/encode.h"

/* Everything XML escapes, plus the whitespace that normalisation eats. */
#define SPECIAL "<a&b>\"c'd\te\nf\rg]]>h"

static void test_escaping_round_trip(void **state)
{
	struct confinfo_conf *c = et_minimal();
	struct confinfo_user *u = c->users->users.items[0];
	struct confinfo_endpoint *ep;
	char *out;
	xmlDocPtr doc;

	(void)state;
	SET(u->display_text, SPECIAL);
	SET(u->cascaded_focus, "sip:f@x;a=&<>");
	et_xattr(&u->ext, ET_XNS, "x", "v", SPECIAL);
	ep = et_endpoint(u, SPECIAL);
	et_media(ep, SPECIAL);
	SET(et_user(c, "sip:\xc3\xa9t\xc3\xa9@x")->display_text,
	    "\xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x98\x80 \x7f");
	out = et_encode_checked(c);
	/* no "]]>" anywhere, CR kept as a reference */
	assert_null(strstr(out, "]]>"));
	assert_non_null(strstr(out, "&#13;"));
	doc = et_parse(out);
	et_assert_xp(doc, "string(//ci:user[1]/ci:display-text)", SPECIAL);
	et_assert_xp(doc, "string(//ci:user[1]/@x:v)", SPECIAL);
	et_assert_xp(doc, "string(//ci:endpoint/@entity)", SPECIAL);
	et_assert_xp(doc, "string(//ci:media/@id)", SPECIAL);
	et_assert_xp(doc, "string(//ci:user[1]/ci:cascaded-focus)",
		     "sip:f@x;a=&<>");
	et_assert_xp(doc, "string(//ci:user[2]/ci:display-text)",
		     "\xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x98\x80 \x7f");
	xmlFreeDoc(doc);
	free(out);
	confinfo_conf_free(c);
}

/* Each of these cannot appear in XML 1.0 at all. */
static const char *const unrepresentable[] = {
    "a\x01z",           "\x1f",         "a\x0b",        "\xc3\x28",
    "\xc0\xaf",         "\xed\xa0\x80", "\xef\xbf\xbe", "\xef\xbf\xbf",
    "\xf4\x90\x80\x80", "\xe4\xb8",     "\x80",         "\xf8\x88\x80\x80\x80",
};

static void test_unrepresentable_characters(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(unrepresentable) / sizeof(*unrepresentable);
	     i++) {
		struct confinfo_conf *c = et_minimal();
		struct confinfo_user *u = c->users->users.items[0];

		SET(u->display_text, unrepresentable[i]);
		et_encode_fails(c, EINVAL);
		/* the same in an attribute value */
		SET(u->display_text, NULL);
		et_endpoint(u, unrepresentable[i]);
		et_encode_fails(c, EINVAL);
		confinfo_conf_free(c);
	}
}

static void test_buf_escape_every_byte(void **state)
{
	unsigned ch;

	(void)state;
	for (ch = 1; ch < 0x80; ch++) {
		char in[4] = {'a', (char)ch, 'z', '\0'};
		struct ci_buf t = {0}, a = {0};
		const char *want_t = NULL, *want_a = NULL;
		char plain[4] = {(char)ch, '\0'};
		char *ot, *oa;
		char expect[32];
		int bad = ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r';

		ci_buf_text(&t, in);
		ci_buf_attr(&a, in);
		if (bad) {
			assert_int_equal(ci_buf_finish(&t, &ot, NULL), EINVAL);
			assert_int_equal(ci_buf_finish(&a, &oa, NULL), EINVAL);
			continue;
		}
		switch (ch) {
		case '&':
			want_t = want_a = "&amp;";
			break;
		case '<':
			want_t = want_a = "&lt;";
			break;
		case '>':
			want_t = want_a = "&gt;";
			break;
		case '"':
			want_a = "&quot;";
			break;
		case '\t':
			want_a = "&#9;";
			break;
		case '\n':
			want_a = "&#10;";
			break;
		case '\r':
			want_t = want_a = "&#13;";
			break;
		}
		assert_int_equal(ci_buf_finish(&t, &ot, NULL), 0);
		assert_int_equal(ci_buf_finish(&a, &oa, NULL), 0);
		snprintf(expect, sizeof(expect), "a%sz",
			 want_t ? want_t : plain);
		assert_string_equal(ot, expect);
		snprintf(expect, sizeof(expect), "a%sz",
			 want_a ? want_a : plain);
		assert_string_equal(oa, expect);
		free(ot);
		free(oa);
	}
}

static void test_buf_numbers_and_growth(void **state)
{
	static const struct {
		uint32_t v;
		const char *s;
	} nums[] = {
	    {0, "0"}, {9, "9"}, {10, "10"}, {4294967295u, "4294967295"}};
	struct ci_buf b = {0};
	size_t i, n = 300000, len;
	char *big, *out;

	(void)state;
	for (i = 0; i < sizeof(nums) / sizeof(*nums); i++) {
		ci_buf_u32(&b, nums[i].v);
		assert_int_equal(ci_buf_finish(&b, &out, &len), 0);
		assert_string_equal(out, nums[i].s);
		assert_int_equal(len, strlen(nums[i].s));
		free(out);
	}
	/* many growths, escapes spanning them */
	big = malloc(2 * n + 1);
	assert_non_null(big);
	for (i = 0; i < n; i++)
		memcpy(big + 2 * i, "a&", 2);
	big[2 * n] = '\0';
	ci_buf_text(&b, big);
	assert_int_equal(ci_buf_finish(&b, &out, &len), 0);
	assert_int_equal(len, 6 * n);
	for (i = 0; i < n; i++)
		assert_memory_equal(out + 6 * i, "a&amp;", 6);
	assert_int_equal(out[len], '\0');
	free(out);
	free(big);
	/* nothing written is an empty string, not NULL */
	assert_int_equal(ci_buf_finish(&b, &out, &len), 0);
	assert_string_equal(out, "");
	free(out);
}

static void test_typed_value_checks(void **state)
{
	static const char *const good_when[] = {
	    "2005-03-04T20:00:00Z",           "2004-02-29T10:00:00",
	    "2000-02-29T00:00:00-13:59",      "-0044-03-15T12:00:00",
	    "12005-03-04T24:00:00.000+14:00", "2005-03-04T20:00:59.999"};
	static const char *const bad_when[] = {"2005-03-04T20:00:00z",
					       "1900-02-29T10:00:00",
					       "0000-01-01T00:00:00",
					       "02005-03-04T20:00:00",
					       "2005-03-04T24:00:01",
					       "2005-03-04T20:00:00+14:01",
					       "2005-03-04T20:00:00.",
					       " 2005-03-04T20:00:00Z",
					       "2005-03-04T20:00Z",
					       "2005-04-31T00:00:00",
					       ""};
	static const char *const good_lang[] = {"", "en", "en-US  fr",
						"abcdefgh-12345678", "q"};
	static const char *const bad_lang[] = {"abcdefghi", "en-", "e1",
					       "aa-bbbbbbbbb", "en_US"};
	size_t i;

	(void)state;
	/* each one also goes through the schema, so the checks cannot be
	 * looser than the validator */
	for (i = 0; i < sizeof(good_when) / sizeof(*good_when); i++) {
		struct confinfo_conf *c = et_minimal();
		struct confinfo_endpoint *ep =
		    et_endpoint(c->users->users.items[0], "e");
		char *out;

		ep->joining_info = et_exec(good_when[i], NULL, NULL);
		SET(((struct confinfo_user *)c->users->users.items[0])
			->languages,
		    good_lang[i % 5]);
		out = tu_encode(c);
		et_assert_valid(out);
		free(out);
		confinfo_conf_free(c);
	}
	for (i = 0; i < sizeof(bad_when) / sizeof(*bad_when); i++)
		assert_false(ci_xml_datetime_ok(bad_when[i]));
	for (i = 0; i < sizeof(bad_lang) / sizeof(*bad_lang); i++)
		assert_false(ci_xml_languages_ok(bad_lang[i]));
	assert_true(ci_xml_ncname_ok("\xc3\xa9t\xc3\xa9-1.x"));
	assert_false(ci_xml_ncname_ok("-a"));
	assert_false(ci_xml_ncname_ok("a:b"));
	assert_false(ci_xml_ncname_ok(""));
}

static int group_teardown(void **state)
{
	(void)state;
	et_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_escaping_round_trip),
	    cmocka_unit_test(test_unrepresentable_characters),
	    cmocka_unit_test(test_buf_escape_every_byte),
	    cmocka_unit_test(test_buf_numbers_and_growth),
	    cmocka_unit_test(test_typed_value_checks),
	};

	return cmocka_run_group_tests(tests, NULL, group_teardown);
}
