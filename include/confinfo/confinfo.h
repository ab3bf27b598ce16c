/**
 * @file confinfo.h
 * @brief Everything of libconfinfo in one include.
 *
 * libconfinfo keeps the state of an RFC 4575 conference (model.h), reads
 * and writes it as application/conference-info+xml (xml.h), applies
 * notifications (merge.h), computes them (diff.h), tells a client who is
 * present and what changed (roster.h), checks the chat rooms of RFC 7106
 * (uri.h, chat.h), renders per-subscriber views with private participants
 * anonymised (view.h), and escapes untrusted text for display (text.h). It
 * has no SIP dependency. The SIP layer on libre (notifier.h, subscriber.h,
 * sipstack.h: libconfinfo-sip) and the SQLite store (store.h:
 * libconfinfo-store) are separate libraries, not included here. The
 * version macros are in version.h.
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
#include "confinfo/roster.h"
#include "confinfo/text.h"
#include "confinfo/uri.h"
#include "confinfo/version.h"
#include "confinfo/view.h"
#include "confinfo/xml.h"

#endif
