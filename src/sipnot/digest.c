/*
 * SIP digest authentication (RFC 3261 22, RFC 7616 with qop=auth,
 * RFC 8760 for SHA-256 in SIP) of subscribers and publishers, against a
 * credentials file in an extended htdigest form: `user:realm:HA1[:AOR]`
 * per line, HA1 = hex H(user:realm:password), so the file holds no
 * password. The HA1's length names the algorithm (32 hex digits MD5, 64
 * SHA-256): a user has one line per algorithm, and old MD5-only files
 * keep working. The realm is the focus's domain; AOR is the identity the
 * user authenticates as (default sip:user@realm), which auth.c matches
 * against the allow-lists and the From header.
 *
 * Replay: every nonce we give out has a slot in a bounded table (serial
 * modulo its size), holding when it was issued and the highest nonce
 * count accepted with it. A request must carry qop=auth, a digest uri
 * that is its Request-URI and a nonce count above the last one, so a
 * captured Authorization header is worth nothing in another request. A
 * nonce past its lifetime, or whose slot a newer one took (a flood of
 * challenges only makes honest clients retry), is answered stale=true:
 * the client retries without asking its user. A nonce carries an HMAC
 * under a key drawn at start-up, so a nonce we never issued (or issued
 * before a restart) is told apart from an old one of ours.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "sipnot.h"

#define DEFAULT_LIFETIME 300
#define DEFAULT_NONCES   4096
#define MAX_CREDS        100000
#define MAX_LINE         1024
#define MAC_BYTES        10
#define NONCE_LEN        (16 + 2 * MAC_BYTES)

enum alg { ALG_MD5, ALG_SHA256 };

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

static int cred_cmp(const void *a, const void *b)
{
	const struct sipnot_cred *x = a, *y = b;

	return strcmp(x->user, y->user);
}

static int cred_add(struct confinfo_notifier *n, struct sipnot_cred *cred)
{
	if (n->cred_count == MAX_CREDS)
		return E2BIG;
	if (n->cred_count == n->cred_cap) {
		size_t cap = n->cred_cap ? 2 * n->cred_cap : 16;
		struct sipnot_cred *creds;

		creds = realloc(n->creds, cap * sizeof(*creds));
		if (!creds)
			return ENOMEM;
		n->creds = creds;
		n->cred_cap = cap;
	}
	n->creds[n->cred_count++] = *cred;
	return 0;
}

/* The line's HA1 (MD5 or SHA-256 by its length) and identity. */
static int parse_ha1(struct confinfo_notifier *n, struct sipnot_cred *cred,
		     const char *user, const char *ha1, const char *aor)
{
	size_t len = strlen(ha1);
	char *text = NULL;
	int err;

	if (hex_decode(ha1, len, cred->md5, sizeof(cred->md5)))
		cred->has_md5 = n->offer_md5 = true;
	else if (hex_decode(ha1, len, cred->sha256, sizeof(cred->sha256)))
		cred->has_sha256 = n->offer_sha256 = true;
	else
		return EBADMSG;
	if (!aor) {
		if (re_sdprintf(&text, "sip:%s@%s", user, n->domain))
			return ENOMEM;
		aor = text;
	}
	err = sipnot_uri_normalise(aor, &cred->aor);
	mem_deref(text);
	if (err)
		return err;
	cred->user = strdup(user);
	return cred->user ? 0 : ENOMEM;
}

static int parse_line(struct confinfo_notifier *n, char *line, unsigned lineno,
		      const char *path, struct confinfo_diag *diag)
{
	char *c1 = strchr(line, ':'), *c2, *c3;
	struct sipnot_cred cred = {0};
	size_t len = strlen(line);
	int err;

	while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
		line[--len] = '\0';
	if (!len || line[0] == '#')
		return 0;
	c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c1 || !c2 || c1 == line)
		return confinfo_diag_fail(diag, EINVAL, lineno, 0,
					  "%s:%u: expected user:realm:HA1",
					  path, lineno);
	c3 = strchr(c2 + 1, ':');
	*c1 = *c2 = '\0';
	if (c3)
		*c3 = '\0';
	if (strcmp(c1 + 1, n->domain))
		return confinfo_diag_fail(diag, EINVAL, lineno, 0,
					  "%s:%u: realm '%s' is not the "
					  "focus's domain '%s'",
					  path, lineno, c1 + 1, n->domain);
	err = parse_ha1(n, &cred, line, c2 + 1, c3 ? c3 + 1 : NULL);
	if (!err)
		err = cred_add(n, &cred);
	if (err) {
		free(cred.user);
		free(cred.aor);
	}
	if (err == EBADMSG)
		return confinfo_diag_fail(diag, EINVAL, lineno, 0,
					  "%s:%u: HA1 must be 32 (MD5) or 64 "
					  "(SHA-256) hex digits",
					  path, lineno);
	if (err == EINVAL)
		return confinfo_diag_fail(diag, EINVAL, lineno, 0,
					  "%s:%u: '%s' is not a SIP URI", path,
					  lineno, c3 ? c3 + 1 : line);
	if (err == E2BIG)
		return confinfo_diag_fail(diag, EINVAL, lineno, 0,
					  "%s:%u: more than %d lines", path,
					  lineno, MAX_CREDS);
	return err;
}

/* Sort the users and fold the lines of one user (one per algorithm) into
 * one entry, so that a look-up is a binary search. */
static int merge_creds(struct confinfo_notifier *n, const char *path,
		       struct confinfo_diag *diag)
{
	size_t out = 0, i;
	int err = 0;

	qsort(n->creds, n->cred_count, sizeof(*n->creds), cred_cmp);
	for (i = 0; i < n->cred_count && !err; i++) {
		struct sipnot_cred *c = &n->creds[i], *prev;

		prev = out ? &n->creds[out - 1] : NULL;
		if (!prev || strcmp(prev->user, c->user)) {
			n->creds[out++] = *c;
			continue;
		}
		if (strcmp(prev->aor, c->aor) ||
		    (prev->has_md5 && c->has_md5) ||
		    (prev->has_sha256 && c->has_sha256)) {
			err = confinfo_diag_fail(
			    diag, EINVAL, 0, 0,
			    "%s: user '%s' has two lines of one algorithm "
			    "or two identities",
			    path, c->user);
			break;
		}
		if (c->has_md5)
			memcpy(prev->md5, c->md5, sizeof(c->md5));
		if (c->has_sha256)
			memcpy(prev->sha256, c->sha256, sizeof(c->sha256));
		prev->has_md5 |= c->has_md5;
		prev->has_sha256 |= c->has_sha256;
		free(c->user);
		free(c->aor);
	}
	/* Every entry once, for sipnot_auth_free(), even after an error. */
	memmove(&n->creds[out], &n->creds[i],
		(n->cred_count - i) * sizeof(*n->creds));
	n->cred_count = out + (n->cred_count - i);
	return err;
}

static int read_file(struct confinfo_notifier *n, FILE *f, const char *path,
		     struct confinfo_diag *diag)
{
	char line[MAX_LINE + 2];
	unsigned lineno = 0;
	int err = 0;

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
	return err;
}

int sipnot_auth_load(struct confinfo_notifier *n, const char *path,
		     struct confinfo_diag *diag)
{
	FILE *f;
	int err;

	if (!n->cfg.nonce_lifetime)
		n->cfg.nonce_lifetime = DEFAULT_LIFETIME;
	if (!n->cfg.max_nonces)
		n->cfg.max_nonces = DEFAULT_NONCES;
	f = fopen(path, "r");
	if (!f)
		return confinfo_diag_fail(diag, errno, 0, 0, "%s: %s", path,
					  strerror(errno));
	err = read_file(n, f, path, diag);
	fclose(f);
	if (!err)
		err = merge_creds(n, path, diag);
	if (!err && !n->cred_count)
		err = confinfo_diag_fail(diag, EINVAL, 0, 0,
					 "%s: no credentials", path);
	if (!err) {
		n->nonces = calloc(n->cfg.max_nonces, sizeof(*n->nonces));
		if (!n->nonces)
			err = ENOMEM;
	}
	rand_bytes(n->nonce_key, sizeof(n->nonce_key));
	return err;
}

void sipnot_auth_free(struct confinfo_notifier *n)
{
	for (size_t i = 0; i < n->cred_count; i++) {
		free(n->creds[i].user);
		free(n->creds[i].aor);
	}
	free(n->creds);
	free(n->nonces);
	n->creds = NULL;
	n->nonces = NULL;
	n->cred_count = n->cred_cap = 0;
}

static void nonce_make(const struct confinfo_notifier *n, uint64_t serial,
		       char *out, size_t size)
{
	uint8_t mac[20]; /* libre writes the whole of it */
	char ser[17];

	(void)snprintf(ser, sizeof(ser), "%016llx", (unsigned long long)serial);
	hmac_sha1(n->nonce_key, sizeof(n->nonce_key), (const uint8_t *)ser, 16,
		  mac, sizeof(mac));
	(void)re_snprintf(out, size, "%s%w", ser, mac, (size_t)MAC_BYTES);
}

/* A new nonce, remembered in its slot (forgetting the one there). */
static void nonce_issue(struct confinfo_notifier *n, char *out, size_t size)
{
	uint64_t serial = ++n->nonce_serial;
	struct sipnot_nonce *slot = &n->nonces[serial % n->cfg.max_nonces];

	slot->serial = serial;
	slot->issued = tmr_jiffies();
	slot->nc = 0;
	nonce_make(n, serial, out, size);
}

/* Our nonce's slot; NULL with ETIMEDOUT (ours but expired or forgotten)
 * or EINVAL (not ours). */
static struct sipnot_nonce *nonce_find(struct confinfo_notifier *n,
				       const struct pl *nonce, int *errp)
{
	char expect[NONCE_LEN + 1], ser[17];
	struct sipnot_nonce *slot;
	uint64_t serial;

	*errp = EINVAL;
	if (nonce->l != NONCE_LEN)
		return NULL;
	memcpy(ser, nonce->p, 16);
	ser[16] = '\0';
	serial = strtoull(ser, NULL, 16);
	nonce_make(n, serial, expect, sizeof(expect));
	if (pl_strcmp(nonce, expect))
		return NULL;
	*errp = ETIMEDOUT;
	slot = &n->nonces[serial % n->cfg.max_nonces];
	if (slot->serial != serial ||
	    tmr_jiffies() - slot->issued > 1000ull * n->cfg.nonce_lifetime)
		return NULL;
	*errp = 0;
	return slot;
}

static const struct sipnot_cred *find_cred(const struct confinfo_notifier *n,
					   const struct pl *user)
{
	size_t lo = 0, hi = n->cred_count;
	char name[256];

	if (user->l >= sizeof(name))
		return NULL;
	(void)pl_strcpy(user, name, sizeof(name));
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, n->creds[mid].user);

		if (!c)
			return &n->creds[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* Hex of H(parts[0]:parts[1]:...) into @p out (2 * size + 1 bytes). */
static void hash_hex(enum alg alg, const struct pl *parts, size_t count,
		     char *out)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok =
	    ctx && EVP_DigestInit_ex(
		       ctx, alg == ALG_MD5 ? EVP_md5() : EVP_sha256(), NULL);

	for (size_t i = 0; ok && i < count; i++)
		ok = (!i || EVP_DigestUpdate(ctx, ":", 1)) &&
		     EVP_DigestUpdate(ctx, parts[i].p, parts[i].l);
	ok = ok && EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	if (!ok)
		mdlen = 0; /* an empty string never matches a response */
	for (unsigned i = 0; i < mdlen; i++)
		(void)sprintf(out + 2 * i, "%02x", md[i]);
	out[2 * mdlen] = '\0';
}

/* Whether @p resp's response is right for @p cred under @p alg. */
static bool response_ok(const struct httpauth_digest_resp *resp,
			const struct pl *method, const struct sipnot_cred *cred,
			enum alg alg)
{
	char ha1[65], ha2[65], expect[65];
	const uint8_t *key = alg == ALG_MD5 ? cred->md5 : cred->sha256;
	size_t keylen =
	    alg == ALG_MD5 ? sizeof(cred->md5) : sizeof(cred->sha256);
	struct pl a2[2] = {*method, resp->uri}, r[6];

	for (size_t i = 0; i < keylen; i++)
		(void)sprintf(ha1 + 2 * i, "%02x", key[i]);
	hash_hex(alg, a2, 2, ha2);
	pl_set_str(&r[0], ha1);
	r[1] = resp->nonce;
	r[2] = resp->nc;
	r[3] = resp->cnonce;
	r[4] = resp->qop;
	pl_set_str(&r[5], ha2);
	hash_hex(alg, r, 6, expect);
	return expect[0] && !pl_strcasecmp(&resp->response, expect);
}

/* The algorithm= parameter of @p hval (MD5 when absent); -1 unknown. */
static int algorithm(const struct pl *hval)
{
	struct pl alg;

	if (re_regex(hval->p, hval->l, "algorithm=[\"]*[^ \t\r\n,\"]+", NULL,
		     &alg))
		return ALG_MD5;
	if (!pl_strcasecmp(&alg, "MD5"))
		return ALG_MD5;
	if (!pl_strcasecmp(&alg, "SHA-256"))
		return ALG_SHA256;
	return -1;
}

/* The digest uri must be the Request-URI: the same text, or the same
 * but for the case of scheme and host and for parameters (a client may
 * leave out the ;transport= of the remote target it sends to), which
 * name no other conference. */
static bool uri_matches(const struct sip_msg *msg, const struct pl *duri)
{
	const struct uri *r = &msg->uri;
	struct uri u;

	if (!pl_cmp(duri, &msg->ruri))
		return true;
	return !uri_decode(&u, duri) && !pl_casecmp(&u.scheme, &r->scheme) &&
	       !pl_cmp(&u.user, &r->user) && !pl_casecmp(&u.host, &r->host) &&
	       u.port == r->port;
}

/* Check one Authorization header that is for our realm and nonce. */
static enum sipnot_auth check_resp(const struct sip_msg *msg,
				   const struct httpauth_digest_resp *resp,
				   const struct sipnot_cred *cred, enum alg alg,
				   struct sipnot_nonce *slot)
{
	uint32_t nc;

	if (!cred || !(alg == ALG_MD5 ? cred->has_md5 : cred->has_sha256) ||
	    pl_strcasecmp(&resp->qop, "auth") || resp->nc.l != 8 ||
	    !pl_isset(&resp->cnonce) ||
	    !response_ok(resp, &msg->met, cred, alg))
		return SIPNOT_AUTH_FAILED;
	if (!uri_matches(msg, &resp->uri))
		return SIPNOT_AUTH_URI;
	nc = pl_x32(&resp->nc);
	if (nc <= slot->nc)
		return SIPNOT_AUTH_REPLAY;
	slot->nc = nc;
	return SIPNOT_AUTH_OK;
}

enum sipnot_auth sipnot_auth_check(struct confinfo_notifier *n,
				   const struct sip_msg *msg,
				   const char **identityp)
{
	enum sipnot_auth result = SIPNOT_AUTH_CHALLENGE;

	for (struct le *le = msg->hdrl.head; le; le = le->next) {
		const struct sip_hdr *h = le->data;
		struct httpauth_digest_resp resp;
		const struct sipnot_cred *cred;
		struct sipnot_nonce *slot;
		int alg, err;

		if (h->id != SIP_HDR_AUTHORIZATION)
			continue;
		alg = algorithm(&h->val);
		if (alg < 0 ||
		    httpauth_digest_response_decode(&resp, &h->val) ||
		    pl_strcmp(&resp.realm, n->domain))
			continue;
		slot = nonce_find(n, &resp.nonce, &err);
		if (err == ETIMEDOUT) {
			result = SIPNOT_AUTH_STALE;
			continue;
		}
		if (err)
			continue;
		/* Our nonce, our realm: from here on a mismatch is a wrong
		 * password, an unknown user or a replay, not a reason to ask
		 * again. */
		cred = find_cred(n, &resp.username);
		result = check_resp(msg, &resp, cred, (enum alg)alg, slot);
		if (result == SIPNOT_AUTH_OK)
			*identityp = cred->aor;
		return result;
	}
	return result;
}

void sipnot_auth_challenge(struct confinfo_notifier *n,
			   const struct sip_msg *msg, bool stale)
{
	static const char fmt[] = "WWW-Authenticate: Digest realm=\"%s\", "
				  "nonce=\"%s\", qop=\"auth\", "
				  "algorithm=%s%s\r\n";
	const char *st = stale ? ", stale=true" : "";
	char nonce[NONCE_LEN + 1], sha[256] = "", md5[256] = "";

	nonce_issue(n, nonce, sizeof(nonce));
	/* SHA-256 first: a client takes the first it supports (RFC 8760
	 * 2.4). One nonce for both: a client answers one of them. */
	if (n->offer_sha256)
		(void)re_snprintf(sha, sizeof(sha), fmt, n->domain, nonce,
				  "SHA-256", st);
	if (n->offer_md5)
		(void)re_snprintf(md5, sizeof(md5), fmt, n->domain, nonce,
				  "MD5", st);
	(void)sipnot_reply(n, msg, 401, "Unauthorized", "%s%s", sha, md5);
	sipnot_log_msg(n, CONFINFO_NOTIFIER_REJECTED, msg, 401,
		       stale ? "Unauthorized (stale nonce)" : "Unauthorized");
}

static void forbid(struct confinfo_notifier *n, const struct sip_msg *msg,
		   const char *why)
{
	(void)sipnot_reply(n, msg, 403, "Forbidden", NULL);
	sipnot_log_msg(n, CONFINFO_NOTIFIER_REJECTED, msg, 403, why);
}

/* The identity a request has by other means than digest (a client
 * certificate), normalised like the lists (n->other_identity); NULL for
 * none. */
static const char *other_identity(struct confinfo_notifier *n,
				  const struct sip_msg *msg)
{
	const char *id;

	if (!n->cfg.identityh)
		return NULL;
	id = n->cfg.identityh(msg, n->cfg.identity_arg);
	free(n->other_identity);
	n->other_identity = NULL;
	if (!id || sipnot_uri_normalise(id, &n->other_identity))
		return NULL;
	return n->other_identity;
}

bool sipnot_authenticate(struct confinfo_notifier *n, const struct sip_msg *msg,
			 const char **identityp)
{
	const char *other = other_identity(n, msg);
	const char *identity = NULL;

	*identityp = NULL;
	if (!n->cred_count) {
		if (!other)
			return true;
		/* A certificate speaks for whom it names, as digest does. */
		if (!sipnot_from_is(msg, other)) {
			forbid(n, msg, "From Is Not The Authenticated User");
			return false;
		}
		*identityp = other;
		return true;
	}
	switch (sipnot_auth_check(n, msg, &identity)) {
	case SIPNOT_AUTH_OK:
		break;
	case SIPNOT_AUTH_FAILED:
		forbid(n, msg, "Wrong Credentials");
		return false;
	case SIPNOT_AUTH_URI:
		forbid(n, msg, "Digest URI Is Not The Request-URI");
		return false;
	case SIPNOT_AUTH_REPLAY:
		forbid(n, msg, "Nonce Count Reused");
		return false;
	case SIPNOT_AUTH_STALE:
		sipnot_auth_challenge(n, msg, true);
		return false;
	default:
		sipnot_auth_challenge(n, msg, false);
		return false;
	}
	/* The From header is the sender's to write: the request speaks for
	 * whom it authenticated as, or not at all. */
	if (!sipnot_from_is(msg, identity)) {
		forbid(n, msg, "From Is Not The Authenticated User");
		return false;
	}
	if (other && strcmp(other, identity)) {
		forbid(n, msg, "Certificate Is Not The Authenticated User");
		return false;
	}
	*identityp = identity;
	return true;
}
