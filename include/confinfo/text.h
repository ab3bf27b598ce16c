/**
 * @file text.h
 * @brief Showing untrusted text: what must not reach a screen as it is.
 *
 * Every string of a conference document (display texts, subjects, URIs,
 * roles) and of a chat room URI was written by whoever sent it. Shown as
 * it is, it can drive a terminal (ESC, or the C1 control CSI, starts a
 * control sequence), make a URI read differently from what it is (a
 * right-to-left override turns "moc.live" into "evil.com", and RFC 7106
 * section 2 makes the displayed room URI the user's last line of defence),
 * or hide characters altogether (zero-width and other invisible code
 * points). This module holds the one list of such characters, used by the
 * chat verdicts of chat.h and by the confinfo tool alike, and writes text
 * with them escaped.
 *
 * Since 0.1.
 */
#ifndef CONFINFO_TEXT_H
#define CONFINFO_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Whether the code point @p cp must not be shown as itself: C0 controls,
 * DEL and C1 controls (U+0000..U+001F, U+007F..U+009F); the bidirectional
 * formatting characters (U+061C, U+200E, U+200F, U+202A..U+202E,
 * U+2066..U+2069); every default-ignorable code point (zero-width space
 * and joiners, soft hyphen, word joiner, byte order mark, variation
 * selectors, tags, ...); the line and paragraph separators (U+2028,
 * U+2029); surrogates, unassigned code points and the private use area
 * of the BMP (U+E000..U+F8FF), which no font shows as what they are.
 * Space (U+0020) and the other spaces are shown. Since 0.1.
 */
bool confinfo_text_hidden(uint32_t cp);

/**
 * True if the @p len bytes at @p s are valid UTF-8 (no overlong form, no
 * surrogate, nothing past U+10FFFF) without a character that
 * confinfo_text_hidden() refuses. A NUL byte within @p len is a C0
 * control. @p s may be NULL when @p len is 0. Since 0.1.
 */
bool confinfo_text_printable(const char *s, size_t len);

/** How confinfo_text_escape() writes what it must not show as it is. */
enum confinfo_text_style {
	/** Each byte of a hidden character, and each byte that is not
	 *  valid UTF-8, as %XX (upper-case hex): "\x1b" becomes "%1B",
	 *  U+202E "%E2%80%AE". '%' itself is left as it is, so the result is
	 *  for reading, not for decoding back. */
	CONFINFO_TEXT_PERCENT = 0,
	/** As CONFINFO_TEXT_PERCENT, and '%' as "%25": the result
	 *  percent-decodes back to the input. */
	CONFINFO_TEXT_PERCENT_ALL,
	/** C-like escapes, lower-case hex: a C0 control, DEL or a byte that
	 *  is not valid UTF-8 as "\xNN"; any other hidden character as
	 *  "\uXXXX" ("\UXXXXXXXX" above U+FFFF); '\' itself as "\\". For a
	 *  terminal: "evil\x1b[2J", "txt.\u202eexe". */
	CONFINFO_TEXT_BACKSLASH,
};

/**
 * A copy of the @p len bytes at @p s in which every character
 * confinfo_text_hidden() refuses, and every byte that is not valid UTF-8,
 * is escaped in @p style; everything else is copied as it is.
 *
 * @param outp      on success a NUL-terminated string (free() it)
 * @param s         the text; may hold NUL bytes (escaped); NULL only when
 *                  @p len is 0
 * @param escapedp  optional; on success whether anything was escaped
 * @return 0, EINVAL (@p outp NULL, @p s NULL with a length, or an unknown
 *         @p style), ENOMEM
 */
int confinfo_text_escape(char **outp, const char *s, size_t len,
			 enum confinfo_text_style style, bool *escapedp);

/**
 * Write the @p len bytes at @p s to @p f escaped as confinfo_text_escape()
 * escapes them, without allocating. Runs of characters that need no
 * escape are written with one fwrite() each.
 *
 * @return 0; EINVAL (@p f NULL, @p s NULL with a length, or an unknown
 *         @p style; nothing is written), or EIO when a write failed
 *         (what came before it is written; the stream's error indicator
 *         is set as fwrite() sets it)
 */
int confinfo_text_fputs(FILE *f, const char *s, size_t len,
			enum confinfo_text_style style);

/**
 * A bounded, valid copy of hostile text (a chat nick or kick reason, a
 * header value) for a state or a log: every byte that is not part of
 * valid UTF-8 becomes U+FFFD; with @p drop_hidden, every character
 * confinfo_text_hidden() refuses is left out; and the result is cut at
 * @p max bytes on a character boundary (never half a character).
 *
 * @param outp  on success a NUL-terminated string of at most @p max
 *              bytes (free() it); a NUL byte of the input is a C0
 *              control: dropped with @p drop_hidden, else copied (the
 *              string then ends early)
 * @param s     the text; NULL only when @p len is 0
 * @return 0, EINVAL (@p outp NULL, or @p s NULL with a length), ENOMEM
 * Since 0.2.
 */
int confinfo_text_clean(char **outp, const char *s, size_t len, size_t max,
			bool drop_hidden);

#ifdef __cplusplus
}
#endif

#endif
