/*
 * Private to the decoder (decode*.c): the state machine that turns
 * libxml2's SAX2 events into model structs.
 *
 * The decoder keeps a stack of frames, one per open element of our
 * namespace: what kind of element it is, the struct being filled, and the
 * schema position of the last child seen (every type of the schema is an
 * xs:sequence, so "position never goes back" is the whole order check).
 * Two modes bypass the stack: capturing a foreign subtree into an XML
 * fragment (decode_ext.c), and skipping the children of a deleted element.
 */
#ifndef CONFINFO_XML_DECODE_INT_H
#define CONFINFO_XML_DECODE_INT_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <libxml/parser.h>

#include "confinfo/xml.h"
#include "model/pool.h"

/* Every element name of the RFC 4575 schema. */
#define DEC_ELEMS(X)                                                           \
	X(CONFERENCE_INFO, "conference-info")                                  \
	X(CONFERENCE_DESCRIPTION, "conference-description")                    \
	X(HOST_INFO, "host-info")                                              \
	X(CONFERENCE_STATE, "conference-state")                                \
	X(USERS, "users")                                                      \
	X(SIDEBARS_BY_REF, "sidebars-by-ref")                                  \
	X(SIDEBARS_BY_VAL, "sidebars-by-val")                                  \
	X(DISPLAY_TEXT, "display-text")                                        \
	X(SUBJECT, "subject")                                                  \
	X(FREE_TEXT, "free-text")                                              \
	X(KEYWORDS, "keywords")                                                \
	X(CONF_URIS, "conf-uris")                                              \
	X(SERVICE_URIS, "service-uris")                                        \
	X(MAXIMUM_USER_COUNT, "maximum-user-count")                            \
	X(AVAILABLE_MEDIA, "available-media")                                  \
	X(ENTRY, "entry")                                                      \
	X(TYPE, "type")                                                        \
	X(STATUS, "status")                                                    \
	X(WEB_PAGE, "web-page")                                                \
	X(URIS, "uris")                                                        \
	X(USER_COUNT, "user-count")                                            \
	X(ACTIVE, "active")                                                    \
	X(LOCKED, "locked")                                                    \
	X(URI, "uri")                                                          \
	X(PURPOSE, "purpose")                                                  \
	X(MODIFIED, "modified")                                                \
	X(USER, "user")                                                        \
	X(ASSOCIATED_AORS, "associated-aors")                                  \
	X(ROLES, "roles")                                                      \
	X(LANGUAGES, "languages")                                              \
	X(CASCADED_FOCUS, "cascaded-focus")                                    \
	X(ENDPOINT, "endpoint")                                                \
	X(REFERRED, "referred")                                                \
	X(JOINING_METHOD, "joining-method")                                    \
	X(JOINING_INFO, "joining-info")                                        \
	X(DISCONNECTION_METHOD, "disconnection-method")                        \
	X(DISCONNECTION_INFO, "disconnection-info")                            \
	X(MEDIA, "media")                                                      \
	X(CALL_INFO, "call-info")                                              \
	X(WHEN, "when")                                                        \
	X(REASON, "reason")                                                    \
	X(BY, "by")                                                            \
	X(SIP, "sip")                                                          \
	X(CALL_ID, "call-id")                                                  \
	X(FROM_TAG, "from-tag")                                                \
	X(TO_TAG, "to-tag")                                                    \
	X(LABEL, "label")                                                      \
	X(SRC_ID, "src-id")

enum dec_elem {
	E_UNKNOWN = 0,
#define X(id, name) E_##id,
	DEC_ELEMS(X)
#undef X
	    E_COUNT
};

/* What an open element of our namespace is, i.e. what its frame fills. */
enum dec_kind {
	K_CONF,      /* conference-type: the root or a sidebars-by-val entry */
	K_DESC,      /* conference-description */
	K_HOST,      /* host-info */
	K_CSTATE,    /* conference-state */
	K_USERS,     /* users */
	K_USER,      /* users/user */
	K_ENDPOINT,  /* user/endpoint */
	K_MEDIA,     /* endpoint/media */
	K_CALLINFO,  /* endpoint/call-info */
	K_SIP,       /* call-info/sip */
	K_EXEC,      /* execution-type: referred, joining-info, ... */
	K_URIS,      /* uris-type: conf-uris, service-uris, uris, ... */
	K_URI_ENTRY, /* uri-type: an entry of a uris-type */
	K_AVMEDIA,   /* available-media */
	K_MEDIUM,    /* available-media/entry */
	K_ROLES,     /* user/roles */
	K_SBVAL,     /* sidebars-by-val */
	K_LEAF,      /* an element of simple type: its text is the value */
};

/* What the text of a K_LEAF element becomes. */
/* The four kinds kept as a plain string come first: end_leaf() handles
 * them together (leaf <= L_LANGUAGES). */
enum dec_leaf {
	L_STR,       /* xs:string, kept as written            -> char *   */
	L_COLLAPSE,  /* anyURI, keywords: XML whitespace collapsed        */
	L_DATETIME,  /* xs:dateTime, collapsed, then checked              */
	L_LANGUAGES, /* list of xs:language, collapsed, then checked     */
	L_U32,       /* xs:unsignedInt             -> struct confinfo_u32 */
	L_BOOL,      /* xs:boolean                    -> enum confinfo_bool */
	L_EP_STATUS,
	L_JOINING,
	L_DISCONNECTION,
	L_MEDIA_STATUS,
	L_ROLE,      /* roles/entry: appended to struct confinfo_roles */
	L_ENTRY_URI, /* uri-type/uri: the key, appended to its uris list */
};

struct dec_frame {
	void *obj; /* the struct being filled; for K_LEAF the field */
	void *aux; /* K_URI_ENTRY: the struct confinfo_uris it goes into */
	const xmlChar *name; /* local name as written (libxml2's dict) */
	const xmlChar *last; /* local name of the last child, for messages */
	unsigned char kind;  /* enum dec_kind */
	unsigned char leaf;  /* enum dec_leaf, for K_LEAF */
	unsigned char slot;  /* schema position of the last child seen */
	unsigned char state; /* effective state its children must respect */
	bool warned; /* "children of a deleted element ignored" was said */
};

/* The arguments of one startElementNs event. */
struct dec_start {
	const xmlChar *local;
	const xmlChar *prefix;
	const xmlChar *uri;
	int nb_ns;
	const xmlChar **ns; /* nb_ns pairs: prefix, URI */
	int nb_attrs;
	const xmlChar **attrs; /* nb_attrs quintuples, see libxml2 SAX2 */
};

/* A namespace declaration written into the fragment being captured. */
struct dec_nsdecl {
	const xmlChar *prefix; /* NULL: the default namespace */
	const xmlChar *uri;
	unsigned depth;
};

/* A foreign subtree being turned into a self-contained XML fragment. */
struct dec_capture {
	struct confinfo_ext *dst; /* NULL when not capturing */
	unsigned depth;           /* open elements of the fragment */
	bool open_tag;            /* the last start tag still lacks its '>' */
	char *buf;
	size_t len, cap;
	struct dec_nsdecl *ns;
	size_t ns_len, ns_cap;
};

#define DEC_INLINE_FRAMES 16
/* Attributes of one element, in any namespace. No element of the schema
 * needs more than three of its own; this leaves room for foreign ones. */
#define DEC_MAX_ATTRS  256
#define DEC_NAME_SLOTS 128  /* a power of two, > 2 * E_COUNT */
#define DEC_NAME_SPAN  1024 /* bytes of dictionary names_base covers */

/* The unprefixed attributes of our elements (attributeFormDefault is
 * unqualified, so they are in no namespace). */
enum dec_attr { A_ENTITY, A_STATE, A_VERSION, A_LABEL, A_ID, A_COUNT };

/* What a text event means where it occurs, kept up to date as elements
 * open and close so that on_chars() (which runs for every run of
 * indentation) decides with one test. */
enum dec_text {
	TM_IGNORE, /* outside the root, or inside a skipped subtree */
	TM_BLANK,  /* in a complex element: whitespace only */
	TM_TEXT,   /* in a K_LEAF element: accumulated as its value */
	/* In an L_STR leaf (most leaves), before any text: a first piece of
	 * text of up to CI_COPY_INLINE bytes becomes the value at once, in
	 * the pool, rather than being copied twice (into d->text, then out
	 * of it at the end). */
	TM_STR,
	TM_STR_SET, /* in an L_STR leaf whose value is set that way */
	TM_CAPTURE, /* in a foreign subtree: copied into the fragment */
};

/* One of our element names as interned in the parser's dictionary. */
struct dec_name {
	const xmlChar *name; /* NULL: empty slot */
	unsigned char elem;  /* enum dec_elem */
};

struct dec {
	xmlParserCtxtPtr ctxt;
	const xmlChar *ns; /* CONFINFO_NS interned in ctxt->dict */
	struct confinfo_xml_limits lim;
	struct confinfo_diag *diag;
	size_t doc_len; /* bytes of the input */
	int err;        /* first failure; once set, every event is ignored */
	/* Set just before a failure that is a limit exceeded: the limit's
	 * name, for diag->limit (dec_limit()). */
	const char *limit;
	bool done;               /* the root element has been closed */
	unsigned char text_mode; /* enum dec_text */
	struct confinfo_conf *conf;
	/* Every struct and string of the state comes from here. */
	struct ci_pool pool;
	/* A uri-type entry is keyed by its <uri> child, so it joins its list
	 * only once that is read; until then it is held here. Entries do not
	 * nest, so one is enough. */
	struct confinfo_uri_entry *pending;
	struct dec_frame *frames;
	unsigned nframes, frames_cap;
	/* min(frames_cap, lim.max_depth): below it, a push needs no growing
	 * and stays within the depth limit (dec_on_start()'s fast path). */
	unsigned fast_frames;
	unsigned depth; /* open elements, all modes, for max_depth */
	unsigned skip;  /* > 0: inside ignored children of a deleted element */
	char *text;     /* one reusable buffer: leaf text, attribute scratch */
	size_t text_len, text_cap;
	size_t users, endpoints, media, entries; /* counts for the limits */
	size_t ext_bytes;                        /* foreign XML kept */
	struct dec_capture cap;
	struct dec_frame inline_frames[DEC_INLINE_FRAMES];
	/* Our element and attribute names, interned in ctxt->dict before
	 * parsing: libxml2 hands local names over as pointers into that
	 * dictionary, so a name is recognised by its address (an open
	 * addressing table for elements; five pointers for attributes). */
	struct dec_name names[DEC_NAME_SLOTS];
	/* The same, when all our element names lie within DEC_NAME_SPAN
	 * bytes of names_base (libxml2 packs the names of a dictionary into
	 * one pool while it has room, and ours are interned first): the
	 * element at each offset, E_UNKNOWN elsewhere. One subtraction and
	 * one load. Otherwise names_base is NULL and names[] is used. */
	const xmlChar *names_base;
	unsigned char names_at[DEC_NAME_SPAN];
	const xmlChar *attr_names[A_COUNT];
};

/* decode_diag.c, at the bottom of the decoder: failures, warnings,
 * positions. */
/* Record the first failure (and stop libxml2, for dec_fail*: only from
 * SAX callbacks). */
int dec_record(struct dec *d, int err, unsigned line, unsigned col,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int dec_fail(struct dec *d, int err, unsigned line, unsigned col,
	     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int dec_fail_tag(struct dec *d, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int dec_fail_here(struct dec *d, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int dec_nomem(struct dec *d);
/* Name the limit the next failure recorded is about (diag->limit). */
static inline void dec_limit(struct dec *d, const char *name)
{
	d->limit = name;
}
void dec_warn_tag(struct dec *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void dec_tag_pos(const struct dec *d, unsigned *line, unsigned *col);

/* decode_stack.c: the frame stack and the text buffer, grown. */
struct dec_frame *dec_push_grow(struct dec *d, enum dec_kind kind,
				const xmlChar *name, void *obj);
int dec_text_reserve(struct dec *d, size_t size);

/* confinfo_list_append(), the list's first array sliced from the pool
 * (most lists of a document stay that short). While the item fits that
 * array the list has no index (lists get one only well beyond four
 * items), so the duplicate check is a scan of at most three keys, done
 * here; a key's first byte settles most comparisons without a call. */
#define DEC_LIST_FIRST 4
static inline int dec_list_append(struct dec *d, struct confinfo_list *list,
				  void *item)
{
	const char *key = confinfo_item_key(item);

	if (!list->cap) {
		list->items =
		    ci_pool_alloc(&d->pool, DEC_LIST_FIRST * sizeof(void *));
		if (!list->items)
			return ENOMEM;
		list->cap = DEC_LIST_FIRST;
	}
	if (list->count >= DEC_LIST_FIRST || list->index || !key)
		return confinfo_list_append(list, item);
	for (size_t i = 0; i < list->count; i++) {
		const char *k = confinfo_item_key(list->items[i]);

		if (k[0] == key[0] && !strcmp(k, key))
			return EEXIST;
	}
	list->items[list->count++] = item;
	return 0;
}

/* Fill a frame for an element that opens. Field by field: a compound
 * literal here becomes a "rep stos", whose start-up costs more than the
 * whole of the rest of a leaf's start. */
static inline void dec_frame_set(struct dec_frame *f, enum dec_kind kind,
				 const xmlChar *name, void *obj)
{
	f->obj = obj;
	f->aux = NULL;
	f->name = name;
	f->last = NULL;
	f->kind = (unsigned char)kind;
	f->leaf = 0;
	f->slot = 0;
	f->state = CONFINFO_STATE_FULL;
	f->warned = false;
}

/* Test hook (decode_stack.c): when true, every event takes the general
 * path (no fast_frames, no TM_STR, no end_text()), so that tests can check
 * that the short paths decode exactly as the general one
 * (test_decode_paths.c). Not thread-safe: tests only. */
extern bool dec_general_only;

/* Keep d->fast_frames in step with frames_cap and the depth limit. */
static inline void dec_fast_frames(struct dec *d)
{
	d->fast_frames =
	    d->frames_cap < d->lim.max_depth ? d->frames_cap : d->lim.max_depth;
	/* Under the test hook, dec_on_start() never takes a short path. */
	if (dec_general_only)
		d->fast_frames = 0;
}

/* Push the frame of an element that opens (NULL on ENOMEM, recorded).
 * Inline: it runs for every element; growing is out of line. */
static inline struct dec_frame *dec_push(struct dec *d, enum dec_kind kind,
					 const xmlChar *name, void *obj)
{
	struct dec_frame *f;

	if (d->nframes == d->frames_cap)
		return dec_push_grow(d, kind, name, obj);
	f = &d->frames[d->nframes++];
	dec_frame_set(f, kind, name, obj);
	d->text_mode = kind == K_LEAF ? TM_TEXT : TM_BLANK;
	return f;
}

static inline bool dec_is_ours(const struct dec *d, const xmlChar *uri)
{
	/* libxml2 interns namespace URIs in its dictionary, so the pointer
	 * test almost always decides; strcmp covers any other origin. */
	return uri && (uri == d->ns || !strcmp((const char *)uri, CONFINFO_NS));
}

/* decode_input.c: before and beside libxml2. */

/* The document as libxml2 reads it: in chunks, copied out of the
 * caller's buffer (which need not be NUL-terminated). */
struct dec_reader {
	struct dec *d;
	const char *doc;
	const char *p;
	size_t left;
	size_t last_lt; /* offset of the last '<' handed over */
	size_t max_run; /* bytes allowed without a '<' */
};

/* Refuse (EPROTO) anything but UTF-8, before libxml2 sees the input. */
int dec_check_encoding(struct dec *d, const unsigned char *p, size_t len);
/* The xmlInputReadCallback over a struct dec_reader. */
int dec_read_chunk(void *ctx, char *buf, int len);

/* decode_names.c: our names. */
/* Intern our element and attribute names in d->ctxt->dict (ENOMEM), and
 * index the element names by address: an offset table if they lie within
 * DEC_NAME_SPAN bytes, else the hash table. */
int dec_names_init(struct dec *d);
/* Index the element names @p p (by enum dec_elem, p[E_UNKNOWN] unused) in
 * the hash table only (for dec_names_init(), and tests of that way). */
void dec_names_hash(struct dec *d, const xmlChar *const *p);
/* Which of our elements @p name is, by its text (E_UNKNOWN if none). */
enum dec_elem dec_elem_lookup(const xmlChar *name);
/* Which of our attributes @p name is, by its text (A_COUNT if none). */
enum dec_attr dec_attr_lookup(const xmlChar *name);
/* The text of each of our attributes, by enum dec_attr. */
extern const char *const dec_attr_names[A_COUNT];

static inline size_t dec_name_slot(const xmlChar *name)
{
	uint64_t h = (uint64_t)(uintptr_t)name * UINT64_C(0x9E3779B97F4A7C15);

	return (size_t)(h >> 57) & (DEC_NAME_SLOTS - 1);
}

/* Which of our elements a local name is by its address in the parser's
 * dictionary (E_UNKNOWN if none). Inline and without calls. */
static inline enum dec_elem dec_elem_by_addr(const struct dec *d,
					     const xmlChar *name)
{
	size_t off = (size_t)(name - d->names_base), i;

	if (d->names_base && off < DEC_NAME_SPAN)
		return (enum dec_elem)d->names_at[off];
	i = dec_name_slot(name);

	while (d->names[i].name && d->names[i].name != name)
		i = (i + 1) & (DEC_NAME_SLOTS - 1);
	return d->names[i].name ? (enum dec_elem)d->names[i].elem : E_UNKNOWN;
}

/* Which of our elements a local name is (E_UNKNOWN if none). By address
 * first; a name not found that way (not from the dictionary, or not ours)
 * is looked up by its text, so the answer never depends on interning. */
static inline enum dec_elem dec_elem_of(const struct dec *d,
					const xmlChar *name)
{
	enum dec_elem e = dec_elem_by_addr(d, name);

	return e != E_UNKNOWN ? e : dec_elem_lookup(name);
}

/* Which of our attributes a local name is (A_COUNT if none), the same
 * way. */
static inline enum dec_attr dec_attr_of(const struct dec *d,
					const xmlChar *name)
{
	for (unsigned k = 0; k < A_COUNT; k++)
		if (d->attr_names[k] == name)
			return (enum dec_attr)k;
	return dec_attr_lookup(name);
}

/* decode_start.c: the schema, at the start of an element: the SAX2
 * startElementNs callback (its general path in decode_elems.c, the
 * schema's tables in decode_schema.c, decode_schema.h). */
void dec_on_start(void *ctx, const xmlChar *local, const xmlChar *prefix,
		  const xmlChar *uri, int nb_ns, const xmlChar **ns,
		  int nb_attrs, int nb_defaulted, const xmlChar **attrs);
/* decode_schema.c: "<user entity="...">": the element of a frame and its
 * key, for messages. */
const char *dec_describe(const struct dec_frame *f, char *buf, size_t size);

/* decode_end.c: the schema, at the end of an element: the SAX2
 * endElementNs callback. */
void dec_on_end(void *ctx, const xmlChar *local, const xmlChar *prefix,
		const xmlChar *uri);

/* True if @p s is XML whitespace only (byte by byte: the reference). */
bool dec_is_space_bytes(const xmlChar *s, size_t len);

/* True if @p s has the usual shape of indentation between elements: a
 * newline and up to 32 spaces. Recognised with three byte compares (up to
 * 3 spaces: they cover every byte) or two or four (overlapping) word
 * compares. Inline and without calls: it runs for every run of
 * indentation, and on_chars() stays frameless with it. False says only
 * "not this shape": dec_is_space_bytes() decides. */
static inline bool dec_is_indent(const xmlChar *s, size_t len)
{
	const uint64_t sp8 = 0x2020202020202020ull;
	const uint32_t sp4 = 0x20202020u;
	size_t n = len - 1; /* the spaces after the newline */

	if (len >= 2 && len < 5 && s[0] == '\n') /* shallow: 1-3 spaces */
		return s[1] == ' ' && s[len - 1] == ' ' && s[len / 2] == ' ';
	if (len >= 5 && len <= 33 && s[0] == '\n') {
		if (n > 16) { /* deeper indentation: four words */
			uint64_t a, b, c, e;

			memcpy(&a, s + 1, 8);
			memcpy(&b, s + 9, 8);
			memcpy(&c, s + len - 16, 8);
			memcpy(&e, s + len - 8, 8);
			return a == sp8 && b == sp8 && c == sp8 && e == sp8;
		}
		if (n >= 8) {
			uint64_t a, b;

			memcpy(&a, s + 1, 8);
			memcpy(&b, s + len - 8, 8);
			return a == sp8 && b == sp8;
		}
		{
			uint32_t a, b;

			memcpy(&a, s + 1, 4);
			memcpy(&b, s + len - 4, 4);
			return a == sp4 && b == sp4;
		}
	}
	return false;
}

/* decode_value.c: lexical spaces of the simple types. */
size_t dec_collapse(char *s, size_t len);
bool dec_parse_u32(const char *s, size_t len, uint32_t *out);
bool dec_parse_bool(const char *s, size_t len, enum confinfo_bool *out);
/* True if the attribute value [v, v + len) needs more than a copy: it
 * holds an "&#38;" to decode, or (with @p collapse) whitespace. Eight
 * bytes at a time, the last word overlapping. */
bool dec_value_needs_work(const xmlChar *v, size_t len, bool collapse);
int dec_attr_dup(struct dec *d, const xmlChar *name, const xmlChar *v,
		 size_t len, bool collapse, char **out);
const char *dec_attr_scratch(struct dec *d, const xmlChar *name,
			     const xmlChar *v, size_t len);

/* decode_ext.c: content of other namespaces. */
int dec_ext_attr(struct dec *d, struct confinfo_ext *ext, const xmlChar **attr);
int dec_capture_begin(struct dec *d, struct confinfo_ext *dst,
		      const struct dec_start *st);
int dec_capture_start(struct dec *d, const struct dec_start *st);
int dec_capture_end(struct dec *d, const xmlChar *local, const xmlChar *prefix);
int dec_capture_text(struct dec *d, const xmlChar *s, size_t len);
void dec_capture_release(struct dec *d);

#endif
