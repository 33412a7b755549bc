/*
 * sched_guest.c - the guest dom0's scheduling and event self-tests build
 * from the boot store (as sched.elf; dom0-tools/dom0/selftest_sched.c).
 * Its command line says what it does:
 *
 *   mode=ping dom=D port=P rounds=N  binds to port P of domain D and plays
 *                                    N ping-pong rounds with it, then
 *                                    reports the cost of a round trip
 *   mode=pong rounds=N               answers N pings on the port dom0
 *                                    offered it (found with EVTCHNOP_status)
 *   mode=echo                        answers every event on the offered
 *                                    ports at once, counts the rest; forever
 *   mode=storm dom=D port=P          binds to port P of domain D and sends
 *                                    on it in a tight loop, forever (E5)
 *   mode=sleeper count=N ms=M limit_us=L
 *                                    sleeps N times M ms on VIRQ_TIMER and
 *                                    fails if one sleep overshoots by L us
 *
 * Finite modes power off on success and crash on failure: dom0 reads the
 * verdict from the shutdown reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <skiff/events.h>
#include <skiff/guest.h>
#include <skiff/hypercall.h>
#include <skiff/thread.h>
#include <skiff/time.h>

#include "guest_test.h"

#define MAX_OFFERED 8

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

/* ---- the ports dom0 offered us (unbound, or already bound by the peer) ---- */

static unsigned int find_offered_ports(evtchn_port_t *ports, unsigned int max)
{
    unsigned int n = 0;

    for (evtchn_port_t p = 1; p < 64 && n < max; p++) {
        uint32_t status;
        if (p == start_info.console_port || p == start_info.store_port) /* dom0's, not a peer's */
            continue;
        if (evtchn_port_status(p, &status) == 0 &&
            (status == EVTCHNSTAT_unbound || status == EVTCHNSTAT_interdomain))
            ports[n++] = p;
    }
    return n;
}

/* ---- ping / pong ---- */

static int ping(domid_t dom, evtchn_port_t remote, unsigned long rounds)
{
    evtchn_port_t port;
    uint64_t start_ns, start_tsc, ns, tsc;
    unsigned long base;

    if (evtchn_bind_interdomain(dom, remote, &port) ||
        evtchn_bind_handler(port, guest_count_event, NULL)) {
        printf("ping: cannot bind to port %u of domain %u\n", remote, dom);
        return 1;
    }
    base = guest_events_seen; /* the new end starts pending (as in Xen): counted already */
    start_ns = monotonic_ns();
    start_tsc = rdtsc();
    for (unsigned long i = 1; i <= rounds; i++) {
        evtchn_notify(port);
        guest_wait_events(base + i);
    }
    tsc = rdtsc() - start_tsc;
    ns = monotonic_ns() - start_ns;
    if (guest_events_seen != base + rounds) {
        printf("ping: %lu pongs for %lu pings\n", guest_events_seen - base, rounds);
        return 1;
    }
    printf("ping-pong: %lu round trips (%lu events) with domain %u, none lost, in %lu ms\n", rounds,
           2 * rounds, dom, (unsigned long)(ns / NSEC_PER_MSEC));
    /* Under -icount one TSC tick is one instruction (tests/bench/run-bench). */
    printf("ping-pong: BENCH evtchn_pingpong %lu.%02lu per-op\n", (unsigned long)(tsc / rounds),
           (unsigned long)(tsc * 100 / rounds % 100));
    printf("ping-pong: BENCH evtchn_pingpong_ns %lu.%02lu ns\n", (unsigned long)(ns / rounds),
           (unsigned long)(ns * 100 / rounds % 100));
    return 0;
}

static int pong(unsigned long rounds)
{
    evtchn_port_t port;

    if (find_offered_ports(&port, 1) != 1 || evtchn_bind_handler(port, guest_count_event, NULL)) {
        printf("pong: no port offered\n");
        return 1;
    }
    for (unsigned long i = 1; i <= rounds; i++) {
        guest_wait_events(i);
        evtchn_notify(port);
    }
    printf("pong: %lu pings answered on port %u\n", rounds, port);
    return 0;
}

/* ---- echo / storm ---- */

static evtchn_port_t echo_port;
static volatile unsigned long echoed;

static void echo_back(evtchn_port_t port, void *data)
{
    (void)data;
    evtchn_notify(port);
    echoed++;
}

static _Noreturn void echo(void)
{
    evtchn_port_t ports[MAX_OFFERED];
    unsigned int n = find_offered_ports(ports, MAX_OFFERED);

    /* The first offered port is dom0's probe channel; others (a storm) are only counted. */
    for (unsigned int i = 0; i < n; i++)
        evtchn_bind_handler(ports[i], i == 0 ? echo_back : guest_count_event, NULL);
    echo_port = n ? ports[0] : 0;
    printf("echo: answering on port %u, counting %u more\n", echo_port, n ? n - 1 : 0);
    for (;;)
        HYPERVISOR_sched_op(SCHEDOP_block, NULL);
}

static _Noreturn void storm(domid_t dom, evtchn_port_t remote)
{
    evtchn_port_t port;

    if (evtchn_bind_interdomain(dom, remote, &port) == 0)
        printf("storm: sending to domain %u port %u in a tight loop\n", dom, remote);
    for (;;)
        evtchn_notify(port);
}

/* ---- sleeper ---- */

static int sleeper(unsigned long count, unsigned long ms, unsigned long limit_us)
{
    uint64_t worst = 0, total = 0;

    for (unsigned long i = 0; i < count; i++) {
        uint64_t start = monotonic_ns();
        sleep_ns(ms * NSEC_PER_MSEC);
        uint64_t over = monotonic_ns() - start - ms * NSEC_PER_MSEC;
        total += over;
        if (over > worst)
            worst = over;
    }
    printf("sleeper: %lu sleeps of %lu ms: overshoot mean %lu us, worst %lu us (limit %lu us)\n",
           count, ms, (unsigned long)(total / count / 1000), (unsigned long)(worst / 1000),
           limit_us);
    return worst < limit_us * 1000 ? 0 : 1;
}

int main(int argc, char **argv)
{
    const char *mode = guest_arg(argc, argv, "mode");
    domid_t dom = (domid_t)guest_arg_num(argc, argv, "dom", 0);
    evtchn_port_t port = (evtchn_port_t)guest_arg_num(argc, argv, "port", 0);

    if (!mode || events_init() != 0) {
        printf("sched: no mode, or events_init failed\n");
        return 1;
    }
    if (strcmp(mode, "ping") == 0)
        return ping(dom, port, guest_arg_num(argc, argv, "rounds", 1));
    if (strcmp(mode, "pong") == 0)
        return pong(guest_arg_num(argc, argv, "rounds", 1));
    if (strcmp(mode, "echo") == 0)
        echo();
    if (strcmp(mode, "storm") == 0)
        storm(dom, port);
    if (strcmp(mode, "sleeper") == 0)
        return sleeper(guest_arg_num(argc, argv, "count", 10), guest_arg_num(argc, argv, "ms", 5),
                       guest_arg_num(argc, argv, "limit_us", 10000));
    printf("sched: unknown mode '%s' (ping|pong|echo|storm|sleeper)\n", mode);
    return 1;
}
