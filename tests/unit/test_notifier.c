/*
 * The notifier without the network: its deadline heap (sipnot/sched.c)
 * against libre's loop, the conference table (normalisation, chat room
 * template, change callback, limits), the decoder limits of the directory
 * source, configuration errors and the credentials file. The SIP
 * behaviour is tested against real peers in tests/interop/focus_*.sh.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <re.h>

#include "confinfo/chat.h"
#include "confinfo/notifier.h"
#include "confinfo/sipstack.h"
#include "sipnot/sched.h"
#include "sipnot/sipnot.h"
#include "testutil.h"

/* The notifiers of a test run on one SIP stack of the test's, as they do
 * in a program (the notifier takes the caller's stack). */
static struct confinfo_sipstack *the_stack;

static void re_up(void)
{
	assert_int_equal(libre_init(), 0);
	assert_int_equal(confinfo_sipstack_alloc(&the_stack, NULL, NULL), 0);
}

static void re_down(void)
{
	confinfo_sipstack_free(the_stack);
	the_stack = NULL;
	libre_close();
}

static struct sip *the_sip(void)
{
	return confinfo_sipstack_sip(the_stack);
}

/* ------------------------------------------------------------------ */
/* The deadline heap. */

#define ENTRIES 300

struct fired {
	struct sipnot_sched sched;
	struct sipnot_sched_ent ent[ENTRIES];
	uint64_t due[ENTRIES];
	bool cancelled[ENTRIES];
	unsigned hits[ENTRIES];
	uint64_t last_due;
	unsigned count, expected;
	bool out_of_order, early;
};

static struct fired *F;

static void on_fire(void *arg)
{
	size_t i = (size_t)(uintptr_t)arg;

	F->hits[i]++;
	if (F->due[i] < F->last_due)
		F->out_of_order = true;
	if (tmr_jiffies() < F->due[i])
		F->early = true;
	F->last_due = F->due[i];
	if (++F->count == F->expected)
		re_cancel();
}

static void watchdog(void *arg)
{
	(void)arg;
	re_cancel();
}

static void test_sched_order(void **state)
{
	struct tmr guard;
	uint64_t now;
	unsigned seed = 12345;
	(void)state;

	re_up();
	F = calloc(1, sizeof(*F));
	assert_non_null(F);
	sipnot_sched_init(&F->sched);
	now = tmr_jiffies();
	for (size_t i = 0; i < ENTRIES; i++) {
		seed = seed * 1103515245u + 12345u;
		F->due[i] = now + 5 + (seed >> 16) % 200;
		assert_int_equal(sipnot_sched_start(&F->sched, &F->ent[i],
						    F->due[i], on_fire,
						    (void *)(uintptr_t)i),
				 0);
	}
	/* Move some (earlier and later), cancel others. */
	for (size_t i = 0; i < ENTRIES; i += 5) {
		F->due[i] = now + 1 + (i * 7) % 250;
		assert_int_equal(sipnot_sched_start(&F->sched, &F->ent[i],
						    F->due[i], on_fire,
						    (void *)(uintptr_t)i),
				 0);
	}
	for (size_t i = 3; i < ENTRIES; i += 7) {
		sipnot_sched_cancel(&F->sched, &F->ent[i]);
		sipnot_sched_cancel(&F->sched, &F->ent[i]); /* twice is fine */
		F->cancelled[i] = true;
	}
	for (size_t i = 0; i < ENTRIES; i++)
		F->expected += !F->cancelled[i];
	tmr_init(&guard);
	tmr_start(&guard, 5000, watchdog, NULL);
	(void)re_main(NULL);
	tmr_cancel(&guard);

	assert_int_equal(F->count, F->expected);
	assert_false(F->out_of_order);
	assert_false(F->early);
	for (size_t i = 0; i < ENTRIES; i++) {
		assert_int_equal(F->hits[i], F->cancelled[i] ? 0 : 1);
		assert_false(sipnot_sched_pending(&F->ent[i]));
	}
	sipnot_sched_close(&F->sched);
	free(F);
	F = NULL;
	re_down();
}

/* ------------------------------------------------------------------ */
/* The conference table. */

struct changes {
	unsigned count;
	char name[64];
	char source[32];
	bool removed;
};

static void on_change(const char *name, const struct confinfo_conf *state,
		      const char *source, void *arg)
{
	struct changes *c = arg;

	c->count++;
	snprintf(c->name, sizeof(c->name), "%s", name);
	snprintf(c->source, sizeof(c->source), "%s", source);
	c->removed = !state;
}

static const char doc_plain[] =
    "<conference-info xmlns='urn:ietf:params:xml:ns:conference-info' "
    "entity='sip:conf1@example.com' version='9'>"
    "<users><user entity='sip:alice@example.com'/></users>"
    "</conference-info>";

static const char doc_room[] =
    "<conference-info xmlns='urn:ietf:params:xml:ns:conference-info' "
    "entity='sip:conf2@example.com' state='full' version='1'>"
    "<conference-description><service-uris><entry>"
    "<uri>xmpp:own@rooms.example.org?join</uri>"
    "<purpose>grouptextchat</purpose></entry></service-uris>"
    "</conference-description></conference-info>";

static const char doc_partial[] =
    "<conference-info xmlns='urn:ietf:params:xml:ns:conference-info' "
    "entity='sip:conf1@example.com' state='partial' version='2'/>";

static struct confinfo_notifier *new_notifier(struct changes *c,
					      size_t max_confs)
{
	struct confinfo_notifier_config cfg;
	struct confinfo_notifier *n = NULL;

	confinfo_notifier_config_default(&cfg);
	cfg.domain = "example.com";
	cfg.chat_room = "xmpp:{name}@conference.{domain}?join";
	cfg.changeh = on_change;
	cfg.change_arg = c;
	if (max_confs)
		cfg.max_confs = max_confs;
	assert_int_equal(confinfo_notifier_alloc(&n, the_sip(), &cfg, NULL), 0);
	return n;
}

static void test_chat_room_template(void **state)
{
	struct changes c = {0};
	struct confinfo_notifier *n;
	struct confinfo_conf *plain = tu_decode_str(doc_plain);
	struct confinfo_conf *room = tu_decode_str(doc_room);
	const struct confinfo_conf *served;
	struct confinfo_chat_room *rooms = NULL;
	size_t count = 0;
	(void)state;

	re_up();
	n = new_notifier(&c, 0);
	assert_int_equal(confinfo_notifier_set_conf(n, "conf1", plain, NULL),
			 0);
	served = confinfo_notifier_conf(n, "conf1");
	assert_non_null(served);
	/* Versions are per subscription: the served state has 0. */
	assert_true(served->version.set);
	assert_int_equal(served->version.value, 0);
	assert_int_equal(served->state, CONFINFO_STATE_FULL);
	assert_int_equal(confinfo_chat_rooms(served, &rooms, &count, NULL), 0);
	assert_int_equal(count, 1);
	assert_string_equal(rooms[0].entry->uri,
			    "xmpp:conf1@conference.example.com?join");
	assert_string_equal(rooms[0].entry->purpose, CONFINFO_CHAT_PURPOSE);
	free(rooms);
	assert_string_equal(confinfo_notifier_conf_source(n, "conf1"), "api");

	/* A conference with its own room keeps it, and only it. */
	assert_int_equal(confinfo_notifier_set_conf(n, "conf2", room, "dir"),
			 0);
	served = confinfo_notifier_conf(n, "conf2");
	rooms = NULL;
	assert_int_equal(confinfo_chat_rooms(served, &rooms, &count, NULL), 0);
	assert_int_equal(count, 1);
	assert_string_equal(rooms[0].entry->uri,
			    "xmpp:own@rooms.example.org?join");
	free(rooms);

	confinfo_notifier_free(n);
	confinfo_conf_free(plain);
	confinfo_conf_free(room);
	re_down();
}

static void test_changes_and_removal(void **state)
{
	struct changes c = {0};
	struct confinfo_notifier *n;
	struct confinfo_conf *plain = tu_decode_str(doc_plain);
	struct confinfo_conf *room = tu_decode_str(doc_room);
	(void)state;

	re_up();
	n = new_notifier(&c, 2);
	assert_int_equal(confinfo_notifier_set_conf(n, "conf1", plain, "dir"),
			 0);
	assert_int_equal(c.count, 1);
	assert_string_equal(c.name, "conf1");
	assert_string_equal(c.source, "dir");
	/* The same content again (another version number): no change. */
	plain->version.value = 77;
	assert_int_equal(confinfo_notifier_set_conf(n, "conf1", plain, "dir"),
			 0);
	assert_int_equal(c.count, 1);
	/* The same content from another source: recorded. */
	assert_int_equal(
	    confinfo_notifier_set_conf(n, "conf1", plain, "publish"), 0);
	assert_int_equal(c.count, 2);
	assert_string_equal(c.source, "publish");
	/* The cap on conferences. */
	assert_int_equal(confinfo_notifier_set_conf(n, "conf2", room, NULL), 0);
	assert_int_equal(confinfo_notifier_set_conf(n, "conf3", room, NULL),
			 ENOSPC);
	assert_null(confinfo_notifier_conf(n, "conf3"));
	/* Removal. */
	assert_int_equal(confinfo_notifier_remove_conf(n, "conf1"), 0);
	assert_true(c.removed);
	assert_null(confinfo_notifier_conf(n, "conf1"));
	assert_int_equal(confinfo_notifier_remove_conf(n, "conf1"), ENOENT);
	assert_int_equal(confinfo_notifier_set_conf(n, "conf3", room, NULL), 0);
	assert_int_equal(confinfo_notifier_sub_count(n), 0);
	confinfo_notifier_free(n);
	confinfo_conf_free(plain);
	confinfo_conf_free(room);
	re_down();
}

/* The commit callback: runs before a change is served, and a refusal
 * leaves the served state as it was (issue 15: durable before 200). */
struct commits {
	unsigned count;
	int refuse;         /* errno to return, 0: accept */
	bool served_before; /* the new state was not served yet */
	struct confinfo_notifier *n;
	struct changes *changes;
};

static int on_commit(const char *name, const struct confinfo_conf *state,
		     const char *source, void *arg)
{
	struct commits *k = arg;

	(void)source;
	k->count++;
	/* Called before the change callback, and before the state is
	 * served: what is served is not yet what is committed. */
	k->served_before =
	    k->changes->count < k->count &&
	    (!state || !confinfo_notifier_conf(k->n, name) ||
	     !confinfo_conf_equal(confinfo_notifier_conf(k->n, name), state));
	return k->refuse;
}

static void test_commit_hook(void **state)
{
	struct changes c = {0};
	struct commits k = {0};
	struct confinfo_notifier_config cfg;
	struct confinfo_notifier *n = NULL;
	struct confinfo_conf *plain = tu_decode_str(doc_plain);
	struct confinfo_conf *room = tu_decode_str(doc_room);
	(void)state;

	re_up();
	confinfo_notifier_config_default(&cfg);
	cfg.changeh = on_change;
	cfg.change_arg = &c;
	cfg.commith = on_commit;
	cfg.commit_arg = &k;
	assert_int_equal(confinfo_notifier_alloc(&n, the_sip(), &cfg, NULL), 0);
	k.n = n;
	k.changes = &c;
	assert_int_equal(confinfo_notifier_set_conf(n, "conf1", plain, "dir"),
			 0);
	assert_int_equal(k.count, 1);
	assert_true(k.served_before);
	assert_int_equal(c.count, 1);
	/* Refused: EIO, nothing served, no change callback. */
	k.refuse = ECONNREFUSED;
	assert_int_equal(confinfo_notifier_set_conf(n, "conf1", room, "dir"),
			 EIO);
	assert_int_equal(k.count, 2);
	assert_int_equal(c.count, 1);
	/* Still the first state: Alice, not the room document's nobody. */
	assert_non_null(confinfo_notifier_conf(n, "conf1")->users);
	assert_int_equal(confinfo_notifier_conf(n, "conf1")->users->users.count,
			 1);
	/* A new conference refused is not created. */
	assert_int_equal(confinfo_notifier_set_conf(n, "conf2", room, NULL),
			 EIO);
	assert_null(confinfo_notifier_conf(n, "conf2"));
	k.refuse = ENOMEM;
	assert_int_equal(confinfo_notifier_set_conf(n, "conf2", room, NULL),
			 ENOMEM);
	assert_null(confinfo_notifier_conf(n, "conf2"));
	/* The same state again: nothing to commit. */
	k.refuse = 0;
	assert_int_equal(confinfo_notifier_set_conf(n, "conf1", plain, "dir"),
			 0);
	assert_int_equal(k.count, 4);
	/* A removal is committed too, and happens even when refused. */
	k.refuse = EIO;
	assert_int_equal(confinfo_notifier_remove_conf(n, "conf1"), 0);
	assert_int_equal(k.count, 5);
	assert_null(confinfo_notifier_conf(n, "conf1"));
	confinfo_notifier_free(n);
	confinfo_conf_free(plain);
	confinfo_conf_free(room);
	re_down();
}

/* A "publish" state set by the program gets a publication that expires
 * after expires_default, or never with adopted_forever (a cluster, where
 * the publisher's node ends it). */
static void test_adopted_forever(void **state)
{
	struct confinfo_notifier_config cfg;
	struct confinfo_conf *plain = tu_decode_str(doc_plain);
	(void)state;

	re_up();
	for (int forever = 0; forever < 2; forever++) {
		struct confinfo_notifier *n = NULL;
		struct sipnot_conf *conf;
		struct pl name;

		confinfo_notifier_config_default(&cfg);
		cfg.adopted_forever = forever;
		assert_int_equal(
		    confinfo_notifier_alloc(&n, the_sip(), &cfg, NULL), 0);
		assert_int_equal(
		    confinfo_notifier_set_conf(n, "conf1", plain, "publish"),
		    0);
		pl_set_str(&name, "conf1");
		conf = sipnot_conf_find(n, &name);
		assert_non_null(conf);
		assert_non_null(conf->pub);
		assert_int_equal(sipnot_sched_pending(&conf->pub->expiry),
				 !forever);
		confinfo_notifier_free(n);
	}
	confinfo_conf_free(plain);
	re_down();
}

/* A publication superseded by a published state the program sets (the
 * publisher got 412 here and published anew at another node or worker,
 * whose state the store brings back) no longer owns the state: it is
 * replaced by an adopted one, so that its expiry here cannot remove what
 * the other published. */
static void test_publication_superseded(void **state)
{
	struct confinfo_notifier_config cfg;
	struct confinfo_conf *plain = tu_decode_str(doc_plain);
	struct confinfo_conf *room = tu_decode_str(doc_room);
	struct confinfo_notifier *n = NULL;
	struct sipnot_conf *conf = NULL;
	char etag[sizeof(conf->pub->etag)];
	(void)state;

	re_up();
	confinfo_notifier_config_default(&cfg);
	cfg.adopted_forever = true;
	assert_int_equal(confinfo_notifier_alloc(&n, the_sip(), &cfg, NULL), 0);
	/* As a PUBLISH sets it: the state, then its own publication. */
	assert_int_equal(sipnot_conf_apply(n, "conf1", plain, "publish", &conf),
			 0);
	assert_non_null(conf);
	assert_null(conf->pub);
	sipnot_pub_adopt(n, conf);
	assert_non_null(conf->pub);
	memcpy(etag, conf->pub->etag, sizeof(etag));
	/* Another worker's publication, through the store. */
	assert_int_equal(
	    confinfo_notifier_set_conf(n, "conf1", room, "publish"), 0);
	assert_non_null(conf->pub);
	assert_string_not_equal(conf->pub->etag, etag);
	assert_false(sipnot_sched_pending(&conf->pub->expiry));
	confinfo_notifier_free(n);
	confinfo_conf_free(plain);
	confinfo_conf_free(room);
	re_down();
}

static void test_bad_conferences(void **state)
{
	struct changes c = {0};
	struct confinfo_notifier *n;
	struct confinfo_conf *plain = tu_decode_str(doc_plain);
	struct confinfo_conf *partial = tu_decode_str(doc_partial);
	char longname[CONFINFO_NOTIFIER_NAME_MAX + 2];
	static const char *const bad[] = {"",    ".hidden",     "a/b",
					  "a b", "caf\xc3\xa9", "x;y"};
	(void)state;

	re_up();
	n = new_notifier(&c, 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(
		    confinfo_notifier_set_conf(n, bad[i], plain, NULL), EINVAL);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(confinfo_notifier_set_conf(n, longname, plain, NULL),
			 EINVAL);
	longname[sizeof(longname) - 2] = '\0'; /* exactly the maximum */
	assert_int_equal(confinfo_notifier_set_conf(n, longname, plain, NULL),
			 0);
	assert_int_equal(
	    confinfo_notifier_set_conf(n, "ok-name_1.2~+", plain, NULL), 0);
	/* A partial document is not a state. */
	assert_int_equal(confinfo_notifier_set_conf(n, "conf1", partial, NULL),
			 EINVAL);
	assert_int_equal(confinfo_notifier_set_conf(n, "conf1", NULL, NULL),
			 EINVAL);
	assert_int_equal(c.count, 2);
	confinfo_notifier_free(n);
	confinfo_conf_free(plain);
	confinfo_conf_free(partial);
	re_down();
}

/* ------------------------------------------------------------------ */
/* Decoder limits of the directory source (PUBLISH: test_sipsub.c). */

/* Two users, 271 bytes: over max_users 1, over a max_body of 200. */
static const char doc_two_users[] =
    "<?xml version='1.0' encoding='UTF-8'?>\n"
    "<conference-info xmlns='urn:ietf:params:xml:ns:conference-info'\n"
    " entity='sip:big@example.com' state='full' version='1'>\n"
    "<users>\n"
    "<user entity='sip:alice@example.com'/>\n"
    "<user entity='sip:bob@example.com'/>\n"
    "</users>\n"
    "</conference-info>\n";

/* What the error callback of the directory source saw, copied: its
 * pointers are valid only during the call. */
struct dir_errors {
	unsigned count;
	int err;
	unsigned line;
	char message[CONFINFO_DIAG_MSG_SIZE];
	char limit[32]; /* "" when diag->limit was NULL */
};

static void on_dir_error(const char *file, const struct confinfo_diag *diag,
			 void *arg)
{
	struct dir_errors *e = arg;

	(void)file;
	e->count++;
	e->err = diag->err;
	e->line = diag->line;
	snprintf(e->message, sizeof(e->message), "%s", diag->message);
	snprintf(e->limit, sizeof(e->limit), "%s",
		 diag->limit ? diag->limit : "");
}

/* Serve @p dir with a notifier of @p max_body (0: default) and @p lim;
 * whether conference "big" is served, the errors in @p e. */
static bool dir_serves(const char *dir, size_t max_body,
		       struct confinfo_xml_limits *lim, struct dir_errors *e)
{
	struct confinfo_notifier_config cfg;
	struct confinfo_notifier *n = NULL;
	struct confinfo_dirsrc *d = NULL;
	struct confinfo_xml_limits saved;
	bool served;

	confinfo_notifier_config_default(&cfg);
	if (max_body)
		cfg.max_body = max_body;
	cfg.limits = lim;
	assert_int_equal(confinfo_notifier_alloc(&n, the_sip(), &cfg, NULL), 0);
	/* The limits are copied: what the caller does with its struct
	 * afterwards changes nothing. */
	if (lim) {
		saved = *lim;
		memset(lim, 0, sizeof(*lim));
	}
	memset(e, 0, sizeof(*e));
	assert_int_equal(confinfo_dirsrc_open(&d, n, dir, on_dir_error, e), 0);
	served = confinfo_notifier_conf(n, "big") != NULL;
	confinfo_dirsrc_close(d);
	confinfo_notifier_free(n);
	if (lim)
		*lim = saved;
	return served;
}

static void test_dir_limits(void **state)
{
	struct confinfo_xml_limits lim;
	struct dir_errors e;
	char dir[] = "/tmp/confinfo-dirsrc-XXXXXX";
	char path[64];
	FILE *f;
	(void)state;

	re_up();
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/big.xml", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(doc_two_users, f);
	fclose(f);

	/* The defaults serve it. */
	assert_true(dir_serves(dir, 0, NULL, &e));
	assert_int_equal(e.count, 0);

	/* max_users 1 refuses it, naming the limit, at the second user. */
	memset(&lim, 0, sizeof(lim));
	lim.max_users = 1;
	assert_false(dir_serves(dir, 0, &lim, &e));
	assert_int_equal(e.count, 1);
	assert_int_equal(e.err, EBADMSG);
	assert_int_equal(e.line, 6);
	assert_string_equal(e.limit, "max_users");
	assert_non_null(strstr(e.message, "more than 1 users"));
	/* Raised to the document's count: served. */
	lim.max_users = 2;
	assert_true(dir_serves(dir, 0, &lim, &e));
	assert_int_equal(e.count, 0);

	/* The size of a file: limits->max_body, refused unread with the
	 * decoder's name for it. */
	memset(&lim, 0, sizeof(lim));
	lim.max_body = 200;
	assert_false(dir_serves(dir, 0, &lim, &e));
	assert_int_equal(e.count, 1);
	assert_int_equal(e.err, EMSGSIZE);
	assert_int_equal(e.line, 0);
	assert_string_equal(e.limit, "max_body");
	assert_non_null(strstr(e.message, "larger than 200 bytes"));
	lim.max_body = sizeof(doc_two_users) - 1; /* exactly the file */
	assert_true(dir_serves(dir, 0, &lim, &e));
	/* Without limits->max_body the request body limit applies, as
	 * before the config had decoder limits... */
	assert_false(dir_serves(dir, 200, NULL, &e));
	assert_string_equal(e.limit, "max_body");
	/* ... and with it, the file may be larger than a request body. */
	lim.max_body = 4096;
	assert_true(dir_serves(dir, 200, &lim, &e));
	/* Larger than the decoder reads: the decoder's ceiling, and no
	 * allocation of that size for a small file. */
	lim.max_body = SIZE_MAX;
	assert_true(dir_serves(dir, 0, &lim, &e));

	/* Other failures name no limit. */
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("<conference-info", f);
	fclose(f);
	assert_false(dir_serves(dir, 0, NULL, &e));
	assert_int_equal(e.count, 1);
	assert_string_equal(e.limit, "");
	assert_true(e.message[0] != '\0');

	unlink(path);
	rmdir(dir);
	re_down();
}

/* ------------------------------------------------------------------ */
/* Configuration errors. */

static int alloc_with(struct confinfo_notifier_config *cfg,
		      struct confinfo_diag *diag)
{
	struct confinfo_notifier *n = NULL;
	int err;

	memset(diag, 0, sizeof(*diag));
	err = confinfo_notifier_alloc(&n, the_sip(), cfg, diag);
	confinfo_notifier_free(n);
	return err;
}

static void test_config_errors(void **state)
{
	struct confinfo_notifier_config cfg;
	struct confinfo_notifier *n = NULL;
	struct confinfo_diag diag;
	static const char *const allow[] = {"sip:alice@example.com",
					    "not a uri"};
	char path[] = "/tmp/confinfo-auth-XXXXXX";
	FILE *f;
	int fd;
	(void)state;

	re_up();
	confinfo_notifier_config_default(&cfg);
	cfg.expires_min = 4000; /* above the default 3600 */
	assert_int_equal(alloc_with(&cfg, &diag), EINVAL);
	assert_non_null(strstr(diag.message, "expiry"));

	confinfo_notifier_config_default(&cfg);
	cfg.allow = allow;
	cfg.allow_count = 2;
	assert_int_equal(alloc_with(&cfg, &diag), EINVAL);
	assert_non_null(strstr(diag.message, "not a uri"));

	confinfo_notifier_config_default(&cfg);
	cfg.chat_room = "{name}@conference";
	assert_int_equal(alloc_with(&cfg, &diag), EINVAL);
	assert_non_null(strstr(diag.message, "scheme"));

	confinfo_notifier_config_default(&cfg);
	cfg.auth_file = "/nonexistent/confinfo-users";
	assert_int_equal(alloc_with(&cfg, &diag), ENOENT);

	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("# users\nalice:localhost:0123456789abcdef0123456789abcdef\n"
	      "bob:localhost:0123\n",
	      f);
	fclose(f);
	confinfo_notifier_config_default(&cfg);
	cfg.auth_file = path;
	assert_int_equal(alloc_with(&cfg, &diag), EINVAL);
	assert_int_equal(diag.line, 3);
	assert_non_null(strstr(diag.message, "HA1"));
	unlink(path);

	confinfo_notifier_config_default(&cfg);
	/* The notifier needs a stack, and leaves it to its owner: a second
	 * notifier can take the same stack after the first is freed. */
	confinfo_notifier_config_default(&cfg);
	assert_int_equal(confinfo_notifier_alloc(&n, NULL, &cfg, NULL), EINVAL);
	assert_null(n);
	assert_int_equal(confinfo_notifier_alloc(&n, the_sip(), &cfg, NULL), 0);
	confinfo_notifier_free(n);
	n = NULL;
	assert_int_equal(confinfo_notifier_alloc(&n, the_sip(), &cfg, NULL), 0);
	confinfo_notifier_free(n);

	/* Listen specs (sipstack.h). */
	memset(&diag, 0, sizeof(diag));
	assert_int_equal(
	    confinfo_sipstack_listen(the_stack, "sctp:127.0.0.1:5060", &diag),
	    EINVAL);
	memset(&diag, 0, sizeof(diag));
	assert_int_equal(
	    confinfo_sipstack_listen(the_stack, "udp:nowhere", &diag), EINVAL);
	memset(&diag, 0, sizeof(diag));
	assert_int_equal(
	    confinfo_sipstack_listen(the_stack, "tls:127.0.0.1:5061", &diag),
	    EINVAL);
	assert_non_null(strstr(diag.message, "certificate"));
	re_down();
}

/* ------------------------------------------------------------------ */
/* The credentials file: one line per user and algorithm, an optional
 * AOR (digest.c). */

#define MD5_A "0123456789abcdef0123456789abcdef"
#define SHA_A MD5_A MD5_A

static int load_users(const char *text, struct confinfo_notifier **np,
		      struct confinfo_diag *diag)
{
	struct confinfo_notifier_config cfg;
	char path[] = "/tmp/confinfo-auth-XXXXXX";
	int fd = mkstemp(path), err;
	FILE *f;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	confinfo_notifier_config_default(&cfg);
	cfg.auth_file = path;
	memset(diag, 0, sizeof(*diag));
	*np = NULL;
	err = confinfo_notifier_alloc(np, the_sip(), &cfg, diag);
	unlink(path);
	return err;
}

static void test_credentials(void **state)
{
	struct confinfo_notifier *n = NULL;
	struct confinfo_diag diag;
	(void)state;

	re_up();
	assert_int_equal(load_users("carol:localhost:" MD5_A
				    ":sip:Mixer@EXAMPLE.com\n"
				    "alice:localhost:" SHA_A "\n"
				    "bob:localhost:" SHA_A "\n"
				    "alice:localhost:" MD5_A "\n",
				    &n, &diag),
			 0);
	/* Sorted, alice's two lines folded into one entry. */
	assert_int_equal(n->cred_count, 3);
	assert_string_equal(n->creds[0].user, "alice");
	assert_true(n->creds[0].has_md5 && n->creds[0].has_sha256);
	assert_string_equal(n->creds[0].aor, "sip:alice@localhost");
	assert_true(!n->creds[1].has_md5 && n->creds[1].has_sha256);
	/* The AOR as RFC 3261 compares it: user exact, host lower case. */
	assert_string_equal(n->creds[2].aor, "sip:Mixer@example.com");
	assert_true(n->offer_md5 && n->offer_sha256);
	assert_non_null(n->nonces);
	confinfo_notifier_free(n);

	/* Two lines of one algorithm, or two identities, for one user. */
	assert_int_equal(load_users("alice:localhost:" MD5_A "\n"
				    "bob:localhost:" MD5_A "\n"
				    "alice:localhost:" MD5_A "\n",
				    &n, &diag),
			 EINVAL);
	assert_non_null(strstr(diag.message, "'alice' has two lines"));
	confinfo_notifier_free(n);
	assert_int_equal(load_users("alice:localhost:" MD5_A "\n"
				    "alice:localhost:" SHA_A
				    ":sip:other@localhost\n",
				    &n, &diag),
			 EINVAL);
	confinfo_notifier_free(n);
	/* An AOR that is not a SIP URI; an HA1 of neither length. */
	assert_int_equal(
	    load_users("alice:localhost:" MD5_A ":mailto:a@b\n", &n, &diag),
	    EINVAL);
	assert_int_equal(diag.line, 1);
	assert_non_null(strstr(diag.message, "not a SIP URI"));
	confinfo_notifier_free(n);
	assert_int_equal(
	    load_users("alice:localhost:" MD5_A "0123\n", &n, &diag), EINVAL);
	assert_non_null(strstr(diag.message, "64 (SHA-256)"));
	confinfo_notifier_free(n);
	re_down();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sched_order),
	    cmocka_unit_test(test_chat_room_template),
	    cmocka_unit_test(test_changes_and_removal),
	    cmocka_unit_test(test_commit_hook),
	    cmocka_unit_test(test_adopted_forever),
	    cmocka_unit_test(test_publication_superseded),
	    cmocka_unit_test(test_bad_conferences),
	    cmocka_unit_test(test_dir_limits),
	    cmocka_unit_test(test_config_errors),
	    cmocka_unit_test(test_credentials),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
