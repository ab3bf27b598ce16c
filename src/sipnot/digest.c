/*
 * SIP digest authentication (RFC 3261 22, RFC 2617 with qop=auth) of
 * subscribers and publishers, against a credentials file in htdigest
 * form: `user:realm:HA1` per line, HA1 = hex MD5(user:realm:password),
 * so the file holds no password. The realm is the focus's domain.
 *
 * Nonces are stateless: hex(time) followed by an HMAC-SHA1 of it under
 * a key drawn at start-up, so the focus keeps nothing per challenge (a
 * flood of SUBSCRIBEs costs no memory) and a nonce from before a restart
 * is refused as stale. A nonce is accepted for NONCE_LIFETIME seconds;
 * after that the client is challenged again with stale=true and retries
 * without asking its user.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sipnot.h"

#define NONCE_LIFETIME 300
#define MAX_CREDS      100000
#define MAX_LINE       1024
#define MAC_BYTES      10

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static bool hex_decode(const char *s, size_t len, uint8_t *out, size_t n)
{
	if (len != 2 * n)
		return false;
	for (size_t i = 0; i < n; i++) {
		int hi = hexval((unsigned char)s[2 * i]);
		int lo = hexval((unsigned char)s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

static int parse_line(struct confinfo_notifier *n, char *line, unsigned lineno,
		      const char *path, struct confinfo_diag *diag)
{
	char *c1 = strchr(line, ':'), *c2;
	struct sipnot_cred *cred;
	size_t len = strlen(line);

	while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
		line[--len] = '\0';
	if (!len || line[0] == '#')
		return 0;
	c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c1 || !c2 || c1 == line)
		return confinfo_diag_fail(diag, EINVAL, lineno, 0,
					  "%s:%u: expected user:realm:HA1",
					  path, lineno);
	*c1 = *c2 = '\0';
	if (strcmp(c1 + 1, n->domain))
		return confinfo_diag_fail(diag, EINVAL, lineno, 0,
					  "%s:%u: realm '%s' is not the "
					  "focus's domain '%s'",
					  path, lineno, c1 + 1, n->domain);
	if (n->cred_count == MAX_CREDS)
		return confinfo_diag_fail(diag, EINVAL, lineno, 0,
					  "%s:%u: more than %d users", path,
					  lineno, MAX_CREDS);
	if (n->cred_count == n->cred_cap) {
		size_t cap = n->cred_cap ? 2 * n->cred_cap : 16;
		struct sipnot_cred *creds;

		creds = realloc(n->creds, cap * sizeof(*creds));
		if (!creds)
			return ENOMEM;
		n->creds = creds;
		n->cred_cap = cap;
	}
	cred = &n->creds[n->cred_count];
	if (!hex_decode(c2 + 1, strlen(c2 + 1), cred->ha1, MD5_SIZE))
		return confinfo_diag_fail(diag, EINVAL, lineno, 0,
					  "%s:%u: HA1 must be 32 hex digits",
					  path, lineno);
	cred->user = strdup(line);
	if (!cred->user)
		return ENOMEM;
	n->cred_count++;
	return 0;
}

int sipnot_auth_load(struct confinfo_notifier *n, const char *path,
		     struct confinfo_diag *diag)
{
	char line[MAX_LINE + 2];
	unsigned lineno = 0;
	FILE *f;
	int err = 0;

	f = fopen(path, "r");
	if (!f)
		return confinfo_diag_fail(diag, errno, 0, 0, "%s: %s", path,
					  strerror(errno));
	while (!err && fgets(line, sizeof(line), f)) {
		size_t len = strlen(line);

		lineno++;
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		else if (len > MAX_LINE)
			err = confinfo_diag_fail(diag, EINVAL, lineno, 0,
						 "%s:%u: line too long", path,
						 lineno);
		if (!err)
			err = parse_line(n, line, lineno, path, diag);
	}
	if (!err && ferror(f))
		err =
		    confinfo_diag_fail(diag, EIO, 0, 0, "%s: read error", path);
	fclose(f);
	if (!err && !n->cred_count)
		err = confinfo_diag_fail(diag, EINVAL, 0, 0,
					 "%s: no credentials", path);
	rand_bytes(n->nonce_key, sizeof(n->nonce_key));
	return err;
}

void sipnot_auth_free(struct confinfo_notifier *n)
{
	for (size_t i = 0; i < n->cred_count; i++)
		free(n->creds[i].user);
	free(n->creds);
	n->creds = NULL;
	n->cred_count = n->cred_cap = 0;
}

static void nonce_make(const struct confinfo_notifier *n, uint32_t t, char *out,
		       size_t size)
{
	uint8_t mac[MAC_BYTES];
	char ts[9];

	(void)re_snprintf(ts, sizeof(ts), "%08x", t);
	hmac_sha1(n->nonce_key, sizeof(n->nonce_key), (const uint8_t *)ts, 8,
		  mac, sizeof(mac));
	(void)re_snprintf(out, size, "%s%w", ts, mac, sizeof(mac));
}

/* 0 valid, ETIMEDOUT stale (ours but old), EINVAL not ours. */
static int nonce_check(const struct confinfo_notifier *n,
		       const struct pl *nonce)
{
	char expect[8 + 2 * MAC_BYTES + 1], ts[9];
	uint32_t t;
	uint64_t now = (uint64_t)time(NULL);

	if (nonce->l != sizeof(expect) - 1)
		return EINVAL;
	memcpy(ts, nonce->p, 8);
	ts[8] = '\0';
	t = (uint32_t)strtoul(ts, NULL, 16);
	nonce_make(n, t, expect, sizeof(expect));
	if (pl_strcmp(nonce, expect))
		return EINVAL;
	if (now < t || now - t > NONCE_LIFETIME)
		return ETIMEDOUT;
	return 0;
}

static const struct sipnot_cred *find_cred(const struct confinfo_notifier *n,
					   const struct pl *user)
{
	for (size_t i = 0; i < n->cred_count; i++) {
		if (!pl_strcmp(user, n->creds[i].user))
			return &n->creds[i];
	}
	return NULL;
}

enum sipnot_auth sipnot_auth_check(struct confinfo_notifier *n,
				   const struct sip_msg *msg)
{
	enum sipnot_auth result = SIPNOT_AUTH_CHALLENGE;

	if (!n->cred_count)
		return SIPNOT_AUTH_OK;
	for (struct le *le = msg->hdrl.head; le; le = le->next) {
		const struct sip_hdr *h = le->data;
		struct httpauth_digest_resp resp;
		const struct sipnot_cred *cred;
		int err;

		if (h->id != SIP_HDR_AUTHORIZATION)
			continue;
		if (httpauth_digest_response_decode(&resp, &h->val) ||
		    pl_strcmp(&resp.realm, n->domain))
			continue;
		err = nonce_check(n, &resp.nonce);
		if (err == ETIMEDOUT) {
			result = SIPNOT_AUTH_STALE;
			continue;
		}
		if (err)
			continue;
		/* Our nonce, our realm: from here on a mismatch is a wrong
		 * password or an unknown user, not a reason to ask again. */
		cred = find_cred(n, &resp.username);
		if (!cred ||
		    httpauth_digest_response_auth(&resp, &msg->met, cred->ha1))
			return SIPNOT_AUTH_FAILED;
		return SIPNOT_AUTH_OK;
	}
	return result;
}

void sipnot_auth_challenge(struct confinfo_notifier *n,
			   const struct sip_msg *msg, bool stale)
{
	char nonce[8 + 2 * MAC_BYTES + 1];

	nonce_make(n, (uint32_t)time(NULL), nonce, sizeof(nonce));
	(void)sipnot_reply(
	    n, msg, 401, "Unauthorized",
	    "WWW-Authenticate: Digest realm=\"%s\", nonce=\"%s\", "
	    "qop=\"auth\", algorithm=MD5%s\r\n",
	    n->domain, nonce, stale ? ", stale=true" : "");
	sipnot_log_msg(n, CONFINFO_NOTIFIER_REJECTED, msg, 401,
		       stale ? "Unauthorized (stale nonce)" : "Unauthorized");
}

bool sipnot_authenticate(struct confinfo_notifier *n, const struct sip_msg *msg)
{
	switch (sipnot_auth_check(n, msg)) {
	case SIPNOT_AUTH_OK:
		return true;
	case SIPNOT_AUTH_FAILED:
		(void)sipnot_reply(n, msg, 403, "Forbidden", NULL);
		sipnot_log_msg(n, CONFINFO_NOTIFIER_REJECTED, msg, 403,
			       "Wrong Credentials");
		return false;
	case SIPNOT_AUTH_STALE:
		sipnot_auth_challenge(n, msg, true);
		return false;
	default:
		sipnot_auth_challenge(n, msg, false);
		return false;
	}
}
