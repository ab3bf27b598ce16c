/*
 * Inside the roster module (roster.h): what a document touched (changes.c
 * records it, roster.c reads it) and what the roster remembers of a user
 * (record.c).
 */
#ifndef CONFINFO_ROSTER_INT_H
#define CONFINFO_ROSTER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "confinfo/model.h"

/* One allocation: the struct, then the entity pointers, then the entity
 * strings they point to. */
struct confinfo_roster_changes {
	bool all;        /* compare every user                     */
	size_t count;    /* entities of the touched users, if !all */
	char **entities; /* in document order                      */
};

/* The status of one endpoint, as last seen. */
struct roster_ep {
	char *entity;
	enum confinfo_endpoint_status status;
};

/*
 * What a change event needs of one user, as last seen. One block: this
 * struct, the endpoint array, the role pointers, then the strings. The
 * roles are a struct confinfo_roles so that an event can show them as it
 * shows the state's; its entries point into the block (count 0: none), so
 * it is never passed to confinfo_roles_free().
 */
struct roster_rec {
	char *entity;
	char *display_text; /* NULL: none */
	struct confinfo_roles roles;
	struct roster_ep *eps; /* in the user's order */
	size_t ep_count;
	bool present; /* confinfo_roster_user_present() */
	bool muted;   /* confinfo_roster_user_muted()   */
};

_Static_assert(sizeof(struct roster_rec) % _Alignof(void *) == 0,
	       "the arrays after a roster_rec need no padding");

/* A record of @p u (roster_rec_free()), NULL on ENOMEM. */
struct roster_rec *roster_rec_new(const struct confinfo_user *u);
void roster_rec_free(struct roster_rec *rec);

#endif
