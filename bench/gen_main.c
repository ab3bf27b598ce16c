/*
 * confinfo-gen: print a benchmark document (see gen.h) on stdout.
 *
 *   confinfo-gen [--version V] N              full document of N users
 *   confinfo-gen [--version V] [--variant K] --partial N
 *                                             the one-user partial for a
 *                                             state of N users (version
 *                                             defaults to 2: the full
 *                                             document's 1, plus one)
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

static void usage(FILE *f)
{
	fputs("usage: confinfo-gen [--partial] [--version V] [--variant 0|1] "
	      "N\n"
	      "Print a valid conference-info document of N users (each with "
	      "2 endpoints\n"
	      "of audio+video), or with --partial the one-user partial "
	      "notification\n"
	      "that changes one video stream's status.\n",
	      f);
}

static int parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s[0] || s[0] == '-' || s[0] == '+')
		return EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return EINVAL;
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"partial", no_argument, NULL, 'p'},
	    {"version", required_argument, NULL, 'v'},
	    {"variant", required_argument, NULL, 'k'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct gen_buf b = {0};
	unsigned long users, version = 0, variant = 0;
	int partial = 0, c, err;

	while ((c = getopt_long(argc, argv, "pv:k:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			partial = 1;
			break;
		case 'v':
			if (parse_ulong(optarg, 0xffffffffUL, &version)) {
				fprintf(stderr,
					"confinfo-gen: bad version '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'k':
			if (parse_ulong(optarg, 1, &variant)) {
				fprintf(stderr,
					"confinfo-gen: bad variant '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind + 1 != argc ||
	    parse_ulong(argv[optind], 100000000UL, &users) ||
	    (partial && users == 0)) {
		usage(stderr);
		return 2;
	}
	if (partial)
		err = gen_partial(&b, users, version ? version : 2,
				  (unsigned)variant);
	else
		err = gen_full(&b, users, version ? version : 1);
	if (err) {
		fprintf(stderr, "confinfo-gen: %s\n", strerror(err));
		return 1;
	}
	if (fwrite(b.data, 1, b.len, stdout) != b.len || fflush(stdout)) {
		fprintf(stderr, "confinfo-gen: write error\n");
		gen_buf_free(&b);
		return 1;
	}
	gen_buf_free(&b);
	return 0;
}
