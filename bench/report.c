/*
 * Printing the results of confinfo-bench (see report.h). The same rows go
 * out as an aligned table for a terminal or as Markdown for
 * docs/performance.md; FAIL lines are printed either way, after the
 * tables, so they are hard to miss.
 */
#include <stdio.h>
#include <string.h>

#include "report.h"

static void fmt_time(char *dst, size_t size, uint64_t ns)
{
	if (ns < 1000)
		snprintf(dst, size, "%u ns", (unsigned)ns);
	else if (ns < 1000000)
		snprintf(dst, size, "%.2f us", (double)ns / 1e3);
	else if (ns < 1000000000)
		snprintf(dst, size, "%.2f ms", (double)ns / 1e6);
	else
		snprintf(dst, size, "%.3f s", (double)ns / 1e9);
}

static void fmt_size(char *dst, size_t size, size_t bytes)
{
	if (bytes < 1000)
		snprintf(dst, size, "%zu B", bytes);
	else if (bytes < 1000000)
		snprintf(dst, size, "%.1f KB", (double)bytes / 1e3);
	else
		snprintf(dst, size, "%.1f MB", (double)bytes / 1e6);
}

static double mb_per_s(size_t bytes, uint64_t ns)
{
	return ns ? (double)bytes / 1e6 / ((double)ns / 1e9) : 0.0;
}

static double ratio(uint64_t a, uint64_t b)
{
	return b ? (double)a / (double)b : 0.0;
}

static void cpu_model(char *dst, size_t size)
{
	char line[512];
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(dst, size, "unknown CPU");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) == 0 && colon) {
			colon += 1 + (colon[1] == ' ');
			colon[strcspn(colon, "\n")] = '\0';
			snprintf(dst, size, "%s", colon);
			break;
		}
	}
	fclose(f);
}

/* One line of the main table. @p vs, @p target and @p verdict are ""
 * for a baseline row. */
static void print_op(FILE *f, const struct report *rep, const char *n,
		     const char *name, size_t bytes, const struct report_op *op,
		     const char *vs, const char *target, const char *verdict)
{
	char t[32], sz[32], mbs[32], spread[48] = "";

	fmt_time(t, sizeof(t), op->ns);
	fmt_size(sz, sizeof(sz), bytes);
	snprintf(mbs, sizeof(mbs), "%.1f", mb_per_s(bytes, op->ns));
	if (op->ratio > 0)
		snprintf(spread, sizeof(spread), "%.2fx (%.2f-%.2f)", op->ratio,
			 op->q1, op->q3);
	if (rep->markdown)
		fprintf(f,
			"| %s | %s | %s | %s | %s | %u | %s | %s | %s | %s "
			"|\n",
			n, name, sz, t, mbs, op->reps, vs, target, verdict,
			spread);
	else
		fprintf(f, "%8s  %-24s %9s %11s %8s %6u  %-16s %-8s %-6s %s\n",
			n, name, sz, t, mbs, op->reps, vs, target, verdict,
			spread);
}

/* Counts of judged targets and of missed ones. */
struct tally {
	unsigned total;
	unsigned fails;
};

static const char *judge(struct tally *t, double value, double target)
{
	t->total++;
	if (value <= target)
		return "PASS";
	t->fails++;
	return "FAIL";
}

static void print_row(FILE *f, const struct report *rep,
		      const struct report_row *r, struct tally *t)
{
	char n[32], vs[32], tg[32];
	const char *v;
	double x;

	snprintf(n, sizeof(n), "%zu", r->users);
	print_op(f, rep, n, "SAX2 empty (baseline)", r->doc_len, &r->sax, "",
		 "", "");
	x = ratio(r->decode.ns, r->sax.ns);
	snprintf(vs, sizeof(vs), "%.2fx SAX2", x);
	snprintf(tg, sizeof(tg), "<= %.1fx", TARGET_DECODE_VS_SAX);
	v = judge(t, x, TARGET_DECODE_VS_SAX);
	print_op(f, rep, "", "decode", r->doc_len, &r->decode, vs, tg, v);

	print_op(f, rep, "", "memcpy writer (baseline)", r->enc_len, &r->writer,
		 "", "", "");
	x = ratio(r->encode.ns, r->writer.ns);
	snprintf(vs, sizeof(vs), "%.2fx writer", x);
	snprintf(tg, sizeof(tg), "<= %.1fx", TARGET_ENCODE_VS_WRITER);
	v = judge(t, x, TARGET_ENCODE_VS_WRITER);
	print_op(f, rep, "", "encode", r->enc_len, &r->encode, vs, tg, v);

	snprintf(n, sizeof(n), "merge into %u users", MERGE_REF_USERS);
	print_op(f, rep, "", n, r->partial_len, &r->merge_ref, "", "", "");
	x = ratio(r->merge.ns, r->merge_ref.ns);
	snprintf(vs, sizeof(vs), "%.2fx %u users", x, MERGE_REF_USERS);
	snprintf(tg, sizeof(tg), "<= %.1fx", TARGET_MERGE_RATIO);
	/* The ratio target is stated for 100,000 users. */
	v = r->users >= TARGET_AT_USERS ? judge(t, x, TARGET_MERGE_RATIO) : "-";
	snprintf(n, sizeof(n), "merge into %zu users", r->users);
	print_op(f, rep, "", n, r->partial_len, &r->merge, vs,
		 r->users >= TARGET_AT_USERS ? tg : "", v);
}

static void print_fail_lines(FILE *f, const struct report *rep)
{
	const struct report_mem *m = &rep->mem;
	size_t i;
	double x;

	for (i = 0; i < rep->count; i++) {
		const struct report_row *r = &rep->rows[i];

		x = ratio(r->decode.ns, r->sax.ns);
		if (x > TARGET_DECODE_VS_SAX)
			fprintf(f,
				"FAIL: decode at N=%zu takes %.2fx the empty "
				"SAX2 parse (target <= %.1fx)\n",
				r->users, x, TARGET_DECODE_VS_SAX);
		x = ratio(r->encode.ns, r->writer.ns);
		if (x > TARGET_ENCODE_VS_WRITER)
			fprintf(f,
				"FAIL: encode at N=%zu takes %.2fx the memcpy "
				"writer (target <= %.1fx)\n",
				r->users, x, TARGET_ENCODE_VS_WRITER);
		x = ratio(r->merge.ns, r->merge_ref.ns);
		if (r->users >= TARGET_AT_USERS && x > TARGET_MERGE_RATIO)
			fprintf(f,
				"FAIL: merging into %zu users takes %.2fx "
				"merging into %u users (target <= %.1fx)\n",
				r->users, x, MERGE_REF_USERS,
				TARGET_MERGE_RATIO);
	}
	x = ratio(m->decode_bytes, m->doc_len);
	if (m->measured && m->users >= TARGET_AT_USERS &&
	    x > TARGET_PEAK_VS_DOC)
		fprintf(f,
			"FAIL: peak memory of decoding %zu users is %.2fx "
			"the document (target <= %.1fx)\n",
			m->users, x, TARGET_PEAK_VS_DOC);
}

static void print_memory(FILE *f, const struct report *rep, struct tally *t)
{
	const struct report_mem *m = &rep->mem;
	const char *item = rep->markdown ? "- " : "";
	char a[32], b[32], c[32];
	double x = ratio(m->decode_bytes, m->doc_len);

	fmt_size(a, sizeof(a), m->doc_len);
	fmt_size(b, sizeof(b), m->decode_bytes);
	fmt_size(c, sizeof(c), m->state_bytes);
	fprintf(f,
		"%speak memory at %zu users: document %s; peak RSS growth "
		"reading + decoding it %s = %.2fx the document (target <= "
		"%.1fx) %s\n",
		item, m->users, a, b, x, TARGET_PEAK_VS_DOC,
		m->users >= TARGET_AT_USERS ? judge(t, x, TARGET_PEAK_VS_DOC)
					    : "(judged at 100000 users)");
	fmt_size(b, sizeof(b), m->encode_bytes);
	fprintf(f,
		"%sthe decoded state holds %s of memory (%.2fx the document); "
		"encoding it back as well peaks at %s (%.2fx)\n",
		item, c, ratio(m->state_bytes, m->doc_len), b,
		ratio(m->encode_bytes, m->doc_len));
}

void report_print(FILE *f, const struct report *rep)
{
	struct tally t = {0};
	char cpu[256];
	size_t i;

	cpu_model(cpu, sizeof(cpu));
	fprintf(f, "confinfo-bench: %s build, libxml2 %s, %s%s\n",
		rep->build_type, rep->libxml2, cpu,
		rep->quick ? " (--quick: NOT a measurement)" : "");
	fprintf(f,
		"%stime/op is the fastest of `runs` runs; MB = 10^6 bytes; "
		"MB/s = bytes / time/op.\n"
		"%svs baseline: the ratio of the fastest runs, which the "
		"targets are judged on; paired: the median (and quartiles) "
		"over the runs of each run's ratio to the baseline run just "
		"before it, the typical cost rather than the best.\n\n",
		rep->markdown ? "\n" : "", rep->markdown ? "\n" : "");
	if (rep->markdown) {
		fprintf(f, "| N users | operation | bytes | time/op | MB/s | "
			   "runs | vs baseline | target | result | paired "
			   "(q1-q3) |\n");
		fprintf(f,
			"|---:|---|---:|---:|---:|---:|---:|---:|---|---|\n");
	} else {
		fprintf(f, "%8s  %-24s %9s %11s %8s %6s  %-16s %-8s %-6s %s\n",
			"N users", "operation", "bytes", "time/op", "MB/s",
			"runs", "vs baseline", "target", "result",
			"paired (q1-q3)");
	}
	for (i = 0; i < rep->count; i++)
		print_row(f, rep, &rep->rows[i], &t);
	fprintf(f, "\n");
	if (rep->mem.measured) {
		print_memory(f, rep, &t);
		fprintf(f, "\n");
	}
	print_fail_lines(f, rep);
	fprintf(f, "%s%u of %u targets met%s\n", rep->markdown ? "**" : "",
		t.total - t.fails, t.total, rep->markdown ? "**" : "");
}
