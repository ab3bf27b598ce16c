/*
 * Keyed lists: an ordered array of items plus, once the list is longer than
 * a few items, an open-addressing hash index of their keys.
 *
 * The index maps key -> item pointer (not position), so removing an item in
 * the middle does not invalidate every later slot: removal is a hash delete
 * plus a memmove of pointers. Linear probing with backward-shift deletion
 * keeps the table free of tombstones. Hashes are cached in the slots so a
 * probe compares keys only on a full hash match.
 *
 * The array of items is a model object (model/obj.h), so that the decoder can
 * slice a list's first array from its pool along with the items.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "confinfo/model.h"
#include "model/alloc.h"
#include "model/obj.h"

/* Below this many items a linear scan beats hashing and saves memory. */
#define INDEX_MIN_ITEMS 16

struct slot {
	uint32_t hash;
	void *item; /* NULL: empty */
};

struct confinfo_index {
	size_t mask; /* capacity - 1, capacity a power of two */
	size_t used;
	struct slot slots[];
};

/* FNV-1a: keys are short URIs; good enough and branch-free. */
static uint32_t key_hash(const char *key)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
		h ^= *p;
		h *= 16777619u;
	}
	return h;
}

static struct slot *index_lookup(const struct confinfo_index *ix,
				 const char *key, uint32_t h)
{
	size_t i = h & ix->mask;

	for (;;) {
		struct slot *s = (struct slot *)&ix->slots[i];

		if (!s->item)
			return s;
		if (s->hash == h && !strcmp(confinfo_item_key(s->item), key))
			return s;
		i = (i + 1) & ix->mask;
	}
}

static void index_put(struct confinfo_index *ix, void *item)
{
	const char *key = confinfo_item_key(item);
	uint32_t h = key_hash(key);
	struct slot *s = index_lookup(ix, key, h);

	if (!s->item)
		ix->used++;
	s->hash = h;
	s->item = item;
}

static void index_del(struct confinfo_index *ix, struct slot *s)
{
	size_t i = (size_t)(s - ix->slots);
	size_t j = i;

	s->item = NULL;
	ix->used--;
	/* Backward-shift: move later entries of the cluster into the hole if
	 * their home slot is not between the hole and their position. */
	for (;;) {
		size_t home;

		j = (j + 1) & ix->mask;
		if (!ix->slots[j].item)
			return;
		home = ix->slots[j].hash & ix->mask;
		if (((j - home) & ix->mask) >= ((j - i) & ix->mask)) {
			ix->slots[i] = ix->slots[j];
			ix->slots[j].item = NULL;
			i = j;
		}
	}
}

/* Builds an index big enough for @p want items (load factor <= 1/2). */
static int index_build(struct confinfo_list *list, size_t want)
{
	struct confinfo_index *ix;
	size_t cap = 64;

	while (cap < want * 2)
		cap *= 2;
	ix = ci_calloc(1, sizeof(*ix) + cap * sizeof(struct slot));
	if (!ix)
		return ENOMEM;
	ix->mask = cap - 1;
	for (size_t i = 0; i < list->count; i++)
		index_put(ix, list->items[i]);
	ci_free(list->index);
	list->index = ix;
	return 0;
}

/* True if the index can take @p n more items without growing. */
static bool index_fits(const struct confinfo_list *list, size_t n)
{
	if (list->count + n <= INDEX_MIN_ITEMS && !list->index)
		return true;
	return list->index && (list->count + n) * 2 <= list->index->mask + 1;
}

int confinfo_list_reserve(struct confinfo_list *list, size_t extra)
{
	size_t want;
	int err;

	if (!list)
		return EINVAL;
	want = list->count + extra;
	if (want < list->count)
		return ENOMEM;
	if (want > list->cap) {
		size_t cap = list->cap ? list->cap : 4;
		void **items;

		while (cap < want)
			cap *= 2;
		items = ci_obj_grow(list->items, list->count * sizeof(*items),
				    cap * sizeof(*items));
		if (!items)
			return ENOMEM;
		list->items = items;
		list->cap = cap;
	}
	if (!index_fits(list, extra)) {
		/* Grow generously when reserving a little at a time (that
		 * must stay O(1) amortised); a reservation larger than the
		 * list (a decoder sizing a list it knows) gets what it asks
		 * for: at 100,000 users the table then is 4 MB, not 8. */
		err = index_build(list, extra > list->count ? want : want * 2);
		if (err)
			return err;
	}
	return 0;
}

static long scan_pos(const struct confinfo_list *list, const char *key)
{
	for (size_t i = 0; i < list->count; i++) {
		if (!strcmp(confinfo_item_key(list->items[i]), key))
			return (long)i;
	}
	return -1;
}

void *confinfo_list_find(const struct confinfo_list *list, const char *key)
{
	long pos;

	if (!list || !key)
		return NULL;
	if (list->index)
		return index_lookup(list->index, key, key_hash(key))->item;
	pos = scan_pos(list, key);
	return pos < 0 ? NULL : list->items[pos];
}

static long item_pos(const struct confinfo_list *list, const void *item)
{
	for (size_t i = 0; i < list->count; i++) {
		if (list->items[i] == item)
			return (long)i;
	}
	return -1;
}

long confinfo_list_pos(const struct confinfo_list *list, const char *key)
{
	void *item;

	if (!list || !key)
		return -1;
	if (!list->index)
		return scan_pos(list, key);
	item = confinfo_list_find(list, key);
	return item ? item_pos(list, item) : -1;
}

int confinfo_list_append(struct confinfo_list *list, void *item)
{
	const char *key;
	uint32_t h;
	struct slot *s;
	int err;

	if (!list || !item || !confinfo_item_key(item))
		return EINVAL;
	key = confinfo_item_key(item);
	/* Reserve first so that the index cannot be rebuilt between the
	 * duplicate probe and the insert: one probe does both jobs (this is
	 * the decoder's hot path for every user, endpoint and media). */
	err = confinfo_list_reserve(list, 1);
	if (err)
		return err;
	if (!list->index) {
		if (scan_pos(list, key) >= 0)
			return EEXIST;
		list->items[list->count++] = item;
		return 0;
	}
	h = key_hash(key);
	s = index_lookup(list->index, key, h);
	if (s->item)
		return EEXIST;
	s->hash = h;
	s->item = item;
	list->index->used++;
	list->items[list->count++] = item;
	return 0;
}

int confinfo_list_replace(struct confinfo_list *list, void *item, void **oldp)
{
	const char *key;
	struct slot *s;
	long pos;
	int err;

	if (!list || !item || !oldp || !confinfo_item_key(item))
		return EINVAL;
	key = confinfo_item_key(item);
	if (list->index) {
		s = index_lookup(list->index, key, key_hash(key));
		if (s->item) {
			pos = item_pos(list, s->item);
			*oldp = s->item;
			s->item = item;
			list->items[pos] = item;
			return 0;
		}
	} else {
		pos = scan_pos(list, key);
		if (pos >= 0) {
			*oldp = list->items[pos];
			list->items[pos] = item;
			return 0;
		}
	}
	err = confinfo_list_reserve(list, 1);
	if (err)
		return err;
	list->items[list->count++] = item;
	if (list->index)
		index_put(list->index, item);
	*oldp = NULL;
	return 0;
}

void *confinfo_list_remove(struct confinfo_list *list, const char *key)
{
	void *item;
	long pos;

	if (!list || !key)
		return NULL;
	if (list->index) {
		struct slot *s = index_lookup(list->index, key, key_hash(key));

		item = s->item;
		if (!item)
			return NULL;
		index_del(list->index, s);
		pos = item_pos(list, item);
	} else {
		pos = scan_pos(list, key);
		if (pos < 0)
			return NULL;
		item = list->items[pos];
	}
	memmove(&list->items[pos], &list->items[pos + 1],
		(list->count - (size_t)pos - 1) * sizeof(void *));
	list->count--;
	return item;
}

void confinfo_list_reset(struct confinfo_list *list)
{
	if (!list)
		return;
	ci_obj_free(list->items);
	ci_free(list->index);
	memset(list, 0, sizeof(*list));
}
