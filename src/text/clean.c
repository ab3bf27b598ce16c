/*
 * confinfo_text_clean() (text.h): what hostile text may become before it
 * is stored or shown. Invalid bytes are replaced rather than dropped, so
 * that a reader can still tell that something was there.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "confinfo/text.h"
#include "text/text_int.h"

int confinfo_text_clean(char **outp, const char *s, size_t len, size_t max,
			bool drop_hidden)
{
	static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */
	const uint8_t *p = (const uint8_t *)s;
	size_t i = 0, o = 0;
	char *out;

	if (!outp || (!s && len))
		return EINVAL;
	out = malloc(max + 1);
	if (!out)
		return ENOMEM;
	while (i < len) {
		uint32_t uc = 0;
		size_t n = text_utf8_next(p + i, len - i, &uc);
		const char *src = (const char *)p + i;
		size_t w = n;

		if (!n) {
			src = replacement;
			w = sizeof(replacement) - 1;
			n = 1;
		} else if (drop_hidden && confinfo_text_hidden(uc)) {
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
