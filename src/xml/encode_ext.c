/*
 * Encoder, content of other namespaces (struct confinfo_ext).
 *
 * Foreign attributes are written with a prefix declared on the same
 * element, so each element is self-contained whatever its ancestors
 * declare. The prefix is the one the model remembers when that is
 * possible; a fresh one (ns1, ns2, ...) replaces it when it is missing,
 * not an NCName, reserved, or already bound to another namespace on this
 * element. Attribute names are part of the markup, so they are checked
 * rather than escaped: a model holding a name XML cannot spell is EINVAL.
 *
 * Foreign elements are self-contained fragments (the model's contract) and
 * are copied verbatim.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "model/alloc.h"
#include "xml/encode.h"

#define XML_NS   "http://www.w3.org/XML/1998/namespace"
#define XMLNS_NS "http://www.w3.org/2000/xmlns/"

/* Attributes with a prefix choice kept on the stack; more is rare and
 * costs one allocation. */
#define PFX_STACK 8

struct pfx {
	const char *name; /* the prefix written: the model's or gen */
	char gen[16];     /* "ns" + a number, when generated */
};

/* Could @p p be bound to a namespace on this element by a declaration? */
static bool prefix_usable(const char *p)
{
	return p && ci_xml_ncname_ok(p) && strcmp(p, "xml") != 0 &&
	       strcmp(p, "xmlns") != 0;
}

/* Write "ns<k>" into @p out (at least 16 bytes). */
static void gen_name(char out[16], unsigned k)
{
	char digits[12];
	size_t i = sizeof(digits), n;

	do {
		digits[--i] = (char)('0' + k % 10);
		k /= 10;
	} while (k);
	n = sizeof(digits) - i;
	out[0] = 'n';
	out[1] = 's';
	memcpy(out + 2, digits + i, n);
	out[2 + n] = '\0';
}

/* A fresh prefix for attribute @p i: not one any attribute of the element
 * asks for (a later one may keep its own) and not one generated before.
 * *kp carries the counter between calls. */
static void gen_prefix(struct pfx *px, size_t i, const struct confinfo_ext *ext,
		       unsigned *kp)
{
	size_t j;
	bool clash;

	do {
		gen_name(px[i].gen, ++*kp);
		clash = false;
		for (j = 0; j < ext->attr_count && !clash; j++) {
			const char *p = ext->attrs[j].prefix;

			clash = p && strcmp(p, px[i].gen) == 0;
		}
		for (j = 0; j < i && !clash; j++)
			clash = strcmp(px[j].name, px[i].gen) == 0;
	} while (clash);
	px[i].name = px[i].gen;
}

/* Is attribute @p i of @p ext one the schema's anyAttribute ##other can
 * take, and different from the ones before it? */
static bool attr_ok(const struct confinfo_ext *ext, size_t i)
{
	const struct confinfo_attr *a = &ext->attrs[i];
	size_t j;

	/* ##other: a namespace, and not ours; the xmlns namespace is for
	 * declarations only. */
	if (!a->ns || !a->ns[0] || strcmp(a->ns, CONFINFO_NS) == 0 ||
	    strcmp(a->ns, XMLNS_NS) == 0)
		return false;
	if (!a->value || !ci_xml_ncname_ok(a->name))
		return false;
	/* Two attributes with one expanded name: not namespace-well-formed. */
	for (j = 0; j < i; j++)
		if (strcmp(ext->attrs[j].name, a->name) == 0 &&
		    strcmp(ext->attrs[j].ns, a->ns) == 0)
			return false;
	return true;
}

/*
 * Choose the prefix of attribute @p i given the choices for 0..i-1.
 * Returns true if it needs a declaration on this element.
 */
static bool choose_prefix(struct pfx *px, size_t i,
			  const struct confinfo_ext *ext, unsigned *kp)
{
	const struct confinfo_attr *a = &ext->attrs[i];
	const char *want = a->prefix;
	size_t j;

	/* The xml prefix is bound by definition and may not be declared;
	 * no other prefix may stand for its namespace. */
	if (strcmp(a->ns, XML_NS) == 0) {
		px[i].name = "xml";
		return false;
	}
	if (prefix_usable(want)) {
		for (j = 0; j < i; j++) {
			if (strcmp(px[j].name, want) != 0)
				continue;
			if (strcmp(ext->attrs[j].ns, a->ns) == 0) {
				px[i].name = want; /* declared already */
				return false;
			}
			break; /* bound to another namespace here */
		}
		if (j == i) {
			px[i].name = want;
			return true;
		}
	} else {
		/* No usable prefix of its own: share one already declared
		 * for the same namespace. */
		for (j = 0; j < i; j++) {
			if (strcmp(ext->attrs[j].ns, a->ns) == 0 &&
			    strcmp(px[j].name, "xml") != 0) {
				px[i].name = px[j].name;
				return false;
			}
		}
	}
	gen_prefix(px, i, ext, kp);
	return true;
}

void ci_enc_ext_attrs_slow(struct ci_enc *e, const struct confinfo_ext *ext)
{
	struct pfx stack[PFX_STACK], *px = stack;
	unsigned k = 0;
	size_t i;

	if (ext->attr_count > PFX_STACK) {
		px = ci_malloc(ext->attr_count * sizeof(*px));
		if (!px) {
			ci_buf_fail(&e->b, ENOMEM);
			return;
		}
	}
	for (i = 0; i < ext->attr_count; i++) {
		const struct confinfo_attr *a = &ext->attrs[i];

		if (!attr_ok(ext, i)) {
			ci_buf_fail(&e->b, EINVAL);
			break;
		}
		if (choose_prefix(px, i, ext, &k)) {
			CI_BUF_LIT(&e->b, " xmlns:");
			ci_buf_puts(&e->b, px[i].name);
			CI_BUF_LIT(&e->b, "=\"");
			ci_buf_attr(&e->b, a->ns);
			CI_BUF_LIT(&e->b, "\"");
		}
		CI_BUF_LIT(&e->b, " ");
		ci_buf_puts(&e->b, px[i].name);
		CI_BUF_LIT(&e->b, ":");
		ci_buf_puts(&e->b, a->name);
		CI_BUF_LIT(&e->b, "=\"");
		ci_buf_attr(&e->b, a->value);
		CI_BUF_LIT(&e->b, "\"");
	}
	if (px != stack)
		ci_free(px);
}

void ci_enc_ext_elems(struct ci_enc *e, const struct confinfo_ext *ext)
{
	size_t i;

	for (i = 0; i < ext->elem_count; i++) {
		const char *x = ext->elems[i];

		/* The fragment is trusted to be well-formed (see
		 * confinfo_ext_add_elem()); refuse at least what is not an
		 * element at all. */
		if (!x || x[0] != '<') {
			ci_buf_fail(&e->b, EINVAL);
			return;
		}
		ci_buf_puts(&e->b, x);
		CI_BUF_LIT(&e->b, "\n");
	}
}
