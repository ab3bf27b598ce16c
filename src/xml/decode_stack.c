/*
 * The decoder's frame stack and text buffer, grown out of line (dec_push()
 * and the text paths call here only when they are full), and the test
 * hook that turns the short paths off. Below every file of the decoder
 * but decode_diag.c.
 */
#include <string.h>

#include "model/alloc.h"
#include "xml/decode_int.h"

bool dec_general_only;

/* dec_push() when the stack is full: grow it, then push. */
struct dec_frame *dec_push_grow(struct dec *d, enum dec_kind kind,
				const xmlChar *name, void *obj)
{
	unsigned cap = d->frames_cap * 2;
	struct dec_frame *frames;

	/* The first frames live inside struct dec: most documents never
	 * need the heap for them. */
	if (d->frames == d->inline_frames) {
		frames = ci_malloc(cap * sizeof(*frames));
		if (frames)
			memcpy(frames, d->frames, d->nframes * sizeof(*frames));
	} else {
		frames = ci_realloc(d->frames, cap * sizeof(*frames));
	}
	if (!frames) {
		dec_nomem(d);
		return NULL;
	}
	d->frames = frames;
	d->frames_cap = cap;
	dec_fast_frames(d);
	return dec_push(d, kind, name, obj);
}

int dec_text_reserve(struct dec *d, size_t size)
{
	size_t cap;
	char *p;

	if (size <= d->text_cap)
		return 0;
	cap = d->text_cap ? d->text_cap * 2 : 256;
	if (cap < size)
		cap = size;
	p = ci_realloc(d->text, cap);
	if (!p)
		return dec_nomem(d);
	d->text = p;
	d->text_cap = cap;
	return 0;
}
