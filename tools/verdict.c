/*
 * Chat room verdicts as commands show them (see verdict.h). The chat
 * module decides everything; this file only lays it out. The display
 * strings of a verdict are already percent-encoded where they could
 * mislead, and everything still goes through tool_printf()'s %s so that a
 * verdict built elsewhere (watch's "cannot check") is safe too.
 */
#include <errno.h>
#include <string.h>

#include "util.h"
#include "verdict.h"

int verdict_json(json_t *o, const struct confinfo_chat_verdict *v)
{
	json_t *w = json_array(), *keys;
	int bad = 0;

	for (size_t i = 0; w && i < v->warning_count; i++)
		bad |= json_array_append_new(w, json_string(v->warnings[i]));
	/* json_pack() keeps this, the documented order, and takes @p w
	 * over even when it fails. */
	keys = json_pack(
	    "{s:b, s:s?, s:s?, s:s?, s:s?, s:o, s:s?, s:b, s:b, s:b, s:b, "
	    "s:b, s:s?, s:o}",
	    "valid", (int)v->valid, "error", v->error, "scheme",
	    confinfo_uri_scheme_str(v->scheme), "host", v->host, "host_unicode",
	    v->host_unicode, "port",
	    v->port < 0 ? json_null() : json_integer(v->port), "room",
	    v->room_display, "same_domain", (int)v->same_domain, "name_match",
	    (int)v->name_match, "related", (int)v->related, "secure",
	    (int)v->secure, "lookalike", (int)v->lookalike, "join",
	    confinfo_chat_join_str(v->join), "warnings", w);
	bad |= !keys || json_object_update(o, keys);
	json_decref(keys);
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
	tool_printf(out, "%s", shown);
	if (strcmp(v->host, shown))
		tool_printf(out, " (A-label %s)", v->host);
}

void verdict_text(FILE *out, const char *indent,
		  const struct confinfo_chat_verdict *v)
{
	/* The full URI first, whatever follows: a user must be able to see
	 * where a room really is (RFC 7106 section 2). */
	tool_printf(out, "%sroom URI:     %s\n", indent, v->uri_display);
	if (!v->valid) {
		tool_printf(out,
			    "%svalid:        no: %s\n%sjoin:         never\n",
			    indent, v->error, indent);
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
		tool_printf(out, "\n%sroom name:    %s", indent,
			    v->room_display ? v->room_display : "(none)");
		fprintf(out, "\n%ssame domain:  %s\n", indent,
			yes_no(v->same_domain));
		fprintf(out, "%sname match:   %s\n", indent,
			yes_no(v->name_match));
		fprintf(out, "%srelated:      %s\n", indent,
			yes_no(v->related));
		/* Only when it is one: the warning says why. */
		if (v->lookalike)
			fprintf(out, "%slook-alike:   yes\n", indent);
		fprintf(out, "%sjoin:         %s\n", indent,
			confinfo_chat_join_str(v->join));
	}
	for (size_t i = 0; i < v->warning_count; i++)
		tool_printf(out, "%swarning:      %s\n", indent,
			    v->warnings[i]);
}

void verdict_room_text(FILE *out, size_t number,
		       const struct confinfo_chat_room *room,
		       const struct confinfo_chat_verdict *v)
{
	fprintf(out, "\nroom %zu:\n", number);
	if (room->entry->display_text)
		tool_printf(out, "  display text: %s\n",
			    room->entry->display_text);
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
