/*
 * The SQLite state store (store.h): what is put comes back equal after a
 * close and reopen, updates replace, removals forget, damaged rows are
 * skipped with a warning, foreign or newer files are refused.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "confinfo/store.h"
#include "confinfo/xml.h"
#include "testutil.h"

#define MAX_ROWS 8

struct loaded {
	size_t count;
	char *name[MAX_ROWS];
	char *source[MAX_ROWS];
	struct confinfo_conf *state[MAX_ROWS];
	int fail_with; /* returned by the callback when set */
};

static int collect(const char *name, struct confinfo_conf *state,
		   const char *source, void *arg)
{
	struct loaded *l = arg;

	if (l->fail_with) {
		confinfo_conf_free(state);
		return l->fail_with;
	}
	assert_true(l->count < MAX_ROWS);
	l->name[l->count] = strdup(name);
	l->source[l->count] = strdup(source);
	l->state[l->count] = state;
	l->count++;
	return 0;
}

static void loaded_free(struct loaded *l)
{
	for (size_t i = 0; i < l->count; i++) {
		free(l->name[i]);
		free(l->source[i]);
		confinfo_conf_free(l->state[i]);
	}
	memset(l, 0, sizeof(*l));
}

static unsigned warnings;
static char last_warning[512];

static void on_warning(unsigned line, unsigned column, const char *msg,
		       void *arg)
{
	(void)line;
	(void)column;
	(void)arg;
	warnings++;
	snprintf(last_warning, sizeof(last_warning), "%s", msg);
}

static const char doc_a[] =
    "<conference-info xmlns='urn:ietf:params:xml:ns:conference-info' "
    "entity='sip:a@example.com' state='full' version='0'>"
    "<conference-description><subject>A</subject>"
    "</conference-description>"
    "<users><user entity='sip:alice@example.com'>"
    "<display-text>Alice</display-text></user></users>"
    "</conference-info>";

static const char doc_a2[] =
    "<conference-info xmlns='urn:ietf:params:xml:ns:conference-info' "
    "entity='sip:a@example.com' state='full' version='0'>"
    "<users><user entity='sip:bob@example.com'/></users>"
    "</conference-info>";

static const char doc_b[] =
    "<conference-info xmlns='urn:ietf:params:xml:ns:conference-info' "
    "entity='sip:b@example.com' state='full' version='0'/>";

struct fixture {
	char path[64];
};

static int setup(void **st)
{
	struct fixture *f = calloc(1, sizeof(*f));
	int fd;

	assert_non_null(f);
	strcpy(f->path, "/tmp/confinfo-store-XXXXXX");
	fd = mkstemp(f->path);
	assert_true(fd >= 0);
	close(fd);
	/* An empty file is a valid new SQLite database. */
	*st = f;
	return 0;
}

static int teardown(void **st)
{
	struct fixture *f = *st;
	char side[96];

	unlink(f->path);
	snprintf(side, sizeof(side), "%s-wal", f->path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", f->path);
	unlink(side);
	free(f);
	return 0;
}

static void test_roundtrip_and_reopen(void **st)
{
	struct fixture *f = *st;
	struct confinfo_store *s = NULL;
	struct confinfo_conf *a = tu_decode_str(doc_a);
	struct confinfo_conf *b = tu_decode_str(doc_b);
	struct loaded l = {0};

	assert_int_equal(confinfo_store_open(&s, f->path, NULL), 0);
	assert_int_equal(confinfo_store_put(s, "b", b, "publish", NULL), 0);
	assert_int_equal(confinfo_store_put(s, "a", a, "dir", NULL), 0);
	confinfo_store_close(s);

	s = NULL;
	assert_int_equal(confinfo_store_open(&s, f->path, NULL), 0);
	assert_int_equal(confinfo_store_load(s, NULL, collect, &l, NULL), 0);
	assert_int_equal(l.count, 2);
	/* Name order, whatever the insertion order. */
	assert_string_equal(l.name[0], "a");
	assert_string_equal(l.source[0], "dir");
	assert_true(confinfo_conf_equal(l.state[0], a));
	assert_string_equal(l.name[1], "b");
	assert_string_equal(l.source[1], "publish");
	assert_true(confinfo_conf_equal(l.state[1], b));
	loaded_free(&l);
	confinfo_store_close(s);
	confinfo_conf_free(a);
	confinfo_conf_free(b);
}

static void test_update_and_remove(void **st)
{
	struct fixture *f = *st;
	struct confinfo_store *s = NULL;
	struct confinfo_conf *a = tu_decode_str(doc_a);
	struct confinfo_conf *a2 = tu_decode_str(doc_a2);
	struct loaded l = {0};

	assert_int_equal(confinfo_store_open(&s, f->path, NULL), 0);
	assert_int_equal(confinfo_store_put(s, "a", a, "dir", NULL), 0);
	assert_int_equal(confinfo_store_put(s, "a", a2, "publish", NULL), 0);
	assert_int_equal(confinfo_store_load(s, NULL, collect, &l, NULL), 0);
	assert_int_equal(l.count, 1);
	assert_string_equal(l.source[0], "publish");
	assert_true(confinfo_conf_equal(l.state[0], a2));
	assert_false(confinfo_conf_equal(l.state[0], a));
	loaded_free(&l);

	assert_int_equal(confinfo_store_remove(s, "a", NULL), 0);
	/* Removing what is not there is not an error. */
	assert_int_equal(confinfo_store_remove(s, "a", NULL), 0);
	assert_int_equal(confinfo_store_load(s, NULL, collect, &l, NULL), 0);
	assert_int_equal(l.count, 0);
	confinfo_store_close(s);
	confinfo_conf_free(a);
	confinfo_conf_free(a2);
}

/* Write straight into the database behind the store's back. */
static void db_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void test_damaged_row_skipped(void **st)
{
	struct fixture *f = *st;
	struct confinfo_store *s = NULL;
	struct confinfo_conf *a = tu_decode_str(doc_a);
	struct confinfo_diag diag;
	struct loaded l = {0};

	assert_int_equal(confinfo_store_open(&s, f->path, NULL), 0);
	assert_int_equal(confinfo_store_put(s, "a", a, "dir", NULL), 0);
	confinfo_store_close(s);
	db_exec(f->path, "INSERT INTO conference VALUES('broken', 'dir', "
			 "'<conference-info', 0)");

	s = NULL;
	memset(&diag, 0, sizeof(diag));
	diag.warnh = on_warning;
	warnings = 0;
	assert_int_equal(confinfo_store_open(&s, f->path, &diag), 0);
	assert_int_equal(confinfo_store_load(s, NULL, collect, &l, &diag), 0);
	assert_int_equal(l.count, 1);
	assert_string_equal(l.name[0], "a");
	assert_int_equal(warnings, 1);
	assert_non_null(strstr(last_warning, "broken"));
	loaded_free(&l);
	confinfo_store_close(s);
	confinfo_conf_free(a);
}

/* A state accepted under raised limits (a subject longer than the default
 * max_string) comes back under those limits, and only under them. */
static void test_load_limits(void **st)
{
	struct fixture *f = *st;
	struct confinfo_xml_limits lim = {.max_string = 32 * 1024};
	struct confinfo_store *s = NULL;
	struct confinfo_conf *big = NULL;
	struct confinfo_diag diag;
	struct loaded l = {0};
	size_t sub = 9000, len = 0;
	char *doc = malloc(sub + 512);

	assert_non_null(doc);
	len += (size_t)sprintf(doc,
			       "<conference-info xmlns='urn:ietf:params:xml:ns:"
			       "conference-info' entity='sip:big@example.com' "
			       "state='full' version='0'><conference-"
			       "description><subject>");
	memset(doc + len, 'x', sub);
	len += sub;
	len += (size_t)sprintf(doc + len, "</subject></conference-description>"
					  "</conference-info>");
	assert_int_equal(confinfo_xml_decode(&big, doc, len, &lim, NULL), 0);
	assert_int_equal(confinfo_store_open(&s, f->path, NULL), 0);
	assert_int_equal(confinfo_store_put(s, "big", big, "publish", NULL), 0);

	/* The defaults refuse it, with a warning naming it. */
	memset(&diag, 0, sizeof(diag));
	diag.warnh = on_warning;
	warnings = 0;
	assert_int_equal(confinfo_store_load(s, NULL, collect, &l, &diag), 0);
	assert_int_equal(l.count, 0);
	assert_int_equal(warnings, 1);
	assert_non_null(strstr(last_warning, "big"));
	/* The limits it was accepted under serve it again, unchanged. */
	assert_int_equal(confinfo_store_load(s, &lim, collect, &l, NULL), 0);
	assert_int_equal(l.count, 1);
	assert_true(confinfo_conf_equal(l.state[0], big));
	loaded_free(&l);
	confinfo_store_close(s);
	confinfo_conf_free(big);
	free(doc);
}

static void test_callback_error_stops(void **st)
{
	struct fixture *f = *st;
	struct confinfo_store *s = NULL;
	struct confinfo_conf *a = tu_decode_str(doc_a);
	struct loaded l = {0};

	assert_int_equal(confinfo_store_open(&s, f->path, NULL), 0);
	assert_int_equal(confinfo_store_put(s, "a", a, "dir", NULL), 0);
	assert_int_equal(confinfo_store_put(s, "b", a, "dir", NULL), 0);
	l.fail_with = ENOSPC;
	assert_int_equal(confinfo_store_load(s, NULL, collect, &l, NULL),
			 ENOSPC);
	assert_int_equal(l.count, 0);
	confinfo_store_close(s);
	confinfo_conf_free(a);
}

static void test_newer_schema_refused(void **st)
{
	struct fixture *f = *st;
	struct confinfo_store *s = NULL;
	struct confinfo_diag diag;

	db_exec(f->path, "PRAGMA user_version = 99");
	memset(&diag, 0, sizeof(diag));
	assert_int_equal(confinfo_store_open(&s, f->path, &diag), EPROTO);
	assert_null(s);
	assert_non_null(strstr(diag.message, "99"));
}

static void test_not_a_database(void **st)
{
	struct fixture *f = *st;
	struct confinfo_store *s = NULL;
	struct confinfo_diag diag;
	FILE *fp = fopen(f->path, "w");

	assert_non_null(fp);
	fputs("this is not an SQLite database, but it is long enough to "
	      "have a header that SQLite checks ..........................",
	      fp);
	fclose(fp);
	memset(&diag, 0, sizeof(diag));
	assert_int_equal(confinfo_store_open(&s, f->path, &diag), EIO);
	assert_null(s);
	assert_non_null(strstr(diag.message, "state store"));
}

static void test_bad_arguments(void **st)
{
	struct fixture *f = *st;
	struct confinfo_store *s = NULL;
	struct confinfo_conf *a = tu_decode_str(doc_a);

	assert_int_equal(confinfo_store_open(NULL, f->path, NULL), EINVAL);
	assert_int_equal(confinfo_store_open(&s, NULL, NULL), EINVAL);
	assert_int_equal(confinfo_store_open(&s, f->path, NULL), 0);
	assert_int_equal(confinfo_store_put(s, NULL, a, "dir", NULL), EINVAL);
	assert_int_equal(confinfo_store_put(s, "a", NULL, "dir", NULL), EINVAL);
	assert_int_equal(confinfo_store_put(s, "a", a, NULL, NULL), EINVAL);
	assert_int_equal(confinfo_store_load(s, NULL, NULL, NULL, NULL),
			 EINVAL);
	confinfo_store_close(s);
	confinfo_store_close(NULL);
	confinfo_conf_free(a);
}

static int collect_version(const char *name, struct confinfo_conf *state,
			   const char *source, uint64_t version, void *arg)
{
	uint64_t *vp = arg;

	(void)name;
	(void)source;
	confinfo_conf_free(state);
	*vp = version + 100;
	return 0;
}

static void ignore_change(const char *name, uint64_t version, void *arg)
{
	(void)name;
	(void)version;
	(void)arg;
	fail_msg("SQLite announced a change");
}

/* The shared-store API on SQLite: no versions, nothing to watch. */
static void test_sqlite_unversioned(void **st)
{
	struct fixture *f = *st;
	struct confinfo_store *s = NULL;
	struct confinfo_conf *a = tu_decode_str(doc_a);
	uint64_t version = 7, seen = 0;
	struct loaded l = {0};

	assert_int_equal(confinfo_store_open(&s, f->path, NULL), 0);
	assert_int_equal(
	    confinfo_store_save(s, "a", a, "publish", &version, NULL), 0);
	assert_int_equal(version, 0);
	assert_int_equal(
	    confinfo_store_scan(s, NULL, collect_version, &seen, NULL), 0);
	assert_int_equal(seen, 100);
	assert_int_equal(
	    confinfo_store_get(s, "a", NULL, collect_version, &seen, NULL),
	    ENOTSUP);
	assert_int_equal(confinfo_store_fd(s), -1);
	assert_int_equal(confinfo_store_poll(s, ignore_change, NULL, NULL), 0);
	assert_int_equal(confinfo_store_reconnect(s, NULL, NULL), 0);
	/* NULL state: removal. */
	assert_int_equal(confinfo_store_save(s, "a", NULL, NULL, NULL, NULL),
			 0);
	assert_int_equal(confinfo_store_load(s, NULL, collect, &l, NULL), 0);
	assert_int_equal(l.count, 0);
	assert_int_equal(confinfo_store_save(s, "", a, "x", NULL, NULL),
			 EINVAL);
	assert_int_equal(confinfo_store_save(s, "a", a, NULL, NULL, NULL),
			 EINVAL);
	confinfo_store_close(s);
	confinfo_conf_free(a);
}

/* PostgreSQL strings go to libpq (whatever the build): a server that is
 * not there is EIO naming the step, never a file of that name. */
static void test_pg_unreachable(void **st)
{
	static const char *const where[] = {
	    "postgresql://confinfo@127.0.0.1:1/confinfo",
	    "postgres://127.0.0.1:1/confinfo",
	    "host=127.0.0.1 port=1 dbname=confinfo",
	};
	struct confinfo_store *s = NULL;
	struct confinfo_diag diag;
	(void)st;

	for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		int err;

		memset(&diag, 0, sizeof(diag));
		err = confinfo_store_open(&s, where[i], &diag);
		assert_null(s);
		assert_true(err == EIO || err == ENOTSUP);
		assert_non_null(strstr(diag.message, "state store"));
		if (err == EIO)
			assert_non_null(strstr(diag.message, "connecting"));
		assert_int_equal(
		    access("host=127.0.0.1 port=1 dbname=confinfo", F_OK), -1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_roundtrip_and_reopen, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_update_and_remove, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_damaged_row_skipped, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_load_limits, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_callback_error_stops, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_not_a_database, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_bad_arguments, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_sqlite_unversioned, setup,
					    teardown),
	    cmocka_unit_test(test_pg_unreachable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
