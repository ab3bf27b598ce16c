/*
 * The SQLite state store (store.h): what is put comes back equal after a
 * close and reopen, updates replace, removals forget, damaged rows are
 * skipped with a warning, foreign or newer files are refused, files of
 * 0.1 are upgraded. Shared by processes of one machine: every save takes
 * a higher version, and the other stores open on the file are woken and
 * read every change, however many wake-ups were lost.
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
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

/* <db>.peers, where the stores open on the file register. */
static void peers_path(const struct fixture *f, char *buf, size_t size)
{
	snprintf(buf, size, "%s.peers", f->path);
}

/* The registrations in <db>.peers (files named confinfo-...). */
static unsigned peers_count(const struct fixture *f)
{
	char dir[96];
	struct dirent *de;
	unsigned n = 0;
	DIR *d;

	peers_path(f, dir, sizeof(dir));
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		n += !strncmp(de->d_name, "confinfo-", 9);
	closedir(d);
	return n;
}

static int teardown(void **st)
{
	struct fixture *f = *st;
	char side[96], entry[400];
	struct dirent *de;
	DIR *d;

	unlink(f->path);
	peers_path(f, side, sizeof(side));
	d = opendir(side);
	while (d && (de = readdir(d)) != NULL) {
		snprintf(entry, sizeof(entry), "%s/%s", side, de->d_name);
		unlink(entry);
	}
	if (d)
		closedir(d);
	if (rmdir(side))
		unlink(side); /* a file in the way (fallback test) */
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
	db_exec(f->path, "INSERT INTO conference(name, source, state, "
			 "updated, version) VALUES('broken', 'dir', "
			 "'<conference-info', 0, 99)");

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

/* What the versioned callbacks saw. */
struct seen {
	size_t count;
	char name[MAX_ROWS][32];
	uint64_t version[MAX_ROWS];
};

static int collect_version(const char *name, struct confinfo_conf *state,
			   const char *source, uint64_t version, void *arg)
{
	struct seen *v = arg;

	(void)source;
	confinfo_conf_free(state);
	assert_true(v->count < MAX_ROWS);
	snprintf(v->name[v->count], sizeof(v->name[0]), "%s", name);
	v->version[v->count++] = version;
	return 0;
}

static void collect_change(const char *name, uint64_t version, void *arg)
{
	struct seen *v = arg;

	assert_non_null(name); /* SQLite never asks for a rescan */
	assert_true(v->count < MAX_ROWS);
	snprintf(v->name[v->count], sizeof(v->name[0]), "%s", name);
	v->version[v->count++] = version;
}

/* Wait up to @p ms for @p fd to be readable: 1 readable, 0 not. */
static int readable(int fd, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int n = poll(&p, 1, ms);

	assert_true(n >= 0);
	return n > 0 && (p.revents & POLLIN);
}

/* The shared-store calls on SQLite: versions, get, a socket to watch. */
static void test_shared_api(void **st)
{
	struct fixture *f = *st;
	struct confinfo_store *s = NULL;
	struct confinfo_conf *a = tu_decode_str(doc_a);
	uint64_t version = 0;
	struct seen v = {0};
	struct loaded l = {0};

	assert_int_equal(confinfo_store_open(&s, f->path, NULL), 0);
	assert_int_equal(
	    confinfo_store_save(s, "a", a, "publish", &version, NULL), 0);
	assert_true(version > 0);
	assert_int_equal(
	    confinfo_store_scan(s, NULL, collect_version, &v, NULL), 0);
	assert_int_equal(v.count, 1);
	assert_int_equal(v.version[0], version);
	assert_int_equal(
	    confinfo_store_get(s, "a", NULL, collect_version, &v, NULL), 0);
	assert_int_equal(v.count, 2);
	assert_string_equal(v.name[1], "a");
	assert_int_equal(v.version[1], version);
	assert_true(confinfo_store_fd(s) >= 0);
	/* Its own saves are not reported back to it. */
	memset(&v, 0, sizeof(v));
	assert_int_equal(confinfo_store_poll(s, collect_change, &v, NULL), 0);
	assert_int_equal(v.count, 0);
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
	assert_int_equal(confinfo_store_poll(s, NULL, NULL, NULL), EINVAL);
	confinfo_store_close(s);
	confinfo_conf_free(a);
}

/* Read one integer from the file behind the store's back. */
static long long db_int(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	long long n;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/* One counter for the file: versions grow across conferences, across a
 * removal and a re-creation, and across a reopen; a removal is a
 * tombstone that get and scan do not return. */
static void test_versions(void **st)
{
	struct fixture *f = *st;
	struct confinfo_store *s = NULL;
	struct confinfo_conf *a = tu_decode_str(doc_a);
	struct confinfo_conf *b = tu_decode_str(doc_b);
	uint64_t va = 0, vb = 0, va2 = 0, vdel = 0, va3 = 0, vb2 = 0;
	struct seen v = {0};
	struct confinfo_diag diag;

	assert_int_equal(confinfo_store_open(&s, f->path, NULL), 0);
	assert_int_equal(confinfo_store_save(s, "a", a, "dir", &va, NULL), 0);
	assert_int_equal(confinfo_store_save(s, "b", b, "dir", &vb, NULL), 0);
	assert_int_equal(confinfo_store_save(s, "a", b, "dir", &va2, NULL), 0);
	assert_true(va > 0 && vb > va && va2 > vb);
	assert_int_equal(confinfo_store_save(s, "a", NULL, NULL, &vdel, NULL),
			 0);
	assert_true(vdel > va2);
	assert_int_equal(
	    confinfo_store_get(s, "a", NULL, collect_version, &v, NULL),
	    ENOENT);
	assert_int_equal(
	    confinfo_store_get(s, "nothing", NULL, collect_version, &v, NULL),
	    ENOENT);
	assert_int_equal(v.count, 0);
	/* The tombstone is there, with the removal's version. */
	assert_int_equal(db_int(f->path, "SELECT version FROM conference "
					 "WHERE name = 'a' AND removed = 1"),
			 (long long)vdel);
	/* Skipped, not read as a damaged row (that would warn). */
	memset(&diag, 0, sizeof(diag));
	diag.warnh = on_warning;
	warnings = 0;
	assert_int_equal(
	    confinfo_store_scan(s, NULL, collect_version, &v, &diag), 0);
	assert_int_equal(warnings, 0);
	assert_int_equal(v.count, 1);
	assert_string_equal(v.name[0], "b");
	assert_int_equal(v.version[0], vb);

	/* Re-created: above the tombstone. */
	assert_int_equal(confinfo_store_save(s, "a", a, "publish", &va3, NULL),
			 0);
	assert_true(va3 > vdel);
	memset(&v, 0, sizeof(v));
	assert_int_equal(
	    confinfo_store_get(s, "a", NULL, collect_version, &v, NULL), 0);
	assert_int_equal(v.count, 1);
	assert_int_equal(v.version[0], va3);
	confinfo_store_close(s);

	s = NULL;
	assert_int_equal(confinfo_store_open(&s, f->path, NULL), 0);
	assert_int_equal(confinfo_store_save(s, "b", a, "dir", &vb2, NULL), 0);
	assert_true(vb2 > va3);
	confinfo_store_close(s);
	confinfo_conf_free(a);
	confinfo_conf_free(b);
}

/* Two stores on one file: a save in one wakes the other, whose poll
 * reports it, removals too; neither hears its own saves. */
static void test_poke_between_stores(void **st)
{
	struct fixture *f = *st;
	struct confinfo_store *sa = NULL, *sb = NULL;
	struct confinfo_conf *a = tu_decode_str(doc_a);
	uint64_t v1 = 0, v2 = 0, v3 = 0;
	struct seen v = {0};
	int fd;

	assert_int_equal(confinfo_store_open(&sa, f->path, NULL), 0);
	assert_int_equal(confinfo_store_open(&sb, f->path, NULL), 0);
	assert_int_equal(peers_count(f), 2);
	fd = confinfo_store_fd(sb);
	assert_true(fd >= 0);
	assert_true(confinfo_store_fd(sa) != fd);
	assert_int_equal(readable(fd, 0), 0);

	assert_int_equal(confinfo_store_save(sa, "a", a, "dir", &v1, NULL), 0);
	assert_int_equal(readable(fd, 2000), 1);
	assert_int_equal(confinfo_store_poll(sb, collect_change, &v, NULL), 0);
	assert_int_equal(v.count, 1);
	assert_string_equal(v.name[0], "a");
	assert_int_equal(v.version[0], v1);
	/* Drained; and nothing new to report. */
	assert_int_equal(readable(fd, 0), 0);
	assert_int_equal(confinfo_store_poll(sb, collect_change, &v, NULL), 0);
	assert_int_equal(v.count, 1);

	/* The other way round, and a removal. */
	assert_int_equal(confinfo_store_save(sb, "b", a, "dir", &v2, NULL), 0);
	assert_true(v2 > v1);
	assert_int_equal(readable(confinfo_store_fd(sa), 2000), 1);
	assert_int_equal(readable(fd, 0), 0);
	memset(&v, 0, sizeof(v));
	assert_int_equal(confinfo_store_poll(sa, collect_change, &v, NULL), 0);
	assert_int_equal(v.count, 1);
	assert_string_equal(v.name[0], "b");
	assert_int_equal(v.version[0], v2);
	assert_int_equal(confinfo_store_save(sa, "a", NULL, NULL, &v3, NULL),
			 0);
	assert_true(v3 > v2);
	assert_int_equal(readable(fd, 2000), 1);
	memset(&v, 0, sizeof(v));
	assert_int_equal(confinfo_store_poll(sb, collect_change, &v, NULL), 0);
	assert_int_equal(v.count, 1);
	assert_string_equal(v.name[0], "a");
	assert_int_equal(v.version[0], v3);
	assert_int_equal(
	    confinfo_store_get(sb, "a", NULL, collect_version, &v, NULL),
	    ENOENT);
	/* Removing what is not stored wakes nobody. */
	assert_int_equal(confinfo_store_remove(sa, "a", NULL), 0);
	assert_int_equal(readable(fd, 100), 0);

	confinfo_store_close(sa);
	assert_int_equal(peers_count(f), 1);
	confinfo_store_close(sb);
	assert_int_equal(peers_count(f), 0);
	confinfo_conf_free(a);
}

/* Far more saves than a socket queues, the other store not polling: its
 * one poll reports every conference once, at its latest version, in
 * version order. */
static void test_lost_pokes_lose_nothing(void **st)
{
	enum { CONFS = 5, SAVES = 1200 };
	struct fixture *f = *st;
	struct confinfo_store *sa = NULL, *sb = NULL;
	struct confinfo_conf *a = tu_decode_str(doc_a);
	uint64_t last[CONFS] = {0}, gone = 0;
	struct seen v = {0};
	char name[16];

	assert_int_equal(confinfo_store_open(&sa, f->path, NULL), 0);
	assert_int_equal(confinfo_store_open(&sb, f->path, NULL), 0);
	for (int i = 0; i < SAVES; i++) {
		snprintf(name, sizeof(name), "c%d", i % CONFS);
		assert_int_equal(confinfo_store_save(sa, name, a, "dir",
						     &last[i % CONFS], NULL),
				 0);
	}
	assert_int_equal(confinfo_store_save(sa, "c0", NULL, NULL, &gone, NULL),
			 0);
	assert_int_equal(readable(confinfo_store_fd(sb), 0), 1);
	assert_int_equal(confinfo_store_poll(sb, collect_change, &v, NULL), 0);
	assert_int_equal(v.count, CONFS);
	for (size_t i = 0; i < v.count; i++) {
		int c = atoi(v.name[i] + 1);

		if (i)
			assert_true(v.version[i] > v.version[i - 1]);
		assert_int_equal(v.version[i], c ? last[c] : gone);
	}
	assert_string_equal(v.name[CONFS - 1], "c0");
	assert_int_equal(readable(confinfo_store_fd(sb), 0), 0);
	confinfo_store_close(sa);
	confinfo_store_close(sb);
	confinfo_conf_free(a);
}

/* A registration whose store is gone (no socket of that name) is
 * removed by the next save; a file that is no registration is left. */
static void test_dead_peer_removed(void **st)
{
	struct fixture *f = *st;
	struct confinfo_store *s = NULL;
	struct confinfo_conf *a = tu_decode_str(doc_a);
	char dir[96], dead[160], other[160];
	FILE *fp;

	assert_int_equal(confinfo_store_open(&s, f->path, NULL), 0);
	assert_int_equal(peers_count(f), 1);
	peers_path(f, dir, sizeof(dir));
	snprintf(dead, sizeof(dead), "%s/confinfo-0-deadbeefdeadbeef", dir);
	snprintf(other, sizeof(other), "%s/README", dir);
	fp = fopen(dead, "w");
	assert_non_null(fp);
	fclose(fp);
	fp = fopen(other, "w");
	assert_non_null(fp);
	fclose(fp);
	assert_int_equal(peers_count(f), 2);

	assert_int_equal(confinfo_store_put(s, "a", a, "dir", NULL), 0);
	assert_int_equal(access(dead, F_OK), -1);
	assert_int_equal(access(other, F_OK), 0);
	assert_int_equal(peers_count(f), 1);
	confinfo_store_close(s);
	assert_int_equal(peers_count(f), 0);
	confinfo_conf_free(a);
}

/* Where <db>.peers cannot be made, the store works for one process and
 * the open says so in a warning. */
static void test_no_peers_dir(void **st)
{
	struct fixture *f = *st;
	struct confinfo_store *s = NULL;
	struct confinfo_conf *a = tu_decode_str(doc_a);
	struct confinfo_diag diag;
	struct seen v = {0};
	uint64_t version = 0;
	char dir[96];
	FILE *fp;

	peers_path(f, dir, sizeof(dir));
	fp = fopen(dir, "w"); /* a file in the way */
	assert_non_null(fp);
	fclose(fp);
	memset(&diag, 0, sizeof(diag));
	diag.warnh = on_warning;
	warnings = 0;
	assert_int_equal(confinfo_store_open(&s, f->path, &diag), 0);
	assert_int_equal(warnings, 1);
	assert_non_null(strstr(last_warning, ".peers"));
	assert_non_null(strstr(last_warning, "not be announced"));
	assert_int_equal(diag.err, 0);
	assert_int_equal(confinfo_store_fd(s), -1);
	assert_int_equal(confinfo_store_save(s, "a", a, "dir", &version, NULL),
			 0);
	assert_true(version > 0);
	assert_int_equal(confinfo_store_poll(s, collect_change, &v, NULL), 0);
	assert_int_equal(v.count, 0);
	confinfo_store_close(s);
	confinfo_conf_free(a);
}

/* Insert a row of 0.1's table (the documents have quotes: bound). */
static void insert_v1(sqlite3 *db, const char *name, const char *xml)
{
	sqlite3_stmt *st = NULL;

	assert_int_equal(sqlite3_prepare_v2(db,
					    "INSERT INTO conference VALUES(?1, "
					    "'dir', ?2, 0)",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, xml, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

/* A file written by 0.1 (schema 1) is upgraded at open: its rows stay,
 * with versions, and the next save is above them. */
static void test_upgrade_from_1(void **st)
{
	struct fixture *f = *st;
	struct confinfo_store *s = NULL;
	struct confinfo_conf *a = tu_decode_str(doc_a);
	struct confinfo_conf *b = tu_decode_str(doc_b);
	struct seen v = {0};
	struct loaded l = {0};
	uint64_t version = 0;
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "CREATE TABLE conference ("
				      " name TEXT PRIMARY KEY NOT NULL,"
				      " source TEXT NOT NULL,"
				      " state TEXT NOT NULL,"
				      " updated INTEGER NOT NULL);"
				      "PRAGMA user_version = 1;",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	insert_v1(db, "b", doc_b);
	insert_v1(db, "a", doc_a);
	sqlite3_close(db);

	assert_int_equal(confinfo_store_open(&s, f->path, NULL), 0);
	assert_int_equal(db_int(f->path, "PRAGMA user_version"), 2);
	assert_int_equal(confinfo_store_load(s, NULL, collect, &l, NULL), 0);
	assert_int_equal(l.count, 2);
	assert_string_equal(l.name[0], "a");
	assert_true(confinfo_conf_equal(l.state[0], a));
	assert_string_equal(l.name[1], "b");
	assert_true(confinfo_conf_equal(l.state[1], b));
	loaded_free(&l);
	assert_int_equal(
	    confinfo_store_scan(s, NULL, collect_version, &v, NULL), 0);
	assert_int_equal(v.count, 2);
	assert_true(v.version[0] > 0 && v.version[1] > 0);
	assert_true(v.version[0] != v.version[1]);
	assert_int_equal(confinfo_store_save(s, "c", a, "dir", &version, NULL),
			 0);
	assert_true(version > v.version[0] && version > v.version[1]);
	confinfo_store_close(s);

	/* Opened again: nothing to upgrade, the rows as they were. */
	s = NULL;
	memset(&v, 0, sizeof(v));
	assert_int_equal(confinfo_store_open(&s, f->path, NULL), 0);
	assert_int_equal(
	    confinfo_store_scan(s, NULL, collect_version, &v, NULL), 0);
	assert_int_equal(v.count, 3);
	assert_int_equal(v.version[2], version);
	confinfo_store_close(s);
	confinfo_conf_free(a);
	confinfo_conf_free(b);
}

/* Two real processes: the child opens the file and saves, the parent's
 * store is woken and reports it. */
static void test_two_processes(void **st)
{
	struct fixture *f = *st;
	struct confinfo_store *s = NULL;
	struct seen v = {0};
	int status = -1;
	pid_t pid;

	assert_int_equal(confinfo_store_open(&s, f->path, NULL), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* Nothing of the parent's is touched here, not even closed. */
		struct confinfo_store *c = NULL;
		struct confinfo_conf *a = tu_decode_str(doc_a);
		uint64_t version = 0;
		int ok = !confinfo_store_open(&c, f->path, NULL) &&
			 !confinfo_store_save(c, "child", a, "publish",
					      &version, NULL) &&
			 version > 0;

		confinfo_store_close(c);
		confinfo_conf_free(a);
		_exit(ok ? 0 : 1);
	}
	assert_int_equal(readable(confinfo_store_fd(s), 5000), 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(confinfo_store_poll(s, collect_change, &v, NULL), 0);
	assert_int_equal(v.count, 1);
	assert_string_equal(v.name[0], "child");
	assert_true(v.version[0] > 0);
	memset(&v, 0, sizeof(v));
	assert_int_equal(
	    confinfo_store_get(s, "child", NULL, collect_version, &v, NULL), 0);
	assert_int_equal(v.count, 1);
	/* The child unregistered; the parent is still there. */
	assert_int_equal(peers_count(f), 1);
	confinfo_store_close(s);
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
	    cmocka_unit_test_setup_teardown(test_shared_api, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_versions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_poke_between_stores, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_lost_pokes_lose_nothing, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_dead_peer_removed, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_no_peers_dir, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_upgrade_from_1, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_two_processes, setup,
					    teardown),
	    cmocka_unit_test(test_pg_unreachable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
