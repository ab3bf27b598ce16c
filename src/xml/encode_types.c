/*
 * The types of the schema that elements at every level share: the state
 * attribute, uris-type and execution-type. Below encode.c and
 * encode_user.c, which both call them.
 */
#include <errno.h>

#include "xml/encode.h"

enum confinfo_state ci_enc_state(struct ci_enc *e, enum confinfo_state s,
				 bool force, enum confinfo_state parent)
{
	enum confinfo_state eff = confinfo_state_effective(s);
	const char *str = confinfo_state_str(eff);

	/* A full parent replaces its content whole: a partial or deleted
	 * child inside it contradicts it (RFC 4575 4.4 "MUST"), and our
	 * decoder refuses such a document. */
	if (!str ||
	    (parent == CONFINFO_STATE_FULL && eff != CONFINFO_STATE_FULL)) {
		ci_buf_fail(&e->b, EINVAL);
		return eff;
	}
	if (s == CONFINFO_STATE_UNSET && !force)
		return eff;
	CI_BUF_LIT(&e->b, " state=\"");
	ci_buf_puts(&e->b, str);
	CI_BUF_LIT(&e->b, "\"");
	return eff;
}

void ci_enc_exec(struct ci_enc *e, const char *open, size_t on,
		 const char *close, size_t cn, const struct confinfo_exec *x)
{
	size_t mark;

	if (!x)
		return;
	/* xs:dateTime: a malformed one would make the document invalid. */
	if (x->when && !ci_xml_datetime_ok(x->when))
		ci_buf_fail(&e->b, EINVAL);
	ci_buf_put(&e->b, open, on);
	ci_enc_ext_attrs(e, &x->ext);
	mark = ci_enc_open_end(e);
	CI_ENC_LEAF(e, "when", x->when);
	CI_ENC_LEAF(e, "reason", x->reason);
	CI_ENC_LEAF(e, "by", x->by);
	/* execution-type has no xs:any. */
	ci_enc_no_ext_elems(e, &x->ext);
	ci_enc_close(e, mark, close, cn);
}

static void enc_uri_entry(struct ci_enc *e, const struct confinfo_uri_entry *u)
{
	size_t mark;

	CI_BUF_LIT(&e->b, "<entry");
	ci_enc_ext_attrs(e, &u->ext);
	mark = ci_enc_open_end(e);
	CI_ENC_LEAF_REQ(e, "uri", u->uri);
	CI_ENC_LEAF(e, "display-text", u->display_text);
	CI_ENC_LEAF(e, "purpose", u->purpose);
	CI_ENC_EXEC(e, "modified", u->modified);
	ci_enc_ext_elems(e, &u->ext);
	CI_ENC_CLOSE(e, mark, "entry");
}

void ci_enc_uris(struct ci_enc *e, const char *open, size_t on,
		 const char *close, size_t cn, const struct confinfo_uris *u,
		 bool force, enum confinfo_state parent)
{
	enum confinfo_state st;
	size_t i, mark;

	if (!u)
		return;
	ci_buf_put(&e->b, open, on);
	st = ci_enc_state(e, u->state, force, parent);
	ci_enc_ext_attrs(e, &u->ext);
	mark = ci_enc_open_end(e);
	if (st == CONFINFO_STATE_DELETED) {
		/* Children of a deleted element are omitted like everywhere
		 * else, but uris-type is entry+ even then: one placeholder
		 * entry keeps the document valid, and receivers ignore it
		 * (RFC 4575 section 4.4). */
		CI_BUF_LIT(&e->b, "<entry>\n<uri/>\n</entry>\n");
	} else {
		/* uris-type is entry+: an empty list has no valid spelling. */
		if (!u->entries.count)
			ci_buf_fail(&e->b, EINVAL);
		for (i = 0; i < u->entries.count && !e->b.err; i++)
			enc_uri_entry(e, u->entries.items[i]);
		ci_enc_no_ext_elems(e, &u->ext);
	}
	ci_enc_close(e, mark, close, cn);
}
