/*
 * Encoder, the roster: users, user, roles, endpoint, media, call-info.
 * This is where a big conference spends its bytes, so the common case (a
 * value present, no foreign content) is a handful of literal appends and
 * escapes per element.
 */
#include <errno.h>

#include "xml/encode.h"

static void enc_roles(struct ci_enc *e, const struct confinfo_roles *r)
{
	size_t i, mark;

	if (!r)
		return;
	/* user-roles-type is entry+. */
	if (!r->count)
		ci_buf_fail(&e->b, EINVAL);
	CI_BUF_LIT(&e->b, "<roles");
	ci_enc_ext_attrs(e, &r->ext);
	mark = ci_enc_open_end(e);
	for (i = 0; i < r->count; i++)
		CI_ENC_LEAF_REQ(e, "entry", r->entries[i]);
	ci_enc_no_ext_elems(e, &r->ext);
	CI_ENC_CLOSE(e, mark, "roles");
}

static void enc_media(struct ci_enc *e, const struct confinfo_media *m)
{
	size_t mark;

	if (!m->id)
		ci_buf_fail(&e->b, EINVAL);
	CI_BUF_LIT(&e->b, "<media id=\"");
	if (m->id)
		ci_buf_attr(&e->b, m->id);
	CI_BUF_LIT(&e->b, "\"");
	ci_enc_ext_attrs(e, &m->ext);
	mark = ci_enc_open_end(e);
	CI_ENC_LEAF(e, "display-text", m->display_text);
	CI_ENC_LEAF(e, "type", m->type);
	CI_ENC_LEAF(e, "label", m->label);
	CI_ENC_LEAF(e, "src-id", m->src_id);
	CI_ENC_ENUM(e, "status", m->status != CONFINFO_MEDIA_STATUS_UNSET,
		    confinfo_media_status_str(m->status));
	ci_enc_ext_elems(e, &m->ext);
	CI_ENC_CLOSE(e, mark, "media");
}

static void enc_sip(struct ci_enc *e, const struct confinfo_sip_dialog *s)
{
	size_t mark;

	CI_BUF_LIT(&e->b, "<sip");
	ci_enc_ext_attrs(e, &s->ext);
	mark = ci_enc_open_end(e);
	CI_ENC_LEAF(e, "display-text", s->display_text);
	CI_ENC_LEAF_REQ(e, "call-id", s->call_id);
	CI_ENC_LEAF_REQ(e, "from-tag", s->from_tag);
	CI_ENC_LEAF_REQ(e, "to-tag", s->to_tag);
	ci_enc_ext_elems(e, &s->ext);
	CI_ENC_CLOSE(e, mark, "sip");
}

static void enc_call_info(struct ci_enc *e, const struct confinfo_call_info *ci)
{
	size_t mark;

	if (!ci)
		return;
	CI_BUF_LIT(&e->b, "<call-info");
	ci_enc_ext_attrs(e, &ci->ext);
	mark = ci_enc_open_end(e);
	/* call-type is a choice: <sip> or foreign elements, never both. */
	if (ci->sip) {
		ci_enc_no_ext_elems(e, &ci->ext);
		enc_sip(e, ci->sip);
	} else {
		ci_enc_ext_elems(e, &ci->ext);
	}
	CI_ENC_CLOSE(e, mark, "call-info");
}

static void enc_endpoint(struct ci_enc *e, const struct confinfo_endpoint *ep,
			 enum confinfo_state parent)
{
	enum confinfo_state st;
	size_t i, mark;

	CI_BUF_LIT(&e->b, "<endpoint");
	if (ep->entity) {
		CI_BUF_LIT(&e->b, " entity=\"");
		ci_buf_attr(&e->b, ep->entity);
		CI_BUF_LIT(&e->b, "\"");
	}
	st = ci_enc_state(e, ep->state, e->explicit_state, parent);
	ci_enc_ext_attrs(e, &ep->ext);
	mark = ci_enc_open_end(e);
	/* A deleted element's children are ignored by receivers: omit them
	 * (RFC 4575 section 4.4). */
	if (st == CONFINFO_STATE_DELETED) {
		CI_ENC_CLOSE(e, mark, "endpoint");
		return;
	}
	CI_ENC_LEAF(e, "display-text", ep->display_text);
	CI_ENC_EXEC(e, "referred", ep->referred);
	CI_ENC_ENUM(e, "status", ep->status != CONFINFO_EP_STATUS_UNSET,
		    confinfo_endpoint_status_str(ep->status));
	CI_ENC_ENUM(e, "joining-method",
		    ep->joining_method != CONFINFO_JOIN_UNSET,
		    confinfo_joining_method_str(ep->joining_method));
	CI_ENC_EXEC(e, "joining-info", ep->joining_info);
	CI_ENC_ENUM(
	    e, "disconnection-method",
	    ep->disconnection_method != CONFINFO_DISC_UNSET,
	    confinfo_disconnection_method_str(ep->disconnection_method));
	CI_ENC_EXEC(e, "disconnection-info", ep->disconnection_info);
	for (i = 0; i < ep->media.count; i++)
		enc_media(e, ep->media.items[i]);
	enc_call_info(e, ep->call_info);
	ci_enc_ext_elems(e, &ep->ext);
	CI_ENC_CLOSE(e, mark, "endpoint");
}

static void enc_user(struct ci_enc *e, const struct confinfo_user *u,
		     enum confinfo_state parent)
{
	enum confinfo_state st;
	size_t i, mark;

	CI_BUF_LIT(&e->b, "<user");
	if (u->entity) {
		CI_BUF_LIT(&e->b, " entity=\"");
		ci_buf_attr(&e->b, u->entity);
		CI_BUF_LIT(&e->b, "\"");
	}
	st = ci_enc_state(e, u->state, e->explicit_state, parent);
	ci_enc_ext_attrs(e, &u->ext);
	mark = ci_enc_open_end(e);
	if (st == CONFINFO_STATE_DELETED) {
		CI_ENC_CLOSE(e, mark, "user");
		return;
	}
	CI_ENC_LEAF(e, "display-text", u->display_text);
	CI_ENC_URIS(e, "associated-aors", u->associated_aors, false, st);
	enc_roles(e, u->roles);
	if (u->languages) {
		/* xs:list of xs:language */
		if (!ci_xml_languages_ok(u->languages))
			ci_buf_fail(&e->b, EINVAL);
		CI_ENC_LEAF(e, "languages", u->languages);
	}
	CI_ENC_LEAF(e, "cascaded-focus", u->cascaded_focus);
	for (i = 0; i < u->endpoints.count && !e->b.err; i++)
		enc_endpoint(e, u->endpoints.items[i], st);
	ci_enc_ext_elems(e, &u->ext);
	CI_ENC_CLOSE(e, mark, "user");
}

void ci_enc_users(struct ci_enc *e, const struct confinfo_users *users,
		  enum confinfo_state parent)
{
	enum confinfo_state st;
	size_t i, mark;

	if (!users)
		return;
	CI_BUF_LIT(&e->b, "<users");
	st = ci_enc_state(e, users->state, e->explicit_state, parent);
	ci_enc_ext_attrs(e, &users->ext);
	mark = ci_enc_open_end(e);
	if (st == CONFINFO_STATE_DELETED) {
		CI_ENC_CLOSE(e, mark, "users");
		return;
	}
	/* Stop at the first failure: the rest would be thrown away. */
	for (i = 0; i < users->users.count && !e->b.err; i++)
		enc_user(e, users->users.items[i], st);
	ci_enc_ext_elems(e, &users->ext);
	CI_ENC_CLOSE(e, mark, "users");
}
