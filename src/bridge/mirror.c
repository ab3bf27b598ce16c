/*
 * The reverse direction and the kept decisions, looked at on every new
 * base state (what the mixer, the files or PUBLISH say):
 * - a user booted from the call by someone else (the base shows it; the
 *   bridge's own boots live in the overlay, not the base) is kicked from
 *   the room, once per boot; the kick comes back as a presence whose
 *   actor is the bridge, which is never mirrored back;
 * - a banned user who shows up connected again after having been off
 *   the call is booted again through the hook, at most once per 5 s;
 *   a kicked (not banned) one who comes back is simply back;
 * - the mixer owns the media truth: when its audio status for a user
 *   the chat muted changes, the chat's mute is no longer shown.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bridge_int.h"
#include "confinfo/notifier.h"

#define BAN_REASK_MS 5000

static bool base_booted(const struct confinfo_user *u)
{
	for (size_t i = 0; i < u->endpoints.count; i++) {
		const struct confinfo_endpoint *ep = u->endpoints.items[i];

		if (ep->disconnection_method == CONFINFO_DISC_BOOTED &&
		    ep->status == CONFINFO_EP_STATUS_DISCONNECTED)
			return true;
	}
	return false;
}

static bool mirrored_has(struct bridge_conf *bc, const char *entity,
			 size_t *posp)
{
	for (size_t i = 0; i < bc->mirrored_count; i++) {
		if (!strcmp(bc->mirrored[i], entity)) {
			*posp = i;
			return true;
		}
	}
	return false;
}

static void kick_occupants(struct bridge_conf *bc,
			   const struct confinfo_conf *base,
			   const struct confinfo_user *u)
{
	struct confinfo_bridge *b = bc->b;

	for (size_t i = 0; i < bc->occ.count; i++) {
		const struct bridge_occupant *o = &bc->occ.occ[i];

		if (bridge_ident_user(&b->ident, base, o->bare) != u)
			continue;
		bridge_log(b, bc->name, "mirror",
			   "%s booted from the call: kicking %s from the room",
			   u->entity, o->nick);
		(void)bridge_send(
		    b, json_pack("{s:s,s:s,s:s,s:s,s:s}", "op", "role", "room",
				 bc->room, "nick", o->nick, "role", "none",
				 "reason", "booted from the conference"));
	}
}

static void observe_user(struct bridge_conf *bc,
			 const struct confinfo_conf *base,
			 const struct confinfo_user *u)
{
	struct bridge_rec *r = bridge_rec_find(bc, u->entity);
	size_t pos;
	bool booted = base_booted(u);
	bool known = mirrored_has(bc, u->entity, &pos);

	if (booted && !known && !(r && r->booted)) {
		char **p = realloc(bc->mirrored,
				   (bc->mirrored_count + 1) * sizeof(*p));
		char *e = strdup(u->entity);

		if (p)
			bc->mirrored = p;
		if (!p || !e) {
			free(e);
			return;
		}
		bc->mirrored[bc->mirrored_count++] = e;
		if (bc->joined)
			kick_occupants(bc, base, u);
	} else if (!booted && known) {
		free(bc->mirrored[pos]);
		bc->mirrored[pos] = bc->mirrored[--bc->mirrored_count];
	}
}

/* The rate window of a ban has passed: look at the state again. */
static void retry_handler(void *arg)
{
	struct bridge_conf *bc = arg;
	int err = confinfo_notifier_reapply(bc->b->n, bc->name);

	if (err && err != ENOENT)
		bridge_log(bc->b, bc->name, "error", "overlay: %s",
			   strerror(err));
}

static void observe_rec(struct bridge_conf *bc,
			const struct confinfo_conf *base, struct bridge_rec *r)
{
	const struct confinfo_user *u = confinfo_conf_user(base, r->entity);
	bool connected = bridge_user_connected(u);

	if (r->muted && bridge_user_audio(u) != r->mute_audio) {
		bridge_log(bc->b, bc->name, "mixer-wins",
			   "%s: the mixer's audio status replaces the chat's "
			   "mute",
			   r->entity);
		r->muted = false;
	}
	if (!r->booted && !r->ban)
		return;
	if (!connected) {
		r->seen_gone = true;
		return;
	}
	if (!r->seen_gone)
		return; /* the mixer has not caught up yet: keep the boot */
	/* Back on the call: the mixer's word, no boot is claimed. A kick
	 * is over; a ban is asked again, at most once per 5 s. */
	r->booted = false;
	if (!r->ban) {
		r->seen_gone = false;
		return;
	}
	if (r->asking)
		return;
	if (tmr_jiffies() - r->last_ask < BAN_REASK_MS) {
		if (!tmr_isrunning(&bc->retry)) {
			bridge_log(bc->b, bc->name, "ban-wait",
				   "%s is back; asked less than 5 s ago",
				   r->entity);
			tmr_start(&bc->retry,
				  BAN_REASK_MS - (tmr_jiffies() - r->last_ask),
				  retry_handler, bc);
		}
		return;
	}
	r->seen_gone = false;
	bridge_log(bc->b, bc->name, "ban-again", "%s is back on the call",
		   r->entity);
	(void)bridge_enforce(bc, BRIDGE_ACT_BAN, base, r->entity, r->by,
			     r->reason, NULL, 0);
}

void bridge_mirror_observe(struct bridge_conf *bc,
			   const struct confinfo_conf *base)
{
	const struct confinfo_list *l =
	    base->users ? &base->users->users : NULL;

	for (size_t i = 0; l && i < l->count; i++)
		observe_user(bc, base, l->items[i]);
	for (struct bridge_rec *r = bc->recs; r; r = r->next)
		observe_rec(bc, base, r);
}
