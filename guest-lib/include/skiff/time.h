/*
 * skiff/time.h - time in a guest-lib guest: system time in ns from the
 * hypervisor's vcpu_time_info (no hypercall), the wall clock from
 * shared_info, and one-shot timers multiplexed onto the vCPU's single
 * hypervisor timer (set_timer_op + VIRQ_TIMER).
 *
 * Timers: a list sorted by deadline; the earliest is what set_timer_op is
 * armed with. The VIRQ_TIMER handler runs every timer whose deadline has
 * passed (by monotonic_ns) and re-arms the hypervisor for the next one, so
 * a timer never runs early. Callbacks run in the upcall with events masked
 * (see skiff/events.h for what they may do).
 */
#ifndef SKIFF_GUEST_TIME_H
#define SKIFF_GUEST_TIME_H

#include <stdbool.h>
#include <stdint.h>

#include <public/skiff.h>

#define NSEC_PER_USEC 1000ull
#define NSEC_PER_MSEC 1000000ull
#define NSEC_PER_SEC  1000000000ull

/*
 * Binds VIRQ_TIMER (after events_init()). Safe to call more than once;
 * gtimer_arm calls it. 0 or a negative errno.
 */
int time_init(void);

/* System time: ns since the hypervisor booted. Never goes backwards. */
uint64_t monotonic_ns(void);

/* The wall clock now: seconds since the Unix epoch (UTC) and ns. */
struct wallclock {
    uint64_t sec;
    uint32_t nsec;
};
struct wallclock wallclock_now(void);

struct gtimer;
typedef void gtimer_fn(struct gtimer *t);

/* A one-shot timer. Fields are private to time.c / timer_list.c. */
struct gtimer {
    uint64_t deadline; /* absolute monotonic_ns */
    gtimer_fn *fn;
    void *data;
    struct gtimer *next; /* in the sorted list while armed */
    bool armed;
};

/* A timer that calls fn(t) when it expires; t->data is the caller's. */
void gtimer_init(struct gtimer *t, gtimer_fn *fn, void *data);

/*
 * Arms (or re-arms) t for the absolute time deadline_ns. A deadline already
 * past fires at the next upcall. 0 or a negative errno from time_init.
 */
int gtimer_arm(struct gtimer *t, uint64_t deadline_ns);

/* Disarms t; no effect if it is not armed. It does not fire afterwards. */
void gtimer_cancel(struct gtimer *t);

/* Number of VIRQ_TIMER events the guest has handled (for tests). */
uint64_t time_virq_count(void);

/* ---- pure logic, testable on the host ---------------------------------- */

/*
 * ns since boot at cycle counter value tsc, from one consistent snapshot of
 * vcpu_time_info: system_time + ((tsc - tsc_timestamp) << tsc_shift) *
 * tsc_to_system_mul / 2^32 (a negative shift shifts right). A tsc before
 * tsc_timestamp counts as no time passed.
 */
static inline uint64_t pvclock_ns(const struct vcpu_time_info *t, uint64_t tsc)
{
    uint64_t delta = tsc > t->tsc_timestamp ? tsc - t->tsc_timestamp : 0;

    if (t->tsc_shift >= 0)
        delta <<= t->tsc_shift;
    else
        delta >>= -t->tsc_shift;
    return t->system_time + (uint64_t)(((unsigned __int128)delta * t->tsc_to_system_mul) >> 32);
}

/* Armed timers, earliest deadline first (equal deadlines: first armed first). */
struct gtimer_list {
    struct gtimer *head;
};

/* Inserts t (not armed) by deadline. True if it became the earliest. */
bool gtimer_list_insert(struct gtimer_list *l, struct gtimer *t, uint64_t deadline);
/* Removes t if armed. True if it was the earliest. */
bool gtimer_list_remove(struct gtimer_list *l, struct gtimer *t);
/* Unlinks and returns the earliest timer with deadline <= now, or NULL. */
struct gtimer *gtimer_list_pop_expired(struct gtimer_list *l, uint64_t now);
/* Deadline of the earliest timer, or 0 when none is armed. */
uint64_t gtimer_list_next_deadline(const struct gtimer_list *l);

#endif
