/*
 * Chat text is hostile: a nick or a kick reason is whatever an occupant
 * (or the server) chose, up to the 1,024 bytes the child lets through.
 * What reaches the conference state and the mixer hook is valid UTF-8
 * without the characters text.h refuses to show (controls, bidi
 * overrides, invisible ones), and short: a reason that fills a
 * subscriber's screen is a way to hide the next line.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bridge_int.h"
#include "confinfo/text.h"

/* One UTF-8 character at @p s (at most @p len bytes): its code point and
 * length, or 0 when the bytes are not valid UTF-8. */
static size_t utf8_next(const unsigned char *s, size_t len, uint32_t *cp)
{
	size_t n, i;
	uint32_t c = s[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		c &= 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		c &= 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		c &= 0x07;
	} else {
		return 0;
	}
	if (n > len)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates, beyond U+10FFFF. */
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return n;
}

int bridge_clean(char **outp, const char *s, size_t len, size_t max)
{
	static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0;
	char *out;

	if (!outp || (!s && len))
		return EINVAL;
	out = malloc(max + 1);
	if (!out)
		return ENOMEM;
	while (i < len) {
		uint32_t cp = 0;
		size_t n = utf8_next(p + i, len - i, &cp);
		const char *src = (const char *)p + i;
		size_t w = n;

		if (!n) {
			src = replacement;
			w = 3;
			n = 1;
		} else if (confinfo_text_hidden(cp)) {
			i += n;
			continue;
		}
		if (o + w > max)
			break; /* cut on a character boundary */
		memcpy(out + o, src, w);
		o += w;
		i += n;
	}
	out[o] = '\0';
	*outp = out;
	return 0;
}
