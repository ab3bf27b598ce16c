#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dectest.h"
#include "testutil.h"

int dt_sentinel_storage;

int dt_decode_mem(const char *data, size_t len,
		  const struct confinfo_xml_limits *lim,
		  struct confinfo_diag *diag, struct confinfo_conf **confp)
{
	char *copy = malloc(len ? len : 1);
	int err;

	assert_non_null(copy);
	memcpy(copy, data, len);
	err = confinfo_xml_decode(confp, copy, len, lim, diag);
	free(copy);
	return err;
}

int dt_decode_file(const char *path, const struct confinfo_xml_limits *lim,
		   struct confinfo_diag *diag, struct confinfo_conf **confp)
{
	size_t len;
	char *buf = tu_read_vector(path, &len);
	int err = dt_decode_mem(buf, len, lim, diag, confp);

	free(buf);
	return err;
}

struct confinfo_conf *dt_must_decode(const char *xml,
				     struct confinfo_diag *diag)
{
	struct confinfo_diag local = {0};
	struct confinfo_conf *conf = NULL;
	int err;

	if (!diag)
		diag = &local;
	err = dt_decode_mem(xml, strlen(xml), NULL, diag, &conf);
	if (err)
		fail_msg("decode failed (%d): %u:%u: %s", err, diag->line,
			 diag->column, diag->message);
	assert_non_null(conf);
	return conf;
}

struct confinfo_diag
dt_must_fail(const char *xml, const struct confinfo_xml_limits *lim, int want)
{
	struct confinfo_diag diag = {0};
	struct confinfo_conf *conf = DT_SENTINEL;
	int err = dt_decode_mem(xml, strlen(xml), lim, &diag, &conf);

	if (err != want)
		fail_msg("decode of \"%.70s\": err %d (%s), want %d", xml, err,
			 diag.message, want);
	assert_ptr_equal(conf, DT_SENTINEL);
	assert_int_equal(diag.err, want);
	assert_true(diag.message[0] != '\0');
	return diag;
}

void dt_collect(unsigned line, unsigned col, const char *msg, void *arg)
{
	struct dt_warns *w = arg;

	(void)col;
	if (w->n < 8) {
		w->line[w->n] = line;
		snprintf(w->msg[w->n], sizeof(w->msg[0]), "%s", msg);
	}
	w->n++;
}

void *dt_item(const struct confinfo_list *l, size_t i)
{
	assert_non_null(l);
	assert_true(i < l->count);
	return l->items[i];
}

typedef void(ext_fn)(const struct confinfo_ext *ext, void *arg);

static void exec_ext(const struct confinfo_exec *x, ext_fn *fn, void *arg)
{
	if (x)
		fn(&x->ext, arg);
}

static void uris_ext(const struct confinfo_uris *u, ext_fn *fn, void *arg)
{
	if (!u)
		return;
	fn(&u->ext, arg);
	for (size_t i = 0; i < u->entries.count; i++) {
		const struct confinfo_uri_entry *e = u->entries.items[i];

		fn(&e->ext, arg);
		exec_ext(e->modified, fn, arg);
	}
}

static void endpoint_ext(const struct confinfo_endpoint *ep, ext_fn *fn,
			 void *arg)
{
	fn(&ep->ext, arg);
	exec_ext(ep->referred, fn, arg);
	exec_ext(ep->joining_info, fn, arg);
	exec_ext(ep->disconnection_info, fn, arg);
	for (size_t i = 0; i < ep->media.count; i++)
		fn(&((const struct confinfo_media *)ep->media.items[i])->ext,
		   arg);
	if (ep->call_info) {
		fn(&ep->call_info->ext, arg);
		if (ep->call_info->sip)
			fn(&ep->call_info->sip->ext, arg);
	}
}

void dt_each_ext(const struct confinfo_conf *c, ext_fn *fn, void *arg)
{
	fn(&c->ext, arg);
	if (c->description) {
		const struct confinfo_description *d = c->description;

		fn(&d->ext, arg);
		uris_ext(d->conf_uris, fn, arg);
		uris_ext(d->service_uris, fn, arg);
		if (d->available_media) {
			fn(&d->available_media->ext, arg);
			for (size_t i = 0;
			     i < d->available_media->entries.count; i++)
				fn(&((const struct confinfo_medium *)
					 d->available_media->entries.items[i])
					->ext,
				   arg);
		}
	}
	if (c->host_info) {
		fn(&c->host_info->ext, arg);
		uris_ext(c->host_info->uris, fn, arg);
	}
	if (c->conf_state)
		fn(&c->conf_state->ext, arg);
	if (c->users) {
		fn(&c->users->ext, arg);
		for (size_t i = 0; i < c->users->users.count; i++) {
			const struct confinfo_user *u =
			    c->users->users.items[i];

			fn(&u->ext, arg);
			uris_ext(u->associated_aors, fn, arg);
			if (u->roles)
				fn(&u->roles->ext, arg);
			for (size_t j = 0; j < u->endpoints.count; j++)
				endpoint_ext(u->endpoints.items[j], fn, arg);
		}
	}
	uris_ext(c->sidebars_by_ref, fn, arg);
	if (c->sidebars_by_val) {
		fn(&c->sidebars_by_val->ext, arg);
		for (size_t i = 0; i < c->sidebars_by_val->entries.count; i++)
			dt_each_ext(c->sidebars_by_val->entries.items[i], fn,
				    arg);
	}
}
