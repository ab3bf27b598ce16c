/*
 * The decoder's failures, warnings and positions: what every other file
 * of the decoder calls to report, at the bottom of the module (it calls
 * nothing of theirs). The first failure is recorded, with its line and
 * column, in the caller's diag, and stops libxml2; later ones are
 * dropped, since they are mostly consequences of the first.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "xml/decode_int.h"

static int vrecord(struct dec *d, int err, unsigned line, unsigned col,
		   const char *fmt, va_list ap)
{
	char msg[CONFINFO_DIAG_MSG_SIZE];

	if (d->err)
		return d->err;
	d->err = err;
	d->text_mode = TM_IGNORE;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (d->diag && !d->diag->err)
		d->diag->limit = d->limit; /* NULL unless dec_limit() */
	confinfo_diag_fail(d->diag, err, line, col, "%s", msg);
	return err;
}

int dec_record(struct dec *d, int err, unsigned line, unsigned col,
	       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vrecord(d, err, line, col, fmt, ap);
	va_end(ap);
	return err;
}

/* Record a failure found by our own callbacks and stop libxml2: once the
 * document is known bad, reading the rest is wasted work. */
static int vfail(struct dec *d, int err, unsigned line, unsigned col,
		 const char *fmt, va_list ap)
{
	if (d->err)
		return d->err;
	vrecord(d, err, line, col, fmt, ap);
	if (d->ctxt)
		xmlStopParser(d->ctxt);
	return err;
}

int dec_fail(struct dec *d, int err, unsigned line, unsigned col,
	     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(d, err, line, col, fmt, ap);
	va_end(ap);
	return err;
}

int dec_fail_tag(struct dec *d, int err, const char *fmt, ...)
{
	unsigned line, col;
	va_list ap;

	dec_tag_pos(d, &line, &col);
	va_start(ap, fmt);
	vfail(d, err, line, col, fmt, ap);
	va_end(ap);
	return err;
}

int dec_fail_here(struct dec *d, int err, const char *fmt, ...)
{
	unsigned line = 0, col = 0;
	va_list ap;

	if (d->ctxt && d->ctxt->input) {
		line = (unsigned)d->ctxt->input->line;
		col = (unsigned)d->ctxt->input->col;
	}
	va_start(ap, fmt);
	vfail(d, err, line, col, fmt, ap);
	va_end(ap);
	return err;
}

int dec_nomem(struct dec *d)
{
	return dec_fail_here(d, ENOMEM, "out of memory");
}

void dec_warn_tag(struct dec *d, const char *fmt, ...)
{
	char msg[CONFINFO_DIAG_MSG_SIZE];
	unsigned line, col;
	va_list ap;

	if (!d->diag)
		return;
	dec_tag_pos(d, &line, &col);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	confinfo_diag_warn(d->diag, line, col, "%s", msg);
}

/*
 * Where the tag being reported starts. libxml2 calls startElementNs with
 * its cursor on the '>' of the start tag (endElementNs just after the end
 * tag), which for a start tag written over several lines is far from where
 * a reader looks. The tag's '<' is the last one before the cursor (a '<'
 * cannot appear raw inside a tag), so walk back to it. This runs only when
 * something is reported, never on the hot path.
 */
void dec_tag_pos(const struct dec *d, unsigned *line, unsigned *col)
{
	const xmlParserInput *in = d->ctxt ? d->ctxt->input : NULL;
	const xmlChar *p, *bol;
	unsigned nl = 0, c = 1;

	*line = 0;
	*col = 0;
	if (!in)
		return;
	*line = in->line > 0 ? (unsigned)in->line : 0;
	*col = in->col > 0 ? (unsigned)in->col : 0;
	if (!in->base || !in->cur || in->cur <= in->base)
		return;
	p = in->cur - 1;
	while (p > in->base && *p != '<') {
		if (*p == '\n')
			nl++;
		p--;
	}
	if (*p != '<' || nl >= *line)
		return;
	for (bol = p; bol > in->base && bol[-1] != '\n'; bol--)
		;
	/* If the line start was shrunk away the column is unknown. */
	if (bol == in->base && in->consumed)
		return;
	for (; bol < p; bol++)
		if ((*bol & 0xC0) != 0x80) /* count characters, not bytes */
			c++;
	*line -= nl;
	*col = c;
}
