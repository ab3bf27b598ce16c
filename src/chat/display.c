/*
 * The display side of a verdict. RFC 7106 section 2 makes the displayed
 * room URI the last line of defence ("displaying the full URI ... would be
 * the only way of actually detecting the problem"), so what is shown must
 * be exactly what is there: nothing invisible, nothing that reorders the
 * text, nothing that drives a terminal. Such characters are shown
 * percent-encoded (chat_display(), on the library's one list in text.h),
 * and hosts with a label that mixes scripts (a Cyrillic "а" inside a Latin
 * name) are flagged, since they look like another name (check.c never
 * joins them automatically).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <unictype.h>

#include "chat/chat_int.h"
#include "model/alloc.h"

/* The UTF-8 decoder of the URI module (strict: no overlongs, no
 * surrogates). */
#include "text/text_int.h"

/* Script sets that one writing system uses together: Japanese, Chinese
 * with Bopomofo, Korean; each may also hold Latin (brand names). */
static const char *const combos[][4] = {
    {"Latin", "Han", "Hiragana", "Katakana"},
    {"Latin", "Han", "Bopomofo", NULL},
    {"Latin", "Han", "Hangul", NULL},
};

#define MAX_SCRIPTS 8

static bool in_combo(const char *const *names, size_t n)
{
	for (size_t c = 0; c < sizeof(combos) / sizeof(combos[0]); c++) {
		size_t found = 0;

		for (size_t i = 0; i < n; i++) {
			for (size_t k = 0; k < 4 && combos[c][k]; k++) {
				if (!strcmp(names[i], combos[c][k])) {
					found++;
					break;
				}
			}
		}
		if (found == n)
			return true;
	}
	return false;
}

/* The scripts of @p len bytes of @p s (Common and Inherited left out), at
 * most MAX_SCRIPTS of them, in *np. */
static void label_scripts(const char *s, size_t len, const char **names,
			  size_t *np)
{
	size_t n = 0;

	for (size_t i = 0; i < len;) {
		uint32_t uc;
		size_t m = text_utf8_next((const uint8_t *)s + i, len - i, &uc);
		const uc_script_t *sc;
		bool seen = false;

		if (!m)
			break; /* hosts are valid UTF-8 by now */
		i += m;
		sc = uc_script(uc);
		if (!sc || !strcmp(sc->name, "Common") ||
		    !strcmp(sc->name, "Inherited"))
			continue;
		for (size_t j = 0; j < n; j++)
			seen = seen || !strcmp(names[j], sc->name);
		if (!seen && n < MAX_SCRIPTS)
			names[n++] = sc->name;
	}
	*np = n;
}

bool chat_mixed_script(const char *unicode, char *buf, size_t size)
{
	const char *names[MAX_SCRIPTS];
	const char *label = unicode;
	size_t n = 0, k = 0;

	/* Label by label: UTS #39's mixed-script test is per identifier,
	 * and a DNS label is one; a host whose labels are each in one
	 * script ("пример.example.com") mixes nothing within a name. */
	for (;;) {
		const char *dot = strchr(label, '.');
		size_t len = dot ? (size_t)(dot - label) : strlen(label);

		label_scripts(label, len, names, &n);
		if (n >= 2 && !in_combo(names, n))
			break;
		if (!dot)
			return false;
		label = dot + 1;
	}
	if (size)
		buf[0] = '\0';
	for (size_t i = 0; i < n && size; i++) {
		int w = snprintf(buf + k, size - k, "%s%s", i ? ", " : "",
				 names[i]);

		if (w < 0 || (size_t)w >= size - k)
			break;
		k += (size_t)w;
	}
	return true;
}

int chat_warn(struct confinfo_chat_verdict *v, const char *fmt, ...)
{
	char msg[1024];
	char **w;
	va_list ap;

	if (v->warning_count >= CONFINFO_CHAT_MAX_WARNINGS)
		return 0;
	if (v->warning_count == CONFINFO_CHAT_MAX_WARNINGS - 1) {
		snprintf(msg, sizeof(msg), "more warnings were dropped");
	} else {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
	}
	w = ci_realloc(v->warnings, (v->warning_count + 1) * sizeof(*w));
	if (!w)
		return ENOMEM;
	v->warnings = w;
	/* Through the display filter once more: truncation may have cut a
	 * UTF-8 sequence, and a warning is shown like everything else. */
	w[v->warning_count] = chat_display(msg, strlen(msg), false, NULL);
	if (!w[v->warning_count])
		return ENOMEM;
	v->warning_count++;
	return 0;
}
