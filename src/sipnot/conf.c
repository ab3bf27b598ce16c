/*
 * The table of served conferences and the path every new state takes:
 * normalise (full, version 0), add the chat room of the template,
 * compare with what is served, snapshot, notify the subscribers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "confinfo/chat.h"
#include "sipnot.h"

void sipnot_snap_destructor(void *arg)
{
	struct sipnot_snap *snap = arg;

	confinfo_conf_free(snap->state);
	confinfo_conf_free(snap->base);
	if (snap->cache) {
		sipnot_cache_flush(snap->cache);
		free(snap->cache);
	}
}

static void conf_destructor(void *arg)
{
	struct sipnot_conf *conf = arg;

	hash_unlink(&conf->he);
	sipnot_cache_flush(&conf->cache);
	sipnot_views_reset(conf);
	if (conf->pub)
		sipnot_pub_free(conf->n, conf->pub);
	mem_deref(conf->snap);
	free(conf->name);
	free(conf->source);
}

static bool conf_cmp(struct le *le, void *arg)
{
	const struct sipnot_conf *conf = le->data;
	const struct pl *name = arg;

	return !pl_strcmp(name, conf->name);
}

struct sipnot_conf *sipnot_conf_find(const struct confinfo_notifier *n,
				     const struct pl *name)
{
	struct le *le;

	le = hash_lookup(n->confs, hash_joaat_pl(name), conf_cmp, (void *)name);
	return le ? le->data : NULL;
}

static struct sipnot_conf *conf_find_str(const struct confinfo_notifier *n,
					 const char *name)
{
	struct pl pl;

	pl_set_str(&pl, name);
	return sipnot_conf_find(n, &pl);
}

/* Expand the chat room template for conference @p name. */
static int chat_room_uri(const struct confinfo_notifier *n, const char *name,
			 char **urip)
{
	const char *t = n->chat_room;
	struct mbuf *mb = mbuf_alloc(128);
	int err = 0;

	if (!mb)
		return ENOMEM;
	while (*t && !err) {
		if (!strncmp(t, "{name}", 6)) {
			err = mbuf_write_str(mb, name);
			t += 6;
		} else if (!strncmp(t, "{domain}", 8)) {
			err = mbuf_write_str(mb, n->domain);
			t += 8;
		} else {
			err = mbuf_write_u8(mb, (uint8_t)*t++);
		}
	}
	if (!err)
		err = mbuf_write_u8(mb, 0);
	if (!err) {
		*urip = confinfo_str_dup((const char *)mb->buf);
		if (!*urip)
			err = ENOMEM;
	}
	mem_deref(mb);
	return err;
}

/* RFC 7106: advertise the template's room unless the conference already
 * advertises one (in either spelling, in either list). */
static int add_chat_room(const struct confinfo_notifier *n, const char *name,
			 struct confinfo_conf *state)
{
	struct confinfo_chat_room *rooms = NULL;
	struct confinfo_uri_entry *entry = NULL;
	struct confinfo_description *d;
	size_t count = 0;
	char *uri = NULL;
	int err;

	err = confinfo_chat_rooms(state, &rooms, &count, NULL);
	free(rooms);
	if (err || count)
		return err;
	err = chat_room_uri(n, name, &uri);
	if (err)
		return err;
	if (!state->description) {
		state->description = confinfo_description_new();
		if (!state->description) {
			err = ENOMEM;
			goto out;
		}
	}
	d = state->description;
	if (!d->service_uris) {
		d->service_uris = confinfo_uris_new();
		if (!d->service_uris) {
			err = ENOMEM;
			goto out;
		}
	}
	/* The same URI listed for another purpose: the document's word
	 * stands, nothing is added. */
	if (confinfo_list_find(&d->service_uris->entries, uri))
		goto out;
	entry = confinfo_uri_entry_new();
	if (!entry) {
		err = ENOMEM;
		goto out;
	}
	entry->uri = uri;
	uri = NULL;
	err = confinfo_str_set(&entry->purpose, CONFINFO_CHAT_PURPOSE);
	if (err)
		goto out;
	err = confinfo_list_append(&d->service_uris->entries, entry);
	if (!err)
		entry = NULL;
out:
	confinfo_uri_entry_free(entry);
	confinfo_str_free(uri);
	return err;
}

static int conf_new(struct confinfo_notifier *n, const char *name,
		    struct sipnot_conf **confp)
{
	struct sipnot_conf *conf;

	if (n->nconfs >= n->cfg.max_confs)
		return ENOSPC;
	conf = mem_zalloc(sizeof(*conf), conf_destructor);
	if (!conf)
		return ENOMEM;
	conf->n = n;
	conf->name = strdup(name);
	if (!conf->name) {
		mem_deref(conf);
		return ENOMEM;
	}
	hash_append(n->confs, hash_joaat_str(name), &conf->he, conf);
	n->nconfs++;
	*confp = conf;
	return 0;
}

static int set_source(struct sipnot_conf *conf, const char *source)
{
	char *s;

	if (conf->source && !strcmp(conf->source, source))
		return 0;
	s = strdup(source);
	if (!s)
		return ENOMEM;
	free(conf->source);
	conf->source = s;
	return 0;
}

/* The copy of @p state a conference serves: full, version 0, with the
 * template's chat room when it advertises none, and the overlay applied
 * (*basep: the copy before the overlay, NULL without one). */
static int served_copy(struct confinfo_notifier *n, const char *name,
		       const struct confinfo_conf *state,
		       struct confinfo_conf **copyp,
		       struct confinfo_conf **basep)
{
	struct confinfo_conf *copy = NULL, *base = NULL;
	int err;

	err = confinfo_conf_clone(&copy, state);
	if (err)
		return err;
	copy->state = CONFINFO_STATE_FULL;
	copy->version.set = true;
	copy->version.value = 0;
	if (n->chat_room) {
		err = add_chat_room(n, name, copy);
		if (err) {
			confinfo_conf_free(copy);
			return err;
		}
	}
	err = sipnot_overlay_apply(n, name, copy, &base);
	if (err) {
		confinfo_conf_free(copy);
		return err;
	}
	*copyp = copy;
	*basep = base;
	return 0;
}

/* The overlay left the served state as it was but the sources' state
 * changed: keep the new one for the next confinfo_notifier_reapply(). */
static void keep_base(struct sipnot_conf *conf, struct confinfo_conf **basep)
{
	if (!*basep || !conf->snap ||
	    (conf->snap->base && confinfo_conf_equal(conf->snap->base, *basep)))
		return;
	confinfo_conf_free(conf->snap->base);
	conf->snap->base = *basep;
	*basep = NULL;
}

/* @p snap is the conference's new state: serve it, and tell every
 * subscriber (subject to its rate window). */
static void install(struct confinfo_notifier *n, struct sipnot_conf *conf,
		    struct sipnot_snap *snap, bool created)
{
	snap->seq = ++n->snap_seq;
	snap->base_seq = snap->seq;
	conf->changed_at = tmr_jiffies();
	conf->acked = 0;
	conf->fanout = !created && conf->nsubs > 0;
	mem_deref(conf->snap);
	conf->snap = snap;
	sipnot_cache_flush(&conf->cache);
	sipnot_views_reset(conf);
}

static void kick_all(struct sipnot_conf *conf)
{
	for (struct le *le = conf->subs.head; le;) {
		struct sipnot_sub *sub = le->data;

		le = le->next;
		sipnot_sub_kick(sub);
	}
}

/* A publication owns the state only while its source is "publish" and
 * its PUBLISHes set it. */
static void follow_source(struct confinfo_notifier *n, struct sipnot_conf *conf,
			  bool from_publish)
{
	if (conf->pub && (strcmp(conf->source, "publish") || !from_publish)) {
		/* Another source took over, or the program set a published
		 * state: another node's or worker's publication, which
		 * replaced ours there (its publisher got 412 here and
		 * published anew elsewhere). Ours no longer owns the state:
		 * its expiry must not remove what the other published. */
		sipnot_pub_free(n, conf->pub);
		conf->pub = NULL;
	}
	if (!conf->pub && !strcmp(conf->source, "publish") && !from_publish)
		sipnot_pub_adopt(n, conf);
}

int sipnot_conf_apply(struct confinfo_notifier *n, const char *name,
		      const struct confinfo_conf *state, const char *source,
		      struct sipnot_conf **confp)
{
	struct confinfo_conf *copy = NULL, *base = NULL;
	struct sipnot_snap *snap = NULL;
	struct sipnot_conf *conf;
	const struct confinfo_conf *given;
	bool created = false, changed, base_changed, src_changed;
	int err;

	if (!n || !name || !state || !sipnot_name_valid(name, strlen(name)) ||
	    confinfo_state_effective(state->state) != CONFINFO_STATE_FULL)
		return EINVAL;
	if (!source)
		source = "api";
	err = served_copy(n, name, state, &copy, &base);
	if (err)
		return err;
	conf = conf_find_str(n, name);
	if (!conf) {
		err = conf_new(n, name, &conf);
		if (err)
			goto out;
		created = true;
	}
	changed = !conf->snap || !confinfo_conf_equal(conf->snap->state, copy);
	if (changed) {
		snap = mem_zalloc(sizeof(*snap), sipnot_snap_destructor);
		if (!snap) {
			err = ENOMEM;
			goto fail;
		}
	}
	src_changed = !conf->source || strcmp(conf->source, source);
	/* What the sources gave may change under an overlay that hides the
	 * change (the mixer reports audio the bridge keeps recvonly): it
	 * is still what is stored and reported. */
	given = base ? base : copy;
	base_changed = changed || !confinfo_conf_equal(
				      sipnot_snap_base(conf->snap), given);
	if (n->cfg.commith && (base_changed || src_changed)) {
		/* Durable before served: nothing below runs (no NOTIFY, no
		 * 200) unless the program stored the change. The store
		 * keeps the sources' state: the overlay is rebuilt by
		 * whoever set it. */
		err = n->cfg.commith(name, given, source, n->cfg.commit_arg);
		if (err) {
			err = err == ENOMEM ? ENOMEM : EIO;
			goto fail;
		}
	}
	err = set_source(conf, source);
	if (err)
		goto fail;
	if (changed) {
		snap->state = copy;
		snap->base = base;
		copy = NULL;
		base = NULL;
		install(n, conf, snap, created);
		snap = NULL;
	} else {
		keep_base(conf, &base);
	}
	/* The sources' state is what persists: the overlay is rebuilt by
	 * whoever set it. */
	if (n->cfg.changeh && (base_changed || src_changed))
		n->cfg.changeh(name, sipnot_snap_base(conf->snap), conf->source,
			       n->cfg.change_arg);
	if (changed) {
		sipnot_log_conf(n, name, created ? "added" : "changed");
		kick_all(conf);
	}
	follow_source(n, conf, confp != NULL);
	if (confp)
		*confp = conf;
	goto out;
fail:
	if (created) {
		n->nconfs--;
		mem_deref(conf);
	}
out:
	mem_deref(snap);
	confinfo_conf_free(copy);
	confinfo_conf_free(base);
	return err;
}

int confinfo_notifier_set_conf(struct confinfo_notifier *n, const char *name,
			       const struct confinfo_conf *state,
			       const char *source)
{
	return sipnot_conf_apply(n, name, state, source, NULL);
}

int confinfo_notifier_remove_conf(struct confinfo_notifier *n, const char *name)
{
	struct sipnot_conf *conf;

	if (!n || !name)
		return EINVAL;
	conf = conf_find_str(n, name);
	if (!conf)
		return ENOENT;
	hash_unlink(&conf->he);
	n->nconfs--;
	conf->snap = mem_deref(conf->snap);
	sipnot_cache_flush(&conf->cache);
	sipnot_views_reset(conf);
	if (conf->pub) {
		sipnot_pub_free(n, conf->pub);
		conf->pub = NULL;
	}
	if (n->cfg.commith)
		(void)n->cfg.commith(conf->name, NULL, conf->source,
				     n->cfg.commit_arg);
	if (n->cfg.changeh)
		n->cfg.changeh(conf->name, NULL, conf->source,
			       n->cfg.change_arg);
	sipnot_log_conf(n, conf->name, "removed");
	sipnot_overlay_removed(n, conf->name);
	/* Subscriptions hold references: the conference lives until the
	 * last final NOTIFY is answered. */
	for (struct le *le = conf->subs.head; le;) {
		struct sipnot_sub *sub = le->data;

		le = le->next;
		sipnot_sub_terminate(sub, SIPNOT_REASON_NORESOURCE);
	}
	mem_deref(conf);
	return 0;
}

void sipnot_conf_source_gone(struct confinfo_notifier *n, const char *name,
			     const char *source)
{
	struct sipnot_conf *conf = conf_find_str(n, name);
	struct sipnot_pub *pub;

	if (!conf || !conf->source)
		return;
	if (!strcmp(conf->source, source)) {
		(void)confinfo_notifier_remove_conf(n, name);
		return;
	}
	/* Fed by a publication: what it falls back to is gone. */
	pub = conf->pub;
	if (pub && pub->under_source && !strcmp(pub->under_source, source)) {
		pub->under = mem_deref(pub->under);
		free(pub->under_source);
		pub->under_source = NULL;
	}
}

const struct confinfo_conf *
confinfo_notifier_conf(const struct confinfo_notifier *n, const char *name)
{
	struct sipnot_conf *conf;

	if (!n || !name)
		return NULL;
	conf = conf_find_str(n, name);
	return conf && conf->snap ? conf->snap->state : NULL;
}

const char *confinfo_notifier_conf_source(const struct confinfo_notifier *n,
					  const char *name)
{
	struct sipnot_conf *conf;

	if (!n || !name)
		return NULL;
	conf = conf_find_str(n, name);
	return conf ? conf->source : NULL;
}

size_t confinfo_notifier_sub_count(const struct confinfo_notifier *n)
{
	return n ? n->nsubs : 0;
}
