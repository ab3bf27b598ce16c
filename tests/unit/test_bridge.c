/*
 * The pure parts of the chat bridge (src/bridge): identity (a nick never
 * maps, unmapped occupants never create users, two resources are one
 * user, mapping file errors with their line), the overlay (roles replace
 * exactly the chat-* subset, the mute and boot representation, the
 * mixer's input cannot write chat-* roles), what a presence means, who
 * may enforce it, and the cleaning of chat text.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bridge/bridge_int.h"
#include "testutil.h"

static const char doc[] =
    "<conference-info xmlns='urn:ietf:params:xml:ns:conference-info'"
    " entity='sip:weekly@localhost' state='full' version='1'><users>"
    "<user entity='sip:alice@localhost'><display-text>Alice</display-text>"
    "<associated-aors><entry><uri>xmpp:alice@localhost</uri></entry>"
    "</associated-aors><roles><entry>chair</entry>"
    "<entry>chat-owner</entry></roles>"
    "<endpoint entity='sip:alice@pc'><status>connected</status>"
    "<media id='1'><type>audio</type><status>sendrecv</status></media>"
    "<media id='2'><type>video</type><status>sendrecv</status></media>"
    "</endpoint></user>"
    "<user entity='sip:bob@localhost'><display-text>bob</display-text>"
    "<endpoint entity='sip:bob@pc'><status>connected</status></endpoint>"
    "</user>"
    "<user entity='sip:carol@example.com'>"
    "<associated-aors><entry><uri>sip:carol@localhost</uri></entry>"
    "</associated-aors></user>"
    "</users></conference-info>";

/* ------------------------------------------------------------------ */

static void test_bare_jid(void **state)
{
	char b[64];
	(void)state;

	assert_int_equal(bridge_bare_jid(b, sizeof(b), "Alice@LocalHost/Res"),
			 0);
	assert_string_equal(b, "alice@localhost");
	assert_int_equal(bridge_bare_jid(b, sizeof(b), "localhost"), EINVAL);
	assert_int_equal(bridge_bare_jid(b, sizeof(b), "@localhost"), EINVAL);
	assert_int_equal(bridge_bare_jid(b, sizeof(b), "alice@/r"), EINVAL);
	assert_int_equal(bridge_bare_jid(b, sizeof(b), ""), EINVAL);
	assert_int_equal(bridge_bare_jid(b, 8, "alice@localhost"), EINVAL);
}

/* A mapping file with @p text; its path in @p path. */
static void write_map(char *path, size_t size, const char *text)
{
	FILE *f;

	snprintf(path, size, "/tmp/test_bridge_map.%ld", (long)getpid());
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_identity(void **state)
{
	struct confinfo_conf *conf = tu_decode_str(doc);
	struct bridge_ident id = {0};
	char path[64];
	const struct confinfo_user *u;
	(void)state;

	write_map(path, sizeof(path),
		  "# operator mapping\n\nbob@localhost sip:bob@localhost\n"
		  "dave@localhost sip:dave@localhost  # not in the state\n");
	assert_int_equal(bridge_ident_load_map(&id, path, NULL), 0);
	unlink(path);
	assert_int_equal(bridge_ident_add_shared(&id, "LocalHost"), 0);

	/* The user's own xmpp: AOR. */
	u = bridge_ident_user(&id, conf, "alice@localhost");
	assert_non_null(u);
	assert_string_equal(u->entity, "sip:alice@localhost");
	/* The mapping file. */
	u = bridge_ident_user(&id, conf, "bob@localhost");
	assert_non_null(u);
	assert_string_equal(u->entity, "sip:bob@localhost");
	/* The shared namespace, through an associated AOR. */
	u = bridge_ident_user(&id, conf, "carol@localhost");
	assert_non_null(u);
	assert_string_equal(u->entity, "sip:carol@example.com");
	/* Mapped, but the user is not in the state: nobody (never
	 * created). */
	assert_null(bridge_ident_user(&id, conf, "dave@localhost"));
	/* Unmapped, on a domain that is not shared: nobody, even when
	 * its localpart is a user's display text ("bob"). */
	assert_null(bridge_ident_user(&id, conf, "bob@evil.example"));
	assert_null(bridge_ident_user(&id, conf, NULL));
	/* Two resources, one user: the bare JID decides. */
	{
		char b1[64], b2[64];

		assert_int_equal(
		    bridge_bare_jid(b1, sizeof(b1), "alice@localhost/pc"), 0);
		assert_int_equal(
		    bridge_bare_jid(b2, sizeof(b2), "alice@localhost/phone"),
		    0);
		assert_ptr_equal(bridge_ident_user(&id, conf, b1),
				 bridge_ident_user(&id, conf, b2));
	}
	/* The JIDs a chair is known as (admins of a created room). */
	{
		char *jids[4];
		size_t n = bridge_ident_jids(
		    &id, confinfo_conf_user(conf, "sip:alice@localhost"), jids,
		    4);

		assert_int_equal(n, 1);
		assert_string_equal(jids[0], "alice@localhost");
		free(jids[0]);
	}
	bridge_ident_reset(&id);
	confinfo_conf_free(conf);
}

static void map_error(const char *text, unsigned line, const char *what)
{
	struct bridge_ident id = {0};
	struct confinfo_diag diag = {0};
	char path[64], want[128];

	write_map(path, sizeof(path), text);
	assert_int_equal(bridge_ident_load_map(&id, path, &diag), EINVAL);
	unlink(path);
	assert_int_equal(diag.line, line);
	snprintf(want, sizeof(want), "%s:%u: ", path, line);
	assert_non_null(strstr(diag.message, want));
	assert_non_null(strstr(diag.message, what));
	bridge_ident_reset(&id);
}

static void test_map_errors(void **state)
{
	(void)state;
	map_error("a@b sip:a@b\n\nnot-a-jid sip:x@y\n", 3, "not a bare JID");
	map_error("a@b/res sip:a@b\n", 1, "not a bare JID");
	map_error("a@b\n", 1, "expected");
	map_error("a@b sip:a@b extra\n", 1, "expected");
	map_error("a@b tel:+123\n", 1, "not a sip: or sips: AOR");
	map_error("a@b sip:a@b\nA@B sip:c@d\n", 2, "mapped twice");
	{
		struct bridge_ident id = {0};
		struct confinfo_diag diag = {0};

		assert_int_equal(
		    bridge_ident_load_map(&id, "/nonexistent/map", &diag),
		    ENOENT);
		assert_non_null(strstr(diag.message, "/nonexistent/map"));
	}
}

/* ------------------------------------------------------------------ */

static bool has_role(const struct confinfo_user *u, const char *r)
{
	for (size_t i = 0; u->roles && i < u->roles->count; i++)
		if (!strcmp(u->roles->entries[i], r))
			return true;
	return false;
}

static void test_overlay_roles(void **state)
{
	struct confinfo_conf *conf = tu_decode_str(doc);
	struct confinfo_user *alice, *bob;
	struct bridge_user_overlay o[2] = {
	    {.entity = "sip:alice@localhost",
	     .roles = {"chat-admin", "chat-moderator"},
	     .role_count = 2},
	    /* Not in the state: ignored, nobody is created. */
	    {.entity = "sip:eve@localhost",
	     .roles = {"chat-member"},
	     .role_count = 1},
	};
	(void)state;

	assert_int_equal(bridge_overlay_apply(conf, o, 2), 0);
	alice = confinfo_conf_user(conf, "sip:alice@localhost");
	/* The mixer's "chat-owner" is gone; its "chair" stays. */
	assert_int_equal(alice->roles->count, 3);
	assert_string_equal(alice->roles->entries[0], "chair");
	assert_string_equal(alice->roles->entries[1], "chat-admin");
	assert_string_equal(alice->roles->entries[2], "chat-moderator");
	assert_null(confinfo_conf_user(conf, "sip:eve@localhost"));
	assert_int_equal(conf->users->users.count, 3);
	/* Nothing from the room: the chat roles are stripped all the
	 * same (the mixer's input never writes them). */
	assert_int_equal(bridge_overlay_apply(conf, NULL, 0), 0);
	assert_int_equal(alice->roles->count, 1);
	assert_false(has_role(alice, "chat-owner"));
	bob = confinfo_conf_user(conf, "sip:bob@localhost");
	assert_null(bob->roles);
	/* Chair roles are the conference's, never a chat one. */
	{
		const char *chair[] = {"chair"}, *chat[] = {"chat-admin"};

		assert_true(bridge_user_has_role(alice, chair, 1));
		assert_int_equal(bridge_overlay_apply(conf, o, 1), 0);
		assert_false(bridge_user_has_role(alice, chat, 1));
	}
	confinfo_conf_free(conf);
}

static void test_overlay_mute_boot(void **state)
{
	struct confinfo_conf *conf = tu_decode_str(doc);
	struct bridge_user_overlay o[2] = {
	    {.entity = "sip:alice@localhost",
	     .muted = true,
	     .muted_by = "sip:bob@localhost"},
	    {.entity = "sip:bob@localhost",
	     .booted = true,
	     .when = "2026-12-06T20:00:00Z",
	     .reason = "spam",
	     .by = "sip:alice@localhost"},
	};
	const struct confinfo_endpoint *ep;
	char *xml;
	(void)state;

	assert_int_equal(
	    bridge_user_audio(confinfo_conf_user(conf, "sip:alice@localhost")),
	    CONFINFO_MEDIA_STATUS_SENDRECV);
	assert_int_equal(bridge_overlay_apply(conf, o, 2), 0);
	/* Muted: muted-via-focus, audio recvonly (RFC 4575 5.8.5), video
	 * as it was, and who did it. */
	ep = confinfo_user_endpoint(
	    confinfo_conf_user(conf, "sip:alice@localhost"), "sip:alice@pc");
	assert_int_equal(ep->status, CONFINFO_EP_STATUS_MUTED_VIA_FOCUS);
	assert_int_equal(confinfo_endpoint_media(ep, "1")->status,
			 CONFINFO_MEDIA_STATUS_RECVONLY);
	assert_int_equal(confinfo_endpoint_media(ep, "2")->status,
			 CONFINFO_MEDIA_STATUS_SENDRECV);
	assert_int_equal(ep->ext.attr_count, 1);
	assert_string_equal(ep->ext.attrs[0].ns, CONFINFO_BRIDGE_NS);
	assert_string_equal(ep->ext.attrs[0].value, "sip:bob@localhost");
	/* Booted: disconnected, booted, when/reason/by. */
	ep = confinfo_user_endpoint(
	    confinfo_conf_user(conf, "sip:bob@localhost"), "sip:bob@pc");
	assert_int_equal(ep->status, CONFINFO_EP_STATUS_DISCONNECTED);
	assert_int_equal(ep->disconnection_method, CONFINFO_DISC_BOOTED);
	assert_string_equal(ep->disconnection_info->reason, "spam");
	assert_string_equal(ep->disconnection_info->by, "sip:alice@localhost");
	assert_string_equal(ep->disconnection_info->when,
			    "2026-12-06T20:00:00Z");
	assert_false(bridge_user_connected(
	    confinfo_conf_user(conf, "sip:bob@localhost")));
	/* What subscribers receive. */
	xml = tu_encode(conf);
	assert_non_null(strstr(xml, CONFINFO_BRIDGE_NS));
	assert_non_null(strstr(xml, "muted-by=\"sip:bob@localhost\""));
	assert_non_null(
	    strstr(xml, "<disconnection-method>booted</disconnection-method>"));
	free(xml);
	confinfo_conf_free(conf);
}

/* ------------------------------------------------------------------ */

static void test_decide(void **state)
{
	struct bridge_occupant part = {.role = BRIDGE_ROLE_PARTICIPANT};
	struct bridge_occupant vis = {.role = BRIDGE_ROLE_VISITOR};
	int s307[] = {307}, s301[] = {301, 110}, s321[] = {321}, s322[] = {322},
	    s303[] = {303}, s332[] = {332}, s333[] = {333};
	(void)state;

	/* Voice is a transition. */
	assert_int_equal(
	    bridge_decide(&part, true, BRIDGE_ROLE_VISITOR, NULL, 0),
	    BRIDGE_ACT_MUTE);
	assert_int_equal(
	    bridge_decide(&vis, true, BRIDGE_ROLE_PARTICIPANT, NULL, 0),
	    BRIDGE_ACT_UNMUTE);
	assert_int_equal(
	    bridge_decide(&vis, true, BRIDGE_ROLE_VISITOR, NULL, 0),
	    BRIDGE_ACT_NONE);
	/* First seen (a join, a resync after a rejoin): nothing. */
	assert_int_equal(
	    bridge_decide(NULL, true, BRIDGE_ROLE_VISITOR, NULL, 0),
	    BRIDGE_ACT_NONE);
	/* Removals. */
	assert_int_equal(bridge_decide(&part, false, BRIDGE_ROLE_NONE, s307, 1),
			 BRIDGE_ACT_KICK);
	assert_int_equal(bridge_decide(NULL, false, BRIDGE_ROLE_NONE, s301, 2),
			 BRIDGE_ACT_BAN);
	assert_int_equal(bridge_decide(&part, false, BRIDGE_ROLE_NONE, s321, 1),
			 BRIDGE_ACT_KICK);
	assert_int_equal(bridge_decide(&part, false, BRIDGE_ROLE_NONE, s322, 1),
			 BRIDGE_ACT_KICK);
	/* A plain leave, a nick change, the service's doing: never. */
	assert_int_equal(bridge_decide(&part, false, BRIDGE_ROLE_NONE, NULL, 0),
			 BRIDGE_ACT_NONE);
	assert_int_equal(bridge_decide(&part, false, BRIDGE_ROLE_NONE, s303, 1),
			 BRIDGE_ACT_NONE);
	assert_int_equal(bridge_decide(&part, false, BRIDGE_ROLE_NONE, s332, 1),
			 BRIDGE_ACT_NONE);
	assert_int_equal(bridge_decide(&part, false, BRIDGE_ROLE_NONE, s333, 1),
			 BRIDGE_ACT_NONE);
}

static void test_authority(void **state)
{
	const struct bridge_authority ok = {.bot_admin = true,
					    .sees_jids = true,
					    .hook = true,
					    .actor_bare = "alice@localhost",
					    .actor_chair = true,
					    .target_mapped = true};
	struct bridge_authority a;
	const char *why = "x";
	(void)state;

	assert_true(bridge_may_enforce(&ok, &why));
	assert_null(why);
	a = ok;
	a.actor_chair = false;
	assert_false(bridge_may_enforce(&a, &why));
	assert_string_equal(why, "the actor is not a conference chair");
	a.actor_allowed = true; /* the allow-list stands in for a chair */
	assert_true(bridge_may_enforce(&a, NULL));
	a = ok;
	a.bot_admin = false;
	assert_false(bridge_may_enforce(&a, &why));
	assert_non_null(strstr(why, "owner or admin"));
	a = ok;
	a.sees_jids = false;
	assert_false(bridge_may_enforce(&a, &why));
	assert_non_null(strstr(why, "real JIDs"));
	a = ok;
	a.hook = false;
	assert_false(bridge_may_enforce(&a, &why));
	assert_non_null(strstr(why, "roles only"));
	a = ok;
	a.actor_bare = NULL;
	assert_false(bridge_may_enforce(&a, &why));
	a = ok;
	a.target_mapped = false;
	assert_false(bridge_may_enforce(&a, &why));
}

static void test_room(void **state)
{
	struct bridge_room r = {0};
	struct bridge_occupant *o;
	(void)state;

	assert_int_equal(bridge_room_set(&r, "bob", "bob@localhost",
					 BRIDGE_ROLE_PARTICIPANT,
					 BRIDGE_AFFIL_MEMBER, &o),
			 0);
	assert_int_equal(bridge_room_set(&r, "bob", NULL, BRIDGE_ROLE_VISITOR,
					 BRIDGE_AFFIL_MEMBER, NULL),
			 0);
	assert_int_equal(r.count, 1);
	assert_null(bridge_room_find(&r, "bob")->bare);
	assert_int_equal(bridge_room_find(&r, "bob")->role,
			 BRIDGE_ROLE_VISITOR);
	bridge_room_remove(&r, "bob");
	assert_null(bridge_room_find(&r, "bob"));
	assert_int_equal(bridge_role_parse("moderator"), BRIDGE_ROLE_MODERATOR);
	assert_int_equal(bridge_role_parse("bogus"), BRIDGE_ROLE_NONE);
	assert_int_equal(bridge_affil_parse("outcast"), BRIDGE_AFFIL_OUTCAST);
	assert_string_equal(bridge_affil_str(BRIDGE_AFFIL_OWNER), "owner");
	bridge_room_reset(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bare_jid),
	    cmocka_unit_test(test_identity),
	    cmocka_unit_test(test_map_errors),
	    cmocka_unit_test(test_overlay_roles),
	    cmocka_unit_test(test_overlay_mute_boot),
	    cmocka_unit_test(test_decide),
	    cmocka_unit_test(test_authority),
	    cmocka_unit_test(test_room),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
