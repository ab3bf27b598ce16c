/*
 * Look-alike room hosts: UTS #39 confusable skeletons (ICU's spoof
 * checker).
 *
 * Two strings are confusable when their skeletons are equal: the skeleton
 * maps every character to a prototype of what it looks like (Cyrillic "с"
 * to Latin "c", "0" to "O", "m" to "rn"). A room host is a look-alike when
 * it is not the conference host but has its skeleton, or when one of its
 * labels is not a label of the conference host but has the skeleton of
 * one ("chat.сonf.example.com" for conference "conf.example.com"). Labels
 * matter because the related-domain rules accept sub-domains: the whole
 * hosts of that example differ in skeleton, yet the user reads "conf".
 *
 * ICU's checker is opened once per process (pthread_once) and then only
 * read: ICU documents a configured USpoofChecker as safe to share between
 * threads for its const functions, uspoof_getSkeletonUTF8 among them.
 * Opening costs about 7 ms the first time (loading the confusables data),
 * a skeleton about 1 us; a check of two 20-label hosts stays well under a
 * millisecond.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <unicode/uspoof.h>

#include "chat/chat_int.h"
#include "model/alloc.h"

/* 253 octets hold at most 127 labels. */
#define MAX_LABELS 127

static pthread_once_t checker_once = PTHREAD_ONCE_INIT;
static USpoofChecker *checker;
static UErrorCode checker_status = U_ZERO_ERROR;

static void checker_open(void)
{
	checker = uspoof_open(&checker_status);
	if (U_FAILURE(checker_status))
		checker = NULL;
}

/* The skeleton of @p len bytes of @p s, malloc'd, in *outp. ENOMEM, or
 * EILSEQ with the ICU error in *statusp (the host is then unchecked). */
static int skeleton(char **outp, const char *s, size_t len, UErrorCode *statusp)
{
	UErrorCode st = U_ZERO_ERROR;
	int32_t n;
	char *out;

	/* Preflight: the skeleton may be longer than the input ("m" is
	 * "rn"). */
	n = uspoof_getSkeletonUTF8(checker, 0, s, (int32_t)len, NULL, 0, &st);
	if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st)) {
		*statusp = st;
		return EILSEQ;
	}
	out = ci_malloc((size_t)n + 1);
	if (!out)
		return ENOMEM;
	st = U_ZERO_ERROR;
	uspoof_getSkeletonUTF8(checker, 0, s, (int32_t)len, out, n + 1, &st);
	if (U_FAILURE(st)) {
		ci_free(out);
		*statusp = st;
		return EILSEQ;
	}
	*outp = out;
	return 0;
}

struct labels {
	const char *ptr[MAX_LABELS];
	size_t len[MAX_LABELS];
	size_t n;
};

static void split(struct labels *l, const char *host)
{
	const char *p = host;

	l->n = 0;
	while (l->n < MAX_LABELS) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);

		l->ptr[l->n] = p;
		l->len[l->n++] = len;
		if (!dot)
			break;
		p = dot + 1;
	}
}

static bool has_label(const struct labels *l, const char *s, size_t len)
{
	for (size_t i = 0; i < l->n; i++) {
		if (l->len[i] == len && !memcmp(l->ptr[i], s, len))
			return true;
	}
	return false;
}

/* The label test: *ip and *jp are the room's label and the conference's
 * label it imitates, or stay unset. */
static int label_lookalike(const struct labels *room, const struct labels *conf,
			   size_t *ip, size_t *jp, UErrorCode *statusp)
{
	char *cs[MAX_LABELS] = {NULL}, *rs = NULL;
	int err = 0;

	for (size_t j = 0; j < conf->n && !err; j++)
		err = skeleton(&cs[j], conf->ptr[j], conf->len[j], statusp);
	for (size_t i = 0; i < room->n && !err; i++) {
		/* A label the conference host has is its own, whatever else
		 * it looks like. */
		if (has_label(conf, room->ptr[i], room->len[i]))
			continue;
		err = skeleton(&rs, room->ptr[i], room->len[i], statusp);
		for (size_t j = 0; !err && j < conf->n; j++) {
			if (!strcmp(rs, cs[j])) {
				*ip = i;
				*jp = j;
				goto out;
			}
		}
		ci_free(rs);
		rs = NULL;
	}
out:
	ci_free(rs);
	for (size_t j = 0; j < conf->n; j++)
		ci_free(cs[j]);
	return err;
}

int chat_lookalike(const char *room, const char *conf, char *why, size_t size,
		   bool *lookalikep)
{
	UErrorCode st = U_ZERO_ERROR;
	struct labels rl, cl;
	char *rsk = NULL, *csk = NULL;
	size_t i = SIZE_MAX, j = SIZE_MAX;
	bool found = false;
	int err;

	if (!strcmp(room, conf)) {
		*lookalikep = false;
		return 0;
	}
	pthread_once(&checker_once, checker_open);
	if (!checker) {
		st = checker_status;
		err = EILSEQ;
		goto out;
	}
	err = skeleton(&rsk, room, strlen(room), &st);
	if (!err)
		err = skeleton(&csk, conf, strlen(conf), &st);
	if (err)
		goto out;
	if (!strcmp(rsk, csk)) {
		snprintf(why, size,
			 "host %s looks like the conference host %s (same "
			 "UTS #39 skeleton)",
			 room, conf);
		found = true;
		goto out;
	}
	split(&rl, room);
	split(&cl, conf);
	err = label_lookalike(&rl, &cl, &i, &j, &st);
	if (!err && i != SIZE_MAX) {
		snprintf(why, size,
			 "label '%.*s' of host %s looks like '%.*s' of the "
			 "conference host %s (same UTS #39 skeleton)",
			 (int)rl.len[i], rl.ptr[i], room, (int)cl.len[j],
			 cl.ptr[j], conf);
		found = true;
	}
out:
	if (err == EILSEQ) {
		/* Unchecked is not "no look-alike": the safe answer. */
		snprintf(why, size,
			 "host %s could not be checked for look-alikes (ICU: "
			 "%s)",
			 room, u_errorName(st));
		found = true;
		err = 0;
	}
	ci_free(rsk);
	ci_free(csk);
	if (!err)
		*lookalikep = found;
	return err;
}
