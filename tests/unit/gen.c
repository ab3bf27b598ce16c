/*
 * Random states and mutations for the property tests (see gen.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

uint64_t gen_next(uint64_t *rng)
{
	uint64_t z = (*rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint32_t gen_below(uint64_t *rng, uint32_t n)
{
	return (uint32_t)(gen_next(rng) % n);
}

bool gen_chance(uint64_t *rng, unsigned percent)
{
	return gen_below(rng, 100) < percent;
}

uint64_t gen_seed(uint64_t fallback)
{
	const char *s = getenv("CONFINFO_SEED");

	return s && *s ? strtoull(s, NULL, 0) : fallback;
}

/* Test code: running out of memory is not what is tested here. */
static void must(int err)
{
	if (err) {
		fprintf(stderr, "gen: error %d\n", err);
		abort();
	}
}

static void *must_p(void *p)
{
	if (!p) {
		fprintf(stderr, "gen: out of memory\n");
		abort();
	}
	return p;
}

#define PICK(rng, pool) ((pool)[gen_below(rng, sizeof(pool) / sizeof(*(pool)))])

/* Texts with what an encoder must escape, and non-ASCII. */
static const char *const texts[] = {
    "Bob Hoskins",
    "Alice",
    "main audio",
    "Bob's Laptop",
    "R&D <team> \"quoted\"",
    "\xc3\x89lo\xc3\xafse \xe2\x80\x99s phone",
    "",
    "  spaced  out  ",
    "line\nbreak",
    "full info",
};
static const char *const whens[] = {
    "2005-03-04T20:00:00Z",
    "2024-02-29T23:59:59.5+01:00",
    "1999-12-31T00:00:00-05:00",
};
static const char *const reasons[] = {
    "bad voice quality",
    "expert required",
    "SIP ;cause=200 ;text=\"Call completed elsewhere\"",
};
static const char *const langs[] = {"en", "en fr", "de-CH", "i-klingon"};
static const char *const keywords[] = {"sales meeting weekly", "standup",
				       "a b c"};
static const char *const roles[] = {"participant", "moderator", "administrator",
				    "observer"};
static const char *const purposes[] = {
    "participation", "streaming",     "web-page",       "recording",
    "event",         "grouptextchat", "x-vendor-thing",
};
static const char *const mtypes[] = {"audio", "video", "text", "message",
				     "application"};

static void set_str(char **dst, uint64_t *rng, const char *const *pool,
		    size_t n, unsigned percent)
{
	must(confinfo_str_set(dst, gen_chance(rng, percent)
				       ? pool[gen_below(rng, (uint32_t)n)]
				       : NULL));
}

#define SET_STR(dst, rng, pool, percent)                                       \
	set_str(dst, rng, pool, sizeof(pool) / sizeof(*(pool)), percent)

static void set_fmt(char **dst, const char *fmt, unsigned a, unsigned b)
{
	char buf[128];

	snprintf(buf, sizeof(buf), fmt, a, b);
	must(confinfo_str_set(dst, buf));
}

static enum confinfo_state any_full(uint64_t *rng)
{
	return gen_chance(rng, 50) ? CONFINFO_STATE_FULL : CONFINFO_STATE_UNSET;
}

static struct confinfo_u32 gen_u32(uint64_t *rng, unsigned percent)
{
	struct confinfo_u32 v = {false, 0};

	if (gen_chance(rng, percent)) {
		v.set = true;
		v.value =
		    gen_chance(rng, 10) ? UINT32_MAX : gen_below(rng, 200);
	}
	return v;
}

/* Foreign content. @p elems: whether the schema type has an xs:any
 * (uris-type, user-roles-type, execution-type, conference-media-type and
 * sidebars-by-val-type only take foreign attributes). */
static void gen_ext_of(struct confinfo_ext *x, uint64_t *rng, bool no_ext,
		       bool elems)
{
	confinfo_ext_reset(x);
	if (no_ext || !gen_chance(rng, 15))
		return;
	if (gen_chance(rng, 60)) {
		char v[32];

		snprintf(v, sizeof(v), "v%u", gen_below(rng, 5));
		must(confinfo_ext_add_attr(x, "urn:example:ext", "ex", "tag",
					   v));
	}
	if (elems && gen_chance(rng, 60)) {
		char e[128];
		int n = snprintf(e, sizeof(e),
				 "<ex:note xmlns:ex=\"urn:example:ext\">n%u"
				 "</ex:note>",
				 gen_below(rng, 5));

		must(confinfo_ext_add_elem(x, e, (size_t)n));
	}
}

#define gen_ext(x, rng, no_ext)       gen_ext_of(x, rng, no_ext, true)
#define gen_ext_attrs(x, rng, no_ext) gen_ext_of(x, rng, no_ext, false)

/* A key of @p fmt with a number not yet in @p list. */
static void fresh_key(char **dst, uint64_t *rng,
		      const struct confinfo_list *list, const char *fmt,
		      unsigned salt)
{
	for (;;) {
		set_fmt(dst, fmt, salt, gen_below(rng, 100000));
		if (!confinfo_list_find(list, *dst))
			return;
	}
}

/* ---------------------------------------------------------------------- */

static struct confinfo_exec *gen_exec(uint64_t *rng, unsigned percent,
				      bool no_ext)
{
	struct confinfo_exec *e;

	if (!gen_chance(rng, percent))
		return NULL;
	e = must_p(confinfo_exec_new());
	SET_STR(&e->when, rng, whens, 70);
	SET_STR(&e->reason, rng, reasons, 50);
	if (gen_chance(rng, 60))
		set_fmt(&e->by, "sip:mike%u@example.com", gen_below(rng, 3), 0);
	gen_ext_attrs(&e->ext, rng, no_ext);
	return e;
}

static struct confinfo_uri_entry *gen_uri_entry(uint64_t *rng,
						const struct confinfo_list *l,
						const char *fmt, bool no_ext)
{
	struct confinfo_uri_entry *e = must_p(confinfo_uri_entry_new());

	fresh_key(&e->uri, rng, l, fmt, gen_below(rng, 4));
	SET_STR(&e->display_text, rng, texts, 50);
	SET_STR(&e->purpose, rng, purposes, 60);
	e->modified = gen_exec(rng, 15, no_ext);
	gen_ext(&e->ext, rng, no_ext);
	return e;
}

static void add_uri_entry(struct confinfo_uris *u, uint64_t *rng,
			  const char *fmt, bool no_ext)
{
	must(confinfo_list_append(
	    &u->entries, gen_uri_entry(rng, &u->entries, fmt, no_ext)));
}

/* A non-empty uris list (uris-type has entry+). */
static struct confinfo_uris *gen_uris(uint64_t *rng, unsigned max,
				      const char *fmt, bool no_ext)
{
	struct confinfo_uris *u = must_p(confinfo_uris_new());
	unsigned n = 1 + gen_below(rng, max);

	u->state = any_full(rng);
	for (unsigned i = 0; i < n; i++)
		add_uri_entry(u, rng, fmt, no_ext);
	gen_ext_attrs(&u->ext, rng, no_ext);
	return u;
}

static struct confinfo_description *gen_description(uint64_t *rng,
						    const struct gen_opts *o)
{
	struct confinfo_description *d = must_p(confinfo_description_new());

	SET_STR(&d->display_text, rng, texts, 60);
	SET_STR(&d->subject, rng, texts, 60);
	SET_STR(&d->free_text, rng, texts, 30);
	SET_STR(&d->keywords, rng, keywords, 30);
	if (gen_chance(rng, 50))
		d->conf_uris = gen_uris(rng, o->max_entries,
					"sip:conf%u-%u@example.com", o->no_ext);
	if (gen_chance(rng, 50))
		d->service_uris = gen_uris(
		    rng, o->max_entries, "http://example.com/%u/%u", o->no_ext);
	d->maximum_user_count = gen_u32(rng, 30);
	if (gen_chance(rng, 40)) {
		unsigned n = 1 + gen_below(rng, 3);

		d->available_media = must_p(confinfo_available_media_new());
		for (unsigned i = 0; i < n; i++) {
			struct confinfo_medium *m =
			    must_p(confinfo_medium_new());

			set_fmt(&m->label, "%u", 34567 + i, 0);
			SET_STR(&m->display_text, rng, texts, 50);
			SET_STR(&m->type, rng, mtypes, 100);
			m->status =
			    (enum confinfo_media_status)gen_below(rng, 5);
			gen_ext(&m->ext, rng, o->no_ext);
			must(confinfo_list_append(&d->available_media->entries,
						  m));
		}
		gen_ext_attrs(&d->available_media->ext, rng, o->no_ext);
	}
	gen_ext(&d->ext, rng, o->no_ext);
	return d;
}

static struct confinfo_host_info *gen_host_info(uint64_t *rng,
						const struct gen_opts *o)
{
	struct confinfo_host_info *h = must_p(confinfo_host_info_new());

	SET_STR(&h->display_text, rng, texts, 60);
	if (gen_chance(rng, 50))
		set_fmt(&h->web_page, "http://example.com/hosts/%u",
			gen_below(rng, 9), 0);
	if (gen_chance(rng, 50))
		h->uris = gen_uris(rng, o->max_entries,
				   "sip:host%u-%u@example.com", o->no_ext);
	gen_ext(&h->ext, rng, o->no_ext);
	return h;
}

static struct confinfo_conf_state *gen_conf_state(uint64_t *rng, bool no_ext)
{
	struct confinfo_conf_state *s = must_p(confinfo_conf_state_new());

	s->user_count = gen_u32(rng, 70);
	s->active = (enum confinfo_bool)gen_below(rng, 3);
	s->locked = (enum confinfo_bool)gen_below(rng, 3);
	gen_ext(&s->ext, rng, no_ext);
	return s;
}

static struct confinfo_roles *gen_roles(uint64_t *rng, bool no_ext)
{
	struct confinfo_roles *r = must_p(confinfo_roles_new());
	unsigned n = 1 + gen_below(rng, 3);

	for (unsigned i = 0; i < n; i++)
		must(confinfo_roles_add(r, PICK(rng, roles)));
	gen_ext_attrs(&r->ext, rng, no_ext);
	return r;
}

static struct confinfo_call_info *gen_call_info(uint64_t *rng, bool no_ext)
{
	struct confinfo_call_info *c = must_p(confinfo_call_info_new());

	/* call-type is a choice: <sip>, or foreign elements. */
	if (no_ext || gen_chance(rng, 80)) {
		struct confinfo_sip_dialog *s =
		    must_p(confinfo_sip_dialog_new());

		SET_STR(&s->display_text, rng, texts, 40);
		set_fmt(&s->call_id, "call%u@%u", gen_below(rng, 1000),
			gen_below(rng, 9));
		set_fmt(&s->from_tag, "ft%u%u", gen_below(rng, 1000), 0);
		set_fmt(&s->to_tag, "tt%u%u", gen_below(rng, 1000), 0);
		gen_ext(&s->ext, rng, no_ext);
		c->sip = s;
	} else {
		must(confinfo_ext_add_elem(
		    &c->ext, "<x:h323 xmlns:x=\"urn:example:h323\">42</x:h323>",
		    strlen("<x:h323 xmlns:x=\"urn:example:h323\">42"
			   "</x:h323>")));
	}
	return c;
}

static struct confinfo_media *
gen_media(uint64_t *rng, const struct confinfo_list *l, bool no_ext)
{
	struct confinfo_media *m = must_p(confinfo_media_new());

	fresh_key(&m->id, rng, l, "%.0u%u", 0);
	SET_STR(&m->display_text, rng, texts, 50);
	SET_STR(&m->type, rng, mtypes, 70);
	if (gen_chance(rng, 50))
		set_fmt(&m->label, "%u", 34567 + gen_below(rng, 3), 0);
	if (gen_chance(rng, 50))
		set_fmt(&m->src_id, "%u", gen_below(rng, 1000000), 0);
	m->status = (enum confinfo_media_status)gen_below(rng, 5);
	gen_ext(&m->ext, rng, no_ext);
	return m;
}

static void gen_endpoint_fields(struct confinfo_endpoint *e, uint64_t *rng,
				bool no_ext)
{
	SET_STR(&e->display_text, rng, texts, 50);
	confinfo_exec_free(e->referred);
	e->referred = gen_exec(rng, 20, no_ext);
	e->status = (enum confinfo_endpoint_status)gen_below(rng, 10);
	e->joining_method = (enum confinfo_joining_method)gen_below(rng, 4);
	confinfo_exec_free(e->joining_info);
	e->joining_info = gen_exec(rng, 30, no_ext);
	e->disconnection_method =
	    (enum confinfo_disconnection_method)gen_below(rng, 5);
	confinfo_exec_free(e->disconnection_info);
	e->disconnection_info = gen_exec(rng, 20, no_ext);
	confinfo_call_info_free(e->call_info);
	e->call_info = gen_chance(rng, 30) ? gen_call_info(rng, no_ext) : NULL;
	gen_ext(&e->ext, rng, no_ext);
}

static struct confinfo_endpoint *gen_endpoint(uint64_t *rng,
					      const struct confinfo_list *l,
					      const struct gen_opts *o)
{
	struct confinfo_endpoint *e = must_p(confinfo_endpoint_new());
	unsigned n = gen_below(rng, o->max_media + 1);

	/* Endpoint keys are xs:string: not always URIs. */
	if (gen_chance(rng, 20))
		fresh_key(&e->entity, rng, l, "device %u/%u", 1);
	else
		fresh_key(&e->entity, rng, l, "sip:ep%u@pc%u.example.com", 7);
	e->state = any_full(rng);
	gen_endpoint_fields(e, rng, o->no_ext);
	for (unsigned i = 0; i < n; i++)
		must(confinfo_list_append(
		    &e->media, gen_media(rng, &e->media, o->no_ext)));
	return e;
}

static void gen_user_fields(struct confinfo_user *u, uint64_t *rng,
			    const struct gen_opts *o)
{
	SET_STR(&u->display_text, rng, texts, 70);
	confinfo_uris_free(u->associated_aors);
	u->associated_aors =
	    gen_chance(rng, 30)
		? gen_uris(rng, o->max_entries, "mailto:aor%u-%u@example.com",
			   o->no_ext)
		: NULL;
	confinfo_roles_free(u->roles);
	u->roles = gen_chance(rng, 40) ? gen_roles(rng, o->no_ext) : NULL;
	SET_STR(&u->languages, rng, langs, 40);
	if (gen_chance(rng, 10))
		set_fmt(&u->cascaded_focus, "sip:focus%u@example.com",
			gen_below(rng, 3), 0);
	else
		must(confinfo_str_set(&u->cascaded_focus, NULL));
	gen_ext(&u->ext, rng, o->no_ext);
}

static struct confinfo_user *
gen_user(uint64_t *rng, const struct confinfo_list *l, const struct gen_opts *o)
{
	struct confinfo_user *u = must_p(confinfo_user_new());
	unsigned n = gen_below(rng, o->max_endpoints + 1);

	fresh_key(&u->entity, rng, l, "sip:user%u-%u@example.com", 0);
	u->state = any_full(rng);
	gen_user_fields(u, rng, o);
	for (unsigned i = 0; i < n; i++)
		must(confinfo_list_append(&u->endpoints,
					  gen_endpoint(rng, &u->endpoints, o)));
	return u;
}

static struct confinfo_users *gen_users(uint64_t *rng, const struct gen_opts *o)
{
	struct confinfo_users *us = must_p(confinfo_users_new());
	unsigned n = gen_below(rng, o->max_users + 1);

	us->state = any_full(rng);
	for (unsigned i = 0; i < n; i++)
		must(confinfo_list_append(&us->users,
					  gen_user(rng, &us->users, o)));
	gen_ext(&us->ext, rng, o->no_ext);
	return us;
}

static struct confinfo_conf *gen_conf(uint64_t *rng, const struct gen_opts *o,
				      const char *entity, unsigned depth);

static struct confinfo_conf *gen_sidebar(uint64_t *rng,
					 const struct confinfo_list *l,
					 const struct gen_opts *o,
					 unsigned depth)
{
	char *key = NULL;
	struct confinfo_conf *c;

	fresh_key(&key, rng, l, "sips:conf233@example.com;grid=%u%u", 0);
	c = gen_conf(rng, o, key, depth);
	confinfo_str_free(key);
	/* A sidebar's version is optional data. */
	c->version = gen_u32(rng, 30);
	return c;
}

static struct confinfo_sidebars_by_val *
gen_sidebars_by_val(uint64_t *rng, const struct gen_opts *o, unsigned depth)
{
	struct confinfo_sidebars_by_val *s =
	    must_p(confinfo_sidebars_by_val_new());
	unsigned n = gen_below(rng, o->max_entries + 1);

	s->state = any_full(rng);
	for (unsigned i = 0; i < n; i++)
		must(confinfo_list_append(
		    &s->entries, gen_sidebar(rng, &s->entries, o, depth)));
	gen_ext_attrs(&s->ext, rng, o->no_ext);
	return s;
}

/* @p depth: how many more levels of sidebars-by-val may nest. */
static struct confinfo_conf *gen_conf(uint64_t *rng, const struct gen_opts *o,
				      const char *entity, unsigned depth)
{
	struct confinfo_conf *c = must_p(confinfo_conf_new());

	must(confinfo_str_set(&c->entity, entity));
	c->state = any_full(rng);
	if (gen_chance(rng, 80))
		c->description = gen_description(rng, o);
	if (gen_chance(rng, 40))
		c->host_info = gen_host_info(rng, o);
	if (gen_chance(rng, 60))
		c->conf_state = gen_conf_state(rng, o->no_ext);
	if (gen_chance(rng, 90))
		c->users = gen_users(rng, o);
	if (gen_chance(rng, 30))
		c->sidebars_by_ref =
		    gen_uris(rng, o->max_entries,
			     "sips:conf233@example.com;grid=%u%u", o->no_ext);
	if (depth && gen_chance(rng, 30))
		c->sidebars_by_val = gen_sidebars_by_val(rng, o, depth - 1);
	gen_ext(&c->ext, rng, o->no_ext);
	return c;
}

static void fill_defaults(struct gen_opts *o, const struct gen_opts *in)
{
	if (in)
		*o = *in;
	else
		memset(o, 0, sizeof(*o));
	if (!o->entity)
		o->entity = "sips:conf233@example.com";
	if (!o->version)
		o->version = 1;
	if (!o->max_users)
		o->max_users = 6;
	if (!o->max_endpoints)
		o->max_endpoints = 3;
	if (!o->max_media)
		o->max_media = 3;
	if (!o->max_entries)
		o->max_entries = 3;
	if (!o->sidebar_depth)
		o->sidebar_depth = 1;
}

struct confinfo_conf *gen_state(uint64_t *rng, const struct gen_opts *opts)
{
	struct gen_opts o;
	struct confinfo_conf *c;

	fill_defaults(&o, opts);
	c = gen_conf(rng, &o, o.entity, o.sidebar_depth);
	c->version.set = true;
	c->version.value = o.version;
	return c;
}

/* ---------------------------------------------------------------------- *
 * Mutations.
 * ---------------------------------------------------------------------- */

/* A random item of @p l, or NULL if empty. */
static void *any_item(const struct confinfo_list *l, uint64_t *rng)
{
	return l->count ? l->items[gen_below(rng, (uint32_t)l->count)] : NULL;
}

/* Moves a random item to the end of the list (a reorder merge cannot do
 * partially). */
static void move_last(struct confinfo_list *l, uint64_t *rng)
{
	void *item = any_item(l, rng);

	if (item) {
		item = confinfo_list_remove(l, confinfo_item_key(item));
		must(confinfo_list_append(l, item));
	}
}

typedef void(item_free_h)(void *);

static void remove_any(struct confinfo_list *l, uint64_t *rng,
		       item_free_h *freeh)
{
	void *item = any_item(l, rng);

	if (item)
		freeh(confinfo_list_remove(l, confinfo_item_key(item)));
}

static void free_user(void *p)
{
	confinfo_user_free(p);
}

static void free_endpoint(void *p)
{
	confinfo_endpoint_free(p);
}

static void free_media(void *p)
{
	confinfo_media_free(p);
}

static void free_entry(void *p)
{
	confinfo_uri_entry_free(p);
}

static void free_conf(void *p)
{
	confinfo_conf_free(p);
}

/* A uris list that must stay non-empty or go away. */
static void mutate_uris(struct confinfo_uris **up, uint64_t *rng,
			const char *fmt, const struct gen_opts *o)
{
	struct confinfo_uris *u = *up;
	struct confinfo_uri_entry *e;

	if (!u) {
		*up = gen_uris(rng, o->max_entries, fmt, o->no_ext);
		return;
	}
	switch (gen_below(rng, 6)) {
	case 0:
		add_uri_entry(u, rng, fmt, o->no_ext);
		break;
	case 1:
		remove_any(&u->entries, rng, free_entry);
		break;
	case 2:
		e = any_item(&u->entries, rng);
		SET_STR(&e->display_text, rng, texts, 60);
		SET_STR(&e->purpose, rng, purposes, 60);
		break;
	case 3:
		move_last(&u->entries, rng);
		break;
	case 4:
		gen_ext_attrs(&u->ext, rng, o->no_ext);
		break;
	default:
		confinfo_uris_free(u);
		*up = NULL;
		return;
	}
	if (!u->entries.count) {
		confinfo_uris_free(u);
		*up = NULL;
	}
}

static void mutate_endpoint(struct confinfo_endpoint *e, uint64_t *rng,
			    const struct gen_opts *o)
{
	struct confinfo_media *m;

	switch (gen_below(rng, 9)) {
	case 0:
		must(confinfo_list_append(
		    &e->media, gen_media(rng, &e->media, o->no_ext)));
		break;
	case 1:
		remove_any(&e->media, rng, free_media);
		break;
	case 2:
		m = any_item(&e->media, rng);
		if (m)
			m->status =
			    (enum confinfo_media_status)gen_below(rng, 5);
		break;
	case 3:
		m = any_item(&e->media, rng);
		if (m)
			SET_STR(&m->display_text, rng, texts, 50);
		break;
	case 4:
		move_last(&e->media, rng);
		break;
	case 5:
		e->status = (enum confinfo_endpoint_status)gen_below(rng, 10);
		break;
	case 6:
		SET_STR(&e->display_text, rng, texts, 50);
		break;
	case 7:
		confinfo_exec_free(e->disconnection_info);
		e->disconnection_info = gen_exec(rng, 60, o->no_ext);
		e->disconnection_method =
		    (enum confinfo_disconnection_method)gen_below(rng, 5);
		break;
	default:
		gen_endpoint_fields(e, rng, o->no_ext);
		break;
	}
}

static void mutate_user(struct confinfo_user *u, uint64_t *rng,
			const struct gen_opts *o)
{
	struct confinfo_endpoint *e;

	switch (gen_below(rng, 10)) {
	case 0:
		must(confinfo_list_append(&u->endpoints,
					  gen_endpoint(rng, &u->endpoints, o)));
		break;
	case 1:
		remove_any(&u->endpoints, rng, free_endpoint);
		break;
	case 2:
	case 3:
	case 4:
		e = any_item(&u->endpoints, rng);
		if (e)
			mutate_endpoint(e, rng, o);
		break;
	case 5:
		move_last(&u->endpoints, rng);
		break;
	case 6:
		SET_STR(&u->display_text, rng, texts, 60);
		break;
	case 7:
		mutate_uris(&u->associated_aors, rng,
			    "mailto:aor%u-%u@example.com", o);
		break;
	case 8:
		confinfo_roles_free(u->roles);
		u->roles =
		    gen_chance(rng, 60) ? gen_roles(rng, o->no_ext) : NULL;
		break;
	default:
		gen_user_fields(u, rng, o);
		break;
	}
}

static void mutate_users(struct confinfo_users **usp, uint64_t *rng,
			 const struct gen_opts *o)
{
	struct confinfo_users *us = *usp;
	struct confinfo_user *u;

	if (!us) {
		*usp = gen_users(rng, o);
		return;
	}
	switch (gen_below(rng, 12)) {
	case 0:
	case 1:
		must(confinfo_list_append(&us->users,
					  gen_user(rng, &us->users, o)));
		break;
	case 2:
	case 3:
		remove_any(&us->users, rng, free_user);
		break;
	case 4:
		move_last(&us->users, rng);
		break;
	case 5:
		gen_ext(&us->ext, rng, o->no_ext);
		break;
	case 6:
		if (gen_chance(rng, 30)) {
			confinfo_users_free(us);
			*usp = NULL;
		}
		break;
	default:
		u = any_item(&us->users, rng);
		if (u)
			mutate_user(u, rng, o);
		break;
	}
}

static void mutate_conf(struct confinfo_conf *c, uint64_t *rng,
			const struct gen_opts *o, unsigned depth);

static void mutate_sidebars_by_val(struct confinfo_sidebars_by_val **sp,
				   uint64_t *rng, const struct gen_opts *o,
				   unsigned depth)
{
	struct confinfo_sidebars_by_val *s = *sp;
	struct confinfo_conf *e;

	if (!s) {
		*sp = gen_sidebars_by_val(rng, o, depth);
		return;
	}
	switch (gen_below(rng, 7)) {
	case 0:
		must(confinfo_list_append(
		    &s->entries, gen_sidebar(rng, &s->entries, o, depth)));
		break;
	case 1:
		remove_any(&s->entries, rng, free_conf);
		break;
	case 2:
		move_last(&s->entries, rng);
		break;
	case 3:
		confinfo_sidebars_by_val_free(s);
		*sp = NULL;
		break;
	case 4:
		e = any_item(&s->entries, rng);
		if (e)
			e->version = gen_u32(rng, 50);
		break;
	default:
		e = any_item(&s->entries, rng);
		if (e)
			mutate_conf(e, rng, o, depth);
		break;
	}
}

static void mutate_description(struct confinfo_conf *c, uint64_t *rng,
			       const struct gen_opts *o)
{
	struct confinfo_description *d = c->description;

	if (!d || gen_chance(rng, 20)) {
		confinfo_description_free(d);
		c->description =
		    gen_chance(rng, 80) ? gen_description(rng, o) : NULL;
		return;
	}
	switch (gen_below(rng, 4)) {
	case 0:
		SET_STR(&d->subject, rng, texts, 70);
		break;
	case 1:
		mutate_uris(&d->conf_uris, rng, "sip:conf%u-%u@example.com", o);
		break;
	case 2:
		mutate_uris(&d->service_uris, rng, "http://example.com/%u/%u",
			    o);
		break;
	default:
		d->maximum_user_count = gen_u32(rng, 50);
		break;
	}
}

/* @p depth: how many levels of sidebars-by-val may nest below @p c. */
static void mutate_conf(struct confinfo_conf *c, uint64_t *rng,
			const struct gen_opts *o, unsigned depth)
{
	switch (gen_below(rng, 14)) {
	case 0:
	case 1:
		mutate_description(c, rng, o);
		break;
	case 2:
		confinfo_host_info_free(c->host_info);
		c->host_info =
		    gen_chance(rng, 60) ? gen_host_info(rng, o) : NULL;
		break;
	case 3:
		if (c->conf_state && gen_chance(rng, 70)) {
			c->conf_state->user_count = gen_u32(rng, 80);
		} else {
			confinfo_conf_state_free(c->conf_state);
			c->conf_state = gen_chance(rng, 60)
					    ? gen_conf_state(rng, o->no_ext)
					    : NULL;
		}
		break;
	case 4:
		mutate_uris(&c->sidebars_by_ref, rng,
			    "sips:conf233@example.com;grid=%u%u", o);
		break;
	case 5:
		if (depth)
			mutate_sidebars_by_val(&c->sidebars_by_val, rng, o,
					       depth - 1);
		break;
	case 6:
		gen_ext(&c->ext, rng, o->no_ext);
		break;
	default:
		mutate_users(&c->users, rng, o);
		break;
	}
}

void gen_mutate(struct confinfo_conf *conf, uint64_t *rng)
{
	struct gen_opts o;
	unsigned n = 1 + gen_below(rng, 4);

	fill_defaults(&o, NULL);
	for (unsigned i = 0; i < n; i++)
		mutate_conf(conf, rng, &o, o.sidebar_depth);
}
