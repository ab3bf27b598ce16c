/*
 * The end of an element of our namespace: the value of a simple-type
 * element, the required children of a complex one.
 */
#include <errno.h>

#include "model/model_int.h"
#include "model/pool.h"
#include "xml/decode_int.h"
/* The lexical checks the encoder applies (ci_xml_datetime_ok(),
 * ci_xml_languages_ok()): what one refuses to write, the other refuses
 * to read. */
#include "xml/lexical.h"

static int invalid(struct dec *d, const struct dec_frame *f, const char *s,
		   size_t n, const char *what)
{
	return dec_fail_tag(d, EBADMSG, "invalid <%s> \"%.*s\": %s", f->name,
			    (int)(n < 40 ? n : 40), s, what);
}

static int set_str(struct dec *d, char **dst, const char *s, size_t n)
{
	*dst = ci_pool_str(&d->pool, s, n);
	return *dst ? 0 : dec_nomem(d);
}

/* The <uri> of an entry is read: the entry can join its list. */
static int entry_uri(struct dec *d, const char *s, size_t n)
{
	struct confinfo_uris *uris = d->frames[d->nframes - 2].aux;
	const xmlChar *list_name = d->frames[d->nframes - 3].name;
	struct confinfo_uri_entry *entry = d->pending;
	int err;

	if (set_str(d, &entry->uri, s, n))
		return d->err;
	err = dec_list_append(d, &uris->entries, entry);
	if (err == EEXIST)
		return dec_fail_tag(d, EBADMSG,
				    "duplicate <entry> with uri \"%.64s\" in "
				    "<%s>",
				    entry->uri, list_name);
	if (err)
		return dec_nomem(d);
	d->pending = NULL;
	return 0;
}

/* The value of a leaf kept as a string (f->leaf <= L_LANGUAGES): its
 * text @p s of @p n bytes, collapsed and checked as its type says. Part
 * of end_leaf() to the compiler (always inlined), as is end_typed(). */
static inline __attribute__((always_inline)) int
end_string(struct dec *d, const struct dec_frame *f, char *s, size_t n)
{
	if (f->leaf != L_STR) {
		n = dec_collapse(s, n);
		s[n] = '\0';
	}
	if (f->leaf == L_DATETIME && !ci_xml_datetime_ok(s))
		return invalid(d, f, s, n, "not an xs:dateTime");
	if (f->leaf == L_LANGUAGES && !ci_xml_languages_ok(s))
		return invalid(d, f, s, n, "not a list of xs:language tags");
	return set_str(d, f->obj, s, n);
}

/* The value of any other leaf: a number, a boolean, one of the
 * enumerations, a role or an entry's uri. */
static inline __attribute__((always_inline)) int
end_typed(struct dec *d, const struct dec_frame *f, char *s, size_t n)
{
	switch ((enum dec_leaf)f->leaf) {
	case L_STR:
	case L_COLLAPSE:
	case L_DATETIME:
	case L_LANGUAGES:
		break; /* end_string() */
	case L_U32: {
		struct confinfo_u32 *u = f->obj;

		if (!dec_parse_u32(s, n, &u->value))
			return invalid(d, f, s, n, "not an xs:unsignedInt");
		u->set = true;
		return 0;
	}
	case L_BOOL:
		if (!dec_parse_bool(s, n, f->obj))
			return invalid(d, f, s, n,
				       "not an xs:boolean (true, false, 1, 0)");
		return 0;
	case L_EP_STATUS: {
		enum confinfo_endpoint_status v =
		    confinfo_endpoint_status_parse(s, n);

		if (!v)
			return invalid(d, f, s, n, "unknown endpoint status");
		*(enum confinfo_endpoint_status *)f->obj = v;
		return 0;
	}
	case L_JOINING: {
		enum confinfo_joining_method v =
		    confinfo_joining_method_parse(s, n);

		if (!v)
			return invalid(d, f, s, n, "unknown joining method");
		*(enum confinfo_joining_method *)f->obj = v;
		return 0;
	}
	case L_DISCONNECTION: {
		enum confinfo_disconnection_method v =
		    confinfo_disconnection_method_parse(s, n);

		if (!v)
			return invalid(d, f, s, n,
				       "unknown disconnection method");
		*(enum confinfo_disconnection_method *)f->obj = v;
		return 0;
	}
	case L_MEDIA_STATUS: {
		enum confinfo_media_status v =
		    confinfo_media_status_parse(s, n);

		if (!v)
			return invalid(d, f, s, n, "unknown media status");
		*(enum confinfo_media_status *)f->obj = v;
		return 0;
	}
	case L_ROLE:
		return ci_roles_append(f->obj, ci_pool_str(&d->pool, s, n),
				       &d->pool)
			   ? dec_nomem(d)
			   : 0;
	case L_ENTRY_URI:
		n = dec_collapse(s, n);
		s[n] = '\0';
		return entry_uri(d, s, n);
	}
	return 0;
}

/* The end of a leaf: its value into the state. Out of line: its two
 * callers stay small, and the pieces above make one function. */
__attribute__((noinline)) static int end_leaf(struct dec *d,
					      const struct dec_frame *f)
{
	size_t n = d->text_len;
	char *s;

	/* Room for the NUL: on_chars() keeps one spare byte, so this only
	 * allocates for a leaf whose text is the first and empty. */
	if (n >= d->text_cap && dec_text_reserve(d, n + 1))
		return d->err;
	s = d->text;
	s[n] = '\0';
	/* Strings first, without a switch: most leaves are strings, and
	 * branches on their few properties predict better than a jump
	 * table over every leaf kind. */
	if (f->leaf <= L_LANGUAGES)
		return end_string(d, f, s, n);
	return end_typed(d, f, s, n);
}

static int missing(struct dec *d, const struct dec_frame *f, const char *what)
{
	char desc[112];

	return dec_fail_tag(d, EBADMSG, "%s without %s",
			    dec_describe(f, desc, sizeof(desc)), what);
}

static int end_elem(struct dec *d, const struct dec_frame *f)
{
	bool deleted = f->state == CONFINFO_STATE_DELETED;

	switch ((enum dec_kind)f->kind) {
	case K_URIS:
		/* entry+ in the schema; a deleted list keeps none (its
		 * children are ignored), which section 4.4 asks for. */
		if (!deleted &&
		    !((const struct confinfo_uris *)f->obj)->entries.count)
			return missing(d, f, "<entry>: at least one needed");
		return 0;
	case K_URI_ENTRY:
		return d->pending ? missing(d, f, "<uri>") : 0;
	case K_AVMEDIA:
		if (!((const struct confinfo_available_media *)f->obj)
			 ->entries.count)
			return missing(d, f, "<entry>: at least one needed");
		return 0;
	case K_ROLES:
		if (!((const struct confinfo_roles *)f->obj)->count)
			return missing(d, f, "<entry>: at least one needed");
		return 0;
	case K_MEDIUM:
		if (!((const struct confinfo_medium *)f->obj)->type)
			return missing(d, f, "<type>");
		return 0;
	case K_SIP: {
		const struct confinfo_sip_dialog *x = f->obj;

		if (!x->call_id)
			return missing(d, f, "<call-id>");
		if (!x->from_tag)
			return missing(d, f, "<from-tag>");
		if (!x->to_tag)
			return missing(d, f, "<to-tag>");
		return 0;
	}
	case K_CONF:
		if (d->nframes == 1)
			d->done = true;
		return 0;
	default:
		return 0;
	}
}

static int dec_elem_end(struct dec *d)
{
	const struct dec_frame *f;

	if (!d->nframes)
		return 0;
	f = &d->frames[d->nframes - 1];
	if (f->kind == K_LEAF ? end_leaf(d, f) : end_elem(d, f))
		return d->err;
	/* Every parent is a complex element: blanks only, again. */
	d->text_mode = --d->nframes ? TM_BLANK : TM_IGNORE;
	return 0;
}

/* dec_on_end() beyond its common case. Out of line, so that the common
 * case needs no stack frame. */
__attribute__((noinline)) static void
end_slow(struct dec *d, const xmlChar *local, const xmlChar *prefix)
{
	if (d->err)
		return;
	d->depth--;
	if (d->cap.dst) {
		if (!dec_capture_end(d, local, prefix) && !d->cap.dst)
			d->text_mode = TM_BLANK; /* back in our element */
	} else if (d->skip) {
		if (!--d->skip)
			d->text_mode = TM_BLANK; /* back in the deleted one */
	} else {
		dec_elem_end(d);
	}
}

/* The end of any other leaf (TM_TEXT: a leaf of ours is open, no failure
 * recorded, nothing captured or skipped): its value, straight away. */
__attribute__((noinline)) static void end_text(struct dec *d)
{
	if (dec_general_only) {
		end_slow(d, NULL, NULL); /* names: only a capture needs them */
		return;
	}
	if (end_leaf(d, &d->frames[d->nframes - 1]))
		return;
	d->nframes--;
	d->depth--;
	d->text_mode = TM_BLANK; /* a leaf's parent is a complex element */
}

/*
 * The SAX2 endElementNs callback. Its common case, the end of a string
 * leaf (xs:string, kept as written: most leaves are) whose value
 * on_chars() has already set from its one piece of text, is done here
 * without a call: TM_STR_SET says the innermost open element is such a
 * leaf, with no failure recorded and nothing captured or skipped; a leaf
 * always has a complex parent, so blanks are expected after it. Other
 * leaves go to end_text(), the rest to end_slow().
 */
void dec_on_end(void *ctx, const xmlChar *local, const xmlChar *prefix,
		const xmlChar *uri)
{
	struct dec *d = ctx;

	(void)uri;
	if (d->text_mode == TM_STR_SET) {
		d->nframes--;
		d->depth--;
		d->text_mode = TM_BLANK;
		return;
	}
	if (d->text_mode == TM_TEXT) {
		end_text(d);
		return;
	}
	end_slow(d, local, prefix);
}
