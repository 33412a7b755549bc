/*
 * test_physdev.c - device interrupts for the privileged domain
 * (common/physdev.c, EVTCHNOP_bind_pirq): every sub-op of physdev_op through
 * the hypercall with hostile arguments (HOSTILE H1, H2, H7), the
 * map -> bind -> interrupt -> EOI -> close cycle against the fake IOAPIC,
 * and what closing, unmapping and destroying leave behind; and device
 * memory mapped with XENMAPSPACE_dev_mmio.
 */
#include <check.h>

#include <public/event_channel.h>
#include <public/memory.h>
#include <public/physdev.h>
#include <skiff/errno.h>
#include <skiff/evtchn.h>
#include <skiff/hypercall.h>
#include <skiff/physdev.h>
#include <skiff/sched.h>
#include <skiff/time.h>
#include <skiff/window.h>

#include "core_test.h"

#define ARG_GPA (5 * 4096) /* where the tests put op structs in guest RAM */
#define PCI_GSI 11         /* a line qboot gives PCI devices on QEMU's pc */

static struct domain *d0, *d1;

static struct domain *make(domid_t id, bool priv)
{
    struct domain *d = core_domain(id, priv, 64, false);

    ck_assert_int_eq(domain_set_shared_info(d, 1), 0);
    domain_unpause(d);
    return d;
}

static void pd_setup(void)
{
    core_setup();
    time_init(1000000, 0);
    sched_init(0);
    memset(fake_gsis, 0, sizeof(fake_gsis));
    fake_gsi_count = 24;
    d0 = make(0, true);
    d1 = make(1, false);
    dom0 = d0;
}

static void pd_teardown(void)
{
    if (d1)
        domain_destroy(d1);
    if (d0)
        domain_destroy(d0);
    dom0 = NULL;
    core_teardown();
}

static long physdev(struct domain *d, int cmd, const void *op, size_t size)
{
    const struct hypercall_args a = {{(uint64_t)cmd, ARG_GPA}};

    if (op)
        core_guest_write(d, ARG_GPA, op, size);
    return hypercall_dispatch(d->vcpu[0], __HYPERVISOR_physdev_op, &a);
}

static long map_gsi(struct domain *d, int gsi, int pirq_in, int *pirq_out)
{
    struct physdev_map_pirq m = {
        .domid = DOMID_SELF, .type = MAP_PIRQ_TYPE_GSI, .index = gsi, .pirq = pirq_in};
    long rc = physdev(d, PHYSDEVOP_map_pirq, &m, sizeof(m));

    core_guest_read(d, ARG_GPA, &m, sizeof(m));
    if (pirq_out)
        *pirq_out = m.pirq;
    return rc;
}

static long bind_pirq(struct domain *d, uint32_t pirq, uint32_t flags, evtchn_port_t *port)
{
    struct evtchn_bind_pirq b = {.pirq = pirq, .flags = flags};
    const struct hypercall_args a = {{EVTCHNOP_bind_pirq, ARG_GPA}};

    core_guest_write(d, ARG_GPA, &b, sizeof(b));
    long rc = hypercall_dispatch(d->vcpu[0], __HYPERVISOR_event_channel_op, &a);
    core_guest_read(d, ARG_GPA, &b, sizeof(b));
    if (port)
        *port = b.port;
    return rc;
}

static long eoi(struct domain *d, uint32_t pirq)
{
    struct physdev_eoi e = {.irq = pirq};
    return physdev(d, PHYSDEVOP_eoi, &e, sizeof(e));
}

/* H7: every sub-op, and bind_pirq, refused to an unprivileged domain; nothing changes. */
START_TEST(test_unprivileged_refused)
{
    static const int cmds[] = {
        PHYSDEVOP_irq_status_query, PHYSDEVOP_set_iopl,  PHYSDEVOP_eoi, PHYSDEVOP_map_pirq,
        PHYSDEVOP_unmap_pirq,       PHYSDEVOP_setup_gsi, 12345};
    for (unsigned int i = 0; i < ARRAY_SIZE(cmds); i++)
        ck_assert_int_eq(physdev(d1, cmds[i], NULL, 0), -EPERM);
    ck_assert_int_eq(map_gsi(d1, PCI_GSI, -1, NULL), -EPERM);
    ck_assert_int_eq(bind_pirq(d1, PCI_GSI, 0, NULL), -EPERM);
    /* Even a PIRQ dom0 mapped and bound. */
    ck_assert_int_eq(map_gsi(d0, PCI_GSI, -1, NULL), 0);
    ck_assert_int_eq(bind_pirq(d1, PCI_GSI, 0, NULL), -EPERM);
    ck_assert_int_eq(eoi(d1, PCI_GSI), -EPERM);
    ck_assert_uint_eq(evtchn_ports_in_use(d1), 0);
    ck_assert(!fake_gsis[PCI_GSI].routed || fake_gsis[PCI_GSI].masked);
}
END_TEST

/* H1: unknown sub-ops; set_iopl is refused even to dom0 (never IOPL). */
START_TEST(test_unknown_and_iopl)
{
    struct physdev_set_iopl io = {.iopl = 3};

    ck_assert_int_eq(physdev(d0, 99, NULL, 0), -ENOSYS);
    ck_assert_int_eq(physdev(d0, -1, NULL, 0), -ENOSYS);
    ck_assert_int_eq(physdev(d0, PHYSDEVOP_set_iopl, &io, sizeof(io)), -EPERM);
}
END_TEST

/* H2: bad pointers give -EFAULT and change nothing. */
START_TEST(test_bad_pointers)
{
    static const uint64_t bad[] = {0, 0x10, 64 * 4096 - 2, 0xffffffff80000000ull, ~0ull};
    static const int cmds[] = {PHYSDEVOP_irq_status_query, PHYSDEVOP_eoi, PHYSDEVOP_map_pirq,
                               PHYSDEVOP_unmap_pirq, PHYSDEVOP_setup_gsi};

    for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
        for (unsigned int c = 0; c < ARRAY_SIZE(cmds); c++) {
            const struct hypercall_args a = {{(uint64_t)cmds[c], bad[i]}};
            ck_assert_int_eq(hypercall_dispatch(d0->vcpu[0], __HYPERVISOR_physdev_op, &a), -EFAULT);
        }
        const struct hypercall_args b = {{EVTCHNOP_bind_pirq, bad[i]}};
        ck_assert_int_eq(hypercall_dispatch(d0->vcpu[0], __HYPERVISOR_event_channel_op, &b),
                         -EFAULT);
    }
    /* map_pirq on a read-only page: nothing mapped. */
    struct physdev_map_pirq m = {
        .domid = DOMID_SELF, .type = MAP_PIRQ_TYPE_GSI, .index = PCI_GSI, .pirq = -1};
    core_guest_write(d0, ARG_GPA, &m, sizeof(m));
    ck_assert_int_eq(domain_set_perms(d0, 5, 1, P2M_R), 0);
    const struct hypercall_args a = {{PHYSDEVOP_map_pirq, ARG_GPA}};
    ck_assert_int_eq(hypercall_dispatch(d0->vcpu[0], __HYPERVISOR_physdev_op, &a), -EFAULT);
    ck_assert(!physdev_pirq(PCI_GSI)->mapped);
}
END_TEST

START_TEST(test_map_pirq_validation)
{
    struct physdev_map_pirq m = {
        .domid = 7, .type = MAP_PIRQ_TYPE_GSI, .index = PCI_GSI, .pirq = -1};
    int pirq = 0;

    ck_assert_int_eq(physdev(d0, PHYSDEVOP_map_pirq, &m, sizeof(m)), -EINVAL); /* other domid */
    m.domid = DOMID_SELF;
    m.type = MAP_PIRQ_TYPE_MSI;
    ck_assert_int_eq(physdev(d0, PHYSDEVOP_map_pirq, &m, sizeof(m)), -EOPNOTSUPP);
    m.type = 77;
    ck_assert_int_eq(physdev(d0, PHYSDEVOP_map_pirq, &m, sizeof(m)), -EINVAL);
    /* No such pin, negative, huge, the hypervisor's own lines, a PIRQ other than the GSI. */
    ck_assert_int_eq(map_gsi(d0, 24, -1, NULL), -EINVAL);
    ck_assert_int_eq(map_gsi(d0, -1, -1, NULL), -EINVAL);
    ck_assert_int_eq(map_gsi(d0, 0x7fffffff, -1, NULL), -EINVAL);
    for (int g = 0; g < 24; g++)
        if (g == 0 || g == 2 || g == 4 || g == 8)
            ck_assert_int_eq(map_gsi(d0, g, -1, NULL), -EINVAL);
    ck_assert_int_eq(map_gsi(d0, PCI_GSI, 5, NULL), -EINVAL);
    for (int g = 0; g < 24; g++)
        ck_assert(!physdev_pirq((unsigned int)g)->mapped);
    /* Good: PIRQ = GSI, routed masked; again is harmless. */
    ck_assert_int_eq(map_gsi(d0, PCI_GSI, -1, &pirq), 0);
    ck_assert_int_eq(pirq, PCI_GSI);
    ck_assert(fake_gsis[PCI_GSI].routed && fake_gsis[PCI_GSI].masked);
    ck_assert_int_eq(map_gsi(d0, PCI_GSI, PCI_GSI, &pirq), 0);
    /* Without an IOAPIC there is nothing to map. */
    fake_gsi_count = 0;
    ck_assert_int_eq(map_gsi(d0, 10, -1, NULL), -EINVAL);
}
END_TEST

START_TEST(test_setup_gsi)
{
    struct physdev_setup_gsi s = {.gsi = PCI_GSI, .triggering = 1, .polarity = 1};

    ck_assert_int_eq(physdev(d0, PHYSDEVOP_setup_gsi, &s, sizeof(s)), 0);
    ck_assert_int_eq(map_gsi(d0, PCI_GSI, -1, NULL), 0);
    ck_assert(fake_gsis[PCI_GSI].level && fake_gsis[PCI_GSI].active_low);
    s.triggering = 2;
    ck_assert_int_eq(physdev(d0, PHYSDEVOP_setup_gsi, &s, sizeof(s)), -EINVAL);
    s.triggering = 0;
    s.polarity = 0;
    ck_assert_int_eq(physdev(d0, PHYSDEVOP_setup_gsi, &s, sizeof(s)), 0); /* mapped, unbound */
    ck_assert(!fake_gsis[PCI_GSI].level && !fake_gsis[PCI_GSI].active_low);
    s.gsi = 4;
    ck_assert_int_eq(physdev(d0, PHYSDEVOP_setup_gsi, &s, sizeof(s)), -EINVAL);
    s.gsi = -3;
    ck_assert_int_eq(physdev(d0, PHYSDEVOP_setup_gsi, &s, sizeof(s)), -EINVAL);
    /* Defaults: ISA lines edge/high, 16 and up level/low. */
    ck_assert_int_eq(map_gsi(d0, 5, -1, NULL), 0);
    ck_assert(!fake_gsis[5].level && !fake_gsis[5].active_low);
    ck_assert_int_eq(map_gsi(d0, 17, -1, NULL), 0);
    ck_assert(fake_gsis[17].level && fake_gsis[17].active_low);
    /* While bound: -EBUSY. */
    evtchn_port_t port;
    ck_assert_int_eq(bind_pirq(d0, 17, 0, &port), 0);
    s.gsi = 17;
    ck_assert_int_eq(physdev(d0, PHYSDEVOP_setup_gsi, &s, sizeof(s)), -EBUSY);
}
END_TEST

/* The whole cycle of a level-triggered line. */
START_TEST(test_interrupt_cycle)
{
    struct physdev_setup_gsi s = {.gsi = PCI_GSI, .triggering = 1, .polarity = 1};
    struct physdev_irq_status_query q = {.irq = PCI_GSI};
    evtchn_port_t port = 0;

    ck_assert_int_eq(physdev(d0, PHYSDEVOP_setup_gsi, &s, sizeof(s)), 0);
    /* Not mapped yet: bind, EOI and query refused. */
    ck_assert_int_eq(bind_pirq(d0, PCI_GSI, 0, NULL), -EINVAL);
    ck_assert_int_eq(eoi(d0, PCI_GSI), -EINVAL);
    ck_assert_int_eq(physdev(d0, PHYSDEVOP_irq_status_query, &q, sizeof(q)), -EINVAL);
    ck_assert_int_eq(map_gsi(d0, PCI_GSI, -1, NULL), 0);
    ck_assert_int_eq(physdev(d0, PHYSDEVOP_irq_status_query, &q, sizeof(q)), 0);
    core_guest_read(d0, ARG_GPA, &q, sizeof(q));
    ck_assert_uint_eq(q.flags, XENIRQSTAT_needs_eoi);
    /* Bad flags, bad PIRQs. */
    ck_assert_int_eq(bind_pirq(d0, PCI_GSI, 2, NULL), -EINVAL);
    ck_assert_int_eq(bind_pirq(d0, 10, 0, NULL), -EINVAL);
    ck_assert_int_eq(bind_pirq(d0, 1000000, 0, NULL), -EINVAL);
    ck_assert_int_eq(bind_pirq(d0, PCI_GSI, BIND_PIRQ__WILL_SHARE, &port), 0);
    ck_assert_uint_ne(port, 0);
    ck_assert_int_eq(bind_pirq(d0, PCI_GSI, 0, NULL), -EEXIST);
    ck_assert(!fake_gsis[PCI_GSI].masked);
    struct evtchn_status st = {.dom = DOMID_SELF, .port = port};
    ck_assert_int_eq(evtchn_status(d0, &st), 0);
    ck_assert_uint_eq(st.status, EVTCHNSTAT_pirq);
    ck_assert_uint_eq(st.u.pirq, PCI_GSI);
    ck_assert_int_eq(evtchn_bind_vcpu(d0, port, 0), -EINVAL);

    /* The interrupt: pin masked, port pending. */
    physdev_irq(PCI_GSI);
    ck_assert(fake_gsis[PCI_GSI].masked);
    ck_assert(evtchn_is_pending(d0, port));
    ck_assert_uint_eq(physdev_pirq(PCI_GSI)->count, 1);
    /* EOI unmasks; a second EOI changes nothing. */
    unsigned int unmasks = fake_gsis[PCI_GSI].unmasks;
    ck_assert_int_eq(eoi(d0, PCI_GSI), 0);
    ck_assert(!fake_gsis[PCI_GSI].masked);
    ck_assert_int_eq(eoi(d0, PCI_GSI), 0);
    ck_assert_uint_eq(fake_gsis[PCI_GSI].unmasks, unmasks + 1);
    /* Closing the port masks the pin; an interrupt then raises nothing. */
    ck_assert_int_eq(evtchn_close(d0, port), 0);
    ck_assert(fake_gsis[PCI_GSI].masked);
    physdev_irq(PCI_GSI);
    ck_assert(fake_gsis[PCI_GSI].masked);
    ck_assert_int_eq(eoi(d0, PCI_GSI), 0);
    ck_assert(fake_gsis[PCI_GSI].masked); /* EOI of an unbound line does not unmask */
    /* Bind again, then unmap: the port is closed. */
    ck_assert_int_eq(bind_pirq(d0, PCI_GSI, 0, &port), 0);
    struct physdev_unmap_pirq u = {.domid = DOMID_SELF, .pirq = PCI_GSI};
    unsigned int ports = evtchn_ports_in_use(d0);
    ck_assert_int_eq(physdev(d0, PHYSDEVOP_unmap_pirq, &u, sizeof(u)), 0);
    ck_assert_uint_eq(evtchn_ports_in_use(d0), ports - 1);
    ck_assert(!physdev_pirq(PCI_GSI)->mapped);
    ck_assert_int_eq(physdev(d0, PHYSDEVOP_unmap_pirq, &u, sizeof(u)), -EINVAL);
    u.pirq = -1;
    ck_assert_int_eq(physdev(d0, PHYSDEVOP_unmap_pirq, &u, sizeof(u)), -EINVAL);
}
END_TEST

/* Interrupts on lines nobody bound (or out of range) are masked and go nowhere. */
START_TEST(test_spurious_lines)
{
    ck_assert_int_eq(map_gsi(d0, 9, -1, NULL), 0);
    physdev_irq(9);
    ck_assert(fake_gsis[9].masked);
    physdev_irq(PHYSDEV_MAX_GSI + 5); /* must not touch anything out of range */
    ck_assert_uint_eq(physdev_pirq(9)->count, 0);
}
END_TEST

/* A destroyed owner's lines are masked and free for the next privileged domain. */
START_TEST(test_destroy_releases)
{
    evtchn_port_t port;

    ck_assert_int_eq(map_gsi(d0, PCI_GSI, -1, NULL), 0);
    ck_assert_int_eq(bind_pirq(d0, PCI_GSI, 0, &port), 0);
    domain_destroy(d0);
    d0 = NULL;
    dom0 = NULL;
    ck_assert(fake_gsis[PCI_GSI].masked);
    ck_assert(!physdev_pirq(PCI_GSI)->mapped);
    struct domain *d9 = make(9, true);
    ck_assert_int_eq(map_gsi(d9, PCI_GSI, -1, NULL), 0);
    domain_destroy(d9);
}
END_TEST

/* Another privileged domain cannot take, EOI, bind or unmap dom0's line. */
START_TEST(test_other_owner)
{
    struct domain *d9 = make(9, true);
    struct physdev_unmap_pirq u = {.domid = DOMID_SELF, .pirq = PCI_GSI};

    ck_assert_int_eq(map_gsi(d0, PCI_GSI, -1, NULL), 0);
    ck_assert_int_eq(map_gsi(d9, PCI_GSI, -1, NULL), -EBUSY);
    ck_assert_int_eq(bind_pirq(d9, PCI_GSI, 0, NULL), -EINVAL);
    ck_assert_int_eq(eoi(d9, PCI_GSI), -EINVAL);
    ck_assert_int_eq(physdev(d9, PHYSDEVOP_unmap_pirq, &u, sizeof(u)), -EINVAL);
    ck_assert(physdev_pirq(PCI_GSI)->mapped);
    domain_destroy(d9);
}
END_TEST

/* ---- XENMEM_add_to_physmap, XENMAPSPACE_dev_mmio ---- */

static long map_mmio(struct domain *d, domid_t domid, uint64_t mfn, uint64_t gpfn)
{
    struct xen_add_to_physmap a = {
        .domid = domid, .space = XENMAPSPACE_dev_mmio, .idx = mfn, .gpfn = gpfn};
    const struct hypercall_args args = {{XENMEM_add_to_physmap, ARG_GPA}};

    core_guest_write(d, ARG_GPA, &a, sizeof(a));
    return hypercall_dispatch(d->vcpu[0], __HYPERVISOR_memory_op, &args);
}

START_TEST(test_dev_mmio)
{
    uint64_t w0 = d0->window.base_gfn, w1 = d1->window.base_gfn;
    const uint64_t bar = 0xfe100; /* device memory in the fake machine */

    ck_assert_uint_gt(d0->window.nr_pages, 2);
    /* H7: refused to an unprivileged domain whatever the arguments. */
    ck_assert_int_eq(map_mmio(d1, DOMID_SELF, bar, w1), -EPERM);
    ck_assert_int_eq(map_mmio(d1, DOMID_SELF, 1, 0), -EPERM);
    ck_assert_uint_eq(window_kind_of(d1, w1), WINDOW_FREE);
    /* Never RAM, the interrupt controllers, frame 0, huge frames; only the own window. */
    ck_assert_int_eq(map_mmio(d0, DOMID_SELF, 10, w0), -EINVAL);
    ck_assert_int_eq(map_mmio(d0, DOMID_SELF, 0, w0), -EINVAL);
    ck_assert_int_eq(map_mmio(d0, DOMID_SELF, 0xfee00, w0), -EINVAL);
    ck_assert_int_eq(map_mmio(d0, DOMID_SELF, 0xfec00, w0), -EINVAL);
    ck_assert_int_eq(map_mmio(d0, DOMID_SELF, ~0ull, w0), -EINVAL);
    ck_assert_int_eq(map_mmio(d0, 1, bar, w0), -EINVAL);         /* another domain */
    ck_assert_int_eq(map_mmio(d0, DOMID_SELF, bar, 5), -EINVAL); /* over RAM */
    ck_assert_int_eq(map_mmio(d0, DOMID_SELF, bar, w0 + d0->window.nr_pages), -EINVAL);
    ck_assert_uint_eq(d0->window.used, 0);
    /* Good: uncached, read-write, not executable; the slot is taken. */
    ck_assert_int_eq(map_mmio(d0, DOMID_SELF, bar, w0 + 1), 0);
    ck_assert_uint_eq(window_kind_of(d0, w0 + 1), WINDOW_MMIO);
    ck_assert_uint_eq(window_entry(d0, w0 + 1), (bar << 12) | P2M_R | P2M_W | P2M_UC);
    ck_assert_int_eq(map_mmio(d0, DOMID_SELF, bar + 1, w0 + 1), -EINVAL);
    /* Removed like any window page; what is left is unmapped when the domain goes. */
    struct xen_remove_from_physmap r = {.domid = DOMID_SELF, .gpfn = w0 + 1};
    const struct hypercall_args args = {{XENMEM_remove_from_physmap, ARG_GPA}};
    core_guest_write(d0, ARG_GPA, &r, sizeof(r));
    ck_assert_int_eq(hypercall_dispatch(d0->vcpu[0], __HYPERVISOR_memory_op, &args), 0);
    ck_assert_uint_eq(d0->window.used, 0);
    ck_assert_int_eq(map_mmio(d0, DOMID_SELF, bar, w0 + 2), 0);
}
END_TEST

static Suite *physdev_suite(void)
{
    Suite *s = suite_create("physdev");
    TCase *tc = tcase_create("pirq");

    tcase_add_checked_fixture(tc, pd_setup, pd_teardown);
    tcase_add_test(tc, test_unprivileged_refused);
    tcase_add_test(tc, test_unknown_and_iopl);
    tcase_add_test(tc, test_bad_pointers);
    tcase_add_test(tc, test_map_pirq_validation);
    tcase_add_test(tc, test_setup_gsi);
    tcase_add_test(tc, test_interrupt_cycle);
    tcase_add_test(tc, test_spurious_lines);
    tcase_add_test(tc, test_destroy_releases);
    tcase_add_test(tc, test_other_owner);
    tcase_add_test(tc, test_dev_mmio);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return core_run_suite(physdev_suite());
}
