/*
 * Helpers for the decoder tests (test_decode*.c). Every input is decoded
 * from a malloc'd copy of exactly its length, with no NUL after it, so
 * that ASan reports any read past the end.
 */
#ifndef CONFINFO_TESTS_DECTEST_H
#define CONFINFO_TESTS_DECTEST_H

#include <stddef.h>

#include "confinfo/xml.h"

/* What *confp must still hold after a failed decode. */
extern int dt_sentinel_storage;
#define DT_SENTINEL ((struct confinfo_conf *)&dt_sentinel_storage)

/* A root start tag in our namespace with entity and version, and its end. */
#define DT_ROOT                                                                \
	"<conference-info xmlns=\"urn:ietf:params:xml:ns:conference-info\" "   \
	"entity=\"sip:conf@example.com\" version=\"1\">"
#define DT_END "</conference-info>"

/* confinfo_xml_decode() of an exact-size copy of @p data. */
int dt_decode_mem(const char *data, size_t len,
		  const struct confinfo_xml_limits *lim,
		  struct confinfo_diag *diag, struct confinfo_conf **confp);
/* The same for a vector file (relative to VECTORS_DIR). */
int dt_decode_file(const char *path, const struct confinfo_xml_limits *lim,
		   struct confinfo_diag *diag, struct confinfo_conf **confp);
/* Decode a string that must be valid; @p diag may be NULL. Fails the test
 * otherwise. */
struct confinfo_conf *dt_must_decode(const char *xml,
				     struct confinfo_diag *diag);
/* Decode a string that must fail with @p want, leaving *confp untouched;
 * returns the diagnostics. Fails the test otherwise. */
struct confinfo_diag
dt_must_fail(const char *xml, const struct confinfo_xml_limits *lim, int want);

/* Warnings collected through confinfo_diag.warnh (the first eight). */
struct dt_warns {
	unsigned n;
	unsigned line[8];
	char msg[8][CONFINFO_DIAG_MSG_SIZE];
};
void dt_collect(unsigned line, unsigned col, const char *msg, void *arg);

/* Item @p i of a list, failing the test if there is none. */
void *dt_item(const struct confinfo_list *l, size_t i);

/* Call @p fn on every struct confinfo_ext in @p conf. */
void dt_each_ext(const struct confinfo_conf *conf,
		 void (*fn)(const struct confinfo_ext *ext, void *arg),
		 void *arg);

#endif
