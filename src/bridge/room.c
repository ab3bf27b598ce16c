/*
 * The occupants of one room as the bridge last saw them, by nick (what
 * the room addresses them by), each with its bare real JID when the room
 * shows it. The previous entry of an occupant is what makes a presence a
 * transition (voice revoked is participant -> visitor, not "visitor").
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bridge_int.h"

static const char *const role_names[] = {"none", "visitor", "participant",
					 "moderator"};
static const char *const affil_names[] = {"none", "outcast", "member", "admin",
					  "owner"};

enum bridge_role bridge_role_parse(const char *s)
{
	for (size_t i = 0; s && i < 4; i++)
		if (!strcmp(s, role_names[i]))
			return (enum bridge_role)i;
	return BRIDGE_ROLE_NONE;
}

enum bridge_affil bridge_affil_parse(const char *s)
{
	for (size_t i = 0; s && i < 5; i++)
		if (!strcmp(s, affil_names[i]))
			return (enum bridge_affil)i;
	return BRIDGE_AFFIL_NONE;
}

const char *bridge_role_str(enum bridge_role r)
{
	return (unsigned)r < 4 ? role_names[r] : "none";
}

const char *bridge_affil_str(enum bridge_affil a)
{
	return (unsigned)a < 5 ? affil_names[a] : "none";
}

struct bridge_occupant *bridge_room_find(const struct bridge_room *r,
					 const char *nick)
{
	for (size_t i = 0; nick && i < r->count; i++)
		if (!strcmp(r->occ[i].nick, nick))
			return &r->occ[i];
	return NULL;
}

static int set_str(char **dst, const char *src)
{
	char *s = NULL;

	if (src && !(s = strdup(src)))
		return ENOMEM;
	free(*dst);
	*dst = s;
	return 0;
}

int bridge_room_set(struct bridge_room *r, const char *nick, const char *bare,
		    enum bridge_role role, enum bridge_affil affil,
		    struct bridge_occupant **occp)
{
	struct bridge_occupant *o = bridge_room_find(r, nick);

	if (!nick)
		return EINVAL;
	if (!o) {
		if (r->count >= BRIDGE_ROOM_MAX_OCCUPANTS)
			return ENOSPC;
		if (r->count == r->cap) {
			size_t cap = r->cap ? r->cap * 2 : 8;
			void *p = realloc(r->occ, cap * sizeof(*r->occ));

			if (!p)
				return ENOMEM;
			r->occ = p;
			r->cap = cap;
		}
		o = &r->occ[r->count];
		memset(o, 0, sizeof(*o));
		if (set_str(&o->nick, nick))
			return ENOMEM;
		r->count++;
	}
	if (set_str(&o->bare, bare))
		return ENOMEM;
	o->role = role;
	o->affil = affil;
	if (occp)
		*occp = o;
	return 0;
}

void bridge_room_remove(struct bridge_room *r, const char *nick)
{
	struct bridge_occupant *o = bridge_room_find(r, nick);

	if (!o)
		return;
	free(o->nick);
	free(o->bare);
	*o = r->occ[--r->count];
}

void bridge_room_reset(struct bridge_room *r)
{
	for (size_t i = 0; i < r->count; i++) {
		free(r->occ[i].nick);
		free(r->occ[i].bare);
	}
	free(r->occ);
	memset(r, 0, sizeof(*r));
}
