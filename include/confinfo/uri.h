/**
 * @file uri.h
 * @brief Strict parsing of the URIs a conference may advertise as chat
 *        rooms (sip, sips, xmpp, irc, http, https) and host normalisation.
 *
 * Every scheme is parsed by its own grammar: RFC 3261 for sip/sips,
 * RFC 5122 with RFC 7622 for xmpp, the irc URL convention
 * (irc://host[:port]/target[,flags]) for irc, RFC 3986 with RFC 9110 for
 * http/https. There is no generic "split at the @" step, so a SIP user part
 * holding `;`, `?` or `/`, or an xmpp authority, is never mistaken for the
 * host. The exact rules (which forms are invalid, what the host
 * normalisation does) are those of docs/chat-rooms.md; this module
 * implements its sections 2 and 3, and the chat module (chat.h) the rest.
 *
 * Input is treated as hostile: anything the rules do not clearly allow is
 * rejected, with an error code naming the rule and a message naming the
 * offending part and its byte offset.
 *
 * Decoded names (user parts, localparts, channel names) are length-counted
 * byte strings (struct confinfo_bytes): they may contain NUL bytes, so
 * compare them with their lengths (memcmp), never with strcmp.
 *
 * Since 0.1.
 */
#ifndef CONFINFO_URI_H
#define CONFINFO_URI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "confinfo/diag.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Longest URI accepted, in bytes. Checked before anything is allocated. */
#define CONFINFO_URI_MAX_LEN 4096
/** Longest host name in its A-label form, without a trailing dot. */
#define CONFINFO_URI_MAX_HOST 253
/** Longest xmpp localpart, domainpart or resourcepart (RFC 7622). */
#define CONFINFO_URI_MAX_XMPP_PART 1023
/** Most SIP uri-parameters or headers accepted in one URI. */
#define CONFINFO_URI_MAX_PARAMS 32

/** The schemes this module knows. */
enum confinfo_uri_scheme {
	CONFINFO_URI_SCHEME_NONE = 0, /**< not parsed / unsupported */
	CONFINFO_URI_SCHEME_SIP,
	CONFINFO_URI_SCHEME_SIPS,
	CONFINFO_URI_SCHEME_XMPP,
	CONFINFO_URI_SCHEME_IRC,
	CONFINFO_URI_SCHEME_HTTP,
	CONFINFO_URI_SCHEME_HTTPS,
};

/** Lower-case name of a scheme ("sip", ...); NULL for NONE or an
 *  out-of-range value. Static string. */
const char *confinfo_uri_scheme_str(enum confinfo_uri_scheme scheme);

/**
 * Why a URI or host was rejected: one value per rule of docs/chat-rooms.md
 * sections 2 and 3, so that callers and tests can tell the rules apart.
 * The human-readable message (with the byte offset) goes to the diag.
 */
enum confinfo_uri_err {
	CONFINFO_URI_OK = 0,
	CONFINFO_URI_E_LENGTH,    /**< URI or a part of it too long           */
	CONFINFO_URI_E_SCHEME,    /**< missing, unknown or unsupported scheme */
	CONFINFO_URI_E_CHAR,      /**< space, control, backslash, bidi control,
				   *   bad UTF-8, or a character the grammar
				   *   does not allow at that place          */
	CONFINFO_URI_E_PCT,       /**< malformed percent-encoding             */
	CONFINFO_URI_E_SYNTAX,    /**< structure: missing `//`, missing part  */
	CONFINFO_URI_E_USERINFO,  /**< userinfo where forbidden, empty user,
				   *   more than one `@`                      */
	CONFINFO_URI_E_HOST,      /**< empty host, bad label, empty label,
				   *   numeric last label, encoded delimiter  */
	CONFINFO_URI_E_IDN,       /**< invalid A-label or U-label (IDNA2008)  */
	CONFINFO_URI_E_IPLITERAL, /**< brackets around a non-IPv6, zone id    */
	CONFINFO_URI_E_PORT,      /**< port not all digits, empty, > 65535    */
	CONFINFO_URI_E_PARAM,     /**< SIP method=, sips with transport=udp,
				   *   duplicate or malformed parameter      */
	CONFINFO_URI_E_AUTHORITY, /**< xmpp authority without a path JID      */
	CONFINFO_URI_E_LOCALPART, /**< xmpp localpart rejected by RFC 7622    */
	CONFINFO_URI_E_RESOURCE,  /**< xmpp resourcepart rejected             */
	CONFINFO_URI_E_QUERY,     /**< xmpp query other than `join`           */
	CONFINFO_URI_E_TARGET,    /**< irc target not a channel (`,isnick`,
				   *   `,isserver`, bad characters, flags)    */
};

/** Short name of an error code ("port", "idn", ...); static string. */
const char *confinfo_uri_err_str(enum confinfo_uri_err err);

/** A length-counted byte string, owned by the struct holding it. @c ptr is
 *  NULL when the part is absent; otherwise it is NUL-terminated for
 *  convenience, but may also contain NUL bytes before @c len. */
struct confinfo_bytes {
	char *ptr;
	size_t len;
};

/** True if @p a and @p b are both present and hold the same bytes. */
bool confinfo_bytes_equal(const struct confinfo_bytes *a,
			  const struct confinfo_bytes *b);

/** What a host is. */
enum confinfo_host_kind {
	CONFINFO_HOST_NONE = 0, /**< no host (an irc URL may omit it) */
	CONFINFO_HOST_NAME,     /**< a domain name                    */
	CONFINFO_HOST_IPV4,     /**< strict dotted-decimal IPv4       */
	CONFINFO_HOST_IPV6,     /**< bracketed IPv6 literal           */
};

/**
 * A normalised host N(h) (docs/chat-rooms.md section 3). Two hosts are the
 * same exactly when confinfo_uri_host_equal() says so.
 */
struct confinfo_host {
	enum confinfo_host_kind kind;
	/** Owned. Names: lower-case, every label ASCII (A-labels for IDNs),
	 *  no trailing dot. IPv4: dotted decimal. IPv6: RFC 5952 text in
	 *  brackets, e.g. "[2001:db8::1]". NULL for NONE. */
	char *ascii;
	/** Owned. The same with each A-label shown as its U-label, for
	 *  display; equal to @c ascii when there is no A-label. */
	char *unicode;
	bool idn;         /**< at least one A-label                       */
	unsigned labels;  /**< number of labels of a name, 0 otherwise    */
	uint8_t addr[16]; /**< IPv4: 4 bytes in network order; IPv6: 16 */
};

/** Flags for confinfo_uri_host_normalize(). */
enum confinfo_host_flags {
	/** Percent-encoded UTF-8 (non-ASCII only) may appear: RFC 3986
	 *  reg-names (http, https, irc, xmpp). */
	CONFINFO_HOST_ALLOW_PCT = 1,
	/** Raw non-ASCII may appear (xmpp IRIs only). */
	CONFINFO_HOST_ALLOW_UNICODE = 2,
};

/**
 * Normalise a host as written in a URI (IPv6 literals with their brackets).
 *
 * @param h      on success filled in (owned strings: release them with
 *               confinfo_uri_host_reset()); untouched on failure
 * @param s      the host, @p len bytes (need not be NUL-terminated)
 * @param flags  a set of enum confinfo_host_flags; 0 for SIP (ASCII only)
 * @param errp   optional; on EBADMSG receives the rule that failed
 * @param diag   optional; on failure a message with the byte offset
 * @return 0; EBADMSG when the host is invalid; ENOMEM; EINVAL (NULL args)
 *
 * An empty host is invalid here; callers whose grammar allows no host
 * (irc) check that themselves.
 */
int confinfo_uri_host_normalize(struct confinfo_host *h, const char *s,
				size_t len, unsigned flags,
				enum confinfo_uri_err *errp,
				struct confinfo_diag *diag);

/** Release what @p h owns and zero it (the struct itself is not freed). */
void confinfo_uri_host_reset(struct confinfo_host *h);

/**
 * True if @p a and @p b are the same host: both names with identical
 * normalised forms, or both IPv4 (or both IPv6) with the same address.
 * An IPv4-mapped IPv6 address never equals an IPv4 address; a host of kind
 * NONE equals nothing.
 */
bool confinfo_uri_host_equal(const struct confinfo_host *a,
			     const struct confinfo_host *b);

/**
 * A parsed URI. Created by confinfo_uri_parse(), released with
 * confinfo_uri_free(); every pointer inside is owned by it.
 */
struct confinfo_uri {
	enum confinfo_uri_scheme scheme;
	char *text;                /**< the input, copied (NUL-terminated) */
	struct confinfo_host host; /**< the destination host (kind NONE only
				    *   for an irc URL without host)       */
	int port;                  /**< 0-65535, or -1 when absent          */

	/** The name part, percent-decoded (ptr NULL when absent):
	 *  - sip/sips: the user part, verbatim (case kept);
	 *  - xmpp: the localpart of the path JID after PRECIS
	 *    UsernameCaseMapped (width map, lower-case, NFC);
	 *  - irc: the target (channel) before the flags, decoded, with its
	 *    prefix, case kept;
	 *  - http/https: never present. */
	struct confinfo_bytes user;

	/* sip/sips */
	bool has_password;    /**< userinfo of the form user:password        */
	bool has_maddr;       /**< a maddr parameter: destination elsewhere  */
	char *transport;      /**< decoded lower-case transport=, or NULL    */
	char *reroute_header; /**< decoded name of the first URI header
			       *   that may redirect the request (anything
			       *   but Subject and Priority), or NULL      */

	/* xmpp */
	char *authority;        /**< the authority as written (the account to
				 *   log in with, not the room), or NULL      */
	bool user_width_mapped; /**< PRECIS width mapping changed the
				 *   localpart (fullwidth/halfwidth forms)   */
	struct confinfo_bytes resource; /**< decoded resourcepart or absent */
	bool has_join_query; /**< `?join` present                         */

	/* irc */
	char *irc_flags;   /**< flags after the target, lower-case, as
			    *   written (e.g. "needpass"), or NULL      */
	bool irc_fragment; /**< a fragment (e.g. `/#chan`) was present    */
};

/**
 * Parse @p len bytes at @p s as a sip, sips, xmpp, irc, http or https URI
 * (scheme case-insensitive) under the rules of docs/chat-rooms.md.
 *
 * @param up    on success receives a new URI owned by the caller (release
 *              with confinfo_uri_free()); untouched on failure
 * @param errp  optional; on EBADMSG receives the rule that failed
 * @param diag  optional; on failure a message naming the part and its
 *              byte offset (diag->column is the 1-based offset)
 * @return 0; EBADMSG when the URI is invalid (any other scheme, including
 *         relative references, is invalid); ENOMEM; EINVAL (NULL args)
 *
 * An embedded NUL byte is a control character: the URI is invalid.
 */
int confinfo_uri_parse(struct confinfo_uri **up, const char *s, size_t len,
		       enum confinfo_uri_err *errp, struct confinfo_diag *diag);

/** Release @p u and everything it owns (NULL is fine). */
void confinfo_uri_free(struct confinfo_uri *u);

/**
 * True if two parsed SIP URIs send a request to the same place and the
 * same party: they agree on the parts that decide that (RFC 3261 section
 * 19.1.4, restricted to what a subscription uses), which are
 * - the scheme (sip is not sips),
 * - the port (an absent port is not 5060),
 * - whether a password is present, and whether a maddr parameter is,
 * - the transport parameter (lower-cased by the parser; absent equals
 *   only absent),
 * - the host, by confinfo_uri_host_equal() (so "EXAMPLE.com" equals
 *   "example.com", and a host of kind NONE equals nothing),
 * - the user part, byte for byte after percent-decoding (case kept;
 *   absent equals only absent).
 * Other parameters and the headers are not compared. Meant for sip and
 * sips URIs: given URIs of other schemes it compares the same fields,
 * which say less about them (an xmpp resource is not looked at).
 *
 * @param a, b  URIs from confinfo_uri_parse(); not modified
 * @return false if either is NULL
 *
 * Since 0.1.
 */
bool confinfo_uri_same_target(const struct confinfo_uri *a,
			      const struct confinfo_uri *b);

/**
 * PRECIS UsernameCaseMapped (RFC 8265 section 3.3, as used for xmpp
 * localparts by RFC 7622): width mapping, lower-case, NFC, then the
 * IdentifierClass check (RFC 8264) and the Bidi Rule (RFC 5893).
 * CONTEXTJ and CONTEXTO code points are rejected (their context rules are
 * not implemented; rejecting is the safe answer).
 *
 * @param out           on success the canonical form (owned by the
 *                      caller: free out->ptr with free()); untouched on
 *                      failure
 * @param s             UTF-8 input, @p len bytes
 * @param width_mapped  optional; set true if width mapping changed a
 *                      character
 * @return 0; EBADMSG (not UTF-8, empty, or a disallowed code point);
 *         ENOMEM; EINVAL
 */
int confinfo_uri_precis_username(struct confinfo_bytes *out, const char *s,
				 size_t len, bool *width_mapped);

#ifdef __cplusplus
}
#endif

#endif
