/*
 * --smime-ca of lint, show and rooms: a FILE in the signed MIME form
 * (`Content-Type: multipart/signed; ...`, a blank line, the body: what
 * `openssl cms -sign` writes, or a NOTIFY's Content-Type and body) is
 * verified against the CA file before its inner document is decoded;
 * libxml2 only sees that document. A plain FILE still works, with a
 * warning that it is not signed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "confinfo/smime.h"
#include "confinfo/xml.h"
#include "input_limits.h"
#include "util.h"

/* Room for the MIME framing and a signature with its certificates. */
#define SIGNED_SLACK (64 * 1024)

/* The whole FILE ("-": standard input), at most @p max bytes, read as
 * the plain documents are (xml.h). */
static int read_all(const char *path, size_t max, char **bufp, size_t *lenp)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	int err;

	if (fd < 0)
		return errno;
	err = confinfo_xml_read_fd(fd, max, bufp, lenp);
	if (fd)
		close(fd);
	return err;
}

static void say(struct tool_doc *doc, const struct confinfo_smime_opened *o)
{
	char msg[sizeof(o->why) + 64];

	switch (o->status) {
	case CONFINFO_SMIME_VERIFIED:
		fprintf(stderr, "%s: signature verified (signer ", doc->name);
		tool_fputs_safe(stderr, o->signer);
		fputs(")\n", stderr);
		break;
	case CONFINFO_SMIME_UNSIGNED:
		/* Through the diag: it counts for lint --strict. */
		confinfo_diag_warn(&doc->diag, 0, 0,
				   "not signed (--smime-ca: no signature to "
				   "verify)");
		break;
	case CONFINFO_SMIME_FAILED:
		snprintf(msg, sizeof(msg), "signature failed: %s", o->why);
		tool_report(doc->name, 0, 0, false, msg);
		break;
	}
}

int tool_doc_load_signed(struct tool_doc *doc, struct confinfo_conf **confp)
{
	const struct confinfo_xml_limits *lim = &doc->limits->xml;
	struct confinfo_smime_verifier *v = NULL;
	struct confinfo_smime_opened o;
	struct confinfo_conf *conf = NULL;
	char *buf = NULL;
	size_t len = 0;
	int err;

	confinfo_diag_reset(&doc->diag);
	err = confinfo_smime_verifier_load(&v, doc->smime_ca, &doc->diag);
	if (err) {
		tool_doc_fail(doc, err);
		return err;
	}
	err = read_all(doc->path, lim->max_body + SIGNED_SLACK, &buf, &len);
	if (err) {
		tool_report(doc->name, 0, 0, false,
			    err == EMSGSIZE ? "file too large (raise with "
					      "--max-bytes)"
					    : strerror(err));
		goto out;
	}
	err = confinfo_smime_open_entity(v, buf ? buf : "", len, &o);
	if (err) {
		tool_report(doc->name, 0, 0, false, strerror(err));
		goto out;
	}
	say(doc, &o);
	if (o.status == CONFINFO_SMIME_FAILED) {
		err = EBADMSG;
		goto out;
	}
	err = confinfo_xml_decode(&conf, o.body, o.len, lim, &doc->diag);
	if (err) {
		tool_doc_fail(doc, err);
		goto out;
	}
	*confp = conf;
out:
	free(buf);
	confinfo_smime_verifier_free(v);
	return err;
}
