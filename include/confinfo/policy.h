/**
 * @file policy.h
 * @brief The view policy of a focus: which subscriber sees which view
 *        (view.h), and which participants are private (RFC 4575 8.2).
 *
 * A policy is a text file, one statement per line, '#' starts a comment,
 * blank lines are ignored. Sections name the conference their lines apply
 * to: `[NAME]` a conference (a notifier name), `[*]` the default; lines
 * before the first section belong to the default.
 *
 *     chairs VIEW          users with a chair role (see chair-roles)
 *     participants VIEW    users of the conference
 *     authenticated VIEW   any other authenticated subscriber
 *     anonymous VIEW       subscribers without authentication
 *     subscriber URI VIEW  this authenticated identity, whatever its class
 *     private URI          this participant (entity or associated AOR) is
 *                          private
 *     chair-roles ROLE...  roles that make a participant a chair
 *     private-display-text [TEXT]  what private users are called (the rest
 *                          of the line, printable UTF-8; nothing:
 *                          display-text dropped)
 *
 * VIEW is none, public, participant or full. A subscriber is a participant
 * when its authenticated identity is the entity or an associated AOR of a
 * user of the conference (scheme, user and host compared, sips: as sip:),
 * a chair when that user also has a role of chair-roles. Decision, first
 * that applies: subscriber line (the conference's, then the default's),
 * chairs, participants, authenticated, anonymous; each class takes the
 * conference's line, else the default's, else the built-in value (chairs
 * full, participants participant, authenticated public, anonymous public).
 * chair-roles and private-display-text: the conference's, else the
 * default's (built in: chairman moderator; dropped). private: the lines of
 * both sections count.
 *
 * Limits: CONFINFO_POLICY_MAX_SIZE bytes, CONFINFO_POLICY_MAX_LINES lines
 * of at most CONFINFO_POLICY_MAX_LINE bytes, CONFINFO_POLICY_MAX_ENTRIES
 * subscriber and private lines and sections in all. A policy is immutable
 * once parsed: a program reloads by parsing the new file and swapping, so
 * a bad file keeps the old policy.
 *
 * Since 0.2.
 */
#ifndef CONFINFO_POLICY_H
#define CONFINFO_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "confinfo/diag.h"
#include "confinfo/model.h"
#include "confinfo/view.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CONFINFO_POLICY_MAX_SIZE    (1024 * 1024)
#define CONFINFO_POLICY_MAX_LINES   65536
#define CONFINFO_POLICY_MAX_LINE    1024
#define CONFINFO_POLICY_MAX_ENTRIES 10000
#define CONFINFO_POLICY_MAX_ROLES   16

struct confinfo_view_policy;

/**
 * Parse a policy from @p len bytes of @p text into *@p pp (free with
 * confinfo_view_policy_free()). @p diag (optional) gets the line and a
 * message naming what is wrong. Returns 0, EINVAL (a bad line), E2BIG (a
 * limit exceeded: diag->limit "max_size", "max_lines", "max_line" or
 * "max_entries"), ENOMEM. *@p pp is written only on success. Since 0.2.
 */
int confinfo_view_policy_parse(struct confinfo_view_policy **pp,
			       const char *text, size_t len,
			       struct confinfo_diag *diag);

/**
 * Read and parse the policy file @p path (never more than
 * CONFINFO_POLICY_MAX_SIZE + 1 bytes). Errors as
 * confinfo_view_policy_parse(), and errno of open/read. Since 0.2.
 */
int confinfo_view_policy_load(struct confinfo_view_policy **pp,
			      const char *path, struct confinfo_diag *diag);

/** Release @p p; NULL is fine. Since 0.2. */
void confinfo_view_policy_free(struct confinfo_view_policy *p);

/**
 * The view of a subscriber of conference @p conf (a name; NULL: the
 * default section only). @p identity: its authenticated identity (a SIP
 * URI) or NULL; @p participant and @p chair: its class in the current
 * state (see confinfo_view_policy_class()). A NULL @p p answers FULL (no
 * policy: everyone sees everything). Since 0.2.
 */
enum confinfo_view
confinfo_view_policy_decide(const struct confinfo_view_policy *p,
			    const char *conf, const char *identity,
			    bool participant, bool chair);

/**
 * Is user @p u of conference @p conf a chair: has it a role of the
 * chair-roles that apply? Since 0.2.
 */
bool confinfo_view_policy_chair(const struct confinfo_view_policy *p,
				const char *conf,
				const struct confinfo_user *u);

/**
 * Is user @p u of conference @p conf private: named (entity or an
 * associated AOR) by a private line that applies, or marked by the state
 * itself (confinfo_view_user_marked_private())? Since 0.2.
 */
bool confinfo_view_policy_private(const struct confinfo_view_policy *p,
				  const char *conf,
				  const struct confinfo_user *u);

/** The private-display-text that applies to @p conf, or NULL (drop it).
 *  Owned by @p p. Since 0.2. */
const char *
confinfo_view_policy_display_text(const struct confinfo_view_policy *p,
				  const char *conf);

/**
 * The whole decision for one subscriber, offline: the class of
 * @p identity in @p state (a linear scan of its users) and the view.
 * What `confinfo show --as` uses; a notifier indexes the users once per
 * change instead. Since 0.2.
 */
enum confinfo_view
confinfo_view_policy_view(const struct confinfo_view_policy *p,
			  const char *conf, const struct confinfo_conf *state,
			  const char *identity);

/**
 * Normalise a SIP URI for comparing identities: "sip:user@host", scheme
 * sips: read as sip:, scheme and host lower case, no port or parameters.
 * *@p outp is malloc()ed (free()). EINVAL if @p uri is not a sip:/sips:
 * URI with a host, ENOMEM. Since 0.2.
 */
int confinfo_view_policy_identity(const char *uri, char **outp);

/** Is @p u named by normalised identity @p id (its entity or an associated
 *  AOR)? Since 0.2. */
bool confinfo_view_policy_names(const struct confinfo_user *u, const char *id);

#ifdef __cplusplus
}
#endif

#endif
