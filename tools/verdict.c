/*
 * Chat room verdicts as commands show them (see verdict.h). The chat
 * module decides everything; this file only lays it out. The display
 * strings of a verdict are already percent-encoded where they could
 * mislead, and everything still goes through tool_fputs_safe() so that a
 * verdict built elsewhere (watch's "cannot check") is safe too.
 */
#include <errno.h>
#include <string.h>

#include "util.h"
#include "verdict.h"

/* A string, or null when absent. NULL on ENOMEM. */
static json_t *jstr_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

int verdict_json(json_t *o, const struct confinfo_chat_verdict *v)
{
	json_t *w = json_array();
	int bad = 0;

	/* Each *_set_new takes its value over even when it fails, so the
	 * failures are ORed together and checked once. */
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
	    o, "join", jstr_or_null(confinfo_chat_join_str(v->join)));
	for (size_t i = 0; w && i < v->warning_count; i++)
		bad |= json_array_append_new(w, json_string(v->warnings[i]));
	bad |= json_object_set_new(o, "warnings", w);
	return bad ? ENOMEM : 0;
}

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

/* `host (A-label xn--...)`: the form people read, and the one that is
 * resolved when they differ. */
static void host_text(FILE *out, const struct confinfo_chat_verdict *v)
{
	const char *shown = v->host_unicode ? v->host_unicode : v->host;

	if (!v->host) {
		fputs("(none)", out);
		return;
	}
	tool_fputs_safe(out, shown);
	if (strcmp(v->host, shown)) {
		fputs(" (A-label ", out);
		tool_fputs_safe(out, v->host);
		fputc(')', out);
	}
}

void verdict_text(FILE *out, const char *indent,
		  const struct confinfo_chat_verdict *v)
{
	/* The full URI first, whatever follows: a user must be able to see
	 * where a room really is (RFC 7106 section 2). */
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
		host_text(out, v);
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

void verdict_room_text(FILE *out, size_t number,
		       const struct confinfo_chat_room *room,
		       const struct confinfo_chat_verdict *v)
{
	fprintf(out, "\nroom %zu:\n", number);
	if (room->entry->display_text) {
		fputs("  display text: ", out);
		tool_fputs_safe(out, room->entry->display_text);
		fputc('\n', out);
	}
	verdict_text(out, "  ", v);
}

int verdict_check_room(struct verdict_check *c,
		       const struct confinfo_chat_room *room,
		       struct confinfo_chat_verdict **vp)
{
	struct confinfo_chat_verdict *v = NULL;
	int err;

	err = confinfo_chat_check_room(&v, c->conference, room, c->policy,
				       c->users);
	if (err)
		return err;
	c->all_valid = c->all_valid && v->valid;
	*vp = v;
	return 0;
}

int verdict_json_room(json_t *obj, const struct confinfo_chat_room *room,
		      void *arg)
{
	struct confinfo_chat_verdict *v = NULL;
	int err;

	err = verdict_check_room(arg, room, &v);
	if (err)
		return err;
	err = verdict_json(obj, v);
	confinfo_chat_verdict_free(v);
	return err;
}
