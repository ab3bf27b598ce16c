/*
 * The view policy's structures (policy.c parses, policy_decide.c
 * decides): sections sorted by name, subscriber and private lists sorted
 * by normalised identity.
 */
#ifndef CONFINFO_SIPNOT_POLICY_INT_H
#define CONFINFO_SIPNOT_POLICY_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "confinfo/policy.h"

enum pclass { PC_CHAIRS, PC_PARTICIPANTS, PC_AUTH, PC_ANON, PC_COUNT };

struct psub {
	char *id; /* normalised */
	enum confinfo_view view;
};

struct psection {
	char *name; /* "*": the default */
	bool set[PC_COUNT];
	enum confinfo_view view[PC_COUNT];
	struct psub *subs;
	size_t nsubs;
	char **priv; /* normalised, sorted */
	size_t npriv;
	char **roles;
	size_t nroles;
	bool roles_set;
	char *text;
	bool text_set;
};

struct confinfo_view_policy {
	struct psection *secs; /* sorted by name once parsed */
	size_t nsecs;
	size_t entries;
};

/* qsort()/bsearch() orders of sections, subscriber lines, strings. */
int sipnot_policy_cmp_sec(const void *a, const void *b);
int sipnot_policy_cmp_sub(const void *a, const void *b);
int sipnot_policy_cmp_str(const void *a, const void *b);

#endif
