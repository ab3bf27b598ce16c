/*
 * libFuzzer target: sequences of notifications through confinfo_merge_ex()
 * with small limits.
 *
 * The input is a sequence of documents separated by a line holding only
 * "--" (the bytes "\n--\n"; fuzz/merge.dict teaches it to the fuzzer).
 * Each document that decodes is merged into the state (NULL at first), and
 * after every step:
 * - APPLIED: the root has the document's version and is full (deleted if
 *   the document was; then with no content); a full document becomes the
 *   state as it is; and diff(before, after), sent through encode and
 *   decode like a real NOTIFY body, merges into `before` giving `after`;
 * - STALE, GAP, INVALID or an error: the state is the very same pointer
 *   and equal to a clone taken before (merge is atomic);
 * - always: encode(state) decodes back equal;
 * - APPLIED: a roster (roster.h) told only what the document touched
 *   reports exactly the events of one that compares every user: the
 *   O(touched) path is held to the general one, as test_decode_paths
 *   does for the decoder.
 * A violation aborts with a message naming the module at fault.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confinfo/diff.h"
#include "confinfo/merge.h"
#include "confinfo/roster.h"
#include "confinfo/xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SEPARATOR     "\n--\n"
#define MAX_DOCUMENTS 16

static const struct confinfo_xml_limits small = {
    .max_body = 64 * 1024,
    .max_depth = 16,
    .max_users = 32,
    .max_endpoints = 64,
    .max_media = 128,
    .max_entries = 128,
    .max_string = 1024,
    .max_ext = 4096,
};

/* Merge limits small enough that a few documents reach them, so that the
 * checks and their atomicity are fuzzed too; every applied state is within
 * them, and so is the diff of two such states. */
static const struct confinfo_merge_limits merge_small = {
    .max_users = 16,
    .max_endpoints_per_user = 4,
    .max_media_per_endpoint = 4,
    .max_entries_per_list = 8,
    .max_sidebars = 4,
};

static void die(const char *module, const char *what)
{
	fprintf(stderr, "fuzz_merge: [%s] %s\n", module, what);
	abort();
}

/* Encode @p conf and decode it back (limits generous enough for any
 * state built from small documents). Aborts unless it comes back equal;
 * returns the decoded copy. */
static struct confinfo_conf *roundtrip(const struct confinfo_conf *conf,
				       const char *what)
{
	struct confinfo_xml_limits lim;
	struct confinfo_diag diag = {0};
	struct confinfo_conf *again = NULL;
	char *out = NULL;
	size_t len = 0;

	int err = confinfo_xml_encode(&out, &len, conf);

	if (err) {
		fprintf(stderr, "encode: %s\n", strerror(err));
		die("xml encode", what);
	}
	confinfo_xml_limits_default(&lim);
	if (lim.max_body < len)
		lim.max_body = len;
	if (lim.max_ext < len)
		lim.max_ext = len;
	if (confinfo_xml_decode(&again, out, len, &lim, &diag)) {
		fprintf(stderr, "%s\n%u:%u: %s\n", out, diag.line, diag.column,
			diag.message);
		die("xml encode/decode", what);
	}
	if (!confinfo_conf_equal(conf, again)) {
		fprintf(stderr, "%s\n", out);
		die("xml encode/decode", what);
	}
	free(out);
	return again;
}

static int has_content(const struct confinfo_conf *c)
{
	return c->description || c->host_info || c->conf_state || c->users ||
	       c->sidebars_by_ref || c->sidebars_by_val;
}

/* diff(before, after) on the wire must take before to after. */
static void check_diff(const struct confinfo_conf *before,
		       const struct confinfo_conf *after)
{
	struct confinfo_conf *doc = NULL, *wire, *state = NULL;
	enum confinfo_merge_result res;
	int err;

	if (confinfo_state_effective(before->state) != CONFINFO_STATE_FULL ||
	    confinfo_state_effective(after->state) != CONFINFO_STATE_FULL ||
	    before->version.value == UINT32_MAX)
		return;
	err = confinfo_diff(&doc, before, after);
	if (err)
		die("diff", "diff of two full states of a conference failed");
	if (!doc->version.set ||
	    doc->version.value != before->version.value + 1)
		die("diff", "diff version is not old + 1");
	wire = roundtrip(doc, "a diff does not survive encode/decode");
	confinfo_conf_free(doc);
	if (confinfo_conf_clone(&state, before))
		die("model", "clone failed");
	err = confinfo_merge_ex(&state, wire, &merge_small, &res, NULL);
	if (err || res != CONFINFO_MERGE_APPLIED)
		die("diff/merge", "merge(old, diff(old, new)) not applied");
	state->version = after->version;
	if (!confinfo_conf_equal(state, after))
		die("diff/merge", "merge(old, diff(old, new)) != new");
	confinfo_conf_free(state);
}

/* The two rosters of one input: one told what each document touched,
 * one comparing everything. */
struct rosters {
	struct confinfo_roster *touched, *all;
};

static void put_roles(FILE *f, const struct confinfo_roles *r)
{
	for (size_t i = 0; r && i < r->count; i++)
		fprintf(f, "%s,", r->entries[i]);
}

/* One line per event, every field, so that two logs compare as text. */
static void log_event(const struct confinfo_roster_event *ev, void *arg)
{
	FILE *f = arg;

	fprintf(f, "%d|%s|%s|%p|", (int)ev->type, ev->entity ? ev->entity : "-",
		ev->display_text ? ev->display_text : "-", (void *)ev->user);
	put_roles(f, ev->old_roles);
	fputc('|', f);
	put_roles(f, ev->new_roles);
	fprintf(f, "|%s|%d|%d\n", ev->endpoint ? ev->endpoint : "-",
		(int)ev->old_status, (int)ev->new_status);
}

/* Update @p r with @p state and return its events as text (free()). */
static char *roster_log(struct confinfo_roster *r,
			const struct confinfo_conf *state,
			const struct confinfo_roster_changes *changes)
{
	char *log = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&log, &len);

	if (!f)
		die("fuzz", "open_memstream failed");
	if (confinfo_roster_update(r, state, changes, log_event, f))
		die("roster", "update failed");
	if (fclose(f))
		die("fuzz", "fclose failed");
	return log;
}

static void check_roster(struct rosters *rs, const struct confinfo_conf *state,
			 const struct confinfo_roster_changes *changes)
{
	char *a = roster_log(rs->touched, state, changes);
	char *b = roster_log(rs->all, state, NULL);

	if (strcmp(a, b)) {
		fprintf(stderr, "touched only:\n%s\neverything:\n%s\n", a, b);
		die("roster", "the events of the touched users differ from "
			      "those of a comparison of everything");
	}
	free(a);
	free(b);
}

static void step(struct confinfo_conf **statep, struct rosters *rs,
		 const char *buf, size_t len)
{
	struct confinfo_roster_changes *changes = NULL;
	struct confinfo_conf *doc = NULL, *before = NULL, *full = NULL, *old;
	enum confinfo_merge_result res = CONFINFO_MERGE_INVALID;
	enum confinfo_state doc_state;
	struct confinfo_u32 doc_version;
	int err;

	if (confinfo_xml_decode(&doc, buf, len, &small, NULL))
		return;
	/* What decode accepts, encode must write: checked here so that such
	 * a finding is not blamed on merge. */
	confinfo_conf_free(roundtrip(doc, "a decoded document does not survive "
					  "encode/decode"));
	doc_state = confinfo_state_effective(doc->state);
	doc_version = doc->version;
	if (doc_state == CONFINFO_STATE_FULL && confinfo_conf_clone(&full, doc))
		die("model", "clone failed");
	if (*statep && confinfo_conf_clone(&before, *statep))
		die("model", "clone failed");
	old = *statep;
	if (confinfo_roster_changes_from_doc(&changes, doc))
		die("roster", "changes_from_doc failed");

	err = confinfo_merge_ex(statep, doc, &merge_small, &res, NULL);
	if (err || res != CONFINFO_MERGE_APPLIED) {
		if (*statep != old)
			die("merge", "not applied, but the state was replaced");
		if (before ? !confinfo_conf_equal(before, *statep) : !!*statep)
			die("merge", "not applied, but the state changed");
		if (err && err != ENOMEM)
			die("merge", "an error other than ENOMEM");
	} else {
		const struct confinfo_conf *s = *statep;

		if (!s)
			die("merge", "applied, but no state");
		if (!doc_version.set || !s->version.set ||
		    s->version.value != doc_version.value)
			die("merge", "applied, but version != document's");
		if (doc_state == CONFINFO_STATE_DELETED) {
			if (s->state != CONFINFO_STATE_DELETED ||
			    has_content(s))
				die("merge", "deleted root, but state has "
					     "content or is not deleted");
		} else if (confinfo_state_effective(s->state) !=
			   CONFINFO_STATE_FULL) {
			die("merge", "applied, but the root is not full");
		}
		if (full && !confinfo_conf_equal(full, s))
			die("merge",
			    "a full document did not become the state");
		if (before)
			check_diff(before, s);
		check_roster(rs, s, changes);
	}
	confinfo_roster_changes_free(changes);
	if (*statep)
		confinfo_conf_free(
		    roundtrip(*statep, "the merged state does not survive "
				       "encode/decode"));
	confinfo_conf_free(full);
	confinfo_conf_free(before);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	struct confinfo_conf *state = NULL;
	struct rosters rs = {NULL, NULL};
	unsigned n = 0;

	if (confinfo_roster_alloc(&rs.touched) ||
	    confinfo_roster_alloc(&rs.all))
		die("roster", "alloc failed");
	while (n++ < MAX_DOCUMENTS) {
		const char *sep = NULL, *q;

		/* memmem is a GNU extension: search by hand. */
		for (q = p; q + sizeof(SEPARATOR) - 1 <= end; q++) {
			if (memcmp(q, SEPARATOR, sizeof(SEPARATOR) - 1) == 0) {
				sep = q;
				break;
			}
		}
		step(&state, &rs, p, (size_t)((sep ? sep : end) - p));
		if (!sep)
			break;
		p = sep + sizeof(SEPARATOR) - 1;
	}
	confinfo_conf_free(state);
	confinfo_roster_free(rs.touched);
	confinfo_roster_free(rs.all);
	return 0;
}
