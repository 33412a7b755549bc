/*
 * test_sched.c - the credit scheduler's policy with a fake clock: CPU shares
 * follow weights, caps hold, a vCPU woken from a block preempts at once, no
 * runnable vCPU starves, and blocked vCPUs do not hoard credit.
 */
#include <check.h>

#include <skiff/sched.h>
#include <skiff/time.h>
#include <skiff/timer.h>

#include "core_test.h"

#define MS      1000000ull
#define TICK    (10 * MS)
#define NR_DOMS 4

static struct domain *doms[NR_DOMS];
static uint64_t now;

static void sched_setup(void)
{
    core_setup();
    fake_cycles = 0;
    time_init(1000000, 0); /* 1 GHz: a fake cycle is a nanosecond */
    sched_init(TICK);
    sched_start_tick(1000000000ull / TICK);
    now = 0;
    for (unsigned int i = 0; i < NR_DOMS; i++)
        doms[i] = NULL;
}

static void sched_teardown(void)
{
    for (unsigned int i = 0; i < NR_DOMS; i++)
        if (doms[i])
            domain_destroy(doms[i]);
    core_teardown();
}

/* A runnable domain with one vCPU, weight w and cap c. */
static struct vcpu *runnable(unsigned int i, uint32_t w, uint32_t c)
{
    struct domain *d = core_domain((domid_t)(i + 1), false, 64, false);

    ck_assert_int_eq(domain_set_shared_info(d, 1), 0);
    d->weight = w;
    d->cap = c;
    doms[i] = d;
    domain_unpause(d);
    return d->vcpu[0];
}

/*
 * Runs the scheduler for `span` ns of fake time the way the machine does:
 * time jumps to the next timer deadline (the tick, a slice end), expired
 * timers run, and a requested reschedule happens.
 */
static void run_for(uint64_t span)
{
    uint64_t end = now + span;

    if (!sched_current() || sched_pending())
        sched_pick(now);
    while (now < end) {
        uint64_t next = timer_next_deadline();
        now = (next && next < end) ? next : end;
        fake_cycles = now;
        timer_run_expired(now);
        if (sched_pending())
            sched_pick(now);
    }
    sched_account(now);
}

static double share(const struct vcpu *a, const struct vcpu *b)
{
    return (double)a->sched.cpu_time / (double)(a->sched.cpu_time + b->sched.cpu_time);
}

START_TEST(test_weights_give_shares)
{
    struct vcpu *a = runnable(0, 256, 0);
    struct vcpu *b = runnable(1, 512, 0);

    run_for(2000 * MS);
    double sa = share(a, b);
    ck_assert_msg(sa > 0.30 && sa < 0.367, "weight 256 vs 512: share %.3f, want 1/3 +-10%%", sa);
    ck_assert_uint_ge(a->sched.cpu_time + b->sched.cpu_time, 1990 * MS);
}
END_TEST

START_TEST(test_equal_weights_share_equally)
{
    struct vcpu *a = runnable(0, 256, 0);
    struct vcpu *b = runnable(1, 256, 0);

    run_for(2000 * MS);
    double sa = share(a, b);
    ck_assert_msg(sa > 0.45 && sa < 0.55, "equal weights: share %.3f", sa);
}
END_TEST

START_TEST(test_cap_limits_a_domain)
{
    struct vcpu *a = runnable(0, 256, 25);

    run_for(3000 * MS);
    double used = (double)a->sched.cpu_time / (double)(3000 * MS);
    ck_assert_msg(used > 0.15 && used < 0.30, "cap 25%%, alone: used %.3f of the CPU", used);
}
END_TEST

START_TEST(test_capped_and_uncapped)
{
    struct vcpu *a = runnable(0, 512, 20);
    struct vcpu *b = runnable(1, 256, 0);

    run_for(3000 * MS);
    double sa = share(a, b);
    ck_assert_msg(sa < 0.25, "cap 20%% with the heavier weight: share %.3f", sa);
    ck_assert_uint_ge(a->sched.cpu_time + b->sched.cpu_time, 2990 * MS);
}
END_TEST

START_TEST(test_woken_vcpu_preempts)
{
    struct vcpu *spinner = runnable(0, 256, 0);
    struct vcpu *sleeper = runnable(1, 256, 0);

    run_for(200 * MS);
    /* The sleeper blocks; the spinner has the CPU. */
    sleeper->blocked = true;
    vcpu_sleep(sleeper);
    run_for(100 * MS);
    ck_assert_ptr_eq(sched_current(), spinner);
    /* An event for the sleeper: it must run at the very next decision. */
    sleeper->blocked = false;
    vcpu_wake(sleeper);
    ck_assert(sched_pending());
    ck_assert_ptr_eq(sched_pick(now), sleeper);
    ck_assert_int_eq(sleeper->sched.pri, PRI_BOOST);
}
END_TEST

/* With a rate limit, a woken vCPU waits until the running one has had its minimum run. */
START_TEST(test_ratelimit_delays_preemption)
{
    struct vcpu *spinner = runnable(0, 256, 0);
    struct vcpu *sleeper = runnable(1, 256, 0);
    struct vcpu *fresh;

    sched_set_ratelimit(1 * MS);
    sleeper->blocked = true;
    vcpu_sleep(sleeper);
    run_for(100 * MS);
    ck_assert_ptr_eq(sched_current(), spinner);
    /* A third vCPU takes the CPU at the spinner's next slice end: its run starts then. */
    fresh = runnable(2, 256, 0);
    for (unsigned int i = 0; i < 200 && sched_current() != fresh; i++)
        run_for(MS / 10);
    ck_assert_ptr_eq(sched_current(), fresh);
    run_for(MS / 5);
    sleeper->blocked = false;
    vcpu_wake(sleeper);
    ck_assert_int_eq(sleeper->sched.pri, PRI_BOOST);
    ck_assert(!sched_pending());
    ck_assert_ptr_eq(sched_current(), fresh);
    /* The slice timer ends the fresh vCPU's run when the limit is up. */
    run_for(MS);
    ck_assert_ptr_eq(sched_current(), sleeper);
}
END_TEST

START_TEST(test_no_starvation)
{
    struct vcpu *tiny = runnable(0, 1, 0);
    struct vcpu *mid = runnable(1, 256, 0);
    struct vcpu *huge = runnable(2, 65535, 0);

    run_for(10000 * MS);
    ck_assert_uint_gt(tiny->sched.cpu_time, 0);
    ck_assert_uint_gt(mid->sched.cpu_time, 0);
    ck_assert_uint_gt(huge->sched.cpu_time, tiny->sched.cpu_time);
}
END_TEST

START_TEST(test_blocked_vcpu_does_not_hoard)
{
    struct vcpu *spinner = runnable(0, 256, 0);
    struct vcpu *sleeper = runnable(1, 256, 0);

    sleeper->blocked = true;
    vcpu_sleep(sleeper);
    run_for(5000 * MS);
    ck_assert_int_le(sleeper->sched.credit, (int64_t)SCHED_PERIOD_NS);
    ck_assert_uint_ge(spinner->sched.cpu_time, 4990 * MS); /* the CPU never idled */
}
END_TEST

START_TEST(test_idle_when_nothing_runs)
{
    struct vcpu *a = runnable(0, 256, 0);

    a->blocked = true;
    vcpu_sleep(a);
    ck_assert_ptr_null(sched_pick(now));
    a->blocked = false;
    vcpu_wake(a);
    ck_assert_ptr_eq(sched_pick(now), a);
}
END_TEST

START_TEST(test_paused_and_shut_down_do_not_run)
{
    struct vcpu *a = runnable(0, 256, 0);
    struct vcpu *b = runnable(1, 256, 0);

    domain_pause(a->domain);
    run_for(100 * MS);
    ck_assert_uint_eq(a->sched.cpu_time, 0);
    domain_unpause(a->domain);
    b->domain->state = DOMAIN_SHUTDOWN;
    vcpu_sleep(b);
    uint64_t b_before = b->sched.cpu_time;
    run_for(100 * MS);
    ck_assert_uint_eq(b->sched.cpu_time, b_before);
    ck_assert_uint_gt(a->sched.cpu_time, 0);
}
END_TEST

static Suite *sched_suite(void)
{
    Suite *s = suite_create("sched");
    TCase *tc = tcase_create("credit");

    tcase_add_checked_fixture(tc, sched_setup, sched_teardown);
    tcase_add_test(tc, test_weights_give_shares);
    tcase_add_test(tc, test_equal_weights_share_equally);
    tcase_add_test(tc, test_cap_limits_a_domain);
    tcase_add_test(tc, test_capped_and_uncapped);
    tcase_add_test(tc, test_woken_vcpu_preempts);
    tcase_add_test(tc, test_ratelimit_delays_preemption);
    tcase_add_test(tc, test_no_starvation);
    tcase_add_test(tc, test_blocked_vcpu_does_not_hoard);
    tcase_add_test(tc, test_idle_when_nothing_runs);
    tcase_add_test(tc, test_paused_and_shut_down_do_not_run);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return core_run_suite(sched_suite());
}
