/*
 * confinfo watch: subscribe to a conference (RFC 4575) and follow it.
 *
 * The subscriber library (subscriber.h) does the SIP and keeps the state
 * exact; this command shows it: a roster when the first full state
 * arrives, then one line per change, or with --json one object per line
 * (flushed at once, for pipes). Subscription events (refreshes, discarded
 * or unusable NOTIFYs, terminations) go to standard error in text mode and
 * into the JSON stream otherwise.
 *
 * Ctrl-C (SIGINT) or SIGTERM unsubscribes (Expires: 0) and exits; a
 * second one exits at once.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Not libre's umbrella re.h: its re_json.h clashes with jansson's enums.
 * re_types.h comes first, the others need it. */
#include <re_types.h>

#include <re_main.h>

#include "commands.h"
#include "confinfo/sipstack.h"
#include "confinfo/smime.h"
#include "confinfo/subscriber.h"
#include "confinfo/version.h"
#include "confinfo/xml.h"
#include "input_limits.h"
#include "room_policy.h"
#include "util.h"
#include "watch.h"

/* Exit statuses beyond the common ones (commands.h). */
#define EXIT_FAILED 1 /* subscription refused, failed, or ended by error */

#define CLOSE_TIMEOUT_MS 3000
#define AUTH_LINE_MAX    1024

static const char watch_usage[] =
    "usage: confinfo watch [OPTIONS] [LIMITS] CONFERENCE-URI\n"
    "\n"
    "Subscribe to a conference (RFC 4575 event package over SIP) and\n"
    "follow it: print the roster, then one line per change (joined, left,\n"
    "muted, unmuted, role changed, chat room added or removed). Chat rooms\n"
    "(RFC 7106) are shown with their full URI and verdicts whenever they\n"
    "change. Ctrl-C unsubscribes and exits.\n"
    "\n"
    "Options:\n"
    "  -f, --from URI            From URI [sip:anonymous@anonymous.invalid]\n"
    "  -t, --transport T         udp, tcp or tls [the URI's, else udp]\n"
    "  -p, --proxy URI           send the SUBSCRIBE through this proxy\n"
    "  -l, --local ADDR          local address [the one routing to the "
    "target]\n"
    "  -e, --expires SECONDS     subscription duration to ask for [3600]\n"
    "  -a, --auth USER:PASSWORD  digest credentials (visible in ps: prefer\n"
    "                            --auth-file)\n"
    "      --auth-file FILE      read USER:PASSWORD from FILE's first line\n"
    "      --tls-ca FILE         trust the certificate authorities in FILE\n"
    "                            (PEM) for TLS servers, instead of the\n"
    "                            system's store\n"
    "      --tls-insecure        do not verify TLS servers' certificates\n"
    "                            (tests only: warns on every run)\n"
    "      --tls-cert FILE       PEM key and certificate to present (to a\n"
    "                            focus that requires client certificates)\n"
    "      --dns-server ADDR:PORT  ask this DNS server only, not the\n"
    "                            system's\n"
    "  -1, --once                print the first full state, unsubscribe, "
    "exit\n"
    "  -j, --json                one JSON object per line: a snapshot after\n"
    "                            each applied NOTIFY, one event per change\n"
    "      --save FILE           write the state as XML to FILE after each\n"
    "                            applied NOTIFY (atomically)\n"
    "      --open-with CMD       hand chat rooms to CMD (run with the room "
    "URI\n"
    "                            as its last argument, never through a "
    "shell):\n"
    "                            automatically when the verdict is auto, "
    "after\n"
    "                            asking on the terminal when it is ask\n"
    "      --prompt-interval S   at most one room prompt per S seconds [10]\n"
    "      --notify-timeout S    wait S seconds for the NOTIFY that follows\n"
    "                            each SUBSCRIBE (RFC 6665 Timer N) [32];\n"
    "                            none ever: exit 1\n"
    "      --smime-ca FILE       accept S/MIME-signed NOTIFYs and verify\n"
    "                            them against the CA certificates of FILE\n"
    "      --require-signed      refuse state that is not verified\n"
    "  -h, --help                print this help and exit\n";

/* The second part of the help (see struct tool_cli): one literal would
 * pass the 4095 bytes C99 promises to support. */
static const char watch_usage_more[] =
    "\n" ROOM_POLICY_HELP "\n" INPUT_LIMITS_HELP "\n" INPUT_LIMITS_MERGE_HELP
    "\n"
    "A NOTIFY over a limit leaves the state as it was and is reported\n"
    "with the option that raises the limit; the full state is asked for\n"
    "again (with a growing delay, as for any NOTIFY that cannot apply).\n"
    "\n"
    "Exit status: 0 ended cleanly (Ctrl-C, --once, conference ended),\n"
    "1 subscription refused or failed, 2 usage error.\n";

struct watch {
	struct watch_out out;
	struct watch_rooms *rooms;
	struct confinfo_subscriber *sub;
	struct confinfo_roster *roster; /* the users shown; NULL: none yet */
	uint32_t shown_version;         /* of the state shown last         */
	bool shown;                     /* a state was shown               */
	const char *uri;
	const char *save;
	bool once;
	bool smime; /* --smime-ca: say what each NOTIFY's signature said */
	bool closing;
	int status;
};

static struct watch *the_watch; /* for the signal handler */

static void stop(struct watch *w)
{
	if (w->closing)
		return;
	w->closing = true;
	confinfo_subscriber_close(w->sub, CLOSE_TIMEOUT_MS);
}

static void on_state(struct watch *w,
		     const struct confinfo_subscriber_event *ev)
{
	if (!w->roster) {
		/* The first state is shown whole, and the roster that tells
		 * the changes of the next ones fills silently; until it can
		 * be made (ENOMEM), each state is shown whole. */
		watch_out_roster(&w->out, ev->state);
		if (!confinfo_roster_alloc(&w->roster) &&
		    confinfo_roster_update(w->roster, ev->state, ev->changes,
					   NULL, NULL)) {
			confinfo_roster_free(w->roster);
			w->roster = NULL;
		}
	} else {
		(void)watch_out_changes(&w->out, w->roster, ev->state,
					ev->changes);
	}
	if (w->smime) {
		watch_out_smime(&w->out, ev);
		/* With S/MIME on, a room from state not verified end to end
		 * is never joined without asking (RFC 7106 section 2). */
		watch_rooms_set_verified(w->rooms, ev->state_verified);
	}
	watch_rooms_update(w->rooms, ev->state);
	if (w->out.json)
		watch_out_snapshot(&w->out, ev->state, ev->version, ev->full);
	if (w->save) {
		int err = confinfo_xml_encode_file(w->save, ev->state);

		if (err)
			fprintf(stderr, "confinfo watch: --save %s: %s\n",
				w->save, strerror(err));
	}
	w->shown = true;
	w->shown_version = ev->state->version.value;
	if (w->out.failed || (w->once && ev->full))
		stop(w);
}

static void event_handler(const struct confinfo_subscriber_event *ev, void *arg)
{
	struct watch *w = arg;

	switch (ev->type) {
	case CONFINFO_SUBSCRIBER_STATE:
		on_state(w, ev);
		return;
	case CONFINFO_SUBSCRIBER_CLOSED:
		watch_out_event(&w->out, ev, w->uri);
		/* The conference ending is a normal end of a watch. */
		w->status = watch_closed_in_error(ev) ? EXIT_FAILED : 0;
		re_cancel();
		return;
	case CONFINFO_SUBSCRIBER_DISCARDED:
		/* A full state of the version shown is what every refresh
		 * brings back: not worth a line for people. */
		if (!w->out.json && ev->full && w->shown &&
		    w->shown_version == ev->version)
			return;
		watch_out_event(&w->out, ev, w->uri);
		return;
	default:
		watch_out_event(&w->out, ev, w->uri);
		return;
	}
}

static void signal_handler(int sig)
{
	struct watch *w = the_watch;

	(void)sig;
	if (!w || w->closing) {
		re_cancel();
		return;
	}
	stop(w);
}

/* USER:PASSWORD from the first line of @p path into @p buf. */
static int read_auth_file(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t len;

	if (!f)
		return errno;
	if (!fgets(buf, (int)size, f)) {
		fclose(f);
		return EINVAL;
	}
	fclose(f);
	len = strcspn(buf, "\r\n");
	if (buf[len] == '\0' && len == size - 1)
		return EMSGSIZE; /* no end of line within the limit */
	buf[len] = '\0';
	return 0;
}

enum {
	OPT_AUTH_FILE = 256,
	OPT_SAVE,
	OPT_OPEN_WITH,
	OPT_PROMPT_INTERVAL,
	OPT_NOTIFY_TIMEOUT,
	OPT_SMIME_CA,
	OPT_REQUIRE_SIGNED,
	OPT_TLS_CA,
	OPT_TLS_INSECURE,
	OPT_TLS_CERT,
	OPT_DNS_SERVER,
};

struct watch_cli {
	struct watch *w; /* what the options set in the watch itself */
	struct confinfo_subscriber_params p;
	const char *transport;
	const char *proxy;
	const char *local;
	const char *auth;
	const char *auth_file;
	const char *smime_ca;
	struct confinfo_smime_verifier *smime; /* --smime-ca, or NULL */
	struct confinfo_sipstack_params sp;
	struct watch_room_opts room;
	struct room_policy policy;  /* room.policy points into it */
	struct input_limits limits; /* p.limits, p.merge_limits too */
	char auth_buf[AUTH_LINE_MAX];
};

static int watch_opt(void *ctx, int c, const char *arg)
{
	struct watch_cli *cli = ctx;
	uint64_t v;

	switch (c) {
	case 'f':
		cli->p.from = arg;
		break;
	case 't':
		if (strcmp(arg, "udp") && strcmp(arg, "tcp") &&
		    strcmp(arg, "tls"))
			return tool_usage_error(
			    "watch", "--transport: udp, tcp or tls, not '%s'",
			    arg);
		cli->transport = arg;
		break;
	case 'p':
		cli->proxy = arg;
		break;
	case 'l':
		cli->local = arg;
		break;
	case 'e':
		if (tool_parse_uint(arg, 1, 86400 * 7, &v))
			return tool_usage_error(
			    "watch",
			    "--expires: seconds from 1 to 604800, not '%s'",
			    arg);
		cli->p.expires = (uint32_t)v;
		break;
	case 'a':
		cli->auth = arg;
		break;
	case OPT_AUTH_FILE:
		cli->auth_file = arg;
		break;
	case '1':
		cli->w->once = true;
		break;
	case 'j':
		cli->w->out.json = true;
		break;
	case OPT_SAVE:
		cli->w->save = arg;
		break;
	case OPT_OPEN_WITH:
		if (!*arg)
			return tool_usage_error("watch",
						"--open-with needs a command");
		cli->room.open_with = arg;
		break;
	case OPT_TLS_CA:
		cli->sp.tls_ca = arg;
		break;
	case OPT_TLS_INSECURE:
		cli->sp.tls_insecure = true;
		break;
	case OPT_TLS_CERT:
		cli->sp.tls_cert = arg;
		break;
	case OPT_DNS_SERVER:
		cli->sp.dns_server = arg;
		break;
	case OPT_PROMPT_INTERVAL:
		if (tool_parse_uint(arg, 0, 86400, &v))
			return tool_usage_error(
			    "watch", "--prompt-interval: seconds, not '%s'",
			    arg);
		cli->room.prompt_interval = (unsigned)v;
		break;
	case OPT_NOTIFY_TIMEOUT:
		if (tool_parse_uint(arg, 1, 3600, &v))
			return tool_usage_error("watch",
						"--notify-timeout: seconds "
						"from 1 to 3600, not '%s'",
						arg);
		cli->p.notify_timeout_ms = (uint32_t)v * 1000;
		break;
	case OPT_SMIME_CA:
		cli->smime_ca = arg;
		break;
	case OPT_REQUIRE_SIGNED:
		cli->p.require_signed = true;
		break;
	}
	return CMD_RUN;
}

/* --auth or --auth-file, into p.auth_user and p.auth_password. */
static int watch_auth(struct watch_cli *cli)
{
	char *colon;
	int err;

	if (cli->auth && cli->auth_file)
		return tool_usage_error("watch",
					"--auth and --auth-file exclude each "
					"other");
	if (cli->auth_file) {
		err = read_auth_file(cli->auth_file, cli->auth_buf,
				     sizeof(cli->auth_buf));
		if (err) {
			fprintf(stderr, "confinfo watch: --auth-file %s: %s\n",
				cli->auth_file, strerror(err));
			return EXIT_USAGE;
		}
	} else if (cli->auth) {
		snprintf(cli->auth_buf, sizeof(cli->auth_buf), "%s", cli->auth);
	} else {
		return CMD_RUN;
	}
	colon = strchr(cli->auth_buf, ':');
	if (!colon || colon == cli->auth_buf)
		return tool_usage_error("watch",
					"credentials must be USER:PASSWORD");
	*colon = '\0';
	cli->p.auth_user = cli->auth_buf;
	cli->p.auth_password = colon + 1;
	return CMD_RUN;
}

/* CMD_RUN, or the exit status (commands.h). */
static int parse_args(struct watch *w, struct watch_cli *cli, int argc,
		      char **argv)
{
	static const struct option opts[] = {
	    {"from", required_argument, NULL, 'f'},
	    {"transport", required_argument, NULL, 't'},
	    {"proxy", required_argument, NULL, 'p'},
	    {"local", required_argument, NULL, 'l'},
	    {"expires", required_argument, NULL, 'e'},
	    {"auth", required_argument, NULL, 'a'},
	    {"auth-file", required_argument, NULL, OPT_AUTH_FILE},
	    {"once", no_argument, NULL, '1'},
	    {"json", no_argument, NULL, 'j'},
	    {"save", required_argument, NULL, OPT_SAVE},
	    {"open-with", required_argument, NULL, OPT_OPEN_WITH},
	    {"prompt-interval", required_argument, NULL, OPT_PROMPT_INTERVAL},
	    {"notify-timeout", required_argument, NULL, OPT_NOTIFY_TIMEOUT},
	    {"smime-ca", required_argument, NULL, OPT_SMIME_CA},
	    {"require-signed", no_argument, NULL, OPT_REQUIRE_SIGNED},
	    {"tls-ca", required_argument, NULL, OPT_TLS_CA},
	    {"tls-insecure", no_argument, NULL, OPT_TLS_INSECURE},
	    {"tls-cert", required_argument, NULL, OPT_TLS_CERT},
	    {"dns-server", required_argument, NULL, OPT_DNS_SERVER},
	    {"help", no_argument, NULL, 'h'},
	    ROOM_POLICY_LONG_OPTIONS,
	    INPUT_LIMITS_LONG_OPTIONS,
	    INPUT_LIMITS_MERGE_LONG_OPTIONS,
	    {NULL, 0, NULL, 0},
	};
	const struct tool_cli tc = {.cmd = "watch",
				    .usage = watch_usage,
				    .usage_more = watch_usage_more,
				    .shortopts = "f:t:p:l:e:a:1jh",
				    .longopts = opts,
				    .limits = &cli->limits,
				    .policy = &cli->policy};
	int st;

	cli->w = w;
	st = tool_parse_opts(&tc, argc, argv, watch_opt, cli);
	if (st != CMD_RUN)
		return st;
	cli->p.limits = &cli->limits.xml;
	cli->p.merge_limits = &cli->limits.merge;
	st = room_policy_finish(&cli->policy);
	if (st != CMD_RUN)
		return st;
	cli->room.policy = cli->policy.chat;
	if (optind + 1 != argc)
		return tool_usage_error(
		    "watch", optind >= argc ? "missing CONFERENCE-URI"
					    : "one CONFERENCE-URI only");
	w->uri = argv[optind];
	if (cli->p.require_signed && !cli->smime_ca)
		return tool_usage_error("watch",
					"--require-signed needs --smime-ca");
	w->smime = cli->smime_ca != NULL;
	if (cli->sp.tls_insecure && cli->sp.tls_ca)
		return tool_usage_error("watch", "--tls-insecure and --tls-ca "
						 "exclude each other");
	return watch_auth(cli);
}

/* A TLS server's certificate refused (or a focus refusing ours): say
 * what was wrong, since the subscription only sees a failed connection. */
static void tls_handler(const struct confinfo_sipstack_tls_event *ev, void *arg)
{
	(void)arg;
	if (ev->verified)
		return;
	if (ev->subject[0])
		fprintf(stderr,
			"confinfo watch: TLS: %s (subject %s, issuer %s)\n",
			ev->error, ev->subject, ev->issuer);
	else
		fprintf(stderr, "confinfo watch: TLS: %s\n", ev->error);
	fflush(stderr);
}

static int run(struct watch *w, struct watch_cli *cli)
{
	struct confinfo_sipstack_params *sp = &cli->sp;
	struct confinfo_subscriber_sock *sock = NULL;
	struct confinfo_subscriber_route route;
	struct confinfo_sipstack *stack = NULL;
	struct confinfo_diag diag;
	int err;

	confinfo_diag_reset(&diag);
	if (confinfo_subscriber_route(&route, w->uri, cli->proxy,
				      cli->transport, &diag))
		return tool_usage_error("watch", "%s", diag.message);
	cli->p.uri = w->uri;
	cli->p.request_uri = route.request_uri;
	cli->p.route = route.route[0] ? route.route : NULL;
	if (!cli->p.from)
		cli->p.from = "sip:anonymous@anonymous.invalid";
	cli->p.eventh = event_handler;
	cli->p.arg = w;
	cli->room.conf_uri = w->uri;
	sp->software = "confinfo/" CONFINFO_VERSION_STRING;
	sp->dns = true;
	sp->tlsh = tls_handler;
	if (sp->tls_insecure)
		fputs("confinfo watch: warning: --tls-insecure: TLS servers' "
		      "certificates are not verified; anyone on the path can "
		      "read and change the conference state\n",
		      stderr);

	err = libre_init();
	if (err) {
		fprintf(stderr, "confinfo watch: libre: %s\n", strerror(err));
		return EXIT_FAILED;
	}
	w->status = EXIT_FAILED; /* until CLOSED says otherwise */
	err = watch_rooms_alloc(&w->rooms, &cli->room, &w->out);
	if (err) {
		fprintf(stderr, "confinfo watch: %s\n", strerror(err));
		goto out;
	}
	err = confinfo_sipstack_alloc(&stack, sp, &diag);
	if (!err && cli->smime_ca) {
		err = confinfo_smime_verifier_load(&cli->smime, cli->smime_ca,
						   &diag);
		cli->p.smime = cli->smime;
	}
	if (!err)
		err = confinfo_sipstack_client(stack, cli->local, route.target,
					       &diag);
	if (err) {
		fprintf(stderr, "confinfo watch: %s\n",
			diag.message[0] ? diag.message : strerror(err));
		goto out;
	}
	err =
	    confinfo_subscriber_sock_alloc(&sock, confinfo_sipstack_sip(stack));
	if (!err)
		err = confinfo_subscriber_alloc(&w->sub, sock, &cli->p);
	if (err) {
		fprintf(stderr, "confinfo watch: cannot subscribe to %s: %s\n",
			w->uri, strerror(err));
	} else {
		the_watch = w;
		(void)re_main(signal_handler);
		the_watch = NULL;
	}
	confinfo_subscriber_free(w->sub);
	w->sub = NULL;
	confinfo_subscriber_sock_free(sock);
out:
	confinfo_sipstack_free(stack);
	confinfo_smime_verifier_free(cli->smime); /* after its subscription */
	cli->smime = NULL;
	watch_rooms_free(w->rooms);
	w->rooms = NULL;
	libre_close();
	return w->status;
}

int cmd_watch(int argc, char **argv)
{
	struct watch w;
	struct watch_cli cli;
	int status;

	memset(&w, 0, sizeof(w));
	memset(&cli, 0, sizeof(cli));
	w.out.f = stdout;
	w.out.err = stderr;
	cli.room.prompt_interval = 10;
	cli.room.prompt_timeout = 60;
	cli.policy = (struct room_policy)ROOM_POLICY_INIT("watch");
	input_limits_init(&cli.limits);

	status = parse_args(&w, &cli, argc, argv);
	if (status != CMD_RUN)
		goto out;
	/* A reader closing the pipe must not kill us before we unsubscribe:
	 * writes then fail with EPIPE, which stops the watch cleanly. */
	signal(SIGPIPE, SIG_IGN);
	status = run(&w, &cli);
	if (status == 0 && !tool_stdout_ok("watch"))
		status = EXIT_FAILED;
out:
	confinfo_roster_free(w.roster);
	room_policy_reset(&cli.policy);
	memset(cli.auth_buf, 0, sizeof(cli.auth_buf));
	return status;
}
