/*
 * libFuzzer target: the URI parser, host normalisation and the chat room
 * check on arbitrary bytes.
 *
 * Input: "CONFERENCE-URI\nROOM-URI", or just ROOM-URI (checked against
 * sip:dev@example.com). The policy varies with the input length, so every
 * related-domain and auto-join mode is exercised. Beyond "no crash", these
 * must hold, or the target aborts (libFuzzer saves the input):
 * - N is idempotent: a parsed host normalises to itself, from its A-label
 *   and from its Unicode form;
 * - same_domain implies the independently normalised hosts are equal and
 *   nothing reroutes the request;
 * - name_match implies equal name bytes; auto implies same_domain or
 *   related; an invalid room has no "yes" and join "never";
 * - every string of a verdict is printable UTF-8.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confinfo/chat.h"
#include "confinfo/uri.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what)
{
	fprintf(stderr, "fuzz_uri: %s\n", what);
	abort();
}

/* Valid UTF-8 without C0/C1 controls or DEL. */
static void check_printable(const char *s, const char *what)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!s)
		return;
	while (*p) {
		unsigned n = 1;
		uint32_t uc;

		if (*p < 0x20 || *p == 0x7F)
			die(what);
		if (*p >= 0xF0 && *p <= 0xF4)
			n = 4;
		else if (*p >= 0xE0)
			n = 3;
		else if (*p >= 0xC2 && *p <= 0xDF)
			n = 2;
		else if (*p >= 0x80)
			die(what);
		uc = n == 1 ? *p : (*p & (0x7F >> n));
		for (unsigned i = 1; i < n; i++) {
			if ((p[i] & 0xC0) != 0x80)
				die(what);
			uc = (uc << 6) | (p[i] & 0x3F);
		}
		if ((n == 3 && uc < 0x800) || (n == 4 && uc < 0x10000) ||
		    (uc >= 0x80 && uc <= 0x9F) ||
		    (uc >= 0xD800 && uc <= 0xDFFF) || uc > 0x10FFFF)
			die(what);
		p += n;
	}
}

static void check_host(const struct confinfo_host *h)
{
	struct confinfo_host a = {0}, b = {0};

	if (h->kind == CONFINFO_HOST_NONE)
		return;
	if (confinfo_uri_host_normalize(&a, h->ascii, strlen(h->ascii), 0, NULL,
					NULL) ||
	    strcmp(a.ascii, h->ascii) || !confinfo_uri_host_equal(&a, h))
		die("N(N(h)) != N(h) from the A-label form");
	if (confinfo_uri_host_normalize(&b, h->unicode, strlen(h->unicode),
					CONFINFO_HOST_ALLOW_UNICODE, NULL,
					NULL) ||
	    strcmp(b.ascii, h->ascii))
		die("N(unicode form) != N(h)");
	check_printable(h->ascii, "host not printable");
	check_printable(h->unicode, "unicode host not printable");
	confinfo_uri_host_reset(&a);
	confinfo_uri_host_reset(&b);
}

static void check_verdict(const struct confinfo_uri *conf, const char *room,
			  size_t len, const struct confinfo_chat_verdict *v)
{
	struct confinfo_uri *u = NULL;

	check_printable(v->uri_display, "uri_display not printable");
	check_printable(v->error, "error not printable");
	check_printable(v->host, "host not printable");
	check_printable(v->host_unicode, "host_unicode not printable");
	check_printable(v->room_display, "room_display not printable");
	for (size_t i = 0; i < v->warning_count; i++)
		check_printable(v->warnings[i], "warning not printable");
	if (!v->valid) {
		if (v->same_domain || v->name_match || v->related ||
		    v->join != CONFINFO_CHAT_JOIN_NEVER)
			die("an invalid room got a yes");
		return;
	}
	if (confinfo_uri_parse(&u, room, len, NULL, NULL))
		die("valid verdict for a URI that does not parse");
	if (v->same_domain &&
	    (!confinfo_uri_host_equal(&u->host, &conf->host) ||
	     u->host.kind != conf->host.kind ||
	     strcmp(u->host.ascii, conf->host.ascii) || u->has_maddr ||
	     u->reroute_header || u->authority))
		die("same_domain while the normalised hosts differ");
	if (v->name_match &&
	    (!v->room.ptr || !conf->user.ptr || v->room.len != conf->user.len ||
	     memcmp(v->room.ptr, conf->user.ptr, v->room.len)))
		die("name_match while the names differ");
	if (v->join == CONFINFO_CHAT_JOIN_AUTO &&
	    !(v->same_domain || v->related))
		die("auto join without same domain or related");
	if (v->related && (u->has_maddr || u->reroute_header || u->authority))
		die("related although the destination is not provable");
	confinfo_uri_free(u);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	const char *nl = memchr(s, '\n', size);
	const char *conf_s = "sip:dev@example.com", *room = s;
	size_t conf_len = strlen(conf_s), room_len = size;
	struct confinfo_uri *conf = NULL, *u = NULL;
	struct confinfo_chat_policy *p = NULL;
	struct confinfo_chat_verdict *v = NULL;
	struct confinfo_host h = {0};

	if (nl) {
		conf_s = s;
		conf_len = (size_t)(nl - s);
		room = nl + 1;
		room_len = size - conf_len - 1;
	}
	/* The parser and the normaliser on their own. */
	if (!confinfo_uri_parse(&u, room, room_len, NULL, NULL)) {
		check_host(&u->host);
		confinfo_uri_free(u);
	}
	if (!confinfo_uri_host_normalize(&h, room, room_len,
					 CONFINFO_HOST_ALLOW_PCT |
					     CONFINFO_HOST_ALLOW_UNICODE,
					 NULL, NULL)) {
		check_host(&h);
		confinfo_uri_host_reset(&h);
	}
	/* The check, under a policy chosen by the input length. */
	if (confinfo_chat_conference_parse(&conf, conf_s, conf_len, NULL))
		return 0;
	if (confinfo_chat_policy_alloc(&p))
		goto out;
	confinfo_chat_policy_set_related(
	    p, (enum confinfo_chat_related_mode)(size % 4));
	confinfo_chat_policy_set_auto_join(
	    p, (enum confinfo_chat_auto_join)(size / 4 % 3));
	confinfo_chat_policy_set_require_name_match(p, size / 12 % 2);
	if (conf->host.kind == CONFINFO_HOST_NAME)
		confinfo_chat_policy_add_related(p, conf->host.ascii,
						 "chat.example.net", NULL);
	if (!confinfo_chat_check(&v, conf, room, room_len, p,
				 (uint32_t)(size % 200)))
		check_verdict(conf, room, room_len, v);
out:
	confinfo_chat_verdict_free(v);
	confinfo_chat_policy_free(p);
	confinfo_uri_free(conf);
	return 0;
}
