/*
 * Per-subscriber views (view.h, policy.h; RFC 4575 section 8.2).
 *
 * The cost of a change must not grow with the number of views times the
 * number of subscribers. So each conference keeps, for its current full
 * snapshot, the snapshots of its views: full is the snapshot itself,
 * public and participant are rendered on first demand, once per change.
 * Each rendered snapshot has its own seq, and the body cache (body.c) is
 * keyed by seqs: subscribers of one view share one diff and one encoding
 * per version, exactly as they did with one view. Only a subscriber who
 * is a private participant gets a variant of its own (it sees itself
 * unmasked), rendered per such subscriber and cached apart.
 *
 * A subscriber's class (participant, chair, private) is found in an index
 * of the users' identities built once per change, so deciding 10,000
 * views is 10,000 binary searches, not 10,000 scans of the roster.
 *
 * Anonymous URIs: HMAC-SHA256 under the notifier's key of (conference
 * URI, identity), hex: stable for as long as the key and the
 * participation, unlinkable across conferences, not guessable.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "sipnot.h"

void sipnot_views_reset(struct sipnot_conf *conf)
{
	for (int i = 0; i < 2; i++) {
		/* Subscribers holding it go on to a newer one: nothing will
		 * be sent to it again, its bodies can go now. */
		if (conf->vsnap[i])
			sipnot_cache_flush(conf->vsnap[i]->cache);
		conf->vsnap[i] = mem_deref(conf->vsnap[i]);
	}
	for (size_t i = 0; i < conf->nvusers; i++)
		free(conf->vusers[i].id);
	free(conf->vusers);
	conf->vusers = NULL;
	conf->nvusers = 0;
	conf->vbase = 0;
}

static int cmp_vuser(const void *a, const void *b)
{
	return strcmp(((const struct sipnot_vuser *)a)->id,
		      ((const struct sipnot_vuser *)b)->id);
}

static int vuser_add(struct sipnot_conf *conf, size_t *cap, const char *uri,
		     bool chair, bool priv)
{
	struct sipnot_vuser *v;
	char *id = NULL;

	/* A URI that is not SIP names no subscriber: not indexed. */
	if (!uri || confinfo_view_policy_identity(uri, &id))
		return 0;
	if (conf->nvusers == *cap) {
		size_t ncap = *cap ? 2 * *cap : 16;

		v = realloc(conf->vusers, ncap * sizeof(*v));
		if (!v) {
			free(id);
			return ENOMEM;
		}
		conf->vusers = v;
		*cap = ncap;
	}
	v = &conf->vusers[conf->nvusers++];
	v->id = id;
	v->chair = chair;
	v->priv = priv;
	return 0;
}

/* Index the users of the current state by identity (entity and
 * associated AORs), with their class. */
static int index_users(struct sipnot_conf *conf)
{
	const struct confinfo_conf *st = conf->snap->state;
	const struct confinfo_view_policy *p = conf->n->policy;
	size_t cap = 0;
	int err = 0;

	for (size_t i = 0; !err && st->users && i < st->users->users.count;
	     i++) {
		const struct confinfo_user *u = st->users->users.items[i];
		const struct confinfo_uris *aors = u->associated_aors;
		bool chair = confinfo_view_policy_chair(p, conf->name, u);
		bool priv = confinfo_view_policy_private(p, conf->name, u);

		err = vuser_add(conf, &cap, u->entity, chair, priv);
		for (size_t j = 0; !err && aors && j < aors->entries.count;
		     j++) {
			const struct confinfo_uri_entry *e =
			    aors->entries.items[j];

			err = vuser_add(conf, &cap, e->uri, chair, priv);
		}
	}
	if (!err && conf->nvusers)
		qsort(conf->vusers, conf->nvusers, sizeof(*conf->vusers),
		      cmp_vuser);
	return err;
}

/* The views of @p conf belong to its current snapshot. */
static int views_current(struct sipnot_conf *conf)
{
	int err;

	if (!conf->snap)
		return 0;
	if (conf->vbase == conf->snap->seq)
		return 0;
	sipnot_views_reset(conf);
	err = index_users(conf);
	if (err) {
		sipnot_views_reset(conf);
		return err;
	}
	conf->vbase = conf->snap->seq;
	return 0;
}

/* The class of normalised identity @p id: several users may carry it. */
static void classify(const struct sipnot_conf *conf, const char *id,
		     bool *participant, bool *chair, bool *priv)
{
	struct sipnot_vuser key = {.id = (char *)id};
	const struct sipnot_vuser *v;
	size_t lo, hi;

	*participant = *chair = *priv = false;
	if (!id || !conf->nvusers)
		return;
	v = bsearch(&key, conf->vusers, conf->nvusers, sizeof(*v), cmp_vuser);
	if (!v)
		return;
	/* bsearch() finds one of the equal entries: walk to all of them. */
	lo = hi = (size_t)(v - conf->vusers);
	while (lo > 0 && !strcmp(conf->vusers[lo - 1].id, id))
		lo--;
	while (hi + 1 < conf->nvusers && !strcmp(conf->vusers[hi + 1].id, id))
		hi++;
	*participant = true;
	for (size_t i = lo; i <= hi; i++) {
		*chair = *chair || conf->vusers[i].chair;
		*priv = *priv || conf->vusers[i].priv;
	}
}

static enum confinfo_view decide(struct sipnot_conf *conf, const char *ident,
				 const char *vid, int line)
{
	bool participant, chair, priv;

	classify(conf, vid, &participant, &chair, &priv);
	return sipnot_policy_decide(conf->n->policy, conf->name, ident != NULL,
				    line, participant, chair);
}

enum confinfo_view sipnot_view_of(struct sipnot_conf *conf,
				  const char *identity)
{
	enum confinfo_view v;
	char *vid = NULL;

	if (!conf->n->policy)
		return CONFINFO_VIEW_FULL;
	/* Without the index nobody is a participant: the least view. */
	(void)views_current(conf);
	if (identity)
		(void)confinfo_view_policy_identity(identity, &vid);
	v = decide(conf, identity, vid,
		   sipnot_policy_line(conf->n->policy, conf->name, vid));
	free(vid);
	return v;
}

/* The view the policy gives @p sub now. */
static int sub_view(struct sipnot_sub *sub, enum confinfo_view *vp)
{
	struct sipnot_conf *conf = sub->conf;
	int err;

	if (!conf->n->policy) {
		*vp = CONFINFO_VIEW_FULL;
		return 0;
	}
	if (!sub->vid && sub->identity) {
		err = confinfo_view_policy_identity(sub->identity, &sub->vid);
		if (err == ENOMEM)
			return err;
	}
	err = views_current(conf);
	if (err)
		return err;
	/* The subscriber line depends on the policy only: looked up once
	 * per policy, not at every change. */
	if (sub->vgen != conf->n->policy_gen) {
		sub->vline =
		    sipnot_policy_line(conf->n->policy, conf->name, sub->vid);
		sub->vgen = conf->n->policy_gen;
	}
	*vp = decide(conf, sub->identity, sub->vid, sub->vline);
	return 0;
}

bool sipnot_view_update(struct sipnot_sub *sub)
{
	enum confinfo_view v;

	/* A removed conference: the final NOTIFY carries no state. */
	if (!sub->conf->snap || sub_view(sub, &v))
		return false; /* ENOMEM: sipnot_view_snap() fails it */
	if (sub->view_set && sub->view == v)
		return false;
	if (sub->view_set) {
		/* RFC 4575 4.1: the new view is a new document for this
		 * subscriber; versions keep counting. */
		sub->need_full = true;
		sipnot_log_sub(sub->n, CONFINFO_NOTIFIER_VIEW, sub, 0,
			       confinfo_view_str(v));
	}
	sub->view_set = true;
	sub->view = v;
	if (v != CONFINFO_VIEW_NONE)
		return false;
	sub->final_full = false;
	sipnot_sub_terminate(sub, SIPNOT_REASON_REJECTED);
	return true;
}

/* Token of the anonymous URI: HMAC-SHA256(key, conf NUL identity), hex. */
static int token(const char *conf_uri, const char *identity, char *out,
		 size_t size, void *arg)
{
	const struct confinfo_notifier *n = arg;
	unsigned char mac[EVP_MAX_MD_SIZE];
	size_t clen = strlen(conf_uri), ilen = strlen(identity);
	unsigned int len = 0;
	unsigned char *msg;
	bool ok;

	if (size < 65)
		return EINVAL;
	/* The NUL keeps ("ab", "c") and ("a", "bc") apart. */
	msg = malloc(clen + 1 + ilen);
	if (!msg)
		return ENOMEM;
	memcpy(msg, conf_uri, clen + 1);
	memcpy(msg + clen + 1, identity, ilen);
	ok = HMAC(EVP_sha256(), n->token_key, sizeof(n->token_key), msg,
		  clen + 1 + ilen, mac, &len) != NULL;
	free(msg);
	if (!ok || len != 32)
		return EPROTO;
	for (unsigned i = 0; i < 32; i++) {
		out[2 * i] = "0123456789abcdef"[mac[i] >> 4];
		out[2 * i + 1] = "0123456789abcdef"[mac[i] & 15];
	}
	out[64] = '\0';
	return 0;
}

struct privctx {
	const struct confinfo_view_policy *p;
	const char *conf;
};

static bool private_h(const struct confinfo_user *u, void *arg)
{
	const struct privctx *pc = arg;

	return confinfo_view_policy_private(pc->p, pc->conf, u);
}

static int render(struct sipnot_conf *conf, enum confinfo_view v,
		  const char *self, struct sipnot_snap **snapp)
{
	struct confinfo_notifier *n = conf->n;
	struct privctx pc = {.p = n->policy, .conf = conf->name};
	struct confinfo_view_params prm = {
	    .view = v,
	    .self = self,
	    .private_h = private_h,
	    .private_arg = &pc,
	    .token_h = token,
	    .token_arg = n,
	    .private_display_text =
		confinfo_view_policy_display_text(n->policy, conf->name),
	};
	struct sipnot_snap *snap;
	int err;

	snap = mem_zalloc(sizeof(*snap), sipnot_snap_destructor);
	if (!snap)
		return ENOMEM;
	snap->cache = calloc(1, sizeof(*snap->cache));
	if (!snap->cache) {
		mem_deref(snap);
		return ENOMEM;
	}
	err = confinfo_view_render(&snap->state, conf->snap->state, &prm);
	if (err) {
		mem_deref(snap);
		return err;
	}
	snap->seq = ++n->snap_seq;
	snap->base_seq = conf->snap->seq;
	snap->own = self != NULL;
	*snapp = snap;
	return 0;
}

int sipnot_view_snap(struct sipnot_sub *sub, struct sipnot_snap **snapp)
{
	struct sipnot_conf *conf = sub->conf;
	struct sipnot_snap **slot;
	bool priv = false;
	int err;

	if (!sub->view_set && conf->snap) {
		/* A fetch terminates before any kick decided. */
		err = sub_view(sub, &sub->view);
		if (err)
			return err;
		sub->view_set = true;
	}
	if (!conf->snap || !conf->n->policy ||
	    sub->view == CONFINFO_VIEW_FULL) {
		*snapp = conf->snap;
		return 0;
	}
	if (sub->view == CONFINFO_VIEW_NONE) {
		*snapp = NULL;
		return 0;
	}
	err = views_current(conf);
	if (err)
		return err;
	if (sub->view == CONFINFO_VIEW_PARTICIPANT) {
		bool participant, chair;

		classify(conf, sub->vid, &participant, &chair, &priv);
	}
	if (priv) {
		/* A private participant sees itself: its own variant. */
		if (!sub->own || sub->own->base_seq != conf->snap->seq) {
			struct sipnot_snap *s = NULL;

			err = render(conf, sub->view, sub->identity, &s);
			if (err)
				return err;
			mem_deref(sub->own);
			sub->own = s;
		}
		*snapp = sub->own;
		return 0;
	}
	slot = &conf->vsnap[sub->view == CONFINFO_VIEW_PARTICIPANT];
	if (!*slot) {
		err = render(conf, sub->view, NULL, slot);
		if (err)
			return err;
	}
	*snapp = *slot;
	return 0;
}

/* Public API. */

static bool reset_and_kick(struct le *le, void *arg)
{
	struct sipnot_conf *conf = le->data;

	(void)arg;
	sipnot_views_reset(conf);
	/* A kick never removes a conference from the table. */
	for (struct le *s = conf->subs.head; s;) {
		struct sipnot_sub *sub = s->data;

		s = s->next;
		sipnot_sub_kick(sub);
	}
	return false;
}

int confinfo_notifier_set_view_policy(struct confinfo_notifier *n,
				      struct confinfo_view_policy *policy)
{
	if (!n)
		return EINVAL;
	confinfo_view_policy_free(n->policy);
	n->policy = policy;
	n->policy_gen++;
	/* Every view may have changed: decide again, and kick everyone
	 * (a subscriber whose view did not change gets nothing). */
	(void)hash_apply(n->confs, reset_and_kick, NULL);
	return 0;
}

int sipnot_views_key(struct confinfo_notifier *n, const uint8_t *key,
		     size_t len)
{
	if (key && len) {
		/* A key of any length becomes 32 bytes: SHA-256 of it. */
		unsigned int out = 0;

		if (!EVP_Digest(key, len, n->token_key, &out, EVP_sha256(),
				NULL))
			return EPROTO;
		return 0;
	}
	return RAND_bytes(n->token_key, sizeof(n->token_key)) == 1 ? 0 : EPROTO;
}
