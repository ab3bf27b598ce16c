/*
 * Rooms (XEP-0045). A room goes IDLE (wanted, not connected) -> JOINING
 * (presence sent) -> SETUP (our self-presence arrived: configure a room we
 * created, grant the admins, read whois with disco#info) -> JOINED; the
 * "joined" event is sent only then, and the occupant presences that
 * arrived meanwhile (a MUC service sends them before the self-presence)
 * are held and sent right after it, so that the bridge always sees
 * "joined" and then the room's occupants: after a reconnect that is the
 * resync. A connection lost puts every wanted room back to IDLE with
 * rejoin set; leaving, being kicked or banned, or the room's destruction
 * makes it GONE (never rejoined; the entry is reused).
 *
 * Everything from the network goes through xc_jstr (bounded, valid
 * UTF-8). Nothing here follows a <destroy> alternate venue or an invite.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmppc.h"

#define NS_MUC_USER "http://jabber.org/protocol/muc#user"

/* iq->cmd_id for IQs of our own (no command waits for them). */
#define NO_CMD ((json_int_t)-1)

struct xc_room *xc_room_find(struct xc *xc, const char *jid)
{
	unsigned i;

	for (i = 0; i < xc->room_count; i++)
		if (xc->rooms[i].jid && strcmp(xc->rooms[i].jid, jid) == 0)
			return &xc->rooms[i];
	return NULL;
}

static void emit_left(struct xc_room *r, const char *error)
{
	xc_emit(json_pack("{s:s,s:s,s:s?}", "ev", "left", "room", r->jid,
			  "error", error));
}

/* The room is no longer ours: GONE, and a join still owed a result
 * gets it (ERROR). */
static void room_gone(struct xc_room *r, const char *error)
{
	r->state = XC_ROOM_GONE;
	json_array_clear(r->held);
	if (r->join_pending) {
		r->join_pending = false;
		xc_emit_result(r->join_id, error ? error : "left");
	}
}

static void send_join(struct xc *xc, struct xc_room *r)
{
	xmpp_stanza_t *p = xc_st_join(xc->ctx, r);

	if (!p) {
		xc_log("room %s: out of memory", r->jid);
		return;
	}
	json_array_clear(r->held);
	r->state = XC_ROOM_JOINING;
	r->join_deadline = xc_now_ms() + XC_IQ_TIMEOUT_MS;
	xmpp_send(xc->conn, p);
	xmpp_stanza_release(p);
}

static void finish_join(struct xc_room *r)
{
	size_t i;
	json_t *ev;

	r->state = XC_ROOM_JOINED;
	/* Affiliation and role are the server's words, cut to 15 bytes:
	 * bounded like every network string, so never invalid UTF-8. */
	xc_emit(json_pack(
	    "{s:s,s:s,s:o,s:b,s:b,s:o,s:o,s:s?,s:b}", "ev", "joined", "room",
	    r->jid, "nick", xc_jstr(r->nick), "created", r->created,
	    "configured", r->configured, "affiliation", xc_jstr(r->affiliation),
	    "role", xc_jstr(r->role), "whois", r->whois, "rejoin", r->rejoin));
	json_array_foreach(r->held, i, ev)
	{
		xc_emit(json_incref(ev));
	}
	json_array_clear(r->held);
	if (r->join_pending) {
		r->join_pending = false;
		xc_emit_result(r->join_id, NULL);
	}
	r->rejoin = false;
}

/* One IQ of the setup is done; the last one finishes the join. */
static void setup_step(struct xc_room *r)
{
	if (--r->setup_iqs <= 0)
		finish_join(r);
}

static void on_disco(struct xc_iq *iq, xmpp_stanza_t *reply, const char *error)
{
	struct xc_room *r = iq->room;
	const char *whois = (reply && !error) ? xc_st_whois(reply) : NULL;

	if (r->state != XC_ROOM_SETUP || iq->room_gen != r->gen)
		return;
	if (whois)
		r->whois = whois;
	setup_step(r);
}

static void on_grant(struct xc_iq *iq, xmpp_stanza_t *reply, const char *error)
{
	(void)reply;
	if (error)
		xc_log("room %s: granting admin failed: %s", iq->room->jid,
		       error);
	if (iq->room->state == XC_ROOM_SETUP && iq->room_gen == iq->room->gen)
		setup_step(iq->room);
}

static void setup_send(struct xc *xc, struct xc_room *r, xmpp_stanza_t *st,
		       xc_iq_h *h)
{
	if (xc_iq_send(xc, st, h, r, NO_CMD) == 0)
		r->setup_iqs++;
	else
		xc_log("room %s: cannot send a setup request", r->jid);
}

/* After the configuration (or at once for a room we did not create):
 * the admins (only in a room we created) and disco#info, in parallel. */
static void setup_rest(struct xc *xc, struct xc_room *r)
{
	size_t i;
	json_t *a;

	r->setup_iqs = 1; /* held until everything below is sent */
	if (r->created) {
		json_array_foreach(r->admins, i, a)
		{
			setup_send(xc, r,
				   xc_st_admin(xc->ctx, r->jid, "affiliation",
					       "admin", "jid",
					       json_string_value(a), NULL),
				   on_grant);
		}
	}
	setup_send(xc, r, xc_st_disco(xc->ctx, r->jid), on_disco);
	setup_step(r);
}

static void on_config(struct xc_iq *iq, xmpp_stanza_t *reply, const char *error)
{
	struct xc_room *r = iq->room;
	json_t *w = json_object_get(r->config, "whois");

	(void)reply;
	if (r->state != XC_ROOM_SETUP || iq->room_gen != r->gen)
		return;
	r->configured = !error;
	if (error)
		xc_log("room %s: configuration refused: %s", r->jid, error);
	else if (json_is_string(w))
		r->whois = strcmp(json_string_value(w), "anyone") == 0
			       ? "anyone"
			       : "moderators";
	setup_rest(iq->xc, r);
}

/* Our own presence arrived while joining. */
static void self_joined(struct xc *xc, struct xc_room *r, json_t *codes)
{
	r->state = XC_ROOM_SETUP;
	r->created = xc_st_has_code(codes, 201);
	r->configured = false;
	r->setup_iqs = 0;
	if (xc_st_has_code(codes, 100))
		r->whois = "anyone";
	if (!r->created) {
		setup_rest(xc, r);
		return;
	}
	if (xc_iq_send(xc, xc_st_config(xc->ctx, r->jid, r->config), on_config,
		       r, NO_CMD) != 0) {
		xc_log("room %s: cannot send the configuration", r->jid);
		setup_rest(xc, r);
	}
}

static const char *why_out(json_t *codes, bool destroyed)
{
	if (destroyed)
		return "destroyed";
	if (xc_st_has_code(codes, 301))
		return "banned";
	if (xc_st_has_code(codes, 307))
		return "kicked";
	if (xc_st_has_code(codes, 321))
		return "removed: affiliation changed";
	if (xc_st_has_code(codes, 322))
		return "removed: the room became members-only";
	if (xc_st_has_code(codes, 332))
		return "removed: service shutdown";
	if (xc_st_has_code(codes, 333))
		return "removed: technical problem";
	return "removed";
}

static void emit_or_hold(struct xc_room *r, json_t *ev)
{
	if (r->state == XC_ROOM_JOINING || r->state == XC_ROOM_SETUP) {
		if (json_array_size(r->held) < XC_HELD_MAX)
			json_array_append_new(r->held, ev);
		else
			json_decref(ev);
		return;
	}
	xc_emit(ev);
}

/* Our nick in the room, as the room says it is (kept if out of memory:
 * the next leave would then name the old one, which the room ignores). */
static void set_nick(struct xc_room *r, const char *nick)
{
	char *copy = strdup(nick);

	if (copy) {
		free(r->nick);
		r->nick = copy;
	}
}

/* Our own unavailable presence: a nick change (303), or we are out. */
static void self_out(struct xc_room *r, json_t *ev, json_t *codes,
		     xmpp_stanza_t *item, xmpp_stanza_t *destroy)
{
	const char *nick =
	    item ? xmpp_stanza_get_attribute(item, "nick") : NULL;
	char *reason = NULL;
	xmpp_stanza_t *rs;

	if (xc_st_has_code(codes, 303) && nick) {
		set_nick(r, nick);
		emit_or_hold(r, ev);
		return;
	}
	emit_or_hold(r, ev);
	if (destroy) {
		rs = xmpp_stanza_get_child_by_name(destroy, "reason");
		reason = rs ? xmpp_stanza_get_text(rs) : NULL;
		xc_emit(json_pack("{s:s,s:s,s:o}", "ev", "destroyed", "room",
				  r->jid, "reason", xc_jstr(reason)));
		if (reason)
			xmpp_free(xmpp_stanza_get_context(destroy), reason);
	}
	if (r->state == XC_ROOM_LEAVING) {
		emit_left(r, NULL);
		room_gone(r, NULL);
	} else {
		emit_left(r, why_out(codes, destroy != NULL));
		room_gone(r, why_out(codes, destroy != NULL));
	}
}

static char *child_text(xmpp_stanza_t *parent, const char *name)
{
	xmpp_stanza_t *c =
	    parent ? xmpp_stanza_get_child_by_name(parent, name) : NULL;

	return c ? xmpp_stanza_get_text(c) : NULL;
}

/* The "presence" event of an occupant presence (see the file comment of
 * docs/xmpp-child.md), or NULL when out of memory. */
static json_t *presence_event(struct xc_room *r, xmpp_stanza_t *st,
			      const char *nick, xmpp_stanza_t *item,
			      json_t *codes)
{
	const char *type = xmpp_stanza_get_type(st);
	bool avail = !type || strcmp(type, "unavailable") != 0;
	xmpp_stanza_t *actor =
	    item ? xmpp_stanza_get_child_by_name(item, "actor") : NULL;
	const char *actor_s = NULL;
	char *reason = child_text(item, "reason");
	json_t *ev;

	if (actor) {
		actor_s = xmpp_stanza_get_attribute(actor, "nick");
		if (!actor_s)
			actor_s = xmpp_stanza_get_attribute(actor, "jid");
	}
#define ATTR(n) (item ? xmpp_stanza_get_attribute(item, n) : NULL)
	ev =
	    json_pack("{s:s,s:s,s:o,s:o,s:b,s:o,s:o,s:O,s:o,s:o,s:o,s:b}", "ev",
		      "presence", "room", r->jid, "nick", xc_jstr(nick), "jid",
		      xc_jstr(ATTR("jid")), "available", avail, "role",
		      xc_jstr(ATTR("role")), "affiliation",
		      xc_jstr(ATTR("affiliation")), "status", codes, "actor",
		      xc_jstr(actor_s), "reason", xc_jstr(reason), "new_nick",
		      xc_jstr(xc_st_has_code(codes, 303) ? ATTR("nick") : NULL),
		      "self", xc_st_has_code(codes, 110));
#undef ATTR
	if (reason)
		xmpp_free(xmpp_stanza_get_context(st), reason);
	return ev;
}

static void presence_error(struct xc *xc, struct xc_room *r, xmpp_stanza_t *st)
{
	char cond[64];

	xc_error_condition(st, cond, sizeof(cond));
	if (r->state != XC_ROOM_JOINING) {
		xc_log("room %s: presence error %s", r->jid, cond);
		return;
	}
	(void)xc;
	emit_left(r, cond);
	room_gone(r, cond);
}

static void copy_field(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "none");
}

static int on_presence(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	struct xc *xc = ud;
	const char *from = xmpp_stanza_get_from(st);
	const char *type = xmpp_stanza_get_type(st);
	char *bare = NULL, *nick = NULL;
	struct xc_room *r;
	xmpp_stanza_t *x, *item;
	json_t *codes = NULL, *ev;
	bool avail, self;

	(void)conn;
	if (!from || !(bare = xmpp_jid_bare(xc->ctx, from)) ||
	    !(r = xc_room_find(xc, bare)) || r->state == XC_ROOM_GONE ||
	    r->state == XC_ROOM_IDLE)
		goto out;
	if (type && strcmp(type, "error") == 0) {
		presence_error(xc, r, st);
		goto out;
	}
	nick = xmpp_jid_resource(xc->ctx, from);
	x = xmpp_stanza_get_child_by_name_and_ns(st, "x", NS_MUC_USER);
	if (!nick || !x)
		goto out;
	item = xmpp_stanza_get_child_by_name(x, "item");
	codes = xc_st_codes(x);
	ev = codes ? presence_event(r, st, nick, item, codes) : NULL;
	if (!ev)
		goto out;
	avail = !type || strcmp(type, "unavailable") != 0;
	self = xc_st_has_code(codes, 110);
	if (self && avail && strcmp(nick, r->nick) != 0)
		set_nick(r, nick); /* 210: the service chose our nick */
	if (self && avail && item) {
		copy_field(r->affiliation, sizeof(r->affiliation),
			   xmpp_stanza_get_attribute(item, "affiliation"));
		copy_field(r->role, sizeof(r->role),
			   xmpp_stanza_get_attribute(item, "role"));
	}
	if (self && !avail) {
		self_out(r, ev, codes, item,
			 xmpp_stanza_get_child_by_name(x, "destroy"));
		goto out;
	}
	emit_or_hold(r, ev);
	if (self && avail && r->state == XC_ROOM_JOINING)
		self_joined(xc, r, codes);
out:
	json_decref(codes);
	if (nick)
		xmpp_free(xc->ctx, nick);
	if (bare)
		xmpp_free(xc->ctx, bare);
	return 1;
}

static void on_recheck(struct xc_iq *iq, xmpp_stanza_t *reply,
		       const char *error)
{
	struct xc_room *r = iq->room;
	const char *whois = (reply && !error) ? xc_st_whois(reply) : NULL;
	json_t *codes = json_object_get(r->config, "_status");

	if (iq->room_gen != r->gen)
		return;
	if (whois)
		r->whois = whois;
	if (r->state == XC_ROOM_JOINED)
		xc_emit(json_pack(
		    "{s:s,s:s,s:O,s:s?}", "ev", "room_config", "room", r->jid,
		    "status", codes ? codes : json_array(), "whois", r->whois));
	json_object_del(r->config, "_status");
}

/* A room message with 104 or 170-174: the configuration changed (after
 * 173 we may no longer see real JIDs): re-read whois, then tell. */
static int on_message(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	struct xc *xc = ud;
	const char *from = xmpp_stanza_get_from(st);
	struct xc_room *r;
	xmpp_stanza_t *x;
	json_t *codes;
	size_t i;
	json_t *c;
	bool recheck = false;

	(void)conn;
	if (!from || strchr(from, '/') || !(r = xc_room_find(xc, from)) ||
	    r->state != XC_ROOM_JOINED)
		return 1;
	x = xmpp_stanza_get_child_by_name_and_ns(st, "x", NS_MUC_USER);
	codes = x ? xc_st_codes(x) : NULL;
	json_array_foreach(codes, i, c)
	{
		json_int_t v = json_integer_value(c);

		if (v == 104 || (v >= 170 && v <= 174))
			recheck = true;
	}
	if (recheck && json_object_set(r->config, "_status", codes) == 0 &&
	    xc_iq_send(xc, xc_st_disco(xc->ctx, r->jid), on_recheck, r,
		       NO_CMD) != 0)
		xc_log("room %s: cannot re-read the configuration", r->jid);
	json_decref(codes);
	return 1;
}

void xc_muc_handlers(struct xc *xc)
{
	xmpp_handler_add(xc->conn, on_presence, NULL, "presence", NULL, xc);
	xmpp_handler_add(xc->conn, on_message, NULL, "message", NULL, xc);
}

void xc_muc_connected(struct xc *xc)
{
	unsigned i;

	for (i = 0; i < xc->room_count; i++)
		if (xc->rooms[i].state == XC_ROOM_IDLE)
			send_join(xc, &xc->rooms[i]);
}

void xc_muc_disconnected(struct xc *xc)
{
	unsigned i;
	struct xc_room *r;

	for (i = 0; i < xc->room_count; i++) {
		r = &xc->rooms[i];
		switch (r->state) {
		case XC_ROOM_JOINED:
			r->rejoin = true; /* fall through */
		case XC_ROOM_JOINING:
		case XC_ROOM_SETUP:
			r->state = XC_ROOM_IDLE;
			json_array_clear(r->held);
			break;
		case XC_ROOM_LEAVING:
			emit_left(r, NULL);
			room_gone(r, NULL);
			break;
		default:
			break;
		}
	}
}

void xc_muc_leave_all(struct xc *xc)
{
	unsigned i;
	struct xc_room *r;
	xmpp_stanza_t *p;

	for (i = 0; i < xc->room_count; i++) {
		r = &xc->rooms[i];
		if (xc->connected &&
		    (r->state == XC_ROOM_JOINING || r->state == XC_ROOM_SETUP ||
		     r->state == XC_ROOM_JOINED)) {
			p = xc_st_leave(xc->ctx, r);
			if (p) {
				xmpp_send(xc->conn, p);
				xmpp_stanza_release(p);
			}
		}
		r->state = XC_ROOM_GONE;
	}
}

/* A join the room never answered (no self-presence, no error): given up
 * after 30 s like an IQ, with a leave in case the presence comes later. */
void xc_muc_poll(struct xc *xc, uint64_t now)
{
	unsigned i;
	struct xc_room *r;
	xmpp_stanza_t *p;

	for (i = 0; i < xc->room_count; i++) {
		r = &xc->rooms[i];
		if (r->state != XC_ROOM_JOINING || now < r->join_deadline)
			continue;
		p = xc->connected ? xc_st_leave(xc->ctx, r) : NULL;
		if (p) {
			xmpp_send(xc->conn, p);
			xmpp_stanza_release(p);
		}
		emit_left(r, "timeout");
		room_gone(r, "timeout");
	}
}
