/*
 * The decoder's word-at-a-time fast paths against byte-by-byte references:
 * dec_is_indent() (indentation between elements: a wrong "blank" would let
 * text into element-only content) and dec_collapse() (XML Schema's
 * whiteSpace="collapse"), over every short string of a small alphabet and
 * over indentation-shaped strings with each byte changed in turn; and
 * attribute values (dec_attr_dup()'s "just copy" test) and leaf text
 * (on_chars()'s value set from one piece) through the decoder; and the
 * two ways our element names are found by address.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confinfo/confinfo.h"
#include "model/copy.h"
#include "testutil.h"
#include "xml/decode_int.h"

static const char alphabet[] = {'\n', ' ', '\t', '\r', 'a', (char)0xC3};

static bool ref_is_space(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return false;
	return true;
}

static size_t ref_collapse(char *s, size_t n)
{
	size_t out = 0;
	bool pending = false;

	for (size_t i = 0; i < n; i++) {
		bool sp =
		    s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r';

		if (sp) {
			pending = out > 0;
			continue;
		}
		if (pending)
			s[out++] = ' ';
		pending = false;
		s[out++] = s[i];
	}
	return out;
}

/* Both functions on @p s of @p n bytes, in a buffer of exactly that size
 * (so that ASan sees any read beyond it). */
static void check_one(const char *s, size_t n)
{
	unsigned char *a = malloc(n ? n : 1);
	char *b = malloc(n + 1), *c = malloc(n + 1);
	size_t nb, nc;

	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	memcpy(a, s, n);
	/* It may say "not this shape" of any string (the caller then tests
	 * byte by byte), but "indentation" only of blanks. */
	if (dec_is_indent(a, n) && !ref_is_space(a, n))
		fail_msg("dec_is_indent calls %zu bytes blank", n);
	memcpy(b, s, n);
	memcpy(c, s, n);
	nb = dec_collapse(b, n);
	nc = ref_collapse(c, n);
	assert_int_equal(nb, nc);
	assert_memory_equal(b, c, nb);
	free(a);
	free(b);
	free(c);
}

static void test_all_short_strings(void **unused)
{
	char s[7];
	size_t k = sizeof(alphabet);

	(void)unused;
	for (size_t n = 0; n <= 6; n++) {
		size_t total = 1;

		for (size_t i = 0; i < n; i++)
			total *= k;
		for (size_t v = 0; v < total; v++) {
			size_t x = v;

			for (size_t i = 0; i < n; i++, x /= k)
				s[i] = alphabet[x % k];
			check_one(s, n);
		}
	}
}

/* "\n" and 0..48 spaces (every length the fast paths treat, and beyond),
 * then the same with each byte replaced by each other character. */
static void test_indentation_shapes(void **unused)
{
	char s[64];

	(void)unused;
	for (size_t n = 1; n <= 49; n++) {
		s[0] = '\n';
		memset(s + 1, ' ', n - 1);
		check_one(s, n);
		/* The shapes it exists for: a newline and 1 to 32 spaces. */
		if ((n >= 2 && n <= 33) != dec_is_indent((unsigned char *)s, n))
			fail_msg("dec_is_indent misjudges a newline and %zu "
				 "spaces",
				 n - 1);
		for (size_t i = 0; i < n; i++) {
			for (size_t a = 0; a < sizeof(alphabet); a++) {
				char keep = s[i];

				s[i] = alphabet[a];
				check_one(s, n);
				s[i] = keep;
			}
		}
	}
}

/* Longer random values: URIs with the odd space, for the collapse's
 * eight-byte scan. */
static void test_random_values(void **unused)
{
	uint64_t r = 0x9E3779B97F4A7C15u;
	char s[80];

	(void)unused;
	for (int t = 0; t < 20000; t++) {
		size_t n;

		r ^= r << 13;
		r ^= r >> 7;
		r ^= r << 17;
		n = r % sizeof(s);
		for (size_t i = 0; i < n; i++) {
			r ^= r << 13;
			r ^= r >> 7;
			r ^= r << 17;
			s[i] = (r % 16 == 0) ? alphabet[r % 4]
					     : (char)('!' + (r >> 8) % 94);
		}
		check_one(s, n);
	}
}

/* Attribute values (dec_attr_dup(): a word-at-a-time test for "just
 * copy" before the general decode and collapse), through the decoder:
 * keys of every length up to past CI_COPY_INLINE, each with an "&amp;"
 * or a space at every position, as a user entity (anyURI: collapsed) and
 * as a media id (xs:string: kept). */
static size_t want_value(const char *raw, bool collapse, char *out)
{
	size_t n = 0;

	for (const char *p = raw; *p;) {
		if (!strncmp(p, "&amp;", 5)) {
			out[n++] = '&';
			p += 5;
		} else {
			out[n++] = *p++;
		}
	}
	if (collapse)
		n = ref_collapse(out, n);
	out[n] = '\0';
	return n;
}

static void check_attr(const char *raw)
{
	char doc[512], want[128];
	struct confinfo_conf *c = NULL;
	const struct confinfo_user *u;
	const struct confinfo_endpoint *ep;
	const struct confinfo_media *m;
	int err;

	snprintf(doc, sizeof(doc),
		 "<conference-info xmlns=\"" CONFINFO_NS
		 "\" entity=\"sip:c@x\" "
		 "version=\"1\"><users><user entity=\"%s\"><endpoint "
		 "entity=\"e\"><media id=\"%s\"/></endpoint></user></users>"
		 "</conference-info>",
		 raw, raw);
	err = confinfo_xml_decode(&c, doc, strlen(doc), NULL, NULL);
	assert_int_equal(err, 0);
	u = c->users->users.items[0];
	ep = u->endpoints.items[0];
	m = ep->media.items[0];
	want_value(raw, true, want);
	assert_string_equal(u->entity, want);
	want_value(raw, false, want);
	assert_string_equal(m->id, want);
	confinfo_conf_free(c);
}

static void test_attr_values(void **unused)
{
	char raw[128];

	(void)unused;
	for (size_t len = 1; len <= CI_COPY_INLINE + 9; len++) {
		for (size_t i = 0; i < len; i++)
			raw[i] = (char)('a' + i % 26);
		raw[len] = '\0';
		check_attr(raw);
		for (size_t pos = 0; pos <= len; pos++) {
			char v[128];

			/* An '&' and a space, each at pos. */
			snprintf(v, sizeof(v), "%.*s&amp;%s", (int)pos, raw,
				 raw + pos);
			check_attr(v);
			snprintf(v, sizeof(v), "%.*s %s", (int)pos, raw,
				 raw + pos);
			check_attr(v);
		}
	}
}

/* Leaf text (on_chars(): a string leaf's one piece of text becomes its
 * value at once; any further piece, from an entity, a character
 * reference, CDATA or around a comment, makes it go the general way):
 * every shape gives the text as written. */
static void check_text(const char *xml, const char *want)
{
	char doc[1024];
	struct confinfo_conf *c = NULL;
	int err;

	snprintf(doc, sizeof(doc),
		 "<conference-info xmlns=\"" CONFINFO_NS
		 "\" entity=\"sip:c@x\" "
		 "version=\"1\"><conference-description><display-text>%s"
		 "</display-text><subject>%s</subject></conference-description>"
		 "</conference-info>",
		 xml, xml);
	err = confinfo_xml_decode(&c, doc, strlen(doc), NULL, NULL);
	assert_int_equal(err, 0);
	assert_non_null(c->description);
	assert_string_equal(c->description->display_text, want);
	assert_string_equal(c->description->subject, want);
	confinfo_conf_free(c);
}

static void test_leaf_text(void **unused)
{
	char xml[512], want[512];

	(void)unused;
	check_text("", "");
	check_text("abc", "abc");
	check_text("  a \t b  ", "  a \t b  "); /* xs:string keeps it */
	check_text("a&amp;b", "a&b");
	check_text("&#65;", "A");
	check_text("&lt;x&gt;", "<x>");
	check_text("ab<!-- c -->cd", "abcd");
	check_text("<![CDATA[x<y]]>", "x<y");
	check_text("ab<![CDATA[cd]]>ef", "abcdef");
	check_text("ab<?pi x?>cd", "abcd");
	/* Around CI_COPY_INLINE, whole and with a second piece. */
	for (size_t n = 1; n <= 2 * CI_COPY_INLINE + 2; n++) {
		memset(xml, 'x', n);
		xml[n] = '\0';
		check_text(xml, xml);
		memcpy(want, xml, n);
		strcpy(xml + n, "&amp;yz");
		strcpy(want + n, "&yz");
		check_text(xml, want);
	}
}

/* Our element names by their address in the parser's dictionary
 * (dec_elem_by_addr()), both ways: the offset table that
 * dec_names_init() builds when the names share a pool (always, with the
 * libxml2 we build on), and the hash table it falls back on. */
static const struct {
	enum dec_elem e;
	const char *name;
} our_names[] = {
#define X(id, name) {E_##id, name},
    DEC_ELEMS(X)
#undef X
};

static void check_names(const struct dec *d, xmlDictPtr dict)
{
	const xmlChar *foo = xmlDictLookup(dict, BAD_CAST "foo", -1);
	char copy[32];

	for (size_t i = 0; i < sizeof(our_names) / sizeof(our_names[0]); i++) {
		const xmlChar *p =
		    xmlDictLookup(dict, BAD_CAST our_names[i].name, -1);

		assert_int_equal(dec_elem_by_addr(d, p), our_names[i].e);
		/* Inside a name is no name; nor is a copy, except by text. */
		assert_int_equal(dec_elem_by_addr(d, p + 1), E_UNKNOWN);
		snprintf(copy, sizeof(copy), "%s", our_names[i].name);
		assert_int_equal(dec_elem_by_addr(d, BAD_CAST copy), E_UNKNOWN);
		assert_int_equal(dec_elem_of(d, BAD_CAST copy), our_names[i].e);
	}
	assert_int_equal(dec_elem_by_addr(d, foo), E_UNKNOWN);
	assert_int_equal(dec_elem_of(d, foo), E_UNKNOWN);
}

static void test_names(void **unused)
{
	static struct dec d; /* large: not on the stack */
	const xmlChar *p[E_COUNT] = {NULL};

	(void)unused;
	memset(&d, 0, sizeof(d));
	d.ctxt = xmlNewParserCtxt();
	assert_non_null(d.ctxt);
	assert_int_equal(dec_names_init(&d), 0);
	assert_non_null(d.names_base);
	check_names(&d, d.ctxt->dict);
	for (size_t i = 0; i < sizeof(our_names) / sizeof(our_names[0]); i++)
		p[our_names[i].e] =
		    xmlDictLookup(d.ctxt->dict, BAD_CAST our_names[i].name, -1);
	dec_names_hash(&d, p);
	assert_null(d.names_base);
	check_names(&d, d.ctxt->dict);
	xmlFreeParserCtxt(d.ctxt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_all_short_strings),
	    cmocka_unit_test(test_indentation_shapes),
	    cmocka_unit_test(test_random_values),
	    cmocka_unit_test(test_attr_values),
	    cmocka_unit_test(test_leaf_text),
	    cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
