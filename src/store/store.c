/*
 * store.h over its backends (backend.h): picks SQLite or PostgreSQL from
 * the form of the string it is opened with, encodes states to XML before
 * they are written and decodes what is read, so that both backends store
 * the same text and every state read goes through the hardened decoder
 * (a damaged row cannot feed the focus what the network could not).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "confinfo/xml.h"

struct confinfo_store {
	const struct store_ops *ops;
	struct store_backend *b;
};

/* A PostgreSQL connection string: a URI, or a conninfo (key=value words).
 * A file path with '=' in it is taken for a conninfo only when it also
 * has no '/': "./a=b.db" stays a file. */
bool confinfo_store_is_shared(const char *where)
{
	if (!where)
		return false;
	if (!strncmp(where, "postgresql://", 13) ||
	    !strncmp(where, "postgres://", 11))
		return true;
	return strchr(where, '=') && !strchr(where, '/');
}

static const struct store_ops *pg_ops(void)
{
#ifdef CONFINFO_STORE_PG
	return &store_pg_ops;
#else
	return NULL;
#endif
}

int confinfo_store_open(struct confinfo_store **sp, const char *path,
			struct confinfo_diag *diag)
{
	struct confinfo_store *s;
	int err;

	if (!sp || !path || !*path)
		return EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return ENOMEM;
	s->ops = &store_sqlite_ops;
	if (confinfo_store_is_shared(path))
		s->ops = pg_ops();
	if (s->ops)
		err = s->ops->open(&s->b, path, diag);
	else
		err = confinfo_diag_fail(diag, ENOTSUP, 0, 0,
					 "state store: this confinfo was "
					 "built without PostgreSQL (libpq)");
	if (err)
		free(s);
	else
		*sp = s;
	return err;
}

void confinfo_store_close(struct confinfo_store *s)
{
	if (!s)
		return;
	s->ops->close(s->b);
	free(s);
}

int confinfo_store_save(struct confinfo_store *s, const char *name,
			const struct confinfo_conf *state, const char *source,
			uint64_t *versionp, struct confinfo_diag *diag)
{
	char *xml = NULL;
	size_t len = 0;
	uint64_t version = 0;
	int err;

	if (!s || !name || !*name || (state && !source))
		return EINVAL;
	if (state) {
		err = confinfo_xml_encode(&xml, &len, state);
		if (err)
			return err;
	}
	err = s->ops->save(s->b, name, xml, len, source, &version, diag);
	free(xml);
	if (!err && versionp)
		*versionp = version;
	return err;
}

int confinfo_store_put(struct confinfo_store *s, const char *name,
		       const struct confinfo_conf *state, const char *source,
		       struct confinfo_diag *diag)
{
	if (!state)
		return EINVAL;
	return confinfo_store_save(s, name, state, source, NULL, diag);
}

int confinfo_store_remove(struct confinfo_store *s, const char *name,
			  struct confinfo_diag *diag)
{
	return confinfo_store_save(s, name, NULL, NULL, NULL, diag);
}

/* Decoding the rows a backend reads. */
struct rows {
	const struct confinfo_xml_limits *limits;
	confinfo_store_each_version_h *h;
	confinfo_store_each_h *plain;
	void *arg;
	struct confinfo_diag *diag;
	bool one; /* get: a row that does not decode is an error */
};

static int row_decoded(const char *name, const char *source, const char *xml,
		       size_t len, uint64_t version, void *arg)
{
	struct rows *r = arg;
	struct confinfo_conf *conf = NULL;
	struct confinfo_diag d;
	int err;

	memset(&d, 0, sizeof(d));
	/* The limits the state was accepted under: the defaults would drop,
	 * at every restart, a state the focus was configured to serve. */
	err = confinfo_xml_decode(&conf, xml, len, r->limits, &d);
	if (err == ENOMEM)
		return ENOMEM;
	if (err) {
		if (r->one)
			return confinfo_diag_fail(
			    r->diag, EBADMSG, d.line, d.column,
			    "state store: conference %s: %s", name,
			    d.message[0] ? d.message : strerror(err));
		confinfo_diag_warn(r->diag, 0, 0,
				   "state store: conference %s skipped: "
				   "%d:%d: %s",
				   name, d.line, d.column,
				   d.message[0] ? d.message : strerror(err));
		return 0;
	}
	if (r->plain)
		return r->plain(name, conf, source, r->arg);
	return r->h(name, conf, source, version, r->arg);
}

int confinfo_store_scan(struct confinfo_store *s,
			const struct confinfo_xml_limits *limits,
			confinfo_store_each_version_h *h, void *arg,
			struct confinfo_diag *diag)
{
	struct rows r = {limits, h, NULL, arg, diag, false};

	if (!s || !h)
		return EINVAL;
	return s->ops->scan(s->b, row_decoded, &r, diag);
}

int confinfo_store_load(struct confinfo_store *s,
			const struct confinfo_xml_limits *limits,
			confinfo_store_each_h *h, void *arg,
			struct confinfo_diag *diag)
{
	struct rows r = {limits, NULL, h, arg, diag, false};

	if (!s || !h)
		return EINVAL;
	return s->ops->scan(s->b, row_decoded, &r, diag);
}

int confinfo_store_get(struct confinfo_store *s, const char *name,
		       const struct confinfo_xml_limits *limits,
		       confinfo_store_each_version_h *h, void *arg,
		       struct confinfo_diag *diag)
{
	struct rows r = {limits, h, NULL, arg, diag, true};

	if (!s || !name || !h)
		return EINVAL;
	if (!s->ops->get)
		return ENOTSUP;
	return s->ops->get(s->b, name, row_decoded, &r, diag);
}

int confinfo_store_fd(const struct confinfo_store *s)
{
	return s && s->ops->fd ? s->ops->fd(s->b) : -1;
}

int confinfo_store_poll(struct confinfo_store *s, confinfo_store_changed_h *h,
			void *arg, struct confinfo_diag *diag)
{
	if (!s || !h)
		return EINVAL;
	return s->ops->poll ? s->ops->poll(s->b, h, arg, diag) : 0;
}

int confinfo_store_reconnect(struct confinfo_store *s, bool *writep,
			     struct confinfo_diag *diag)
{
	bool write = false;
	int err;

	if (!s)
		return EINVAL;
	if (!s->ops->reconnect)
		return 0;
	err = s->ops->reconnect(s->b, &write, diag);
	if (err == EINPROGRESS && writep)
		*writep = write;
	return err;
}
