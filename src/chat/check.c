/*
 * The verdict on one chat room: docs/chat-rooms.md sections 4 to 6.
 *
 * Every "yes" here has to be earned: same_domain needs a valid room whose
 * destination is provably its host (no maddr, no rerouting header, no
 * xmpp authority, a real irc host) and whose N(host) equals the
 * conference's; name_match needs a canonical room name equal byte for
 * byte to the conference name; an automatic join needs the policy's
 * consent on top, and a host that is no look-alike (lookalike.c). Anything
 * unclear falls to "no" and, through it, to asking the user, which only costs a
 * confirmation.
 */
#include <errno.h>
#include <string.h>

#include "chat/chat_int.h"
#include "model/alloc.h"

const char *confinfo_chat_join_str(enum confinfo_chat_join join)
{
	switch (join) {
	case CONFINFO_CHAT_JOIN_NEVER:
		return "never";
	case CONFINFO_CHAT_JOIN_ASK:
		return "ask";
	case CONFINFO_CHAT_JOIN_AUTO:
		return "auto";
	default:
		return NULL;
	}
}

static bool is_sip(const struct confinfo_uri *u)
{
	return u->scheme == CONFINFO_URI_SCHEME_SIP ||
	       u->scheme == CONFINFO_URI_SCHEME_SIPS;
}

int confinfo_chat_conference_parse(struct confinfo_uri **up, const char *s,
				   size_t len, struct confinfo_diag *diag)
{
	struct confinfo_uri *u = NULL;
	int err;

	if (!up || !s)
		return EINVAL;
	err = confinfo_uri_parse(&u, s, len, NULL, diag);
	if (err)
		return err;
	if (!is_sip(u)) {
		err = confinfo_diag_fail(diag, EBADMSG, 0, 1,
					 "the conference URI must be a sip: or "
					 "sips: URI, not %s:",
					 confinfo_uri_scheme_str(u->scheme));
		confinfo_uri_free(u);
		return err;
	}
	*up = u;
	return 0;
}

void confinfo_chat_verdict_free(struct confinfo_chat_verdict *v)
{
	if (!v)
		return;
	ci_free(v->error);
	ci_free(v->uri_display);
	ci_free(v->host);
	ci_free(v->host_unicode);
	ci_free(v->room.ptr);
	ci_free(v->room_display);
	for (size_t i = 0; i < v->warning_count; i++)
		ci_free(v->warnings[i]);
	ci_free(v->warnings);
	ci_free(v);
}

/* Section 5: the canonical room name, and whether it can ever match. */
static int room_name(struct confinfo_chat_verdict *v,
		     const struct confinfo_uri *u, bool *never)
{
	const struct confinfo_bytes *t = &u->user;
	size_t skip = 0;
	char *name;

	*never = false;
	if (!t->ptr)
		return 0;
	switch (u->scheme) {
	case CONFINFO_URI_SCHEME_SIP:
	case CONFINFO_URI_SCHEME_SIPS:
		if (u->has_password)
			return chat_warn(v, "the user part carries a password "
					    "(user:password): no provable "
					    "room name");
		break;
	case CONFINFO_URI_SCHEME_IRC:
		/* One leading '#' is the usual channel prefix (none means
		 * '#'); '&', '+', '!' and a second '#' name other kinds of
		 * channel that never match a conference name. */
		if (t->len && t->ptr[0] == '#')
			skip = 1;
		if (t->len > skip && strchr("&+!#", t->ptr[skip]) &&
		    t->ptr[skip])
			*never = true;
		break;
	case CONFINFO_URI_SCHEME_XMPP:
		break;
	default:
		return 0;
	}
	name = ci_malloc(t->len - skip + 1);
	if (!name)
		return ENOMEM;
	memcpy(name, t->ptr + skip, t->len - skip);
	name[t->len - skip] = '\0';
	v->room.ptr = name;
	v->room.len = t->len - skip;
	if (u->scheme == CONFINFO_URI_SCHEME_IRC) {
		/* IRC folds ASCII case only (and servers differ beyond it). */
		for (size_t i = 0; i < v->room.len; i++) {
			if (name[i] >= 'A' && name[i] <= 'Z')
				name[i] = (char)(name[i] - 'A' + 'a');
		}
	}
	return 0;
}

/* Section 4: is the destination provably the room's host? Each reason for
 * "no" is told to the user. */
static int destination_provable(struct confinfo_chat_verdict *v,
				const struct confinfo_uri *u, bool *provable)
{
	char *shown = NULL;
	int err = 0;

	*provable = false;
	if (u->has_maddr)
		return chat_warn(v,
				 "maddr parameter: the request is sent "
				 "elsewhere, so the room is not provably on "
				 "%s",
				 v->host);
	if (u->reroute_header) {
		shown = chat_display(u->reroute_header,
				     strlen(u->reroute_header), true, NULL);
		if (!shown)
			return ENOMEM;
		err = chat_warn(v,
				"URI header '%s' can redirect the request, so "
				"the room is not provably on %s",
				shown, v->host);
		ci_free(shown);
		return err;
	}
	if (u->authority) {
		shown = chat_display(u->authority, strlen(u->authority), false,
				     NULL);
		if (!shown)
			return ENOMEM;
		err = chat_warn(v,
				"xmpp authority '%s' names the account to log "
				"in with, not the room: not provably the same "
				"domain",
				shown);
		ci_free(shown);
		return err;
	}
	if (u->scheme == CONFINFO_URI_SCHEME_IRC) {
		if (u->host.kind == CONFINFO_HOST_NONE)
			return chat_warn(v, "irc URL without a host: the "
					    "client's default server, not "
					    "provably the conference's");
		if (u->host.kind == CONFINFO_HOST_NAME && u->host.labels < 2)
			return chat_warn(v,
					 "single-label irc host '%s': "
					 "resolved through local search "
					 "domains, not provably the "
					 "conference's",
					 v->host);
	}
	*provable = true;
	return 0;
}

static bool secure_transport(const struct confinfo_uri *u)
{
	switch (u->scheme) {
	case CONFINFO_URI_SCHEME_SIPS:
	case CONFINFO_URI_SCHEME_HTTPS:
	case CONFINFO_URI_SCHEME_XMPP: /* RFC 6120 mandates TLS */
		return true;
	case CONFINFO_URI_SCHEME_IRC:
		/* 6697: IRC over TLS (RFC 7194); 994: the old ircs port. */
		return u->port == 6697 || u->port == 994;
	default:
		return false;
	}
}

/* Look-alike hosts (docs/chat-rooms.md, implementation notes): a label
 * that mixes scripts, or a host that imitates the conference's by its
 * UTS #39 skeleton, sets v->lookalike, which decide() never joins
 * automatically; each reason is a warning. */
static int host_warnings(struct confinfo_chat_verdict *v,
			 const struct confinfo_uri *conf,
			 const struct confinfo_uri *u)
{
	char scripts[128], why[1024];
	bool lookalike = false;
	int err = 0;

	if (u->host.idn)
		err = chat_warn(v,
				"internationalised host: shown as %s "
				"(Unicode) and %s (A-label)",
				v->host_unicode, v->host);
	if (!err && u->host.idn &&
	    chat_mixed_script(u->host.unicode, scripts, sizeof(scripts))) {
		v->lookalike = true;
		err = chat_warn(v,
				"host %s mixes scripts in one label (%s): it "
				"may imitate another name, so it is never "
				"joined automatically",
				v->host_unicode, scripts);
	}
	/* Names only: an IP literal has no look-alike to speak of, and
	 * pure-ASCII names are checked too ("c0nf" for "conf"). */
	if (!err && u->host.kind == CONFINFO_HOST_NAME &&
	    conf->host.kind == CONFINFO_HOST_NAME)
		err = chat_lookalike(u->host.unicode, conf->host.unicode, why,
				     sizeof(why), &lookalike);
	if (!err && lookalike) {
		v->lookalike = true;
		err = chat_warn(v,
				"%s: a look-alike, never joined "
				"automatically",
				why);
	}
	return err;
}

static int name_warnings(struct confinfo_chat_verdict *v,
			 const struct confinfo_uri *u)
{
	bool escaped = false;
	int err = 0;

	if (v->room.ptr) {
		v->room_display = chat_printable(v->room.ptr, v->room.len)
				      ? ci_strndup(v->room.ptr, v->room.len)
				      : chat_display(v->room.ptr, v->room.len,
						     true, &escaped);
		if (!v->room_display)
			return ENOMEM;
		if (escaped)
			err = chat_warn(v, "the room name holds bytes that are "
					   "not printable UTF-8 (or a NUL): "
					   "shown percent-encoded");
	}
	if (!err && u->user_width_mapped)
		err = chat_warn(v,
				"the room name was written with "
				"fullwidth or halfwidth characters "
				"(mapped to '%s')",
				v->room_display);
	if (!err && u->scheme == CONFINFO_URI_SCHEME_IRC && !u->user.ptr)
		err = chat_warn(v, u->irc_fragment
				       ? "'#...' after the path is a fragment, "
					 "not a channel: this URL names no "
					 "channel (write %%23chan or chan)"
				       : "this irc URL names no channel");
	return err;
}

/* Section 6: auto only with the policy's consent; every refusal that the
 * user might wonder about is explained. */
static int decide(struct confinfo_chat_verdict *v, const struct confinfo_uri *u,
		  const struct confinfo_chat_policy *policy, uint32_t users)
{
	enum confinfo_chat_auto_join mode;
	bool require_name, autoable;
	uint32_t max_users;

	chat_policy_auto(policy, &mode, &require_name, &max_users);
	v->join = CONFINFO_CHAT_JOIN_ASK;
	autoable = (mode == CONFINFO_CHAT_AUTO_SAME_DOMAIN && v->same_domain) ||
		   (mode == CONFINFO_CHAT_AUTO_RELATED &&
		    (v->same_domain || v->related));
	if (!autoable)
		return 0;
	if (v->lookalike)
		return 0; /* the host warnings say why */
	if (u->scheme == CONFINFO_URI_SCHEME_IRC && !u->user.ptr)
		return 0; /* a server is not a room; warned already */
	if (require_name && !v->name_match)
		return chat_warn(v, "not joined automatically: the room name "
				    "does not match the conference name");
	if (users > max_users)
		return chat_warn(v,
				 "not joined automatically: the conference "
				 "has %lu users, more than %lu",
				 (unsigned long)users,
				 (unsigned long)max_users);
	v->join = CONFINFO_CHAT_JOIN_AUTO;
	return 0;
}

static int fill_valid(struct confinfo_chat_verdict *v,
		      const struct confinfo_uri *conf,
		      const struct confinfo_uri *u,
		      const struct confinfo_chat_policy *policy, uint32_t users)
{
	bool never = false, provable = false;
	int err;

	v->valid = true;
	v->scheme = u->scheme;
	v->port = u->port;
	v->secure = secure_transport(u);
	if (u->host.kind != CONFINFO_HOST_NONE) {
		v->host = ci_strdup(u->host.ascii);
		v->host_unicode = ci_strdup(u->host.unicode);
		if (!v->host || !v->host_unicode)
			return ENOMEM;
	}
	err = host_warnings(v, conf, u);
	if (!err)
		err = room_name(v, u, &never);
	if (!err)
		err = name_warnings(v, u);
	if (!err)
		err = destination_provable(v, u, &provable);
	if (err)
		return err;
	v->same_domain =
	    provable && confinfo_uri_host_equal(&conf->host, &u->host);
	v->related =
	    provable && chat_policy_related(policy, &conf->host, &u->host);
	/* The conference name: the decoded user part, unless it carries a
	 * password (then nothing is provable about it). */
	v->name_match = !never && v->room.ptr && !conf->has_password &&
			confinfo_bytes_equal(&v->room, &conf->user);
	return decide(v, u, policy, users);
}

int confinfo_chat_check(struct confinfo_chat_verdict **vp,
			const struct confinfo_uri *conference, const char *room,
			size_t len, const struct confinfo_chat_policy *policy,
			uint32_t users)
{
	struct confinfo_chat_verdict *v = NULL;
	struct confinfo_uri *u = NULL;
	struct confinfo_diag d = {0};
	enum confinfo_uri_err code = CONFINFO_URI_OK;
	int err;

	if (!vp || !conference || (!room && len) || !is_sip(conference))
		return EINVAL;
	v = ci_calloc(1, sizeof(*v));
	if (!v)
		return ENOMEM;
	v->port = -1;
	v->uri_display = chat_display(room, len, false, NULL);
	if (!v->uri_display) {
		err = ENOMEM;
		goto out;
	}
	err = confinfo_uri_parse(&u, room, len, &code, &d);
	if (err == EBADMSG) {
		/* An invalid room is an answer, not a failure. */
		v->error_code = code;
		v->join = CONFINFO_CHAT_JOIN_NEVER;
		v->error =
		    chat_display(d.message, strlen(d.message), false, NULL);
		err = v->error ? 0 : ENOMEM;
	} else if (!err) {
		err = fill_valid(v, conference, u, policy, users);
	}
	if (err)
		goto out;
	*vp = v;
	v = NULL;
out:
	confinfo_uri_free(u);
	confinfo_chat_verdict_free(v);
	return err;
}

int confinfo_chat_check_room(struct confinfo_chat_verdict **vp,
			     const struct confinfo_uri *conference,
			     const struct confinfo_chat_room *room,
			     const struct confinfo_chat_policy *policy,
			     uint32_t users)
{
	struct confinfo_chat_verdict *v = NULL;
	int err;

	if (!vp || !room || !room->entry || !room->entry->uri)
		return EINVAL;
	err = confinfo_chat_check(&v, conference, room->entry->uri,
				  strlen(room->entry->uri), policy, users);
	if (err)
		return err;
	if (room->misspelled)
		err = chat_warn(v,
				"purpose spelled '%s' (as in RFC 7106's "
				"example); the registered value is '%s'",
				CONFINFO_CHAT_PURPOSE_MISSPELLED,
				CONFINFO_CHAT_PURPOSE);
	if (!err && room->in_conf_uris)
		err = chat_warn(v, "listed in <conf-uris>, not "
				   "<service-uris> (unusual)");
	if (err) {
		confinfo_chat_verdict_free(v);
		return err;
	}
	*vp = v;
	return 0;
}

uint32_t confinfo_chat_user_count(const struct confinfo_conf *conf)
{
	uint32_t count = 0;

	if (!conf)
		return 0;
	if (conf->users)
		count = conf->users->users.count > UINT32_MAX
			    ? UINT32_MAX
			    : (uint32_t)conf->users->users.count;
	/* The larger of the two: a document that under-reports its size
	 * must not unlock an automatic join. */
	if (conf->conf_state && conf->conf_state->user_count.set &&
	    conf->conf_state->user_count.value > count)
		count = conf->conf_state->user_count.value;
	return count;
}
