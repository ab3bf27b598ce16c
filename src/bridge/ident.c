/*
 * Who an occupant is (chat-bridge.md "Identity"). Only the bare real JID
 * the room shows in item@jid counts: a nick, a vCard or a display name
 * is whatever the occupant typed, so "Alice" in the room is nobody until
 * her JID says otherwise. The JID maps to a user the conference state
 * already lists, never to a new one: chat-only occupants are not
 * participants of the call.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bridge_int.h"

int bridge_bare_jid(char *out, size_t size, const char *jid)
{
	size_t n, i;
	const char *at, *slash;

	if (!jid || !*jid)
		return EINVAL;
	slash = strchr(jid, '/');
	n = slash ? (size_t)(slash - jid) : strlen(jid);
	at = memchr(jid, '@', n);
	/* A room JID has a localpart; so must an account. */
	if (!n || n >= size || !at || at == jid || at + 1 == jid + n)
		return EINVAL;
	for (i = 0; i < n; i++) {
		char c = jid[i];

		out[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
	}
	out[n] = '\0';
	return 0;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct bridge_map_entry *x = a, *y = b;

	return strcmp(x->jid, y->jid);
}

static int map_add(struct bridge_ident *id, const char *jid, const char *aor,
		   size_t *cap)
{
	struct bridge_map_entry *e;

	if (id->map_count == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		void *p = realloc(id->map, c * sizeof(*id->map));

		if (!p)
			return ENOMEM;
		id->map = p;
		*cap = c;
	}
	e = &id->map[id->map_count];
	e->jid = strdup(jid);
	e->aor = strdup(aor);
	if (!e->jid || !e->aor) {
		free(e->jid);
		free(e->aor);
		return ENOMEM;
	}
	id->map_count++;
	return 0;
}

/* One line: "bare-jid sip:aor", '#' comment, or blank. */
static int map_line(struct bridge_ident *id, char *line, const char *path,
		    unsigned lineno, size_t *cap, struct confinfo_diag *diag)
{
	char bare[BRIDGE_JID_MAX];
	char *jid, *aor, *rest, *save = NULL;

	line[strcspn(line, "#\r\n")] = '\0';
	jid = strtok_r(line, " \t", &save);
	if (!jid)
		return 0;
	aor = strtok_r(NULL, " \t", &save);
	rest = strtok_r(NULL, " \t", &save);
	if (!aor || rest)
		return confinfo_diag_fail(diag, EINVAL, lineno, 0,
					  "%s:%u: expected \"BARE-JID "
					  "SIP-AOR\"",
					  path, lineno);
	if (strchr(jid, '/') || bridge_bare_jid(bare, sizeof(bare), jid))
		return confinfo_diag_fail(diag, EINVAL, lineno, 0,
					  "%s:%u: '%s' is not a bare JID "
					  "(local@domain, no resource)",
					  path, lineno, jid);
	if (strncasecmp(aor, "sip:", 4) && strncasecmp(aor, "sips:", 5))
		return confinfo_diag_fail(diag, EINVAL, lineno, 0,
					  "%s:%u: '%s' is not a sip: or sips: "
					  "AOR",
					  path, lineno, aor);
	for (size_t i = 0; i < id->map_count; i++)
		if (!strcmp(id->map[i].jid, bare))
			return confinfo_diag_fail(diag, EINVAL, lineno, 0,
						  "%s:%u: %s is mapped twice",
						  path, lineno, bare);
	return map_add(id, bare, aor, cap);
}

int bridge_ident_load_map(struct bridge_ident *id, const char *path,
			  struct confinfo_diag *diag)
{
	char line[BRIDGE_MAP_LINE_MAX + 2];
	unsigned lineno = 0;
	size_t cap = id->map_count;
	int err = 0;
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return confinfo_diag_fail(diag, errno, 0, 0, "%s: %s", path,
					  strerror(errno));
	while (!err && fgets(line, sizeof(line), f)) {
		if (++lineno > BRIDGE_MAP_MAX_LINES) {
			err = confinfo_diag_fail(diag, EINVAL, lineno, 0,
						 "%s:%u: more than %u lines",
						 path, lineno,
						 BRIDGE_MAP_MAX_LINES);
			break;
		}
		if (!strchr(line, '\n') && !feof(f)) {
			err = confinfo_diag_fail(diag, EINVAL, lineno, 0,
						 "%s:%u: line longer than %u "
						 "bytes",
						 path, lineno,
						 BRIDGE_MAP_LINE_MAX);
			break;
		}
		err = map_line(id, line, path, lineno, &cap, diag);
	}
	if (!err && ferror(f))
		err =
		    confinfo_diag_fail(diag, EIO, 0, 0, "%s: read error", path);
	fclose(f);
	if (!err && id->map_count)
		qsort(id->map, id->map_count, sizeof(*id->map), entry_cmp);
	return err;
}

int bridge_ident_add_shared(struct bridge_ident *id, const char *domain)
{
	char **p = realloc(id->shared, (id->shared_count + 1) * sizeof(*p));
	char *d;

	if (!p)
		return ENOMEM;
	id->shared = p;
	d = strdup(domain);
	if (!d)
		return ENOMEM;
	for (char *c = d; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c + 32);
	id->shared[id->shared_count++] = d;
	return 0;
}

void bridge_ident_reset(struct bridge_ident *id)
{
	for (size_t i = 0; i < id->map_count; i++) {
		free(id->map[i].jid);
		free(id->map[i].aor);
	}
	for (size_t i = 0; i < id->shared_count; i++)
		free(id->shared[i]);
	free(id->map);
	free(id->shared);
	memset(id, 0, sizeof(*id));
}

static const char *map_lookup(const struct bridge_ident *id, const char *bare)
{
	struct bridge_map_entry key = {.jid = (char *)bare};
	const struct bridge_map_entry *e;

	if (!id->map_count)
		return NULL;
	e = bsearch(&key, id->map, id->map_count, sizeof(*id->map), entry_cmp);
	return e ? e->aor : NULL;
}

/* Whether @p u has @p uri as an associated AOR (case-insensitive scheme
 * and host would be kinder; byte equality is what RFC 4575 keys use). */
static bool has_aor(const struct confinfo_user *u, const char *uri)
{
	const struct confinfo_list *l;

	if (!u->associated_aors)
		return false;
	l = &u->associated_aors->entries;
	for (size_t i = 0; i < l->count; i++) {
		const char *k = confinfo_item_key(l->items[i]);

		if (k && !strcasecmp(k, uri))
			return true;
	}
	return false;
}

static const struct confinfo_user *user_by_aor(const struct confinfo_conf *conf,
					       const char *aor)
{
	const struct confinfo_list *l = &conf->users->users;
	const struct confinfo_user *u = confinfo_list_find(l, aor);

	for (size_t i = 0; !u && i < l->count; i++)
		if (has_aor(l->items[i], aor))
			u = l->items[i];
	return u;
}

const struct confinfo_user *bridge_ident_user(const struct bridge_ident *id,
					      const struct confinfo_conf *conf,
					      const char *bare)
{
	char uri[BRIDGE_JID_MAX + 8];
	const struct confinfo_list *l;
	const char *aor, *domain;

	if (!conf || !conf->users || !bare)
		return NULL;
	l = &conf->users->users;
	snprintf(uri, sizeof(uri), "xmpp:%s", bare);
	for (size_t i = 0; i < l->count; i++)
		if (has_aor(l->items[i], uri))
			return l->items[i];
	aor = map_lookup(id, bare);
	if (aor)
		return user_by_aor(conf, aor);
	domain = strchr(bare, '@') + 1;
	for (size_t i = 0; i < id->shared_count; i++) {
		if (strcmp(id->shared[i], domain))
			continue;
		snprintf(uri, sizeof(uri), "sip:%s", bare);
		return user_by_aor(conf, uri);
	}
	return NULL;
}

static size_t add_jid(char **out, size_t n, size_t max, const char *jid)
{
	char bare[BRIDGE_JID_MAX];

	if (n >= max || bridge_bare_jid(bare, sizeof(bare), jid))
		return n;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(out[i], bare))
			return n;
	out[n] = strdup(bare);
	return out[n] ? n + 1 : n;
}

size_t bridge_ident_jids(const struct bridge_ident *id,
			 const struct confinfo_user *u, char **out, size_t max)
{
	const struct confinfo_list *l;
	const char *e = u->entity;
	size_t n = 0;

	if (u->associated_aors) {
		l = &u->associated_aors->entries;
		for (size_t i = 0; i < l->count; i++) {
			const char *k = confinfo_item_key(l->items[i]);

			if (k && !strncasecmp(k, "xmpp:", 5))
				n = add_jid(out, n, max, k + 5);
		}
	}
	for (size_t i = 0; i < id->map_count; i++)
		if (!strcasecmp(id->map[i].aor, e) ||
		    has_aor(u, id->map[i].aor))
			n = add_jid(out, n, max, id->map[i].jid);
	if (e && !strncasecmp(e, "sip:", 4) && strchr(e, '@')) {
		const char *domain = strchr(e, '@') + 1;

		for (size_t i = 0; i < id->shared_count; i++)
			if (!strcasecmp(id->shared[i], domain))
				n = add_jid(out, n, max, e + 4);
	}
	return n;
}
