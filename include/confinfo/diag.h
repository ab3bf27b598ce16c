/**
 * @file diag.h
 * @brief Diagnostics shared by every confinfo module.
 *
 * Functions return an errno-style int (0 on success). When the caller wants
 * to know more than the errno, it passes a struct confinfo_diag: on failure
 * the function fills in a human readable message and, for XML input, the
 * line and column where the problem was found. Warnings (things that are
 * legal but suspicious, such as a partial document relying on the default
 * state "full") are reported through an optional callback and never change
 * the outcome of a call.
 *
 * Since 0.1.
 */
#ifndef CONFINFO_DIAG_H
#define CONFINFO_DIAG_H

#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Size of confinfo_diag.message, including the terminating NUL. */
#define CONFINFO_DIAG_MSG_SIZE 256

/**
 * Warning callback.
 *
 * @param line    1-based line of the input the warning is about, 0 if none
 * @param column  1-based column, 0 if none
 * @param msg     the warning text; only valid during the call
 * @param arg     the caller's pointer from confinfo_diag.warn_arg
 */
typedef void(confinfo_warn_h)(unsigned line, unsigned column, const char *msg,
			      void *arg);

/**
 * Outcome details of a call. Zero-initialise it before use; a NULL pointer
 * wherever a function takes one means "I do not need details".
 */
struct confinfo_diag {
	int err;         /**< errno of the failure, 0 when none           */
	unsigned line;   /**< 1-based line of the failure, 0 if not input */
	unsigned column; /**< 1-based column, 0 if not input              */
	char message[CONFINFO_DIAG_MSG_SIZE]; /**< failure text, "" if none */
	confinfo_warn_h *warnh; /**< optional warning callback            */
	void *warn_arg;         /**< passed to warnh                      */
	unsigned warnings;      /**< number of warnings reported          */
	/** When the failure is a limit exceeded: the name of that limit, as
	 *  the field of struct confinfo_xml_limits (decoding: "max_body",
	 *  "max_depth", "max_users", "max_endpoints", "max_media",
	 *  "max_entries", "max_string", "max_ext") or of struct
	 *  confinfo_merge_limits (merging: "max_users",
	 *  "max_endpoints_per_user", "max_media_per_endpoint",
	 *  "max_entries_per_list", "max_sidebars") that refused the input,
	 *  so that a program can offer to raise it; NULL otherwise. Static
	 *  strings. Since 0.1. */
	const char *limit;
};

/**
 * Record a failure in @p diag (which may be NULL) and return @p err, so that
 * callers can write `return confinfo_diag_fail(d, EINVAL, 0, 0, "...")`.
 * The first failure recorded wins: later calls do not overwrite it.
 */
int confinfo_diag_fail(struct confinfo_diag *diag, int err, unsigned line,
		       unsigned column, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/** Report a warning through @p diag's callback, if any, and count it. */
void confinfo_diag_warn(struct confinfo_diag *diag, unsigned line,
			unsigned column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/** Clear a previous failure, keeping the warning callback. */
void confinfo_diag_reset(struct confinfo_diag *diag);

#ifdef __cplusplus
}
#endif

#endif
