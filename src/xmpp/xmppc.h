/*
 * confinfo-xmpp: the XMPP child of the chat bridge (issue 12). Private
 * header shared by its files; nothing here is a library API.
 *
 *   opts.c    command line and the password file
 *   jsonio.c  JSON lines in and out, bounding of network strings
 *   conn.c    the libstrophe connection: TLS, SASL, reconnects, IQs
 *   muc.c     rooms: join, configuration, occupants, admin commands
 *   stanza.c  the stanzas muc.c sends and the fields it reads
 *   main.c    the event loop and the command dispatcher
 *
 * The protocol is docs/xmpp-child.md. One process serves one account and
 * blocks when libstrophe blocks (TLS handshake, SRV lookup): isolating
 * that from the focus's SIP loop is why it is a process.
 */
#ifndef CONFINFO_XMPPC_H
#define CONFINFO_XMPPC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <strophe.h>

/* Longest command line read (bytes, without the newline). */
#define XC_LINE_MAX 65536
/* Longest string from the network passed on (bytes, UTF-8). */
#define XC_STR_MAX 1024
/* How long a server may take to answer an IQ (ms). */
#define XC_IQ_TIMEOUT_MS 30000
/* Limits on what one child tracks. */
#define XC_ROOMS_MAX 4096
#define XC_IQS_MAX   4096
/* Occupant presences held back while a join completes, per room. */
#define XC_HELD_MAX 10000
/* Reconnect backoff (ms). */
#define XC_BACKOFF_MIN_MS 1000
#define XC_BACKOFF_MAX_MS 60000

struct xc_opts {
	const char *jid;
	const char *password_file;
	const char *cert;
	const char *key;
	const char *ca;
	char *connect_host; /* owned, NULL: SRV/A of the JID's domain */
	unsigned short connect_port;
	const char *resource;
	unsigned connect_timeout_ms; /* for a login to complete */
	bool debug;
};

enum xc_room_state {
	XC_ROOM_IDLE,    /* wanted, waiting for a connection */
	XC_ROOM_JOINING, /* presence sent, waiting for the self-presence */
	XC_ROOM_SETUP,   /* self-presence in: configuring, granting, disco */
	XC_ROOM_JOINED,  /* joined event sent */
	XC_ROOM_LEAVING, /* unavailable presence sent on command */
	XC_ROOM_GONE,    /* not in the room, not wanted (entry reusable) */
};

struct xc_room {
	char *jid;  /* bare room JID */
	char *nick; /* our nick (changes with 303 on ourselves) */
	json_t *config;
	json_t *admins;
	json_t *held; /* presence events held until "joined" */
	json_int_t join_id;
	bool join_pending; /* the join command still owes its result */
	bool rejoin;       /* this join follows a reconnect */
	bool created, configured;
	int setup_iqs; /* IQs of the setup still in flight */
	char affiliation[16], role[16];
	const char *whois; /* "moderators", "anyone" or NULL */
	enum xc_room_state state;
	unsigned gen;           /* bumped when the entry is reused for a join */
	uint64_t join_deadline; /* JOINING: when to give up */
};

struct xc_iq;
typedef void(xc_iq_h)(struct xc_iq *iq, xmpp_stanza_t *reply,
		      const char *error);

/* An IQ in flight: error NULL on a result, else the XMPP condition,
 * "timeout" or "disconnected". */
struct xc_iq {
	struct xc *xc;
	char id[32];
	uint64_t deadline;
	xc_iq_h *h;
	struct xc_room *room;
	unsigned room_gen; /* room->gen when sent */
	json_int_t cmd_id; /* the command owed a result, or -1 */
	struct xc_iq *next;
};

struct xc {
	struct xc_opts opts;
	char *password;
	xmpp_ctx_t *ctx;
	xmpp_conn_t *conn;
	bool connected; /* session established */
	bool quitting;
	int exit_status; /* >= 0: leave the loop with it */
	uint64_t reconnect_at;
	uint64_t login_deadline; /* 0: none (connected, or waiting) */
	unsigned backoff_ms;
	struct xc_iq *iqs;
	unsigned iq_count;
	unsigned long iq_seq;
	struct xc_room rooms[XC_ROOMS_MAX];
	unsigned room_count;
};

/* opts.c */
int xc_opts_parse(struct xc_opts *o, int argc, char **argv);
int xc_secret_file_check(const char *path, const char *what);
int xc_password_read(const char *path, char **pwp);

/* jsonio.c */
uint64_t xc_now_ms(void);
void xc_log(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
const char *xc_log_last(void);
int xc_emit(json_t *ev);
void xc_emit_error(const char *text, bool fatal);
void xc_emit_result(json_int_t id, const char *error);
json_t *xc_jstr(const char *s);
typedef void(xc_line_h)(void *arg, const char *line, size_t len,
			unsigned long lineno);
int xc_lines_read(int fd, xc_line_h *h, void *arg);

/* conn.c */
int xc_conn_init(struct xc *xc);
void xc_conn_start(struct xc *xc);
void xc_conn_poll(struct xc *xc, uint64_t now);
void xc_conn_close(struct xc *xc);
void xc_conn_handlers(struct xc *xc);
int xc_conn_fd(struct xc *xc, bool *want_write);
int xc_iq_send(struct xc *xc, xmpp_stanza_t *iq, xc_iq_h *h,
	       struct xc_room *room, json_int_t cmd_id);
char *xc_error_condition(xmpp_stanza_t *st, char *buf, size_t size);

/* muc.c */
void xc_muc_handlers(struct xc *xc);
void xc_muc_connected(struct xc *xc);
void xc_muc_disconnected(struct xc *xc);
void xc_cmd_join(struct xc *xc, json_int_t id, json_t *cmd);
void xc_cmd_leave(struct xc *xc, json_int_t id, json_t *cmd);
void xc_cmd_role(struct xc *xc, json_int_t id, json_t *cmd);
void xc_cmd_affiliation(struct xc *xc, json_int_t id, json_t *cmd);
void xc_muc_leave_all(struct xc *xc);
void xc_muc_poll(struct xc *xc, uint64_t now);
struct xc_room *xc_room_find(struct xc *xc, const char *jid);

/* stanza.c */
xmpp_stanza_t *xc_st_child(xmpp_ctx_t *ctx, xmpp_stanza_t *parent,
			   const char *name, const char *ns);
int xc_st_text_child(xmpp_ctx_t *ctx, xmpp_stanza_t *parent, const char *name,
		     const char *text);
xmpp_stanza_t *xc_st_join(xmpp_ctx_t *ctx, const struct xc_room *r);
xmpp_stanza_t *xc_st_leave(xmpp_ctx_t *ctx, const struct xc_room *r);
xmpp_stanza_t *xc_st_config(xmpp_ctx_t *ctx, const char *room, json_t *cfg);
xmpp_stanza_t *xc_st_admin(xmpp_ctx_t *ctx, const char *room, const char *key,
			   const char *val, const char *attr,
			   const char *attr_val, const char *reason);
xmpp_stanza_t *xc_st_disco(xmpp_ctx_t *ctx, const char *room);
json_t *xc_st_codes(xmpp_stanza_t *x);
bool xc_st_has_code(json_t *codes, int code);
const char *xc_st_whois(xmpp_stanza_t *reply);

#endif
