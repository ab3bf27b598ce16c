/*
 * Directory source: one NAME.xml per conference, watched with inotify.
 *
 * Only completed writes are read: IN_CLOSE_WRITE (a writer closed the
 * file) and IN_MOVED_TO (a file renamed into the directory, the atomic
 * way to publish). A document that does not decode (within the
 * notifier's decoder limits) is reported with its line and column and the
 * conference keeps its previous state, so a half-edited file never
 * reaches subscribers.
 */
#define _DEFAULT_SOURCE /* DT_* of readdir */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "confinfo/xml.h"
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

/* Report a failure of @p file: @p diag carries everything the callback
 * gets (a decoder's diagnostics, or one built by report()). */
static void report_diag(struct confinfo_dirsrc *d, const char *file,
			struct confinfo_diag *diag, int err)
{
	if (!d->errh)
		return;
	/* The callback is promised a message. */
	if (!diag->message[0])
		(void)snprintf(diag->message, sizeof(diag->message), "%s",
			       strerror(err ? err : EINVAL));
	if (!diag->err)
		diag->err = err;
	d->errh(file, diag, d->arg);
}

/* Report a failure without a position: errno @p err, limit @p limit
 * (NULL when none refused the file), message @p fmt. */
static void report(struct confinfo_dirsrc *d, const char *file, int err,
		   const char *limit, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void report(struct confinfo_dirsrc *d, const char *file, int err,
		   const char *limit, const char *fmt, ...)
{
	struct confinfo_diag diag;
	va_list ap;

	memset(&diag, 0, sizeof(diag));
	diag.err = err;
	diag.limit = limit;
	va_start(ap, fmt);
	(void)vsnprintf(diag.message, sizeof(diag.message), fmt, ap);
	va_end(ap);
	report_diag(d, file, &diag, err);
}

/* The conference name of a directory entry, or false if the entry is not
 * a conference document. */
static bool entry_name(const char *fname, char *name, size_t size)
{
	size_t len = strlen(fname);

	if (len <= SUFFIX_LEN || strcmp(fname + len - SUFFIX_LEN, SUFFIX))
		return false;
	len -= SUFFIX_LEN;
	if (len >= size || !sipnot_name_valid(fname, len))
		return false;
	memcpy(name, fname, len);
	name[len] = '\0';
	return true;
}

/*
 * Open the conference file @p path for reading: a regular file only. A
 * FIFO or a device in the directory could block the event loop or never
 * end; O_NONBLOCK keeps the open itself from waiting for a FIFO's writer.
 */
static int open_regular(const char *path, int *fdp)
{
	struct stat st;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return errno;
	if (fstat(fd, &st)) {
		err = errno;
		close(fd);
		return err;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return EINVAL;
	}
	*fdp = fd;
	return 0;
}

static void load(struct confinfo_dirsrc *d, const char *fname)
{
	const struct confinfo_xml_limits *lim = &d->n->limits;
	struct confinfo_diag diag;
	struct confinfo_conf *conf = NULL;
	char name[CONFINFO_NOTIFIER_NAME_MAX + 1];
	char path[4096];
	int fd = -1, err;

	if (!entry_name(fname, name, sizeof(name))) {
		size_t flen = strlen(fname);

		/* A document nobody can subscribe to: say so. */
		if (fname[0] != '.' && flen > SUFFIX_LEN &&
		    !strcmp(fname + flen - SUFFIX_LEN, SUFFIX))
			report(d, fname, EINVAL, NULL,
			       "ignored: the name is not a conference name "
			       "(letters, digits, -._~+, at most %d bytes)",
			       CONFINFO_NOTIFIER_NAME_MAX);
		return;
	}
	if (snprintf(path, sizeof(path), "%s/%s", d->dir, fname) >=
	    (int)sizeof(path))
		return;
	err = open_regular(path, &fd);
	if (err) {
		if (err != ENOENT) /* gone again: the delete event follows */
			report(d, path, err, NULL, "%s", strerror(err));
		return;
	}
	/* Within the size limit while it is read: a file over it is
	 * refused unread, as the decoder would refuse it, and named by the
	 * decoder's name for the limit ("max_body"). */
	memset(&diag, 0, sizeof(diag));
	err = confinfo_xml_decode_fd(&conf, fd, lim, &diag);
	close(fd);
	if (err) {
		report_diag(d, path, &diag, err);
		return;
	}
	if (confinfo_state_effective(conf->state) != CONFINFO_STATE_FULL) {
		report(d, path, EINVAL, NULL,
		       "not a full state (state=\"%s\"): a conference file "
		       "holds the whole conference",
		       confinfo_state_str(conf->state));
		goto out;
	}
	err = confinfo_notifier_set_conf(d->n, name, conf, "dir");
	if (err)
		report(d, path, err, NULL, "not served: %s", strerror(err));
out:
	confinfo_conf_free(conf);
}

static void unload(struct confinfo_dirsrc *d, const char *fname)
{
	char name[CONFINFO_NOTIFIER_NAME_MAX + 1];

	if (!entry_name(fname, name, sizeof(name)))
		return;
	/* A conference fed by PUBLISH is not the directory's to remove;
	 * it only loses the file it would fall back to. */
	sipnot_conf_source_gone(d->n, name, "dir");
}

static void scan(struct confinfo_dirsrc *d)
{
	struct dirent *e;
	DIR *dir = opendir(d->dir);

	if (!dir) {
		report(d, d->dir, errno, NULL, "%s", strerror(errno));
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
	gone = calloc(n->nconfs, sizeof(*gone));
	if (!gone)
		return;
	for (uint32_t b = 0; b < hash_bsize(n->confs); b++) {
		struct list *l = hash_list(n->confs, b);

		for (struct le *le = l->head; le; le = le->next) {
			struct sipnot_conf *conf = le->data;
			struct stat st;

			if (!conf->source || strcmp(conf->source, "dir") ||
			    count == n->nconfs)
				continue;
			(void)snprintf(path, sizeof(path), "%s/%s" SUFFIX,
				       d->dir, conf->name);
			if (stat(path, &st) && errno == ENOENT)
				gone[count++] = strdup(conf->name);
		}
	}
	for (size_t i = 0; i < count; i++) {
		if (gone[i])
			(void)confinfo_notifier_remove_conf(n, gone[i]);
		free(gone[i]);
	}
	free(gone);
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
				report(d, d->dir, ENOENT, NULL,
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
	d = calloc(1, sizeof(*d));
	if (!d)
		return ENOMEM;
	d->fd = -1;
	d->n = n;
	d->errh = errh;
	d->arg = arg;
	d->dir = strdup(dir);
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
	free(d->dir);
	free(d);
}
