/*
 * Results of a confinfo-bench run and their printing (plain table or
 * Markdown), with the targets of issue 2 judged PASS or FAIL.
 */
#ifndef CONFINFO_BENCH_REPORT_H
#define CONFINFO_BENCH_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define REPORT_MAX_ROWS 16

/* One operation: the fastest of `reps` runs and, for an operation
 * measured against a baseline, the median and quartiles of its paired
 * ratios to it (bench_measure_pair()); 0 for a baseline. */
struct report_op {
	uint64_t ns;
	unsigned reps;
	double ratio, q1, q3;
};

struct report_row {
	size_t users;
	size_t doc_len;     /* generated document (decode input)        */
	size_t enc_len;     /* encoder output                           */
	size_t partial_len; /* the one-user partial notification        */
	size_t pieces;      /* pieces the memcpy writer appends         */
	struct report_op sax, decode, writer, encode, merge;
	struct report_op merge_ref; /* the same merge into MERGE_REF_USERS */
};

struct report_mem {
	int measured;
	size_t users;
	size_t doc_len;
	size_t decode_bytes; /* peak RSS growth: read + decode          */
	size_t encode_bytes; /* peak RSS growth: read + decode + encode */
	size_t state_bytes;  /* heap held by the decoded state          */
};

struct report {
	int quick;
	int markdown;
	const char *build_type;
	const char *libxml2;
	size_t count;
	struct report_row rows[REPORT_MAX_ROWS];
	struct report_mem mem;
};

/* The targets (issue 2, "Benchmarks"). */
#define TARGET_DECODE_VS_SAX    1.3
#define TARGET_ENCODE_VS_WRITER 1.5
#define TARGET_MERGE_RATIO      2.0
#define TARGET_PEAK_VS_DOC      3.0
/* The merge-ratio target compares with a state of this many users. */
#define MERGE_REF_USERS 100u
/* The merge-ratio and memory targets are stated for this many users;
 * with a smaller largest N they are printed but not judged. */
#define TARGET_AT_USERS 100000

void report_print(FILE *f, const struct report *rep);

#endif
