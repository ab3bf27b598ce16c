/*
 * Private to the decoder: the RFC 4575 schema as data, shared by the
 * short paths of an element's start (decode_start.c), its general path
 * (decode_elems.c) and the tables themselves (decode_schema.c).
 *
 * The schema is a state machine over the frame stack: which children
 * each element may have and in what order, which attributes, what is
 * required, which keys must be unique, and how the state attributes of
 * nested elements must agree (section 4.4).
 *
 * Order: every complex type of the schema is an xs:sequence. Each child is
 * given its position in the parent's sequence (its "slot"); a child whose
 * slot is below the last one seen is out of order, an equal slot is a
 * duplicate unless the element repeats (maxOccurs > 1). Foreign elements
 * (xs:any ##other) always come last, so they take the highest slot.
 *
 * The accessors and checks here are inline: the short paths run them for
 * most elements, and must not call.
 */
#ifndef CONFINFO_XML_DECODE_SCHEMA_H
#define CONFINFO_XML_DECODE_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "xml/decode_int.h"

#define DEC_REPEAT   0x80u
#define DEC_SLOT_ANY (0x7Fu | DEC_REPEAT)

#define DEC_BIT(a) (1u << (a))

/*
 * What the decoder needs to know of each kind of struct, as data: every
 * element goes through these, and a load from a small table costs less
 * than a switch's indirect jump, which the branch predictor often misses
 * when the element sequence varies.
 */
#define DEC_NO_STATE 0xFFFFu
struct dec_kind_info {
	unsigned short size;  /* of the struct; 0 for K_LEAF             */
	unsigned short ext;   /* offset of its struct confinfo_ext       */
	unsigned short state; /* offset of its state, or DEC_NO_STATE    */
	unsigned char attrs;  /* DEC_BIT(A_...) of the attributes it has */
	unsigned char key;    /* its key attribute, or A_COUNT           */
	bool any;             /* foreign child elements allowed          */
};
extern const struct dec_kind_info dec_kinds[K_LEAF + 1];

enum dec_what {
	W_NONE = 0, /* not a child of this kind */
	W_LEAF,     /* simple type: the field at off receives the text */
	W_ROLE,     /* roles/entry: a leaf that is counted as an entry */
	W_SUB,      /* optional struct: the pointer at off receives it */
	W_KEYED,    /* keyed struct: appended to the list at off */
	W_URI_ENTRY /* uri-type entry: keyed by its <uri> child */
};

/* What a child element of our namespace is in a given parent. */
struct dec_rule {
	unsigned char slot; /* position in the sequence, | DEC_REPEAT */
	unsigned char what; /* enum dec_what */
	unsigned char arg;  /* enum dec_leaf for W_LEAF, else enum dec_kind */
	unsigned short off; /* offset of the field in the parent's struct */
};
/* By kind of parent (K_LEAF has no children) and element. */
extern const struct dec_rule dec_rules[K_LEAF][E_COUNT];

/* ---------------------------------------------------------------------
 * Per-kind access to the structs.
 * ------------------------------------------------------------------- */

static inline struct confinfo_ext *dec_ext_of(enum dec_kind kind, void *obj)
{
	return dec_kinds[kind].size
		   ? (struct confinfo_ext *)((char *)obj + dec_kinds[kind].ext)
		   : NULL;
}

static inline enum confinfo_state *dec_state_of(enum dec_kind kind, void *obj)
{
	return dec_kinds[kind].state == DEC_NO_STATE
		   ? NULL
		   : (enum confinfo_state *)((char *)obj +
					     dec_kinds[kind].state);
}

/* The attribute that is the key of a keyed kind, or A_COUNT. */
static inline unsigned dec_key_attr(enum dec_kind kind)
{
	return dec_kinds[kind].key;
}

/* "<user entity="...">" for messages: the element and its key. */
const char *dec_describe_as(enum dec_kind kind, const xmlChar *name,
			    const void *obj, char *buf, size_t size);

/* Keyed structs are held unlinked until their key is known to be unique:
 * on failure they are freed with this. */
void dec_keyed_free(enum dec_kind kind, void *obj);

/* ---------------------------------------------------------------------
 * Checks shared by the short and the general paths.
 * ------------------------------------------------------------------- */

/* True if a child of schema position @p slot may follow the children of
 * @p f seen so far. */
static inline bool dec_in_order(const struct dec_frame *f, unsigned slot)
{
	/* Past the last position seen, or at it if the element repeats:
	 * one compare, no branch on DEC_REPEAT. */
	return f->slot < (slot & ~DEC_REPEAT) + (slot >> 7);
}

/* The document-wide count of a kind of element and its limit (@p what
 * and @p limit name them for messages). */
static inline size_t *dec_count_of(struct dec *d, enum dec_kind kind,
				   size_t *max, const char **what,
				   const char **limit)
{
	switch (kind) {
	case K_USER:
		*max = d->lim.max_users;
		*what = "users";
		*limit = "max_users";
		return &d->users;
	case K_ENDPOINT:
		*max = d->lim.max_endpoints;
		*what = "endpoints";
		*limit = "max_endpoints";
		return &d->endpoints;
	case K_MEDIA:
		*max = d->lim.max_media;
		*what = "media";
		*limit = "max_media";
		return &d->media;
	default: /* uri, role, available-media and sidebar entries */
		*max = d->lim.max_entries;
		*what = "entries";
		*limit = "max_entries";
		return &d->entries;
	}
}

/* decode_elems.c: the start of an element of ours in an element of ours
 * (or of the root) by the general path, which checks everything and says
 * what is wrong; the short paths end there for whatever they do not
 * handle. 0 or the error recorded. */
int dec_elem_start(struct dec *d, const struct dec_start *st);

#endif
