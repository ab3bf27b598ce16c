/*
 * SIP PUBLISH (RFC 3903) as a source of conference state: a mixer (the
 * event publication agent) publishes the full state of conference NAME to
 * sip:NAME@focus. Processing follows RFC 3903 section 6 in its order:
 * package (489), authorization (403), entity tag (400 for several, 412
 * when unknown), expiry (423), body type and size (415, 413), document
 * (400 with the decoder's line and column, decoded within the notifier's
 * limits). Each 200 carries a fresh, never reused entity tag and the
 * granted Expires. The log events of a 413 or of a document refused carry
 * the diagnostics, so that a program can name the limit to raise.
 *
 * Only full documents are accepted: a partial one would need the version
 * history of the publisher, which RFC 4575 does not define for PUBLISH.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confinfo/xml.h"
#include "sipnot.h"

void sipnot_pub_free(struct confinfo_notifier *n, struct sipnot_pub *pub)
{
	if (!pub)
		return;
	sipnot_sched_cancel(&n->sched, &pub->expiry);
	mem_deref(pub->under);
	free(pub->under_source);
	free(pub);
}

void sipnot_pub_end(struct confinfo_notifier *n, struct sipnot_conf *conf)
{
	struct sipnot_pub *pub = conf->pub;
	struct sipnot_snap *under = pub ? pub->under : NULL;
	char *source = pub ? pub->under_source : NULL;
	char *name;

	if (!under) {
		(void)confinfo_notifier_remove_conf(n, conf->name);
		return;
	}
	/* The state the publication replaced (a file of the directory,
	 * the program's) is still there: serve it again. */
	pub->under = NULL;
	pub->under_source = NULL;
	sipnot_pub_free(n, pub);
	conf->pub = NULL;
	name = strdup(conf->name);
	if (!name ||
	    sipnot_conf_apply(n, name, sipnot_snap_base(under), source, NULL))
		(void)confinfo_notifier_remove_conf(n, conf->name);
	free(name);
	free(source);
	mem_deref(under);
}

/* What a new publication of @p conf (NULL: a new conference) replaces:
 * the state of another source, or the fallback of the publication it
 * replaces. ENOMEM only. */
static int pub_take_under(struct sipnot_pub *fresh, struct sipnot_conf *conf)
{
	if (!conf || !conf->snap)
		return 0;
	if (conf->pub) {
		fresh->under = conf->pub->under;
		fresh->under_source = conf->pub->under_source;
		conf->pub->under = NULL;
		conf->pub->under_source = NULL;
		return 0;
	}
	if (!conf->source || !strcmp(conf->source, "publish"))
		return 0;
	fresh->under_source = strdup(conf->source);
	if (!fresh->under_source)
		return ENOMEM;
	fresh->under = mem_ref(conf->snap);
	return 0;
}

static void new_etag(struct confinfo_notifier *n, struct sipnot_pub *pub)
{
	/* The counter makes tags unique in this process; the random part
	 * makes a tag from before a restart useless after it. */
	(void)re_snprintf(pub->etag, sizeof(pub->etag), "%08x%08x",
			  ++n->etag_counter, rand_u32());
}

static void pub_expired(void *arg)
{
	struct sipnot_pub *pub = arg;
	struct sipnot_conf *conf = pub->conf;
	struct confinfo_notifier *n = conf->n;
	char etag[sizeof(pub->etag)];

	/* RFC 3903 6: an expired publication's state is removed. */
	memcpy(etag, pub->etag, sizeof(etag));
	sipnot_log_pub(n, NULL, conf->name, 0, "expired", etag, NULL);
	sipnot_pub_end(n, conf);
}

static void pub_schedule(struct confinfo_notifier *n, struct sipnot_pub *pub,
			 uint32_t expires)
{
	pub->expires_at = tmr_jiffies() + (uint64_t)expires * 1000;
	(void)sipnot_sched_start(&n->sched, &pub->expiry, pub->expires_at,
				 pub_expired, pub);
}

void sipnot_pub_adopt(struct confinfo_notifier *n, struct sipnot_conf *conf)
{
	struct sipnot_pub *pub = calloc(1, sizeof(*pub));

	if (!pub)
		return; /* served without expiry: better than not served */
	pub->conf = conf;
	new_etag(n, pub);
	conf->pub = pub;
	/* In a cluster the publisher's own node ends the publication; an
	 * adopted copy expiring here would remove it for every node. */
	if (!n->cfg.adopted_forever)
		pub_schedule(n, pub, n->cfg.expires_default);
}

static void reply(struct confinfo_notifier *n, const struct sip_msg *msg,
		  const char *conf, uint16_t scode, const char *reason,
		  const char *hdrs)
{
	(void)sipnot_reply(n, msg, scode, reason, hdrs ? "%s" : NULL, hdrs);
	sipnot_log_pub(n, msg, conf, scode, reason, NULL, NULL);
}

/* 413 for a body over the request limit, logged with diagnostics that
 * name it, so that the log can say what to raise. */
static void too_large(struct confinfo_notifier *n, const struct sip_msg *msg,
		      const char *name, uint64_t len)
{
	struct confinfo_diag diag;

	memset(&diag, 0, sizeof(diag));
	diag.limit = "max_body";
	(void)confinfo_diag_fail(&diag, EMSGSIZE, 0, 0,
				 "body of %llu bytes exceeds the limit of %zu "
				 "bytes",
				 (unsigned long long)len, n->cfg.max_body);
	(void)sipnot_reply(n, msg, 413, "Request Entity Too Large", NULL);
	sipnot_log_pub(n, msg, name, 413, "Request Entity Too Large", NULL,
		       &diag);
}

static int parse_expires(const struct sip_msg *msg, uint32_t dfl, uint32_t *ep)
{
	uint64_t v = 0;

	if (!pl_isset(&msg->expires)) {
		*ep = dfl;
		return 0;
	}
	for (size_t i = 0; i < msg->expires.l; i++) {
		char c = msg->expires.p[i];

		if (c == ' ' || c == '\t')
			continue;
		if (c < '0' || c > '9')
			return EBADMSG;
		if (v < UINT32_MAX)
			v = v * 10 + (uint64_t)(c - '0');
	}
	*ep = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
	return 0;
}

/* Decode the body within the notifier's decoder limits; on failure
 * answer 400 with the position, and log the diagnostics, which name the
 * limit when one refused the document. */
static int decode_body(struct confinfo_notifier *n, const struct sip_msg *msg,
		       const char *name, struct confinfo_conf **confp)
{
	struct confinfo_diag diag;
	char why[CONFINFO_DIAG_MSG_SIZE + 32];
	int err;

	memset(&diag, 0, sizeof(diag));
	err = confinfo_xml_decode(confp, (const char *)mbuf_buf(msg->mb),
				  mbuf_get_left(msg->mb), &n->limits, &diag);
	if (err) {
		(void)snprintf(why, sizeof(why), "%u:%u: %s", diag.line,
			       diag.column,
			       diag.message[0] ? diag.message : strerror(err));
		(void)sipnot_reply(n, msg, 400, "Bad Conference Document",
				   "Warning: 399 confinfo \"%s\"\r\n", why);
		sipnot_log_pub(n, msg, name, 400, why, NULL, &diag);
		return err;
	}
	if (confinfo_state_effective((*confp)->state) != CONFINFO_STATE_FULL) {
		confinfo_conf_free(*confp);
		*confp = NULL;
		reply(n, msg, name, 400, "Only Full State May Be Published",
		      NULL);
		return EPROTO;
	}
	return 0;
}

static void reply_ok(struct confinfo_notifier *n, const struct sip_msg *msg,
		     const char *name, const struct sipnot_pub *pub,
		     uint32_t expires, const char *what)
{
	(void)sipnot_reply(n, msg, 200, "OK", "SIP-ETag: %s\r\nExpires: %u\r\n",
			   pub->etag, expires);
	sipnot_log_pub(n, msg, name, 200, what, pub->etag, NULL);
}

static bool etag_cmp(const struct sipnot_conf *conf, const struct pl *etag)
{
	return conf && conf->pub && !pl_strcmp(etag, conf->pub->etag);
}

/* The checks of a PUBLISH that need no state change (RFC 3903 section
 * 6): false when @p msg was answered. */
static bool publish_ok(struct confinfo_notifier *n, const struct sip_msg *msg,
		       const char *name, const struct sipnot_conf *conf,
		       const struct sip_hdr *ifmatch, bool body,
		       uint32_t *expiresp)
{
	uint32_t expires;
	char hdr[48];

	if (sip_msg_hdr_count(msg, SIP_HDR_SIP_IF_MATCH) > 1) {
		reply(n, msg, name, 400, "Several Entity Tags", NULL);
		return false;
	}
	if (ifmatch && !etag_cmp(conf, &ifmatch->val)) {
		reply(n, msg, name, 412, "Conditional Request Failed", NULL);
		return false;
	}
	if (parse_expires(msg, n->cfg.expires_default, &expires)) {
		reply(n, msg, name, 400, "Bad Expires", NULL);
		return false;
	}
	if (expires && expires < n->cfg.expires_min) {
		(void)re_snprintf(hdr, sizeof(hdr), "Min-Expires: %u\r\n",
				  n->cfg.expires_min);
		reply(n, msg, name, 423, "Interval Too Brief", hdr);
		return false;
	}
	if (expires > n->cfg.expires_max)
		expires = n->cfg.expires_max;
	if (!ifmatch && (!body || !expires)) {
		reply(n, msg, name, 400, "Initial PUBLISH Needs A Body", NULL);
		return false;
	}
	*expiresp = expires;
	return true;
}

/* Serve the published @p doc (consumed) as conference @p name, with a new
 * publication when @p fresh: false when @p msg was answered. */
static bool publish_state(struct confinfo_notifier *n,
			  const struct sip_msg *msg, const char *name,
			  struct confinfo_conf *doc, struct sipnot_pub *fresh,
			  struct sipnot_conf **confp)
{
	int err = 0;

	if (doc) {
		err = sipnot_conf_apply(n, name, doc, "publish", confp);
		confinfo_conf_free(doc);
	}
	if (err) {
		/* The fallback goes back to the publication it came from. */
		if (*confp && (*confp)->pub && fresh && !(*confp)->pub->under) {
			(*confp)->pub->under = fresh->under;
			(*confp)->pub->under_source = fresh->under_source;
			fresh->under = NULL;
			fresh->under_source = NULL;
		}
		sipnot_pub_free(n, fresh);
		if (err == ENOSPC) {
			reply(n, msg, name, 503, "Too Many Conferences", NULL);
		} else if (err == EIO) {
			/* The commit callback could not store it: nothing was
			 * served, the publisher tries again later. */
			char hdr[32];

			(void)re_snprintf(hdr, sizeof(hdr),
					  "Retry-After: %u\r\n",
					  n->cfg.retry_after);
			reply(n, msg, name, 503, "State Store Unavailable",
			      hdr);
		} else
			reply(n, msg, name, 500, strerror(err), NULL);
		return false;
	}
	if (fresh) {
		/* A new publication replaces whatever owned the state. */
		sipnot_pub_free(n, (*confp)->pub);
		(*confp)->pub = fresh;
		fresh->conf = *confp;
	}
	return true;
}

static void publish(struct confinfo_notifier *n, const struct sip_msg *msg,
		    const char *name)
{
	const struct sip_hdr *ifmatch = sip_msg_hdr(msg, SIP_HDR_SIP_IF_MATCH);
	struct sipnot_conf *conf = sipnot_conf_find(n, &msg->uri.user);
	struct confinfo_conf *doc = NULL;
	struct sipnot_pub *pub, *fresh = NULL;
	bool body = mbuf_get_left(msg->mb) > 0;
	uint32_t expires;

	if (!publish_ok(n, msg, name, conf, ifmatch, body, &expires))
		return;
	if (ifmatch && !expires) {
		/* Removal: the state goes, subscribers get noresource. */
		(void)sipnot_reply(n, msg, 200, "OK",
				   "SIP-ETag: %s\r\nExpires: 0\r\n",
				   conf->pub->etag);
		sipnot_log_pub(n, msg, name, 200, "remove", conf->pub->etag,
			       NULL);
		sipnot_pub_end(n, conf);
		return;
	}
	/* A body without a Content-Type is not known to be a conference
	 * document (RFC 3261 20.15: a body must have one). */
	if (body &&
	    (!msg->ctyp.type.l ||
	     pl_strcasecmp(&msg->ctyp.type, "application") ||
	     pl_strcasecmp(&msg->ctyp.subtype, "conference-info+xml"))) {
		reply(n, msg, name, 415, "Unsupported Media Type",
		      "Accept: " SIPNOT_CTYPE "\r\n");
		return;
	}
	if (body && decode_body(n, msg, name, &doc))
		return;
	/* Allocate before touching the served state, so that ENOMEM
	 * leaves it as it was. */
	if (!ifmatch) {
		fresh = calloc(1, sizeof(*fresh));
		if (fresh && pub_take_under(fresh, conf)) {
			sipnot_pub_free(n, fresh);
			fresh = NULL;
		}
		if (!fresh) {
			confinfo_conf_free(doc);
			reply(n, msg, name, 500, "Out Of Memory", NULL);
			return;
		}
	}
	if (!publish_state(n, msg, name, doc, fresh, &conf))
		return;
	pub = conf->pub;
	new_etag(n, pub);
	pub_schedule(n, pub, expires);
	reply_ok(n, msg, name, pub, expires,
		 !ifmatch ? "initial"
		 : body   ? "modify"
			  : "refresh");
}

bool sipnot_publish_handler(struct confinfo_notifier *n,
			    const struct sip_msg *msg)
{
	char name[CONFINFO_NOTIFIER_NAME_MAX + 1];
	struct sipevent_event ev;
	const struct sip_hdr *hdr;
	const char *identity;
	uint64_t len;
	int err;

	if (n->shutting_down) {
		(void)sipnot_reply(n, msg, 503, "Shutting Down",
				   "Retry-After: %u\r\n", n->cfg.retry_after);
		return true;
	}
	hdr = sip_msg_hdr(msg, SIP_HDR_EVENT);
	if (!hdr || sip_msg_hdr_count(msg, SIP_HDR_EVENT) != 1 ||
	    sipevent_event_decode(&ev, &hdr->val) ||
	    pl_strcmp(&ev.event, "conference")) {
		reply(n, msg, NULL, 489, "Bad Event",
		      "Allow-Events: conference\r\n");
		return true;
	}
	if (!sipnot_authenticate(n, msg, &identity))
		return true;
	if (!sipnot_may_publish(n, msg, identity)) {
		reply(n, msg, NULL, 403, "Forbidden", NULL);
		return true;
	}
	if (!sipnot_name_valid(msg->uri.user.p, msg->uri.user.l)) {
		reply(n, msg, NULL, 404, "Not A Conference Name", NULL);
		return true;
	}
	(void)pl_strcpy(&msg->uri.user, name, sizeof(name));
	err = sipnot_body_check(msg, n->cfg.max_body, &len);
	if (err == EMSGSIZE) {
		too_large(n, msg, name, len);
		return true;
	}
	if (err) {
		reply(n, msg, name, 400, "Bad Content-Length", NULL);
		return true;
	}
	publish(n, msg, name);
	return true;
}
