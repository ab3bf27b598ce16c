/**
 * @file chat.h
 * @brief Group text chat rooms of a conference (RFC 7106).
 *
 * A focus advertises chat rooms as <service-uris> entries whose <purpose>
 * is `grouptextchat`. This module lists them and (see the check functions
 * below) decides what a client may show and do with each one, following
 * the project's contract (docs/chat-rooms.md).
 *
 * Since 0.1.
 */
#ifndef CONFINFO_CHAT_H
#define CONFINFO_CHAT_H

#include <stdbool.h>
#include <stddef.h>

#include "confinfo/diag.h"
#include "confinfo/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The registered purpose (RFC 7106 section 3). */
#define CONFINFO_CHAT_PURPOSE "grouptextchat"
/** The misspelling in RFC 7106's own example: accepted, warned about, never
 *  written. */
#define CONFINFO_CHAT_PURPOSE_MISSPELLED "groupertextchat"

/** One advertised chat room: a view into a state (nothing is copied). */
struct confinfo_chat_room {
	const struct confinfo_uri_entry *entry; /**< the entry in the state */
	bool in_conf_uris; /**< listed in <conf-uris> (accepted, unusual)   */
	bool misspelled;   /**< purpose spelled `groupertextchat`           */
};

/**
 * List the chat rooms of @p conf, service-uris first, then conf-uris, in
 * document order.
 *
 * @param roomsp  on success a malloc'd array (free() it; NULL when there
 *                are none); its entries point into @p conf and are valid
 *                while @p conf is not modified
 * @param countp  on success the number of rooms
 * @param diag    optional; one warning per misspelled purpose
 * @return 0, EINVAL, ENOMEM
 */
int confinfo_chat_rooms(const struct confinfo_conf *conf,
			struct confinfo_chat_room **roomsp, size_t *countp,
			struct confinfo_diag *diag);

#ifdef __cplusplus
}
#endif

#endif
