/*
 * Private interface between the parts of the diff.
 *
 * Every diff_X() function compares an old and a new element of the same
 * key and produces the element of the partial document that turns the old
 * one into the new one through confinfo_merge(): NULL when they are equal,
 * else a partial element with only what changed, or a full copy of the new
 * one when that is smaller or when the change cannot be said partially
 * (RFC 4575 has no way to remove an atomic child, a media or a uri entry
 * from a partial parent, nor to reorder rows).
 */
#ifndef CONFINFO_DIFF_INT_H
#define CONFINFO_DIFF_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "confinfo/model.h"

/* How a keyed item type is diffed by diff_list(). */
struct diff_item_ops {
	/* The partial or full item from @p o to @p n, NULL when equal. */
	int (*diff)(void **outp, const void *o, const void *n);
	/* A full copy of a new item. */
	int (*clone)(void **outp, const void *n);
	/* A key-only item with state deleted; NULL for the types that have
	 * no state (media, uri entries), which cannot be removed from a
	 * partial parent. */
	int (*deleted)(void **outp, const char *key);
	void (*free)(void *item);
};

/*
 * Fills the empty list @p out with the items of a partial list that turns
 * @p o into @p n: deleted stubs for removed keys, full copies of new keys,
 * diffs of changed ones. Sets *fullp instead when that is impossible: an
 * item removed that cannot be deleted, or an order that merging cannot
 * produce (merge keeps known rows in place and appends new ones). Returns
 * 0 or ENOMEM; @p out then holds what was added so far (its owner frees).
 */
int diff_list(struct confinfo_list *out, bool *fullp,
	      const struct confinfo_list *o, const struct confinfo_list *n,
	      const struct diff_item_ops *ops);

/* The diffs of the keyed or stateful elements (see the top comment). */
int diff_user(struct confinfo_user **outp, const struct confinfo_user *o,
	      const struct confinfo_user *n);
int diff_uris(struct confinfo_uris **outp, const struct confinfo_uris *o,
	      const struct confinfo_uris *n);
int diff_conf_body(struct confinfo_conf *p, bool *fullp,
		   const struct confinfo_conf *o,
		   const struct confinfo_conf *n);

/* A string or optional field of @p n differs from @p o's: copy it into
 * @p *dstp, or set *fullp when @p n lacks it (cannot be removed). */
int diff_str(char **dstp, bool *fullp, const char *o, const char *n);
/* Same for foreign content: copied whole when it differs. */
int diff_ext(struct confinfo_ext *dst, bool *fullp,
	     const struct confinfo_ext *o, const struct confinfo_ext *n);

/* Deep copies whose every state attribute says full explicitly (the diff
 * never relies on the default, RFC 4575 section 7.2 shows why). */
int diff_clone_conf(struct confinfo_conf **outp, const struct confinfo_conf *n);
int diff_clone_users(struct confinfo_users **outp,
		     const struct confinfo_users *n);
int diff_clone_user(struct confinfo_user **outp, const struct confinfo_user *n);
int diff_clone_endpoint(struct confinfo_endpoint **outp,
			const struct confinfo_endpoint *n);
int diff_clone_uris(struct confinfo_uris **outp, const struct confinfo_uris *n);
int diff_clone_sidebars_by_val(struct confinfo_sidebars_by_val **outp,
			       const struct confinfo_sidebars_by_val *n);

/* Rough size in bytes of the XML an element encodes to: used to choose
 * between sending an element partial or full. */
size_t diff_cost_conf(const struct confinfo_conf *c);
size_t diff_cost_users(const struct confinfo_users *u);
size_t diff_cost_user(const struct confinfo_user *u);
size_t diff_cost_endpoint(const struct confinfo_endpoint *e);
size_t diff_cost_uris(const struct confinfo_uris *u);
size_t diff_cost_sidebars_by_val(const struct confinfo_sidebars_by_val *s);

#endif
