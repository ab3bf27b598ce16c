/*
 * Peak memory of decoding a document, measured in a fresh process.
 *
 * The resident-set high-water mark belongs to the whole process, so it
 * can only be read meaningfully in a process that did nothing else: the
 * parent re-executes this program with --memory-child, which reads the
 * document (one buffer of exactly its size), decodes it and encodes the
 * state, and prints its high-water marks. The peak of decoding is then
 * decode_kb - base_kb: the input buffer, the parser's working memory and
 * the model, all resident at once.
 *
 * The mark is VmHWM of /proc/self/status, not getrusage()'s ru_maxrss:
 * Linux carries ru_maxrss across execve() (it keeps the larger of the old
 * and the new image's), so a child forked from a bench that has held a
 * 200 MB document would start with the parent's peak. VmHWM belongs to
 * the address space, which execve() replaces.
 *
 * The bytes the state holds are the growth of the resident set (VmRSS)
 * across the decode, the input buffer being resident already: the heap
 * alone would miss the chunks the library maps itself for large
 * documents (src/model/obj.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

/* A "Vm...:" field of /proc/self/status in kB, or -1. */
static long status_kb(const char *field)
{
	char line[256];
	size_t n = strlen(field);
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, field, n) == 0) {
			kb = strtol(line + n, NULL, 10);
			break;
		}
	}
	fclose(f);
	return kb;
}

static long maxrss_kb(void)
{
	return status_kb("VmHWM:");
}

static size_t rss_bytes(void)
{
	long kb = status_kb("VmRSS:");

	return kb > 0 ? (size_t)kb * 1024 : 0;
}

static int read_file(const char *path, char **bufp, size_t *lenp)
{
	struct stat st;
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	int err = 0;

	if (!f)
		return errno;
	if (fstat(fileno(f), &st) || st.st_size <= 0) {
		err = EINVAL;
		goto out;
	}
	buf = malloc((size_t)st.st_size);
	if (!buf) {
		err = ENOMEM;
		goto out;
	}
	if (fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		err = EIO;
		goto out;
	}
	*bufp = buf;
	*lenp = (size_t)st.st_size;
	buf = NULL;
out:
	free(buf);
	fclose(f);
	return err;
}

int bench_memory_child(const char *path, const char *users_arg)
{
	struct confinfo_xml_limits lim;
	struct confinfo_diag diag = {0};
	struct confinfo_conf *conf = NULL;
	char *buf = NULL, *out = NULL;
	size_t len = 0, out_len = 0, heap0, heap1;
	long base, dec, enc;
	unsigned long users = strtoul(users_arg, NULL, 10);
	int err;

	base = maxrss_kb();
	if (base < 0) {
		fprintf(stderr, "bench: memory child: no VmHWM in "
				"/proc/self/status\n");
		return 1;
	}
	err = read_file(path, &buf, &len);
	if (err) {
		fprintf(stderr, "bench: memory child: %s: %s\n", path,
			strerror(err));
		return 1;
	}
	bench_limits(&lim, users, len);
	heap0 = rss_bytes();
	err = confinfo_xml_decode(&conf, buf, len, &lim, &diag);
	if (err) {
		fprintf(stderr, "bench: memory child: decode: %s (%u:%u: %s)\n",
			strerror(err), diag.line, diag.column, diag.message);
		free(buf);
		return 1;
	}
	heap1 = rss_bytes();
	dec = maxrss_kb();
	err = confinfo_xml_encode(&out, &out_len, conf);
	enc = maxrss_kb();
	if (err) {
		fprintf(stderr, "bench: memory child: encode: %s\n",
			strerror(err));
		confinfo_conf_free(conf);
		free(buf);
		return 1;
	}
	printf("%ld %ld %ld %zu\n", base, dec, enc,
	       heap1 > heap0 ? heap1 - heap0 : 0);
	free(out);
	confinfo_conf_free(conf);
	free(buf);
	return fflush(stdout) ? 1 : 0;
}

int bench_memory(const char *path, size_t users, struct bench_mem *mem)
{
	char users_arg[32], line[256];
	int fds[2], status, err = 0;
	ssize_t n;
	size_t got = 0;
	pid_t pid;

	snprintf(users_arg, sizeof(users_arg), "%zu", users);
	if (pipe(fds))
		return errno;
	pid = fork();
	if (pid < 0) {
		err = errno;
		close(fds[0]);
		close(fds[1]);
		return err;
	}
	if (pid == 0) {
		char *argv[] = {"confinfo-bench", "--memory-child",
				(char *)path, users_arg, NULL};

		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	close(fds[1]);
	while (got < sizeof(line) - 1 &&
	       (n = read(fds[0], line + got, sizeof(line) - 1 - got)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = errno;
			break;
		}
		got += (size_t)n;
	}
	line[got] = '\0';
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return errno;
	}
	if (err)
		return err;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    sscanf(line, "%ld %ld %ld %zu", &mem->base_kb, &mem->decode_kb,
		   &mem->encode_kb, &mem->state_bytes) != 4) {
		fprintf(stderr, "bench: memory child failed\n");
		return EIO;
	}
	return 0;
}
