/*
 * The JSON view of a conference state, shared by `show --json` and
 * `apply --json`. The keys and their order are documented in confinfo(1)
 * (section JSON OUTPUT); change both together.
 */
#ifndef CONFINFO_TOOLS_JSON_H
#define CONFINFO_TOOLS_JSON_H

#include <stdio.h>

#include <jansson.h>

#include "confinfo/chat.h"
#include "confinfo/diag.h"
#include "confinfo/model.h"

/*
 * Called for every chat room once its object ({uri, display_text,
 * purpose_spelling, in_conf_uris}) is built, so that a command can add keys
 * of its own (a verdict about the room, say) after the documented ones.
 * Return 0, or an errno to abandon the whole view.
 */
typedef int(tool_json_room_h)(json_t *obj,
			      const struct confinfo_chat_room *room, void *arg);

/*
 * Build the view of @p conf.
 *
 * @param objp   on success a new JSON object (json_decref() it)
 * @param diag   receives one warning per misspelled chat room purpose
 * @param roomh  optional per-room hook, with @p arg
 * @return 0, ENOMEM, or what the hook returned
 */
int tool_json_conf(json_t **objp, const struct confinfo_conf *conf,
		   struct confinfo_diag *diag, tool_json_room_h *roomh,
		   void *arg);

/* The object of one chat room ({uri, display_text, purpose_spelling,
 * in_conf_uris}), NULL on ENOMEM. */
json_t *tool_json_room(const struct confinfo_chat_room *room);

/* Print @p obj on @p f, indented by 2, keys in insertion order, and a
 * newline. 0 or EIO. */
int tool_json_print(FILE *f, const json_t *obj);

#endif
