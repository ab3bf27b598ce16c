/*
 * Embedding the subscriber side (libconfinfo-sip): subscribe to a
 * conference, print who is there (roster.h) once the first full state
 * arrives, and unsubscribe. This one has no SIP stack of its own, so it opens
 * one with sipstack.h; a program with its own stack passes that instead. Built
 * against the installed libraries by CI.
 *
 *   cc embed_watch.c $(pkg-config --cflags --libs confinfo-sip) \
 *      -o embed_watch
 *   ./embed_watch sip:NAME@127.0.0.1:5070
 */
#include <stdio.h>
#include <string.h>

#include <re.h>

#include <confinfo/confinfo.h>
#include <confinfo/sipstack.h>
#include <confinfo/subscriber.h>

struct watch {
	struct confinfo_subscriber *sub;
	int status;
};

static void print_users(const struct confinfo_conf *state)
{
	const struct confinfo_list *users =
	    state->users ? &state->users->users : NULL;

	printf("conference %s version %u\n",
	       state->entity ? state->entity : "-",
	       (unsigned)state->version.value);
	for (size_t i = 0; users && i < users->count; i++) {
		const struct confinfo_user *u = users->items[i];

		if (confinfo_roster_user_present(u))
			printf("  %s%s\n", u->entity,
			       confinfo_roster_user_muted(u) ? " (muted)" : "");
	}
	fflush(stdout);
}

static void on_event(const struct confinfo_subscriber_event *ev, void *arg)
{
	struct watch *w = arg;

	switch (ev->type) {
	case CONFINFO_SUBSCRIBER_STATE:
		print_users(ev->state);
		if (ev->full) {
			w->status = 0;
			confinfo_subscriber_close(w->sub, 2000);
		}
		break;
	case CONFINFO_SUBSCRIBER_CLOSED:
		if (ev->err) {
			fprintf(stderr, "closed: %s\n", ev->message);
			w->status = 1;
		}
		re_cancel();
		break;
	default:
		break;
	}
}

int main(int argc, char **argv)
{
	struct confinfo_subscriber_params p = {0};
	struct confinfo_subscriber_sock *sock = NULL;
	struct confinfo_subscriber_route route;
	struct confinfo_sipstack *stack = NULL;
	struct confinfo_diag diag = {0};
	struct watch w = {NULL, 1};
	int err;

	if (argc != 2) {
		fprintf(stderr, "usage: %s sip:CONFERENCE@HOST:PORT\n",
			argv[0]);
		return 2;
	}
	if (confinfo_subscriber_route(&route, argv[1], NULL, NULL, &diag)) {
		fprintf(stderr, "%s\n", diag.message);
		return 2;
	}
	if (libre_init())
		return 1;
	err = confinfo_sipstack_alloc(&stack, NULL, &diag);
	if (!err)
		err =
		    confinfo_sipstack_client(stack, NULL, route.target, &diag);
	if (!err)
		err = confinfo_subscriber_sock_alloc(
		    &sock, confinfo_sipstack_sip(stack));
	p.uri = argv[1];
	p.request_uri = route.request_uri;
	p.from = "sip:embed@127.0.0.1";
	p.eventh = on_event;
	p.arg = &w;
	if (!err)
		err = confinfo_subscriber_alloc(&w.sub, sock, &p);
	if (err)
		fprintf(stderr, "%s\n",
			diag.message[0] ? diag.message : strerror(err));
	else
		(void)re_main(NULL);
	confinfo_subscriber_free(w.sub);
	confinfo_subscriber_sock_free(sock);
	confinfo_sipstack_free(stack);
	libre_close();
	return err ? 1 : w.status;
}
