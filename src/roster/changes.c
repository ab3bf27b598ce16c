/*
 * What a document touches (roster.h, confinfo_roster_changes_from_doc()).
 *
 * The merge consumes the document, and with it the knowledge of which
 * users changed; the roster needs that knowledge afterwards, so it is
 * taken from the document first. Only the users element matters: a change
 * elsewhere (description, conference-state, sidebars) changes nobody's
 * presence, mute, roles or endpoint status. A document that replaces the
 * users whole (full or deleted root, full or deleted <users>) touches
 * everyone; a partial <users> touches exactly its <user> elements,
 * whatever their state (full replaces, partial merges, deleted removes,
 * and an unknown entity is appended).
 *
 * The entities are copied into one block: one allocation per document,
 * whatever its size.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "confinfo/roster.h"
#include "model/alloc.h"
#include "roster/roster_int.h"

static bool touches_all(const struct confinfo_conf *doc)
{
	if (confinfo_state_effective(doc->state) != CONFINFO_STATE_PARTIAL)
		return true;
	return doc->users && confinfo_state_effective(doc->users->state) !=
				 CONFINFO_STATE_PARTIAL;
}

/* The changes naming the users of @p list, in its order. */
static struct confinfo_roster_changes *
changes_of(const struct confinfo_list *list)
{
	size_t n = list ? list->count : 0, size, i;
	struct confinfo_roster_changes *c;
	char *text;

	if (n > (SIZE_MAX - sizeof(*c)) / sizeof(char *))
		return NULL;
	size = sizeof(*c) + n * sizeof(char *);
	for (i = 0; i < n; i++) {
		size_t len = strlen(confinfo_item_key(list->items[i])) + 1;

		if (len > SIZE_MAX - size)
			return NULL;
		size += len;
	}
	c = ci_malloc(size);
	if (!c)
		return NULL;
	c->all = false;
	c->count = n;
	c->entities = (char **)(c + 1);
	text = (char *)(c->entities + n);
	for (i = 0; i < n; i++) {
		const char *key = confinfo_item_key(list->items[i]);
		size_t len = strlen(key) + 1;

		memcpy(text, key, len);
		c->entities[i] = text;
		text += len;
	}
	return c;
}

int confinfo_roster_changes_from_doc(struct confinfo_roster_changes **cp,
				     const struct confinfo_conf *doc)
{
	struct confinfo_roster_changes *c;

	if (!cp || !doc)
		return EINVAL;
	if (touches_all(doc)) {
		c = ci_malloc(sizeof(*c));
		if (!c)
			return ENOMEM;
		c->all = true;
		c->count = 0;
		c->entities = NULL;
	} else {
		c = changes_of(doc->users ? &doc->users->users : NULL);
		if (!c)
			return ENOMEM;
	}
	*cp = c;
	return 0;
}

void confinfo_roster_changes_free(struct confinfo_roster_changes *c)
{
	ci_free(c);
}

bool confinfo_roster_changes_all(const struct confinfo_roster_changes *c)
{
	return !c || c->all;
}

size_t confinfo_roster_changes_count(const struct confinfo_roster_changes *c)
{
	return c && !c->all ? c->count : 0;
}

const char *
confinfo_roster_changes_entity(const struct confinfo_roster_changes *c,
			       size_t i)
{
	if (!c || c->all || i >= c->count)
		return NULL;
	return c->entities[i];
}
