/*
 * Events to the caller (subscriber.h): the bottom of the module, called by
 * every other file. A message is formatted into a bounded buffer; the
 * event's pointers are only valid during the callback.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sipsub.h"

void sipsub_emit(struct confinfo_subscriber *sub,
		 struct confinfo_subscriber_event *ev)
{
	if (!ev->message)
		ev->message = "";
	sub->eventh(ev, sub->arg);
}

void sipsub_emitv(struct confinfo_subscriber *sub,
		  struct confinfo_subscriber_event *ev, const char *fmt,
		  va_list ap)
{
	char msg[320];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	ev->message = msg;
	sipsub_emit(sub, ev);
}

void sipsub_emitf(struct confinfo_subscriber *sub,
		  enum confinfo_subscriber_event_type type, const char *fmt,
		  ...)
{
	struct confinfo_subscriber_event ev;
	va_list ap;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	va_start(ap, fmt);
	sipsub_emitv(sub, &ev, fmt, ap);
	va_end(ap);
}
