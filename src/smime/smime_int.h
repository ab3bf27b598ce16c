/*
 * Private interface of the S/MIME module (include/confinfo/smime.h).
 *
 * sign.c  the signer: key and certificate, multipart/signed bodies
 * open.c  the verifier: MIME framing taken apart, CMS verification
 */
#ifndef CONFINFO_SMIME_INT_H
#define CONFINFO_SMIME_INT_H

#include <stddef.h>

#include "confinfo/diag.h"

/* The OpenSSL error queue's last error, as one line, into @p diag (after
 * @p what), returning @p err; the queue is cleared. */
int smime_ssl_fail(struct confinfo_diag *diag, int err, const char *what,
		   const char *path);

/* A file's errno from OpenSSL's BIO_new_file() failure (ENOENT when it
 * cannot tell). */
int smime_file_errno(void);

#endif
