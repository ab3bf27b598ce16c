/*
 * Private helpers of the chat module: the policy's answers (policy.c) and
 * the display side of a verdict (display.c, on text.h).
 */
#ifndef CONFINFO_CHAT_INT_H
#define CONFINFO_CHAT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "confinfo/chat.h"
#include "confinfo/text.h"

/* @p p, or the default policy when NULL. */
const struct confinfo_chat_policy *
chat_policy_or_default(const struct confinfo_chat_policy *p);

/* True if the policy relates @p room to @p conf (section 6). */
bool chat_policy_related(const struct confinfo_chat_policy *p,
			 const struct confinfo_host *conf,
			 const struct confinfo_host *room);

/* The automatic-join settings of @p p (or of the defaults). */
void chat_policy_auto(const struct confinfo_chat_policy *p,
		      enum confinfo_chat_auto_join *modep, bool *require_namep,
		      uint32_t *max_usersp);

/*
 * A printable copy of @p len bytes (text.h, one list for the library and
 * the tool): invalid UTF-8, controls, bidi formatting and other invisible
 * characters are percent-encoded, and so is '%' itself when
 * @p escape_percent (then the result decodes back to the input).
 * *escapedp tells whether anything was encoded. NULL on ENOMEM.
 */
static inline char *chat_display(const char *s, size_t len, bool escape_percent,
				 bool *escapedp)
{
	char *d = NULL;

	if (confinfo_text_escape(&d, s, len,
				 escape_percent ? CONFINFO_TEXT_PERCENT_ALL
						: CONFINFO_TEXT_PERCENT,
				 escapedp))
		return NULL;
	return d;
}

/* True if @p s (len bytes) needs no escaping to be shown. */
static inline bool chat_printable(const char *s, size_t len)
{
	return confinfo_text_printable(s, len);
}

/*
 * If one label of @p unicode mixes scripts in a way no language does
 * (e.g. Cyrillic with Latin), write the label's script names,
 * comma-separated, to @p buf and return true. Labels are judged one by
 * one: a Cyrillic label under a Latin parent ("пример.example.com") is
 * not mixed.
 */
bool chat_mixed_script(const char *unicode, char *buf, size_t size);

/*
 * Whether the room host @p room (U-label form) imitates the conference
 * host @p conf (lookalike.c): it is not @p conf but has its UTS #39
 * skeleton, or one of its labels is none of @p conf's but has the
 * skeleton of one. When true, @p why (of @p size bytes) says which; a host
 * that cannot be checked (ICU failed) counts as a look-alike.
 * 0 or ENOMEM; *lookalikep on success only.
 */
int chat_lookalike(const char *room, const char *conf, char *why, size_t size,
		   bool *lookalikep);

/* Append a formatted warning to @p v. 0 or ENOMEM; past
 * CONFINFO_CHAT_MAX_WARNINGS it is dropped (the last slot says so). */
int chat_warn(struct confinfo_chat_verdict *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
