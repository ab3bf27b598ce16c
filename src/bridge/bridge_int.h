/*
 * Private structures of the chat bridge (bridge.h). One file, one job:
 *   ident.c    who an occupant is: bare JID -> conference user
 *   room.c     the occupants of one room, by nick
 *   overlay.c  the bridge's layer on a conference state (pure)
 *   hook.c     the mixer hook: execve, JSON on stdin, timeout, rate
 *   child.c    the confinfo-xmpp child: spawn, JSON lines, restart
 *   mirror.c   the reverse direction: booted on the call -> kicked
 *   decide.c   what a room presence means and who may enforce it
 *   bridge.c   the glue: conferences, rooms, events
 * Untrusted chat text is made valid, visible and bounded by
 * confinfo_text_clean() (text.h) before it is used.
 * The pure parts (ident, room, overlay, decide) know nothing of
 * libre; the unit tests call them directly.
 */
#ifndef CONFINFO_BRIDGE_INT_H
#define CONFINFO_BRIDGE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* libre's timers. Files that use jansson cannot include libre's umbrella
 * re.h (its re_json.h clashes with jansson's names), and libre's headers
 * have no include guards of their own: this header includes the three it
 * needs unless re.h came first. */
#ifndef RE_H__
#include <re_types.h>

#include <re_list.h>
#include <re_tmr.h>
#endif

#include "confinfo/bridge.h"
#include "confinfo/diag.h"
#include "confinfo/model.h"

/* ---- ident.c ---- */
#define BRIDGE_MAP_MAX_LINES 100000
#define BRIDGE_MAP_LINE_MAX  1024
#define BRIDGE_JID_MAX       1024

struct bridge_map_entry {
	char *jid; /* bare, lower-case */
	char *aor;
};

struct bridge_ident {
	struct bridge_map_entry *map; /* sorted by jid */
	size_t map_count;
	char **shared; /* lower-case domains */
	size_t shared_count;
};

/* The bare form of a JID: no resource, lower-case (ASCII; the server
 * has already applied its own case folding). 0, EINVAL (empty, too
 * long, no domain). */
int bridge_bare_jid(char *out, size_t size, const char *jid);
/* Load the operator mapping file: `bare-jid sip:aor` per line, '#'
 * comments, blank lines. EINVAL with "FILE:LINE: why" in @p diag. */
int bridge_ident_load_map(struct bridge_ident *id, const char *path,
			  struct confinfo_diag *diag);
int bridge_ident_add_shared(struct bridge_ident *id, const char *domain);
void bridge_ident_reset(struct bridge_ident *id);
/* The user of @p conf the bare JID @p bare is, in the order of
 * chat-bridge.md "Identity": the user's associated-aors holds
 * xmpp:bare; the mapping file's AOR is the user (entity or associated
 * AOR); a shared domain's sip:local@domain. Never by nick. NULL: none
 * (chat-only occupants never create users). */
const struct confinfo_user *bridge_ident_user(const struct bridge_ident *id,
					      const struct confinfo_conf *conf,
					      const char *bare);
/* The bare JIDs user @p u is known as (for making chairs room admins):
 * xmpp: associated AORs, the mapping file, a shared domain. Up to @p max
 * malloc'd strings in @p out; returns how many. */
size_t bridge_ident_jids(const struct bridge_ident *id,
			 const struct confinfo_user *u, char **out, size_t max);

/* ---- room.c ---- */
enum bridge_role {
	BRIDGE_ROLE_NONE = 0,
	BRIDGE_ROLE_VISITOR,
	BRIDGE_ROLE_PARTICIPANT,
	BRIDGE_ROLE_MODERATOR,
};
enum bridge_affil {
	BRIDGE_AFFIL_NONE = 0,
	BRIDGE_AFFIL_OUTCAST,
	BRIDGE_AFFIL_MEMBER,
	BRIDGE_AFFIL_ADMIN,
	BRIDGE_AFFIL_OWNER,
};
enum bridge_role bridge_role_parse(const char *s);
enum bridge_affil bridge_affil_parse(const char *s);
const char *bridge_role_str(enum bridge_role r);
const char *bridge_affil_str(enum bridge_affil a);

#define BRIDGE_ROOM_MAX_OCCUPANTS 10000

struct bridge_occupant {
	char *nick; /* as the room has it (bounded by the child) */
	char *bare; /* bare real JID, NULL when the room hides it */
	enum bridge_role role;
	enum bridge_affil affil;
};

struct bridge_room {
	struct bridge_occupant *occ;
	size_t count, cap;
};

struct bridge_occupant *bridge_room_find(const struct bridge_room *r,
					 const char *nick);
/* Add or update occupant @p nick. ENOSPC over the limit, ENOMEM. */
int bridge_room_set(struct bridge_room *r, const char *nick, const char *bare,
		    enum bridge_role role, enum bridge_affil affil,
		    struct bridge_occupant **occp);
void bridge_room_remove(struct bridge_room *r, const char *nick);
void bridge_room_reset(struct bridge_room *r);

/* ---- overlay.c ---- */
/* What the bridge lays over one user of a conference. */
struct bridge_user_overlay {
	const char *entity;
	const char *roles[2]; /* chat-<affiliation>, chat-<role> */
	size_t role_count;
	bool muted;           /* muted-via-focus, audio recvonly */
	const char *muted_by; /* AOR of who muted, for the attribute */
	bool booted;          /* disconnected, booted, disconnection-info */
	const char *when, *reason, *by;
};
/* Strip every chat-* role from @p state (the mixer's input never
 * writes them), then apply @p users' entries to the users @p state lists
 * (entries for unlisted users are ignored: the bridge never creates a
 * user). 0, ENOMEM. */
int bridge_overlay_apply(struct confinfo_conf *state,
			 const struct bridge_user_overlay *users, size_t count);
/* Whether @p u has a role in @p roles (chat-* roles never count). */
bool bridge_user_has_role(const struct confinfo_user *u,
			  const char *const *roles, size_t count);
/* Whether @p u has an endpoint that is not disconnected. */
bool bridge_user_connected(const struct confinfo_user *u);
/* The status of the first audio stream of @p u (UNSET: none). */
enum confinfo_media_status bridge_user_audio(const struct confinfo_user *u);

/* ---- decide.c ---- */
enum bridge_action {
	BRIDGE_ACT_NONE = 0,
	BRIDGE_ACT_MUTE,
	BRIDGE_ACT_UNMUTE,
	BRIDGE_ACT_KICK,
	BRIDGE_ACT_BAN,
};
const char *bridge_action_str(enum bridge_action a);
/* What an occupant presence means for the call (chat-bridge.md
 * "Mapping"): @p prev the occupant as it was (NULL: first seen, e.g. a
 * resync after a rejoin: never an action), @p available, the new role,
 * the status codes. Plain leave, 303, 332/333: none. */
enum bridge_action bridge_decide(const struct bridge_occupant *prev,
				 bool available, enum bridge_role role,
				 const int *status, size_t status_count);

/* Whether an action may reach the call (chat-bridge.md "Authority"):
 * *whyp says why not (static text). */
struct bridge_authority {
	bool bot_admin;         /* the bridge is owner or admin of the room */
	bool sees_jids;         /* whois moderators or anyone */
	bool hook;              /* a hook is configured */
	const char *actor_bare; /* the actor's real JID, NULL: unknown */
	bool actor_allowed;     /* on the allow-list */
	bool actor_chair;       /* maps to a user with a chair role */
	bool target_mapped;     /* the target maps to a user */
};
bool bridge_may_enforce(const struct bridge_authority *a, const char **whyp);

/* ---- hook.c ---- */
struct bridge_hook;
/* ok: exit 0; otherwise @p why (static or short text). */
typedef void(bridge_hook_done_h)(bool ok, const char *why, void *arg);
/* One per conference: its runs go one at a time, at most @p rate
 * starts per 10 s. Freeing it kills the running one and drops the
 * queue without calling their done handlers. */
int bridge_hook_alloc(struct bridge_hook **hp, const char *program,
		      uint32_t timeout_ms, uint32_t rate);
/* Queue one run with @p json on stdin. @p arg is malloc'd and owned by
 * the hook from here on: free()d after @p doneh ran, or when the hook is
 * freed first (then @p doneh never runs). EAGAIN over the rate (@p arg
 * is freed at once), ENOMEM. */
int bridge_hook_run(struct bridge_hook *h, const char *json,
		    bridge_hook_done_h *doneh, void *arg);
void bridge_hook_free(struct bridge_hook *h);

/* ---- child.c ---- */
struct bridge_child;
typedef void(bridge_child_line_h)(const char *line, size_t len, void *arg);
/* started: a new child is running (re-send the joins); stopped: it died
 * or could not be started (why). */
typedef void(bridge_child_state_h)(bool started, const char *why, void *arg);
int bridge_child_alloc(struct bridge_child **cp, const char *const *argv,
		       bridge_child_line_h *lineh, bridge_child_state_h *stateh,
		       void *arg);
/* Queue one line (a newline is added). ENOBUFS when the child does not
 * read (the queue is full: the command is dropped), ENOTCONN when no
 * child runs. */
int bridge_child_send(struct bridge_child *c, const char *line);
/* Ask the child to quit, wait for it up to @p wait_ms, then kill it. */
void bridge_child_free(struct bridge_child *c, uint32_t wait_ms);

/* ---- bridge.c, mirror.c: the glue ---- */
struct confinfo_notifier;

/* What the bridge did or saw for one user of a conference: the
 * enforcement the mixer confirmed, which the overlay shows. */
struct bridge_rec {
	struct bridge_rec *next;
	char *entity;
	bool voice_revoked; /* a mute the hook confirmed, not yet undone */
	bool muted;         /* shown: muted-via-focus + recvonly */
	char *muted_by;
	enum confinfo_media_status mute_audio; /* base audio when muted */
	bool booted;                           /* shown: disconnected, booted */
	bool ban;          /* kept: asked again when the user reappears */
	bool seen_gone;    /* the base showed the user off the call since */
	bool asking;       /* a hook run for this user is under way */
	uint64_t last_ask; /* ms, for the ban re-application rate */
	char *when, *reason, *by;
	char *room_reason;
};

struct bridge_conf {
	struct bridge_conf *next;
	struct confinfo_bridge *b;
	char *name;
	char *room;     /* bare room JID, NULL: no room for this conference */
	char *room_uri; /* as advertised */
	char *refused;  /* the last refused room URI (logged once) */
	bool joined;
	bool sees_jids;
	enum bridge_affil bot_affil;
	struct bridge_room occ;
	struct bridge_rec *recs;
	struct bridge_hook *hook;
	char **mirrored; /* users booted in the base we kicked from the room */
	size_t mirrored_count;
	struct tmr retry; /* a banned user's return, inside the rate window */
};

struct confinfo_bridge {
	struct confinfo_notifier *n;
	char *domain, *nick, *hook;
	char **services, **chairs, **allow;
	size_t service_count, chair_count, allow_count;
	uint32_t hook_timeout_ms, hook_rate;
	bool members_only;
	confinfo_bridge_log_h *logh;
	void *log_arg;
	struct bridge_ident ident;
	struct bridge_child *child;
	struct bridge_conf *confs;
	int next_id;
};

void bridge_log(struct confinfo_bridge *b, const char *conf, const char *what,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Send one command (a jansson object, consumed) to the child. */
int bridge_send(struct confinfo_bridge *b, void *cmd);
struct bridge_rec *bridge_rec_find(struct bridge_conf *bc, const char *entity);
/* mirror.c: look at a new base state of @p bc: users booted by someone
 * else are kicked from the room; a banned user back on the call is
 * booted again (rate-limited); a mute the mixer overrode is dropped. */
void bridge_mirror_observe(struct bridge_conf *bc,
			   const struct confinfo_conf *base);
/* bridge.c: ask the hook to enforce @p action on @p entity. */
int bridge_enforce(struct bridge_conf *bc, enum bridge_action action,
		   const struct confinfo_conf *base, const char *entity,
		   const char *by, const char *reason, const int *status,
		   size_t status_count);

#endif
