/*
 * The subscriber's digest authentication (src/sipsub/digest.c) without
 * the network: the responses of RFC 7616 section 3.9.1 (MD5 and SHA-256),
 * which challenge of a 401/407 is taken (SHA-256 over MD5 whatever the
 * order; -sess variants, unknown algorithms and qop without "auth"
 * skipped), the headers it writes (nonce count growing per nonce, a fresh
 * cnonce each time, the response right for the uri given), stale nonces,
 * and when the credentials count as refused. The 401s are parsed by
 * libre's sip_msg_decode(), as the subscriber receives them.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <re.h>

/* The module's private header: its include directory is not exported. */
#include "../../src/sipsub/sipsub.h"

#define URI "sip:conf1@127.0.0.1:5060;transport=udp"

/* ------------------------------------------------------------------ */
/* Helpers */

/* A response @p scode with the challenge header lines @p challs. */
static struct sip_msg *response(uint16_t scode, const char *challs)
{
	struct mbuf *mb = mbuf_alloc(1024);
	struct sip_msg *msg = NULL;

	assert_non_null(mb);
	assert_int_equal(
	    mbuf_printf(mb,
			"SIP/2.0 %u Unauthorized\r\n"
			"Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\r\n"
			"From: <sip:alice@example.com>;tag=1\r\n"
			"To: <sip:conf1@example.com>;tag=2\r\n"
			"Call-ID: c1\r\n"
			"CSeq: 1 SUBSCRIBE\r\n"
			"%s"
			"Content-Length: 0\r\n\r\n",
			scode, challs),
	    0);
	mb->pos = 0;
	assert_int_equal(sip_msg_decode(&msg, mb), 0);
	mem_deref(mb);
	return msg;
}

static int challenged(struct sipsub_digest *d, uint16_t scode,
		      const char *challs, bool *stale)
{
	struct sip_msg *msg = response(scode, challs);
	int err = sipsub_digest_challenged(d, msg, stale);

	mem_deref(msg);
	return err;
}

/* The value of parameter @p name in header text @p h (unquoted, no
 * escapes), "" when absent. */
static const char *param(const char *h, const char *name, char *buf,
			 size_t size)
{
	char key[32];
	const char *p;
	size_t n = 0;

	snprintf(key, sizeof(key), " %s=", name);
	p = strstr(h, key);
	buf[0] = '\0';
	if (!p)
		return buf;
	p += strlen(key);
	if (*p == '"') {
		p++;
		while (p[n] && p[n] != '"' && n + 1 < size)
			n++;
	} else {
		while (p[n] && p[n] != ',' && p[n] != '\r' && n + 1 < size)
			n++;
	}
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

/* The headers for a SUBSCRIBE to URI as alice:secret. */
static char *headers(struct sipsub_digest *d)
{
	char *h = NULL;

	assert_int_equal(
	    sipsub_digest_headers(d, &h, "alice", "secret", "SUBSCRIBE", URI),
	    0);
	assert_non_null(h);
	return h;
}

/* @p h answers realm example.com, nonce @p nonce, with @p alg and qop
 * auth, nonce count @p nc: the response is recomputed from the cnonce. */
static void assert_answer(const char *h, enum sipsub_digest_alg alg,
			  const char *nonce, const char *nc)
{
	char buf[300], cnonce[64], expect[65];

	assert_string_equal(param(h, "username", buf, sizeof(buf)), "alice");
	assert_string_equal(param(h, "realm", buf, sizeof(buf)), "example.com");
	assert_string_equal(param(h, "nonce", buf, sizeof(buf)), nonce);
	assert_string_equal(param(h, "uri", buf, sizeof(buf)), URI);
	assert_string_equal(param(h, "qop", buf, sizeof(buf)), "auth");
	assert_string_equal(param(h, "nc", buf, sizeof(buf)), nc);
	assert_string_equal(param(h, "algorithm", buf, sizeof(buf)),
			    alg == SIPSUB_DIGEST_SHA256 ? "SHA-256" : "MD5");
	param(h, "cnonce", cnonce, sizeof(cnonce));
	assert_int_equal(strlen(cnonce), 32);
	assert_int_equal(sipsub_digest_response(
			     expect, alg, "alice", "example.com", "secret",
			     "SUBSCRIBE", URI, nonce, nc, cnonce),
			 0);
	assert_string_equal(param(h, "response", buf, sizeof(buf)), expect);
	assert_null(strstr(h, "secret"));
}

#define CH(alg, nonce, extra)                                                  \
	"WWW-Authenticate: Digest realm=\"example.com\", nonce=\"" nonce       \
	"\", qop=\"auth\", algorithm=" alg extra "\r\n"

/* ------------------------------------------------------------------ */
/* Tests */

/* RFC 7616 section 3.9.1, and the RFC 2069 form of the same values. */
static void test_rfc7616_vectors(void **state)
{
	static const char nonce[] =
	    "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
	static const char cnonce[] =
	    "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
	char out[65];

	(void)state;
	assert_int_equal(sipsub_digest_response(
			     out, SIPSUB_DIGEST_MD5, "Mufasa",
			     "http-auth@example.org", "Circle of Life", "GET",
			     "/dir/index.html", nonce, "00000001", cnonce),
			 0);
	assert_string_equal(out, "8ca523f5e9506fed4657c9700eebdbec");
	assert_int_equal(sipsub_digest_response(
			     out, SIPSUB_DIGEST_SHA256, "Mufasa",
			     "http-auth@example.org", "Circle of Life", "GET",
			     "/dir/index.html", nonce, "00000001", cnonce),
			 0);
	assert_string_equal(out, "753927fa0e85d155564e2e272a28d180"
				 "2ca10daf4496794697cf8db5856cb6c1");
	assert_int_equal(
	    sipsub_digest_response(out, SIPSUB_DIGEST_MD5, "Mufasa",
				   "http-auth@example.org", "Circle of Life",
				   "GET", "/dir/index.html", nonce, NULL, NULL),
	    0);
	assert_string_equal(out, "7b2cc3b30e75b4777ea31027084363fd");
	assert_int_equal(sipsub_digest_response(out, SIPSUB_DIGEST_MD5, NULL,
						"r", "p", "GET", "/", nonce,
						NULL, NULL),
			 EINVAL);
}

/* SHA-256 is taken whether it comes first or second; the nonce count
 * grows and the cnonce changes with every request. */
static void test_sha256_preferred(void **state)
{
	static const char *const orders[] = {
	    CH("MD5", "n1", "") CH("SHA-256", "n1", ""),
	    CH("SHA-256", "n1", "") CH("MD5", "n1", ""),
	};
	char c1[64], c2[64];

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct sipsub_digest d = {0};
		bool stale = true;
		char *h1, *h2;

		assert_int_equal(challenged(&d, 401, orders[i], &stale), 0);
		assert_false(stale);
		h1 = headers(&d);
		h2 = headers(&d);
		assert_int_equal(strncmp(h1, "Authorization: Digest ", 22), 0);
		assert_answer(h1, SIPSUB_DIGEST_SHA256, "n1", "00000001");
		assert_answer(h2, SIPSUB_DIGEST_SHA256, "n1", "00000002");
		assert_string_not_equal(param(h1, "cnonce", c1, sizeof(c1)),
					param(h2, "cnonce", c2, sizeof(c2)));
		/* One header: one realm. */
		assert_null(strstr(h1 + 1, "Authorization"));
		mem_deref(h1);
		mem_deref(h2);
	}
}

/* What we cannot answer is skipped; nothing left is ENOTSUP. */
static void test_unsupported_skipped(void **state)
{
	struct sipsub_digest d = {0};
	bool stale = false;
	char *h;

	(void)state;
	assert_int_equal(challenged(&d, 401,
				    CH("SHA-512-256", "n1", "")
					CH("MD5-sess", "n1", "")
					    CH("SHA-256-sess", "n1", ""),
				    &stale),
			 ENOTSUP);
	assert_int_equal(
	    challenged(&d, 401,
		       "WWW-Authenticate: Digest realm=\"example.com\", "
		       "nonce=\"n1\", qop=\"auth-int\", algorithm=MD5\r\n"
		       "WWW-Authenticate: Basic realm=\"example.com\"\r\n"
		       "WWW-Authenticate: Digest realm=\"example.com\", "
		       "nonce=\"unterminated\r\n",
		       &stale),
	    ENOTSUP);
	assert_int_equal(d.n, 0);
	/* A known one after unknown ones is taken. */
	assert_int_equal(challenged(&d, 401,
				    CH("SHA-512-256", "n1", "")
					CH("MD5", "n2", ", stale=false"),
				    &stale),
			 0);
	h = headers(&d);
	assert_answer(h, SIPSUB_DIGEST_MD5, "n2", "00000001");
	mem_deref(h);
}

/* A second challenge without a 2xx in between refuses the credentials;
 * after a 2xx it is a new nonce to answer; stale is no failure. */
static void test_refused_stale(void **state)
{
	struct sipsub_digest d = {0};
	bool stale = false;
	char *h;

	(void)state;
	assert_int_equal(challenged(&d, 401, CH("SHA-256", "n1", ""), &stale),
			 0);
	h = headers(&d);
	mem_deref(h);
	assert_int_equal(challenged(&d, 401, CH("SHA-256", "n2", ""), &stale),
			 EAUTH);

	sipsub_digest_proven(&d);
	assert_int_equal(challenged(&d, 401, CH("SHA-256", "n3", ""), &stale),
			 0);
	assert_false(stale);
	sipsub_digest_proven(&d);
	h = headers(&d);
	mem_deref(h);
	/* Stale: the new nonce from nc 1, twice in a row at most. */
	assert_int_equal(
	    challenged(&d, 401, CH("SHA-256", "n4", ", stale=TRUE"), &stale),
	    0);
	assert_true(stale);
	h = headers(&d);
	assert_answer(h, SIPSUB_DIGEST_SHA256, "n4", "00000001");
	mem_deref(h);
	assert_int_equal(
	    challenged(&d, 401, CH("SHA-256", "n5", ", stale=true"), &stale),
	    0);
	assert_int_equal(
	    challenged(&d, 401, CH("SHA-256", "n6", ", stale=true"), &stale),
	    EPROTO);
}

/* 407: Proxy-Authorization; no qop: the RFC 2069 form; quoted values
 * with commas and escapes survive the round trip. */
static void test_proxy_no_qop_quoting(void **state)
{
	struct sipsub_digest d = {0};
	char *h, expect[65], buf[128];
	bool stale = false;

	(void)state;
	assert_int_equal(
	    challenged(&d, 407,
		       "Proxy-Authenticate: Digest realm=\"a\\\"b,c\", "
		       "nonce=\"x,y\", opaque=\"o\"\r\n",
		       &stale),
	    0);
	h = headers(&d);
	assert_int_equal(strncmp(h, "Proxy-Authorization: Digest ", 28), 0);
	assert_non_null(strstr(h, "realm=\"a\\\"b,c\""));
	assert_non_null(strstr(h, "nonce=\"x,y\""));
	assert_non_null(strstr(h, "opaque=\"o\""));
	assert_null(strstr(h, "qop="));
	assert_null(strstr(h, "nc="));
	assert_null(strstr(h, "cnonce="));
	assert_null(strstr(h, "algorithm="));
	assert_int_equal(sipsub_digest_response(
			     expect, SIPSUB_DIGEST_MD5, "alice", "a\"b,c",
			     "secret", "SUBSCRIBE", URI, "x,y", NULL, NULL),
			 0);
	snprintf(buf, sizeof(buf), "response=\"%s\"", expect);
	assert_non_null(strstr(h, buf));
	mem_deref(h);
}

/* Nothing to answer, or no user: no headers. A nonce too long for us is
 * skipped rather than cut. */
static void test_nothing(void **state)
{
	struct sipsub_digest d = {0};
	char *h = (char *)"x", nonce[400];
	char line[512];
	bool stale = false;

	(void)state;
	assert_int_equal(
	    sipsub_digest_headers(&d, &h, "alice", "secret", "SUBSCRIBE", URI),
	    0);
	assert_null(h);
	memset(nonce, 'n', sizeof(nonce) - 1);
	nonce[sizeof(nonce) - 1] = '\0';
	snprintf(line, sizeof(line),
		 "WWW-Authenticate: Digest realm=\"example.com\", "
		 "nonce=\"%s\"\r\n",
		 nonce);
	assert_int_equal(challenged(&d, 401, line, &stale), ENOTSUP);
	assert_int_equal(challenged(&d, 401, CH("MD5", "n1", ""), &stale), 0);
	h = (char *)"x";
	assert_int_equal(
	    sipsub_digest_headers(&d, &h, NULL, NULL, "SUBSCRIBE", URI), 0);
	assert_null(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc7616_vectors),
	    cmocka_unit_test(test_sha256_preferred),
	    cmocka_unit_test(test_unsupported_skipped),
	    cmocka_unit_test(test_refused_stale),
	    cmocka_unit_test(test_proxy_no_qop_quoting),
	    cmocka_unit_test(test_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
