/*
 * What every request handler of the notifier needs, at the bottom of the
 * module: answering a request statelessly with extra headers, and telling
 * whether the Request-URI names a conference we could serve.
 */
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
