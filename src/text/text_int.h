/*
 * Private to libconfinfo: the text module's character primitives, for the
 * modules above it (uri) as much as for text.c. The text module is the
 * lower one: what a URI check calls valid UTF-8 or a bidi control is what
 * the terminal-safe printer decodes and escapes, because both ask here.
 *
 *   text.c   confinfo_text_*(): the hidden list, escaping (text.h)
 *   clean.c  confinfo_text_clean(): valid, bounded copies of hostile text
 *   utf8.c   the bottom: strict UTF-8 decoding, the bidi controls
 */
#ifndef CONFINFO_TEXT_INT_H
#define CONFINFO_TEXT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Length of the UTF-8 sequence starting at @p s (at most @p len bytes
 * available) and its code point in *ucp; 0 if the bytes are not valid
 * UTF-8 (overlong forms, surrogates and values above U+10FFFF included),
 * *ucp then untouched.
 */
size_t text_utf8_next(const uint8_t *s, size_t len, uint32_t *ucp);

/* Unicode bidirectional formatting characters (ALM, LRM, RLM, LRE..RLO,
 * LRI..PDI): escaped by the text module, never allowed anywhere in a
 * room URI. */
bool text_is_bidi_control(uint32_t uc);

#endif
