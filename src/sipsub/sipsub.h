/*
 * Private interface of the subscriber (include/confinfo/subscriber.h): the
 * structs the public header only names, and the functions the files of
 * src/sipsub/ share.
 *
 * subscribe.c  the API: create, close, resubscribe, free
 * route.c      where a subscription's requests go (pure string work)
 * sock.c       the NOTIFY listener: dialog matching, 481/489/400/500
 * notify.c     one NOTIFY of a dialog: body through decode + merge,
 *              Subscription-State
 * request.c    SUBSCRIBE requests and their responses
 * digest.c     digest authentication of the SUBSCRIBEs (401/407)
 * life.c       timers, backoff, new subscriptions, the end
 * emit.c       events to the caller (the bottom: called by all)
 * headers.c    Subscription-State and Event header parsing (pure)
 */
#ifndef CONFINFO_SUBSCRIBER_PRIV_H
#define CONFINFO_SUBSCRIBER_PRIV_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <re.h>

#include "confinfo/subscriber.h"
#include "confinfo/uri.h"

/* RFC 6665 Timer N: 64 * T1. */
#define SIPSUB_TIMER_N_MS (64 * 500)
/* Longest wait between two attempts (backoff cap). */
#define SIPSUB_BACKOFF_MAX_MS 64000
/* A subscription that stayed up this long resets the backoff. */
#define SIPSUB_STABLE_MS 64000
/* Longest retry-after honoured: a notifier must not park us for days. */
#define SIPSUB_RETRY_AFTER_MAX 3600
/* Longest Min-Expires accepted from a 423. */
#define SIPSUB_MIN_EXPIRES_MAX 86400
/* The package's default duration (RFC 4575 section 3.3). */
#define SIPSUB_EXPIRES_DEFAULT 3600

struct confinfo_subscriber_sock {
	struct sip *sip;
	struct sip_lsnr *lsnr;
	struct list subl; /* of struct confinfo_subscriber, through le */
};

/* The Subscription-State header (RFC 6665 section 8.4). */
enum sipsub_substate_value {
	SIPSUB_SS_ACTIVE,
	SIPSUB_SS_PENDING,
	SIPSUB_SS_TERMINATED,
	SIPSUB_SS_EXTENSION, /* an unknown value: tolerated, no action */
};

struct sipsub_substate {
	enum sipsub_substate_value value;
	char reason[32]; /* lower-cased token, "" when absent          */
	bool has_expires;
	uint32_t expires;
	bool has_retry_after;
	uint32_t retry_after;
};

/* Parse a Subscription-State value (headers.c, exposed for the unit tests
 * as well as sock.c). Tokens and parameter names are case-insensitive;
 * unknown states (SIPSUB_SS_EXTENSION), reasons (kept lower-cased, cut to
 * 31 bytes) and generic parameters are tolerated (RFC 6665). A reason,
 * expires or retry-after given twice, a missing or non-delta value, a
 * quoted reason, NUL or a CR/LF that is not a line fold is EBADMSG; NULL
 * arguments EINVAL. @p ss is written only on success. */
int sipsub_substate_parse(struct sipsub_substate *ss, const char *p,
			  size_t len);

/* True if an Event header value names exactly the package @p package with
 * no `id` parameter (RFC 6665 section 8.2.1: byte-exact comparison) and
 * well-formed parameters. False for NULL arguments. */
bool sipsub_event_match(const char *p, size_t len, const char *package);

/* Parse delta-seconds strictly (digits only, optional surrounding
 * whitespace); values above UINT32_MAX saturate (RFC 3261 section 20.19
 * style). Whitespace is spaces, tabs and CRLF line folds. 0, EBADMSG, or
 * EINVAL for NULL arguments; @p valp is written only on success. */
int sipsub_delta_parse(const char *p, size_t len, uint32_t *valp);

/* Digest authentication (digest.c). */
enum sipsub_digest_alg { SIPSUB_DIGEST_MD5, SIPSUB_DIGEST_SHA256 };

/* Realms answered at once (a proxy's and the notifier's, and spares). */
#define SIPSUB_DIGEST_REALMS    4
#define SIPSUB_DIGEST_REALM_LEN 128
#define SIPSUB_DIGEST_NONCE_LEN 256

/* One realm's challenge as we answer it in every request. */
struct sipsub_digest_realm {
	bool proxy;       /* 407: Proxy-Authorization                    */
	bool qop;         /* qop=auth (else the RFC 2069 form)            */
	bool alg_named;   /* the challenge named its algorithm            */
	bool proven;      /* a 2xx came since the nonce was taken         */
	unsigned stale_n; /* stale challenges in a row without a 2xx    */
	enum sipsub_digest_alg alg;
	uint32_t nc; /* the last nonce count sent with the nonce   */
	char realm[SIPSUB_DIGEST_REALM_LEN];
	char nonce[SIPSUB_DIGEST_NONCE_LEN];
	char opaque[SIPSUB_DIGEST_NONCE_LEN];
};

struct sipsub_digest {
	struct sipsub_digest_realm r[SIPSUB_DIGEST_REALMS];
	unsigned n;
};

/* A 401 or 407 @p msg: take, per realm, the strongest challenge we can
 * answer (SHA-256, else MD5; qop=auth or none). 0, with *stalep true when
 * every challenge taken said stale=true; ENOTSUP when none can be
 * answered; EAUTH when a realm we answered comes back not stale without a
 * 2xx in between (the credentials are refused); EPROTO after too many
 * stale challenges in a row; E2BIG for too many realms; EINVAL. */
int sipsub_digest_challenged(struct sipsub_digest *d, const struct sip_msg *msg,
			     bool *stalep);
/* A request carrying our answers got a 2xx. */
void sipsub_digest_proven(struct sipsub_digest *d);
/* The Authorization / Proxy-Authorization headers (CRLF-terminated) of a
 * request @p method to @p uri (its Request-URI), each nonce with its next
 * nonce count and a fresh cnonce, into *hdrsp (mem_deref() it; NULL when
 * there is nothing to answer or no @p user). 0, ENOMEM, EIO, EINVAL. */
int sipsub_digest_headers(struct sipsub_digest *d, char **hdrsp,
			  const char *user, const char *password,
			  const char *method, const char *uri);
/* The hex response (RFC 7616 3.4.1) into @p out (65 bytes): with qop=auth
 * when @p nc (8 hex digits) is given, with @p cnonce; the RFC 2069 form
 * when @p nc is NULL. 0, EINVAL, ENOMEM. Exposed for the unit tests. */
int sipsub_digest_response(char *out, enum sipsub_digest_alg alg,
			   const char *user, const char *realm,
			   const char *password, const char *method,
			   const char *uri, const char *nonce, const char *nc,
			   const char *cnonce);

/* libre 1.1.0 exports this (its src/sip/sip.h) without declaring it in
 * re_sip.h; later releases declare it there. The Request-URI of the next
 * request on the dialog: the remote target, or the initial URI before
 * the dialog is established. */
const char *sip_dialog_uri(const struct sip_dialog *dlg);

struct confinfo_subscriber {
	struct le le; /* in sock->subl */
	struct confinfo_subscriber_sock *sock;

	/* Parameters. */
	char *uri;
	char *request_uri;
	char *route;
	char *from;
	char *from_name;
	char *cuser;
	char *auth_user;
	char *auth_password;
	uint32_t expires_asked; /* what the caller asked for              */
	uint32_t expires;       /* what we ask now (raised by a 423)       */
	struct confinfo_xml_limits limits;
	struct confinfo_merge_limits merge_limits;
	const struct confinfo_smime_verifier *smime; /* NULL: plain only */
	bool require_signed;
	bool state_verified; /* every document since the last full was  */
	enum confinfo_smime_status cur_smime; /* of the NOTIFY in hand   */
	confinfo_subscriber_event_h *eventh;
	void *arg;

	/* The current dialog (NULL between subscriptions). */
	struct sip_dialog *dlg;
	struct sipsub_digest digest; /* kept across dialogs */
	struct sip_request *req; /* the SUBSCRIBE in flight, if any        */
	struct sip_loopstate ls;
	bool req_refresh;      /* the request in flight is a refresh         */
	bool req_unsub;        /* ... is the unsubscribe                     */
	bool subscribed;       /* dialog established, not terminated         */
	bool ever_subscribed;  /* a 2xx or NOTIFY was seen once: later
				* failures retry instead of giving up      */
	bool ever_notified;    /* a NOTIFY was seen once: a 2xx alone does not
				* prove the notifier will ever send one      */
	uint64_t timer_n_ms;   /* Timer N (params' notify_timeout_ms)        */
	enum sip_transp ok_tp; /* transport of the last 2xx (hints)      */
	bool rseq_set;
	uint32_t rseq; /* CSeq of the last NOTIFY of the dialog           */
	uint64_t stable_since; /* tmr_jiffies() of the dialog's first 2xx */
	unsigned backoff_n;
	unsigned resync_n;
	bool resync_due; /* a full state is needed                        */

	/* Closing. */
	bool closing;
	bool closed;
	bool unsub_answered;
	bool final_notify;

	struct tmr tmr_refresh; /* refresh, or a new subscription         */
	struct tmr tmr_expiry;  /* the subscription's end                  */
	struct tmr tmr_n;       /* Timer N                                 */
	struct tmr tmr_resync;  /* a rate-limited refresh for full state   */
	struct tmr tmr_close;   /* close timeout                           */

	struct confinfo_uri *conf_uri; /* uri parsed, NULL if unparsable  */
	struct confinfo_conf *state;   /* merged state of the dialog         */
	char *reported_entity;         /* last entity mismatch reported      */
};

/* emit.c: events to the caller (message "" when NULL). */
void sipsub_emit(struct confinfo_subscriber *sub,
		 struct confinfo_subscriber_event *ev);
void sipsub_emitv(struct confinfo_subscriber *sub,
		  struct confinfo_subscriber_event *ev, const char *fmt,
		  va_list ap) __attribute__((format(printf, 3, 0)));
void sipsub_emitf(struct confinfo_subscriber *sub,
		  enum confinfo_subscriber_event_type type, const char *fmt,
		  ...) __attribute__((format(printf, 3, 4)));

/* life.c: timers and the life cycle. */
void sipsub_cancel_timers(struct confinfo_subscriber *sub);
/* A new dialog and its initial SUBSCRIBE (the old dialog's state goes). */
int sipsub_start_new(struct confinfo_subscriber *sub);
/* A NOTIFY of the dialog arrived: Timer N is satisfied. */
void sipsub_notify_seen(struct confinfo_subscriber *sub);
/* The notifier said how long the subscription lasts (NOTIFY expires). */
void sipsub_set_expires(struct confinfo_subscriber *sub, uint32_t expires);
/* A 2xx granted @p expires more seconds from now: refresh and expiry. */
void sipsub_schedule(struct confinfo_subscriber *sub, uint32_t expires);
/* The subscription ended: start a new one after @p min_wait_ms (or the
 * backoff, whichever is longer). @p reason is for the event. */
void sipsub_terminated(struct confinfo_subscriber *sub, const char *reason,
		       uint64_t min_wait_ms, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* End for good: CLOSED with @p err. */
void sipsub_finish(struct confinfo_subscriber *sub, int err, uint16_t scode,
		   const char *reason, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Ask for full state (rate-limited refresh). @p diag: the decoder's or
 * merge's diagnostics when they refused the body, NULL otherwise. */
void sipsub_resync(struct confinfo_subscriber *sub, const char *why,
		   const struct confinfo_diag *diag);
/* A full state was applied: the resync is over. */
void sipsub_resynced(struct confinfo_subscriber *sub);
/* While closing: the final NOTIFY arrived. */
void sipsub_close_notify(struct confinfo_subscriber *sub);
/* Timer handlers the requests (re)start (arg: the subscription). */
void sipsub_refresh_handler(void *arg);
void sipsub_resync_handler(void *arg);
void sipsub_timer_n_handler(void *arg);
void sipsub_close_timeout_handler(void *arg);

/* request.c: SUBSCRIBE requests. */
/* Send a SUBSCRIBE on the dialog for @p expires seconds (0 with closing
 * set: the unsubscribe); starts Timer N. */
int sipsub_send_subscribe(struct confinfo_subscriber *sub, uint32_t expires,
			  bool refresh);
int sipsub_send_unsubscribe(struct confinfo_subscriber *sub);

/* notify.c: @p msg matched the established dialog of @p sub; its body is
 * the first @p len bytes left in msg->mb (Content-Length, checked). */
void sipsub_notify_handle(struct confinfo_subscriber *sub,
			  const struct sip_msg *msg, size_t len,
			  const struct sipsub_substate *ss);

#endif
