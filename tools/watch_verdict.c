/*
 * Chat room verdicts in confinfo watch. The chat module decides everything
 * (validity, the two checks, related domains, the join decision, display
 * strings); this file parses the same policy options as `confinfo room`
 * and prints each room: its full URI first, always, then the verdict. The
 * JSON keys of a room are those of `confinfo room --json` after the keys
 * of the JSON view (uri, display_text, purpose_spelling, in_conf_uris).
 *
 * Rooms are checked against the URI given on the command line, never the
 * entity of a received document (docs/chat-rooms.md section 1).
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "confinfo/uri.h"
#include "json.h"
#include "util.h"
#include "watch_verdict.h"

enum {
	OPT_RELATED = 300,
	OPT_RELATE,
	OPT_AUTO_JOIN,
	OPT_REQUIRE_NAME_MATCH,
	OPT_MAX_AUTO_JOIN_USERS,
};

struct watch_verdict {
	const struct confinfo_chat_policy *policy;
	struct confinfo_uri *conference; /* NULL when unparsable */
	char error[CONFINFO_DIAG_MSG_SIZE + 64];
};

int watch_room_policy_init(struct watch_room_opts *o)
{
	return confinfo_chat_policy_alloc(&o->policy);
}

void watch_room_policy_reset(struct watch_room_opts *o)
{
	confinfo_chat_policy_free(o->policy);
	o->policy = NULL;
}

size_t watch_room_policy_options(struct option *opts, size_t max)
{
	static const struct option policy_opts[WATCH_ROOM_POLICY_MAX] = {
	    {"related", required_argument, NULL, OPT_RELATED},
	    {"relate", required_argument, NULL, OPT_RELATE},
	    {"auto-join", required_argument, NULL, OPT_AUTO_JOIN},
	    {"require-name-match", no_argument, NULL, OPT_REQUIRE_NAME_MATCH},
	    {"max-auto-join-users", required_argument, NULL,
	     OPT_MAX_AUTO_JOIN_USERS},
	};
	size_t n = max < WATCH_ROOM_POLICY_MAX ? max : WATCH_ROOM_POLICY_MAX;

	memcpy(opts, policy_opts, n * sizeof(*opts));
	return n;
}

static int related_arg(struct watch_room_opts *o, const char *arg)
{
	static const struct {
		const char *name;
		enum confinfo_chat_related_mode mode;
	} modes[] = {
	    {"off", CONFINFO_CHAT_RELATED_OFF},
	    {"list", CONFINFO_CHAT_RELATED_LIST},
	    {"subdomain", CONFINFO_CHAT_RELATED_SUBDOMAIN},
	    {"psl", CONFINFO_CHAT_RELATED_PSL},
	};

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (!strcmp(arg, modes[i].name))
			return confinfo_chat_policy_set_related(o->policy,
								modes[i].mode)
				   ? EXIT_USAGE
				   : 0;
	}
	return tool_usage_error("watch",
				"--related: off, list, subdomain or psl, not "
				"'%s'",
				arg);
}

static int relate_arg(struct watch_room_opts *o, const char *arg)
{
	struct confinfo_diag diag;
	const char *eq = strchr(arg, '=');
	char *conf;
	int err;

	if (!eq || eq == arg || !eq[1])
		return tool_usage_error("watch",
					"--relate: CONF-DOMAIN=CHAT-DOMAIN, "
					"not '%s'",
					arg);
	conf = strndup(arg, (size_t)(eq - arg));
	if (!conf)
		return tool_usage_error("watch", "%s", strerror(ENOMEM));
	memset(&diag, 0, sizeof(diag));
	err = confinfo_chat_policy_add_related(o->policy, conf, eq + 1, &diag);
	free(conf);
	if (!err)
		err = confinfo_chat_policy_set_related(
		    o->policy, CONFINFO_CHAT_RELATED_LIST);
	if (err)
		return tool_usage_error("watch", "--relate %s: %s", arg,
					diag.message[0] ? diag.message
							: strerror(err));
	return 0;
}

static int auto_join_arg(struct watch_room_opts *o, const char *arg)
{
	enum confinfo_chat_auto_join mode;

	if (!strcmp(arg, "never"))
		mode = CONFINFO_CHAT_AUTO_NEVER;
	else if (!strcmp(arg, "same-domain"))
		mode = CONFINFO_CHAT_AUTO_SAME_DOMAIN;
	else if (!strcmp(arg, "related"))
		mode = CONFINFO_CHAT_AUTO_RELATED;
	else
		return tool_usage_error("watch",
					"--auto-join: never, same-domain or "
					"related, not '%s'",
					arg);
	return confinfo_chat_policy_set_auto_join(o->policy, mode) ? EXIT_USAGE
								   : 0;
}

int watch_room_policy_arg(struct watch_room_opts *o, int c, const char *arg)
{
	char *end;
	unsigned long n;

	switch (c) {
	case OPT_RELATED:
		return related_arg(o, arg);
	case OPT_RELATE:
		return relate_arg(o, arg);
	case OPT_AUTO_JOIN:
		return auto_join_arg(o, arg);
	case OPT_REQUIRE_NAME_MATCH:
		return confinfo_chat_policy_set_require_name_match(o->policy,
								   true)
			   ? EXIT_USAGE
			   : 0;
	case OPT_MAX_AUTO_JOIN_USERS:
		errno = 0;
		n = strtoul(arg, &end, 10);
		if (!*arg || *arg == '-' || *end || errno || n > UINT32_MAX)
			return tool_usage_error(
			    "watch",
			    "--max-auto-join-users: a number, not '%s'", arg);
		return confinfo_chat_policy_set_max_auto_join_users(o->policy,
								    (uint32_t)n)
			   ? EXIT_USAGE
			   : 0;
	default:
		return tool_usage_hint("watch");
	}
}

int watch_verdict_alloc(struct watch_verdict **vp,
			const struct watch_room_opts *o)
{
	struct watch_verdict *v = calloc(1, sizeof(*v));
	struct confinfo_diag diag;
	int err;

	if (!v)
		return ENOMEM;
	v->policy = o->policy;
	memset(&diag, 0, sizeof(diag));
	err = confinfo_chat_conference_parse(&v->conference, o->conf_uri,
					     strlen(o->conf_uri), &diag);
	if (err == ENOMEM) {
		free(v);
		return err;
	}
	if (err)
		snprintf(v->error, sizeof(v->error),
			 "the conference URI cannot be checked: %s",
			 diag.message[0] ? diag.message : strerror(err));
	*vp = v;
	return 0;
}

void watch_verdict_free(struct watch_verdict *v)
{
	if (!v)
		return;
	confinfo_uri_free(v->conference);
	free(v);
}

static struct confinfo_chat_verdict *
check(struct watch_verdict *v, const struct confinfo_conf *state,
      const struct confinfo_chat_room *room)
{
	struct confinfo_chat_verdict *cv = NULL;

	if (!v->conference)
		return NULL;
	if (confinfo_chat_check_room(&cv, v->conference, room, v->policy,
				     confinfo_chat_user_count(state)))
		return NULL;
	return cv;
}

enum watch_decision
watch_verdict_decision(struct watch_verdict *v,
		       const struct confinfo_conf *state,
		       const struct confinfo_chat_room *room)
{
	struct confinfo_chat_verdict *cv = check(v, state, room);
	enum watch_decision d = WATCH_DECISION_NEVER;

	if (cv && cv->valid) {
		if (cv->join == CONFINFO_CHAT_JOIN_AUTO)
			d = WATCH_DECISION_AUTO;
		else if (cv->join == CONFINFO_CHAT_JOIN_ASK)
			d = WATCH_DECISION_ASK;
	}
	confinfo_chat_verdict_free(cv);
	return d;
}

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

static void show_text(struct watch_verdict *v, FILE *f,
		      const struct confinfo_chat_room *room,
		      const struct confinfo_chat_verdict *cv)
{
	fputs("  ", f);
	/* The full URI, always (RFC 7106 section 5). */
	tool_fputs_safe(f, cv ? cv->uri_display : room->entry->uri);
	if (room->entry->display_text) {
		fputs(" \"", f);
		tool_fputs_safe(f, room->entry->display_text);
		fputc('"', f);
	}
	fputc('\n', f);
	if (!cv) {
		fputs("    cannot check: ", f);
		tool_fputs_safe(f, v->error[0] ? v->error : "out of memory");
		fputs("; join: never\n", f);
		return;
	}
	if (!cv->valid) {
		fputs("    invalid: ", f);
		tool_fputs_safe(f, cv->error);
		fputs("; join: never\n", f);
	} else {
		fprintf(f, "    %s", confinfo_uri_scheme_str(cv->scheme));
		if (cv->host) {
			fputs(", host ", f);
			tool_fputs_safe(f, cv->host_unicode ? cv->host_unicode
							    : cv->host);
			if (cv->host_unicode &&
			    strcmp(cv->host_unicode, cv->host)) {
				fputs(" (", f);
				tool_fputs_safe(f, cv->host);
				fputc(')', f);
			}
		}
		if (cv->room_display) {
			fputs(", room ", f);
			tool_fputs_safe(f, cv->room_display);
		}
		fprintf(f,
			"\n    same domain: %s, name matches: %s, related: %s, "
			"secure: %s, join: %s\n",
			yes_no(cv->same_domain), yes_no(cv->name_match),
			yes_no(cv->related), yes_no(cv->secure),
			confinfo_chat_join_str(cv->join));
	}
	for (size_t i = 0; i < cv->warning_count; i++) {
		fputs("    warning: ", f);
		tool_fputs_safe(f, cv->warnings[i]);
		fputc('\n', f);
	}
}

static json_t *jstr_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *room_json(struct watch_verdict *v,
			 const struct confinfo_chat_room *room,
			 const struct confinfo_chat_verdict *cv)
{
	json_t *o = tool_json_room(room), *w;
	int bad = !o;

	if (bad)
		return NULL;
	if (!cv) {
		bad |= json_object_set_new(o, "valid", json_false());
		bad |= json_object_set_new(
		    o, "error",
		    json_string(v->error[0] ? v->error : "out of memory"));
		bad |= json_object_set_new(o, "join", json_string("never"));
		goto out;
	}
	bad |= json_object_set_new(o, "valid", json_boolean(cv->valid));
	bad |= json_object_set_new(o, "error", jstr_or_null(cv->error));
	bad |= json_object_set_new(
	    o, "scheme", jstr_or_null(confinfo_uri_scheme_str(cv->scheme)));
	bad |= json_object_set_new(o, "host", jstr_or_null(cv->host));
	bad |= json_object_set_new(o, "host_unicode",
				   jstr_or_null(cv->host_unicode));
	bad |= json_object_set_new(
	    o, "port", cv->port >= 0 ? json_integer(cv->port) : json_null());
	bad |= json_object_set_new(o, "room", jstr_or_null(cv->room_display));
	bad |= json_object_set_new(o, "same_domain",
				   json_boolean(cv->same_domain));
	bad |=
	    json_object_set_new(o, "name_match", json_boolean(cv->name_match));
	bad |= json_object_set_new(o, "related", json_boolean(cv->related));
	bad |= json_object_set_new(o, "secure", json_boolean(cv->secure));
	bad |= json_object_set_new(
	    o, "join", json_string(confinfo_chat_join_str(cv->join)));
	w = json_array();
	bad |= json_object_set_new(o, "warnings", w);
	for (size_t i = 0; !bad && i < cv->warning_count; i++)
		bad |= json_array_append_new(w, json_string(cv->warnings[i]));
out:
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

void watch_verdict_show(struct watch_verdict *v, struct watch_out *out,
			const struct confinfo_conf *state,
			const struct confinfo_chat_room *rooms, size_t count)
{
	json_t *obj = NULL, *arr = NULL;
	size_t i;

	if (out->json) {
		obj = json_object();
		arr = json_array();
		if (!obj || !arr ||
		    json_object_set_new(obj, "event", json_string("rooms")) ||
		    json_object_set_new(obj, "rooms", arr)) {
			json_decref(obj);
			out->failed = true;
			return;
		}
	} else {
		fprintf(out->f, "chat rooms: %zu\n", count);
	}
	for (i = 0; i < count; i++) {
		struct confinfo_chat_verdict *cv = check(v, state, &rooms[i]);

		if (out->json) {
			if (json_array_append_new(arr,
						  room_json(v, &rooms[i], cv)))
				out->failed = true;
		} else {
			show_text(v, out->f, &rooms[i], cv);
		}
		confinfo_chat_verdict_free(cv);
	}
	if (out->json) {
		watch_json_line(out, obj);
	} else if (fflush(out->f)) {
		out->failed = true;
	}
}
