/*
 * Directory source: one NAME.xml per conference, watched with inotify.
 *
 * Only completed writes are read: IN_CLOSE_WRITE (a writer closed the
 * file) and IN_MOVED_TO (a file renamed into the directory, the atomic
 * way to publish). A document that does not decode is reported with its
 * line and column and the conference keeps its previous state, so a
 * half-edited file never reaches subscribers.
 */
#define _DEFAULT_SOURCE /* DT_* of readdir */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "confinfo/xml.h"
#include "model/alloc.h"
#include "sipnot.h"

#define SUFFIX     ".xml"
#define SUFFIX_LEN 4
#define WATCH_MASK                                                             \
	(IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM |            \
	 IN_DELETE_SELF | IN_MOVE_SELF)

struct confinfo_dirsrc {
	struct confinfo_notifier *n;
	char *dir;
	int fd;
	confinfo_dirsrc_error_h *errh;
	void *arg;
};

static void report(struct confinfo_dirsrc *d, const char *file, unsigned line,
		   unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void report(struct confinfo_dirsrc *d, const char *file, unsigned line,
		   unsigned col, const char *fmt, ...)
{
	char msg[CONFINFO_DIAG_MSG_SIZE + 64];
	va_list ap;

	if (!d->errh)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	d->errh(file, line, col, msg, d->arg);
}

/* The conference name of a directory entry, or false if the entry is not
 * a conference document. */
static bool entry_name(const char *fname, char *name, size_t size)
{
	size_t len = strlen(fname);

	if (len <= SUFFIX_LEN || strcmp(fname + len - SUFFIX_LEN, SUFFIX))
		return false;
	len -= SUFFIX_LEN;
	if (len >= size || !ci_name_valid(fname, len))
		return false;
	memcpy(name, fname, len);
	name[len] = '\0';
	return true;
}

static int read_file(struct confinfo_dirsrc *d, const char *path, char **bufp,
		     size_t *lenp)
{
	size_t max = d->n->cfg.max_body, len = 0;
	struct stat st;
	char *buf = NULL;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return errno;
	if (fstat(fd, &st)) {
		err = errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err = EINVAL;
		goto out;
	}
	if ((uintmax_t)st.st_size > max) {
		err = EMSGSIZE;
		goto out;
	}
	/* One byte more than allowed, to notice a file that grew. */
	buf = ci_malloc(max + 1);
	if (!buf) {
		err = ENOMEM;
		goto out;
	}
	for (;;) {
		ssize_t r = read(fd, buf + len, max + 1 - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = errno;
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > max) {
			err = EMSGSIZE;
			goto out;
		}
	}
out:
	close(fd);
	if (err) {
		ci_free(buf);
		return err;
	}
	*bufp = buf;
	*lenp = len;
	return 0;
}

static void load(struct confinfo_dirsrc *d, const char *fname)
{
	struct confinfo_xml_limits lim;
	struct confinfo_diag diag;
	struct confinfo_conf *conf = NULL;
	char name[CONFINFO_NOTIFIER_NAME_MAX + 1];
	char path[4096], *buf = NULL;
	size_t len = 0;
	int err;

	if (!entry_name(fname, name, sizeof(name))) {
		size_t flen = strlen(fname);

		/* A document nobody can subscribe to: say so. */
		if (fname[0] != '.' && flen > SUFFIX_LEN &&
		    !strcmp(fname + flen - SUFFIX_LEN, SUFFIX))
			report(d, fname, 0, 0,
			       "ignored: the name is not a conference name "
			       "(letters, digits, -._~+, at most %d bytes)",
			       CONFINFO_NOTIFIER_NAME_MAX);
		return;
	}
	if (snprintf(path, sizeof(path), "%s/%s", d->dir, fname) >=
	    (int)sizeof(path))
		return;
	err = read_file(d, path, &buf, &len);
	if (err) {
		if (err == EMSGSIZE)
			report(d, path, 0, 0, "larger than %zu bytes",
			       d->n->cfg.max_body);
		else if (err != ENOENT) /* gone again: the delete event
					   follows */
			report(d, path, 0, 0, "%s", strerror(err));
		return;
	}
	memset(&diag, 0, sizeof(diag));
	memset(&lim, 0, sizeof(lim));
	lim.max_body = d->n->cfg.max_body;
	err = confinfo_xml_decode(&conf, buf, len, &lim, &diag);
	ci_free(buf);
	if (err) {
		report(d, path, diag.line, diag.column, "%s",
		       diag.message[0] ? diag.message : strerror(err));
		return;
	}
	if (confinfo_state_effective(conf->state) != CONFINFO_STATE_FULL) {
		report(d, path, 0, 0,
		       "not a full state (state=\"%s\"): a conference file "
		       "holds the whole conference",
		       confinfo_state_str(conf->state));
		goto out;
	}
	err = confinfo_notifier_set_conf(d->n, name, conf, "dir");
	if (err)
		report(d, path, 0, 0, "not served: %s", strerror(err));
out:
	confinfo_conf_free(conf);
}

static void unload(struct confinfo_dirsrc *d, const char *fname)
{
	char name[CONFINFO_NOTIFIER_NAME_MAX + 1];
	const char *source;

	if (!entry_name(fname, name, sizeof(name)))
		return;
	/* A conference fed by PUBLISH is not the directory's to remove. */
	source = confinfo_notifier_conf_source(d->n, name);
	if (source && !strcmp(source, "dir"))
		(void)confinfo_notifier_remove_conf(d->n, name);
}

static void scan(struct confinfo_dirsrc *d)
{
	struct dirent *e;
	DIR *dir = opendir(d->dir);

	if (!dir) {
		report(d, d->dir, 0, 0, "%s", strerror(errno));
		return;
	}
	while ((e = readdir(dir)) != NULL) {
		if (e->d_type != DT_REG && e->d_type != DT_LNK &&
		    e->d_type != DT_UNKNOWN)
			continue;
		load(d, e->d_name);
	}
	closedir(dir);
}

/* Conferences the directory owned (loaded from a store, say) whose file
 * is gone. Names are collected first: removing edits the table. */
static void prune(struct confinfo_dirsrc *d)
{
	struct confinfo_notifier *n = d->n;
	char path[4096], **gone;
	size_t count = 0;

	if (!n->nconfs)
		return;
	gone = ci_calloc(n->nconfs, sizeof(*gone));
	if (!gone)
		return;
	for (uint32_t b = 0; b < hash_bsize(n->confs); b++) {
		struct list *l = hash_list(n->confs, b);

		for (struct le *le = l->head; le; le = le->next) {
			struct ci_conf *conf = le->data;
			struct stat st;

			if (!conf->source || strcmp(conf->source, "dir") ||
			    count == n->nconfs)
				continue;
			(void)snprintf(path, sizeof(path), "%s/%s" SUFFIX,
				       d->dir, conf->name);
			if (stat(path, &st) && errno == ENOENT)
				gone[count++] = ci_strdup(conf->name);
		}
	}
	for (size_t i = 0; i < count; i++) {
		if (gone[i])
			(void)confinfo_notifier_remove_conf(n, gone[i]);
		ci_free(gone[i]);
	}
	ci_free(gone);
}

static void inotify_handler(int flags, void *arg)
{
	struct confinfo_dirsrc *d = arg;
	char buf[16384]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	bool rescan = false;
	(void)flags;

	for (;;) {
		ssize_t len = read(d->fd, buf, sizeof(buf));

		if (len < 0 && errno == EINTR)
			continue;
		if (len <= 0)
			break;
		for (char *p = buf; p < buf + len;) {
			const struct inotify_event *ev = (const void *)p;

			p += sizeof(*ev) + ev->len;
			if (ev->mask & IN_Q_OVERFLOW) {
				rescan = true;
				continue;
			}
			if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
				report(d, d->dir, 0, 0,
				       "directory removed or moved: no "
				       "more updates");
				continue;
			}
			if (!ev->len || (ev->mask & IN_ISDIR))
				continue;
			if (ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO))
				load(d, ev->name);
			else if (ev->mask & (IN_DELETE | IN_MOVED_FROM))
				unload(d, ev->name);
		}
	}
	if (rescan)
		scan(d);
}

int confinfo_dirsrc_open(struct confinfo_dirsrc **dp,
			 struct confinfo_notifier *n, const char *dir,
			 confinfo_dirsrc_error_h *errh, void *arg)
{
	struct confinfo_dirsrc *d;
	struct stat st;
	int err = 0;

	if (!dp || !n || !dir)
		return EINVAL;
	if (stat(dir, &st))
		return errno;
	if (!S_ISDIR(st.st_mode))
		return ENOTDIR;
	d = ci_calloc(1, sizeof(*d));
	if (!d)
		return ENOMEM;
	d->fd = -1;
	d->n = n;
	d->errh = errh;
	d->arg = arg;
	d->dir = ci_strdup(dir);
	if (!d->dir) {
		err = ENOMEM;
		goto out;
	}
	/* Watch first, then scan: a file written in between is seen at
	 * least once. */
	d->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (d->fd < 0) {
		err = errno;
		goto out;
	}
	if (inotify_add_watch(d->fd, dir, WATCH_MASK | IN_ONLYDIR) < 0) {
		err = errno;
		goto out;
	}
	err = fd_listen(d->fd, FD_READ, inotify_handler, d);
	if (err)
		goto out;
	scan(d);
	prune(d);
out:
	if (err)
		confinfo_dirsrc_close(d);
	else
		*dp = d;
	return err;
}

void confinfo_dirsrc_close(struct confinfo_dirsrc *d)
{
	if (!d)
		return;
	if (d->fd >= 0) {
		fd_close(d->fd);
		close(d->fd);
	}
	ci_free(d->dir);
	ci_free(d);
}
