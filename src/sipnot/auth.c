/*
 * Who may subscribe: everyone, or the subscribers of an allow-list; who
 * may publish: the publishers listed (or everyone with "*"). The lists
 * are matched against the authenticated identity when there is one
 * (digest.c); only without authentication against the From header,
 * which the sender writes as it likes.
 * Entries are compared on scheme, user and host (scheme and host case
 * insensitively, the user part exactly, as RFC 3261 19.1.4 compares
 * them); port and parameters do not identify a subscriber.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sipnot.h"

static int normalise(const struct uri *uri, char **outp)
{
	size_t len = uri->scheme.l + 1 + uri->user.l + 1 + uri->host.l;
	char *s, *p;

	if (!uri->scheme.l || !uri->host.l)
		return EINVAL;
	s = malloc(len + 1);
	if (!s)
		return ENOMEM;
	p = s;
	for (size_t i = 0; i < uri->scheme.l; i++)
		*p++ = (char)tolower((unsigned char)uri->scheme.p[i]);
	*p++ = ':';
	memcpy(p, uri->user.p, uri->user.l);
	p += uri->user.l;
	*p++ = '@';
	for (size_t i = 0; i < uri->host.l; i++)
		*p++ = (char)tolower((unsigned char)uri->host.p[i]);
	*p = '\0';
	*outp = s;
	return 0;
}

int sipnot_uri_normalise(const char *text, char **outp)
{
	struct uri uri;
	struct pl pl;

	pl_set_str(&pl, text);
	if (uri_decode(&uri, &pl) || (pl_strcasecmp(&uri.scheme, "sip") &&
				      pl_strcasecmp(&uri.scheme, "sips")))
		return EINVAL;
	return normalise(&uri, outp);
}

int sipnot_uri_list_add(char ***listp, size_t *countp, const char *text)
{
	char **list, *norm = NULL;
	int err;

	err = sipnot_uri_normalise(text, &norm);
	if (err)
		return err;
	list = realloc(*listp, (*countp + 1) * sizeof(*list));
	if (!list) {
		free(norm);
		return ENOMEM;
	}
	list[(*countp)++] = norm;
	*listp = list;
	return 0;
}

bool sipnot_from_is(const struct sip_msg *msg, const char *identity)
{
	char *norm = NULL;
	bool same;

	if (normalise(&msg->from.uri, &norm))
		return false;
	same = !strcmp(norm, identity);
	free(norm);
	return same;
}

static bool listed(char *const *list, size_t count, const struct sip_msg *msg,
		   const char *identity)
{
	char *norm = NULL;
	bool ok = false;

	if (!identity) {
		if (normalise(&msg->from.uri, &norm))
			return false;
		identity = norm;
	}
	for (size_t i = 0; i < count && !ok; i++)
		ok = !strcmp(identity, list[i]);
	free(norm);
	return ok;
}

bool sipnot_allowed(const struct confinfo_notifier *n,
		    const struct sip_msg *msg, const char *identity)
{
	return !n->allow_count ||
	       listed(n->allow, n->allow_count, msg, identity);
}

bool sipnot_may_publish(const struct confinfo_notifier *n,
			const struct sip_msg *msg, const char *identity)
{
	return n->publish_any ||
	       listed(n->publishers, n->publisher_count, msg, identity);
}
