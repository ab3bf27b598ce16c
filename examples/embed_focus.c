/*
 * Embedding the focus side (libconfinfo-sip) in a program that has its own
 * libre SIP stack, as a softphone, a B2BUA or a mixer does: the program
 * owns the stack and its transports; the notifier only adds its request
 * listener. It serves one conference document and stops after a while (or
 * on Ctrl-C). Built against the installed libraries by CI.
 *
 *   cc embed_focus.c $(pkg-config --cflags --libs confinfo-sip) \
 *      -o embed_focus
 *   ./embed_focus FILE NAME 127.0.0.1:5070 SECONDS
 *
 * and subscribe to sip:NAME@127.0.0.1:5070 (embed_watch.c, confinfo watch,
 * any RFC 4575 subscriber).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <re.h>

#include <confinfo/confinfo.h>
#include <confinfo/notifier.h>

/* One line per subscription event, so that a reader sees it work. */
static void log_handler(const struct confinfo_notifier_log *ev, void *arg)
{
	(void)arg;
	if (ev->type == CONFINFO_NOTIFIER_NOTIFIED)
		printf("notified %s version %u%s\n", ev->peer ? ev->peer : "-",
		       (unsigned)ev->version, ev->full ? " (full)" : "");
	else if (ev->type == CONFINFO_NOTIFIER_SUBSCRIBED)
		printf("subscribed %s\n", ev->peer ? ev->peer : "-");
	fflush(stdout);
}

static void stop(void *arg)
{
	(void)arg;
	re_cancel();
}

static void on_signal(int sig)
{
	(void)sig;
	re_cancel();
}

int main(int argc, char **argv)
{
	struct confinfo_notifier_config cfg;
	struct confinfo_notifier *n = NULL;
	struct confinfo_conf *state = NULL;
	struct confinfo_diag diag = {0};
	struct sip *sip = NULL;
	struct sa laddr;
	struct tmr t;
	int err, status = 1;

	if (argc != 5) {
		fprintf(stderr, "usage: %s FILE NAME ADDR:PORT SECONDS\n",
			argv[0]);
		return 2;
	}
	if (confinfo_xml_decode_file(&state, argv[1], NULL, &diag)) {
		fprintf(stderr, "%s:%u:%u: %s\n", argv[1], diag.line,
			diag.column, diag.message);
		return 1;
	}
	if (libre_init())
		return 1;
	tmr_init(&t);

	/* The program's own stack: any libre set-up works here. */
	err = sip_alloc(&sip, NULL, 32, 32, 32, "embed-focus", NULL, NULL);
	if (!err)
		err = sa_decode(&laddr, argv[3], strlen(argv[3]));
	if (!err)
		err = sip_transp_add(sip, SIP_TRANSP_UDP, &laddr);
	if (err) {
		fprintf(stderr, "SIP stack on %s: %s\n", argv[3],
			strerror(err));
		goto out;
	}

	confinfo_notifier_config_default(&cfg);
	cfg.domain = "127.0.0.1";
	cfg.min_interval_ms = 0;
	cfg.logh = log_handler;
	err = confinfo_notifier_alloc(&n, sip, &cfg, &diag);
	if (!err)
		err = confinfo_notifier_set_conf(n, argv[2], state, NULL);
	if (err) {
		fprintf(stderr, "notifier: %s\n",
			diag.message[0] ? diag.message : strerror(err));
		goto out;
	}
	printf("serving sip:%s@%s\n", argv[2], argv[3]);
	fflush(stdout);
	tmr_start(&t, (uint64_t)atoi(argv[4]) * 1000, stop, NULL);
	status = re_main(on_signal) ? 1 : 0;
out:
	tmr_cancel(&t);
	confinfo_notifier_free(n);
	if (sip)
		sip_close(sip, true);
	mem_deref(sip);
	confinfo_conf_free(state);
	libre_close();
	return status;
}
