/*
 * confinfo_merge(): the version rules, every keyed level with every state,
 * atomic replacement, documents inconsistent with RFC 4575 4.4, the RFC
 * 4575 section 7 examples, deleted roots, and atomicity under allocation
 * failures. Sequences, random documents and cost: test_merge_sequences.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confinfo/merge.h"
#include "mergetest.h"
#include "model/alloc.h"

#define ENTITY MT_ENTITY
#define ROOT   MT_ROOT

/* ---------------------------------------------------------------------- *
 * A base state and its parts, to write expected states compactly.
 * ---------------------------------------------------------------------- */

#define DESC                                                                   \
	"<conference-description><subject>Weekly</subject><conf-uris>"         \
	"<entry><uri>sip:conf233@example.com</uri></entry></conf-uris>"        \
	"</conference-description>"
#define CSTATE                                                                 \
	"<conference-state><user-count>2</user-count><active>true</active>"    \
	"<locked>false</locked></conference-state>"
#define AOR(who)      "<entry><uri>mailto:" who "@example.com</uri></entry>"
#define AORS(entries) "<associated-aors>" entries "</associated-aors>"
#define BOB_HEAD(name, aors, lang)                                             \
	"<display-text>" name "</display-text>" aors                           \
	"<roles><entry>participant</entry></roles>"                            \
	"<languages>" lang "</languages>"
#define BOB_STD BOB_HEAD("Bob", AORS(AOR("bob")), "en")
#define M1      "<media id=\"1\"><type>audio</type><status>sendrecv</status></media>"
#define M2      "<media id=\"2\"><type>video</type><status>recvonly</status></media>"
#define LAPTOP(fields, media)                                                  \
	"<endpoint entity=\"sip:bob@pc.example.com\">" fields media            \
	"</endpoint>"
#define LAPTOP_FIELDS                                                          \
	"<display-text>Laptop</display-text><status>connected</status>"        \
	"<joining-method>dialed-in</joining-method>"
#define LAPTOP_STD LAPTOP(LAPTOP_FIELDS, M1 M2)
#define PHONE                                                                  \
	"<endpoint entity=\"sip:bob@phone.example.com\">"                      \
	"<status>on-hold</status></endpoint>"
#define BOB(head, eps)                                                         \
	"<user entity=\"sip:bob@example.com\">" head eps "</user>"
#define BOB_FULL BOB(BOB_STD, LAPTOP_STD PHONE)
#define ALICE                                                                  \
	"<user entity=\"sip:alice@example.com\">"                              \
	"<display-text>Alice</display-text></user>"
#define USERS(u)       "<users>" u "</users>"
#define REF(uri, rest) "<entry><uri>" uri "</uri>" rest "</entry>"
#define REFS(e)        "<sidebars-by-ref>" e "</sidebars-by-ref>"
#define REFS_STD                                                               \
	REFS(REF("sips:conf233@example.com;grid=45",                           \
		 "<display-text>Carol</display-text>")                         \
		 REF("sips:conf233@example.com;grid=21", ""))
#define VAL(grid, body)                                                        \
	"<entry entity=\"sips:conf233@example.com;grid=" grid "\">" body       \
	"</entry>"
#define VALS(e)  "<sidebars-by-val>" e "</sidebars-by-val>"
#define VAL77    VAL("77", USERS("<user entity=\"sip:bob@example.com\"/>"))
#define VALS_STD VALS(VAL77)

#define BASE_XML                                                               \
	ROOT("full", 1, DESC CSTATE USERS(BOB_FULL ALICE) REFS_STD VALS_STD)
/* The expected state after one partial document (version 2). */
#define AFTER(users, refs, vals) ROOT("full", 2, DESC CSTATE users refs vals)
#define UNCHANGED                AFTER(USERS(BOB_FULL ALICE), REFS_STD, VALS_STD)
#define PARTIAL(body)            ROOT("partial", 2, body)
#define PUSERS(u)                "<users state=\"partial\">" u "</users>"
#define PBOB(body)                                                             \
	PUSERS("<user entity=\"sip:bob@example.com\" state=\"partial\">" body  \
	       "</user>")
#define PLAPTOP(body)                                                          \
	PBOB("<endpoint entity=\"sip:bob@pc.example.com\" "                    \
	     "state=\"partial\">" body "</endpoint>")

struct mcase {
	const char *name;
	const char *doc;
	const char *expected;
};

static const struct mcase keyed_cases[] = {
    /* users element */
    {"users partial, new full user",
     PARTIAL(PUSERS("<user entity=\"sip:carol@example.com\" "
		    "state=\"full\"><display-text>Carol</display-text>"
		    "</user>")),
     AFTER(USERS(BOB_FULL ALICE "<user entity=\"sip:carol@example.com\">"
				"<display-text>Carol</display-text></user>"),
	   REFS_STD, VALS_STD)},
    {"users full replaces the roster",
     PARTIAL("<users state=\"full\"><user entity=\"sip:carol@example.com\"/>"
	     "</users>"),
     AFTER(USERS("<user entity=\"sip:carol@example.com\"/>"), REFS_STD,
	   VALS_STD)},
    {"users without state is full (RFC 4575 4.4)",
     PARTIAL("<users><user entity=\"sip:carol@example.com\"/></users>"),
     AFTER(USERS("<user entity=\"sip:carol@example.com\"/>"), REFS_STD,
	   VALS_STD)},
    {"users deleted", PARTIAL("<users state=\"deleted\"/>"),
     AFTER("", REFS_STD, VALS_STD)},
    /* user */
    {"user unknown partial: inserted, its deleted children dropped",
     PARTIAL(PUSERS("<user entity=\"sip:carol@example.com\" "
		    "state=\"partial\"><display-text>Carol</display-text>"
		    "<endpoint entity=\"sip:c1\" state=\"deleted\"/>"
		    "<endpoint entity=\"sip:c2\" state=\"partial\">"
		    "<status>connected</status></endpoint></user>")),
     AFTER(USERS(BOB_FULL ALICE "<user entity=\"sip:carol@example.com\">"
				"<display-text>Carol</display-text>"
				"<endpoint entity=\"sip:c2\"><status>"
				"connected</status></endpoint></user>"),
	   REFS_STD, VALS_STD)},
    {"user full replaces the whole row, in place",
     PARTIAL(PUSERS("<user entity=\"sip:bob@example.com\" state=\"full\">"
		    "<display-text>Robert</display-text></user>")),
     AFTER(USERS("<user entity=\"sip:bob@example.com\"><display-text>"
		 "Robert</display-text></user>" ALICE),
	   REFS_STD, VALS_STD)},
    {"user partial: present fields replace, absent ones stay",
     PARTIAL(PBOB("<display-text>Robert</display-text>"
		  "<languages>fr de</languages>")),
     AFTER(USERS(BOB(BOB_HEAD("Robert", AORS(AOR("bob")), "fr de"),
		     LAPTOP_STD PHONE) ALICE),
	   REFS_STD, VALS_STD)},
    {"user deleted",
     PARTIAL(PUSERS("<user entity=\"sip:alice@example.com\" "
		    "state=\"deleted\"/>")),
     AFTER(USERS(BOB_FULL), REFS_STD, VALS_STD)},
    {"user deleted, unknown key: ignored",
     PARTIAL(PUSERS("<user entity=\"sip:zed@example.com\" "
		    "state=\"deleted\"/>")),
     UNCHANGED},
    /* endpoint */
    {"endpoint new full",
     PARTIAL(PBOB("<endpoint entity=\"sip:bob@tablet\" state=\"full\">"
		  "<status>alerting</status></endpoint>")),
     AFTER(USERS(BOB(BOB_STD, LAPTOP_STD PHONE
		     "<endpoint entity=\"sip:bob@tablet\"><status>"
		     "alerting</status></endpoint>") ALICE),
	   REFS_STD, VALS_STD)},
    {"endpoint new partial",
     PARTIAL(PBOB("<endpoint entity=\"sip:bob@tablet\" state=\"partial\">"
		  "<status>alerting</status>" M1 "</endpoint>")),
     AFTER(USERS(BOB(BOB_STD, LAPTOP_STD PHONE
		     "<endpoint entity=\"sip:bob@tablet\"><status>"
		     "alerting</status>" M1 "</endpoint>") ALICE),
	   REFS_STD, VALS_STD)},
    {"endpoint full replaces the row (its media go)",
     PARTIAL(PBOB("<endpoint entity=\"sip:bob@pc.example.com\" "
		  "state=\"full\"><status>disconnected</status>"
		  "</endpoint>")),
     AFTER(USERS(BOB(BOB_STD, LAPTOP("<status>disconnected</status>", "") PHONE)
		     ALICE),
	   REFS_STD, VALS_STD)},
    {"endpoint partial: fields replaced or added, the rest stays",
     PARTIAL(PLAPTOP("<status>disconnecting</status>"
		     "<disconnection-method>booted</disconnection-method>"
		     "<disconnection-info><by>sip:mike@example.com</by>"
		     "</disconnection-info>")),
     AFTER(
	 USERS(BOB(BOB_STD, LAPTOP("<display-text>Laptop</display-text>"
				   "<status>disconnecting</status>"
				   "<joining-method>dialed-in</joining-method>"
				   "<disconnection-method>booted"
				   "</disconnection-method><disconnection-info>"
				   "<by>sip:mike@example.com</by>"
				   "</disconnection-info>",
				   M1 M2) PHONE) ALICE),
	 REFS_STD, VALS_STD)},
    {"endpoint deleted",
     PARTIAL(PBOB("<endpoint entity=\"sip:bob@phone.example.com\" "
		  "state=\"deleted\"/>")),
     AFTER(USERS(BOB(BOB_STD, LAPTOP_STD) ALICE), REFS_STD, VALS_STD)},
    {"endpoint deleted, unknown key: ignored",
     PARTIAL(PBOB("<endpoint entity=\"sip:bob@nowhere\" "
		  "state=\"deleted\"/>")),
     UNCHANGED},
    /* media: keyed by id, no state, replaced whole */
    {"media new id appended",
     PARTIAL(PLAPTOP("<media id=\"3\"><type>text</type></media>")),
     AFTER(USERS(BOB(BOB_STD, LAPTOP(LAPTOP_FIELDS,
				     M1 M2 "<media id=\"3\"><type>text</type>"
					   "</media>") PHONE) ALICE),
	   REFS_STD, VALS_STD)},
    {"media known id replaced whole (digest 3.4 (b))",
     PARTIAL(PLAPTOP("<media id=\"1\"><status>inactive</status></media>")),
     AFTER(USERS(BOB(BOB_STD, LAPTOP(LAPTOP_FIELDS,
				     "<media id=\"1\"><status>inactive</status>"
				     "</media>" M2) PHONE) ALICE),
	   REFS_STD, VALS_STD)},
    {"media removed by sending the endpoint full",
     PARTIAL(PBOB("<endpoint entity=\"sip:bob@pc.example.com\" "
		  "state=\"full\">" LAPTOP_FIELDS M2 "</endpoint>")),
     AFTER(USERS(BOB(BOB_STD, LAPTOP(LAPTOP_FIELDS, M2) PHONE) ALICE), REFS_STD,
	   VALS_STD)},
    /* uri entries: sidebars-by-ref and associated-aors */
    {"sidebars-by-ref partial: new uri appended",
     PARTIAL("<sidebars-by-ref state=\"partial\">" REF(
	 "sips:conf233@example.com;grid=9", "") "</sidebars-by-ref>"),
     AFTER(USERS(BOB_FULL ALICE),
	   REFS(REF("sips:conf233@example.com;grid=45",
		    "<display-text>Carol</display-text>")
		    REF("sips:conf233@example.com;grid=21", "")
			REF("sips:conf233@example.com;grid=9", "")),
	   VALS_STD)},
    {"sidebars-by-ref partial: known uri replaced in place",
     PARTIAL("<sidebars-by-ref state=\"partial\">" REF(
	 "sips:conf233@example.com;grid=45",
	 "<purpose>x</purpose>") "</sidebars-by-ref>"),
     AFTER(USERS(BOB_FULL ALICE),
	   REFS(REF("sips:conf233@example.com;grid=45", "<purpose>x</purpose>")
		    REF("sips:conf233@example.com;grid=21", "")),
	   VALS_STD)},
    {"sidebars-by-ref full replaces the list",
     PARTIAL("<sidebars-by-ref state=\"full\">" REF(
	 "sips:conf233@example.com;grid=9", "") "</sidebars-by-ref>"),
     AFTER(USERS(BOB_FULL ALICE),
	   REFS(REF("sips:conf233@example.com;grid=9", "")), VALS_STD)},
    {"sidebars-by-ref deleted",
     PARTIAL("<sidebars-by-ref state=\"deleted\">" REF(
	 "sips:conf233@example.com;grid=9", "") "</sidebars-by-ref>"),
     AFTER(USERS(BOB_FULL ALICE), "", VALS_STD)},
    {"associated-aors partial upserts",
     PARTIAL(PBOB("<associated-aors state=\"partial\">" AOR(
	 "bob.work") "</associated-aors>")),
     AFTER(USERS(BOB(BOB_HEAD("Bob", AORS(AOR("bob") AOR("bob.work")), "en"),
		     LAPTOP_STD PHONE) ALICE),
	   REFS_STD, VALS_STD)},
    {"associated-aors full replaces",
     PARTIAL(PBOB("<associated-aors state=\"full\">" AOR(
	 "bob.work") "</associated-aors>")),
     AFTER(USERS(BOB(BOB_HEAD("Bob", AORS(AOR("bob.work")), "en"),
		     LAPTOP_STD PHONE) ALICE),
	   REFS_STD, VALS_STD)},
    {"associated-aors deleted",
     PARTIAL(PBOB("<associated-aors state=\"deleted\">" AOR(
	 "bob") "</associated-aors>")),
     AFTER(USERS(BOB(BOB_HEAD("Bob", "", "en"), LAPTOP_STD PHONE) ALICE),
	   REFS_STD, VALS_STD)},
    /* sidebars-by-val: entries are conference-type */
    {"sidebars-by-val new full entry",
     PARTIAL("<sidebars-by-val state=\"partial\"><entry entity=\""
	     "sips:conf233@example.com;grid=78\" state=\"full\"><users/>"
	     "</entry></sidebars-by-val>"),
     AFTER(USERS(BOB_FULL ALICE), REFS_STD, VALS(VAL77 VAL("78", "<users/>")))},
    {"sidebars-by-val new partial entry: normalised",
     PARTIAL(
	 "<sidebars-by-val state=\"partial\"><entry entity=\""
	 "sips:conf233@example.com;grid=78\" state=\"partial\">" PUSERS(
	     "<user entity=\"sip:x@example.com\" state=\"deleted\"/>"
	     "<user entity=\"sip:y@example.com\" state=\"partial\"/>") "</"
								       "entry><"
								       "/sideba"
								       "rs-by-"
								       "val>"),
     AFTER(
	 USERS(BOB_FULL ALICE), REFS_STD,
	 VALS(VAL77 VAL("78", USERS("<user entity=\"sip:y@example.com\"/>"))))},
    {"sidebars-by-val full entry replaces the row",
     PARTIAL("<sidebars-by-val state=\"partial\"><entry entity=\""
	     "sips:conf233@example.com;grid=77\" state=\"full\">" CSTATE
	     "</entry></sidebars-by-val>"),
     AFTER(USERS(BOB_FULL ALICE), REFS_STD, VALS(VAL("77", CSTATE)))},
    {"sidebars-by-val partial entry merges like a conference",
     PARTIAL("<sidebars-by-val state=\"partial\"><entry entity=\""
	     "sips:conf233@example.com;grid=77\" state=\"partial\" "
	     "version=\"9\">" PUSERS(
		 "<user entity=\"sip:mark@example.com\" "
		 "state=\"full\"/>") "</entry></sidebars-by-val>"),
     AFTER(USERS(BOB_FULL ALICE), REFS_STD,
	   VALS("<entry entity=\"sips:conf233@example.com;grid=77\" "
		"version=\"9\">" USERS("<user entity=\"sip:bob@example.com\"/>"
				       "<user entity=\"sip:mark@example.com\""
				       "/>") "</entry>"))},
    {"sidebars-by-val entry deleted",
     PARTIAL("<sidebars-by-val state=\"partial\"><entry entity=\""
	     "sips:conf233@example.com;grid=77\" state=\"deleted\"/>"
	     "</sidebars-by-val>"),
     AFTER(USERS(BOB_FULL ALICE), REFS_STD, VALS(""))},
    {"sidebars-by-val entry deleted, unknown key: ignored",
     PARTIAL("<sidebars-by-val state=\"partial\"><entry entity=\""
	     "sips:conf233@example.com;grid=1\" state=\"deleted\"/>"
	     "</sidebars-by-val>"),
     UNCHANGED},
    {"sidebars-by-val full replaces",
     PARTIAL("<sidebars-by-val state=\"full\"/>"),
     AFTER(USERS(BOB_FULL ALICE), REFS_STD, VALS(""))},
    {"sidebars-by-val deleted", PARTIAL("<sidebars-by-val state=\"deleted\"/>"),
     AFTER(USERS(BOB_FULL ALICE), REFS_STD, "")},
    /* atomic elements */
    {"conference-state is atomic: user-count alone wipes active, locked",
     PARTIAL("<conference-state><user-count>5</user-count>"
	     "</conference-state>"),
     ROOT("full", 2,
	  DESC "<conference-state><user-count>5</user-count>"
	       "</conference-state>" USERS(BOB_FULL ALICE) REFS_STD VALS_STD)},
    {"conference-description is atomic",
     PARTIAL("<conference-description><display-text>D</display-text>"
	     "</conference-description><host-info><web-page>http://h/"
	     "</web-page></host-info>"),
     ROOT("full", 2,
	  "<conference-description><display-text>D</display-text>"
	  "</conference-description><host-info><web-page>http://h/"
	  "</web-page></host-info>" CSTATE USERS(BOB_FULL ALICE)
	      REFS_STD VALS_STD)},
    {"roles are atomic",
     PARTIAL(PBOB("<roles><entry>moderator</entry></roles>")),
     AFTER(USERS(BOB("<display-text>Bob</display-text>" AORS(
			 AOR("bob")) "<roles><entry>moderator</entry></roles>"
				     "<languages>en</languages>",
		     LAPTOP_STD PHONE) ALICE),
	   REFS_STD, VALS_STD)},
    {"empty partial: version bump only", PARTIAL(""), UNCHANGED},
};

static void test_keyed_levels(void **st)
{
	(void)st;
	for (size_t i = 0; i < sizeof(keyed_cases) / sizeof(*keyed_cases);
	     i++) {
		const struct mcase *mc = &keyed_cases[i];
		struct confinfo_conf *state = NULL;

		print_message("  %s\n", mc->name);
		mt_merge_xml(&state, BASE_XML, CONFINFO_MERGE_APPLIED);
		mt_merge_xml(&state, mc->doc, CONFINFO_MERGE_APPLIED);
		assert_int_equal(state->version.value, 2);
		mt_assert_state_is(state, mc->expected);
		confinfo_conf_free(state);
	}
}

/* A partial users, sidebars-by-ref or sidebars-by-val with no local one:
 * inserted as it is, normalised (RFC 4575 4.6 step 3.1.1). */
static void test_partial_onto_absent(void **st)
{
	struct confinfo_conf *state = NULL;

	(void)st;
	mt_merge_xml(&state, ROOT("full", 1, DESC), CONFINFO_MERGE_APPLIED);
	mt_merge_xml(
	    &state,
	    PARTIAL(PUSERS(
		"<user entity=\"sip:a@example.com\" "
		"state=\"partial\"/><user entity=\"sip:b@"
		"example.com\" state=\"deleted\"/>") "<sidebars-by-"
						     "ref "
						     "state="
						     "\"partial\""
						     ">" REF("sip:s1", "") "</"
									   "sid"
									   "eba"
									   "rs-"
									   "by-"
									   "ref"
									   ">"
									   "<si"
									   "deb"
									   "ars"
									   "-by"
									   "-va"
									   "l "
									   "sta"
									   "te="
									   "\"p"
									   "art"
									   "ial"
									   "\">"
									   "<en"
									   "try"
									   " en"
									   "tit"
									   "y="
									   "\"s"
									   "ip:"
									   "s2"
									   "\" "
									   "sta"
									   "te="
									   "\"d"
									   "ele"
									   "ted"
									   "\"/"
									   "><"
									   "ent"
									   "ry "
									   "ent"
									   "ity"
									   "=\""
									   "sip"
									   ":s3"
									   "\" "
									   "sta"
									   "te="
									   "\"p"
									   "art"
									   "ial"
									   "\"/"
									   "></"
									   "sid"
									   "eba"
									   "rs-"
									   "by-"
									   "val"
									   ">"),
	    CONFINFO_MERGE_APPLIED);
	mt_assert_state_is(
	    state, ROOT("full", 2,
			DESC USERS("<user entity=\"sip:a@example.com\"/>")
			    REFS(REF("sip:s1", ""))
				VALS("<entry entity=\"sip:s3\"/>")));
	confinfo_conf_free(state);
}

/* Foreign content of a partial element replaces the state's when present
 * and leaves it alone otherwise. */
static void test_ext(void **st)
{
	struct confinfo_conf *state = NULL;

	(void)st;
	mt_merge_xml(&state,
		     ROOT("full", 1,
			  "<users><user entity=\"sip:a@example.com\"><x:n "
			  "xmlns:x=\"urn:example:x\">1</x:n></user></users>"),
		     CONFINFO_MERGE_APPLIED);
	mt_merge_xml(&state,
		     PARTIAL(PUSERS("<user entity=\"sip:a@example.com\" "
				    "state=\"partial\"><display-text>A"
				    "</display-text></user>")),
		     CONFINFO_MERGE_APPLIED);
	mt_assert_state_is(
	    state, ROOT("full", 2,
			"<users><user entity=\"sip:a@example.com\">"
			"<display-text>A</display-text><x:n "
			"xmlns:x=\"urn:example:x\">1</x:n></user></users>"));
	mt_merge_xml(
	    &state,
	    ROOT("partial", 3,
		 PUSERS("<user entity=\"sip:a@example.com\" "
			"state=\"partial\"><x:m xmlns:x=\"urn:example:x\">"
			"2</x:m></user>")),
	    CONFINFO_MERGE_APPLIED);
	mt_assert_state_is(
	    state, ROOT("full", 3,
			"<users><user entity=\"sip:a@example.com\">"
			"<display-text>A</display-text><x:m "
			"xmlns:x=\"urn:example:x\">2</x:m></user></users>"));
	confinfo_conf_free(state);
}

/* ---------------------------------------------------------------------- *
 * Version rules (RFC 4575 4.6).
 * ---------------------------------------------------------------------- */

static struct confinfo_conf *base_state(void)
{
	struct confinfo_conf *state = NULL;

	mt_merge_xml(&state, BASE_XML, CONFINFO_MERGE_APPLIED);
	return state;
}

static void test_first_document(void **st)
{
	struct confinfo_conf *state = NULL;
	struct confinfo_conf *doc;
	const char *msg;

	(void)st;
	msg = mt_merge_xml(&state, PARTIAL(""), CONFINFO_MERGE_GAP);
	assert_null(state);
	assert_non_null(strstr(msg, "refresh"));
	doc = tu_decode_str(ROOT("full", 1, ""));
	doc->state = CONFINFO_STATE_DELETED;
	mt_merge_expect(&state, doc, CONFINFO_MERGE_INVALID);
	assert_null(state);

	/* A full first document: taken as it is, with its version, its
	 * states normalised. */
	mt_merge_xml(
	    &state,
	    ROOT("full", 17,
		 "<users state=\"full\"><user entity=\"sip:a@example.com\">"
		 "<endpoint entity=\"e\"/></user></users>"),
	    CONFINFO_MERGE_APPLIED);
	assert_int_equal(state->version.value, 17);
	assert_int_equal(state->state, CONFINFO_STATE_FULL);
	confinfo_conf_free(state);
}

static void test_version_rules(void **st)
{
	struct confinfo_conf *state = base_state();
	struct confinfo_conf *doc;
	const char *msg;

	(void)st;
	doc = tu_decode_str(PARTIAL(""));
	doc->version.set = false;
	msg = mt_merge_expect(&state, doc, CONFINFO_MERGE_INVALID);
	assert_non_null(strstr(msg, "version"));

	doc = tu_decode_str(PARTIAL(""));
	assert_int_equal(
	    confinfo_str_set(&doc->entity, "sips:other@example.com"), 0);
	mt_merge_expect(&state, doc, CONFINFO_MERGE_INVALID);

	mt_merge_xml(&state, ROOT("partial", 1, CSTATE), CONFINFO_MERGE_STALE);
	mt_merge_xml(&state, ROOT("partial", 0, CSTATE), CONFINFO_MERGE_STALE);
	mt_merge_xml(&state, ROOT("full", 1, ""), CONFINFO_MERGE_STALE);
	mt_merge_xml(&state, ROOT("deleted", 1, ""), CONFINFO_MERGE_STALE);
	msg = mt_merge_xml(&state, ROOT("partial", 3, CSTATE),
			   CONFINFO_MERGE_GAP);
	assert_non_null(strstr(msg, "refresh"));
	mt_merge_xml(&state, ROOT("partial", 4294967295, ""),
		     CONFINFO_MERGE_GAP);

	/* Full and deleted documents replace, whatever the gap. */
	mt_merge_xml(&state, ROOT("full", 10, USERS(ALICE)),
		     CONFINFO_MERGE_APPLIED);
	mt_assert_state_is(state, ROOT("full", 10, USERS(ALICE)));
	mt_merge_xml(&state,
		     ROOT("partial", 11,
			  PUSERS("<user entity=\"sip:alice@example.com\" "
				 "state=\"deleted\"/>")),
		     CONFINFO_MERGE_APPLIED);
	mt_assert_state_is(state, ROOT("full", 11, "<users/>"));
	mt_merge_xml(&state, ROOT("partial", 11, ""), CONFINFO_MERGE_STALE);
	confinfo_conf_free(state);
}

static void test_version_top(void **st)
{
	struct confinfo_conf *state = NULL;

	(void)st;
	mt_merge_xml(&state, ROOT("full", 4294967294, ""),
		     CONFINFO_MERGE_APPLIED);
	mt_merge_xml(&state, ROOT("partial", 4294967295, CSTATE),
		     CONFINFO_MERGE_APPLIED);
	assert_int_equal(state->version.value, UINT32_MAX);
	mt_merge_xml(&state, ROOT("partial", 4294967295, ""),
		     CONFINFO_MERGE_STALE);
	confinfo_conf_free(state);
}

static void test_deleted_root(void **st)
{
	struct confinfo_conf *state = base_state();
	struct confinfo_conf *doc;

	(void)st;
	/* Children of a deleted element are ignored (RFC 4575 4.4). */
	doc = tu_decode_str(ROOT("full", 5, DESC USERS(ALICE)));
	doc->state = CONFINFO_STATE_DELETED;
	mt_merge_expect(&state, doc, CONFINFO_MERGE_APPLIED);
	assert_int_equal(state->state, CONFINFO_STATE_DELETED);
	assert_int_equal(state->version.value, 5);
	assert_string_equal(state->entity, ENTITY);
	assert_null(state->description);
	assert_null(state->users);
	assert_null(state->conf_state);
	assert_null(state->sidebars_by_ref);
	assert_null(state->sidebars_by_val);
	assert_true(confinfo_ext_empty(&state->ext));

	mt_merge_xml(&state, ROOT("partial", 6, CSTATE),
		     CONFINFO_MERGE_INVALID);
	mt_merge_xml(&state, ROOT("partial", 5, CSTATE), CONFINFO_MERGE_STALE);
	/* A conference of the same URI created again. */
	mt_merge_xml(&state, ROOT("full", 6, CSTATE), CONFINFO_MERGE_APPLIED);
	mt_assert_state_is(state, ROOT("full", 6, CSTATE));
	confinfo_conf_free(state);
}

static void test_bad_args(void **st)
{
	struct confinfo_conf *state = base_state();
	enum confinfo_merge_result r = CONFINFO_MERGE_STALE;

	(void)st;
	/* The document is consumed even then: ASan sees a leak otherwise. */
	assert_int_equal(
	    confinfo_merge(NULL, tu_decode_str(PARTIAL("")), &r, NULL), EINVAL);
	assert_int_equal(
	    confinfo_merge(&state, tu_decode_str(PARTIAL("")), NULL, NULL),
	    EINVAL);
	assert_int_equal(confinfo_merge(&state, NULL, &r, NULL), EINVAL);
	assert_int_equal(r, CONFINFO_MERGE_STALE);
	/* No diagnostics wanted: fine too. */
	assert_int_equal(
	    confinfo_merge(&state, tu_decode_str(PARTIAL("")), &r, NULL), 0);
	assert_int_equal(r, CONFINFO_MERGE_APPLIED);
	assert_string_equal(confinfo_merge_result_str(CONFINFO_MERGE_GAP),
			    "gap");
	assert_null(confinfo_merge_result_str((enum confinfo_merge_result)9));
	confinfo_conf_free(state);
}

/* ---------------------------------------------------------------------- *
 * Documents inconsistent with RFC 4575 4.4: INVALID, state untouched.
 * The decoder may refuse some of them itself, so they are made from valid
 * documents by changing a state in the model.
 * ---------------------------------------------------------------------- */

static struct confinfo_user *doc_user(struct confinfo_conf *doc, size_t i)
{
	assert_non_null(doc->users);
	assert_true(i < doc->users->users.count);
	return doc->users->users.items[i];
}

static void test_invalid(void **st)
{
	struct confinfo_conf *state = base_state();
	struct confinfo_conf *doc, *e;
	struct confinfo_user *u;
	const char *msg;

	(void)st;
	/* A partial user inside a full users. */
	doc = tu_decode_str(PARTIAL("<users state=\"full\">" ALICE "</users>"));
	doc_user(doc, 0)->state = CONFINFO_STATE_PARTIAL;
	msg = mt_merge_expect(&state, doc, CONFINFO_MERGE_INVALID);
	assert_non_null(strstr(msg, "sip:alice@example.com"));

	/* A deleted endpoint inside a full user, under a partial users, after
	 * a valid change that phase 1 already prepared. */
	doc = tu_decode_str(PARTIAL(
	    PUSERS("<user entity=\"sip:new@example.com\" state=\"full\"/>"
		   "<user entity=\"sip:bob@example.com\" state=\"full\">" PHONE
		   "</user>")));
	u = doc_user(doc, 1);
	((struct confinfo_endpoint *)u->endpoints.items[0])->state =
	    CONFINFO_STATE_DELETED;
	mt_merge_expect(&state, doc, CONFINFO_MERGE_INVALID);

	/* A partial conf-uris inside the atomic conference-description. */
	doc = tu_decode_str(PARTIAL(DESC));
	doc->description->conf_uris->state = CONFINFO_STATE_PARTIAL;
	mt_merge_expect(&state, doc, CONFINFO_MERGE_INVALID);

	/* A partial entry in a full sidebars-by-val, the last thing in a
	 * document whose users part is fine. */
	doc = tu_decode_str(PARTIAL(PUSERS(
	    "<user entity=\"sip:alice@example.com\" "
	    "state=\"deleted\"/>") "<sidebars-by-val "
				   "state=\"full\">" VAL("5", "") "</"
								  "sidebars-"
								  "by-val>"));
	e = doc->sidebars_by_val->entries.items[0];
	e->state = CONFINFO_STATE_PARTIAL;
	mt_merge_expect(&state, doc, CONFINFO_MERGE_INVALID);

	/* Inside a new sidebar entry (normalised as it is inserted). */
	doc = tu_decode_str(PARTIAL(
	    "<sidebars-by-val state=\"partial\"><entry entity=\"sip:s9\" "
	    "state=\"full\">" USERS(ALICE) "</entry></sidebars-by-val>"));
	e = doc->sidebars_by_val->entries.items[0];
	doc_user(e, 0)->state = CONFINFO_STATE_DELETED;
	mt_merge_expect(&state, doc, CONFINFO_MERGE_INVALID);

	/* A full first document with a partial user. */
	confinfo_conf_free(state);
	state = NULL;
	doc = tu_decode_str(ROOT("full", 1, USERS(ALICE)));
	doc_user(doc, 0)->state = CONFINFO_STATE_PARTIAL;
	mt_merge_expect(&state, doc, CONFINFO_MERGE_INVALID);
	assert_null(state);
}

/* ---------------------------------------------------------------------- *
 * RFC 4575 section 7: the basic example (version 1) then the rich one, a
 * partial document of version 5.
 * ---------------------------------------------------------------------- */

static void test_rfc_examples(void **st)
{
	struct confinfo_conf *state = NULL;
	struct confinfo_user *bob;
	struct confinfo_endpoint *ep;
	struct confinfo_conf *e;

	(void)st;
	mt_merge_expect(&state,
			tu_decode_vector("rfc4575/rfc4575-example-7.1.xml"),
			CONFINFO_MERGE_APPLIED);
	assert_int_equal(state->users->users.count, 2);
	/* Versions 2 to 4 were lost: 7.2 is a gap. */
	mt_merge_expect(&state,
			tu_decode_vector("rfc4575/rfc4575-example-7.2.xml"),
			CONFINFO_MERGE_GAP);
	/* Our own versions 2 to 4 bridge the gap. */
	mt_merge_xml(&state,
		     ROOT("partial", 2,
			  "<conference-state><user-count>32</user-count>"
			  "</conference-state>"),
		     CONFINFO_MERGE_APPLIED);
	mt_merge_xml(&state,
		     ROOT("partial", 3,
			  PUSERS("<user entity=\"sip:alice@example.com\" "
				 "state=\"partial\"><endpoint entity=\"sip:"
				 "4kfk4j392jsu@example.com;grid=433kj4j3u\" "
				 "state=\"partial\"><status>on-hold</status>"
				 "</endpoint></user>")),
		     CONFINFO_MERGE_APPLIED);
	mt_merge_xml(&state, ROOT("partial", 4, ""), CONFINFO_MERGE_APPLIED);
	mt_merge_expect(&state,
			tu_decode_vector("rfc4575/rfc4575-example-7.2.xml"),
			CONFINFO_MERGE_APPLIED);

	assert_int_equal(state->version.value, 5);
	assert_string_equal(state->description->display_text,
			    "Weekly Sales Meeting");
	assert_int_equal(state->description->conf_uris->entries.count, 3);
	assert_non_null(state->host_info);
	assert_true(state->conf_state->active == CONFINFO_BOOL_TRUE);
	/* 7.2's <users> has no state: by RFC 4575 4.4 and 4.6 it is full and
	 * replaces the roster (digest 3.4 (c)), so Alice is gone. */
	assert_int_equal(state->users->users.count, 1);
	bob = confinfo_conf_user(state, "sip:bob@example.com");
	assert_non_null(bob);
	assert_non_null(bob->associated_aors);
	ep = confinfo_user_endpoint(bob, "sip:bob@pc33.example.com");
	assert_non_null(ep);
	assert_int_equal(ep->status, CONFINFO_EP_STATUS_DISCONNECTING);
	assert_string_equal(ep->call_info->sip->call_id, "hsjh8980vhsb78");
	/* Both sidebars lists were absent: inserted as they are. */
	assert_int_equal(state->sidebars_by_ref->entries.count, 2);
	assert_int_equal(state->sidebars_by_val->entries.count, 1);
	e = state->sidebars_by_val->entries.items[0];
	assert_string_equal(e->entity, "sips:conf233@example.com;grid=77");
	assert_int_equal(e->users->users.count, 3);
	confinfo_conf_free(state);
}

/* ---------------------------------------------------------------------- *
 * Atomicity under allocation failures: every allocation of a merge fails
 * in turn; each time the result is ENOMEM and the state equals its clone
 * (ASan checks that nothing leaks), until the merge goes through.
 * ---------------------------------------------------------------------- */

#define MANY_USERS                                                             \
	"<user entity=\"sip:n1@example.com\" state=\"full\"/>"                 \
	"<user entity=\"sip:n2@example.com\" state=\"partial\"/>"              \
	"<user entity=\"sip:n3@example.com\" state=\"full\"/>"                 \
	"<user entity=\"sip:n4@example.com\" state=\"full\"/>"                 \
	"<user entity=\"sip:n5@example.com\" state=\"full\"/>"                 \
	"<user entity=\"sip:n6@example.com\" state=\"full\"/>"                 \
	"<user entity=\"sip:n7@example.com\" state=\"full\"/>"                 \
	"<user entity=\"sip:n8@example.com\" state=\"full\"/>"                 \
	"<user entity=\"sip:n9@example.com\" state=\"full\"/>"                 \
	"<user entity=\"sip:n10@example.com\" state=\"full\"/>"                \
	"<user entity=\"sip:n11@example.com\" state=\"full\"/>"                \
	"<user entity=\"sip:n12@example.com\" state=\"full\"/>"                \
	"<user entity=\"sip:n13@example.com\" state=\"full\"/>"                \
	"<user entity=\"sip:n14@example.com\" state=\"full\"/>"                \
	"<user entity=\"sip:n15@example.com\" state=\"full\"/>"                \
	"<user entity=\"sip:n16@example.com\" state=\"full\"/>"                \
	"<user entity=\"sip:n17@example.com\" state=\"full\"/>"
#define BIG_PARTIAL                                                                                                              \
	PARTIAL(PUSERS(                                                                                                          \
	    "<user entity=\"sip:alice@example.com\" state=\"deleted\"/>"                                                         \
	    "<user entity=\"sip:bob@example.com\" state=\"partial\">"                                                            \
	    "<associated-aors state=\"partial\">" AOR("b2") AOR("b3")                                                            \
		AOR("b4") AOR("b5") "</associated-aors>"                                                                         \
				    "<endpoint "                                                                                 \
				    "entity=\"sip:bob@pc.example.com\" "                                                         \
				    "state=\"partial\"><media "                                                                  \
				    "id=\"3\"/><media id=\"4\"/>"                                                                \
				    "<media id=\"5\"/></endpoint>"                                                               \
				    "<endpoint entity=\"t1\" state=\"full\"/>"                                                   \
				    "<endpoint entity=\"t2\" state=\"full\"/>"                                                   \
				    "<endpoint entity=\"t3\" "                                                                   \
				    "state=\"partial\"/></user>" MANY_USERS) "<sidebars-by-ref state=\"partial\">" REF("sip:r1", \
														       "")       \
		    REF("sip:r2", "")                                                                                            \
			REF("sip:r3",                                                                                            \
			    "") "</sidebars-by-ref><sidebars-by-val "                                                            \
				"state=\"partial\">"                                                                             \
				"<entry "                                                                                        \
				"entity=\"sips:conf233@example.com;grid=77\" "                                                   \
				"state=\"partial\">" PUSERS(                                                                     \
				    "<user entity=\"sip:q1\" state=\"full\"/>"                                                   \
				    "<user entity=\"sip:q2\" state=\"full\"/>"                                                   \
				    "<user entity=\"sip:q3\" state=\"full\"/>"                                                   \
				    "<user entity=\"sip:q4\" "                                                                   \
				    "state=\"full\"/>") "</entry><entry "                                                        \
							"entity=\"sip:v2\" "                                                     \
							"state=\"partial\"/>"                                                    \
							"<entry "                                                                \
							"entity=\"sip:v3\"/"                                                     \
							"><entry "                                                               \
							"entity=\"sip:v4\"/>"                                                    \
							"<entry "                                                                \
							"entity=\"sip:v5\"/"                                                     \
							"></sidebars-by-val>")

static void test_alloc_failures(void **st)
{
	struct confinfo_conf *state = base_state();
	struct confinfo_conf *expected = NULL, *doc;
	enum confinfo_merge_result r;
	unsigned long n;
	unsigned failures = 0;

	(void)st;
	/* The expected result, from a run without failures. */
	assert_int_equal(confinfo_conf_clone(&expected, state), 0);
	mt_merge_xml(&expected, BIG_PARTIAL, CONFINFO_MERGE_APPLIED);
	assert_int_equal(expected->users->users.count, 18);

	for (n = 1;; n++) {
		struct confinfo_conf *before = NULL, *ptr = state;
		struct confinfo_diag diag = {0};
		int err;

		assert_int_equal(confinfo_conf_clone(&before, state), 0);
		doc = tu_decode_str(BIG_PARTIAL);
		confinfo__alloc_fail_at(n);
		err = confinfo_merge(&state, doc, &r, &diag);
		confinfo__alloc_fail_at(0);
		if (err) {
			assert_int_equal(err, ENOMEM);
			assert_int_equal(diag.err, ENOMEM);
			assert_ptr_equal(state, ptr);
			assert_true(confinfo_conf_equal(state, before));
			confinfo_conf_free(before);
			failures++;
			continue;
		}
		confinfo_conf_free(before);
		assert_int_equal(r, CONFINFO_MERGE_APPLIED);
		break;
	}
	/* The lists that grew needed room: several allocations failed. */
	assert_true(failures >= 4);
	assert_true(confinfo_conf_equal(state, expected));
	mt_assert_normalised(state);
	confinfo_conf_free(state);
	confinfo_conf_free(expected);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_keyed_levels),
	    cmocka_unit_test(test_partial_onto_absent),
	    cmocka_unit_test(test_ext),
	    cmocka_unit_test(test_first_document),
	    cmocka_unit_test(test_version_rules),
	    cmocka_unit_test(test_version_top),
	    cmocka_unit_test(test_deleted_root),
	    cmocka_unit_test(test_bad_args),
	    cmocka_unit_test(test_invalid),
	    cmocka_unit_test(test_rfc_examples),
	    cmocka_unit_test(test_alloc_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
