/**
 * @file store.h
 * @brief Persistent conference state (SQLite or PostgreSQL) for a
 *        restartable focus, and for several focus nodes sharing it.
 *
 * The focus stores the last served state of every conference and where it
 * came from, so that a restarted focus serves exactly what it served
 * before. Subscriptions are not stored: after a restart subscribers
 * refreshing an old dialog get 481 and subscribe again.
 *
 * A SQLite database file, in WAL mode. Every put is its own
 * transaction, durable when the call returns (synchronous=FULL would also
 * survive power loss; NORMAL, the setting used, survives a crash of the
 * process, which is what a restart test checks).
 *
 * Since 0.2 the store may also be a PostgreSQL database shared by several
 * focus nodes (docs/scale-out.md): every saved change gets a version from
 * one database-wide sequence (so versions never go back, even across a
 * removal), is committed in its own transaction under a per-conference
 * lock (two writers of one conference are serialised: the later commit
 * is the state, with the higher version), and is announced on the
 * channel `confinfo` (NOTIFY, payload "VERSION NAME"), which every open
 * store LISTENs on: confinfo_store_fd() and confinfo_store_poll() let an
 * event loop learn of the other nodes' changes. The library runs no
 * event loop and no timer of its own.
 *
 * Since 0.2 a SQLite file may likewise be shared by several processes of
 * one machine (the workers of one focus), with the same calls: versions
 * from one database-wide counter, taken in the save's write transaction
 * (one writer at a time: commit order is version order); a removal is
 * kept as a tombstone carrying its version (dropped a day later), which
 * scan, load and get do not return. Each open store binds a Linux
 * abstract unix datagram socket (confinfo_store_fd()) and registers it
 * as an empty file in the directory `<db>.peers/` (created, mode 0700,
 * next to the file); a save pokes every other registered store, whose
 * confinfo_store_poll() then reads every change above the versions it
 * has seen. A poke only wakes, so a lost one loses no change. Where
 * `<db>.peers/` cannot be made (a read-only place), the store works for
 * its own process only: confinfo_store_fd() is -1, and the open says so
 * through the warning callback of its diag. A store must be opened in
 * the process that uses it (after a fork, not before), as SQLite itself
 * requires; the processes must share one network namespace (abstract
 * sockets belong to it). Files of schema version 1 (0.1) are upgraded in
 * place at open, their rows given versions; 0.1 then refuses the file.
 *
 * Since 0.1.
 */
#ifndef CONFINFO_STORE_H
#define CONFINFO_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "confinfo/diag.h"
#include "confinfo/model.h"
#include "confinfo/xml.h"

#ifdef __cplusplus
extern "C" {
#endif

struct confinfo_store;

/**
 * Open (creating if needed) the store at @p path: a file path (SQLite),
 * or, since 0.2, a PostgreSQL connection string, either a URI
 * (`postgresql://` or `postgres://`) or a libpq conninfo with at least
 * one `key=value` (`host=127.0.0.1 port=5432 dbname=confinfo`). The
 * PostgreSQL tables are created, or upgraded, at open (a
 * confinfo_schema table holds their version); so are the SQLite ones
 * (PRAGMA user_version), and the SQLite store registers in `<path>.peers/`
 * (see above).
 *
 * @param sp    on success the store (confinfo_store_close())
 * @param diag  optional: SQLite's or libpq's message on failure; a
 *              warning when a SQLite store cannot register in
 *              `<path>.peers/` (it then works for this process only)
 * @return 0, EIO (cannot open or connect, or not a confinfo store),
 *         EPROTO (written by a newer confinfo: unknown schema version),
 *         ENOTSUP (a PostgreSQL string, but built without libpq),
 *         ENOMEM, EINVAL
 */
int confinfo_store_open(struct confinfo_store **sp, const char *path,
			struct confinfo_diag *diag);

/**
 * Whether confinfo_store_open() would take @p path for a PostgreSQL
 * connection string (a store shared by several nodes) rather than a file
 * path: a `postgresql://` or `postgres://` URI, or a conninfo (has '='
 * and no '/'). Lets a program configure itself for a shared store before
 * opening it. Since 0.2.
 */
bool confinfo_store_is_shared(const char *path);

/** Close the store (a SQLite store unregisters from `<path>.peers/`).
 * NULL is fine. */
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

/**
 * Record @p state (full; copied as XML) as the state of conference
 * @p name fed by @p source, or remove the conference (@p state NULL), in
 * one transaction that is committed when the call returns 0. The change
 * is announced to the other stores (PostgreSQL: NOTIFY; SQLite: a poke
 * to every store registered in `<path>.peers/`; a registration whose
 * process is gone is removed then). With SQLite, removing what is not
 * stored announces nothing (it still takes a version).
 *
 * @param versionp  optional: the version of the change, higher than
 *                  every version saved before in this store, by any
 *                  process or node (SQLite since 0.2 too)
 * @return 0, EINVAL, ENOMEM, EIO (the write failed or the connection is
 *         down: libpq's or SQLite's message in @p diag; nothing was
 *         stored). Since 0.2.
 */
int confinfo_store_save(struct confinfo_store *s, const char *name,
			const struct confinfo_conf *state, const char *source,
			uint64_t *versionp, struct confinfo_diag *diag);

/**
 * As confinfo_store_each_h, with the stored @p version. Since 0.2.
 */
typedef int(confinfo_store_each_version_h)(const char *name,
					   struct confinfo_conf *state,
					   const char *source, uint64_t version,
					   void *arg);

/**
 * confinfo_store_load() with the version of every conference. Since 0.2.
 */
int confinfo_store_scan(struct confinfo_store *s,
			const struct confinfo_xml_limits *limits,
			confinfo_store_each_version_h *h, void *arg,
			struct confinfo_diag *diag);

/**
 * Read conference @p name: @p h is called once with it (ownership as for
 * confinfo_store_load()).
 *
 * @return 0, ENOENT (not stored, or removed), EBADMSG (stored but does
 *         not decode within @p limits: message in @p diag), EIO, ENOMEM,
 *         or what @p h returned. Since 0.2 (SQLite: since 0.2 too; it
 *         answered ENOTSUP before versions).
 */
int confinfo_store_get(struct confinfo_store *s, const char *name,
		       const struct confinfo_xml_limits *limits,
		       confinfo_store_each_version_h *h, void *arg,
		       struct confinfo_diag *diag);

/**
 * The socket an event loop watches for readability to learn of changes
 * made through other stores (then it calls confinfo_store_poll()), or -1:
 * a SQLite store that could not register in `<path>.peers/`, or the
 * PostgreSQL connection is down. It changes after a reconnection:
 * read it again after confinfo_store_reconnect(), and after any call that
 * returned EIO (a SQLite store keeps its socket). Since 0.2.
 */
int confinfo_store_fd(const struct confinfo_store *s);

/**
 * Called by confinfo_store_poll() for every change announced: conference
 * @p name is now at @p version or later (removed if it is no longer
 * stored). @p name NULL: the connection was re-established, changes may
 * have been missed meanwhile: read everything again
 * (confinfo_store_scan()); SQLite never reports it. Since 0.2.
 */
typedef void(confinfo_store_changed_h)(const char *name, uint64_t version,
				       void *arg);

/**
 * Read the change announcements that arrived, without blocking, calling
 * @p h for each (changes of this store's own saves may be included:
 * compare versions). Call it when confinfo_store_fd() is readable, and
 * after every other call on the store (the connection may have read
 * announcements while waiting for an answer, and the socket will not be
 * readable for them again).
 *
 * With SQLite it drains the socket, then reads every row (tombstones
 * included) whose version is above the highest this store has reported,
 * and calls @p h once per conference, in version order, with no read in
 * progress (@p h may call confinfo_store_get()). However many pokes were
 * lost, the latest version of every conference changed is reported.
 *
 * @return 0, EIO (PostgreSQL: the connection is lost: libpq's message in
 *         @p diag; reconnect with confinfo_store_reconnect(); SQLite: the
 *         read failed, nothing was reported and the next poll reads again),
 *         ENOMEM, EINVAL. Since 0.2.
 */
int confinfo_store_poll(struct confinfo_store *s, confinfo_store_changed_h *h,
			void *arg, struct confinfo_diag *diag);

/**
 * Connect again after a loss, without blocking: start a connection, or
 * go on with the one started. EINPROGRESS: call again when
 * confinfo_store_fd() (which may be another socket each time) is
 * readable, or writable when *writep is true. 0: connected and
 * LISTENing again; the next confinfo_store_poll() reports the
 * reconnection (name NULL). A connection that does not complete within
 * 2 s is given up (EIO at the next call; the one after starts anew), so
 * a timer of the caller should call again too.
 * confinfo_store_save() reconnects (blocking) once by itself when its
 * first statement finds the connection dead, and fails at once (EIO)
 * while the connection is known to be down or reconnecting.
 *
 * @return 0 (also for SQLite), EINPROGRESS, EIO (still down: message in
 *         @p diag), EINVAL. Since 0.2.
 */
int confinfo_store_reconnect(struct confinfo_store *s, bool *writep,
			     struct confinfo_diag *diag);

#ifdef __cplusplus
}
#endif

#endif
