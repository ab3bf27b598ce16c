/*
 * The stanzas of XEP-0045 the child sends, and the few fields it reads
 * back. Building them here keeps muc.c about the room's life. Every
 * builder returns NULL when out of memory (libstrophe's allocation
 * failures are not reported otherwise).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmppc.h"

#define NS_MUC        "http://jabber.org/protocol/muc"
#define NS_MUC_USER   "http://jabber.org/protocol/muc#user"
#define NS_MUC_ADMIN  "http://jabber.org/protocol/muc#admin"
#define NS_MUC_OWNER  "http://jabber.org/protocol/muc#owner"
#define NS_DATA       "jabber:x:data"
#define NS_DISCO_INFO "http://jabber.org/protocol/disco#info"

/* A new child NAME (namespace NS if not NULL) of PARENT, which holds the
 * only reference. */
xmpp_stanza_t *xc_st_child(xmpp_ctx_t *ctx, xmpp_stanza_t *parent,
			   const char *name, const char *ns)
{
	xmpp_stanza_t *c = xmpp_stanza_new(ctx);

	if (!c)
		return NULL;
	if (xmpp_stanza_set_name(c, name) != XMPP_EOK ||
	    (ns && xmpp_stanza_set_ns(c, ns) != XMPP_EOK) ||
	    xmpp_stanza_add_child(parent, c) != XMPP_EOK) {
		xmpp_stanza_release(c);
		return NULL;
	}
	xmpp_stanza_release(c);
	return c;
}

/* <NAME>TEXT</NAME> under PARENT: 0 or -1. */
int xc_st_text_child(xmpp_ctx_t *ctx, xmpp_stanza_t *parent, const char *name,
		     const char *text)
{
	xmpp_stanza_t *c = xc_st_child(ctx, parent, name, NULL);
	xmpp_stanza_t *t;
	int rc = -1;

	if (!c)
		return -1;
	t = xmpp_stanza_new(ctx);
	if (t && xmpp_stanza_set_text(t, text) == XMPP_EOK &&
	    xmpp_stanza_add_child(c, t) == XMPP_EOK)
		rc = 0;
	if (t)
		xmpp_stanza_release(t);
	return rc;
}

static xmpp_stanza_t *presence_to(xmpp_ctx_t *ctx, const struct xc_room *r)
{
	xmpp_stanza_t *p = xmpp_presence_new(ctx);
	char *to;

	if (!p)
		return NULL;
	to = xmpp_jid_new(ctx, NULL, r->jid, r->nick);
	/* xmpp_jid_new builds "domain/resource" with a NULL node: the room
	 * JID is its "domain" here, which keeps its node intact. */
	if (!to || xmpp_stanza_set_to(p, to) != XMPP_EOK) {
		xmpp_free(ctx, to);
		xmpp_stanza_release(p);
		return NULL;
	}
	xmpp_free(ctx, to);
	return p;
}

/* Join ROOM/NICK, with no history (the bridge wants presences only). */
xmpp_stanza_t *xc_st_join(xmpp_ctx_t *ctx, const struct xc_room *r)
{
	xmpp_stanza_t *p = presence_to(ctx, r), *x, *h;

	if (!p)
		return NULL;
	x = xc_st_child(ctx, p, "x", NS_MUC);
	h = x ? xc_st_child(ctx, x, "history", NULL) : NULL;
	if (!h || xmpp_stanza_set_attribute(h, "maxstanzas", "0") != XMPP_EOK) {
		xmpp_stanza_release(p);
		return NULL;
	}
	return p;
}

xmpp_stanza_t *xc_st_leave(xmpp_ctx_t *ctx, const struct xc_room *r)
{
	xmpp_stanza_t *p = presence_to(ctx, r);

	if (p && xmpp_stanza_set_type(p, "unavailable") != XMPP_EOK) {
		xmpp_stanza_release(p);
		return NULL;
	}
	return p;
}

static xmpp_stanza_t *iq_set(xmpp_ctx_t *ctx, const char *type,
			     const char *room, const char *ns,
			     xmpp_stanza_t **query)
{
	xmpp_stanza_t *iq = xmpp_iq_new(ctx, type, NULL);

	if (!iq)
		return NULL;
	if (xmpp_stanza_set_to(iq, room) != XMPP_EOK ||
	    !(*query = xc_st_child(ctx, iq, "query", ns))) {
		xmpp_stanza_release(iq);
		return NULL;
	}
	return iq;
}

static int form_field(xmpp_ctx_t *ctx, xmpp_stanza_t *x, const char *var,
		      const char *type, const char *value)
{
	xmpp_stanza_t *f = xc_st_child(ctx, x, "field", NULL);

	if (!f || xmpp_stanza_set_attribute(f, "var", var) != XMPP_EOK ||
	    (type && xmpp_stanza_set_attribute(f, "type", type) != XMPP_EOK))
		return -1;
	return xc_st_text_child(ctx, f, "value", value);
}

/* The muc#owner form of XEP-0045 10.1.3 with the fields CFG names:
 * persistent (bool), whois ("moderators"/"anyone"), membersonly (bool).
 * Fields it does not name keep the service's defaults. */
xmpp_stanza_t *xc_st_config(xmpp_ctx_t *ctx, const char *room, json_t *cfg)
{
	static const struct {
		const char *key, *var;
	} bools[] = {
	    {"persistent", "muc#roomconfig_persistentroom"},
	    {"membersonly", "muc#roomconfig_membersonly"},
	};
	xmpp_stanza_t *q, *x, *iq = iq_set(ctx, "set", room, NS_MUC_OWNER, &q);
	json_t *v;
	size_t i;

	if (!iq)
		return NULL;
	x = xc_st_child(ctx, q, "x", NS_DATA);
	if (!x || xmpp_stanza_set_type(x, "submit") != XMPP_EOK ||
	    form_field(ctx, x, "FORM_TYPE", "hidden",
		       "http://jabber.org/protocol/muc#roomconfig"))
		goto fail;
	for (i = 0; i < sizeof(bools) / sizeof(bools[0]); i++) {
		v = json_object_get(cfg, bools[i].key);
		if (json_is_boolean(v) &&
		    form_field(ctx, x, bools[i].var, NULL,
			       json_is_true(v) ? "1" : "0"))
			goto fail;
	}
	v = json_object_get(cfg, "whois");
	if (json_is_string(v) && form_field(ctx, x, "muc#roomconfig_whois",
					    NULL, json_string_value(v)))
		goto fail;
	return iq;
fail:
	xmpp_stanza_release(iq);
	return NULL;
}

/* A muc#admin item change: KEY=VAL (role=..., affiliation=...) for the
 * occupant ATTR=ATTR_VAL (nick=... or jid=...), with an optional REASON. */
xmpp_stanza_t *xc_st_admin(xmpp_ctx_t *ctx, const char *room, const char *key,
			   const char *val, const char *attr,
			   const char *attr_val, const char *reason)
{
	xmpp_stanza_t *q, *item,
	    *iq = iq_set(ctx, "set", room, NS_MUC_ADMIN, &q);

	if (!iq)
		return NULL;
	item = xc_st_child(ctx, q, "item", NULL);
	if (!item || xmpp_stanza_set_attribute(item, key, val) != XMPP_EOK ||
	    xmpp_stanza_set_attribute(item, attr, attr_val) != XMPP_EOK ||
	    (reason && *reason &&
	     xc_st_text_child(ctx, item, "reason", reason))) {
		xmpp_stanza_release(iq);
		return NULL;
	}
	return iq;
}

xmpp_stanza_t *xc_st_disco(xmpp_ctx_t *ctx, const char *room)
{
	xmpp_stanza_t *q;

	return iq_set(ctx, "get", room, NS_DISCO_INFO, &q);
}

/* The status codes of a muc#user <x>, in the order received, as a JSON array
 * (at most 32: a status list longer than that is hostile). */
json_t *xc_st_codes(xmpp_stanza_t *x)
{
	json_t *codes = json_array();
	xmpp_stanza_t *c;
	const char *name, *code;
	char *end;
	long v;

	if (!codes || !x)
		return codes;
	for (c = xmpp_stanza_get_children(x); c; c = xmpp_stanza_get_next(c)) {
		name = xmpp_stanza_get_name(c);
		if (!name || strcmp(name, "status") != 0)
			continue;
		code = xmpp_stanza_get_attribute(c, "code");
		if (!code)
			continue;
		v = strtol(code, &end, 10);
		if (*end || v < 100 || v > 999 || json_array_size(codes) >= 32)
			continue;
		json_array_append_new(codes, json_integer(v));
	}
	return codes;
}

bool xc_st_has_code(json_t *codes, int code)
{
	size_t i;
	json_t *v;

	json_array_foreach(codes, i, v)
	{
		if (json_integer_value(v) == code)
			return true;
	}
	return false;
}

/* From a disco#info result: "anyone" (muc_nonanonymous), "moderators"
 * (muc_semianonymous) or NULL. */
const char *xc_st_whois(xmpp_stanza_t *reply)
{
	xmpp_stanza_t *q, *f;
	const char *name, *var;

	q = xmpp_stanza_get_child_by_name_and_ns(reply, "query", NS_DISCO_INFO);
	for (f = q ? xmpp_stanza_get_children(q) : NULL; f;
	     f = xmpp_stanza_get_next(f)) {
		name = xmpp_stanza_get_name(f);
		var = xmpp_stanza_get_attribute(f, "var");
		if (!name || !var || strcmp(name, "feature") != 0)
			continue;
		if (strcmp(var, "muc_nonanonymous") == 0)
			return "anyone";
		if (strcmp(var, "muc_semianonymous") == 0)
			return "moderators";
	}
	return NULL;
}
