/*
 * events_ipi.c - event channels on one guest (test "events-ipi"): an IPI
 * port signalled 10,000 times with upcalls on, coalescing while upcalls are
 * off, masking and unmasking, closing, bad ports (HOSTILE E1) and port
 * exhaustion (E2).
 *
 * With "case=close-pending" (test "events-close-pending") it checks only
 * that closing a pending port clears its pending bit, as Xen does.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <skiff/events.h>
#include <skiff/guest.h>
#include <skiff/hypercall.h>
#include <skiff/test.h>

#include "guest_test.h"

#define SENDS 10000

static evtchn_port_t ipi_port;
/* Written by the handler (upcall context), read by main. */
static volatile unsigned long calls, wrong_calls;
static volatile unsigned long send_seq, last_seen_seq;

static void on_ipi(evtchn_port_t port, void *data)
{
    if (port != ipi_port || data != &ipi_port)
        wrong_calls++;
    calls++;
    last_seen_seq = send_seq;
}

static bool port_pending(evtchn_port_t port)
{
    return (shared_info->evtchn_pending[port / 64] >> (port % 64)) & 1;
}

static bool port_masked(evtchn_port_t port)
{
    return (shared_info->evtchn_mask[port / 64] >> (port % 64)) & 1;
}

static long evtchn_op(int cmd, void *arg)
{
    return HYPERVISOR_event_channel_op(cmd, arg);
}

static int domain_info(struct skiff_domctl_getdomaininfo *out)
{
    struct skiff_domctl op;
    int rc;

    memset(&op, 0, sizeof(op));
    op.cmd = SKIFF_DOMCTL_getdomaininfo;
    op.interface_version = SKIFF_DOMCTL_INTERFACE_VERSION;
    op.domain = (domid_t)start_info.domid;
    rc = (int)HYPERVISOR_domctl(&op);
    if (rc == 0)
        *out = op.u.getdomaininfo;
    return rc;
}

/* 10,000 sends with upcalls enabled: every one is seen, none by another port. */
static void storm(void)
{
    uint64_t upcalls_before = events_upcall_count();

    for (unsigned long i = 1; i <= SENDS; i++) {
        send_seq = i;
        TEST_EQ(evtchn_notify(ipi_port), 0);
    }
    printf("storm: %d sends, %lu handler calls, %lu upcalls\n", SENDS, calls,
           (unsigned long)(events_upcall_count() - upcalls_before));
    TEST_CHECK(calls >= 1 && calls <= SENDS);
    TEST_EQ(last_seen_seq, SENDS); /* a call came after the last send */
    TEST_EQ(wrong_calls, 0);
    TEST_EQ(events_spurious_count(), 0);
    TEST_CHECK(!port_pending(ipi_port));
}

/* Sends while upcalls are off merge into one pending bit: one call on enable. */
static void coalescing(void)
{
    unsigned long before = calls;

    local_events_disable();
    for (int i = 0; i < 100; i++)
        TEST_EQ(evtchn_notify(ipi_port), 0);
    TEST_EQ(calls, before);
    TEST_CHECK(port_pending(ipi_port));
    TEST_EQ(shared_info->vcpu_info[0].evtchn_upcall_pending, 1);
    local_events_enable();
    TEST_EQ(calls, before + 1);
    TEST_CHECK(!port_pending(ipi_port));
}

/* A masked port keeps its event; unmasking delivers it exactly once. */
static void masking(void)
{
    struct evtchn_unmask um = {.port = ipi_port};
    unsigned long before = calls;

    evtchn_mask(ipi_port);
    TEST_EQ(evtchn_notify(ipi_port), 0);
    TEST_EQ(evtchn_notify(ipi_port), 0);
    TEST_EQ(calls, before);
    TEST_CHECK(port_pending(ipi_port));
    evtchn_unmask(ipi_port); /* pending: goes through EVTCHNOP_unmask */
    TEST_EQ(calls, before + 1);
    TEST_CHECK(!port_masked(ipi_port) && !port_pending(ipi_port));

    /* The hypercall by itself: it clears the mask and raises the upcall. */
    evtchn_mask(ipi_port);
    TEST_EQ(evtchn_notify(ipi_port), 0);
    TEST_EQ(calls, before + 1);
    TEST_EQ(evtchn_op(EVTCHNOP_unmask, &um), 0);
    TEST_EQ(calls, before + 2);
    TEST_CHECK(!port_masked(ipi_port));

    /* Unmasking a port with nothing pending delivers nothing. */
    evtchn_mask(ipi_port);
    evtchn_unmask(ipi_port);
    TEST_EQ(evtchn_op(EVTCHNOP_unmask, &um), 0);
    TEST_EQ(calls, before + 2);
}

/* Every port-taking op on `port` must fail with -EINVAL. */
static void expect_einval_ops(evtchn_port_t port)
{
    struct evtchn_send send = {.port = port};
    struct evtchn_close close = {.port = port};
    struct evtchn_unmask unmask = {.port = port};
    struct evtchn_bind_vcpu bind = {.port = port, .vcpu = 0};

    TEST_EQ(evtchn_op(EVTCHNOP_send, &send), -EINVAL);
    TEST_EQ(evtchn_op(EVTCHNOP_close, &close), -EINVAL);
    TEST_EQ(evtchn_op(EVTCHNOP_unmask, &unmask), -EINVAL);
    TEST_EQ(evtchn_op(EVTCHNOP_bind_vcpu, &bind), -EINVAL);
}

/* Closing frees the port; ops on closed and out-of-range ports fail (E1). */
static void closing(uint32_t max_ports)
{
    const uint32_t bad[] = {0,    max_ports, max_ports + 1, 4095,
                            4096, 65536,     0x80000000u,   0xffffffffu};
    uint32_t status = 99;
    unsigned long before = calls;

    TEST_EQ(evtchn_close(ipi_port), 0);
    TEST_EQ(evtchn_port_status(ipi_port, &status), 0);
    TEST_EQ(status, EVTCHNSTAT_closed);
    expect_einval_ops(ipi_port);
    TEST_EQ(calls, before);

    for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (bad[i] != 0 && bad[i] < max_ports)
            continue; /* a valid free port: status says closed instead */
        expect_einval_ops(bad[i]);
        TEST_EQ(evtchn_port_status(bad[i], &status), -EINVAL);
    }
}

/* Ports of this domain that are not closed. */
static unsigned int ports_in_use(uint32_t max_ports)
{
    unsigned int n = 0;

    for (evtchn_port_t p = 1; p < max_ports; p++) {
        uint32_t status = EVTCHNSTAT_closed;
        TEST_EQ(evtchn_port_status(p, &status), 0);
        n += status != EVTCHNSTAT_closed;
    }
    return n;
}

/* E2: allocation stops cleanly at the limit, and everything comes back. */
static void exhaustion(uint32_t max_ports)
{
    static evtchn_port_t ports[SKIFF_NR_EVENT_CHANNELS];
    struct skiff_domctl_getdomaininfo info;
    unsigned int in_use = ports_in_use(max_ports), n = 0;
    int rc;

    while ((rc = evtchn_alloc_unbound(DOMID_SELF, &ports[n])) == 0) {
        if (++n >= SKIFF_NR_EVENT_CHANNELS) {
            test_error("alloc_unbound never reported -ENOSPC");
            break;
        }
    }
    printf("exhaustion: %u ports allocated, %u in use before, max_ports %u, then %d\n", n, in_use,
           max_ports, rc);
    TEST_EQ(rc, -ENOSPC);
    TEST_EQ(n, max_ports - 1 - in_use);
    TEST_EQ(evtchn_alloc_unbound(DOMID_SELF, &ports[n]), -ENOSPC); /* and again */
    TEST_EQ(evtchn_bind_ipi(&ports[n]), -ENOSPC);
    for (unsigned int i = 0; i < n; i++)
        TEST_EQ(evtchn_close(ports[i]), 0);
    TEST_EQ(ports_in_use(max_ports), in_use);
    TEST_EQ(domain_info(&info), 0);
    TEST_EQ(info.nr_ports, in_use);
}

/* Closing a port whose event is pending must clear the bit (Xen's evtchn_free). */
static int close_pending_case(void)
{
    struct evtchn_close close;
    evtchn_port_t port, again;

    TEST_EQ(evtchn_bind_ipi(&port), 0);
    evtchn_mask(port);
    TEST_EQ(evtchn_notify(port), 0);
    TEST_CHECK(port_pending(port));
    close.port = port;
    TEST_EQ(evtchn_op(EVTCHNOP_close, &close), 0); /* the raw op: no guest-lib clean-up */
    TEST_CHECK(!port_pending(port));
    /* Re-bound, the port must signal its first event. */
    TEST_EQ(evtchn_bind_ipi(&again), 0);
    TEST_EQ(again, port);
    /* Unmask by hand: evtchn_unmask would re-raise a stale pending bit. */
    __atomic_fetch_and(&shared_info->evtchn_mask[again / 64], ~(1ull << (again % 64)),
                       __ATOMIC_SEQ_CST);
    TEST_EQ(evtchn_notify(again), 0);
    TEST_EQ(shared_info->vcpu_info[0].evtchn_upcall_pending, 1);
    close.port = again;
    evtchn_op(EVTCHNOP_close, &close);
    shared_info->evtchn_pending[again / 64] &= ~(1ull << (again % 64));
    return test_finish();
}

int main(int argc, char **argv)
{
    struct skiff_domctl_getdomaininfo info;

    if (argc > 1 && strcmp(argv[1], "case=close-pending") == 0) {
        /* Upcalls stay off here: the pending bits are looked at directly. */
        return close_pending_case();
    }
    TEST_EQ(events_init(), 0);
    TEST_EQ(domain_info(&info), 0);
    TEST_EQ(info.max_ports, 1024); /* dom0's default */
    TEST_EQ(evtchn_bind_ipi(&ipi_port), 0);
    TEST_EQ(evtchn_bind_handler(ipi_port, on_ipi, &ipi_port), 0);
    TEST_EQ(evtchn_bind_handler(ipi_port, on_ipi, &ipi_port), -EBUSY);
    TEST_EQ(evtchn_bind_handler(0, on_ipi, NULL), -EINVAL);
    TEST_EQ(evtchn_bind_handler(EVTCHN_NR_PORTS, on_ipi, NULL), -EINVAL);
    storm();
    coalescing();
    masking();
    closing(info.max_ports);
    exhaustion(info.max_ports);
    TEST_EQ(events_spurious_count(), 0);
    return test_finish();
}
