/*
 * The memory of a subscription's libre dialog (sipnot.h,
 * sipnot_dialog_trim()).
 *
 * libre 1.1.0's sip_dialog_accept() encodes the dialog's To, From and
 * Route headers into an mbuf it allocates with 512 bytes, of which a
 * dialog without Record-Route uses about 130 for as long as the
 * subscription lives: with tens of thousands of subscriptions held, a
 * third of the focus's memory per subscription. libre has no call to
 * shrink it, and struct sip_dialog is private (src/sip/dialog.c); its
 * first two members are the route (a public struct uri) and that mbuf,
 * as in every libre release since 0.4. So the buffer is reached through
 * that layout, after checks that it is the one expected (otherwise
 * nothing is done): the route must be the dialog's first member
 * (sip_dialog_route() returns the dialog's own address), the mbuf must
 * hold the headers libre writes and be 512 bytes large, and the route
 * must not point into it (with a Record-Route it does, and a realloc
 * would leave it dangling).
 */
#define _GNU_SOURCE /* memmem */
#include <string.h>

#include "sipnot.h"

const struct uri *sip_dialog_route(const struct sip_dialog *dlg);

enum { DIALOG_MB_SIZE = 512 };

struct dialog_head {
	struct uri route;
	struct mbuf *mb;
};

void sipnot_dialog_trim(struct sip_dialog *dlg)
{
	struct dialog_head *h = (struct dialog_head *)(void *)dlg;
	const char *buf;
	struct mbuf *mb;

	if (!dlg || (const void *)sip_dialog_route(dlg) != (const void *)dlg)
		return;
	mb = h->mb;
	if (!mb || mb->size != DIALOG_MB_SIZE || mb->pos != 0 || mb->end < 8 ||
	    mb->end >= mb->size)
		return;
	buf = (const char *)mb->buf;
	if (strncmp(buf, "To: ", 4) || !memmem(buf, mb->end, "\r\nFrom: ", 8))
		return;
	if (h->route.scheme.p >= buf && h->route.scheme.p < buf + mb->size)
		return;
	(void)mbuf_resize(mb, mb->end);
}
