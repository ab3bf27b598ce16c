/*
 * A binary min-heap of deadlines behind a single libre timer (sched.h
 * says why).
 */
#include <errno.h>
#include <stdlib.h>

#include "sched.h"

static void sched_fire(void *arg);

static void heap_set(struct sipnot_sched *s, size_t i,
		     struct sipnot_sched_ent *e)
{
	s->heap[i] = e;
	e->pos = i + 1;
}

static void sift_up(struct sipnot_sched *s, size_t i)
{
	struct sipnot_sched_ent *e = s->heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (s->heap[parent]->due <= e->due)
			break;
		heap_set(s, i, s->heap[parent]);
		i = parent;
	}
	heap_set(s, i, e);
}

static void sift_down(struct sipnot_sched *s, size_t i)
{
	struct sipnot_sched_ent *e = s->heap[i];

	for (;;) {
		size_t child = 2 * i + 1;

		if (child >= s->count)
			break;
		if (child + 1 < s->count &&
		    s->heap[child + 1]->due < s->heap[child]->due)
			child++;
		if (e->due <= s->heap[child]->due)
			break;
		heap_set(s, i, s->heap[child]);
		i = child;
	}
	heap_set(s, i, e);
}

/* Point the libre timer at the earliest deadline. Re-arming only when the
 * earliest deadline moves keeps libre's sorted list out of the hot path. */
static void rearm(struct sipnot_sched *s)
{
	uint64_t now, due;

	if (!s->count) {
		tmr_cancel(&s->tmr);
		s->armed = 0;
		return;
	}
	due = s->heap[0]->due;
	if (s->armed == due && tmr_isrunning(&s->tmr))
		return;
	now = tmr_jiffies();
	tmr_start(&s->tmr, due > now ? due - now : 0, sched_fire, s);
	s->armed = due;
}

static void heap_remove(struct sipnot_sched *s, struct sipnot_sched_ent *e)
{
	size_t i = e->pos - 1;
	struct sipnot_sched_ent *last = s->heap[--s->count];

	e->pos = 0;
	if (last == e)
		return;
	heap_set(s, i, last);
	if (i > 0 && s->heap[(i - 1) / 2]->due > last->due)
		sift_up(s, i);
	else
		sift_down(s, i);
}

static void sched_fire(void *arg)
{
	struct sipnot_sched *s = arg;
	uint64_t now = tmr_jiffies();

	s->armed = 0;
	/* Handlers may start and cancel entries, so take one at a time. */
	while (s->count && s->heap[0]->due <= now) {
		struct sipnot_sched_ent *e = s->heap[0];

		heap_remove(s, e);
		e->h(e->arg);
	}
	rearm(s);
}

void sipnot_sched_init(struct sipnot_sched *s)
{
	s->heap = NULL;
	s->count = s->cap = 0;
	s->armed = 0;
	tmr_init(&s->tmr);
}

void sipnot_sched_close(struct sipnot_sched *s)
{
	tmr_cancel(&s->tmr);
	for (size_t i = 0; i < s->count; i++)
		s->heap[i]->pos = 0;
	free(s->heap);
	s->heap = NULL;
	s->count = s->cap = 0;
}

int sipnot_sched_start(struct sipnot_sched *s, struct sipnot_sched_ent *e,
		       uint64_t due, sipnot_sched_h *h, void *arg)
{
	if (!e->pos && s->count == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct sipnot_sched_ent **heap;

		heap = realloc(s->heap, cap * sizeof(*heap));
		if (!heap)
			return ENOMEM;
		s->heap = heap;
		s->cap = cap;
	}
	e->h = h;
	e->arg = arg;
	if (e->pos) {
		size_t i = e->pos - 1;

		e->due = due;
		if (i > 0 && s->heap[(i - 1) / 2]->due > due)
			sift_up(s, i);
		else
			sift_down(s, i);
	} else {
		e->due = due;
		s->heap[s->count] = e;
		sift_up(s, s->count++);
	}
	rearm(s);
	return 0;
}

void sipnot_sched_cancel(struct sipnot_sched *s, struct sipnot_sched_ent *e)
{
	if (!e->pos)
		return;
	heap_remove(s, e);
	rearm(s);
}
