/*
 * confinfo focus --view-policy: load the policy, then poll the file's
 * identity (inode, size, modification and change times) twice a second.
 * Polling rather than inotify: editors and deployment tools replace the
 * file by rename, which an inotify watch on the file itself misses, and a
 * watch on its directory would fire for every unrelated file there. A
 * changed file is parsed whole before the notifier sees it, so a bad file
 * (or one caught half written) keeps the policy in force; the next change
 * is tried again.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <re.h>

#include "confinfo/policy.h"
#include "focus_log.h"
#include "focus_views.h"

#define FOCUS_VIEWS_POLL_MS 500

struct focus_views {
	struct confinfo_notifier *n;
	char *path;
	struct stat st; /* of the last file tried */
	bool have_st;
	bool report; /* errors and log lines */
	struct tmr tmr;
};

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev &&
	       a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	       a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* `view-policy file="PATH" result=loaded|error` (the path quoted: the
 * operator chose it, and it may hold spaces). */
static void log_result(const char *path, const char *result)
{
	fputs("view-policy", stdout);
	focus_log_quoted("file", path);
	focus_log_kv("result", result);
	putchar('\n');
	fflush(stdout);
}

static int load(struct focus_views *v)
{
	struct confinfo_view_policy *p = NULL;
	struct confinfo_diag diag;
	int err;

	memset(&diag, 0, sizeof(diag));
	err = confinfo_view_policy_load(&p, v->path, &diag);
	if (err && !v->report)
		return err;
	if (err) {
		if (diag.line)
			fprintf(stderr, "confinfo focus: %s:%u: %s\n", v->path,
				diag.line, diag.message);
		else
			fprintf(stderr, "confinfo focus: %s: %s\n", v->path,
				diag.message[0] ? diag.message : strerror(err));
		log_result(v->path, "error");
		return err;
	}
	(void)confinfo_notifier_set_view_policy(v->n, p);
	if (v->report)
		log_result(v->path, "loaded");
	return 0;
}

static void poll_handler(void *arg)
{
	struct focus_views *v = arg;
	struct stat st;

	tmr_start(&v->tmr, FOCUS_VIEWS_POLL_MS, poll_handler, v);
	/* A missing file (being replaced) keeps the policy in force. */
	if (stat(v->path, &st))
		return;
	if (v->have_st && same_file(&st, &v->st))
		return;
	v->st = st;
	v->have_st = true;
	(void)load(v);
}

int focus_views_open(struct focus_views **vp, struct confinfo_notifier *n,
		     const char *path, bool report)
{
	struct focus_views *v = calloc(1, sizeof(*v));
	int err;

	if (!v)
		return ENOMEM;
	v->n = n;
	v->report = report;
	tmr_init(&v->tmr);
	v->path = strdup(path);
	if (!v->path) {
		free(v);
		return ENOMEM;
	}
	v->have_st = !stat(path, &v->st);
	err = load(v);
	if (err) {
		focus_views_close(v);
		return err;
	}
	tmr_start(&v->tmr, FOCUS_VIEWS_POLL_MS, poll_handler, v);
	*vp = v;
	return 0;
}

void focus_views_close(struct focus_views *v)
{
	if (!v)
		return;
	tmr_cancel(&v->tmr);
	free(v->path);
	free(v);
}

int focus_views_read_key(const char *path, uint8_t *buf, size_t *lenp)
{
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = 0;

	if (fd < 0) {
		err = errno;
		fprintf(stderr, "confinfo focus: %s: %s\n", path,
			strerror(err));
		return err;
	}
	/* One byte more than allowed tells a too long file. */
	do
		r = read(fd, buf, FOCUS_VIEWS_KEY_MAX);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		err = errno;
	else if (r == 0 || r == FOCUS_VIEWS_KEY_MAX)
		err = EINVAL;
	close(fd);
	if (err) {
		fprintf(stderr, "confinfo focus: %s: %s\n", path,
			err == EINVAL ? "a key file holds 1 to 4095 bytes"
				      : strerror(err));
		return err;
	}
	*lenp = (size_t)r;
	return 0;
}
