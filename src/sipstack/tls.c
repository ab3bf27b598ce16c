/*
 * The TLS context of a stack (sipstack.h): its certificate, and the
 * verification of peer certificates.
 *
 * libre 1.1.0's SIP transport creates every TLS connection itself with
 * tls_start_tcp() on the transport's context, and never calls
 * tls_set_verify_server() (only its HTTP client does): no SNI, no host
 * name, no verification, and no hook to reach a connection before its
 * handshake. What it does use is the OpenSSL context each connection is
 * made from (tls_openssl_context()), so everything is configured there:
 * the trust anchors, SSL_VERIFY_PEER, the name to check (the context's
 * X509_VERIFY_PARAM, which every new SSL inherits), and a verify callback
 * that reports each refusal naming the problem. One name per context is
 * right for a client stack, whose requests all go to one first hop.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

/* libre declares tls_openssl_context() only under USE_OPENSSL, which its
 * own build defines; Debian's libre 1.1.0 is built with OpenSSL. */
#define USE_OPENSSL 1
#include <re.h>

#include "stack.h"

#define IDENTITY_MAX 256
#define NAME_MAX_LEN 512
#define ERROR_MAX    320

static int ctx_idx = -1; /* SSL_CTX ex_data: the stack           */
static int ssl_idx = -1; /* SSL ex_data: reported already (once) */
static int id_idx = -1;  /* SSL ex_data: the client's identity    */
static pthread_once_t idx_once = PTHREAD_ONCE_INIT;

/*
 * The TLS connection whose records were read last in this thread. libre
 * 1.1.0 decrypts what a TLS connection received (SSL_read in its TCP
 * helper) and hands the SIP messages it completes to the request
 * handlers at once, in the same call: so while a request handler runs,
 * the connection read last is the one the request came on. libre offers
 * no other link from a request to its TLS session (its sip_conn and
 * tls_conn are private), and this one needs no knowledge of their
 * layout. Set by the message callback of server contexts with
 * tls_client_ca; only read from inside request handlers.
 */
static _Thread_local const SSL *last_read;

static void free_id(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx,
		    long argl, void *argp)
{
	(void)parent;
	(void)ad;
	(void)idx;
	(void)argl;
	(void)argp;
	free(ptr);
}

static void idx_init(void)
{
	ctx_idx = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
	ssl_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
	id_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL, free_id);
}

/* Every record header read by a server connection (OpenSSL's message
 * callback, SSL3_RT_HEADER): note the connection (see last_read). */
static void msg_cb(int write_p, int version, int content_type, const void *buf,
		   size_t len, SSL *ssl, void *arg)
{
	(void)version;
	(void)buf;
	(void)len;
	(void)arg;
	if (!write_p && content_type == SSL3_RT_HEADER)
		last_read = ssl;
}

static struct confinfo_sipstack *stack_of(const SSL *ssl)
{
	if (!ssl || ctx_idx < 0)
		return NULL;
	return SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), ctx_idx);
}

/* Peer-controlled text goes to logs and terminals: keep printable ASCII
 * only, so that a certificate cannot forge log fields or escapes. */
static void printable(char *p)
{
	for (; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			*p = '?';
}

/* The first subjectAltName URI of @p cert, else its subject CN. */
static void cert_identity(X509 *cert, char *buf, size_t size)
{
	GENERAL_NAMES *names;
	int i, n;

	buf[0] = '\0';
	names = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	n = names ? sk_GENERAL_NAME_num(names) : 0;
	for (i = 0; i < n && !buf[0]; i++) {
		const GENERAL_NAME *gn = sk_GENERAL_NAME_value(names, i);
		const ASN1_STRING *u;

		if (gn->type != GEN_URI)
			continue;
		u = gn->d.uniformResourceIdentifier;
		snprintf(buf, size, "%.*s", ASN1_STRING_length(u),
			 (const char *)ASN1_STRING_get0_data(u));
	}
	GENERAL_NAMES_free(names);
	if (!buf[0] &&
	    X509_NAME_get_text_by_NID(X509_get_subject_name(cert),
				      NID_commonName, buf, (int)size) < 0)
		buf[0] = '\0';
	printable(buf);
}

static void name_line(const X509_NAME *name, char *buf, size_t size)
{
	BIO *b = BIO_new(BIO_s_mem());
	int n = 0;

	buf[0] = '\0';
	if (!b)
		return;
	if (X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253) >= 0)
		n = BIO_read(b, buf, (int)size - 1);
	buf[n > 0 ? n : 0] = '\0';
	BIO_free(b);
	printable(buf);
}

/* Tell the stack's handler, once per connection. */
static void report(struct confinfo_sipstack *s, const SSL *ssl, bool client,
		   X509 *cert, const char *error)
{
	struct confinfo_sipstack_tls_event ev;
	char id[IDENTITY_MAX] = "", subj[NAME_MAX_LEN] = "",
	     iss[NAME_MAX_LEN] = "";

	if (SSL_get_ex_data(ssl, ssl_idx))
		return;
	/* The info callback only gets a const SSL; the flag is ours. */
	SSL_set_ex_data((SSL *)ssl, ssl_idx, &ssl_idx);
	if (!s->tlsh)
		return;
	if (cert) {
		cert_identity(cert, id, sizeof(id));
		name_line(X509_get_subject_name(cert), subj, sizeof(subj));
		name_line(X509_get_issuer_name(cert), iss, sizeof(iss));
	}
	memset(&ev, 0, sizeof(ev));
	ev.client = client;
	ev.verified = !error;
	ev.error = error;
	ev.identity = id;
	ev.subject = subj;
	ev.issuer = iss;
	s->tlsh(&ev, s->tls_arg);
}

/* What OpenSSL found wrong, in words that name the problem. */
static void verify_error(const struct confinfo_sipstack *s, int err, char *buf,
			 size_t size)
{
	switch (err) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
		snprintf(buf, size, "certificate has expired");
		break;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		snprintf(buf, size, "certificate is not yet valid");
		break;
	case X509_V_ERR_HOSTNAME_MISMATCH:
	case X509_V_ERR_IP_ADDRESS_MISMATCH:
		snprintf(buf, size,
			 "certificate is for another name "
			 "(expected %s)",
			 s->verify_host ? s->verify_host : "?");
		break;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_CERT_UNTRUSTED:
		snprintf(buf, size,
			 "certificate issued by an unknown authority (%s)",
			 X509_verify_cert_error_string(err));
		break;
	default:
		snprintf(buf, size, "certificate refused: %s",
			 X509_verify_cert_error_string(err));
		break;
	}
}

/*
 * Every peer certificate goes through here. Which side checks what is
 * documented at struct confinfo_sipstack_tls_event: a client stack checks
 * its servers, a server stack with tls_client_ca its clients, and
 * nothing else is refused here.
 */
static int verify_cb(int ok, X509_STORE_CTX *xctx)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(
	    xctx, SSL_get_ex_data_X509_STORE_CTX_idx());
	struct confinfo_sipstack *s = stack_of(ssl);
	char why[ERROR_MAX];
	bool server;
	int err;

	if (!s)
		return ok;
	server = SSL_is_server(ssl);
	if (server ? !s->tls_client_ca : (!s->verify_host || s->tls_insecure))
		return 1;
	if (!ok) {
		err = X509_STORE_CTX_get_error(xctx);
		/* The context's name is the server's; a client has none. */
		if (server && (err == X509_V_ERR_HOSTNAME_MISMATCH ||
			       err == X509_V_ERR_IP_ADDRESS_MISMATCH))
			return 1;
		verify_error(s, err, why, sizeof(why));
		report(s, ssl, server, X509_STORE_CTX_get0_cert(xctx), why);
		return 0;
	}
	if (X509_STORE_CTX_get_error_depth(xctx) == 0)
		report(s, ssl, server, X509_STORE_CTX_get0_cert(xctx), NULL);
	return 1;
}

/* Fatal alerts tell what the verify callback cannot see: a client that
 * sent no certificate, a server that refused ours. */
static void info_cb(const SSL *ssl, int where, int ret)
{
	struct confinfo_sipstack *s;
	char why[ERROR_MAX];
	bool server;

	if (!(where & SSL_CB_ALERT) || ((ret >> 8) & 0xff) != SSL3_AL_FATAL)
		return;
	s = stack_of(ssl);
	if (!s)
		return;
	server = SSL_is_server(ssl);
	if ((where & SSL_CB_WRITE) && server && s->tls_client_ca &&
	    !SSL_get0_peer_certificate(ssl)) {
		report(s, ssl, true, NULL, "no client certificate");
	} else if ((where & SSL_CB_READ) && !server && s->verify_host) {
		snprintf(why, sizeof(why),
			 "the server refused the handshake: %s",
			 SSL_alert_desc_string_long(ret));
		report(s, ssl, false, SSL_get0_peer_certificate(ssl), why);
	}
}

/* The context's part of the verification: the callbacks, and for a
 * server stack with tls_client_ca, the required client certificates. */
static int tls_configure(struct confinfo_sipstack *s,
			 struct confinfo_diag *diag)
{
	SSL_CTX *ctx = tls_openssl_context(s->tls);
	STACK_OF(X509_NAME) * names;
	int mode = SSL_VERIFY_NONE;

	if (!ctx)
		return EINVAL;
	(void)pthread_once(&idx_once, idx_init);
	if (ctx_idx < 0 || ssl_idx < 0 || id_idx < 0 ||
	    !SSL_CTX_set_ex_data(ctx, ctx_idx, s))
		return ENOMEM;
	SSL_CTX_set_info_callback(ctx, info_cb);
	if (s->tls_client_ca) {
		names = SSL_load_client_CA_file(s->tls_client_ca);
		if (!names || !SSL_CTX_load_verify_locations(
				  ctx, s->tls_client_ca, NULL)) {
			sk_X509_NAME_pop_free(names, X509_NAME_free);
			ERR_clear_error();
			return confinfo_diag_fail(diag, EINVAL, 0, 0,
						  "TLS client CA %s: no "
						  "certificates could be read",
						  s->tls_client_ca);
		}
		/* Tells clients which authorities we accept. */
		SSL_CTX_set_client_CA_list(ctx, names);
		mode = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
		SSL_CTX_set_msg_callback(ctx, msg_cb);
	}
	SSL_CTX_set_verify(ctx, mode, verify_cb);
	return 0;
}

int sipstack_tls_ensure(struct confinfo_sipstack *s, bool selfsigned,
			struct confinfo_diag *diag)
{
	int err;

	if (s->tls)
		return 0;
	if (s->tls_cert) {
		err = tls_alloc(&s->tls, TLS_METHOD_SSLV23, s->tls_cert, NULL);
		if (err)
			return confinfo_diag_fail(diag, err, 0, 0,
						  "TLS certificate %s: %s",
						  s->tls_cert, strerror(err));
	} else {
		if (!selfsigned)
			return EINVAL;
		/* libre 1.1.0's tls_set_selfsigned() fails with OpenSSL 3;
		 * the RSA one works. */
		err = tls_alloc(&s->tls, TLS_METHOD_SSLV23, NULL, NULL);
		if (!err)
			err = tls_set_selfsigned_rsa(s->tls, "confinfo", 2048);
		if (err) {
			s->tls = mem_deref(s->tls);
			return confinfo_diag_fail(diag, err, 0, 0, "TLS: %s",
						  strerror(err));
		}
	}
	err = tls_configure(s, diag);
	if (err)
		s->tls = mem_deref(s->tls);
	return err;
}

/* The trust anchors a client stack checks servers against. */
static int load_trust(struct confinfo_sipstack *s, SSL_CTX *ctx,
		      struct confinfo_diag *diag)
{
	if (s->tls_ca) {
		if (SSL_CTX_load_verify_locations(ctx, s->tls_ca, NULL) == 1)
			return 0;
		ERR_clear_error();
		return confinfo_diag_fail(diag, EINVAL, 0, 0,
					  "TLS CA %s: no certificates could "
					  "be read",
					  s->tls_ca);
	}
	if (SSL_CTX_set_default_verify_paths(ctx) == 1)
		return 0;
	ERR_clear_error();
	return confinfo_diag_fail(diag, ENOENT, 0, 0,
				  "TLS: the system's certificate store "
				  "cannot be read");
}

int sipstack_tls_verify_host(struct confinfo_sipstack *s, const char *host,
			     struct confinfo_diag *diag)
{
	SSL_CTX *ctx = tls_openssl_context(s->tls);
	X509_VERIFY_PARAM *vp;
	int err;

	if (!ctx || !host || !*host)
		return EINVAL;
	if (s->tls_insecure)
		return 0;
	err = load_trust(s, ctx, diag);
	if (err)
		return err;
	vp = SSL_CTX_get0_param(ctx);
	/* *.example.com matches a.example.com, never a*.example.com. */
	X509_VERIFY_PARAM_set_hostflags(vp,
					X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	if (X509_VERIFY_PARAM_set1_ip_asc(vp, host) != 1 &&
	    X509_VERIFY_PARAM_set1_host(vp, host, 0) != 1) {
		ERR_clear_error();
		return confinfo_diag_fail(diag, EINVAL, 0, 0,
					  "TLS: cannot check the name '%s'",
					  host);
	}
	free(s->verify_host);
	s->verify_host = strdup(host);
	if (!s->verify_host)
		return ENOMEM;
	SSL_CTX_set_verify(ctx, SSL_CTX_get_verify_mode(ctx) | SSL_VERIFY_PEER,
			   verify_cb);
	return 0;
}

void sipstack_tls_forget(struct confinfo_sipstack *s)
{
	SSL_CTX *ctx = s->tls ? tls_openssl_context(s->tls) : NULL;

	if (ctx && ctx_idx >= 0)
		(void)SSL_CTX_set_ex_data(ctx, ctx_idx, NULL);
}

const char *
confinfo_sipstack_tls_client_identity(const struct confinfo_sipstack *s,
				      const struct sip_msg *msg)
{
	SSL *ssl = (SSL *)last_read;
	char buf[IDENTITY_MAX];
	X509 *cert;
	char *id;

	if (!s || !msg || msg->tp != SIP_TRANSP_TLS || !s->tls_client_ca ||
	    !ssl || stack_of(ssl) != s || !SSL_is_server(ssl))
		return NULL;
	/* Only a certificate the handshake verified (the context refuses
	 * the others, but a resumed or odd session must not slip by). */
	cert = SSL_get0_peer_certificate(ssl);
	if (!cert || SSL_get_verify_result(ssl) != X509_V_OK)
		return NULL;
	id = SSL_get_ex_data(ssl, id_idx);
	if (id)
		return id;
	cert_identity(cert, buf, sizeof(buf));
	if (!buf[0])
		return NULL;
	id = strdup(buf);
	if (id && !SSL_set_ex_data(ssl, id_idx, id)) {
		free(id);
		return NULL;
	}
	return id;
}
