/*
 * Private structures of the notifier. notifier.c owns the notifier,
 * conf.c the conference table, subscribe.c answers SUBSCRIBEs, notify.c
 * sends NOTIFYs and ends subscriptions, body.c builds and caches NOTIFY
 * bodies, publish.c is the PUBLISH source, auth.c and digest.c decide who
 * may subscribe, dirsrc.c is the directory source, policy.c and
 * policy_decide.c the view policy (its file, its decisions), views.c
 * each subscription's view and the snapshots of the views. At the
 * bottom, called by the others and calling none of them: log.c (log
 * events), reply.c (answers), sched.c (timers), uac.c (NOTIFY
 * transactions over UDP).
 *
 * Memory: subscriptions, conferences and snapshots are libre objects
 * (mem_zalloc, reference counted) because libre callbacks hold pointers to
 * them; plain buffers use malloc().
 */
#ifndef CONFINFO_SIPNOT_SIPNOT_H
#define CONFINFO_SIPNOT_SIPNOT_H

#include <stdbool.h>
#include <stdint.h>

#include <re.h>

#include "confinfo/notifier.h"
#include "confinfo/policy.h"
#include "sched.h"
#include "uac.h"

#define SIPNOT_CTYPE "application/conference-info+xml"

/* Encoded bodies and diffs, so that a change fanned out to thousands of
 * subscribers is diffed once per distinct previous state and encoded once
 * per distinct (previous state, version). */
#define SIPNOT_CACHE_SLOTS 8
struct sipnot_body {
	uint64_t from; /* snapshot seq the diff starts from, 0: full body */
	uint64_t to;
	uint32_t version;
	char *xml;
	size_t len;
	/* The same, S/MIME-signed (made on first demand): body, length,
	 * Content-Type value; NULL until then. */
	char *smime;
	size_t smime_len;
	char *smime_ctype;
};
struct sipnot_diff {
	uint64_t from, to;
	struct confinfo_conf *doc; /* NULL: the states are equal */
	bool used;
};
struct sipnot_cache {
	struct sipnot_body body[SIPNOT_CACHE_SLOTS];
	struct sipnot_diff diff[SIPNOT_CACHE_SLOTS];
	unsigned next_body, next_diff;
};

/* One served state, shared by every subscription that last received it. */
struct sipnot_snap {
	struct confinfo_conf *state; /* full, version normalised to 0 */
	uint64_t seq;                /* unique per notifier: cache key */
	/* Views (views.c): the seq of the conference's full snapshot this
	 * one renders (its own seq for the full snapshot itself), and
	 * whether it is one subscriber's own variant (a private
	 * participant seeing themselves). */
	uint64_t base_seq;
	bool own;
	/* The state before the overlay (overlay.c) was applied, what the
	 * sources gave; NULL without an overlay (then it is @c state), and
	 * always NULL in a rendered view. */
	struct confinfo_conf *base;
	/* The bodies and diffs leading to this snapshot, for a rendered
	 * view (owned, freed with it); NULL: the conference's cache. A
	 * cache per view gives each view the room one view had, so that
	 * views do not evict each other's bodies. */
	struct sipnot_cache *cache;
};

/* What the sources gave for @p snap, before the overlay. */
static inline const struct confinfo_conf *
sipnot_snap_base(const struct sipnot_snap *snap)
{
	return snap->base ? snap->base : snap->state;
}

/* A PUBLISHed state (RFC 3903): the entity tag and its expiry, and the
 * state it replaced, served again when the publication ends: a
 * publication never takes down a state it did not create. */
struct sipnot_pub {
	struct sipnot_conf *conf; /* the owner (not referenced) */
	char etag[24];
	uint64_t expires_at;
	struct sipnot_sched_ent expiry;
	struct sipnot_snap *under; /* referenced; NULL: none */
	char *under_source;        /* its source ("dir", "api", ...) */
};

struct sipnot_conf {
	struct le he; /* notifier->confs */
	struct confinfo_notifier *n;
	char *name;
	char *source;
	struct sipnot_snap *snap; /* NULL once removed */
	struct list subs;         /* of struct sipnot_sub */
	size_t nsubs;
	struct sipnot_cache cache;
	/* Views of the current snapshot (views.c), valid while vbase is
	 * snap->seq: the rendered public and participant snapshots, the
	 * users indexed by identity. */
	uint64_t vbase;
	struct sipnot_snap *vsnap[2];
	struct sipnot_vuser *vusers;
	size_t nvusers;
	struct sipnot_pub *pub; /* when the state came from PUBLISH */
	/* Fan-out of the latest change: when it arrived, how many
	 * subscribers have acknowledged it, whether that is still counted. */
	uint64_t changed_at;
	size_t acked;
	bool fanout;
};

enum sipnot_reason {
	SIPNOT_REASON_NONE = 0,
	SIPNOT_REASON_TIMEOUT,
	SIPNOT_REASON_NORESOURCE,
	SIPNOT_REASON_DEACTIVATED,
	SIPNOT_REASON_REJECTED,
};

struct sipnot_sub {
	struct le he; /* notifier->dialogs, keyed by Call-ID */
	struct le le; /* conf->subs */
	struct confinfo_notifier *n;
	struct sipnot_conf *conf;    /* referenced */
	struct sipnot_dlg *dlg;      /* dialog.c */
	struct sip_request *req;     /* the NOTIFY in flight (libre's) */
	struct sipnot_uac_tx *tx;    /* the NOTIFY in flight (UDP, uac.c) */
	struct sipnot_uac_wait wait; /* for a place in the UDP window */
	struct sipnot_snap *sent; /* what the subscriber has; NULL: unknown */
	/* The authenticated identity ("sip:user@host", normalised), NULL
	 * without authentication: what per-subscriber decisions use. */
	char *identity;
	char *event_id;      /* Event `id` parameter, NULL if none */
	uint64_t expires_at; /* tmr_jiffies() ms */
	uint64_t last_sent;  /* when the last NOTIFY went out */
	struct sipnot_sched_ent expiry;
	struct sipnot_sched_ent window;
	/* How the subscriber reaches us, the focus's Contact (RFC 3261
	 * 12.1.1): the transport and local address of the last SUBSCRIBE
	 * answered 200, and whether the dialog is a sips: one (then the
	 * Contact is sips: and every NOTIFY goes over TLS). */
	struct sa laddr;
	struct sa src; /* source of the last SUBSCRIBE answered 200 */
	/* Its view (views.c): set after the first decision; vid is the
	 * identity normalised for the policy, own its own variant. */
	char *vid;
	uint64_t vgen; /* policy_gen of vline, 0: not looked up */
	struct sipnot_snap *own;
	/* The 4-byte fields, then the flags as bits: tens of thousands of
	 * subscriptions are held, every hole counts. */
	uint32_t version;    /* of the last NOTIFY sent, 0 before the first */
	uint32_t first_cseq; /* CSeq of the initial SUBSCRIBE */
	uint32_t ok_cseq;    /* CSeq of the last SUBSCRIBE answered 200 */
	enum sip_transp tp;
	enum sipnot_reason reason;
	enum confinfo_view view;
	int vline; /* sipnot_policy_line() */
	bool sips : 1;
	bool verified : 1;  /* it was authenticated: NOTIFYs may go elsewhere */
	bool routed : 1;    /* set up with a Record-Route: NOTIFYs go there */
	bool need_full : 1; /* a SUBSCRIBE or refresh asks for full state */
	bool terminating : 1; /* the final NOTIFY is due or in flight */
	bool termsent : 1;
	bool final_full : 1; /* the final NOTIFY carries full state */
	bool in_full : 1;    /* the NOTIFY in flight carries full state */
	bool smime : 1;      /* bodies go signed (Accept: multipart/signed) */
	bool view_set : 1;
	bool linked : 1;
};

/* One user of the credentials file: an HA1 per algorithm it has a line
 * for, and the identity it authenticates as. */
struct sipnot_cred {
	char *user;
	char *aor; /* normalised "scheme:user@host" */
	uint8_t md5[16];
	uint8_t sha256[32];
	bool has_md5, has_sha256;
};

/* A nonce we gave out: slot serial % max_nonces of the table. */
struct sipnot_nonce {
	uint64_t serial; /* 0: free */
	uint64_t issued; /* tmr_jiffies() ms */
	uint32_t nc;     /* highest nonce count accepted, 0 before any */
};

enum sipnot_auth {
	SIPNOT_AUTH_OK,
	SIPNOT_AUTH_CHALLENGE, /* no usable credentials: 401 */
	SIPNOT_AUTH_STALE,     /* our nonce, expired or forgotten: stale */
	SIPNOT_AUTH_FAILED,    /* wrong user or password: 403 */
	SIPNOT_AUTH_URI,       /* digest uri is not the Request-URI: 403 */
	SIPNOT_AUTH_REPLAY,    /* nonce count not above the last one: 403 */
};

struct confinfo_notifier {
	struct confinfo_notifier_config cfg; /* strings point into the
						copies below */
	/* The decoder limits of every document, each field resolved (none
	 * 0; max_body at most INT_MAX): cfg.limits is NULL. */
	struct confinfo_xml_limits limits;
	char *domain;
	char *chat_room;
	char **allow; /* normalised "scheme:user@host" */
	size_t allow_count;
	char **publishers; /* same form; NULL entry list + publish_any */
	size_t publisher_count;
	bool publish_any;
	uint32_t etag_counter;
	char *other_identity; /* of the request being handled (mutual TLS) */
	struct sipnot_cred *creds; /* digest credentials, sorted by user;
				      none: no auth */
	size_t cred_count, cred_cap;
	bool offer_md5, offer_sha256; /* some user has an HA1 of it */
	uint8_t nonce_key[20];
	struct sipnot_nonce *nonces; /* cfg.max_nonces slots */
	uint64_t nonce_serial;       /* of the last nonce given out */
	struct sip *sip;             /* the caller's */
	struct sip_lsnr *lsnr;
	struct hash *confs;
	struct hash *dialogs;
	struct sipnot_sched sched;
	struct sipnot_uac uac; /* NOTIFY transactions over UDP */
	size_t nsubs;
	size_t nconfs;
	uint64_t snap_seq;
	struct confinfo_view_policy *policy; /* NULL: everyone sees full */
	uint64_t policy_gen;                 /* counts set_view_policy() */
	uint8_t token_key[32];               /* HMAC key of anonymous URIs */
	bool shutting_down;
	bool done_called;
	confinfo_notifier_done_h *doneh;
	void *done_arg;
	confinfo_notifier_overlay_h *overlayh; /* overlay.c, or NULL */
	void *overlay_arg;
	struct tmr done_tmr;
};

/* Seconds left of @p sub's subscription, rounded up ("expires=0" would
 * read as terminated); 0 once it is ending. */
static inline uint32_t sipnot_sub_remaining(const struct sipnot_sub *sub)
{
	uint64_t now = tmr_jiffies();

	if (sub->terminating || sub->expires_at <= now)
		return 0;
	return (uint32_t)((sub->expires_at - now + 999) / 1000);
}

/* log.c: log events */
void sipnot_log_sub(struct confinfo_notifier *n,
		    enum confinfo_notifier_event type,
		    const struct sipnot_sub *sub, uint16_t scode,
		    const char *reason);
void sipnot_log_msg(struct confinfo_notifier *n,
		    enum confinfo_notifier_event type,
		    const struct sip_msg *msg, uint16_t scode,
		    const char *reason);
void sipnot_log_delivered(struct sipnot_conf *conf);
void sipnot_log_conf(struct confinfo_notifier *n, const char *name,
		     const char *what);
/* @p diag: why a body was refused (400, 413), or NULL. */
void sipnot_log_pub(struct confinfo_notifier *n, const struct sip_msg *msg,
		    const char *conf, uint16_t scode, const char *reason,
		    const char *etag, const struct confinfo_diag *diag);

/* reply.c: answering requests */
bool sipnot_name_valid(const char *s, size_t len);
int sipnot_reply(struct confinfo_notifier *n, const struct sip_msg *msg,
		 uint16_t scode, const char *reason, const char *fmt, ...);
/* The body of @p msg against its Content-Length: 0 (the body is then
 * exactly the declared length), EMSGSIZE (declared or received length
 * over @p max: 413), EBADMSG (Content-Length not a number, or longer
 * than the body: 400). *lenp: the declared length, saturated. */
int sipnot_body_check(const struct sip_msg *msg, size_t max, uint64_t *lenp);

/* notifier.c */
void sipnot_check_done(struct confinfo_notifier *n);

/* conf.c: the conference table */
struct sipnot_conf *sipnot_conf_find(const struct confinfo_notifier *n,
				     const struct pl *name);
int sipnot_conf_apply(struct confinfo_notifier *n, const char *name,
		      const struct confinfo_conf *state, const char *source,
		      struct sipnot_conf **confp);
/* Source @p source no longer has conference @p name (its file was
 * deleted): remove the conference if @p source feeds it, or forget it as
 * the fallback of the publication that feeds it. */
void sipnot_conf_source_gone(struct confinfo_notifier *n, const char *name,
			     const char *source);

/* overlay.c: the served state = the sources' state + the overlay. With
 * an overlay, *basep is a copy of @p state as the sources gave it, and
 * @p state has the overlay applied; without, *basep is NULL. */
int sipnot_overlay_apply(struct confinfo_notifier *n, const char *name,
			 struct confinfo_conf *state,
			 struct confinfo_conf **basep);
/* Conference @p name is no longer served: tell the overlay. */
void sipnot_overlay_removed(struct confinfo_notifier *n, const char *name);

/* subscribe.c */
bool sipnot_subscribe_handler(struct confinfo_notifier *n,
			      const struct sip_msg *msg);

/* notify.c */
/* Does the Accept of @p msg list multipart/signed (S/MIME bodies)? */
bool sipnot_accepts_signed(const struct sip_msg *msg);
void sipnot_sub_kick(struct sipnot_sub *sub);
void sipnot_sub_terminate(struct sipnot_sub *sub, enum sipnot_reason reason);
void sipnot_sub_unlink(struct sipnot_sub *sub);
/* The Contact header of the focus in @p sub's dialog (the 200s and the
 * NOTIFYs): sips: for a sips: dialog, else sip: with the transport the
 * subscriber used. */
int sipnot_print_contact(struct re_printf *pf, const struct sipnot_sub *sub);
const char *sipnot_reason_name(enum sipnot_reason reason);

/* dialog.c: the dialog of a subscription, compact (dialog.c says why):
 * what in-dialog requests need (RFC 3261 12.2.1.1), in one malloc()ed
 * block, freed with sipnot_dlg_free(). */
struct sipnot_dlg;
/* The UAS side of the dialog the SUBSCRIBE @p msg creates, with our tag
 * @p ltag (printed as 16 hex digits). EINVAL: no Call-ID or From tag;
 * EBADMSG: no usable Contact; EOVERFLOW: its text is too long. */
int sipnot_dlg_accept(struct sipnot_dlg **dlgp, const struct sip_msg *msg,
		      uint64_t ltag);
/* A refresh @p msg in the dialog: its Contact is the new remote target
 * (RFC 6665 4.1.2.2; the route set stays). *dlgp may move. */
int sipnot_dlg_update(struct sipnot_dlg **dlgp, const struct sip_msg *msg);
void sipnot_dlg_free(struct sipnot_dlg *dlg);
const char *sipnot_dlg_callid(const struct sipnot_dlg *dlg);
/* The subscriber's URI (the From of its SUBSCRIBE), for logs. */
const char *sipnot_dlg_peer(const struct sipnot_dlg *dlg);
const char *sipnot_dlg_target(const struct sipnot_dlg *dlg);
uint64_t sipnot_dlg_ltag(const struct sipnot_dlg *dlg);
struct pl sipnot_dlg_rtag(const struct sipnot_dlg *dlg);
/* Does request @p msg belong to the dialog (Call-ID and both tags)? */
bool sipnot_dlg_cmp(const struct sipnot_dlg *dlg, const struct sip_msg *msg);
/* The next hop: the first route, else the remote target. @p uri points
 * into the dialog. */
int sipnot_dlg_next_hop(const struct sipnot_dlg *dlg, struct uri *uri);
/* Write the in-dialog headers of a @p met request (Route lines, To with
 * their tag, From with ours, Call-ID, CSeq one up) to @p mb. EOVERFLOW:
 * the CSeq space is used up. */
int sipnot_dlg_encode(struct mbuf *mb, struct sipnot_dlg *dlg, const char *met);
/* sip_drequestf() on @p dlg, for TCP and TLS (and next hops named by
 * DNS): Max-Forwards, the dialog's headers, @p sendh's, then @p fmt,
 * sent to the next hop; a sips: next hop is reached over TLS. */
int sipnot_dlg_request(struct sip_request **reqp, struct sip *sip,
		       struct sipnot_dlg *dlg, const char *met,
		       sip_send_h *sendh, sip_resp_h *resph, void *arg,
		       const char *fmt, ...);

/* body.c */
void sipnot_cache_flush(struct sipnot_cache *c);
/* Body of a NOTIFY to a subscriber holding @p from (NULL: full state) when
 * the conference is at @p to, with @p version. *emptyp is set when from
 * and to are equal (no NOTIFY needed). The buffer belongs to the cache and
 * is valid until the next call. */
int sipnot_body_get(struct sipnot_conf *conf, const struct sipnot_snap *from,
		    const struct sipnot_snap *to, uint32_t version,
		    const char **xmlp, size_t *lenp, bool *emptyp);
/* The same body S/MIME-signed with the notifier's signer, signed once per
 * cached body: *ctypep is the Content-Type value to send with it. */
int sipnot_body_get_signed(struct sipnot_conf *conf,
			   const struct sipnot_snap *from,
			   const struct sipnot_snap *to, uint32_t version,
			   const char **bodyp, size_t *lenp,
			   const char **ctypep, bool *emptyp);

/* auth.c */
int sipnot_uri_normalise(const char *text, char **outp);
int sipnot_uri_list_add(char ***listp, size_t *countp, const char *uri);
/* @p identity: the authenticated identity, or NULL (unauthenticated: the
 * From header decides, a hint only). */
bool sipnot_allowed(const struct confinfo_notifier *n,
		    const struct sip_msg *msg, const char *identity);
bool sipnot_may_publish(const struct confinfo_notifier *n,
			const struct sip_msg *msg, const char *identity);
/* Whether @p msg's From URI is @p identity. */
bool sipnot_from_is(const struct sip_msg *msg, const char *identity);

/* digest.c */
int sipnot_auth_load(struct confinfo_notifier *n, const char *path,
		     struct confinfo_diag *diag);
void sipnot_auth_free(struct confinfo_notifier *n);
/* On SIPNOT_AUTH_OK *identityp is the user's identity (it lives as long
 * as the notifier). */
enum sipnot_auth sipnot_auth_check(struct confinfo_notifier *n,
				   const struct sip_msg *msg,
				   const char **identityp);
void sipnot_auth_challenge(struct confinfo_notifier *n,
			   const struct sip_msg *msg, bool stale);
/* Authenticate @p msg when credentials are configured, and check that
 * its From is the authenticated identity; answers (401 or 403) and
 * returns false when not. *identityp: the identity, NULL when no
 * credentials are configured. */
bool sipnot_authenticate(struct confinfo_notifier *n, const struct sip_msg *msg,
			 const char **identityp);

/* views.c */
/* A user identity of the current state and its class. */
struct sipnot_vuser {
	char *id; /* confinfo_view_policy_identity() form */
	bool chair, priv;
};
/* The view the policy gives @p identity (NULL: unauthenticated) in
 * @p conf's current state. */
enum confinfo_view sipnot_view_of(struct sipnot_conf *conf,
				  const char *identity);
/* Bring @p sub's view up to date: a changed view asks for a full NOTIFY;
 * `none` terminates the subscription (reason rejected). True when it did
 * (@p sub may be gone: the caller must not touch it). */
bool sipnot_view_update(struct sipnot_sub *sub);
/* The snapshot of @p sub's view of the current state (rendered once per
 * view and change), NULL when the conference is gone or the view none. */
int sipnot_view_snap(struct sipnot_sub *sub, struct sipnot_snap **snapp);
/* Forget the views of @p conf (new state, new policy). */
void sipnot_views_reset(struct sipnot_conf *conf);
void sipnot_snap_destructor(void *arg);
/* The HMAC key of anonymous URIs: SHA-256 of @p key, or random when
 * @p key is NULL. */
int sipnot_views_key(struct confinfo_notifier *n, const uint8_t *key,
		     size_t len);

/* policy.c: confinfo_view_policy_decide() in two steps, so that the
 * notifier looks a subscriber's line up once per policy, not per change:
 * the view of the subscriber line of @p norm_id (in
 * confinfo_view_policy_identity() form; NULL: none) in @p conf, or -1;
 * then the decision with that @p line. */
int sipnot_policy_line(const struct confinfo_view_policy *p, const char *conf,
		       const char *norm_id);
enum confinfo_view sipnot_policy_decide(const struct confinfo_view_policy *p,
					const char *conf, bool authenticated,
					int line, bool participant, bool chair);

/* publish.c */
bool sipnot_publish_handler(struct confinfo_notifier *n,
			    const struct sip_msg *msg);
void sipnot_pub_free(struct confinfo_notifier *n, struct sipnot_pub *pub);
/* The publication of @p conf ended (expired or removed): serve again the
 * state it replaced, or remove the conference when there is none. */
void sipnot_pub_end(struct confinfo_notifier *n, struct sipnot_conf *conf);
/* A conference restored with source "publish" but no publication (after
 * a restart): give it one nobody knows the tag of, with the default
 * expiry, so that it ends unless its publisher publishes again. */
void sipnot_pub_adopt(struct confinfo_notifier *n, struct sipnot_conf *conf);

#endif
