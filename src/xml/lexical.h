/*
 * Lexical rules of the typed values that the schema constrains beyond "a
 * string", shared by the decoder and the encoder so that whatever one
 * accepts the other can write, and the other way round.
 */
#ifndef CONFINFO_XML_LEXICAL_H
#define CONFINFO_XML_LEXICAL_H

#include <stdbool.h>

/* Nesting of sidebars-by-val entries (each a whole conference) that the
 * codec follows: it bounds the recursion of both directions. */
#define CI_XML_MAX_SIDEBAR_NESTING 8

/* An NCName (Namespaces in XML): foreign attribute names and prefixes. */
bool ci_xml_ncname_ok(const char *s);
/* An xs:dateTime as libxml2's schema validator accepts it. */
bool ci_xml_datetime_ok(const char *s);
/* A whitespace-separated list of xs:language tokens. */
bool ci_xml_languages_ok(const char *s);

#endif
