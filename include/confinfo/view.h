/**
 * @file view.h
 * @brief Per-subscriber views of a conference state, and participant
 *        privacy (RFC 4575 sections 5.6 and 8.2).
 *
 * RFC 4575 section 8.2: a notifier "MUST be capable of generating distinct
 * conference information views to different subscribers", and "MUST
 * support requests by participants for privacy": no identity of a private
 * participant in any URI, the anonymous URI of section 5.6 instead.
 *
 * confinfo_view_render() turns a full state into the state one class of
 * subscriber may see. It is pure (no SIP, no I/O) and never modifies its
 * input, so a notifier renders each distinct view once per change and
 * diffs and encodes per view, not per subscriber.
 *
 * Privacy is the caller's answer: the params carry a callback that says
 * which users are private. The intended notifier callback returns the
 * policy's answer OR a marker found in the user's foreign content (an
 * attribute or element of a confinfo namespace on <user>, kept by the
 * decoder in user->ext like any extension, set by the mixer from the
 * RFC 3323 Privacy header it saw). This header does not define or decode
 * that marker; it only gives the callback the user to look at.
 *
 * Anonymous URIs are `sip:anonymous<TOKEN>@anonymous.invalid`, the
 * convention of section 5.6. TOKEN comes from a caller-supplied function
 * of (conference URI, identity): libconfinfo links no cryptographic
 * library (libxml2, libidn2, libpsl, libunistring and ICU offer no MAC),
 * so the caller passes a keyed MAC (the notifier: HMAC-SHA256 under a
 * secret of its own, from OpenSSL). The same identity in the same
 * conference always gives the same URI (partial notifications still match
 * the keys of earlier ones), and a MAC keyed with a secret makes URIs of
 * different conferences unlinkable. confinfo_view_token_insecure() is a
 * NOT cryptographic stand-in for tests only.
 *
 * The token depends on (conference, identity) only, so a participant who
 * leaves and rejoins gets the same anonymous URI again. A notifier that
 * wants rejoins unlinkable too mixes a per-participation value into its
 * MAC key (token_arg). Roles, languages, media types, labels and states
 * are not identities and are kept.
 *
 * Render full states only: a notifier renders each view of its full
 * state and diffs consecutive renders of one view (confinfo_diff()); as
 * the anonymous URIs are a function of the state, a partial notification
 * of a view names the same keys as the earlier ones.
 *
 * Since 0.1.
 */
#ifndef CONFINFO_VIEW_H
#define CONFINFO_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "confinfo/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What a subscriber may see. Since 0.1. */
enum confinfo_view {
	CONFINFO_VIEW_NONE = 0,    /**< nothing: refuse the subscription */
	CONFINFO_VIEW_PUBLIC,      /**< description, URIs, chat rooms, host
				    *   info, user count; no users, no
				    *   sidebars */
	CONFINFO_VIEW_PARTICIPANT, /**< everything, private users
				    *   anonymised */
	CONFINFO_VIEW_FULL,        /**< the state as it is */
};

/** "none", "public", "participant" or "full"; NULL for an out-of-range
 *  value. The string is static. Since 0.1. */
const char *confinfo_view_str(enum confinfo_view v);

/** Parse one of the names of confinfo_view_str() (@p len bytes, exact,
 *  case sensitive) into *@p vp. EINVAL if @p s is not one (*@p vp is then
 *  untouched). Since 0.1. */
int confinfo_view_parse(enum confinfo_view *vp, const char *s, size_t len);

/** Room for a token, NUL included (64 hex digits of HMAC-SHA256 fit). */
#define CONFINFO_VIEW_TOKEN_MAX 65

/**
 * Make the token of the anonymous URI of @p identity in the conference
 * @p conf_uri. Write 1 to CONFINFO_VIEW_TOKEN_MAX - 1 characters of
 * [0-9a-z] and a NUL into @p out (@p size bytes). Must be deterministic for
 * a (conf_uri, identity) pair for as long as the participation lasts, and
 * should be a MAC keyed with a secret (HMAC-SHA256, hex) so that tokens of
 * different conferences cannot be linked and identities not guessed.
 * Returns 0 or an errno, which confinfo_view_render() returns.
 * Since 0.1.
 */
typedef int(confinfo_view_token_h)(const char *conf_uri, const char *identity,
				   char *out, size_t size, void *arg);

/**
 * A NOT cryptographic token (two 64-bit FNV-1a hashes, hex), for tests and
 * examples only: anyone can recompute it from a guessed identity, so it
 * does not keep an identity private. Stable per (conf_uri, identity),
 * different across conferences. @p arg is ignored. EINVAL if @p size <
 * 33. Since 0.1.
 */
int confinfo_view_token_insecure(const char *conf_uri, const char *identity,
				 char *out, size_t size, void *arg);

/** True if @p user (of the state being rendered) asked for privacy.
 *  Since 0.1. */
typedef bool(confinfo_view_private_h)(const struct confinfo_user *user,
				      void *arg);

/** The namespace of confinfo's privacy marker. Since 0.2. */
#define CONFINFO_VIEW_PRIVACY_NS "urn:x-confinfo:params:xml:ns:privacy"

/**
 * True if @p user carries the privacy marker of the state that feeds the
 * focus: an attribute `private` of namespace CONFINFO_VIEW_PRIVACY_NS with
 * the value "true" or "1" on <user>, e.g.
 * `<user xmlns:cp="urn:x-confinfo:params:xml:ns:privacy" entity="..."
 * cp:private="true">`. The decoder keeps it in user->ext like any foreign
 * attribute; a mixer sets it when the participant's INVITE carried an RFC
 * 3323 Privacy header asking for id or user privacy. NULL: false.
 * Since 0.2.
 */
bool confinfo_view_user_marked_private(const struct confinfo_user *user);

/** What to render. Zero-initialise, then set what you need. Since 0.1. */
struct confinfo_view_params {
	enum confinfo_view view;
	/** The subscriber's authenticated identity (a SIP URI), or NULL. A
	 *  user whose entity or one of whose associated-aors names the same
	 *  target (confinfo_uri_same_target(), or byte-equal strings when
	 *  either does not parse) is never anonymised: a participant always
	 *  sees themselves. */
	const char *self;
	/** Which users are private; NULL: nobody. */
	confinfo_view_private_h *private_h;
	void *private_arg;
	/** The token function; required for the participant view. */
	confinfo_view_token_h *token_h;
	void *token_arg;
	/** Display text of private users (user and endpoint display-text);
	 *  NULL drops it. Copied. */
	const char *private_display_text;
};

/**
 * Render the view @p p->view of the full state @p state into a new full
 * state *@p outp, owned by the caller (confinfo_conf_free()). @p state is
 * not modified.
 *
 * - FULL: a copy of @p state.
 * - PARTICIPANT: a copy in which every private user, except the one that
 *   is @p p->self, is anonymised:
 *   its entity, associated-aors entries, endpoint entities and
 *   cascaded-focus become anonymous URIs (each identity its own token, so
 *   keys stay distinct); display-text of the user, its aors, endpoints and
 *   media is dropped (the user's and endpoints' replaced by
 *   p->private_display_text when set); call-info/sip gets call-id and
 *   tags made of tokens and no display-text; foreign content (ext) of the
 *   user and everything inside it is dropped (it may name them); and in
 *   the whole document (every user, sidebars too) a `by` of referred,
 *   joining-info, disconnection-info or modified that names one of these
 *   identities becomes the same anonymous URI. Sidebars-by-val are
 *   rendered the same way, with the root conference's URI for the tokens.
 * - PUBLIC: entity, version, description, host-info, conference-state
 *   (its user-count set to the number of users when @p state has none),
 *   sidebars-by-ref and root foreign content; no users, no
 *   sidebars-by-val.
 * - NONE: *@p outp is set to NULL and 0 returned: the caller refuses the
 *   subscription (403).
 *
 * Returns 0, EINVAL (NULL argument, a state without entity, an unknown
 * view, no token_h for PARTICIPANT, a token that is not [0-9a-z]+),
 * EEXIST (an anonymous URI equal to another key of its list: a token
 * collision, or a state that already holds that anonymous URI), ENOMEM,
 * or the token function's error. *@p outp is written only on
 * success.
 * Since 0.1.
 */
int confinfo_view_render(struct confinfo_conf **outp,
			 const struct confinfo_conf *state,
			 const struct confinfo_view_params *p);

#ifdef __cplusplus
}
#endif

#endif
