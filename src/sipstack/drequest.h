/*
 * In-dialog requests that keep "TLS on every hop" (RFC 3261 19.1, RFC
 * 5630): sip_drequestf() of libre 1.1.0 refuses a dialog whose next hop
 * is a sips: URI (ENOSYS: it routes sip: URIs only). Used by the notifier
 * (NOTIFYs) and the subscriber (refreshes, unsubscribe).
 */
#ifndef CONFINFO_SIPSTACK_DREQUEST_H
#define CONFINFO_SIPSTACK_DREQUEST_H

#include <re.h>

/* sip_drequestf() with the same arguments, except that a sips: next hop
 * (the dialog's first route, or its remote target) is reached as
 * sip:HOST:PORT;transport=tls: over TLS, the Request-URI untouched. A
 * sips: next hop that names another transport gets EPROTONOSUPPORT. */
int sipstack_drequestf(struct sip_request **reqp, struct sip *sip,
		       bool stateful, const char *met, struct sip_dialog *dlg,
		       uint32_t cseq, struct sip_auth *auth, sip_send_h *sendh,
		       sip_resp_h *resph, void *arg, const char *fmt, ...);

#endif
