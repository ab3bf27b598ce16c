/*
 * Private structures of the notifier. notifier.c owns the notifier and the
 * conference table, subscribe.c answers SUBSCRIBEs, notify.c sends
 * NOTIFYs and ends subscriptions, body.c builds and caches NOTIFY bodies,
 * publish.c is the PUBLISH source, auth.c decides who may subscribe.
 *
 * Memory: subscriptions, conferences and snapshots are libre objects
 * (mem_zalloc, reference counted) because libre callbacks hold pointers to
 * them; plain buffers use the library allocator (ci_*).
 */
#ifndef CONFINFO_SIPNOT_SIPNOT_H
#define CONFINFO_SIPNOT_SIPNOT_H

#include <stdbool.h>
#include <stdint.h>

#include <re.h>

#include "confinfo/notifier.h"
#include "sched.h"

#define CI_CTYPE "application/conference-info+xml"

/* One served state, shared by every subscription that last received it. */
struct ci_snap {
	struct confinfo_conf *state; /* full, version normalised to 0 */
	uint64_t seq;                /* unique per notifier: cache key */
};

/* Encoded bodies and diffs, so that a change fanned out to thousands of
 * subscribers is diffed once per distinct previous state and encoded once
 * per distinct (previous state, version). */
#define CI_CACHE_SLOTS 8
struct ci_body {
	uint64_t from; /* snapshot seq the diff starts from, 0: full body */
	uint64_t to;
	uint32_t version;
	char *xml;
	size_t len;
};
struct ci_diff {
	uint64_t from, to;
	struct confinfo_conf *doc; /* NULL: the states are equal */
	bool used;
};
struct ci_cache {
	struct ci_body body[CI_CACHE_SLOTS];
	struct ci_diff diff[CI_CACHE_SLOTS];
	unsigned next_body, next_diff;
};

/* A PUBLISHed state (RFC 3903): the entity tag and its expiry. */
struct ci_pub {
	struct ci_conf *conf; /* the owner (not referenced) */
	char etag[24];
	uint64_t expires_at;
	struct ci_sched_ent expiry;
};

struct ci_conf {
	struct le he; /* notifier->confs */
	struct confinfo_notifier *n;
	char *name;
	char *source;
	struct ci_snap *snap; /* NULL once removed */
	struct list subs;     /* of struct ci_sub */
	size_t nsubs;
	struct ci_cache cache;
	struct ci_pub *pub; /* when the state came from PUBLISH */
	/* Fan-out of the latest change: when it arrived, how many
	 * subscribers have acknowledged it, whether that is still counted. */
	uint64_t changed_at;
	size_t acked;
	bool fanout;
};

enum ci_reason {
	CI_REASON_NONE = 0,
	CI_REASON_TIMEOUT,
	CI_REASON_NORESOURCE,
	CI_REASON_DEACTIVATED,
	CI_REASON_REJECTED,
};

struct ci_sub {
	struct le he; /* notifier->dialogs, keyed by Call-ID */
	struct le le; /* conf->subs */
	struct confinfo_notifier *n;
	struct ci_conf *conf; /* referenced */
	struct sip_dialog *dlg;
	struct sip_request *req; /* the NOTIFY in flight */
	struct ci_snap *sent;    /* what the subscriber has; NULL: unknown */
	char *peer;              /* From URI, for logs and authorization */
	char *event_id;          /* Event `id` parameter, NULL if none */
	char *rtag;              /* the subscriber's From tag */
	uint64_t expires_at;     /* tmr_jiffies() ms */
	uint64_t last_sent;      /* when the last NOTIFY went out */
	struct ci_sched_ent expiry;
	struct ci_sched_ent window;
	uint32_t version;    /* of the last NOTIFY sent, 0 before the first */
	uint64_t ltag;       /* our tag (To of the 200), for resending it */
	uint32_t first_cseq; /* CSeq of the initial SUBSCRIBE */
	uint32_t ok_cseq;    /* CSeq of the last SUBSCRIBE answered 200 */
	enum sip_transp tp;
	enum ci_reason reason;
	bool need_full;   /* a SUBSCRIBE or refresh asks for full state */
	bool terminating; /* the final NOTIFY is due or in flight */
	bool termsent;
	bool final_full; /* the final NOTIFY carries full state */
	bool in_full;    /* the NOTIFY in flight carries full state */
	bool linked;
};

struct ci_cred {
	char *user;
	uint8_t ha1[MD5_SIZE];
};

enum ci_auth {
	CI_AUTH_OK,
	CI_AUTH_CHALLENGE, /* no usable credentials: 401 */
	CI_AUTH_STALE,     /* our nonce, expired: 401 stale=true */
	CI_AUTH_FAILED,    /* wrong user or password: 403 */
};

struct confinfo_notifier {
	struct confinfo_notifier_config cfg; /* strings point into the
						copies below */
	/* The decoder limits of every document, each field resolved (none
	 * 0; max_body at most INT_MAX): cfg.limits is NULL. */
	struct confinfo_xml_limits limits;
	char *domain;
	char *chat_room;
	char *tls_cert;
	char **allow; /* normalised "scheme:user@host" */
	size_t allow_count;
	char **publishers; /* same form; NULL entry list + publish_any */
	size_t publisher_count;
	bool publish_any;
	uint32_t etag_counter;
	struct ci_cred *creds; /* digest credentials; none: no auth */
	size_t cred_count, cred_cap;
	uint8_t nonce_key[20];
	struct sip *sip;
	struct sip_lsnr *lsnr;
	struct tls *tls;
	struct hash *confs;
	struct hash *dialogs;
	struct ci_sched sched;
	size_t nsubs;
	size_t nconfs;
	uint64_t snap_seq;
	bool shutting_down;
	bool done_called;
	confinfo_notifier_done_h *doneh;
	void *done_arg;
	struct tmr done_tmr;
};

/* notifier.c */
struct ci_conf *ci_conf_find(const struct confinfo_notifier *n,
			     const struct pl *name);
void ci_log_sub(struct confinfo_notifier *n, enum confinfo_notifier_event type,
		const struct ci_sub *sub, uint16_t scode, const char *reason);
void ci_log_msg(struct confinfo_notifier *n, enum confinfo_notifier_event type,
		const struct sip_msg *msg, uint16_t scode, const char *reason);
void ci_log_delivered(struct ci_conf *conf);
void ci_log_conf(struct confinfo_notifier *n, const char *name,
		 const char *what);
/* @p diag: why a body was refused (400, 413), or NULL. */
void ci_log_pub(struct confinfo_notifier *n, const struct sip_msg *msg,
		const char *conf, uint16_t scode, const char *reason,
		const char *etag, const struct confinfo_diag *diag);
bool ci_name_valid(const char *s, size_t len);
void ci_check_done(struct confinfo_notifier *n);
int ci_conf_apply(struct confinfo_notifier *n, const char *name,
		  const struct confinfo_conf *state, const char *source,
		  struct ci_conf **confp);

/* subscribe.c */
bool ci_subscribe_handler(struct confinfo_notifier *n,
			  const struct sip_msg *msg);
int ci_reply(struct confinfo_notifier *n, const struct sip_msg *msg,
	     uint16_t scode, const char *reason, const char *fmt, ...);

/* notify.c */
void ci_sub_kick(struct ci_sub *sub);
void ci_sub_terminate(struct ci_sub *sub, enum ci_reason reason);
void ci_sub_unlink(struct ci_sub *sub);
const char *ci_reason_name(enum ci_reason reason);
uint32_t ci_sub_remaining(const struct ci_sub *sub);

/* body.c */
void ci_cache_flush(struct ci_cache *c);
/* Body of a NOTIFY to a subscriber holding @p from (NULL: full state) when
 * the conference is at @p to, with @p version. *emptyp is set when from
 * and to are equal (no NOTIFY needed). The buffer belongs to the cache and
 * is valid until the next call. */
int ci_body_get(struct ci_conf *conf, const struct ci_snap *from,
		const struct ci_snap *to, uint32_t version, const char **xmlp,
		size_t *lenp, bool *emptyp);

/* auth.c */
int ci_uri_list_add(char ***listp, size_t *countp, const char *uri);
bool ci_allowed(const struct confinfo_notifier *n, const struct sip_msg *msg);
bool ci_may_publish(const struct confinfo_notifier *n,
		    const struct sip_msg *msg);

/* digest.c */
int ci_auth_load(struct confinfo_notifier *n, const char *path,
		 struct confinfo_diag *diag);
void ci_auth_free(struct confinfo_notifier *n);
enum ci_auth ci_auth_check(struct confinfo_notifier *n,
			   const struct sip_msg *msg);
void ci_auth_challenge(struct confinfo_notifier *n, const struct sip_msg *msg,
		       bool stale);
/* Authenticate @p msg when credentials are configured; answers (401 or
 * 403) and returns false when it is not. */
bool ci_authenticate(struct confinfo_notifier *n, const struct sip_msg *msg);

/* publish.c */
bool ci_publish_handler(struct confinfo_notifier *n, const struct sip_msg *msg);
void ci_pub_free(struct confinfo_notifier *n, struct ci_pub *pub);
/* A conference restored with source "publish" but no publication (after
 * a restart): give it one nobody knows the tag of, with the default
 * expiry, so that it ends unless its publisher publishes again. */
void ci_pub_adopt(struct confinfo_notifier *n, struct ci_conf *conf);

#endif
