/*
 * Documents in files (xml.h): reading one within the body limit before
 * decoding it, and replacing a file with an encoded state atomically.
 * Above decode and encode in the module, calling only their public
 * functions.
 *
 * Reading is capped while it happens, not checked afterwards: the input
 * may be a pipe that never ends or a file that grows as it is read, so
 * the buffer is never allowed past the limit. A regular file is sized
 * first (fstat), so that one over the limit is refused without reading
 * it and a small one gets a buffer of its size, not of the limit (which
 * may be as large as the decoder reads, 2 GiB). Input of unknown size
 * starts at READ_CHUNK and doubles up to the limit. When the buffer is
 * full, a one-byte probe on the stack tells the end of the input from
 * more of it, so neither an input of exactly the limit nor one of
 * exactly its stat size needs a larger buffer to prove it ended.
 *
 * Writing goes to a temporary file beside the target, then rename(2)
 * replaces the target in one step: a reader (or a focus watching the
 * directory) sees the old document or the new one, never half of one.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "confinfo/xml.h"
#include "model/alloc.h"

/* First buffer for input of unknown size (a pipe); doubled up to the
 * limit. */
#define READ_CHUNK 16384

/* What has been read so far: @c len bytes of a @c cap byte buffer. */
struct input {
	char *buf;
	size_t len;
	size_t cap;
};

/* read(2), restarted when a signal interrupts it. */
static ssize_t read_some(int fd, void *p, size_t n)
{
	ssize_t r;

	do
		r = read(fd, p, n);
	while (r < 0 && errno == EINTR);
	return r;
}

/*
 * The buffer to start with, at most @p max: a regular file's size from
 * the current offset (EMSGSIZE when that is over @p max), READ_CHUNK for
 * anything else. 0 or the errno of fstat().
 */
static int first_cap(int fd, size_t max, size_t *capp)
{
	struct stat st;
	off_t pos;

	if (fstat(fd, &st))
		return errno;
	if (S_ISDIR(st.st_mode)) /* what read() would say, unallocated */
		return EISDIR;
	if (!S_ISREG(st.st_mode)) {
		*capp = max < READ_CHUNK ? max : READ_CHUNK;
		return 0;
	}
	pos = lseek(fd, 0, SEEK_CUR);
	if (pos < 0 || pos > st.st_size)
		pos = 0;
	if ((uintmax_t)(st.st_size - pos) > max)
		return EMSGSIZE;
	*capp = (size_t)(st.st_size - pos);
	return 0;
}

/* Make room for more than @p in->cap bytes, doubling, at most @p max. */
static int grow(struct input *in, size_t max)
{
	size_t ncap;
	char *nbuf;

	if (!in->cap)
		ncap = READ_CHUNK;
	else
		ncap = in->cap > max / 2 ? max : in->cap * 2;
	if (ncap > max)
		ncap = max;
	nbuf = ci_realloc(in->buf, ncap);
	if (!nbuf)
		return ENOMEM;
	in->buf = nbuf;
	in->cap = ncap;
	return 0;
}

/*
 * Read @p fd to its end into @p in, at most @p max bytes: EMSGSIZE as
 * soon as one byte more arrives. On failure @p in->buf is freed.
 */
static int read_capped(int fd, size_t max, struct input *in)
{
	ssize_t r = 0;
	int err = first_cap(fd, max, &in->cap);

	if (err)
		return err;
	if (in->cap) {
		in->buf = ci_malloc(in->cap);
		if (!in->buf)
			return ENOMEM;
	}
	for (;;) {
		char probe;

		if (in->len < in->cap) {
			r = read_some(fd, in->buf + in->len, in->cap - in->len);
			if (r <= 0)
				break;
			in->len += (size_t)r;
			continue;
		}
		/* Full: is there more? */
		r = read_some(fd, &probe, 1);
		if (r <= 0)
			break;
		if (in->cap == max) {
			err = EMSGSIZE;
			goto out;
		}
		err = grow(in, max);
		if (err)
			goto out;
		in->buf[in->len++] = probe;
	}
	/* The end of the input, or a failed read. */
	if (r < 0)
		err = errno ? errno : EIO;
out:
	if (err) {
		ci_free(in->buf);
		in->buf = NULL;
	}
	return err;
}

int confinfo_xml_read_fd(int fd, size_t max, char **bufp, size_t *lenp)
{
	struct input in = {0};
	int err;

	if (!bufp || !lenp)
		return EINVAL;
	err = read_capped(fd, max, &in);
	if (err)
		return err;
	*bufp = in.buf;
	*lenp = in.len;
	return 0;
}

int confinfo_xml_decode_fd(struct confinfo_conf **confp, int fd,
			   const struct confinfo_xml_limits *lim,
			   struct confinfo_diag *diag)
{
	struct confinfo_xml_limits full;
	struct input in = {0};
	int err;

	if (!confp)
		return confinfo_diag_fail(diag, EINVAL, 0, 0,
					  "decode: no state to fill");
	/* The limit the decoder will apply, so that what is read is what
	 * it takes. */
	confinfo_xml_limits_fill(&full, lim);
	if (full.max_body > INT_MAX)
		full.max_body = INT_MAX;
	err = read_capped(fd, full.max_body, &in);
	if (err == EMSGSIZE) {
		if (diag && !diag->err)
			diag->limit = "max_body";
		return confinfo_diag_fail(diag, err, 0, 0,
					  "larger than %zu bytes, the size "
					  "limit of a document",
					  full.max_body);
	}
	if (err)
		return confinfo_diag_fail(diag, err, 0, 0, "%s", strerror(err));
	/* An empty input leaves no buffer; the decoder wants a pointer
	 * (and refuses the empty document itself). */
	err =
	    confinfo_xml_decode(confp, in.buf ? in.buf : "", in.len, lim, diag);
	ci_free(in.buf);
	return err;
}

int confinfo_xml_decode_file(struct confinfo_conf **confp, const char *path,
			     const struct confinfo_xml_limits *lim,
			     struct confinfo_diag *diag)
{
	int fd, err;

	if (!path)
		return confinfo_diag_fail(diag, EINVAL, 0, 0,
					  "decode: no file given");
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		err = errno;
		return confinfo_diag_fail(diag, err, 0, 0, "%s", strerror(err));
	}
	err = confinfo_xml_decode_fd(confp, fd, lim, diag);
	close(fd);
	return err;
}

/* ---------------------------------------------------------------------
 * Writing.
 * ------------------------------------------------------------------- */

/*
 * Create a new temporary file for @p path beside it: *tmpp (ci_malloc'd)
 * names it and *fdp is open for writing. PATH.PID.N.tmp is unique among
 * the processes alive (N counts the calls of this one); O_EXCL makes
 * sure that a name left by a process that died is never written into,
 * and the next N is tried instead.
 */
static int temp_open(const char *path, char **tmpp, int *fdp)
{
	static atomic_uint counter;
	size_t size = strlen(path) + 48;
	char *tmp = ci_malloc(size);
	int err = EEXIST;

	if (!tmp)
		return ENOMEM;
	for (int tries = 0; tries < 100 && err == EEXIST; tries++) {
		int fd;

		(void)snprintf(tmp, size, "%s.%ld.%u.tmp", path, (long)getpid(),
			       atomic_fetch_add(&counter, 1));
		fd = open(tmp,
			  O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY,
			  0666);
		if (fd >= 0) {
			*tmpp = tmp;
			*fdp = fd;
			return 0;
		}
		err = errno;
	}
	ci_free(tmp);
	return err;
}

/* write(2) all of @p len bytes at @p p. */
static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return errno;
		if (w == 0) /* a regular file does not, but never loop */
			return EIO;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int confinfo_xml_encode_file(const char *path, const struct confinfo_conf *conf)
{
	char *xml = NULL, *tmp = NULL;
	size_t len = 0;
	int fd = -1, err;

	if (!path || !conf)
		return EINVAL;
	err = confinfo_xml_encode(&xml, &len, conf);
	if (err)
		return err;
	err = temp_open(path, &tmp, &fd);
	if (err)
		goto out;
	err = write_all(fd, xml, len);
	/* Some file systems (NFS) report a failed write only here. Linux
	 * releases the descriptor even when close() says EINTR. */
	if (close(fd) && errno != EINTR && !err)
		err = errno;
	if (!err && rename(tmp, path))
		err = errno;
	if (err)
		(void)unlink(tmp);
out:
	ci_free(tmp);
	free(xml); /* confinfo_xml_encode()'s, malloc'd */
	return err;
}
