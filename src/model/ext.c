/*
 * Content of other namespaces, kept so that a document read and written
 * again loses nothing.
 */
#include <errno.h>
#include <string.h>

#include "confinfo/model.h"
#include "model/alloc.h"
#include "model/obj.h"

static bool str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

static void attr_release(struct confinfo_attr *a)
{
	ci_obj_free(a->ns);
	ci_obj_free(a->prefix);
	ci_obj_free(a->name);
	ci_obj_free(a->value);
}

int confinfo_ext_add_attr(struct confinfo_ext *ext, const char *ns,
			  const char *prefix, const char *name,
			  const char *value)
{
	struct confinfo_attr a = {0}, *attrs;

	if (!ext || !ns || !name || !value)
		return EINVAL;
	a.ns = ci_str_dup(ns);
	a.prefix = prefix ? ci_str_dup(prefix) : NULL;
	a.name = ci_str_dup(name);
	a.value = ci_str_dup(value);
	if (!a.ns || (prefix && !a.prefix) || !a.name || !a.value)
		goto nomem;
	attrs = ci_realloc(ext->attrs, (ext->attr_count + 1) * sizeof(*attrs));
	if (!attrs)
		goto nomem;
	attrs[ext->attr_count++] = a;
	ext->attrs = attrs;
	return 0;
nomem:
	attr_release(&a);
	return ENOMEM;
}

int confinfo_ext_add_elem(struct confinfo_ext *ext, const char *xml, size_t len)
{
	char **elems;
	char *copy;

	if (!ext || !xml)
		return EINVAL;
	copy = ci_str_ndup(xml, len);
	if (!copy)
		return ENOMEM;
	elems = ci_realloc(ext->elems, (ext->elem_count + 1) * sizeof(*elems));
	if (!elems) {
		ci_obj_free(copy);
		return ENOMEM;
	}
	elems[ext->elem_count++] = copy;
	ext->elems = elems;
	return 0;
}

void confinfo_ext_reset(struct confinfo_ext *ext)
{
	if (!ext)
		return;
	for (size_t i = 0; i < ext->attr_count; i++)
		attr_release(&ext->attrs[i]);
	for (size_t i = 0; i < ext->elem_count; i++)
		ci_obj_free(ext->elems[i]);
	ci_free(ext->attrs);
	ci_free(ext->elems);
	memset(ext, 0, sizeof(*ext));
}

int confinfo_ext_copy(struct confinfo_ext *dst, const struct confinfo_ext *src)
{
	struct confinfo_ext tmp = {0};
	int err = 0;

	if (!dst || !src)
		return EINVAL;
	for (size_t i = 0; i < src->attr_count && !err; i++) {
		const struct confinfo_attr *a = &src->attrs[i];

		err = confinfo_ext_add_attr(&tmp, a->ns, a->prefix, a->name,
					    a->value);
	}
	for (size_t i = 0; i < src->elem_count && !err; i++)
		err = confinfo_ext_add_elem(&tmp, src->elems[i],
					    strlen(src->elems[i]));
	if (err) {
		confinfo_ext_reset(&tmp);
		return err;
	}
	*dst = tmp;
	return 0;
}

bool confinfo_ext_equal(const struct confinfo_ext *a,
			const struct confinfo_ext *b)
{
	if (a->attr_count != b->attr_count || a->elem_count != b->elem_count)
		return false;
	for (size_t i = 0; i < a->attr_count; i++) {
		const struct confinfo_attr *x = &a->attrs[i], *y = &b->attrs[i];

		/* The prefix is presentation, the namespace is identity. */
		if (!str_eq(x->ns, y->ns) || !str_eq(x->name, y->name) ||
		    !str_eq(x->value, y->value))
			return false;
	}
	for (size_t i = 0; i < a->elem_count; i++) {
		if (strcmp(a->elems[i], b->elems[i]))
			return false;
	}
	return true;
}

bool confinfo_ext_empty(const struct confinfo_ext *ext)
{
	return !ext->attr_count && !ext->elem_count;
}
