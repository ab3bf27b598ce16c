/*
 * The libstrophe connection. TLS is mandatory and verified: the flags
 * say MANDATORY_TLS (a server without STARTTLS is refused, not spoken to
 * in plaintext), never TRUST_TLS, and the certfail handler only records
 * why OpenSSL refused the certificate before refusing too, so that the
 * bridge gets a clear fatal error instead of a reconnect loop. The CA
 * file (--ca) is added to the system store by libstrophe.
 *
 * A connection that ends is retried with exponential backoff (1 s
 * doubling to 60 s, +-25 % jitter so that many children restarted at
 * once do not reconnect in step); muc.c rejoins the rooms when the
 * session is back. Two failures are fatal instead: a certificate refused
 * and authentication refused, since retrying cannot fix either.
 *
 * IQs get our own ids and deadlines (30 s), kept here rather than in
 * libstrophe's per-connection handlers, which die with each connection:
 * a reconnect must answer every command still waiting ("disconnected").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmppc.h"

/* libstrophe's certfail handler has no user data: one process, one
 * connection, so a file-scope note is enough. */
static char tls_refusal[256];
/* Set from the log handler when libstrophe gives up authenticating. */
static bool auth_refused;
/* Set when we gave up on a login that took too long. */
static bool login_timed_out;

static int certfail(const xmpp_tlscert_t *cert, const char *errormsg)
{
	(void)cert;
	snprintf(tls_refusal, sizeof(tls_refusal), "%s",
		 errormsg ? errormsg : "verification failed");
	return 0; /* never accept */
}

/* libstrophe's WARN and ERROR messages, one line each; DEBUG and INFO
 * are never asked for (they carry stanzas, SASL included) unless --debug
 * installed libstrophe's own logger instead. */
static void log_handler(void *ud, xmpp_log_level_t level, const char *area,
			const char *msg)
{
	char line[200];
	size_t i;

	(void)ud;
	if (level < XMPP_LEVEL_WARN)
		return;
	snprintf(line, sizeof(line), "%s", msg ? msg : "");
	for (i = 0; line[i]; i++)
		if ((unsigned char)line[i] < 0x20)
			line[i] = ' ';
	/* libstrophe reports running out of SASL mechanisms (the server
	 * refused each) as an error of its "auth" area, then disconnects. */
	if (level == XMPP_LEVEL_ERROR && area && strcmp(area, "auth") == 0)
		auth_refused = true;
	xc_log("libstrophe %s: %s", area ? area : "?", line);
}

static xmpp_log_t quiet_log = {log_handler, NULL};

/* The socket of the current attempt, for main.c's poll(): libstrophe
 * names it only through this callback, which has no user data either. */
static int strophe_fd = -1;

static int sockopt_cb(xmpp_conn_t *conn, void *sock)
{
	strophe_fd = *(int *)sock;
	return xmpp_sockopt_cb_keepalive(conn, sock);
}

int xc_conn_init(struct xc *xc)
{
	xmpp_initialize();
	xc->ctx = xmpp_ctx_new(
	    NULL, xc->opts.debug ? xmpp_get_default_logger(XMPP_LEVEL_DEBUG)
				 : &quiet_log);
	if (!xc->ctx)
		return ENOMEM;
	xc->backoff_ms = XC_BACKOFF_MIN_MS;
	return 0;
}

/* Completes every IQ in flight with ERROR (reconnect, exit). */
static void iqs_fail_all(struct xc *xc, const char *error)
{
	struct xc_iq *iq;

	while ((iq = xc->iqs)) {
		xc->iqs = iq->next;
		xc->iq_count--;
		iq->h(iq, NULL, error);
		free(iq);
	}
}

static unsigned jitter(unsigned ms)
{
	/* +-25 %: rand() is enough, this only spreads load. */
	return ms - ms / 4 + (unsigned)(rand() % (int)(ms / 2 + 1));
}

static void schedule_reconnect(struct xc *xc, const char *why)
{
	unsigned delay = jitter(xc->backoff_ms);

	xc->reconnect_at = xc_now_ms() + delay;
	xc->backoff_ms = xc->backoff_ms >= XC_BACKOFF_MAX_MS / 2
			     ? XC_BACKOFF_MAX_MS
			     : xc->backoff_ms * 2;
	xc_emit(json_pack("{s:s,s:s,s:i}", "ev", "disconnected", "error", why,
			  "retry_ms", (int)delay));
	xc_log("disconnected (%s); reconnecting in %u ms", why, delay);
}

static void fatal(struct xc *xc, const char *text)
{
	xc_log("%s", text);
	xc_emit_error(text, true);
	xc->exit_status = 1;
}

static void on_conn_event(xmpp_conn_t *conn, xmpp_conn_event_t status,
			  int error, xmpp_stream_error_t *se, void *ud)
{
	struct xc *xc = ud;
	char why[400];

	xc->login_deadline = 0;
	if (status == XMPP_CONN_CONNECT) {
		xc->connected = true;
		xc->backoff_ms = XC_BACKOFF_MIN_MS;
		xc_emit(json_pack("{s:s,s:s}", "ev", "connected", "jid",
				  xmpp_conn_get_bound_jid(conn)));
		xc_conn_handlers(xc);
		xc_muc_handlers(xc);
		xc_muc_connected(xc);
		return;
	}
	xc->connected = false;
	strophe_fd = -1;
	/* Rooms first: the setup IQs failed below then see their room is
	 * no longer being set up, while commands still get "disconnected". */
	xc_muc_disconnected(xc);
	iqs_fail_all(xc, "disconnected");
	if (xc->quitting)
		return;
	if (tls_refusal[0]) {
		snprintf(
		    why, sizeof(why),
		    "TLS: the server certificate for %s is not trusted: %s",
		    strchr(xc->opts.jid, '@') + 1, tls_refusal);
		fatal(xc, why);
		return;
	}
	if (auth_refused || (se && se->type == XMPP_SE_NOT_AUTHORIZED)) {
		snprintf(why, sizeof(why),
			 "authentication refused for %s (SASL %s)",
			 xc->opts.jid, xc->opts.cert ? "EXTERNAL" : "password");
		fatal(xc, why);
		return;
	}
	if (login_timed_out)
		snprintf(why, sizeof(why), "no session within %u s",
			 xc->opts.connect_timeout_ms / 1000);
	else if (se && se->text)
		snprintf(why, sizeof(why), "stream error: %.200s", se->text);
	else if (se)
		snprintf(why, sizeof(why), "stream error %d", (int)se->type);
	else if (error)
		snprintf(why, sizeof(why), "%s", strerror(error));
	else
		snprintf(why, sizeof(why), "connection closed");
	schedule_reconnect(xc, why);
}

/* A fresh connection object for every attempt: libstrophe keeps state
 * (handlers, stream management) on it that must not survive. */
void xc_conn_start(struct xc *xc)
{
	/* No stream management (XEP-0198): resuming a session would skip
	 * the rejoin, and the rejoin is what resynchronises the bridge. */
	long flags = XMPP_CONN_FLAG_MANDATORY_TLS | XMPP_CONN_FLAG_DISABLE_SM;
	char *jid;
	int rc;

	xc->reconnect_at = 0;
	if (xc->conn)
		xmpp_conn_release(xc->conn);
	xc->conn = xmpp_conn_new(xc->ctx);
	jid = xc->conn
		  ? xmpp_jid_new(xc->ctx, NULL, xc->opts.jid, xc->opts.resource)
		  : NULL;
	if (!jid) {
		fatal(xc, "out of memory");
		return;
	}
	xmpp_conn_set_flags(xc->conn, flags);
	xmpp_conn_set_jid(xc->conn, jid);
	xmpp_free(xc->ctx, jid);
	if (xc->password)
		xmpp_conn_set_pass(xc->conn, xc->password);
	else
		xmpp_conn_set_client_cert(xc->conn, xc->opts.cert,
					  xc->opts.key);
	if (xc->opts.ca)
		xmpp_conn_set_cafile(xc->conn, xc->opts.ca);
	xmpp_conn_set_certfail_handler(xc->conn, certfail);
	xmpp_conn_set_sockopt_callback(xc->conn, sockopt_cb);
	tls_refusal[0] = '\0';
	auth_refused = false;
	login_timed_out = false;
	xc->login_deadline = xc_now_ms() + xc->opts.connect_timeout_ms;
	rc = xmpp_connect_client(xc->conn, xc->opts.connect_host,
				 xc->opts.connect_port, on_conn_event, xc);
	if (rc != XMPP_EOK) {
		xc->login_deadline = 0;
		schedule_reconnect(xc, "cannot start connecting");
	}
}

/* libstrophe's socket (-1 none) and whether it wants to write. */
int xc_conn_fd(struct xc *xc, bool *want_write)
{
	*want_write = xc->conn && strophe_fd >= 0 &&
		      (xmpp_conn_send_queue_len(xc->conn) > 0 ||
		       xmpp_conn_is_connecting(xc->conn));
	return xc->conn ? strophe_fd : -1;
}

/* Replies to IQs: ours by id; any get/set addressed to us is answered
 * service-unavailable, as RFC 6120 8.4 asks of an entity that does not
 * understand it. */
static int on_iq(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	struct xc *xc = ud;
	const char *type = xmpp_stanza_get_type(st);
	const char *id = xmpp_stanza_get_id(st);
	struct xc_iq **pp, *iq;
	char cond[64];
	xmpp_stanza_t *reply;

	if (!type)
		return 1;
	if (strcmp(type, "get") == 0 || strcmp(type, "set") == 0) {
		reply = xmpp_stanza_reply_error(st, "cancel",
						"service-unavailable", NULL);
		if (reply) {
			xmpp_send(conn, reply);
			xmpp_stanza_release(reply);
		}
		return 1;
	}
	if (!id)
		return 1;
	for (pp = &xc->iqs; (iq = *pp); pp = &iq->next) {
		if (strcmp(iq->id, id) != 0)
			continue;
		*pp = iq->next;
		xc->iq_count--;
		if (strcmp(type, "error") == 0)
			iq->h(iq, st,
			      xc_error_condition(st, cond, sizeof(cond)));
		else
			iq->h(iq, st, NULL);
		free(iq);
		break;
	}
	return 1;
}

/* The condition of a stanza error (its first child in the stanzas
 * namespace), "undefined-condition" when there is none. */
char *xc_error_condition(xmpp_stanza_t *st, char *buf, size_t size)
{
	xmpp_stanza_t *e = xmpp_stanza_get_child_by_name(st, "error"), *c;
	const char *ns, *name;

	snprintf(buf, size, "undefined-condition");
	for (c = e ? xmpp_stanza_get_children(e) : NULL; c;
	     c = xmpp_stanza_get_next(c)) {
		ns = xmpp_stanza_get_ns(c);
		name = xmpp_stanza_get_name(c);
		if (ns && name &&
		    strcmp(ns, "urn:ietf:params:xml:ns:xmpp-stanzas") == 0 &&
		    strcmp(name, "text") != 0) {
			snprintf(buf, size, "%.40s", name);
			break;
		}
	}
	return buf;
}

void xc_conn_handlers(struct xc *xc)
{
	xmpp_handler_add(xc->conn, on_iq, NULL, "iq", NULL, xc);
}

/* Sends IQ (consumed) with a fresh id; H runs exactly once, with the
 * reply, on timeout or on disconnect. ENOTCONN, ENOSPC (too many in
 * flight) or ENOMEM: H does not run. */
int xc_iq_send(struct xc *xc, xmpp_stanza_t *st, xc_iq_h *h,
	       struct xc_room *room, json_int_t cmd_id)
{
	struct xc_iq *iq;
	int err = 0;

	if (!st)
		return ENOMEM;
	if (!xc->connected) {
		err = ENOTCONN;
		goto out;
	}
	if (xc->iq_count >= XC_IQS_MAX) {
		err = ENOSPC;
		goto out;
	}
	iq = calloc(1, sizeof(*iq));
	if (!iq) {
		err = ENOMEM;
		goto out;
	}
	snprintf(iq->id, sizeof(iq->id), "xc%lu", ++xc->iq_seq);
	if (xmpp_stanza_set_id(st, iq->id) != XMPP_EOK) {
		free(iq);
		err = ENOMEM;
		goto out;
	}
	iq->xc = xc;
	iq->deadline = xc_now_ms() + XC_IQ_TIMEOUT_MS;
	iq->h = h;
	iq->room = room;
	iq->room_gen = room ? room->gen : 0;
	iq->cmd_id = cmd_id;
	iq->next = xc->iqs;
	xc->iqs = iq;
	xc->iq_count++;
	xmpp_send(xc->conn, st);
out:
	xmpp_stanza_release(st);
	return err;
}

/* Timers: the reconnect when due, and IQs past their deadline. */
void xc_conn_poll(struct xc *xc, uint64_t now)
{
	struct xc_iq **pp = &xc->iqs, *iq;

	if (xc->reconnect_at && now >= xc->reconnect_at && !xc->quitting)
		xc_conn_start(xc);
	/* A server that accepts and then says nothing would hold the login
	 * forever: libstrophe times out the TCP connect only. */
	if (xc->login_deadline && now >= xc->login_deadline && xc->conn) {
		xc->login_deadline = 0;
		login_timed_out = true;
		xmpp_disconnect(xc->conn);
	}
	while ((iq = *pp)) {
		if (now < iq->deadline) {
			pp = &iq->next;
			continue;
		}
		*pp = iq->next;
		xc->iq_count--;
		iq->h(iq, NULL, "timeout");
		free(iq);
	}
}

/* Disconnect (after muc.c sent its leave presences) and wait a little
 * for the stream to close cleanly; then free libstrophe. */
void xc_conn_close(struct xc *xc)
{
	uint64_t until = xc_now_ms() + 2000;

	xc->quitting = true;
	if (xc->conn && xmpp_conn_is_connected(xc->conn)) {
		xmpp_disconnect(xc->conn);
		while (!xmpp_conn_is_disconnected(xc->conn) &&
		       xc_now_ms() < until)
			xmpp_run_once(xc->ctx, 50);
	}
	iqs_fail_all(xc, "disconnected");
	if (xc->conn)
		xmpp_conn_release(xc->conn);
	xc->conn = NULL;
	xmpp_ctx_free(xc->ctx);
	xc->ctx = NULL;
	xmpp_shutdown();
}
