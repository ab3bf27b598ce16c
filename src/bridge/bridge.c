/*
 * The bridge's frame: the conferences it follows, the room of each, and
 * the overlay the notifier calls with every new base state.
 *
 * A conference's room is the one it advertises itself (its document, or
 * the focus's --chat-room template), and only when that room passes the
 * RFC 7106 checks against sip:NAME@domain with the allowed MUC services
 * as the only related domains (so: an xmpp: room, no authority, no
 * resource, no query but ?join, the conference's name, not a look-alike
 * host) — whoever feeds the conference state chooses the URI, and the
 * focus must not be sent into arbitrary rooms by it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "bridge_int.h"
#include "confinfo/chat.h"
#include "confinfo/notifier.h"

/* events.c */
void bridge_child_line(const char *line, size_t len, void *arg);
void bridge_child_state(bool started, const char *why, void *arg);
int bridge_join(struct bridge_conf *bc, const struct confinfo_conf *base);

void bridge_log(struct confinfo_bridge *b, const char *conf, const char *what,
		const char *fmt, ...)
{
	char detail[768];
	va_list ap;

	if (!b->logh)
		return;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	b->logh(conf, what, detail, b->log_arg);
}

int bridge_send(struct confinfo_bridge *b, void *cmd)
{
	json_t *o = cmd;
	char *line;
	int err;

	if (!o)
		return ENOMEM;
	json_object_set_new(o, "id", json_integer(++b->next_id));
	line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!line)
		return ENOMEM;
	err = bridge_child_send(b->child, line);
	free(line);
	return err;
}

struct bridge_rec *bridge_rec_find(struct bridge_conf *bc, const char *entity)
{
	for (struct bridge_rec *r = bc->recs; r; r = r->next)
		if (!strcmp(r->entity, entity))
			return r;
	return NULL;
}

static void rec_free(struct bridge_rec *r)
{
	free(r->entity);
	free(r->muted_by);
	free(r->when);
	free(r->reason);
	free(r->by);
	free(r->room_reason);
	free(r);
}

static struct bridge_conf *conf_find(struct confinfo_bridge *b,
				     const char *name)
{
	for (struct bridge_conf *bc = b->confs; bc; bc = bc->next)
		if (!strcmp(bc->name, name))
			return bc;
	return NULL;
}

static void conf_free(struct bridge_conf *bc)
{
	tmr_cancel(&bc->retry);
	bridge_hook_free(bc->hook);
	bridge_room_reset(&bc->occ);
	while (bc->recs) {
		struct bridge_rec *r = bc->recs;

		bc->recs = r->next;
		rec_free(r);
	}
	for (size_t i = 0; i < bc->mirrored_count; i++)
		free(bc->mirrored[i]);
	free(bc->mirrored);
	free(bc->name);
	free(bc->room);
	free(bc->room_uri);
	free(bc->refused);
	free(bc);
}

static void leave_room(struct bridge_conf *bc)
{
	if (!bc->room)
		return;
	(void)bridge_send(
	    bc->b, json_pack("{s:s,s:s}", "op", "leave", "room", bc->room));
	bridge_log(bc->b, bc->name, "leave", "%s", bc->room);
	bridge_room_reset(&bc->occ);
	bc->joined = false;
	free(bc->room);
	free(bc->room_uri);
	bc->room = bc->room_uri = NULL;
}

static bool service_allowed(const struct confinfo_bridge *b, const char *host)
{
	for (size_t i = 0; i < b->service_count; i++)
		if (!strcasecmp(b->services[i], host))
			return true;
	return false;
}

/* The RFC 7106 checks with the allowed MUC services as the related
 * domains of the focus's: 0 and *jidp (malloc'd) when @p uri is a room
 * the bridge may join, else EPERM and *whyp. */
static int room_check(struct confinfo_bridge *b, const struct confinfo_uri *cu,
		      const struct confinfo_chat_room *room, char **jidp,
		      const char **whyp)
{
	struct confinfo_chat_policy *p = NULL;
	struct confinfo_chat_verdict *v = NULL;
	struct confinfo_uri *u = NULL;
	const char *text = room->entry->uri, *q;
	int err;

	err = confinfo_chat_policy_alloc(&p);
	if (!err)
		err = confinfo_chat_policy_set_related(
		    p, CONFINFO_CHAT_RELATED_LIST);
	for (size_t i = 0; !err && i < b->service_count; i++)
		err = confinfo_chat_policy_add_related(p, b->domain,
						       b->services[i], NULL);
	if (!err)
		err = confinfo_chat_policy_set_auto_join(
		    p, CONFINFO_CHAT_AUTO_RELATED);
	if (!err)
		err = confinfo_chat_policy_set_require_name_match(p, true);
	if (!err)
		err =
		    confinfo_chat_policy_set_max_auto_join_users(p, UINT32_MAX);
	if (!err)
		err = confinfo_chat_check_room(&v, cu, room, p, 0);
	if (!err)
		err = confinfo_uri_parse(&u, text, strlen(text), NULL, NULL);
	q = strchr(text, '?');
	*whyp = NULL;
	if (err)
		*whyp = "not a valid room URI";
	else if (!v->valid)
		*whyp = v->error ? v->error : "not a valid room URI";
	else if (v->scheme != CONFINFO_URI_SCHEME_XMPP)
		*whyp = "not an xmpp: room";
	else if (u->authority || u->resource.ptr || (q && strcmp(q, "?join")))
		*whyp = "an authority, a resource or a query other than join";
	else if (!v->host || !service_allowed(b, v->host))
		*whyp = "its MUC service is not allowed (--xmpp-muc)";
	else if (v->join != CONFINFO_CHAT_JOIN_AUTO)
		*whyp = v->lookalike ? "a look-alike host"
				     : "it fails the RFC 7106 checks";
	else if (!v->room.ptr || memchr(v->room.ptr, 0, v->room.len))
		*whyp = "no room name";
	if (!*whyp) {
		size_t len = v->room.len + strlen(v->host) + 2;

		*jidp = malloc(len);
		if (*jidp)
			snprintf(*jidp, len, "%.*s@%s", (int)v->room.len,
				 v->room.ptr, v->host);
		else
			err = ENOMEM;
	} else if (!err) {
		err = EPERM;
	}
	confinfo_uri_free(u);
	confinfo_chat_verdict_free(v);
	confinfo_chat_policy_free(p);
	return err;
}

/* Log a refused room once, not at every change of the conference. */
static void log_refused(struct bridge_conf *bc, const char *uri,
			const char *why)
{
	if (bc->refused && !strcmp(bc->refused, uri))
		return;
	free(bc->refused);
	bc->refused = strdup(uri);
	bridge_log(bc->b, bc->name, "room-refused", "%s: %s", uri, why);
}

/* Which advertised room this conference bridges: the first that passes. */
static int pick_room(struct bridge_conf *bc, const struct confinfo_conf *state,
		     char **jidp, char **urip)
{
	struct confinfo_bridge *b = bc->b;
	const char *name = bc->name;
	struct confinfo_chat_room *rooms = NULL;
	struct confinfo_uri *cu = NULL;
	char conf_uri[CONFINFO_NOTIFIER_NAME_MAX + 300];
	size_t count = 0;
	int err;

	*jidp = *urip = NULL;
	snprintf(conf_uri, sizeof(conf_uri), "sip:%s@%s", name, b->domain);
	err = confinfo_chat_conference_parse(&cu, conf_uri, strlen(conf_uri),
					     NULL);
	if (!err)
		err = confinfo_chat_rooms(state, &rooms, &count, NULL);
	for (size_t i = 0; !err && i < count && !*jidp; i++) {
		const char *why = NULL;
		int e = room_check(b, cu, &rooms[i], jidp, &why);

		if (e == ENOMEM)
			err = e;
		else if (e)
			log_refused(bc, rooms[i].entry->uri, why);
		else if (!(*urip = strdup(rooms[i].entry->uri)))
			err = ENOMEM;
	}
	free(rooms);
	confinfo_uri_free(cu);
	return err;
}

static int follow_room(struct bridge_conf *bc,
		       const struct confinfo_conf *state)
{
	char *jid = NULL, *uri = NULL;
	int err = 0;

	/* A conference that has ended (active false) has no room to be
	 * in; it is left as when the conference is removed. */
	if (!state->conf_state ||
	    state->conf_state->active != CONFINFO_BOOL_FALSE)
		err = pick_room(bc, state, &jid, &uri);
	if (err)
		goto out;
	if (jid && bc->room && !strcmp(jid, bc->room))
		goto out;
	leave_room(bc);
	if (!jid)
		goto out;
	bc->room = jid;
	bc->room_uri = uri;
	jid = uri = NULL;
	(void)bridge_join(bc, state);
out:
	free(jid);
	free(uri);
	return err;
}

/* The roles a user gets from its occupants (several resources are one
 * user: the highest affiliation and role among them). */
static const char *const affil_roles[] = {NULL, NULL, "chat-member",
					  "chat-admin", "chat-owner"};
static const char *const role_roles[] = {NULL, "chat-visitor",
					 "chat-participant", "chat-moderator"};

static struct bridge_user_overlay *entry_for(struct bridge_user_overlay *e,
					     size_t *n, const char *entity)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(e[i].entity, entity))
			return &e[i];
	memset(&e[*n], 0, sizeof(*e));
	e[*n].entity = entity;
	return &e[(*n)++];
}

static int build_and_apply(struct bridge_conf *bc, struct confinfo_conf *state)
{
	size_t max = bc->occ.count, n = 0;
	struct bridge_user_overlay *e;
	enum bridge_affil *affil;
	enum bridge_role *role;
	int err;

	for (struct bridge_rec *r = bc->recs; r; r = r->next)
		max++;
	e = calloc(max + 1, sizeof(*e));
	affil = calloc(max + 1, sizeof(*affil));
	role = calloc(max + 1, sizeof(*role));
	if (!e || !affil || !role) {
		err = ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < bc->occ.count; i++) {
		const struct bridge_occupant *o = &bc->occ.occ[i];
		const struct confinfo_user *u =
		    bridge_ident_user(&bc->b->ident, state, o->bare);
		struct bridge_user_overlay *x;

		if (!u)
			continue;
		x = entry_for(e, &n, u->entity);
		if (o->affil > affil[x - e])
			affil[x - e] = o->affil;
		if (o->role > role[x - e])
			role[x - e] = o->role;
	}
	for (size_t i = 0; i < n; i++) {
		if (affil_roles[affil[i]])
			e[i].roles[e[i].role_count++] = affil_roles[affil[i]];
		if (role_roles[role[i]])
			e[i].roles[e[i].role_count++] = role_roles[role[i]];
	}
	for (struct bridge_rec *r = bc->recs; r; r = r->next) {
		struct bridge_user_overlay *x = entry_for(e, &n, r->entity);

		x->muted = r->muted;
		x->muted_by = r->muted_by;
		x->booted = r->booted;
		x->when = r->when;
		x->reason = r->reason;
		x->by = r->by;
	}
	err = bridge_overlay_apply(state, e, n);
out:
	free(e);
	free(affil);
	free(role);
	return err;
}

/* The notifier's overlay callback: a new base state of @p name. */
static int overlay_handler(const char *name, struct confinfo_conf *state,
			   void *arg)
{
	struct confinfo_bridge *b = arg;
	struct bridge_conf *bc = conf_find(b, name), **pp;
	int err;

	if (!state) {
		if (!bc)
			return 0;
		leave_room(bc);
		for (pp = &b->confs; *pp != bc; pp = &(*pp)->next)
			;
		*pp = bc->next;
		conf_free(bc);
		return 0;
	}
	if (!bc) {
		bc = calloc(1, sizeof(*bc));
		if (!bc || !(bc->name = strdup(name))) {
			free(bc);
			return ENOMEM;
		}
		bc->b = b;
		tmr_init(&bc->retry);
		bc->next = b->confs;
		b->confs = bc;
	}
	err = follow_room(bc, state);
	if (err)
		return err;
	bridge_mirror_observe(bc, state);
	return build_and_apply(bc, state);
}

static int copy_list(char ***dst, size_t *count, const char *const *src,
		     size_t n)
{
	if (!n)
		return 0;
	*dst = calloc(n, sizeof(**dst));
	if (!*dst)
		return ENOMEM;
	for (size_t i = 0; i < n; i++) {
		(*dst)[i] = strdup(src[i]);
		if (!(*dst)[i])
			return ENOMEM;
		*count = i + 1;
	}
	return 0;
}

static int copy_config(struct confinfo_bridge *b,
		       const struct confinfo_bridge_config *cfg)
{
	static const char *const default_chair[] = {"chair"};
	int err = 0;

	b->domain = strdup(cfg->domain ? cfg->domain : "localhost");
	b->nick = strdup(cfg->nick ? cfg->nick : "focus");
	if (cfg->hook)
		b->hook = strdup(cfg->hook);
	if (!b->domain || !b->nick || (cfg->hook && !b->hook))
		return ENOMEM;
	err |= copy_list(&b->services, &b->service_count, cfg->muc_services,
			 cfg->muc_service_count);
	if (cfg->chair_role_count)
		err |= copy_list(&b->chairs, &b->chair_count, cfg->chair_roles,
				 cfg->chair_role_count);
	else
		err |= copy_list(&b->chairs, &b->chair_count, default_chair, 1);
	err |= copy_list(&b->allow, &b->allow_count, cfg->allow_jids,
			 cfg->allow_jid_count);
	for (size_t i = 0; !err && i < cfg->shared_domain_count; i++)
		err =
		    bridge_ident_add_shared(&b->ident, cfg->shared_domains[i]);
	b->hook_timeout_ms = cfg->hook_timeout_ms ? cfg->hook_timeout_ms : 5000;
	b->hook_rate = cfg->hook_rate ? cfg->hook_rate : 20;
	b->members_only = cfg->members_only;
	b->logh = cfg->logh;
	b->log_arg = cfg->log_arg;
	return err ? ENOMEM : 0;
}

int confinfo_bridge_alloc(struct confinfo_bridge **bp,
			  struct confinfo_notifier *n,
			  const struct confinfo_bridge_config *cfg,
			  struct confinfo_diag *diag)
{
	struct confinfo_bridge *b;
	int err;

	if (!bp || !n || !cfg || !cfg->child_argv || !cfg->child_argv[0])
		return confinfo_diag_fail(diag, EINVAL, 0, 0,
					  "bridge: no XMPP child program");
	b = calloc(1, sizeof(*b));
	if (!b)
		return ENOMEM;
	b->n = n;
	err = copy_config(b, cfg);
	if (!err && cfg->map_file)
		err = bridge_ident_load_map(&b->ident, cfg->map_file, diag);
	if (!err)
		err = bridge_child_alloc(&b->child, cfg->child_argv,
					 bridge_child_line, bridge_child_state,
					 b);
	if (err) {
		confinfo_bridge_free(b);
		return err;
	}
	confinfo_notifier_set_overlay(n, overlay_handler, b);
	*bp = b;
	return 0;
}

static void free_list(char **l, size_t n)
{
	for (size_t i = 0; l && i < n; i++)
		free(l[i]);
	free(l);
}

void confinfo_bridge_free(struct confinfo_bridge *b)
{
	if (!b)
		return;
	if (b->n)
		confinfo_notifier_set_overlay(b->n, NULL, NULL);
	bridge_child_free(b->child, 1000);
	while (b->confs) {
		struct bridge_conf *bc = b->confs;

		b->confs = bc->next;
		conf_free(bc);
	}
	bridge_ident_reset(&b->ident);
	free_list(b->services, b->service_count);
	free_list(b->chairs, b->chair_count);
	free_list(b->allow, b->allow_count);
	free(b->domain);
	free(b->nick);
	free(b->hook);
	free(b);
}
