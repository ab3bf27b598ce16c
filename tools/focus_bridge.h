/*
 * confinfo focus: the options of the chat bridge (bridge.h) and their
 * wiring. cmd_focus.c forwards the options listed here and opens the
 * bridge after its notifier.
 */
#ifndef CONFINFO_TOOLS_FOCUS_BRIDGE_H
#define CONFINFO_TOOLS_FOCUS_BRIDGE_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "confinfo/bridge.h"

#define FOCUS_BRIDGE_MAX_LIST 64

enum {
	FOCUS_BRIDGE_OPT_FIRST = 512,
	OPT_XMPP_JID = FOCUS_BRIDGE_OPT_FIRST,
	OPT_XMPP_PASSWORD_FILE,
	OPT_XMPP_CERT,
	OPT_XMPP_KEY,
	OPT_XMPP_CA,
	OPT_XMPP_CONNECT,
	OPT_XMPP_MUC,
	OPT_XMPP_MAP,
	OPT_XMPP_SHARED_DOMAIN,
	OPT_XMPP_MEMBERS_ONLY,
	OPT_XMPP_PROGRAM,
	OPT_BRIDGE_CHAIR_ROLE,
	OPT_BRIDGE_ALLOW_JID,
	OPT_BRIDGE_HOOK,
	OPT_BRIDGE_HOOK_TIMEOUT,
	OPT_BRIDGE_HOOK_RATE,
	FOCUS_BRIDGE_OPT_LAST,
};

#define FOCUS_BRIDGE_LONG_OPTIONS                                              \
	{"xmpp-jid", required_argument, NULL, OPT_XMPP_JID},                   \
	    {"xmpp-password-file", required_argument, NULL,                    \
	     OPT_XMPP_PASSWORD_FILE},                                          \
	    {"xmpp-cert", required_argument, NULL, OPT_XMPP_CERT},             \
	    {"xmpp-key", required_argument, NULL, OPT_XMPP_KEY},               \
	    {"xmpp-ca", required_argument, NULL, OPT_XMPP_CA},                 \
	    {"xmpp-connect", required_argument, NULL, OPT_XMPP_CONNECT},       \
	    {"xmpp-muc", required_argument, NULL, OPT_XMPP_MUC},               \
	    {"xmpp-map", required_argument, NULL, OPT_XMPP_MAP},               \
	    {"xmpp-shared-domain", required_argument, NULL,                    \
	     OPT_XMPP_SHARED_DOMAIN},                                          \
	    {"xmpp-members-only", no_argument, NULL, OPT_XMPP_MEMBERS_ONLY},   \
	    {"xmpp-program", required_argument, NULL, OPT_XMPP_PROGRAM},       \
	    {"bridge-chair-role", required_argument, NULL,                     \
	     OPT_BRIDGE_CHAIR_ROLE},                                           \
	    {"bridge-allow-jid", required_argument, NULL,                      \
	     OPT_BRIDGE_ALLOW_JID},                                            \
	    {"bridge-hook", required_argument, NULL, OPT_BRIDGE_HOOK},         \
	    {"bridge-hook-timeout", required_argument, NULL,                   \
	     OPT_BRIDGE_HOOK_TIMEOUT},                                         \
	{                                                                      \
		"bridge-hook-rate", required_argument, NULL,                   \
		    OPT_BRIDGE_HOOK_RATE                                       \
	}

extern const char focus_bridge_help[];

struct focus_bridge_opts {
	const char *jid, *password_file, *cert, *key, *ca, *connect;
	const char *program, *map, *hook;
	const char *muc[FOCUS_BRIDGE_MAX_LIST];
	size_t muc_count;
	const char *shared[FOCUS_BRIDGE_MAX_LIST];
	size_t shared_count;
	const char *chair[FOCUS_BRIDGE_MAX_LIST];
	size_t chair_count;
	const char *allow[FOCUS_BRIDGE_MAX_LIST];
	size_t allow_count;
	uint32_t hook_timeout_ms;
	uint32_t hook_rate;
	bool members_only;
	bool any; /* some bridge option was given */
};

/* One option of the list above: CMD_RUN or an exit status. */
int focus_bridge_opt(struct focus_bridge_opts *o, int c, const char *arg);
/* After all options: CMD_RUN or a usage error. */
int focus_bridge_check(const struct focus_bridge_opts *o);
/* Open the bridge on @p n when --xmpp-jid was given (*bp NULL
 * otherwise). Errors are reported on standard error. */
int focus_bridge_open(struct confinfo_bridge **bp, struct confinfo_notifier *n,
		      const struct focus_bridge_opts *o, const char *domain,
		      confinfo_bridge_log_h *logh, void *log_arg);

#endif
