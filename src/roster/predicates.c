/*
 * The meaning of one user of a state (roster.h): present, muted, roles.
 * These are the rules `confinfo watch` has always shown, now in one place
 * for every client.
 *
 * Why "present" is not just "listed": RFC 4575 lets a focus keep a user who
 * departed, with its endpoints in status disconnected and the
 * disconnection-info saying when and why (section 5.7.6), so a roster
 * that only counted listed users would never see anyone leave. A user
 * listed without any endpoint is a user the focus knows nothing more
 * about (e.g. invited, or a cascaded focus's summary): present.
 *
 * Why "muted" looks at media too: a focus mutes either by the endpoint
 * status muted-via-focus or by no longer taking the endpoint's audio,
 * which it reports as an audio stream recvonly (the focus only sends) or
 * inactive (section 5.8.5). A disconnected endpoint's leftovers do not
 * count: it is no longer in the conference.
 */
#include <string.h>

#include "confinfo/roster.h"

static bool endpoint_gone(const struct confinfo_endpoint *ep)
{
	return ep->status == CONFINFO_EP_STATUS_DISCONNECTED;
}

bool confinfo_roster_user_present(const struct confinfo_user *user)
{
	if (!user)
		return false;
	if (user->endpoints.count == 0)
		return true;
	for (size_t i = 0; i < user->endpoints.count; i++) {
		if (!endpoint_gone(user->endpoints.items[i]))
			return true;
	}
	return false;
}

static bool audio_held(const struct confinfo_media *m)
{
	return m->type && !strcmp(m->type, "audio") &&
	       (m->status == CONFINFO_MEDIA_STATUS_RECVONLY ||
		m->status == CONFINFO_MEDIA_STATUS_INACTIVE);
}

bool confinfo_roster_user_muted(const struct confinfo_user *user)
{
	for (size_t i = 0; user && i < user->endpoints.count; i++) {
		const struct confinfo_endpoint *ep = user->endpoints.items[i];

		if (endpoint_gone(ep))
			continue;
		if (ep->status == CONFINFO_EP_STATUS_MUTED_VIA_FOCUS)
			return true;
		for (size_t j = 0; j < ep->media.count; j++) {
			if (audio_held(ep->media.items[j]))
				return true;
		}
	}
	return false;
}

bool confinfo_roster_user_has_role(const struct confinfo_user *user,
				   const char *role)
{
	const struct confinfo_roles *r = user ? user->roles : NULL;

	for (size_t i = 0; role && r && i < r->count; i++) {
		if (!strcmp(r->entries[i], role))
			return true;
	}
	return false;
}

bool confinfo_roster_roles_equal(const struct confinfo_roles *a,
				 const struct confinfo_roles *b)
{
	size_t na = a ? a->count : 0, nb = b ? b->count : 0;

	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++) {
		if (strcmp(a->entries[i], b->entries[i]))
			return false;
	}
	return true;
}
