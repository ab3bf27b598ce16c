/*
 * What the roster remembers of one user (roster_int.h, struct roster_rec):
 * the fields a change event compares or shows, copied from the state into
 * one block, so that remembering a user costs one allocation whatever its
 * endpoints and roles, and forgetting it one free().
 */
#include <stdint.h>
#include <string.h>

#include "confinfo/roster.h"
#include "model/alloc.h"
#include "roster/roster_int.h"

/* Adds @p n to @p *total; false on overflow. */
static bool add_size(size_t *total, size_t n)
{
	if (n > SIZE_MAX - *total)
		return false;
	*total += n;
	return true;
}

static bool add_str(size_t *total, const char *s)
{
	return !s || add_size(total, strlen(s) + 1);
}

/* The bytes of the block for @p u, or 0 on overflow. */
static size_t rec_size(const struct confinfo_user *u)
{
	size_t n_eps = u->endpoints.count;
	size_t n_roles = u->roles ? u->roles->count : 0;
	size_t total = sizeof(struct roster_rec);

	if (n_eps > SIZE_MAX / sizeof(struct roster_ep) ||
	    n_roles > SIZE_MAX / sizeof(char *) ||
	    !add_size(&total, n_eps * sizeof(struct roster_ep)) ||
	    !add_size(&total, n_roles * sizeof(char *)) ||
	    !add_str(&total, u->entity) || !add_str(&total, u->display_text))
		return 0;
	for (size_t i = 0; i < n_eps; i++) {
		const struct confinfo_endpoint *ep = u->endpoints.items[i];

		if (!add_str(&total, ep->entity))
			return 0;
	}
	for (size_t i = 0; i < n_roles; i++) {
		if (!add_str(&total, u->roles->entries[i]))
			return 0;
	}
	return total;
}

/* Copies @p s to @p *text and moves it past the copy; NULL stays NULL. */
static char *put_str(char **text, const char *s)
{
	char *copy = *text;
	size_t len;

	if (!s)
		return NULL;
	len = strlen(s) + 1;
	memcpy(copy, s, len);
	*text += len;
	return copy;
}

struct roster_rec *roster_rec_new(const struct confinfo_user *u)
{
	size_t size = rec_size(u), n_roles = u->roles ? u->roles->count : 0;
	struct roster_rec *rec;
	char *text;

	if (!size)
		return NULL;
	rec = ci_malloc(size);
	if (!rec)
		return NULL;
	memset(rec, 0, sizeof(*rec));
	/* Both arrays hold pointers, and the struct's size is a multiple of
	 * a pointer's alignment: they need no padding. */
	rec->eps = (struct roster_ep *)(rec + 1);
	rec->roles.entries = (char **)(rec->eps + u->endpoints.count);
	text = (char *)(rec->roles.entries + n_roles);
	rec->entity = put_str(&text, u->entity);
	rec->display_text = put_str(&text, u->display_text);
	rec->ep_count = u->endpoints.count;
	for (size_t i = 0; i < rec->ep_count; i++) {
		const struct confinfo_endpoint *ep = u->endpoints.items[i];

		rec->eps[i].entity = put_str(&text, ep->entity);
		rec->eps[i].status = ep->status;
	}
	rec->roles.count = n_roles;
	for (size_t i = 0; i < n_roles; i++)
		rec->roles.entries[i] = put_str(&text, u->roles->entries[i]);
	rec->present = confinfo_roster_user_present(u);
	rec->muted = confinfo_roster_user_muted(u);
	return rec;
}

void roster_rec_free(struct roster_rec *rec)
{
	ci_free(rec);
}
