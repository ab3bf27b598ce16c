/*
 * Diagnostics: the first failure wins, warnings go to the caller's callback.
 */
#include <stdio.h>
#include <string.h>

#include "confinfo/diag.h"

int confinfo_diag_fail(struct confinfo_diag *diag, int err, unsigned line,
		       unsigned column, const char *fmt, ...)
{
	va_list ap;

	/* Keep the first failure: it is the cause, later ones are fallout. */
	if (!diag || diag->err)
		return err;
	diag->err = err;
	diag->line = line;
	diag->column = column;
	va_start(ap, fmt);
	vsnprintf(diag->message, sizeof(diag->message), fmt, ap);
	va_end(ap);
	return err;
}

void confinfo_diag_warn(struct confinfo_diag *diag, unsigned line,
			unsigned column, const char *fmt, ...)
{
	char msg[CONFINFO_DIAG_MSG_SIZE];
	va_list ap;

	if (!diag)
		return;
	diag->warnings++;
	if (!diag->warnh)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag->warnh(line, column, msg, diag->warn_arg);
}

void confinfo_diag_reset(struct confinfo_diag *diag)
{
	if (!diag)
		return;
	diag->err = 0;
	diag->line = 0;
	diag->column = 0;
	diag->message[0] = '\0';
	diag->limit = NULL;
}
