/*
 * sofia_sub: an independent conference subscriber built on Sofia-SIP
 * (nua), for the interop tests of `confinfo focus`.
 *
 * It subscribes to a conference, merges every NOTIFY into its own state
 * with confinfo_merge() (RFC 4575 4.6), prints one line per NOTIFY, and
 * once the state reaches --until-version writes it (encoded) to --out,
 * unsubscribes, and exits 0. Any stale, gap or invalid document, a
 * partial before the first full one, or a refused subscription, exits 1.
 *
 * usage: sofia_sub --target URI --bind URI --out FILE --until-version N
 *                  [--timeout SECONDS] [--tls-bind SIPS-URI --tls-dir DIR]
 *                  [--contact URI]
 * For TLS, DIR holds Sofia's agent.pem (key and certificate) and
 * cafile.pem (what to trust). --contact replaces the Contact Sofia would
 * send (libre 1.1.0 cannot send requests to a sips: target, so a TLS test
 * advertises sip:...;transport=tls).
 * Lines printed: `subscribed STATUS`, `notify version=V state=S
 * result=R`, `wrote FILE`, `terminated`, `done`.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sofia-sip/nua.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_log.h>
#include <sofia-sip/su_tag_io.h>

#include "confinfo/merge.h"
#include "confinfo/xml.h"

struct app {
	su_root_t *root;
	nua_t *nua;
	nua_handle_t *nh;
	su_timer_t *timer;
	const char *out;
	unsigned long until;
	struct confinfo_conf *state;
	unsigned notifies;
	bool written;
	bool unsubscribing;
	bool shutting_down;
	int status;
};

static void shutdown_app(struct app *a, int status)
{
	if (a->status == 0)
		a->status = status;
	if (a->shutting_down)
		return;
	a->shutting_down = true;
	nua_shutdown(a->nua);
}

static int write_state(struct app *a)
{
	char *xml = NULL;
	size_t len = 0;
	FILE *f;
	int err;

	err = confinfo_xml_encode(&xml, &len, a->state);
	if (err)
		return err;
	f = fopen(a->out, "w");
	if (!f) {
		err = errno;
		free(xml);
		return err;
	}
	if (fwrite(xml, 1, len, f) != len)
		err = EIO;
	if (fclose(f) && !err)
		err = EIO;
	free(xml);
	return err;
}

static void on_notify(struct app *a, const sip_t *sip)
{
	struct confinfo_diag diag;
	struct confinfo_conf *doc = NULL;
	enum confinfo_merge_result res;
	unsigned long version;
	const char *state;
	int err;

	if (!sip || !sip->sip_payload || !sip->sip_payload->pl_len)
		return; /* a final NOTIFY without state */
	if (a->written)
		return; /* the final NOTIFY after our unsubscribe */
	memset(&diag, 0, sizeof(diag));
	err = confinfo_xml_decode(&doc, sip->sip_payload->pl_data,
				  sip->sip_payload->pl_len, NULL, &diag);
	if (err) {
		printf("notify undecodable %u:%u: %s\n", diag.line, diag.column,
		       diag.message);
		shutdown_app(a, 1);
		return;
	}
	version = doc->version.set ? doc->version.value : 0;
	state = confinfo_state_str(confinfo_state_effective(doc->state));
	/* RFC 4575 4.6: the first document must be full. */
	if (!a->state && doc->state == CONFINFO_STATE_PARTIAL) {
		printf("notify version=%lu state=%s result=partial-first\n",
		       version, state);
		confinfo_conf_free(doc);
		shutdown_app(a, 1);
		return;
	}
	err = confinfo_merge(&a->state, doc, &res, &diag);
	if (err) {
		printf("notify merge failed: %s\n", strerror(err));
		shutdown_app(a, 1);
		return;
	}
	a->notifies++;
	printf("notify version=%lu state=%s result=%s\n", version, state,
	       confinfo_merge_result_str(res));
	fflush(stdout);
	/* The focus never repeats or skips a version within a dialog,
	 * except the full NOTIFY after a refresh (same version, equal
	 * content): anything but "applied" is a failure here. */
	if (res != CONFINFO_MERGE_APPLIED) {
		printf("merge: %s\n", diag.message);
		shutdown_app(a, 1);
		return;
	}
	if (!a->written && a->state->version.value >= a->until) {
		err = write_state(a);
		if (err) {
			printf("write %s: %s\n", a->out, strerror(err));
			shutdown_app(a, 1);
			return;
		}
		a->written = true;
		printf("wrote %s\n", a->out);
		fflush(stdout);
		a->unsubscribing = true;
		nua_unsubscribe(a->nh, TAG_END());
	}
}

static void event_cb(nua_event_t event, int status, char const *phrase,
		     nua_t *nua, nua_magic_t *magic, nua_handle_t *nh,
		     nua_hmagic_t *hmagic, sip_t const *sip, tagi_t tags[])
{
	struct app *a = (struct app *)magic;
	(void)nua;
	(void)nh;
	(void)hmagic;
	(void)tags;

	switch (event) {
	case nua_r_subscribe:
		if (status < 200)
			break;
		printf("subscribed %d %s\n", status, phrase);
		fflush(stdout);
		if (status >= 300)
			shutdown_app(a, 1);
		break;
	case nua_i_notify:
		on_notify(a, sip);
		if (sip && sip->sip_subscription_state &&
		    sip->sip_subscription_state->ss_substate &&
		    !strcmp(sip->sip_subscription_state->ss_substate,
			    "terminated")) {
			printf("terminated\n");
			fflush(stdout);
			shutdown_app(a, a->written ? 0 : 1);
		}
		break;
	case nua_r_unsubscribe:
		if (status >= 300) {
			printf("unsubscribe %d %s\n", status, phrase);
			shutdown_app(a, 1);
		}
		break;
	case nua_r_shutdown:
		if (status >= 200)
			su_root_break(a->root);
		break;
	default:
		break;
	}
}

static void timeout_cb(su_root_magic_t *magic, su_timer_t *t,
		       su_timer_arg_t *arg)
{
	struct app *a = (struct app *)arg;
	(void)magic;
	(void)t;

	printf("timeout after %u NOTIFYs\n", a->notifies);
	fflush(stdout);
	if (a->shutting_down)
		su_root_break(a->root);
	else
		shutdown_app(a, 1);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"target", required_argument, NULL, 't'},
	    {"bind", required_argument, NULL, 'b'},
	    {"out", required_argument, NULL, 'o'},
	    {"until-version", required_argument, NULL, 'u'},
	    {"timeout", required_argument, NULL, 'T'},
	    {"tls-bind", required_argument, NULL, 'B'},
	    {"tls-dir", required_argument, NULL, 'D'},
	    {"contact", required_argument, NULL, 'C'},
	    {NULL, 0, NULL, 0},
	};
	const char *target = NULL, *bind = NULL, *tls_bind = NULL;
	const char *tls_dir = NULL, *contact = NULL;
	unsigned long timeout = 30;
	struct app a;
	int c;

	memset(&a, 0, sizeof(a));
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			target = optarg;
			break;
		case 'b':
			bind = optarg;
			break;
		case 'o':
			a.out = optarg;
			break;
		case 'u':
			a.until = strtoul(optarg, NULL, 10);
			break;
		case 'T':
			timeout = strtoul(optarg, NULL, 10);
			break;
		case 'B':
			tls_bind = optarg;
			break;
		case 'D':
			tls_dir = optarg;
			break;
		case 'C':
			contact = optarg;
			break;
		default:
			return 2;
		}
	}
	if (!target || !bind || !a.out || !a.until) {
		fprintf(stderr, "usage: sofia_sub --target URI --bind URI "
				"--out FILE --until-version N [--timeout S]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	su_init();
	a.root = su_root_create(NULL);
	if (!a.root)
		return 1;
	a.nua = nua_create(a.root, event_cb, (nua_magic_t *)&a, NUTAG_URL(bind),
			   TAG_IF(tls_bind, NUTAG_SIPS_URL(tls_bind)),
			   TAG_IF(tls_dir, NUTAG_CERTIFICATE_DIR(tls_dir)),
			   TAG_END());
	if (!a.nua) {
		fprintf(stderr, "sofia_sub: cannot bind %s\n", bind);
		return 1;
	}
	a.nh =
	    nua_handle(a.nua, NULL, SIPTAG_TO_STR(target),
		       SIPTAG_FROM_STR("<sip:sofia@example.com>"), TAG_END());
	nua_subscribe(a.nh, NUTAG_URL(target), SIPTAG_EVENT_STR("conference"),
		      SIPTAG_ACCEPT_STR("application/conference-info+xml"),
		      SIPTAG_EXPIRES_STR("600"),
		      TAG_IF(contact, SIPTAG_CONTACT_STR(contact)), TAG_END());
	a.timer = su_timer_create(su_root_task(a.root), 0);
	su_timer_set_interval(a.timer, timeout_cb, (su_timer_arg_t *)&a,
			      (su_duration_t)(timeout * 1000));
	su_root_run(a.root);
	su_timer_destroy(a.timer);
	nua_handle_destroy(a.nh);
	nua_destroy(a.nua);
	su_root_destroy(a.root);
	su_deinit();
	confinfo_conf_free(a.state);
	printf("done status=%d\n", a.status);
	return a.status;
}
