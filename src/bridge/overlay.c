/*
 * The bridge's layer on a conference state (chat-bridge.md "Mapping").
 * The chat owns the roles named chat-*: whatever the mixer's input says
 * about them is dropped first, so that a document cannot make someone a
 * chat moderator; then the room's roles are added, and the mutes and
 * boots the mixer confirmed are written the way RFC 4575 says them:
 * muted-via-focus with the audio recvonly (5.7.3, 5.8.5), disconnected
 * by the booted method with when, reason and by (5.7.6).
 */
#include <errno.h>
#include <string.h>

#include "bridge_int.h"

#define PREFIX     CONFINFO_BRIDGE_ROLE_PREFIX
#define PREFIX_LEN (sizeof(PREFIX) - 1)

static bool chat_role(const char *r)
{
	return r && !strncmp(r, PREFIX, PREFIX_LEN);
}

static void strip_roles(struct confinfo_user *u)
{
	struct confinfo_roles *r = u->roles;
	size_t o = 0;

	if (!r)
		return;
	for (size_t i = 0; i < r->count; i++) {
		if (chat_role(r->entries[i]))
			confinfo_str_free(r->entries[i]);
		else
			r->entries[o++] = r->entries[i];
	}
	if (o == r->count)
		return;
	r->count = o;
	/* Only chat roles: as if the mixer had written none. */
	if (!o && confinfo_ext_empty(&r->ext)) {
		confinfo_roles_free(r);
		u->roles = NULL;
	}
}

static int add_roles(struct confinfo_user *u,
		     const struct bridge_user_overlay *o)
{
	int err = 0;

	if (!o->role_count)
		return 0;
	if (!u->roles && !(u->roles = confinfo_roles_new()))
		return ENOMEM;
	for (size_t i = 0; !err && i < o->role_count; i++)
		err = confinfo_roles_add(u->roles, o->roles[i]);
	return err;
}

static int mute_endpoint(struct confinfo_endpoint *ep, const char *by)
{
	if (ep->status == CONFINFO_EP_STATUS_DISCONNECTED)
		return 0;
	ep->status = CONFINFO_EP_STATUS_MUTED_VIA_FOCUS;
	for (size_t i = 0; i < ep->media.count; i++) {
		struct confinfo_media *m = ep->media.items[i];

		if (m->type && !strcmp(m->type, "audio"))
			m->status = CONFINFO_MEDIA_STATUS_RECVONLY;
	}
	return by ? confinfo_ext_add_attr(&ep->ext, CONFINFO_BRIDGE_NS, "cb",
					  "muted-by", by)
		  : 0;
}

static int boot_endpoint(struct confinfo_endpoint *ep,
			 const struct bridge_user_overlay *o)
{
	struct confinfo_exec *x = confinfo_exec_new();
	int err = 0;

	if (!x)
		return ENOMEM;
	err |= confinfo_str_set(&x->when, o->when);
	err |= confinfo_str_set(&x->reason, o->reason);
	err |= confinfo_str_set(&x->by, o->by);
	if (err) {
		confinfo_exec_free(x);
		return ENOMEM;
	}
	ep->status = CONFINFO_EP_STATUS_DISCONNECTED;
	ep->disconnection_method = CONFINFO_DISC_BOOTED;
	confinfo_exec_free(ep->disconnection_info);
	ep->disconnection_info = x;
	return 0;
}

static int apply_user(struct confinfo_user *u,
		      const struct bridge_user_overlay *o)
{
	int err = add_roles(u, o);

	for (size_t i = 0; !err && i < u->endpoints.count; i++) {
		struct confinfo_endpoint *ep = u->endpoints.items[i];

		if (o->booted)
			err = boot_endpoint(ep, o);
		else if (o->muted)
			err = mute_endpoint(ep, o->muted_by);
	}
	return err;
}

int bridge_overlay_apply(struct confinfo_conf *state,
			 const struct bridge_user_overlay *users, size_t count)
{
	struct confinfo_list *l;
	int err = 0;

	if (!state || !state->users)
		return 0;
	l = &state->users->users;
	for (size_t i = 0; i < l->count; i++)
		strip_roles(l->items[i]);
	for (size_t i = 0; !err && i < count; i++) {
		struct confinfo_user *u =
		    confinfo_list_find(l, users[i].entity);

		if (u)
			err = apply_user(u, &users[i]);
	}
	return err;
}

bool bridge_user_has_role(const struct confinfo_user *u,
			  const char *const *roles, size_t count)
{
	if (!u || !u->roles)
		return false;
	for (size_t i = 0; i < u->roles->count; i++) {
		const char *r = u->roles->entries[i];

		if (chat_role(r))
			continue;
		for (size_t j = 0; j < count; j++)
			if (r && !strcmp(r, roles[j]))
				return true;
	}
	return false;
}

bool bridge_user_connected(const struct confinfo_user *u)
{
	for (size_t i = 0; u && i < u->endpoints.count; i++) {
		const struct confinfo_endpoint *ep = u->endpoints.items[i];

		if (ep->status != CONFINFO_EP_STATUS_DISCONNECTED &&
		    ep->status != CONFINFO_EP_STATUS_DISCONNECTING)
			return true;
	}
	return false;
}

enum confinfo_media_status bridge_user_audio(const struct confinfo_user *u)
{
	for (size_t i = 0; u && i < u->endpoints.count; i++) {
		const struct confinfo_endpoint *ep = u->endpoints.items[i];

		for (size_t j = 0; j < ep->media.count; j++) {
			const struct confinfo_media *m = ep->media.items[j];

			if (m->type && !strcmp(m->type, "audio"))
				return m->status;
		}
	}
	return CONFINFO_MEDIA_STATUS_UNSET;
}
