/*
 * time_sleep.c - guest time (test "time-sleep"): monotonic_ns never goes
 * backwards and keeps pace with the TSC, the wall clock is a plausible
 * date, guest timers fire in deadline order and never early, and sleeps of
 * 1-50 ms from main() (no threads created) end late by less than one
 * scheduler timeslice and never early.
 */
#include <stdio.h>
#include <string.h>

#include <skiff/events.h>
#include <skiff/guest.h>
#include <skiff/hypercall.h>
#include <skiff/test.h>
#include <skiff/thread.h>
#include <skiff/time.h>

#include "guest_test.h"

#define READS        100000
#define TIMESLICE_NS (10 * NSEC_PER_MSEC)
#define EPOCH_2024   1704067200ull /* 2024-01-01T00:00:00Z */
#define EPOCH_2100   4102444800ull

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return ((uint64_t)hi << 32) | lo;
}

static void never_backwards(void)
{
    uint64_t prev = monotonic_ns(), first = prev, backwards = 0;

    for (int i = 0; i < READS; i++) {
        uint64_t now = monotonic_ns();
        if (now < prev)
            backwards++;
        prev = now;
    }
    printf("monotonic: %d reads over %lu us, %lu went backwards\n", READS,
           (unsigned long)((prev - first) / NSEC_PER_USEC), (unsigned long)backwards);
    TEST_EQ(backwards, 0);
    TEST_CHECK(prev > first);
}

/* Over ~100 ms, ns elapsed agree with TSC cycles / the calibrated frequency. */
static void keeps_pace_with_tsc(void)
{
    struct skiff_sysctl_physinfo pi;

    TEST_EQ(read_physinfo(&pi), 0);
    TEST_CHECK(pi.cpu_khz > 0);
    if (pi.cpu_khz == 0)
        return;
    uint64_t t0 = rdtsc(), n0 = monotonic_ns();
    TEST_EQ(sleep_ns(100 * NSEC_PER_MSEC), 0);
    uint64_t t1 = rdtsc(), n1 = monotonic_ns();
    uint64_t by_tsc = (t1 - t0) * 1000000ull / pi.cpu_khz, by_clock = n1 - n0;
    uint64_t diff = by_tsc > by_clock ? by_tsc - by_clock : by_clock - by_tsc;
    printf("pace: %lu ns by monotonic_ns, %lu ns by TSC at %u kHz\n", (unsigned long)by_clock,
           (unsigned long)by_tsc, pi.cpu_khz);
    TEST_CHECK(by_clock >= 100 * NSEC_PER_MSEC);
    TEST_CHECK(diff <= by_tsc / 1000 + 1000); /* 0.1 %: both come from the same counter */
}

static void wall_clock(void)
{
    struct wallclock w0 = wallclock_now();
    uint64_t n0 = monotonic_ns();

    printf("wallclock: %lu.%09u s since the epoch\n", (unsigned long)w0.sec, w0.nsec);
    TEST_CHECK(w0.sec >= EPOCH_2024 && w0.sec < EPOCH_2100);
    TEST_CHECK(w0.nsec < NSEC_PER_SEC);
    TEST_EQ(sleep_ns(20 * NSEC_PER_MSEC), 0);
    struct wallclock w1 = wallclock_now();
    uint64_t wall_ns = (w1.sec - w0.sec) * NSEC_PER_SEC + w1.nsec - w0.nsec;
    uint64_t mono_ns = monotonic_ns() - n0;
    TEST_CHECK(wall_ns >= 20 * NSEC_PER_MSEC);
    TEST_CHECK(wall_ns <= mono_ns + NSEC_PER_MSEC); /* the wall clock moves with system time */
}

/* ---- timers ------------------------------------------------------------ */

#define NTIMERS 6
static struct gtimer timers[NTIMERS];
static uint64_t deadlines[NTIMERS], fired_at[NTIMERS];
static volatile unsigned int fired_order[NTIMERS], nfired;

static void record_fire(struct gtimer *t)
{
    unsigned int i = (unsigned int)(t - timers);

    fired_at[i] = monotonic_ns();
    fired_order[nfired++] = i;
}

/* Armed in a scrambled order, one cancelled, one re-armed: fire sorted, never early. */
static void timers_fire_in_order(void)
{
    static const unsigned int ms[NTIMERS] = {30, 10, 50, 20, 40, 15};
    /* 30 ms re-armed at 25, 15 ms re-armed at 60, 50 ms cancelled. */
    static const unsigned int expect[] = {1, 3, 0, 4, 5};
    uint64_t base = monotonic_ns();

    for (unsigned int i = 0; i < NTIMERS; i++) {
        gtimer_init(&timers[i], record_fire, NULL);
        deadlines[i] = base + ms[i] * NSEC_PER_MSEC;
        TEST_EQ(gtimer_arm(&timers[i], deadlines[i]), 0);
    }
    gtimer_cancel(&timers[2]);
    gtimer_cancel(&timers[0]);
    deadlines[0] = base + 25 * NSEC_PER_MSEC; /* re-armed later than before */
    TEST_EQ(gtimer_arm(&timers[0], deadlines[0]), 0);
    deadlines[5] = base + 60 * NSEC_PER_MSEC;
    TEST_EQ(gtimer_arm(&timers[5], deadlines[5]), 0);
    TEST_EQ(sleep_until(base + 80 * NSEC_PER_MSEC), 0);
    TEST_EQ(nfired, 5);
    for (unsigned int k = 0; k < nfired && k < 5; k++)
        TEST_EQ(fired_order[k], expect[k]);
    for (unsigned int k = 0; k < nfired; k++) {
        unsigned int i = fired_order[k];
        TEST_CHECK(fired_at[i] >= deadlines[i]);
        TEST_CHECK(fired_at[i] - deadlines[i] < TIMESLICE_NS);
    }
    TEST_CHECK(!timers[2].armed && fired_at[2] == 0);
}

/* ---- sleeps ------------------------------------------------------------ */

static void sleep_accuracy(void)
{
    static const unsigned int ms[] = {1, 5, 20, 50};
    uint64_t virqs = time_virq_count();

    for (unsigned int i = 0; i < sizeof(ms) / sizeof(ms[0]); i++) {
        uint64_t want = ms[i] * NSEC_PER_MSEC, min = UINT64_MAX, max = 0, sum = 0;
        for (int rep = 0; rep < 4; rep++) {
            uint64_t start = monotonic_ns();
            TEST_EQ(sleep_ns(want), 0);
            uint64_t took = monotonic_ns() - start;
            TEST_CHECK(took >= want); /* never early */
            uint64_t late = took >= want ? took - want : 0;
            TEST_CHECK(late < TIMESLICE_NS);
            min = late < min ? late : min;
            max = late > max ? late : max;
            sum += late;
        }
        printf("sleep %2u ms: late by min %lu us, avg %lu us, max %lu us\n", ms[i],
               (unsigned long)(min / NSEC_PER_USEC), (unsigned long)(sum / 4 / NSEC_PER_USEC),
               (unsigned long)(max / NSEC_PER_USEC));
    }
    TEST_CHECK(time_virq_count() - virqs >= 16); /* each sleep took a VIRQ_TIMER */
}

int main(void)
{
    TEST_EQ(time_init(), 0);
    TEST_EQ(time_init(), 0); /* idempotent */
    never_backwards();
    keeps_pace_with_tsc();
    wall_clock();
    timers_fire_in_order();
    sleep_accuracy();
    TEST_EQ(events_spurious_count(), 0);
    return test_finish();
}
