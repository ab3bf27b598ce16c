/*
 * The decoder on valid input: the RFC 4575 examples and our own vectors
 * decode to the exact field values, with the expected warnings; simple
 * values follow their XML Schema lexical spaces; foreign content comes
 * back as self-contained fragments; encode then decode gives the same
 * state. (Refusals are in test_decode_reject.c.)
 *
 * Every input is decoded from a malloc'd copy of exactly its length (no
 * NUL after it), so that ASan reports any read past the end.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "confinfo/xml.h"
#include "dectest.h"
#include "testutil.h"

/* ---------------------------------------------------------------------
 * The RFC 4575 examples.
 * ------------------------------------------------------------------- */

static void test_rfc_basic(void **state)
{
	struct dt_warns w = {0};
	struct confinfo_diag diag = {.warnh = dt_collect, .warn_arg = &w};
	struct confinfo_conf *c = NULL;
	struct confinfo_endpoint *ep;
	struct confinfo_uri_entry *u;
	struct confinfo_media *m;
	struct confinfo_user *bob, *alice;

	(void)state;
	assert_int_equal(
	    dt_decode_file("rfc4575/rfc4575-example-7.1.xml", NULL, &diag, &c),
	    0);
	assert_int_equal(diag.err, 0);
	assert_int_equal(w.n, 0);
	assert_string_equal(c->entity, "sips:conf233@example.com");
	assert_int_equal(c->state, CONFINFO_STATE_FULL);
	assert_true(c->version.set);
	assert_int_equal(c->version.value, 1);
	assert_non_null(c->description);
	assert_string_equal(c->description->subject,
			    "Agenda: This month's goals");
	assert_null(c->description->display_text);
	assert_null(c->description->conf_uris);
	assert_int_equal(c->description->service_uris->entries.count, 1);
	u = dt_item(&c->description->service_uris->entries, 0);
	assert_string_equal(u->uri, "http://sharepoint/salesgroup/");
	assert_string_equal(u->purpose, "web-page");
	assert_null(u->display_text);
	assert_true(c->conf_state->user_count.set);
	assert_int_equal(c->conf_state->user_count.value, 33);
	assert_int_equal(c->conf_state->active, CONFINFO_BOOL_UNSET);
	assert_null(c->host_info);
	assert_null(c->sidebars_by_ref);
	assert_null(c->sidebars_by_val);

	assert_int_equal(c->users->state, CONFINFO_STATE_UNSET);
	assert_int_equal(c->users->users.count, 2);
	bob = confinfo_conf_user(c, "sip:bob@example.com");
	assert_ptr_equal(bob, dt_item(&c->users->users, 0));
	assert_int_equal(bob->state, CONFINFO_STATE_FULL);
	assert_string_equal(bob->display_text, "Bob Hoskins");
	assert_int_equal(bob->endpoints.count, 1);
	ep = confinfo_user_endpoint(bob, "sip:bob@pc33.example.com");
	assert_non_null(ep);
	assert_int_equal(ep->state, CONFINFO_STATE_UNSET);
	assert_string_equal(ep->display_text, "Bob's Laptop");
	assert_int_equal(ep->status, CONFINFO_EP_STATUS_DISCONNECTED);
	assert_int_equal(ep->disconnection_method, CONFINFO_DISC_DEPARTED);
	assert_int_equal(ep->joining_method, CONFINFO_JOIN_UNSET);
	assert_string_equal(ep->disconnection_info->when,
			    "2005-03-04T20:00:00Z");
	assert_string_equal(ep->disconnection_info->reason,
			    "bad voice quality");
	assert_string_equal(ep->disconnection_info->by, "sip:mike@example.com");
	assert_null(ep->call_info);
	m = confinfo_endpoint_media(ep, "1");
	assert_non_null(m);
	assert_string_equal(m->display_text, "main audio");
	assert_string_equal(m->type, "audio");
	assert_string_equal(m->label, "34567");
	assert_string_equal(m->src_id, "432424");
	assert_int_equal(m->status, CONFINFO_MEDIA_STATUS_SENDRECV);

	alice = confinfo_conf_user(c, "sip:alice@example.com");
	assert_ptr_equal(alice, dt_item(&c->users->users, 1));
	assert_string_equal(alice->display_text, "Alice");
	ep = confinfo_user_endpoint(
	    alice, "sip:4kfk4j392jsu@example.com;grid=433kj4j3u");
	assert_non_null(ep);
	assert_null(ep->display_text);
	assert_int_equal(ep->status, CONFINFO_EP_STATUS_CONNECTED);
	assert_int_equal(ep->joining_method, CONFINFO_JOIN_DIALED_OUT);
	assert_string_equal(ep->joining_info->when, "2005-03-04T20:00:00Z");
	assert_null(ep->joining_info->reason);
	assert_string_equal(ep->joining_info->by, "sip:mike@example.com");
	assert_null(ep->disconnection_info);
	m = confinfo_endpoint_media(ep, "1");
	assert_string_equal(m->src_id, "534232");
	assert_true(confinfo_ext_empty(&c->ext));
	confinfo_conf_free(c);
}

static void check_uri(const struct confinfo_uris *l, size_t i, const char *uri,
		      const char *display, const char *purpose)
{
	const struct confinfo_uri_entry *u = dt_item(&l->entries, i);

	assert_string_equal(u->uri, uri);
	if (display)
		assert_string_equal(u->display_text, display);
	else
		assert_null(u->display_text);
	if (purpose)
		assert_string_equal(u->purpose, purpose);
	else
		assert_null(u->purpose);
}

static void test_rfc_rich(void **state)
{
	struct dt_warns w = {0};
	struct confinfo_diag diag = {.warnh = dt_collect, .warn_arg = &w};
	struct confinfo_conf *c = NULL, *side;
	const struct confinfo_description *dsc;
	const struct confinfo_medium *med;
	const struct confinfo_endpoint *ep;
	const struct confinfo_user *bob;
	const struct confinfo_sip_dialog *sip;

	(void)state;
	assert_int_equal(
	    dt_decode_file("rfc4575/rfc4575-example-7.2.xml", NULL, &diag, &c),
	    0);
	assert_int_equal(c->state, CONFINFO_STATE_PARTIAL);
	assert_int_equal(c->version.value, 5);
	dsc = c->description;
	assert_string_equal(dsc->display_text, "Weekly Sales Meeting");
	assert_string_equal(dsc->free_text, "We will start strict on time");
	assert_string_equal(dsc->keywords, "sales meeting weekly");
	assert_int_equal(dsc->conf_uris->entries.count, 3);
	check_uri(dsc->conf_uris, 0, "tel:+18005671234", "TTI Bridge",
		  "participation");
	check_uri(dsc->conf_uris, 1, "h323:conf545@h323.example.com", NULL,
		  "participation");
	check_uri(dsc->conf_uris, 2, "http://real.streaming.com/54634/live.ram",
		  NULL, "streaming");
	assert_int_equal(dsc->service_uris->entries.count, 2);
	check_uri(dsc->service_uris, 0, "http://sharepoint/salesgroup/", NULL,
		  "web-page");
	check_uri(dsc->service_uris, 1,
		  "http://quicktime.com/54634/recording.mov", "Quicktime",
		  "recording");
	assert_true(dsc->maximum_user_count.set);
	assert_int_equal(dsc->maximum_user_count.value, 100);
	assert_int_equal(dsc->available_media->entries.count, 2);
	med = dt_item(&dsc->available_media->entries, 0);
	assert_string_equal(med->label, "34567");
	assert_string_equal(med->display_text, "main audio");
	assert_string_equal(med->type, "audio");
	assert_int_equal(med->status, CONFINFO_MEDIA_STATUS_SENDRECV);
	med = dt_item(&dsc->available_media->entries, 1);
	assert_string_equal(med->label, "34569");
	assert_string_equal(med->type, "video");
	assert_int_equal(med->status, CONFINFO_MEDIA_STATUS_INACTIVE);

	assert_string_equal(c->host_info->display_text, "Sales Host");
	assert_string_equal(c->host_info->web_page,
			    "http://sharepoint/salesgroup/hosts/");
	check_uri(c->host_info->uris, 0, "sip:sales@example.com", NULL, NULL);
	assert_int_equal(c->conf_state->user_count.value, 32);
	assert_int_equal(c->conf_state->active, CONFINFO_BOOL_TRUE);
	assert_int_equal(c->conf_state->locked, CONFINFO_BOOL_FALSE);

	assert_int_equal(c->users->state, CONFINFO_STATE_UNSET);
	assert_int_equal(c->users->users.count, 1);
	bob = confinfo_conf_user(c, "sip:bob@example.com");
	assert_int_equal(bob->state, CONFINFO_STATE_UNSET);
	check_uri(bob->associated_aors, 0, "mailto:bob@example.com", "email",
		  NULL);
	assert_int_equal(bob->roles->count, 1);
	assert_string_equal(bob->roles->entries[0], "participant");
	assert_string_equal(bob->languages, "en");
	ep = confinfo_user_endpoint(bob, "sip:bob@pc33.example.com");
	assert_string_equal(ep->referred->reason, "expert required");
	assert_string_equal(ep->referred->by, "sip:mike@example.com");
	assert_int_equal(ep->status, CONFINFO_EP_STATUS_DISCONNECTING);
	assert_int_equal(ep->joining_method, CONFINFO_JOIN_DIALED_OUT);
	assert_string_equal(ep->joining_info->reason, "invitation");
	assert_int_equal(ep->disconnection_method, CONFINFO_DISC_BOOTED);
	assert_string_equal(ep->disconnection_info->when,
			    "2005-03-04T20:00:00Z");
	assert_string_equal(ep->disconnection_info->reason,
			    "bad voice quality");
	assert_string_equal(confinfo_endpoint_media(ep, "1")->src_id, "432424");
	sip = ep->call_info->sip;
	assert_string_equal(sip->display_text, "full info");
	assert_string_equal(sip->call_id, "hsjh8980vhsb78");
	assert_string_equal(sip->from_tag, "vav738dvbs");
	assert_string_equal(sip->to_tag, "8954jgjg8432");

	assert_int_equal(c->sidebars_by_ref->state, CONFINFO_STATE_PARTIAL);
	check_uri(c->sidebars_by_ref, 0, "sips:conf233@example.com;grid=45",
		  "sidebar with Carol", NULL);
	check_uri(c->sidebars_by_ref, 1, "sips:conf233@example.com;grid=21",
		  "private with Peter", NULL);
	assert_int_equal(c->sidebars_by_val->state, CONFINFO_STATE_PARTIAL);
	assert_int_equal(c->sidebars_by_val->entries.count, 1);
	side = confinfo_list_find(&c->sidebars_by_val->entries,
				  "sips:conf233@example.com;grid=77");
	assert_non_null(side);
	assert_int_equal(side->state, CONFINFO_STATE_PARTIAL);
	assert_false(side->version.set);
	assert_int_equal(side->users->users.count, 3);
	assert_non_null(confinfo_conf_user(side, "sip:mark@example.com"));
	assert_non_null(confinfo_conf_user(side, "sip:dan@example.com"));

	/* The partial document leaves state off <users> twice: the root's
	 * and the sidebar's. Both replace their roster whole. */
	assert_int_equal(w.n, 2);
	assert_int_equal(diag.warnings, 2);
	assert_int_equal(w.line[0], 77);
	assert_int_equal(w.line[1], 158);
	for (unsigned i = 0; i < 2; i++) {
		assert_non_null(strstr(w.msg[i], "default state=full"));
		assert_non_null(strstr(w.msg[i], "<users>"));
	}
	confinfo_conf_free(c);
}

/* ---------------------------------------------------------------------
 * Our valid vectors.
 * ------------------------------------------------------------------- */

static void check_attr(const struct confinfo_ext *e, size_t i, const char *ns,
		       const char *prefix, const char *name, const char *value)
{
	assert_true(i < e->attr_count);
	assert_string_equal(e->attrs[i].ns, ns);
	assert_string_equal(e->attrs[i].prefix, prefix);
	assert_string_equal(e->attrs[i].name, name);
	assert_string_equal(e->attrs[i].value, value);
}

static void check_elem(const struct confinfo_ext *e, size_t i, const char *xml)
{
	assert_true(i < e->elem_count);
	assert_string_equal(e->elems[i], xml);
}

static void test_full_schema(void **state)
{
	struct confinfo_conf *c = NULL, *side;
	const struct confinfo_description *dsc;
	const struct confinfo_user *alice, *bob;
	const struct confinfo_endpoint *ep;
	const struct confinfo_media *m;
	const struct confinfo_uri_entry *u;
	struct confinfo_diag diag = {0};

	(void)state;
	assert_int_equal(
	    dt_decode_file("valid/full-schema.xml", NULL, &diag, &c), 0);
	assert_int_equal(diag.warnings, 0);
	assert_int_equal(c->version.value, 4294967295u);
	check_attr(&c->ext, 0, "urn:example:ext", "ex", "tenant",
		   "blue & green");
	assert_int_equal(c->ext.elem_count, 2);
	/* Comments are dropped; text is escaped again; xml:lang needs no
	 * declaration; the fragment declares the prefix it uses. */
	check_elem(&c->ext, 0,
		   "<ex:policy xmlns:ex=\"urn:example:ext\" xml:lang=\"en\" "
		   "ex:level=\"2\"><ex:rule>no &lt;recording&gt;</ex:rule>"
		   "</ex:policy>");
	check_elem(&c->ext, 1, "<ex:empty xmlns:ex=\"urn:example:ext\"/>");

	dsc = c->description;
	check_attr(&dsc->ext, 0, "urn:example:ext", "ex", "lang", "fr");
	/* The element redeclares ex: to another namespace. */
	check_elem(&dsc->ext, 0,
		   "<ex:room xmlns:ex=\"urn:example:other\" "
		   "ex:capacity=\"12\">Room 7</ex:room>");
	assert_string_equal(dsc->display_text, "Team <call> & co");
	assert_string_equal(dsc->free_text, "  Line one\nline two  ");
	assert_string_equal(dsc->keywords, "budget planning review");
	assert_int_equal(dsc->maximum_user_count.value, 100);
	assert_int_equal(dsc->conf_uris->state, CONFINFO_STATE_FULL);
	u = dt_item(&dsc->conf_uris->entries, 0);
	assert_string_equal(u->modified->when, "2024-01-02T03:04:05Z");
	assert_string_equal(u->modified->reason, "moved");
	assert_string_equal(u->modified->by, "sip:admin@example.com");
	check_elem(&u->ext, 0,
		   "<ex:note xmlns:ex=\"urn:example:ext\" "
		   "priority=\"high\">entry note</ex:note>");
	check_uri(dsc->service_uris, 0, "xmpp:room@conference.example.com?join",
		  NULL, "grouptextchat");
	check_attr(&dsc->available_media->ext, 0, "urn:example:ext", "ex",
		   "mix", "on");
	check_attr(&((struct confinfo_medium *)dt_item(
			 &dsc->available_media->entries, 0))
			->ext,
		   0, "urn:example:ext", "ex", "codec", "opus");
	assert_null(((struct confinfo_medium *)dt_item(
			 &dsc->available_media->entries, 1))
			->display_text);

	assert_string_equal(c->host_info->web_page, "http://example.com/host");
	check_elem(&c->host_info->ext, 0,
		   "<geo:location xmlns:geo=\"urn:example:geo\"><geo:lat>48.85"
		   "</geo:lat><geo:lon>2.35</geo:lon></geo:location>");
	assert_int_equal(c->conf_state->active, CONFINFO_BOOL_TRUE);
	assert_int_equal(c->conf_state->locked, CONFINFO_BOOL_FALSE);
	check_elem(&c->conf_state->ext, 0,
		   "<ex:recording xmlns:ex=\"urn:example:ext\"/>");

	assert_int_equal(c->users->state, CONFINFO_STATE_FULL);
	check_elem(&c->users->ext, 0,
		   "<ex:waiting xmlns:ex=\"urn:example:ext\" count=\"3\"/>");
	alice = confinfo_conf_user(c, "sip:alice@example.com");
	check_attr(&alice->ext, 0, "urn:example:ext", "ex", "vip", "true");
	check_elem(&alice->ext, 0,
		   "<ex:badge xmlns:ex=\"urn:example:ext\">gold</ex:badge>");
	assert_int_equal(alice->roles->count, 2);
	assert_string_equal(alice->roles->entries[1], "participant");
	assert_string_equal(alice->languages, "en fr");
	assert_string_equal(alice->cascaded_focus, "sip:focus2@example.com");
	ep = confinfo_user_endpoint(alice, "sip:alice@pc.example.com");
	assert_int_equal(ep->state, CONFINFO_STATE_FULL);
	assert_string_equal(ep->display_text, "Alice's PC");
	assert_string_equal(ep->referred->reason, "invited");
	assert_int_equal(ep->joining_method, CONFINFO_JOIN_DIALED_IN);
	assert_null(ep->joining_info->by);
	assert_string_equal(ep->disconnection_info->reason, "none yet");
	/* A default namespace set inside the fragment, and undone for a
	 * child in no namespace. */
	check_elem(&ep->ext, 0,
		   "<ex:stats xmlns=\"urn:example:stats\" "
		   "xmlns:ex=\"urn:example:ext\"><loss pct=\"0.1\"/>"
		   "<rtt xmlns=\"\">40</rtt></ex:stats>");
	m = confinfo_endpoint_media(ep, "1");
	assert_int_equal(m->status, CONFINFO_MEDIA_STATUS_SENDONLY);
	check_attr(&m->ext, 0, "urn:example:ext", "ex", "ssrc-group", "a");
	check_elem(&m->ext, 0,
		   "<ex:jitter xmlns:ex=\"urn:example:ext\" ms=\"12\"/>");
	assert_int_equal(confinfo_endpoint_media(ep, "2")->status,
			 CONFINFO_MEDIA_STATUS_RECVONLY);
	assert_string_equal(ep->call_info->sip->call_id, "abc@pc");
	check_elem(&ep->call_info->sip->ext, 0,
		   "<ex:route xmlns:ex=\"urn:example:ext\">edge-1</ex:route>");
	/* call-info's other branch: foreign elements instead of <sip>. */
	ep = confinfo_user_endpoint(alice, "h323:alice@gw.example.com");
	assert_int_equal(ep->status, CONFINFO_EP_STATUS_ON_HOLD);
	assert_null(ep->call_info->sip);
	check_elem(&ep->call_info->ext, 0,
		   "<h323:call xmlns:h323=\"urn:example:h323\" "
		   "h323:id=\"c-1&quot;x&lt;\">conf&amp;id</h323:call>");
	check_elem(&ep->call_info->ext, 1,
		   "<h323:leg xmlns:h323=\"urn:example:h323\"/>");

	bob = confinfo_conf_user(c, "sip:bob@example.com");
	assert_int_equal(bob->endpoints.count, 7);
	assert_int_equal(confinfo_user_endpoint(bob, "sip:bob@phone")->status,
			 CONFINFO_EP_STATUS_MUTED_VIA_FOCUS);
	assert_int_equal(
	    confinfo_user_endpoint(bob, "sip:bob@tablet")->disconnection_method,
	    CONFINFO_DISC_BUSY);
	assert_int_equal(confinfo_user_endpoint(bob, "sip:bob@e")->status,
			 CONFINFO_EP_STATUS_DISCONNECTED);

	check_uri(c->sidebars_by_ref, 0, "sips:conf1@example.com;grid=1",
		  "side 1", NULL);
	side = confinfo_list_find(&c->sidebars_by_val->entries,
				  "sips:conf1@example.com;grid=2");
	assert_true(side->version.set);
	assert_int_equal(side->version.value, 0);
	assert_string_equal(side->description->subject, "Side talk");
	assert_non_null(confinfo_conf_user(side, "sip:alice@example.com"));
	assert_int_equal(c->sidebars_by_val->entries.count, 2);
	confinfo_conf_free(c);
}

static void test_prefixed(void **state)
{
	struct confinfo_conf *c = NULL;
	struct confinfo_diag diag = {0};
	const struct confinfo_user *carol;
	const struct confinfo_endpoint *ep;

	(void)state;
	assert_int_equal(dt_decode_file("valid/prefixed.xml", NULL, &diag, &c),
			 0);
	assert_int_equal(c->version.value, 7);
	carol = confinfo_conf_user(c, "sip:carol@example.com");
	assert_string_equal(carol->display_text, "Carol");
	ep = confinfo_user_endpoint(carol, "sip:carol@host");
	assert_int_equal(ep->status, CONFINFO_EP_STATUS_CONNECTED);
	assert_string_equal(confinfo_endpoint_media(ep, "a")->type, "text");
	check_elem(&carol->ext, 0,
		   "<note xmlns=\"urn:example:default\" kind=\"x\">"
		   "default-namespace foreign element</note>");
	check_uri(c->sidebars_by_ref, 0, "sip:side@example.com", NULL, NULL);
	confinfo_conf_free(c);
}

static void test_redefined_prefix(void **state)
{
	struct confinfo_conf *c = NULL;
	struct confinfo_diag diag = {0};
	const struct confinfo_user *dave, *erin;
	const struct confinfo_endpoint *ep;

	(void)state;
	assert_int_equal(
	    dt_decode_file("valid/redefined-prefix.xml", NULL, &diag, &c), 0);
	assert_int_equal(c->users->users.count, 2);
	dave = confinfo_conf_user(c, "sip:dave@example.com");
	/* <c:endpoint> with c: rebound is foreign content, not a second
	 * endpoint. */
	assert_int_equal(dave->endpoints.count, 1);
	assert_int_equal(confinfo_user_endpoint(dave, "sip:dave@desk")->status,
			 CONFINFO_EP_STATUS_CONNECTED);
	check_elem(&dave->ext, 0,
		   "<c:endpoint xmlns:c=\"urn:example:shadow\" "
		   "entity=\"sip:dave@shadow\"><c:status>bogus</c:status>"
		   "</c:endpoint>");
	erin = confinfo_conf_user(c, "sip:erin@example.com");
	assert_string_equal(erin->display_text, "Erin");
	ep = confinfo_user_endpoint(erin, "sip:erin@phone");
	assert_int_equal(ep->status, CONFINFO_EP_STATUS_ALERTING);
	check_elem(
	    &ep->ext, 0,
	    "<c:tag xmlns:c=\"urn:example:shadow\">shadow child</c:tag>");
	/* <users> in another default namespace: foreign, after ours. */
	check_elem(&c->ext, 0,
		   "<users xmlns=\"urn:example:plain\"><user>not ours "
		   "either</user></users>");
	confinfo_conf_free(c);
}

static void test_partial_states(void **state)
{
	struct dt_warns w = {0};
	struct confinfo_diag diag = {.warnh = dt_collect, .warn_arg = &w};
	struct confinfo_conf *c = NULL, *side;
	const struct confinfo_user *a, *b;

	(void)state;
	assert_int_equal(
	    dt_decode_file("valid/partial-states.xml", NULL, &diag, &c), 0);
	assert_int_equal(c->users->state, CONFINFO_STATE_PARTIAL);
	a = confinfo_conf_user(c, "sip:a@example.com");
	assert_int_equal(a->state, CONFINFO_STATE_DELETED);
	/* Children of a deleted element are ignored. */
	assert_null(a->display_text);
	assert_int_equal(a->endpoints.count, 0);
	b = confinfo_conf_user(c, "sip:b@example.com");
	assert_int_equal(b->state, CONFINFO_STATE_PARTIAL);
	assert_int_equal(confinfo_user_endpoint(b, "sip:b@1")->state,
			 CONFINFO_STATE_DELETED);
	assert_int_equal(confinfo_user_endpoint(b, "sip:b@2")->status,
			 CONFINFO_EP_STATUS_CONNECTED);
	assert_int_equal(confinfo_user_endpoint(b, "sip:b@3")->state,
			 CONFINFO_STATE_UNSET);
	assert_int_equal(confinfo_conf_user(c, "sip:c@example.com")->state,
			 CONFINFO_STATE_FULL);
	assert_int_equal(c->sidebars_by_ref->state, CONFINFO_STATE_DELETED);
	assert_int_equal(c->sidebars_by_ref->entries.count, 0);
	side = confinfo_list_find(&c->sidebars_by_val->entries,
				  "sips:conf@example.com;grid=9");
	assert_int_equal(side->state, CONFINFO_STATE_DELETED);
	side = confinfo_list_find(&c->sidebars_by_val->entries,
				  "sips:conf@example.com;grid=10");
	assert_int_equal(confinfo_conf_user(side, "sip:a@example.com")->state,
			 CONFINFO_STATE_DELETED);

	assert_int_equal(w.n, 3);
	assert_non_null(
	    strstr(w.msg[0], "<user entity=\"sip:a@example.com\">"));
	assert_non_null(strstr(w.msg[0], "deleted"));
	assert_int_equal(w.line[0], 8);
	assert_non_null(strstr(
	    w.msg[1], "default state=full for <endpoint entity=\"sip:b@3\">"));
	assert_int_equal(w.line[1], 16);
	assert_non_null(strstr(w.msg[2], "<sidebars-by-ref>"));
	confinfo_conf_free(c);
}

/* A deleted element may come without the children the schema requires:
 * RFC 4575 4.4 says it should have none. */
static void test_deleted_without_children(void **state)
{
	struct confinfo_conf *c;
	struct confinfo_diag diag = {0};

	(void)state;
	c = dt_must_decode("<conference-info "
			   "xmlns=\"urn:ietf:params:xml:ns:conference-info\" "
			   "entity=\"sip:c@example.com\" state=\"partial\" "
			   "version=\"3\"><sidebars-by-ref state=\"deleted\"/>"
			   "</conference-info>",
			   &diag);
	assert_int_equal(c->sidebars_by_ref->state, CONFINFO_STATE_DELETED);
	assert_int_equal(diag.warnings, 0);
	confinfo_conf_free(c);

	c = dt_must_decode("<conference-info "
			   "xmlns=\"urn:ietf:params:xml:ns:conference-info\" "
			   "entity=\"sip:c@example.com\" state=\"deleted\" "
			   "version=\"9\"><users><user entity=\"x\"/></users>"
			   "<x:y xmlns:x=\"urn:x\"/></conference-info>",
			   &diag);
	assert_int_equal(c->state, CONFINFO_STATE_DELETED);
	assert_null(c->users);
	assert_int_equal(c->ext.elem_count, 0);
	assert_int_equal(diag.warnings, 1);
	confinfo_conf_free(c);
}

/* Whatever the encoder writes back decodes to the same state. */
static void test_round_trip(void **state)
{
	static const char *const files[] = {
	    "rfc4575/rfc4575-example-7.1.xml",
	    "rfc4575/rfc4575-example-7.2.xml",
	    "valid/full-schema.xml",
	    "valid/prefixed.xml",
	    "valid/redefined-prefix.xml",
	    "valid/partial-states.xml",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct confinfo_conf *a = NULL, *b = NULL;
		struct confinfo_diag diag = {0};
		char *xml;

		assert_int_equal(dt_decode_file(files[i], NULL, &diag, &a), 0);
		xml = tu_encode(a);
		b = dt_must_decode(xml, NULL);
		if (!confinfo_conf_equal(a, b))
			fail_msg("%s: decode(encode(x)) != x", files[i]);
		free(xml);
		confinfo_conf_free(a);
		confinfo_conf_free(b);
	}
}

/* Our valid vectors are valid for the schema itself, not just for us. */
static void test_vectors_schema_valid(void **state)
{
	static const char *const files[] = {"full-schema.xml", "prefixed.xml",
					    "redefined-prefix.xml",
					    "partial-states.xml"};
	char cmd[2048];

	(void)state;
	if (system("xmllint --version >/dev/null 2>&1"))
		skip();
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(cmd, sizeof(cmd),
			 "xmllint --noout --nonet --schema '%s' "
			 "'%s/valid/%s' 2>/dev/null",
			 SCHEMA_FILE, VECTORS_DIR, files[i]);
		if (system(cmd))
			fail_msg("valid/%s is not valid for the schema",
				 files[i]);
	}
}

/* ---------------------------------------------------------------------
 * Values of the simple types.
 * ------------------------------------------------------------------- */

static struct confinfo_conf *decode_version(const char *version)
{
	char xml[512];

	snprintf(xml, sizeof(xml),
		 "<conference-info "
		 "xmlns=\"urn:ietf:params:xml:ns:conference-info\" "
		 "entity=\"sip:c@example.com\" version=\"%s\"/>",
		 version);
	return dt_must_decode(xml, NULL);
}

static void test_values(void **state)
{
	static const struct {
		const char *text;
		uint32_t value;
	} versions[] = {
	    {"0", 0},
	    {"007", 7},
	    {" 12 ", 12},
	    {"&#9;13&#10;", 13},
	    {"4294967295", 4294967295u},
	    {"0000000000000000000042", 42},
	};
	static const struct {
		const char *text;
		enum confinfo_bool value;
	} bools[] = {
	    {"true", CONFINFO_BOOL_TRUE},    {"false", CONFINFO_BOOL_FALSE},
	    {"1", CONFINFO_BOOL_TRUE},       {"0", CONFINFO_BOOL_FALSE},
	    {" true\n", CONFINFO_BOOL_TRUE},
	};
	struct confinfo_conf *c;
	char xml[512];

	(void)state;
	for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		c = decode_version(versions[i].text);
		assert_true(c->version.set);
		assert_int_equal(c->version.value, versions[i].value);
		confinfo_conf_free(c);
	}
	for (size_t i = 0; i < sizeof(bools) / sizeof(bools[0]); i++) {
		snprintf(xml, sizeof(xml),
			 DT_ROOT
			 "<conference-state><active>%s</active>"
			 "<locked>%s</locked></conference-state>" DT_END,
			 bools[i].text, bools[i].text);
		c = dt_must_decode(xml, NULL);
		assert_int_equal(c->conf_state->active, bools[i].value);
		assert_int_equal(c->conf_state->locked, bools[i].value);
		assert_false(c->conf_state->user_count.set);
		confinfo_conf_free(c);
	}
	c = dt_must_decode(DT_ROOT
			   "<conference-description><maximum-user-count>"
			   "0</maximum-user-count></conference-description>"
			   "<conference-state><user-count>\n  42\n"
			   "</user-count></conference-state>" DT_END,
			   NULL);
	assert_true(c->description->maximum_user_count.set);
	assert_int_equal(c->description->maximum_user_count.value, 0);
	assert_int_equal(c->conf_state->user_count.value, 42);
	confinfo_conf_free(c);
}

/* xs:dateTime and xs:language lists are checked (what the encoder would
 * refuse to write is refused on reading); sidebars nest up to 8 deep. */
static void test_typed_strings(void **state)
{
	static const char *const good_when[] = {
	    "2005-03-04T20:00:00Z", " 2024-02-29T23:59:59.5+14:00 ",
	    "-0044-03-15T12:00:00", "2000-01-01T24:00:00-05:30"};
	static const char *const bad_when[] = {
	    "2005-03-04",           "2023-02-29T00:00:00Z",
	    "2005-03-04T25:00:00Z", "0000-01-01T00:00:00Z",
	    "2005-3-4T20:00:00Z",   ""};
	struct confinfo_conf *c;
	char xml[1024];
	size_t n = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(good_when) / sizeof(good_when[0]); i++) {
		snprintf(xml, sizeof(xml),
			 DT_ROOT "<users><user entity=\"u\"><languages> en "
				 "fr-CA  x-klingon </languages><endpoint "
				 "entity=\"e\"><referred><when>%s</when>"
				 "</referred></endpoint></user></users>" DT_END,
			 good_when[i]);
		c = dt_must_decode(xml, NULL);
		assert_string_equal(confinfo_conf_user(c, "u")->languages,
				    "en fr-CA x-klingon");
		confinfo_conf_free(c);
	}
	for (size_t i = 0; i < sizeof(bad_when) / sizeof(bad_when[0]); i++) {
		snprintf(xml, sizeof(xml),
			 DT_ROOT "<users><user entity=\"u\"><endpoint "
				 "entity=\"e\"><referred><when>%s</when>"
				 "</referred></endpoint></user></users>" DT_END,
			 bad_when[i]);
		dt_must_fail(xml, NULL, EBADMSG);
	}
	dt_must_fail(DT_ROOT "<users><user entity=\"u\"><languages>"
			     "toolonglang</languages></user></users>" DT_END,
		     NULL, EBADMSG);

	/* Eight conferences nested in the root: the most the encoder
	 * writes. */
	n += (size_t)snprintf(xml + n, sizeof(xml) - n, "%s", DT_ROOT);
	for (int i = 0; i < 8; i++)
		n += (size_t)snprintf(xml + n, sizeof(xml) - n,
				      "<sidebars-by-val><entry entity=\"s%d\">",
				      i);
	for (int i = 0; i < 8; i++)
		n += (size_t)snprintf(xml + n, sizeof(xml) - n,
				      "</entry></sidebars-by-val>");
	n += (size_t)snprintf(xml + n, sizeof(xml) - n, "%s", DT_END);
	assert_true(n < sizeof(xml));
	c = dt_must_decode(xml, NULL);
	free(tu_encode(c));
	confinfo_conf_free(c);
}

/* xs:string is kept as written; anyURI, dateTime and lists collapse. */
static void test_whitespace(void **state)
{
	struct confinfo_conf *c;
	struct confinfo_user *u;
	struct confinfo_endpoint *ep;

	(void)state;
	c = dt_must_decode(
	    DT_ROOT "<conference-description><display-text>  two  spaces  "
		    "</display-text><subject/><keywords> a  b\n c </keywords>"
		    "<service-uris><entry><uri>\n  http://x.example/  \n"
		    "</uri><purpose> web-page </purpose></entry>"
		    "</service-uris></conference-description>"
		    "<users><user entity=\" sip:u@example.com \">"
		    "<display-text>a<!-- comment -->b<?pi x?>c"
		    "<![CDATA[<d>&]]></display-text>"
		    "<languages>\ten  fr\t</languages>"
		    "<endpoint entity=\" ep 1 \"><joining-info><when> "
		    "2024-01-01T00:00:00Z </when><reason> r </reason>"
		    "</joining-info></endpoint></user></users>" DT_END,
	    NULL);
	assert_string_equal(c->description->display_text, "  two  spaces  ");
	assert_string_equal(c->description->subject, "");
	assert_string_equal(c->description->keywords, "a b c");
	check_uri(c->description->service_uris, 0, "http://x.example/", NULL,
		  " web-page ");
	u = confinfo_conf_user(c, "sip:u@example.com");
	assert_non_null(u);
	assert_string_equal(u->display_text, "abc<d>&");
	assert_string_equal(u->languages, "en fr");
	ep = confinfo_user_endpoint(u, " ep 1 ");
	assert_non_null(ep);
	assert_string_equal(ep->joining_info->when, "2024-01-01T00:00:00Z");
	assert_string_equal(ep->joining_info->reason, " r ");
	confinfo_conf_free(c);

	/* Entities and character references, in text and attributes. */
	c = dt_must_decode(
	    DT_ROOT "<users><user entity=\"sip:a&amp;b&#38;c&#x26;d&lt;"
		    "&#x5A;@example.com\"><display-text>&lt;&amp;&gt;&quot;"
		    "&apos;&#233;\xc3\xa9\xe6\x97\xa5</display-text></user>"
		    "</users>" DT_END,
	    NULL);
	u = dt_item(&c->users->users, 0);
	assert_string_equal(u->entity, "sip:a&b&c&d<Z@example.com");
	assert_string_equal(u->display_text,
			    "<&>\"'\xc3\xa9\xc3\xa9\xe6\x97\xa5");
	confinfo_conf_free(c);
}

static void test_encodings_accepted(void **state)
{
	static const char *const prologs[] = {
	    "",
	    "<?xml version=\"1.0\"?>",
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
	    "<?xml version='1.0' encoding='utf-8' standalone='yes'?>\n",
	    "<?xml version=\"1.0\"\n  encoding = \"Utf-8\" ?>",
	    "\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
	    "\xef\xbb\xbf",
	    "<?xml-stylesheet href=\"x\"?><!-- c -->\n",
	};
	char xml[512];

	(void)state;
	for (size_t i = 0; i < sizeof(prologs) / sizeof(prologs[0]); i++) {
		struct confinfo_conf *c;

		snprintf(xml, sizeof(xml), "%s" DT_ROOT DT_END, prologs[i]);
		c = dt_must_decode(xml, NULL);
		assert_string_equal(c->entity, "sip:conf@example.com");
		confinfo_conf_free(c);
	}
}

/* ---------------------------------------------------------------------
 * Content of other namespaces.
 * ------------------------------------------------------------------- */

static void test_foreign(void **state)
{
	struct confinfo_conf *c;
	const struct confinfo_user *u;

	(void)state;
	/* A foreign attribute whose namespace name holds a character
	 * reference: the name is unescaped into a string of its own (fuzz
	 * finding: it was released as if it were a plain malloc() block). */
	c = dt_must_decode(
	    "<conference-info xmlns=\"urn:ietf:params:xml:ns:conference-info\""
	    " xmlns:z=\"urn:z?a=1&amp;b=2\" entity=\"sip:c@example.com\""
	    " version=\"1\" z:k=\"v\"/>",
	    NULL);
	check_attr(&c->ext, 0, "urn:z?a=1&b=2", "z", "k", "v");
	confinfo_conf_free(c);

	/* Look-alike namespaces are not ours: foreign content. */
	c = dt_must_decode(
	    DT_ROOT "<users xmlns=\"urn:ietf:params:xml:ns:conference-info2\""
		    "/><users xmlns=\"URN:IETF:PARAMS:XML:NS:CONFERENCE-INFO\""
		    "/>" DT_END,
	    NULL);
	assert_null(c->users);
	check_elem(
	    &c->ext, 0,
	    "<users xmlns=\"urn:ietf:params:xml:ns:conference-info2\"/>");
	check_elem(&c->ext, 1,
		   "<users xmlns=\"URN:IETF:PARAMS:XML:NS:CONFERENCE-INFO\"/>");
	confinfo_conf_free(c);

	/* Prefixes declared outside the fragment are declared in it, once;
	 * a prefix rebound inside keeps its rebinding local; unprefixed
	 * descendants inherit our default namespace; XInclude is inert;
	 * comments and PIs go; CDATA becomes escaped text; whitespace
	 * references in attribute values survive. */
	c = dt_must_decode(
	    "<conference-info xmlns=\"urn:ietf:params:xml:ns:conference-info\""
	    " xmlns:x=\"urn:x\" xmlns:q=\"urn:q\" entity=\"sip:c@example.com\""
	    " version=\"1\"><users><user entity=\"sip:u@example.com\" "
	    "xml:lang=\"en\" q:tag=\"a&#9;b&#10;c&amp;\">"
	    "<x:a q:n=\"1\"><x:b xmlns:x=\"urn:2\"><x:c/></x:b><x:d/>"
	    "<plain/><!-- gone --><?gone?><![CDATA[<&>]]>t&#13;</x:a>"
	    "</user></users><xi:include xmlns:xi="
	    "\"http://www.w3.org/2001/XInclude\" href=\"file:///etc/passwd\""
	    " parse=\"text\"/>" DT_END,
	    NULL);
	u = dt_item(&c->users->users, 0);
	check_attr(&u->ext, 0, "http://www.w3.org/XML/1998/namespace", "xml",
		   "lang", "en");
	check_attr(&u->ext, 1, "urn:q", "q", "tag", "a\tb\nc&");
	check_elem(&u->ext, 0,
		   "<x:a xmlns:x=\"urn:x\" xmlns:q=\"urn:q\" q:n=\"1\">"
		   "<x:b xmlns:x=\"urn:2\"><x:c/></x:b><x:d/>"
		   "<plain xmlns=\"urn:ietf:params:xml:ns:conference-info\"/>"
		   "&lt;&amp;&gt;t&#13;</x:a>");
	check_elem(&c->ext, 0,
		   "<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" "
		   "href=\"file:///etc/passwd\" parse=\"text\"/>");
	confinfo_conf_free(c);

	/* Attribute values with quotes and whitespace in a fragment. */
	c = dt_must_decode(DT_ROOT "<x:e xmlns:x=\"urn:x\" v='say \"hi\"&#9;"
				   "&amp;&#10;'>a&gt;b</x:e>" DT_END,
			   NULL);
	check_elem(
	    &c->ext, 0,
	    "<x:e xmlns:x=\"urn:x\" v=\"say &quot;hi&quot;&#9;&amp;&#10;\">"
	    "a&gt;b</x:e>");
	confinfo_conf_free(c);
}

static void count_error(void *arg, xmlErrorPtr e)
{
	(void)e;
	(*(int *)arg)++;
}

static void parse_fragments(const struct confinfo_ext *ext, void *arg)
{
	int *checked = arg;

	for (size_t i = 0; i < ext->elem_count; i++) {
		int errors = 0;
		xmlDocPtr doc;

		xmlSetStructuredErrorFunc(&errors, count_error);
		doc = xmlReadMemory(ext->elems[i], (int)strlen(ext->elems[i]),
				    NULL, NULL, XML_PARSE_NONET);
		xmlSetStructuredErrorFunc(NULL, NULL);
		if (!doc || errors)
			fail_msg("fragment not well-formed on its own: %s",
				 ext->elems[i]);
		/* Every element of a fragment is in a namespace (ours or
		 * not): nothing fell out of it for lack of a declaration. */
		assert_non_null(xmlDocGetRootElement(doc)->ns);
		xmlFreeDoc(doc);
		(*checked)++;
	}
}

/* Each fragment stands alone: it parses as a namespace-well-formed
 * document without the context it was cut from. */
static void test_fragments_standalone(void **state)
{
	static const char *const files[] = {"valid/full-schema.xml",
					    "valid/prefixed.xml",
					    "valid/redefined-prefix.xml"};
	int checked = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct confinfo_diag diag = {0};
		struct confinfo_conf *c = NULL;

		assert_int_equal(dt_decode_file(files[i], NULL, &diag, &c), 0);
		dt_each_ext(c, parse_fragments, &checked);
		confinfo_conf_free(c);
	}
	assert_int_equal(checked, 14 + 1 + 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc_basic),
	    cmocka_unit_test(test_rfc_rich),
	    cmocka_unit_test(test_full_schema),
	    cmocka_unit_test(test_prefixed),
	    cmocka_unit_test(test_redefined_prefix),
	    cmocka_unit_test(test_partial_states),
	    cmocka_unit_test(test_deleted_without_children),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_vectors_schema_valid),
	    cmocka_unit_test(test_values),
	    cmocka_unit_test(test_whitespace),
	    cmocka_unit_test(test_typed_strings),
	    cmocka_unit_test(test_encodings_accepted),
	    cmocka_unit_test(test_foreign),
	    cmocka_unit_test(test_fragments_standalone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
