/*
 * confinfo show: a readable summary of one document, or its JSON view.
 *
 * The text layout is for people (see confinfo(1)); scripts use --json,
 * whose keys are documented and stable. Every string of the document goes
 * through tool_printf()'s %s, escaped: a display-text is written by
 * whoever sent the NOTIFY and must not be able to drive the terminal.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "confinfo/chat.h"
#include "input_limits.h"
#include "json.h"
#include "room_doc.h"
#include "room_policy.h"
#include "util.h"
#include "verdict.h"

static const char show_usage[] =
    "usage: confinfo show [--json] [--conference URI] [POLICY] [LIMITS]\n"
    "                     [--view VIEW] [--as URI] [--view-policy FILE] "
    "FILE\n"
    "\n"
    "Summarise a conference-info document: entity, state and version,\n"
    "subject, conference state, URIs with their purposes, chat rooms\n"
    "(RFC 7106), users with their endpoints, statuses and media, and\n"
    "sidebars. A FILE of '-' reads standard input.\n"
    "\n"
    "With --conference, every chat room is marked with its verdict (as\n"
    "by 'confinfo rooms'), checked against URI, the sip/sips URI you\n"
    "subscribed to; a warning says so when the document's entity\n"
    "differs from it. The policy options apply to those verdicts.\n"
    "\n"
    "Options:\n"
    "  -j, --json          print the JSON view instead (keys in\n"
    "                      confinfo(1))\n"
    "  -c, --conference URI  check the chat rooms against URI\n"
    "      --smime-ca CA   FILE may be S/MIME-signed (multipart/signed\n"
    "                      MIME form): verify against CA's certificates\n"
    "      --view VIEW     show what a subscriber with view VIEW (none,\n"
    "                      public, participant, full) receives from a\n"
    "                      focus; private users: those the document\n"
    "                      marks and --view-policy names (anonymous\n"
    "                      URIs only illustrative)\n"
    "      --as URI        as subscriber URI (it sees itself unmasked;\n"
    "                      without --view the policy decides its view)\n"
    "      --view-policy FILE  the focus's view policy (confinfo(1))\n"
    "  -h, --help          print this help and exit\n"
    "\n" ROOM_POLICY_HELP "\n" INPUT_LIMITS_HELP "\n"
    "Exit status: 0 shown (invalid rooms included), 1 invalid document,\n"
    "2 usage error or invalid conference URI.\n";

static void put_text(FILE *out, const char *label, const char *value)
{
	if (value)
		tool_printf(out, "  %s: %s\n", label, value);
}

/* ` "display text"` after a key, when there is one. */
static void put_display(FILE *out, const char *display_text)
{
	if (display_text)
		tool_printf(out, " \"%s\"", display_text);
}

static const char *bool_text(enum confinfo_bool b)
{
	switch (b) {
	case CONFINFO_BOOL_TRUE:
		return "yes";
	case CONFINFO_BOOL_FALSE:
		return "no";
	default:
		return "unknown";
	}
}

static void show_header(FILE *out, const struct confinfo_conf *conf)
{
	const struct confinfo_description *d = conf->description;
	const struct confinfo_conf_state *cs = conf->conf_state;

	tool_printf(out, "conference %s\n  state: %s%s\n", conf->entity,
		    confinfo_state_str(confinfo_state_effective(conf->state)),
		    conf->state == CONFINFO_STATE_UNSET ? " (by default)" : "");
	if (conf->version.set)
		fprintf(out, "  version: %u\n", (unsigned)conf->version.value);
	else
		fputs("  version: none\n", out);
	if (d) {
		put_text(out, "subject", d->subject);
		put_text(out, "display text", d->display_text);
		put_text(out, "free text", d->free_text);
		if (d->maximum_user_count.set)
			fprintf(out, "  maximum users: %u\n",
				(unsigned)d->maximum_user_count.value);
	}
	if (cs) {
		fputs("  user count: ", out);
		if (cs->user_count.set)
			fprintf(out, "%u", (unsigned)cs->user_count.value);
		else
			fputs("unknown", out);
		fprintf(out, ", active: %s, locked: %s\n",
			bool_text(cs->active), bool_text(cs->locked));
	}
}

static void show_uris(FILE *out, const char *title,
		      const struct confinfo_uris *uris)
{
	size_t n = uris ? uris->entries.count : 0;

	fprintf(out, "%s:%s\n", title, n ? "" : " none");
	for (size_t i = 0; i < n; i++) {
		const struct confinfo_uri_entry *e = uris->entries.items[i];

		tool_printf(out, "  %s", e->uri);
		if (e->purpose)
			tool_printf(out, " [%s]", e->purpose);
		put_display(out, e->display_text);
		fputc('\n', out);
	}
}

/*
 * One chat room. The full URI is always shown (RFC 7106 section 6 asks
 * clients to), with where it was listed and a misspelled purpose; with
 * --conference, its verdict below it.
 */
static int show_room(FILE *out, struct verdict_check *check,
		     const struct confinfo_chat_room *room)
{
	struct confinfo_chat_verdict *v = NULL;
	int err;

	tool_printf(out, "  %s", room->entry->uri);
	put_display(out, room->entry->display_text);
	if (room->in_conf_uris)
		fputs(" (listed in conf-uris)", out);
	if (room->misspelled)
		fputs(" (purpose spelled '" CONFINFO_CHAT_PURPOSE_MISSPELLED
		      "')",
		      out);
	fputc('\n', out);
	if (!check)
		return 0;
	err = verdict_check_room(check, room, &v);
	if (err)
		return err;
	verdict_text(out, "    ", v);
	confinfo_chat_verdict_free(v);
	return 0;
}

static int show_rooms(FILE *out, struct verdict_check *check,
		      const struct confinfo_conf *conf,
		      struct confinfo_diag *diag)
{
	struct confinfo_chat_room *rooms = NULL;
	size_t count = 0;
	int err;

	err = confinfo_chat_rooms(conf, &rooms, &count, diag);
	if (err)
		return err;
	fprintf(out, "chat rooms:%s\n", count ? "" : " none");
	for (size_t i = 0; i < count && !err; i++)
		err = show_room(out, check, &rooms[i]);
	free(rooms);
	return err;
}

static void show_media(FILE *out, const struct confinfo_media *m)
{
	const char *status = confinfo_media_status_str(m->status);

	tool_printf(out, "      media %s:", m->id);
	if (m->type)
		tool_printf(out, " %s", m->type);
	if (m->label)
		tool_printf(out, " label %s", m->label);
	if (status)
		fprintf(out, " %s", status);
	put_display(out, m->display_text);
	fputc('\n', out);
}

static void show_endpoint(FILE *out, const struct confinfo_endpoint *ep)
{
	const char *status = confinfo_endpoint_status_str(ep->status);
	const char *join = confinfo_joining_method_str(ep->joining_method);
	const char *disc =
	    confinfo_disconnection_method_str(ep->disconnection_method);

	tool_printf(out, "    endpoint %s", ep->entity);
	put_display(out, ep->display_text);
	if (ep->state != CONFINFO_STATE_UNSET &&
	    ep->state != CONFINFO_STATE_FULL)
		fprintf(out, " (%s)", confinfo_state_str(ep->state));
	fprintf(out, ": %s", status ? status : "status unknown");
	if (join)
		fprintf(out, ", joining: %s", join);
	if (disc)
		fprintf(out, ", disconnection: %s", disc);
	fputc('\n', out);
	for (size_t i = 0; i < ep->media.count; i++)
		show_media(out, ep->media.items[i]);
}

static void show_user(FILE *out, const struct confinfo_user *u)
{
	tool_printf(out, "  %s", u->entity);
	put_display(out, u->display_text);
	if (u->state != CONFINFO_STATE_UNSET && u->state != CONFINFO_STATE_FULL)
		fprintf(out, " (%s)", confinfo_state_str(u->state));
	if (u->roles && u->roles->count) {
		fputs(" roles:", out);
		for (size_t i = 0; i < u->roles->count; i++)
			tool_printf(out, i ? ",%s" : " %s",
				    u->roles->entries[i]);
	}
	fputc('\n', out);
	for (size_t i = 0; i < u->endpoints.count; i++)
		show_endpoint(out, u->endpoints.items[i]);
}

static void show_users(FILE *out, const struct confinfo_users *users)
{
	size_t n = users ? users->users.count : 0;

	fprintf(out, "users (%zu", n);
	if (users && users->state != CONFINFO_STATE_UNSET &&
	    users->state != CONFINFO_STATE_FULL)
		fprintf(out, ", %s", confinfo_state_str(users->state));
	fputs("):\n", out);
	for (size_t i = 0; i < n; i++)
		show_user(out, users->users.items[i]);
}

static void show_sidebars(FILE *out, const struct confinfo_conf *conf)
{
	const struct confinfo_sidebars_by_val *sbv = conf->sidebars_by_val;
	size_t n = sbv ? sbv->entries.count : 0;

	show_uris(out, "sidebars by reference", conf->sidebars_by_ref);
	fprintf(out, "sidebars by value:%s\n", n ? "" : " none");
	for (size_t i = 0; i < n; i++) {
		const struct confinfo_conf *sb = sbv->entries.items[i];
		size_t users = sb->users ? sb->users->users.count : 0;

		tool_printf(
		    out, "  %s (%s, %zu user%s)\n", sb->entity,
		    confinfo_state_str(confinfo_state_effective(sb->state)),
		    users, users == 1 ? "" : "s");
	}
}

static int show_text(FILE *out, struct verdict_check *check,
		     const struct confinfo_conf *conf,
		     struct confinfo_diag *diag)
{
	const struct confinfo_description *d = conf->description;
	int err;

	show_header(out, conf);
	show_uris(out, "conf-uris", d ? d->conf_uris : NULL);
	show_uris(out, "service-uris", d ? d->service_uris : NULL);
	err = show_rooms(out, check, conf, diag);
	if (err)
		return err;
	show_users(out, conf->users);
	show_sidebars(out, conf);
	return 0;
}

static int show_json(FILE *out, struct verdict_check *check,
		     const struct confinfo_conf *conf,
		     struct confinfo_diag *diag)
{
	json_t *obj = NULL;
	int err;

	/* With --conference each chat_rooms element gets the verdict keys
	 * after its own, as in `rooms --json`. */
	err = tool_json_conf(&obj, conf, diag, check ? verdict_json_room : NULL,
			     check);
	if (err)
		return err;
	err = tool_json_print(out, obj);
	json_decref(obj);
	return err;
}

/* The document, its rooms marked with their verdicts when they were
 * checked. An invalid room is marked, not a failure of `show`. */
static int show_print(struct room_doc *rd)
{
	struct verdict_check *check = rd->conference ? &rd->check : NULL;

	return rd->json ? show_json(stdout, check, rd->conf, &rd->doc.diag)
			: show_text(stdout, check, rd->conf, &rd->doc.diag);
}

int cmd_show(int argc, char **argv)
{
	return room_doc_main("show", show_usage, false, show_print, argc, argv);
}
