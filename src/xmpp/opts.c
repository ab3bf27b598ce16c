/*
 * The command line and the secret files. The password never comes from
 * argv (other users see it in ps): it is the first line of a file that
 * only its owner may read, the same rule ssh applies to private keys, and
 * the client key of SASL EXTERNAL is held to that rule too.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xmppc.h"

#define PASSWORD_MAX 1024

static const char usage[] =
    "usage: confinfo-xmpp --jid JID (--password-file FILE | --cert FILE "
    "--key FILE)\n"
    "                     [--ca FILE] [--connect HOST:PORT] [--resource R] "
    "[--debug]\n";

static int parse_connect(struct xc_opts *o, const char *arg)
{
	const char *colon = strrchr(arg, ':');
	char *end;
	unsigned long port;

	if (!colon || colon == arg || colon[1] == '\0')
		goto bad;
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno || *end || port == 0 || port > 65535)
		goto bad;
	/* [v6-address]:port: the brackets are not part of the host. */
	if (arg[0] == '[' && colon[-1] == ']' && colon - arg > 2)
		o->connect_host = strndup(arg + 1, (size_t)(colon - arg - 2));
	else
		o->connect_host = strndup(arg, (size_t)(colon - arg));
	if (!o->connect_host)
		return ENOMEM;
	o->connect_port = (unsigned short)port;
	return 0;
bad:
	fprintf(stderr, "confinfo-xmpp: --connect %s: expected HOST:PORT\n",
		arg);
	return EINVAL;
}

/* Seconds, 1 to 3600, for the whole login (TCP, TLS, SASL, bind). */
static int parse_timeout(struct xc_opts *o, const char *arg)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || *end || v < 1 || v > 3600) {
		fprintf(stderr,
			"confinfo-xmpp: --connect-timeout %s: expected 1 to "
			"3600 seconds\n",
			arg);
		return EINVAL;
	}
	o->connect_timeout_ms = (unsigned)v * 1000u;
	return 0;
}

static int check_combination(const struct xc_opts *o)
{
	const char *at;

	if (!o->jid) {
		fprintf(stderr, "confinfo-xmpp: --jid is required\n");
		return EINVAL;
	}
	at = strchr(o->jid, '@');
	if (!at || at == o->jid || at[1] == '\0' || at[1] == '/' ||
	    strchr(o->jid, '/')) {
		fprintf(stderr,
			"confinfo-xmpp: --jid %s: expected a bare JID "
			"user@domain (the resource is --resource)\n",
			o->jid);
		return EINVAL;
	}
	if (!o->password_file == !o->cert || !o->cert != !o->key) {
		fprintf(stderr, "confinfo-xmpp: give either --password-file, "
				"or --cert and --key (SASL EXTERNAL)\n");
		return EINVAL;
	}
	return 0;
}

/* 0, or EINVAL (usage error: the message is printed) or ENOMEM. */
int xc_opts_parse(struct xc_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"jid", required_argument, NULL, 'j'},
	    {"password-file", required_argument, NULL, 'p'},
	    {"cert", required_argument, NULL, 'c'},
	    {"key", required_argument, NULL, 'k'},
	    {"ca", required_argument, NULL, 'a'},
	    {"connect", required_argument, NULL, 'C'},
	    {"resource", required_argument, NULL, 'r'},
	    {"connect-timeout", required_argument, NULL, 'T'},
	    {"debug", no_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c, err;

	memset(o, 0, sizeof(*o));
	o->resource = "confinfo";
	o->connect_timeout_ms = 30000;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o->jid = optarg;
			break;
		case 'p':
			o->password_file = optarg;
			break;
		case 'c':
			o->cert = optarg;
			break;
		case 'k':
			o->key = optarg;
			break;
		case 'a':
			o->ca = optarg;
			break;
		case 'r':
			o->resource = optarg;
			break;
		case 'd':
			o->debug = true;
			break;
		case 'T':
			err = parse_timeout(o, optarg);
			if (err)
				return err;
			break;
		case 'C':
			free(o->connect_host);
			err = parse_connect(o, optarg);
			if (err)
				return err;
			break;
		case 'h':
			fputs(usage, stdout);
			exit(0);
		default:
			fputs(usage, stderr);
			return EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "confinfo-xmpp: unexpected argument %s\n%s",
			argv[optind], usage);
		return EINVAL;
	}
	if (!*o->resource || strchr(o->resource, '/')) {
		fprintf(stderr,
			"confinfo-xmpp: --resource: empty or with '/'\n");
		return EINVAL;
	}
	return check_combination(o);
}

/* PATH is a regular file owned by us that group and others can neither
 * read nor write: 0, or EPERM/errno after a message naming WHAT. */
int xc_secret_file_check(const char *path, const char *what)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		xc_log("%s %s: %s", what, path, strerror(errno));
		return errno;
	}
	if (!S_ISREG(st.st_mode)) {
		xc_log("%s %s: not a regular file", what, path);
		return EPERM;
	}
	if (st.st_uid != geteuid()) {
		xc_log("%s %s: refused: owned by uid %lu, not by us (uid %lu)",
		       what, path, (unsigned long)st.st_uid,
		       (unsigned long)geteuid());
		return EPERM;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		xc_log("%s %s: refused: group or others may access it "
		       "(mode %03o); chmod 600 it",
		       what, path, (unsigned)(st.st_mode & 0777));
		return EPERM;
	}
	return 0;
}

/* The first line of PATH, newline stripped, in *PWP (malloc'd; wiped and
 * freed by the caller). */
int xc_password_read(const char *path, char **pwp)
{
	char buf[PASSWORD_MAX + 2];
	size_t n;
	FILE *f = NULL;
	char *pw;
	int err;

	err = xc_secret_file_check(path, "password file");
	if (err)
		goto out;
	f = fopen(path, "r");
	if (!f) {
		err = errno;
		xc_log("password file %s: %s", path, strerror(err));
		goto out;
	}
	if (!fgets(buf, sizeof(buf), f)) {
		err = EINVAL;
		xc_log("password file %s: empty", path);
		goto out;
	}
	n = strcspn(buf, "\r\n");
	if (n > PASSWORD_MAX || n == 0) {
		err = EINVAL;
		xc_log("password file %s: the first line is empty or longer "
		       "than %d bytes",
		       path, PASSWORD_MAX);
		goto out;
	}
	pw = strndup(buf, n);
	if (!pw) {
		err = ENOMEM;
		goto out;
	}
	*pwp = pw;
out:
	memset(buf, 0, sizeof(buf));
	if (f)
		fclose(f);
	return err;
}
