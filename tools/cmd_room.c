/*
 * confinfo room / confinfo rooms: check chat room URIs against the
 * conference the user subscribed to (RFC 7106, docs/chat-rooms.md).
 *
 * Everything shown comes from a confinfo_chat_verdict, so this command
 * shows what any program built on the library would show. The full room
 * URI is always printed (RFC 7106 section 2), with IDN hosts in both
 * forms.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "commands.h"
#include "confinfo/chat.h"
#include "confinfo/uri.h"
#include "input_limits.h"
#include "json.h"
#include "room_doc.h"
#include "room_policy.h"
#include "util.h"
#include "verdict.h"

static const char room_usage[] =
    "usage: confinfo room [OPTIONS] CONFERENCE-URI ROOM-URI\n"
    "\n"
    "Check one chat room URI (sip, sips, xmpp, irc, http, https) against\n"
    "the sip/sips URI of the conference you subscribed to: is it valid,\n"
    "in the same domain, named like the conference, related by policy,\n"
    "over a secure transport, and may it be joined automatically?\n"
    "\n"
    "Options:\n"
    "  -j, --json          print one JSON object (keys in confinfo(1))\n"
    "  --users N           the conference's user count (default 0)\n"
    "  -h, --help          print this help and exit\n"
    "\n" ROOM_POLICY_HELP "\n"
    "Exit status: 0 valid room, 1 invalid room, 2 usage error or\n"
    "invalid conference URI.\n";

static const char rooms_usage[] =
    "usage: confinfo rooms [OPTIONS] [LIMITS] --conference URI FILE\n"
    "\n"
    "List every chat room of a conference-info document with its\n"
    "verdict, checked against URI, the sip/sips URI you subscribed to\n"
    "(never against the document's own entity, which is reported when\n"
    "it differs). The user count is the larger of the document's\n"
    "user-count and its number of users. A FILE of '-' reads standard\n"
    "input.\n"
    "\n"
    "Options:\n"
    "  -c, --conference URI  the subscribed conference URI (required)\n"
    "  -j, --json          print one JSON object (keys in confinfo(1))\n"
    "  -h, --help          print this help and exit\n"
    "\n" ROOM_POLICY_HELP "\n" INPUT_LIMITS_HELP "\n"
    "Exit status: 0 every room valid, 1 invalid document or at least\n"
    "one invalid room, 2 usage error or invalid conference URI.\n";

enum {
	OPT_USERS = 256,
};

/* What the command line of `room` asked for. */
struct room_opts {
	bool json;
	struct room_policy policy;
	uint32_t users;
};

static int room_run(struct room_opts *o, const char *conf_s, const char *room_s)
{
	struct confinfo_uri *conf = NULL;
	struct confinfo_chat_verdict *v = NULL;
	json_t *obj = NULL;
	int status, err;

	status = room_policy_conference("room", conf_s, &conf);
	if (status)
		return status;
	status = 1;
	err = confinfo_chat_check(&v, conf, room_s, strlen(room_s),
				  o->policy.chat, o->users);
	if (err) {
		fprintf(stderr, "confinfo room: %s\n", strerror(err));
		goto out;
	}
	if (o->json) {
		obj = json_object();
		if (!obj || verdict_json(obj, v) ||
		    tool_json_print(stdout, obj)) {
			fprintf(stderr, "confinfo room: %s\n",
				strerror(ENOMEM));
			goto out;
		}
	} else {
		verdict_text(stdout, "", v);
	}
	if (tool_stdout_ok("room"))
		status = v->valid ? 0 : 1;
out:
	json_decref(obj);
	confinfo_chat_verdict_free(v);
	confinfo_uri_free(conf);
	return status;
}

static int room_opt(void *ctx, int c, const char *arg)
{
	struct room_opts *o = ctx;
	uint64_t n;

	if (c == 'j') {
		o->json = true;
	} else if (c == OPT_USERS) {
		if (tool_parse_uint(arg, 0, UINT32_MAX, &n))
			return tool_usage_error(
			    "room", "--users: not a number: '%s'", arg);
		o->users = (uint32_t)n;
	}
	return CMD_RUN;
}

int cmd_room(int argc, char **argv)
{
	static const struct option long_opts[] = {
	    ROOM_POLICY_LONG_OPTIONS,
	    {"users", required_argument, NULL, OPT_USERS},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct room_opts o = {.policy = ROOM_POLICY_INIT("room")};
	const struct tool_cli cli = {.cmd = "room",
				     .usage = room_usage,
				     .shortopts = "jh",
				     .longopts = long_opts,
				     .policy = &o.policy};
	int status;

	status = tool_parse_opts(&cli, argc, argv, room_opt, &o);
	if (status == CMD_RUN && argc - optind != 2)
		status = tool_usage_error(
		    "room", "expected CONFERENCE-URI and ROOM-URI");
	if (status == CMD_RUN)
		status = room_policy_finish(&o.policy);
	if (status == CMD_RUN)
		status = room_run(&o, argv[optind], argv[optind + 1]);
	room_policy_reset(&o.policy);
	return status;
}

/* ---------------------------------------------------------------------
 * confinfo rooms
 * ------------------------------------------------------------------- */

static int rooms_json(struct room_doc *vd)
{
	json_t *obj, *view = NULL;
	int err;

	/* The document's own view builds the room objects (uri,
	 * display_text, purpose_spelling, in_conf_uris); the hook adds the
	 * verdict keys to each. */
	err = tool_json_conf(&view, vd->conf, &vd->doc.diag, verdict_json_room,
			     &vd->check);
	if (err)
		return err;
	obj = json_pack("{s:s, s:s?, s:b, s:I, s:O}", "conference",
			vd->conference->text, "entity", vd->conf->entity,
			"entity_matches", (int)vd->entity_matches, "users",
			(json_int_t)vd->check.users, "rooms",
			json_object_get(view, "chat_rooms"));
	err = obj ? tool_json_print(stdout, obj) : ENOMEM;
	json_decref(obj);
	json_decref(view);
	return err;
}

static int rooms_text(struct room_doc *vd)
{
	struct confinfo_chat_room *rooms = NULL;
	size_t count = 0;
	int err;

	err = confinfo_chat_rooms(vd->conf, &rooms, &count, &vd->doc.diag);
	if (err)
		return err;
	tool_printf(stdout,
		    "conference:   %s\nentity:       %s%s\nusers:        "
		    "%lu\nchat rooms:   %zu\n",
		    vd->conference->text, vd->conf->entity,
		    vd->entity_matches ? ""
				       : " (differs from the conference URI!)",
		    (unsigned long)vd->check.users, count);
	for (size_t i = 0; i < count; i++) {
		struct confinfo_chat_verdict *v = NULL;

		err = verdict_check_room(&vd->check, &rooms[i], &v);
		if (err)
			break;
		verdict_room_text(stdout, i + 1, &rooms[i], v);
		confinfo_chat_verdict_free(v);
	}
	free(rooms);
	return err;
}

/* The rooms of the document, in JSON or as text. */
static int rooms_print(struct room_doc *rd)
{
	return rd->json ? rooms_json(rd) : rooms_text(rd);
}

int cmd_rooms(int argc, char **argv)
{
	return room_doc_main("rooms", rooms_usage, true, rooms_print, argc,
			     argv);
}
