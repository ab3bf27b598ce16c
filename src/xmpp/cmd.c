/*
 * The room commands (join, leave, role, affiliation): checking their
 * JSON, then handing them to muc.c's rooms or to a muc#admin IQ. Every
 * command owes exactly one "result"; the ones that wait for the server
 * get it from their IQ's handler (which also runs on timeout and on
 * disconnect), so no path drops it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmppc.h"

static const char *str_field(json_t *cmd, const char *key)
{
	const char *s = json_string_value(json_object_get(cmd, key));

	return (s && *s && strlen(s) < XC_STR_MAX) ? s : NULL;
}

/* A bare JID: node@domain, no resource (rooms and admins). */
static bool bare_jid_ok(const char *room)
{
	const char *at = room ? strchr(room, '@') : NULL;

	return at && at != room && at[1] && !strchr(room, '/') &&
	       !strchr(at + 1, '@');
}

static bool one_of(const char *s, const char *const *set)
{
	for (; s && *set; set++)
		if (strcmp(s, *set) == 0)
			return true;
	return false;
}

static struct xc_room *room_slot(struct xc *xc, const char *jid)
{
	struct xc_room *r = xc_room_find(xc, jid);
	unsigned i;

	if (r)
		return r;
	/* A free entry keeps its generation: IQs of its old room see it. */
	for (i = 0; i < xc->room_count; i++)
		if (xc->rooms[i].state == XC_ROOM_GONE)
			return &xc->rooms[i];
	if (xc->room_count == XC_ROOMS_MAX)
		return NULL;
	r = &xc->rooms[xc->room_count++];
	r->state = XC_ROOM_GONE;
	return r;
}

static int room_fill(struct xc_room *r, const char *jid, const char *nick,
		     json_t *config, json_t *admins)
{
	char *j = strdup(jid), *n = strdup(nick);
	json_t *held = json_array();
	json_t *cfg =
	    json_is_object(config) ? json_deep_copy(config) : json_object();
	json_t *adm = json_array();
	unsigned gen;
	size_t i;
	json_t *a;

	json_array_foreach(admins, i, a)
	{
		if (json_is_string(a) && bare_jid_ok(json_string_value(a)))
			json_array_append(adm, a);
		else
			xc_log("join %s: admin entry %zu is not a bare JID, "
			       "ignored",
			       jid, i);
	}
	if (!j || !n || !held || !cfg || !adm) {
		free(j), free(n);
		json_decref(held), json_decref(cfg), json_decref(adm);
		return ENOMEM;
	}
	free(r->jid), free(r->nick);
	json_decref(r->held), json_decref(r->config), json_decref(r->admins);
	gen = r->gen + 1;
	memset(r, 0, sizeof(*r));
	r->gen = gen;
	r->jid = j, r->nick = n, r->held = held, r->config = cfg;
	r->admins = adm;
	snprintf(r->affiliation, sizeof(r->affiliation), "none");
	snprintf(r->role, sizeof(r->role), "none");
	r->state = XC_ROOM_IDLE;
	return 0;
}

void xc_cmd_join(struct xc *xc, json_int_t id, json_t *cmd)
{
	const char *room = str_field(cmd, "room"),
		   *nick = str_field(cmd, "nick");
	json_t *admins = json_object_get(cmd, "admins");
	struct xc_room *r;

	if (!bare_jid_ok(room) || !nick) {
		xc_emit_result(id, "bad-request");
		return;
	}
	if (admins && !json_is_array(admins)) {
		xc_emit_result(id, "bad-request");
		return;
	}
	r = room_slot(xc, room);
	if (!r) {
		xc_emit_result(id, "resource-constraint");
		return;
	}
	if (r->state != XC_ROOM_GONE) {
		xc_emit_result(id, "already-joined");
		return;
	}
	if (room_fill(r, room, nick, json_object_get(cmd, "config"), admins)) {
		xc_emit_result(id, "resource-constraint");
		return;
	}
	r->join_id = id;
	r->join_pending = true;
	/* Not connected: xc_muc_connected joins it with the others. */
	if (xc->connected)
		xc_muc_connected(xc);
}

void xc_cmd_leave(struct xc *xc, json_int_t id, json_t *cmd)
{
	const char *room = str_field(cmd, "room");
	struct xc_room *r = room ? xc_room_find(xc, room) : NULL;
	xmpp_stanza_t *p;

	if (!r || r->state == XC_ROOM_GONE || r->state == XC_ROOM_LEAVING) {
		xc_emit_result(id, "not-joined");
		return;
	}
	if (r->join_pending) {
		r->join_pending = false;
		xc_emit_result(r->join_id, "left");
	}
	if (!xc->connected || r->state == XC_ROOM_IDLE) {
		r->state = XC_ROOM_GONE;
		xc_emit(json_pack("{s:s,s:s,s:n}", "ev", "left", "room", r->jid,
				  "error"));
		xc_emit_result(id, NULL);
		return;
	}
	p = xc_st_leave(xc->ctx, r);
	if (!p) {
		xc_emit_result(id, "resource-constraint");
		return;
	}
	xmpp_send(xc->conn, p);
	xmpp_stanza_release(p);
	r->state = XC_ROOM_LEAVING; /* "left" when the server confirms */
	xc_emit_result(id, NULL);
}

static void on_admin_result(struct xc_iq *iq, xmpp_stanza_t *reply,
			    const char *error)
{
	(void)reply;
	xc_emit_result(iq->cmd_id, error);
}

/* A muc#admin change for a command; the result comes from the IQ. */
static void admin_send(struct xc *xc, json_int_t id, struct xc_room *r,
		       xmpp_stanza_t *st)
{
	int err = xc_iq_send(xc, st, on_admin_result, r, id);

	if (err == ENOTCONN)
		xc_emit_result(id, "disconnected");
	else if (err)
		xc_emit_result(id, "resource-constraint");
}

static struct xc_room *joined_room(struct xc *xc, json_int_t id, json_t *cmd)
{
	const char *room = str_field(cmd, "room");
	struct xc_room *r = room ? xc_room_find(xc, room) : NULL;

	if (!r || r->state != XC_ROOM_JOINED) {
		xc_emit_result(id, (r && r->state == XC_ROOM_IDLE)
				       ? "disconnected"
				       : "not-joined");
		return NULL;
	}
	return r;
}

void xc_cmd_role(struct xc *xc, json_int_t id, json_t *cmd)
{
	static const char *const roles[] = {"none", "visitor", "participant",
					    "moderator", NULL};
	const char *nick = str_field(cmd, "nick"),
		   *role = str_field(cmd, "role");
	struct xc_room *r;

	if (!nick || !one_of(role, roles)) {
		xc_emit_result(id, "bad-request");
		return;
	}
	r = joined_room(xc, id, cmd);
	if (r)
		admin_send(xc, id, r,
			   xc_st_admin(xc->ctx, r->jid, "role", role, "nick",
				       nick, str_field(cmd, "reason")));
}

void xc_cmd_affiliation(struct xc *xc, json_int_t id, json_t *cmd)
{
	static const char *const affs[] = {"outcast", "none",  "member",
					   "admin",   "owner", NULL};
	const char *jid = str_field(cmd, "jid");
	const char *aff = str_field(cmd, "affiliation");
	struct xc_room *r;

	if (!jid || !strchr(jid, '@') || !one_of(aff, affs)) {
		xc_emit_result(id, "bad-request");
		return;
	}
	r = joined_room(xc, id, cmd);
	if (r)
		admin_send(xc, id, r,
			   xc_st_admin(xc->ctx, r->jid, "affiliation", aff,
				       "jid", jid, str_field(cmd, "reason")));
}
