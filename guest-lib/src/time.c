/*
 * time.c - guest time (skiff/time.h): monotonic_ns() from vCPU 0's
 * vcpu_time_info, the wall clock from shared_info, and guest timers
 * multiplexed onto set_timer_op with VIRQ_TIMER.
 *
 * `timers` is changed by threads with events disabled and by the
 * VIRQ_TIMER handler (which runs with events masked); nothing else
 * touches it.
 */
#include <errno.h>
#include <stddef.h>

#include <skiff/events.h>
#include <skiff/guest.h>
#include <skiff/hypercall.h>
#include <skiff/time.h>

static struct gtimer_list timers; /* guarded by: events disabled */
static bool time_ready;
static volatile uint64_t virq_count;

/* ---- clocks ------------------------------------------------------------ */

static uint64_t read_tsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return ((uint64_t)hi << 32) | lo;
}

/* A consistent copy of the record, under its version seqlock, with the TSC. */
static struct vcpu_time_info time_snapshot(uint64_t *tsc)
{
    const struct vcpu_time_info *src = &shared_info->vcpu_info[0].time;
    struct vcpu_time_info snap;
    uint32_t version;

    do {
        version = __atomic_load_n(&src->version, __ATOMIC_ACQUIRE);
        snap.tsc_timestamp = __atomic_load_n(&src->tsc_timestamp, __ATOMIC_RELAXED);
        snap.system_time = __atomic_load_n(&src->system_time, __ATOMIC_RELAXED);
        snap.tsc_to_system_mul = __atomic_load_n(&src->tsc_to_system_mul, __ATOMIC_RELAXED);
        snap.tsc_shift = __atomic_load_n(&src->tsc_shift, __ATOMIC_RELAXED);
        *tsc = read_tsc();
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((version & 1) || version != __atomic_load_n(&src->version, __ATOMIC_ACQUIRE));
    return snap;
}

uint64_t monotonic_ns(void)
{
    uint64_t tsc;
    struct vcpu_time_info snap = time_snapshot(&tsc);

    return pvclock_ns(&snap, tsc);
}

struct wallclock wallclock_now(void)
{
    const struct shared_info *s = shared_info;
    uint32_t version, sec_lo, sec_hi, nsec;
    uint64_t ns;

    do {
        version = __atomic_load_n(&s->wc_version, __ATOMIC_ACQUIRE);
        sec_lo = __atomic_load_n(&s->wc_sec, __ATOMIC_RELAXED);
        sec_hi = __atomic_load_n(&s->wc_sec_hi, __ATOMIC_RELAXED);
        nsec = __atomic_load_n(&s->wc_nsec, __ATOMIC_RELAXED);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((version & 1) || version != __atomic_load_n(&s->wc_version, __ATOMIC_ACQUIRE));
    /* shared_info holds the wall clock at system time 0. */
    ns = nsec + monotonic_ns();
    return (struct wallclock){
        .sec = (((uint64_t)sec_hi << 32) | sec_lo) + ns / NSEC_PER_SEC,
        .nsec = (uint32_t)(ns % NSEC_PER_SEC),
    };
}

/* ---- timers ------------------------------------------------------------ */

/* Points the hypervisor's one-shot timer at the earliest deadline. Events disabled. */
static void program_next(void)
{
    HYPERVISOR_set_timer_op(gtimer_list_next_deadline(&timers));
}

static void run_expired(void)
{
    uint64_t now = monotonic_ns();
    struct gtimer *t;

    /* A callback may re-arm timers; the list stays consistent between pops. */
    while ((t = gtimer_list_pop_expired(&timers, now)))
        t->fn(t);
    /* Also after an early or stale VIRQ: a deadline still ahead is re-armed. */
    if (gtimer_list_next_deadline(&timers))
        program_next();
}

static void timer_virq(evtchn_port_t port, void *data)
{
    (void)port;
    (void)data;
    virq_count++;
    run_expired();
}

int time_init(void)
{
    evtchn_port_t port;
    int rc;

    if (time_ready)
        return 0;
    rc = events_init();
    if (rc)
        return rc;
    rc = evtchn_bind_virq(VIRQ_TIMER, &port);
    if (rc)
        return rc;
    rc = evtchn_bind_handler(port, timer_virq, NULL);
    if (rc) {
        evtchn_close(port);
        return rc;
    }
    time_ready = true;
    return 0;
}

uint64_t time_virq_count(void)
{
    return virq_count;
}

int gtimer_arm(struct gtimer *t, uint64_t deadline_ns)
{
    int rc = time_init();
    bool flags;

    if (rc)
        return rc;
    flags = local_events_save();
    gtimer_list_remove(&timers, t);
    if (gtimer_list_insert(&timers, t, deadline_ns))
        program_next();
    local_events_restore(flags);
    return 0;
}

void gtimer_cancel(struct gtimer *t)
{
    bool flags = local_events_save();

    if (gtimer_list_remove(&timers, t))
        program_next(); /* the next deadline, or 0: disarmed */
    local_events_restore(flags);
}
