/*
 * The RFC 4575 schema as a state machine over the frame stack: which
 * children each element may have and in what order, which attributes,
 * what is required, which keys must be unique, and how the state
 * attributes of nested elements must agree (section 4.4).
 *
 * Order: every complex type of the schema is an xs:sequence. Each child is
 * given its position in the parent's sequence (its "slot"); a child whose
 * slot is below the last one seen is out of order, an equal slot is a
 * duplicate unless the element repeats (maxOccurs > 1). Foreign elements
 * (xs:any ##other) always come last, so they take the highest slot.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "model/copy.h"
#include "model/pool.h"
#include "xml/decode_int.h"
#include "xml/encode.h" /* CI_XML_MAX_SIDEBAR_NESTING */

#define REPEAT   0x80u
#define SLOT_ANY (0x7Fu | REPEAT)

#define BIT(a) (1u << (a))

static const char *const attr_names[A_COUNT] = {"entity", "state", "version",
						"label", "id"};

struct attrs {
	const xmlChar *v[A_COUNT];
	size_t len[A_COUNT];
};

/*
 * What the decoder needs to know of each kind of struct, as data: every
 * element goes through these, and a load from a small table costs less
 * than a switch's indirect jump, which the branch predictor often misses
 * when the element sequence varies.
 */
#define NO_STATE 0xFFFFu
static const struct {
	unsigned short size;  /* of the struct; 0 for K_LEAF            */
	unsigned short ext;   /* offset of its struct confinfo_ext      */
	unsigned short state; /* offset of its state field, or NO_STATE */
	unsigned char attrs;  /* BIT(A_...) of the attributes it has    */
	unsigned char key;    /* its key attribute, or A_COUNT          */
	bool any;             /* foreign child elements allowed         */
} kinds[] = {
#define KIND(k, T, state, attrs, key, any)                                     \
	[k] = {sizeof(struct confinfo_##T),                                    \
	       offsetof(struct confinfo_##T, ext),                             \
	       state,                                                          \
	       attrs,                                                          \
	       key,                                                            \
	       any}
#define STATE(T) offsetof(struct confinfo_##T, state)
    KIND(K_CONF, conf, STATE(conf),
	 BIT(A_ENTITY) | BIT(A_STATE) | BIT(A_VERSION), A_ENTITY, true),
    KIND(K_DESC, description, NO_STATE, 0, A_COUNT, true),
    KIND(K_HOST, host_info, NO_STATE, 0, A_COUNT, true),
    KIND(K_CSTATE, conf_state, NO_STATE, 0, A_COUNT, true),
    KIND(K_USERS, users, STATE(users), BIT(A_STATE), A_COUNT, true),
    KIND(K_USER, user, STATE(user), BIT(A_ENTITY) | BIT(A_STATE), A_ENTITY,
	 true),
    KIND(K_ENDPOINT, endpoint, STATE(endpoint), BIT(A_ENTITY) | BIT(A_STATE),
	 A_ENTITY, true),
    KIND(K_MEDIA, media, NO_STATE, BIT(A_ID), A_ID, true),
    KIND(K_CALLINFO, call_info, NO_STATE, 0, A_COUNT, true),
    KIND(K_SIP, sip_dialog, NO_STATE, 0, A_COUNT, true),
    KIND(K_EXEC, exec, NO_STATE, 0, A_COUNT, false),
    KIND(K_URIS, uris, STATE(uris), BIT(A_STATE), A_COUNT, false),
    KIND(K_URI_ENTRY, uri_entry, NO_STATE, 0, A_COUNT, true),
    KIND(K_AVMEDIA, available_media, NO_STATE, 0, A_COUNT, false),
    KIND(K_MEDIUM, medium, NO_STATE, BIT(A_LABEL), A_LABEL, true),
    KIND(K_ROLES, roles, NO_STATE, 0, A_COUNT, false),
    KIND(K_SBVAL, sidebars_by_val, STATE(sidebars_by_val), BIT(A_STATE),
	 A_COUNT, false),
    [K_LEAF] = {0, 0, NO_STATE, 0, A_COUNT, false},
#undef STATE
#undef KIND
};

/* ---------------------------------------------------------------------
 * Per-kind access to the structs.
 * ------------------------------------------------------------------- */

static struct confinfo_ext *ext_of(enum dec_kind kind, void *obj)
{
	return kinds[kind].size
		   ? (struct confinfo_ext *)((char *)obj + kinds[kind].ext)
		   : NULL;
}

static enum confinfo_state *state_of(enum dec_kind kind, void *obj)
{
	return kinds[kind].state == NO_STATE
		   ? NULL
		   : (enum confinfo_state *)((char *)obj + kinds[kind].state);
}

/* The attribute that is the key of a keyed kind, or A_COUNT. */
static unsigned key_attr(enum dec_kind kind)
{
	return kinds[kind].key;
}

/* A new, empty struct of a kind. */
static void *new_of(struct dec *d, enum dec_kind kind)
{
	return ci_pool_new(&d->pool, kinds[kind].size);
}

/* Keyed structs are held unlinked until their key is known to be unique:
 * on failure they are freed here. */
static void keyed_free(enum dec_kind kind, void *obj)
{
	switch (kind) {
	case K_CONF:
		confinfo_conf_free(obj);
		break;
	case K_USER:
		confinfo_user_free(obj);
		break;
	case K_ENDPOINT:
		confinfo_endpoint_free(obj);
		break;
	case K_MEDIA:
		confinfo_media_free(obj);
		break;
	case K_MEDIUM:
		confinfo_medium_free(obj);
		break;
	default:
		break;
	}
}

/* "<user entity="...">" for messages: the element and its key. */
static const char *describe(enum dec_kind kind, const xmlChar *name,
			    const void *obj, char *buf, size_t size)
{
	unsigned a = key_attr(kind);
	const char *key = NULL;

	if (a != A_COUNT && obj)
		key = confinfo_item_key(obj);
	if (key)
		snprintf(buf, size, "<%s %s=\"%.64s\">", name, attr_names[a],
			 key);
	else
		snprintf(buf, size, "<%s>", name);
	return buf;
}

const char *dec_describe(const struct dec_frame *f, char *buf, size_t size)
{
	return describe((enum dec_kind)f->kind, f->name, f->obj, buf, size);
}

/* ---------------------------------------------------------------------
 * Checks shared by every element.
 * ------------------------------------------------------------------- */

/* True if a child of schema position @p slot may follow the children of
 * @p f seen so far. */
static inline bool in_order(const struct dec_frame *f, unsigned slot)
{
	/* Past the last position seen, or at it if the element repeats:
	 * one compare, no branch on REPEAT. */
	return f->slot < (slot & ~REPEAT) + (slot >> 7);
}

static int order(struct dec *d, struct dec_frame *f, unsigned slot,
		 const xmlChar *name)
{
	unsigned pos = slot & ~REPEAT;

	if (in_order(f, slot)) {
		f->slot = (unsigned char)pos;
		f->last = name;
		return 0;
	}
	if (pos < f->slot)
		return dec_fail_tag(d, EBADMSG,
				    "<%s> out of order in <%s>: the schema "
				    "puts it before <%s>",
				    name, f->name, f->last);
	return dec_fail_tag(d, EBADMSG, "duplicate <%s> in <%s>", name,
			    f->name);
}

/* The document-wide count of a kind of element and its limit (@p what
 * and @p limit name them for messages). */
static size_t *count_of(struct dec *d, enum dec_kind kind, size_t *max,
			const char **what, const char **limit)
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

/* Document-wide counts, checked before the element is allocated. */
static int count(struct dec *d, enum dec_kind kind, const xmlChar *name)
{
	const char *what, *limit;
	size_t max, *n = count_of(d, kind, &max, &what, &limit);

	if (++*n > max) {
		dec_limit(d, limit);
		return dec_fail_tag(d, EBADMSG,
				    "<%s>: more than %zu %s in the document",
				    name, max, what);
	}
	return 0;
}

static int scan_attrs(struct dec *d, const struct dec_start *st,
		      unsigned allowed, struct confinfo_ext *ext,
		      struct attrs *av)
{
	memset(av, 0, sizeof(*av));
	for (int i = 0; i < st->nb_attrs; i++) {
		const xmlChar **a = st->attrs + 5 * i;
		unsigned k;

		if (a[2]) {
			/* Our own attributes are unqualified: one in our
			 * namespace is as unknown as one in none. */
			if (!ext || dec_is_ours(d, a[2]))
				return dec_fail_tag(
				    d, EBADMSG,
				    "attribute %s%s%s not allowed on <%s>",
				    a[1] ? (const char *)a[1] : "",
				    a[1] ? ":" : "", a[0], st->local);
			if (dec_ext_attr(d, ext, a))
				return d->err;
			continue;
		}
		k = dec_attr_of(d, a[0]);
		if (!(allowed & BIT(k)))
			k = A_COUNT;
		if (k == A_COUNT)
			return dec_fail_tag(d, EBADMSG,
					    "unknown attribute %s on <%s>",
					    a[0], st->local);
		av->v[k] = a[3];
		av->len[k] = (size_t)(a[4] - a[3]);
	}
	return 0;
}

static int take_key(struct dec *d, const struct dec_start *st,
		    enum dec_kind kind, void *obj, const struct attrs *av)
{
	unsigned a = key_attr(kind);

	if (!av->v[a])
		return dec_fail_tag(d, EBADMSG,
				    "<%s> without %s attribute: it is "
				    "required as the key",
				    st->local, attr_names[a]);
	/* Conference and user entities are anyURI (collapsed); endpoint
	 * entity, media id and label are xs:string (kept as written). */
	return dec_attr_dup(d, BAD_CAST attr_names[a], av->v[a], av->len[a],
			    kind == K_CONF || kind == K_USER, (char **)obj);
}

/* Elements whose missing state attribute deserves a warning inside a
 * partial parent: the ones section 4.4 lets be partial. */
static bool warn_default_state(enum dec_kind kind,
			       const struct dec_frame *parent)
{
	return kind != K_URIS || parent->kind == K_CONF; /* sidebars-by-ref */
}

static int take_state(struct dec *d, const struct dec_frame *parent,
		      const struct dec_start *st, enum dec_kind kind, void *obj,
		      const struct attrs *av)
{
	enum confinfo_state *statep = state_of(kind, obj), s;
	size_t len = av->len[A_STATE];
	char desc[112], pdesc[112];

	if (!av->v[A_STATE]) {
		if (parent && parent->state == CONFINFO_STATE_PARTIAL &&
		    warn_default_state(kind, parent))
			dec_warn_tag(
			    d,
			    "partial document relies on the default "
			    "state=full for %s: replaces it whole "
			    "(RFC 4575 4.4)",
			    describe(kind, st->local, obj, desc, sizeof(desc)));
		return 0;
	}
	s = confinfo_state_parse((const char *)av->v[A_STATE], len);
	if (!s)
		return dec_fail_tag(d, EBADMSG,
				    "invalid state \"%.*s\" on <%s>: must be "
				    "full, partial or deleted",
				    (int)(len < 40 ? len : 40),
				    (const char *)av->v[A_STATE], st->local);
	if (parent && parent->state == CONFINFO_STATE_FULL &&
	    s != CONFINFO_STATE_FULL)
		return dec_fail_tag(
		    d, EBADMSG,
		    "state=\"%s\" on %s inside %s, whose state is full: a "
		    "full element has only full children (RFC 4575 4.4)",
		    confinfo_state_str(s),
		    describe(kind, st->local, obj, desc, sizeof(desc)),
		    dec_describe(parent, pdesc, sizeof(pdesc)));
	*statep = s;
	return 0;
}

static int take_version(struct dec *d, bool root, struct confinfo_conf *c,
			const struct attrs *av)
{
	size_t len = av->len[A_VERSION];

	if (!av->v[A_VERSION]) {
		if (root)
			return dec_fail_tag(d, EBADMSG,
					    "<conference-info> without version "
					    "attribute (RFC 4575 4.3: it MUST "
					    "be present)");
		return 0;
	}
	if (!dec_parse_u32((const char *)av->v[A_VERSION], len,
			   &c->version.value))
		return dec_fail_tag(d, EBADMSG,
				    "invalid version \"%.*s\": not an "
				    "xs:unsignedInt",
				    (int)(len < 40 ? len : 40),
				    (const char *)av->v[A_VERSION]);
	c->version.set = true;
	return 0;
}

/*
 * Begin a complex element whose struct @p obj is allocated: attributes,
 * key, state, version; append it to @p list if it is keyed (on failure it
 * is then freed here; otherwise the caller linked it into the tree
 * already), and push its frame.
 */
static int open_elem(struct dec *d, const struct dec_start *st,
		     enum dec_kind kind, void *obj, struct confinfo_list *list)
{
	const struct dec_frame *parent =
	    d->nframes ? &d->frames[d->nframes - 1] : NULL;
	enum confinfo_state *statep = state_of(kind, obj);
	struct dec_frame *f;
	struct attrs av;
	char desc[112], pdesc[112];
	int err;

	err = scan_attrs(d, st, kinds[kind].attrs, ext_of(kind, obj), &av);
	if (!err && key_attr(kind) != A_COUNT)
		err = take_key(d, st, kind, obj, &av);
	if (!err && statep)
		err = take_state(d, parent, st, kind, obj, &av);
	if (!err && kind == K_CONF)
		err = take_version(d, !parent, obj, &av);
	if (!err && list) {
		err = dec_list_append(d, list, obj);
		if (err == EEXIST)
			dec_fail_tag(
			    d, EBADMSG, "duplicate %s in %s",
			    describe(kind, st->local, obj, desc, sizeof(desc)),
			    dec_describe(parent, pdesc, sizeof(pdesc)));
		else if (err)
			dec_nomem(d);
	}
	if (err) {
		if (list)
			keyed_free(kind, obj);
		return d->err;
	}
	f = dec_push(d, kind, st->local, obj);
	if (!f)
		return d->err;
	if (statep)
		f->state = (unsigned char)confinfo_state_effective(*statep);
	return 0;
}

static int open_keyed(struct dec *d, struct dec_frame *f, unsigned slot,
		      const struct dec_start *st, enum dec_kind kind,
		      struct confinfo_list *list)
{
	void *obj;

	if (order(d, f, slot, st->local) || count(d, kind, st->local))
		return d->err;
	obj = new_of(d, kind);
	if (!obj)
		return dec_nomem(d);
	return open_elem(d, st, kind, obj, list);
}

static int open_uri_entry(struct dec *d, struct dec_frame *f,
			  const struct dec_start *st)
{
	struct confinfo_uris *uris = f->obj;

	if (order(d, f, REPEAT | 1, st->local) ||
	    count(d, K_URI_ENTRY, st->local))
		return d->err;
	d->pending = new_of(d, K_URI_ENTRY);
	if (!d->pending)
		return dec_nomem(d);
	if (open_elem(d, st, K_URI_ENTRY, d->pending, NULL))
		return d->err;
	d->frames[d->nframes - 1].aux = uris;
	return 0;
}

static int open_leaf(struct dec *d, struct dec_frame *f, unsigned slot,
		     const struct dec_start *st, enum dec_leaf leaf, void *dst)
{
	struct dec_frame *nf;

	if (order(d, f, slot, st->local))
		return d->err;
	if (st->nb_attrs) /* simple types have no attributes at all */
		return dec_fail_tag(
		    d, EBADMSG, "attribute %s%s%s not allowed on <%s>",
		    st->attrs[1] ? (const char *)st->attrs[1] : "",
		    st->attrs[1] ? ":" : "", st->attrs[0], st->local);
	if (leaf == L_ROLE && count(d, K_ROLES, st->local))
		return d->err;
	nf = dec_push(d, K_LEAF, st->local, dst);
	if (!nf)
		return d->err;
	nf->leaf = (unsigned char)leaf;
	d->text_len = 0;
	if (leaf == L_STR && !dec_general_only)
		d->text_mode = TM_STR;
	return 0;
}

static int unexpected(struct dec *d, struct dec_frame *f,
		      const struct dec_start *st, enum dec_elem e)
{
	char desc[112];

	dec_describe(f, desc, sizeof(desc));
	if (e == E_UNKNOWN)
		return dec_fail_tag(d, EBADMSG,
				    "unknown element <%s> of the "
				    "conference-info namespace in %s",
				    st->local, desc);
	return dec_fail_tag(d, EBADMSG, "element <%s> not allowed in %s",
			    st->local, desc);
}

static int foreign_start(struct dec *d, struct dec_frame *f,
			 const struct dec_start *st)
{
	char desc[112];

	/* xs:any ##other: another namespace, and not "no namespace". */
	if (!st->uri)
		return dec_fail_tag(d, EBADMSG,
				    "element <%s> in no namespace not allowed "
				    "in %s",
				    st->local,
				    dec_describe(f, desc, sizeof(desc)));
	if (!kinds[f->kind].any)
		return dec_fail_tag(d, EBADMSG,
				    "foreign element <%s> (namespace %.80s) "
				    "not allowed in %s",
				    st->local, st->uri,
				    dec_describe(f, desc, sizeof(desc)));
	if (f->kind == K_CALLINFO && ((struct confinfo_call_info *)f->obj)->sip)
		return dec_fail_tag(d, EBADMSG,
				    "<call-info> holds either <sip> or foreign "
				    "elements, not both");
	if (order(d, f, SLOT_ANY, st->local))
		return d->err;
	d->text_mode = TM_CAPTURE;
	return dec_capture_begin(d, ext_of((enum dec_kind)f->kind, f->obj), st);
}

/* ---------------------------------------------------------------------
 * The children of each kind, in schema order.
 * ------------------------------------------------------------------- */

enum what {
	W_NONE = 0, /* not a child of this kind */
	W_LEAF,     /* simple type: the field at off receives the text */
	W_ROLE,     /* roles/entry: a leaf that is counted as an entry */
	W_SUB,      /* optional struct: the pointer at off receives it */
	W_KEYED,    /* keyed struct: appended to the list at off */
	W_URI_ENTRY /* uri-type entry: keyed by its <uri> child */
};

/* What a child element of our namespace is in a given parent. */
struct rule {
	unsigned char slot; /* position in the sequence, | REPEAT */
	unsigned char what; /* enum what */
	unsigned char arg;  /* enum dec_leaf for W_LEAF, else enum dec_kind */
	unsigned short off; /* offset of the field in the parent's struct */
};

#define LEAF(slot, leaf, T, f)                                                 \
	{                                                                      \
		(slot), W_LEAF, (leaf), offsetof(struct confinfo_##T, f)       \
	}
#define SUB(slot, kind, T, f)                                                  \
	{                                                                      \
		(slot), W_SUB, (kind), offsetof(struct confinfo_##T, f)        \
	}
#define KEYED(slot, kind, T, f)                                                \
	{                                                                      \
		(slot) | REPEAT, W_KEYED, (kind),                              \
		    offsetof(struct confinfo_##T, f)                           \
	}

static const struct rule rules[K_LEAF][E_COUNT] =
    {
	[K_CONF] =
	    {
		[E_CONFERENCE_DESCRIPTION] = SUB(1, K_DESC, conf, description),
		[E_HOST_INFO] = SUB(2, K_HOST, conf, host_info),
		[E_CONFERENCE_STATE] = SUB(3, K_CSTATE, conf, conf_state),
		[E_USERS] = SUB(4, K_USERS, conf, users),
		[E_SIDEBARS_BY_REF] = SUB(5, K_URIS, conf, sidebars_by_ref),
		[E_SIDEBARS_BY_VAL] = SUB(6, K_SBVAL, conf, sidebars_by_val),
	    },
	[K_DESC] =
	    {
		[E_DISPLAY_TEXT] = LEAF(1, L_STR, description, display_text),
		[E_SUBJECT] = LEAF(2, L_STR, description, subject),
		[E_FREE_TEXT] = LEAF(3, L_STR, description, free_text),
		[E_KEYWORDS] = LEAF(4, L_COLLAPSE, description, keywords),
		[E_CONF_URIS] = SUB(5, K_URIS, description, conf_uris),
		[E_SERVICE_URIS] = SUB(6, K_URIS, description, service_uris),
		[E_MAXIMUM_USER_COUNT] =
		    LEAF(7, L_U32, description, maximum_user_count),
		[E_AVAILABLE_MEDIA] =
		    SUB(8, K_AVMEDIA, description, available_media),
	    },
	[K_HOST] =
	    {
		[E_DISPLAY_TEXT] = LEAF(1, L_STR, host_info, display_text),
		[E_WEB_PAGE] = LEAF(2, L_COLLAPSE, host_info, web_page),
		[E_URIS] = SUB(3, K_URIS, host_info, uris),
	    },
	[K_CSTATE] =
	    {
		[E_USER_COUNT] = LEAF(1, L_U32, conf_state, user_count),
		[E_ACTIVE] = LEAF(2, L_BOOL, conf_state, active),
		[E_LOCKED] = LEAF(3, L_BOOL, conf_state, locked),
	    },
	[K_USERS] =
	    {
		[E_USER] = KEYED(1, K_USER, users, users),
	    },
	[K_USER] =
	    {
		[E_DISPLAY_TEXT] = LEAF(1, L_STR, user, display_text),
		[E_ASSOCIATED_AORS] = SUB(2, K_URIS, user, associated_aors),
		[E_ROLES] = SUB(3, K_ROLES, user, roles),
		[E_LANGUAGES] = LEAF(4, L_LANGUAGES, user, languages),
		[E_CASCADED_FOCUS] = LEAF(5, L_COLLAPSE, user, cascaded_focus),
		[E_ENDPOINT] = KEYED(6, K_ENDPOINT, user, endpoints),
	    },
	[K_ENDPOINT] =
	    {
		[E_DISPLAY_TEXT] = LEAF(1, L_STR, endpoint, display_text),
		[E_REFERRED] = SUB(2, K_EXEC, endpoint, referred),
		[E_STATUS] = LEAF(3, L_EP_STATUS, endpoint, status),
		[E_JOINING_METHOD] =
		    LEAF(4, L_JOINING, endpoint, joining_method),
		[E_JOINING_INFO] = SUB(5, K_EXEC, endpoint, joining_info),
		[E_DISCONNECTION_METHOD] =
		    LEAF(6, L_DISCONNECTION, endpoint, disconnection_method),
		[E_DISCONNECTION_INFO] =
		    SUB(7, K_EXEC, endpoint, disconnection_info),
		[E_MEDIA] = KEYED(8, K_MEDIA, endpoint, media),
		[E_CALL_INFO] = SUB(9, K_CALLINFO, endpoint, call_info),
	    },
	[K_MEDIA] =
	    {
		[E_DISPLAY_TEXT] = LEAF(1, L_STR, media, display_text),
		[E_TYPE] = LEAF(2, L_STR, media, type),
		[E_LABEL] = LEAF(3, L_STR, media, label),
		[E_SRC_ID] = LEAF(4, L_STR, media, src_id),
		[E_STATUS] = LEAF(5, L_MEDIA_STATUS, media, status),
	    },
	[K_CALLINFO] =
	    {
		[E_SIP] = SUB(1, K_SIP, call_info, sip),
	    },
	[K_SIP] =
	    {
		[E_DISPLAY_TEXT] = LEAF(1, L_STR, sip_dialog, display_text),
		[E_CALL_ID] = LEAF(2, L_STR, sip_dialog, call_id),
		[E_FROM_TAG] = LEAF(3, L_STR, sip_dialog, from_tag),
		[E_TO_TAG] = LEAF(4, L_STR, sip_dialog, to_tag),
	    },
	[K_EXEC] =
	    {
		[E_WHEN] = LEAF(1, L_DATETIME, exec, when),
		[E_REASON] = LEAF(2, L_STR, exec, reason),
		[E_BY] = LEAF(3, L_COLLAPSE, exec, by),
	    },
	[K_URIS] =
	    {
		[E_ENTRY] = {1 | REPEAT, W_URI_ENTRY, K_URI_ENTRY, 0},
	    },
	[K_URI_ENTRY] =
	    {
		[E_URI] = LEAF(1, L_ENTRY_URI, uri_entry, uri),
		[E_DISPLAY_TEXT] = LEAF(2, L_STR, uri_entry, display_text),
		[E_PURPOSE] = LEAF(3, L_STR, uri_entry, purpose),
		[E_MODIFIED] = SUB(4, K_EXEC, uri_entry, modified),
	    },
	[K_AVMEDIA] =
	    {
		[E_ENTRY] = KEYED(1, K_MEDIUM, available_media, entries),
	    },
	[K_MEDIUM] =
	    {
		[E_DISPLAY_TEXT] = LEAF(1, L_STR, medium, display_text),
		[E_TYPE] = LEAF(2, L_STR, medium, type),
		[E_STATUS] = LEAF(3, L_MEDIA_STATUS, medium, status),
	    },
	[K_ROLES] =
	    {
		/* The roles struct itself takes each entry. */
		[E_ENTRY] = {1 | REPEAT, W_ROLE, L_ROLE, 0},
	    },
	[K_SBVAL] =
	    {
		[E_ENTRY] = KEYED(1, K_CONF, sidebars_by_val, entries),
	    },
};

#undef LEAF
#undef SUB
#undef KEYED

/*
 * A conference that says how many users it has (conference-state comes
 * before users) gets its users list sized once, rather than rehashed at
 * every doubling: at 100,000 users that is 17 rebuilds of a table that
 * does not fit the cache. The count is bounded by the limit and by what
 * the document could hold (64 bytes a user is less than any real one
 * takes), so a false count costs at most a table proportional to the
 * input. Failing to reserve is no error: the list then grows as usual.
 */
static void presize_users(struct dec *d, const struct confinfo_conf *conf,
			  struct confinfo_users *users)
{
	size_t n;

	if (!conf->conf_state || !conf->conf_state->user_count.set)
		return;
	n = conf->conf_state->user_count.value;
	if (n > d->lim.max_users)
		n = d->lim.max_users;
	if (n > d->doc_len / 64)
		n = d->doc_len / 64;
	if (n > 16)
		(void)confinfo_list_reserve(&users->users, n);
}

static int open_sub(struct dec *d, struct dec_frame *f, const struct rule *r,
		    const struct dec_start *st)
{
	void **field = (void **)((char *)f->obj + r->off);
	void *obj;

	/* Order first: a duplicate must fail before it could overwrite
	 * (and leak) the first one. */
	if (order(d, f, r->slot, st->local))
		return d->err;
	obj = new_of(d, (enum dec_kind)r->arg);
	if (!obj)
		return dec_nomem(d);
	*field = obj;
	if (r->arg == K_USERS && f->kind == K_CONF)
		presize_users(d, f->obj, obj);
	return open_elem(d, st, (enum dec_kind)r->arg, obj, NULL);
}

/* Sidebars nest whole conferences. The encoder bounds that nesting (its
 * recursion), so a document deeper than it can write is refused here. */
static bool too_nested(const struct dec *d)
{
	unsigned confs = 0;

	for (unsigned i = 0; i < d->nframes; i++)
		confs += d->frames[i].kind == K_CONF;
	return confs > CI_XML_MAX_SIDEBAR_NESTING;
}

static int child_start(struct dec *d, struct dec_frame *f,
		       const struct dec_start *st, enum dec_elem e)
{
	const struct rule *r = &rules[f->kind][e];
	char *field = (char *)f->obj + r->off;

	/* Leaves are the most common children: tested first, and with
	 * branches rather than a jump table (see kinds[]). */
	if (r->what == W_LEAF || r->what == W_ROLE)
		return open_leaf(d, f, r->slot, st, (enum dec_leaf)r->arg,
				 field);
	if (r->what == W_KEYED)
		return open_keyed(d, f, r->slot, st, (enum dec_kind)r->arg,
				  (struct confinfo_list *)field);
	if (r->what == W_SUB) {
		if (e == E_SIDEBARS_BY_VAL && too_nested(d))
			return dec_fail_tag(d, EBADMSG,
					    "<sidebars-by-val> nested more "
					    "than %d deep",
					    CI_XML_MAX_SIDEBAR_NESTING);
		if (e == E_SIP &&
		    ((struct confinfo_call_info *)f->obj)->ext.elem_count)
			return dec_fail_tag(d, EBADMSG,
					    "<call-info> holds either <sip> or "
					    "foreign elements, not both");
		return open_sub(d, f, r, st);
	}
	if (r->what == W_URI_ENTRY)
		return open_uri_entry(d, f, st);
	return unexpected(d, f, st, e);
}

static int root_start(struct dec *d, const struct dec_start *st)
{
	if (!dec_is_ours(d, st->uri) ||
	    strcmp((const char *)st->local, "conference-info"))
		return dec_fail_tag(d, EBADMSG,
				    "root element <%s> in namespace \"%.80s\" "
				    "is not <conference-info> of namespace "
				    "\"" CONFINFO_NS "\"",
				    st->local,
				    st->uri ? (const char *)st->uri : "");
	d->conf = new_of(d, K_CONF);
	if (!d->conf)
		return dec_nomem(d);
	return open_elem(d, st, K_CONF, d->conf, NULL);
}

static int dec_elem_start(struct dec *d, const struct dec_start *st)
{
	struct dec_frame *f;
	enum dec_elem e;
	char desc[112];

	if (!d->nframes)
		return root_start(d, st);
	f = &d->frames[d->nframes - 1];
	if (f->kind == K_LEAF)
		return dec_fail_tag(d, EBADMSG,
				    "element <%s> not allowed in <%s>, which "
				    "holds text only",
				    st->local, f->name);
	if (f->state == CONFINFO_STATE_DELETED) {
		/* RFC 4575 4.4: the children of a deleted element MUST be
		 * ignored. Skip the whole subtree, unparsed by us. */
		if (!f->warned)
			dec_warn_tag(d,
				     "children of %s ignored: its state is "
				     "deleted (RFC 4575 4.4)",
				     dec_describe(f, desc, sizeof(desc)));
		f->warned = true;
		d->skip = 1;
		d->text_mode = TM_IGNORE;
		return 0;
	}
	if (!dec_is_ours(d, st->uri))
		return foreign_start(d, f, st);
	e = dec_elem_of(d, st->local);
	return child_start(d, f, st, e);
}

/* dec_on_start() beyond its common case. Out of line, so that the
 * common case needs no stack frame. */
__attribute__((noinline)) static void
start_slow(void *ctx, const xmlChar *local, const xmlChar *prefix,
	   const xmlChar *uri, int nb_ns, const xmlChar **ns, int nb_attrs,
	   int nb_defaulted, const xmlChar **attrs)
{
	struct dec *d = ctx;
	const struct dec_start st = {local, prefix,   uri,  nb_ns,
				     ns,    nb_attrs, attrs};

	(void)nb_defaulted; /* no DTD, so never any */
	if (d->err)
		return;
	if (++d->depth > d->lim.max_depth) {
		dec_limit(d, "max_depth");
		dec_fail_tag(d, EBADMSG,
			     "<%s> nested too deep: the limit is %u levels",
			     local, d->lim.max_depth);
		return;
	}
	/* Bounds libxml2's quadratic duplicate-attribute check for all the
	 * tags after this one (see check_runs() for the first). */
	if (nb_attrs > DEC_MAX_ATTRS) {
		dec_fail_tag(d, EBADMSG,
			     "<%s> has %d attributes: the limit is %d", local,
			     nb_attrs, DEC_MAX_ATTRS);
		return;
	}
	if (d->cap.dst)
		dec_capture_start(d, &st);
	else if (d->skip)
		d->skip++;
	else
		dec_elem_start(d, &st);
}

/* Open a leaf in its place in the complex element of frame @p f: what
 * open_leaf() does once its checks have passed. */
static inline void push_leaf(struct dec *d, struct dec_frame *f,
			     const struct rule *r, const xmlChar *local)
{
	f->slot = (unsigned char)(r->slot & ~REPEAT);
	f->last = local;
	dec_frame_set(f + 1, K_LEAF, local, (char *)f->obj + r->off);
	f[1].leaf = r->arg;
	d->nframes++;
	d->depth++;
	d->text_len = 0;
	d->text_mode = r->arg == L_STR ? TM_STR : TM_TEXT;
}

/* Open a struct @p obj of kind r->arg in its place in the complex
 * element of frame @p f, its state absent (so full): what open_elem()
 * does then. Returns its frame. */
static inline struct dec_frame *push_struct(struct dec *d, struct dec_frame *f,
					    const struct rule *r,
					    const xmlChar *local, void *obj)
{
	f->slot = (unsigned char)(r->slot & ~REPEAT);
	f->last = local;
	dec_frame_set(f + 1, (enum dec_kind)r->arg, local, obj);
	d->nframes++;
	d->depth++;
	d->text_mode = TM_BLANK;
	return f + 1;
}

/*
 * dec_on_start() for one of our elements without attributes, in a complex
 * element of ours (TM_BLANK, below fast_frames), that is not a leaf in
 * its place. Its next most common cases are done here without the
 * general path's set-up: an optional struct without checks of its own
 * (joining-info, call-info, associated-aors...: all but users,
 * sidebars-by-val and sip in a call-info with foreign elements), a roles
 * entry and a uri-type entry. Like open_sub(), open_leaf() and
 * open_uri_entry(), and in their order: order, count, allocate, link,
 * push. A struct comes from the pool only if that needs no call. A
 * struct with a state attribute of its own (absent here, so full) needs
 * no warning only in a full parent. The rest goes to start_slow(), with
 * what it needs of an element of ours without attributes.
 */
__attribute__((noinline)) static void start_ours(struct dec *d,
						 const xmlChar *local)
{
	struct dec_frame *f = &d->frames[d->nframes - 1];
	enum dec_elem e = dec_elem_by_addr(d, local);
	const struct rule *r = &rules[f->kind][e];
	enum dec_kind kind = (enum dec_kind)r->arg;
	void *obj;

	if (f->state == CONFINFO_STATE_DELETED || !in_order(f, r->slot))
		goto slow;
	if (r->what == W_ROLE && d->entries < d->lim.max_entries) {
		d->entries++;
		push_leaf(d, f, r, local);
		return;
	}
	if (r->what == W_SUB && kind != K_USERS && kind != K_SBVAL &&
	    (kind != K_SIP ||
	     !((struct confinfo_call_info *)f->obj)->ext.elem_count) &&
	    (kinds[kind].state == NO_STATE ||
	     f->state == CONFINFO_STATE_FULL)) {
		obj = ci_pool_alloc_nocall(&d->pool, kinds[kind].size);
		if (obj) {
			ci_zero(obj, kinds[kind].size);
			*(void **)((char *)f->obj + r->off) = obj;
			push_struct(d, f, r, local, obj);
			return;
		}
	}
	/* A uri-type entry: held in d->pending until its <uri> is read
	 * (open_uri_entry()). */
	if (r->what == W_URI_ENTRY && d->entries < d->lim.max_entries) {
		obj = ci_pool_alloc_nocall(&d->pool, kinds[kind].size);
		if (obj) {
			ci_zero(obj, kinds[kind].size);
			d->entries++;
			d->pending = obj;
			push_struct(d, f, r, local, obj)->aux = f->obj;
			return;
		}
	}
slow:
	start_slow(d, local, NULL, d->ns, 0, NULL, 0, 0, NULL);
}

/* The failure of a keyed element opened by start_keyed(): what
 * open_elem() says, and the struct goes. Out of line: it never runs on a
 * good document. */
__attribute__((noinline, cold)) static void
keyed_failed(struct dec *d, const struct dec_frame *parent, enum dec_kind kind,
	     const xmlChar *local, void *obj, int err)
{
	char desc[112], pdesc[112];

	if (err == EEXIST)
		dec_fail_tag(d, EBADMSG, "duplicate %s in %s",
			     describe(kind, local, obj, desc, sizeof(desc)),
			     dec_describe(parent, pdesc, sizeof(pdesc)));
	else
		dec_nomem(d);
	keyed_free(kind, obj);
}

/*
 * dec_on_start() for one of our elements with attributes, in a complex
 * element of ours (TM_BLANK, below fast_frames). Its common case is a
 * keyed element (user, endpoint, media, an available-media entry) whose
 * attributes are its key and its state, the key plain (no "&#38;" to
 * decode, nothing to collapse, at most CI_COPY_INLINE bytes) and the
 * state consistent with its parent's: that is done here, as open_keyed()
 * and open_elem() would do it, without their general set-up. Everything
 * is checked before anything is done, so whatever is unusual (or wrong)
 * can still go to start_slow(), which then says what is wrong.
 */
__attribute__((noinline)) static void start_keyed(struct dec *d,
						  const xmlChar *local,
						  int nb_attrs,
						  const xmlChar **attrs)
{
	struct dec_frame *f = &d->frames[d->nframes - 1];
	const struct rule *r = &rules[f->kind][dec_elem_by_addr(d, local)];
	enum dec_kind kind = (enum dec_kind)r->arg;
	const xmlChar *key = NULL, *state = NULL;
	enum confinfo_state s = CONFINFO_STATE_UNSET;
	size_t klen = 0, size, max, *n;
	const char *what, *limit;
	char *obj, *k;
	int err;

	if (r->what != W_KEYED || kind == K_CONF || nb_attrs > 2 ||
	    f->state == CONFINFO_STATE_DELETED || !in_order(f, r->slot))
		goto slow;
	for (int i = 0; i < nb_attrs; i++) {
		const xmlChar **a = attrs + 5 * i;

		if (a[2])
			goto slow;
		if (a[0] == d->attr_names[kinds[kind].key] && !key) {
			key = a[3];
			klen = (size_t)(a[4] - a[3]);
		} else if (a[0] == d->attr_names[A_STATE] &&
			   kinds[kind].state != NO_STATE && !state) {
			state = a[3];
			s = confinfo_state_parse((const char *)a[3],
						 (size_t)(a[4] - a[3]));
		} else {
			goto slow;
		}
	}
	if (!key || klen > CI_COPY_INLINE || klen > d->lim.max_string ||
	    dec_value_needs_work(key, klen, kind == K_USER))
		goto slow;
	/* An invalid state, a partial or deleted one in a full parent, and a
	 * missing one in a partial parent all have something to say. */
	if (state ? !s || (f->state == CONFINFO_STATE_FULL &&
			   s != CONFINFO_STATE_FULL)
		  : kinds[kind].state != NO_STATE &&
			f->state == CONFINFO_STATE_PARTIAL)
		goto slow;
	n = count_of(d, kind, &max, &what, &limit);
	size = kinds[kind].size;
	if (*n >= max ||
	    !ci_pool_room(&d->pool, ci_pool_need(size) + ci_pool_need(klen + 1),
			  2))
		goto slow;

	/* All checked: now do it. */
	obj = ci_pool_alloc_nocall(&d->pool, size);
	k = ci_pool_alloc_nocall(&d->pool, klen + 1);
	ci_zero(obj, size);
	ci_copy(k, key, klen);
	k[klen] = '\0';
	*(char **)obj = k; /* the key is every keyed struct's first member */
	if (state)
		*state_of(kind, obj) = s;
	err = dec_list_append(
	    d, (struct confinfo_list *)((char *)f->obj + r->off), obj);
	if (err) {
		keyed_failed(d, f, kind, local, obj, err);
		return;
	}
	++*n;
	f->slot = (unsigned char)(r->slot & ~REPEAT);
	f->last = local;
	dec_frame_set(f + 1, kind, local, obj);
	f[1].state = (unsigned char)confinfo_state_effective(s);
	d->nframes++;
	d->depth++;
	d->text_mode = TM_BLANK;
	return;
slow:
	start_slow(d, local, NULL, d->ns, 0, NULL, nb_attrs, 0, attrs);
}

/*
 * The SAX2 startElementNs callback. Its common case, a leaf of our
 * namespace without attributes in its place in a complex element, is done
 * here without a call: it is what dec_elem_start() would do for it (order,
 * push), with every condition under which that could fail or do more sent
 * to start_ours() or start_slow(). Leaves are three elements out of four.
 * Elements with attributes go to start_keyed().
 *
 * Two things keep it short. TM_BLANK stands for several tests at once: it
 * is the mode exactly while the innermost open element is a complex one of
 * ours, with no failure recorded, nothing being captured or skipped (so
 * depth == nframes, and d->fast_frames bounds both). And once past the
 * first test, the element is one of ours without attributes, for which
 * the rest needs neither prefix nor namespace declarations (those matter
 * only to captured foreign elements): the late fallback passes none, so
 * the registers holding them are free, and the fast path needs no stack
 * frame.
 */
void dec_on_start(void *ctx, const xmlChar *local, const xmlChar *prefix,
		  const xmlChar *uri, int nb_ns, const xmlChar **ns,
		  int nb_attrs, int nb_defaulted, const xmlChar **attrs)
{
	struct dec *d = ctx;
	struct dec_frame *f;
	const struct rule *r;
	enum dec_elem e;

	if (uri != d->ns || d->text_mode != TM_BLANK ||
	    d->nframes >= d->fast_frames) {
		start_slow(ctx, local, prefix, uri, nb_ns, ns, nb_attrs,
			   nb_defaulted, attrs);
		return;
	}
	if (nb_attrs) {
		start_keyed(d, local, nb_attrs, attrs);
		return;
	}
	f = &d->frames[d->nframes - 1];
	e = dec_elem_by_addr(d, local);
	r = &rules[f->kind][e]; /* E_UNKNOWN's rules are all W_NONE */
	if (r->what != W_LEAF || f->state == CONFINFO_STATE_DELETED ||
	    !in_order(f, r->slot)) {
		start_ours(d, local);
		return;
	}
	push_leaf(d, f, r, local);
}
