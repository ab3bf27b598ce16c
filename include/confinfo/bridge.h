/**
 * @file bridge.h
 * @brief The conference and its XMPP chat room as one (RFC 7106 section 1).
 *
 * A bridge sits in a focus beside its notifier (notifier.h). For every
 * served conference whose advertised `grouptextchat` room is an xmpp:
 * room on an allowed MUC service and passes the RFC 7106 checks, it
 * joins the room (creating and configuring it when it is new), mirrors
 * the room's roles, voice changes, kicks and bans into the served state
 * as an overlay on what the files/PUBLISH/API give, asks the mixer
 * through a hook program to enforce what a chair did in the room, and
 * kicks from the room a user booted from the call by someone else.
 * docs/chat-bridge.md describes the model and the safety rules.
 *
 * The XMPP side runs in a child process, `confinfo-xmpp` (libstrophe's
 * TLS handshake and SRV lookup block; the focus's event loop never
 * does): the bridge spawns it (posix_spawn, no shell) over a socketpair,
 * talks JSON lines with it, restarts it with backoff when it dies, and
 * never waits for it. This library does not link libstrophe.
 *
 * Everything runs on the caller's libre event loop (the notifier's);
 * nothing here is thread-safe.
 *
 * Since 0.2.
 */
#ifndef CONFINFO_BRIDGE_H
#define CONFINFO_BRIDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "confinfo/diag.h"

#ifdef __cplusplus
extern "C" {
#endif

struct confinfo_notifier; /* notifier.h */

/** Longest reason (bytes, after cleaning) kept in the state and the hook. */
#define CONFINFO_BRIDGE_REASON_MAX 256
/** Longest nick (bytes, after cleaning) the bridge keeps. */
#define CONFINFO_BRIDGE_NICK_MAX 128
/** The namespace of the bridge's own attribute in the served state:
 *  `<endpoint cb:muted-by="AOR">` on an endpoint the chat room muted,
 *  which is how a watcher tells a chat-driven mute from another. */
#define CONFINFO_BRIDGE_NS "urn:x-confinfo:chat-bridge"
/** The prefix of the roles the bridge owns (chat-owner, chat-visitor...). */
#define CONFINFO_BRIDGE_ROLE_PREFIX "chat-"

/**
 * Log callback: one event of the bridge. @p conf is the conference name
 * or NULL; @p what a fixed word ("join", "joined", "roles-only",
 * "hook", "hook-failed", "mirror", "child", ...); @p detail free text
 * that may hold what room occupants chose (cleaned of control and bidi
 * characters, but to be quoted by the program). Never credentials.
 */
typedef void(confinfo_bridge_log_h)(const char *conf, const char *what,
				    const char *detail, void *arg);
/* (Since 0.2, as everything in this header.) */

/** Configuration; every string and array is copied by the alloc. */
struct confinfo_bridge_config {
	/** The child's command line, NULL-terminated: argv[0] the path of
	 *  `confinfo-xmpp`, then its options (--jid, --password-file or
	 *  --cert/--key, --ca, --connect). Required. */
	const char *const *child_argv;
	/** The focus's domain: conference NAME is sip:NAME@domain for the
	 *  RFC 7106 checks. NULL: "localhost". */
	const char *domain;
	/** The nick the bridge joins with. NULL: "focus". */
	const char *nick;
	/** MUC services (hosts) rooms may be on; none: no room is joined. */
	const char *const *muc_services;
	size_t muc_service_count;
	/** Operator mapping file (bare JID -> SIP AOR), or NULL. */
	const char *map_file;
	/** Domains whose XMPP and SIP accounts are one namespace:
	 *  alice@D is sip:alice@D. */
	const char *const *shared_domains;
	size_t shared_domain_count;
	/** Conference roles that count as chair. None: "chair". */
	const char *const *chair_roles;
	size_t chair_role_count;
	/** Bare JIDs whose room actions reach the call whatever their
	 *  conference roles. */
	const char *const *allow_jids;
	size_t allow_jid_count;
	/** The mixer hook program (execve, no shell), or NULL: roles only. */
	const char *hook;
	/** Milliseconds a hook run may take before it is killed [5000]. */
	uint32_t hook_timeout_ms;
	/** Hook runs per conference per 10 s at most [20]. */
	uint32_t hook_rate;
	/** Configure rooms the bridge creates as members-only. */
	bool members_only;
	confinfo_bridge_log_h *logh;
	void *log_arg;
};

struct confinfo_bridge;

/**
 * Create a bridge on notifier @p n: it becomes @p n's overlay
 * (confinfo_notifier_set_overlay()), so create it before the first
 * conference is served, and spawns the XMPP child at once.
 *
 * @param bp    on success the bridge (confinfo_bridge_free())
 * @param n     the notifier; must outlive the bridge
 * @param cfg   the configuration (copied)
 * @param diag  optional; what is wrong (a mapping file line, ...)
 * @return 0, EINVAL (no child_argv, bad mapping file: its line in
 *         @p diag), errors opening the mapping file, ENOMEM
 * Since 0.2.
 */
int confinfo_bridge_alloc(struct confinfo_bridge **bp,
			  struct confinfo_notifier *n,
			  const struct confinfo_bridge_config *cfg,
			  struct confinfo_diag *diag);

/**
 * Release the bridge: the child is asked to leave its rooms and quit
 * (waited for at most a second, then killed), running hooks are
 * killed, the overlay is removed from the notifier (the served states
 * keep it until their next change). NULL is fine. Since 0.2.
 */
void confinfo_bridge_free(struct confinfo_bridge *b);

#ifdef __cplusplus
}
#endif

#endif
