/*
 * The room tracker (chat.h, "Following the rooms of one subscription";
 * RFC 7106 section 2): reports only when the advertised set changes, what
 * came and went, the order, verdicts equal to confinfo_chat_check_room()'s
 * under the tracker's policy, the unparsable conference URI, the bounded
 * once-per-session memory, and allocation failures one at a time (the
 * tracker must be left as it was).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confinfo/chat.h"
#include "model/alloc.h"
#include "testutil.h"

#define CONF "sip:dev@example.com"
#define A    "xmpp:dev@example.com?join"
#define B    "sip:dev@chat.example.net"
#define C    "ftp://example.com/dev"
#define D    "irc://irc.example.com/dev"

/* A state advertising @p rooms, NULL-terminated. A URI may start with
 * '~' (purpose misspelled as in RFC 7106's example) or '@' (listed in
 * conf-uris); @p users is the conference-state/user-count. */
static struct confinfo_conf *doc_of(const char *const *rooms, unsigned users)
{
	char svc[4096] = "", cnf[4096] = "", xml[10240];
	struct confinfo_conf *conf;

	for (size_t i = 0; rooms[i]; i++) {
		const char *u = rooms[i], *purpose = CONFINFO_CHAT_PURPOSE;
		char *list = svc;

		if (*u == '~') {
			purpose = CONFINFO_CHAT_PURPOSE_MISSPELLED;
			u++;
		} else if (*u == '@') {
			list = cnf;
			u++;
		}
		snprintf(list + strlen(list), 4096 - strlen(list),
			 "<entry><uri>%s</uri><display-text>room %zu"
			 "</display-text><purpose>%s</purpose></entry>",
			 u, i, purpose);
	}
	snprintf(xml, sizeof(xml),
		 "<conference-info "
		 "xmlns=\"urn:ietf:params:xml:ns:conference-info\" "
		 "entity=\"" CONF "\" state=\"full\" version=\"1\">"
		 "<conference-description>%s%s%s%s%s%s</conference-description>"
		 "<conference-state><user-count>%u</user-count>"
		 "</conference-state></conference-info>",
		 *cnf ? "<conf-uris>" : "", cnf, *cnf ? "</conf-uris>" : "",
		 *svc ? "<service-uris>" : "", svc,
		 *svc ? "</service-uris>" : "", users);
	conf = tu_decode_str(xml);
	assert_non_null(conf);
	return conf;
}

static struct confinfo_chat_tracker *
tracker_of(const char *conference, const struct confinfo_chat_policy *p)
{
	struct confinfo_chat_tracker *t = NULL;

	assert_int_equal(
	    confinfo_chat_tracker_alloc(&t, conference, strlen(conference), p),
	    0);
	assert_non_null(t);
	return t;
}

/* Update @p t with @p rooms; the report (NULL: none). */
static struct confinfo_chat_report *update(struct confinfo_chat_tracker *t,
					   const char *const *rooms)
{
	struct confinfo_conf *doc = doc_of(rooms, 1);
	struct confinfo_chat_report *r = (void *)1;

	assert_int_equal(confinfo_chat_tracker_update(t, doc, &r), 0);
	/* The report's rooms point into the state: keep it with them. The
	 * tests below only look at the URIs, copied here. */
	for (size_t i = 0; r && i < r->count; i++) {
		struct confinfo_uri_entry *e = confinfo_uri_entry_new();

		assert_non_null(e);
		assert_int_equal(
		    confinfo_str_set(&e->uri, r->rooms[i].room.entry->uri), 0);
		r->rooms[i].room.entry = e;
	}
	confinfo_conf_free(doc);
	return r;
}

static void report_free(struct confinfo_chat_report *r)
{
	for (size_t i = 0; r && i < r->count; i++)
		confinfo_uri_entry_free(
		    (struct confinfo_uri_entry *)r->rooms[i].room.entry);
	confinfo_chat_report_free(r);
}

/* The report holds exactly @p now (in order; a leading '+' marks an added
 * room) and @p gone. */
static void expect(const struct confinfo_chat_report *r, bool first,
		   const char *const *now, const char *const *gone)
{
	size_t n = 0;

	assert_non_null(r);
	assert_int_equal(r->first, first);
	for (; now[n]; n++) {
		bool added = now[n][0] == '+';

		assert_true(n < r->count);
		assert_string_equal(r->rooms[n].room.entry->uri,
				    now[n] + added);
		if (r->rooms[n].added != added)
			fail_msg("%s: added %d", now[n], r->rooms[n].added);
		assert_non_null(r->rooms[n].verdict);
	}
	assert_int_equal(r->count, n);
	for (n = 0; gone[n]; n++) {
		assert_true(n < r->gone_count);
		assert_string_equal(r->gone[n], gone[n]);
	}
	assert_int_equal(r->gone_count, n);
}

#define LIST(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NONE      ((const char *const[]){NULL})

static void test_changes(void **state)
{
	struct confinfo_chat_tracker *t = tracker_of(CONF, NULL);
	struct confinfo_chat_report *r;

	(void)state;
	/* No rooms at first is no change from the empty start. */
	assert_null(update(t, NONE));
	r = update(t, LIST(A, B, C));
	expect(r, true, LIST("+" A, "+" B, "+" C), NONE);
	report_free(r);
	/* Advertised again: nothing to report. */
	assert_null(update(t, LIST(A, B, C)));
	r = update(t, LIST(B, D));
	expect(r, false, LIST(B, "+" D), LIST(A, C));
	report_free(r);
	/* The same rooms in another order are reported, nothing added. */
	r = update(t, LIST(D, B));
	expect(r, false, LIST(D, B), NONE);
	report_free(r);
	r = update(t, NONE);
	expect(r, false, NONE, LIST(D, B));
	assert_null(r->rooms);
	report_free(r);
	assert_null(update(t, NONE));
	/* Back again after none: added, and not a first report. */
	r = update(t, LIST(A));
	expect(r, false, LIST("+" A), NONE);
	report_free(r);
	confinfo_chat_tracker_free(t);
}

/* Only the URIs and their order count: a new display text or user count
 * is no change. */
static void test_same_uris(void **state)
{
	struct confinfo_chat_tracker *t = tracker_of(CONF, NULL);
	struct confinfo_conf *doc = doc_of(LIST(A, B), 3);
	struct confinfo_chat_report *r = NULL;

	(void)state;
	assert_int_equal(confinfo_chat_tracker_update(t, doc, &r), 0);
	assert_non_null(r);
	confinfo_chat_report_free(r);
	assert_int_equal(
	    confinfo_str_set(&((struct confinfo_uri_entry *)doc->description
				   ->service_uris->entries.items[0])
				  ->display_text,
			     "renamed"),
	    0);
	doc->conf_state->user_count.value = 1000;
	r = (void *)1;
	assert_int_equal(confinfo_chat_tracker_update(t, doc, &r), 0);
	assert_null(r);
	confinfo_conf_free(doc);
	confinfo_chat_tracker_free(t);
}

static void same_verdict(const struct confinfo_chat_verdict *got,
			 const struct confinfo_chat_verdict *want)
{
	assert_int_equal(got->valid, want->valid);
	if (want->error)
		assert_string_equal(got->error, want->error);
	else
		assert_null(got->error);
	assert_int_equal(got->error_code, want->error_code);
	assert_string_equal(got->uri_display, want->uri_display);
	assert_int_equal(got->scheme, want->scheme);
	assert_int_equal(got->port, want->port);
	assert_int_equal(got->same_domain, want->same_domain);
	assert_int_equal(got->name_match, want->name_match);
	assert_int_equal(got->related, want->related);
	assert_int_equal(got->secure, want->secure);
	assert_int_equal(got->join, want->join);
	assert_int_equal(got->warning_count, want->warning_count);
	for (size_t i = 0; i < want->warning_count; i++)
		assert_string_equal(got->warnings[i], want->warnings[i]);
}

/* Each verdict is confinfo_chat_check_room()'s with the tracker's policy
 * and the state's user count, and its join is the policy's decision. */
static void verdicts_under(const struct confinfo_chat_policy *p, unsigned users,
			   const enum confinfo_chat_join *joins)
{
	const char *const *rooms =
	    LIST(A, "~xmpp:dev@example.com", "@sips:dev@example.com", B, C);
	struct confinfo_chat_tracker *t = tracker_of(CONF, p);
	struct confinfo_conf *doc = doc_of(rooms, users);
	struct confinfo_chat_report *r = NULL;
	struct confinfo_chat_room *list = NULL;
	struct confinfo_uri *conf = NULL;
	size_t n = 0;

	assert_int_equal(confinfo_chat_tracker_update(t, doc, &r), 0);
	assert_int_equal(confinfo_chat_rooms(doc, &list, &n, NULL), 0);
	assert_int_equal(
	    confinfo_chat_conference_parse(&conf, CONF, strlen(CONF), NULL), 0);
	assert_int_equal(r->count, n);
	for (size_t i = 0; i < n; i++) {
		struct confinfo_chat_verdict *v = NULL;

		assert_ptr_equal(r->rooms[i].room.entry, list[i].entry);
		assert_int_equal(r->rooms[i].room.misspelled,
				 list[i].misspelled);
		assert_int_equal(r->rooms[i].room.in_conf_uris,
				 list[i].in_conf_uris);
		assert_int_equal(
		    confinfo_chat_check_room(&v, conf, &list[i], p,
					     confinfo_chat_user_count(doc)),
		    0);
		same_verdict(r->rooms[i].verdict, v);
		if (r->rooms[i].verdict->join != joins[i])
			fail_msg(
			    "room %zu (%s): join %s", i, list[i].entry->uri,
			    confinfo_chat_join_str(r->rooms[i].verdict->join));
		confinfo_chat_verdict_free(v);
	}
	/* confinfo_chat_rooms() order: service-uris, then conf-uris. */
	assert_string_equal(r->rooms[3].room.entry->uri, C);
	assert_string_equal(r->rooms[4].room.entry->uri,
			    "sips:dev@example.com");
	assert_true(r->rooms[1].verdict->warning_count > 0);
	confinfo_chat_report_free(r);
	free(list);
	confinfo_uri_free(conf);
	confinfo_conf_free(doc);
	confinfo_chat_tracker_free(t);
}

static void test_verdicts(void **state)
{
	struct confinfo_chat_policy *p = NULL;
	const enum confinfo_chat_join NV = CONFINFO_CHAT_JOIN_NEVER,
				      AS = CONFINFO_CHAT_JOIN_ASK,
				      AU = CONFINFO_CHAT_JOIN_AUTO;

	(void)state;
	/* In the order of the report: A, the misspelled one, B, C, then
	 * the sips room of conf-uris. The defaults: ask for every valid
	 * room, never an invalid one. */
	verdicts_under(NULL, 1,
		       (const enum confinfo_chat_join[]){AS, AS, AS, NV, AS});
	assert_int_equal(confinfo_chat_policy_alloc(&p), 0);
	assert_int_equal(confinfo_chat_policy_set_auto_join(
			     p, CONFINFO_CHAT_AUTO_SAME_DOMAIN),
			 0);
	/* Same domain joins at once; another domain still asks. */
	verdicts_under(p, 1,
		       (const enum confinfo_chat_join[]){AU, AU, AS, NV, AU});
	/* Too many users for an automatic join. */
	verdicts_under(p, CONFINFO_CHAT_DEFAULT_MAX_AUTO_JOIN_USERS + 1,
		       (const enum confinfo_chat_join[]){AS, AS, AS, NV, AS});
	confinfo_chat_policy_free(p);
}

/* An unusable conference URI is no failure: every room is invalid with
 * the reason, never joined, and still shown safely. */
static void test_unparsable_conference(void **state)
{
	static const struct {
		const char *conf, *why;
	} cases[] = {
	    {"http://example.com/dev",
	     "must be a sip: or sips: URI, not http:"},
	    {"sip:dev@exa mple.com", "at offset"},
	    {"", "at offset"},
	};

	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct confinfo_chat_tracker *t =
		    tracker_of(cases[c].conf, NULL);
		struct confinfo_conf *doc = doc_of(LIST(A, C), 1);
		struct confinfo_chat_report *r = NULL;
		struct confinfo_uri_entry *e =
		    doc->description->service_uris->entries.items[1];

		/* A room URI the decoder cannot carry (ESC, U+202E). */
		assert_int_equal(confinfo_str_set(&e->uri, "xmpp:dev\x1b[2J"
							   "\xe2\x80\xae"
							   "@example.com"),
				 0);
		assert_int_equal(confinfo_chat_tracker_update(t, doc, &r), 0);
		assert_int_equal(r->count, 2);
		for (size_t i = 0; i < r->count; i++) {
			const struct confinfo_chat_verdict *v =
			    r->rooms[i].verdict;

			assert_false(v->valid);
			assert_int_equal(v->join, CONFINFO_CHAT_JOIN_NEVER);
			assert_non_null(strstr(v->error,
					       "the conference URI "
					       "cannot be checked: "));
			if (!strstr(v->error, cases[c].why))
				fail_msg("%s: %s", cases[c].conf, v->error);
			assert_int_equal(v->port, -1);
			assert_null(v->host);
			assert_int_equal(v->warning_count, 0);
		}
		assert_string_equal(r->rooms[0].verdict->uri_display, A);
		assert_string_equal(r->rooms[1].verdict->uri_display,
				    "xmpp:dev%1B[2J%E2%80%AE@example.com");
		confinfo_chat_report_free(r);
		confinfo_conf_free(doc);
		confinfo_chat_tracker_free(t);
	}
}

static void test_handled(void **state)
{
	struct confinfo_chat_tracker *t = tracker_of(CONF, NULL);
	char uri[64];

	(void)state;
	assert_false(confinfo_chat_tracker_handled(t, A));
	assert_int_equal(confinfo_chat_tracker_mark(t, A), 0);
	assert_true(confinfo_chat_tracker_handled(t, A));
	assert_int_equal(confinfo_chat_tracker_mark(t, A), 0);
	/* Byte for byte. */
	assert_false(confinfo_chat_tracker_handled(t, "XMPP:dev@example.com"
						      "?join"));
	for (unsigned i = 1; i < CONFINFO_CHAT_TRACKER_HANDLED_MAX; i++) {
		snprintf(uri, sizeof(uri), "xmpp:room%u@example.com", i);
		assert_int_equal(confinfo_chat_tracker_mark(t, uri), 0);
	}
	/* Full: the next room is refused, the earlier ones stay, and
	 * marking one of them again is still fine. */
	assert_int_equal(confinfo_chat_tracker_mark(t, B), ENOSPC);
	assert_false(confinfo_chat_tracker_handled(t, B));
	assert_true(confinfo_chat_tracker_handled(t, A));
	assert_true(confinfo_chat_tracker_handled(t, uri));
	assert_int_equal(confinfo_chat_tracker_mark(t, uri), 0);
	assert_int_equal(confinfo_chat_tracker_mark(t, A), 0);
	confinfo_chat_tracker_free(t);
}

/* A client acting on each reported room it has not handled yet acts on
 * each room once, however often it is advertised, withdrawn and
 * advertised again (the open_with interop test does this end to end). */
static void test_once_per_session(void **state)
{
	const char *const *seq[] = {
	    LIST(A, B), LIST(A, B), LIST(B, A, C),    NONE,
	    LIST(A),    LIST(D, A), LIST(A, B, C, D),
	};
	const char *const uris[] = {A, B, C, D};
	unsigned acted[4] = {0}, reports = 0;
	struct confinfo_chat_tracker *t = tracker_of(CONF, NULL);

	(void)state;
	for (size_t s = 0; s < sizeof(seq) / sizeof(seq[0]); s++) {
		struct confinfo_chat_report *r = update(t, seq[s]);

		reports += r != NULL;
		for (size_t i = 0; r && i < r->count; i++) {
			const char *u = r->rooms[i].room.entry->uri;

			if (confinfo_chat_tracker_handled(t, u))
				continue;
			assert_int_equal(confinfo_chat_tracker_mark(t, u), 0);
			for (size_t k = 0; k < 4; k++)
				acted[k] += !strcmp(u, uris[k]);
		}
		report_free(r);
	}
	assert_int_equal(reports, 6);
	for (size_t k = 0; k < 4; k++) {
		if (acted[k] != 1)
			fail_msg("%s acted on %u times", uris[k], acted[k]);
	}
	confinfo_chat_tracker_free(t);
}

static void test_einval(void **state)
{
	struct confinfo_chat_tracker *t = tracker_of(CONF, NULL);
	struct confinfo_conf *doc = doc_of(LIST(A), 1);
	struct confinfo_chat_report *r = (void *)1;

	(void)state;
	assert_int_equal(confinfo_chat_tracker_alloc(NULL, CONF, 3, NULL),
			 EINVAL);
	assert_int_equal(confinfo_chat_tracker_alloc(&t, NULL, 0, NULL),
			 EINVAL);
	assert_int_equal(confinfo_chat_tracker_update(NULL, doc, &r), EINVAL);
	assert_int_equal(confinfo_chat_tracker_update(t, NULL, &r), EINVAL);
	assert_int_equal(confinfo_chat_tracker_update(t, doc, NULL), EINVAL);
	assert_ptr_equal(r, (void *)1);
	assert_int_equal(confinfo_chat_tracker_mark(t, NULL), EINVAL);
	assert_int_equal(confinfo_chat_tracker_mark(NULL, A), EINVAL);
	assert_false(confinfo_chat_tracker_handled(NULL, A));
	assert_false(confinfo_chat_tracker_handled(t, NULL));
	confinfo_chat_tracker_free(NULL);
	confinfo_chat_report_free(NULL);
	confinfo_conf_free(doc);
	confinfo_chat_tracker_free(t);
}

/* ---------------------------------------------------------------------
 * Allocation failures, one at a time.
 * ------------------------------------------------------------------- */

static void test_alloc_tracker(void **state)
{
	const char *const confs[] = {CONF, "http://example.com/dev"};

	(void)state;
	for (size_t c = 0; c < 2; c++) {
		unsigned long n;

		for (n = 1;; n++) {
			struct confinfo_chat_tracker *t = (void *)1;
			int err;

			confinfo__alloc_fail_at(n);
			err = confinfo_chat_tracker_alloc(
			    &t, confs[c], strlen(confs[c]), NULL);
			confinfo__alloc_fail_at(0);
			if (!err) {
				confinfo_chat_tracker_free(t);
				break;
			}
			assert_int_equal(err, ENOMEM);
			assert_ptr_equal(t, (void *)1);
			assert_true(n < 1000);
		}
		assert_true(n > 2); /* the hook reached the parser */
	}
}

/* From @p before to @p after under failures: a failed update changes
 * nothing (the next one reports against @p before), a good one gives what
 * a tracker that never failed gives. */
static void fail_update(const char *conference, const char *const *before,
			const char *const *after, const char *const *want_now,
			const char *const *want_gone)
{
	struct confinfo_conf *doc = doc_of(after, 1);
	unsigned long n, failures = 0;

	for (n = 1;; n++) {
		struct confinfo_chat_tracker *t = tracker_of(conference, NULL);
		struct confinfo_chat_report *r = (void *)1;
		int err;

		report_free(update(t, before));
		confinfo__alloc_fail_at(n);
		err = confinfo_chat_tracker_update(t, doc, &r);
		confinfo__alloc_fail_at(0);
		if (err) {
			assert_int_equal(err, ENOMEM);
			assert_ptr_equal(r, (void *)1);
			failures++;
			/* Unchanged: the same change is reported now. */
			r = NULL;
			assert_int_equal(
			    confinfo_chat_tracker_update(t, doc, &r), 0);
		}
		expect(r, !*before, want_now, want_gone);
		confinfo_chat_report_free(r);
		confinfo_chat_tracker_free(t);
		if (!err)
			break;
	}
	assert_int_equal(failures, n - 1);
	assert_true(n > 4);
	confinfo_conf_free(doc);
}

static void test_alloc_update(void **state)
{
	(void)state;
	fail_update(CONF, NONE, LIST(A, B, C), LIST("+" A, "+" B, "+" C), NONE);
	fail_update(CONF, LIST(A, B, C), LIST(D, B), LIST("+" D, B),
		    LIST(A, C));
	fail_update("http://example.com/dev", LIST(A), LIST(B, C),
		    LIST("+" B, "+" C), LIST(A));
}

static void test_alloc_mark(void **state)
{
	struct confinfo_chat_tracker *t = tracker_of(CONF, NULL);
	unsigned long n;

	(void)state;
	for (n = 1;; n++) {
		int err;

		confinfo__alloc_fail_at(n);
		err = confinfo_chat_tracker_mark(t, A);
		confinfo__alloc_fail_at(0);
		if (!err)
			break;
		assert_int_equal(err, ENOMEM);
		assert_false(confinfo_chat_tracker_handled(t, A));
	}
	assert_int_equal(n, 3); /* the copy, then the list */
	assert_true(confinfo_chat_tracker_handled(t, A));
	confinfo_chat_tracker_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_changes),
	    cmocka_unit_test(test_same_uris),
	    cmocka_unit_test(test_verdicts),
	    cmocka_unit_test(test_unparsable_conference),
	    cmocka_unit_test(test_handled),
	    cmocka_unit_test(test_once_per_session),
	    cmocka_unit_test(test_einval),
	    cmocka_unit_test(test_alloc_tracker),
	    cmocka_unit_test(test_alloc_update),
	    cmocka_unit_test(test_alloc_mark),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
