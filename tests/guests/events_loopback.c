/*
 * events_loopback.c - an interdomain channel from the guest to itself (test
 * "events-loopback"): alloc_unbound to DOMID_SELF plus bind_interdomain to
 * that port. Two threads ping-pong over it through wait queues woken by the
 * event handlers; every event must arrive exactly once and in step with a
 * sequence counter each side checks.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <skiff/events.h>
#include <skiff/guest.h>
#include <skiff/hypercall.h>
#include <skiff/test.h>
#include <skiff/thread.h>
#include <skiff/time.h>

#include "guest_test.h"

#define ROUNDS     50000 /* each a ping and a pong: 100,000 events */
#define LOST_AFTER (2 * NSEC_PER_SEC)

/*
 * One end of the loopback: its port, and the events its handler counted.
 * A thread sends on its own end's port to signal the other end.
 */
struct end {
    const char *name;
    evtchn_port_t port;
    volatile unsigned long events; /* written by the handler */
    unsigned long consumed;        /* by the thread waiting on this end */
    struct wait_queue wq;
};

static struct end ping_end = {.name = "ping", .wq = WAIT_QUEUE_INIT}; /* A: the pinger's */
static struct end pong_end = {.name = "pong", .wq = WAIT_QUEUE_INIT}; /* B: the ponger's */
static volatile unsigned long ping_seq, pong_seq;
static volatile unsigned long wrong_port;

static void on_event(evtchn_port_t port, void *data)
{
    struct end *e = data;

    if (port != e->port)
        wrong_port++;
    e->events++;
    wake_up(&e->wq);
}

/* Waits for the next event on e; false if it did not wake us within LOST_AFTER. */
static bool next_event(struct end *e)
{
    uint64_t deadline = monotonic_ns() + LOST_AFTER;

    /* Found only when the deadline woke us: the event's own wake-up was lost. */
    if (!wait_event_timeout(&e->wq, e->events > e->consumed, deadline) ||
        monotonic_ns() >= deadline)
        return false;
    e->consumed++;
    return true;
}

static int pinger(void *arg)
{
    (void)arg;
    for (unsigned long i = 1; i <= ROUNDS; i++) {
        ping_seq = i;
        if (evtchn_notify(ping_end.port) != 0 || !next_event(&ping_end)) {
            printf("pinger: no pong for ping %lu\n", i);
            return 1;
        }
        if (pong_seq != i) {
            printf("pinger: pong %lu for ping %lu\n", pong_seq, i);
            return 2;
        }
    }
    return 0;
}

static int ponger(void *arg)
{
    (void)arg;
    for (unsigned long i = 1; i <= ROUNDS; i++) {
        if (!next_event(&pong_end)) {
            printf("ponger: ping %lu never came\n", i);
            return 1;
        }
        if (ping_seq != i) {
            printf("ponger: ping %lu when %lu was due\n", ping_seq, i);
            return 2;
        }
        pong_seq = i;
        if (evtchn_notify(pong_end.port) != 0)
            return 3;
    }
    return 0;
}

/* A (ping_end) offered to ourselves; B (pong_end) bound to it. */
static void make_loopback(void)
{
    uint32_t status;

    TEST_EQ(evtchn_alloc_unbound(DOMID_SELF, &ping_end.port), 0);
    TEST_EQ(evtchn_port_status(ping_end.port, &status), 0);
    TEST_EQ(status, EVTCHNSTAT_unbound);
    TEST_EQ(evtchn_bind_interdomain(DOMID_SELF, ping_end.port, &pong_end.port), 0);
    TEST_CHECK(pong_end.port != ping_end.port);
    TEST_EQ(evtchn_port_status(ping_end.port, &status), 0);
    TEST_EQ(status, EVTCHNSTAT_interdomain);
    TEST_EQ(evtchn_port_status(pong_end.port, &status), 0);
    TEST_EQ(status, EVTCHNSTAT_interdomain);
    TEST_EQ(evtchn_bind_handler(ping_end.port, on_event, &ping_end), 0);
    TEST_EQ(evtchn_bind_handler(pong_end.port, on_event, &pong_end), 0);
    /* The new end starts pending (as in Xen): its handler has run once already. */
    TEST_EQ(pong_end.events, 1);
    TEST_EQ(ping_end.events, 0);
    pong_end.consumed = pong_end.events;
    ping_end.consumed = ping_end.events;
}

static void ping_pong(void)
{
    unsigned long ping_base = ping_end.events, pong_base = pong_end.events;
    uint64_t start = monotonic_ns();
    struct thread *p = thread_create("pinger", pinger, NULL, 0);
    struct thread *q = thread_create("ponger", ponger, NULL, 0);
    int pc = -1, qc = -1;

    TEST_CHECK(p && q);
    if (!p || !q)
        return;
    TEST_EQ(thread_join(q, &qc), 0);
    TEST_EQ(thread_join(p, &pc), 0);
    uint64_t ns = monotonic_ns() - start;
    TEST_EQ(pc, 0);
    TEST_EQ(qc, 0);
    TEST_EQ(ping_end.events - ping_base, ROUNDS); /* none lost, none extra */
    TEST_EQ(pong_end.events - pong_base, ROUNDS);
    TEST_EQ(wrong_port, 0);
    TEST_EQ(events_spurious_count(), 0);
    printf("loopback: %d events in %lu ms: %lu ns per event, %lu events/s (TCG)\n", 2 * ROUNDS,
           (unsigned long)(ns / NSEC_PER_MSEC), (unsigned long)(ns / (2 * ROUNDS)),
           (unsigned long)(2ull * ROUNDS * NSEC_PER_SEC / (ns ? ns : 1)));
}

/* Closing one end hands the other back to unbound; then both are gone. */
static void tear_down(void)
{
    uint32_t status;

    TEST_EQ(evtchn_close(pong_end.port), 0);
    TEST_EQ(evtchn_port_status(ping_end.port, &status), 0);
    TEST_EQ(status, EVTCHNSTAT_unbound);
    TEST_EQ(evtchn_notify(ping_end.port), 0); /* nobody listens: dropped */
    TEST_EQ(evtchn_close(ping_end.port), 0);
    TEST_EQ(evtchn_port_status(ping_end.port, &status), 0);
    TEST_EQ(status, EVTCHNSTAT_closed);
    TEST_EQ(evtchn_notify(ping_end.port), -EINVAL);
}

int main(void)
{
    TEST_EQ(events_init(), 0);
    make_loopback();
    if (test_failures() == 0)
        ping_pong();
    tear_down();
    return test_finish();
}
