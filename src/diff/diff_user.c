/*
 * Diff of keyed lists, users, endpoints and uris lists.
 */
#include <errno.h>
#include <string.h>

#include "diff/diff_int.h"
#include "model/obj.h"

int diff_str(char **dstp, bool *fullp, const char *o, const char *n)
{
	if (o == n || (o && n && !strcmp(o, n)))
		return 0;
	if (!n) {
		*fullp = true;
		return 0;
	}
	*dstp = ci_str_dup(n);
	return *dstp ? 0 : ENOMEM;
}

int diff_ext(struct confinfo_ext *dst, bool *fullp,
	     const struct confinfo_ext *o, const struct confinfo_ext *n)
{
	if (confinfo_ext_equal(o, n))
		return 0;
	/* Merge keeps the state's foreign content when the document has
	 * none: dropping it needs the element full. */
	if (confinfo_ext_empty(n)) {
		*fullp = true;
		return 0;
	}
	return confinfo_ext_copy(dst, n);
}

/*
 * True if merging a partial list into @p o can give @p n's order: merge
 * keeps the rows it knows where they are, removes deleted ones and appends
 * new ones in document order. So the rows of @p n known to @p o must come
 * first and in @p o's relative order, and the new ones after them. Also
 * false if a row of @p o is gone from @p n and @p can_delete is false.
 * Linear: every lookup goes through the lists' indexes.
 */
static bool mergeable(const struct confinfo_list *o,
		      const struct confinfo_list *n, bool can_delete)
{
	bool appended = false;
	size_t i = 0;

	for (size_t k = 0; k < n->count; k++) {
		const void *known =
		    confinfo_list_find(o, confinfo_item_key(n->items[k]));

		if (!known) {
			appended = true;
			continue;
		}
		if (appended)
			return false;
		/* Skip the rows of o that n removed. */
		while (i < o->count && o->items[i] != known) {
			if (!can_delete ||
			    confinfo_list_find(n,
					       confinfo_item_key(o->items[i])))
				return false;
			i++;
		}
		if (i == o->count)
			return false; /* cannot happen: known is in o */
		i++;
	}
	/* Rows of o after the last one n kept are removed too. */
	for (; i < o->count; i++) {
		if (!can_delete)
			return false;
	}
	return true;
}

static int put(struct confinfo_list *out, void *item,
	       const struct diff_item_ops *ops)
{
	int err = confinfo_list_append(out, item);

	if (err)
		ops->free(item);
	return err;
}

int diff_list(struct confinfo_list *out, bool *fullp,
	      const struct confinfo_list *o, const struct confinfo_list *n,
	      const struct diff_item_ops *ops)
{
	int err = 0;

	if (!mergeable(o, n, ops->deleted != NULL)) {
		*fullp = true;
		return 0;
	}
	for (size_t i = 0; !err && i < o->count; i++) {
		const char *key = confinfo_item_key(o->items[i]);
		void *stub = NULL;

		if (confinfo_list_find(n, key))
			continue;
		err = ops->deleted(&stub, key);
		if (!err)
			err = put(out, stub, ops);
	}
	for (size_t i = 0; !err && i < n->count; i++) {
		const void *known =
		    confinfo_list_find(o, confinfo_item_key(n->items[i]));
		void *item = NULL;

		if (known)
			err = ops->diff(&item, known, n->items[i]);
		else
			err = ops->clone(&item, n->items[i]);
		if (!err && item)
			err = put(out, item, ops);
	}
	return err;
}

/* ------------------------------------------------------------------ */

/*
 * <media> and uri entries have no state: a changed one is sent whole, and
 * they cannot be removed from a partial parent (no deleted stub). One
 * macro makes the typed adapters of both.
 */
#define ATOMIC_ITEM_OPS(T)                                                     \
	static int T##_diff(void **outp, const void *o, const void *n)         \
	{                                                                      \
		struct confinfo_##T *x = NULL;                                 \
		int err = 0;                                                   \
		if (!confinfo_##T##_equal(o, n))                               \
			err = confinfo_##T##_clone(&x, n);                     \
		if (!err)                                                      \
			*outp = x;                                             \
		return err;                                                    \
	}                                                                      \
	static int T##_copy(void **outp, const void *n)                        \
	{                                                                      \
		struct confinfo_##T *x = NULL;                                 \
		int err = confinfo_##T##_clone(&x, n);                         \
		if (!err)                                                      \
			*outp = x;                                             \
		return err;                                                    \
	}                                                                      \
	static void T##_release(void *p)                                       \
	{                                                                      \
		confinfo_##T##_free(p);                                        \
	}                                                                      \
	static const struct diff_item_ops T##_ops = {                          \
	    .diff = T##_diff,                                                  \
	    .clone = T##_copy,                                                 \
	    .deleted = NULL,                                                   \
	    .free = T##_release,                                               \
	}

ATOMIC_ITEM_OPS(media);
ATOMIC_ITEM_OPS(uri_entry);

int diff_uris(struct confinfo_uris **outp, const struct confinfo_uris *o,
	      const struct confinfo_uris *n)
{
	struct confinfo_uris *p;
	bool full = false;
	int err;

	if (confinfo_uris_equal(o, n)) {
		*outp = NULL;
		return 0;
	}
	p = confinfo_uris_new();
	if (!p)
		return ENOMEM;
	p->state = CONFINFO_STATE_PARTIAL;
	err = diff_list(&p->entries, &full, &o->entries, &n->entries,
			&uri_entry_ops);
	if (!err)
		err = diff_ext(&p->ext, &full, &o->ext, &n->ext);
	/* uris-type needs an entry: a change of foreign content alone is
	 * sent full. */
	if (!err && (full || !p->entries.count ||
		     diff_cost_uris(p) >= diff_cost_uris(n))) {
		confinfo_uris_free(p);
		p = NULL;
		err = diff_clone_uris(&p, n);
	}
	if (err) {
		confinfo_uris_free(p);
		return err;
	}
	*outp = p;
	return 0;
}

/* Pointer members of atomic types: a changed one is sent whole, a removed
 * one needs the parent full. */
#define DIFF_ATOMIC(T, p, o, n, m, fullp, err)                                 \
	do {                                                                   \
		if (!(err) && !*(fullp) &&                                     \
		    !confinfo_##T##_equal((o)->m, (n)->m)) {                   \
			if ((n)->m)                                            \
				(err) = confinfo_##T##_clone(&(p)->m, (n)->m); \
			else                                                   \
				*(fullp) = true;                               \
		}                                                              \
	} while (0)

/* Enumerations: a value can change but not disappear. */
static void diff_enum(int *dst, bool *fullp, int o, int n)
{
	if (o == n)
		return;
	if (!n)
		*fullp = true;
	else
		*dst = n;
}

static int diff_endpoint(struct confinfo_endpoint **outp,
			 const struct confinfo_endpoint *o,
			 const struct confinfo_endpoint *n)
{
	struct confinfo_endpoint *p;
	bool full = false;
	int err = 0;
	int v;

	if (confinfo_endpoint_equal(o, n)) {
		*outp = NULL;
		return 0;
	}
	p = confinfo_endpoint_new();
	if (!p || !(p->entity = ci_str_dup(n->entity))) {
		err = ENOMEM;
		goto out;
	}
	p->state = CONFINFO_STATE_PARTIAL;
	err =
	    diff_str(&p->display_text, &full, o->display_text, n->display_text);
	DIFF_ATOMIC(exec, p, o, n, referred, &full, err);
	DIFF_ATOMIC(exec, p, o, n, joining_info, &full, err);
	DIFF_ATOMIC(exec, p, o, n, disconnection_info, &full, err);
	DIFF_ATOMIC(call_info, p, o, n, call_info, &full, err);
	v = 0;
	diff_enum(&v, &full, (int)o->status, (int)n->status);
	p->status = (enum confinfo_endpoint_status)v;
	v = 0;
	diff_enum(&v, &full, (int)o->joining_method, (int)n->joining_method);
	p->joining_method = (enum confinfo_joining_method)v;
	v = 0;
	diff_enum(&v, &full, (int)o->disconnection_method,
		  (int)n->disconnection_method);
	p->disconnection_method = (enum confinfo_disconnection_method)v;
	/* A media cannot be removed from a partial endpoint (digest 3.4
	 * (b)): diff_list() asks for the endpoint full then. */
	if (!err && !full)
		err = diff_list(&p->media, &full, &o->media, &n->media,
				&media_ops);
	if (!err && !full)
		err = diff_ext(&p->ext, &full, &o->ext, &n->ext);
	if (!err && (full || diff_cost_endpoint(p) >= diff_cost_endpoint(n))) {
		confinfo_endpoint_free(p);
		p = NULL;
		err = diff_clone_endpoint(&p, n);
	}
out:
	if (err) {
		confinfo_endpoint_free(p);
		return err;
	}
	*outp = p;
	return 0;
}

static int endpoint_diff(void **outp, const void *o, const void *n)
{
	struct confinfo_endpoint *e = NULL;
	int err = diff_endpoint(&e, o, n);

	if (!err)
		*outp = e;
	return err;
}

static int endpoint_clone(void **outp, const void *n)
{
	struct confinfo_endpoint *e = NULL;
	int err = diff_clone_endpoint(&e, n);

	if (!err)
		*outp = e;
	return err;
}

static int endpoint_deleted(void **outp, const char *key)
{
	struct confinfo_endpoint *e = confinfo_endpoint_new();

	if (!e || !(e->entity = ci_str_dup(key))) {
		confinfo_endpoint_free(e);
		return ENOMEM;
	}
	e->state = CONFINFO_STATE_DELETED;
	*outp = e;
	return 0;
}

static void endpoint_free(void *p)
{
	confinfo_endpoint_free(p);
}

static const struct diff_item_ops endpoint_ops = {
    .diff = endpoint_diff,
    .clone = endpoint_clone,
    .deleted = endpoint_deleted,
    .free = endpoint_free,
};

int diff_user(struct confinfo_user **outp, const struct confinfo_user *o,
	      const struct confinfo_user *n)
{
	struct confinfo_user *p;
	bool full = false;
	int err = 0;

	if (confinfo_user_equal(o, n)) {
		*outp = NULL;
		return 0;
	}
	p = confinfo_user_new();
	if (!p || !(p->entity = ci_str_dup(n->entity))) {
		err = ENOMEM;
		goto out;
	}
	p->state = CONFINFO_STATE_PARTIAL;
	err =
	    diff_str(&p->display_text, &full, o->display_text, n->display_text);
	if (!err)
		err =
		    diff_str(&p->languages, &full, o->languages, n->languages);
	if (!err)
		err = diff_str(&p->cascaded_focus, &full, o->cascaded_focus,
			       n->cascaded_focus);
	DIFF_ATOMIC(roles, p, o, n, roles, &full, err);
	/* associated-aors: merge upserts a partial one, replaces a full one;
	 * removing it would take <associated-aors state="deleted"> with a
	 * dummy entry (uris-type needs one), so the user goes full. */
	if (!err && !full && !n->associated_aors && o->associated_aors)
		full = true;
	else if (!err && !full && n->associated_aors && !o->associated_aors)
		err = diff_clone_uris(&p->associated_aors, n->associated_aors);
	else if (!err && !full && n->associated_aors)
		err = diff_uris(&p->associated_aors, o->associated_aors,
				n->associated_aors);
	if (!err && !full)
		err = diff_list(&p->endpoints, &full, &o->endpoints,
				&n->endpoints, &endpoint_ops);
	if (!err && !full)
		err = diff_ext(&p->ext, &full, &o->ext, &n->ext);
	if (!err && (full || diff_cost_user(p) >= diff_cost_user(n))) {
		confinfo_user_free(p);
		p = NULL;
		err = diff_clone_user(&p, n);
	}
out:
	if (err) {
		confinfo_user_free(p);
		return err;
	}
	*outp = p;
	return 0;
}
