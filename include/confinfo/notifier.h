/**
 * @file notifier.h
 * @brief The focus side of RFC 4575: a conference event notifier over SIP.
 *
 * A notifier accepts SUBSCRIBEs for `Event: conference` (RFC 6665), keeps
 * the current full state of every conference it serves, and sends each
 * subscriber a full NOTIFY after its SUBSCRIBE or refresh and a partial
 * NOTIFY (computed with confinfo_diff()) after every later change. Every
 * subscription has its own version counter: +1 per NOTIFY that reports a
 * change, never skipped, never reused.
 *
 * Rate control: one NOTIFY in flight per subscription; changes that happen
 * while one is in flight, or within the rate window after the previous
 * NOTIFY (RFC 4575 section 3.9: 5 s by default), are coalesced into one
 * partial NOTIFY carrying the difference between what the subscriber last
 * received and the newest state.
 *
 * The notifier runs on the caller's libre SIP stack and event loop: the
 * program calls libre_init(), creates or has a `struct sip` with its
 * transports (its own, or one from sipstack.h), passes it to
 * confinfo_notifier_alloc(), runs re_main(), frees the notifier before
 * the stack, and calls libre_close() last. The notifier adds one request
 * listener to the stack for SUBSCRIBE, PUBLISH and OPTIONS (and answers
 * the other methods a focus does not serve): a program that also serves
 * other requests on the same stack registers its own listener first
 * (libre asks listeners in order until one handles the request). Nothing
 * here is thread-safe; every call must come from the thread running the
 * loop.
 *
 * Conference state comes from the program (confinfo_notifier_set_conf()),
 * from a directory of documents (confinfo_dirsrc_open()) or from SIP
 * PUBLISH requests; all of them end in the same path: new full state,
 * diff against the previous one, notify.
 *
 * A conference is addressed by the user part of the Request-URI
 * (`sip:NAME@domain`); NAME is restricted to letters, digits and
 * `-._~+`, at most CONFINFO_NOTIFIER_NAME_MAX bytes, not starting with a
 * dot (names double as file names).
 *
 * Since 0.1.
 */
#ifndef CONFINFO_NOTIFIER_H
#define CONFINFO_NOTIFIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "confinfo/diag.h"
#include "confinfo/model.h"
#include "confinfo/xml.h"

struct confinfo_smime_signer; /* smime.h */
struct confinfo_view_policy;  /* policy.h */

#ifdef __cplusplus
extern "C" {
#endif

struct sip;     /* libre's SIP stack (re_sip.h) */
struct sip_msg; /* a SIP message (re_sip.h) */

/** Longest conference name, in bytes. */
#define CONFINFO_NOTIFIER_NAME_MAX 128

/** What a log event is about. */
enum confinfo_notifier_event {
	CONFINFO_NOTIFIER_SUBSCRIBED, /**< new subscription accepted      */
	CONFINFO_NOTIFIER_REFRESHED,  /**< subscription refreshed         */
	CONFINFO_NOTIFIER_REJECTED,   /**< SUBSCRIBE refused (scode)      */
	CONFINFO_NOTIFIER_NOTIFIED,   /**< NOTIFY answered with 2xx       */
	CONFINFO_NOTIFIER_TERMINATED, /**< subscription ended (reason)    */
	CONFINFO_NOTIFIER_FAILED,     /**< a NOTIFY failed: subscription
				       *   ended without a final NOTIFY  */
	CONFINFO_NOTIFIER_PUBLISHED,  /**< PUBLISH accepted or refused    */
	CONFINFO_NOTIFIER_CONF,       /**< conference added, changed,
				       *   removed, or a change delivered
				       *   (reason says which)           */
	CONFINFO_NOTIFIER_VIEW,       /**< a subscription's view changed
				       *   (reason: the new view); since
				       *   0.2                           */
};

/**
 * One log event. Every pointer is only valid during the callback; fields
 * that do not apply are NULL or 0. @c peer, @c callid and @c reason may
 * carry text a peer chose (spaces, quotes, control characters): a program
 * writing them to a log quotes and escapes them (confinfo focus writes
 * key="..." with text.h's escapes), or a request can forge log fields.
 */
struct confinfo_notifier_log {
	enum confinfo_notifier_event type;
	const char *conf;      /**< conference name                        */
	const char *peer;      /**< the subscriber's (publisher's) From URI */
	const char *callid;    /**< Call-ID of the subscription dialog     */
	const char *transport; /**< "UDP", "TCP", "TLS"                 */
	uint16_t scode;        /**< status code sent or received           */
	uint32_t version;      /**< NOTIFY version                         */
	bool full;             /**< NOTIFY carried full state              */
	uint32_t expires;      /**< granted expiry, seconds                */
	const char *reason;    /**< termination reason, rejection text, or
				*   for CONF "added", "changed", "removed",
				*   for PUBLISHED "initial", "modify",
				*   "refresh", "remove", "expired"          */
	const char *etag;      /**< PUBLISHED: the entity tag now valid    */
	/** CONF "delivered": every subscriber of the conference has
	 *  acknowledged a NOTIFY carrying the latest change; @c count
	 *  subscribers, @c elapsed_ms after the change arrived. */
	uint32_t count;
	uint32_t elapsed_ms;
	/** PUBLISHED with 400 because the body did not decode, or 413
	 *  because it was too large: why, with diag->limit naming the limit
	 *  exceeded ("max_users", ... as in diag.h; "max_body" for a 413,
	 *  whose limit is the config's @c max_body) so that a program can
	 *  tell which one to raise. NULL otherwise. Since 0.1. */
	const struct confinfo_diag *diag;
};

/**
 * Identity callback: who sent @p msg, authenticated by other means than
 * digest — a TLS client certificate (sipstack.h,
 * confinfo_sipstack_tls_client_identity()) — as a SIP URI, or NULL for
 * nobody. Called from the request handler; the string must stay valid
 * until the handler returns. Since 0.1.
 */
typedef const char *(confinfo_notifier_identity_h)(const struct sip_msg *msg,
						   void *arg);

/** Log callback: called for every event, from the event loop. */
typedef void(confinfo_notifier_log_h)(const struct confinfo_notifier_log *ev,
				      void *arg);

/**
 * Change callback: the served state of conference @p name became @p state
 * (a full state, valid only during the call), or the conference was
 * removed (@p state NULL). @p source says where the state came from
 * ("api", "dir", "publish", or what the caller of set_conf() passed).
 * Programs use it to persist the state (see store.h).
 */
typedef void(confinfo_notifier_change_h)(const char *name,
					 const struct confinfo_conf *state,
					 const char *source, void *arg);

/**
 * Commit callback: conference @p name is about to be served from
 * @p state, the state its source gave (a full state with version 0,
 * valid only during the call; before any overlay, see
 * confinfo_notifier_set_overlay()), or to be removed (@p state NULL),
 * fed by @p source. Called before anything is
 * served or answered, so that a program can make the change durable
 * first (a PUBLISH is answered 200 only once the callback returned 0).
 * Return 0 to go on, or an errno: the change is then not applied (the
 * previous state stays served), a PUBLISH is answered 503 with
 * Retry-After (@c retry_after), and confinfo_notifier_set_conf() returns
 * EIO (ENOMEM stays ENOMEM). The error of a removal is not acted on: the
 * conference is removed anyway (a publication that ended must not stay
 * served). Since 0.2.
 */
typedef int(confinfo_notifier_commit_h)(const char *name,
					const struct confinfo_conf *state,
					const char *source, void *arg);

/** Called once when confinfo_notifier_shutdown() has finished. */
typedef void(confinfo_notifier_done_h)(void *arg);

/**
 * Configuration. Fill it with confinfo_notifier_config_default() first,
 * then change what you need; the notifier copies every string and array.
 */
struct confinfo_notifier_config {
	/** Domain of the focus: {domain} in the chat room template. NULL:
	 *  "localhost". */
	const char *domain;
	/** Chat room template, e.g. `xmpp:{name}@conference.{domain}?join`:
	 *  every conference without a grouptextchat service URI gets one
	 *  (RFC 7106). NULL: none added. */
	const char *chat_room;
	uint32_t expires_min;     /**< below it: 423 [60]                   */
	uint32_t expires_default; /**< without Expires [3600]               */
	uint32_t expires_max;     /**< granted at most [7200]               */
	/** Minimum time between two change-driven NOTIFYs of one
	 *  subscription, in milliseconds [5000]; 0 sends at once. */
	uint32_t min_interval_ms;
	size_t max_subs;          /**< subscriptions in total [100000]      */
	size_t max_subs_per_conf; /**< per conference [20000]               */
	size_t max_confs;         /**< conferences [10000]                  */
	size_t max_body;          /**< bytes of a request body [1 MiB]; 413 */
	uint32_t retry_after;     /**< Retry-After of a 503, seconds [30]   */
	/** Decoder limits (xml.h) of every conference document the
	 *  notifier decodes: the files of the directory source and the
	 *  bodies of PUBLISH requests. NULL (the default), or a field 0:
	 *  the decoder's default for that field, except max_body, which
	 *  then is the request body limit @c max_body, so that a program
	 *  that sets only that one keeps a single size limit.
	 *  limits->max_body bounds a conference file (never read beyond
	 *  it); a PUBLISH body must fit both: above @c max_body it gets 413
	 *  unread, above limits->max_body 400, like a document over any
	 *  other limit. Sizes above INT_MAX count as INT_MAX (the most the
	 *  decoder reads). Copied by confinfo_notifier_alloc(). Since 0.1.
	 */
	const struct confinfo_xml_limits *limits;
	/** Subscribers allowed (SIP URIs, compared on scheme, user and
	 *  host); NULL or allow_count 0: everyone. Others get 403. With
	 *  @c auth_file the entries are compared with the authenticated
	 *  identity (see there); without it with the From header, which
	 *  anyone can write: then the list is a hint, not access control. */
	const char *const *allow;
	size_t allow_count;
	/** Who may PUBLISH state (RFC 3903), as for @c allow (and, like it,
	 *  only a hint without @c auth_file); "*" allows everyone. No entry
	 *  (the default): PUBLISH is refused with 403. A published state
	 *  replaces the conference's state whatever fed it before (last
	 *  writer wins). When the publication expires or is removed, the
	 *  state it replaced is served again (the file of the directory
	 *  source, the program's state), or, when it replaced none (or that
	 *  source has since dropped the conference), the conference is
	 *  removed: a publication never takes down a state it did not
	 *  create. */
	const char *const *publishers;
	size_t publisher_count;
	/** Credentials file for SIP digest authentication (RFC 3261 22,
	 *  RFC 7616, RFC 8760), one line per user and algorithm:
	 *  `user:realm:HA1[:AOR]` ('#' starts a comment). realm is the
	 *  domain; HA1 is hex H(user:realm:password), and its length names
	 *  the algorithm H: 32 hex digits MD5 (the htdigest form), 64
	 *  SHA-256. A user with lines of both gets both; the challenge
	 *  offers SHA-256 first, then MD5, each only when some user has an
	 *  HA1 of it. AOR (optional, e.g. `sip:alice@example.com`; since
	 *  0.1) is the identity the user authenticates as, default
	 *  sip:user@realm; two lines of one user must not name different
	 *  ones.
	 *  When set, every SUBSCRIBE (refreshes too) and PUBLISH must
	 *  authenticate with qop=auth: 401 challenges, 403 for wrong
	 *  credentials, a digest uri other than the Request-URI, or a From
	 *  other than the identity; @c allow and @c publishers are then
	 *  matched against the identity. A nonce serves one client: its nc
	 *  must grow with every request, and after @c nonce_lifetime it is
	 *  refused with stale=true. NULL: no authentication. */
	const char *auth_file;
	/** Seconds a digest nonce is accepted; 0: 300. Since 0.1. */
	uint32_t nonce_lifetime;
	/** Nonces remembered at once (the oldest is forgotten first, and a
	 *  request with a forgotten nonce is challenged with stale=true);
	 *  0: 4096. Since 0.1. */
	size_t max_nonces;
	confinfo_notifier_log_h *logh;
	void *log_arg;
	confinfo_notifier_change_h *changeh;
	void *change_arg;
	/** Commit callback (see confinfo_notifier_commit_h), NULL for none.
	 *  Since 0.2. */
	confinfo_notifier_commit_h *commith;
	void *commit_arg;
	/** A state with source "publish" set by the program (restored from
	 *  a store, or another node's publication, docs/scale-out.md) gets
	 *  a publication nobody here knows the tag of, which ends after
	 *  @c expires_default unless its publisher publishes again here.
	 *  true: it never ends here; the node that holds the real
	 *  publication ends it (for nodes sharing a store, where the
	 *  publisher's refreshes reach one node only). Since 0.2. */
	bool adopted_forever;
	/** Identity of requests by other means than digest (mutual TLS),
	 *  NULL for none. When it names an identity, the request is
	 *  authenticated as it, as by @c auth_file: the From must be that
	 *  identity (403 otherwise), @c allow and @c publishers are matched
	 *  against it, and with @c auth_file as well the digest identity
	 *  must be the same one. A request it names nobody for is treated
	 *  as it would be without it. Since 0.1. */
	confinfo_notifier_identity_h *identityh;
	void *identity_arg;
	/** S/MIME signing (smime.h, RFC 4575 section 8.1): every NOTIFY
	 *  body to a subscriber whose SUBSCRIBE's Accept lists
	 *  multipart/signed is sent signed (multipart/signed, detached CMS
	 *  signature, SHA-256), others get the plain body (decided at the
	 *  initial SUBSCRIBE; refreshes do not change it). Each body is
	 *  signed once, however many subscribers receive it. Not copied: it
	 *  must outlive the notifier. NULL: no signing. Since 0.1. */
	const struct confinfo_smime_signer *smime_signer;
	/** With @c smime_signer: a SUBSCRIBE whose Accept does not list
	 *  multipart/signed gets 406 (Accept: multipart/signed), so that
	 *  no state leaves unsigned. Since 0.1. */
	bool require_signing;
	/** Key of the anonymous URIs of private participants (view.h,
	 *  policy.h): HMAC-SHA256 of (conference URI, identity) under
	 *  SHA-256 of these @c token_key_len bytes, so that several
	 *  notifiers serving one conference agree. NULL: a random key per
	 *  notifier (URIs change when it restarts). Not kept. Since 0.2. */
	const uint8_t *token_key;
	size_t token_key_len;
	/** NOTIFYs over UDP in flight at once, in all [1024]; 0: the
	 *  default. Over UDP the notifier runs its NOTIFY client
	 *  transactions itself (RFC 3261 17.1.2: retransmitted after 0.5,
	 *  1, 2, 4, 4... s, given up after 32 s) and sends a fan-out as a
	 *  window, like TCP's: a subscription whose NOTIFY finds the window
	 *  full waits its turn (in order) and is sent when a response frees
	 *  a place, with whatever changed by then merged into it. So a
	 *  change to tens of thousands of subscribers neither overflows
	 *  their receive buffers nor ours, and a dead subscriber holds one
	 *  place, not the others. Since 0.2. */
	uint32_t udp_window;
	/** The same per destination (address and port) [256]; 0: the
	 *  default. Since 0.2. */
	uint32_t udp_window_per_dest;
	/** Send NOTIFYs over UDP from a socket of the notifier's own (one
	 *  per address family, on an ephemeral port of the address of the
	 *  stack's UDP transport), named in their Via, instead of the
	 *  stack's listener. For processes that share a listener with
	 *  SO_REUSEPORT (confinfo focus --workers): the kernel hashes a
	 *  datagram to one of them by its source, and the answer to a
	 *  NOTIFY (from the subscriber's Contact, say over UDP to a
	 *  subscriber that came over TCP) would reach whichever process
	 *  that source hashes to; to a socket of its own it comes back to
	 *  the process that sent the NOTIFY. false: the listener's, the
	 *  port subscribers know. Since 0.2. */
	bool udp_own_socket;
};

struct confinfo_notifier;

/** Fill @p cfg with the defaults shown in brackets above. */
void confinfo_notifier_config_default(struct confinfo_notifier_config *cfg);

/**
 * Create a notifier on a SIP stack. libre must be initialised.
 *
 * @param np   on success the new notifier (confinfo_notifier_free())
 * @param sip  the caller's libre SIP stack (sipstack.h makes one); it
 *             must outlive the notifier
 * @param cfg  the configuration (copied)
 * @param diag optional: what is wrong with the configuration
 * @return 0, EINVAL (bad configuration: min > default, bad allow URI,
 *         template without a usable scheme, bad credentials file (its
 *         line in @p diag)...), errors opening the credentials file,
 *         ENOMEM
 */
int confinfo_notifier_alloc(struct confinfo_notifier **np, struct sip *sip,
			    const struct confinfo_notifier_config *cfg,
			    struct confinfo_diag *diag);

/**
 * Serve @p state as the state of conference @p name (creating it if
 * new). @p state must be a full state (root state full or absent); it is
 * copied, its version ignored (versions are per subscription). If it
 * equals the current state nothing happens; otherwise every subscriber
 * gets a partial NOTIFY (subject to the rate window) and the change
 * callback runs. @p source labels the origin for the change callback
 * (NULL: "api").
 *
 * @return 0, EINVAL (bad name, NULL state, state not full), ENOSPC (too
 *         many conferences), ENOMEM (the previous state stays served),
 *         EIO (the commit callback refused the change: the previous
 *         state stays served; since 0.2)
 */
int confinfo_notifier_set_conf(struct confinfo_notifier *n, const char *name,
			       const struct confinfo_conf *state,
			       const char *source);

/**
 * Stop serving conference @p name: every subscription to it ends with a
 * NOTIFY `terminated;reason=noresource`. ENOENT if there is none.
 */
int confinfo_notifier_remove_conf(struct confinfo_notifier *n,
				  const char *name);

/**
 * The state served for @p name (owned by the notifier, valid until the
 * next change of that conference), or NULL. Its version is 0.
 */
const struct confinfo_conf *
confinfo_notifier_conf(const struct confinfo_notifier *n, const char *name);

/** The source label of conference @p name, or NULL. */
const char *confinfo_notifier_conf_source(const struct confinfo_notifier *n,
					  const char *name);

/**
 * The decoder limits @p n applies to conference documents: the config's,
 * every field resolved (none 0). Owned by the notifier, valid until it is
 * freed. A program that stores served states passes them to
 * confinfo_store_load(), so that a state accepted under raised limits is
 * served again after a restart. NULL when @p n is NULL. Since 0.1.
 */
const struct confinfo_xml_limits *
confinfo_notifier_limits(const struct confinfo_notifier *n);

/**
 * Serve per-subscriber views (RFC 4575 section 8.2) under @p policy
 * (policy.h; the notifier takes ownership and frees the previous one),
 * or, NULL, give everyone the full state (the default). Each
 * subscription's view is decided from its authenticated identity (never
 * the From header alone) and its class in the current state, again at
 * every change and at every call of this function: a subscriber whose
 * view changes gets a full NOTIFY of the new view (version counting on),
 * one whose view becomes none is terminated with reason=rejected; a
 * SUBSCRIBE whose view is none gets 403. Each distinct view is rendered,
 * diffed and encoded once per change; only subscribers who are private
 * participants get a rendering of their own (they see themselves).
 * Returns 0 or EINVAL (@p n NULL; @p policy is then not taken).
 * Since 0.2.
 */
int confinfo_notifier_set_view_policy(struct confinfo_notifier *n,
				      struct confinfo_view_policy *policy);

/** Number of live subscriptions. */
size_t confinfo_notifier_sub_count(const struct confinfo_notifier *n);

/** What the notifier's own NOTIFY transactions over UDP (@c udp_window)
 *  did since it was created. Since 0.2. */
struct confinfo_notifier_udp_stats {
	uint64_t sent;     /**< NOTIFYs sent (transactions started) */
	uint64_t retrans;  /**< retransmissions (no answer in time) */
	uint64_t timeouts; /**< transactions with no final response in 32 s */
	uint64_t absorbed; /**< responses to transactions already ended */
	uint64_t waited;   /**< times a NOTIFY found the window full */
	size_t inflight;   /**< transactions in flight now */
};

/** Fill @p st with @p n's UDP transaction counters (zeros when @p n is
 *  NULL). Since 0.2. */
void confinfo_notifier_udp_stats(const struct confinfo_notifier *n,
				 struct confinfo_notifier_udp_stats *st);

/**
 * Start a clean shutdown: new requests get 503, every subscription ends
 * with `terminated;reason=deactivated`. @p doneh runs (once, from the
 * event loop) when all final NOTIFYs are answered or have timed out.
 */
void confinfo_notifier_shutdown(struct confinfo_notifier *n,
				confinfo_notifier_done_h *doneh, void *arg);

/** Release the notifier (subscriptions still open are dropped without
 *  NOTIFY; call confinfo_notifier_shutdown() first) and remove its
 *  listener from the SIP stack, which stays the caller's. NULL is fine. */
void confinfo_notifier_free(struct confinfo_notifier *n);

/* ---------------------------------------------------------------------
 * Overlay: a program's own layer on top of the sources' state.
 * ------------------------------------------------------------------- */

/**
 * Overlay callback. @p state is the copy of conference @p name's new
 * state that will be served (full, version 0, with the chat room of the
 * template): the callback edits it in place (owned by the notifier; set
 * strings with confinfo_str_set(), add structs made with the model's
 * T_new()), and returns 0, or an errno value (then the new state is
 * refused as with ENOMEM: the previous one stays served, and the
 * source gets the error). Called with @p state NULL once the conference
 * is removed. It must not call the notifier's set_conf(), remove_conf()
 * or reapply(). Since 0.2.
 */
typedef int(confinfo_notifier_overlay_h)(const char *name,
					 struct confinfo_conf *state,
					 void *arg);

/**
 * Serve every conference as the sources' state (files, PUBLISH,
 * set_conf()) with @p overlayh's changes on top. The notifier keeps the
 * sources' state (the base) beside the served one, so that a new base is
 * overlaid again and confinfo_notifier_reapply() re-runs the overlay when
 * the program's layer changed. Set it before the first conference
 * arrives (conferences already served get it at their next change or
 * reapply). NULL removes it. The change callback and the store get the
 * base, never the overlay: the overlay is the program's to rebuild.
 * Since 0.2.
 */
void confinfo_notifier_set_overlay(struct confinfo_notifier *n,
				   confinfo_notifier_overlay_h *overlayh,
				   void *arg);

/**
 * Run the overlay again on conference @p name's base state: the served
 * state changes (partial NOTIFYs, subject to each subscriber's rate
 * window) when the overlay's result differs.
 *
 * @return 0, EINVAL, ENOENT (no such conference), ENOMEM, or the
 *         overlay callback's error (the served state is kept)
 * Since 0.2.
 */
int confinfo_notifier_reapply(struct confinfo_notifier *n, const char *name);

/**
 * The state of @p name as its sources gave it, before the overlay
 * (equal to confinfo_notifier_conf() without an overlay). Owned by the
 * notifier, valid until the next change of that conference; NULL when
 * there is none. Since 0.2.
 */
const struct confinfo_conf *
confinfo_notifier_conf_base(const struct confinfo_notifier *n,
			    const char *name);

/* ---------------------------------------------------------------------
 * Directory source: one NAME.xml per conference, watched with inotify.
 * ------------------------------------------------------------------- */

/**
 * Error callback of the directory source: a document failed to load, and
 * the conference keeps its previous state. @p file is its path; @p diag
 * (valid only during the call) says why: diag->message (never empty),
 * diag->line and diag->column (0 when unknown), diag->err, and
 * diag->limit when a limit of the notifier's config refused the document
 * (a decoder limit, or "max_body" for a file larger than
 * limits->max_body), so that a program can tell which one to raise.
 */
typedef void(confinfo_dirsrc_error_h)(const char *file,
				      const struct confinfo_diag *diag,
				      void *arg);

struct confinfo_dirsrc;

/**
 * Serve the documents of directory @p dir: every `NAME.xml` (NAME a valid
 * conference name) is decoded within the limits of @p n's config and
 * given to confinfo_notifier_set_conf() with source "dir"; later writes
 * (close after write, rename into the directory) update it, deletion
 * removes the conference. Files other than `*.xml`, and names starting
 * with a dot, are ignored, so writers can write a temporary file and
 * rename it. Conferences with source "dir" that have no file at start-up
 * (loaded from a store, say) are removed.
 *
 * @param dp   on success the source (confinfo_dirsrc_close())
 * @return 0, ENOENT/ENOTDIR/EACCES (the directory), ENOMEM, EMFILE
 */
int confinfo_dirsrc_open(struct confinfo_dirsrc **dp,
			 struct confinfo_notifier *n, const char *dir,
			 confinfo_dirsrc_error_h *errh, void *arg);

/** Stop watching (the conferences stay served). NULL is fine. */
void confinfo_dirsrc_close(struct confinfo_dirsrc *d);

#ifdef __cplusplus
}
#endif

#endif
