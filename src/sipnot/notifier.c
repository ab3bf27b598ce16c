/*
 * The notifier object: configuration, SIP stack and listeners, the table
 * of served conferences and the path every new state takes (normalise,
 * add the chat room, compare, snapshot, notify).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confinfo/chat.h"
#include "model/alloc.h"
#include "sipnot.h"

#define DEFAULT_DOMAIN "localhost"
#define SOFTWARE       "confinfo-focus/" CONFINFO_VERSION_STRING

void confinfo_notifier_config_default(struct confinfo_notifier_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->expires_min = 60;
	cfg->expires_default = 3600;
	cfg->expires_max = 7200;
	cfg->min_interval_ms = 5000;
	cfg->max_subs = 100000;
	cfg->max_subs_per_conf = 20000;
	cfg->max_confs = 10000;
	cfg->max_body = 1024 * 1024;
	cfg->retry_after = 30;
}

bool ci_name_valid(const char *s, size_t len)
{
	if (!len || len > CONFINFO_NOTIFIER_NAME_MAX || s[0] == '.')
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		      c == '_' || c == '~' || c == '+'))
			return false;
	}
	return true;
}

static const char *transp_label(enum sip_transp tp)
{
	return tp == SIP_TRANSP_NONE ? NULL : sip_transp_name(tp);
}

void ci_log_sub(struct confinfo_notifier *n, enum confinfo_notifier_event type,
		const struct ci_sub *sub, uint16_t scode, const char *reason)
{
	struct confinfo_notifier_log ev;

	if (!n->cfg.logh)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.conf = sub->conf->name;
	ev.peer = sub->peer;
	ev.callid = sip_dialog_callid(sub->dlg);
	ev.transport = transp_label(sub->tp);
	ev.scode = scode;
	ev.version = sub->version;
	ev.full = sub->in_full;
	ev.expires = ci_sub_remaining(sub);
	ev.reason = reason;
	n->cfg.logh(&ev, n->cfg.log_arg);
}

void ci_log_msg(struct confinfo_notifier *n, enum confinfo_notifier_event type,
		const struct sip_msg *msg, uint16_t scode, const char *reason)
{
	struct confinfo_notifier_log ev;
	char conf[CONFINFO_NOTIFIER_NAME_MAX + 1] = "";
	char peer[256] = "", callid[128] = "";

	if (!n->cfg.logh)
		return;
	/* Only a valid name is shown: the log must not carry whatever
	 * bytes a request chose to put in its URI. */
	if (ci_name_valid(msg->uri.user.p, msg->uri.user.l))
		(void)pl_strcpy(&msg->uri.user, conf, sizeof(conf));
	(void)pl_strcpy(&msg->from.auri, peer, sizeof(peer));
	(void)pl_strcpy(&msg->callid, callid, sizeof(callid));
	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.conf = conf[0] ? conf : NULL;
	ev.peer = peer;
	ev.callid = callid;
	ev.transport = transp_label(msg->tp);
	ev.scode = scode;
	ev.reason = reason;
	n->cfg.logh(&ev, n->cfg.log_arg);
}

void ci_log_pub(struct confinfo_notifier *n, const struct sip_msg *msg,
		const char *conf, uint16_t scode, const char *reason,
		const char *etag)
{
	struct confinfo_notifier_log ev;
	char peer[256] = "";

	if (!n->cfg.logh)
		return;
	memset(&ev, 0, sizeof(ev));
	if (msg) {
		(void)pl_strcpy(&msg->from.auri, peer, sizeof(peer));
		ev.peer = peer;
		ev.transport = transp_label(msg->tp);
	}
	ev.type = CONFINFO_NOTIFIER_PUBLISHED;
	ev.conf = conf;
	ev.scode = scode;
	ev.reason = reason;
	ev.etag = etag;
	n->cfg.logh(&ev, n->cfg.log_arg);
}

void ci_log_delivered(struct ci_conf *conf)
{
	struct confinfo_notifier *n = conf->n;
	struct confinfo_notifier_log ev;

	if (!n->cfg.logh)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.type = CONFINFO_NOTIFIER_CONF;
	ev.conf = conf->name;
	ev.reason = "delivered";
	ev.count = (uint32_t)conf->acked;
	ev.elapsed_ms = (uint32_t)(tmr_jiffies() - conf->changed_at);
	n->cfg.logh(&ev, n->cfg.log_arg);
}

static void log_conf(struct confinfo_notifier *n, const char *name,
		     const char *what)
{
	struct confinfo_notifier_log ev;

	if (!n->cfg.logh)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.type = CONFINFO_NOTIFIER_CONF;
	ev.conf = name;
	ev.reason = what;
	n->cfg.logh(&ev, n->cfg.log_arg);
}

/* ------------------------------------------------------------------ */

static void snap_destructor(void *arg)
{
	struct ci_snap *snap = arg;

	confinfo_conf_free(snap->state);
}

static void conf_destructor(void *arg)
{
	struct ci_conf *conf = arg;

	hash_unlink(&conf->he);
	ci_cache_flush(&conf->cache);
	if (conf->pub)
		ci_pub_free(conf->n, conf->pub);
	mem_deref(conf->snap);
	ci_free(conf->name);
	ci_free(conf->source);
}

static bool conf_cmp(struct le *le, void *arg)
{
	const struct ci_conf *conf = le->data;
	const struct pl *name = arg;

	return !pl_strcmp(name, conf->name);
}

struct ci_conf *ci_conf_find(const struct confinfo_notifier *n,
			     const struct pl *name)
{
	struct le *le;

	le = hash_lookup(n->confs, hash_joaat_pl(name), conf_cmp, (void *)name);
	return le ? le->data : NULL;
}

static struct ci_conf *conf_find_str(const struct confinfo_notifier *n,
				     const char *name)
{
	struct pl pl;

	pl_set_str(&pl, name);
	return ci_conf_find(n, &pl);
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
		}
		else if (!strncmp(t, "{domain}", 8)) {
			err = mbuf_write_str(mb, n->domain);
			t += 8;
		}
		else {
			err = mbuf_write_u8(mb, (uint8_t)*t++);
		}
	}
	if (!err) {
		*urip = ci_strndup((const char *)mb->buf, mb->end);
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
	ci_free(uri);
	return err;
}

static int conf_new(struct confinfo_notifier *n, const char *name,
		      struct ci_conf **confp)
{
	struct ci_conf *conf;

	if (n->nconfs >= n->cfg.max_confs)
		return ENOSPC;
	conf = mem_zalloc(sizeof(*conf), conf_destructor);
	if (!conf)
		return ENOMEM;
	conf->n = n;
	conf->name = ci_strdup(name);
	if (!conf->name) {
		mem_deref(conf);
		return ENOMEM;
	}
	hash_append(n->confs, hash_joaat_str(name), &conf->he, conf);
	n->nconfs++;
	*confp = conf;
	return 0;
}

static int set_source(struct ci_conf *conf, const char *source)
{
	char *s;

	if (conf->source && !strcmp(conf->source, source))
		return 0;
	s = ci_strdup(source);
	if (!s)
		return ENOMEM;
	ci_free(conf->source);
	conf->source = s;
	return 0;
}

int ci_conf_apply(struct confinfo_notifier *n, const char *name,
		  const struct confinfo_conf *state, const char *source,
		  struct ci_conf **confp)
{
	struct confinfo_conf *copy = NULL;
	struct ci_snap *snap = NULL;
	struct ci_conf *conf;
	bool created = false, changed, src_changed;
	int err;

	if (!n || !name || !state || !ci_name_valid(name, strlen(name)) ||
	    confinfo_state_effective(state->state) != CONFINFO_STATE_FULL)
		return EINVAL;
	if (!source)
		source = "api";
	err = confinfo_conf_clone(&copy, state);
	if (err)
		return err;
	copy->state = CONFINFO_STATE_FULL;
	copy->version.set = true;
	copy->version.value = 0;
	if (n->chat_room) {
		err = add_chat_room(n, name, copy);
		if (err)
			goto out;
	}
	conf = conf_find_str(n, name);
	if (!conf) {
		err = conf_new(n, name, &conf);
		if (err)
			goto out;
		created = true;
	}
	changed = !conf->snap || !confinfo_conf_equal(conf->snap->state, copy);
	if (changed) {
		snap = mem_zalloc(sizeof(*snap), snap_destructor);
		if (!snap) {
			err = ENOMEM;
			goto fail;
		}
	}
	src_changed = !conf->source || strcmp(conf->source, source);
	err = set_source(conf, source);
	if (err)
		goto fail;
	if (changed) {
		snap->state = copy;
		copy = NULL;
		snap->seq = ++n->snap_seq;
		conf->changed_at = tmr_jiffies();
		conf->acked = 0;
		conf->fanout = !created && conf->nsubs > 0;
		mem_deref(conf->snap);
		conf->snap = snap;
		snap = NULL;
		ci_cache_flush(&conf->cache);
	}
	if (n->cfg.changeh && (changed || src_changed))
		n->cfg.changeh(name, conf->snap->state, conf->source,
			       n->cfg.change_arg);
	if (changed) {
		log_conf(n, name, created ? "added" : "changed");
		for (struct le *le = conf->subs.head; le;) {
			struct ci_sub *sub = le->data;

			le = le->next;
			ci_sub_kick(sub);
		}
	}
	if (strcmp(conf->source, "publish") && conf->pub) {
		/* Another source took over: the publication no longer owns
		 * the state, its expiry must not remove it. */
		ci_pub_free(n, conf->pub);
		conf->pub = NULL;
	}
	if (!conf->pub && !strcmp(conf->source, "publish") && !confp)
		ci_pub_adopt(n, conf);
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
	return err;
}

int confinfo_notifier_set_conf(struct confinfo_notifier *n, const char *name,
			       const struct confinfo_conf *state,
			       const char *source)
{
	return ci_conf_apply(n, name, state, source, NULL);
}

int confinfo_notifier_remove_conf(struct confinfo_notifier *n,
				  const char *name)
{
	struct ci_conf *conf;

	if (!n || !name)
		return EINVAL;
	conf = conf_find_str(n, name);
	if (!conf)
		return ENOENT;
	hash_unlink(&conf->he);
	n->nconfs--;
	conf->snap = mem_deref(conf->snap);
	ci_cache_flush(&conf->cache);
	if (conf->pub) {
		ci_pub_free(n, conf->pub);
		conf->pub = NULL;
	}
	if (n->cfg.changeh)
		n->cfg.changeh(conf->name, NULL, conf->source,
			       n->cfg.change_arg);
	log_conf(n, conf->name, "removed");
	/* Subscriptions hold references: the conference lives until the
	 * last final NOTIFY is answered. */
	for (struct le *le = conf->subs.head; le;) {
		struct ci_sub *sub = le->data;

		le = le->next;
		ci_sub_terminate(sub, CI_REASON_NORESOURCE);
	}
	mem_deref(conf);
	return 0;
}

const struct confinfo_conf *
confinfo_notifier_conf(const struct confinfo_notifier *n, const char *name)
{
	struct ci_conf *conf;

	if (!n || !name)
		return NULL;
	conf = conf_find_str(n, name);
	return conf && conf->snap ? conf->snap->state : NULL;
}

const char *confinfo_notifier_conf_source(const struct confinfo_notifier *n,
					  const char *name)
{
	struct ci_conf *conf;

	if (!n || !name)
		return NULL;
	conf = conf_find_str(n, name);
	return conf ? conf->source : NULL;
}

size_t confinfo_notifier_sub_count(const struct confinfo_notifier *n)
{
	return n ? n->nsubs : 0;
}

/* ------------------------------------------------------------------ */

static bool request_handler(const struct sip_msg *msg, void *arg)
{
	struct confinfo_notifier *n = arg;

	if (!pl_strcmp(&msg->met, "SUBSCRIBE"))
		return ci_subscribe_handler(n, msg);
	if (!pl_strcmp(&msg->met, "PUBLISH"))
		return ci_publish_handler(n, msg);
	if (!pl_strcmp(&msg->met, "OPTIONS")) {
		(void)ci_reply(n, msg, 200, "OK",
			       "Allow: SUBSCRIBE, PUBLISH, OPTIONS\r\n"
			       "Allow-Events: conference\r\n"
			       "Accept: " CI_CTYPE "\r\n");
		return true;
	}
	return false; /* libre answers 501 */
}

static int copy_config(struct confinfo_notifier *n,
		       const struct confinfo_notifier_config *cfg,
		       struct confinfo_diag *diag)
{
	int err = 0;

	n->cfg = *cfg;
	n->cfg.allow = NULL;
	n->cfg.allow_count = 0;
	if (cfg->expires_min > cfg->expires_default ||
	    cfg->expires_default > cfg->expires_max || !cfg->expires_default)
		return confinfo_diag_fail(diag, EINVAL, 0, 0,
					  "expiry limits: need 0 < min <= "
					  "default <= max");
	if (!cfg->max_subs || !cfg->max_subs_per_conf || !cfg->max_confs ||
	    !cfg->max_body)
		return confinfo_diag_fail(diag, EINVAL, 0, 0,
					  "limits must not be 0");
	n->domain = ci_strdup(cfg->domain ? cfg->domain : DEFAULT_DOMAIN);
	if (!n->domain)
		return ENOMEM;
	if (cfg->chat_room) {
		const char *colon = strchr(cfg->chat_room, ':');

		if (!colon || colon == cfg->chat_room)
			return confinfo_diag_fail(diag, EINVAL, 0, 0,
						  "chat room template '%s' "
						  "has no URI scheme",
						  cfg->chat_room);
		n->chat_room = ci_strdup(cfg->chat_room);
		if (!n->chat_room)
			return ENOMEM;
	}
	if (cfg->tls_cert) {
		n->tls_cert = ci_strdup(cfg->tls_cert);
		if (!n->tls_cert)
			return ENOMEM;
	}
	for (size_t i = 0; i < cfg->allow_count && !err; i++) {
		err = ci_uri_list_add(&n->allow, &n->allow_count,
				      cfg->allow[i]);
		if (err == EINVAL)
			return confinfo_diag_fail(diag, EINVAL, 0, 0,
						  "allowed subscriber '%s' is "
						  "not a SIP URI",
						  cfg->allow[i]);
	}
	for (size_t i = 0; i < cfg->publisher_count && !err; i++) {
		if (!strcmp(cfg->publishers[i], "*")) {
			n->publish_any = true;
			continue;
		}
		err = ci_uri_list_add(&n->publishers, &n->publisher_count,
				      cfg->publishers[i]);
		if (err == EINVAL)
			return confinfo_diag_fail(diag, EINVAL, 0, 0,
						  "publisher '%s' is not a SIP "
						  "URI",
						  cfg->publishers[i]);
	}
	n->cfg.publishers = NULL;
	n->cfg.publisher_count = 0;
	n->cfg.auth_file = NULL;
	if (!err && cfg->auth_file)
		err = ci_auth_load(n, cfg->auth_file, diag);
	return err;
}

int confinfo_notifier_alloc(struct confinfo_notifier **np,
			    const struct confinfo_notifier_config *cfg,
			    struct confinfo_diag *diag)
{
	struct confinfo_notifier *n;
	int err;

	if (!np || !cfg)
		return EINVAL;
	n = ci_calloc(1, sizeof(*n));
	if (!n)
		return ENOMEM;
	ci_sched_init(&n->sched);
	tmr_init(&n->done_tmr);
	err = copy_config(n, cfg, diag);
	if (err)
		goto out;
	err = hash_alloc(&n->confs, 1024);
	err = err ? err : hash_alloc(&n->dialogs, 16384);
	if (err)
		goto out;
	err = sip_alloc(&n->sip, NULL, 16384, 16384, 16384, SOFTWARE, NULL,
			NULL);
	if (err) {
		confinfo_diag_fail(diag, err, 0, 0, "SIP stack: %s",
				   strerror(err));
		goto out;
	}
	err = sip_listen(&n->lsnr, n->sip, true, request_handler, n);
out:
	if (err)
		confinfo_notifier_free(n);
	else
		*np = n;
	return err;
}

int confinfo_notifier_listen(struct confinfo_notifier *n, const char *spec,
			     struct confinfo_diag *diag)
{
	enum sip_transp tp;
	const char *addr;
	struct sa laddr;
	int err;

	if (!n || !spec)
		return EINVAL;
	if (!strncmp(spec, "udp:", 4))
		tp = SIP_TRANSP_UDP;
	else if (!strncmp(spec, "tcp:", 4))
		tp = SIP_TRANSP_TCP;
	else if (!strncmp(spec, "tls:", 4))
		tp = SIP_TRANSP_TLS;
	else
		return confinfo_diag_fail(diag, EINVAL, 0, 0,
					  "listen '%s': expected udp:, tcp: "
					  "or tls:ADDR:PORT",
					  spec);
	addr = spec + 4;
	if (sa_decode(&laddr, addr, strlen(addr)))
		return confinfo_diag_fail(diag, EINVAL, 0, 0,
					  "listen '%s': bad address (use "
					  "ADDR:PORT, [IPV6]:PORT)",
					  spec);
	if (tp == SIP_TRANSP_TLS) {
		if (!n->tls_cert)
			return confinfo_diag_fail(diag, EINVAL, 0, 0,
						  "listen '%s': TLS needs a "
						  "certificate",
						  spec);
		if (!n->tls) {
			err = tls_alloc(&n->tls, TLS_METHOD_SSLV23,
					n->tls_cert, NULL);
			if (err)
				return confinfo_diag_fail(
					diag, err, 0, 0,
					"TLS certificate %s: %s", n->tls_cert,
					strerror(err));
		}
		err = sip_transp_add(n->sip, tp, &laddr, n->tls);
	}
	else {
		err = sip_transp_add(n->sip, tp, &laddr);
	}
	if (err)
		return confinfo_diag_fail(diag, err, 0, 0, "listen '%s': %s",
					  spec, strerror(err));
	return 0;
}

/* ------------------------------------------------------------------ */

static void done_handler(void *arg)
{
	struct confinfo_notifier *n = arg;

	if (n->doneh)
		n->doneh(n->done_arg);
}

void ci_check_done(struct confinfo_notifier *n)
{
	if (!n->shutting_down || n->nsubs || n->done_called)
		return;
	n->done_called = true;
	/* From the loop, not from inside the last response handler. */
	tmr_start(&n->done_tmr, 0, done_handler, n);
}

void confinfo_notifier_shutdown(struct confinfo_notifier *n,
				confinfo_notifier_done_h *doneh, void *arg)
{
	if (!n || n->shutting_down)
		return;
	n->shutting_down = true;
	n->doneh = doneh;
	n->done_arg = arg;
	for (uint32_t b = 0; b < hash_bsize(n->dialogs); b++) {
		struct list *l = hash_list(n->dialogs, b);

		for (struct le *le = l->head; le;) {
			struct ci_sub *sub = le->data;

			le = le->next;
			ci_sub_terminate(sub, CI_REASON_DEACTIVATED);
		}
	}
	ci_check_done(n);
}

void confinfo_notifier_free(struct confinfo_notifier *n)
{
	if (!n)
		return;
	if (n->dialogs) {
		for (uint32_t b = 0; b < hash_bsize(n->dialogs); b++) {
			struct list *l = hash_list(n->dialogs, b);

			while (l->head)
				ci_sub_unlink(l->head->data);
		}
	}
	tmr_cancel(&n->done_tmr);
	if (n->confs) {
		for (uint32_t b = 0; b < hash_bsize(n->confs); b++) {
			struct list *l = hash_list(n->confs, b);

			while (l->head)
				mem_deref(l->head->data);
		}
	}
	mem_deref(n->lsnr);
	if (n->sip)
		sip_close(n->sip, true);
	mem_deref(n->sip);
	mem_deref(n->tls);
	mem_deref(n->confs);
	mem_deref(n->dialogs);
	ci_sched_close(&n->sched);
	for (size_t i = 0; i < n->allow_count; i++)
		ci_free(n->allow[i]);
	ci_free(n->allow);
	for (size_t i = 0; i < n->publisher_count; i++)
		ci_free(n->publishers[i]);
	ci_free(n->publishers);
	ci_auth_free(n);
	ci_free(n->domain);
	ci_free(n->chat_room);
	ci_free(n->tls_cert);
	ci_free(n);
}
