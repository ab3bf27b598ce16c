/*
 * confinfo-plain-notifier: the baseline of the SIP set-up benchmark
 * (run.sh). A minimal conference notifier built only on libre's own
 * sipevent API (sipevent_listen, sipevent_accept, sipevent_notify): every
 * SUBSCRIBE for Event: conference is accepted and answered with one
 * NOTIFY carrying the same full conference-info body, read once from a
 * file. No model, no diff, no rate control, no queue: what `confinfo
 * focus` is measured against, in the same run, on the same machine.
 *
 * usage: confinfo-plain-notifier ADDR:PORT BODY_FILE
 * Listens on UDP and TCP at ADDR:PORT, prints "ready" once it does, and
 * runs until SIGINT or SIGTERM. Not a product: a benchmark fixture.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <re.h>

/* Same table sizes as the focus (src/sipnot/notifier.c): the comparison
 * is of the notifier logic, not of hash chain lengths. */
#define HASH_SIZE 16384
#define BODY_MAX  (64 * 1024)
#define EXPIRES   3600
#define CTYPE     "application/conference-info+xml"
#define SOFTWARE  "confinfo-plain-notifier"

struct plain {
	struct sip *sip;
	struct sipevent_sock *sock;
	struct sip_lsnr *lsnr;
	struct mbuf
	    *body; /* shared by every NOTIFY, never written after load */
	struct list subs;
};

/* One accepted subscription; libre's sipnot does all the work. */
struct plain_sub {
	struct le le;
	struct sipnot * not ;
};

static void sub_destructor(void *arg)
{
	struct plain_sub *s = arg;

	list_unlink(&s->le);
	mem_deref(s->not );
}

/* The subscription ended (expiry, failed NOTIFY): forget it. */
static void close_handler(int err, const struct sip_msg *msg, void *arg)
{
	struct plain_sub *s = arg;

	(void)err;
	(void)msg;
	mem_deref(s);
}

/* Initial SUBSCRIBEs (no To tag); libre answers in-dialog ones itself. */
static bool subscribe_handler(const struct sip_msg *msg, void *arg)
{
	struct plain *p = arg;
	const struct sip_hdr *hdr;
	struct sipevent_event ev;
	struct plain_sub *s;
	int err;

	hdr = sip_msg_hdr(msg, SIP_HDR_EVENT);
	if (!hdr || sipevent_event_decode(&ev, &hdr->val) ||
	    pl_strcmp(&ev.event, "conference")) {
		(void)sip_replyf(p->sip, msg, 489, "Bad Event",
				 "Allow-Events: conference\r\n"
				 "Content-Length: 0\r\n\r\n");
		return true;
	}
	s = mem_zalloc(sizeof(*s), sub_destructor);
	if (!s) {
		(void)sip_reply(p->sip, msg, 500, "Out of Memory");
		return true;
	}
	err = sipevent_accept(&s->not, p->sock, msg, NULL, &ev, 200, "OK", 0,
			      EXPIRES, EXPIRES, "conference", CTYPE, NULL, NULL,
			      false, close_handler, s, NULL);
	if (err) {
		(void)sip_reply(p->sip, msg, 500, "Accept Failed");
		mem_deref(s);
		return true;
	}
	list_append(&p->subs, &s->le, s);
	err = sipevent_notify(s->not, p->body, SIPEVENT_ACTIVE, 0, 0);
	if (err)
		fprintf(stderr, "plain-notifier: NOTIFY: %s\n", strerror(err));
	return true;
}

/* Everything sipevent does not take (it takes SUBSCRIBE and NOTIFY). */
static bool other_handler(const struct sip_msg *msg, void *arg)
{
	struct plain *p = arg;

	if (!pl_strcmp(&msg->met, "SUBSCRIBE") ||
	    !pl_strcmp(&msg->met, "NOTIFY"))
		return false;
	if (!pl_strcmp(&msg->met, "ACK"))
		return true;
	(void)sip_reply(p->sip, msg, 501, "Not Implemented");
	return true;
}

static void signal_handler(int sig)
{
	(void)sig;
	re_cancel();
}

static int load_body(struct mbuf **mbp, const char *path)
{
	struct mbuf *mb = NULL;
	FILE *f;
	size_t n;
	int err = 0;

	f = fopen(path, "rb");
	if (!f)
		return errno;
	mb = mbuf_alloc(BODY_MAX + 1);
	if (!mb) {
		err = ENOMEM;
		goto out;
	}
	n = fread(mb->buf, 1, BODY_MAX + 1, f);
	if (ferror(f)) {
		err = EIO;
		goto out;
	}
	if (n == 0 || n > BODY_MAX) {
		err = EFBIG;
		goto out;
	}
	mb->end = n;
	mb->pos = 0;
out:
	fclose(f);
	if (err)
		mem_deref(mb);
	else
		*mbp = mb;
	return err;
}

/* Every TCP subscriber may hold a connection, as in the focus. */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur > 1024)
		(void)fd_setsize(rl.rlim_cur > 1048576 ? 1048576
						       : (int)rl.rlim_cur);
}

static int setup(struct plain *p, const char *addr, const char *body)
{
	struct sa laddr;
	int err;

	if (sa_decode(&laddr, addr, strlen(addr))) {
		fprintf(stderr,
			"plain-notifier: bad address '%s' (ADDR:PORT)\n", addr);
		return EINVAL;
	}
	err = load_body(&p->body, body);
	if (err) {
		fprintf(stderr, "plain-notifier: body %s: %s\n", body,
			strerror(err));
		return err;
	}
	err = sip_alloc(&p->sip, NULL, HASH_SIZE, HASH_SIZE, HASH_SIZE,
			SOFTWARE, NULL, NULL);
	err = err ? err : sip_transp_add(p->sip, SIP_TRANSP_UDP, &laddr);
	err = err ? err : sip_transp_add(p->sip, SIP_TRANSP_TCP, &laddr);
	err = err ? err
		  : sipevent_listen(&p->sock, p->sip, HASH_SIZE, HASH_SIZE,
				    subscribe_handler, p);
	err = err ? err : sip_listen(&p->lsnr, p->sip, true, other_handler, p);
	if (err)
		fprintf(stderr, "plain-notifier: SIP on %s: %s\n", addr,
			strerror(err));
	return err;
}

int main(int argc, char **argv)
{
	struct plain p;
	int err, status = 1;

	if (argc != 3) {
		fprintf(stderr,
			"usage: confinfo-plain-notifier ADDR:PORT BODY_FILE\n");
		return 2;
	}
	memset(&p, 0, sizeof(p));
	list_init(&p.subs);
	err = libre_init();
	if (err) {
		fprintf(stderr, "plain-notifier: libre: %s\n", strerror(err));
		return 1;
	}
	raise_fd_limit();
	if (setup(&p, argv[1], argv[2]))
		goto out;
	printf("ready\n");
	fflush(stdout);
	err = re_main(signal_handler);
	status = err ? 1 : 0;
out:
	/* Dropping a sipnot sends its terminating NOTIFY: not waited for. */
	list_flush(&p.subs);
	mem_deref(p.lsnr);
	mem_deref(p.sock);
	if (p.sip)
		sip_close(p.sip, true);
	mem_deref(p.sip);
	mem_deref(p.body);
	libre_close();
	return status;
}
