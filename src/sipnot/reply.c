/*
 * What every request handler of the notifier needs, at the bottom of the
 * module: answering a request statelessly with extra headers, telling
 * whether the Request-URI names a conference we could serve, and checking
 * the body against its Content-Length.
 */
#include <errno.h>
#include <stdarg.h>

#include "sipnot.h"

bool sipnot_name_valid(const char *s, size_t len)
{
	if (!len || len > CONFINFO_NOTIFIER_NAME_MAX || s[0] == '.')
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		      c == '_' || c == '~' || c == '+'))
			return false;
	}
	return true;
}

int sipnot_reply(struct confinfo_notifier *n, const struct sip_msg *msg,
		 uint16_t scode, const char *reason, const char *fmt, ...)
{
	char *hdrs = NULL;
	va_list ap;
	int err;

	if (fmt) {
		va_start(ap, fmt);
		err = re_vsdprintf(&hdrs, fmt, ap);
		va_end(ap);
		if (err)
			return err;
	}
	err = sip_treplyf(NULL, NULL, n->sip, msg, false, scode, reason,
			  "%sContent-Length: 0\r\n\r\n", hdrs ? hdrs : "");
	mem_deref(hdrs);
	return err;
}

/*
 * libre reads Content-Length with pl_u32(), which wraps: 4294967296 + n
 * reads as n, and over TCP it cuts the body at n. So the header's digits
 * are read here again, saturating instead of wrapping, and compared with
 * the body libre kept: a length that wrapped, or a body shorter than its
 * length, never passes for a small request.
 */
int sipnot_body_check(const struct sip_msg *msg, size_t max, uint64_t *lenp)
{
	size_t have = mbuf_get_left(msg->mb);
	const struct pl *pl = &msg->clen;
	uint64_t len = 0;
	size_t digits = 0;

	if (!pl_isset(pl)) {
		/* Only over UDP (libre drops a TCP message without it):
		 * the datagram's end is the body's. */
		*lenp = have;
		return have > max ? EMSGSIZE : 0;
	}
	for (size_t i = 0; i < pl->l; i++) {
		char c = pl->p[i];

		if (c == ' ' || c == '\t')
			continue;
		if (c < '0' || c > '9')
			return EBADMSG;
		digits++;
		len = len > UINT32_MAX ? len : len * 10 + (uint64_t)(c - '0');
	}
	if (!digits)
		return EBADMSG;
	*lenp = len;
	if (len > max)
		return EMSGSIZE;
	if (len > have)
		return EBADMSG;
	/* RFC 3261 18.3: bytes of a datagram after the body are
	 * discarded. */
	msg->mb->end = msg->mb->pos + (size_t)len;
	return 0;
}
