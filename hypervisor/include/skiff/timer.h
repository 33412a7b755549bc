/*
 * skiff/timer.h - one-shot software timers on system time. The earliest
 * pending timer programs the hardware deadline (arch_timer_program). Timer
 * functions run from timer_run_expired(), called by the timer interrupt,
 * with interrupts off; they must not block or switch vCPUs.
 */
#ifndef SKIFF_TIMER_H
#define SKIFF_TIMER_H

#include <skiff/types.h>

struct timer {
    uint64_t expires;            /* absolute ns */
    void (*fn)(struct timer *t); /* runs once when due */
    void *data;
    bool active;
    struct timer *next; /* sorted list (private) */
};

void timer_init(struct timer *t, void (*fn)(struct timer *t), void *data);
static inline bool timer_active(const struct timer *t)
{
    return t->active;
}

static inline uint64_t timer_expires(const struct timer *t)
{
    return t->expires;
}

/* (Re)arms t for `expires`; a time already past fires at the next interrupt. */
void timer_set(struct timer *t, uint64_t expires);
void timer_stop(struct timer *t);
/* Runs every timer due at now, then reprograms the hardware. */
void timer_run_expired(uint64_t now);
/* Earliest pending deadline, or 0 when none. */
uint64_t timer_next_deadline(void);

#endif /* SKIFF_TIMER_H */
