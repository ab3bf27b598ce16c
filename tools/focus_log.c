/*
 * confinfo focus's log lines (focus_log.h): one line per event on standard
 * output, `EVENT key=value...`; every value a peer chose (and every free
 * text) quoted and escaped as key="..." so that it cannot forge fields.
 */
#include <stdio.h>
#include <string.h>

#include "confinfo/text.h"
#include "focus_log.h"
#include "input_limits.h"
#include "util.h"

/* A value of the focus's own (an event name, a valid conference name, a
 * transport, a hexadecimal entity tag): never contains a space. */
void focus_log_kv(const char *key, const char *value)
{
	if (value)
		tool_printf(stdout, " %s=%s", key, value);
}

/*
 * The text of a quoted value: what the terminal-safe printer writes
 * (control characters, invalid UTF-8 and '\' escaped with backslashes),
 * and '"' as \". A peer cannot end the quotes early, so it cannot add
 * fields of its own to the line.
 */
static void put_escaped(const char *value)
{
	while (*value) {
		size_t run = strcspn(value, "\"");

		(void)confinfo_text_fputs(stdout, value, run,
					  CONFINFO_TEXT_BACKSLASH);
		value += run;
		if (*value == '"') {
			fputs("\\\"", stdout);
			value++;
		}
	}
}

/* A value a peer chose (From, Call-ID) or free text: key="value". */
void focus_log_quoted(const char *key, const char *value)
{
	if (!value)
		return;
	printf(" %s=\"", key);
	put_escaped(value);
	putchar('"');
}

static const char *sub_event_name(const struct confinfo_notifier_log *ev)
{
	static const char *const names[] = {
	    [CONFINFO_NOTIFIER_SUBSCRIBED] = "subscribe",
	    [CONFINFO_NOTIFIER_REFRESHED] = "refresh",
	    [CONFINFO_NOTIFIER_REJECTED] = "reject",
	    [CONFINFO_NOTIFIER_NOTIFIED] = "notify",
	    [CONFINFO_NOTIFIER_TERMINATED] = "terminated",
	    [CONFINFO_NOTIFIER_FAILED] = "failed",
	    [CONFINFO_NOTIFIER_PUBLISHED] = "publish",
	    [CONFINFO_NOTIFIER_VIEW] = "view",
	};

	/* A subscription's reason names its kind: "fetch", "unsubscribe". */
	if ((ev->type == CONFINFO_NOTIFIER_SUBSCRIBED ||
	     ev->type == CONFINFO_NOTIFIER_REFRESHED) &&
	    ev->reason)
		return ev->reason;
	if ((unsigned)ev->type < sizeof(names) / sizeof(names[0]) &&
	    names[ev->type])
		return names[ev->type];
	return "conference";
}

/* A refused PUBLISH's reason, with the option that raises the limit
 * that refused it, as the offline commands say it. */
static void put_reason(const struct confinfo_notifier_log *ev)
{
	const char *option = ev->diag ? input_limits_hint(ev->diag) : NULL;

	fputs(" reason=\"", stdout);
	put_escaped(ev->reason ? ev->reason : "");
	if (option)
		printf(" (raise with %s)", option);
	putchar('"');
}

void focus_log_notifier(const struct confinfo_notifier_log *ev, void *arg)
{
	const bool *quiet = arg;

	if (ev->type == CONFINFO_NOTIFIER_NOTIFIED && *quiet)
		return;
	fputs(sub_event_name(ev), stdout);
	focus_log_kv("conf", ev->conf);
	if (ev->type == CONFINFO_NOTIFIER_CONF) {
		focus_log_kv("what", ev->reason);
		if (ev->count)
			printf(" subscribers=%u ms=%u", ev->count,
			       ev->elapsed_ms);
		goto out;
	}
	focus_log_quoted("peer", ev->peer);
	focus_log_quoted("call-id", ev->callid);
	focus_log_kv("transport", ev->transport);
	switch (ev->type) {
	case CONFINFO_NOTIFIER_SUBSCRIBED:
	case CONFINFO_NOTIFIER_REFRESHED:
		printf(" expires=%u", ev->expires);
		break;
	case CONFINFO_NOTIFIER_VIEW:
		focus_log_kv("view", ev->reason);
		break;
	case CONFINFO_NOTIFIER_NOTIFIED:
		printf(" version=%u body=%s code=%u", ev->version,
		       ev->full ? "full" : "partial", ev->scode);
		focus_log_quoted("note", ev->reason);
		break;
	case CONFINFO_NOTIFIER_TERMINATED:
	case CONFINFO_NOTIFIER_FAILED:
	case CONFINFO_NOTIFIER_REJECTED:
	case CONFINFO_NOTIFIER_PUBLISHED:
		focus_log_kv("etag", ev->etag);
		if (ev->scode)
			printf(" code=%u", ev->scode);
		put_reason(ev);
		break;
	default:
		break;
	}
out:
	putchar('\n');
	fflush(stdout);
}

/* The chat bridge's events: `bridge what=WORD conf=NAME detail="..."`;
 * the detail may hold text from the chat room. */
void focus_log_bridge(const char *conf, const char *what, const char *detail,
		      void *arg)
{
	(void)arg;
	fputs("bridge", stdout);
	focus_log_kv("what", what);
	focus_log_kv("conf", conf);
	focus_log_quoted("detail", detail);
	putchar('\n');
	fflush(stdout);
}

void focus_log_guard(const char *what, size_t closed, size_t open, void *arg)
{
	(void)arg;
	printf("connections what=%s closed=%zu open=%zu\n", what, closed, open);
	fflush(stdout);
}

/* What a udp: listener's buffers came to: a capped request is worth a
 * line, since the kernel then drops the 200s of a large fan-out. */
void focus_log_bufs(const struct confinfo_sipstack_bufs *b, void *arg)
{
	(void)arg;
	printf("sockbuf listen=%s want=%u rcvbuf=%u sndbuf=%u forced=%s "
	       "capped=%s",
	       b->spec, b->want, b->rcvbuf, b->sndbuf, b->forced ? "yes" : "no",
	       b->capped ? "yes" : "no");
	if (b->capped)
		focus_log_quoted("hint",
				 "raise net.core.rmem_max and wmem_max, "
				 "or run with CAP_NET_ADMIN");
	if (b->err)
		focus_log_quoted("error", strerror(b->err));
	putchar('\n');
	fflush(stdout);
}

/*
 * A TLS client's certificate under --tls-client-ca, accepted or refused.
 * The identity (SAN URI, else CN) is logged for the operator; the
 * requests of the connection speak for it (cert_identity()).
 */
void focus_log_tls(const struct confinfo_sipstack_tls_event *ev, void *arg)
{
	(void)arg;
	if (!ev->client)
		return;
	printf("tls-client verified=%s", ev->verified ? "yes" : "no");
	focus_log_quoted("identity", ev->identity);
	if (ev->error)
		focus_log_quoted("error", ev->error);
	focus_log_quoted("subject", ev->subject);
	focus_log_quoted("issuer", ev->issuer);
	putchar('\n');
	fflush(stdout);
}

/* At exit: what the NOTIFY transactions over UDP did (retransmissions
 * say the network or the subscribers were slow). */
void focus_log_udp_stats(const struct confinfo_notifier *n)
{
	struct confinfo_notifier_udp_stats st;

	confinfo_notifier_udp_stats(n, &st);
	printf("udp sent=%llu retransmitted=%llu timeouts=%llu absorbed=%llu "
	       "waited=%llu inflight=%zu\n",
	       (unsigned long long)st.sent, (unsigned long long)st.retrans,
	       (unsigned long long)st.timeouts, (unsigned long long)st.absorbed,
	       (unsigned long long)st.waited, st.inflight);
	fflush(stdout);
}
