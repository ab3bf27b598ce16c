/*
 * The JSON view of a state (see json.h and confinfo(1), JSON OUTPUT).
 *
 * Objects are built with json_pack(): it keeps the keys in the order
 * written (the documented order), turns a NULL string into null ("s?"),
 * and fails, releasing what it was handed ("o"), when a nested builder
 * returned NULL; so an ENOMEM anywhere propagates up as NULL without
 * leaking.
 */
#include <errno.h>
#include <stdlib.h>

#include "json.h"

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
static const char *state_str(enum confinfo_state s)
{
	return confinfo_state_str(confinfo_state_effective(s));
}

/* The items of @p l ([] when NULL), each built by @p obj. */
static json_t *array_of(const struct confinfo_list *l,
			json_t *(*obj)(const void *item))
{
	json_t *a = json_array();

	for (size_t i = 0; a && l && i < l->count; i++) {
		if (json_array_append_new(a, obj(l->items[i]))) {
			json_decref(a);
			a = NULL;
		}
	}
	return a;
}

static json_t *uri_entry_obj(const void *item)
{
	const struct confinfo_uri_entry *e = item;

	return json_pack("{s:s?, s:s?, s:s?}", "uri", e->uri, "purpose",
			 e->purpose, "display_text", e->display_text);
}

static json_t *sidebar_ref_obj(const void *item)
{
	const struct confinfo_uri_entry *e = item;

	return json_pack("{s:s?, s:s?}", "uri", e->uri, "display_text",
			 e->display_text);
}

static json_t *uris_array(const struct confinfo_uris *uris,
			  json_t *(*obj)(const void *item))
{
	return array_of(uris ? &uris->entries : NULL, obj);
}

json_t *tool_json_room(const struct confinfo_chat_room *room)
{
	/* purpose_spelling: as written, so a script can tell the two
	 * spellings apart. */
	return json_pack("{s:s?, s:s?, s:s?, s:b}", "uri", room->entry->uri,
			 "display_text", room->entry->display_text,
			 "purpose_spelling", room->entry->purpose,
			 "in_conf_uris", (int)room->in_conf_uris);
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

static json_t *media_obj(const void *item)
{
	const struct confinfo_media *m = item;

	return json_pack("{s:s?, s:s?, s:s?, s:s?}", "id", m->id, "type",
			 m->type, "label", m->label, "status",
			 confinfo_media_status_str(m->status));
}

static json_t *endpoint_obj(const void *item)
{
	const struct confinfo_endpoint *ep = item;

	return json_pack(
	    "{s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:o}", "entity", ep->entity,
	    "state", state_str(ep->state), "display_text", ep->display_text,
	    "status", confinfo_endpoint_status_str(ep->status),
	    "joining_method", confinfo_joining_method_str(ep->joining_method),
	    "disconnection_method",
	    confinfo_disconnection_method_str(ep->disconnection_method),
	    "media", array_of(&ep->media, media_obj));
}

static json_t *roles_array(const struct confinfo_roles *r)
{
	json_t *a = json_array();

	for (size_t i = 0; a && r && i < r->count; i++) {
		if (json_array_append_new(a, json_pack("s?", r->entries[i]))) {
			json_decref(a);
			a = NULL;
		}
	}
	return a;
}

static json_t *user_obj(const void *item)
{
	const struct confinfo_user *u = item;

	return json_pack("{s:s?, s:s?, s:s?, s:o, s:o}", "entity", u->entity,
			 "state", state_str(u->state), "display_text",
			 u->display_text, "roles", roles_array(u->roles),
			 "endpoints", array_of(&u->endpoints, endpoint_obj));
}

static json_t *sidebar_val_obj(const void *item)
{
	const struct confinfo_conf *sb = item;

	return json_pack("{s:s?, s:s?}", "entity", sb->entity, "state",
			 state_str(sb->state));
}

int tool_json_conf(json_t **objp, const struct confinfo_conf *conf,
		   struct confinfo_diag *diag, tool_json_room_h *roomh,
		   void *arg)
{
	const struct confinfo_description *d = conf->description;
	const struct confinfo_conf_state *cs = conf->conf_state;
	const struct confinfo_u32 unset = {0};
	json_t *o, *rooms = NULL;
	int err;

	/* First, as it is the only part that can fail other than by ENOMEM
	 * (the hook) and that reports warnings. */
	err = rooms_array(&rooms, conf, diag, roomh, arg);
	if (err)
		return err;
	o = json_pack(
	    "{s:s?, s:s?, s:o, s:s?, s:s?, s:o, s:o, s:o, s:o, s:o, s:o, s:o, "
	    "s:o, s:o}",
	    "entity", conf->entity, "state", state_str(conf->state), "version",
	    ju32(&conf->version), "subject", d ? d->subject : NULL,
	    "display_text", d ? d->display_text : NULL, "user_count",
	    ju32(cs ? &cs->user_count : &unset), "active",
	    jbool(cs ? cs->active : CONFINFO_BOOL_UNSET), "locked",
	    jbool(cs ? cs->locked : CONFINFO_BOOL_UNSET), "conf_uris",
	    uris_array(d ? d->conf_uris : NULL, uri_entry_obj), "service_uris",
	    uris_array(d ? d->service_uris : NULL, uri_entry_obj), "chat_rooms",
	    rooms, "users",
	    array_of(conf->users ? &conf->users->users : NULL, user_obj),
	    "sidebars_by_ref",
	    uris_array(conf->sidebars_by_ref, sidebar_ref_obj),
	    "sidebars_by_val",
	    array_of(conf->sidebars_by_val ? &conf->sidebars_by_val->entries
					   : NULL,
		     sidebar_val_obj));
	if (!o)
		return ENOMEM;
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
