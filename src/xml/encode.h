/*
 * Private to the encoder (encode*.c): the walk state and the helpers the
 * files share. Markup is appended with compile-time lengths; values go
 * through the escaping of xml/buf.h. Every failure is recorded in the
 * buffer's sticky error and surfaces once, in confinfo_xml_encode().
 */
#ifndef CONFINFO_XML_ENCODE_H
#define CONFINFO_XML_ENCODE_H

#include <errno.h>
#include <stdbool.h>

#include "confinfo/model.h"
#include "xml/buf.h"
#include "xml/lexical.h"

struct ci_enc {
	struct ci_buf b;
	/* The root is partial: write state on users, user, endpoint and the
	 * sidebars even when the model leaves it UNSET (as "full"), so that
	 * no receiver mistakes an omitted attribute (RFC 4575 section 7.2). */
	bool explicit_state;
};

/* Write `>` and a newline to end a start tag; returns the position after
 * them, for ci_enc_close(). */
static inline size_t ci_enc_open_end(struct ci_enc *e)
{
	CI_BUF_LIT(&e->b, ">\n");
	return e->b.len;
}

/* Write the end tag @p close (with its newline). If nothing was written
 * since the start tag ended at @p mark, turn it into an empty-element tag
 * instead: `<user entity="..."/>` reads better and is shorter. */
static inline void ci_enc_close(struct ci_enc *e, size_t mark,
				const char *close, size_t n)
{
	if (e->b.len == mark && !e->b.err) {
		e->b.len -= 2;
		CI_BUF_LIT(&e->b, "/>\n");
		return;
	}
	ci_buf_put(&e->b, close, n);
}

#define CI_ENC_CLOSE(e, mark, name)                                            \
	ci_enc_close((e), (mark), "</" name ">\n", sizeof("</" name ">\n") - 1)

/* An element with escaped text content, written only if @p val is set. */
static inline void ci_enc_leaf(struct ci_enc *e, const char *open, size_t on,
			       const char *close, size_t cn, const char *val)
{
	if (!val)
		return;
	ci_buf_put(&e->b, open, on);
	ci_buf_text(&e->b, val);
	ci_buf_put(&e->b, close, cn);
}

#define CI_ENC_LEAF(e, name, val)                                              \
	ci_enc_leaf((e), "<" name ">", sizeof("<" name ">") - 1,               \
		    "</" name ">\n", sizeof("</" name ">\n") - 1, (val))

/* A leaf the schema requires: absent is EINVAL. */
#define CI_ENC_LEAF_REQ(e, name, val)                                          \
	do {                                                                   \
		if (!(val))                                                    \
			ci_buf_fail(&(e)->b, EINVAL);                          \
		CI_ENC_LEAF(e, name, val);                                     \
	} while (0)

/* An enumeration leaf: @p set says the model holds a value, @p str is its
 * spelling (NULL for a value out of range: EINVAL). */
#define CI_ENC_ENUM(e, name, set, str)                                         \
	do {                                                                   \
		if (set) {                                                     \
			const char *s_ = (str);                                \
			if (!s_)                                               \
				ci_buf_fail(&(e)->b, EINVAL);                  \
			else                                                   \
				CI_ENC_LEAF(e, name, s_);                      \
		}                                                              \
	} while (0)

/* encode_types.c: the types elements at every level share. */

/*
 * ` state="..."`: written when set, or as "full" when @p force and UNSET.
 * @p parent is the effective state of the parent element (FULL for
 * elements without a state attribute, which are atomic): under a full
 * parent only full children are allowed (RFC 4575 section 4.4), anything
 * else is EINVAL, as is an out-of-range value. Returns the element's
 * effective state; a deleted element is written without children (4.4:
 * it SHOULD NOT have any, and receivers ignore them).
 */
enum confinfo_state ci_enc_state(struct ci_enc *e, enum confinfo_state s,
				 bool force, enum confinfo_state parent);

/* A uris-type element (conf-uris, service-uris, uris, associated-aors,
 * sidebars-by-ref): @p open is "<name", @p close "</name>\n". Unless
 * deleted it needs at least one entry, each with a uri. @p force and
 * @p parent as for ci_enc_state(). */
void ci_enc_uris(struct ci_enc *e, const char *open, size_t on,
		 const char *close, size_t cn, const struct confinfo_uris *u,
		 bool force, enum confinfo_state parent);

#define CI_ENC_URIS(e, name, u, force, parent)                                 \
	ci_enc_uris((e), "<" name, sizeof("<" name) - 1, "</" name ">\n",      \
		    sizeof("</" name ">\n") - 1, (u), (force), (parent))

/* An execution-type element (referred, joining-info, ...), if set. */
void ci_enc_exec(struct ci_enc *e, const char *open, size_t on,
		 const char *close, size_t cn, const struct confinfo_exec *x);

#define CI_ENC_EXEC(e, name, x)                                                \
	ci_enc_exec((e), "<" name, sizeof("<" name) - 1, "</" name ">\n",      \
		    sizeof("</" name ">\n") - 1, (x))

/* encode_user.c: the <users> element and everything below it; @p parent
 * is the conference's effective state. */
void ci_enc_users(struct ci_enc *e, const struct confinfo_users *users,
		  enum confinfo_state parent);

/* encode_ext.c: foreign attributes of an element (with the namespace
 * declarations they need), written inside its start tag. */
void ci_enc_ext_attrs_slow(struct ci_enc *e, const struct confinfo_ext *ext);

static inline void ci_enc_ext_attrs(struct ci_enc *e,
				    const struct confinfo_ext *ext)
{
	if (ext->attr_count)
		ci_enc_ext_attrs_slow(e, ext);
}

/* encode_ext.c: the foreign child elements, verbatim, after the element's
 * own children. */
void ci_enc_ext_elems(struct ci_enc *e, const struct confinfo_ext *ext);

/* For types whose schema has no xs:any: foreign elements cannot be
 * expressed, EINVAL if there are any. */
static inline void ci_enc_no_ext_elems(struct ci_enc *e,
				       const struct confinfo_ext *ext)
{
	if (ext->elem_count)
		ci_buf_fail(&e->b, EINVAL);
}

#endif
