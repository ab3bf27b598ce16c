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
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "commands.h"
#include "confinfo/chat.h"
#include "confinfo/uri.h"
#include "json.h"
#include "util.h"

static const char policy_help[] =
    "Policy options:\n"
    "  --related=off|list|subdomain|psl\n"
    "                      which domains count as related to the\n"
    "                      conference's (default off)\n"
    "  --relate CONF-DOMAIN=CHAT-DOMAIN\n"
    "                      a related pair (repeatable; implies\n"
    "                      --related=list)\n"
    "  --auto-join=never|same-domain|related\n"
    "                      when a room may be joined without asking\n"
    "                      (default never)\n"
    "  --require-name-match  automatic joins also need the room name to\n"
    "                      match the conference name\n"
    "  --max-auto-join-users N\n"
    "                      largest conference (users) to join from\n"
    "                      automatically (default 100)\n";

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
    "\n";

static const char room_exit[] =
    "\nExit status: 0 valid room, 1 invalid room, 2 usage error or\n"
    "invalid conference URI.\n";

static const char rooms_usage[] =
    "usage: confinfo rooms [OPTIONS] --conference URI FILE\n"
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
    "\n";

static const char rooms_exit[] =
    "\nExit status: 0 every room valid, 1 invalid document or at least\n"
    "one invalid room, 2 usage error or invalid conference URI.\n";

enum {
	OPT_RELATED = 256,
	OPT_RELATE,
	OPT_AUTO_JOIN,
	OPT_REQUIRE_NAME,
	OPT_MAX_USERS,
	OPT_USERS,
};

/* What the command line asked for. */
struct room_opts {
	const char *cmd;
	bool json;
	struct confinfo_chat_policy *policy;
	int related; /* -1 until --related is given */
	bool relate_given;
	uint32_t users;
	const char *conference;
};

static bool parse_u32(const char *s, uint32_t *vp)
{
	unsigned long long v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (unsigned)(*s - '0');
		if (v > UINT32_MAX)
			return false;
	}
	*vp = (uint32_t)v;
	return true;
}

static int relate_add(struct room_opts *o, const char *arg)
{
	struct confinfo_diag d = {0};
	const char *eq = strchr(arg, '=');
	char *conf;
	int err;

	if (!eq || eq == arg || !eq[1])
		return tool_usage_error(
		    o->cmd, "--relate wants CONF-DOMAIN=CHAT-DOMAIN");
	conf = strndup(arg, (size_t)(eq - arg));
	if (!conf)
		return tool_usage_error(o->cmd, "out of memory");
	err = confinfo_chat_policy_add_related(o->policy, conf, eq + 1, &d);
	free(conf);
	if (err)
		return tool_usage_error(o->cmd, "--relate: %s",
					d.message[0] ? d.message
						     : strerror(err));
	o->relate_given = true;
	return 0;
}

/* One policy option; EXIT_USAGE (after printing why) or 0. */
static int policy_option(struct room_opts *o, int c, const char *arg)
{
	static const char *const related[] = {"off", "list", "subdomain",
					      "psl"};
	static const char *const autos[] = {"never", "same-domain", "related"};
	uint32_t n;

	switch (c) {
	case OPT_RELATED:
		for (int i = 0; i < 4; i++) {
			if (!strcmp(arg, related[i])) {
				o->related = i;
				return 0;
			}
		}
		return tool_usage_error(o->cmd, "--related: unknown mode '%s'",
					arg);
	case OPT_RELATE:
		return relate_add(o, arg);
	case OPT_AUTO_JOIN:
		for (int i = 0; i < 3; i++) {
			if (!strcmp(arg, autos[i]))
				return confinfo_chat_policy_set_auto_join(
					   o->policy,
					   (enum confinfo_chat_auto_join)i)
					   ? EXIT_USAGE
					   : 0;
		}
		return tool_usage_error(o->cmd,
					"--auto-join: unknown mode '%s'", arg);
	case OPT_REQUIRE_NAME:
		confinfo_chat_policy_set_require_name_match(o->policy, true);
		return 0;
	case OPT_MAX_USERS:
		if (!parse_u32(arg, &n))
			return tool_usage_error(
			    o->cmd, "--max-auto-join-users: not a number: '%s'",
			    arg);
		confinfo_chat_policy_set_max_auto_join_users(o->policy, n);
		return 0;
	default:
		return tool_usage_hint(o->cmd);
	}
}

/* After the options: --relate implies list, and contradicts other modes. */
static int policy_finish(struct room_opts *o)
{
	int mode = o->related;

	if (mode < 0)
		mode = o->relate_given ? CONFINFO_CHAT_RELATED_LIST
				       : CONFINFO_CHAT_RELATED_OFF;
	if (o->relate_given && mode != CONFINFO_CHAT_RELATED_LIST)
		return tool_usage_error(o->cmd,
					"--relate needs --related=list");
	confinfo_chat_policy_set_related(o->policy,
					 (enum confinfo_chat_related_mode)mode);
	return 0;
}

static json_t *jstr_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* The verdict keys, in the documented order, added to @p o. */
static int verdict_json(json_t *o, const struct confinfo_chat_verdict *v)
{
	json_t *w = json_array();
	int bad = !w;

	bad |= json_object_set_new(o, "valid", json_boolean(v->valid));
	bad |= json_object_set_new(o, "error", jstr_or_null(v->error));
	bad |= json_object_set_new(
	    o, "scheme", jstr_or_null(confinfo_uri_scheme_str(v->scheme)));
	bad |= json_object_set_new(o, "host", jstr_or_null(v->host));
	bad |= json_object_set_new(o, "host_unicode",
				   jstr_or_null(v->host_unicode));
	bad |= json_object_set_new(
	    o, "port", v->port < 0 ? json_null() : json_integer(v->port));
	bad |= json_object_set_new(o, "room", jstr_or_null(v->room_display));
	bad |=
	    json_object_set_new(o, "same_domain", json_boolean(v->same_domain));
	bad |=
	    json_object_set_new(o, "name_match", json_boolean(v->name_match));
	bad |= json_object_set_new(o, "related", json_boolean(v->related));
	bad |= json_object_set_new(o, "secure", json_boolean(v->secure));
	bad |= json_object_set_new(
	    o, "join", json_string(confinfo_chat_join_str(v->join)));
	for (size_t i = 0; w && i < v->warning_count; i++)
		bad |= json_array_append_new(w, json_string(v->warnings[i]));
	bad |= json_object_set_new(o, "warnings", w);
	return bad ? ENOMEM : 0;
}

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

/* The readable summary; @p indent prefixes every line. */
static void verdict_text(FILE *out, const char *indent,
			 const struct confinfo_chat_verdict *v)
{
	fprintf(out, "%sroom URI:     ", indent);
	tool_fputs_safe(out, v->uri_display);
	fputc('\n', out);
	if (!v->valid) {
		fprintf(out, "%svalid:        no: ", indent);
		tool_fputs_safe(out, v->error);
		fprintf(out, "\n%sjoin:         never\n", indent);
	} else {
		fprintf(out, "%svalid:        yes\n", indent);
		fprintf(out, "%sscheme:       %s (%s)\n", indent,
			confinfo_uri_scheme_str(v->scheme),
			v->secure ? "secure transport"
				  : "transport not secured");
		fprintf(out, "%shost:         ", indent);
		if (!v->host) {
			fputs("(none)", out);
		} else {
			tool_fputs_safe(out, v->host_unicode);
			if (strcmp(v->host, v->host_unicode)) {
				fputs(" (A-label ", out);
				tool_fputs_safe(out, v->host);
				fputc(')', out);
			}
		}
		if (v->port >= 0)
			fprintf(out, " port %d", v->port);
		fprintf(out, "\n%sroom name:    ", indent);
		tool_fputs_safe(out,
				v->room_display ? v->room_display : "(none)");
		fprintf(out, "\n%ssame domain:  %s\n", indent,
			yes_no(v->same_domain));
		fprintf(out, "%sname match:   %s\n", indent,
			yes_no(v->name_match));
		fprintf(out, "%srelated:      %s\n", indent,
			yes_no(v->related));
		fprintf(out, "%sjoin:         %s\n", indent,
			confinfo_chat_join_str(v->join));
	}
	for (size_t i = 0; i < v->warning_count; i++) {
		fprintf(out, "%swarning:      ", indent);
		tool_fputs_safe(out, v->warnings[i]);
		fputc('\n', out);
	}
}

/* Options common to both commands. */
#define POLICY_LONG_OPTS                                                       \
	{"related", required_argument, NULL, OPT_RELATED},                     \
	    {"relate", required_argument, NULL, OPT_RELATE},                   \
	    {"auto-join", required_argument, NULL, OPT_AUTO_JOIN},             \
	    {"require-name-match", no_argument, NULL, OPT_REQUIRE_NAME},       \
	    {"max-auto-join-users", required_argument, NULL, OPT_MAX_USERS},   \
	    {"json", no_argument, NULL, 'j'},                                  \
	{                                                                      \
		"help", no_argument, NULL, 'h'                                 \
	}

static int conference_parse(const struct room_opts *o, const char *s,
			    struct confinfo_uri **up)
{
	struct confinfo_diag d = {0};
	int err = confinfo_chat_conference_parse(up, s, strlen(s), &d);

	if (!err)
		return 0;
	fprintf(stderr, "confinfo %s: invalid conference URI: ", o->cmd);
	tool_fputs_safe(stderr, d.message[0] ? d.message : strerror(err));
	fputc('\n', stderr);
	return EXIT_USAGE;
}

static int room_run(struct room_opts *o, const char *conf_s, const char *room_s)
{
	struct confinfo_uri *conf = NULL;
	struct confinfo_chat_verdict *v = NULL;
	json_t *obj = NULL;
	int status, err;

	status = conference_parse(o, conf_s, &conf);
	if (status)
		return status;
	status = 1;
	err = confinfo_chat_check(&v, conf, room_s, strlen(room_s), o->policy,
				  o->users);
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

int cmd_room(int argc, char **argv)
{
	static const struct option long_opts[] = {
	    POLICY_LONG_OPTS,
	    {"users", required_argument, NULL, OPT_USERS},
	    {NULL, 0, NULL, 0},
	};
	struct room_opts o = {.cmd = "room", .related = -1};
	int c, status = EXIT_USAGE;

	if (confinfo_chat_policy_alloc(&o.policy)) {
		fprintf(stderr, "confinfo room: %s\n", strerror(ENOMEM));
		return 1;
	}
	while ((c = getopt_long(argc, argv, "jh", long_opts, NULL)) != -1) {
		if (c == 'j') {
			o.json = true;
		} else if (c == 'h') {
			fputs(room_usage, stdout);
			fputs(policy_help, stdout);
			fputs(room_exit, stdout);
			status = tool_stdout_ok("room") ? 0 : 1;
			goto out;
		} else if (c == OPT_USERS) {
			if (!parse_u32(optarg, &o.users)) {
				tool_usage_error("room",
						 "--users: not a number: '%s'",
						 optarg);
				goto out;
			}
		} else if (policy_option(&o, c, optarg)) {
			goto out;
		}
	}
	if (argc - optind != 2) {
		tool_usage_error("room",
				 "expected CONFERENCE-URI and ROOM-URI");
		goto out;
	}
	if (policy_finish(&o))
		goto out;
	status = room_run(&o, argv[optind], argv[optind + 1]);
out:
	confinfo_chat_policy_free(o.policy);
	return status;
}

/* ---------------------------------------------------------------------
 * confinfo rooms
 * ------------------------------------------------------------------- */

/* State shared with the per-room JSON hook. */
struct rooms_run {
	const struct room_opts *o;
	const struct confinfo_uri *conf;
	uint32_t users;
	bool all_valid;
};

static int rooms_json_hook(json_t *obj, const struct confinfo_chat_room *room,
			   void *arg)
{
	struct rooms_run *r = arg;
	struct confinfo_chat_verdict *v = NULL;
	int err;

	err =
	    confinfo_chat_check_room(&v, r->conf, room, r->o->policy, r->users);
	if (err)
		return err;
	r->all_valid = r->all_valid && v->valid;
	err = verdict_json(obj, v);
	confinfo_chat_verdict_free(v);
	return err;
}

static int rooms_json(struct rooms_run *r, const struct confinfo_conf *doc,
		      bool entity_ok, struct confinfo_diag *diag)
{
	json_t *obj = json_object(), *view = NULL, *rooms;
	int bad = !obj, err;

	/* The document's own view builds the room objects (uri,
	 * display_text, purpose_spelling, in_conf_uris); the hook adds the
	 * verdict keys to each. */
	err = tool_json_conf(&view, doc, diag, rooms_json_hook, r);
	if (err)
		goto out;
	rooms = json_object_get(view, "chat_rooms");
	bad |=
	    json_object_set_new(obj, "conference", json_string(r->conf->text));
	bad |= json_object_set_new(obj, "entity", jstr_or_null(doc->entity));
	bad |=
	    json_object_set_new(obj, "entity_matches", json_boolean(entity_ok));
	bad |= json_object_set_new(obj, "users", json_integer(r->users));
	bad |= json_object_set(obj, "rooms", rooms ? rooms : json_array());
	if (bad) {
		err = ENOMEM;
		goto out;
	}
	err = tool_json_print(stdout, obj);
out:
	json_decref(view);
	json_decref(obj);
	return err;
}

static int rooms_text(struct rooms_run *r, const struct confinfo_conf *doc,
		      bool entity_ok, struct confinfo_diag *diag)
{
	struct confinfo_chat_room *rooms = NULL;
	size_t count = 0;
	int err;

	err = confinfo_chat_rooms(doc, &rooms, &count, diag);
	if (err)
		return err;
	fputs("conference:   ", stdout);
	tool_fputs_safe(stdout, r->conf->text);
	fputs("\nentity:       ", stdout);
	tool_fputs_safe(stdout, doc->entity);
	fprintf(stdout, "%s\nusers:        %lu\nchat rooms:   %zu\n",
		entity_ok ? "" : " (differs from the conference URI!)",
		(unsigned long)r->users, count);
	for (size_t i = 0; i < count && !err; i++) {
		struct confinfo_chat_verdict *v = NULL;

		err = confinfo_chat_check_room(&v, r->conf, &rooms[i],
					       r->o->policy, r->users);
		if (err)
			break;
		r->all_valid = r->all_valid && v->valid;
		fprintf(stdout, "\nroom %zu:\n", i + 1);
		if (rooms[i].entry->display_text) {
			fputs("  display text: ", stdout);
			tool_fputs_safe(stdout, rooms[i].entry->display_text);
			fputc('\n', stdout);
		}
		verdict_text(stdout, "  ", v);
		confinfo_chat_verdict_free(v);
	}
	free(rooms);
	return err;
}

static int rooms_run(struct room_opts *o, const char *path)
{
	struct confinfo_uri *conf = NULL;
	struct confinfo_conf *doc = NULL;
	struct rooms_run r = {.o = o, .all_valid = true};
	struct tool_doc d;
	bool entity_ok;
	int status, err;

	status = conference_parse(o, o->conference, &conf);
	if (status)
		return status;
	status = 1;
	tool_doc_init(&d, path);
	if (tool_doc_load(&d, &doc))
		goto out;
	r.conf = conf;
	r.users = confinfo_chat_user_count(doc);
	entity_ok = confinfo_chat_entity_matches(doc, conf, &d.diag);
	err = o->json ? rooms_json(&r, doc, entity_ok, &d.diag)
		      : rooms_text(&r, doc, entity_ok, &d.diag);
	if (err) {
		tool_doc_fail(&d, err);
		goto out;
	}
	if (tool_stdout_ok("rooms") && r.all_valid)
		status = 0;
out:
	confinfo_conf_free(doc);
	confinfo_uri_free(conf);
	return status;
}

int cmd_rooms(int argc, char **argv)
{
	static const struct option long_opts[] = {
	    POLICY_LONG_OPTS,
	    {"conference", required_argument, NULL, 'c'},
	    {NULL, 0, NULL, 0},
	};
	struct room_opts o = {.cmd = "rooms", .related = -1};
	int c, status = EXIT_USAGE;

	if (confinfo_chat_policy_alloc(&o.policy)) {
		fprintf(stderr, "confinfo rooms: %s\n", strerror(ENOMEM));
		return 1;
	}
	while ((c = getopt_long(argc, argv, "jhc:", long_opts, NULL)) != -1) {
		if (c == 'j') {
			o.json = true;
		} else if (c == 'c') {
			o.conference = optarg;
		} else if (c == 'h') {
			fputs(rooms_usage, stdout);
			fputs(policy_help, stdout);
			fputs(rooms_exit, stdout);
			status = tool_stdout_ok("rooms") ? 0 : 1;
			goto out;
		} else if (policy_option(&o, c, optarg)) {
			goto out;
		}
	}
	if (!o.conference) {
		tool_usage_error("rooms", "--conference URI is required");
		goto out;
	}
	if (argc - optind != 1) {
		tool_usage_error("rooms", "expected exactly one FILE");
		goto out;
	}
	if (policy_finish(&o))
		goto out;
	status = rooms_run(&o, argv[optind]);
out:
	confinfo_chat_policy_free(o.policy);
	return status;
}
