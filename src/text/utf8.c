/*
 * The bottom of the text module (text_int.h): strict UTF-8 decoding (on
 * libunistring) and the bidi formatting characters, shared with the URI
 * module above.
 */
#include <unistr.h>

#include "text/text_int.h"

size_t text_utf8_next(const uint8_t *s, size_t len, uint32_t *ucp)
{
	ucs4_t uc;
	int n;

	if (!len)
		return 0;
	/* libunistring's strict decoder: -1 (invalid: overlong forms,
	 * surrogates and values past U+10FFFF included) or -2 (cut
	 * short) are both "not valid UTF-8" here. */
	n = u8_mbtoucr(&uc, s, len);
	if (n <= 0)
		return 0;
	*ucp = uc;
	return (size_t)n;
}

bool text_is_bidi_control(uint32_t uc)
{
	return uc == 0x061C || uc == 0x200E || uc == 0x200F ||
	       (uc >= 0x202A && uc <= 0x202E) || (uc >= 0x2066 && uc <= 0x2069);
}
