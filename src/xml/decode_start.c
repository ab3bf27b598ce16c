/*
 * The SAX2 startElementNs callback, dec_on_start(), and its short paths:
 * the common elements opened with few tests and no call (a leaf in its
 * place), or few calls (an optional struct, a roles or uri entry, a keyed
 * element with a plain key). Each checks everything before it does
 * anything, so that whatever is unusual (or wrong) still goes the general
 * way (decode_elems.c), which then says what is wrong; test_decode_paths.c
 * and fuzz_decode hold them to it. Kept apart from the general path and
 * with the schema's helpers inline (decode_schema.h), so that the
 * compiler keeps these paths free of calls and stack frames
 * (docs/performance.md).
 */
#include <errno.h>
#include <stddef.h>

#include "model/copy.h"
#include "model/pool.h"
#include "xml/decode_schema.h"

/* dec_on_start() beyond its short paths: the limits every element is
 * held to, then a capture, a skip or the general path. Out of line, so
 * that the short paths need no stack frame; static, so that the compiler
 * may pass it only what it uses. */
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
			     const struct dec_rule *r, const xmlChar *local)
{
	f->slot = (unsigned char)(r->slot & ~DEC_REPEAT);
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
					    const struct dec_rule *r,
					    const xmlChar *local, void *obj)
{
	f->slot = (unsigned char)(r->slot & ~DEC_REPEAT);
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
	const struct dec_rule *r = &dec_rules[f->kind][e];
	enum dec_kind kind = (enum dec_kind)r->arg;
	void *obj;

	if (f->state == CONFINFO_STATE_DELETED || !dec_in_order(f, r->slot))
		goto slow;
	if (r->what == W_ROLE && d->entries < d->lim.max_entries) {
		d->entries++;
		push_leaf(d, f, r, local);
		return;
	}
	if (r->what == W_SUB && kind != K_USERS && kind != K_SBVAL &&
	    (kind != K_SIP ||
	     !((struct confinfo_call_info *)f->obj)->ext.elem_count) &&
	    (dec_kinds[kind].state == DEC_NO_STATE ||
	     f->state == CONFINFO_STATE_FULL)) {
		obj = ci_pool_alloc_nocall(&d->pool, dec_kinds[kind].size);
		if (obj) {
			ci_zero(obj, dec_kinds[kind].size);
			*(void **)((char *)f->obj + r->off) = obj;
			push_struct(d, f, r, local, obj);
			return;
		}
	}
	/* A uri-type entry: held in d->pending until its <uri> is read
	 * (open_uri_entry()). */
	if (r->what == W_URI_ENTRY && d->entries < d->lim.max_entries) {
		obj = ci_pool_alloc_nocall(&d->pool, dec_kinds[kind].size);
		if (obj) {
			ci_zero(obj, dec_kinds[kind].size);
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
		dec_fail_tag(
		    d, EBADMSG, "duplicate %s in %s",
		    dec_describe_as(kind, local, obj, desc, sizeof(desc)),
		    dec_describe(parent, pdesc, sizeof(pdesc)));
	else
		dec_nomem(d);
	dec_keyed_free(kind, obj);
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
	const struct dec_rule *r =
	    &dec_rules[f->kind][dec_elem_by_addr(d, local)];
	enum dec_kind kind = (enum dec_kind)r->arg;
	const xmlChar *key = NULL, *state = NULL;
	enum confinfo_state s = CONFINFO_STATE_UNSET;
	size_t klen = 0, size, max, *n;
	const char *what, *limit;
	char *obj, *k;
	int err;

	if (r->what != W_KEYED || kind == K_CONF || nb_attrs > 2 ||
	    f->state == CONFINFO_STATE_DELETED || !dec_in_order(f, r->slot))
		goto slow;
	for (int i = 0; i < nb_attrs; i++) {
		const xmlChar **a = attrs + 5 * i;

		if (a[2])
			goto slow;
		if (a[0] == d->attr_names[dec_kinds[kind].key] && !key) {
			key = a[3];
			klen = (size_t)(a[4] - a[3]);
		} else if (a[0] == d->attr_names[A_STATE] &&
			   dec_kinds[kind].state != DEC_NO_STATE && !state) {
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
		  : dec_kinds[kind].state != DEC_NO_STATE &&
			f->state == CONFINFO_STATE_PARTIAL)
		goto slow;
	n = dec_count_of(d, kind, &max, &what, &limit);
	size = dec_kinds[kind].size;
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
		*dec_state_of(kind, obj) = s;
	err = dec_list_append(
	    d, (struct confinfo_list *)((char *)f->obj + r->off), obj);
	if (err) {
		keyed_failed(d, f, kind, local, obj, err);
		return;
	}
	++*n;
	f->slot = (unsigned char)(r->slot & ~DEC_REPEAT);
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
	const struct dec_rule *r;
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
	r = &dec_rules[f->kind][e]; /* E_UNKNOWN's rules are all W_NONE */
	if (r->what != W_LEAF || f->state == CONFINFO_STATE_DELETED ||
	    !dec_in_order(f, r->slot)) {
		start_ours(d, local);
		return;
	}
	push_leaf(d, f, r, local);
}
