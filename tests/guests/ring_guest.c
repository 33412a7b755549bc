/*
 * ring_guest.c - the PV ring between two domains (ring.elf in the boot
 * store; dom0-tools/dom0/selftest_rings.c drives it): the host benchmark's
 * loops (tests/bench/rings/loops.h) over a page the front grants to the
 * back, with event channels for notification. One CPU: an idle side blocks
 * until its peer's event (bench_sleep); nobody spins.
 *
 *   mode=front peer=skiff|xen size=64|112 batch=N suppress=0|1 messages=N
 *       dom0 offered it one port (for the back's domain, found with
 *       EVTCHNOP_status); it shares a ring page as grant RING_GREF, waits
 *       for the back to connect, streams `messages` requests (checking that
 *       every response answers its request in order) and reports
 *       instructions per message (TSC ticks under -icount).
 *   mode=back peer=... size=... batch=N suppress=0|1 messages=N dom=D port=P
 *       maps grant RING_GREF of domain D, binds to its port P, says it is
 *       connected, and answers `messages` requests.
 *
 * Both power off on success and crash on any failure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <skiff/events.h>
#include <skiff/grant.h>
#include <skiff/guest.h>
#include <skiff/hypercall.h>
#include <skiff/page_alloc.h>
#include <skiff/thread.h>
#include <skiff/time.h>

#include "../bench/rings/bench.h"
#include "guest_test.h"

#define RING_GREF     8 /* the first ref a guest may choose (GNTTAB_NR_RESERVED_ENTRIES) */
#define CONNECT_TRIES 5000
#define RETRY_NS      1000000ull
#define UNMAP_WAIT_NS (5 * NSEC_PER_SEC)

extern const struct bench_peer peer_skiff_64, peer_skiff_112;
#ifdef HAVE_XEN_RING
extern const struct bench_peer peer_xen_64, peer_xen_112;
#endif

static evtchn_port_t port;
static unsigned long slept_on;

/* ---- the harness services loops.h calls ---- */

uint64_t bench_ticks(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

void bench_pause(void)
{
    HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
}

void bench_notify(struct bench_run *run, enum bench_side to)
{
    (void)run;
    (void)to;
    evtchn_notify(port);
}

/*
 * Sleeps until the peer's next event. An event that came after the caller
 * last looked at the ring (counted by the handler) means there may be work:
 * return at once. SCHEDOP_block unmasks and blocks in one step.
 */
void bench_sleep(struct bench_run *run, enum bench_side who)
{
    local_events_disable();
    if (guest_events_seen == slept_on) {
        run->sleeps[who]++;
        HYPERVISOR_sched_op(SCHEDOP_block, NULL);
    }
    local_events_enable();
    slept_on = guest_events_seen;
}

static const struct bench_peer *pick_peer(const char *name, unsigned long size)
{
    if (!name || strcmp(name, "skiff") == 0)
        return size == 112 ? &peer_skiff_112 : &peer_skiff_64;
#ifdef HAVE_XEN_RING
    if (strcmp(name, "xen") == 0)
        return size == 112 ? &peer_xen_112 : &peer_xen_64;
#endif
    return NULL;
}

/* ---- front ---- */

/* The port dom0 offered us, and the domain it is for (the back). */
static int find_offered_port(domid_t *back)
{
    for (evtchn_port_t p = 1; p < 64; p++) {
        struct evtchn_status st = {.dom = DOMID_SELF, .port = p};
        if (HYPERVISOR_event_channel_op(EVTCHNOP_status, &st) == 0 &&
            st.status == EVTCHNSTAT_unbound) {
            port = p;
            *back = st.u.unbound.dom;
            return 0;
        }
    }
    return -1;
}

/* Ends the grant once the back has unmapped the page (it may still be finishing). */
static int end_grant(void)
{
    uint64_t until = monotonic_ns() + UNMAP_WAIT_NS;

    while (gnttab_end_access(RING_GREF) == -EBUSY) {
        if (monotonic_ns() > until)
            return -1;
        sleep_ns(RETRY_NS);
    }
    return 0;
}

static int front(const struct bench_peer *peer, struct bench_run *run)
{
    domid_t back;
    void *page = page_alloc(1);
    uint64_t t0, ticks;

    if (!page || find_offered_port(&back) || gnttab_setup(1) ||
        evtchn_bind_handler(port, guest_count_event, NULL)) {
        printf("front: set-up failed (page, offered port, grant table or handler)\n");
        return 1;
    }
    memset(page, 0, 4096);
    peer->attach(page, SIDE_FRONT);
    if (gnttab_grant_access_ref(RING_GREF, back, (uintptr_t)page >> 12, false)) {
        printf("front: cannot grant the ring page to domain %u\n", back);
        return 1;
    }
    guest_wait_events(1); /* the back has mapped the ring and bound the port */
    slept_on = guest_events_seen;
    t0 = bench_ticks();
    peer->front_stream(run);
    ticks = bench_ticks() - t0;
    if (run->error) {
        printf("front: a response did not match its request\n");
        return 1;
    }
    printf("ring: %s %u B batch %u suppression %s: %lu messages with domain %u, every response "
           "matched; the front notified %lu times per 1000 and slept %lu times\n",
           peer->name, peer->req_bytes, run->batch, run->suppress ? "on" : "off", run->messages,
           back, run->notifies[SIDE_FRONT] * 1000 / run->messages, run->sleeps[SIDE_FRONT]);
    printf("ring: BENCH ring_%s_%u_b%u_%s %lu.%02lu per-msg %lu\n", peer->name, peer->req_bytes,
           run->batch, run->suppress ? "supp" : "nosupp", (unsigned long)(ticks / run->messages),
           (unsigned long)(ticks * 100 / run->messages % 100), run->messages);
    if (end_grant()) {
        printf("front: the back never unmapped the ring page\n");
        return 1;
    }
    page_free(page, 1);
    return 0;
}

/* ---- back ---- */

static int map_ring(domid_t front_dom, void **page, grant_handle_t *handle)
{
    int16_t status;

    for (unsigned int i = 0; i < CONNECT_TRIES; i++) {
        if (gnttab_map(front_dom, RING_GREF, false, page, handle, &status) == 0)
            return 0;
        sleep_ns(RETRY_NS); /* the front has not granted it yet */
    }
    printf("back: cannot map grant %u of domain %u (status %d)\n", RING_GREF, front_dom, status);
    return -1;
}

static int back(const struct bench_peer *peer, struct bench_run *run, domid_t front_dom,
                evtchn_port_t front_port)
{
    grant_handle_t handle;
    void *page;

    if (map_ring(front_dom, &page, &handle))
        return 1;
    if (evtchn_bind_interdomain(front_dom, front_port, &port) ||
        evtchn_bind_handler(port, guest_count_event, NULL)) {
        printf("back: cannot bind to port %u of domain %u\n", front_port, front_dom);
        return 1;
    }
    peer->attach(page, SIDE_BACK);
    slept_on = guest_events_seen;
    evtchn_notify(port); /* connected */
    peer->back_stream(run);
    if (run->error) {
        printf("back: requests out of order\n");
        return 1;
    }
    if (gnttab_unmap(page, handle, NULL)) {
        printf("back: cannot unmap the ring page\n");
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *mode = guest_arg(argc, argv, "mode");
    const struct bench_peer *peer =
        pick_peer(guest_arg(argc, argv, "peer"), guest_arg_num(argc, argv, "size", 64));
    struct bench_run run;

    memset(&run, 0, sizeof(run));
    run.batch = (unsigned int)guest_arg_num(argc, argv, "batch", 32);
    run.messages = guest_arg_num(argc, argv, "messages", 1000);
    run.suppress = (int)guest_arg_num(argc, argv, "suppress", 1);
    run.wake = WAKE_BLOCK;
    if (!mode || !peer || run.batch == 0 || run.batch > BENCH_MAX_BATCH || run.messages == 0 ||
        events_init() != 0) {
        printf("ring: bad arguments (mode=front|back peer=skiff|xen size=64|112 batch=1..%u "
               "suppress=0|1 messages=N)\n",
               BENCH_MAX_BATCH);
        return 1;
    }
    if (strcmp(mode, "front") == 0)
        return front(peer, &run);
    if (strcmp(mode, "back") == 0)
        return back(peer, &run, (domid_t)guest_arg_num(argc, argv, "dom", 0),
                    (evtchn_port_t)guest_arg_num(argc, argv, "port", 0));
    printf("ring: unknown mode '%s'\n", mode);
    return 1;
}
