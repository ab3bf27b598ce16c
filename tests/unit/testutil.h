/*
 * Shared helpers for the unit tests (cmocka). Paths are relative to
 * tests/vectors (VECTORS_DIR, set by CMake).
 */
#ifndef CONFINFO_TESTUTIL_H
#define CONFINFO_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* After the four above, which cmocka.h needs and does not include. */
#include <cmocka.h>

#include "confinfo/model.h"

/* Read a whole file (absolute, or relative to VECTORS_DIR); fails the test
 * if it cannot. The buffer is NUL-terminated; free() it. */
char *tu_read_vector(const char *path, size_t *lenp);
/* Call @p fn with the path of every *.xml file of the vector directory
 * @p sub (relative to VECTORS_DIR); returns how many. A directory that
 * does not exist has none. */
unsigned tu_each_vector(const char *sub, void (*fn)(const char *path));
/* Decode a vector file that must be valid; fails the test otherwise. */
struct confinfo_conf *tu_decode_vector(const char *path);
/* Decode a string that must be valid. */
struct confinfo_conf *tu_decode_str(const char *xml);
/* Encode a state; fails the test on error. free() the result. */
char *tu_encode(const struct confinfo_conf *conf);

#endif
