/*
 * confinfo focus --xmpp-... and --bridge-...: the chat bridge's options. The
 * work is the library's (bridge.h); here the options become the child's
 * command line and the bridge's configuration. The XMPP password never
 * passes through here: the child reads it from its file.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "confinfo/notifier.h"
#include "focus_bridge.h"
#include "util.h"

#define CMD "focus"

const char focus_bridge_help[] =
    "\nChat bridge (docs/chat-bridge.md): join each conference's advertised\n"
    "xmpp: room and mirror it into the state (roles, mutes, kicks, bans):\n"
    "      --xmpp-jid JID       the bridge's own XMPP account\n"
    "      --xmpp-password-file FILE  its password (file readable by\n"
    "                           its owner only), or:\n"
    "      --xmpp-cert FILE --xmpp-key FILE  SASL EXTERNAL\n"
    "      --xmpp-ca FILE       trust this CA too (system store first)\n"
    "      --xmpp-connect HOST:PORT  instead of the JID's SRV lookup\n"
    "      --xmpp-muc SERVICE   a MUC service rooms may be on\n"
    "                           (repeatable; none: no room is joined)\n"
    "      --xmpp-map FILE      `BARE-JID SIP-AOR` lines: who is who\n"
    "      --xmpp-shared-domain D  alice@D is sip:alice@D (repeatable)\n"
    "      --xmpp-members-only  rooms the bridge creates are members-only\n"
    "      --xmpp-program PATH  the confinfo-xmpp child [beside confinfo,\n"
    "                           else the installed one]\n"
    "      --bridge-chair-role ROLE  conference roles whose room actions\n"
    "                           reach the call (repeatable) [chair]\n"
    "      --bridge-allow-jid JID  so do this JID's (repeatable)\n"
    "      --bridge-hook PROGRAM  the mixer hook: JSON on stdin, exit 0 =\n"
    "                           done (no hook: roles only)\n"
    "      --bridge-hook-timeout MS  kill the hook after MS [5000]\n"
    "      --bridge-hook-rate N  hook runs per conference per 10 s [20]\n";

static int add(const char **list, size_t *count, const char *arg,
	       const char *option)
{
	if (*count == FOCUS_BRIDGE_MAX_LIST)
		return tool_usage_error(CMD, "too many %s", option);
	list[(*count)++] = arg;
	return CMD_RUN;
}

int focus_bridge_opt(struct focus_bridge_opts *o, int c, const char *arg)
{
	uint64_t v;

	o->any = true;
	switch (c) {
	case OPT_XMPP_JID:
		o->jid = arg;
		break;
	case OPT_XMPP_PASSWORD_FILE:
		o->password_file = arg;
		break;
	case OPT_XMPP_CERT:
		o->cert = arg;
		break;
	case OPT_XMPP_KEY:
		o->key = arg;
		break;
	case OPT_XMPP_CA:
		o->ca = arg;
		break;
	case OPT_XMPP_CONNECT:
		o->connect = arg;
		break;
	case OPT_XMPP_MAP:
		o->map = arg;
		break;
	case OPT_XMPP_PROGRAM:
		o->program = arg;
		break;
	case OPT_XMPP_MEMBERS_ONLY:
		o->members_only = true;
		break;
	case OPT_BRIDGE_HOOK:
		o->hook = arg;
		break;
	case OPT_XMPP_MUC:
		return add(o->muc, &o->muc_count, arg, "--xmpp-muc");
	case OPT_XMPP_SHARED_DOMAIN:
		return add(o->shared, &o->shared_count, arg,
			   "--xmpp-shared-domain");
	case OPT_BRIDGE_CHAIR_ROLE:
		return add(o->chair, &o->chair_count, arg,
			   "--bridge-chair-role");
	case OPT_BRIDGE_ALLOW_JID:
		return add(o->allow, &o->allow_count, arg,
			   "--bridge-allow-jid");
	case OPT_BRIDGE_HOOK_TIMEOUT:
		if (tool_parse_uint(arg, 1, 600000, &v))
			return tool_usage_error(
			    CMD,
			    "--bridge-hook-timeout: '%s' is "
			    "not a number of milliseconds "
			    "in 1..600000",
			    arg);
		o->hook_timeout_ms = (uint32_t)v;
		break;
	case OPT_BRIDGE_HOOK_RATE:
		if (tool_parse_uint(arg, 1, 1000000, &v))
			return tool_usage_error(
			    CMD,
			    "--bridge-hook-rate: '%s' is not "
			    "a number in 1..1000000",
			    arg);
		o->hook_rate = (uint32_t)v;
		break;
	default:
		break;
	}
	return CMD_RUN;
}

int focus_bridge_check(const struct focus_bridge_opts *o)
{
	if (!o->any)
		return CMD_RUN;
	if (!o->jid)
		return tool_usage_error(CMD, "the --xmpp-* and --bridge-* "
					     "options need --xmpp-jid");
	if (!o->password_file == !(o->cert || o->key))
		return tool_usage_error(CMD, "--xmpp-jid needs either "
					     "--xmpp-password-file or "
					     "--xmpp-cert and --xmpp-key");
	if (!o->password_file && (!o->cert || !o->key))
		return tool_usage_error(CMD, "--xmpp-cert and --xmpp-key go "
					     "together");
	return CMD_RUN;
}

/* confinfo-xmpp: --xmpp-program, else beside this binary (the build
 * tree), else the installed one. */
static const char *child_program(const struct focus_bridge_opts *o, char *buf,
				 size_t size)
{
	ssize_t n;
	char *slash;

	if (o->program)
		return o->program;
	n = readlink("/proc/self/exe", buf, size - 1);
	if (n > 0) {
		buf[n] = '\0';
		slash = strrchr(buf, '/');
		if (slash && (size_t)(slash - buf) + 16 < size) {
			strcpy(slash + 1, "confinfo-xmpp");
			if (!access(buf, X_OK))
				return buf;
		}
	}
#ifdef CONFINFO_XMPP_LIBEXEC
	return CONFINFO_XMPP_LIBEXEC;
#else
	return "confinfo-xmpp";
#endif
}

int focus_bridge_open(struct confinfo_bridge **bp, struct confinfo_notifier *n,
		      const struct focus_bridge_opts *o, const char *domain,
		      confinfo_bridge_log_h *logh, void *log_arg)
{
	char path[PATH_MAX];
	const char *argv[16];
	struct confinfo_bridge_config cfg;
	struct confinfo_diag diag;
	size_t a = 0;
	int err;

	*bp = NULL;
	if (!o->jid)
		return 0;
	argv[a++] = child_program(o, path, sizeof(path));
	argv[a++] = "--jid";
	argv[a++] = o->jid;
	if (o->password_file) {
		argv[a++] = "--password-file";
		argv[a++] = o->password_file;
	} else {
		argv[a++] = "--cert";
		argv[a++] = o->cert;
		argv[a++] = "--key";
		argv[a++] = o->key;
	}
	if (o->ca) {
		argv[a++] = "--ca";
		argv[a++] = o->ca;
	}
	if (o->connect) {
		argv[a++] = "--connect";
		argv[a++] = o->connect;
	}
	argv[a] = NULL;
	memset(&cfg, 0, sizeof(cfg));
	memset(&diag, 0, sizeof(diag));
	cfg.child_argv = argv;
	cfg.domain = domain;
	cfg.muc_services = o->muc;
	cfg.muc_service_count = o->muc_count;
	cfg.map_file = o->map;
	cfg.shared_domains = o->shared;
	cfg.shared_domain_count = o->shared_count;
	cfg.chair_roles = o->chair;
	cfg.chair_role_count = o->chair_count;
	cfg.allow_jids = o->allow;
	cfg.allow_jid_count = o->allow_count;
	cfg.hook = o->hook;
	cfg.hook_timeout_ms = o->hook_timeout_ms;
	cfg.hook_rate = o->hook_rate;
	cfg.members_only = o->members_only;
	cfg.logh = logh;
	cfg.log_arg = log_arg;
	err = confinfo_bridge_alloc(bp, n, &cfg, &diag);
	if (err)
		fprintf(stderr, "confinfo " CMD ": %s\n",
			diag.message[0] ? diag.message : strerror(err));
	return err;
}
