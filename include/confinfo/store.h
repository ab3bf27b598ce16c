/**
 * @file store.h
 * @brief Persistent conference state (SQLite) for a restartable focus.
 *
 * The focus stores the last served state of every conference and where it
 * came from, so that a restarted focus serves exactly what it served
 * before. Subscriptions are not stored: after a restart subscribers
 * refreshing an old dialog get 481 and subscribe again.
 *
 * One SQLite database file per focus, in WAL mode. Every put is its own
 * transaction, durable when the call returns (synchronous=FULL would also
 * survive power loss; NORMAL, the setting used, survives a crash of the
 * process, which is what a restart test checks).
 *
 * Since 0.1.
 */
#ifndef CONFINFO_STORE_H
#define CONFINFO_STORE_H

#include <stdint.h>

#include "confinfo/diag.h"
#include "confinfo/model.h"
#include "confinfo/xml.h"

#ifdef __cplusplus
extern "C" {
#endif

struct confinfo_store;

/**
 * Open (creating if needed) the store in file @p path.
 *
 * @param sp    on success the store (confinfo_store_close())
 * @param diag  optional: SQLite's message on failure
 * @return 0, EIO (cannot open or not a confinfo store), EPROTO (written
 *         by a newer confinfo: unknown schema version), ENOMEM, EINVAL
 */
int confinfo_store_open(struct confinfo_store **sp, const char *path,
			struct confinfo_diag *diag);

/** Close the store. NULL is fine. */
void confinfo_store_close(struct confinfo_store *s);

/**
 * Record @p state (a full state; copied as XML) as the state of
 * conference @p name, fed by @p source.
 *
 * @return 0, EINVAL, ENOMEM, EIO (write failed: message in @p diag)
 */
int confinfo_store_put(struct confinfo_store *s, const char *name,
		       const struct confinfo_conf *state, const char *source,
		       struct confinfo_diag *diag);

/** Forget conference @p name (0 also when it was not stored; EIO). */
int confinfo_store_remove(struct confinfo_store *s, const char *name,
			  struct confinfo_diag *diag);

/**
 * Called by confinfo_store_load() for every stored conference. @p state
 * is owned by the callee (confinfo_conf_free()); the strings are valid
 * during the call only. A non-zero return stops the load and is returned.
 */
typedef int(confinfo_store_each_h)(const char *name,
				   struct confinfo_conf *state,
				   const char *source, void *arg);

/**
 * Read every stored conference, in name order. Each state is decoded
 * within @p limits (xml.h; NULL: the decoder's defaults): pass the limits
 * the states were accepted under (confinfo_notifier_limits() of the
 * focus), or a state accepted under raised limits is refused at the next
 * load. A row that no longer decodes, or is over a limit, is skipped and
 * reported as a warning through @p diag (the other conferences still
 * load).
 *
 * @return 0, EIO, ENOMEM, or what @p h returned
 */
int confinfo_store_load(struct confinfo_store *s,
			const struct confinfo_xml_limits *limits,
			confinfo_store_each_h *h, void *arg,
			struct confinfo_diag *diag);

#ifdef __cplusplus
}
#endif

#endif
