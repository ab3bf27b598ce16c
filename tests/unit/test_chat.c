/*
 * The chat room verdicts (docs/chat-rooms.md sections 1, 4, 5 and 6): a
 * table of (conference, room, policy) cases with every answer spelled out,
 * a list of hostile rooms that must never earn a "yes" even under the most
 * permissive policy, the display of hostile bytes, and allocation
 * failures. Look-alike hosts checked from several threads:
 * test_chat_lookalike.c. The policy object and the
 * document helpers (entity warning, user count, listed rooms) are in
 * test_chat_policy.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confinfo/chat.h"
#include "model/alloc.h"
#include "testutil.h"

#define CONF "sip:dev@example.com"

enum {
	V = 1,   /* valid */
	S = 2,   /* same_domain */
	N = 4,   /* name_match */
	R = 8,   /* related */
	T = 16,  /* secure transport */
	NO = 32, /* the room URI names no room */
	L = 64,  /* lookalike */
};

struct chat_row {
	const char *conf; /* NULL: CONF */
	const char *room;
	size_t len; /* 0: strlen */
	enum confinfo_chat_related_mode related;
	const char *pairs; /* "conf=chat;conf=chat" */
	enum confinfo_chat_auto_join autoj;
	bool require_name;
	bool has_max;
	uint32_t max_users;
	uint32_t users;
	/* expected */
	unsigned want;
	enum confinfo_chat_join join;
	const char *name; /* canonical room name, unless NO */
	size_t name_len;
	const char *display; /* room_display; NULL: same as name */
	const char *host;    /* NULL: not checked */
	const char *warn;    /* a warning must contain this; NULL: none */
};

#define ROW(...)                                                               \
	{                                                                      \
		__VA_ARGS__                                                    \
	}
#define WANT(bits, j) .want = (bits), .join = CONFINFO_CHAT_JOIN_##j
#define NAME(x)       .name = x, .name_len = sizeof(x) - 1
#define AUTO(m)       .autoj = CONFINFO_CHAT_AUTO_##m
#define REL(m)        .related = CONFINFO_CHAT_RELATED_##m
#define MAXU(n)       .has_max = true, .max_users = n

static const struct chat_row rows[] = {
    /* Section 4 and 5, default policy: never auto, so "ask". */
    ROW(.room = "xmpp:dev@example.com", WANT(V | S | N | T, ASK), NAME("dev"),
	.host = "example.com"),
    ROW(.room = "sip:dev@EXAMPLE.COM.", WANT(V | S | N, ASK), NAME("dev"),
	.host = "example.com"),
    ROW(.room = "sips:dev@example.com:5061", WANT(V | S | N | T, ASK),
	NAME("dev")),
    ROW(.room = "sip:%64ev@example.com", WANT(V | S | N, ASK), NAME("dev")),
    ROW(.room = "sip:Dev@example.com", WANT(V | S, ASK), NAME("Dev")),
    ROW(.room = "xmpp:DEV@Example.com", WANT(V | S | N | T, ASK), NAME("dev")),
    ROW(.conf = "sip:Dev@example.com", .room = "xmpp:dev@example.com",
	WANT(V | S | T, ASK), NAME("dev")),
    ROW(.conf = "sip:Dev@example.com", .room = "sip:Dev@example.com",
	WANT(V | S | N, ASK), NAME("Dev")),
    ROW(.room = "xmpp:dev@example.com/nick?join", WANT(V | S | N | T, ASK),
	NAME("dev")),
    ROW(.room = "xmpp:\xef\xbd\x84\xef\xbd\x85\xef\xbd\x96@example.com",
	WANT(V | S | N | T, ASK), NAME("dev"), .warn = "fullwidth"),
    ROW(.room = "irc://example.com/dev", WANT(V | S | N, ASK), NAME("dev")),
    ROW(.room = "irc://example.com/%23dev", WANT(V | S | N, ASK), NAME("dev")),
    ROW(.room = "irc://example.com/DEV", WANT(V | S | N, ASK), NAME("dev")),
    ROW(.room = "irc://example.com/%23%23dev", WANT(V | S, ASK), NAME("#dev")),
    ROW(.room = "irc://example.com/%26dev", WANT(V | S, ASK), NAME("&dev")),
    ROW(.room = "irc://example.com/%2Bdev", WANT(V | S, ASK), NAME("+dev")),
    ROW(.room = "irc://example.com/!dev", WANT(V | S, ASK), NAME("!dev")),
    ROW(.conf = "sip:!dev@example.com", .room = "irc://example.com/!dev",
	WANT(V | S, ASK), NAME("!dev")),
    ROW(.room = "irc://example.com:6697/dev", WANT(V | S | N | T, ASK),
	NAME("dev")),
    ROW(.room = "irc://example.com:994/dev", WANT(V | S | N | T, ASK),
	NAME("dev")),
    ROW(.room = "irc://example.com:6667/dev", WANT(V | S | N, ASK),
	NAME("dev")),
    ROW(.room = "irc://example.com/#dev", WANT(V | S | NO, ASK),
	.warn = "fragment"),
    ROW(.room = "irc://example.com/", WANT(V | S | NO, ASK),
	.warn = "no channel"),
    ROW(.room = "irc:///dev", WANT(V | N, ASK), NAME("dev"),
	.warn = "without a host"),
    ROW(.conf = "sip:dev@localhost", .room = "irc://localhost/dev",
	WANT(V | N, ASK), NAME("dev"), .warn = "single-label"),
    ROW(.conf = "sip:dev@localhost", .room = "xmpp:dev@localhost",
	WANT(V | S | N | T, ASK), NAME("dev")),
    ROW(.room = "http://example.com/dev", WANT(V | S | NO, ASK)),
    ROW(.room = "https://example.com/chat", WANT(V | S | T | NO, ASK)),
    ROW(.room = "sip:dev@example.com;maddr=evil.net", WANT(V | N, ASK),
	NAME("dev"), .warn = "maddr"),
    ROW(.room = "sip:dev@example.com?Route=%3Csip:evil.net%3E",
	WANT(V | N, ASK), NAME("dev"), .warn = "Route"),
    ROW(.room = "sip:dev@example.com?R%0Aoute=x", WANT(V | N, ASK), NAME("dev"),
	.warn = "R%0Aoute"),
    ROW(.room = "sip:dev@example.com?subject=chat", WANT(V | S | N, ASK),
	NAME("dev")),
    ROW(.room = "xmpp://dev@example.com/dev@example.com", WANT(V | N | T, ASK),
	NAME("dev"), .warn = "account"),
    ROW(.room = "sip:dev:secret@example.com", WANT(V | S | NO, ASK),
	.warn = "password"),
    ROW(.conf = "sip:dev:secret@example.com", .room = "sip:dev@example.com",
	WANT(V | S, ASK), NAME("dev")),
    ROW(.room = "sip:example.com;x@evil.net", WANT(V, ASK),
	NAME("example.com;x"), .host = "evil.net"),
    ROW(.room = "sip:dev@evil-example.com", WANT(V | N, ASK), NAME("dev")),
    ROW(.room = "sip:dev@example.com.evil.net", WANT(V | N, ASK), NAME("dev")),
    ROW(.room = "sip:dev@www.example.com", WANT(V | N, ASK), NAME("dev")),
    ROW(.conf = "sip:dev@www.example.com", .room = "sip:dev@example.com",
	WANT(V | N, ASK), NAME("dev")),
    ROW(.room = "sip:dev@192.0.2.1", WANT(V | N, ASK), NAME("dev")),
    ROW(.conf = "sip:dev@192.0.2.1", .room = "xmpp:dev@192.0.2.1",
	WANT(V | S | N | T, ASK), NAME("dev")),
    ROW(.conf = "sip:dev@192.0.2.1", .room = "sip:dev@[::ffff:192.0.2.1]",
	WANT(V | N, ASK), NAME("dev")),
    ROW(.conf = "sip:dev@[2001:db8::1]", .room = "sip:dev@[2001:DB8:0::1]",
	WANT(V | S | N, ASK), NAME("dev"), .host = "[2001:db8::1]"),
    ROW(.conf = "sip:dev@xn--bcher-kva.de",
	.room = "xmpp:dev@b\xc3\xbc"
		"cher.de",
	WANT(V | S | N | T, ASK), NAME("dev"), .host = "xn--bcher-kva.de",
	.warn = "xn--bcher-kva.de (A-label)"),
    ROW(.conf = "sip:dev@apple.com", .room = "xmpp:dev@xn--pple-43d.com",
	WANT(V | N | T | L, ASK), NAME("dev"), .warn = "mixes scripts"),
    ROW(.conf = "sip:dev@apple.com", .room = "xmpp:dev@xn--pple-43d.com",
	AUTO(RELATED), REL(PSL), WANT(V | N | T | L, ASK), NAME("dev"),
	.warn = "looks like the conference host apple.com"),
    ROW(.conf = "sip:dev@xn--e1afmkfd.xn--p1ai",
	.room = "xmpp:dev@xn--e1afmkfd.xn--p1ai", WANT(V | S | N | T, ASK),
	NAME("dev"), .warn = "(Unicode)"),
    /* Names are byte strings: a NUL never shortens a comparison. */
    ROW(.conf = "sip:a%00b@example.com", .room = "sip:a%00b@example.com",
	WANT(V | S | N, ASK), NAME("a\0b"), .display = "a%00b",
	.warn = "percent-encoded"),
    ROW(.conf = "sip:a%00b@example.com", .room = "sip:a@example.com",
	WANT(V | S, ASK), NAME("a")),
    ROW(.conf = "sip:a@example.com", .room = "sip:a%00b@example.com",
	WANT(V | S, ASK), NAME("a\0b"), .display = "a%00b"),
    ROW(.conf = "sip:a@example.com", .room = "irc://example.com/a%FF",
	WANT(V | S, ASK), NAME("a\xff"), .display = "a%FF"),
    ROW(.conf = "sip:a%25b@example.com", .room = "irc://example.com/a%25b%FF",
	WANT(V | S, ASK), NAME("a%b\xff"), .display = "a%25b%FF"),
    ROW(.conf = "sip:example.com", .room = "xmpp:example@example.com",
	WANT(V | S | T, ASK), NAME("example")),
    ROW(.conf = "sip:d%C3%A9v@example.com", .room = "xmpp:D%C3%89V@example.com",
	WANT(V | S | N | T, ASK), NAME("d\xc3\xa9v")),
    /* Invalid rooms: never. */
    ROW(.room = "http://example.com@evil.net/", WANT(0, NEVER)),
    ROW(.room = "sip:dev@evil.net@example.com", WANT(0, NEVER)),
    ROW(.room = "tel:+15551234", WANT(0, NEVER)),
    ROW(.room = "sip:dev@example.com;method=INVITE", WANT(0, NEVER),
	AUTO(RELATED)),
    /* Section 6: related domains. */
    ROW(.room = "xmpp:dev@conference.example.com", REL(SUBDOMAIN),
	WANT(V | R | N | T, ASK), NAME("dev")),
    ROW(.room = "xmpp:dev@conference.example.com", REL(SUBDOMAIN),
	AUTO(RELATED), WANT(V | R | N | T, AUTO), NAME("dev")),
    ROW(.room = "xmpp:dev@conference.example.com", REL(SUBDOMAIN),
	AUTO(SAME_DOMAIN), WANT(V | R | N | T, ASK), NAME("dev")),
    ROW(.conf = "sip:dev@conf.example.com", .room = "xmpp:dev@chat.example.com",
	REL(SUBDOMAIN), WANT(V | R | N | T, ASK), NAME("dev")),
    ROW(.conf = "sip:dev@conf.example.com", .room = "xmpp:dev@example.com",
	REL(SUBDOMAIN), WANT(V | R | N | T, ASK), NAME("dev")),
    ROW(.room = "xmpp:dev@example.com", REL(SUBDOMAIN),
	WANT(V | S | R | N | T, ASK), NAME("dev")),
    ROW(.room = "xmpp:dev@evil-example.com", REL(SUBDOMAIN),
	WANT(V | N | T, ASK), NAME("dev")),
    ROW(.room = "xmpp:dev@example.com.evil.net", REL(SUBDOMAIN),
	WANT(V | N | T, ASK), NAME("dev")),
    ROW(.room = "xmpp:dev@other.com", REL(SUBDOMAIN), WANT(V | N | T, ASK),
	NAME("dev")),
    ROW(.conf = "sip:dev@example.co.uk", .room = "xmpp:dev@other.co.uk",
	REL(SUBDOMAIN), WANT(V | N | T, ASK), NAME("dev")),
    ROW(.conf = "sip:dev@a.example.co.uk", .room = "xmpp:dev@b.example.co.uk",
	REL(SUBDOMAIN), WANT(V | R | N | T, ASK), NAME("dev")),
    ROW(.conf = "sip:dev@co.uk", .room = "xmpp:dev@evil.co.uk", REL(SUBDOMAIN),
	WANT(V | N | T, ASK), NAME("dev")),
    ROW(.conf = "sip:dev@foo.github.io", .room = "xmpp:dev@bar.github.io",
	REL(SUBDOMAIN), WANT(V | N | T, ASK), NAME("dev")),
    ROW(.conf = "sip:dev@192.0.2.1", .room = "xmpp:dev@192.0.2.1",
	REL(SUBDOMAIN), WANT(V | S | N | T, ASK), NAME("dev")),
    ROW(.room = "sip:dev@chat.example.com;maddr=evil.net", REL(SUBDOMAIN),
	AUTO(RELATED), WANT(V | N, ASK), NAME("dev")),
    /* Section 6, look-alikes: related by the sub-domain rule, but a host
     * that mixes scripts in a label, or whose UTS #39 skeleton is that of
     * the conference host (or of one of its labels) without being it, is
     * never joined automatically. "\xd1\x81" is CYRILLIC SMALL LETTER ES,
     * "\xd0\xb0" CYRILLIC SMALL LETTER A. */
    ROW(.conf = "sip:x@conf.example.com",
	.room = "xmpp:r@\xd1\x81onf.example.com", REL(SUBDOMAIN), AUTO(RELATED),
	WANT(V | R | T | L, ASK), NAME("r"), .host = "xn--onf-3ed.example.com",
	.warn = "look-alike"),
    ROW(.conf = "sip:x@conf.example.com",
	.room = "xmpp:r@ch\xd0\xb0t.example.com", REL(SUBDOMAIN), AUTO(RELATED),
	WANT(V | R | T | L, ASK), NAME("r"), .warn = "mixes scripts"),
    ROW(.conf = "sip:x@conf.example.com",
	.room = "xmpp:r@chat.\xd1\x81onf.example.com", REL(SUBDOMAIN),
	AUTO(RELATED), WANT(V | R | T | L, ASK), NAME("r"),
	.warn = "look-alike"),
    ROW(.conf = "sip:x@team.example.com",
	.room = "xmpp:r@chat.tearn.example.com", REL(SUBDOMAIN), AUTO(RELATED),
	WANT(V | R | T | L, ASK), NAME("r"),
	.warn = "label 'tearn' of host chat.tearn.example.com looks like "
		"'team' of the conference host team.example.com"),
    ROW(.conf = "sip:x@ace.example.com",
	.room = "xmpp:r@\xd0\xb0\xd1\x81\xd0\xb5.example.com", REL(SUBDOMAIN),
	AUTO(RELATED), WANT(V | R | T | L, ASK), NAME("r"),
	.warn = "look-alike"),
    ROW(.conf = "sip:x@team.example.com", .room = "xmpp:r@tearn.example.com",
	REL(PSL), AUTO(RELATED), WANT(V | R | T | L, ASK), NAME("r"),
	.warn = "look-alike"),
    ROW(.conf = "sip:x@team.example.com", .room = "xmpp:r@tearn.example.com",
	AUTO(SAME_DOMAIN), WANT(V | T | L, ASK), NAME("r"),
	.warn = "look-alike"),
    ROW(.room = "xmpp:dev@examp1e.com", REL(LIST),
	.pairs = "example.com=examp1e.com", AUTO(RELATED),
	WANT(V | R | N | T | L, ASK), NAME("dev"), .warn = "look-alike"),
    /* Plain sub-domains of the parent stay related and automatic: the
     * operator trusted every name under example.com by choosing the rule,
     * and neither name imitates conf.example.com. */
    ROW(.conf = "sip:x@conf.example.com", .room = "xmpp:r@chat.example.com",
	REL(SUBDOMAIN), AUTO(RELATED), WANT(V | R | T, AUTO), NAME("r")),
    ROW(.conf = "sip:x@conf.example.com", .room = "xmpp:r@evilconf.example.com",
	REL(SUBDOMAIN), AUTO(RELATED), WANT(V | R | T, AUTO), NAME("r")),
    /* UTS #39 maps "0" to "O", not to "o": "c0nf" has its own skeleton. */
    ROW(.conf = "sip:x@conf.example.com", .room = "xmpp:r@c0nf.example.com",
	REL(SUBDOMAIN), AUTO(RELATED), WANT(V | R | T, AUTO), NAME("r")),
    /* A label in another script that imitates nothing is no look-alike,
     * nor is a whole host in one script. */
    ROW(.room = "xmpp:r@\xd0\xbf\xd1\x80\xd0\xb8\xd0\xbc\xd0\xb5\xd1\x80."
		"example.com",
	REL(SUBDOMAIN), AUTO(RELATED), WANT(V | R | T, AUTO), NAME("r"),
	.warn = "(Unicode)"),
    ROW(.conf = "sip:dev@xn--e1afmkfd.xn--p1ai",
	.room = "xmpp:dev@xn--e1afmkfd.xn--p1ai", AUTO(SAME_DOMAIN),
	WANT(V | S | N | T, AUTO), NAME("dev")),
    ROW(.conf = "sip:dev@www.example.com", .room = "xmpp:dev@chat.example.com",
	REL(PSL), WANT(V | R | N | T, ASK), NAME("dev")),
    ROW(.conf = "sip:dev@www.example.com",
	.room = "xmpp:dev@a.b.chat.example.com", REL(PSL), AUTO(RELATED),
	WANT(V | R | N | T, AUTO), NAME("dev")),
    ROW(.conf = "sip:dev@example.co.uk", .room = "xmpp:dev@evil.co.uk",
	REL(PSL), WANT(V | N | T, ASK), NAME("dev")),
    ROW(.conf = "sip:dev@a.co.uk", .room = "xmpp:dev@b.a.co.uk", REL(PSL),
	WANT(V | R | N | T, ASK), NAME("dev")),
    ROW(.conf = "sip:dev@co.uk", .room = "xmpp:dev@co.uk", REL(PSL),
	WANT(V | S | N | T, ASK), NAME("dev")),
    ROW(.conf = "sip:dev@192.0.2.1", .room = "xmpp:dev@10.0.2.1", REL(PSL),
	WANT(V | N | T, ASK), NAME("dev")),
    ROW(.conf = "sip:dev@192.0.2.1", .room = "xmpp:dev@192.0.2.1", REL(PSL),
	WANT(V | S | N | T, ASK), NAME("dev")),
    ROW(.room = "xmpp:dev@example.com.evil.net", REL(PSL), WANT(V | N | T, ASK),
	NAME("dev")),
    ROW(.conf = "sip:dev@foo.github.io", .room = "xmpp:dev@bar.github.io",
	REL(PSL), WANT(V | N | T, ASK), NAME("dev")),
    ROW(.conf = "sip:dev@example.com", .room = "xmpp:dev@example.org", REL(PSL),
	WANT(V | N | T, ASK), NAME("dev")),
    ROW(.room = "xmpp:dev@chat.example.net", REL(LIST),
	.pairs = "example.com=chat.example.net", WANT(V | R | N | T, ASK),
	NAME("dev")),
    ROW(.room = "xmpp:dev@CHAT.example.net.", REL(LIST),
	.pairs = "other.org=x.org;EXAMPLE.COM.=chat.example.net", AUTO(RELATED),
	WANT(V | R | N | T, AUTO), NAME("dev")),
    ROW(.room = "xmpp:dev@x.chat.example.net", REL(LIST),
	.pairs = "example.com=chat.example.net", WANT(V | N | T, ASK),
	NAME("dev")),
    ROW(.conf = "sip:dev@www.example.com", .room = "xmpp:dev@chat.example.net",
	REL(LIST), .pairs = "example.com=chat.example.net",
	WANT(V | N | T, ASK), NAME("dev")),
    ROW(.room = "xmpp:example.com@chat.example.net", REL(LIST),
	.pairs = "chat.example.net=example.com", WANT(V | T, ASK),
	NAME("example.com")),
    ROW(.conf = "sip:dev@xn--bcher-kva.de", .room = "xmpp:dev@chat.example.net",
	REL(LIST),
	.pairs = "b\xc3\xbc"
		 "cher.de=chat.example.net",
	WANT(V | R | N | T, ASK), NAME("dev")),
    ROW(.room = "sip:dev@chat.example.net;maddr=x.example.net", REL(LIST),
	.pairs = "example.com=chat.example.net", AUTO(RELATED),
	WANT(V | N, ASK), NAME("dev")),
    ROW(.room = "xmpp:dev@chat.example.net", REL(OFF),
	.pairs = "example.com=chat.example.net", AUTO(RELATED),
	WANT(V | N | T, ASK), NAME("dev")),
    ROW(.conf = "sip:dev@192.0.2.1", .room = "xmpp:dev@[2001:db8::1]",
	REL(LIST), .pairs = "192.0.2.1=[2001:db8:0::1]",
	WANT(V | R | N | T, ASK), NAME("dev")),
    /* Section 6: the join decision. */
    ROW(.room = "xmpp:dev@example.com", AUTO(SAME_DOMAIN), .users = 100,
	WANT(V | S | N | T, AUTO), NAME("dev")),
    ROW(.room = "xmpp:dev@example.com", AUTO(SAME_DOMAIN), .users = 101,
	WANT(V | S | N | T, ASK), NAME("dev"), .warn = "101 users"),
    ROW(.room = "xmpp:dev@example.com", AUTO(SAME_DOMAIN), MAXU(0), .users = 0,
	WANT(V | S | N | T, AUTO), NAME("dev")),
    ROW(.room = "xmpp:dev@example.com", AUTO(SAME_DOMAIN), MAXU(0), .users = 1,
	WANT(V | S | N | T, ASK), NAME("dev")),
    ROW(.room = "xmpp:dev@example.com", AUTO(RELATED), MAXU(5000),
	.users = 4000, WANT(V | S | N | T, AUTO), NAME("dev")),
    ROW(.room = "xmpp:dev@example.com", AUTO(NEVER), WANT(V | S | N | T, ASK),
	NAME("dev")),
    ROW(.room = "xmpp:other@example.com", AUTO(SAME_DOMAIN),
	WANT(V | S | T, AUTO), NAME("other")),
    ROW(.room = "xmpp:other@example.com", AUTO(SAME_DOMAIN),
	.require_name = true, WANT(V | S | T, ASK), NAME("other"),
	.warn = "does not match"),
    ROW(.room = "xmpp:dev@example.com", AUTO(SAME_DOMAIN), .require_name = true,
	WANT(V | S | N | T, AUTO), NAME("dev")),
    ROW(.room = "https://example.com/chat", AUTO(SAME_DOMAIN),
	WANT(V | S | T | NO, AUTO)),
    ROW(.room = "https://example.com/chat", AUTO(SAME_DOMAIN),
	.require_name = true, WANT(V | S | T | NO, ASK)),
    ROW(.room = "irc://example.com/", AUTO(SAME_DOMAIN), WANT(V | S | NO, ASK)),
    ROW(.room = "xmpp:dev@evil.net", AUTO(RELATED), REL(PSL),
	WANT(V | N | T, ASK), NAME("dev")),
};

static struct confinfo_chat_policy *policy_of(const struct chat_row *r)
{
	struct confinfo_chat_policy *p = NULL;

	assert_int_equal(confinfo_chat_policy_alloc(&p), 0);
	assert_int_equal(confinfo_chat_policy_set_related(p, r->related), 0);
	assert_int_equal(confinfo_chat_policy_set_auto_join(p, r->autoj), 0);
	assert_int_equal(
	    confinfo_chat_policy_set_require_name_match(p, r->require_name), 0);
	if (r->has_max)
		assert_int_equal(confinfo_chat_policy_set_max_auto_join_users(
				     p, r->max_users),
				 0);
	if (r->pairs) {
		char *copy = strdup(r->pairs), *save = NULL;

		assert_non_null(copy);
		for (char *pair = strtok_r(copy, ";", &save); pair;
		     pair = strtok_r(NULL, ";", &save)) {
			char *eq = strchr(pair, '=');

			assert_non_null(eq);
			*eq = '\0';
			assert_int_equal(confinfo_chat_policy_add_related(
					     p, pair, eq + 1, NULL),
					 0);
		}
		free(copy);
	}
	return p;
}

static struct confinfo_uri *conf_of(const char *s)
{
	struct confinfo_uri *u = NULL;
	struct confinfo_diag d = {0};

	if (confinfo_chat_conference_parse(&u, s, strlen(s), &d))
		fail_msg("conference %s: %s", s, d.message);
	return u;
}

/*
 * The contract's safety rule, checked on every verdict whatever the row
 * expects: no "yes" without its grounds.
 */
static void check_invariants(const char *what, const struct confinfo_uri *conf,
			     const char *room, size_t len,
			     const struct confinfo_chat_verdict *v,
			     uint32_t users, uint32_t max_users)
{
	if (!v->valid) {
		if (v->same_domain || v->name_match || v->related ||
		    v->join != CONFINFO_CHAT_JOIN_NEVER || !v->error ||
		    v->room.ptr || v->host)
			fail_msg("%s: invalid room with a yes", what);
		return;
	}
	assert_null(v->error);
	assert_int_not_equal(v->join, CONFINFO_CHAT_JOIN_NEVER);
	if (v->same_domain) {
		/* Recompute N() of both hosts independently. */
		struct confinfo_uri *u = NULL;

		assert_int_equal(confinfo_uri_parse(&u, room, len, NULL, NULL),
				 0);
		if (!confinfo_uri_host_equal(&u->host, &conf->host) ||
		    strcmp(u->host.ascii, conf->host.ascii) || u->has_maddr ||
		    u->reroute_header || u->authority)
			fail_msg("%s: same_domain without equal hosts", what);
		confinfo_uri_free(u);
	}
	if (v->name_match &&
	    (!v->room.ptr || !conf->user.ptr || v->room.len != conf->user.len ||
	     memcmp(v->room.ptr, conf->user.ptr, v->room.len)))
		fail_msg("%s: name_match without equal names", what);
	if (v->join == CONFINFO_CHAT_JOIN_AUTO &&
	    (!(v->same_domain || v->related) || users > max_users ||
	     v->lookalike))
		fail_msg("%s: auto join without grounds", what);
	assert_non_null(v->uri_display);
}

static bool has_warning(const struct confinfo_chat_verdict *v,
			const char *needle)
{
	for (size_t i = 0; i < v->warning_count; i++) {
		if (strstr(v->warnings[i], needle))
			return true;
	}
	return false;
}

static void check_row(const struct chat_row *r)
{
	struct confinfo_chat_policy *p = policy_of(r);
	struct confinfo_uri *conf = conf_of(r->conf ? r->conf : CONF);
	struct confinfo_chat_verdict *v = NULL;
	size_t len = r->len ? r->len : strlen(r->room);
	unsigned got;

	assert_int_equal(
	    confinfo_chat_check(&v, conf, r->room, len, p, r->users), 0);
	got = (v->valid ? V : 0) | (v->same_domain ? S : 0) |
	      (v->name_match ? N : 0) | (v->related ? R : 0) |
	      (v->secure ? T : 0) | (v->valid && !v->room.ptr ? NO : 0) |
	      (v->lookalike ? L : 0);
	if (got != r->want || v->join != r->join)
		fail_msg("%s vs %s: got valid=%d same=%d name=%d related=%d "
			 "secure=%d noroom=%d lookalike=%d join=%s (%s)",
			 r->conf ? r->conf : CONF, r->room, v->valid,
			 v->same_domain, v->name_match, v->related, v->secure,
			 v->valid && !v->room.ptr, v->lookalike,
			 confinfo_chat_join_str(v->join),
			 v->error ? v->error : "");
	if (r->name) {
		if (!v->room.ptr || v->room.len != r->name_len ||
		    memcmp(v->room.ptr, r->name, r->name_len))
			fail_msg("%s: room name '%s'", r->room,
				 v->room.ptr ? v->room_display : "(none)");
		assert_string_equal(v->room_display,
				    r->display ? r->display : r->name);
	} else if (v->valid) {
		assert_null(v->room.ptr);
		assert_null(v->room_display);
	}
	if (r->host)
		assert_string_equal(v->host, r->host);
	if (r->warn && !has_warning(v, r->warn))
		fail_msg("%s: no warning containing '%s' (%zu warnings%s%s)",
			 r->room, r->warn, v->warning_count,
			 v->warning_count ? ", first: " : "",
			 v->warning_count ? v->warnings[0] : "");
	check_invariants(r->room, conf, r->room, len, v, r->users,
			 r->has_max
			     ? r->max_users
			     : CONFINFO_CHAT_DEFAULT_MAX_AUTO_JOIN_USERS);
	confinfo_chat_verdict_free(v);
	confinfo_uri_free(conf);
	confinfo_chat_policy_free(p);
}

static void test_rows(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		check_row(&rows[i]);
}

/* Rooms that must be invalid: whatever the policy, never joined. */
static const char *const hostile_invalid[] = {
    "http://example.com@evil.net/",
    "https://example.com:443@evil.net/",
    "https://example.com\\@evil.net/",
    "https://example.com%2F@evil.net/",
    "https://example.com%40evil.net/",
    "sip:dev@evil.net@example.com",
    "sip:dev@example.com@evil.net",
    "sip:dev@example.com\\@evil.net",
    "sip:dev@example.com;method=INVITE",
    "sips:dev@example.com;transport=udp",
    "sip:dev@example.com:65536",
    "sip:dev@example.com:5060x",
    "sip:dev@ex%61mple.com",
    "sip:dev@2130706433",
    "sip:dev@0x7f000001",
    "sip:dev@127.1",
    "sip:dev@[fe80::1%25eth0]",
    "sip:dev@[example.com]",
    "sip:dev@xn--abc.com",
    "sip:dev@example.com\r\n",
    "sip:dev@example.com\xe2\x80\xae",
    "sip:%E2%80%AEdev@example.com",
    "xmpp://dev@example.com",
    "xmpp:dev@example.com?message;body=hi",
    "xmpp:dev@example.com?remove",
    "xmpp:a%40example.com@evil.net",
    "xmpp:dev@\xef\xbd\x85xample.com",
    "xmpp:dev@example\xe3\x80\x82\x63om",
    "xmpp:dev@exam\xc2\xadple.com",
    "xmpp:dev@exa\xe2\x80\x8bmple.com",
    "xmpp:dev@EX\xc3\x84MPLE.com",
    "xmpp:dev@example.com:5222",
    "irc:example.com/dev",
    "irc://dev@example.com/dev",
    "irc://example.com/dev,isnick",
    "irc://example.com/dev,isserver",
    "irc://example.com/dev%0D%0AQUIT",
    "irc://example.com/dev%00",
    "ircs://example.com/dev",
    "tel:+15551234",
    "javascript:alert(1)",
    "data:text/html,hi",
    "file:///etc/passwd",
    "//example.com/dev",
    "example.com",
    "",
};

/* Rooms that are valid but whose destination is not provably the
 * conference's: no same_domain, no related, so no automatic join. */
static const char *const hostile_valid[] = {
    "sip:dev@example.com;maddr=evil.net",
    "sip:dev@example.com;%6Daddr=evil.net",
    "sip:dev@example.com?Route=%3Csip:evil.net%3E",
    "sip:dev@example.com?route=x",
    "sip:dev@example.com?Via=x",
    "sip:dev@example.com?From=x",
    "sip:dev@example.com?subject=x&Route=y",
    "xmpp://dev@example.com/dev@evil.net",
    "xmpp://dev@evil.net/dev@example.com",
    "irc:///dev",
    "irc://com/dev",
    "sip:example.com;x@evil.net",
    "sip:example.com@evil.net",
    "sip:dev%40example.com@evil.net",
    "sip:dev@evil-example.com",
    "sip:dev@example.com.evil.net",
    "sip:dev@example.co",
    "sip:dev@exampIe.com",
    "sip:dev@192.0.2.1",
    "sip:dev@[::ffff:192.0.2.1]",
    "https://example.com.evil.net/",
    "https://evil.net/#@example.com",
    "https://evil.net/?@example.com",
    "https://evil.net/example.com",
    "irc://evil.net/example.com",
    "xmpp:dev@\xd0\xb5xample.com",
    "xmpp:dev@xn--xample-2of.com",
    "xmpp:example.com@evil.net",
    "xmpp:dev@evil.net/example.com",
};

static void test_hostile(void **state)
{
	static const enum confinfo_chat_related_mode modes[] = {
	    CONFINFO_CHAT_RELATED_OFF,
	    CONFINFO_CHAT_RELATED_SUBDOMAIN,
	    CONFINFO_CHAT_RELATED_PSL,
	};
	struct confinfo_uri *conf = conf_of(CONF);

	(void)state;
	for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		struct confinfo_chat_policy *p = NULL;

		/* The most permissive policy there is. */
		assert_int_equal(confinfo_chat_policy_alloc(&p), 0);
		assert_int_equal(confinfo_chat_policy_set_related(p, modes[m]),
				 0);
		assert_int_equal(confinfo_chat_policy_set_auto_join(
				     p, CONFINFO_CHAT_AUTO_RELATED),
				 0);
		assert_int_equal(
		    confinfo_chat_policy_set_max_auto_join_users(p, UINT32_MAX),
		    0);
		for (size_t i = 0;
		     i < sizeof(hostile_invalid) / sizeof(*hostile_invalid);
		     i++) {
			const char *room = hostile_invalid[i];
			struct confinfo_chat_verdict *v = NULL;

			assert_int_equal(confinfo_chat_check(&v, conf, room,
							     strlen(room), p,
							     0),
					 0);
			if (v->valid)
				fail_msg("%s: accepted", room);
			check_invariants(room, conf, room, strlen(room), v, 0,
					 UINT32_MAX);
			confinfo_chat_verdict_free(v);
		}
		for (size_t i = 0;
		     i < sizeof(hostile_valid) / sizeof(*hostile_valid); i++) {
			const char *room = hostile_valid[i];
			struct confinfo_chat_verdict *v = NULL;

			assert_int_equal(confinfo_chat_check(&v, conf, room,
							     strlen(room), p,
							     0),
					 0);
			if (!v->valid)
				fail_msg("%s: rejected: %s", room, v->error);
			if (v->same_domain || v->related ||
			    v->join != CONFINFO_CHAT_JOIN_ASK)
				fail_msg("%s: same=%d related=%d join=%s", room,
					 v->same_domain, v->related,
					 confinfo_chat_join_str(v->join));
			check_invariants(room, conf, room, strlen(room), v, 0,
					 UINT32_MAX);
			confinfo_chat_verdict_free(v);
		}
		confinfo_chat_policy_free(p);
	}
	confinfo_uri_free(conf);
}

/* A room URI from the network may hold anything: what is shown is
 * printable, and says where the strange bytes were. */
static void test_display(void **state)
{
	static const char raw[] = "sip:dev@example.com\x1b[2J\xe2\x80\xae\xff";
	struct confinfo_uri *conf = conf_of(CONF);
	struct confinfo_chat_verdict *v = NULL;

	(void)state;
	assert_int_equal(
	    confinfo_chat_check(&v, conf, raw, sizeof(raw) - 1, NULL, 0), 0);
	assert_false(v->valid);
	assert_string_equal(v->uri_display,
			    "sip:dev@example.com%1B[2J%E2%80%AE%FF");
	assert_non_null(v->error);
	assert_null(strchr(v->error, '\x1b'));
	confinfo_chat_verdict_free(v);
	confinfo_uri_free(conf);
}

static void test_conference_parse(void **state)
{
	static const char *const bad[] = {
	    "xmpp:dev@example.com",
	    "https://example.com/",
	    "sip:dev@evil.net@example.com",
	    "tel:+1",
	    "",
	    "sip:dev@127.1",
	};
	struct confinfo_uri *u = NULL;
	struct confinfo_chat_verdict *v = NULL;
	struct confinfo_diag d = {0};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&d, 0, sizeof(d));
		assert_int_equal(confinfo_chat_conference_parse(
				     &u, bad[i], strlen(bad[i]), &d),
				 EBADMSG);
		assert_null(u);
		assert_true(d.message[0] != '\0');
	}
	/* A conference that is not sip/sips cannot be checked against. */
	assert_int_equal(
	    confinfo_uri_parse(&u, "xmpp:a@example.com", 18, NULL, NULL), 0);
	assert_int_equal(
	    confinfo_chat_check(&v, u, "sip:a@example.com", 17, NULL, 0),
	    EINVAL);
	assert_null(v);
	confinfo_uri_free(u);
}

/* Every allocation of a check may fail; ENOMEM, nothing leaked. */
static void test_alloc_failures(void **state)
{
	static const char *const rooms_[] = {
	    "xmpp://me@example.net/d%C3%A9v@b%C3%BCcher.de/res?join",
	    "sip:a%00b@example.com;maddr=x?Route=y",
	    "irc://example.com/#dev",
	    "tel:+1",
	    /* a look-alike label: every skeleton allocation */
	    "xmpp:dev@chat.\xd0\xb5xample.com",
	};
	struct confinfo_uri *conf = conf_of(CONF);
	struct confinfo_chat_policy *p = NULL;

	(void)state;
	assert_int_equal(confinfo_chat_policy_alloc(&p), 0);
	assert_int_equal(
	    confinfo_chat_policy_set_related(p, CONFINFO_CHAT_RELATED_LIST), 0);
	for (size_t i = 0; i < sizeof(rooms_) / sizeof(rooms_[0]); i++) {
		for (unsigned long n = 1;; n++) {
			struct confinfo_chat_verdict *v = NULL;
			int err;

			confinfo__alloc_fail_at(n);
			err = confinfo_chat_check(&v, conf, rooms_[i],
						  strlen(rooms_[i]), p, 0);
			confinfo__alloc_fail_at(0);
			if (!err) {
				confinfo_chat_verdict_free(v);
				break;
			}
			assert_int_equal(err, ENOMEM);
			assert_null(v);
			assert_true(n < 1000);
		}
	}
	for (unsigned long n = 1;; n++) {
		int err;

		confinfo__alloc_fail_at(n);
		err = confinfo_chat_policy_add_related(p,
						       "b\xc3\xbc"
						       "cher.de",
						       "example.net", NULL);
		confinfo__alloc_fail_at(0);
		if (!err)
			break;
		assert_int_equal(err, ENOMEM);
		assert_true(n < 100);
	}
	confinfo_chat_policy_free(p);
	confinfo_uri_free(conf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rows),
	    cmocka_unit_test(test_hostile),
	    cmocka_unit_test(test_display),
	    cmocka_unit_test(test_conference_parse),
	    cmocka_unit_test(test_alloc_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
