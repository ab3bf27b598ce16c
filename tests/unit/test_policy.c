/*
 * The view policy (policy.h): the parser (every statement, every error
 * with its line, the limits), the decisions (classes, subscriber lines,
 * inheritance from the default section), privacy by policy and by the
 * marker of the state; and the per-view diff/merge property over
 * generated states with policy-chosen private users.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "confinfo/diff.h"
#include "confinfo/merge.h"
#include "confinfo/policy.h"
#include "confinfo/view.h"
#include "gen.h"
#include "testutil.h"

static struct confinfo_view_policy *parse_ok(const char *text)
{
	struct confinfo_view_policy *p = NULL;
	struct confinfo_diag diag;

	memset(&diag, 0, sizeof(diag));
	if (confinfo_view_policy_parse(&p, text, strlen(text), &diag))
		fail_msg("line %u: %s", diag.line, diag.message);
	return p;
}

/* A policy that must fail at @p line with @p err and a message holding
 * @p what. */
static void parse_bad(const char *text, int err, unsigned line,
		      const char *what)
{
	struct confinfo_view_policy *p = (void *)0x1;
	struct confinfo_diag diag;

	memset(&diag, 0, sizeof(diag));
	assert_int_equal(
	    confinfo_view_policy_parse(&p, text, strlen(text), &diag), err);
	assert_ptr_equal(p, (void *)0x1);
	assert_int_equal(diag.line, line);
	if (!strstr(diag.message, what))
		fail_msg("'%s' does not say '%s'", diag.message, what);
}

static const char POLICY[] = "# the default section\n"
			     "participants participant\n"
			     "authenticated public\n"
			     "anonymous none\n"
			     "subscriber sip:ops@Example.COM full\n"
			     "private sips:bob@example.com\n"
			     "private-display-text   A participant  \n"
			     "\n"
			     "[room1]   # a conference\n"
			     "participants public\n"
			     "chair-roles host\n"
			     "subscriber sip:eve@example.com none\n"
			     "private sip:carol@example.com\r\n"
			     "[room2]\n"
			     "private-display-text\n"
			     "anonymous public\n";

static void test_decide(void **state)
{
	struct confinfo_view_policy *p = parse_ok(POLICY);

	(void)state;
	/* No policy: everyone sees everything. */
	assert_int_equal(confinfo_view_policy_decide(NULL, "x", NULL, 0, 0),
			 CONFINFO_VIEW_FULL);
	/* Default section, classes. */
	assert_int_equal(confinfo_view_policy_decide(p, "other", NULL, 0, 0),
			 CONFINFO_VIEW_NONE);
	assert_int_equal(
	    confinfo_view_policy_decide(p, "other", "sip:x@example.com", 0, 0),
	    CONFINFO_VIEW_PUBLIC);
	assert_int_equal(
	    confinfo_view_policy_decide(p, "other", "sip:x@example.com", 1, 0),
	    CONFINFO_VIEW_PARTICIPANT);
	/* chairs not set anywhere: built in full. */
	assert_int_equal(
	    confinfo_view_policy_decide(p, "other", "sip:x@example.com", 1, 1),
	    CONFINFO_VIEW_FULL);
	/* A subscriber line wins over the class, compared normalised. */
	assert_int_equal(
	    confinfo_view_policy_decide(
		p, "other", "sips:ops@example.com;transport=tls", 0, 0),
	    CONFINFO_VIEW_FULL);
	/* The conference's section, then the default's. */
	assert_int_equal(
	    confinfo_view_policy_decide(p, "room1", "sip:x@example.com", 1, 0),
	    CONFINFO_VIEW_PUBLIC);
	assert_int_equal(confinfo_view_policy_decide(p, "room1", NULL, 0, 0),
			 CONFINFO_VIEW_NONE);
	assert_int_equal(confinfo_view_policy_decide(p, "room2", NULL, 0, 0),
			 CONFINFO_VIEW_PUBLIC);
	assert_int_equal(confinfo_view_policy_decide(
			     p, "room1", "sip:eve@example.com", 1, 1),
			 CONFINFO_VIEW_NONE);
	assert_int_equal(confinfo_view_policy_decide(
			     p, "room1", "sip:ops@example.com", 0, 0),
			 CONFINFO_VIEW_FULL);
	/* eve's line is room1's only. */
	assert_int_equal(confinfo_view_policy_decide(
			     p, "room2", "sip:eve@example.com", 0, 0),
			 CONFINFO_VIEW_PUBLIC);
	/* Display text: room2 drops it, room1 inherits the default's. */
	assert_string_equal(confinfo_view_policy_display_text(p, "room1"),
			    "A participant");
	assert_null(confinfo_view_policy_display_text(p, "room2"));
	assert_null(confinfo_view_policy_display_text(NULL, "room2"));
	confinfo_view_policy_free(p);
}

#define USERS                                                                  \
	"<?xml version=\"1.0\"?>\n"                                            \
	"<conference-info xmlns=\"urn:ietf:params:xml:ns:conference-info\" "   \
	"xmlns:cp=\"urn:x-confinfo:params:xml:ns:privacy\" "                   \
	"entity=\"sip:room1@example.com\" state=\"full\" version=\"1\">"       \
	"<users>"                                                              \
	"<user entity=\"sip:alice@example.com\"><roles><entry>host</entry>"    \
	"</roles></user>"                                                      \
	"<user entity=\"sip:bob@example.com\"><roles><entry>chairman"          \
	"</entry></roles></user>"                                              \
	"<user entity=\"sip:carol.pc@example.com\"><associated-aors><entry>"   \
	"<uri>sip:carol@EXAMPLE.com</uri></entry></associated-aors></user>"    \
	"<user entity=\"sip:dave@example.com\" cp:private=\"true\"/>"          \
	"<user entity=\"sip:erin@example.com\" cp:private=\"no\"/>"            \
	"</users></conference-info>"

static const struct confinfo_user *user(const struct confinfo_conf *c, size_t i)
{
	return c->users->users.items[i];
}

static void test_classes(void **state)
{
	struct confinfo_view_policy *p = parse_ok(POLICY);
	struct confinfo_conf *doc = tu_decode_str(USERS);

	(void)state;
	/* chair-roles: room1 says host; elsewhere the built-in ones. */
	assert_true(confinfo_view_policy_chair(p, "room1", user(doc, 0)));
	assert_false(confinfo_view_policy_chair(p, "room1", user(doc, 1)));
	assert_false(confinfo_view_policy_chair(p, "room2", user(doc, 0)));
	assert_true(confinfo_view_policy_chair(p, "room2", user(doc, 1)));
	assert_true(confinfo_view_policy_chair(NULL, "x", user(doc, 1)));
	/* private: room1 lists carol (her AOR), the default bob; dave is
	 * marked by the state; erin's marker is not "true". */
	assert_false(confinfo_view_policy_private(p, "room1", user(doc, 0)));
	assert_true(confinfo_view_policy_private(p, "room1", user(doc, 2)));
	assert_false(confinfo_view_policy_private(p, "room2", user(doc, 2)));
	assert_true(confinfo_view_policy_private(NULL, "x", user(doc, 3)));
	assert_false(confinfo_view_policy_private(p, "room1", user(doc, 4)));
	assert_true(confinfo_view_user_marked_private(user(doc, 3)));
	assert_false(confinfo_view_user_marked_private(user(doc, 4)));
	assert_false(confinfo_view_user_marked_private(NULL));
	/* The whole decision from a state: carol by her AOR is a
	 * participant; alice a chair of room1 (built in chairs: full). */
	assert_int_equal(
	    confinfo_view_policy_view(p, "room1", doc, "sip:carol@example.com"),
	    CONFINFO_VIEW_PUBLIC);
	assert_int_equal(
	    confinfo_view_policy_view(p, "other", doc, "sip:carol@example.com"),
	    CONFINFO_VIEW_PARTICIPANT);
	assert_int_equal(
	    confinfo_view_policy_view(p, "room1", doc, "sip:alice@example.com"),
	    CONFINFO_VIEW_FULL);
	assert_int_equal(confinfo_view_policy_view(p, "other", doc,
						   "sip:nobody@example.com"),
			 CONFINFO_VIEW_PUBLIC);
	/* The From header is not an identity: NULL is anonymous. */
	assert_int_equal(confinfo_view_policy_view(p, "room1", doc, NULL),
			 CONFINFO_VIEW_NONE);
	confinfo_conf_free(doc);
	confinfo_view_policy_free(p);
}

static void test_errors(void **state)
{
	(void)state;
	parse_bad("participants all\n", EINVAL, 1, "unknown view 'all'");
	parse_bad("\n\nparticipants\n", EINVAL, 3, "missing view");
	parse_bad("participants full full\n", EINVAL, 1, "unexpected 'full'");
	parse_bad("chairs full\nchairs none\n", EINVAL, 2, "given twice");
	parse_bad("listeners full\n", EINVAL, 1, "unknown statement");
	parse_bad("[room1\n", EINVAL, 1, "missing ']'");
	parse_bad("[a/b]\n", EINVAL, 1, "not a conference name");
	parse_bad("[.x]\n", EINVAL, 1, "not a conference name");
	parse_bad("[a]\n[a]\n", EINVAL, 2, "section [a] given twice");
	parse_bad("[a] x\n", EINVAL, 1, "unexpected 'x'");
	parse_bad("private mailto:a@b\n", EINVAL, 1, "not a sip: or sips:");
	parse_bad("private\n", EINVAL, 1, "missing SIP URI");
	parse_bad("subscriber sip:a@b\n", EINVAL, 1, "missing view");
	parse_bad("subscriber sip:a@b full\nsubscriber SIP:a@B none\n", EINVAL,
		  2, "listed twice");
	parse_bad("chair-roles a\nchair-roles b\n", EINVAL, 2, "twice");
	parse_bad("chair-roles a b c d e f g h i j k l m n o p q\n", EINVAL, 1,
		  "more than 16");
	parse_bad("private-display-text a\nprivate-display-text\n", EINVAL, 2,
		  "twice");
	parse_bad("chairs full\x01\n", EINVAL, 1, "control character");
	parse_bad("\nprivate-display-text Caf\xe9\n", EINVAL, 2,
		  "not printable UTF-8");
	parse_bad("private-display-text a\xe2\x80\xae"
		  "b\n",
		  EINVAL, 1, "not printable UTF-8");
	/* A NUL byte is not the end of the text. */
	{
		static const char nul[] = "chairs full\n\0x\n";
		struct confinfo_view_policy *p = NULL;
		struct confinfo_diag diag;

		memset(&diag, 0, sizeof(diag));
		assert_int_equal(
		    confinfo_view_policy_parse(&p, nul, sizeof(nul) - 1, &diag),
		    EINVAL);
		assert_int_equal(diag.line, 2);
	}
	/* Empty and comment-only policies are valid. */
	confinfo_view_policy_free(parse_ok(""));
	confinfo_view_policy_free(parse_ok("# nothing\n   \n\t#\n"));
}

static void test_limits(void **state)
{
	struct confinfo_view_policy *p = NULL;
	struct confinfo_diag diag;
	size_t n = CONFINFO_POLICY_MAX_SIZE + 1, i;
	char *big = malloc(n + 64);
	char *s;

	(void)state;
	assert_non_null(big);
	/* Size: refused before a line is read. */
	memset(big, '\n', n);
	memset(&diag, 0, sizeof(diag));
	assert_int_equal(confinfo_view_policy_parse(&p, big, n, &diag), E2BIG);
	assert_string_equal(diag.limit, "max_size");
	/* Lines. */
	memset(&diag, 0, sizeof(diag));
	assert_int_equal(confinfo_view_policy_parse(
			     &p, big, CONFINFO_POLICY_MAX_LINES + 1, &diag),
			 E2BIG);
	assert_string_equal(diag.limit, "max_lines");
	assert_int_equal(diag.line, CONFINFO_POLICY_MAX_LINES + 1);
	/* Line length. */
	memset(big, '#', CONFINFO_POLICY_MAX_LINE + 1);
	memset(&diag, 0, sizeof(diag));
	assert_int_equal(confinfo_view_policy_parse(
			     &p, big, CONFINFO_POLICY_MAX_LINE + 1, &diag),
			 E2BIG);
	assert_string_equal(diag.limit, "max_line");
	/* Entries: subscriber and private lines and sections. */
	s = big;
	for (i = 0; i <= CONFINFO_POLICY_MAX_ENTRIES; i++)
		s += sprintf(s, "private sip:u%zu@x\n", i);
	memset(&diag, 0, sizeof(diag));
	assert_int_equal(
	    confinfo_view_policy_parse(&p, big, (size_t)(s - big), &diag),
	    E2BIG);
	assert_string_equal(diag.limit, "max_entries");
	/* Exactly at the limit (one entry is the default section). */
	s = big;
	for (i = 0; i + 1 < CONFINFO_POLICY_MAX_ENTRIES; i++)
		s += sprintf(s, "private sip:u%zu@x\n", i);
	p = NULL;
	assert_int_equal(
	    confinfo_view_policy_parse(&p, big, (size_t)(s - big), NULL), 0);
	confinfo_view_policy_free(p);
	free(big);
}

static void test_load(void **state)
{
	char path[] = "/tmp/test_policy_XXXXXX";
	struct confinfo_view_policy *p = NULL;
	struct confinfo_diag diag;
	int fd = mkstemp(path);
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("anonymous full\n[x]\nbogus\n", f);
	fclose(f);
	memset(&diag, 0, sizeof(diag));
	assert_int_equal(confinfo_view_policy_load(&p, path, &diag), EINVAL);
	assert_int_equal(diag.line, 3);
	f = fopen(path, "w");
	fputs("anonymous full\n", f);
	fclose(f);
	assert_int_equal(confinfo_view_policy_load(&p, path, NULL), 0);
	assert_int_equal(confinfo_view_policy_decide(p, "x", NULL, 0, 0),
			 CONFINFO_VIEW_FULL);
	confinfo_view_policy_free(p);
	unlink(path);
	assert_int_equal(confinfo_view_policy_load(&p, path, NULL), ENOENT);
}

/* Private: every other user of the generated state, by a policy line. */
struct genpriv {
	const struct confinfo_view_policy *p;
};

static bool gen_private(const struct confinfo_user *u, void *arg)
{
	const struct genpriv *g = arg;

	return confinfo_view_policy_private(g->p, "conf233", u);
}

static struct confinfo_view_policy *policy_for(const struct confinfo_conf *st)
{
	char text[8192];
	size_t off = 0;

	text[0] = '\0';
	for (size_t i = 0; st->users && i < st->users->users.count; i += 2) {
		const struct confinfo_user *u = st->users->users.items[i];

		if (!strncmp(u->entity, "sip", 3))
			off += (size_t)snprintf(text + off, sizeof(text) - off,
						"private %s\n", u->entity);
	}
	return parse_ok(text);
}

/* merge(view(old), diff(view(old), view(new))) == view(new), for every
 * view, over random states and random changes of them. */
static void test_property_generated(void **state)
{
	uint64_t seed = gen_seed(0x7e57), rng = seed;
	static const enum confinfo_view views[] = {CONFINFO_VIEW_PUBLIC,
						   CONFINFO_VIEW_PARTICIPANT,
						   CONFINFO_VIEW_FULL};

	int anonymised = 0;

	(void)state;
	for (int round = 0; round < 150; round++) {
		struct confinfo_conf *old_s = gen_state(&rng, NULL), *new_s;
		struct confinfo_view_policy *p = policy_for(old_s);
		struct genpriv g = {p};

		assert_int_equal(confinfo_conf_clone(&new_s, old_s), 0);
		gen_mutate(new_s, &rng);
		for (size_t v = 0; v < 3; v++) {
			struct confinfo_view_params prm = {
			    .view = views[v],
			    .private_h = gen_private,
			    .private_arg = &g,
			    .token_h = confinfo_view_token_insecure,
			};
			struct confinfo_conf *vo = NULL, *vn = NULL, *d = NULL;
			enum confinfo_merge_result r;

			assert_int_equal(confinfo_view_render(&vo, old_s, &prm),
					 0);
			assert_int_equal(confinfo_view_render(&vn, new_s, &prm),
					 0);
			if (views[v] == CONFINFO_VIEW_PARTICIPANT &&
			    !confinfo_conf_equal(vn, new_s))
				anonymised++;
			assert_int_equal(confinfo_diff(&d, vo, vn), 0);
			assert_int_equal(confinfo_merge(&vo, d, &r, NULL), 0);
			assert_int_equal(r, CONFINFO_MERGE_APPLIED);
			vn->version = vo->version;
			if (!confinfo_conf_equal(vo, vn))
				fail_msg("seed 0x%llx round %d view %s",
					 (unsigned long long)seed, round,
					 confinfo_view_str(views[v]));
			confinfo_conf_free(vo);
			confinfo_conf_free(vn);
		}
		confinfo_view_policy_free(p);
		confinfo_conf_free(old_s);
		confinfo_conf_free(new_s);
	}
	/* The property said something about anonymised views. */
	assert_true(anonymised > 75);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_decide),
	    cmocka_unit_test(test_classes),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_load),
	    cmocka_unit_test(test_property_generated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
