/**
 * @file xml.h
 * @brief application/conference-info+xml: hardened decode, fast encode.
 *
 * Decoding runs libxml2's SAX2 parser straight into the model (no DOM).
 * Input comes from the network, so it is treated as hostile:
 * - any DOCTYPE is rejected (no DTD, no entities, no network or file access);
 * - only UTF-8 is accepted; elements are matched by namespace URI and local
 *   name, whatever prefix the document uses;
 * - size, depth, count and string-length limits are checked as the input is
 *   read, before anything is allocated for it;
 * - `version` is parsed strictly as xs:unsignedInt and enumerations are
 *   validated; duplicate keys are rejected;
 * - on any error the caller's state is untouched and the diagnostics carry a
 *   message with the line and column.
 *
 * Encoding writes the model back as XML valid against the RFC 4575 schema,
 * escaping every text and attribute value. decode(encode(x)) equals x.
 *
 * Files: confinfo_xml_decode_file() and _fd() read a document within the
 * body limit before decoding it, and confinfo_xml_encode_file() replaces
 * a file with a document atomically.
 *
 * Since 0.1.
 */
#ifndef CONFINFO_XML_H
#define CONFINFO_XML_H

#include <stddef.h>
#include <stdint.h>

#include "confinfo/diag.h"
#include "confinfo/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Input limits. A field left 0 takes its default (in brackets). */
struct confinfo_xml_limits {
	size_t max_body;      /**< bytes of input [1 MiB]                     */
	unsigned max_depth;   /**< element nesting, root = 1 [32]             */
	size_t max_users;     /**< users in the whole document [10000]        */
	size_t max_endpoints; /**< endpoints in the whole document [20000]    */
	size_t max_media;     /**< media in the whole document [40000]        */
	size_t max_entries;   /**< uri/role/available-media/sidebar entries
			       *   in the whole document [10000]              */
	size_t max_string; /**< bytes of one text or attribute value [8 KiB] */
	size_t max_ext;    /**< bytes of foreign XML kept [64 KiB]         */
};

/** The defaults, for documentation and for programs that want to scale
 *  them. */
void confinfo_xml_limits_default(struct confinfo_xml_limits *lim);

/** The limits decoding with @p src applies: a copy of @p src in @p dst
 *  with every field left 0 replaced by its default (@p src NULL: all the
 *  defaults). For programs that combine limits of their own with the
 *  library's. Since 0.1. */
void confinfo_xml_limits_fill(struct confinfo_xml_limits *dst,
			      const struct confinfo_xml_limits *src);

/**
 * Decode a conference-info document.
 *
 * @param confp  on success receives a new state, owned by the caller and
 *               released with confinfo_conf_free(); untouched on failure
 * @param buf    the document, @p len bytes (need not be NUL-terminated)
 * @param lim    limits, NULL for the defaults
 * @param diag   optional details (message, line, column) and warnings
 * @return 0, EMSGSIZE (over max_body), EBADMSG (not well-formed, not valid
 *         against the schema, or a limit exceeded), EPROTO (a DOCTYPE or a
 *         non-UTF-8 encoding), ENOMEM, EINVAL (bad arguments)
 *
 * Decoding checks what a single document can be checked for. Whether a
 * partial document fits a state is merge's business (merge.h).
 *
 * Lexical rules, where the schema leaves a choice:
 * - version, user-count and maximum-user-count: ASCII digits only, with
 *   surrounding XML whitespace; no sign (XML Schema 1.0 section 3.3.22),
 *   at most 4294967295;
 * - enumerations match exactly (no whitespace); anyURI values (entity
 *   keys included), dateTime and the two list types are whitespace
 *   collapsed; other strings are kept as written;
 * - `when` must be an xs:dateTime and `languages` xs:language tokens, so
 *   that everything decoded can be encoded again;
 * - a deleted element's children are dropped with a warning; a partial
 *   state inside an element without a state attribute of its own (such as
 *   conf-uris in the atomic conference-description) is refused;
 * - attributes on text-only elements, elements in no namespace, and
 *   unprefixed or RFC 4575-namespace attributes not in the schema are
 *   refused; comments and processing instructions are not kept;
 * - besides the limits above, an element may carry at most 256
 *   attributes (libxml2 checks duplicates in quadratic time), and text
 *   without markup may not run longer than max_string + max_ext + 4 KiB;
 *   sidebars-by-val nest at most 8 deep.
 *
 * Thread safety: decoding different documents in parallel is safe once
 * xmlInitParser() has been called from the main thread.
 */
int confinfo_xml_decode(struct confinfo_conf **confp, const char *buf,
			size_t len, const struct confinfo_xml_limits *lim,
			struct confinfo_diag *diag);

/**
 * Read a document from the open descriptor @p fd, from its current offset
 * to its end, and decode it (confinfo_xml_decode()). The input is read
 * within the body limit (@p lim->max_body, after confinfo_xml_limits_fill()
 * and at most INT_MAX, as the decoder reads): no more than that is ever
 * allocated, and at most one byte more is read (the byte that proves the
 * input too long), so a multi-gigabyte file or an endless pipe costs at
 * most the limit. A regular file is
 * sized first: one larger than the limit is refused unread, and a small
 * one costs its size whatever the limit.
 *
 * @param confp  as confinfo_xml_decode(): on success a new state, owned by
 *               the caller (confinfo_conf_free()); untouched on failure
 * @param fd     a readable descriptor, blocking (a non-blocking one
 *               without data fails with EAGAIN); left open, at the end of
 *               what was read
 * @param lim    limits, NULL for the defaults
 * @param diag   optional details. Over the limit: EMSGSIZE, diag->limit
 *               "max_body" and the message "larger than N bytes, the size
 *               limit of a document". A failed read: its errno, with
 *               strerror() as the message. Otherwise the decoder's.
 * @return 0, EMSGSIZE, the errno of fstat() or read() (EISDIR for a
 *         directory, EBADF, EIO, ...), or what confinfo_xml_decode()
 *         returns (an empty input is EBADMSG)
 *
 * Since 0.1.
 */
int confinfo_xml_decode_fd(struct confinfo_conf **confp, int fd,
			   const struct confinfo_xml_limits *lim,
			   struct confinfo_diag *diag);

/**
 * Read @p fd from where it stands to its end, at most @p max bytes, as
 * confinfo_xml_decode_fd() reads it (never allocating more than the
 * input needs, nor beyond @p max): for callers that must look at the
 * bytes before decoding them (a signed MIME form, say).
 *
 * @param bufp  on success a malloc'd buffer owned by the caller (free()
 *              it), NULL for an empty input; not NUL-terminated
 * @param lenp  on success the number of bytes read
 * @return 0, EMSGSIZE (more than @p max bytes), EISDIR, the errno of
 *         fstat() or read(), ENOMEM, EINVAL (NULL @p bufp or @p lenp)
 *
 * Since 0.1.
 */
int confinfo_xml_read_fd(int fd, size_t max, char **bufp, size_t *lenp);

/**
 * confinfo_xml_decode_fd() on the file at @p path, opened read-only for
 * the call (a FIFO: the open waits for a writer, as open(2) does).
 *
 * @return what confinfo_xml_decode_fd() returns, or the errno of open()
 *         (ENOENT, EACCES, ...; strerror() as the message in @p diag);
 *         EINVAL when @p path is NULL
 *
 * Since 0.1.
 */
int confinfo_xml_decode_file(struct confinfo_conf **confp, const char *path,
			     const struct confinfo_xml_limits *lim,
			     struct confinfo_diag *diag);

/**
 * Encode @p conf as a complete XML document (with XML declaration), UTF-8.
 *
 * @param bufp  on success receives a malloc'd, NUL-terminated buffer, owned
 *              by the caller (free() it)
 * @param lenp  on success receives its length without the NUL (may be NULL)
 * @return 0, ENOMEM, EINVAL (NULL arguments, or a state the schema cannot
 *         express; *bufp and *lenp are then untouched)
 *
 * States the schema cannot express, all EINVAL: a root or sidebar entry
 * without entity; an empty uris list, roles or available-media; a uri entry
 * without uri; an available-media entry without label or type; media
 * without id; a sip dialog without call-id, from-tag or to-tag; call-info
 * with both sip and foreign elements; an enumeration value out of range;
 * text that XML 1.0 cannot carry (invalid UTF-8, most C0 controls,
 * U+FFFE/U+FFFF); a `when` that is not an xs:dateTime or `languages` that
 * are not xs:language tokens; foreign elements where the schema has no
 * xs:any (execution-type, uris-type, roles, available-media,
 * sidebars-by-val); malformed foreign attributes (no namespace, the RFC 4575
 * or xmlns namespace, a name that is not an NCName, or a duplicate); an
 * element whose effective state is full holding a partial or deleted child
 * (RFC 4575 section 4.4).
 *
 * The root always carries `state`. In a document whose root state is
 * partial, `state` is written explicitly on users, user, endpoint and
 * sidebars (the RFC 4575 section 7.2 example shows what happens to
 * receivers otherwise). A deleted element is written without children.
 */
int confinfo_xml_encode(char **bufp, size_t *lenp,
			const struct confinfo_conf *conf);

/**
 * Encode @p conf (confinfo_xml_encode()) and write it to the file at
 * @p path atomically: the document goes to a new temporary file beside
 * @p path (same directory, named PATH.PID.N.tmp, mode 0666 less the
 * umask), which is then renamed over @p path. A reader of @p path sees
 * the previous document or the new one, never a part of one; on any
 * failure the temporary file is removed and @p path is untouched. The
 * file is not fsync()ed: after a system crash it may hold the previous
 * document.
 *
 * @return 0; what confinfo_xml_encode() returns (EINVAL, ENOMEM); EINVAL
 *         when @p path or @p conf is NULL; or the errno of creating,
 *         writing or renaming the file (ENOENT for a missing directory,
 *         EACCES, ENOSPC, EFBIG, EISDIR, ...)
 *
 * Since 0.1.
 */
int confinfo_xml_encode_file(const char *path,
			     const struct confinfo_conf *conf);

#ifdef __cplusplus
}
#endif

#endif
