/*
 * Shared declarations of the confinfo-bench program: timing, the two
 * baselines (empty-callback SAX2 parse, memcpy-append writer) and the
 * peak-memory probe that runs in a child process.
 */
#ifndef CONFINFO_BENCH_H
#define CONFINFO_BENCH_H

#include <stddef.h>
#include <stdint.h>

#include "confinfo/xml.h"

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t bench_now_ns(void);

/* How long to keep repeating one measurement. */
struct bench_reps {
	uint64_t budget_ns; /* stop repeating after this much time ... */
	unsigned min_reps;  /* ... but not before this many runs       */
	unsigned max_reps;  /* and never more than this many           */
};

/* One run of an operation: set up, time only the operation, tear down.
 * Writes the timed nanoseconds to *nsp. Returns 0 or an errno (after
 * printing what went wrong). */
typedef int(bench_run_h)(void *arg, uint64_t *nsp);

/* What bench_measure_pair() found. */
struct bench_pair {
	uint64_t min_a, min_b; /* the fastest run of each              */
	double ratio;          /* median over the pairs of b / a       */
	double q1, q3;         /* its lower and upper quartiles        */
	unsigned count;        /* pairs measured (the warm-up not counted) */
};

/* Run @p run_a and @p run_b once each untimed (warm-up: first-touch page
 * faults, cold caches), then in turn as @p reps says, keeping the fastest
 * run of each (the least disturbed by other processes, page faults, cold
 * caches...: the targets are judged on their ratio). Alternating them
 * exposes both to the same conditions. Each pair also runs back to back,
 * so its own ratio b / a is taken under one set of conditions: their
 * median and quartiles say what a typical run costs, and how much the
 * machine moved. 0, ENOMEM or the first error of a run. */
int bench_measure_pair(const struct bench_reps *reps, bench_run_h *run_a,
		       void *arg_a, bench_run_h *run_b, void *arg_b,
		       struct bench_pair *out);

/* Limits that admit a generated document of @p users users of @p len
 * bytes (the defaults, raised where that document needs more). */
void bench_limits(struct confinfo_xml_limits *lim, size_t users, size_t len);

/* --- baseline.c ---------------------------------------------------- */

/* Parse @p len bytes with libxml2's SAX2 parser, the same parser set-up
 * as confinfo_xml_decode(), but with empty startElementNs / endElementNs
 * / characters callbacks. Stores the parse time in *nsp. 0 or EBADMSG. */
int bench_sax_empty(const char *buf, size_t len, uint64_t *nsp);

/* The document split into the pieces an XML writer appends: every tag
 * ("<...>") and every run of text between tags is one piece. */
struct bench_pieces {
	const char **ptr;
	size_t *len;
	size_t count;
};

int bench_pieces_split(struct bench_pieces *pc, const char *doc, size_t len);
void bench_pieces_free(struct bench_pieces *pc);

/* Append every piece with memcpy into a growable buffer that starts at
 * 1 KiB and doubles (what the encoder's buffer does), hand the result
 * out and time only that. Checks that the bytes equal @p expect. */
int bench_writer(const struct bench_pieces *pc, const char *expect,
		 size_t expect_len, uint64_t *nsp);

/* --- memory.c ------------------------------------------------------ */

struct bench_mem {
	long base_kb;       /* max RSS before the document is read      */
	long decode_kb;     /* max RSS after reading and decoding it    */
	long encode_kb;     /* max RSS after also encoding the state    */
	size_t state_bytes; /* heap bytes the decoded state holds       */
};

/* Measure peak memory of decoding the document in @p path (of @p users
 * users) in a fresh child process: this program run with
 * --memory-child, so that the parent's own allocations do not count.
 * 0 or an errno. */
int bench_memory(const char *path, size_t users, struct bench_mem *mem);

/* The child's side: exit status of the process. */
int bench_memory_child(const char *path, const char *users);

#endif
