/*
 * docs/chat-rooms.md section 1: the checks compare rooms with the URI the
 * client subscribed to, never with the `entity` of a received document,
 * because a forged NOTIFY controls that attribute too. A document whose
 * entity differs from the subscription is itself suspicious, so it is
 * reported.
 */
#include <string.h>

#include "chat/chat_int.h"
#include "model/alloc.h"

bool confinfo_chat_entity_matches(const struct confinfo_conf *doc,
				  const struct confinfo_uri *subscribed,
				  struct confinfo_diag *diag)
{
	struct confinfo_uri *entity = NULL;
	char *shown_entity = NULL, *shown_sub = NULL;
	bool match = false;

	if (!doc || !subscribed || !subscribed->text)
		return false;
	if (doc->entity) {
		if (!strcmp(doc->entity, subscribed->text))
			return true;
		if (!confinfo_uri_parse(&entity, doc->entity,
					strlen(doc->entity), NULL, NULL))
			match = confinfo_uri_same_target(entity, subscribed);
		confinfo_uri_free(entity);
	}
	if (match)
		return true;
	if (doc->entity)
		shown_entity =
		    chat_display(doc->entity, strlen(doc->entity), false, NULL);
	shown_sub = chat_display(subscribed->text, strlen(subscribed->text),
				 false, NULL);
	confinfo_diag_warn(diag, 0, 0,
			   "document entity '%s' differs from the subscribed "
			   "URI '%s': the document may be forged; chat rooms "
			   "are checked against the subscribed URI",
			   shown_entity ? shown_entity
					: (doc->entity ? "?" : "(none)"),
			   shown_sub ? shown_sub : "?");
	ci_free(shown_entity);
	ci_free(shown_sub);
	return false;
}
