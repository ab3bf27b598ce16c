/*
 * Helpers shared by the subcommands: parsing the command line (the shared
 * options and the one number rule), reading a FILE argument, decoding it
 * with diagnostics in the `FILE:LINE:COL: message` form that editors and
 * CI annotators understand, and printing text that came from a document
 * without letting it drive the terminal.
 *
 * Everything printed here goes to stderr unless a FILE * says otherwise.
 */
#ifndef CONFINFO_TOOLS_UTIL_H
#define CONFINFO_TOOLS_UTIL_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "confinfo/diag.h"
#include "confinfo/model.h"

struct input_limits;
struct room_policy;

/* ------------------------------------------------------------------ */
/* The command line (the convention of every parse function is in
 * commands.h: CMD_RUN, or the exit status). */

/*
 * The one number rule of the command line: the @p len bytes at @p s are
 * decimal digits only, at least one; no sign, no space, no base prefix
 * (strtoul() would read "-1" as ULONG_MAX and " 5" or "+5" as 5, and a
 * value that is not what was typed is worse than a usage error). Returns
 * 0 with *out set; EINVAL when it is not digits only, ERANGE when the
 * value is outside @p min..@p max (an overflow included).
 */
int tool_parse_uint_n(const char *s, size_t len, uint64_t min, uint64_t max,
		      uint64_t *out);

/* tool_parse_uint_n() on the whole string @p s. */
int tool_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/*
 * A command's own options (those tool_parse_opts() leaves to it): apply
 * the getopt_long() result @p c with its argument @p arg (NULL for a flag)
 * to @p ctx. Returns CMD_RUN, or the exit status once the reason is
 * printed.
 */
typedef int(tool_opt_h)(void *ctx, int c, const char *arg);

/* The command line a command accepts. */
struct tool_cli {
	const char *cmd;   /* "lint": for messages                  */
	const char *usage; /* printed by -h and --help              */
	/* printed after it, NULL: nothing (a string literal over 4095
	 * bytes is not portable C: long help comes in two parts) */
	const char *usage_more;
	const char *shortopts;         /* for getopt_long(), "h" included */
	const struct option *longopts; /* ends with {NULL, 0, NULL, 0}    */
	struct input_limits *limits;   /* LIMITS go there; NULL: none      */
	struct room_policy *policy;    /* policy options; NULL: none       */
};

/*
 * Parse the options of @p argv (argv[0] the command's name) by @p cli:
 * -h/--help prints the usage, the limit and policy options fill
 * cli->limits and cli->policy, getopt_long()'s complaints get the --help
 * hint, and every other option goes to @p own with @p ctx (@p own NULL:
 * the command has none). Returns CMD_RUN with optind at the first operand
 * once every option is applied; otherwise the exit status: 0 after
 * --help, 1 when the help could not be written, what an option handler
 * returned, or EXIT_USAGE.
 */
int tool_parse_opts(const struct tool_cli *cli, int argc, char **argv,
		    tool_opt_h *own, void *ctx);

/* ------------------------------------------------------------------ */
/* Documents. */

/*
 * One input document of a command: the FILE argument, the name used in
 * messages ("<stdin>" for "-"), the limits it is read and merged within,
 * and the diagnostics of everything done with it (decode, merge, chat room
 * listing). Its warning callback prints `NAME:LINE:COL: warning: message`
 * at once, so warnings appear in input order even when a later step
 * fails. Initialise with tool_doc_init().
 */
struct tool_doc {
	const char *path;
	const char *name;
	const struct input_limits *limits;
	struct confinfo_diag diag;
	/* --smime-ca: the CA file; the FILE may then be in the signed MIME
	 * form (smime_doc.c), verified before it is decoded. NULL: plain. */
	const char *smime_ca;
};

/*
 * Set up @p doc for the FILE argument @p path ("-" is standard input),
 * to be read within @p limits (input_limits.h; the command line's, which
 * must outlive @p doc).
 */
void tool_doc_init(struct tool_doc *doc, const char *path,
		   const struct input_limits *limits);

/*
 * Zero @p diag and make it print warnings as `NAME[:LINE[:COL]]: warning:
 * message`. @p name must outlive the diag (argv strings and literals do).
 */
void tool_diag_init(struct confinfo_diag *diag, const char *name);

/*
 * Read and decode @p doc within its limits' xml. On failure the reason has
 * been printed as `NAME:LINE:COL: message` (or `NAME: message` when no
 * position applies) and the errno is returned; *confp is written only on
 * success and then owned by the caller (confinfo_conf_free()). The input
 * is capped at the body limit (--max-bytes, by default the decoder's)
 * while it is read, so a huge file or an endless pipe costs at most that
 * much memory.
 */
int tool_doc_load(struct tool_doc *doc, struct confinfo_conf **confp);

/* tool_doc_load() of a FILE that may be in the signed MIME form
 * (smime_doc.c): verified against doc->smime_ca, which is reported (a
 * signature that fails is an error, an unsigned FILE a warning), then the
 * inner document decoded. Only in builds with the SIP library. */
int tool_doc_load_signed(struct tool_doc *doc, struct confinfo_conf **confp);

/*
 * Print the failure recorded in @p d (its message, or strerror(@p err)
 * when the library left none) as `NAME[:LINE[:COL]]: msg`. A limit
 * exceeded ends the message with the option that raises it: `... (raise
 * with --max-users)`.
 */
void tool_report_diag(const char *name, const struct confinfo_diag *d, int err);

/*
 * tool_report_diag() of the failure recorded in @p doc->diag, then clear
 * it so that the diag can serve the next step.
 */
void tool_doc_fail(struct tool_doc *doc, int err);

/*
 * True if @p conf (decoded from @p doc) is a full state, the only kind
 * that can be a base or a side of a diff; otherwise say so and return
 * false.
 */
bool tool_require_full(const struct tool_doc *doc,
		       const struct confinfo_conf *conf);

/*
 * Print `NAME[:LINE[:COL]]: [warning: ]MESSAGE` on stderr, escaping the
 * message (it may quote the document). @p line 0 leaves out the position.
 */
void tool_report(const char *name, unsigned line, unsigned column, bool warning,
		 const char *msg);

/*
 * Refuse a command line that names standard input more than once (the
 * second read would see an empty stream and fail confusingly). Prints the
 * usage error and returns false in that case.
 */
bool tool_stdin_once(const char *cmd, int count, char **paths);

/*
 * Print `confinfo CMD: MESSAGE` and the hint to run --help on stderr, and
 * return EXIT_USAGE, for `return tool_usage_error(...)`.
 */
int tool_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * After getopt_long() has complained about an option (it prints the
 * reason itself), add the hint to run --help and return EXIT_USAGE.
 */
int tool_usage_hint(const char *cmd);

/*
 * Write @p s to @p f escaped for a terminal: confinfo_text_fputs() in the
 * CONFINFO_TEXT_BACKSLASH style (text.h), so that controls, bidi
 * formatting and invisible characters show as `\x1b` or `\u202e`, on the
 * library's one list. NULL prints as "-". A failed write to standard
 * output shows in tool_stdout_ok().
 */
void tool_fputs_safe(FILE *f, const char *s);

/*
 * fprintf() for lines that show text from documents or from the network:
 * every %s is written by tool_fputs_safe(), escaped (NULL as "-"), so no
 * string can be printed raw by mistake. The other conversions are %d,
 * %u, %lu, %zu and %%, without flags, width or precision (anything else
 * is a programming error and aborts). Returns nothing: a failed write to
 * standard output shows in tool_stdout_ok().
 */
void tool_printf(FILE *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Flush standard output and check that everything was written; on failure
 * print `confinfo CMD: write error: ...` and return false. Commands call it
 * before returning success, so that `confinfo show x >/dev/full` fails.
 */
bool tool_stdout_ok(const char *cmd);

#endif
