/*
 * The URI module: one table per scheme of benign forms that must parse to
 * exactly the expected parts, and hostile forms that must be rejected by
 * exactly the expected rule (docs/chat-rooms.md sections 2 and 3); then
 * idempotence of the host normalisation, comparison by target, limits,
 * error offsets and allocation failures. The host normaliser and PRECIS on
 * their own are in test_uri_host.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confinfo/uri.h"
#include "model/alloc.h"
#include "testutil.h"

enum {
	F_PASSWORD = 1,
	F_MADDR = 2,
	F_JOIN = 4,
	F_WIDTH = 8,
	F_FRAG = 16,
	F_IDN = 32,
};

struct row {
	const char *in;
	size_t len; /* 0: strlen(in) */
	enum confinfo_uri_err err;
	enum confinfo_uri_scheme scheme;
	const char *host;    /* NULL: no host */
	const char *unicode; /* NULL: same as host */
	bool has_port;
	int port;
	const char *user; /* NULL: absent */
	size_t user_len;
	unsigned flags;
	const char *transport, *reroute, *authority, *resource, *irc_flags;
};

#define SIP   CONFINFO_URI_SCHEME_SIP
#define SIPS  CONFINFO_URI_SCHEME_SIPS
#define XMPP  CONFINFO_URI_SCHEME_XMPP
#define IRC   CONFINFO_URI_SCHEME_IRC
#define HTTP  CONFINFO_URI_SCHEME_HTTP
#define HTTPS CONFINFO_URI_SCHEME_HTTPS
#define OK(...)                                                                \
	{                                                                      \
		.err = CONFINFO_URI_OK, __VA_ARGS__                            \
	}
#define BAD(s, e)                                                              \
	{                                                                      \
		.in = s, .err = CONFINFO_URI_E_##e                             \
	}
#define BADN(s, e)                                                             \
	{                                                                      \
		.in = s, .len = sizeof(s) - 1, .err = CONFINFO_URI_E_##e       \
	}
#define USER(x) .user = x, .user_len = sizeof(x) - 1
#define PORT(n) .has_port = true, .port = n

/* A printable rendering of a row's input for failure messages. */
static const char *shown(const struct row *r)
{
	static char buf[512];
	size_t len = r->len ? r->len : strlen(r->in), k = 0;

	for (size_t i = 0; i < len && k + 5 < sizeof(buf); i++) {
		unsigned char ch = (unsigned char)r->in[i];

		if (ch >= 0x20 && ch < 0x7F)
			buf[k++] = (char)ch;
		else
			k += (size_t)snprintf(buf + k, sizeof(buf) - k,
					      "\\x%02X", ch);
	}
	buf[k] = '\0';
	return buf;
}

static void expect_str(const struct row *r, const char *what, const char *want,
		       const char *got)
{
	if ((!want && got) || (want && !got) ||
	    (want && got && strcmp(want, got)))
		fail_msg("%s: %s is '%s', expected '%s'", shown(r), what,
			 got ? got : "(null)", want ? want : "(null)");
}

static void check_row(const struct row *r)
{
	struct confinfo_uri *u = NULL;
	struct confinfo_diag d = {0};
	enum confinfo_uri_err code = CONFINFO_URI_E_LENGTH + 100;
	size_t len = r->len ? r->len : strlen(r->in);
	int err = confinfo_uri_parse(&u, r->in, len, &code, &d);

	if (r->err) {
		if (err != EBADMSG || code != r->err)
			fail_msg("%s: expected error '%s', got %d '%s' (%s)",
				 shown(r), confinfo_uri_err_str(r->err), err,
				 err ? confinfo_uri_err_str(code) : "ok",
				 d.message);
		assert_null(u);
		assert_int_equal(d.err, EBADMSG);
		assert_true(d.message[0] != '\0');
		assert_true(d.column >= 1 && d.column <= len + 1);
		return;
	}
	if (err)
		fail_msg("%s: expected valid, got '%s': %s", shown(r),
			 confinfo_uri_err_str(code), d.message);
	assert_int_equal(code, CONFINFO_URI_OK);
	if (u->scheme != r->scheme)
		fail_msg("%s: scheme %s", shown(r),
			 confinfo_uri_scheme_str(u->scheme));
	expect_str(r, "host", r->host, u->host.ascii);
	expect_str(r, "unicode host", r->unicode ? r->unicode : r->host,
		   u->host.unicode);
	if (u->port != (r->has_port ? r->port : -1))
		fail_msg("%s: port %d", shown(r), u->port);
	if (!r->user != !u->user.ptr ||
	    (r->user && (u->user.len != r->user_len ||
			 memcmp(u->user.ptr, r->user, r->user_len))))
		fail_msg("%s: user '%s' (%zu bytes), expected '%s'", shown(r),
			 u->user.ptr ? u->user.ptr : "(none)", u->user.len,
			 r->user ? r->user : "(none)");
	if (u->has_password != !!(r->flags & F_PASSWORD) ||
	    u->has_maddr != !!(r->flags & F_MADDR) ||
	    u->has_join_query != !!(r->flags & F_JOIN) ||
	    u->user_width_mapped != !!(r->flags & F_WIDTH) ||
	    u->irc_fragment != !!(r->flags & F_FRAG) ||
	    u->host.idn != !!(r->flags & F_IDN))
		fail_msg("%s: flags pw=%d maddr=%d join=%d width=%d frag=%d "
			 "idn=%d",
			 shown(r), u->has_password, u->has_maddr,
			 u->has_join_query, u->user_width_mapped,
			 u->irc_fragment, u->host.idn);
	expect_str(r, "transport", r->transport, u->transport);
	expect_str(r, "reroute header", r->reroute, u->reroute_header);
	expect_str(r, "authority", r->authority, u->authority);
	expect_str(r, "resource", r->resource, u->resource.ptr);
	expect_str(r, "irc flags", r->irc_flags, u->irc_flags);
	assert_int_equal(strlen(u->text), len);
	confinfo_uri_free(u);
}

static void run_rows(const struct row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		check_row(&rows[i]);
}

#define RUN(rows) run_rows(rows, sizeof(rows) / sizeof(rows[0]))

static const struct row sip_rows[] = {
    /* Benign forms. */
    OK(.in = "sip:alice@example.com", .scheme = SIP, .host = "example.com",
       USER("alice")),
    OK(.in = "SIP:alice@EXAMPLE.COM", .scheme = SIP, .host = "example.com",
       USER("alice")),
    OK(.in = "sips:Alice@Example.Com:5061", .scheme = SIPS,
       .host = "example.com", PORT(5061), USER("Alice")),
    OK(.in = "sip:%61lice@example.com", .scheme = SIP, .host = "example.com",
       USER("alice")),
    OK(.in = "sip:alice@example.com.", .scheme = SIP, .host = "example.com",
       USER("alice")),
    OK(.in = "sip:alice@[2001:db8::1]", .scheme = SIP, .host = "[2001:db8::1]",
       USER("alice")),
    OK(.in = "sip:alice@[2001:DB8:0:0:0:0:0:1]:5060", .scheme = SIP,
       .host = "[2001:db8::1]", PORT(5060), USER("alice")),
    OK(.in = "sip:alice@[::ffff:192.0.2.1]", .scheme = SIP,
       .host = "[::ffff:192.0.2.1]", USER("alice")),
    OK(.in = "sip:alice@192.0.2.1", .scheme = SIP, .host = "192.0.2.1",
       USER("alice")),
    OK(.in = "sip:alice@0.0.0.0", .scheme = SIP, .host = "0.0.0.0",
       USER("alice")),
    /* The user part may hold ';', '?' and '/': the host comes after. */
    OK(.in = "sip:a;b?c/d@example.com", .scheme = SIP, .host = "example.com",
       USER("a;b?c/d")),
    OK(.in = "sip:example.com;transport=tcp@evil.net", .scheme = SIP,
       .host = "evil.net", USER("example.com;transport=tcp")),
    OK(.in = "sip:evil.net;maddr=x@example.com", .scheme = SIP,
       .host = "example.com", USER("evil.net;maddr=x")),
    OK(.in = "sip:alice@example.com;maddr=evil.net", .scheme = SIP,
       .host = "example.com", USER("alice"), .flags = F_MADDR),
    OK(.in = "sip:alice@example.com;MADDR=evil.net", .scheme = SIP,
       .host = "example.com", USER("alice"), .flags = F_MADDR),
    OK(.in = "sip:alice@example.com?Route=%3Csip:evil.net%3E", .scheme = SIP,
       .host = "example.com", USER("alice"), .reroute = "Route"),
    OK(.in = "sip:alice@example.com?subject=hi&priority=urgent", .scheme = SIP,
       .host = "example.com", USER("alice")),
    OK(.in = "sip:alice@example.com?subject=hi&From=sip:x", .scheme = SIP,
       .host = "example.com", USER("alice"), .reroute = "From"),
    OK(.in = "sip:alice@example.com?%56ia=x", .scheme = SIP,
       .host = "example.com", USER("alice"), .reroute = "Via"),
    OK(.in = "sip:alice@example.com;transport=TCP;lr", .scheme = SIP,
       .host = "example.com", USER("alice"), .transport = "tcp"),
    OK(.in = "sip:alice@example.com;transport=udp", .scheme = SIP,
       .host = "example.com", USER("alice"), .transport = "udp"),
    OK(.in = "sips:alice@example.com;transport=tcp", .scheme = SIPS,
       .host = "example.com", USER("alice"), .transport = "tcp"),
    OK(.in = "sip:alice:secret@example.com", .scheme = SIP,
       .host = "example.com", USER("alice"), .flags = F_PASSWORD),
    OK(.in = "sip:alice:@example.com", .scheme = SIP, .host = "example.com",
       USER("alice"), .flags = F_PASSWORD),
    OK(.in = "sip:example.com", .scheme = SIP, .host = "example.com"),
    OK(.in = "sip:example.com:5060;transport=tls", .scheme = SIP,
       .host = "example.com", PORT(5060), .transport = "tls"),
    OK(.in = "sip:a%00b@example.com", .scheme = SIP, .host = "example.com",
       USER("a\0b")),
    OK(.in = "sip:alice@xn--bcher-kva.de", .scheme = SIP,
       .host = "xn--bcher-kva.de",
       .unicode = "b\xc3\xbc"
		  "cher.de",
       USER("alice"), .flags = F_IDN),
    OK(.in = "sip:alice@XN--BCHER-KVA.DE", .scheme = SIP,
       .host = "xn--bcher-kva.de",
       .unicode = "b\xc3\xbc"
		  "cher.de",
       USER("alice"), .flags = F_IDN),
    OK(.in = "sip:alice@example.com:0", .scheme = SIP, .host = "example.com",
       PORT(0), USER("alice")),
    OK(.in = "sip:alice@example.com:065535", .scheme = SIP,
       .host = "example.com", PORT(65535), USER("alice")),
    OK(.in = "sip:+1-212-555-1212;phone-context=example.com@example.com;"
	     "user=phone",
       .scheme = SIP, .host = "example.com",
       USER("+1-212-555-1212;phone-context=example.com")),
    OK(.in = "sip:alice@localhost", .scheme = SIP, .host = "localhost",
       USER("alice")),
    OK(.in = "sip:alice@r3---sn-abc.example.com", .scheme = SIP,
       .host = "r3---sn-abc.example.com", USER("alice")),
    OK(.in = "sip:alice@123.example.com", .scheme = SIP,
       .host = "123.example.com", USER("alice")),
    OK(.in = "sip:alice@example.com;x=%5B%5D;y", .scheme = SIP,
       .host = "example.com", USER("alice")),
    /* Hostile forms. */
    BAD("sip:alice@evil.net@example.com", USERINFO),
    BAD("sip:alice@example.com@evil.net", USERINFO),
    BAD("sip:@example.com", USERINFO),
    BAD("sip:a[b@example.com", USERINFO),
    BAD("sip:alice@example.com;method=INVITE", PARAM),
    BAD("sip:alice@example.com;%6Dethod=INVITE", PARAM),
    BAD("sip:alice@example.com;METHOD=REGISTER", PARAM),
    BAD("sips:alice@example.com;transport=udp", PARAM),
    BAD("sips:alice@example.com;transport=UDP", PARAM),
    BAD("sips:alice@example.com;transport=%55DP", PARAM),
    BAD("sip:alice@example.com;transport=tcp;transport=udp", PARAM),
    BAD("sip:alice@example.com;lr;LR", PARAM),
    BAD("sip:alice@example.com;maddr=a;%6Daddr=b", PARAM),
    BAD("sip:alice@example.com;=x", PARAM),
    BAD("sip:alice@example.com;transport=", PARAM),
    BAD("sip:alice@example.com;transport", PARAM),
    BAD("sip:alice@example.com?Route", PARAM),
    BAD("sip:alice@example.com?=x", PARAM),
    BAD("sip:alice@example.com:65536", PORT),
    BAD("sip:alice@example.com:99999999999999999999", PORT),
    BAD("sip:alice@example.com:-1", PORT),
    BAD("sip:alice@example.com:", PORT),
    BAD("sip:alice@example.com:50a", PORT),
    BAD("sip:alice@example.com:+5060", PORT),
    BAD("sip:alice@example.com:5060:5061", PORT),
    BAD("sip:", HOST),
    BAD("sip:alice@", HOST),
    BAD("sip:alice@;transport=tcp", HOST),
    BAD("sip:alice@exa mple.com", CHAR),
    BAD("sip:alice@example.com\\@evil.net", CHAR),
    BAD("sip:alice\\@example.com", CHAR),
    BAD("sip:ali\tce@example.com", CHAR),
    BAD("sip:alice@example.com\r\nVia: x", CHAR),
    BAD("sip:alice@example.com\x7f", CHAR),
    BADN("sip:alice@example.com\0.evil.net", CHAR),
    BAD("sip:alice@example.com#frag", HOST),
    BAD("sip:alice@ex%61mple.com", HOST),
    BAD("sip:alice@example.com%2Fevil", HOST),
    BAD("sip:alice@exa%00mple.com", HOST),
    BAD("sip:alice@b\xc3\xbc"
	"cher.de",
	CHAR),
    BAD("sip:alice@2130706433", HOST),
    BAD("sip:alice@0x7f000001", HOST),
    BAD("sip:alice@0X7F000001", HOST),
    BAD("sip:alice@127.1", HOST),
    BAD("sip:alice@127.0.0.01", HOST),
    BAD("sip:alice@0177.0.0.1", HOST),
    BAD("sip:alice@256.1.1.1", HOST),
    BAD("sip:alice@1.2.3.4.5", HOST),
    BAD("sip:alice@127.0.0.1.", HOST),
    BAD("sip:alice@example.123", HOST),
    BAD("sip:alice@example.0x1f", HOST),
    BAD("sip:alice@example.com..", HOST),
    BAD("sip:alice@.example.com", HOST),
    BAD("sip:alice@.", HOST),
    BAD("sip:alice@exa..mple.com", HOST),
    BAD("sip:alice@-example.com", HOST),
    BAD("sip:alice@example-.com", HOST),
    BAD("sip:alice@exa_mple.com", HOST),
    BAD("sip:alice@exa!mple.com", HOST),
    BAD("sip:alice@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	"aaaa.com",
	HOST),
    BAD("sip:alice@xn--abc.com", IDN),
    BAD("sip:alice@xn--.com", HOST),
    BAD("sip:alice@xn--a.com", IDN),
    BAD("sip:alice@xn--a-ecp.ru", IDN),
    BAD("sip:alice@XN--ABC.com", IDN),
    BAD("sip:alice@[2001:db8::1", IPLITERAL),
    BAD("sip:alice@[example.com]", IPLITERAL),
    BAD("sip:alice@[192.0.2.1]", IPLITERAL),
    BAD("sip:alice@[fe80::1%25eth0]", IPLITERAL),
    BAD("sip:alice@[v1.fe80::1]", IPLITERAL),
    BAD("sip:alice@[]", IPLITERAL),
    BAD("sip:alice@[1::2::3]", IPLITERAL),
    BAD("sip:alice@exam]ple.com", IPLITERAL),
    BAD("sip:alice@[::1]x", CHAR),
    BAD("sip:ali%zz@example.com", PCT),
    BAD("sip:alice%@example.com", PCT),
    BAD("sip:alice%4@example.com", PCT),
    BAD("sip:alice@example.com\xe2\x80\xae", CHAR),
    BAD("sip:%E2%80%AEalice@example.com", CHAR),
    BAD("sip:alice@example.com;x=%E2%81%A6", CHAR),
    BAD("sip:alice@example.com?subject=%D8%9C", CHAR),
};

static const struct row xmpp_rows[] = {
    OK(.in = "xmpp:dev@conference.example.com", .scheme = XMPP,
       .host = "conference.example.com", USER("dev")),
    OK(.in = "XMPP:Dev@Conference.Example.COM", .scheme = XMPP,
       .host = "conference.example.com", USER("dev")),
    OK(.in = "xmpp:dev@conference.example.com?join", .scheme = XMPP,
       .host = "conference.example.com", USER("dev"), .flags = F_JOIN),
    OK(.in = "xmpp:dev@conference.example.com?join;password=x%20y",
       .scheme = XMPP, .host = "conference.example.com", USER("dev"),
       .flags = F_JOIN),
    OK(.in = "xmpp:dev@conference.example.com?%6Aoin", .scheme = XMPP,
       .host = "conference.example.com", USER("dev"), .flags = F_JOIN),
    OK(.in = "xmpp:dev@conference.example.com/nick", .scheme = XMPP,
       .host = "conference.example.com", USER("dev"), .resource = "nick"),
    OK(.in = "xmpp:dev@conference.example.com#frag", .scheme = XMPP,
       .host = "conference.example.com", USER("dev")),
    OK(.in = "xmpp:conference.example.com", .scheme = XMPP,
       .host = "conference.example.com"),
    OK(.in = "xmpp:dev@example.com.", .scheme = XMPP, .host = "example.com",
       USER("dev")),
    OK(.in = "xmpp://alice@example.net/dev@conference.example.com",
       .scheme = XMPP, .host = "conference.example.com", USER("dev"),
       .authority = "alice@example.net"),
    OK(.in = "xmpp:d%C3%A9v@example.com", .scheme = XMPP, .host = "example.com",
       USER("d\xc3\xa9v")),
    OK(.in = "xmpp:d\xc3\xa9v@example.com", .scheme = XMPP,
       .host = "example.com", USER("d\xc3\xa9v")),
    OK(.in = "xmpp:D%C3%89V@example.com", .scheme = XMPP, .host = "example.com",
       USER("d\xc3\xa9v")),
    /* e + COMBINING ACUTE ACCENT: NFC makes it one code point. */
    OK(.in = "xmpp:de%CC%81v@example.com", .scheme = XMPP,
       .host = "example.com", USER("d\xc3\xa9v")),
    /* FULLWIDTH d e v: PRECIS width mapping. */
    OK(.in = "xmpp:\xef\xbd\x84\xef\xbd\x85\xef\xbd\x96@example.com",
       .scheme = XMPP, .host = "example.com", USER("dev"), .flags = F_WIDTH),
    OK(.in = "xmpp:dev@b\xc3\xbc"
	     "cher.de",
       .scheme = XMPP, .host = "xn--bcher-kva.de",
       .unicode = "b\xc3\xbc"
		  "cher.de",
       USER("dev"), .flags = F_IDN),
    OK(.in = "xmpp:dev@b%C3%BCcher.de", .scheme = XMPP,
       .host = "xn--bcher-kva.de",
       .unicode = "b\xc3\xbc"
		  "cher.de",
       USER("dev"), .flags = F_IDN),
    OK(.in = "xmpp:dev@xn--bcher-kva.de", .scheme = XMPP,
       .host = "xn--bcher-kva.de",
       .unicode = "b\xc3\xbc"
		  "cher.de",
       USER("dev"), .flags = F_IDN),
    BAD("xmpp:dev@bu\xcc\x88"
	"cher.de",
	IDN),
    OK(.in = "xmpp:dev@[2001:db8::1]", .scheme = XMPP, .host = "[2001:db8::1]",
       USER("dev")),
    OK(.in = "xmpp:dev@192.0.2.1", .scheme = XMPP, .host = "192.0.2.1",
       USER("dev")),
    OK(.in = "xmpp:%64ev@example.com", .scheme = XMPP, .host = "example.com",
       USER("dev")),
    /* RFC 5122 section 2.7.2's nasty node and repulsive resource. */
    OK(.in = "xmpp:nasty!%23$%25()*+,-.;=%3F%5B%5C%5D%5E_%60%7B%7C%7D~node"
	     "@example.com",
       .scheme = XMPP, .host = "example.com",
       USER("nasty!#$%()*+,-.;=?[\\]^_`{|}~node")),
    OK(.in = "xmpp:node@example.com/repulsive%20!%23%22$%25&'()*+,-.%2F:;"
	     "%3C=%3E%3F%40%5B%5C%5D%5E_%60%7B%7C%7D~resource",
       .scheme = XMPP, .host = "example.com", USER("node"),
       .resource = "repulsive !#\"$%&'()*+,-./:;<=>?@[\\]^_`{|}~resource"),
    /* An Arabic localpart: right-to-left, Bidi Rule satisfied. */
    OK(.in = "xmpp:\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7@example.com",
       .scheme = XMPP, .host = "example.com",
       USER("\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7")),
    OK(.in = "xmpp:stra%C3%9Fe@example.com", .scheme = XMPP,
       .host = "example.com",
       USER("stra\xc3\x9f"
	    "e")),
    /* Hostile forms. */
    BAD("xmpp://alice@example.net", AUTHORITY),
    BAD("xmpp://alice@example.net?join", AUTHORITY),
    BAD("xmpp://alice@example.net#x", AUTHORITY),
    BAD("xmpp://example.net/dev@example.com", AUTHORITY),
    BAD("xmpp://", AUTHORITY),
    BAD("xmpp://alice@/dev@example.com", HOST),
    BAD("xmpp:dev@example.com?message", QUERY),
    BAD("xmpp:dev@example.com?JOIN", QUERY),
    BAD("xmpp:dev@example.com?", QUERY),
    BAD("xmpp:dev@example.com?join;x", QUERY),
    BAD("xmpp:dev@example.com?remove;jid=x", QUERY),
    BAD("xmpp:dev@example.com?subscribe", QUERY),
    BAD("xmpp:a%40b@example.com", LOCALPART),
    BAD("xmpp:a%22b@example.com", LOCALPART),
    BAD("xmpp:a%26b@example.com", LOCALPART),
    BAD("xmpp:a%27b@example.com", LOCALPART),
    BAD("xmpp:a%2Fb@example.com", LOCALPART),
    BAD("xmpp:a%3Ab@example.com", LOCALPART),
    BAD("xmpp:a%3Cb@example.com", LOCALPART),
    BAD("xmpp:a%3Eb@example.com", LOCALPART),
    BAD("xmpp:a%00b@example.com", LOCALPART),
    BAD("xmpp:a%0Ab@example.com", LOCALPART),
    BAD("xmpp:a%20b@example.com", LOCALPART),
    BAD("xmpp:a%FFb@example.com", LOCALPART),
    BAD("xmpp:a%C3@example.com", LOCALPART),
    BAD("xmpp:a%E2%80%8Bb@example.com", LOCALPART),
    BAD("xmpp:a%E2%80%8Db@example.com", LOCALPART),
    BAD("xmpp:a%C2%ADb@example.com", LOCALPART),
    BAD("xmpp:%E2%84%A6@example.com", LOCALPART),
    BAD("xmpp:%EF%AC%81@example.com", LOCALPART),
    BAD("xmpp:%EF%BC%A0x@example.com", LOCALPART),
    BAD("xmpp:a%E2%98%BAb@example.com", LOCALPART),
    BAD("xmpp:l%C2%B7l@example.com", LOCALPART),
    BAD("xmpp:%D9%85a@example.com", LOCALPART),
    BAD("xmpp:@example.com", LOCALPART),
    BAD("xmpp:dev@", HOST),
    BAD("xmpp:", HOST),
    BAD("xmpp:dev@evil.com@example.com", USERINFO),
    BAD("xmpp:a[b@example.com", USERINFO),
    BAD("xmpp:dev@\xef\xbd\x85xample.com", IDN),
    BAD("xmpp:dev@example\xe3\x80\x82"
	"com",
	IDN),
    BAD("xmpp:dev@exam\xc2\xadple.com", IDN),
    BAD("xmpp:dev@exa\xe2\x80\x8bmple.com", IDN),
    BAD("xmpp:dev@exa\xe2\x80\x8dmple.com", IDN),
    BAD("xmpp:dev@B\xc3\x9c"
	"CHER.de",
	IDN),
    BAD("xmpp:dev@b%C3%9Ccher.de", IDN),
    BAD("xmpp:dev@\xe2\x84\xaa.com", IDN),
    BAD("xmpp:dev@b%FCcher.de", HOST),
    BAD("xmpp:dev@example.com:5222", HOST),
    BAD("xmpp:dev@%2Fexample.com", HOST),
    BAD("xmpp:dev@example%2Ecom", HOST),
    BAD("xmpp:dev@[fe80::1%25en0]", IPLITERAL),
    BAD("xmpp:dev@example.com/", RESOURCE),
    BAD("xmpp:dev@example.com/a%00b", RESOURCE),
    BAD("xmpp:dev@example.com/a%0Ab", RESOURCE),
    BAD("xmpp:dev@example.com/a%FFb", RESOURCE),
    BAD("xmpp:dev@example.com\xe2\x80\x8f", CHAR),
    BAD("xmpp:dev@example.com#a#b", CHAR),
    BAD("xmpp:dev\\20x@example.com", CHAR),
    BAD("xmpp:dev@example.com/a/b<", CHAR),
    BAD("xmpp:dev\xc2\xa0x@example.com", CHAR),
    BAD("xmpp:dev@example.com\xc2\x85", CHAR),
    BAD("xmpp:dev@exa\xc0\xaemple.com", CHAR),
    BAD("xmpp:dev@exa\xed\xa0\x80mple.com", CHAR),
};

static const struct row irc_rows[] = {
    OK(.in = "irc://irc.example.com/dev", .scheme = IRC,
       .host = "irc.example.com", USER("dev")),
    OK(.in = "IRC://IRC.Example.COM/Dev", .scheme = IRC,
       .host = "irc.example.com", USER("Dev")),
    OK(.in = "irc://irc.example.com:6697/dev", .scheme = IRC,
       .host = "irc.example.com", PORT(6697), USER("dev")),
    OK(.in = "irc://irc.example.com/%23dev", .scheme = IRC,
       .host = "irc.example.com", USER("#dev")),
    OK(.in = "irc://irc.example.com/dev,needpass", .scheme = IRC,
       .host = "irc.example.com", USER("dev"), .irc_flags = "needpass"),
    OK(.in = "irc://irc.example.com/dev,NeedKey,ischannel", .scheme = IRC,
       .host = "irc.example.com", USER("dev"),
       .irc_flags = "needkey,ischannel"),
    OK(.in = "irc://irc.example.com/dev?secret", .scheme = IRC,
       .host = "irc.example.com", USER("dev")),
    /* "#dev" after the path is a fragment: no target. */
    OK(.in = "irc://irc.example.com/#dev", .scheme = IRC,
       .host = "irc.example.com", .flags = F_FRAG),
    OK(.in = "irc://irc.example.com/", .scheme = IRC,
       .host = "irc.example.com"),
    OK(.in = "irc://irc.example.com", .scheme = IRC, .host = "irc.example.com"),
    OK(.in = "irc:///dev", .scheme = IRC, USER("dev")),
    OK(.in = "irc://localhost/dev", .scheme = IRC, .host = "localhost",
       USER("dev")),
    OK(.in = "irc://[2001:db8::1]:6667/dev", .scheme = IRC,
       .host = "[2001:db8::1]", PORT(6667), USER("dev")),
    OK(.in = "irc://irc.example.com/%26dev", .scheme = IRC,
       .host = "irc.example.com", USER("&dev")),
    OK(.in = "irc://irc.example.com/d%C3%A9v", .scheme = IRC,
       .host = "irc.example.com", USER("d\xc3\xa9v")),
    OK(.in = "irc://irc.example.com/a%FFb", .scheme = IRC,
       .host = "irc.example.com",
       USER("a\xff"
	    "b")),
    OK(.in = "irc://irc.xn--bcher-kva.de/dev", .scheme = IRC,
       .host = "irc.xn--bcher-kva.de",
       .unicode = "irc.b\xc3\xbc"
		  "cher.de",
       USER("dev"), .flags = F_IDN),
    BAD("irc:dev", SYNTAX),
    BAD("irc:/dev", SYNTAX),
    BAD("irc:", SYNTAX),
    BAD("irc://user@irc.example.com/dev", USERINFO),
    BAD("irc://user:pw@irc.example.com/dev", USERINFO),
    BAD("irc://irc.example.com@evil.net/dev", USERINFO),
    BAD("irc://irc.example.com/dev,isnick", TARGET),
    BAD("irc://irc.example.com/dev,ISNICK", TARGET),
    BAD("irc://irc.example.com/dev,isserver", TARGET),
    BAD("irc://irc.example.com/dev,isuser", TARGET),
    BAD("irc://irc.example.com/dev,needpass,isnick", TARGET),
    BAD("irc://irc.example.com/dev,", TARGET),
    BAD("irc://irc.example.com/dev,,needpass", TARGET),
    BAD("irc://irc.example.com/dev,bogus", TARGET),
    BAD("irc://irc.example.com/de%0Dv", TARGET),
    BAD("irc://irc.example.com/de%0Av", TARGET),
    BAD("irc://irc.example.com/de%00v", TARGET),
    BAD("irc://irc.example.com/de%07v", TARGET),
    BAD("irc://irc.example.com/de%20v", TARGET),
    BAD("irc://irc.example.com/de%2Cv", TARGET),
    BAD("irc://irc.example.com/de%3Av", TARGET),
    BAD("irc://irc.example.com/de:v", TARGET),
    BAD("irc://irc.example.com/dev/x", TARGET),
    BAD("irc://irc.example.com:66000/dev", PORT),
    BAD("irc://irc.example.com:/dev", PORT),
    BAD("irc://irc.example.com:6x/dev", PORT),
    BAD("irc://irc.exa%2Fmple.com/dev", HOST),
    BAD("irc://2130706433/dev", HOST),
    BAD("irc://irc.example.com/de v", CHAR),
    BAD("irc://irc.example.com/dev\r\nJOIN #x", CHAR),
    BAD("irc://irc.example.com/dev<", CHAR),
    BAD("irc://irc.example.com/dev#a#b", CHAR),
};

static const struct row http_rows[] = {
    OK(.in = "http://example.com/chat", .scheme = HTTP, .host = "example.com"),
    OK(.in = "HTTPS://Example.COM:8443/chat?room=dev#x", .scheme = HTTPS,
       .host = "example.com", PORT(8443)),
    OK(.in = "https://example.com", .scheme = HTTPS, .host = "example.com"),
    OK(.in = "https://example.com./chat", .scheme = HTTPS,
       .host = "example.com"),
    OK(.in = "https://[2001:db8::1]:443/", .scheme = HTTPS,
       .host = "[2001:db8::1]", PORT(443)),
    OK(.in = "https://192.0.2.1/", .scheme = HTTPS, .host = "192.0.2.1"),
    OK(.in = "https://xn--bcher-kva.de/", .scheme = HTTPS,
       .host = "xn--bcher-kva.de",
       .unicode = "b\xc3\xbc"
		  "cher.de",
       .flags = F_IDN),
    OK(.in = "https://b%C3%BCcher.de/", .scheme = HTTPS,
       .host = "xn--bcher-kva.de",
       .unicode = "b\xc3\xbc"
		  "cher.de",
       .flags = F_IDN),
    OK(.in = "https://example.com/a@b", .scheme = HTTPS, .host = "example.com"),
    OK(.in = "https://example.com/%7Euser/", .scheme = HTTPS,
       .host = "example.com"),
    OK(.in = "https://example.com#@evil.net", .scheme = HTTPS,
       .host = "example.com"),
    OK(.in = "https://example.com?x=@evil.net", .scheme = HTTPS,
       .host = "example.com"),
    BAD("https://user@example.com/", USERINFO),
    BAD("https://example.com@evil.net/", USERINFO),
    BAD("https://user:pw@example.com/", USERINFO),
    BAD("https://example.com%2F@evil.net", USERINFO),
    BAD("http:example.com", SYNTAX),
    BAD("http:/example.com", SYNTAX),
    BAD("https:///chat", HOST),
    BAD("https://", HOST),
    BAD("https://:443/", HOST),
    BAD("https://example.com%2Fevil.net/", HOST),
    BAD("https://example.com%40evil.net/", HOST),
    BAD("https://example.com%00.evil.net/", HOST),
    BAD("https://example.com%5C.evil.net/", HOST),
    BAD("https://example.com%2E/", HOST),
    BAD("https://example.com\\@evil.net/", CHAR),
    BAD("https://example.com:443:80/", PORT),
    BAD("https://example.com:80a/", PORT),
    BAD("https://example.com:65536/", PORT),
    BAD("https://example.com:/", PORT),
    BAD("https://[::1/", IPLITERAL),
    BAD("https://[v7.abc]/", IPLITERAL),
    BAD("https://[fe80::1%25eth0]/", IPLITERAL),
    BAD("https://[fe80::1%eth0]/", PCT),
    BAD("https://[example.com]/", IPLITERAL),
    BAD("https://[::1]]/", CHAR),
    BAD("https://example.com/a b", CHAR),
    BAD("https://example.com/<script>", CHAR),
    BAD("https://example.com/%", PCT),
    BAD("https://example.com/%G0", PCT),
    BAD("https://b\xc3\xbc"
	"cher.de/",
	CHAR),
    BAD("https://example.com/\xe2\x80\xae", CHAR),
    BAD("https://example.com/%E2%80%8F", CHAR),
    BAD("https://0x7f.0x0.0x0.0x1/", HOST),
    BAD("https://2130706433/", HOST),
    BAD("https://127.000.000.001/", HOST),
    BAD("https://exa\x01mple.com/", CHAR),
};

static const struct row scheme_rows[] = {
    BAD("tel:+15551234", SCHEME),
    BAD("msrp://example.com:2855/abc;tcp", SCHEME),
    BAD("ircs://irc.example.com/dev", SCHEME),
    BAD("file:///etc/passwd", SCHEME),
    BAD("data:text/plain,hi", SCHEME),
    BAD("javascript:alert(1)", SCHEME),
    BAD("//example.com/x", SCHEME),
    BAD("example.com", SCHEME),
    BAD("", SCHEME),
    BAD(":x", SCHEME),
    BAD("1sip:alice@example.com", SCHEME),
    BAD("sip :alice@example.com", SCHEME),
    BAD("s\xc3\xadp:alice@example.com", SCHEME),
    BAD("sipx:alice@example.com", SCHEME),
};

static void test_sip(void **state)
{
	(void)state;
	RUN(sip_rows);
}

static void test_xmpp(void **state)
{
	(void)state;
	RUN(xmpp_rows);
}

static void test_irc(void **state)
{
	(void)state;
	RUN(irc_rows);
}

static void test_http(void **state)
{
	(void)state;
	RUN(http_rows);
}

static void test_scheme(void **state)
{
	(void)state;
	RUN(scheme_rows);
}

/* N(N(h)) == N(h): the normalised forms of every valid row normalise to
 * themselves, whether given as A-labels or as U-labels. */
static void idempotent(const struct row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct confinfo_uri *u = NULL;
		struct confinfo_host a = {0}, b = {0};
		size_t len = rows[i].len ? rows[i].len : strlen(rows[i].in);

		if (rows[i].err)
			continue;
		assert_int_equal(
		    confinfo_uri_parse(&u, rows[i].in, len, NULL, NULL), 0);
		if (u->host.kind != CONFINFO_HOST_NONE) {
			assert_int_equal(
			    confinfo_uri_host_normalize(&a, u->host.ascii,
							strlen(u->host.ascii),
							0, NULL, NULL),
			    0);
			assert_int_equal(
			    confinfo_uri_host_normalize(
				&b, u->host.unicode, strlen(u->host.unicode),
				CONFINFO_HOST_ALLOW_UNICODE, NULL, NULL),
			    0);
			assert_string_equal(a.ascii, u->host.ascii);
			assert_string_equal(b.ascii, u->host.ascii);
			assert_true(confinfo_uri_host_equal(&a, &u->host));
			assert_true(confinfo_uri_host_equal(&b, &u->host));
		}
		confinfo_uri_host_reset(&a);
		confinfo_uri_host_reset(&b);
		confinfo_uri_free(u);
	}
}

static void test_idempotent(void **state)
{
	(void)state;
	idempotent(sip_rows, sizeof(sip_rows) / sizeof(sip_rows[0]));
	idempotent(xmpp_rows, sizeof(xmpp_rows) / sizeof(xmpp_rows[0]));
	idempotent(irc_rows, sizeof(irc_rows) / sizeof(irc_rows[0]));
	idempotent(http_rows, sizeof(http_rows) / sizeof(http_rows[0]));
}

/* ---------------------------------------------------------------------
 * confinfo_uri_same_target().
 * ------------------------------------------------------------------- */

static struct confinfo_uri *parsed(const char *s)
{
	struct confinfo_uri *u = NULL;

	if (confinfo_uri_parse(&u, s, strlen(s), NULL, NULL))
		fail_msg("%s does not parse", s);
	return u;
}

/* Compare @p a and @p b both ways round: the answer is symmetric. */
static bool same(const char *a, const char *b)
{
	struct confinfo_uri *ua = parsed(a), *ub = parsed(b);
	bool ab = confinfo_uri_same_target(ua, ub);

	if (ab != confinfo_uri_same_target(ub, ua))
		fail_msg("%s vs %s: not symmetric", a, b);
	confinfo_uri_free(ua);
	confinfo_uri_free(ub);
	return ab;
}

static void test_same_target(void **state)
{
	/* Same target: what decides it is equal, what does not differs. */
	static const char *const equal[][2] = {
	    {"sip:conf@example.com", "sip:conf@example.com"},
	    {"sip:conf@EXAMPLE.com", "sip:conf@example.com."},
	    {"sip:conf@example.com", "sip:%63onf@example.com"},
	    {"sip:conf@example.com;transport=TCP",
	     "sip:conf@example.com;transport=tcp"},
	    {"sip:conf@example.com;lr", "sip:conf@example.com"},
	    {"sip:conf@example.com?Subject=x", "sip:conf@example.com"},
	    {"sip:conf:a@example.com", "sip:conf:b@example.com"},
	    {"sip:example.com", "sip:example.com"},
	    {"sips:conf@[2001:db8::1]:5061", "sips:conf@[2001:DB8:0::1]:5061"},
	    {"sip:conf@192.0.2.1;maddr=a.example",
	     "sip:conf@192.0.2.1;maddr=b"},
	};
	/* Each differs from the first of its row in one part only. */
	static const char *const differ[][2] = {
	    {"sip:conf@example.com", "sips:conf@example.com"},     /* scheme */
	    {"sip:conf@example.com", "sip:conf@example.com:5060"}, /* port */
	    {"sip:conf@example.com:5060", "sip:conf@example.com:5061"},
	    {"sip:conf@example.com", "sip:conf:pw@example.com"}, /* password */
	    {"sip:conf@example.com", "sip:conf@example.com;maddr=x.example"},
	    {"sip:conf@example.com", "sip:conf@example.com;transport=tcp"},
	    {"sip:conf@example.com;transport=udp",
	     "sip:conf@example.com;transport=tcp"},
	    {"sip:conf@example.com", "sip:conf@example.net"}, /* host */
	    {"sip:conf@192.0.2.1", "sip:conf@192.0.2.2"},
	    {"sip:conf@example.com", "sip:Conf@example.com"}, /* user */
	    {"sip:conf@example.com", "sip:conf2@example.com"},
	    {"sip:conf@example.com", "sip:example.com"},
	    {"sip:conf@example.com", "sip:conf%00@example.com"},
	};
	struct confinfo_uri *u = parsed("sip:conf@example.com");

	(void)state;
	for (size_t i = 0; i < sizeof(equal) / sizeof(equal[0]); i++)
		if (!same(equal[i][0], equal[i][1]))
			fail_msg("%s and %s: expected the same target",
				 equal[i][0], equal[i][1]);
	for (size_t i = 0; i < sizeof(differ) / sizeof(differ[0]); i++)
		if (same(differ[i][0], differ[i][1]))
			fail_msg("%s and %s: expected different targets",
				 differ[i][0], differ[i][1]);
	assert_true(confinfo_uri_same_target(u, u));
	assert_false(confinfo_uri_same_target(u, NULL));
	assert_false(confinfo_uri_same_target(NULL, u));
	assert_false(confinfo_uri_same_target(NULL, NULL));
	confinfo_uri_free(u);
}

/* ---------------------------------------------------------------------
 * Limits, offsets, allocation failures.
 * ------------------------------------------------------------------- */

static void test_limits(void **state)
{
	size_t n = CONFINFO_URI_MAX_LEN + 1;
	char *s = malloc(n + 1);
	struct confinfo_uri *u = NULL;
	enum confinfo_uri_err code;

	(void)state;
	assert_non_null(s);
	memcpy(s, "https://example.com/", 20);
	memset(s + 20, 'a', n - 20);
	s[n] = '\0';
	assert_int_equal(confinfo_uri_parse(&u, s, n, &code, NULL), EBADMSG);
	assert_int_equal(code, CONFINFO_URI_E_LENGTH);
	assert_int_equal(confinfo_uri_parse(&u, s, n - 1, &code, NULL), 0);
	confinfo_uri_free(u);
	free(s);
	assert_int_equal(confinfo_uri_parse(NULL, "sip:a@b.c", 9, NULL, NULL),
			 EINVAL);
	assert_int_equal(confinfo_uri_parse(&u, NULL, 3, NULL, NULL), EINVAL);
}

/* Messages name the place: the column is the 1-based byte offset. */
static void test_offsets(void **state)
{
	static const struct {
		const char *in;
		unsigned column;
	} rows[] = {
	    {"sip:alice@example.com:65536", 23},
	    {"sip:alice@evil.net@example.com", 19},
	    {"https://example.com/a\\b", 22},
	    {"xmpp:dev@example.com?message", 22},
	    {"irc://irc.example.com/dev,isnick", 27},
	    {"sip:alice@example.com;method=INVITE", 22},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct confinfo_uri *u = NULL;
		struct confinfo_diag d = {0};

		assert_int_equal(confinfo_uri_parse(&u, rows[i].in,
						    strlen(rows[i].in), NULL,
						    &d),
				 EBADMSG);
		if (d.column != rows[i].column)
			fail_msg("%s: column %u, expected %u (%s)", rows[i].in,
				 d.column, rows[i].column, d.message);
		assert_non_null(strstr(d.message, "at offset"));
	}
}

/* Every allocation of a parse may fail: the call returns ENOMEM, leaves
 * nothing behind (ASan checks) and succeeds once allocations do. */
static void test_alloc_failures(void **state)
{
	static const char *const uris[] = {
	    "sip:a;b@example.com:5060;transport=tcp;maddr=x?Route=y",
	    "xmpp://me@example.net/d%C3%A9v@b%C3%BCcher.de/res?join",
	    "irc://irc.example.com:6697/%23dev,needpass?key",
	    "https://[2001:db8::1]/chat",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(uris) / sizeof(uris[0]); i++) {
		for (unsigned long n = 1;; n++) {
			struct confinfo_uri *u = NULL;
			int err;

			confinfo__alloc_fail_at(n);
			err = confinfo_uri_parse(&u, uris[i], strlen(uris[i]),
						 NULL, NULL);
			confinfo__alloc_fail_at(0);
			if (!err) {
				confinfo_uri_free(u);
				break;
			}
			assert_int_equal(err, ENOMEM);
			assert_null(u);
			assert_true(n < 1000);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sip),
	    cmocka_unit_test(test_xmpp),
	    cmocka_unit_test(test_irc),
	    cmocka_unit_test(test_http),
	    cmocka_unit_test(test_scheme),
	    cmocka_unit_test(test_idempotent),
	    cmocka_unit_test(test_same_target),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_offsets),
	    cmocka_unit_test(test_alloc_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
