/*
 * The two baselines the benchmark compares the library against.
 *
 * Decode: libxml2's SAX2 parser on the same bytes, set up as the decoder
 * sets it up (same entry point, same options), with callbacks that do
 * nothing. What the decoder costs beyond it is the price of building the
 * model and checking the document.
 *
 * Encode: a writer that does nothing but append the output's pieces with
 * memcpy into a buffer that grows like the encoder's. What the encoder
 * costs beyond it is the price of walking the model and escaping.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "bench.h"

static void sax_start(void *ctx, const xmlChar *localname,
		      const xmlChar *prefix, const xmlChar *uri,
		      int nb_namespaces, const xmlChar **namespaces,
		      int nb_attributes, int nb_defaulted,
		      const xmlChar **attributes)
{
	(void)ctx;
	(void)localname;
	(void)prefix;
	(void)uri;
	(void)nb_namespaces;
	(void)namespaces;
	(void)nb_attributes;
	(void)nb_defaulted;
	(void)attributes;
}

static void sax_end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
		    const xmlChar *uri)
{
	(void)ctx;
	(void)localname;
	(void)prefix;
	(void)uri;
}

static void sax_characters(void *ctx, const xmlChar *ch, int len)
{
	(void)ctx;
	(void)ch;
	(void)len;
}

static void sax_error(void *ctx, xmlErrorPtr err)
{
	(void)ctx;
	if (err && err->level >= XML_ERR_ERROR)
		fprintf(stderr, "bench: SAX2 baseline: line %d: %s", err->line,
			err->message ? err->message : "error\n");
}

/*
 * Keep in step with new_context() and parse() in src/xml/decode.c: the
 * baseline is only meaningful if it asks libxml2 for the same work. The
 * decoder builds a parser context whose input is read through a callback
 * in chunks of at most 4 KiB (its callback also scans each chunk for
 * overlong runs without markup: that is decoder work, not done here),
 * sets these options, fills the context's handler and runs
 * xmlParseDocument(). Its handler routes ignorableWhitespace and
 * cdataBlock to its characters callback too (so libxml2 skips its "are
 * these blanks ignorable" test), and has DTD and entity callbacks that
 * never fire on a document without a DOCTYPE.
 */
#define BASELINE_PARSE_OPTIONS (XML_PARSE_NONET | XML_PARSE_IGNORE_ENC)
#define BASELINE_READ_CHUNK    4096

struct reader {
	const char *p;
	size_t left;
};

static int read_chunk(void *ctx, char *buf, int len)
{
	struct reader *r = ctx;
	size_t n = len > 0 ? (size_t)len : 0;

	if (n > BASELINE_READ_CHUNK)
		n = BASELINE_READ_CHUNK;
	if (n > r->left)
		n = r->left;
	memcpy(buf, r->p, n);
	r->p += n;
	r->left -= n;
	return (int)n;
}

int bench_sax_empty(const char *buf, size_t len, uint64_t *nsp)
{
	struct reader r = {buf, len};
	xmlSAXHandler sax;
	xmlParserCtxtPtr ctxt;
	xmlParserInputBufferPtr in;
	xmlParserInputPtr stream;
	uint64_t t0, t1;
	int ok;

	if (len > INT_MAX)
		return EINVAL;
	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = sax_start;
	sax.endElementNs = sax_end;
	sax.characters = sax_characters;
	sax.ignorableWhitespace = sax_characters;
	sax.cdataBlock = sax_characters;
	sax.serror = sax_error;

	t0 = bench_now_ns();
	ctxt = xmlNewParserCtxt();
	if (!ctxt || !ctxt->sax)
		goto nomem;
	in = xmlParserInputBufferCreateIO(read_chunk, NULL, &r,
					  XML_CHAR_ENCODING_NONE);
	if (!in)
		goto nomem;
	stream = xmlNewIOInputStream(ctxt, in, XML_CHAR_ENCODING_NONE);
	if (!stream) {
		xmlFreeParserInputBuffer(in);
		goto nomem;
	}
	if (inputPush(ctxt, stream) < 0)
		goto nomem;
	xmlCtxtUseOptions(ctxt, BASELINE_PARSE_OPTIONS);
	memcpy(ctxt->sax, &sax, sizeof(*ctxt->sax));
	ctxt->userData = NULL;
	xmlParseDocument(ctxt);
	ok = ctxt->wellFormed;
	xmlFreeParserCtxt(ctxt);
	t1 = bench_now_ns();
	if (!ok)
		return EBADMSG;
	*nsp = t1 - t0;
	return 0;
nomem:
	if (ctxt)
		xmlFreeParserCtxt(ctxt);
	return ENOMEM;
}

void bench_pieces_free(struct bench_pieces *pc)
{
	free(pc->ptr);
	free(pc->len);
	memset(pc, 0, sizeof(*pc));
}

int bench_pieces_split(struct bench_pieces *pc, const char *doc, size_t len)
{
	size_t i = 0, n = 0, cap = 0;
	const char **ptr = NULL;
	size_t *lens = NULL;

	while (i < len) {
		size_t start = i;

		if (doc[i] == '<') {
			const char *gt = memchr(doc + i, '>', len - i);

			i = gt ? (size_t)(gt - doc) + 1 : len;
		} else {
			const char *lt = memchr(doc + i, '<', len - i);

			i = lt ? (size_t)(lt - doc) : len;
		}
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 1024;
			const char **np = realloc(ptr, ncap * sizeof(*np));
			size_t *nl;

			if (np)
				ptr = np;
			nl = np ? realloc(lens, ncap * sizeof(*nl)) : NULL;
			if (!nl) {
				free(ptr);
				free(lens);
				return ENOMEM;
			}
			lens = nl;
			cap = ncap;
		}
		ptr[n] = doc + start;
		lens[n] = i - start;
		n++;
	}
	pc->ptr = ptr;
	pc->len = lens;
	pc->count = n;
	return 0;
}

int bench_writer(const struct bench_pieces *pc, const char *expect,
		 size_t expect_len, uint64_t *nsp)
{
	char *data = NULL;
	size_t len = 0, cap = 0, i;
	uint64_t t0, t1;
	int err = 0;

	t0 = bench_now_ns();
	for (i = 0; i < pc->count; i++) {
		size_t n = pc->len[i];

		/* + 1 for the NUL the result gets, as the encoder keeps. */
		if (cap - len <= n) {
			size_t ncap = cap ? cap : 1024;
			char *p;

			while (ncap - len <= n)
				ncap *= 2;
			p = realloc(data, ncap);
			if (!p) {
				err = ENOMEM;
				break;
			}
			data = p;
			cap = ncap;
		}
		memcpy(data + len, pc->ptr[i], n);
		len += n;
	}
	if (!err && data)
		data[len] = '\0';
	t1 = bench_now_ns();
	if (!err && (len != expect_len || memcmp(data, expect, len) != 0)) {
		fprintf(stderr, "bench: memcpy writer produced other bytes\n");
		err = EINVAL;
	}
	free(data);
	if (!err)
		*nsp = t1 - t0;
	return err;
}
