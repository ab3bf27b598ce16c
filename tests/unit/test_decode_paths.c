/*
 * The decoder's short paths (dec_on_start()'s leaf path, start_ours(),
 * start_keyed(), on_chars()'s string values, dec_on_end()'s and
 * end_text()) against its general path, which the test hook
 * dec_general_only forces: every vector file, valid or not, and generated
 * states with their mutations, must give the same result both ways: the
 * same error, message, line and column, the same warnings, and for a
 * valid document the same state (equal, and encoded to the same bytes).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confinfo/confinfo.h"
#include "dectest.h"
#include "gen.h"
#include "testutil.h"
#include "xml/decode_int.h"

struct outcome {
	int err;
	struct confinfo_diag diag;
	struct dt_warns warns;
	char *xml; /* the state encoded again, if decoded */
	size_t len;
	struct confinfo_conf *conf;
};

static void decode_one(const char *data, size_t len, bool general,
		       struct outcome *o)
{
	memset(o, 0, sizeof(*o));
	o->diag.warnh = dt_collect;
	o->diag.warn_arg = &o->warns;
	dec_general_only = general;
	o->err = dt_decode_mem(data, len, NULL, &o->diag, &o->conf);
	dec_general_only = false;
	if (!o->err)
		assert_int_equal(confinfo_xml_encode(&o->xml, &o->len, o->conf),
				 0);
}

static void check_same(const char *what, const char *data, size_t len)
{
	struct outcome a, b;

	decode_one(data, len, false, &a);
	decode_one(data, len, true, &b);
	if (a.err != b.err || strcmp(a.diag.message, b.diag.message) ||
	    a.diag.line != b.diag.line || a.diag.column != b.diag.column)
		fail_msg("%s: short paths: %d %u:%u %s; general path: %d "
			 "%u:%u %s",
			 what, a.err, a.diag.line, a.diag.column,
			 a.diag.message, b.err, b.diag.line, b.diag.column,
			 b.diag.message);
	assert_int_equal(a.warns.n, b.warns.n);
	for (unsigned i = 0; i < a.warns.n && i < 8; i++) {
		assert_int_equal(a.warns.line[i], b.warns.line[i]);
		assert_string_equal(a.warns.msg[i], b.warns.msg[i]);
	}
	if (!a.err) {
		assert_true(confinfo_conf_equal(a.conf, b.conf));
		assert_int_equal(a.len, b.len);
		assert_memory_equal(a.xml, b.xml, a.len);
	}
	confinfo_conf_free(a.conf);
	confinfo_conf_free(b.conf);
	free(a.xml);
	free(b.xml);
}

static void check_file(const char *path)
{
	size_t len;
	char *buf = tu_read_vector(path, &len);

	check_same(path, buf, len);
	free(buf);
}

static void test_vectors(void **unused)
{
	static const char *const dirs[] = {"valid",   "rfc4575", "invalid",
					   "hostile", "chat",    "cli"};
	unsigned n = 0;

	(void)unused;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		n += tu_each_vector(dirs[i], check_file);
	/* The sequences live one directory deeper. */
	{
		char dir[512];
		struct dirent *de;
		DIR *dp;

		snprintf(dir, sizeof(dir), "%s/sequences", VECTORS_DIR);
		dp = opendir(dir);
		assert_non_null(dp);
		while ((de = readdir(dp)) != NULL) {
			char sub[300];

			if (de->d_name[0] == '.')
				continue;
			snprintf(sub, sizeof(sub), "sequences/%s", de->d_name);
			n += tu_each_vector(sub, check_file);
		}
		closedir(dp);
	}
	assert_true(n > 150); /* the vectors were found */
}

/* Generated states (foreign content, sidebars, every optional field) and
 * their mutations, encoded and decoded both ways. */
static void test_generated(void **unused)
{
	uint64_t rng = gen_seed(0x5eedULL);

	(void)unused;
	for (int i = 0; i < 300; i++) {
		struct gen_opts opts = {0};
		struct confinfo_conf *c = gen_state(&rng, &opts);
		char *xml = NULL, what[64];
		size_t len = 0;

		assert_non_null(c);
		if (i % 2)
			gen_mutate(c, &rng);
		assert_int_equal(confinfo_xml_encode(&xml, &len, c), 0);
		snprintf(what, sizeof(what), "generated state %d", i);
		check_same(what, xml, len);
		free(xml);
		confinfo_conf_free(c);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vectors),
	    cmocka_unit_test(test_generated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
