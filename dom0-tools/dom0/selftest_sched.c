/*
 * selftest_sched.c - dom0 self-tests of the scheduler and of event
 * channels between domains, with guests built from the boot store
 * (sched.elf, hello.elf): interdomain ping-pong, CPU shares by weight, wake-up
 * latency of a blocked domain with a CPU hog running, VIRQ_TIMER sleeps
 * beside a hog, and an event storm (E5). The integration tests run them
 * under -icount, where times are exact instruction counts and repeat.
 * Each ends with free frames, domains and dom0's ports where they started.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <skiff/guest.h>
#include <skiff/hypercall.h>
#include <skiff/test.h>
#include <skiff/time.h>

#include "dom0.h"
#include "domctl.h"

#define SCHED_IMAGE  "sched.elf"
#define HOG_IMAGE    "hello.elf"
#define GUEST_MIB    4
#define WAIT_MS      60000
#define TIMESLICE_US 10000 /* the hypervisor's default (skiff/sched.h) */

#define STR_(x)         #x
#define STR(x)          STR_(x)
#define PINGPONG_ROUNDS 50000 /* 100,000 events */
#define FAIR_RUN_MS     2000
#define PROBES          50
#define PROBE_GAP_MS    3

static uint64_t cpu_time_of(domid_t id)
{
    struct skiff_domctl_getdomaininfo info;

    return domctl_getinfo_of(id, &info) == 0 ? info.cpu_time_ns : 0;
}

/* ---- ping-pong ---- */

static int selftest_pingpong(void)
{
    struct snapshot before;
    char pong_cmd[64];
    struct selftest_binder ping = {.fmt = "mode=ping dom=%u port=%u rounds=" STR(PINGPONG_ROUNDS)};
    domid_t ids[2];

    if (!selftest_setup(&before))
        return test_finish();
    snprintf(pong_cmd, sizeof(pong_cmd), "mode=pong rounds=%u", PINGPONG_ROUNDS);
    snprintf(ping.cmdline, sizeof(ping.cmdline), "%s",
             ping.fmt); /* as long as the final text, for the builder's checks */
    if (selftest_build(SCHED_IMAGE, GUEST_MIB, pong_cmd, &ids[0], NULL, NULL)) {
        test_error("cannot build the pong guest");
        return test_finish();
    }
    ping.peer = ids[0];
    if (selftest_build(SCHED_IMAGE, GUEST_MIB, ping.cmdline, &ids[1], selftest_offer_to_new_domain,
                       &ping)) {
        test_error("cannot build the ping guest");
        selftest_destroy_all(ids, 1);
        return test_finish();
    }
    TEST_EQ(domctl_unpause(ids[0]), 0);
    TEST_EQ(domctl_unpause(ids[1]), 0);
    TEST_EQ(domains_wait_shutdown(ids, 2, WAIT_MS), 0);
    TEST_EQ(selftest_reason_of(ids[0]), SHUTDOWN_poweroff);
    TEST_EQ(selftest_reason_of(ids[1]), SHUTDOWN_poweroff);
    printf("pingpong: domains %u and %u exchanged %u events\n", ids[1], ids[0],
           2 * PINGPONG_ROUNDS);
    selftest_destroy_all(ids, 2);
    selftest_expect_snapshot(&before, "pingpong");
    return test_finish();
}

/* ---- fairness ---- */

/* Two CPU hogs with weights 256 and 512 share the CPU 1:2 (within 10 %). */
static int selftest_fairness(void)
{
    struct snapshot before;
    static const uint32_t weights[2] = {256, 512};
    uint64_t t0[2], ran[2], start, elapsed;
    domid_t ids[2];

    if (!selftest_setup(&before))
        return test_finish();
    for (unsigned int i = 0; i < 2; i++) {
        if (selftest_build(HOG_IMAGE, GUEST_MIB, "mode=spin", &ids[i], NULL, NULL) ||
            domctl_sched_setparams(ids[i], weights[i], 0)) {
            test_error("cannot build a hog");
            selftest_destroy_all(ids, i);
            return test_finish();
        }
    }
    for (unsigned int i = 0; i < 2; i++)
        t0[i] = cpu_time_of(ids[i]);
    start = monotonic_ns();
    TEST_EQ(domctl_unpause(ids[0]), 0);
    TEST_EQ(domctl_unpause(ids[1]), 0);
    domains_sleep_ms(FAIR_RUN_MS);
    TEST_EQ(domctl_pause(ids[0]), 0);
    TEST_EQ(domctl_pause(ids[1]), 0);
    elapsed = monotonic_ns() - start;
    for (unsigned int i = 0; i < 2; i++)
        ran[i] = cpu_time_of(ids[i]) - t0[i];
    uint64_t total = ran[0] + ran[1] ? ran[0] + ran[1] : 1;
    unsigned long ratio_x1000 = (unsigned long)(ran[1] * 1000 / (ran[0] ? ran[0] : 1));
    printf("fairness: over %lu ms, weight %u ran %lu ms (%lu.%lu %%), weight %u ran %lu ms "
           "(%lu.%lu %%): ratio 1:%lu.%03lu (1:2 expected, +-10 %%)\n",
           (unsigned long)(elapsed / NSEC_PER_MSEC), weights[0],
           (unsigned long)(ran[0] / NSEC_PER_MSEC), (unsigned long)(ran[0] * 100 / total),
           (unsigned long)(ran[0] * 1000 / total % 10), weights[1],
           (unsigned long)(ran[1] / NSEC_PER_MSEC), (unsigned long)(ran[1] * 100 / total),
           (unsigned long)(ran[1] * 1000 / total % 10), ratio_x1000 / 1000, ratio_x1000 % 1000);
    TEST_CHECK(ratio_x1000 >= 1800 && ratio_x1000 <= 2200);
    /* The hogs had the CPU: dom0 slept, so nearly all of the time is theirs. */
    TEST_CHECK(ran[0] + ran[1] >= elapsed * 9 / 10);
    selftest_destroy_all(ids, 2);
    selftest_expect_snapshot(&before, "fairness");
    return test_finish();
}

/* ---- wake-up latency, with and without an event storm ---- */

static void clear_pending(evtchn_port_t port)
{
    __atomic_fetch_and(&shared_info->evtchn_pending[port / 64], ~(1ull << (port % 64)),
                       __ATOMIC_SEQ_CST);
}

static bool is_pending(evtchn_port_t port)
{
    return __atomic_load_n(&shared_info->evtchn_pending[port / 64], __ATOMIC_SEQ_CST) >>
               (port % 64) &
           1;
}

/* Polls port until it is pending or until `until`; true if it is pending. */
static bool poll_port(evtchn_port_t port, uint64_t until)
{
    struct sched_poll p = {.ports = &port, .nr_ports = 1, .timeout = until};

    while (!is_pending(port) && monotonic_ns() < until)
        HYPERVISOR_sched_op(SCHEDOP_poll, &p);
    return is_pending(port);
}

struct probe_result {
    uint64_t worst_late, worst_rtt;
    unsigned int lost;
};

/*
 * PROBES times: dom0 sleeps PROBE_GAP_MS while the hog runs, notes how late
 * it woke, sends to the echo guest and times the answer: the echo guest was
 * blocked and must be woken, run and answered, and dom0 woken again.
 */
static void probe(evtchn_port_t port, struct probe_result *r)
{
    memset(r, 0, sizeof(*r));
    for (unsigned int i = 0; i < PROBES; i++) {
        uint64_t deadline = monotonic_ns() + PROBE_GAP_MS * NSEC_PER_MSEC;
        domains_sleep_ms(PROBE_GAP_MS);
        uint64_t t0 = monotonic_ns();
        if (t0 - deadline > r->worst_late)
            r->worst_late = t0 - deadline;
        clear_pending(port);
        TEST_EQ(selftest_send_event(port), 0);
        if (!poll_port(port, t0 + NSEC_PER_SEC)) {
            r->lost++;
            continue;
        }
        uint64_t rtt = monotonic_ns() - t0;
        if (rtt > r->worst_rtt)
            r->worst_rtt = rtt;
    }
}

static int wake_latency(bool with_storm)
{
    struct snapshot before;
    struct selftest_binder storm = {.fmt = "mode=storm dom=%u port=%u"};
    struct evtchn_bind_interdomain bind = {0};
    struct evtchn_close close = {0};
    struct probe_result r;
    domid_t ids[3];
    unsigned int n = 0;
    evtchn_port_t echo_port;

    if (!selftest_setup(&before))
        return test_finish();
    if (selftest_build(SCHED_IMAGE, GUEST_MIB, "mode=echo", &ids[n], NULL, NULL)) {
        test_error("cannot build the echo guest");
        return test_finish();
    }
    n++;
    /* The first port offered to the echo guest is dom0's. */
    TEST_EQ(selftest_offer_port(ids[0], 0, &echo_port), 0);
    if (selftest_build(HOG_IMAGE, GUEST_MIB, "mode=spin", &ids[n], NULL, NULL) == 0)
        n++;
    storm.peer = ids[0];
    snprintf(storm.cmdline, sizeof(storm.cmdline), "mode=storm dom=65535 port=4095");
    if (with_storm && selftest_build(SCHED_IMAGE, GUEST_MIB, storm.cmdline, &ids[n],
                                     selftest_offer_to_new_domain, &storm) == 0)
        n++;
    if (n != (with_storm ? 3u : 2u)) {
        test_error("cannot build the guests");
        selftest_destroy_all(ids, n);
        return test_finish();
    }
    bind.remote_dom = ids[0];
    bind.remote_port = echo_port;
    TEST_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &bind), 0);
    for (unsigned int i = 0; i < n; i++)
        TEST_EQ(domctl_unpause(ids[i]), 0);
    domains_sleep_ms(20); /* the echo guest binds its handlers */
    probe(bind.local_port, &r);
    printf("wake-latency%s: %u probes beside a CPU hog: dom0 woke at most %lu us late, the "
           "blocked echo guest answered within %lu us, %u lost (timeslice %u us)\n",
           with_storm ? " (event storm)" : "", PROBES, (unsigned long)(r.worst_late / 1000),
           (unsigned long)(r.worst_rtt / 1000), r.lost, TIMESLICE_US);
    TEST_EQ(r.lost, 0);
    TEST_CHECK(r.worst_late < TIMESLICE_US * 1000ull);
    TEST_CHECK(r.worst_rtt < TIMESLICE_US * 1000ull);
    if (with_storm) {
        struct skiff_domctl_getdomaininfo info;
        TEST_EQ(domctl_getinfo_of(ids[2], &info), 0);
        printf("wake-latency (event storm): the storm guest used %lu ms of CPU\n",
               (unsigned long)(info.cpu_time_ns / NSEC_PER_MSEC));
    }
    selftest_destroy_all(ids, n);
    close.port = bind.local_port;
    TEST_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_close, &close), 0);
    selftest_expect_snapshot(&before, "wake-latency");
    return test_finish();
}

static int selftest_wake_latency(void)
{
    return wake_latency(false);
}

static int selftest_storm(void)
{
    return wake_latency(true);
}

/* ---- VIRQ_TIMER sleeps beside a hog ---- */

static int selftest_timer_sleep(void)
{
    struct snapshot before;
    domid_t ids[2];
    char cmd[80];

    if (!selftest_setup(&before))
        return test_finish();
    snprintf(cmd, sizeof(cmd), "mode=sleeper count=%u ms=%u limit_us=%u", PROBES, PROBE_GAP_MS,
             TIMESLICE_US);
    if (selftest_build(SCHED_IMAGE, GUEST_MIB, cmd, &ids[0], NULL, NULL)) {
        test_error("cannot build the sleeper");
        return test_finish();
    }
    if (selftest_build(HOG_IMAGE, GUEST_MIB, "mode=spin", &ids[1], NULL, NULL)) {
        test_error("cannot build the hog");
        selftest_destroy_all(ids, 1);
        return test_finish();
    }
    TEST_EQ(domctl_unpause(ids[1]), 0);
    TEST_EQ(domctl_unpause(ids[0]), 0);
    TEST_EQ(domains_wait_shutdown(&ids[0], 1, WAIT_MS), 0);
    TEST_EQ(selftest_reason_of(ids[0]), SHUTDOWN_poweroff);
    selftest_destroy_all(ids, 2);
    selftest_expect_snapshot(&before, "timer-sleep");
    return test_finish();
}

const struct dom0_selftest dom0_sched_selftests[] = {
    {"pingpong", "two guests exchange 100,000 events over an interdomain channel",
     selftest_pingpong},
    {"fairness", "CPU hogs with weights 256 and 512 share the CPU 1:2", selftest_fairness},
    {"wake-latency", "a blocked guest answers within a timeslice beside a CPU hog",
     selftest_wake_latency},
    {"storm", "E5: with a guest sending events in a loop, dom0 and the receiver stay responsive",
     selftest_storm},
    {"timer-sleep", "VIRQ_TIMER sleeps overshoot by less than a timeslice beside a CPU hog",
     selftest_timer_sleep},
    {NULL, NULL, NULL},
};
