/*
 * Deadlines of the notifier (subscription expiry, end of a rate window)
 * kept in a binary min-heap driven by ONE libre timer.
 *
 * Why not a libre timer per subscription: libre keeps its timers in a
 * list sorted on insert, so with tens of thousands of subscriptions every
 * tmr_start() walks the list and the notifier spends its time there. The
 * heap costs O(log n) per start or cancel, and libre only ever sees the
 * earliest deadline.
 */
#ifndef CONFINFO_SIPNOT_SCHED_H
#define CONFINFO_SIPNOT_SCHED_H

#include <stddef.h>
#include <stdint.h>

#include <re.h>

typedef void(sipnot_sched_h)(void *arg);

/* One deadline, embedded in its owner. Zero-initialised = not scheduled. */
struct sipnot_sched_ent {
	uint64_t due; /* tmr_jiffies() milliseconds */
	size_t pos;   /* heap slot + 1, 0 when not scheduled */
	sipnot_sched_h *h;
	void *arg;
};

struct sipnot_sched {
	struct sipnot_sched_ent **heap;
	size_t count;
	size_t cap;
	struct tmr tmr;
	uint64_t armed; /* due of the libre timer, 0 when idle */
};

void sipnot_sched_init(struct sipnot_sched *s);
/* Forget every deadline (their owners are not told) and free the heap. */
void sipnot_sched_close(struct sipnot_sched *s);
/* (Re)schedule @p e at @p due: @p h(arg) runs from the loop once
 * tmr_jiffies() >= due. ENOMEM leaves @p e as it was. */
int sipnot_sched_start(struct sipnot_sched *s, struct sipnot_sched_ent *e,
		       uint64_t due, sipnot_sched_h *h, void *arg);
/* Unschedule @p e (nothing happens if it is not scheduled). */
void sipnot_sched_cancel(struct sipnot_sched *s, struct sipnot_sched_ent *e);

static inline int sipnot_sched_pending(const struct sipnot_sched_ent *e)
{
	return e->pos != 0;
}

#endif
