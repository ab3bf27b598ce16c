/*
 * Decoding application/conference-info+xml: parser set-up, the SAX2
 * driver, text and limits. The schema itself is in decode_start.c
 * (start of an element: its short paths; the general one in
 * decode_elems.c, the tables in decode_schema.c) and decode_end.c (end
 * of one), names in
 * decode_names.c, foreign content in decode_ext.c, simple-type values in
 * decode_value.c, the encoding check and the input reader in
 * decode_input.c; below them all, the frame stack and text buffer in
 * decode_stack.c and failures and positions in decode_diag.c.
 *
 * The input comes from the network, so libxml2 is configured to do as
 * little as possible on its own:
 * - No DTD ever: the DOCTYPE callback stops the parser before the internal
 *   subset is read, so no entity is ever declared, let alone expanded or
 *   loaded (no XML_PARSE_NOENT, no XML_PARSE_DTDLOAD, XML_PARSE_NONET).
 *   After an earlier fatal error libxml2 may still read a DTD on its own,
 *   callbacks off; then entity references resolve to nothing (getEntity
 *   answers NULL) and the reader feeds it no more input.
 * - No transcoding: the XML declaration is checked first, before libxml2
 *   sees it, and only UTF-8 passes; XML_PARSE_IGNORE_ENC then keeps
 *   libxml2 from switching encodings, so every byte is decoded (and
 *   validated) as UTF-8.
 * - libxml2's own errors go to our handler (per parser, plus the
 *   thread's global handler for errors raised without a parser), never to
 *   stderr, and become the diagnostics of the call.
 * - libxml2 2.9's weak spots are fenced off: start tags stuffed with
 *   attributes (its duplicate check is quadratic) are refused before it
 *   reads them (check_runs(), DEC_MAX_ATTRS), and its own depth and
 *   length limits stay on (never XML_PARSE_HUGE).
 *
 * Thread safety: decodes may run in parallel threads, but libxml2 2.9
 * wants xmlInitParser() called once from the main thread before that; we
 * call it on every decode, which is enough in a single-threaded program.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlversion.h>

#include "model/alloc.h"
#include "model/copy.h"
#include "model/obj.h"
#include "model/pool.h"
#include "xml/decode_int.h"

#if LIBXML_VERSION >= 21200
typedef const xmlError dec_xml_error;
#else
typedef xmlError dec_xml_error;
#endif

#define DEFAULT_MAX_BODY      (1024 * 1024)
#define DEFAULT_MAX_DEPTH     32
#define DEFAULT_MAX_USERS     10000
#define DEFAULT_MAX_ENDPOINTS 20000
#define DEFAULT_MAX_MEDIA     40000
#define DEFAULT_MAX_ENTRIES   10000
#define DEFAULT_MAX_STRING    (8 * 1024)
#define DEFAULT_MAX_EXT       (64 * 1024)

void confinfo_xml_limits_default(struct confinfo_xml_limits *lim)
{
	if (!lim)
		return;
	lim->max_body = DEFAULT_MAX_BODY;
	lim->max_depth = DEFAULT_MAX_DEPTH;
	lim->max_users = DEFAULT_MAX_USERS;
	lim->max_endpoints = DEFAULT_MAX_ENDPOINTS;
	lim->max_media = DEFAULT_MAX_MEDIA;
	lim->max_entries = DEFAULT_MAX_ENTRIES;
	lim->max_string = DEFAULT_MAX_STRING;
	lim->max_ext = DEFAULT_MAX_EXT;
}

void confinfo_xml_limits_fill(struct confinfo_xml_limits *dst,
			      const struct confinfo_xml_limits *src)
{
	confinfo_xml_limits_default(dst);
	if (!src)
		return;
#define TAKE(f)                                                                \
	if (src->f)                                                            \
		dst->f = src->f;
	TAKE(max_body)
	TAKE(max_depth)
	TAKE(max_users)
	TAKE(max_endpoints)
	TAKE(max_media)
	TAKE(max_entries)
	TAKE(max_string)
	TAKE(max_ext)
#undef TAKE
}

/* ---------------------------------------------------------------------
 * SAX2 callbacks.
 * ------------------------------------------------------------------- */

/* The element callbacks, dec_on_start() and dec_on_end(), live with the
 * element logic (decode_start.c, decode_end.c), which the compiler can
 * then inline into them. */

/* on_chars() beyond its two common cases. Out of line, so that the
 * common cases need no stack frame. */
__attribute__((noinline)) static void chars_slow(struct dec *d,
						 const xmlChar *s, int len)
{
	if (d->err || len <= 0)
		return;
	switch ((enum dec_text)d->text_mode) {
	case TM_IGNORE:
		return;
	case TM_CAPTURE:
		dec_capture_text(d, s, (size_t)len);
		return;
	case TM_BLANK:
		if (dec_is_space_bytes(s, (size_t)len))
			return; /* blank, but not shaped as indentation */
		dec_fail_here(d, EBADMSG,
			      "text not allowed in <%s>: its content is "
			      "elements only",
			      d->frames[d->nframes - 1].name);
		return;
	case TM_STR: /* too long for the pool straight away */
		d->text_mode = TM_TEXT;
		break;
	case TM_STR_SET: {
		/* More text after the piece that became the value: that
		 * piece goes back into d->text, to be continued. */
		char **dst = d->frames[d->nframes - 1].obj;
		size_t n = strlen(*dst); /* XML text holds no NUL */

		if (dec_text_reserve(d, n + 1))
			return;
		memcpy(d->text, *dst, n);
		d->text_len = n;
		ci_obj_free(*dst);
		*dst = NULL;
		d->text_mode = TM_TEXT;
		break;
	}
	case TM_TEXT:
		break;
	}
	/* Checked as the text grows: never hold more than the limit. */
	if ((size_t)len > d->lim.max_string - d->text_len) {
		dec_limit(d, "max_string");
		dec_fail_here(d, EBADMSG,
			      "text of <%s> longer than the limit of %zu bytes",
			      d->frames[d->nframes - 1].name,
			      d->lim.max_string);
		return;
	}
	if (dec_text_reserve(d, d->text_len + (size_t)len + 1))
		return;
	memcpy(d->text + d->text_len, s, (size_t)len);
	d->text_len += (size_t)len;
}

/*
 * Text. The mode says what it is where it occurs (no failure is ever
 * pending in TM_BLANK, TM_STR, TM_STR_SET or TM_TEXT: recording one sets
 * TM_IGNORE). The common cases are handled here, everything else in
 * chars_slow(): indentation in a complex element (blank, so nothing to
 * do); the first piece of text of a string leaf, up to CI_COPY_INLINE
 * bytes and within the string limit, which becomes the value in the pool
 * at once if that needs no call; and a piece of another leaf's value of
 * up to CI_COPY_INLINE bytes that fits the text buffer and the string
 * limit. None calls a function, so this needs no stack frame: it runs
 * about twice per element.
 */
static void on_chars(void *ctx, const xmlChar *s, int len)
{
	struct dec *d = ctx;
	size_t n = len > 0 ? (size_t)len : 0;

	if (d->text_mode == TM_BLANK) {
		if (dec_is_indent(s, n))
			return;
	} else if (d->text_mode == TM_STR && n && n <= CI_COPY_INLINE &&
		   n <= d->lim.max_string) {
		char *v = ci_pool_alloc_nocall(&d->pool, n + 1);

		if (v) {
			ci_copy(v, s, n);
			v[n] = '\0';
			*(char **)d->frames[d->nframes - 1].obj = v;
			d->text_mode = TM_STR_SET;
			return;
		}
	} else if (d->text_mode == TM_TEXT && n && n <= CI_COPY_INLINE &&
		   n <= d->lim.max_string - d->text_len &&
		   d->text_len + n < d->text_cap) {
		ci_copy(d->text + d->text_len, s, n);
		d->text_len += n;
		return;
	}
	chars_slow(d, s, len);
}

/* Everything DTD-related: refused. With the DOCTYPE callback stopping the
 * parser the others are unreachable; they are set all the same so that no
 * libxml2 default (which could load or declare something) ever runs. */
static void refuse_dtd(void *ctx, const char *what)
{
	dec_fail_tag(ctx, EPROTO,
		     "%s refused: documents must not have a DTD (no entities, "
		     "no external resources)",
		     what);
}

static void on_internal_subset(void *ctx, const xmlChar *name,
			       const xmlChar *ext_id, const xmlChar *sys_id)
{
	(void)name;
	(void)ext_id;
	(void)sys_id;
	refuse_dtd(ctx, "DOCTYPE");
}

static void on_external_subset(void *ctx, const xmlChar *name,
			       const xmlChar *ext_id, const xmlChar *sys_id)
{
	(void)name;
	(void)ext_id;
	(void)sys_id;
	refuse_dtd(ctx, "external DTD subset");
}

static void on_entity_decl(void *ctx, const xmlChar *name, int type,
			   const xmlChar *pub_id, const xmlChar *sys_id,
			   xmlChar *content)
{
	(void)name;
	(void)type;
	(void)pub_id;
	(void)sys_id;
	(void)content;
	refuse_dtd(ctx, "ENTITY declaration");
}

static void on_unparsed_entity_decl(void *ctx, const xmlChar *name,
				    const xmlChar *pub_id,
				    const xmlChar *sys_id,
				    const xmlChar *notation)
{
	(void)name;
	(void)pub_id;
	(void)sys_id;
	(void)notation;
	refuse_dtd(ctx, "ENTITY declaration");
}

static xmlParserInputPtr on_resolve_entity(void *ctx, const xmlChar *pub_id,
					   const xmlChar *sys_id)
{
	(void)pub_id;
	(void)sys_id;
	refuse_dtd(ctx, "external entity");
	return NULL;
}

static xmlEntityPtr on_get_parameter_entity(void *ctx, const xmlChar *name)
{
	(void)name;
	refuse_dtd(ctx, "parameter entity");
	return NULL;
}

/* A reference to anything but the five predefined entities (which libxml2
 * resolves before asking) is undeclared, since there is no DTD: answering
 * NULL makes libxml2 report it as such. */
static xmlEntityPtr on_get_entity(void *ctx, const xmlChar *name)
{
	(void)ctx;
	(void)name;
	return NULL;
}

/* Copy libxml2's message on one line, without its trailing newline. */
static void clean_message(const char *src, char *dst, size_t size)
{
	size_t n = 0;

	for (; src && *src && n + 1 < size; src++)
		dst[n++] = (*src == '\n' || *src == '\r') ? ' ' : *src;
	while (n && dst[n - 1] == ' ')
		n--;
	dst[n] = '\0';
}

static void on_xml_error(void *ctx, dec_xml_error *e)
{
	char msg[CONFINFO_DIAG_MSG_SIZE];
	struct dec *d = ctx;
	unsigned line, col;
	const char *bytes;

	if (!d || !e)
		return;
	line = e->line > 0 ? (unsigned)e->line : 0;
	col = e->int2 > 0 ? (unsigned)e->int2 : 0;
	clean_message(e->message, msg, sizeof(msg));
	if (e->level == XML_ERR_WARNING) {
		if (!d->err)
			confinfo_diag_warn(d->diag, line, col, "XML: %s", msg);
		return;
	}
	if (d->err)
		return;
	d->text_mode = TM_IGNORE;
	/* No xmlStopParser() here: libxml2 may still be inside the routine
	 * that raised the error. Fatal errors disable the SAX callbacks by
	 * themselves, and ours ignore everything once d->err is set. */
	if (e->code == XML_ERR_NO_MEMORY) {
		d->err = ENOMEM;
		confinfo_diag_fail(d->diag, ENOMEM, line, col,
				   "out of memory in libxml2");
	} else if (e->code == XML_ERR_INVALID_CHAR &&
		   (bytes = strstr(msg, "Bytes:")) != NULL) {
		d->err = EBADMSG;
		confinfo_diag_fail(d->diag, EBADMSG, line, col,
				   "malformed UTF-8 (bytes%s)", bytes + 6);
	} else {
		d->err = EBADMSG;
		confinfo_diag_fail(d->diag, EBADMSG, line, col,
				   "not well-formed XML: %s", msg);
	}
}

/* Everything else (comments, processing instructions, the document
 * events) stays NULL: ignored. */
static const xmlSAXHandler sax_template = {
    .internalSubset = on_internal_subset,
    .externalSubset = on_external_subset,
    .resolveEntity = on_resolve_entity,
    .getEntity = on_get_entity,
    .getParameterEntity = on_get_parameter_entity,
    .entityDecl = on_entity_decl,
    .unparsedEntityDecl = on_unparsed_entity_decl,
    .characters = on_chars,
    .ignorableWhitespace = on_chars,
    .cdataBlock = on_chars,
    .initialized = XML_SAX2_MAGIC,
    .startElementNs = dec_on_start,
    .endElementNs = dec_on_end,
    .serror = on_xml_error,
};

/* Silences libxml2's unstructured channel for the duration of a call. */
static void quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/* ---------------------------------------------------------------------
 * The entry point.
 * ------------------------------------------------------------------- */

/*
 * The parser context is assembled from its parts rather than with
 * xmlCreateMemoryParserCtxt() or xmlCreateIOParserCtxt(): in libxml2 2.9
 * both leak the input buffer when an allocation fails at the wrong moment,
 * and here every error path is ours to get right. Reading through a
 * callback also spares libxml2 a copy of the whole document up front.
 */
static int new_context(struct dec *d, struct dec_reader *r)
{
	xmlParserInputBufferPtr in;
	xmlParserInputPtr stream;

	d->ctxt = xmlNewParserCtxt();
	if (!d->ctxt || !d->ctxt->sax)
		return dec_nomem(d);
	in = xmlParserInputBufferCreateIO(dec_read_chunk, NULL, r,
					  XML_CHAR_ENCODING_NONE);
	if (!in)
		return dec_nomem(d);
	stream = xmlNewIOInputStream(d->ctxt, in, XML_CHAR_ENCODING_NONE);
	if (!stream) {
		xmlFreeParserInputBuffer(in);
		return dec_nomem(d);
	}
	if (inputPush(d->ctxt, stream) < 0) /* frees stream */
		return dec_nomem(d);
	return 0;
}

static int parse(struct dec *d, const char *buf, size_t len)
{
	struct dec_reader r = {d, buf, buf, len, 0, 0};

	r.max_run = d->lim.max_string + d->lim.max_ext + 4096;
	if (r.max_run < d->lim.max_string) /* overflow: no limit */
		r.max_run = SIZE_MAX;

	if (new_context(d, &r))
		return d->err;
	xmlCtxtUseOptions(d->ctxt, XML_PARSE_NONET | XML_PARSE_IGNORE_ENC);
	/* The context owns a malloc'd handler: fill it rather than swap
	 * pointers, so that freeing the context stays libxml2's business. */
	memcpy(d->ctxt->sax, &sax_template, sizeof(*d->ctxt->sax));
	d->ctxt->userData = d;
	d->ns = xmlDictLookup(d->ctxt->dict, BAD_CAST CONFINFO_NS, -1);
	if (!d->ns)
		return dec_nomem(d);
	if (dec_names_init(d))
		return d->err;
	xmlParseDocument(d->ctxt);
	if (!d->err && (!d->done || !d->ctxt->wellFormed))
		dec_fail_here(d, EBADMSG, "not a complete XML document");
	return d->err;
}

static void release(struct dec *d)
{
	confinfo_uri_entry_free(d->pending);
	d->pending = NULL;
	if (d->frames != d->inline_frames)
		ci_free(d->frames);
	ci_free(d->text);
	dec_capture_release(d);
	if (d->ctxt) {
		/* libxml2 builds a document of its own to hold entity
		 * declarations it parses with SAX disabled (after a fatal
		 * error, our DOCTYPE callback does not run); it is the
		 * caller's to free. */
		if (d->ctxt->myDoc)
			xmlFreeDoc(d->ctxt->myDoc);
		d->ctxt->myDoc = NULL;
		xmlFreeParserCtxt(d->ctxt);
	}
	d->ctxt = NULL;
}

int confinfo_xml_decode(struct confinfo_conf **confp, const char *buf,
			size_t len, const struct confinfo_xml_limits *lim,
			struct confinfo_diag *diag)
{
	xmlStructuredErrorFunc old_serror;
	xmlGenericErrorFunc old_gerror;
	void *old_sctx, *old_gctx;
	struct dec d;
	int err;

	if (!confp || !buf)
		return confinfo_diag_fail(diag, EINVAL, 0, 0,
					  "decode: no document given");
	memset(&d, 0, sizeof(d));
	d.diag = diag;
	d.frames = d.inline_frames;
	d.frames_cap = DEC_INLINE_FRAMES;
	confinfo_xml_limits_fill(&d.lim, lim);
	dec_fast_frames(&d);
	/* Before anything is allocated for it. libxml2 counts in ints. */
	if (d.lim.max_body > INT_MAX)
		d.lim.max_body = INT_MAX;
	if (len > d.lim.max_body) {
		if (diag && !diag->err)
			diag->limit = "max_body";
		return confinfo_diag_fail(diag, EMSGSIZE, 0, 0,
					  "document of %zu bytes exceeds the "
					  "limit of %zu bytes",
					  len, d.lim.max_body);
	}
	if (!len)
		return confinfo_diag_fail(diag, EBADMSG, 0, 0,
					  "empty document");
	err = dec_check_encoding(&d, (const unsigned char *)buf, len);
	if (err)
		return err;

	xmlInitParser();
	/* Errors raised without a parser context (allocation failures deep
	 * in libxml2) go to the thread's global handlers: borrow them. */
	old_serror = xmlStructuredError;
	old_sctx = xmlStructuredErrorContext;
	old_gerror = xmlGenericError;
	old_gctx = xmlGenericErrorContext;
	xmlSetStructuredErrorFunc(&d, on_xml_error);
	xmlSetGenericErrorFunc(NULL, quiet);

	ci_pool_init(&d.pool, len);
	d.doc_len = len;
	err = parse(&d, buf, len);
	release(&d);

	xmlSetStructuredErrorFunc(old_sctx, old_serror);
	xmlSetGenericErrorFunc(old_gctx, old_gerror);
	if (err)
		confinfo_conf_free(d.conf);
	else
		*confp = d.conf;
	ci_pool_done(&d.pool);
	return err;
}
