/*
 * confinfo-bench: how fast decode, encode and merge are, against
 * baselines measured in the same run (see bench/README.md).
 *
 *   confinfo-bench [--quick] [--markdown] [--no-memory] [N...]
 *
 * For every N (default 10 1000 100000) it generates a full document of N
 * users and reports, as time per operation and MB/s (10^6 bytes per
 * second of document):
 * - decode (confinfo_xml_decode) against libxml2 SAX2 with empty
 *   callbacks on the same bytes;
 * - encode (confinfo_xml_encode) against a memcpy-append writer of the
 *   same bytes in the same pieces;
 * - merge (confinfo_merge) of a one-user partial into the N-user state,
 *   against the same merge into a 100-user state.
 * Each operation and its baseline run alternately, so that both see the
 * same machine. Then the peak memory of decoding the largest document
 * against its size. Targets are printed as PASS or FAIL; the exit status
 * is 0 unless something could not be measured at all.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libxml/xmlversion.h>

#include "confinfo/merge.h"
#include "confinfo/xml.h"

#include "bench.h"
#include "gen.h"
#include "report.h"

#ifndef BENCH_BUILD_TYPE
#define BENCH_BUILD_TYPE "unknown"
#endif

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The value at fraction @p q of the sorted @p v (of @p n > 0),
 * interpolated between neighbours. */
static double quantile(const double *v, unsigned n, double q)
{
	double pos = q * (n - 1);
	unsigned i = (unsigned)pos;

	return i + 1 < n ? v[i] + (pos - i) * (v[i + 1] - v[i]) : v[n - 1];
}

int bench_measure_pair(const struct bench_reps *reps, bench_run_h *run_a,
		       void *arg_a, bench_run_h *run_b, void *arg_b,
		       struct bench_pair *out)
{
	uint64_t start, best_a = UINT64_MAX, best_b = UINT64_MAX, a, b;
	double *ratios = NULL;
	unsigned count = 0, cap = 0;
	int err;

	err = run_a(arg_a, &a);
	if (!err)
		err = run_b(arg_b, &b);
	start = bench_now_ns();
	while (!err && count < reps->max_reps &&
	       (count < reps->min_reps ||
		bench_now_ns() - start < reps->budget_ns)) {
		err = run_a(arg_a, &a);
		if (!err)
			err = run_b(arg_b, &b);
		if (err)
			break;
		if (count == cap) {
			double *p;

			cap = cap ? 2 * cap : 64;
			p = realloc(ratios, cap * sizeof(*p));
			if (!p) {
				err = ENOMEM;
				break;
			}
			ratios = p;
		}
		ratios[count++] = a ? (double)b / (double)a : 0.0;
		if (a < best_a)
			best_a = a;
		if (b < best_b)
			best_b = b;
	}
	if (!err) {
		qsort(ratios, count, sizeof(*ratios), cmp_double);
		*out = (struct bench_pair){best_a,
					   best_b,
					   quantile(ratios, count, 0.5),
					   quantile(ratios, count, 0.25),
					   quantile(ratios, count, 0.75),
					   count};
	}
	free(ratios);
	return err;
}

/* The report's view of a pair: the baseline's and the operation's
 * fastest runs, and the operation's paired ratios. */
static void report_set(struct report_op *base, struct report_op *op,
		       const struct bench_pair *pair)
{
	*base = (struct report_op){pair->min_a, pair->count, 0, 0, 0};
	*op = (struct report_op){pair->min_b, pair->count, pair->ratio,
				 pair->q1, pair->q3};
}

void bench_limits(struct confinfo_xml_limits *lim, size_t users, size_t len)
{
	confinfo_xml_limits_default(lim);
	/* The generator writes 2 endpoints, 4 media, up to 3 role entries
	 * and a quarter of an associated-aors entry per user, plus a few
	 * conference-level entries. */
	if (lim->max_body < len)
		lim->max_body = len;
	if (lim->max_users < users)
		lim->max_users = users;
	if (lim->max_endpoints < 2 * users)
		lim->max_endpoints = 2 * users;
	if (lim->max_media < 4 * users)
		lim->max_media = 4 * users;
	if (lim->max_entries < 4 * users + 64)
		lim->max_entries = 4 * users + 64;
}

/* ---------------------------------------------------------------------
 * The timed operations.
 * ------------------------------------------------------------------- */

struct doc {
	const char *buf;
	size_t len;
	size_t users;
	struct confinfo_xml_limits lim;
};

static int run_sax(void *arg, uint64_t *nsp)
{
	const struct doc *d = arg;
	int err = bench_sax_empty(d->buf, d->len, nsp);

	if (err)
		fprintf(stderr, "bench: SAX2 baseline failed: %s\n",
			strerror(err));
	return err;
}

static int decode_doc(const struct doc *d, struct confinfo_conf **confp,
		      uint64_t *nsp)
{
	struct confinfo_diag diag = {0};
	uint64_t t0, t1;
	int err;

	t0 = bench_now_ns();
	err = confinfo_xml_decode(confp, d->buf, d->len, &d->lim, &diag);
	t1 = bench_now_ns();
	if (err) {
		fprintf(stderr,
			"bench: decode of %zu users failed: %s at %u:%u: %s\n",
			d->users, strerror(err), diag.line, diag.column,
			diag.message);
		return err;
	}
	if (nsp)
		*nsp = t1 - t0;
	return 0;
}

static int run_decode(void *arg, uint64_t *nsp)
{
	struct confinfo_conf *conf = NULL;
	int err = decode_doc(arg, &conf, nsp);

	/* Freed untimed, but with no malloc_trim(): the next run reuses a
	 * warm heap, as a long-running subscriber does. (A fresh process
	 * also pays the page faults of new heap memory.) */
	confinfo_conf_free(conf);
	return err;
}

struct encode_arg {
	const struct confinfo_conf *conf;
	const char *expect; /* the first encoding: later ones must equal it */
	size_t expect_len;
};

static int run_encode(void *arg, uint64_t *nsp)
{
	struct encode_arg *e = arg;
	char *out = NULL;
	size_t len = 0;
	uint64_t t0, t1;
	int err;

	t0 = bench_now_ns();
	err = confinfo_xml_encode(&out, &len, e->conf);
	t1 = bench_now_ns();
	if (err) {
		fprintf(stderr, "bench: encode failed: %s\n", strerror(err));
		return err;
	}
	if (len != e->expect_len || memcmp(out, e->expect, len) != 0) {
		fprintf(stderr, "bench: encode is not deterministic\n");
		free(out);
		return EINVAL;
	}
	free(out);
	*nsp = t1 - t0;
	return 0;
}

struct writer_arg {
	struct bench_pieces pieces;
	const char *expect;
	size_t expect_len;
};

static int run_writer(void *arg, uint64_t *nsp)
{
	struct writer_arg *w = arg;

	return bench_writer(&w->pieces, w->expect, w->expect_len, nsp);
}

/* Merge: every run decodes the next partial (alternating the two
 * variants, so the state really changes each time, with the version one
 * above the state's) outside the timed region and times confinfo_merge_ex()
 * alone. */
struct merge_arg {
	struct confinfo_conf *state;
	size_t users;
	uint32_t version;
	unsigned variant;
	struct gen_buf partial;
	size_t partial_len;
};

static int check_merged(const struct merge_arg *m, unsigned variant)
{
	char ue[128], ee[128];
	const struct confinfo_user *u;
	const struct confinfo_endpoint *ep;
	const struct confinfo_media *md;
	size_t i = gen_partial_user(m->users);

	gen_user_entity(ue, sizeof(ue), i);
	gen_endpoint_entity(ee, sizeof(ee), i, 0);
	u = confinfo_conf_user(m->state, ue);
	ep = u ? confinfo_user_endpoint(u, ee) : NULL;
	md = ep ? confinfo_endpoint_media(ep, "2") : NULL;
	if (!md ||
	    md->status != (variant ? CONFINFO_MEDIA_STATUS_SENDRECV
				   : CONFINFO_MEDIA_STATUS_INACTIVE) ||
	    !m->state->users || m->state->users->users.count != m->users ||
	    ep->media.count != 2) {
		fprintf(stderr, "bench: the merged state is not as expected\n");
		return EINVAL;
	}
	return 0;
}

static int run_merge(void *arg, uint64_t *nsp)
{
	struct merge_arg *m = arg;
	struct doc d = {0};
	struct confinfo_conf *doc = NULL;
	struct confinfo_diag diag = {0};
	/* The state holds N users: allow them (the default is 10000). */
	struct confinfo_merge_limits lim = {.max_users = m->users};
	enum confinfo_merge_result res;
	uint64_t t0, t1;
	int err;

	err = gen_partial(&m->partial, m->users, m->version + 1, m->variant);
	if (err)
		return err;
	d.buf = m->partial.data;
	d.len = m->partial.len;
	d.users = 1;
	confinfo_xml_limits_default(&d.lim);
	err = decode_doc(&d, &doc, NULL);
	if (err)
		return err;
	t0 = bench_now_ns();
	err = confinfo_merge_ex(&m->state, doc, &lim, &res, &diag);
	t1 = bench_now_ns();
	if (err || res != CONFINFO_MERGE_APPLIED) {
		fprintf(
		    stderr, "bench: merge failed: %s, %s: %s\n", strerror(err),
		    err ? "-" : confinfo_merge_result_str(res), diag.message);
		return err ? err : EPROTO;
	}
	err = check_merged(m, m->variant);
	if (err)
		return err;
	m->partial_len = m->partial.len;
	m->version++;
	m->variant ^= 1;
	*nsp = t1 - t0;
	return 0;
}

/* ---------------------------------------------------------------------
 * One N.
 * ------------------------------------------------------------------- */

/* A state of @p users users to merge partials into. */
static int merge_setup(struct merge_arg *m, size_t users)
{
	struct gen_buf g = {0};
	struct doc d = {0};
	int err;

	memset(m, 0, sizeof(*m));
	err = gen_full(&g, users, 1);
	if (err)
		return err;
	d.buf = g.data;
	d.len = g.len;
	d.users = users;
	bench_limits(&d.lim, users, g.len);
	err = decode_doc(&d, &m->state, NULL);
	gen_buf_free(&g);
	if (err)
		return err;
	m->users = users;
	m->version = m->state->version.value;
	return 0;
}

static void merge_release(struct merge_arg *m)
{
	confinfo_conf_free(m->state);
	gen_buf_free(&m->partial);
	memset(m, 0, sizeof(*m));
}

/* The merge into N users, paired with the same merge into
 * MERGE_REF_USERS users (the reference of the merge-ratio target). */
static int bench_merge_pair(const struct bench_reps *reps, size_t users,
			    struct report_row *row)
{
	struct merge_arg ref, big;
	struct bench_pair pair;
	int err;

	err = merge_setup(&ref, MERGE_REF_USERS);
	if (err)
		return err;
	err = merge_setup(&big, users);
	if (!err)
		err = bench_measure_pair(reps, run_merge, &ref, run_merge, &big,
					 &pair);
	if (!err)
		report_set(&row->merge_ref, &row->merge, &pair);
	row->partial_len = big.partial_len;
	merge_release(&big);
	merge_release(&ref);
	return err;
}

static int bench_one(const struct bench_reps *reps, size_t users,
		     struct report_row *row)
{
	struct gen_buf g = {0};
	struct doc d = {0};
	struct confinfo_conf *state = NULL, *again = NULL;
	struct encode_arg e = {0};
	struct writer_arg w = {0};
	struct bench_pair pair;
	char *enc = NULL;
	size_t enc_len = 0;
	int err;

	row->users = users;
	err = gen_full(&g, users, 1);
	if (err)
		goto out;
	d.buf = g.data;
	d.len = g.len;
	d.users = users;
	bench_limits(&d.lim, users, g.len);
	row->doc_len = g.len;

	fprintf(stderr, "bench: N=%zu: decode and SAX2 baseline\n", users);
	err = bench_measure_pair(reps, run_sax, &d, run_decode, &d, &pair);
	if (err)
		goto out;
	report_set(&row->sax, &row->decode, &pair);

	/* Encode the decoded state; the first encoding is the reference
	 * the later runs and the writer baseline must reproduce, and it must
	 * decode back to the same state. */
	err = decode_doc(&d, &state, NULL);
	if (err)
		goto out;
	if (!state->users || state->users->users.count != users) {
		fprintf(stderr, "bench: decoded %zu users, expected %zu\n",
			state->users ? state->users->users.count : 0, users);
		err = EINVAL;
		goto out;
	}
	err = confinfo_xml_encode(&enc, &enc_len, state);
	if (err) {
		fprintf(stderr, "bench: encode failed: %s\n", strerror(err));
		goto out;
	}
	d.buf = enc;
	d.len = enc_len;
	bench_limits(&d.lim, users, enc_len);
	err = decode_doc(&d, &again, NULL);
	if (err)
		goto out;
	if (!confinfo_conf_equal(state, again)) {
		fprintf(stderr, "bench: decode(encode(x)) != x\n");
		err = EINVAL;
		goto out;
	}
	row->enc_len = enc_len;
	e.conf = state;
	e.expect = enc;
	e.expect_len = enc_len;
	err = bench_pieces_split(&w.pieces, enc, enc_len);
	if (err)
		goto out;
	row->pieces = w.pieces.count;
	w.expect = enc;
	w.expect_len = enc_len;
	fprintf(stderr, "bench: N=%zu: encode and memcpy writer\n", users);
	err = bench_measure_pair(reps, run_writer, &w, run_encode, &e, &pair);
	if (err)
		goto out;
	report_set(&row->writer, &row->encode, &pair);
	/* The states of decode are no longer needed: free them before the
	 * merge builds its own. */
	confinfo_conf_free(again);
	again = NULL;
	confinfo_conf_free(state);
	state = NULL;

	fprintf(stderr, "bench: N=%zu: merge into %zu and %u users\n", users,
		users, MERGE_REF_USERS);
	err = bench_merge_pair(reps, users, row);
out:
	bench_pieces_free(&w.pieces);
	confinfo_conf_free(again);
	confinfo_conf_free(state);
	free(enc);
	gen_buf_free(&g);
	return err;
}

static int bench_peak(size_t users, struct report_mem *rm)
{
	char path[] = "/tmp/confinfo-bench-XXXXXX";
	struct gen_buf g = {0};
	struct bench_mem mem;
	int fd, err;

	err = gen_full(&g, users, 1);
	if (err)
		return err;
	fd = mkstemp(path);
	if (fd < 0) {
		err = errno;
		gen_buf_free(&g);
		return err;
	}
	if (write(fd, g.data, g.len) != (ssize_t)g.len)
		err = EIO;
	close(fd);
	rm->users = users;
	rm->doc_len = g.len;
	gen_buf_free(&g);
	if (!err) {
		fprintf(stderr, "bench: N=%zu: peak memory\n", users);
		err = bench_memory(path, users, &mem);
	}
	unlink(path);
	if (err)
		return err;
	rm->decode_bytes = (size_t)(mem.decode_kb - mem.base_kb) * 1024;
	rm->encode_bytes = (size_t)(mem.encode_kb - mem.base_kb) * 1024;
	rm->state_bytes = mem.state_bytes;
	rm->measured = 1;
	return 0;
}

static void usage(FILE *f)
{
	fputs("usage: confinfo-bench [--quick] [--markdown] [--no-memory] "
	      "[N...]\n"
	      "  N            user counts to measure, 1..1000000 (default 10 "
	      "1000 100000)\n"
	      "  --quick      few repetitions (a smoke test, not a "
	      "measurement)\n"
	      "  --markdown   print the results as Markdown tables\n"
	      "  --no-memory  skip the peak-memory measurement\n",
	      f);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"quick", no_argument, NULL, 'q'},
	    {"markdown", no_argument, NULL, 'm'},
	    {"no-memory", no_argument, NULL, 'M'},
	    {"memory-child", no_argument, NULL, 'C'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	static const size_t default_users[] = {10, 1000, 100000};
	/* At least 9 pairs (an odd count: a median of its own), and as
	 * many as fit in a second. */
	struct bench_reps reps = {1000000000u, 9, 100000};
	struct report rep = {0};
	int c, err = 0, memory = 1, child = 0;
	size_t i, max_users = 0;

	while ((c = getopt_long(argc, argv, "qmMh", opts, NULL)) != -1) {
		switch (c) {
		case 'q':
			rep.quick = 1;
			reps.budget_ns = 10000000u;
			reps.min_reps = 2;
			break;
		case 'm':
			rep.markdown = 1;
			break;
		case 'M':
			memory = 0;
			break;
		case 'C':
			child = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (child)
		return optind + 2 == argc
			   ? bench_memory_child(argv[optind], argv[optind + 1])
			   : 2;

	for (i = optind; (int)i < argc; i++) {
		char *end;
		unsigned long long v;

		errno = 0;
		v = strtoull(argv[i], &end, 10);
		if (errno || *end || argv[i][0] == '-' || v == 0 ||
		    v > 1000000 || rep.count == REPORT_MAX_ROWS) {
			usage(stderr);
			return 2;
		}
		rep.rows[rep.count++].users = (size_t)v;
	}
	if (rep.count == 0) {
		for (i = 0; i < sizeof(default_users) / sizeof(*default_users);
		     i++)
			rep.rows[rep.count++].users = default_users[i];
	}

	rep.build_type = BENCH_BUILD_TYPE;
	rep.libxml2 = LIBXML_DOTTED_VERSION;
	for (i = 0; i < rep.count; i++) {
		err = bench_one(&reps, rep.rows[i].users, &rep.rows[i]);
		if (err)
			goto out;
		if (rep.rows[i].users > max_users)
			max_users = rep.rows[i].users;
	}

	if (memory) {
		err = bench_peak(max_users, &rep.mem);
		if (err)
			goto out;
	}
	report_print(stdout, &rep);
out:
	if (err) {
		fprintf(stderr, "bench: could not measure: %s\n",
			strerror(err));
		return 1;
	}
	return 0;
}
