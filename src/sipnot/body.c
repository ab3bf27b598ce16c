/*
 * NOTIFY bodies. A change fanned out to many subscribers is diffed once
 * per distinct state the subscribers hold (normally one: they all got the
 * previous change) and encoded once per distinct version (normally a few:
 * subscribers that joined together count together). Small round-robin
 * caches are enough for that; they are flushed on every new state.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "confinfo/diff.h"
#include "confinfo/smime.h"
#include "confinfo/xml.h"
#include "sipnot.h"

void sipnot_cache_flush(struct sipnot_cache *c)
{
	for (unsigned i = 0; i < SIPNOT_CACHE_SLOTS; i++) {
		free(c->body[i].xml);
		c->body[i].xml = NULL;
		free(c->body[i].smime);
		c->body[i].smime = NULL;
		free(c->body[i].smime_ctype);
		c->body[i].smime_ctype = NULL;
		confinfo_conf_free(c->diff[i].doc);
		c->diff[i].doc = NULL;
		c->diff[i].used = false;
	}
	c->next_body = c->next_diff = 0;
}

static int diff_get(struct sipnot_cache *c, const struct sipnot_snap *from,
		    const struct sipnot_snap *to, struct sipnot_diff **dp)
{
	struct sipnot_diff *d;
	struct confinfo_conf *doc = NULL;
	int err;

	for (unsigned i = 0; i < SIPNOT_CACHE_SLOTS; i++) {
		d = &c->diff[i];
		if (d->used && d->from == from->seq && d->to == to->seq) {
			*dp = d;
			return 0;
		}
	}
	if (!confinfo_conf_equal(from->state, to->state)) {
		err = confinfo_diff(&doc, from->state, to->state);
		if (err)
			return err;
	}
	d = &c->diff[c->next_diff];
	c->next_diff = (c->next_diff + 1) % SIPNOT_CACHE_SLOTS;
	confinfo_conf_free(d->doc);
	d->doc = doc;
	d->from = from->seq;
	d->to = to->seq;
	d->used = true;
	*dp = d;
	return 0;
}

/* The cache slot of the body (encoded on demand); NULL in *bp when the
 * diff is empty. */
static int body_slot(struct sipnot_conf *conf, const struct sipnot_snap *from,
		     const struct sipnot_snap *to, uint32_t version,
		     struct sipnot_body **bp)
{
	/* Each rendered view has a cache of its own (views.c). */
	struct sipnot_cache *c = to->cache ? to->cache : &conf->cache;
	struct confinfo_conf *doc;
	struct sipnot_diff *d = NULL;
	struct sipnot_body *b;
	uint64_t fseq = from ? from->seq : 0;
	char *xml = NULL;
	size_t len = 0;
	int err;

	*bp = NULL;
	if (from) {
		err = diff_get(c, from, to, &d);
		if (err)
			return err;
		if (!d->doc)
			return 0;
	}
	for (unsigned i = 0; i < SIPNOT_CACHE_SLOTS; i++) {
		b = &c->body[i];
		if (b->xml && b->from == fseq && b->to == to->seq &&
		    b->version == version) {
			*bp = b;
			return 0;
		}
	}
	/* The version lives in the document, so it is set just for the
	 * encoding; the snapshot keeps 0 (diff needs old version + 1 to
	 * fit, and equality with later states must not depend on it). */
	doc = d ? d->doc : to->state;
	doc->version.set = true;
	doc->version.value = version;
	err = confinfo_xml_encode(&xml, &len, doc);
	doc->version.value = 0;
	if (err)
		return err;
	b = &c->body[c->next_body];
	c->next_body = (c->next_body + 1) % SIPNOT_CACHE_SLOTS;
	free(b->xml);
	free(b->smime);
	free(b->smime_ctype);
	b->smime = b->smime_ctype = NULL;
	b->xml = xml;
	b->len = len;
	b->from = fseq;
	b->to = to->seq;
	b->version = version;
	*bp = b;
	return 0;
}

int sipnot_body_get(struct sipnot_conf *conf, const struct sipnot_snap *from,
		    const struct sipnot_snap *to, uint32_t version,
		    const char **xmlp, size_t *lenp, bool *emptyp)
{
	struct sipnot_body *b;
	int err = body_slot(conf, from, to, version, &b);

	if (err)
		return err;
	*emptyp = !b;
	if (b) {
		*xmlp = b->xml;
		*lenp = b->len;
	}
	return 0;
}

int sipnot_body_get_signed(struct sipnot_conf *conf,
			   const struct sipnot_snap *from,
			   const struct sipnot_snap *to, uint32_t version,
			   const char **bodyp, size_t *lenp,
			   const char **ctypep, bool *emptyp)
{
	const struct confinfo_smime_signer *signer = conf->n->cfg.smime_signer;
	struct sipnot_body *b;
	int err;

	if (!signer)
		return EINVAL;
	err = body_slot(conf, from, to, version, &b);
	if (err)
		return err;
	*emptyp = !b;
	if (!b)
		return 0;
	/* Signed once per cached body, whatever the number of subscribers
	 * it goes to: a signature costs far more than an encoding. */
	if (!b->smime) {
		err = confinfo_smime_sign(signer, SIPNOT_CTYPE, b->xml, b->len,
					  &b->smime, &b->smime_len,
					  &b->smime_ctype);
		if (err)
			return err;
	}
	*bodyp = b->smime;
	*lenp = b->smime_len;
	*ctypep = b->smime_ctype;
	return 0;
}
