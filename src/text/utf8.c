/*
 * The bottom of the text module (text_int.h): strict UTF-8 decoding and
 * the bidi formatting characters, shared with the URI module above.
 */
#include "text/text_int.h"

size_t text_utf8_next(const uint8_t *s, size_t len, uint32_t *ucp)
{
	uint32_t uc;
	size_t n;

	if (!len)
		return 0;
	if (s[0] < 0x80) {
		*ucp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		n = 2;
		uc = s[0] & 0x1F;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		n = 3;
		uc = s[0] & 0x0F;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		n = 4;
		uc = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		uc = (uc << 6) | (s[i] & 0x3F);
	}
	/* Reject overlong forms, surrogates and values past U+10FFFF. */
	if ((n == 3 && uc < 0x800) || (n == 4 && uc < 0x10000) ||
	    (uc >= 0xD800 && uc <= 0xDFFF) || uc > 0x10FFFF)
		return 0;
	*ucp = uc;
	return n;
}

bool text_is_bidi_control(uint32_t uc)
{
	return uc == 0x061C || uc == 0x200E || uc == 0x200F ||
	       (uc >= 0x202A && uc <= 0x202E) || (uc >= 0x2066 && uc <= 0x2069);
}
