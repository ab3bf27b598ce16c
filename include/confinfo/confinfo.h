/**
 * @file confinfo.h
 * @brief Everything of libconfinfo in one include.
 *
 * libconfinfo keeps the state of an RFC 4575 conference (model.h), reads
 * and writes it as application/conference-info+xml (xml.h), applies
 * notifications (merge.h), computes them (diff.h), checks the chat rooms
 * of RFC 7106 (uri.h, chat.h), and escapes untrusted text for display
 * (text.h). It has no SIP dependency. The SIP layer on
 * libre (notifier.h, subscriber.h, store.h) is separate and not included
 * here.
 *
 * Since 0.1.
 */
#ifndef CONFINFO_H
#define CONFINFO_H

#include "confinfo/chat.h"
#include "confinfo/diag.h"
#include "confinfo/diff.h"
#include "confinfo/merge.h"
#include "confinfo/model.h"
#include "confinfo/text.h"
#include "confinfo/uri.h"
#include "confinfo/xml.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The version of the library the program was compiled against. */
#define CONFINFO_VERSION_MAJOR 0
#define CONFINFO_VERSION_MINOR 1
#define CONFINFO_VERSION_PATCH 0

/** The version of the library the program runs with, e.g. "0.1.0". */
const char *confinfo_version(void);

#ifdef __cplusplus
}
#endif

#endif
