/*
 * test_evtchn.c - the event-channel state machine and its hostile cases
 * (HOSTILE.md E1-E3): ops on bad ports, port exhaustion at the limit,
 * binding to ports not offered, privilege, what close and destroy do to the
 * peer, and how pending/mask bits drive upcalls and wake blocked or polling
 * vCPUs. Also the hypercall decoding (bad pointers allocate nothing).
 */
#include <check.h>

#include <public/event_channel.h>
#include <skiff/errno.h>
#include <skiff/evtchn.h>
#include <skiff/guest_access.h>
#include <skiff/hypercall.h>
#include <skiff/sched.h>
#include <skiff/time.h>

#include "core_test.h"

static struct domain *d0, *d1, *d2;

static struct domain *make(domid_t id, bool priv)
{
    struct domain *d = core_domain(id, priv, 64, false);

    ck_assert_int_eq(domain_set_shared_info(d, 1), 0);
    domain_unpause(d);
    return d;
}

static void ev_setup(void)
{
    core_setup();
    time_init(1000000, 0);
    sched_init(0);
    d0 = make(0, true);
    d1 = make(1, false);
    d2 = make(2, false);
    dom0 = d0;
}

static void ev_teardown(void)
{
    if (d2)
        domain_destroy(d2);
    if (d1)
        domain_destroy(d1);
    if (d0)
        domain_destroy(d0);
    dom0 = NULL;
    core_teardown();
}

static evtchn_port_t unbound(struct domain *d, domid_t remote)
{
    evtchn_port_t p = 0;

    ck_assert_int_eq(evtchn_alloc_unbound(d, DOMID_SELF, remote, &p), 0);
    ck_assert_uint_ne(p, 0);
    return p;
}

/* Connects d's fresh port to a fresh unbound port of r; returns d's port. */
static evtchn_port_t connect(struct domain *d, struct domain *r, evtchn_port_t *remote)
{
    evtchn_port_t rp = unbound(r, d->domid), lp = 0;

    ck_assert_int_eq(evtchn_bind_interdomain(d, r->domid, rp, &lp), 0);
    if (remote)
        *remote = rp;
    return lp;
}

static bool pending(struct domain *d, evtchn_port_t p)
{
    return evtchn_is_pending(d, p);
}

static void clear_pending(struct domain *d, evtchn_port_t p)
{
    d->shared_info->evtchn_pending[p / 64] &= ~(1ull << (p % 64));
    d->vcpu[0]->info->evtchn_upcall_pending = 0;
    d->vcpu[0]->info->evtchn_pending_sel = 0;
}

START_TEST(test_bad_ports_give_einval)
{
    static const evtchn_port_t bad[] = {0, 5, 1023, 1024, 4095, 4096, 0xffffffffu};
    static const evtchn_port_t out_of_range[] = {0, 1024, 4095, 4096, 0xffffffffu};
    static const evtchn_port_t free_ports[] = {5, 63, 64, 1023};
    struct evtchn_status st;

    for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
        ck_assert_int_eq(evtchn_close(d1, bad[i]), -EINVAL);
        ck_assert_int_eq(evtchn_send(d1, bad[i]), -EINVAL);
        ck_assert_int_eq(evtchn_unmask(d1, bad[i]), -EINVAL);
        ck_assert_int_eq(evtchn_bind_vcpu(d1, bad[i], 0), -EINVAL);
    }
    for (unsigned int i = 0; i < ARRAY_SIZE(out_of_range); i++) {
        st.dom = DOMID_SELF;
        st.port = out_of_range[i];
        ck_assert_int_eq(evtchn_status(d1, &st), -EINVAL);
    }
    /* As in Xen, status of a free port within the limit says it is closed. */
    for (unsigned int i = 0; i < ARRAY_SIZE(free_ports); i++) {
        st.dom = DOMID_SELF;
        st.port = free_ports[i];
        ck_assert_int_eq(evtchn_status(d1, &st), 0);
        ck_assert_uint_eq(st.status, EVTCHNSTAT_closed);
    }
    /* A port that was closed is as bad as one never used. */
    evtchn_port_t p = unbound(d1, 2);
    ck_assert_int_eq(evtchn_close(d1, p), 0);
    ck_assert_int_eq(evtchn_close(d1, p), -EINVAL);
    ck_assert_int_eq(evtchn_send(d1, p), -EINVAL);
    ck_assert_int_eq(evtchn_unmask(d1, p), -EINVAL);
}
END_TEST

START_TEST(test_exhaustion_at_the_limit)
{
    struct domain *small;
    const struct domain_config cfg = {.domid = 7, .name = "small", .max_ports = 64};
    evtchn_port_t p, last = 0;

    small = domain_create(&cfg);
    ck_assert_ptr_nonnull(small);
    ck_assert_int_eq(domain_alloc_ram(small, 16, false), 0);
    ck_assert_int_eq(domain_set_shared_info(small, 1), 0);
    small->state = DOMAIN_RUNNING;
    for (unsigned int i = 1; i < 64; i++) {
        ck_assert_int_eq(evtchn_bind_ipi(small, 0, &p), 0);
        ck_assert_uint_eq(p, i);
        last = p;
    }
    ck_assert_uint_eq(evtchn_ports_in_use(small), 63);
    ck_assert_int_eq(evtchn_bind_ipi(small, 0, &p), -ENOSPC);
    ck_assert_int_eq(evtchn_alloc_unbound(small, DOMID_SELF, 1, &p), -ENOSPC);
    ck_assert_int_eq(evtchn_close(small, last), 0);
    ck_assert_int_eq(evtchn_bind_ipi(small, 0, &p), 0);
    ck_assert_uint_eq(p, last);
    domain_destroy(small);
}
END_TEST

START_TEST(test_bad_port_limits_refused)
{
    const struct domain_config one = {.domid = 8, .name = "one", .max_ports = 1};
    const struct domain_config big = {.domid = 9, .name = "big", .max_ports = 4097};

    ck_assert_ptr_null(domain_create(&one));
    ck_assert_ptr_null(domain_create(&big));
}
END_TEST

START_TEST(test_bind_to_port_not_offered)
{
    evtchn_port_t to_d2 = unbound(d1, 2), lp;

    /* d1 offered the port to d2: d0 may not take it, privileged or not. */
    ck_assert_int_eq(evtchn_bind_interdomain(d0, 1, to_d2, &lp), -EINVAL);
    /* Free, out-of-range and already bound ports. */
    ck_assert_int_eq(evtchn_bind_interdomain(d2, 1, 999, &lp), -EINVAL);
    ck_assert_int_eq(evtchn_bind_interdomain(d2, 1, 5000, &lp), -EINVAL);
    ck_assert_int_eq(evtchn_bind_interdomain(d2, 1, to_d2, &lp), 0);
    ck_assert_int_eq(evtchn_bind_interdomain(d2, 1, to_d2, &lp), -EINVAL);
    /* A domain that does not exist. */
    ck_assert_int_eq(evtchn_bind_interdomain(d2, 77, 1, &lp), -ESRCH);
}
END_TEST

START_TEST(test_privilege)
{
    evtchn_port_t p;
    struct evtchn_status st = {.dom = 2, .port = 1};

    ck_assert_int_eq(evtchn_alloc_unbound(d1, 2, 1, &p), -EPERM);
    ck_assert_int_eq(evtchn_status(d1, &st), -EPERM);
    ck_assert_int_eq(evtchn_bind_virq(d1, VIRQ_DOM_EXC, 0, &p), -EPERM);
    ck_assert_int_eq(evtchn_bind_virq(d1, VIRQ_CONSOLE, 0, &p), -EPERM);
    /* The toolstack may set up channels between guests. */
    ck_assert_int_eq(evtchn_alloc_unbound(d0, 1, 2, &p), 0);
    st.dom = 1;
    st.port = p;
    ck_assert_int_eq(evtchn_status(d0, &st), 0);
    ck_assert_uint_eq(st.status, EVTCHNSTAT_unbound);
    ck_assert_uint_eq(st.u.unbound.dom, 2);
}
END_TEST

START_TEST(test_send_raises_upcall_unless_masked)
{
    evtchn_port_t rp, lp = connect(d1, d2, &rp);
    struct vcpu_info *vi = d2->vcpu[0]->info;

    clear_pending(d2, rp);
    ck_assert_int_eq(evtchn_send(d1, lp), 0);
    ck_assert(pending(d2, rp));
    ck_assert_uint_eq(vi->evtchn_upcall_pending, 1);
    ck_assert(vi->evtchn_pending_sel & (1ull << (rp / 64)));

    /* Masked: pending but no upcall; unmask raises it. */
    clear_pending(d2, rp);
    d2->shared_info->evtchn_mask[rp / 64] |= 1ull << (rp % 64);
    ck_assert_int_eq(evtchn_send(d1, lp), 0);
    ck_assert(pending(d2, rp));
    ck_assert_uint_eq(vi->evtchn_upcall_pending, 0);
    ck_assert_int_eq(evtchn_unmask(d2, rp), 0);
    ck_assert_uint_eq(vi->evtchn_upcall_pending, 1);
    ck_assert(!(d2->shared_info->evtchn_mask[rp / 64] & (1ull << (rp % 64))));
}
END_TEST

START_TEST(test_events_coalesce)
{
    evtchn_port_t rp, lp = connect(d1, d2, &rp);

    clear_pending(d2, rp);
    for (int i = 0; i < 100; i++)
        ck_assert_int_eq(evtchn_send(d1, lp), 0);
    ck_assert(pending(d2, rp));
    /* Still one word flagged, one upcall. */
    ck_assert_uint_eq(__builtin_popcountll(d2->vcpu[0]->info->evtchn_pending_sel), 1);
}
END_TEST

START_TEST(test_close_unbinds_the_peer)
{
    evtchn_port_t rp, lp = connect(d1, d2, &rp), again;
    struct evtchn_status st = {.dom = DOMID_SELF};

    ck_assert_int_eq(evtchn_close(d1, lp), 0);
    st.port = rp;
    ck_assert_int_eq(evtchn_status(d2, &st), 0);
    ck_assert_uint_eq(st.status, EVTCHNSTAT_unbound);
    ck_assert_uint_eq(st.u.unbound.dom, 1);
    /* Sending into a now-unbound port goes nowhere but is not an error. */
    ck_assert_int_eq(evtchn_send(d2, rp), 0);
    /* d1 can connect again. */
    ck_assert_int_eq(evtchn_bind_interdomain(d1, 2, rp, &again), 0);
}
END_TEST

START_TEST(test_destroy_unbinds_peers)
{
    evtchn_port_t rp;
    struct evtchn_status st = {.dom = DOMID_SELF};

    connect(d1, d2, &rp);
    unsigned int before = evtchn_ports_in_use(d2);
    domain_destroy(d1);
    d1 = NULL;
    st.port = rp;
    ck_assert_int_eq(evtchn_status(d2, &st), 0);
    ck_assert_uint_eq(st.status, EVTCHNSTAT_unbound);
    ck_assert_uint_eq(evtchn_ports_in_use(d2), before);
    ck_assert_int_eq(evtchn_send(d2, rp), 0);
}
END_TEST

START_TEST(test_loopback_and_ipi)
{
    evtchn_port_t a = unbound(d1, DOMID_SELF), b, ipi;

    ck_assert_int_eq(evtchn_bind_interdomain(d1, DOMID_SELF, a, &b), 0);
    clear_pending(d1, a);
    ck_assert_int_eq(evtchn_send(d1, b), 0);
    ck_assert(pending(d1, a));
    ck_assert_int_eq(evtchn_bind_ipi(d1, 0, &ipi), 0);
    ck_assert_int_eq(evtchn_send(d1, ipi), 0);
    ck_assert(pending(d1, ipi));
    ck_assert_int_eq(evtchn_bind_ipi(d1, 1, &ipi), -EINVAL); /* no vCPU 1 */
}
END_TEST

START_TEST(test_virq_rules)
{
    evtchn_port_t p, q;

    ck_assert_int_eq(evtchn_bind_virq(d1, VIRQ_TIMER, 0, &p), 0);
    ck_assert_int_eq(evtchn_bind_virq(d1, VIRQ_TIMER, 0, &q), -EEXIST);
    ck_assert_int_eq(evtchn_bind_virq(d1, NR_VIRQS, 0, &q), -EINVAL);
    ck_assert_int_eq(evtchn_bind_virq(d1, 17, 0, &q), -EINVAL);
    ck_assert_int_eq(evtchn_bind_virq(d1, VIRQ_TIMER, 1, &q), -EINVAL);
    ck_assert_int_eq(evtchn_bind_vcpu(d1, p, 0), -EINVAL);
    send_virq(d1->vcpu[0], VIRQ_TIMER);
    ck_assert(pending(d1, p));
    ck_assert_int_eq(evtchn_close(d1, p), 0);
    ck_assert_uint_eq(d1->vcpu[0]->virq_port[VIRQ_TIMER], 0);
    ck_assert_int_eq(evtchn_bind_virq(d1, VIRQ_TIMER, 0, &q), 0); /* free again */
    /* Global virqs go to dom0. */
    ck_assert_int_eq(evtchn_bind_virq(d0, VIRQ_DOM_EXC, 0, &p), 0);
    send_global_virq(VIRQ_DOM_EXC);
    ck_assert(pending(d0, p));
}
END_TEST

START_TEST(test_send_wakes_blocked_and_pollers)
{
    evtchn_port_t rp, lp = connect(d1, d2, &rp);
    struct vcpu *v = d2->vcpu[0];

    clear_pending(d2, rp);
    v->blocked = true;
    vcpu_sleep(v);
    ck_assert_int_eq(evtchn_send(d1, lp), 0);
    ck_assert(!v->blocked);
    ck_assert(v->sched.on_runq);

    /* A poller wakes for its port even when the port is masked. */
    clear_pending(d2, rp);
    v->blocked = v->polling = true;
    v->nr_poll_ports = 1;
    v->poll_ports[0] = rp;
    vcpu_sleep(v);
    d2->shared_info->evtchn_mask[rp / 64] |= 1ull << (rp % 64);
    ck_assert_int_eq(evtchn_send(d1, lp), 0);
    ck_assert(!v->polling && !v->blocked);
}
END_TEST

/* ---- through the hypercall ---- */

static long hc(struct domain *d, int cmd, uint64_t arg)
{
    const struct hypercall_args a = {{(uint64_t)cmd, arg}};
    return hypercall_dispatch(d->vcpu[0], __HYPERVISOR_event_channel_op, &a);
}

START_TEST(test_hypercall_bad_pointers_allocate_nothing)
{
    static const uint64_t bad[] = {0, 0x10, 64 * 4096 - 2, 0xffffffff80000000ull, ~0ull};
    unsigned int before = evtchn_ports_in_use(d1);

    for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
        ck_assert_int_eq(hc(d1, EVTCHNOP_alloc_unbound, bad[i]), -EFAULT);
        ck_assert_int_eq(hc(d1, EVTCHNOP_bind_ipi, bad[i]), -EFAULT);
        ck_assert_int_eq(hc(d1, EVTCHNOP_send, bad[i]), -EFAULT);
    }
    /* Readable but read-only: nothing may be allocated. */
    struct evtchn_bind_ipi op = {.vcpu = 0};
    core_guest_write(d1, 5 * 4096, &op, sizeof(op));
    ck_assert_int_eq(domain_set_perms(d1, 5, 1, P2M_R), 0);
    ck_assert_int_eq(hc(d1, EVTCHNOP_bind_ipi, 5 * 4096), -EFAULT);
    ck_assert_uint_eq(evtchn_ports_in_use(d1), before);
    ck_assert_int_eq(hc(d1, 99, 5 * 4096), -ENOSYS);
    ck_assert_int_eq(hc(d1, EVTCHNOP_bind_pirq, 5 * 4096), -EPERM); /* dom0 only: physdev */
}
END_TEST

START_TEST(test_hypercall_round_trip)
{
    struct evtchn_alloc_unbound au = {.dom = DOMID_SELF, .remote_dom = DOMID_SELF};

    core_guest_write(d1, 6 * 4096, &au, sizeof(au));
    ck_assert_int_eq(hc(d1, EVTCHNOP_alloc_unbound, 6 * 4096), 0);
    core_guest_read(d1, 6 * 4096, &au, sizeof(au));
    ck_assert_uint_ne(au.port, 0);
    struct evtchn_status st;
    memset(&st, 0xaa, sizeof(st));
    st.dom = DOMID_SELF;
    st.port = au.port;
    core_guest_write(d1, 7 * 4096, &st, sizeof(st));
    ck_assert_int_eq(hc(d1, EVTCHNOP_status, 7 * 4096), 0);
    core_guest_read(d1, 7 * 4096, &st, sizeof(st));
    ck_assert_uint_eq(st.status, EVTCHNSTAT_unbound);
    /* Bytes of u the unbound status does not use are zero (H4). */
    const uint8_t *u = (const uint8_t *)&st.u;
    for (size_t i = sizeof(domid_t); i < sizeof(st.u); i++)
        ck_assert_uint_eq(u[i], 0);
}
END_TEST

static Suite *evtchn_suite(void)
{
    Suite *s = suite_create("evtchn");
    TCase *tc = tcase_create("state machine");

    tcase_add_checked_fixture(tc, ev_setup, ev_teardown);
    tcase_add_test(tc, test_bad_ports_give_einval);
    tcase_add_test(tc, test_exhaustion_at_the_limit);
    tcase_add_test(tc, test_bad_port_limits_refused);
    tcase_add_test(tc, test_bind_to_port_not_offered);
    tcase_add_test(tc, test_privilege);
    tcase_add_test(tc, test_send_raises_upcall_unless_masked);
    tcase_add_test(tc, test_events_coalesce);
    tcase_add_test(tc, test_close_unbinds_the_peer);
    tcase_add_test(tc, test_destroy_unbinds_peers);
    tcase_add_test(tc, test_loopback_and_ipi);
    tcase_add_test(tc, test_virq_rules);
    tcase_add_test(tc, test_send_wakes_blocked_and_pollers);
    tcase_add_test(tc, test_hypercall_bad_pointers_allocate_nothing);
    tcase_add_test(tc, test_hypercall_round_trip);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return core_run_suite(evtchn_suite());
}
