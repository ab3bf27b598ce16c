/*
 * What confinfo watch prints. Text mode: a roster for the first state, then
 * one line per change on standard output, subscription events on standard
 * error. JSON mode: everything on standard output, one object per line,
 * flushed as soon as it is written so that `confinfo watch --json | jq`
 * follows live.
 *
 * What changed, and what present and muted mean, is the roster's
 * (confinfo/roster.h): this file only prints its events.
 * Every string from the document goes through tool_fputs_safe(): it was
 * written by whoever sent the NOTIFY.
 */
#include <stdio.h>
#include <string.h>

#include "confinfo/bridge.h"
#include "input_limits.h"
#include "json.h"
#include "util.h"
#include "watch.h"

void watch_json_line(struct watch_out *out, json_t *obj)
{
	if (!obj) {
		out->failed = true;
		return;
	}
	if (json_dumpf(obj, out->f, JSON_COMPACT | JSON_PRESERVE_ORDER) ||
	    fputc('\n', out->f) == EOF || fflush(out->f))
		out->failed = true;
	json_decref(obj);
}

static void text_flush(struct watch_out *out)
{
	if (fflush(out->f) || ferror(out->f))
		out->failed = true;
}

static void put_roles(FILE *f, const struct confinfo_roles *r)
{
	size_t i;

	if (!r || !r->count) {
		fputs("none", f);
		return;
	}
	for (i = 0; i < r->count; i++) {
		if (i)
			fputs(", ", f);
		tool_fputs_safe(f, r->entries[i]);
	}
}

static json_t *roles_json(const struct confinfo_roles *r)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && r && i < r->count; i++) {
		if (json_array_append_new(a, json_string(r->entries[i]))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

/* `Alice <sip:alice@example.com>`, or the bare entity. */
static void put_user(FILE *f, const char *entity, const char *display_text)
{
	if (display_text) {
		tool_fputs_safe(f, display_text);
		fputs(" <", f);
		tool_fputs_safe(f, entity);
		fputc('>', f);
	} else {
		tool_fputs_safe(f, entity);
	}
}

static json_t *user_event(const char *event,
			  const struct confinfo_roster_event *ev)
{
	json_t *o = json_object();
	int bad = 0;

	bad |= json_object_set_new(o, "event", json_string(event));
	bad |= json_object_set_new(o, "user", json_string(ev->entity));
	bad |= json_object_set_new(
	    o, "display_text",
	    ev->display_text ? json_string(ev->display_text) : json_null());
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static void user_line(struct watch_out *out, const char *event,
		      const struct confinfo_roster_event *ev)
{
	if (out->json) {
		watch_json_line(out, user_event(event, ev));
		return;
	}
	fprintf(out->f, "%s: ", event);
	put_user(out->f, ev->entity, ev->display_text);
	fputc('\n', out->f);
}

static void role_line(struct watch_out *out,
		      const struct confinfo_roster_event *ev)
{
	if (out->json) {
		json_t *o = user_event("role_changed", ev);

		if (o &&
		    (json_object_set_new(o, "old", roles_json(ev->old_roles)) ||
		     json_object_set_new(o, "new",
					 roles_json(ev->new_roles)))) {
			json_decref(o);
			o = NULL;
		}
		watch_json_line(out, o);
		return;
	}
	fputs("role changed: ", out->f);
	put_user(out->f, ev->entity, ev->display_text);
	fputs(": ", out->f);
	put_roles(out->f, ev->old_roles);
	fputs(" -> ", out->f);
	put_roles(out->f, ev->new_roles);
	fputc('\n', out->f);
}

static void deleted_line(struct watch_out *out)
{
	json_t *o;

	if (!out->json) {
		fputs("conference deleted\n", out->f);
		return;
	}
	o = json_object();
	if (o && json_object_set_new(o, "event", json_string("deleted"))) {
		json_decref(o);
		o = NULL;
	}
	watch_json_line(out, o);
}

/*
 * Chat-driven changes (docs/chat-bridge.md). A focus's chat bridge marks
 * an endpoint the chat room muted with the attribute muted-by (namespace
 * CONFINFO_BRIDGE_NS, bridge.h) holding the AOR of the chair who did it;
 * a boot carries the booted method and its disconnection-info (reason,
 * by), whoever booted. Whoever writes the state could write these too:
 * the line says what the state claims, as every other line does.
 */
struct change_ctx {
	struct watch_out *out;
	const struct confinfo_conf *state;
};

static const char *muted_by(const struct confinfo_user *u)
{
	for (size_t i = 0; u && i < u->endpoints.count; i++) {
		const struct confinfo_endpoint *ep = u->endpoints.items[i];

		if (ep->status != CONFINFO_EP_STATUS_MUTED_VIA_FOCUS)
			continue;
		for (size_t j = 0; j < ep->ext.attr_count; j++) {
			const struct confinfo_attr *a = &ep->ext.attrs[j];

			if (!strcmp(a->ns, CONFINFO_BRIDGE_NS) &&
			    !strcmp(a->name, "muted-by"))
				return a->value;
		}
	}
	return NULL;
}

/* The endpoint of @p u that was booted, or NULL. */
static const struct confinfo_endpoint *booted(const struct confinfo_user *u)
{
	for (size_t i = 0; u && i < u->endpoints.count; i++) {
		const struct confinfo_endpoint *ep = u->endpoints.items[i];

		if (ep->disconnection_method == CONFINFO_DISC_BOOTED &&
		    ep->status == CONFINFO_EP_STATUS_DISCONNECTED)
			return ep;
	}
	return NULL;
}

/* Who @p aor is in @p state: its display-text, else the AOR. */
static const char *who(const struct confinfo_conf *state, const char *aor)
{
	const struct confinfo_user *u = confinfo_conf_user(state, aor);

	return u && u->display_text ? u->display_text : aor;
}

static void json_add_str(json_t *o, const char *key, const char *value)
{
	if (o && json_object_set_new(o, key,
				     value ? json_string(value) : json_null()))
		json_object_clear(o);
}

/* "muted: Bob (by Alice in the chat room)" */
static void muted_line(struct change_ctx *c,
		       const struct confinfo_roster_event *ev)
{
	const char *by = muted_by(ev->user);
	json_t *o;

	if (!by) {
		user_line(c->out, "muted", ev);
		return;
	}
	if (c->out->json) {
		o = user_event("muted", ev);
		json_add_str(o, "by", by);
		json_add_str(o, "via", "chat");
		watch_json_line(c->out, o);
		return;
	}
	fputs("muted: ", c->out->f);
	put_user(c->out->f, ev->entity, ev->display_text);
	fputs(" (by ", c->out->f);
	tool_fputs_safe(c->out->f, who(c->state, by));
	fputs(" in the chat room)\n", c->out->f);
}

/* "booted: Mallory: spam" */
static void booted_line(struct change_ctx *c,
			const struct confinfo_roster_event *ev,
			const struct confinfo_endpoint *ep)
{
	static const struct confinfo_exec none;
	const struct confinfo_exec *x =
	    ep->disconnection_info ? ep->disconnection_info : &none;
	json_t *o;

	if (c->out->json) {
		o = user_event("booted", ev);
		json_add_str(o, "reason", x->reason);
		json_add_str(o, "by", x->by);
		json_add_str(o, "when", x->when);
		watch_json_line(c->out, o);
		return;
	}
	fputs("booted: ", c->out->f);
	put_user(c->out->f, ev->entity, ev->display_text);
	if (x->reason) {
		fputs(": ", c->out->f);
		tool_fputs_safe(c->out->f, x->reason);
	}
	fputc('\n', c->out->f);
}

/* A confinfo_roster_event_h: one line (or JSON object) per event. Endpoint
 * status changes are not shown: presence and mute say what people read. */
static void change_line(const struct confinfo_roster_event *ev, void *arg)
{
	struct change_ctx *c = arg;
	struct watch_out *out = c->out;
	const struct confinfo_endpoint *ep;

	switch (ev->type) {
	case CONFINFO_ROSTER_JOINED:
		user_line(out, "joined", ev);
		break;
	case CONFINFO_ROSTER_LEFT:
		ep = booted(ev->user);
		if (ep)
			booted_line(c, ev, ep);
		else
			user_line(out, "left", ev);
		break;
	case CONFINFO_ROSTER_MUTED:
		muted_line(c, ev);
		break;
	case CONFINFO_ROSTER_UNMUTED:
		user_line(out, "unmuted", ev);
		break;
	case CONFINFO_ROSTER_ROLES_CHANGED:
		role_line(out, ev);
		break;
	case CONFINFO_ROSTER_DELETED:
		deleted_line(out);
		break;
	case CONFINFO_ROSTER_ENDPOINT_STATUS_CHANGED:
		break;
	}
}

int watch_out_changes(struct watch_out *out, struct confinfo_roster *roster,
		      const struct confinfo_conf *state,
		      const struct confinfo_roster_changes *changes)
{
	struct change_ctx c = {out, state};
	int err =
	    confinfo_roster_update(roster, state, changes, change_line, &c);

	if (!out->json)
		text_flush(out);
	return err;
}

void watch_out_roster(struct watch_out *out, const struct confinfo_conf *state)
{
	const struct confinfo_list *ul =
	    state->users ? &state->users->users : NULL;
	const struct confinfo_description *d = state->description;
	size_t i, present = 0;
	FILE *f = out->f;

	if (out->json)
		return; /* the snapshot that follows is the roster */
	for (i = 0; ul && i < ul->count; i++)
		present += confinfo_roster_user_present(ul->items[i]);
	fputs("conference ", f);
	tool_fputs_safe(f, state->entity);
	if (d && d->display_text) {
		fputs(" \"", f);
		tool_fputs_safe(f, d->display_text);
		fputc('"', f);
	}
	fprintf(f, " (version %u)\n", (unsigned)state->version.value);
	if (state->state == CONFINFO_STATE_DELETED) {
		fputs("conference deleted\n", f);
		text_flush(out);
		return;
	}
	if (d && d->subject) {
		fputs("  subject: ", f);
		tool_fputs_safe(f, d->subject);
		fputc('\n', f);
	}
	fprintf(f, "  %zu user%s:\n", present, present == 1 ? "" : "s");
	for (i = 0; ul && i < ul->count; i++) {
		const struct confinfo_user *u = ul->items[i];

		if (!confinfo_roster_user_present(u))
			continue;
		fputs("    ", f);
		put_user(f, u->entity, u->display_text);
		if (u->roles && u->roles->count) {
			fputs(" [", f);
			put_roles(f, u->roles);
			fputc(']', f);
		}
		if (confinfo_roster_user_muted(u))
			fputs(" (muted)", f);
		fputc('\n', f);
	}
	text_flush(out);
}

void watch_out_snapshot(struct watch_out *out,
			const struct confinfo_conf *state, uint32_t version,
			bool full)
{
	json_t *o = json_object(), *view = NULL;
	int bad = 0;

	if (!o || tool_json_conf(&view, state, NULL, NULL, NULL)) {
		json_decref(o);
		out->failed = true;
		return;
	}
	bad |= json_object_set_new(o, "event", json_string("state"));
	bad |= json_object_set_new(o, "version", json_integer(version));
	bad |= json_object_set_new(o, "full", json_boolean(full));
	bad |= json_object_set_new(o, "conference", view);
	if (bad) {
		json_decref(o);
		o = NULL;
	}
	watch_json_line(out, o);
}

static const char *event_name(enum confinfo_subscriber_event_type t)
{
	switch (t) {
	case CONFINFO_SUBSCRIBER_SUBSCRIBED:
		return "subscribed";
	case CONFINFO_SUBSCRIBER_STATE:
		return "state";
	case CONFINFO_SUBSCRIBER_DISCARDED:
		return "discarded";
	case CONFINFO_SUBSCRIBER_RESYNC:
		return "resync";
	case CONFINFO_SUBSCRIBER_ENTITY_MISMATCH:
		return "entity_mismatch";
	case CONFINFO_SUBSCRIBER_WARNING:
		return "warning";
	case CONFINFO_SUBSCRIBER_TERMINATED:
		return "terminated";
	case CONFINFO_SUBSCRIBER_CLOSED:
		return "closed";
	}
	return "unknown";
}

void watch_out_smime(struct watch_out *out,
		     const struct confinfo_subscriber_event *ev)
{
	const char *st = confinfo_smime_status_str(ev->smime);
	json_t *o;

	if (out->json) {
		o = json_object();
		if (o &&
		    (json_object_set_new(o, "event", json_string("smime")) ||
		     json_object_set_new(o, "status", json_string(st)) ||
		     json_object_set_new(o, "version",
					 json_integer(ev->version)) ||
		     json_object_set_new(o, "state_verified",
					 json_boolean(ev->state_verified)) ||
		     (ev->smime_detail &&
		      json_object_set_new(o,
					  ev->smime == CONFINFO_SMIME_VERIFIED
					      ? "signer"
					      : "message",
					  json_string(ev->smime_detail))))) {
			json_decref(o);
			o = NULL;
		}
		watch_json_line(out, o);
		return;
	}
	fprintf(out->err, "confinfo watch: NOTIFY version %u: signature %s",
		(unsigned)ev->version, st);
	if (ev->smime_detail) {
		fputs(ev->smime == CONFINFO_SMIME_VERIFIED ? " (signer " : " (",
		      out->err);
		tool_fputs_safe(out->err, ev->smime_detail);
		fputc(')', out->err);
	}
	if (!ev->state_verified)
		fputs("; the state is not verified", out->err);
	fputc('\n', out->err);
	fflush(out->err);
}

bool watch_closed_in_error(const struct confinfo_subscriber_event *ev)
{
	return ev->err && !(ev->reason && !strcmp(ev->reason, "noresource"));
}

/* The option that raises the limit a NOTIFY was refused over, or NULL. */
static const char *resync_option(const struct confinfo_subscriber_event *ev)
{
	return ev->diag ? input_limits_hint(ev->diag) : NULL;
}

static void event_json(struct watch_out *out,
		       const struct confinfo_subscriber_event *ev,
		       const char *uri)
{
	json_t *o = json_object();
	int bad = 0;

	bad |=
	    json_object_set_new(o, "event", json_string(event_name(ev->type)));
	bad |= json_object_set_new(o, "message", json_string(ev->message));
	switch (ev->type) {
	case CONFINFO_SUBSCRIBER_SUBSCRIBED:
		bad |= json_object_set_new(o, "expires",
					   json_integer(ev->expires));
		break;
	case CONFINFO_SUBSCRIBER_DISCARDED:
		bad |= json_object_set_new(o, "version",
					   json_integer(ev->version));
		break;
	case CONFINFO_SUBSCRIBER_RESYNC:
		bad |= json_object_set_new(
		    o, "retry_ms", json_integer((json_int_t)ev->retry_ms));
		if (resync_option(ev))
			bad |= json_object_set_new(
			    o, "raise_with", json_string(resync_option(ev)));
		bad |= json_object_set_new(
		    o, "smime",
		    json_string(confinfo_smime_status_str(ev->smime)));
		break;
	case CONFINFO_SUBSCRIBER_ENTITY_MISMATCH:
		bad |=
		    json_object_set_new(o, "entity", json_string(ev->entity));
		bad |= json_object_set_new(o, "subscribed", json_string(uri));
		break;
	case CONFINFO_SUBSCRIBER_TERMINATED:
		bad |=
		    json_object_set_new(o, "reason", json_string(ev->reason));
		bad |= json_object_set_new(
		    o, "retry_ms", json_integer((json_int_t)ev->retry_ms));
		break;
	case CONFINFO_SUBSCRIBER_CLOSED:
		bad |= json_object_set_new(o, "reason",
					   ev->reason ? json_string(ev->reason)
						      : json_null());
		bad |= json_object_set_new(
		    o, "error", json_boolean(watch_closed_in_error(ev)));
		bad |=
		    json_object_set_new(o, "status", json_integer(ev->scode));
		break;
	default:
		break;
	}
	if (bad) {
		json_decref(o);
		o = NULL;
	}
	watch_json_line(out, o);
}

void watch_out_event(struct watch_out *out,
		     const struct confinfo_subscriber_event *ev,
		     const char *uri)
{
	FILE *f = out->err;

	if (out->json) {
		event_json(out, ev, uri);
		return;
	}
	fputs("confinfo watch: ", f);
	switch (ev->type) {
	case CONFINFO_SUBSCRIBER_SUBSCRIBED:
		fprintf(f, "%s (expires %u s)\n", ev->message,
			(unsigned)ev->expires);
		break;
	case CONFINFO_SUBSCRIBER_DISCARDED:
		fprintf(f,
			"NOTIFY version %u discarded: ", (unsigned)ev->version);
		tool_fputs_safe(f, ev->message);
		fputc('\n', f);
		break;
	case CONFINFO_SUBSCRIBER_RESYNC:
		tool_fputs_safe(f, ev->message);
		if (resync_option(ev))
			fprintf(f, " (raise with %s)", resync_option(ev));
		fprintf(f,
			": state kept, asking for the full state (in %llu "
			"ms)\n",
			(unsigned long long)ev->retry_ms);
		break;
	case CONFINFO_SUBSCRIBER_ENTITY_MISMATCH:
		fputs("warning: the document's entity '", f);
		tool_fputs_safe(f, ev->entity);
		fputs("' is not the subscribed URI '", f);
		tool_fputs_safe(f, uri);
		fputs("'\n", f);
		break;
	case CONFINFO_SUBSCRIBER_WARNING:
		fputs("warning: ", f);
		tool_fputs_safe(f, ev->message);
		fputc('\n', f);
		break;
	case CONFINFO_SUBSCRIBER_TERMINATED:
		tool_fputs_safe(f, ev->message);
		fprintf(f, ": subscribing again in %llu ms\n",
			(unsigned long long)ev->retry_ms);
		break;
	default:
		tool_fputs_safe(f, ev->message);
		if (ev->type == CONFINFO_SUBSCRIBER_CLOSED && ev->reason &&
		    !strcmp(ev->reason, "too-big"))
			fputs(" (use --transport tcp, or tls)", f);
		fputc('\n', f);
		break;
	}
	fflush(f);
}
