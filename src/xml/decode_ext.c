/*
 * Content of other namespaces: foreign attributes of our elements, and
 * foreign child elements captured whole as XML fragments.
 *
 * A fragment must stand on its own, since the encoder writes it back
 * verbatim somewhere else: every prefix it uses is declared inside it.
 * While a subtree is captured we keep the declarations written so far
 * (prefix, URI, depth); each element first repeats the declarations it
 * carried in the document (so QName-valued content keeps working), then
 * declares whatever its own name and attributes need that is not in scope
 * in the fragment yet. Text and attribute values are escaped again.
 * Comments and processing instructions are not kept.
 *
 * All the fragments and foreign attributes of a document together may not
 * exceed max_ext bytes; this is checked as a fragment grows.
 */
#include <errno.h>
#include <string.h>

#include "model/alloc.h"
#include "model/obj.h"
#include "xml/decode_int.h"

static const xmlChar xml_prefix[] = "xml";

static bool str_eq(const xmlChar *a, const xmlChar *b)
{
	if (!a || !b)
		return a == b;
	return a == b || !strcmp((const char *)a, (const char *)b);
}

static int over_limit(struct dec *d)
{
	dec_limit(d, "max_ext");
	return dec_fail_here(d, EBADMSG,
			     "foreign content exceeds the limit of %zu bytes",
			     d->lim.max_ext);
}

static int put(struct dec *d, const void *s, size_t n)
{
	struct dec_capture *c = &d->cap;

	if (n > d->lim.max_ext - d->ext_bytes)
		return over_limit(d);
	if (c->len + n + 1 > c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		char *p;

		while (cap < c->len + n + 1)
			cap *= 2;
		p = ci_realloc(c->buf, cap);
		if (!p)
			return dec_nomem(d);
		c->buf = p;
		c->cap = cap;
	}
	memcpy(c->buf + c->len, s, n);
	c->len += n;
	d->ext_bytes += n;
	return 0;
}

static int puts_(struct dec *d, const xmlChar *s)
{
	return put(d, s, strlen((const char *)s));
}

/*
 * Escape text (@p attr false) or an attribute value (true). In attribute
 * values the whitespace characters are written as references, or a reader
 * would normalise them to spaces; an '&' there is libxml2's "&#38;" (see
 * decode_value.c) and becomes one "&amp;".
 */
static int put_escaped(struct dec *d, const xmlChar *s, size_t n, bool attr)
{
	size_t start = 0;

	for (size_t i = 0; i < n; i++) {
		const char *rep = NULL;
		size_t skip = 0;

		switch (s[i]) {
		case '&':
			rep = "&amp;";
			if (attr && n - i >= 5 && !memcmp(s + i, "&#38;", 5))
				skip = 4;
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '\r':
			rep = "&#13;";
			break;
		case '"':
			rep = attr ? "&quot;" : NULL;
			break;
		case '\t':
			rep = attr ? "&#9;" : NULL;
			break;
		case '\n':
			rep = attr ? "&#10;" : NULL;
			break;
		default:
			break;
		}
		if (!rep)
			continue;
		if (put(d, s + start, i - start) || put(d, rep, strlen(rep)))
			return d->err;
		i += skip;
		start = i + 1;
	}
	return put(d, s + start, n - start);
}

static int put_qname(struct dec *d, const xmlChar *prefix, const xmlChar *local)
{
	if (prefix && (puts_(d, prefix) || put(d, ":", 1)))
		return d->err;
	return puts_(d, local);
}

/* The URI bound to @p prefix in the fragment so far: NULL if unbound,
 * "" for the default namespace when none is declared. */
static const xmlChar *lookup(const struct dec_capture *c, const xmlChar *prefix)
{
	for (size_t i = c->ns_len; i-- > 0;)
		if (str_eq(c->ns[i].prefix, prefix))
			return c->ns[i].uri;
	if (!prefix)
		return BAD_CAST "";
	return NULL;
}

static int declare(struct dec *d, const xmlChar *prefix, const xmlChar *uri)
{
	struct dec_capture *c = &d->cap;

	if (c->ns_len == c->ns_cap) {
		size_t cap = c->ns_cap ? c->ns_cap * 2 : 8;
		struct dec_nsdecl *ns = ci_realloc(c->ns, cap * sizeof(*ns));

		if (!ns)
			return dec_nomem(d);
		c->ns = ns;
		c->ns_cap = cap;
	}
	c->ns[c->ns_len].prefix = prefix;
	c->ns[c->ns_len].uri = uri;
	c->ns[c->ns_len].depth = c->depth;
	c->ns_len++;
	if (put(d, " xmlns", 6) ||
	    (prefix && (put(d, ":", 1) || puts_(d, prefix))) ||
	    put(d, "=\"", 2) ||
	    put_escaped(d, uri, strlen((const char *)uri), true) ||
	    put(d, "\"", 1))
		return d->err;
	return 0;
}

/* Declare @p prefix as @p uri unless the fragment already binds it so. */
static int need(struct dec *d, const xmlChar *prefix, const xmlChar *uri)
{
	const xmlChar *cur;

	if (prefix && str_eq(prefix, xml_prefix))
		return 0; /* bound by definition, never declared */
	cur = lookup(&d->cap, prefix);
	if (cur && str_eq(cur, uri))
		return 0;
	return declare(d, prefix, uri);
}

/* Write '>' of the last start tag if content follows it. */
static int close_tag(struct dec *d)
{
	if (!d->cap.open_tag)
		return 0;
	d->cap.open_tag = false;
	return put(d, ">", 1);
}

int dec_capture_start(struct dec *d, const struct dec_start *st)
{
	struct dec_capture *c = &d->cap;

	if (close_tag(d) || put(d, "<", 1) ||
	    put_qname(d, st->prefix, st->local))
		return d->err;
	c->depth++;
	for (int i = 0; i < st->nb_ns; i++)
		if (declare(d, st->ns[2 * i], st->ns[2 * i + 1]))
			return d->err;
	/* An element in no namespace needs the default namespace undone
	 * (xmlns="") if the fragment set one. */
	if (need(d, st->prefix, st->uri ? st->uri : BAD_CAST ""))
		return d->err;
	for (int i = 0; i < st->nb_attrs; i++) {
		const xmlChar **a = st->attrs + 5 * i;

		if (a[1] && need(d, a[1], a[2]))
			return d->err;
	}
	for (int i = 0; i < st->nb_attrs; i++) {
		const xmlChar **a = st->attrs + 5 * i;

		if (put(d, " ", 1) || put_qname(d, a[1], a[0]) ||
		    put(d, "=\"", 2) ||
		    put_escaped(d, a[3], (size_t)(a[4] - a[3]), true) ||
		    put(d, "\"", 1))
			return d->err;
	}
	c->open_tag = true;
	return 0;
}

int dec_capture_begin(struct dec *d, struct confinfo_ext *dst,
		      const struct dec_start *st)
{
	d->cap.dst = dst;
	d->cap.depth = 0;
	d->cap.len = 0;
	d->cap.ns_len = 0;
	d->cap.open_tag = false;
	return dec_capture_start(d, st);
}

int dec_capture_end(struct dec *d, const xmlChar *local, const xmlChar *prefix)
{
	struct dec_capture *c = &d->cap;
	int err;

	while (c->ns_len && c->ns[c->ns_len - 1].depth == c->depth)
		c->ns_len--;
	if (c->open_tag) {
		c->open_tag = false;
		if (put(d, "/>", 2))
			return d->err;
	} else if (put(d, "</", 2) || put_qname(d, prefix, local) ||
		   put(d, ">", 1)) {
		return d->err;
	}
	if (--c->depth)
		return 0;
	err = confinfo_ext_add_elem(c->dst, c->buf, c->len);
	c->dst = NULL;
	return err ? dec_nomem(d) : 0;
}

int dec_capture_text(struct dec *d, const xmlChar *s, size_t len)
{
	if (close_tag(d))
		return d->err;
	return put_escaped(d, s, len, false);
}

void dec_capture_release(struct dec *d)
{
	ci_free(d->cap.buf);
	ci_free(d->cap.ns);
	memset(&d->cap, 0, sizeof(d->cap));
}

/* A foreign attribute of one of our elements. */
int dec_ext_attr(struct dec *d, struct confinfo_ext *ext, const xmlChar **a)
{
	const xmlChar *prefix = a[1], *uri = a[2];
	size_t len = (size_t)(a[4] - a[3]);
	size_t size = strlen((const char *)a[0]) + strlen((const char *)uri) +
		      (prefix ? strlen((const char *)prefix) : 0) + len;
	char *ns = NULL;
	const char *value;
	int err;

	if (size > d->lim.max_ext - d->ext_bytes)
		return over_limit(d);
	d->ext_bytes += size;
	/* Namespace names get libxml2's "&#38;" treatment too. */
	if (strchr((const char *)uri, '&') &&
	    dec_attr_dup(d, a[0], uri, strlen((const char *)uri), false, &ns))
		return d->err;
	value = dec_attr_scratch(d, a[0], a[3], len);
	if (!value) {
		ci_obj_free(ns);
		return d->err;
	}
	err = confinfo_ext_add_attr(ext, ns ? ns : (const char *)uri,
				    (const char *)prefix, (const char *)a[0],
				    value);
	ci_obj_free(ns);
	return err ? dec_nomem(d) : 0;
}
