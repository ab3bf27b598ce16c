/*
 * Size estimates of encoded elements. They only need to rank a partial
 * element against the full one, so every element costs a fixed overhead
 * for its tags plus the length of its text and attributes.
 */
#include <string.h>

#include "diff/diff_int.h"

/* An element's start and end tags, or an attribute's name and quotes. */
#define TAG  24
#define ATTR 12

static size_t str(const char *s)
{
	return s ? TAG + strlen(s) : 0;
}

static size_t attr(const char *s)
{
	return s ? ATTR + strlen(s) : 0;
}

static size_t flag(bool present)
{
	return present ? TAG + 8 : 0;
}

static size_t ext(const struct confinfo_ext *x)
{
	size_t n = 0;

	for (size_t i = 0; i < x->attr_count; i++)
		n +=
		    ATTR + strlen(x->attrs[i].name) + strlen(x->attrs[i].value);
	for (size_t i = 0; i < x->elem_count; i++)
		n += strlen(x->elems[i]);
	return n;
}

static size_t exec(const struct confinfo_exec *e)
{
	if (!e)
		return 0;
	return TAG + str(e->when) + str(e->reason) + str(e->by) + ext(&e->ext);
}

static size_t uri_entry(const struct confinfo_uri_entry *e)
{
	return TAG + str(e->uri) + str(e->display_text) + str(e->purpose) +
	       exec(e->modified) + ext(&e->ext);
}

size_t diff_cost_uris(const struct confinfo_uris *u)
{
	size_t n;

	if (!u)
		return 0;
	n = TAG + ATTR + ext(&u->ext);
	for (size_t i = 0; i < u->entries.count; i++)
		n += uri_entry(u->entries.items[i]);
	return n;
}

static size_t available_media(const struct confinfo_available_media *a)
{
	size_t n;

	if (!a)
		return 0;
	n = TAG + ext(&a->ext);
	for (size_t i = 0; i < a->entries.count; i++) {
		const struct confinfo_medium *m = a->entries.items[i];

		n += TAG + attr(m->label) + str(m->display_text) +
		     str(m->type) + flag(m->status) + ext(&m->ext);
	}
	return n;
}

static size_t description(const struct confinfo_description *d)
{
	if (!d)
		return 0;
	return TAG + str(d->display_text) + str(d->subject) +
	       str(d->free_text) + str(d->keywords) +
	       diff_cost_uris(d->conf_uris) + diff_cost_uris(d->service_uris) +
	       flag(d->maximum_user_count.set) +
	       available_media(d->available_media) + ext(&d->ext);
}

static size_t host_info(const struct confinfo_host_info *h)
{
	if (!h)
		return 0;
	return TAG + str(h->display_text) + str(h->web_page) +
	       diff_cost_uris(h->uris) + ext(&h->ext);
}

static size_t conf_state(const struct confinfo_conf_state *s)
{
	if (!s)
		return 0;
	return TAG + flag(s->user_count.set) + flag(s->active) +
	       flag(s->locked) + ext(&s->ext);
}

static size_t roles(const struct confinfo_roles *r)
{
	size_t n;

	if (!r)
		return 0;
	n = TAG + ext(&r->ext);
	for (size_t i = 0; i < r->count; i++)
		n += str(r->entries[i]);
	return n;
}

static size_t call_info(const struct confinfo_call_info *c)
{
	size_t n;

	if (!c)
		return 0;
	n = TAG + ext(&c->ext);
	if (c->sip)
		n += TAG + str(c->sip->display_text) + str(c->sip->call_id) +
		     str(c->sip->from_tag) + str(c->sip->to_tag) +
		     ext(&c->sip->ext);
	return n;
}

static size_t media(const struct confinfo_media *m)
{
	return TAG + attr(m->id) + str(m->display_text) + str(m->type) +
	       str(m->label) + str(m->src_id) + flag(m->status) + ext(&m->ext);
}

size_t diff_cost_endpoint(const struct confinfo_endpoint *e)
{
	size_t n = TAG + attr(e->entity) + ATTR + str(e->display_text) +
		   exec(e->referred) + flag(e->status) +
		   flag(e->joining_method) + exec(e->joining_info) +
		   flag(e->disconnection_method) + exec(e->disconnection_info) +
		   call_info(e->call_info) + ext(&e->ext);

	for (size_t i = 0; i < e->media.count; i++)
		n += media(e->media.items[i]);
	return n;
}

size_t diff_cost_user(const struct confinfo_user *u)
{
	size_t n = TAG + attr(u->entity) + ATTR + str(u->display_text) +
		   diff_cost_uris(u->associated_aors) + roles(u->roles) +
		   str(u->languages) + str(u->cascaded_focus) + ext(&u->ext);

	for (size_t i = 0; i < u->endpoints.count; i++)
		n += diff_cost_endpoint(u->endpoints.items[i]);
	return n;
}

size_t diff_cost_users(const struct confinfo_users *u)
{
	size_t n;

	if (!u)
		return 0;
	n = TAG + ATTR + ext(&u->ext);
	for (size_t i = 0; i < u->users.count; i++)
		n += diff_cost_user(u->users.items[i]);
	return n;
}

size_t diff_cost_sidebars_by_val(const struct confinfo_sidebars_by_val *s)
{
	size_t n;

	if (!s)
		return 0;
	n = TAG + ATTR + ext(&s->ext);
	for (size_t i = 0; i < s->entries.count; i++)
		n += diff_cost_conf(s->entries.items[i]);
	return n;
}

size_t diff_cost_conf(const struct confinfo_conf *c)
{
	return TAG + attr(c->entity) + ATTR + flag(c->version.set) +
	       description(c->description) + host_info(c->host_info) +
	       conf_state(c->conf_state) + diff_cost_users(c->users) +
	       diff_cost_uris(c->sidebars_by_ref) +
	       diff_cost_sidebars_by_val(c->sidebars_by_val) + ext(&c->ext);
}
