/*
 * Encoder: the model written as application/conference-info+xml.
 *
 * The walk follows the schema's sequences (RFC 4575 section 6) so the
 * output validates; values the schema constrains but the model cannot
 * (required children, entry+ lists, typed strings) are checked on the way
 * and make the whole call fail with EINVAL rather than produce an invalid
 * document.
 *
 * State attributes follow RFC 4575 section 4.4: the root always carries
 * one; in a partial document users, user, endpoint and the sidebars carry
 * one even when the model leaves it UNSET (written as "full", see the
 * section 7.2 example for why); a non-full state under a full parent is
 * EINVAL; a deleted element is written without its children.
 *
 * Layout: one element per line, no indentation. That keeps the output
 * readable in a trace at almost no cost.
 *
 * This file: the root and conference-type, the description, host-info and
 * conference-state. Users are in encode_user.c; below both, the types
 * they share (state attribute, uris-type, execution-type) in
 * encode_types.c and foreign content in encode_ext.c.
 */
#include <errno.h>
#include <string.h>

#include "confinfo/xml.h"
#include "xml/encode.h"

static void enc_medium(struct ci_enc *e, const struct confinfo_medium *m)
{
	size_t mark;

	if (!m->label || !m->type)
		ci_buf_fail(&e->b, EINVAL);
	CI_BUF_LIT(&e->b, "<entry label=\"");
	if (m->label)
		ci_buf_attr(&e->b, m->label);
	CI_BUF_LIT(&e->b, "\"");
	ci_enc_ext_attrs(e, &m->ext);
	mark = ci_enc_open_end(e);
	CI_ENC_LEAF(e, "display-text", m->display_text);
	CI_ENC_LEAF(e, "type", m->type);
	CI_ENC_ENUM(e, "status", m->status != CONFINFO_MEDIA_STATUS_UNSET,
		    confinfo_media_status_str(m->status));
	ci_enc_ext_elems(e, &m->ext);
	CI_ENC_CLOSE(e, mark, "entry");
}

static void enc_available_media(struct ci_enc *e,
				const struct confinfo_available_media *am)
{
	size_t i, mark;

	if (!am)
		return;
	if (!am->entries.count)
		ci_buf_fail(&e->b, EINVAL);
	CI_BUF_LIT(&e->b, "<available-media");
	ci_enc_ext_attrs(e, &am->ext);
	mark = ci_enc_open_end(e);
	for (i = 0; i < am->entries.count && !e->b.err; i++)
		enc_medium(e, am->entries.items[i]);
	ci_enc_no_ext_elems(e, &am->ext);
	CI_ENC_CLOSE(e, mark, "available-media");
}

static void enc_u32_leaf(struct ci_enc *e, const char *open, size_t on,
			 const char *close, size_t cn, struct confinfo_u32 v)
{
	if (!v.set)
		return;
	ci_buf_put(&e->b, open, on);
	ci_buf_u32(&e->b, v.value);
	ci_buf_put(&e->b, close, cn);
}

#define ENC_U32(e, name, v)                                                    \
	enc_u32_leaf((e), "<" name ">", sizeof("<" name ">") - 1,              \
		     "</" name ">\n", sizeof("</" name ">\n") - 1, (v))

static const char *bool_str(enum confinfo_bool v)
{
	switch (v) {
	case CONFINFO_BOOL_TRUE:
		return "true";
	case CONFINFO_BOOL_FALSE:
		return "false";
	default:
		return NULL;
	}
}

static void enc_description(struct ci_enc *e,
			    const struct confinfo_description *d)
{
	size_t mark;

	if (!d)
		return;
	CI_BUF_LIT(&e->b, "<conference-description");
	ci_enc_ext_attrs(e, &d->ext);
	mark = ci_enc_open_end(e);
	CI_ENC_LEAF(e, "display-text", d->display_text);
	CI_ENC_LEAF(e, "subject", d->subject);
	CI_ENC_LEAF(e, "free-text", d->free_text);
	CI_ENC_LEAF(e, "keywords", d->keywords);
	CI_ENC_URIS(e, "conf-uris", d->conf_uris, false, CONFINFO_STATE_FULL);
	CI_ENC_URIS(e, "service-uris", d->service_uris, false,
		    CONFINFO_STATE_FULL);
	ENC_U32(e, "maximum-user-count", d->maximum_user_count);
	enc_available_media(e, d->available_media);
	ci_enc_ext_elems(e, &d->ext);
	CI_ENC_CLOSE(e, mark, "conference-description");
}

static void enc_host_info(struct ci_enc *e, const struct confinfo_host_info *h)
{
	size_t mark;

	if (!h)
		return;
	CI_BUF_LIT(&e->b, "<host-info");
	ci_enc_ext_attrs(e, &h->ext);
	mark = ci_enc_open_end(e);
	CI_ENC_LEAF(e, "display-text", h->display_text);
	CI_ENC_LEAF(e, "web-page", h->web_page);
	CI_ENC_URIS(e, "uris", h->uris, false, CONFINFO_STATE_FULL);
	ci_enc_ext_elems(e, &h->ext);
	CI_ENC_CLOSE(e, mark, "host-info");
}

static void enc_conf_state(struct ci_enc *e,
			   const struct confinfo_conf_state *cs)
{
	size_t mark;

	if (!cs)
		return;
	CI_BUF_LIT(&e->b, "<conference-state");
	ci_enc_ext_attrs(e, &cs->ext);
	mark = ci_enc_open_end(e);
	ENC_U32(e, "user-count", cs->user_count);
	CI_ENC_ENUM(e, "active", cs->active != CONFINFO_BOOL_UNSET,
		    bool_str(cs->active));
	CI_ENC_ENUM(e, "locked", cs->locked != CONFINFO_BOOL_UNSET,
		    bool_str(cs->locked));
	ci_enc_ext_elems(e, &cs->ext);
	CI_ENC_CLOSE(e, mark, "conference-state");
}

static void enc_conf(struct ci_enc *e, const struct confinfo_conf *c,
		     unsigned nesting, enum confinfo_state parent);

static void enc_sidebars_by_val(struct ci_enc *e,
				const struct confinfo_sidebars_by_val *sv,
				unsigned nesting, enum confinfo_state parent)
{
	enum confinfo_state st;
	size_t i, mark;

	if (!sv)
		return;
	if (nesting >= CI_XML_MAX_SIDEBAR_NESTING) {
		ci_buf_fail(&e->b, EINVAL);
		return;
	}
	CI_BUF_LIT(&e->b, "<sidebars-by-val");
	st = ci_enc_state(e, sv->state, e->explicit_state, parent);
	ci_enc_ext_attrs(e, &sv->ext);
	mark = ci_enc_open_end(e);
	if (st != CONFINFO_STATE_DELETED) {
		for (i = 0; i < sv->entries.count && !e->b.err; i++)
			enc_conf(e, sv->entries.items[i], nesting + 1, st);
		ci_enc_no_ext_elems(e, &sv->ext);
	}
	CI_ENC_CLOSE(e, mark, "sidebars-by-val");
}

/* conference-type: the root (nesting 0) or a sidebars-by-val entry. */
static void enc_conf(struct ci_enc *e, const struct confinfo_conf *c,
		     unsigned nesting, enum confinfo_state parent)
{
	enum confinfo_state st;
	size_t mark;

	if (!c->entity)
		ci_buf_fail(&e->b, EINVAL);
	if (nesting == 0)
		CI_BUF_LIT(&e->b, "<conference-info xmlns=\"" CONFINFO_NS
				  "\" entity=\"");
	else
		CI_BUF_LIT(&e->b, "<entry entity=\"");
	if (c->entity)
		ci_buf_attr(&e->b, c->entity);
	CI_BUF_LIT(&e->b, "\"");
	/* The root always says what it is: receivers dispatch on it. */
	st = ci_enc_state(e, c->state, nesting == 0 || e->explicit_state,
			  parent);
	if (c->version.set) {
		CI_BUF_LIT(&e->b, " version=\"");
		ci_buf_u32(&e->b, c->version.value);
		CI_BUF_LIT(&e->b, "\"");
	}
	ci_enc_ext_attrs(e, &c->ext);
	mark = ci_enc_open_end(e);
	if (st != CONFINFO_STATE_DELETED) {
		enc_description(e, c->description);
		enc_host_info(e, c->host_info);
		enc_conf_state(e, c->conf_state);
		ci_enc_users(e, c->users, st);
		CI_ENC_URIS(e, "sidebars-by-ref", c->sidebars_by_ref,
			    e->explicit_state, st);
		enc_sidebars_by_val(e, c->sidebars_by_val, nesting, st);
		ci_enc_ext_elems(e, &c->ext);
	}
	if (nesting == 0)
		CI_ENC_CLOSE(e, mark, "conference-info");
	else
		CI_ENC_CLOSE(e, mark, "entry");
}

int confinfo_xml_encode(char **bufp, size_t *lenp,
			const struct confinfo_conf *conf)
{
	struct ci_enc e;

	if (!bufp || !conf)
		return EINVAL;
	memset(&e, 0, sizeof(e));
	e.explicit_state =
	    confinfo_state_effective(conf->state) == CONFINFO_STATE_PARTIAL;
	CI_BUF_LIT(&e.b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	/* The root has no parent to agree with: PARTIAL allows any state. */
	enc_conf(&e, conf, 0, CONFINFO_STATE_PARTIAL);
	/* ci_buf_finish() frees everything on a recorded error and writes
	 * the out-parameters only on success. */
	return ci_buf_finish(&e.b, bufp, lenp);
}
