/*
 * Document generator for the benchmarks: valid conference-info documents
 * of N users, written directly as text (not through the library encoder,
 * so that decode is measured on input the library did not produce).
 *
 * Shape of a full document (see bench/README.md):
 * - conference-description with display-text, subject, free-text,
 *   keywords, two conf-uris, three service-uris (one of them a
 *   grouptextchat room, RFC 7106), maximum-user-count and two
 *   available-media entries; host-info; conference-state;
 * - N users, each with display-text, roles, languages (a quarter also
 *   with associated-aors) and 2 endpoints (a laptop and a video phone),
 *   each endpoint with status, joining-method, joining-info (when, by),
 *   2 media (audio and video, with label, src-id and status) and
 *   call-info/sip. That is "2 endpoints' worth of media": 4 media a user.
 *
 * The partial notification changes the status of the video stream of one
 * user's laptop endpoint; the user, endpoint and media are written with
 * explicit state="partial" and a complete <media> element (so that
 * replacing or merging that media gives the same result).
 */
#ifndef CONFINFO_BENCH_GEN_H
#define CONFINFO_BENCH_GEN_H

#include <stddef.h>
#include <stdint.h>

/* A growable output buffer, NUL-terminated once anything was written. */
struct gen_buf {
	char *data;
	size_t len;
	size_t cap;
};

void gen_buf_free(struct gen_buf *b);

/* The conference entity every generated document uses. */
#define GEN_CONF_ENTITY "sips:allhands@conf.example.com"

/*
 * Write a full document of @p users users with root version @p version
 * into @p b (which is emptied first). 0 or ENOMEM.
 */
int gen_full(struct gen_buf *b, size_t users, uint32_t version);

/*
 * Write the one-user partial notification for a state of @p users users
 * (version @p version, which should be the state's version + 1). It
 * changes user gen_partial_user(users): variant 0 sets its laptop's video
 * to "inactive", variant 1 back to "sendrecv" (its value in the full
 * document). @p users must be > 0. 0, EINVAL or ENOMEM.
 */
int gen_partial(struct gen_buf *b, size_t users, uint32_t version,
		unsigned variant);

/* Index of the user the partial changes: the middle one. */
size_t gen_partial_user(size_t users);

/* Entity of user @p i, endpoint @p ep (0 laptop, 1 phone), written into
 * @p dst of @p size bytes; media ids are "1" (audio) and "2" (video). */
void gen_user_entity(char *dst, size_t size, size_t i);
void gen_endpoint_entity(char *dst, size_t size, size_t i, unsigned ep);

#endif
