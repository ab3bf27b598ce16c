/*
 * One NOTIFY of an established dialog, already answered 200: its body goes
 * through decode and merge (RFC 4575 section 4.6), then its
 * Subscription-State drives the subscription (RFC 6665 section 4.1.3).
 *
 * The body is processed before the state because a `terminated` NOTIFY may
 * still carry the last state of the conference.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confinfo/merge.h"
#include "confinfo/roster.h"
#include "confinfo/uri.h"
#include "confinfo/xml.h"
#include "sipsub.h"

#define BODY_TYPE    "application"
#define BODY_SUBTYPE "conference-info+xml"

static void decode_warning(unsigned line, unsigned column, const char *msg,
			   void *arg)
{
	struct confinfo_subscriber *sub = arg;

	if (line)
		sipsub_emitf(sub, CONFINFO_SUBSCRIBER_WARNING,
			     "NOTIFY body %u:%u: %s", line, column, msg);
	else
		sipsub_emitf(sub, CONFINFO_SUBSCRIBER_WARNING,
			     "NOTIFY body: %s", msg);
}

/* Does @p entity name the subscribed URI, after normalisation (host
 * case, IDNA, ...)? */
static bool same_uri(const struct confinfo_subscriber *sub, const char *entity)
{
	struct confinfo_uri *u = NULL;
	bool same;

	if (!sub->conf_uri ||
	    confinfo_uri_parse(&u, entity, strlen(entity), NULL, NULL))
		return false;
	same = confinfo_uri_same_target(u, sub->conf_uri);
	confinfo_uri_free(u);
	return same;
}

/* Is @p doc, a full state, a newer state of another entity than
 * @p state? */
static bool renamed(const struct confinfo_conf *state,
		    const struct confinfo_conf *doc)
{
	return state && state->entity && doc->entity &&
	       strcmp(state->entity, doc->entity) &&
	       doc->version.value > state->version.value;
}

/* Report an entity that is not the subscribed URI, once per value. */
static void check_entity(struct confinfo_subscriber *sub,
			 const struct confinfo_conf *doc)
{
	const char *entity = doc->entity;
	struct confinfo_subscriber_event ev;
	char *copy;

	if (!entity || !strcmp(entity, sub->uri))
		return;
	if (same_uri(sub, entity))
		return;
	if (sub->reported_entity && !strcmp(entity, sub->reported_entity))
		return;
	copy = strdup(entity);
	if (copy) {
		free(sub->reported_entity);
		sub->reported_entity = copy;
	}
	memset(&ev, 0, sizeof(ev));
	ev.type = CONFINFO_SUBSCRIBER_ENTITY_MISMATCH;
	ev.message = "the document's entity is not the subscribed URI";
	ev.entity = entity;
	sipsub_emit(sub, &ev);
}

/* The document of the body: a multipart/signed body is taken apart and
 * its signature checked (smime.h; libxml2 only sees the inner document).
 * Refused, the state is kept and the full state asked for: a signature
 * that fails or is missing under require_signed, a framing that yields
 * no document, a document of another type than conference-info. */
static bool open_body(struct confinfo_subscriber *sub,
		      const struct sip_msg *msg, size_t len,
		      struct confinfo_smime_opened *o)
{
	const struct sip_hdr *h = sip_msg_hdr(msg, SIP_HDR_CONTENT_TYPE);
	char why[sizeof(o->why) + 96];

	if (confinfo_smime_open(sub->smime, h ? h->val.p : NULL,
				h ? h->val.l : 0,
				(const char *)mbuf_buf(msg->mb), len, o)) {
		sipsub_resync(sub, "out of memory while opening a NOTIFY",
			      NULL);
		return false;
	}
	sub->cur_smime = o->status;
	if (o->status == CONFINFO_SMIME_FAILED &&
	    (sub->require_signed || !o->body)) {
		snprintf(why, sizeof(why), "NOTIFY signature failed: %s%s",
			 o->why,
			 sub->require_signed ? " (signed state required)" : "");
		sipsub_resync(sub, why, NULL);
		return false;
	}
	if (o->status == CONFINFO_SMIME_UNSIGNED && sub->require_signed) {
		sipsub_resync(sub,
			      "unsigned NOTIFY refused (signed state required)",
			      NULL);
		return false;
	}
	if (!strcmp(o->ctype, BODY_TYPE "/" BODY_SUBTYPE))
		return true;
	snprintf(why, sizeof(why),
		 "NOTIFY body of type %.60s ignored (not "
		 "application/conference-info+xml)",
		 o->ctype);
	sipsub_resync(sub, why, NULL);
	return false;
}

/* Decode a body within the limits; on failure the state is kept and the
 * full state asked for, with the decoder's diagnostics. */
static int decode_body(struct confinfo_subscriber *sub, const char *body,
		       size_t len, struct confinfo_conf **docp)
{
	char why[CONFINFO_DIAG_MSG_SIZE + 64];
	struct confinfo_diag diag;
	const char *what;
	int err;

	memset(&diag, 0, sizeof(diag));
	diag.warnh = decode_warning;
	diag.warn_arg = sub;
	err = confinfo_xml_decode(docp, body, len, &sub->limits, &diag);
	if (!err)
		return 0;
	/* A body over a limit is well-formed, maybe legitimate:
	 * "undecodable" would send its reader looking for a bug. */
	what =
	    diag.limit ? "NOTIFY body over a limit" : "undecodable NOTIFY body";
	if (diag.line)
		snprintf(why, sizeof(why), "%s (%u:%u: %s)", what, diag.line,
			 diag.column,
			 diag.message[0] ? diag.message : strerror(err));
	else
		snprintf(why, sizeof(why), "%s (%s)", what,
			 diag.message[0] ? diag.message : strerror(err));
	if (!diag.err)
		diag.err = err;
	sipsub_resync(sub, why, &diag);
	return err;
}

/* What the merge of the document @p version made of it: an event, and a
 * resync when it could not apply. */
static void merged(struct confinfo_subscriber *sub,
		   enum confinfo_merge_result res,
		   const struct confinfo_diag *diag, uint32_t version,
		   bool full, const struct confinfo_roster_changes *changes,
		   const struct confinfo_smime_opened *o)
{
	struct confinfo_subscriber_event ev;
	char why[CONFINFO_DIAG_MSG_SIZE + 64];

	memset(&ev, 0, sizeof(ev));
	ev.version = version;
	ev.full = full;
	switch (res) {
	case CONFINFO_MERGE_APPLIED:
		if (full)
			sipsub_resynced(sub);
		/* Signed state is state every piece of which was signed. */
		sub->state_verified = (full || sub->state_verified) &&
				      o->status == CONFINFO_SMIME_VERIFIED;
		ev.type = CONFINFO_SUBSCRIBER_STATE;
		ev.message = full ? "full state" : "partial state";
		ev.smime = o->status;
		ev.smime_detail = o->status == CONFINFO_SMIME_VERIFIED
				      ? o->signer
				  : o->status == CONFINFO_SMIME_FAILED ? o->why
								       : NULL;
		ev.state_verified = sub->state_verified;
		ev.state = sub->state;
		ev.changes = changes;
		sipsub_emit(sub, &ev);
		if (sub->state && sub->state->state == CONFINFO_STATE_DELETED &&
		    !sub->closing) {
			/* RFC 4575 section 4.6: the conference is gone; the
			 * subscriber SHOULD unsubscribe. */
			confinfo_subscriber_close(sub, 3000);
		}
		break;
	case CONFINFO_MERGE_STALE:
		ev.type = CONFINFO_SUBSCRIBER_DISCARDED;
		ev.message = diag->message[0] ? diag->message
					      : "stale version: discarded";
		sipsub_emit(sub, &ev);
		if (full)
			sipsub_resynced(sub); /* we are at least as recent */
		break;
	case CONFINFO_MERGE_GAP:
	case CONFINFO_MERGE_INVALID:
		snprintf(why, sizeof(why),
			 "NOTIFY version %u not applied (%s%s%s)",
			 (unsigned)version, confinfo_merge_result_str(res),
			 diag->message[0] ? ": " : "", diag->message);
		/* Only an invalid document was refused by the merge's
		 * checks; a gap is about versions, nothing to raise. */
		sipsub_resync(sub, why,
			      res == CONFINFO_MERGE_INVALID ? diag : NULL);
		break;
	}
}

static void handle_body(struct confinfo_subscriber *sub,
			const struct sip_msg *msg, size_t len)
{
	struct confinfo_smime_opened o;
	struct confinfo_roster_changes *changes = NULL;
	struct confinfo_conf *doc = NULL;
	enum confinfo_merge_result res;
	struct confinfo_diag diag;
	uint32_t version;
	bool full;
	int err;

	if (!len)
		return; /* e.g. pending, or terminated without state */
	sub->cur_smime = CONFINFO_SMIME_UNSIGNED;
	if (!open_body(sub, msg, len, &o) ||
	    decode_body(sub, o.body, o.len, &doc))
		return;
	check_entity(sub, doc);
	version = doc->version.value;
	full = confinfo_state_effective(doc->state) != CONFINFO_STATE_PARTIAL;

	if (full && renamed(sub->state, doc)) {
		/* A newer full state of another entity in this dialog: the
		 * notifier renamed the conference (check_entity() said so).
		 * It replaces the state, as any full state does; merging it
		 * would refuse it at every NOTIFY and resubscribe forever. */
		confinfo_conf_free(sub->state);
		sub->state = NULL;
	}
	/* The merge consumes doc: what it touches is taken first (NULL on
	 * ENOMEM, which means everything). */
	(void)confinfo_roster_changes_from_doc(&changes, doc);
	memset(&diag, 0, sizeof(diag));
	diag.warnh = decode_warning;
	diag.warn_arg = sub;
	err = confinfo_merge_ex(&sub->state, doc, &sub->merge_limits, &res,
				&diag);
	if (err)
		/* ENOMEM: the state is unchanged; a full state repairs it. */
		sipsub_resync(sub, "out of memory while applying a NOTIFY",
			      NULL);
	else
		merged(sub, res, &diag, version, full, changes, &o);
	confinfo_roster_changes_free(changes);
}

static void handle_terminated(struct confinfo_subscriber *sub,
			      const struct sipsub_substate *ss)
{
	const char *r = ss->reason;
	uint64_t retry = 0;

	sub->subscribed = false;
	if (ss->has_retry_after) {
		uint32_t s = ss->retry_after;

		if (s > SIPSUB_RETRY_AFTER_MAX)
			s = SIPSUB_RETRY_AFTER_MAX;
		retry = (uint64_t)s * 1000;
	}
	if (!strcmp(r, "rejected")) {
		sipsub_finish(sub, EACCES, 0, r,
			      "subscription rejected by the notifier");
	} else if (!strcmp(r, "noresource")) {
		sipsub_finish(sub, ENOENT, 0, r,
			      "the conference no longer exists");
	} else if (!strcmp(r, "giveup")) {
		/* RFC 6665 allows a retry here, but the subscription would
		 * most likely land in pending again: a watch tells the user. */
		sipsub_finish(sub, EACCES, 0, r,
			      "the notifier gave up waiting for authorization");
	} else if (!strcmp(r, "invariant")) {
		sipsub_finish(sub, 0, 0, r,
			      "the notifier says the state will not change");
	} else if (!strcmp(r, "deactivated") || !strcmp(r, "timeout")) {
		/* retry-after means nothing for these (RFC 6665 4.1.3). */
		sipsub_terminated(sub, r, 0, "subscription terminated (%s)", r);
	} else {
		/* probation, no reason or an unknown one: may come back,
		 * not before retry-after. */
		sipsub_terminated(sub, r[0] ? r : "none", retry,
				  "subscription terminated (%s)",
				  r[0] ? r : "no reason given");
	}
}

void sipsub_notify_handle(struct confinfo_subscriber *sub,
			  const struct sip_msg *msg, size_t len,
			  const struct sipsub_substate *ss)
{
	if (sub->closing) {
		/* Unsubscribing: only the final NOTIFY matters. */
		if (ss->value == SIPSUB_SS_TERMINATED)
			sipsub_close_notify(sub);
		return;
	}
	sipsub_notify_seen(sub);
	if (ss->value != SIPSUB_SS_TERMINATED)
		sub->subscribed = true;
	handle_body(sub, msg, len);
	if (sub->closing || sub->closed)
		return;

	switch (ss->value) {
	case SIPSUB_SS_ACTIVE:
	case SIPSUB_SS_PENDING:
		if (ss->has_expires)
			sipsub_set_expires(sub, ss->expires);
		break;
	case SIPSUB_SS_TERMINATED:
		handle_terminated(sub, ss);
		break;
	case SIPSUB_SS_EXTENSION:
		break;
	}
}
