/*
 * Helpers for the encoder tests (see enctest.h).
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "confinfo/xml.h"
#include "enctest.h"

/* Parsed once per test program: the schema does not change. */
static xmlSchemaPtr schema;

void *et_nonnull(void *p)
{
	assert_non_null(p);
	return p;
}

xmlDocPtr et_parse(const char *xml)
{
	xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "encoded.xml",
				      NULL, XML_PARSE_NONET);

	if (!doc)
		fail_msg("not well-formed:\n%s", xml);
	return doc;
}

int et_schema_errors(const char *xml)
{
	xmlDocPtr doc = et_parse(xml);
	xmlSchemaValidCtxtPtr v;
	int rc;

	if (!schema) {
		xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(SCHEMA_FILE);

		assert_non_null(pc);
		schema = xmlSchemaParse(pc);
		xmlSchemaFreeParserCtxt(pc);
		assert_non_null(schema);
	}
	v = xmlSchemaNewValidCtxt(schema);
	assert_non_null(v);
	rc = xmlSchemaValidateDoc(v, doc);
	xmlSchemaFreeValidCtxt(v);
	xmlFreeDoc(doc);
	return rc;
}

void et_assert_valid(const char *xml)
{
	int rc = et_schema_errors(xml);

	if (rc != 0)
		fail_msg("not valid against the schema (%d):\n%s", rc, xml);
}

void et_assert_xp(xmlDocPtr doc, const char *expr, const char *want)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr res;
	char *got;

	assert_non_null(ctx);
	xmlXPathRegisterNs(ctx, BAD_CAST "ci", BAD_CAST CONFINFO_NS);
	xmlXPathRegisterNs(ctx, BAD_CAST "x", BAD_CAST ET_XNS);
	xmlXPathRegisterNs(ctx, BAD_CAST "y", BAD_CAST ET_YNS);
	res = xmlXPathEvalExpression(BAD_CAST expr, ctx);
	if (!res)
		fail_msg("bad xpath %s", expr);
	got = (char *)xmlXPathCastToString(res);
	xmlXPathFreeObject(res);
	xmlXPathFreeContext(ctx);
	assert_non_null(got);
	if (strcmp(got, want) != 0)
		fail_msg("%s: got [%s], want [%s]", expr, got, want);
	xmlFree(got);
}

void et_cleanup(void)
{
	xmlSchemaFree(schema);
	schema = NULL;
	xmlCleanupParser();
}

char *et_encode_checked(const struct confinfo_conf *conf)
{
	char *out = tu_encode(conf);
	struct confinfo_conf *back;

	et_assert_valid(out);
	back = tu_decode_str(out);
	if (!confinfo_conf_equal(conf, back))
		fail_msg("decode(encode(x)) != x:\n%s", out);
	confinfo_conf_free(back);
	return out;
}

void et_encode_fails(const struct confinfo_conf *conf, int err)
{
	static char sentinel;
	char *out = &sentinel;
	size_t len = 4242;

	assert_int_equal(confinfo_xml_encode(&out, &len, conf), err);
	assert_ptr_equal(out, &sentinel);
	assert_int_equal(len, 4242);
}

struct confinfo_conf *et_conf(const char *entity, enum confinfo_state state)
{
	struct confinfo_conf *c = NEW(conf);

	SET(c->entity, entity);
	c->state = state;
	return c;
}

struct confinfo_conf *et_minimal(void)
{
	struct confinfo_conf *c =
	    et_conf("sips:conf@example.com", CONFINFO_STATE_UNSET);

	c->version = (struct confinfo_u32){true, 1};
	et_user(c, "sip:alice@example.com");
	return c;
}

struct confinfo_user *et_user(struct confinfo_conf *c, const char *entity)
{
	struct confinfo_user *u = NEW(user);

	if (!c->users)
		c->users = NEW(users);
	SET(u->entity, entity);
	APPEND(c->users->users, u);
	return u;
}

struct confinfo_endpoint *et_endpoint(struct confinfo_user *u,
				      const char *entity)
{
	struct confinfo_endpoint *ep = NEW(endpoint);

	SET(ep->entity, entity);
	APPEND(u->endpoints, ep);
	return ep;
}

struct confinfo_media *et_media(struct confinfo_endpoint *ep, const char *id)
{
	struct confinfo_media *m = NEW(media);

	SET(m->id, id);
	APPEND(ep->media, m);
	return m;
}

struct confinfo_exec *et_exec(const char *when, const char *reason,
			      const char *by)
{
	struct confinfo_exec *x = NEW(exec);

	SET(x->when, when);
	SET(x->reason, reason);
	SET(x->by, by);
	return x;
}

struct confinfo_uri_entry *et_uri(const char *uri, const char *display_text,
				  const char *purpose)
{
	struct confinfo_uri_entry *u = NEW(uri_entry);

	SET(u->uri, uri);
	SET(u->display_text, display_text);
	SET(u->purpose, purpose);
	return u;
}

struct confinfo_uris *et_uris(const char *uri)
{
	struct confinfo_uris *u = NEW(uris);

	APPEND(u->entries, et_uri(uri, NULL, NULL));
	return u;
}

void et_xattr(struct confinfo_ext *ext, const char *ns, const char *prefix,
	      const char *name, const char *value)
{
	assert_int_equal(confinfo_ext_add_attr(ext, ns, prefix, name, value),
			 0);
}

void et_xelem(struct confinfo_ext *ext, const char *xml)
{
	assert_int_equal(confinfo_ext_add_elem(ext, xml, strlen(xml)), 0);
}
