/*
 * Helpers for the encoder tests (test_encode*.c): build states with the
 * model API, check XML output with libxml2 (well-formedness, schema
 * validity against SCHEMA_FILE, XPath queries), and run the
 * encode-validate-decode-compare cycle. Every helper fails the running
 * cmocka test on error.
 */
#ifndef CONFINFO_TESTS_ENCTEST_H
#define CONFINFO_TESTS_ENCTEST_H

#include <libxml/tree.h>

#include "confinfo/model.h"
#include "testutil.h"

/* Test namespaces of foreign content; XPath prefixes x: and y:. */
#define ET_XNS "urn:example:x"
#define ET_YNS "urn:example:y"

#define SET(dst, v) assert_int_equal(confinfo_str_set(&(dst), (v)), 0)
#define APPEND(list, item)                                                     \
	assert_int_equal(confinfo_list_append(&(list), (item)), 0)
#define NEW(T) et_nonnull(confinfo_##T##_new())

void *et_nonnull(void *p);

/* Parse @p xml (must be well-formed). xmlFreeDoc() the result. */
xmlDocPtr et_parse(const char *xml);
/* Validate the well-formed @p xml against the RFC 4575 schema: 0 if
 * valid, else libxml2's error code (errors are printed). */
int et_schema_errors(const char *xml);
/* Fail unless @p xml is valid against the RFC 4575 schema. */
void et_assert_valid(const char *xml);
/* Fail unless the XPath 1.0 expression @p expr, converted to a string,
 * is @p want. Prefix ci: is RFC 4575, x: and y: the test namespaces. */
void et_assert_xp(xmlDocPtr doc, const char *expr, const char *want);
/* Release the schema (group teardown). */
void et_cleanup(void);

/* Encode @p conf, check the output is schema-valid, decode it and check it
 * equals @p conf. Returns the encoding; free() it. */
char *et_encode_checked(const struct confinfo_conf *conf);
/* Fail unless encoding @p conf returns @p err and leaves the
 * out-parameters untouched. */
void et_encode_fails(const struct confinfo_conf *conf, int err);

/* Builders. Strings may be NULL (absent). */
struct confinfo_conf *et_conf(const char *entity, enum confinfo_state state);
/* The smallest state that encodes and decodes: a root with a version
 * and one user. */
struct confinfo_conf *et_minimal(void);
struct confinfo_user *et_user(struct confinfo_conf *c, const char *entity);
struct confinfo_endpoint *et_endpoint(struct confinfo_user *u,
				      const char *entity);
struct confinfo_media *et_media(struct confinfo_endpoint *ep, const char *id);
struct confinfo_exec *et_exec(const char *when, const char *reason,
			      const char *by);
struct confinfo_uri_entry *et_uri(const char *uri, const char *display_text,
				  const char *purpose);
/* A uris-type list of one entry. */
struct confinfo_uris *et_uris(const char *uri);
void et_xattr(struct confinfo_ext *ext, const char *ns, const char *prefix,
	      const char *name, const char *value);
void et_xelem(struct confinfo_ext *ext, const char *xml);

#endif
