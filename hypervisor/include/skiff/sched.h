/*
 * skiff/sched.h - the credit scheduler.
 *
 * Each domain has a weight (share of the CPU relative to others) and an
 * optional cap (at most cap% of one CPU). vCPUs earn credit in proportion
 * to their domain's weight every accounting period and spend it while they
 * run. The runnable vCPU with the best priority runs: BOOST (just woken from
 * a block, so I/O-bound vCPUs answer quickly) > UNDER (credit left) > OVER
 * (credit spent); round-robin within a priority, for at most one timeslice.
 * A vCPU over its cap is PARKED until the next period. With nothing
 * runnable the CPU idles (halts).
 *
 * The policy (sched_pick, sched_account, sched_replenish) only computes; it
 * is unit-tested with a fake clock. schedule() acts on its decision.
 */
#ifndef SKIFF_SCHED_H
#define SKIFF_SCHED_H

#include <skiff/types.h>

struct vcpu;
struct domain;

enum sched_pri {
    PRI_BOOST = 0,
    PRI_UNDER = 1,
    PRI_OVER = 2,
    PRI_PARKED = 3, /* over its cap: not runnable until the next period */
};

#define SCHED_DEFAULT_WEIGHT 256
#define SCHED_MAX_WEIGHT     65535
#define SCHED_PERIOD_NS      30000000ull /* credit accounting period */

struct sched_unit {
    int64_t credit; /* ns of CPU time it may still use this period */
    enum sched_pri pri;
    bool on_runq;
    bool running;
    struct sched_unit *next; /* run queue links */
    struct sched_unit *prev;
    uint64_t started;     /* when its running time was last accounted */
    uint64_t run_start;   /* when it last got the CPU (for the rate limit) */
    uint64_t cpu_time;    /* total ns it ran */
    uint64_t period_used; /* ns used in the current period (for caps) */
};

struct sched_params {
    uint64_t timeslice_ns; /* longest uninterrupted run when others wait */
    /*
     * Shortest run before a woken vCPU may preempt the running one (Xen's
     * sched_ratelimit_us): a guest sending events in a loop cannot make its
     * receiver preempt it after every event, so the receiver handles them
     * in batches and keeps its credit (and its quick wake-ups) for others.
     */
    uint64_t ratelimit_ns;
};

extern struct sched_params sched_params;

/* Resets the scheduler; timeslice_ns 0 keeps the current one. No rate limit. */
void sched_init(uint64_t timeslice_ns);
/* Sets the rate limit (at most the timeslice; 0 = preempt at once). */
void sched_set_ratelimit(uint64_t ns);
void sched_vcpu_init(struct vcpu *v);
/* Forgets v (its domain is going away): off the run queue and off the CPU. */
void sched_vcpu_destroy(struct vcpu *v);

/* Makes v runnable if nothing stops it (paused, blocked, shut down). */
void vcpu_wake(struct vcpu *v);
/* Takes v off the run queue (it stopped being runnable). */
void vcpu_sleep(struct vcpu *v);
/* Whether v may run now. */
bool vcpu_runnable(const struct vcpu *v);

/* The vCPU on the CPU (NULL while idle). */
struct vcpu *sched_current(void);

/*
 * Decides what runs next at time now: charges the current vCPU, picks the
 * best runnable one (or NULL for idle), sets the slice deadline and clears
 * the reschedule request.
 */
struct vcpu *sched_pick(uint64_t now);
/* Charges the running vCPU up to now. */
void sched_account(uint64_t now);
/* The same, at the current time (before reading cpu_time). */
void sched_account_current(void);
/* The running vCPU gives up the rest of its slice to whoever waits. */
void sched_yield(void);
/* Hands out a period's credit by weight and unparks capped vCPUs. */
void sched_replenish(uint64_t now);

/* Asks for a reschedule at the next exit to a guest. */
void sched_raise(void);
bool sched_pending(void);

/* Picks and runs the next vCPU (or idles). Never returns. */
noreturn void schedule(void);

/* Prints the run queue and every domain's scheduling state. */
void sched_dump(void);

/* The periodic tick: accounting and preemption (sched_tick at hz; 0 = none). */
void sched_start_tick(uint64_t hz);
void sched_tick(uint64_t now);

#endif /* SKIFF_SCHED_H */
