/*
 * confinfo focus: serve the conference documents of a directory (and what
 * mixers PUBLISH) to SIP subscribers, as an RFC 4575 notifier.
 *
 * The work is done by the notifier library (notifier.h); this command
 * wires it to a directory, a state store, the terminal and the signals.
 * Signals arrive through a signalfd watched by the event loop, so the
 * shutdown (final NOTIFYs with reason "deactivated") runs as ordinary
 * loop code, never inside a signal handler.
 *
 * Log lines go to standard output (focus_log.c); errors to standard
 * error.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <re.h>

#include "commands.h"
#include "confinfo/notifier.h"
#include "confinfo/sipstack.h"
#include "confinfo/smime.h"
#include "confinfo/version.h"
#include "focus_bridge.h"
#include "focus_log.h"
#include "focus_state.h"
#include "focus_views.h"
#include "focus_workers.h"
#include "input_limits.h"
#include "util.h"

#define CMD "focus"
/* After SIGINT/SIGTERM, how long final NOTIFYs may take. */
#define SHUTDOWN_GRACE_MS 5000
#define MAX_LISTEN        16
#define MAX_ALLOW         1024
/* A TCP/TLS connection must send its first request within this. */
#define TCP_IDLE_DEFAULT_MS 10000

static const char focus_usage[] =
    "usage: confinfo focus --conferences DIR [--listen SPEC]...\n"
    "                      [--domain D] [--chat-room TEMPLATE]\n"
    "                      [--state FILE|URI] [--auth FILE] [--allow URI]...\n"
    "                      [--publisher URI]...\n"
    "                      [--min-interval SECONDS] [options] [LIMITS]\n"
    "\n"
    "Serve the conference documents of DIR (one NAME.xml per\n"
    "conference, watched for changes) to SIP subscribers of\n"
    "sip:NAME@DOMAIN (RFC 4575): a full NOTIFY after every SUBSCRIBE\n"
    "or refresh, partial NOTIFYs after changes, at most one per\n"
    "subscriber per --min-interval.\n"
    "\n"
    "Options:\n"
    "  -c, --conferences DIR    directory of NAME.xml documents\n"
    "  -l, --listen SPEC        udp:ADDR:PORT, tcp:ADDR:PORT or\n"
    "                           tls:ADDR:PORT (repeatable; default\n"
    "                           udp and tcp on 127.0.0.1:5060)\n"
    "  -d, --domain D           the focus's domain [localhost]\n"
    "  -r, --chat-room TEMPLATE add a grouptextchat service URI to\n"
    "                           conferences without one; {name} and\n"
    "                           {domain} are replaced\n"
    "  -s, --state FILE|URI     keep the served states in SQLite FILE, or\n"
    "                           in PostgreSQL (postgresql://...) shared\n"
    "                           with other focus nodes\n"
    "                           and serve them again after a restart\n"
    "  -a, --allow URI          only these subscribers (repeatable);\n"
    "                           others get 403\n"
    "  -A, --auth FILE          require SIP digest authentication;\n"
    "                           FILE has user:realm:HA1[:AOR] lines\n"
    "                           (htdigest; 64 hex digits: SHA-256),\n"
    "                           realm = --domain\n"
    "  -p, --publisher URI      who may PUBLISH conference state\n"
    "                           (repeatable; '*': anyone) [nobody]\n"
    "                           --allow and --publisher match the\n"
    "                           identity of --auth; without it only\n"
    "                           the From header: hints, not security\n"
    "      --nonce-lifetime S   digest nonces expire after S [300]\n"
    "  -i, --min-interval SECS  rate window per subscriber [5]\n"
    "      --expires-min S      shorter Expires get 423 [60]\n"
    "      --expires-max S      longer Expires are capped [7200]\n"
    "      --max-subs N         subscriptions in total [100000]\n"
    "      --max-subs-per-conf N  per conference [20000]\n"
    "      --tls-cert FILE      PEM key and certificate for tls:\n"
    "      --smime-cert FILE    sign NOTIFY bodies (S/MIME) with this\n"
    "                           PEM key and certificate for subscribers\n"
    "                           accepting multipart/signed\n"
    "      --require-signing    406 to the others\n"
    "      --max-connections N  TCP/TLS connections at most [the\n"
    "                           descriptor limit minus a reserve]\n"
    "      --tcp-idle SECS      close a connection that sent no\n"
    "                           request within SECS [10]\n"
    "      --tls-client-ca FILE require TLS clients to present a\n"
    "                           certificate issued by a CA in FILE\n"
    "      --view-policy FILE   per-subscriber views and private\n"
    "                           participants (RFC 4575 8.2), reloaded\n"
    "                           when FILE changes\n"
    "      --view-key FILE      key of the anonymous URIs of private\n"
    "                           participants [random per start]\n"
    "      --udp-buffer BYTES   socket buffers of udp: listeners\n"
    "                           [1048576]\n"
    "      --udp-window N       NOTIFYs over UDP in flight per\n"
    "                           destination address [256]\n"
    "      --workers N          processes serving SIP, sharing the\n"
    "                           listeners (SO_REUSEPORT) and the\n"
    "                           state [the number of CPUs; 1 with\n"
    "                           the chat bridge]\n"
    "  -q, --quiet              do not log every NOTIFY\n"
    "  -h, --help               print this help and exit\n";

/* The second part of the help (see struct tool_cli): one literal would
 * pass the 4095 bytes C99 promises to support. */
static const char focus_usage_more[] =
    "\n" INPUT_LIMITS_HELP "\n"
    "LIMITS apply to every conference document: the files of DIR and\n"
    "the bodies of PUBLISH requests (--max-bytes bounds the body of any\n"
    "request: a larger one gets 413). A file over a limit is reported\n"
    "on standard error, a PUBLISH in its log line, each with the option\n"
    "that raises the limit; the conference keeps its previous state.\n"
    "\n"
    "Log lines on standard output: subscribe, refresh, unsubscribe,\n"
    "reject, notify, terminated, failed, publish, conference, view,\n"
    "view-policy, connections, tls-client, sockbuf, ready, udp (at\n"
    "exit); with --workers above 1 each worker logs its own lines, and\n"
    "workers (their number, before ready) and worker (one started or\n"
    "ended).\n"
    "Exit status: 0 after SIGINT/SIGTERM, 1 failure, 2 usage error.\n";

enum {
	OPT_EXPIRES_MIN = 256,
	OPT_EXPIRES_MAX,
	OPT_MAX_SUBS,
	OPT_MAX_SUBS_CONF,
	OPT_TLS_CERT,
	OPT_NONCE_LIFETIME,
	OPT_SMIME_CERT,
	OPT_REQUIRE_SIGNING,
	OPT_MAX_CONNS,
	OPT_TCP_IDLE,
	OPT_TLS_CLIENT_CA,
	OPT_VIEW_POLICY,
	OPT_VIEW_KEY,
	OPT_UDP_BUFFER,
	OPT_UDP_WINDOW,
	OPT_WORKERS,
};

struct focus {
	struct confinfo_sipstack *stack;
	struct confinfo_notifier *n;
	struct confinfo_smime_signer *signer; /* --smime-cert, or NULL */
	struct confinfo_dirsrc *dir;
	struct focus_state *state;             /* --state, NULL without */
	struct focus_views *views;             /* --view-policy, NULL without */
	struct confinfo_bridge *bridge;        /* --xmpp-jid, NULL without */
	struct confinfo_sipstack_guard *guard; /* of the TCP/TLS listeners */
	struct focus_workers *w;               /* with --workers above 1 */
	struct tmr grace;
	int sigfd;
	bool quiet;
	bool stopping;
};

/* --tls-client-ca: a request speaks for the identity of the certificate
 * its TLS connection presented (the notifier binds From, --allow and
 * --publisher to it). */
static const char *cert_identity(const struct sip_msg *msg, void *arg)
{
	struct focus *f = arg;

	return confinfo_sipstack_tls_client_identity(f->stack, msg);
}

static void dir_error(const char *file, const struct confinfo_diag *diag,
		      void *arg)
{
	struct focus *f = arg;

	/* Every worker reads the directory: one of them says what is
	 * wrong with a file. */
	if (focus_workers_self(f->w) <= 0)
		tool_report_diag(file, diag, EINVAL);
}

/* ------------------------------------------------------------------ */
/* Persistence (focus_state.c). */

static int commit_handler(const char *name, const struct confinfo_conf *state,
			  const char *source, void *arg)
{
	struct focus *f = arg;

	return focus_state_commit(f->state, name, state, source);
}

/* ------------------------------------------------------------------ */
/* Shutdown. */

static void stop_now(void *arg)
{
	(void)arg;
	re_cancel();
}

static void shutdown_done(void *arg)
{
	struct focus *f = arg;

	tmr_cancel(&f->grace);
	re_cancel();
}

static void signal_handler(int flags, void *arg)
{
	struct focus *f = arg;
	struct signalfd_siginfo si;
	(void)flags;

	while (read(f->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (f->stopping) {
			re_cancel(); /* second signal: do not wait */
			return;
		}
		f->stopping = true;
		printf("shutdown signal=%u subscriptions=%zu\n", si.ssi_signo,
		       confinfo_notifier_sub_count(f->n));
		fflush(stdout);
		tmr_start(&f->grace, SHUTDOWN_GRACE_MS, stop_now, f);
		confinfo_notifier_shutdown(f->n, shutdown_done, f);
	}
}

static int signals_open(struct focus *f)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return errno;
	f->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (f->sigfd < 0)
		return errno;
	return fd_listen(f->sigfd, FD_READ, signal_handler, f);
}

/* ------------------------------------------------------------------ */
/* Options. */

struct focus_opts {
	const char *conferences;
	const char *state;
	const char *listen[MAX_LISTEN];
	size_t listen_count;
	const char *allow[MAX_ALLOW];
	size_t allow_count;
	const char *publishers[MAX_ALLOW];
	size_t publisher_count;
	struct confinfo_notifier_config cfg;
	struct input_limits limits; /* cfg.limits points here */
	const char *tls_cert;
	const char *smime_cert;
	struct confinfo_sipstack_guard_params guard;
	const char *tls_client_ca;
	const char *view_policy;
	const char *view_key;
	uint8_t key[FOCUS_VIEWS_KEY_MAX]; /* cfg.token_key points here */
	struct focus_bridge_opts bridge;
	uint32_t udp_buffer;     /* --udp-buffer, 0: the stack's default */
	unsigned workers;        /* --workers, 0: not given */
	struct focus_workers *w; /* with more than one worker */
	bool quiet;
};

/*
 * --min-interval: seconds, with an optional fraction, as milliseconds.
 * The digits go by the one number rule (tool_parse_uint_n()); strtod()
 * alone would also take " 5", "+5", "1e3" and "0x10".
 */
static int parse_interval(const char *s, uint32_t *ms)
{
	const char *dot = strchr(s, '.');
	const char *frac = dot ? dot + 1 : "0";
	uint64_t whole;

	if (tool_parse_uint_n(s, dot ? (size_t)(dot - s) : strlen(s), 0, 3600,
			      &whole) ||
	    !*frac || strspn(frac, "0123456789") != strlen(frac) ||
	    strtod(s, NULL) > 3600.0)
		return tool_usage_error(CMD,
					"--min-interval: '%s' is not a number "
					"of seconds in 0..3600",
					s);
	*ms = (uint32_t)(strtod(s, NULL) * 1000.0 + 0.5);
	return CMD_RUN;
}

/* --expires-min, --expires-max, --max-subs, --max-subs-per-conf,
 * --nonce-lifetime, --max-connections, --tcp-idle, --udp-buffer,
 * --udp-window, --workers. */
static int focus_count(struct focus_opts *o, int c, const char *arg)
{
	uint64_t v;

	if (tool_parse_uint(arg, 1, UINT32_MAX, &v))
		return tool_usage_error(CMD, "'%s' is not a positive number",
					arg);
	if (c == OPT_EXPIRES_MIN)
		o->cfg.expires_min = (uint32_t)v;
	else if (c == OPT_EXPIRES_MAX)
		o->cfg.expires_max = (uint32_t)v;
	else if (c == OPT_MAX_SUBS)
		o->cfg.max_subs = (size_t)v;
	else if (c == OPT_NONCE_LIFETIME)
		o->cfg.nonce_lifetime = (uint32_t)v;
	else if (c == OPT_MAX_CONNS)
		o->guard.max_conns = (size_t)v;
	else if (c == OPT_TCP_IDLE)
		o->guard.idle_ms =
		    v > UINT32_MAX / 1000 ? UINT32_MAX : (uint32_t)v * 1000;
	else if (c == OPT_UDP_BUFFER)
		o->udp_buffer = (uint32_t)v;
	else if (c == OPT_UDP_WINDOW)
		o->cfg.udp_window_per_dest = (uint32_t)v;
	else if (c == OPT_WORKERS && v > FOCUS_WORKERS_MAX)
		return tool_usage_error(CMD, "--workers: at most %d",
					FOCUS_WORKERS_MAX);
	else if (c == OPT_WORKERS)
		o->workers = (unsigned)v;
	else
		o->cfg.max_subs_per_conf = (size_t)v;
	return CMD_RUN;
}

/* Append @p arg to a repeatable option's @p list of at most @p max. */
static int add_arg(const char **list, size_t *count, size_t max,
		   const char *arg, const char *option)
{
	if (*count == max)
		return tool_usage_error(CMD, "too many %s", option);
	list[(*count)++] = arg;
	return CMD_RUN;
}

static int focus_opt(void *ctx, int c, const char *arg)
{
	struct focus_opts *o = ctx;

	switch (c) {
	case 'c':
		o->conferences = arg;
		break;
	case 'l':
		return add_arg(o->listen, &o->listen_count, MAX_LISTEN, arg,
			       "--listen");
	case 'd':
		o->cfg.domain = arg;
		break;
	case 'r':
		o->cfg.chat_room = arg;
		break;
	case 's':
		o->state = arg;
		break;
	case 'a':
		return add_arg(o->allow, &o->allow_count, MAX_ALLOW, arg,
			       "--allow");
	case 'A':
		o->cfg.auth_file = arg;
		break;
	case 'p':
		return add_arg(o->publishers, &o->publisher_count, MAX_ALLOW,
			       arg, "--publisher");
	case 'i':
		return parse_interval(arg, &o->cfg.min_interval_ms);
	case OPT_EXPIRES_MIN:
	case OPT_EXPIRES_MAX:
	case OPT_MAX_SUBS:
	case OPT_MAX_SUBS_CONF:
	case OPT_NONCE_LIFETIME:
	case OPT_MAX_CONNS:
	case OPT_TCP_IDLE:
	case OPT_UDP_BUFFER:
	case OPT_UDP_WINDOW:
	case OPT_WORKERS:
		return focus_count(o, c, arg);
	case OPT_TLS_CERT:
		o->tls_cert = arg;
		break;
	case OPT_SMIME_CERT:
		o->smime_cert = arg;
		break;
	case OPT_REQUIRE_SIGNING:
		o->cfg.require_signing = true;
		break;
	case OPT_TLS_CLIENT_CA:
		o->tls_client_ca = arg;
		break;
	case OPT_VIEW_POLICY:
		o->view_policy = arg;
		break;
	case OPT_VIEW_KEY:
		o->view_key = arg;
		break;
	case 'q':
		o->quiet = true;
		break;
	default:
		if (c >= FOCUS_BRIDGE_OPT_FIRST && c < FOCUS_BRIDGE_OPT_LAST)
			return focus_bridge_opt(&o->bridge, c, arg);
		break;
	}
	return CMD_RUN;
}

/* What the options imply once they are all known. */
static void focus_finish(struct focus_opts *o)
{
	/* The default must not break the min <= default <= max rule when
	 * only one bound was given. */
	if (o->cfg.expires_default > o->cfg.expires_max)
		o->cfg.expires_default = o->cfg.expires_max;
	if (o->cfg.expires_default < o->cfg.expires_min)
		o->cfg.expires_default = o->cfg.expires_min;
	if (!o->listen_count) {
		o->listen[o->listen_count++] = "udp:127.0.0.1:5060";
		o->listen[o->listen_count++] = "tcp:127.0.0.1:5060";
	}
	o->cfg.allow = o->allow;
	o->cfg.allow_count = o->allow_count;
	o->cfg.publishers = o->publishers;
	o->cfg.publisher_count = o->publisher_count;
	/* Without authentication the lists match the From header, which
	 * every client writes as it likes: say so, once. */
	if (!o->cfg.auth_file && (o->allow_count || o->publisher_count))
		fprintf(stderr, "confinfo " CMD ": warning: without --auth, "
				"--allow and --publisher only compare the "
				"From header: hints, not access control\n");
	o->cfg.limits = &o->limits.xml;
	/* Documents also arrive as PUBLISH bodies: one size limit for
	 * both, or a raised --max-bytes would still meet the request
	 * limit's 413 (the library keeps the two apart for programs that
	 * want them apart). */
	o->cfg.max_body = o->limits.xml.max_body;
}

/* --workers, once the other options are known. */
static int workers_decide(struct focus_opts *o)
{
	/* The chat bridge is one XMPP client per room, and its overlay
	 * lives in the notifier of the process that runs it. */
	if (o->bridge.jid) {
		if (o->workers > 1)
			return tool_usage_error(CMD,
						"--workers: the chat bridge "
						"runs in one process: use "
						"--workers 1");
		o->workers = 1;
	}
#ifndef CONFINFO_TOOL_STORE
	if (o->workers > 1)
		return tool_usage_error(CMD, "--workers: this confinfo was "
					     "built without the state store "
					     "the workers share");
	o->workers = 1;
#endif
	if (!o->workers)
		o->workers = focus_workers_default();
	return CMD_RUN;
}

static bool has_tls_listener(const struct focus_opts *o)
{
	for (size_t i = 0; i < o->listen_count; i++)
		if (!strncmp(o->listen[i], "tls:", 4))
			return true;
	return false;
}

/* CMD_RUN, or the exit status (commands.h). */
static int parse_opts(int argc, char **argv, struct focus_opts *o)
{
	static const struct option longopts[] = {
	    {"conferences", required_argument, NULL, 'c'},
	    {"listen", required_argument, NULL, 'l'},
	    {"domain", required_argument, NULL, 'd'},
	    {"chat-room", required_argument, NULL, 'r'},
	    {"state", required_argument, NULL, 's'},
	    {"allow", required_argument, NULL, 'a'},
	    {"publisher", required_argument, NULL, 'p'},
	    {"auth", required_argument, NULL, 'A'},
	    {"min-interval", required_argument, NULL, 'i'},
	    {"expires-min", required_argument, NULL, OPT_EXPIRES_MIN},
	    {"expires-max", required_argument, NULL, OPT_EXPIRES_MAX},
	    {"max-subs", required_argument, NULL, OPT_MAX_SUBS},
	    {"max-subs-per-conf", required_argument, NULL, OPT_MAX_SUBS_CONF},
	    {"tls-cert", required_argument, NULL, OPT_TLS_CERT},
	    {"nonce-lifetime", required_argument, NULL, OPT_NONCE_LIFETIME},
	    {"smime-cert", required_argument, NULL, OPT_SMIME_CERT},
	    {"require-signing", no_argument, NULL, OPT_REQUIRE_SIGNING},
	    {"max-connections", required_argument, NULL, OPT_MAX_CONNS},
	    {"tcp-idle", required_argument, NULL, OPT_TCP_IDLE},
	    {"tls-client-ca", required_argument, NULL, OPT_TLS_CLIENT_CA},
	    {"view-policy", required_argument, NULL, OPT_VIEW_POLICY},
	    {"view-key", required_argument, NULL, OPT_VIEW_KEY},
	    {"udp-buffer", required_argument, NULL, OPT_UDP_BUFFER},
	    {"udp-window", required_argument, NULL, OPT_UDP_WINDOW},
	    {"workers", required_argument, NULL, OPT_WORKERS},
	    {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},
	    FOCUS_BRIDGE_LONG_OPTIONS,
	    INPUT_LIMITS_LONG_OPTIONS,
	    {NULL, 0, NULL, 0},
	};
	/* Two literals would each pass the 4095 bytes C99 promises. */
	static char more[8192];
	const struct tool_cli cli = {.cmd = CMD,
				     .usage = focus_usage,
				     .usage_more = more,
				     .shortopts = "c:l:d:r:s:a:p:A:i:qh",
				     .longopts = longopts,
				     .limits = &o->limits};
	int status;

	snprintf(more, sizeof(more), "%s%s", focus_usage_more,
		 focus_bridge_help);
	confinfo_notifier_config_default(&o->cfg);
	input_limits_init(&o->limits);
	o->guard.idle_ms = TCP_IDLE_DEFAULT_MS;
	status = tool_parse_opts(&cli, argc, argv, focus_opt, o);
	if (status != CMD_RUN)
		return status;
	if (optind < argc)
		return tool_usage_error(CMD, "unexpected argument '%s'",
					argv[optind]);
	if (!o->conferences)
		return tool_usage_error(CMD, "--conferences DIR is required");
	if (o->cfg.require_signing && !o->smime_cert)
		return tool_usage_error(CMD,
					"--require-signing needs --smime-cert");
	status = focus_bridge_check(&o->bridge);
	if (status == CMD_RUN)
		status = workers_decide(o);
	if (status != CMD_RUN)
		return status;
	focus_finish(o);
	if (o->tls_client_ca && !has_tls_listener(o))
		return tool_usage_error(CMD, "--tls-client-ca needs a "
					     "--listen tls:ADDR:PORT");
	return CMD_RUN;
}

/* ------------------------------------------------------------------ */

static int focus_setup(struct focus *f, struct focus_opts *o)
{
	struct confinfo_diag diag;
	int err;

	/* Hash tables for tens of thousands of subscriptions; no DNS: the
	 * focus sends its NOTIFYs to the addresses in Contacts. */
	const struct confinfo_sipstack_params sp = {
	    .software = "confinfo-focus/" CONFINFO_VERSION_STRING,
	    .hash_size = 16384,
	    .tls_cert = o->tls_cert,
	    .tls_client_ca = o->tls_client_ca,
	    .tlsh = focus_log_tls,
	    .sock_buf = o->udp_buffer,
	    .bufh = focus_log_bufs,
	};

	memset(&diag, 0, sizeof(diag));
	o->cfg.logh = focus_log_notifier;
	o->cfg.log_arg = &f->quiet;
	o->cfg.commith = commit_handler;
	o->cfg.commit_arg = f;
	/* Nodes or workers sharing a store: the publisher's node (or
	 * worker) ends a publication. */
	o->cfg.adopted_forever =
	    o->state && (o->w || focus_state_shared(o->state));
	/* Workers share the listeners: a NOTIFY's answer must come back to
	 * the worker that sent it, not to whichever its source hashes to. */
	o->cfg.udp_own_socket = o->w != NULL;
	o->guard.logh = focus_log_guard;
	o->guard.arg = f;
	if (o->tls_client_ca) {
		o->cfg.identityh = cert_identity;
		o->cfg.identity_arg = f;
	}
	if (o->view_key) {
		err = focus_views_read_key(o->view_key, o->key,
					   &o->cfg.token_key_len);
		if (err)
			return err;
		o->cfg.token_key = o->key;
	}
	err = confinfo_sipstack_alloc(&f->stack, &sp, &diag);
	if (!err && o->smime_cert) {
		err = confinfo_smime_signer_load(&f->signer, o->smime_cert,
						 &diag);
		o->cfg.smime_signer = f->signer;
	}
	if (!err)
		err = confinfo_sipstack_guard_open(
		    &f->guard, confinfo_sipstack_sip(f->stack), &o->guard);
	if (!err)
		err = confinfo_notifier_alloc(
		    &f->n, confinfo_sipstack_sip(f->stack), &o->cfg, &diag);
	if (err) {
		fprintf(stderr, "confinfo " CMD ": %s\n",
			diag.message[0] ? diag.message : strerror(err));
		return err;
	}
	if (o->view_policy) {
		err = focus_views_open(&f->views, f->n, o->view_policy,
				       focus_workers_self(o->w) <= 0);
		if (err)
			return err;
	}
	/* The bridge is the notifier's overlay: before any state arrives. */
	err = focus_bridge_open(&f->bridge, f->n, &o->bridge, o->cfg.domain,
				focus_log_bridge, f);
	if (err)
		return err;
	if (o->state) {
		err = focus_state_open(&f->state, o->state, f->n);
		if (err)
			return err;
	}
	err = confinfo_dirsrc_open(&f->dir, f->n, o->conferences, dir_error, f);
	if (err) {
		fprintf(stderr, "confinfo " CMD ": %s: %s\n", o->conferences,
			strerror(err));
		return err;
	}
	for (size_t i = 0; i < o->listen_count; i++) {
		memset(&diag, 0, sizeof(diag));
		err = confinfo_sipstack_listen(f->stack, o->listen[i], &diag);
		if (err) {
			fprintf(stderr, "confinfo " CMD ": %s\n",
				diag.message[0] ? diag.message : strerror(err));
			return err;
		}
		if (!o->w) /* else the parent says it, for all */
			printf("listen %s\n", o->listen[i]);
	}
	confinfo_sipstack_guard_start(f->guard);
	err = signals_open(f);
	if (err)
		fprintf(stderr, "confinfo " CMD ": signals: %s\n",
			strerror(err));
	return err;
}

/* The focus in this process (the only one, or a worker): the exit
 * status. */
static int run_focus(struct focus_opts *o)
{
	struct focus f;
	int err, status = 1;

	memset(&f, 0, sizeof(f));
	f.sigfd = -1;
	f.quiet = o->quiet;
	f.w = o->w;
	err = libre_init();
	if (err) {
		fprintf(stderr, "confinfo " CMD ": libre: %s\n", strerror(err));
		return 1;
	}
	tmr_init(&f.grace);
	/* Every TCP or TLS subscriber may hold a connection: use what the
	 * system allows. Without it, the focus serves fewer. */
	(void)confinfo_sipstack_raise_fd_limit(NULL);
	if (focus_setup(&f, o))
		goto out;
	if (o->w) {
		focus_workers_ready(o->w);
	} else {
		printf("ready\n");
		fflush(stdout);
	}
	err = re_main(NULL);
	focus_log_udp_stats(f.n);
	status = err ? 1 : 0;
	if (err)
		fprintf(stderr, "confinfo " CMD ": event loop: %s\n",
			strerror(err));
out:
	tmr_cancel(&f.grace);
	if (f.sigfd >= 0) {
		fd_close(f.sigfd);
		close(f.sigfd);
	}
	confinfo_dirsrc_close(f.dir);
	focus_views_close(f.views);
	confinfo_bridge_free(f.bridge); /* before its notifier */
	confinfo_notifier_free(f.n);
	confinfo_smime_signer_free(f.signer); /* after its notifier */
	confinfo_sipstack_guard_close(f.guard);
	confinfo_sipstack_free(f.stack);
	focus_state_close(f.state);
	libre_close();
	if (!status && !tool_stdout_ok(CMD))
		status = 1;
	return status;
}

static int worker_main(unsigned k, void *arg)
{
	(void)k;
	return run_focus(arg);
}

/* More than one worker: the parent binds the listeners, forks the
 * workers (focus_workers.h) and waits for them. */
static int run_workers(struct focus_opts *o)
{
	int status;

	if (focus_workers_open(&o->w, o->workers, o->listen, o->listen_count))
		return 1;
	if (!o->state)
		o->state = focus_workers_private_store(o->w);
	/* One key for all: a private participant has one anonymous URI
	 * whichever worker a subscriber reached. */
	if (!o->view_key && !o->cfg.token_key) {
		if (getrandom(o->key, 32, 0) != 32) {
			focus_workers_close(o->w);
			return 1;
		}
		o->cfg.token_key = o->key;
		o->cfg.token_key_len = 32;
	}
	status = o->state && !focus_state_check(o->state)
		     ? focus_workers_run(o->w, worker_main, o)
		     : 1;
	focus_workers_close(o->w);
	if (!status && !tool_stdout_ok(CMD))
		status = 1;
	return status;
}

int cmd_focus(int argc, char **argv)
{
	struct focus_opts o;
	int status;

	memset(&o, 0, sizeof(o));
	status = parse_opts(argc, argv, &o);
	if (status != CMD_RUN)
		return status;
	return o.workers > 1 ? run_workers(&o) : run_focus(&o);
}
