/*
 * confinfo focus's log lines on standard output (focus_log.c), one per
 * event: `EVENT key=value...`. Values of the focus's own are written as
 * they are; anything a peer or an operator chose is quoted and escaped,
 * so that no value can end its quotes and forge a field.
 */
#ifndef CONFINFO_TOOLS_FOCUS_LOG_H
#define CONFINFO_TOOLS_FOCUS_LOG_H

#include <stdbool.h>
#include <stddef.h>

#include "confinfo/notifier.h"
#include "confinfo/sipstack.h"

/* ` KEY=VALUE` for a value of the focus's own, which never holds a space
 * (an event name, a valid conference name, a transport); nothing for
 * NULL. */
void focus_log_kv(const char *key, const char *value);

/* ` KEY="VALUE"` for a value someone else chose (From, Call-ID, a path,
 * free text): controls and invalid UTF-8 escaped with backslashes, '"'
 * as \". Nothing for NULL. */
void focus_log_quoted(const char *key, const char *value);

/* The notifier's log (confinfo_notifier_log_h): subscribe, refresh,
 * reject, notify, terminated, failed, publish, view, conference. @p arg
 * points to a bool: true leaves out the notify lines (--quiet). */
void focus_log_notifier(const struct confinfo_notifier_log *ev, void *arg);

/* The chat bridge's events: `bridge what=WORD conf=NAME detail="..."`. */
void focus_log_bridge(const char *conf, const char *what, const char *detail,
		      void *arg);

/* The connection guard: `connections what=... closed=N open=N`. */
void focus_log_guard(const char *what, size_t closed, size_t open, void *arg);

/* What a udp: listener's socket buffers came to: `sockbuf ...`, with a
 * hint when the kernel capped the request. */
void focus_log_bufs(const struct confinfo_sipstack_bufs *b, void *arg);

/* A TLS client certificate under --tls-client-ca: `tls-client ...`. */
void focus_log_tls(const struct confinfo_sipstack_tls_event *ev, void *arg);

/* At exit: `udp sent=... retransmitted=...`, what the NOTIFY transactions
 * over UDP did. */
void focus_log_udp_stats(const struct confinfo_notifier *n);

#endif
