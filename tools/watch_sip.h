/*
 * The SIP stack of confinfo watch (watch_sip.c).
 */
#ifndef CONFINFO_TOOLS_WATCH_SIP_H
#define CONFINFO_TOOLS_WATCH_SIP_H

struct sip;
struct dnsc;
struct tls;

struct watch_sip {
	struct sip *sip;
	struct dnsc *dnsc;
	struct tls *tls;
	char error[256]; /* why watch_sip_open() failed */
};

/*
 * Create a libre SIP stack with UDP, TCP and TLS (client) transports bound
 * to @p local (an address, port 0) or, when NULL, to the local address
 * that routes to the host of @p target. libre must be initialised.
 * Returns 0, or an errno with ws->error set.
 */
int watch_sip_open(struct watch_sip *ws, const char *local, const char *target,
		   const char *software);
void watch_sip_close(struct watch_sip *ws);

/* The URIs of the subscription for a conference URI, an optional outbound
 * proxy and an optional transport ("udp", "tcp", "tls"). */
struct watch_sip_route {
	char request_uri[1024];
	char route[1024];   /* "" for none */
	const char *target; /* where the first hop goes: route or RURI */
	char error[256];
};

int watch_sip_route(struct watch_sip_route *r, const char *uri,
		    const char *proxy, const char *transport);

#endif
