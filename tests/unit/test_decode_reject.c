/*
 * The decoder on hostile and invalid input: every vector of
 * tests/vectors/hostile and tests/vectors/invalid is refused with the
 * expected errno, a message naming the problem, and the line where it is;
 * the caller's pointer is untouched and nothing leaks (ASan/LSan). Limits
 * hold exactly at their boundaries. libxml2 never prints a thing.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "confinfo/xml.h"
#include "dectest.h"
#include "testutil.h"

struct reject {
	const char *file;
	int err;
	unsigned line;    /* where the problem is reported */
	const char *word; /* must appear in the message */
	struct confinfo_xml_limits lim;
};

static const struct reject hostile[] = {
    {"billion-laughs.xml", EPROTO, 2, "DOCTYPE", {0}},
    {"xxe-file.xml", EPROTO, 2, "DOCTYPE", {0}},
    {"external-dtd.xml", EPROTO, 2, "DOCTYPE", {0}},
    {"parameter-entities.xml", EPROTO, 2, "DOCTYPE", {0}},
    /* A fatal error first: libxml2 then reads the DTD itself, callbacks
     * off; nothing may be expanded, loaded or leaked. */
    {"doctype-after-error.xml", EBADMSG, 1, "not well-formed", {0}},
    {"undeclared-entity.xml", EBADMSG, 5, "'xxe'", {0}},
    {"deep-nesting.xml", EBADMSG, 4, "too deep", {0}},
    {"huge-attribute.xml", EBADMSG, 5, "attribute entity", {0}},
    {"huge-text.xml", EBADMSG, 5, "<subject>", {0}},
    {"too-many-users.xml", EBADMSG, 10, "5 users", {.max_users = 5}},
    {"foreign-flood.xml", EBADMSG, 66, "foreign content", {0}},
    {"attribute-flood.xml", EBADMSG, 6, "without markup", {0}},
    {"many-attributes.xml", EBADMSG, 4, "300 attributes", {0}},
    {"malformed-utf8.xml", EBADMSG, 5, "UTF-8", {0}},
    {"overlong-utf8.xml", EBADMSG, 2, "UTF-8", {0}},
    {"utf16-declared.xml", EPROTO, 1, "\"UTF-16\"", {0}},
    {"iso-8859-1-declared.xml", EPROTO, 1, "\"ISO-8859-1\"", {0}},
    {"utf16le-bom.xml", EPROTO, 1, "UTF-16", {0}},
    {"utf16be-nobom.xml", EPROTO, 1, "UTF-16", {0}},
    {"utf32le-bom.xml", EPROTO, 1, "UTF-32", {0}},
    {"lookalike-namespace-space.xml", EBADMSG, 2, "xmlns", {0}},
    {"lookalike-namespace-case.xml", EBADMSG, 2, "Conference-Info", {0}},
    {"redefined-prefix.xml", EBADMSG, 9, "urn:example:evil", {0}},
    {"redefined-root-prefix.xml", EBADMSG, 4, "urn:example:evil", {0}},
};

static const struct reject invalid[] = {
    {"dup-user.xml", EBADMSG, 7, "duplicate <user entity=\"sip:bob@", {0}},
    {"dup-user-collapsed.xml", EBADMSG, 6, "duplicate <user", {0}},
    {"dup-endpoint.xml",
     EBADMSG,
     7,
     "duplicate <endpoint entity=\"sip:bob@pc\">",
     {0}},
    {"dup-media.xml", EBADMSG, 9, "duplicate <media id=\"1\">", {0}},
    {"dup-uri.xml", EBADMSG, 7, "uri \"sip:conf@example.com\"", {0}},
    {"dup-label.xml", EBADMSG, 7, "duplicate <entry label=\"34567\">", {0}},
    {"dup-sidebar.xml", EBADMSG, 6, "duplicate <entry entity=", {0}},
    {"version-negative.xml", EBADMSG, 2, "\"-1\"", {0}},
    {"version-minus-zero.xml", EBADMSG, 2, "\"-0\"", {0}},
    {"version-plus.xml", EBADMSG, 2, "\"+1\"", {0}},
    {"version-overflow.xml", EBADMSG, 2, "\"4294967296\"", {0}},
    {"version-hex.xml", EBADMSG, 2, "\"0x10\"", {0}},
    {"version-empty.xml", EBADMSG, 2, "version \"\"", {0}},
    {"version-inner-space.xml", EBADMSG, 2, "\" 12 3\"", {0}},
    {"version-decimal.xml", EBADMSG, 2, "\"1.0\"", {0}},
    {"version-missing.xml", EBADMSG, 2, "without version", {0}},
    {"entity-missing.xml", EBADMSG, 2, "without entity", {0}},
    {"bad-state.xml", EBADMSG, 2, "\"complete\"", {0}},
    {"bad-state-space.xml", EBADMSG, 2, "\"full \"", {0}},
    {"bad-endpoint-status.xml", EBADMSG, 7, "\"online\"", {0}},
    {"bad-joining-method.xml", EBADMSG, 7, "\"walked-in\"", {0}},
    {"bad-disconnection-method.xml", EBADMSG, 7, "\"vanished\"", {0}},
    {"bad-media-status.xml", EBADMSG, 8, "\"sendrcv\"", {0}},
    {"bad-medium-status.xml", EBADMSG, 6, "\"off\"", {0}},
    {"bad-boolean.xml", EBADMSG, 5, "<active> \"yes\"", {0}},
    {"bad-user-count.xml", EBADMSG, 5, "<user-count> \"-5\"", {0}},
    {"bad-maximum-user-count.xml", EBADMSG, 5, "\"many\"", {0}},
    {"bad-datetime.xml", EBADMSG, 8, "not an xs:dateTime", {0}},
    {"bad-language.xml", EBADMSG, 6, "\"en_US x!\"", {0}},
    {"sidebars-too-deep.xml", EBADMSG, 20, "nested more than 8", {0}},
    {"partial-in-full.xml", EBADMSG, 5, "state=\"partial\" on <user", {0}},
    {"deleted-in-full.xml", EBADMSG, 6, "state=\"deleted\" on <endpoint", {0}},
    {"partial-under-full-root.xml",
     EBADMSG,
     4,
     "state=\"partial\" on <users>",
     {0}},
    {"partial-in-atomic.xml", EBADMSG, 5, "on <conf-uris>", {0}},
    {"empty-conf-uris.xml", EBADMSG, 5, "<conf-uris> without <entry>", {0}},
    {"empty-roles.xml", EBADMSG, 6, "<roles> without <entry>", {0}},
    {"empty-available-media.xml",
     EBADMSG,
     5,
     "<available-media> without <entry>",
     {0}},
    {"empty-sidebars-by-ref.xml",
     EBADMSG,
     5,
     "<sidebars-by-ref> without <entry>",
     {0}},
    {"text-in-element-only.xml",
     EBADMSG,
     6,
     "text not allowed in <users>",
     {0}},
    {"text-in-root.xml", EBADMSG, 5, "text not allowed", {0}},
    {"unknown-element.xml", EBADMSG, 5, "unknown element <participant>", {0}},
    {"misplaced-element.xml", EBADMSG, 5, "<endpoint> not allowed", {0}},
    {"out-of-order.xml", EBADMSG, 6, "<display-text> out of order", {0}},
    {"out-of-order-root.xml",
     EBADMSG,
     6,
     "<conference-description> out of order",
     {0}},
    {"duplicate-singleton.xml", EBADMSG, 6, "duplicate <subject>", {0}},
    {"foreign-before-ours.xml", EBADMSG, 6, "<user> out of order", {0}},
    {"unknown-attribute.xml", EBADMSG, 5, "unknown attribute role", {0}},
    {"attribute-in-our-namespace.xml", EBADMSG, 5, "c:entity", {0}},
    {"attribute-on-leaf.xml", EBADMSG, 5, "attribute lang", {0}},
    {"foreign-attribute-on-leaf.xml", EBADMSG, 5, "xml:lang", {0}},
    {"element-in-leaf.xml", EBADMSG, 5, "element <b>", {0}},
    {"user-without-entity.xml", EBADMSG, 5, "<user> without entity", {0}},
    {"endpoint-without-entity.xml",
     EBADMSG,
     6,
     "<endpoint> without entity",
     {0}},
    {"media-without-id.xml", EBADMSG, 7, "<media> without id", {0}},
    {"medium-without-label.xml", EBADMSG, 6, "without label", {0}},
    {"medium-without-type.xml", EBADMSG, 6, "without <type>", {0}},
    {"uri-entry-without-uri.xml", EBADMSG, 6, "without <uri>", {0}},
    {"sidebar-without-entity.xml", EBADMSG, 5, "without entity", {0}},
    {"sip-without-call-id.xml", EBADMSG, 8, "without <call-id>", {0}},
    {"sip-without-to-tag.xml", EBADMSG, 8, "without <to-tag>", {0}},
    {"sip-and-foreign.xml", EBADMSG, 9, "not both", {0}},
    {"foreign-in-uris.xml", EBADMSG, 7, "foreign element <more>", {0}},
    {"foreign-in-exec.xml", EBADMSG, 9, "foreign element <why>", {0}},
    {"no-namespace-child.xml", EBADMSG, 4, "no namespace", {0}},
    {"wrong-root.xml", EBADMSG, 2, "root element <conference>", {0}},
    {"no-namespace-root.xml", EBADMSG, 2, "root element", {0}},
    {"undeclared-prefix.xml", EBADMSG, 4, "prefix c", {0}},
    {"mismatched-tags.xml", EBADMSG, 5, "mismatch", {0}},
    {"truncated.xml", EBADMSG, 5, "not well-formed", {0}},
    {"two-roots.xml", EBADMSG, 5, "Extra content", {0}},
};

static void check_rejects(const char *dir, const struct reject *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct confinfo_diag diag = {0};
		struct confinfo_conf *conf = DT_SENTINEL;
		char path[256];
		int err;

		snprintf(path, sizeof(path), "%s/%s", dir, t[i].file);
		err = dt_decode_file(path, &t[i].lim, &diag, &conf);
		if (err != t[i].err || diag.err != err)
			fail_msg("%s: err %d (diag %d: %s), want %d", path, err,
				 diag.err, diag.message, t[i].err);
		if (conf != DT_SENTINEL)
			fail_msg("%s: *confp written on failure", path);
		if (!strstr(diag.message, t[i].word))
			fail_msg("%s: message \"%s\" lacks \"%s\"", path,
				 diag.message, t[i].word);
		if (diag.line != t[i].line || !diag.column)
			fail_msg("%s: reported at %u:%u, want line %u", path,
				 diag.line, diag.column, t[i].line);
	}
}

static void test_hostile_vectors(void **state)
{
	(void)state;
	check_rejects("hostile", hostile, sizeof(hostile) / sizeof(hostile[0]));
}

static void test_invalid_vectors(void **state)
{
	(void)state;
	check_rejects("invalid", invalid, sizeof(invalid) / sizeof(invalid[0]));
}

/* A vector added to a directory but not to the tables would go
 * untested. */
static void check_listed(const char *dir, const struct reject *t, size_t n)
{
	char path[4096];
	struct dirent *e;
	size_t files = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s", VECTORS_DIR, dir);
	d = opendir(path);
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		size_t i;

		if (e->d_name[0] == '.')
			continue;
		files++;
		for (i = 0; i < n && strcmp(t[i].file, e->d_name); i++)
			;
		if (i == n)
			fail_msg("%s/%s is in no table of this test", dir,
				 e->d_name);
	}
	closedir(d);
	assert_int_equal(files, n);
}

static void test_every_vector_listed(void **state)
{
	(void)state;
	check_listed("hostile", hostile, sizeof(hostile) / sizeof(hostile[0]));
	check_listed("invalid", invalid, sizeof(invalid) / sizeof(invalid[0]));
}

/* ---------------------------------------------------------------------
 * Limits, at their boundaries.
 * ------------------------------------------------------------------- */

/* A growing string for generated documents. */
struct sbuf {
	char s[16384];
	size_t n;
};

static void add(struct sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void add(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->s + b->n, sizeof(b->s) - b->n, fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < sizeof(b->s) - b->n);
	b->n += (size_t)n;
}

/* @p xml decodes with limit field *@p field = @p at, and fails naming
 * @p word with *@p field = @p at - 1, diag.limit naming the limit
 * (its field name, derived from @p field). */
#define boundary(xml, field, at, lim, word)                                    \
	boundary_named((xml), (field), (at), (lim), (word),                    \
		       #field + sizeof("&lim.") - 1)
static void boundary_named(const char *xml, size_t *field, size_t at,
			   struct confinfo_xml_limits *lim, const char *word,
			   const char *limit)
{
	struct confinfo_diag diag = {0};
	struct confinfo_conf *c = NULL;
	int err;

	*field = at;
	err = dt_decode_mem(xml, strlen(xml), lim, &diag, &c);
	if (err)
		fail_msg("at limit %zu: %s", at, diag.message);
	confinfo_conf_free(c);
	*field = at - 1;
	diag = dt_must_fail(xml, lim, EBADMSG);
	if (!strstr(diag.message, word))
		fail_msg("\"%s\" lacks \"%s\"", diag.message, word);
	assert_true(diag.line > 0);
	assert_non_null(diag.limit);
	assert_string_equal(diag.limit, limit);
	*field = 0;
}

static void test_limits(void **state)
{
	struct confinfo_xml_limits lim = {0}, def;
	struct confinfo_diag diag = {0};
	struct confinfo_conf *c = DT_SENTINEL;
	struct sbuf b = {0};
	char big[300];
	size_t len;
	char *doc;

	(void)state;
	confinfo_xml_limits_default(&def);
	assert_int_equal(def.max_body, 1024 * 1024);
	assert_int_equal(def.max_depth, 32);
	assert_int_equal(def.max_users, 10000);
	assert_int_equal(def.max_endpoints, 20000);
	assert_int_equal(def.max_media, 40000);
	assert_int_equal(def.max_entries, 10000);
	assert_int_equal(def.max_string, 8192);
	assert_int_equal(def.max_ext, 65536);
	/* Filling: each 0 takes its default, the rest is kept. */
	{
		struct confinfo_xml_limits mine = {.max_users = 5,
						   .max_string = 7},
					   got;

		confinfo_xml_limits_fill(&got, &mine);
		assert_int_equal(got.max_users, 5);
		assert_int_equal(got.max_string, 7);
		assert_int_equal(got.max_body, def.max_body);
		assert_int_equal(got.max_ext, def.max_ext);
		confinfo_xml_limits_fill(&got, NULL);
		assert_memory_equal(&got, &def, sizeof(got));
	}

	/* The body size is checked before anything else. */
	doc = tu_read_vector("rfc4575/rfc4575-example-7.1.xml", &len);
	lim.max_body = len - 1;
	assert_int_equal(dt_decode_mem(doc, len, &lim, &diag, &c), EMSGSIZE);
	assert_ptr_equal(c, DT_SENTINEL);
	assert_non_null(strstr(diag.message, "exceeds the limit"));
	assert_string_equal(diag.limit, "max_body");
	/* Failures that are not about a limit name none. */
	diag = dt_must_fail(DT_ROOT "<users><user/></users>" DT_END, NULL,
			    EBADMSG);
	assert_null(diag.limit);
	lim.max_body = len;
	c = NULL;
	assert_int_equal(dt_decode_mem(doc, len, &lim, NULL, &c), 0);
	confinfo_conf_free(c);
	lim.max_body = 0;
	free(doc);

	/* 3 users, 3 endpoints, 3 media, 6 entries (2 uris, 2 roles, one
	 * available-media entry, one sidebar), 6 levels deep. */
	add(&b,
	    DT_ROOT "<conference-description><conf-uris>"
		    "<entry><uri>sip:a</uri></entry><entry><uri>sip:b</uri>"
		    "</entry></conf-uris><available-media><entry label=\"l\">"
		    "<type>audio</type></entry></available-media>"
		    "</conference-description><users>");
	add(&b, "<user entity=\"sip:u1\"><roles><entry>r1</entry><entry>r2"
		"</entry></roles><endpoint entity=\"e1\"><media id=\"1\">"
		"<type>audio</type></media><media id=\"2\"/></endpoint>"
		"<endpoint entity=\"e2\"><media id=\"1\"/></endpoint></user>");
	add(&b, "<user entity=\"sip:u2\"><endpoint entity=\"e1\"/></user>"
		"<user entity=\"sip:u3\"/></users><sidebars-by-val><entry "
		"entity=\"sip:s\"/></sidebars-by-val>" DT_END);
	boundary(b.s, &lim.max_users, 3, &lim, "more than 2 users");
	boundary(b.s, &lim.max_endpoints, 3, &lim, "more than 2 endpoints");
	boundary(b.s, &lim.max_media, 3, &lim, "more than 2 media");
	boundary(b.s, &lim.max_entries, 6, &lim, "more than 5 entries");
	lim.max_depth = 6;
	c = NULL;
	assert_int_equal(dt_decode_mem(b.s, b.n, &lim, NULL, &c), 0);
	confinfo_conf_free(c);
	lim.max_depth = 5;
	diag = dt_must_fail(b.s, &lim, EBADMSG);
	assert_non_null(strstr(diag.message, "<type> nested too deep"));
	assert_string_equal(diag.limit, "max_depth");
	lim.max_depth = 0;

	/* Foreign elements count for the depth too. */
	lim.max_depth = 3;
	dt_must_fail(DT_ROOT
		     "<x:a xmlns:x=\"urn:x\"><x:b><x:c/></x:b></x:a>" DT_END,
		     &lim, EBADMSG);
	lim.max_depth = 0;

	/* Strings: text, an attribute, an attribute whose "&amp;" makes it
	 * longer as written than as read. */
	memset(big, 'x', 100);
	big[100] = '\0';
	b.n = 0;
	add(&b,
	    DT_ROOT "<conference-description><subject>%s</subject>"
		    "</conference-description>" DT_END,
	    big);
	boundary(b.s, &lim.max_string, 100, &lim, "text of <subject>");
	b.n = 0;
	add(&b, DT_ROOT "<users><user entity=\"%s\"/></users>" DT_END, big);
	boundary(b.s, &lim.max_string, 100, &lim, "attribute entity");
	b.n = 0;
	add(&b,
	    DT_ROOT "<users><user entity=\"%.96s&amp;&amp;&amp;&amp;\"/>"
		    "</users>" DT_END,
	    big);
	boundary(b.s, &lim.max_string, 100, &lim, "attribute entity");

	/* Runs without markup: bounded by max_string + max_ext + 4 KiB;
	 * text as long as max_string allows passes however it is written. */
	lim.max_string = 100;
	lim.max_ext = 100;
	b.n = 0;
	add(&b, DT_ROOT "<!-- %04000d -->" DT_END, 0);
	c = NULL;
	assert_int_equal(dt_decode_mem(b.s, b.n, &lim, NULL, &c), 0);
	confinfo_conf_free(c);
	b.n = 0;
	add(&b, DT_ROOT "<!-- %04400d -->" DT_END, 0);
	diag = dt_must_fail(b.s, &lim, EBADMSG);
	assert_non_null(strstr(diag.message, "4296 bytes without markup"));
	assert_int_equal(diag.line, 1);
	assert_string_equal(diag.limit, "max_string");
	lim.max_string = 0;
	lim.max_ext = 0;
	b.n = 0;
	add(&b, DT_ROOT "<conference-description><subject>");
	for (int i = 0; i < 2000; i++)
		add(&b, "&amp;");
	add(&b, "</subject></conference-description>" DT_END);
	lim.max_string = 2000;
	c = NULL;
	assert_int_equal(dt_decode_mem(b.s, b.n, &lim, NULL, &c), 0);
	assert_int_equal(strlen(c->description->subject), 2000);
	confinfo_conf_free(c);
	lim.max_string = 0;

	/* Foreign XML: the fragment is 22 bytes, the attribute 1+5+1+1. */
	boundary(DT_ROOT "<x:e xmlns:x=\"urn:x\"/>" DT_END, &lim.max_ext, 22,
		 &lim, "foreign content");
	boundary("<conference-info xmlns=\"urn:ietf:params:xml:ns:"
		 "conference-info\" xmlns:x=\"urn:x\" x:a=\"1\" "
		 "entity=\"sip:conf@example.com\" version=\"1\"/>",
		 &lim.max_ext, 8, &lim, "foreign content");
}

/* Far into a document, after libxml2 has discarded what it read, the
 * line and column of a problem are still exact. */
static void test_position_far(void **state)
{
	static char doc[200000];
	struct confinfo_diag diag;
	size_t n = 0;

	(void)state;
	n += (size_t)snprintf(doc + n, sizeof(doc) - n, "%s\n<users>\n",
			      DT_ROOT);
	for (int i = 0; i < 3000; i++)
		n += (size_t)snprintf(
		    doc + n, sizeof(doc) - n,
		    "  <user entity=\"sip:u%d@example.com\"/>\n", i);
	n += (size_t)snprintf(doc + n, sizeof(doc) - n,
			      "   <user entity=\"sip:u7@example.com\"/>\n"
			      "</users>" DT_END);
	assert_true(n < sizeof(doc) - 1);
	diag = dt_must_fail(doc, NULL, EBADMSG);
	assert_non_null(strstr(diag.message, "duplicate <user"));
	assert_int_equal(diag.line, 3003);
	assert_int_equal(diag.column, 4);
}

/* Indentation between elements is recognised by a fast path (a newline
 * and a run of spaces, compared a word at a time): a non-blank byte hidden
 * at any position of such a run must still be refused, and blank runs of
 * every length accepted. */
static void test_hidden_text_in_indentation(void **state)
{
	char doc[512], run[32];

	(void)state;
	for (size_t len = 1; len <= 20; len++) {
		struct confinfo_conf *c = NULL;
		struct confinfo_diag diag = {0};

		memset(run, ' ', len);
		run[0] = '\n';
		run[len] = '\0';
		snprintf(doc, sizeof(doc), "%s<users>%s</users>" DT_END,
			 DT_ROOT, run);
		assert_int_equal(
		    dt_decode_mem(doc, strlen(doc), NULL, &diag, &c), 0);
		confinfo_conf_free(c);
		for (size_t pos = 1; pos < len; pos++) {
			run[pos] = 'x';
			snprintf(doc, sizeof(doc), "%s<users>%s</users>" DT_END,
				 DT_ROOT, run);
			diag = dt_must_fail(doc, NULL, EBADMSG);
			assert_non_null(
			    strstr(diag.message, "text not allowed"));
			run[pos] = ' ';
		}
	}
}

/* ---------------------------------------------------------------------
 * Arguments, truncation, quietness.
 * ------------------------------------------------------------------- */

static void test_arguments(void **state)
{
	struct confinfo_diag diag = {0};
	struct confinfo_conf *c = DT_SENTINEL;

	(void)state;
	assert_int_equal(confinfo_xml_decode(NULL, "<a/>", 4, NULL, &diag),
			 EINVAL);
	assert_int_equal(diag.err, EINVAL);
	assert_int_equal(confinfo_xml_decode(&c, NULL, 4, NULL, NULL), EINVAL);
	assert_ptr_equal(c, DT_SENTINEL);
	dt_must_fail("", NULL, EBADMSG);
	dt_must_fail(" \n\t", NULL, EBADMSG);
	dt_must_fail("<?xml version=\"1.0\"?>", NULL, EBADMSG);
	/* No diagnostics wanted: still refused. */
	assert_int_equal(dt_decode_mem("<x/>", 4, NULL, NULL, &c), EBADMSG);
	assert_int_equal(dt_decode_mem("<!DOCTYPE x><x/>", 16, NULL, NULL, &c),
			 EPROTO);
	assert_ptr_equal(c, DT_SENTINEL);
}

/* Every proper prefix of a document is refused, cleanly: this stops the
 * parser at every possible point, with half-built state to free. */
static void test_truncations(void **state)
{
	static const char *const files[] = {"rfc4575/rfc4575-example-7.2.xml",
					    "valid/full-schema.xml"};

	(void)state;
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		size_t len;
		char *doc = tu_read_vector(files[f], &len);

		for (size_t n = 0; n < len; n++) {
			struct confinfo_conf *c = DT_SENTINEL;
			struct confinfo_diag diag = {0};
			int err = dt_decode_mem(doc, n, NULL, &diag, &c);

			/* The very last bytes are the newline after the root
			 * end tag: those prefixes are complete documents. */
			if (n >= len - 1 && !err) {
				confinfo_conf_free(c);
				continue;
			}
			if (err != EBADMSG || c != DT_SENTINEL ||
			    diag.err != EBADMSG)
				fail_msg("%s cut at %zu: err %d (%s)", files[f],
					 n, err, diag.message);
		}
		free(doc);
	}
}

static int foreign_handler_calls;

static void foreign_handler(void *arg, xmlErrorPtr e)
{
	(void)arg;
	(void)e;
	foreign_handler_calls++;
}

/* libxml2's errors and warnings become diagnostics, never output, and the
 * application's own libxml2 error handler is left as it was. */
static void test_libxml2_quiet(void **state)
{
	static const char *const docs[] = {
	    DT_ROOT "<c:users/>" DT_END,
	    DT_ROOT "<users></user>" DT_END,
	    DT_ROOT "<a xmlns=\"relative\"/>" DT_END, /* a warning */
	    "<a>\xc3\x28</a>",
	    "<?xml version=\"1.0\" encoding=\"latin1\"?><a/>",
	    DT_ROOT "&undefined;" DT_END,
	    DT_ROOT,
	};
	struct confinfo_diag diag[sizeof(docs) / sizeof(docs[0])];
	FILE *out = tmpfile();
	int marker, saved;

	(void)state;
	memset(diag, 0, sizeof(diag));
	assert_non_null(out);
	xmlSetStructuredErrorFunc(&marker, foreign_handler);
	fflush(stderr);
	saved = dup(2);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(out), 2) >= 0);
	/* No assertion while stderr is away: cmocka reports there. */
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		struct confinfo_conf *c = NULL;

		if (!dt_decode_mem(docs[i], strlen(docs[i]), NULL, &diag[i],
				   &c))
			confinfo_conf_free(c);
	}
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
		if (!diag[i].err && !diag[i].warnings)
			fail_msg("no diagnostics for %s", docs[i]);
	assert_int_equal(foreign_handler_calls, 0);
	assert_ptr_equal(xmlStructuredError, foreign_handler);
	assert_ptr_equal(xmlStructuredErrorContext, &marker);
	xmlSetStructuredErrorFunc(NULL, NULL);
	assert_int_equal(fseek(out, 0, SEEK_END), 0);
	assert_int_equal(ftell(out), 0);
	fclose(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hostile_vectors),
	    cmocka_unit_test(test_invalid_vectors),
	    cmocka_unit_test(test_every_vector_listed),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_position_far),
	    cmocka_unit_test(test_hidden_text_in_indentation),
	    cmocka_unit_test(test_arguments),
	    cmocka_unit_test(test_truncations),
	    cmocka_unit_test(test_libxml2_quiet),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
