/*
 * Documents in files (xml.h): confinfo_xml_decode_file() and _fd() read
 * within max_body, whatever the input is (a file at the limit or one byte
 * over, empty, missing, unreadable, a directory, a FIFO, an endless
 * device), and never allocate much beyond the limit: the address space
 * the test leaves them (RLIMIT_DATA) would make a larger buffer fail with
 * ENOMEM. confinfo_xml_encode_file() replaces a file atomically and
 * leaves nothing behind when it fails.
 */
#define _GNU_SOURCE /* mallopt() */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "confinfo/xml.h"
#include "model/alloc.h"
#include "testutil.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

#define DOC                                                                    \
	"<conference-info xmlns='urn:ietf:params:xml:ns:conference-info' "     \
	"entity='sip:conf@example.com' state='full' version='3'>"              \
	"<users><user entity='sip:alice@example.com'/></users>"                \
	"</conference-info>"
#define DOC_LEN (sizeof(DOC) - 1)

static char dir[] = "/tmp/confinfo-xmlfile-XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return rmdir(dir);
}

#define PATH_SIZE 256

/* dir/NAME, written to @p buf (PATH_SIZE bytes). */
static const char *in_dir(char *buf, const char *name)
{
	snprintf(buf, PATH_SIZE, "%s/%s", dir, name);
	return buf;
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* DOC followed by whitespace (XML's Misc*) to @p len bytes; free(). */
static char *padded_doc(size_t len)
{
	char *s = malloc(len);

	assert_non_null(s);
	assert_true(len >= DOC_LEN);
	memcpy(s, DOC, DOC_LEN);
	memset(s + DOC_LEN, '\n', len - DOC_LEN);
	return s;
}

/* Entries of the test directory (".", ".." left out). */
static int dir_entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

/* Decode @p path with max_body @p max: the errno, and the state freed. */
static int decode_path(const char *path, size_t max, struct confinfo_diag *diag)
{
	struct confinfo_xml_limits lim = {.max_body = max};
	struct confinfo_conf *conf = NULL;
	int err;

	memset(diag, 0, sizeof(*diag));
	err = confinfo_xml_decode_file(&conf, path, &lim, diag);
	if (err)
		assert_null(conf);
	else
		assert_non_null(conf);
	confinfo_conf_free(conf);
	return err;
}

static void assert_over(const struct confinfo_diag *d, size_t max)
{
	char want[96];

	snprintf(want, sizeof(want),
		 "larger than %zu bytes, the size limit of a document", max);
	assert_int_equal(d->err, EMSGSIZE);
	assert_non_null(d->limit);
	assert_string_equal(d->limit, "max_body");
	assert_string_equal(d->message, want);
	assert_int_equal(d->line, 0);
}

/* A file of exactly the limit is read; one byte less of limit refuses
 * it, unread. */
static void test_file_at_limit(void **state)
{
	char pbuf[PATH_SIZE];
	const char *path = in_dir(pbuf, "doc.xml");
	struct confinfo_diag d;

	(void)state;
	write_file(path, DOC, DOC_LEN);
	assert_int_equal(decode_path(path, DOC_LEN, &d), 0);
	assert_int_equal(decode_path(path, DOC_LEN + 1, &d), 0);
	assert_int_equal(decode_path(path, DOC_LEN - 1, &d), EMSGSIZE);
	assert_over(&d, DOC_LEN - 1);
	/* 0 is the default limit (1 MiB). */
	assert_int_equal(decode_path(path, 0, &d), 0);
	unlink(path);
}

/* confinfo_xml_read_fd(): the bytes as they are, within the limit; an
 * empty input is no buffer. */
static void test_read_fd(void **state)
{
	char pbuf[PATH_SIZE];
	const char *path = in_dir(pbuf, "raw.xml");
	char *buf = (char *)"untouched";
	size_t len = 7;
	int fd;

	(void)state;
	write_file(path, DOC, DOC_LEN);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(confinfo_xml_read_fd(fd, DOC_LEN, &buf, &len), 0);
	assert_int_equal(len, DOC_LEN);
	assert_memory_equal(buf, DOC, DOC_LEN);
	free(buf);
	buf = (char *)"untouched";
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(confinfo_xml_read_fd(fd, DOC_LEN - 1, &buf, &len),
			 EMSGSIZE);
	assert_string_equal(buf, "untouched"); /* written on success only */
	assert_int_equal(confinfo_xml_read_fd(fd, DOC_LEN, NULL, &len), EINVAL);
	close(fd);
	write_file(path, "", 0);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(confinfo_xml_read_fd(fd, DOC_LEN, &buf, &len), 0);
	assert_null(buf);
	assert_int_equal(len, 0);
	close(fd);
	unlink(path);
}

/* The descriptor is read from where it stands: what remains counts, not
 * the file's size. */
static void test_fd_offset(void **state)
{
	char pbuf[PATH_SIZE];
	const char *path = in_dir(pbuf, "doc.xml");
	struct confinfo_xml_limits lim = {.max_body = DOC_LEN};
	struct confinfo_conf *conf = NULL;
	char *buf = malloc(DOC_LEN + 5);
	int fd;

	(void)state;
	assert_non_null(buf);
	memcpy(buf, "JUNK", 4);
	memcpy(buf + 4, DOC, DOC_LEN);
	write_file(path, buf, DOC_LEN + 4);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(lseek(fd, 4, SEEK_SET), 4);
	assert_int_equal(confinfo_xml_decode_fd(&conf, fd, &lim, NULL), 0);
	assert_non_null(conf);
	assert_int_equal(conf->version.value, 3);
	confinfo_conf_free(conf);
	close(fd);
	unlink(path);
	free(buf);
}

static void test_empty_missing_unreadable(void **state)
{
	char pbuf[PATH_SIZE], other[PATH_SIZE];
	const char *path = in_dir(pbuf, "empty.xml");
	struct confinfo_conf *conf = NULL;
	struct confinfo_diag d;

	(void)state;
	write_file(path, "", 0);
	assert_int_equal(decode_path(path, 0, &d), EBADMSG);
	assert_string_equal(d.message, "empty document");

	assert_int_equal(decode_path(in_dir(other, "missing.xml"), 0, &d),
			 ENOENT);
	assert_string_equal(d.message, strerror(ENOENT));
	assert_null(d.limit);

	/* root reads whatever the mode says */
	if (geteuid() != 0) {
		write_file(path, DOC, DOC_LEN);
		assert_int_equal(chmod(path, 0), 0);
		assert_int_equal(decode_path(path, 0, &d), EACCES);
		assert_string_equal(d.message, strerror(EACCES));
	}
	unlink(path);

	assert_int_equal(decode_path(dir, 0, &d), EISDIR);
	assert_string_equal(d.message, strerror(EISDIR));

	assert_int_equal(confinfo_xml_decode_fd(&conf, -1, NULL, &d), EBADF);
	assert_int_equal(confinfo_xml_decode_file(&conf, NULL, NULL, NULL),
			 EINVAL);
	assert_int_equal(confinfo_xml_decode_file(NULL, dir, NULL, NULL),
			 EINVAL);
	assert_null(conf);
}

/* The child's side of decode_fifo(): @p len bytes of @p doc, or (@p len
 * 0) newlines without end, in writes of 1000 bytes. */
static void fifo_writer(const char *path, const char *doc, size_t len)
{
	static char nl[1000];
	int fd = open(path, O_WRONLY);
	size_t off = 0;

	signal(SIGPIPE, SIG_DFL);
	memset(nl, '\n', sizeof(nl));
	if (fd < 0)
		_exit(1);
	for (;;) {
		const char *p = nl;
		size_t n = sizeof(nl);

		if (len) {
			if (off == len)
				_exit(0);
			if (len - off < n)
				n = len - off;
			p = doc + off;
		}
		if (write(fd, p, n) != (ssize_t)n)
			_exit(1);
		off += n;
	}
}

/*
 * Decode a FIFO within @p max that a child feeds with @p len bytes of the
 * padded document, or (@p len 0) with newlines without end; the reader
 * sees short reads. Returns the errno.
 */
static int decode_fifo(size_t len, size_t max, struct confinfo_diag *d)
{
	char pbuf[PATH_SIZE];
	const char *path = in_dir(pbuf, "fifo");
	char *doc = padded_doc(len ? len : DOC_LEN);
	int status, err;
	pid_t pid;

	assert_int_equal(mkfifo(path, 0600), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		fifo_writer(path, doc, len);
	err = decode_path(path, max, d);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	/* The writer of an endless input ends on the closed pipe. */
	if (len)
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	else
		assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE);
	unlink(path);
	free(doc);
	return err;
}

/* Input of unknown size grows from 16 KiB; the limits hold all the same,
 * at sizes that are not a chunk's multiple. */
static void test_fifo(void **state)
{
	struct confinfo_diag d;

	(void)state;
	assert_int_equal(decode_fifo(DOC_LEN, DOC_LEN, &d), 0);
	assert_int_equal(decode_fifo(40000, 40000, &d), 0);
	assert_int_equal(decode_fifo(40001, 40000, &d), EMSGSIZE);
	assert_over(&d, 40000);
	assert_int_equal(decode_fifo(0, 100000, &d), EMSGSIZE);
	assert_over(&d, 100000);
}

/*
 * Run @p fn with @p slack bytes of address space to allocate from (on
 * top of what the process has now), with large blocks mapped on their
 * own (mmap) rather than carved from the heap, so that a block freed as
 * the buffer grows is given back at once instead of staying in the heap,
 * where it would count against the limit. Not under ASan, whose
 * allocator maps memory its own way: there @p fn runs unbounded.
 */
static int bounded(size_t slack, int (*fn)(void *), void *arg)
{
#ifdef UNDER_ASAN
	(void)slack;
	return fn(arg);
#else
	struct rlimit old, rl;
	unsigned long vmdata = 0;
	char line[128];
	FILE *f;
	int ret;

	assert_int_equal(mallopt(M_MMAP_THRESHOLD, 128 * 1024), 1);
	f = fopen("/proc/self/status", "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmData: %lu kB", &vmdata) == 1)
			break;
	fclose(f);
	assert_true(vmdata > 0);
	assert_int_equal(getrlimit(RLIMIT_DATA, &old), 0);
	rl = old;
	rl.rlim_cur = vmdata * 1024 + slack;
	assert_int_equal(setrlimit(RLIMIT_DATA, &rl), 0);
	ret = fn(arg);
	assert_int_equal(setrlimit(RLIMIT_DATA, &old), 0);
	return ret;
#endif
}

struct job {
	const char *path;
	size_t max;
	struct confinfo_diag diag;
};

static int run_decode(void *arg)
{
	struct job *j = arg;

	return decode_path(j->path, j->max, &j->diag);
}

#define MiB (1024 * 1024)

/*
 * An endless device is refused at the limit with little more than the
 * limit allocated: growing a block may briefly map the old one beside the
 * new one (mremap() moving it), so half the limit more is the peak of a
 * buffer that doubles up to the limit, plus room for the rest of the
 * process. A small file costs its size even when the limit is the largest
 * there is. Without the caps, reading /dev/zero would run into
 * RLIMIT_DATA (ENOMEM), and so would a buffer sized from the limit or
 * doubled past it.
 */
static void test_endless_and_bounded(void **state)
{
	struct job j = {"/dev/zero", 64 * MiB, {0}};
	char pbuf[PATH_SIZE];
	const char *path = in_dir(pbuf, "small.xml");

	(void)state;
	assert_int_equal(bounded(96 * MiB + 8 * MiB, run_decode, &j), EMSGSIZE);
	assert_over(&j.diag, 64 * MiB);

	/* The harness can fail: a limit it cannot afford is ENOMEM. */
#ifndef UNDER_ASAN
	j.max = 256 * MiB;
	assert_int_equal(bounded(96 * MiB + 8 * MiB, run_decode, &j), ENOMEM);
#endif

	write_file(path, DOC, DOC_LEN);
	j.path = path;
	j.max = SIZE_MAX; /* INT_MAX, as the decoder reads */
	assert_int_equal(bounded(8 * MiB, run_decode, &j), 0);
	unlink(path);
}

/* Every allocation of a read (and of the decode after it) may fail:
 * ENOMEM each time, nothing leaked, until it succeeds. */
static void test_alloc_failures(void **state)
{
	char pbuf[PATH_SIZE];
	const char *path = in_dir(pbuf, "big.xml");
	char *doc = padded_doc(50000);
	unsigned long n;
	int err;

	(void)state;
	write_file(path, doc, 50000);
	for (n = 1;; n++) {
		struct confinfo_conf *conf = NULL;
		int failed;

		confinfo__alloc_fail_at(n);
		err = confinfo_xml_decode_file(&conf, path, NULL, NULL);
		failed = confinfo__alloc_failed();
		confinfo__alloc_fail_at(0);
		if (!failed) {
			assert_int_equal(err, 0);
			confinfo_conf_free(conf);
			break;
		}
		assert_int_equal(err, ENOMEM);
		assert_null(conf);
	}
	assert_true(n > 2);
	/* The growing buffer of an endless input: each step may fail, and
	 * past the last one the limit refuses the input. */
	for (n = 1;; n++) {
		struct confinfo_xml_limits lim = {.max_body = 100000};
		struct confinfo_conf *conf = NULL;
		int failed;

		confinfo__alloc_fail_at(n);
		err = confinfo_xml_decode_file(&conf, "/dev/zero", &lim, NULL);
		failed = confinfo__alloc_failed();
		confinfo__alloc_fail_at(0);
		assert_null(conf);
		if (!failed) {
			assert_int_equal(err, EMSGSIZE);
			break;
		}
		assert_int_equal(err, ENOMEM);
	}
	assert_true(n > 2); /* 16 KiB, grown at least once */
	unlink(path);
	free(doc);
}

/* ---------------------------------------------------------------------
 * Writing.
 * ------------------------------------------------------------------- */

static void test_encode_file(void **state)
{
	char pbuf[PATH_SIZE];
	const char *path = in_dir(pbuf, "state.xml");
	struct confinfo_conf *conf = tu_decode_str(DOC), *back = NULL;
	char *want = tu_encode(conf), *got;
	struct stat st1, st2;
	mode_t mask = umask(027);

	(void)state;
	assert_int_equal(confinfo_xml_encode_file(path, conf), 0);
	assert_int_equal(dir_entries(), 1);
	assert_int_equal(stat(path, &st1), 0);
	assert_int_equal(st1.st_mode & 0777, 0640); /* 0666 less the umask */
	assert_int_equal(confinfo_xml_decode_file(&back, path, NULL, NULL), 0);
	got = tu_encode(back);
	assert_string_equal(got, want);
	assert_int_equal((size_t)st1.st_size, strlen(want));

	/* Replaced by a rename, not rewritten in place: a reader holding
	 * the old file keeps reading the old document. */
	conf->version.value = 4;
	assert_int_equal(confinfo_xml_encode_file(path, conf), 0);
	assert_int_equal(stat(path, &st2), 0);
	assert_true(st1.st_ino != st2.st_ino);
	assert_int_equal(dir_entries(), 1);

	umask(mask);
	unlink(path);
	free(got);
	free(want);
	confinfo_conf_free(back);
	confinfo_conf_free(conf);
}

/* Every failure leaves the target as it was and no temporary file. */
static void test_encode_file_errors(void **state)
{
	char pbuf[PATH_SIZE], other[PATH_SIZE];
	const char *path = in_dir(pbuf, "state.xml");
	struct confinfo_conf *conf = tu_decode_str(DOC), *empty;
	char *got;
	struct rlimit old, rl;
	size_t len;

	(void)state;
	assert_int_equal(
	    confinfo_xml_encode_file(in_dir(other, "no/such/dir.xml"), conf),
	    ENOENT);
	assert_int_equal(dir_entries(), 0);

	/* The target is a directory: the rename fails. */
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(confinfo_xml_encode_file(path, conf), EISDIR);
	assert_int_equal(dir_entries(), 1);
	assert_int_equal(rmdir(path), 0);

	/* A write that fails half-way (the file size limit): the old
	 * document stays whole. */
	write_file(path, "old", 3);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	rl = old;
	rl.rlim_cur = 64;
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &rl), 0);
	assert_int_equal(confinfo_xml_encode_file(path, conf), EFBIG);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	got = tu_read_vector(path, &len);
	assert_int_equal(len, 3);
	assert_string_equal(got, "old");
	free(got);
	assert_int_equal(dir_entries(), 1);

	/* A state the schema cannot express (no entity): nothing
	 * written. */
	empty = confinfo_conf_new();
	assert_non_null(empty);
	assert_int_equal(confinfo_xml_encode_file(path, empty), EINVAL);
	confinfo_conf_free(empty);
	assert_int_equal(confinfo_xml_encode_file(NULL, conf), EINVAL);
	assert_int_equal(confinfo_xml_encode_file(path, NULL), EINVAL);
	got = tu_read_vector(path, &len);
	assert_string_equal(got, "old");
	free(got);
	assert_int_equal(dir_entries(), 1);

	unlink(path);
	confinfo_conf_free(conf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_file_at_limit),
	    cmocka_unit_test(test_fd_offset),
	    cmocka_unit_test(test_read_fd),
	    cmocka_unit_test(test_empty_missing_unreadable),
	    cmocka_unit_test(test_fifo),
	    cmocka_unit_test(test_endless_and_bounded),
	    cmocka_unit_test(test_alloc_failures),
	    cmocka_unit_test(test_encode_file),
	    cmocka_unit_test(test_encode_file_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
