/*
 * Listing the chat rooms of a conference state.
 */
#include <errno.h>
#include <string.h>

#include "confinfo/chat.h"
#include "model/alloc.h"

/* Appends the rooms of one uris list; the array was sized for all. */
static void collect(const struct confinfo_uris *uris, bool in_conf_uris,
		    struct confinfo_chat_room *rooms, size_t *n,
		    struct confinfo_diag *diag)
{
	if (!uris)
		return;
	for (size_t i = 0; i < uris->entries.count; i++) {
		const struct confinfo_uri_entry *e = uris->entries.items[i];
		bool misspelled;

		if (!e->purpose)
			continue;
		misspelled =
		    !strcmp(e->purpose, CONFINFO_CHAT_PURPOSE_MISSPELLED);
		if (!misspelled && strcmp(e->purpose, CONFINFO_CHAT_PURPOSE))
			continue;
		if (misspelled)
			confinfo_diag_warn(diag, 0, 0,
					   "chat room %s: purpose spelled '%s' "
					   "(as in RFC 7106's example); the "
					   "registered value is '%s'",
					   e->uri, e->purpose,
					   CONFINFO_CHAT_PURPOSE);
		rooms[*n].entry = e;
		rooms[*n].in_conf_uris = in_conf_uris;
		rooms[*n].misspelled = misspelled;
		(*n)++;
	}
}

int confinfo_chat_rooms(const struct confinfo_conf *conf,
			struct confinfo_chat_room **roomsp, size_t *countp,
			struct confinfo_diag *diag)
{
	const struct confinfo_description *d;
	struct confinfo_chat_room *rooms = NULL;
	size_t max = 0, n = 0;

	if (!conf || !roomsp || !countp)
		return EINVAL;
	d = conf->description;
	if (d && d->service_uris)
		max += d->service_uris->entries.count;
	if (d && d->conf_uris)
		max += d->conf_uris->entries.count;
	if (max) {
		rooms = ci_calloc(max, sizeof(*rooms));
		if (!rooms)
			return ENOMEM;
		collect(d->service_uris, false, rooms, &n, diag);
		collect(d->conf_uris, true, rooms, &n, diag);
	}
	if (!n) {
		ci_free(rooms);
		rooms = NULL;
	}
	*roomsp = rooms;
	*countp = n;
	return 0;
}
