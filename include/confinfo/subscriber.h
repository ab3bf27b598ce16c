/**
 * @file subscriber.h
 * @brief The conference event package subscriber (RFC 4575, RFC 6665) on
 *        libre.
 *
 * A subscriber keeps an exact copy of one conference's state over SIP: it
 * sends SUBSCRIBE (`Event: conference`, `Accept:
 * application/conference-info+xml`, Expires), answers the NOTIFYs, and runs
 * every received document through confinfo_xml_decode() and
 * confinfo_merge_ex(). What it promises:
 *
 * - **State integrity.** A stale document is discarded; a version gap, a
 *   partial document before any full one, an undecodable body or a document
 *   merge finds inconsistent leaves the state untouched, is reported, and
 *   asks the notifier for the full state (a refresh on the dialog). Such
 *   refreshes are rate-limited (exponential backoff up to 64 s) so that a
 *   notifier sending garbage cannot make the subscriber flood it. Every
 *   body is decoded within the decoder limits of the parameters (xml.h:
 *   by default 1 MiB, 10000 users, ...) and the kept state is bounded by
 *   their merge limits (merge.h, confinfo_merge_limits: by default 10000
 *   users, 64 endpoints per user, ...): a body over the former is
 *   undecodable, a document that would take the state beyond the latter
 *   counts as inconsistent.
 * - **One dialog per SUBSCRIBE** (RFC 4575 section 3.8): the first 2xx or
 *   NOTIFY establishes it; every NOTIFY outside it (another Call-ID, tag or
 *   a fork) is answered 481, a NOTIFY of another event 489, a NOTIFY with a
 *   bad or missing Subscription-State 400, a NOTIFY with an old CSeq 500.
 * - **Subscription life cycle** (RFC 6665 section 4.1.3): refresh before
 *   expiry (Expires from the 2xx and from the NOTIFYs' `expires`, never
 *   longer than asked), 423 retried with Min-Expires, 401/407 answered with
 *   digest credentials from the caller, Timer N (32 s) for the NOTIFY that
 *   must follow each SUBSCRIBE: a notifier that never sent any NOTIFY
 *   (even one that answered 2xx) ends the subscription with ETIMEDOUT,
 *   after a first NOTIFY a new subscription is started. `terminated` with
 *   reason `deactivated`, `timeout`, no reason or an unknown reason starts a
 * new subscription (new dialog) after a backoff delay (0, 1, 2, 4 ... 64 s; it
 * resets after 64 s of stable subscription), `probation` waits for
 * `retry-after` (capped at one hour) as well; `rejected`, `noresource`,
 * `giveup` and `invariant` end the subscription. A refresh answered 404, 405,
 * 410, 416, 480-485, 489, 501 or 604 also starts a new subscription.
 * - A document whose `entity` differs from the subscribed URI is reported
 *   (once per distinct value): it is applied, but callers should trust the
 *   URI they subscribed to, never the entity (docs/chat-rooms.md section 1).
 *
 * Versions are scoped to a dialog: when a new subscription starts, the kept
 * state is dropped and the first full NOTIFY of the new dialog rebuilds it
 * (the caller, who saw the previous state in its events, can compare).
 *
 * Threading: everything runs in the libre main loop of the calling thread.
 * Events are delivered from that loop.
 *
 * Since 0.1.
 */
#ifndef CONFINFO_SUBSCRIBER_H
#define CONFINFO_SUBSCRIBER_H

#include <stdbool.h>
#include <stdint.h>

#include "confinfo/diag.h"
#include "confinfo/merge.h"
#include "confinfo/model.h"
#include "confinfo/roster.h"
#include "confinfo/smime.h"
#include "confinfo/xml.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sip; /* libre's SIP stack (re_sip.h) */

/**
 * The NOTIFY listener of a libre SIP stack: it receives every NOTIFY,
 * hands each one to the subscription whose dialog it belongs to and
 * answers 481 to the others. Create one per struct sip, before the
 * subscriptions that use it, and free it after them.
 */
struct confinfo_subscriber_sock;

/**
 * Start listening for NOTIFYs on @p sip.
 *
 * @param sockp  on success the new listener (confinfo_subscriber_sock_free())
 * @param sip    the caller's SIP stack, with its transports added; it must
 *               outlive the listener
 * @return 0, EINVAL, ENOMEM, or libre's error
 */
int confinfo_subscriber_sock_alloc(struct confinfo_subscriber_sock **sockp,
				   struct sip *sip);

/** Stop listening and free @p sock (NULL is fine). Its subscriptions must
 *  have been freed before. */
void confinfo_subscriber_sock_free(struct confinfo_subscriber_sock *sock);

/** What happened (see struct confinfo_subscriber_event for the fields). */
enum confinfo_subscriber_event_type {
	/** A SUBSCRIBE (initial or refresh) got a 2xx: `expires`. */
	CONFINFO_SUBSCRIBER_SUBSCRIBED = 0,
	/** A NOTIFY was applied: `state`, `version`, `full`. */
	CONFINFO_SUBSCRIBER_STATE,
	/** A stale NOTIFY (version not above the local one) was discarded:
	 *  `version` is the document's. */
	CONFINFO_SUBSCRIBER_DISCARDED,
	/** A NOTIFY could not be applied (gap, partial before full,
	 *  undecodable body, inconsistent document): the state is untouched
	 *  and a refresh is sent after `retry_ms`. `message` says why, and
	 *  `diag` carries the decoder's or merge's diagnostics when they
	 *  refused the body. */
	CONFINFO_SUBSCRIBER_RESYNC,
	/** The document's entity is not the subscribed URI: `entity`. */
	CONFINFO_SUBSCRIBER_ENTITY_MISMATCH,
	/** Something legal but suspicious (decoder warnings, a notifier
	 *  lengthening the subscription, ...): `message`. */
	CONFINFO_SUBSCRIBER_WARNING,
	/** The subscription ended and a new one (new dialog) is sent after
	 *  `retry_ms`: `reason` (the Subscription-State reason, or the
	 *  response / failure), `message`. */
	CONFINFO_SUBSCRIBER_TERMINATED,
	/** Final event, nothing follows: `err` is 0 after
	 *  confinfo_subscriber_close() or when the conference was deleted,
	 *  otherwise EACCES (rejected, giveup, 403, failed authentication),
	 * ENOENT (noresource, 404, 410), EPROTO (489, other final failures),
	 *  ETIMEDOUT (no answer), ECONNREFUSED or another errno of the
	 *  transport; `scode` is the SIP status when a response ended it,
	 *  `reason` and `message` say why. */
	CONFINFO_SUBSCRIBER_CLOSED,
};

/**
 * One event. Pointers are only valid during the callback. `message` is
 * never NULL (it may be ""); the others are NULL / 0 when not relevant.
 */
struct confinfo_subscriber_event {
	enum confinfo_subscriber_event_type type;
	const char *message;
	const struct confinfo_conf *state; /**< STATE: the kept state       */
	uint32_t version; /**< STATE, DISCARDED: the document's version    */
	bool full; /**< STATE, DISCARDED: the document was full (or deleted) */
	uint32_t expires;  /**< SUBSCRIBED: seconds granted                  */
	uint64_t retry_ms; /**< RESYNC, TERMINATED: delay before next request */
	const char *reason; /**< TERMINATED, CLOSED                          */
	const char *entity; /**< ENTITY_MISMATCH                             */
	int err;            /**< CLOSED                                      */
	uint16_t scode;     /**< CLOSED                                      */
	/** RESYNC because confinfo_xml_decode() or the merge refused the
	 *  body: their diagnostics (err, line and column of the body,
	 *  message), diag->limit naming the limit exceeded, if that is why
	 *  ("max_users" ... as in diag.h: a decoder limit of @c limits, or
	 *  a merge limit of @c merge_limits), so that a program can tell
	 *  which one to raise. NULL otherwise (a gap, a stale document, a
	 *  body of another type). Since 0.1. */
	const struct confinfo_diag *diag;
	/** STATE: the users the applied document touched, taken from it
	 *  before the merge (roster.h), for confinfo_roster_update() to
	 *  report what changed at that cost; NULL when unknown (out of
	 *  memory), which means everything. Since 0.1. */
	const struct confinfo_roster_changes *changes;
	/** STATE, and RESYNC when the body was refused for its signature:
	 *  what the NOTIFY's S/MIME signature said (smime.h; UNSIGNED for a
	 *  plain body). Since 0.1. */
	enum confinfo_smime_status smime;
	/** STATE: VERIFIED: the signer certificate's subject; FAILED: why;
	 *  NULL otherwise. Since 0.1. */
	const char *smime_detail;
	/** STATE: every document applied since the last full state, this
	 *  one included, was VERIFIED: only then is the kept state signed
	 *  state. Since 0.1. */
	bool state_verified;
};

/**
 * Event callback. It may call confinfo_subscriber_close() and
 * confinfo_subscriber_resubscribe() but must not free the subscription (free it
 * after CLOSED, from the main loop).
 */
typedef void(confinfo_subscriber_event_h)(
    const struct confinfo_subscriber_event *ev, void *arg);

/** What to subscribe to, and how. Strings are copied. */
struct confinfo_subscriber_params {
	/** The conference URI (To header; compared with `entity`), required. */
	const char *uri;
	/** The Request-URI when it differs from @c uri (e.g. with a
	 *  `;transport=tcp` parameter), NULL for @c uri. */
	const char *request_uri;
	/** Outbound proxy URI (sent as a loose Route), NULL for none. */
	const char *route;
	/** From URI, required; @c from_name optional display name. */
	const char *from;
	const char *from_name;
	/** User part of the Contact, NULL for "confinfo". */
	const char *contact_user;
	/** Requested Expires in seconds; 0 means 3600 (RFC 4575 section 3.3).
	 */
	uint32_t expires;
	/** Digest credentials, NULL when the caller has none (a challenge then
	 *  ends the subscription with EACCES). Copied. A 401/407 is answered
	 *  with the strongest challenge supported per realm: SHA-256, else
	 *  MD5 (RFC 7616, RFC 8760; not the -sess variants), qop=auth when
	 *  offered, a fresh cnonce per request, the nonce reused by later
	 *  requests with a growing nonce count. stale=true is answered again;
	 *  a challenge again before any 2xx, or none that can be answered,
	 *  ends the subscription with EACCES (reason "auth"). Since 0.1. */
	const char *auth_user;
	const char *auth_password;
	/** Decoder limits (xml.h) of every NOTIFY body, NULL for the
	 *  defaults (a field 0 takes its default). Copied. */
	const struct confinfo_xml_limits *limits;
	/** Merge limits (merge.h) of the kept state, used for every
	 *  document merged into it; NULL for the defaults (a field 0 takes
	 *  its default). Copied. A document that would take the state
	 *  beyond them is not applied: RESYNC, as for any inconsistent
	 *  document. A subscriber of a conference larger than the defaults
	 *  raises them with the decoder's (max_users in both); one short of
	 *  memory lowers them. Since 0.1. */
	const struct confinfo_merge_limits *merge_limits;
	/** How long to wait for the NOTIFY that must follow every SUBSCRIBE
	 *  (RFC 6665 Timer N), in milliseconds; 0 means 32000 (64 * T1).
	 *  When no NOTIFY ever arrived (even after a 2xx), its expiry ends
	 *  the subscription: CLOSED with ETIMEDOUT. Since 0.1. */
	uint32_t notify_timeout_ms;
	/** S/MIME trust anchors (smime.h), NULL for none. When set, the
	 *  SUBSCRIBE's Accept offers multipart/signed as well, and signed
	 *  bodies are verified against them (events say VERIFIED or FAILED).
	 *  Without them a signed body is FAILED. Not copied: it must outlive
	 *  the subscription. Since 0.1. */
	const struct confinfo_smime_verifier *smime;
	/** Refuse state that is not VERIFIED: an unsigned body, or one whose
	 *  signature fails, leaves the state untouched (RESYNC, as for an
	 *  undecodable body). Without it a FAILED body whose document could
	 *  be taken out is applied, and the events say so. Since 0.1. */
	bool require_signed;
	/** Callback (required) and its argument. */
	confinfo_subscriber_event_h *eventh;
	void *arg;
};

struct confinfo_subscriber;

/**
 * Where a subscription's requests go (confinfo_subscriber_route()): the
 * values of confinfo_subscriber_params' @c request_uri and @c route, and
 * the first hop, for confinfo_sipstack_client()'s @c target.
 */
struct confinfo_subscriber_route {
	char request_uri[1024];
	char route[1024];   /**< "" for none */
	const char *target; /**< the first hop: @c route, or @c request_uri */
};

/**
 * Route a subscription to conference @p uri (sip: or sips:), through the
 * outbound proxy @p proxy (a sip: or sips: URI, NULL for none), over
 * @p transport ("udp", "tcp", "tls"; NULL: what the URI says, else UDP).
 *
 * - A sips: URI needs TLS on every hop (RFC 3261 section 19.1): its
 *   transport is tls, and without a proxy it is reached through a Route
 *   `sip:HOST[:PORT];transport=tls` (libre routes sip: URIs only). Its
 *   proxy must be reached over TLS too (a proxy URI naming another
 *   transport is refused).
 * - A sips: proxy `sips:HOST[:PORT]` becomes the Route
 *   `sip:HOST[:PORT];transport=tls`, whatever the target (since 0.1).
 * - A transport asked for is added to the proxy's URI (as
 *   `;transport=`) or, without a proxy, to the Request-URI, unless the
 *   URI already names one, which must then agree.
 *
 * @param r     on success the URIs (@p r->target points into @p r)
 * @param diag  optional: what is wrong (a usage error to show as it is)
 * @return 0; EINVAL (not a sip:/sips: URI, a transport other than udp,
 *         tcp, tls or against the URI's, a proxy that is not a sip: or
 *         sips: URI or that a sips: URI or proxy would reach without TLS,
 *         a transport to add to a URI with headers, a result over 1023
 *         bytes)
 */
int confinfo_subscriber_route(struct confinfo_subscriber_route *r,
			      const char *uri, const char *proxy,
			      const char *transport,
			      struct confinfo_diag *diag);

/**
 * Create a subscription and send its first SUBSCRIBE.
 *
 * @param subp  on success the subscription (confinfo_subscriber_free())
 * @param sock  the listener of the SIP stack to use
 * @param p     parameters (copied)
 * @return 0, EINVAL (missing uri, from or eventh), ENOMEM, or libre's error
 *         for the first request (e.g. an unparsable URI)
 */
int confinfo_subscriber_alloc(struct confinfo_subscriber **subp,
			      struct confinfo_subscriber_sock *sock,
			      const struct confinfo_subscriber_params *p);

/**
 * Unsubscribe (SUBSCRIBE with Expires: 0 on the dialog, when there is an
 * active one) and deliver CLOSED with err 0 once the notifier answered and
 * sent its final NOTIFY, or after at most @p timeout_ms. Calling it again
 * does nothing.
 */
void confinfo_subscriber_close(struct confinfo_subscriber *sub,
			       uint64_t timeout_ms);

/**
 * Ask for the full state now: a refresh on the dialog, or a new
 * subscription when there is none (skipping any backoff wait). Returns 0,
 * EALREADY when a request is in flight (its NOTIFY will bring the full
 * state anyway), ESHUTDOWN after close, or libre's error.
 */
int confinfo_subscriber_resubscribe(struct confinfo_subscriber *sub);

/** The kept state (NULL until the first full NOTIFY of the dialog). Valid
 *  until the next event. */
const struct confinfo_conf *
confinfo_subscriber_state(const struct confinfo_subscriber *sub);

/** Free @p sub at once (no unsubscribe is sent; NULL is fine). No event
 *  follows. */
void confinfo_subscriber_free(struct confinfo_subscriber *sub);

#ifdef __cplusplus
}
#endif

#endif
