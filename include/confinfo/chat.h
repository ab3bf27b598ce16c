/**
 * @file chat.h
 * @brief Group text chat rooms of a conference (RFC 7106).
 *
 * A focus advertises chat rooms as <service-uris> entries whose <purpose>
 * is `grouptextchat`. This module lists them and (see the check functions
 * below) decides what a client may show and do with each one, following
 * the project's contract (docs/chat-rooms.md).
 *
 * Since 0.1.
 */
#ifndef CONFINFO_CHAT_H
#define CONFINFO_CHAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "confinfo/diag.h"
#include "confinfo/model.h"
#include "confinfo/uri.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The registered purpose (RFC 7106 section 3). */
#define CONFINFO_CHAT_PURPOSE "grouptextchat"
/** The misspelling in RFC 7106's own example: accepted, warned about, never
 *  written. */
#define CONFINFO_CHAT_PURPOSE_MISSPELLED "groupertextchat"

/** One advertised chat room: a view into a state (nothing is copied). */
struct confinfo_chat_room {
	const struct confinfo_uri_entry *entry; /**< the entry in the state */
	bool in_conf_uris; /**< listed in <conf-uris> (accepted, unusual)   */
	bool misspelled;   /**< purpose spelled `groupertextchat`           */
};

/**
 * List the chat rooms of @p conf, service-uris first, then conf-uris, in
 * document order.
 *
 * @param roomsp  on success a malloc'd array (free() it; NULL when there
 *                are none); its entries point into @p conf and are valid
 *                while @p conf is not modified
 * @param countp  on success the number of rooms
 * @param diag    optional; one warning per misspelled purpose
 * @return 0, EINVAL, ENOMEM
 */
int confinfo_chat_rooms(const struct confinfo_conf *conf,
			struct confinfo_chat_room **roomsp, size_t *countp,
			struct confinfo_diag *diag);

/* ---------------------------------------------------------------------
 * Checking a room against the conference (docs/chat-rooms.md).
 *
 * The conference URI is the one the client itself subscribed to (or
 * dialled), never the `entity` of a received document: a forged NOTIFY
 * controls that too. Everything a user is shown about a room comes from a
 * verdict, so that every program built on this library shows the same
 * thing.
 * ------------------------------------------------------------------- */

/** What a client may do with a room. */
enum confinfo_chat_join {
	CONFINFO_CHAT_JOIN_NEVER = 0, /**< invalid: list it, never join it  */
	CONFINFO_CHAT_JOIN_ASK,       /**< join only after the user agrees  */
	CONFINFO_CHAT_JOIN_AUTO,      /**< the policy allows joining at once */
};

/** "never", "ask" or "auto"; NULL for an out-of-range value. Static. */
const char *confinfo_chat_join_str(enum confinfo_chat_join join);

/** Which domains count as related to the conference's (section 6). */
enum confinfo_chat_related_mode {
	CONFINFO_CHAT_RELATED_OFF = 0,   /**< none (the default)            */
	CONFINFO_CHAT_RELATED_LIST,      /**< explicit (conference, chat)
					  *   domain pairs                  */
	CONFINFO_CHAT_RELATED_SUBDOMAIN, /**< the room host equals, or is a
					  *   label-boundary sub-domain of,
					  *   the conference host or its
					  *   parent (the host less its first
					  *   label), neither of them a
					  *   public suffix; so every name
					  *   under the parent, siblings
					  *   included (docs/chat-rooms.md) */
	CONFINFO_CHAT_RELATED_PSL,       /**< same registrable domain by the
					  *   Public Suffix List (names only)   */
};

/** When a room may be joined without asking. In every mode, a look-alike
 *  host (confinfo_chat_verdict.lookalike) is never joined without asking. */
enum confinfo_chat_auto_join {
	CONFINFO_CHAT_AUTO_NEVER = 0,   /**< always ask (the default)    */
	CONFINFO_CHAT_AUTO_SAME_DOMAIN, /**< same domain only            */
	CONFINFO_CHAT_AUTO_RELATED,     /**< same domain or related      */
};

/** Default largest conference (in users) from which a room may be joined
 *  automatically: joining from larger ones could flood the room. */
#define CONFINFO_CHAT_DEFAULT_MAX_AUTO_JOIN_USERS 100
/** Most (conference, chat) domain pairs a policy holds. */
#define CONFINFO_CHAT_MAX_RELATED_PAIRS 256
/** Most warnings a verdict keeps (the last one says when some were
 *  dropped). */
#define CONFINFO_CHAT_MAX_WARNINGS 16

/** A client's configuration for the checks; opaque. */
struct confinfo_chat_policy;

/**
 * Create a policy with the defaults: no related domains, no automatic
 * joins, names need not match, at most
 * CONFINFO_CHAT_DEFAULT_MAX_AUTO_JOIN_USERS users for an automatic join.
 *
 * @param pp  on success the new policy, owned by the caller (release with
 *            confinfo_chat_policy_free())
 * @return 0, ENOMEM, EINVAL
 */
int confinfo_chat_policy_alloc(struct confinfo_chat_policy **pp);

/** Release @p p (NULL is fine). */
void confinfo_chat_policy_free(struct confinfo_chat_policy *p);

/** Select the related-domain rule. EINVAL for an unknown mode. */
int confinfo_chat_policy_set_related(struct confinfo_chat_policy *p,
				     enum confinfo_chat_related_mode mode);

/**
 * Add a (conference domain, chat domain) pair for
 * CONFINFO_CHAT_RELATED_LIST. Both are hosts (U-labels, A-labels or IP
 * literals) and are stored normalised; the pair matches only those exact
 * hosts, not their sub-domains. The strings are copied.
 *
 * @param diag  optional; says which domain is invalid and why
 * @return 0; EINVAL (NULL, or a domain that is not a valid host);
 *         ENOSPC (more than CONFINFO_CHAT_MAX_RELATED_PAIRS); ENOMEM
 */
int confinfo_chat_policy_add_related(struct confinfo_chat_policy *p,
				     const char *conf_domain,
				     const char *chat_domain,
				     struct confinfo_diag *diag);

/** Select when automatic joins are allowed. EINVAL for an unknown mode. */
int confinfo_chat_policy_set_auto_join(struct confinfo_chat_policy *p,
				       enum confinfo_chat_auto_join mode);

/** Require the room name to match the conference name for an automatic
 *  join. EINVAL if @p p is NULL. */
int confinfo_chat_policy_set_require_name_match(struct confinfo_chat_policy *p,
						bool require);

/** Largest conference, in users, from which a room may be joined
 *  automatically (0: only from an empty one). EINVAL if @p p is NULL. */
int confinfo_chat_policy_set_max_auto_join_users(struct confinfo_chat_policy *p,
						 uint32_t users);

/**
 * Everything a client shows about one room, and what it may do. Created by
 * confinfo_chat_check(), released with confinfo_chat_verdict_free(); all
 * strings are owned by the verdict, are UTF-8 and are safe to print
 * (control, bidi and invisible characters are percent-encoded).
 */
struct confinfo_chat_verdict {
	bool valid;  /**< the room URI passed every rule            */
	char *error; /**< why not (NULL when valid)                 */
	enum confinfo_uri_err error_code; /**< the rule that failed         */
	char *uri_display; /**< the full room URI, to show always          */
	enum confinfo_uri_scheme scheme; /**< NONE when invalid             */
	char *host;         /**< N(host): A-label form; NULL if none        */
	char *host_unicode; /**< the host with U-labels; NULL if none       */
	int port;           /**< -1 when absent                             */
	/** The canonical room name (section 5), length-counted: it may hold
	 *  NUL bytes, so compare it with memcmp. ptr NULL when the URI
	 *  names no room. */
	struct confinfo_bytes room;
	/** @c room for display: as is when it is printable UTF-8, otherwise
	 *  percent-encoded (and a warning says so). NULL with @c room. */
	char *room_display;
	bool same_domain; /**< check 1 (section 4)                          */
	bool name_match;  /**< check 2 (section 5)                          */
	bool related;     /**< related by the policy (section 6)            */
	bool secure;      /**< sips, https, xmpp, irc on a TLS port         */
	enum confinfo_chat_join join;
	char **warnings; /**< things the user should know, in order        */
	size_t warning_count;
	/** The room host looks like another name: a label of it mixes
	 *  scripts (Cyrillic with Latin), or it is not the conference host
	 *  but has the conference host's UTS #39 confusable skeleton, or one
	 *  of its labels is none of the conference host's but has the
	 *  skeleton of one ("сonf" for "conf", "c0nf" for "conf"; a host
	 *  that could not be checked counts too). Such a room is never
	 *  joined automatically (@c join is at most ASK), whatever the
	 *  policy and even when @c same_domain or @c related; a warning
	 *  gives the reason. Since 0.1. */
	bool lookalike;
};

/**
 * Parse the conference URI a client subscribed to: a sip or sips URI
 * under the same rules as a room URI.
 *
 * @param up    on success the parsed URI (confinfo_uri_free() it)
 * @param diag  optional; why it is invalid
 * @return 0; EBADMSG (invalid, or not sip/sips); ENOMEM; EINVAL
 */
int confinfo_chat_conference_parse(struct confinfo_uri **up, const char *s,
				   size_t len, struct confinfo_diag *diag);

/**
 * Check one room URI against the conference.
 *
 * @param vp          on success a new verdict, owned by the caller
 *                    (confinfo_chat_verdict_free()); an invalid room is a
 *                    verdict with valid == false, not a failure
 * @param conference  from confinfo_chat_conference_parse()
 * @param room        the room URI, @p len bytes (NULs make it invalid)
 * @param policy      NULL for the defaults
 * @param users       the conference's user count, for the largest
 *                    conference an automatic join is allowed from
 * @return 0; EINVAL (NULL arguments, conference not sip/sips); ENOMEM
 */
int confinfo_chat_check(struct confinfo_chat_verdict **vp,
			const struct confinfo_uri *conference, const char *room,
			size_t len, const struct confinfo_chat_policy *policy,
			uint32_t users);

/**
 * confinfo_chat_check() for a room from confinfo_chat_rooms(), adding the
 * warnings that come from the document (misspelled purpose, room listed
 * in conf-uris).
 */
int confinfo_chat_check_room(struct confinfo_chat_verdict **vp,
			     const struct confinfo_uri *conference,
			     const struct confinfo_chat_room *room,
			     const struct confinfo_chat_policy *policy,
			     uint32_t users);

/** Release @p v (NULL is fine). */
void confinfo_chat_verdict_free(struct confinfo_chat_verdict *v);

/** The user count of @p conf for the auto-join size rule: the larger of
 *  its conference-state/user-count and the number of <user> elements (a
 *  document that under-reports its size must not unlock an automatic
 *  join). 0 for NULL. */
uint32_t confinfo_chat_user_count(const struct confinfo_conf *conf);

/**
 * Compare the `entity` of a received document with the URI the client
 * subscribed to (section 1). They match when byte-identical, or when both
 * are valid and have the same scheme, user part, normalised host, port and
 * transport and maddr parameters. A mismatch is suspicious (a forged
 * NOTIFY may carry any entity): it is reported as a warning through
 * @p diag.
 *
 * @return true if they match; false (and one warning) otherwise
 */
bool confinfo_chat_entity_matches(const struct confinfo_conf *doc,
				  const struct confinfo_uri *subscribed,
				  struct confinfo_diag *diag);

/* ---------------------------------------------------------------------
 * Following the rooms of one subscription (RFC 7106 section 2).
 *
 * A conference may advertise rooms, withdraw them and advertise them again
 * over its lifetime. A client shows the rooms whenever the advertised set
 * changes, with the verdict on each, and acts on a room (joins it, asks
 * the user, or refuses it) at most once per session: otherwise a notifier
 * re-advertising a room could make the client ask again and again. The
 * tracker holds what that takes: the conference URI the client subscribed
 * to, the policy, the rooms of the last report and a bounded memory of the
 * rooms acted on. It is pure (no I/O, no event loop): the caller feeds it
 * every new state and decides what acting means. Since 0.1.
 * ------------------------------------------------------------------- */

/** Most rooms a tracker remembers as handled: past it
 *  confinfo_chat_tracker_mark() refuses (ENOSPC), so a notifier flooding
 *  the client with rooms cannot grow its memory without bound. */
#define CONFINFO_CHAT_TRACKER_HANDLED_MAX 4096

/** The rooms of one subscription over time; opaque. */
struct confinfo_chat_tracker;

/** One room of a report. */
struct confinfo_chat_tracked {
	/** The room, a view into the state given to
	 *  confinfo_chat_tracker_update(): valid while that state is not
	 *  modified. */
	struct confinfo_chat_room room;
	/** Never NULL, owned by the report. Its @c join is the decision.
	 *  When the conference URI cannot be parsed, every room gets a
	 *  verdict with valid false, @c error saying why, join never, and
	 *  nothing else. */
	struct confinfo_chat_verdict *verdict;
	/** Not advertised in the previous report (every room of the first
	 *  report is). */
	bool added;
};

/** What confinfo_chat_tracker_update() found when the advertised rooms
 *  changed. Release with confinfo_chat_report_free(). */
struct confinfo_chat_report {
	/** No report came before this one: @c added and @c gone say what
	 *  changed since the empty set the tracker starts with. */
	bool first;
	/** The rooms advertised now, in confinfo_chat_rooms() order (NULL
	 *  when there are none). */
	struct confinfo_chat_tracked *rooms;
	size_t count;
	/** The URIs of the previous report that are no longer advertised, in
	 *  the order they had there; owned by the report. */
	char **gone;
	size_t gone_count;
};

/**
 * Create a tracker for the conference URI the client subscribed to (never
 * the entity of a received document, see above).
 *
 * @param tp          on success the new tracker, owned by the caller
 *                    (confinfo_chat_tracker_free())
 * @param conference  the subscribed URI, @p len bytes; one that
 *                    confinfo_chat_conference_parse() refuses is not an
 *                    error: every room is then reported invalid, with the
 *                    reason, and is never joined
 * @param policy      borrowed, must outlive the tracker; NULL for the
 *                    defaults
 * @return 0; EINVAL (@p tp or @p conference NULL); ENOMEM
 */
int confinfo_chat_tracker_alloc(struct confinfo_chat_tracker **tp,
				const char *conference, size_t len,
				const struct confinfo_chat_policy *policy);

/** Release @p t (NULL is fine). */
void confinfo_chat_tracker_free(struct confinfo_chat_tracker *t);

/**
 * Compare the rooms advertised in @p state (confinfo_chat_rooms()) with
 * those of the last report, by URI and order. When they differ, check
 * each room once (confinfo_chat_check_room() with the user count of
 * @p state) and report; otherwise report nothing, so a client that shows
 * every report never shows the same set twice in a row. A change of a
 * room's display text, or of the user count, alone is no change.
 *
 * @param reportp  on success the report, owned by the caller
 *                 (confinfo_chat_report_free()), or NULL when the rooms
 *                 are the same as in the last report
 * @return 0; EINVAL (NULL arguments); ENOMEM (the tracker is unchanged:
 *         the next update reports against the same last report)
 */
int confinfo_chat_tracker_update(struct confinfo_chat_tracker *t,
				 const struct confinfo_conf *state,
				 struct confinfo_chat_report **reportp);

/** Release @p r (NULL is fine). */
void confinfo_chat_report_free(struct confinfo_chat_report *r);

/**
 * Whether the client has acted on the room @p uri in this session (see
 * confinfo_chat_tracker_mark()). URIs compare byte for byte. False for
 * NULL arguments.
 */
bool confinfo_chat_tracker_handled(const struct confinfo_chat_tracker *t,
				   const char *uri);

/**
 * Remember that the client acted on the room @p uri (joined it, asked
 * about it, or refused it), so that confinfo_chat_tracker_handled() says
 * so for the rest of the session. The string is copied. Marking a room
 * twice is fine.
 *
 * @return 0; EINVAL (NULL arguments); ENOSPC (already
 *         CONFINFO_CHAT_TRACKER_HANDLED_MAX rooms remembered: this one is
 *         not, the earlier ones stay); ENOMEM
 */
int confinfo_chat_tracker_mark(struct confinfo_chat_tracker *t,
			       const char *uri);

#ifdef __cplusplus
}
#endif

#endif
