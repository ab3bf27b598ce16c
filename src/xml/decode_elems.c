/*
 * The start of an element by the general path: every check of the schema
 * (decode_schema.h) on an element that opens, with a message that says
 * what is wrong: its place in the sequence, the document-wide counts, its
 * attributes, key, state and version, the nesting of sidebars; then its
 * struct allocated, linked and its frame pushed. dec_elem_start() is the
 * entry: the SAX2 callback and its short paths (decode_start.c) send here
 * every element of ours they do not handle, and must decode exactly as
 * this does (test_decode_paths.c, fuzz_decode).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "model/pool.h"
#include "xml/decode_schema.h"
#include "xml/encode.h" /* CI_XML_MAX_SIDEBAR_NESTING */

struct attrs {
	const xmlChar *v[A_COUNT];
	size_t len[A_COUNT];
};

/* A new, empty struct of a kind. */
static void *new_of(struct dec *d, enum dec_kind kind)
{
	return ci_pool_new(&d->pool, dec_kinds[kind].size);
}

/* ---------------------------------------------------------------------
 * Checks shared by every element.
 * ------------------------------------------------------------------- */

static int order(struct dec *d, struct dec_frame *f, unsigned slot,
		 const xmlChar *name)
{
	unsigned pos = slot & ~DEC_REPEAT;

	if (dec_in_order(f, slot)) {
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

/* Document-wide counts, checked before the element is allocated. */
static int count(struct dec *d, enum dec_kind kind, const xmlChar *name)
{
	const char *what, *limit;
	size_t max, *n = dec_count_of(d, kind, &max, &what, &limit);

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
		if (!(allowed & DEC_BIT(k)))
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
	unsigned a = dec_key_attr(kind);

	if (!av->v[a])
		return dec_fail_tag(d, EBADMSG,
				    "<%s> without %s attribute: it is "
				    "required as the key",
				    st->local, dec_attr_names[a]);
	/* Conference and user entities are anyURI (collapsed); endpoint
	 * entity, media id and label are xs:string (kept as written). */
	return dec_attr_dup(d, BAD_CAST dec_attr_names[a], av->v[a], av->len[a],
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
	enum confinfo_state *statep = dec_state_of(kind, obj), s;
	size_t len = av->len[A_STATE];
	char desc[112], pdesc[112];

	if (!av->v[A_STATE]) {
		if (parent && parent->state == CONFINFO_STATE_PARTIAL &&
		    warn_default_state(kind, parent))
			dec_warn_tag(d,
				     "partial document relies on the default "
				     "state=full for %s: replaces it whole "
				     "(RFC 4575 4.4)",
				     dec_describe_as(kind, st->local, obj, desc,
						     sizeof(desc)));
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
		    dec_describe_as(kind, st->local, obj, desc, sizeof(desc)),
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

/* ---------------------------------------------------------------------
 * Opening each kind of child.
 * ------------------------------------------------------------------- */

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
	enum confinfo_state *statep = dec_state_of(kind, obj);
	struct dec_frame *f;
	struct attrs av;
	char desc[112], pdesc[112];
	int err;

	err = scan_attrs(d, st, dec_kinds[kind].attrs, dec_ext_of(kind, obj),
			 &av);
	if (!err && dec_key_attr(kind) != A_COUNT)
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
			    dec_describe_as(kind, st->local, obj, desc,
					    sizeof(desc)),
			    dec_describe(parent, pdesc, sizeof(pdesc)));
		else if (err)
			dec_nomem(d);
	}
	if (err) {
		if (list)
			dec_keyed_free(kind, obj);
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

	if (order(d, f, DEC_REPEAT | 1, st->local) ||
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
	if (!dec_kinds[f->kind].any)
		return dec_fail_tag(d, EBADMSG,
				    "foreign element <%s> (namespace %.80s) "
				    "not allowed in %s",
				    st->local, st->uri,
				    dec_describe(f, desc, sizeof(desc)));
	if (f->kind == K_CALLINFO && ((struct confinfo_call_info *)f->obj)->sip)
		return dec_fail_tag(d, EBADMSG,
				    "<call-info> holds either <sip> or foreign "
				    "elements, not both");
	if (order(d, f, DEC_SLOT_ANY, st->local))
		return d->err;
	d->text_mode = TM_CAPTURE;
	return dec_capture_begin(d, dec_ext_of((enum dec_kind)f->kind, f->obj),
				 st);
}

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

static int open_sub(struct dec *d, struct dec_frame *f,
		    const struct dec_rule *r, const struct dec_start *st)
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

/* ---------------------------------------------------------------------
 * Dispatch.
 * ------------------------------------------------------------------- */

static int child_start(struct dec *d, struct dec_frame *f,
		       const struct dec_start *st, enum dec_elem e)
{
	const struct dec_rule *r = &dec_rules[f->kind][e];
	char *field = (char *)f->obj + r->off;

	/* Leaves are the most common children: tested first, and with
	 * branches rather than a jump table (see dec_kinds[]). */
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

/* The general path's entry (decode_schema.h). */
int dec_elem_start(struct dec *d, const struct dec_start *st)
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
