/*
 * The JSON view of a state (see json.h and confinfo(1), JSON OUTPUT).
 *
 * Builders below return a new reference or NULL. jansson's *_set_new and
 * *_append_new take the value over even when they fail and refuse a NULL
 * value or container, so a failure anywhere propagates as a non-zero
 * return without leaking: each builder ORs the returns together and checks
 * once at the end.
 */
#include <errno.h>
#include <stdlib.h>

#include "json.h"

/* A string, or null when absent. NULL on ENOMEM. */
static json_t *jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *ju32(const struct confinfo_u32 *n)
{
	return n->set ? json_integer((json_int_t)n->value) : json_null();
}

static json_t *jbool(enum confinfo_bool b)
{
	if (b == CONFINFO_BOOL_UNSET)
		return json_null();
	return json_boolean(b == CONFINFO_BOOL_TRUE);
}

/* The meaning of a state attribute: absent reads as "full". */
static json_t *jstate(enum confinfo_state s)
{
	return jstr(confinfo_state_str(confinfo_state_effective(s)));
}

/* Drop @p obj and return NULL if any set failed. */
static json_t *checked(json_t *obj, int bad)
{
	if (bad) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

static json_t *uri_entry_obj(const struct confinfo_uri_entry *e)
{
	json_t *o = json_object();
	int bad = 0;

	bad |= json_object_set_new(o, "uri", jstr(e->uri));
	bad |= json_object_set_new(o, "purpose", jstr(e->purpose));
	bad |= json_object_set_new(o, "display_text", jstr(e->display_text));
	return checked(o, bad);
}

static json_t *sidebar_ref_obj(const struct confinfo_uri_entry *e)
{
	json_t *o = json_object();
	int bad = 0;

	bad |= json_object_set_new(o, "uri", jstr(e->uri));
	bad |= json_object_set_new(o, "display_text", jstr(e->display_text));
	return checked(o, bad);
}

/* An array of the entries of @p uris ([] when absent), each built by
 * @p entry_obj. */
static json_t *
uris_array(const struct confinfo_uris *uris,
	   json_t *(*entry_obj)(const struct confinfo_uri_entry *))
{
	json_t *a = json_array();
	int bad = 0;

	for (size_t i = 0; uris && i < uris->entries.count; i++)
		bad |=
		    json_array_append_new(a, entry_obj(uris->entries.items[i]));
	return checked(a, bad);
}

json_t *tool_json_room(const struct confinfo_chat_room *room)
{
	json_t *o = json_object();
	int bad = 0;

	bad |= json_object_set_new(o, "uri", jstr(room->entry->uri));
	bad |= json_object_set_new(o, "display_text",
				   jstr(room->entry->display_text));
	/* The spelling as written, so a script can tell the two apart. */
	bad |= json_object_set_new(o, "purpose_spelling",
				   jstr(room->entry->purpose));
	bad |= json_object_set_new(o, "in_conf_uris",
				   json_boolean(room->in_conf_uris));
	return checked(o, bad);
}

static int rooms_array(json_t **arrp, const struct confinfo_conf *conf,
		       struct confinfo_diag *diag, tool_json_room_h *roomh,
		       void *arg)
{
	struct confinfo_chat_room *rooms = NULL;
	json_t *a = NULL;
	size_t count = 0;
	int err;

	err = confinfo_chat_rooms(conf, &rooms, &count, diag);
	if (err)
		goto out;
	a = json_array();
	if (!a) {
		err = ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < count; i++) {
		json_t *o = tool_json_room(&rooms[i]);

		if (!o) {
			err = ENOMEM;
			goto out;
		}
		if (json_array_append_new(a, o)) {
			err = ENOMEM;
			goto out;
		}
		if (roomh) {
			err = roomh(o, &rooms[i], arg);
			if (err)
				goto out;
		}
	}
	*arrp = a;
	a = NULL;
out:
	json_decref(a);
	free(rooms);
	return err;
}

static json_t *media_obj(const struct confinfo_media *m)
{
	json_t *o = json_object();
	int bad = 0;

	bad |= json_object_set_new(o, "id", jstr(m->id));
	bad |= json_object_set_new(o, "type", jstr(m->type));
	bad |= json_object_set_new(o, "label", jstr(m->label));
	bad |= json_object_set_new(o, "status",
				   jstr(confinfo_media_status_str(m->status)));
	return checked(o, bad);
}

static json_t *endpoint_obj(const struct confinfo_endpoint *ep)
{
	json_t *o = json_object();
	json_t *media = json_array();
	int bad = 0;

	for (size_t i = 0; i < ep->media.count; i++)
		bad |=
		    json_array_append_new(media, media_obj(ep->media.items[i]));
	/* Set even when an append failed: @p o takes @p media over and
	 * checked() releases both. */
	bad |= json_object_set_new(o, "entity", jstr(ep->entity));
	bad |= json_object_set_new(o, "state", jstate(ep->state));
	bad |= json_object_set_new(o, "display_text", jstr(ep->display_text));
	bad |= json_object_set_new(
	    o, "status", jstr(confinfo_endpoint_status_str(ep->status)));
	bad |= json_object_set_new(
	    o, "joining_method",
	    jstr(confinfo_joining_method_str(ep->joining_method)));
	bad |= json_object_set_new(
	    o, "disconnection_method",
	    jstr(confinfo_disconnection_method_str(ep->disconnection_method)));
	bad |= json_object_set_new(o, "media", media);
	return checked(o, bad);
}

static json_t *user_obj(const struct confinfo_user *u)
{
	json_t *o = json_object();
	json_t *roles = json_array();
	json_t *eps = json_array();
	int bad = 0;

	for (size_t i = 0; u->roles && i < u->roles->count; i++)
		bad |= json_array_append_new(roles, jstr(u->roles->entries[i]));
	for (size_t i = 0; i < u->endpoints.count; i++)
		bad |= json_array_append_new(
		    eps, endpoint_obj(u->endpoints.items[i]));
	bad |= json_object_set_new(o, "entity", jstr(u->entity));
	bad |= json_object_set_new(o, "state", jstate(u->state));
	bad |= json_object_set_new(o, "display_text", jstr(u->display_text));
	bad |= json_object_set_new(o, "roles", roles);
	bad |= json_object_set_new(o, "endpoints", eps);
	return checked(o, bad);
}

static json_t *sidebar_val_obj(const struct confinfo_conf *sb)
{
	json_t *o = json_object();
	int bad = 0;

	bad |= json_object_set_new(o, "entity", jstr(sb->entity));
	bad |= json_object_set_new(o, "state", jstate(sb->state));
	return checked(o, bad);
}

int tool_json_conf(json_t **objp, const struct confinfo_conf *conf,
		   struct confinfo_diag *diag, tool_json_room_h *roomh,
		   void *arg)
{
	const struct confinfo_description *d = conf->description;
	const struct confinfo_conf_state *cs = conf->conf_state;
	const struct confinfo_u32 unset = {0};
	json_t *o = NULL, *rooms = NULL, *users, *sbv;
	int bad = 0;
	int err;

	/* First, as it is the only part that can fail other than by ENOMEM
	 * (the hook) and that reports warnings. */
	err = rooms_array(&rooms, conf, diag, roomh, arg);
	if (err)
		return err;
	o = json_object();
	bad |= json_object_set_new(o, "entity", jstr(conf->entity));
	bad |= json_object_set_new(o, "state", jstate(conf->state));
	bad |= json_object_set_new(o, "version", ju32(&conf->version));
	bad |= json_object_set_new(o, "subject", jstr(d ? d->subject : NULL));
	bad |= json_object_set_new(o, "display_text",
				   jstr(d ? d->display_text : NULL));
	bad |= json_object_set_new(o, "user_count",
				   ju32(cs ? &cs->user_count : &unset));
	bad |= json_object_set_new(
	    o, "active", jbool(cs ? cs->active : CONFINFO_BOOL_UNSET));
	bad |= json_object_set_new(
	    o, "locked", jbool(cs ? cs->locked : CONFINFO_BOOL_UNSET));
	bad |= json_object_set_new(
	    o, "conf_uris", uris_array(d ? d->conf_uris : NULL, uri_entry_obj));
	bad |= json_object_set_new(
	    o, "service_uris",
	    uris_array(d ? d->service_uris : NULL, uri_entry_obj));
	bad |= json_object_set_new(o, "chat_rooms", rooms);

	/* Containers are handed to @p o before they are filled, so that a
	 * failure at any point leaves one thing to release. */
	users = json_array();
	bad |= json_object_set_new(o, "users", users);
	for (size_t i = 0; !bad && conf->users && i < conf->users->users.count;
	     i++)
		bad |= json_array_append_new(
		    users, user_obj(conf->users->users.items[i]));
	bad |= json_object_set_new(
	    o, "sidebars_by_ref",
	    uris_array(conf->sidebars_by_ref, sidebar_ref_obj));
	sbv = json_array();
	bad |= json_object_set_new(o, "sidebars_by_val", sbv);
	for (size_t i = 0; !bad && conf->sidebars_by_val &&
			   i < conf->sidebars_by_val->entries.count;
	     i++)
		bad |= json_array_append_new(
		    sbv,
		    sidebar_val_obj(conf->sidebars_by_val->entries.items[i]));
	if (bad) {
		json_decref(o);
		return ENOMEM;
	}
	*objp = o;
	return 0;
}

int tool_json_print(FILE *f, const json_t *obj)
{
	/* JSON_PRESERVE_ORDER is what jansson 2.14 does anyway; older
	 * versions need it to keep the documented key order. */
	if (json_dumpf(obj, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER))
		return EIO;
	if (fputc('\n', f) == EOF)
		return EIO;
	return 0;
}
