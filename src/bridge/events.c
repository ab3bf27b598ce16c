/*
 * What the XMPP child says, and what the bridge does about it. Every
 * string from the room (nick, reason, JIDs, actor) arrives bounded by
 * the child but otherwise as the occupant or the server chose it; it is
 * cleaned (confinfo_text_clean(), text.h) before it reaches the state, the hook
 * or the log.
 *
 * A room action reaches the call only through bridge_enforce() after
 * bridge_may_enforce() said yes, and the state shows it only once the
 * hook said it was done (hook_done()).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "bridge_int.h"
#include "confinfo/notifier.h"
#include "confinfo/text.h"

#define MAX_STATUS         16
#define MAX_ADMINS         64
#define MAX_HOOK_ENDPOINTS 64
#define BAN_REASK_MS       5000

void bridge_child_line(const char *line, size_t len, void *arg);
void bridge_child_state(bool started, const char *why, void *arg);
int bridge_join(struct bridge_conf *bc, const struct confinfo_conf *base);

static const char *jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* A cleaned, bounded copy of a room string (NULL stays NULL). */
static char *clean_dup(const char *s, size_t max)
{
	char *out = NULL;

	if (!s || confinfo_text_clean(&out, s, strlen(s), max, true))
		return NULL;
	return out;
}

static struct bridge_conf *conf_by_room(struct confinfo_bridge *b,
					const char *room)
{
	for (struct bridge_conf *bc = b->confs; room && bc; bc = bc->next)
		if (bc->room && !strcmp(bc->room, room))
			return bc;
	return NULL;
}

int bridge_join(struct bridge_conf *bc, const struct confinfo_conf *base)
{
	struct confinfo_bridge *b = bc->b;
	json_t *cmd, *admins = json_array();
	char *jids[MAX_ADMINS];
	size_t n = 0;
	int err;

	/* The conference's chairs become admins of a room the bridge
	 * creates (the child grants them after the configuration). */
	for (size_t i = 0; base && base->users && i < base->users->users.count;
	     i++) {
		const struct confinfo_user *u = base->users->users.items[i];

		if (n < MAX_ADMINS &&
		    bridge_user_has_role(u, (const char *const *)b->chairs,
					 b->chair_count))
			n += bridge_ident_jids(&b->ident, u, jids + n,
					       MAX_ADMINS - n);
	}
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(admins, json_string(jids[i]));
		free(jids[i]);
	}
	cmd = json_pack("{s:s,s:s,s:s,s:{s:b,s:s,s:b},s:o}", "op", "join",
			"room", bc->room, "nick", b->nick, "config",
			"persistent", 1, "whois", "moderators", "membersonly",
			b->members_only, "admins", admins);
	bc->joined = false;
	bridge_room_reset(&bc->occ);
	err = bridge_send(b, cmd);
	/* No child yet (or it is restarting): its start joins every room. */
	if (!err)
		bridge_log(b, bc->name, "join", "%s", bc->room);
	return err;
}

void bridge_child_state(bool started, const char *why, void *arg)
{
	struct confinfo_bridge *b = arg;

	if (!started) {
		bridge_log(b, NULL, "child", "stopped: %s",
			   why ? why : "unknown");
		for (struct bridge_conf *bc = b->confs; bc; bc = bc->next)
			bc->joined = false;
		return;
	}
	bridge_log(b, NULL, "child", "started");
	/* A new child knows no room: join them all again. */
	for (struct bridge_conf *bc = b->confs; bc; bc = bc->next)
		if (bc->room)
			(void)bridge_join(
			    bc, confinfo_notifier_conf_base(b->n, bc->name));
}

static void reapply(struct bridge_conf *bc)
{
	int err = confinfo_notifier_reapply(bc->b->n, bc->name);

	if (err && err != ENOENT)
		bridge_log(bc->b, bc->name, "error", "overlay: %s",
			   strerror(err));
}

static void on_joined(struct bridge_conf *bc, const json_t *ev)
{
	const char *whois = jstr(ev, "whois");
	const char *why = NULL;

	bc->joined = true;
	bc->bot_affil = bridge_affil_parse(jstr(ev, "affiliation"));
	bc->sees_jids =
	    whois && (!strcmp(whois, "moderators") || !strcmp(whois, "anyone"));
	/* A rejoin re-reads the occupants: their presences follow, and an
	 * occupant seen afresh is never an action (no duplicate hooks). */
	bridge_room_reset(&bc->occ);
	if (bc->bot_affil < BRIDGE_AFFIL_ADMIN)
		why = "the bridge is not owner or admin of the room";
	else if (!bc->sees_jids)
		why = "the room does not show the bridge real JIDs";
	bridge_log(bc->b, bc->name, "joined",
		   "%s created=%s affiliation=%s%s%s", bc->room,
		   json_is_true(json_object_get(ev, "created")) ? "yes" : "no",
		   bridge_affil_str(bc->bot_affil), why ? "; roles only: " : "",
		   why ? why : "");
}

static size_t read_status(const json_t *ev, int *status)
{
	const json_t *a = json_object_get(ev, "status");
	size_t n = 0, i;
	json_t *v;

	json_array_foreach(a, i, v)
	{
		if (n < MAX_STATUS && json_is_integer(v))
			status[n++] = (int)json_integer_value(v);
	}
	return n;
}

static void act(struct bridge_conf *bc, enum bridge_action action,
		const char *target_bare, const char *actor_nick,
		const char *reason, const int *status, size_t status_count);

/* 303: the occupant keeps its place under its new nick (its roles do
 * not flap out and back in between the two presences). */
static bool renamed(struct bridge_conf *bc, const char *nick, const json_t *ev,
		    const int *status, size_t ns)
{
	struct bridge_occupant *o = bridge_room_find(&bc->occ, nick);
	char *to = clean_dup(jstr(ev, "new_nick"), CONFINFO_BRIDGE_NICK_MAX);
	bool has303 = false;

	for (size_t i = 0; i < ns; i++)
		has303 = has303 || status[i] == 303;
	if (!o || !to || !*to || !has303 || bridge_room_find(&bc->occ, to)) {
		free(to);
		return false;
	}
	free(o->nick);
	o->nick = to;
	return true;
}

static void on_presence(struct bridge_conf *bc, const json_t *ev)
{
	char bare[BRIDGE_JID_MAX];
	const char *jid = jstr(ev, "jid");
	bool available = json_is_true(json_object_get(ev, "available"));
	enum bridge_role role = bridge_role_parse(jstr(ev, "role"));
	enum bridge_affil affil = bridge_affil_parse(jstr(ev, "affiliation"));
	char *nick = clean_dup(jstr(ev, "nick"), CONFINFO_BRIDGE_NICK_MAX);
	char *actor = clean_dup(jstr(ev, "actor"), BRIDGE_JID_MAX);
	char *reason =
	    clean_dup(jstr(ev, "reason"), CONFINFO_BRIDGE_REASON_MAX);
	struct bridge_occupant *prev, copy;
	enum bridge_action action;
	int status[MAX_STATUS];
	size_t ns = read_status(ev, status);
	bool has_bare = jid && !bridge_bare_jid(bare, sizeof(bare), jid);

	if (!nick)
		goto out;
	if (json_is_true(json_object_get(ev, "self"))) {
		bc->bot_affil = affil;
		if (!available)
			bc->joined = false;
		goto out;
	}
	prev = bridge_room_find(&bc->occ, nick);
	if (prev)
		copy = *prev;
	action =
	    bridge_decide(prev ? &copy : NULL, available, role, status, ns);
	if (available) {
		if (bridge_room_set(&bc->occ, nick, has_bare ? bare : NULL,
				    role, affil, NULL) == ENOSPC)
			bridge_log(bc->b, bc->name, "error",
				   "too many occupants; %s ignored", nick);
	}
	if (action)
		act(bc, action, has_bare ? bare : NULL, actor, reason, status,
		    ns);
	if (!available && !renamed(bc, nick, ev, status, ns))
		bridge_room_remove(&bc->occ, nick);
	reapply(bc);
out:
	free(nick);
	free(actor);
	free(reason);
}

/* The actor's AOR for "by": its user, else its JID as an xmpp: URI. */
static void actor_by(const struct confinfo_user *au, const char *bare,
		     char *out, size_t size)
{
	if (au)
		snprintf(out, size, "%s", au->entity);
	else
		snprintf(out, size, "xmpp:%s", bare);
}

static bool allow_listed(const struct confinfo_bridge *b, const char *bare)
{
	for (size_t i = 0; bare && i < b->allow_count; i++)
		if (!strcasecmp(b->allow[i], bare))
			return true;
	return false;
}

static bool mirrored(const struct bridge_conf *bc, const char *entity)
{
	for (size_t i = 0; i < bc->mirrored_count; i++)
		if (!strcmp(bc->mirrored[i], entity))
			return true;
	return false;
}

static void act(struct bridge_conf *bc, enum bridge_action action,
		const char *target_bare, const char *actor_nick,
		const char *reason, const int *status, size_t status_count)
{
	struct confinfo_bridge *b = bc->b;
	const struct confinfo_conf *base =
	    confinfo_notifier_conf_base(b->n, bc->name);
	const struct confinfo_user *tu, *au = NULL;
	const struct bridge_occupant *ao;
	struct bridge_authority a = {0};
	char by[BRIDGE_JID_MAX + 8];
	const char *why = NULL;

	/* The bridge's own kicks (the reverse direction) come back as
	 * presences too: never mirrored back. */
	if (actor_nick && !strcmp(actor_nick, b->nick))
		return;
	tu = bridge_ident_user(&b->ident, base, target_bare);
	if (tu && mirrored(bc, tu->entity))
		return;
	ao = actor_nick ? bridge_room_find(&bc->occ, actor_nick) : NULL;
	a.actor_bare = ao ? ao->bare : NULL;
	if (a.actor_bare)
		au = bridge_ident_user(&b->ident, base, a.actor_bare);
	a.bot_admin = bc->bot_affil >= BRIDGE_AFFIL_ADMIN;
	a.sees_jids = bc->sees_jids;
	a.hook = b->hook != NULL;
	a.target_mapped = tu != NULL;
	a.actor_allowed = allow_listed(b, a.actor_bare);
	a.actor_chair = bridge_user_has_role(au, (const char *const *)b->chairs,
					     b->chair_count);
	if (!bridge_may_enforce(&a, &why)) {
		bridge_log(b, bc->name, "roles-only", "%s of %s by %s: %s",
			   bridge_action_str(action),
			   target_bare ? target_bare : "(hidden JID)",
			   actor_nick ? actor_nick : "(unknown)", why);
		return;
	}
	actor_by(au, a.actor_bare, by, sizeof(by));
	(void)bridge_enforce(bc, action, base, tu->entity, by, reason, status,
			     status_count);
}

/* What a hook run was for, until it answers. */
struct hook_ctx {
	struct bridge_conf *bc;
	enum bridge_action action;
	char entity[BRIDGE_JID_MAX + 8];
	char by[BRIDGE_JID_MAX + 8];
	char reason[CONFINFO_BRIDGE_REASON_MAX + 1];
	char when[32];
};

static struct bridge_rec *rec_get(struct bridge_conf *bc, const char *entity)
{
	struct bridge_rec *r = bridge_rec_find(bc, entity);

	if (r)
		return r;
	r = calloc(1, sizeof(*r));
	if (!r || !(r->entity = strdup(entity))) {
		free(r);
		return NULL;
	}
	r->next = bc->recs;
	bc->recs = r;
	return r;
}

static int set_dup(char **dst, const char *src)
{
	char *s = src && *src ? strdup(src) : NULL;

	if (src && *src && !s)
		return ENOMEM;
	free(*dst);
	*dst = s;
	return 0;
}

static void hook_done(bool ok, const char *why, void *arg)
{
	struct hook_ctx *x = arg;
	struct bridge_conf *bc = x->bc;
	struct bridge_rec *r = bridge_rec_find(bc, x->entity);
	const struct confinfo_conf *base =
	    confinfo_notifier_conf_base(bc->b->n, bc->name);

	if (!r)
		return;
	r->asking = false;
	if (!ok) {
		bridge_log(bc->b, bc->name, "hook-failed",
			   "%s %s: %s; the endpoint is left as it was",
			   bridge_action_str(x->action), x->entity, why);
		return;
	}
	bridge_log(bc->b, bc->name, "hook", "%s %s: done",
		   bridge_action_str(x->action), x->entity);
	switch (x->action) {
	case BRIDGE_ACT_MUTE:
		r->voice_revoked = r->muted = true;
		(void)set_dup(&r->muted_by, x->by);
		r->mute_audio = bridge_user_audio(
		    base ? confinfo_conf_user(base, x->entity) : NULL);
		break;
	case BRIDGE_ACT_UNMUTE:
		r->voice_revoked = r->muted = false;
		break;
	case BRIDGE_ACT_KICK:
	case BRIDGE_ACT_BAN:
		r->booted = true;
		r->ban = r->ban || x->action == BRIDGE_ACT_BAN;
		r->seen_gone = false;
		if (set_dup(&r->when, x->when) || set_dup(&r->by, x->by) ||
		    set_dup(&r->reason, x->reason))
			r->booted = false; /* ENOMEM: claim nothing */
		break;
	default:
		break;
	}
	reapply(bc);
}

static void now_iso(char *buf, size_t size)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static json_t *hook_json(const struct bridge_conf *bc, const struct hook_ctx *x,
			 const struct confinfo_user *u, const int *status,
			 size_t status_count)
{
	json_t *eps = json_array(), *st = json_array();

	for (size_t i = 0;
	     u && i < u->endpoints.count && i < MAX_HOOK_ENDPOINTS; i++) {
		const struct confinfo_endpoint *ep = u->endpoints.items[i];

		if (ep->entity)
			json_array_append_new(eps, json_string(ep->entity));
	}
	for (size_t i = 0; i < status_count; i++)
		json_array_append_new(st, json_integer(status[i]));
	/* jansson escapes every string; the reason is already cleaned. */
	return json_pack("{s:s,s:s,s:s,s:o,s:s,s:s?,s:s,s:o,s:s}", "conference",
			 bc->name, "action", bridge_action_str(x->action),
			 "user", x->entity, "endpoints", eps, "by", x->by,
			 "reason", x->reason[0] ? x->reason : NULL, "room",
			 bc->room_uri ? bc->room_uri : "", "status", st, "time",
			 x->when);
}

int bridge_enforce(struct bridge_conf *bc, enum bridge_action action,
		   const struct confinfo_conf *base, const char *entity,
		   const char *by, const char *reason, const int *status,
		   size_t status_count)
{
	struct confinfo_bridge *b = bc->b;
	struct bridge_rec *r = rec_get(bc, entity);
	struct hook_ctx *x;
	char *json;
	json_t *o;
	int err;

	if (!r)
		return ENOMEM;
	if (r->asking || (action == BRIDGE_ACT_MUTE && r->voice_revoked) ||
	    (action == BRIDGE_ACT_UNMUTE && !r->voice_revoked))
		return 0;
	if (!bc->hook) {
		err = bridge_hook_alloc(&bc->hook, b->hook, b->hook_timeout_ms,
					b->hook_rate);
		if (err)
			return err;
	}
	x = calloc(1, sizeof(*x));
	if (!x)
		return ENOMEM;
	x->bc = bc;
	x->action = action;
	snprintf(x->entity, sizeof(x->entity), "%s", entity);
	snprintf(x->by, sizeof(x->by), "%s", by ? by : "");
	snprintf(x->reason, sizeof(x->reason), "%s", reason ? reason : "");
	now_iso(x->when, sizeof(x->when));
	o = hook_json(bc, x, base ? confinfo_conf_user(base, entity) : NULL,
		      status, status_count);
	json = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(o);
	if (!json) {
		free(x);
		return ENOMEM;
	}
	bridge_log(b, bc->name, "hook-run", "%s", json);
	err = bridge_hook_run(bc->hook, json, hook_done, x);
	free(json);
	if (err == EAGAIN)
		bridge_log(b, bc->name, "hook-failed",
			   "%s %s: over the rate limit; the endpoint is left "
			   "as it was",
			   bridge_action_str(action), entity);
	if (!err) {
		r->asking = true;
		r->last_ask = tmr_jiffies();
	}
	return err;
}

void bridge_child_line(const char *line, size_t len, void *arg)
{
	struct confinfo_bridge *b = arg;
	json_t *ev = json_loadb(line, len, 0, NULL);
	const char *type = jstr(ev, "ev");
	struct bridge_conf *bc = conf_by_room(b, jstr(ev, "room"));
	char *text;

	if (!type) {
		bridge_log(b, NULL, "child", "unreadable line from the child");
		goto out;
	}
	if (!strcmp(type, "presence") && bc) {
		on_presence(bc, ev);
	} else if (!strcmp(type, "joined") && bc) {
		on_joined(bc, ev);
	} else if (!strcmp(type, "room_config") && bc) {
		const char *whois = jstr(ev, "whois");

		if (whois)
			bc->sees_jids = !strcmp(whois, "moderators") ||
					!strcmp(whois, "anyone");
		bridge_log(b, bc->name, "room-config", "whois=%s",
			   whois ? whois : "unknown");
	} else if ((!strcmp(type, "left") || !strcmp(type, "destroyed")) &&
		   bc) {
		text = clean_dup(
		    jstr(ev, strcmp(type, "left") ? "reason" : "error"),
		    CONFINFO_BRIDGE_REASON_MAX);
		bridge_log(b, bc->name, type, "%s%s%s", bc->room,
			   text ? ": " : "", text ? text : "");
		free(text);
		bc->joined = false;
		bridge_room_reset(&bc->occ);
		reapply(bc);
	} else if (!strcmp(type, "result")) {
		if (!json_is_true(json_object_get(ev, "ok"))) {
			text = clean_dup(jstr(ev, "error"), 256);
			bridge_log(b, NULL, "command-failed", "id=%lld: %s",
				   (long long)json_integer_value(
				       json_object_get(ev, "id")),
				   text ? text : "unknown");
			free(text);
		}
	} else if (!strcmp(type, "error") || !strcmp(type, "disconnected") ||
		   !strcmp(type, "connected")) {
		text = clean_dup(
		    jstr(ev, !strcmp(type, "connected") ? "jid" : "error"),
		    256);
		bridge_log(b, NULL, type, "%s", text ? text : "");
		free(text);
	}
out:
	json_decref(ev);
}
