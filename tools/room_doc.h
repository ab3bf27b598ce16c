/*
 * The commands that read one document and check its chat rooms against
 * the conference URI subscribed to (room_doc.c): `rooms` and `show`. They
 * share their command line,
 *   [-j|--json] [-c|--conference URI] [policy options] [limit options]
 *   [-h|--help] FILE,
 * and their steps: the conference URI is parsed before the document is
 * read (a bad one is a usage error whatever the document), the user count
 * comes from the document, and a document whose entity is not the
 * conference URI is reported; only what they print differs.
 */
#ifndef CONFINFO_TOOLS_ROOM_DOC_H
#define CONFINFO_TOOLS_ROOM_DOC_H

#include <stdbool.h>

#include "confinfo/model.h"
#include "confinfo/uri.h"
#include "util.h"
#include "verdict.h"

/* What a command prints from. */
struct room_doc {
	bool json;                       /* --json                          */
	struct tool_doc doc;             /* the FILE, its name, its diag    */
	struct confinfo_conf *conf;      /* the document                    */
	struct confinfo_uri *conference; /* NULL without --conference       */
	/* With a conference: the settings of the checks (policy, the
	 * document's user count), and whether a room was invalid. */
	struct verdict_check check;
	bool entity_matches; /* the entity is the conference URI       */
};

/* Print @p rd on standard output: 0 or an errno (ENOMEM, EIO, ...). */
typedef int(room_doc_print_h)(struct room_doc *rd);

/*
 * The main function of a command named @p cmd. --help prints @p usage.
 * With @p rooms_command the command is about the rooms (`rooms`):
 * --conference is required and an invalid room makes it exit 1.
 * Otherwise (`show`) --conference is optional, invalid rooms are only
 * marked, and the policy options need --conference (without it they
 * would change nothing while the user believes the rooms were checked
 * under them).
 *
 * Returns the exit status: 0; 1 for an unreadable or invalid document, a
 * failed @p print, output that could not be written, or (rooms) an
 * invalid room; EXIT_USAGE for a usage error or an invalid conference
 * URI. Every failure is said on standard error.
 */
int room_doc_main(const char *cmd, const char *usage, bool rooms_command,
		  room_doc_print_h *print, int argc, char **argv);

#endif
