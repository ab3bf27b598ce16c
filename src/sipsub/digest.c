/*
 * Digest authentication of the subscriber's SUBSCRIBEs (RFC 3261 section
 * 22, RFC 7616, RFC 8760 for SHA-256 in SIP), done here rather than by
 * libre: libre 1.1.0's sip_auth_authenticate() fails with ENOSYS as soon
 * as one challenge names an algorithm other than MD5, so a notifier that
 * offers SHA-256 first (confinfo focus with SHA-256 credentials) could
 * not be subscribed to at all.
 *
 * This is the one place that decides how a 401/407 is answered:
 * - per realm, the strongest algorithm offered that we support: SHA-256,
 *   else MD5. The -sess variants, other algorithms, and challenges whose
 *   qop list lacks "auth" are skipped;
 * - qop=auth when offered (a fresh random cnonce per request, a nonce
 *   count that grows per nonce), the RFC 2069 form when no qop is given;
 * - the digest uri is the Request-URI of the request that carries it;
 * - a nonce is kept and reused by later requests (refreshes, new
 *   dialogs) with the next nonce count, until the notifier challenges
 *   again;
 * - stale=true means our answer was right but the nonce too old: answer
 *   the new nonce, at most twice in a row without a 2xx in between;
 * - a challenge again, not stale, for a realm we answered and that never
 *   let a request through means the credentials are refused (EAUTH). A
 *   realm whose nonce worked before and is challenged again (a notifier
 *   that restarted) is answered once more.
 *
 * The password is only hashed, never printed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "sipsub.h"

/* Consecutive stale challenges of one realm answered without a 2xx. */
#define STALE_MAX 2

/* One challenge as parsed (values unquoted, cut to the buffers). */
struct chall {
	bool ok; /* supported and complete */
	bool stale;
	bool qop;
	bool alg_named;
	enum sipsub_digest_alg alg;
	char realm[SIPSUB_DIGEST_REALM_LEN];
	char nonce[SIPSUB_DIGEST_NONCE_LEN];
	char opaque[SIPSUB_DIGEST_NONCE_LEN];
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_tchar(char c)
{
	return c > ' ' && c < 0x7f && !strchr("()<>@,;:\\\"/[]?={}", c);
}

/* Skip white space and (when @p comma) commas of @p pl. */
static void skip_sep(struct pl *pl, bool comma)
{
	while (pl->l && (is_space(*pl->p) || (comma && *pl->p == ',')))
		pl_advance(pl, 1);
}

/* A token or quoted-string value of @p pl into @p buf (unquoted); false
 * when malformed or longer than the buffer. */
static bool take_value(struct pl *pl, char *buf, size_t size)
{
	size_t n = 0;

	if (pl->l && *pl->p == '"') {
		pl_advance(pl, 1);
		while (pl->l && *pl->p != '"') {
			if (*pl->p == '\\' && pl->l > 1)
				pl_advance(pl, 1);
			if (n + 1 >= size)
				return false;
			buf[n++] = *pl->p;
			pl_advance(pl, 1);
		}
		if (!pl->l)
			return false;
		pl_advance(pl, 1);
	} else {
		while (pl->l && is_tchar(*pl->p)) {
			if (n + 1 >= size)
				return false;
			buf[n++] = *pl->p;
			pl_advance(pl, 1);
		}
		if (!n)
			return false;
	}
	buf[n] = '\0';
	return true;
}

/* Whether the comma-separated list @p list has the token @p tok. */
static bool list_has(const char *list, const char *tok)
{
	size_t len = strlen(tok);

	for (const char *p = list; *p;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!strncasecmp(p, tok, len) &&
		    (!p[len] || p[len] == ',' || p[len] == ' ' ||
		     p[len] == '\t'))
			return true;
		while (*p && *p != ',')
			p++;
	}
	return false;
}

/* One auth-param into @p c; false when malformed. */
static bool take_param(struct pl *pl, struct chall *c, bool *unsupported)
{
	char name[32], val[SIPSUB_DIGEST_NONCE_LEN];
	size_t n = 0;

	while (pl->l && is_tchar(*pl->p) && n + 1 < sizeof(name)) {
		name[n++] = *pl->p;
		pl_advance(pl, 1);
	}
	name[n] = '\0';
	skip_sep(pl, false);
	if (!n || !pl->l || *pl->p != '=')
		return false;
	pl_advance(pl, 1);
	skip_sep(pl, false);
	if (!take_value(pl, val, sizeof(val)))
		return false;
	if (!strcasecmp(name, "realm"))
		return snprintf(c->realm, sizeof(c->realm), "%s", val) <
		       (int)sizeof(c->realm);
	if (!strcasecmp(name, "nonce"))
		(void)snprintf(c->nonce, sizeof(c->nonce), "%s", val);
	else if (!strcasecmp(name, "opaque"))
		(void)snprintf(c->opaque, sizeof(c->opaque), "%s", val);
	else if (!strcasecmp(name, "stale"))
		c->stale = !strcasecmp(val, "true");
	else if (!strcasecmp(name, "qop")) {
		c->qop = true;
		*unsupported |= !list_has(val, "auth");
	} else if (!strcasecmp(name, "algorithm")) {
		c->alg_named = true;
		if (!strcasecmp(val, "SHA-256"))
			c->alg = SIPSUB_DIGEST_SHA256;
		else if (!strcasecmp(val, "MD5"))
			c->alg = SIPSUB_DIGEST_MD5;
		else
			*unsupported = true;
	}
	return true;
}

/* Parse a WWW-/Proxy-Authenticate value; c->ok when we can answer it. */
static void chall_parse(struct chall *c, const struct pl *hval)
{
	struct pl pl = *hval;
	bool unsupported = false;

	memset(c, 0, sizeof(*c));
	skip_sep(&pl, false);
	if (pl.l < 7 || strncasecmp(pl.p, "Digest", 6) || !is_space(pl.p[6]))
		return;
	pl_advance(&pl, 6);
	for (;;) {
		skip_sep(&pl, true);
		if (!pl.l)
			break;
		if (!take_param(&pl, c, &unsupported))
			return;
	}
	c->ok = !unsupported && c->realm[0] && c->nonce[0];
}

/* Our entry of @p realm (proxy or not), NULL if none. */
static struct sipsub_digest_realm *find_realm(struct sipsub_digest *d,
					      bool proxy, const char *realm)
{
	for (unsigned i = 0; i < d->n; i++) {
		if (d->r[i].proxy == proxy && !strcmp(d->r[i].realm, realm))
			return &d->r[i];
	}
	return NULL;
}

/* Take challenge @p c (the best of its realm) into @p d. */
static int take_chall(struct sipsub_digest *d, bool proxy,
		      const struct chall *c)
{
	struct sipsub_digest_realm *r = find_realm(d, proxy, c->realm);

	if (r && c->stale && r->stale_n >= STALE_MAX)
		return EPROTO;
	if (r && !c->stale && !r->proven)
		return EAUTH;
	if (!r) {
		if (d->n == SIPSUB_DIGEST_REALMS)
			return E2BIG;
		r = &d->r[d->n++];
		memset(r, 0, sizeof(*r));
		r->proxy = proxy;
		memcpy(r->realm, c->realm, sizeof(r->realm));
	}
	r->stale_n = c->stale ? r->stale_n + 1 : 0;
	r->alg = c->alg;
	r->alg_named = c->alg_named;
	r->qop = c->qop;
	r->proven = false;
	r->nc = 0;
	memcpy(r->nonce, c->nonce, sizeof(r->nonce));
	memcpy(r->opaque, c->opaque, sizeof(r->opaque));
	return 0;
}

/* The best supported challenge of each realm in @p msg, into @p best. */
static unsigned best_challenges(const struct sip_msg *msg, bool proxy,
				struct chall *best, unsigned max)
{
	enum sip_hdrid id =
	    proxy ? SIP_HDR_PROXY_AUTHENTICATE : SIP_HDR_WWW_AUTHENTICATE;
	unsigned n = 0;

	for (struct le *le = msg->hdrl.head; le; le = le->next) {
		const struct sip_hdr *h = le->data;
		struct chall c;
		unsigned i;

		if (h->id != id)
			continue;
		chall_parse(&c, &h->val);
		if (!c.ok)
			continue;
		for (i = 0; i < n && strcmp(best[i].realm, c.realm); i++)
			;
		if (i < n) {
			/* SHA-256 beats MD5; of equals, the first. */
			if (c.alg > best[i].alg)
				best[i] = c;
		} else if (n < max) {
			best[n++] = c;
		}
	}
	return n;
}

int sipsub_digest_challenged(struct sipsub_digest *d, const struct sip_msg *msg,
			     bool *stalep)
{
	struct chall best[SIPSUB_DIGEST_REALMS];
	bool proxy, stale = true;
	unsigned n;
	int err = 0;

	if (!d || !msg)
		return EINVAL;
	proxy = msg->scode == 407;
	n = best_challenges(msg, proxy, best, SIPSUB_DIGEST_REALMS);
	if (!n)
		return ENOTSUP;
	for (unsigned i = 0; i < n && !err; i++) {
		err = take_chall(d, proxy, &best[i]);
		stale &= best[i].stale;
	}
	if (!err && stalep)
		*stalep = stale;
	return err;
}

void sipsub_digest_proven(struct sipsub_digest *d)
{
	for (unsigned i = 0; i < d->n; i++) {
		d->r[i].proven = true;
		d->r[i].stale_n = 0;
	}
}

/* Hex of H(parts joined by ':') into @p out (65 bytes). */
static int hash_hex(enum sipsub_digest_alg alg, const char *const *parts,
		    size_t count, char *out)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok =
	    ctx && EVP_DigestInit_ex(ctx,
				     alg == SIPSUB_DIGEST_SHA256 ? EVP_sha256()
								 : EVP_md5(),
				     NULL);

	for (size_t i = 0; ok && i < count; i++)
		ok = (!i || EVP_DigestUpdate(ctx, ":", 1)) &&
		     EVP_DigestUpdate(ctx, parts[i], strlen(parts[i]));
	ok = ok && EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return ENOMEM;
	for (unsigned i = 0; i < mdlen; i++)
		(void)snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[2 * mdlen] = '\0';
	return 0;
}

int sipsub_digest_response(char *out, enum sipsub_digest_alg alg,
			   const char *user, const char *realm,
			   const char *password, const char *method,
			   const char *uri, const char *nonce, const char *nc,
			   const char *cnonce)
{
	const char *a1[3] = {user, realm, password}, *a2[2] = {method, uri};
	char ha1[65], ha2[65];
	int err;

	if (!out || !user || !realm || !password || !method || !uri || !nonce ||
	    (nc && !cnonce))
		return EINVAL;
	err = hash_hex(alg, a1, 3, ha1);
	if (!err)
		err = hash_hex(alg, a2, 2, ha2);
	if (!err && nc) {
		const char *r[6] = {ha1, nonce, nc, cnonce, "auth", ha2};

		err = hash_hex(alg, r, 6, out);
	} else if (!err) {
		const char *r[3] = {ha1, nonce, ha2};

		err = hash_hex(alg, r, 3, out);
	}
	return err;
}

/* @p s as the inside of a quoted-string (RFC 3261 25.1). */
static int print_quoted(struct re_printf *pf, void *arg)
{
	const char *s = arg;
	int err = 0;

	for (; *s && !err; s++) {
		if (*s == '"' || *s == '\\')
			err = re_hprintf(pf, "\\%c", *s);
		else
			err = re_hprintf(pf, "%c", *s);
	}
	return err;
}

/* One Authorization/Proxy-Authorization header for @p r into @p mb. */
static int print_header(struct mbuf *mb, struct sipsub_digest_realm *r,
			const char *user, const char *password,
			const char *method, const char *uri)
{
	char resp[65], nc[9] = "", cnonce[33] = "";
	uint8_t rnd[16];
	int err;

	if (r->qop) {
		if (RAND_bytes(rnd, sizeof(rnd)) != 1)
			return EIO;
		for (size_t i = 0; i < sizeof(rnd); i++)
			(void)snprintf(cnonce + 2 * i, 3, "%02x", rnd[i]);
		(void)snprintf(nc, sizeof(nc), "%08x", ++r->nc);
	}
	err = sipsub_digest_response(resp, r->alg, user, r->realm, password,
				     method, uri, r->nonce, r->qop ? nc : NULL,
				     cnonce);
	if (err)
		return err;
	err = mbuf_printf(mb,
			  "%s: Digest username=\"%H\", realm=\"%H\", "
			  "nonce=\"%H\", uri=\"%H\", response=\"%s\"",
			  r->proxy ? "Proxy-Authorization" : "Authorization",
			  print_quoted, (void *)user, print_quoted, r->realm,
			  print_quoted, r->nonce, print_quoted, (void *)uri,
			  resp);
	if (!err && r->alg_named)
		err = mbuf_printf(mb, ", algorithm=%s",
				  r->alg == SIPSUB_DIGEST_SHA256 ? "SHA-256"
								 : "MD5");
	if (!err && r->qop)
		err = mbuf_printf(mb, ", qop=auth, nc=%s, cnonce=\"%s\"", nc,
				  cnonce);
	if (!err && r->opaque[0])
		err =
		    mbuf_printf(mb, ", opaque=\"%H\"", print_quoted, r->opaque);
	if (!err)
		err = mbuf_write_str(mb, "\r\n");
	return err;
}

int sipsub_digest_headers(struct sipsub_digest *d, char **hdrsp,
			  const char *user, const char *password,
			  const char *method, const char *uri)
{
	struct mbuf *mb;
	int err = 0;

	if (!d || !hdrsp || !method || !uri)
		return EINVAL;
	if (!d->n || !user) {
		*hdrsp = NULL;
		return 0;
	}
	mb = mbuf_alloc(512);
	if (!mb)
		return ENOMEM;
	for (unsigned i = 0; i < d->n && !err; i++)
		err = print_header(mb, &d->r[i], user, password ? password : "",
				   method, uri);
	if (!err) {
		mb->pos = 0;
		err = mbuf_strdup(mb, hdrsp, mb->end);
	}
	mem_deref(mb);
	return err;
}
