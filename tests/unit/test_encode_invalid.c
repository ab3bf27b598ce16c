/*
 * Encoder tests, refusals: states the schema (or RFC 4575 section 4.4)
 * cannot express make confinfo_xml_encode() fail with EINVAL and leave
 * its out-parameters alone. Each case starts from a state that encodes,
 * so the failure is the change's doing.
 */
#include <errno.h>
#include <stdlib.h>

#include "confinfo/xml.h"
#include "enctest.h"
#include "xml/encode.h"

typedef void mutate_fn(struct confinfo_conf *c, struct confinfo_user *u);

static void m_ctl_display(struct confinfo_conf *c, struct confinfo_user *u)
{
	(void)c;
	SET(u->display_text, "Bob\x01");
}

static void m_empty_uris(struct confinfo_conf *c, struct confinfo_user *u)
{
	(void)u;
	c->description = NEW(description);
	c->description->conf_uris = NEW(uris);
}

static void m_uri_without_uri(struct confinfo_conf *c, struct confinfo_user *u)
{
	struct confinfo_uri_entry *e = NEW(uri_entry);

	(void)u;
	/* the list refuses an entry without its key: clear it afterwards
	 * (safe here: a one-item list keeps no hash index) */
	c->sidebars_by_ref = NEW(uris);
	SET(e->uri, "sip:tmp@x");
	SET(e->display_text, "no uri");
	APPEND(c->sidebars_by_ref->entries, e);
	SET(e->uri, NULL);
}

static void m_no_entity(struct confinfo_conf *c, struct confinfo_user *u)
{
	(void)u;
	SET(c->entity, NULL);
}

static void m_empty_roles(struct confinfo_conf *c, struct confinfo_user *u)
{
	(void)c;
	u->roles = NEW(roles);
}

static void m_empty_media(struct confinfo_conf *c, struct confinfo_user *u)
{
	(void)u;
	c->description = NEW(description);
	c->description->available_media = NEW(available_media);
}

static void m_medium_no_type(struct confinfo_conf *c, struct confinfo_user *u)
{
	struct confinfo_medium *m = NEW(medium);

	(void)u;
	SET(m->label, "l");
	c->description = NEW(description);
	c->description->available_media = NEW(available_media);
	APPEND(c->description->available_media->entries, m);
}

static void m_sip_no_totag(struct confinfo_conf *c, struct confinfo_user *u)
{
	struct confinfo_endpoint *ep = et_endpoint(u, "e");

	(void)c;
	ep->call_info = NEW(call_info);
	ep->call_info->sip = NEW(sip_dialog);
	SET(ep->call_info->sip->call_id, "c");
	SET(ep->call_info->sip->from_tag, "f");
}

static void m_sip_and_foreign(struct confinfo_conf *c, struct confinfo_user *u)
{
	struct confinfo_endpoint *ep = et_endpoint(u, "e");

	(void)c;
	ep->call_info = NEW(call_info);
	ep->call_info->sip = NEW(sip_dialog);
	SET(ep->call_info->sip->call_id, "c");
	SET(ep->call_info->sip->from_tag, "f");
	SET(ep->call_info->sip->to_tag, "t");
	et_xelem(&ep->call_info->ext, "<x:a xmlns:x=\"" ET_XNS "\"/>");
}

static void m_bad_enum(struct confinfo_conf *c, struct confinfo_user *u)
{
	(void)c;
	et_endpoint(u, "e")->status = 99;
}

static void m_bad_state(struct confinfo_conf *c, struct confinfo_user *u)
{
	(void)c;
	u->state = 7;
}

static void m_bad_when(struct confinfo_conf *c, struct confinfo_user *u)
{
	(void)c;
	et_endpoint(u, "e")->referred = et_exec("2005-02-29T10:00:00Z", 0, 0);
}

static void m_bad_languages(struct confinfo_conf *c, struct confinfo_user *u)
{
	(void)c;
	SET(u->languages, "en fr,de");
}

static void m_ext_in_uris(struct confinfo_conf *c, struct confinfo_user *u)
{
	(void)u;
	c->sidebars_by_ref = et_uris("sip:s@x");
	et_xelem(&c->sidebars_by_ref->ext, "<x:a xmlns:x=\"" ET_XNS "\"/>");
}

static void m_attr_bad_name(struct confinfo_conf *c, struct confinfo_user *u)
{
	(void)c;
	et_xattr(&u->ext, ET_XNS, "x", "a b", "v");
}

static void m_attr_our_ns(struct confinfo_conf *c, struct confinfo_user *u)
{
	(void)c;
	et_xattr(&u->ext, CONFINFO_NS, "c", "a", "v");
}

static void m_attr_dup(struct confinfo_conf *c, struct confinfo_user *u)
{
	(void)c;
	et_xattr(&u->ext, ET_XNS, "x", "a", "1");
	et_xattr(&u->ext, ET_XNS, "y", "a", "2");
}

static void m_elem_not_elem(struct confinfo_conf *c, struct confinfo_user *u)
{
	(void)c;
	et_xelem(&u->ext, "text");
}

static void m_deleted_in_full(struct confinfo_conf *c, struct confinfo_user *u)
{
	(void)c;
	u->state = CONFINFO_STATE_DELETED; /* <users> is (by default) full */
}

static void m_partial_conf_uris(struct confinfo_conf *c,
				struct confinfo_user *u)
{
	(void)u;
	c->state = CONFINFO_STATE_PARTIAL;
	c->description = NEW(description);
	c->description->conf_uris = et_uris("sip:c@x");
	c->description->conf_uris->state = CONFINFO_STATE_PARTIAL;
}

static void test_einval_cases(void **state)
{
	static const struct {
		const char *what;
		mutate_fn *fn;
	} cases[] = {
	    {"control character in display-text", m_ctl_display},
	    {"empty conf-uris", m_empty_uris},
	    {"uri entry without uri", m_uri_without_uri},
	    {"root without entity", m_no_entity},
	    {"empty roles", m_empty_roles},
	    {"empty available-media", m_empty_media},
	    {"available-media entry without type", m_medium_no_type},
	    {"sip without to-tag", m_sip_no_totag},
	    {"call-info with sip and foreign elements", m_sip_and_foreign},
	    {"endpoint status out of range", m_bad_enum},
	    {"state out of range", m_bad_state},
	    {"when not an xs:dateTime", m_bad_when},
	    {"languages not xs:language", m_bad_languages},
	    {"foreign element in uris-type", m_ext_in_uris},
	    {"foreign attribute name not an NCName", m_attr_bad_name},
	    {"foreign attribute in the RFC 4575 namespace", m_attr_our_ns},
	    {"two foreign attributes with one name", m_attr_dup},
	    {"foreign element that is not an element", m_elem_not_elem},
	    {"deleted user in a full users", m_deleted_in_full},
	    {"partial conf-uris in the atomic description",
	     m_partial_conf_uris},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct confinfo_conf *c = et_minimal();
		char *out = tu_encode(c); /* valid before the change */

		free(out);
		cases[i].fn(c, c->users->users.items[0]);
		print_message("  %s\n", cases[i].what);
		et_encode_fails(c, EINVAL);
		confinfo_conf_free(c);
	}
	assert_int_equal(confinfo_xml_encode(NULL, NULL, NULL), EINVAL);
}

static void test_sidebar_nesting_limit(void **state)
{
	struct confinfo_conf *c = et_minimal(), *at = c, *sb;
	char *out;
	int i;

	(void)state;
	for (i = 0; i < CI_XML_MAX_SIDEBAR_NESTING; i++) {
		at->sidebars_by_val = NEW(sidebars_by_val);
		sb = et_conf("sip:sb@example.com", 0);
		APPEND(at->sidebars_by_val->entries, sb);
		at = sb;
	}
	out = tu_encode(c);
	et_assert_valid(out);
	free(out);
	at->sidebars_by_val = NEW(sidebars_by_val);
	APPEND(at->sidebars_by_val->entries, et_conf("sip:deep@x", 0));
	et_encode_fails(c, EINVAL);
	confinfo_conf_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_einval_cases),
	    cmocka_unit_test(test_sidebar_nesting_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
