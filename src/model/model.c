/*
 * Life cycle of the model structs: new, free, clone and equal.
 *
 * Rather than seventeen hand-written copies of each operation (which would
 * drift apart as fields are added), every struct is described once by a
 * table of its fields, and three generic walkers do the work. Adding a
 * field to a struct in model.h means adding one line to its table here.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "confinfo/model.h"
#include "model/model_int.h"
#include "model/obj.h"
#include "model/pool.h"

enum field_kind {
	F_STR,   /* char *                                          */
	F_STATE, /* enum confinfo_state: compared by its meaning     */
	F_ENUM,  /* any other enum                                  */
	F_U32,   /* struct confinfo_u32                             */
	F_EXT,   /* struct confinfo_ext                             */
	F_PTR,   /* pointer to an owned struct of type `sub`        */
	F_LIST,  /* struct confinfo_list of owned `sub` items        */
	F_STRV,  /* char ** at off, size_t count at off2            */
};

struct type_desc;

struct field {
	enum field_kind kind;
	size_t off;
	const struct type_desc *sub;
	size_t off2;
};

struct type_desc {
	size_t size;
	const struct field *fields;
	size_t nfields;
};

/* Every enum of the model is stored in an int-sized slot. */
static_assert(sizeof(enum confinfo_state) == sizeof(int), "enum size");
static_assert(sizeof(enum confinfo_endpoint_status) == sizeof(int),
	      "enum size");
static_assert(sizeof(enum confinfo_media_status) == sizeof(int), "enum size");

#define AT(p, off, type)  ((type *)((char *)(p) + (off)))
#define CAT(p, off, type) ((const type *)((const char *)(p) + (off)))

#define FSTR(T, m)                                                             \
	{                                                                      \
		F_STR, offsetof(struct confinfo_##T, m), NULL, 0               \
	}
#define FSTATE(T, m)                                                           \
	{                                                                      \
		F_STATE, offsetof(struct confinfo_##T, m), NULL, 0             \
	}
#define FENUM(T, m)                                                            \
	{                                                                      \
		F_ENUM, offsetof(struct confinfo_##T, m), NULL, 0              \
	}
#define FU32(T, m)                                                             \
	{                                                                      \
		F_U32, offsetof(struct confinfo_##T, m), NULL, 0               \
	}
#define FEXT(T)                                                                \
	{                                                                      \
		F_EXT, offsetof(struct confinfo_##T, ext), NULL, 0             \
	}
#define FPTR(T, m, S)                                                          \
	{                                                                      \
		F_PTR, offsetof(struct confinfo_##T, m), &S##_desc, 0          \
	}
#define FLIST(T, m, S)                                                         \
	{                                                                      \
		F_LIST, offsetof(struct confinfo_##T, m), &S##_desc, 0         \
	}
#define DESC(T, ...)                                                           \
	static const struct field T##_fields[] = {__VA_ARGS__};                \
	static const struct type_desc T##_desc = {                             \
	    sizeof(struct confinfo_##T), T##_fields,                           \
	    sizeof(T##_fields) / sizeof(T##_fields[0])}

/* Forward declarations for the two types that refer to each other. */
static const struct type_desc conf_desc;
static const struct type_desc sidebars_by_val_desc;

DESC(exec, FSTR(exec, when), FSTR(exec, reason), FSTR(exec, by), FEXT(exec));
DESC(uri_entry, FSTR(uri_entry, uri), FSTR(uri_entry, display_text),
     FSTR(uri_entry, purpose), FPTR(uri_entry, modified, exec),
     FEXT(uri_entry));
DESC(uris, FSTATE(uris, state), FLIST(uris, entries, uri_entry), FEXT(uris));
DESC(medium, FSTR(medium, label), FSTR(medium, display_text),
     FSTR(medium, type), FENUM(medium, status), FEXT(medium));
DESC(available_media, FLIST(available_media, entries, medium),
     FEXT(available_media));
DESC(description, FSTR(description, display_text), FSTR(description, subject),
     FSTR(description, free_text), FSTR(description, keywords),
     FPTR(description, conf_uris, uris), FPTR(description, service_uris, uris),
     FU32(description, maximum_user_count),
     FPTR(description, available_media, available_media), FEXT(description));
DESC(host_info, FSTR(host_info, display_text), FSTR(host_info, web_page),
     FPTR(host_info, uris, uris), FEXT(host_info));
DESC(conf_state, FU32(conf_state, user_count), FENUM(conf_state, active),
     FENUM(conf_state, locked), FEXT(conf_state));
DESC(roles,
     {F_STRV, offsetof(struct confinfo_roles, entries), NULL,
      offsetof(struct confinfo_roles, count)},
     FEXT(roles));
DESC(sip_dialog, FSTR(sip_dialog, display_text), FSTR(sip_dialog, call_id),
     FSTR(sip_dialog, from_tag), FSTR(sip_dialog, to_tag), FEXT(sip_dialog));
DESC(call_info, FPTR(call_info, sip, sip_dialog), FEXT(call_info));
DESC(media, FSTR(media, id), FSTR(media, display_text), FSTR(media, type),
     FSTR(media, label), FSTR(media, src_id), FENUM(media, status),
     FEXT(media));
DESC(endpoint, FSTR(endpoint, entity), FSTATE(endpoint, state),
     FSTR(endpoint, display_text), FPTR(endpoint, referred, exec),
     FENUM(endpoint, status), FENUM(endpoint, joining_method),
     FPTR(endpoint, joining_info, exec), FENUM(endpoint, disconnection_method),
     FPTR(endpoint, disconnection_info, exec), FLIST(endpoint, media, media),
     FPTR(endpoint, call_info, call_info), FEXT(endpoint));
DESC(user, FSTR(user, entity), FSTATE(user, state), FSTR(user, display_text),
     FPTR(user, associated_aors, uris), FPTR(user, roles, roles),
     FSTR(user, languages), FSTR(user, cascaded_focus),
     FLIST(user, endpoints, endpoint), FEXT(user));
DESC(users, FSTATE(users, state), FLIST(users, users, user), FEXT(users));

static const struct field conf_fields[] = {
    FSTR(conf, entity),
    FSTATE(conf, state),
    FU32(conf, version),
    FPTR(conf, description, description),
    FPTR(conf, host_info, host_info),
    FPTR(conf, conf_state, conf_state),
    FPTR(conf, users, users),
    FPTR(conf, sidebars_by_ref, uris),
    FPTR(conf, sidebars_by_val, sidebars_by_val),
    FEXT(conf),
};
static const struct type_desc conf_desc = {
    sizeof(struct confinfo_conf), conf_fields,
    sizeof(conf_fields) / sizeof(conf_fields[0])};

static const struct field sidebars_by_val_fields[] = {
    FSTATE(sidebars_by_val, state),
    FLIST(sidebars_by_val, entries, conf),
    FEXT(sidebars_by_val),
};
static const struct type_desc sidebars_by_val_desc = {
    sizeof(struct confinfo_sidebars_by_val), sidebars_by_val_fields,
    sizeof(sidebars_by_val_fields) / sizeof(sidebars_by_val_fields[0])};

/* ---------------------------------------------------------------------- */

static void obj_free(const struct type_desc *d, void *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < d->nfields; i++) {
		const struct field *f = &d->fields[i];

		switch (f->kind) {
		case F_STR:
			ci_obj_free(*AT(p, f->off, char *));
			break;
		case F_EXT:
			confinfo_ext_reset(AT(p, f->off, struct confinfo_ext));
			break;
		case F_PTR:
			obj_free(f->sub, *AT(p, f->off, void *));
			break;
		case F_LIST: {
			struct confinfo_list *l =
			    AT(p, f->off, struct confinfo_list);

			for (size_t j = 0; j < l->count; j++)
				obj_free(f->sub, l->items[j]);
			confinfo_list_reset(l);
			break;
		}
		case F_STRV: {
			char **v = *AT(p, f->off, char **);
			size_t n = *AT(p, f->off2, size_t);

			for (size_t j = 0; j < n; j++)
				ci_obj_free(v[j]);
			ci_obj_free(v);
			break;
		}
		default:
			break;
		}
	}
	ci_obj_free(p);
}

static int obj_clone(const struct type_desc *d, void **dstp, const void *src);

static int field_clone(const struct field *f, void *dst, const void *src)
{
	int err = 0;

	switch (f->kind) {
	case F_STR: {
		const char *s = *CAT(src, f->off, char *);

		if (s && !(*AT(dst, f->off, char *) = ci_str_dup(s)))
			return ENOMEM;
		return 0;
	}
	case F_STATE:
	case F_ENUM:
		*AT(dst, f->off, int) = *CAT(src, f->off, int);
		return 0;
	case F_U32:
		*AT(dst, f->off, struct confinfo_u32) =
		    *CAT(src, f->off, struct confinfo_u32);
		return 0;
	case F_EXT:
		return confinfo_ext_copy(AT(dst, f->off, struct confinfo_ext),
					 CAT(src, f->off, struct confinfo_ext));
	case F_PTR: {
		const void *s = *CAT(src, f->off, void *);

		return s ? obj_clone(f->sub, AT(dst, f->off, void *), s) : 0;
	}
	case F_LIST: {
		const struct confinfo_list *sl =
		    CAT(src, f->off, struct confinfo_list);
		struct confinfo_list *dl =
		    AT(dst, f->off, struct confinfo_list);

		err = confinfo_list_reserve(dl, sl->count);
		for (size_t j = 0; j < sl->count && !err; j++) {
			void *item = NULL;

			err = obj_clone(f->sub, &item, sl->items[j]);
			if (!err) {
				err = confinfo_list_append(dl, item);
				if (err)
					obj_free(f->sub, item);
			}
		}
		return err;
	}
	case F_STRV: {
		const char *const *sv = *CAT(src, f->off, char *const *);
		size_t n = *CAT(src, f->off2, size_t);
		char **dv;

		if (!n)
			return 0;
		dv = ci_obj_new(n * sizeof(*dv));
		if (!dv)
			return ENOMEM;
		/* Set the array first so obj_free releases a partial copy. */
		*AT(dst, f->off, char **) = dv;
		for (size_t j = 0; j < n; j++) {
			dv[j] = ci_str_dup(sv[j]);
			if (!dv[j])
				return ENOMEM;
			*AT(dst, f->off2, size_t) = j + 1;
		}
		return 0;
	}
	}
	return EINVAL;
}

static int obj_clone(const struct type_desc *d, void **dstp, const void *src)
{
	void *dst;
	int err = 0;

	dst = ci_obj_new(d->size);
	if (!dst)
		return ENOMEM;
	for (size_t i = 0; i < d->nfields && !err; i++)
		err = field_clone(&d->fields[i], dst, src);
	if (err) {
		obj_free(d, dst);
		return err;
	}
	*dstp = dst;
	return 0;
}

static bool str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

static bool obj_equal(const struct type_desc *d, const void *a, const void *b);

static bool field_equal(const struct field *f, const void *a, const void *b)
{
	switch (f->kind) {
	case F_STR:
		return str_eq(*CAT(a, f->off, char *), *CAT(b, f->off, char *));
	case F_STATE:
		return confinfo_state_effective(*CAT(a, f->off, int)) ==
		       confinfo_state_effective(*CAT(b, f->off, int));
	case F_ENUM:
		return *CAT(a, f->off, int) == *CAT(b, f->off, int);
	case F_U32: {
		const struct confinfo_u32 *x =
		    CAT(a, f->off, struct confinfo_u32);
		const struct confinfo_u32 *y =
		    CAT(b, f->off, struct confinfo_u32);

		return x->set == y->set && (!x->set || x->value == y->value);
	}
	case F_EXT:
		return confinfo_ext_equal(CAT(a, f->off, struct confinfo_ext),
					  CAT(b, f->off, struct confinfo_ext));
	case F_PTR:
		return obj_equal(f->sub, *CAT(a, f->off, void *),
				 *CAT(b, f->off, void *));
	case F_LIST: {
		const struct confinfo_list *x =
		    CAT(a, f->off, struct confinfo_list);
		const struct confinfo_list *y =
		    CAT(b, f->off, struct confinfo_list);

		if (x->count != y->count)
			return false;
		for (size_t j = 0; j < x->count; j++) {
			if (!obj_equal(f->sub, x->items[j], y->items[j]))
				return false;
		}
		return true;
	}
	case F_STRV: {
		const char *const *x = *CAT(a, f->off, char *const *);
		const char *const *y = *CAT(b, f->off, char *const *);
		size_t n = *CAT(a, f->off2, size_t);

		if (n != *CAT(b, f->off2, size_t))
			return false;
		for (size_t j = 0; j < n; j++) {
			if (strcmp(x[j], y[j]))
				return false;
		}
		return true;
	}
	}
	return false;
}

static bool obj_equal(const struct type_desc *d, const void *a, const void *b)
{
	if (!a || !b)
		return a == b;
	for (size_t i = 0; i < d->nfields; i++) {
		if (!field_equal(&d->fields[i], a, b))
			return false;
	}
	return true;
}

/* ---------------------------------------------------------------------- */

#define MODEL_DEFINE(T)                                                        \
	struct confinfo_##T *confinfo_##T##_new(void)                          \
	{                                                                      \
		return ci_obj_new(sizeof(struct confinfo_##T));                \
	}                                                                      \
	void confinfo_##T##_free(struct confinfo_##T *p)                       \
	{                                                                      \
		obj_free(&T##_desc, p);                                        \
	}                                                                      \
	int confinfo_##T##_clone(struct confinfo_##T **dstp,                   \
				 const struct confinfo_##T *src)               \
	{                                                                      \
		void *dst = NULL;                                              \
		int err;                                                       \
		if (!dstp || !src)                                             \
			return EINVAL;                                         \
		err = obj_clone(&T##_desc, &dst, src);                         \
		if (!err)                                                      \
			*dstp = dst;                                           \
		return err;                                                    \
	}                                                                      \
	bool confinfo_##T##_equal(const struct confinfo_##T *a,                \
				  const struct confinfo_##T *b)                \
	{                                                                      \
		return obj_equal(&T##_desc, a, b);                             \
	}

MODEL_DEFINE(exec)
MODEL_DEFINE(uri_entry)
MODEL_DEFINE(uris)
MODEL_DEFINE(medium)
MODEL_DEFINE(available_media)
MODEL_DEFINE(description)
MODEL_DEFINE(host_info)
MODEL_DEFINE(conf_state)
MODEL_DEFINE(roles)
MODEL_DEFINE(sip_dialog)
MODEL_DEFINE(call_info)
MODEL_DEFINE(media)
MODEL_DEFINE(endpoint)
MODEL_DEFINE(user)
MODEL_DEFINE(users)
MODEL_DEFINE(conf)
MODEL_DEFINE(sidebars_by_val)

int ci_roles_append(struct confinfo_roles *roles, char *role,
		    struct ci_pool *pool)
{
	char **v;

	if (!role)
		return ENOMEM;
	if (!roles->entries && pool)
		v = ci_pool_alloc(pool, sizeof(*v));
	else
		v = ci_obj_grow(roles->entries, roles->count * sizeof(*v),
				(roles->count + 1) * sizeof(*v));
	if (!v) {
		ci_obj_free(role);
		return ENOMEM;
	}
	v[roles->count++] = role;
	roles->entries = v;
	return 0;
}

int confinfo_roles_add(struct confinfo_roles *roles, const char *role)
{
	if (!roles || !role)
		return EINVAL;
	return ci_roles_append(roles, ci_str_dup(role), NULL);
}

struct confinfo_user *confinfo_conf_user(const struct confinfo_conf *conf,
					 const char *entity)
{
	if (!conf || !conf->users)
		return NULL;
	return confinfo_list_find(&conf->users->users, entity);
}

struct confinfo_endpoint *
confinfo_user_endpoint(const struct confinfo_user *user, const char *entity)
{
	return user ? confinfo_list_find(&user->endpoints, entity) : NULL;
}

struct confinfo_media *
confinfo_endpoint_media(const struct confinfo_endpoint *ep, const char *id)
{
	return ep ? confinfo_list_find(&ep->media, id) : NULL;
}

int confinfo_str_set(char **dstp, const char *src)
{
	char *copy = NULL;

	if (!dstp)
		return EINVAL;
	if (src && !(copy = ci_str_dup(src)))
		return ENOMEM;
	ci_obj_free(*dstp);
	*dstp = copy;
	return 0;
}

char *confinfo_str_dup(const char *s)
{
	return s ? ci_str_dup(s) : NULL;
}

void confinfo_str_free(char *s)
{
	ci_obj_free(s);
}
