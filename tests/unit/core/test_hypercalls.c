/*
 * test_hypercalls.c - hypercall_dispatch() and the portable handlers
 * (console_io, xen_version, sysctl, sched_op) as a hostile guest sees them:
 * unknown numbers and sub-ops (H1), bad pointers (H2), bad counts (H3),
 * output buffers with padding (H4) and privileged calls from a domU (H7);
 * plus dom0's shutdown stopping the machine after the leak check.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <public/sched.h>
#include <public/skiff.h>
#include <public/sysctl.h>
#include <public/version.h>
#include <skiff/bootinfo.h>
#include <skiff/frame.h>
#include <skiff/guest_access.h>
#include <skiff/heap.h>
#include <skiff/hypercall.h>
#include <skiff/setup.h>

#include "core_test.h"

#define NR_PAGES 64
#define RAM_END  ((uint64_t)NR_PAGES * PAGE_SIZE)
#define PG(n)    ((uint64_t)(n)*PAGE_SIZE)
#define RO_PAGE  40 /* read-only in every test domain */
#define NO_PAGE  41 /* not mapped */

static struct domain *d0, *d1;
static struct vcpu *v0, *v1;

static struct domain *make_domain(domid_t id, bool privileged, bool contiguous)
{
    struct domain *d = core_domain(id, privileged, NR_PAGES, contiguous);

    ck_assert_int_eq(domain_set_perms(d, RO_PAGE, 1, P2M_R), 0);
    ck_assert_int_eq(domain_set_perms(d, NO_PAGE, 1, 0), 0);
    return d;
}

static void hc_setup(void)
{
    core_setup();
    d0 = make_domain(0, true, true);
    d1 = make_domain(1, false, false);
    v0 = d0->vcpu[0];
    v1 = d1->vcpu[0];
    fake_console_clear();
}

static void hc_teardown(void)
{
    if (dom0)
        domain_destroy(dom0);
    if (d0)
        domain_destroy(d0);
    if (d1)
        domain_destroy(d1);
    d0 = d1 = NULL;
    core_teardown();
}

static long hc(struct vcpu *v, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
    struct hypercall_args args = {{a0, a1, a2, 0xdead0003, 0xdead0004}};

    return hypercall_dispatch(v, nr, &args);
}

/* Asserts rc and that the guest's RAM did not change. */
static void expect_rc_unchanged(struct vcpu *v, long want, uint64_t nr, uint64_t a0, uint64_t a1,
                                uint64_t a2)
{
    uint8_t *snap = core_guest_snapshot(v->domain);
    long rc = hc(v, nr, a0, a1, a2);

    ck_assert_msg(rc == want, "hypercall %llu(%#llx, %#llx, %#llx): %ld, want %ld",
                  (unsigned long long)nr, (unsigned long long)a0, (unsigned long long)a1,
                  (unsigned long long)a2, rc, want);
    core_assert_guest_unchanged(v->domain, snap, "a failed hypercall");
    free(snap);
}

/* ---- dispatch (H1, H7) ---- */

START_TEST(test_unknown_numbers)
{
    static const uint64_t beyond[] = {SKIFF_NR_HYPERCALLS, 65,        1000, 1ull << 32,
                                      UINT64_MAX - 1,      UINT64_MAX};
    bool known[SKIFF_NR_HYPERCALLS] = {false};
    unsigned int unknown = 0;

#define HYPERCALL(name, nr, who, nargs, params, args) known[nr] = true;
#include <public/hypercalls.def>
#undef HYPERCALL

    for (uint64_t nr = 0; nr < SKIFF_NR_HYPERCALLS; nr++) {
        if (known[nr])
            continue;
        unknown++;
        expect_rc_unchanged(v0, -ENOSYS, nr, PG(1), 16, PG(1));
        expect_rc_unchanged(v1, -ENOSYS, nr, 0, UINT64_MAX, UINT64_MAX);
        ck_assert_str_eq(hypercall_name(nr), "?");
    }
    ck_assert_uint_gt(unknown, 40); /* most numbers are unused */
    for (unsigned int i = 0; i < ARRAY_SIZE(beyond); i++) {
        expect_rc_unchanged(v0, -ENOSYS, beyond[i], 0, 0, 0);
        expect_rc_unchanged(v1, -ENOSYS, beyond[i], 0, 0, 0);
        ck_assert_str_eq(hypercall_name(beyond[i]), "?");
    }
    ck_assert_str_eq(fake_console_output(), "");
}
END_TEST

START_TEST(test_names_follow_the_table)
{
#define HYPERCALL(name, nr, who, nargs, params, args) \
    ck_assert_str_eq(hypercall_name(nr), #name);      \
    ck_assert_uint_eq(nr, __HYPERVISOR_##name);
#include <public/hypercalls.def>
#undef HYPERCALL
}
END_TEST

START_TEST(test_sysctl_needs_privilege)
{
    struct skiff_sysctl op = {.cmd = SKIFF_SYSCTL_physinfo,
                              .interface_version = SKIFF_SYSCTL_INTERFACE_VERSION};

    core_guest_write(d1, PG(2), &op, sizeof(op));
    expect_rc_unchanged(v1, -EPERM, __HYPERVISOR_sysctl, PG(2), 0, 0);
    expect_rc_unchanged(v1, -EPERM, __HYPERVISOR_sysctl, 0, 0, 0); /* before any pointer check */
    expect_rc_unchanged(v1, -EPERM, __HYPERVISOR_sysctl, UINT64_MAX, 0, 0);
    /* A privileged flag, not domid 0, is what counts. */
    d1->privileged = true;
    ck_assert_int_eq(hc(v1, __HYPERVISOR_sysctl, PG(2), 0, 0), 0);
    d0->privileged = false;
    expect_rc_unchanged(v0, -EPERM, __HYPERVISOR_sysctl, PG(2), 0, 0);
}
END_TEST

/* ---- sysctl readconsole (dmesg) ---- */

static long readconsole(uint64_t op_gpa, uint64_t buffer, uint32_t count, uint64_t index,
                        struct skiff_sysctl *out)
{
    struct skiff_sysctl op = {.cmd = SKIFF_SYSCTL_readconsole,
                              .interface_version = SKIFF_SYSCTL_INTERFACE_VERSION};
    long rc;

    op.u.readconsole.buffer = buffer;
    op.u.readconsole.count = count;
    op.u.readconsole.index = index;
    core_guest_write(d0, op_gpa, &op, sizeof(op));
    rc = hc(v0, __HYPERVISOR_sysctl, op_gpa, 0, 0);
    core_guest_read(d0, op_gpa, out, sizeof(*out));
    return rc;
}

START_TEST(test_readconsole_reads_recent_output_once)
{
    static const char msg[] = "marker-for-dmesg\n";
    struct skiff_sysctl out;
    char got[64];

    core_guest_write(d0, PG(3), msg, strlen(msg));
    ck_assert_int_eq(hc(v0, __HYPERVISOR_console_io, CONSOLEIO_write, strlen(msg), PG(3)), 0);
    ck_assert_int_eq(readconsole(PG(2), PG(4), 4096, 0, &out), 0);
    uint64_t head = out.u.readconsole.head;
    ck_assert_uint_ge(head, strlen(msg));
    ck_assert_uint_eq(out.u.readconsole.index, head); /* everything up to head */
    ck_assert_uint_eq(out.u.readconsole.count, head < 4096 ? head : 4096);
    /* The last bytes are the marker. */
    core_guest_read(d0, PG(4) + out.u.readconsole.count - strlen(msg), got, strlen(msg));
    ck_assert_mem_eq(got, msg, strlen(msg));
    /* Incremental: from head there is nothing new; an old index starts at the oldest kept. */
    ck_assert_int_eq(readconsole(PG(2), PG(4), 4096, head, &out), 0);
    ck_assert_uint_eq(out.u.readconsole.count, 0);
    ck_assert_uint_eq(out.u.readconsole.index, head);
    ck_assert_int_eq(readconsole(PG(2), PG(4), 6, head - strlen(msg), &out), 0);
    ck_assert_uint_eq(out.u.readconsole.count, 6);
    ck_assert_uint_eq(out.u.readconsole.index, head - strlen(msg) + 6);
    core_guest_read(d0, PG(4), got, 6);
    ck_assert_mem_eq(got, "marker", 6);
}
END_TEST

START_TEST(test_readconsole_bad_buffers)
{
    struct skiff_sysctl out;

    ck_assert_int_eq(readconsole(PG(2), PG(RO_PAGE), 16, 0, &out), -EFAULT);
    ck_assert_int_eq(readconsole(PG(2), PG(NO_PAGE), 16, 0, &out), -EFAULT);
    ck_assert_int_eq(readconsole(PG(2), RAM_END - 8, 16, 0, &out), -EFAULT);
    ck_assert_int_eq(readconsole(PG(2), UINT64_MAX - 4, 16, 0, &out), -EFAULT);
    /* A huge count is cut to 64 KiB (16 pages), which must then be writable: 30..45 holds RO_PAGE. */
    ck_assert_int_eq(readconsole(PG(2), PG(30), UINT32_MAX, 0, &out), -EFAULT);
    ck_assert_int_eq(readconsole(PG(2), PG(4), UINT32_MAX, 0, &out), 0);
    ck_assert_int_eq(readconsole(PG(2), PG(4), 0, 0, &out), 0);
    ck_assert_uint_eq(out.u.readconsole.count, 0);
}
END_TEST

/* ---- console_io (H2, H3) ---- */

static long console_write(struct vcpu *v, uint64_t buf, uint64_t count)
{
    return hc(v, __HYPERVISOR_console_io, CONSOLEIO_write, count, buf);
}

START_TEST(test_console_write_dom0_raw)
{
    static const char msg[] = "hello from dom0\nsecond line";

    core_guest_write(d0, PG(3), msg, strlen(msg));
    ck_assert_int_eq(console_write(v0, PG(3), strlen(msg)), 0);
    ck_assert_str_eq(fake_console_output(), "hello from dom0\r\nsecond line");
    ck_assert(!v0->arch.continued);
}
END_TEST

START_TEST(test_console_write_domu_prefixed)
{
    static const char a[] = "line1\nline2", b[] = "\nline3\n";

    core_guest_write(d1, PG(3), a, strlen(a));
    core_guest_write(d1, PG(4) - 3, b, strlen(b)); /* crosses a page */
    ck_assert_int_eq(console_write(v1, PG(3), strlen(a)), 0);
    ck_assert_int_eq(console_write(v1, PG(4) - 3, strlen(b)), 0);
    ck_assert_str_eq(fake_console_output(), "(d1) line1\r\n(d1) line2\r\n(d1) line3\r\n");

    /* Another domain's partial line is ended before the next domain speaks. */
    struct domain *d2 = make_domain(2, false, false);
    fake_console_clear();
    core_guest_write(d2, PG(3), "xyz", 3);
    ck_assert_int_eq(console_write(v1, PG(3), 5), 0);
    ck_assert_int_eq(console_write(d2->vcpu[0], PG(3), 3), 0);
    ck_assert_str_eq(fake_console_output(), "(d1) line1\r\n(d2) xyz");
    domain_destroy(d2);
}
END_TEST

START_TEST(test_console_write_bad_buffers)
{
    static const struct {
        uint64_t buf, count;
    } bad[] = {
        {PG(1), 0xffffffffu},        /* count 2^32-1 */
        {PG(1), UINT64_MAX},         /* int -1 passed as count */
        {PG(1), (uint64_t)-4096},    /* -4096: 0xfffff000 after truncation */
        {RAM_END - 8, 16},           /* straddles the end of RAM */
        {RAM_END, 1},                /* past RAM */
        {0, 1},                      /* NULL */
        {0x800, 16},                 /* page 0 */
        {PG(NO_PAGE) - 4, 8},        /* into an unmapped page */
        {0x0000800000000000ull, 4},  /* non-canonical */
        {0xffff800000000000ull, 4},  /* hypervisor space */
        {0xfffffffffffffff0ull, 32}, /* wraps */
        {PG(NO_PAGE) - 5000, 6000},  /* the first 4096 are fine, the rest reach the hole */
    };

    for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
        v0->arch.continued = v1->arch.continued = false;
        expect_rc_unchanged(v0, -EFAULT, __HYPERVISOR_console_io, CONSOLEIO_write, bad[i].count,
                            bad[i].buf);
        expect_rc_unchanged(v1, -EFAULT, __HYPERVISOR_console_io, CONSOLEIO_write, bad[i].count,
                            bad[i].buf);
        ck_assert_msg(!v0->arch.continued && !v1->arch.continued, "case %u continued", i);
    }
    ck_assert_str_eq(fake_console_output(), "");
}
END_TEST

START_TEST(test_console_write_count_zero)
{
    ck_assert_int_eq(console_write(v0, PG(1), 0), 0);
    ck_assert_int_eq(console_write(v1, 0, 0), 0); /* nothing to read: no fault */
    ck_assert_int_eq(console_write(v1, UINT64_MAX, 0), 0);
    ck_assert_int_eq(console_write(v1, PG(1), 1ull << 32), 0); /* upper half ignored: 0 */
    ck_assert_str_eq(fake_console_output(), "");
    ck_assert(!v0->arch.continued && !v1->arch.continued);
}
END_TEST

static void fill_printable(struct domain *d, uint64_t gpa, size_t n, char *copy)
{
    for (size_t i = 0; i < n; i++)
        copy[i] = (char)('A' + i % 26);
    core_guest_write(d, gpa, copy, n);
}

START_TEST(test_console_write_continues_past_4096)
{
    enum { TOTAL = 10000 };
    static char text[TOTAL + 1];
    uint64_t buf = PG(2) + 100;

    fill_printable(d0, buf, TOTAL, text);
    ck_assert_int_eq(console_write(v0, buf, TOTAL), 0);
    ck_assert_uint_eq(strlen(fake_console_output()), 4096);
    ck_assert_int_eq(memcmp(fake_console_output(), text, 4096), 0);
    ck_assert(v0->arch.continued);
    ck_assert_uint_eq(v0->arch.cont_nr, __HYPERVISOR_console_io);
    ck_assert_uint_eq(v0->arch.cont_args[0], CONSOLEIO_write | CONSOLEIO_CONTINUED);
    ck_assert_uint_eq(v0->arch.cont_args[1], TOTAL - 4096);
    ck_assert_uint_eq(v0->arch.cont_args[2], buf + 4096);

    /* The guest re-issues the call with the recorded arguments until done. */
    unsigned int rounds = 1;
    while (v0->arch.continued) {
        struct hypercall_args next;
        memcpy(next.arg, v0->arch.cont_args, sizeof(next.arg));
        v0->arch.continued = false;
        ck_assert_int_eq(hypercall_dispatch(v0, v0->arch.cont_nr, &next), 0);
        ck_assert_uint_le(++rounds, 3);
    }
    ck_assert_uint_eq(rounds, 3);
    ck_assert_uint_eq(strlen(fake_console_output()), TOTAL);
    ck_assert_int_eq(memcmp(fake_console_output(), text, TOTAL), 0);
}
END_TEST

/* H6: a continuation re-checks its chunk; a page unmapped meanwhile stops it. */
START_TEST(test_console_continuation_revalidates)
{
    enum { TOTAL = 3 * 4096 };
    static char text[TOTAL + 1];
    uint64_t buf = PG(20);

    fill_printable(d1, buf, TOTAL, text);
    ck_assert_int_eq(console_write(v1, buf, TOTAL), 0);
    ck_assert(v1->arch.continued);
    ck_assert_int_eq(domain_set_perms(d1, 21, 1, 0), 0); /* the second chunk's page */
    fake_console_clear();
    struct hypercall_args next;
    memcpy(next.arg, v1->arch.cont_args, sizeof(next.arg));
    v1->arch.continued = false;
    ck_assert_int_eq(hypercall_dispatch(v1, v1->arch.cont_nr, &next), -EFAULT);
    ck_assert_str_eq(fake_console_output(), "");
    ck_assert(!v1->arch.continued);

    /* A guest that issues a continuation itself gets the same checks. */
    expect_rc_unchanged(v1, -EFAULT, __HYPERVISOR_console_io, CONSOLEIO_write | CONSOLEIO_CONTINUED,
                        0xffffffffu, RAM_END - 8);
    expect_rc_unchanged(v1, -EFAULT, __HYPERVISOR_console_io, CONSOLEIO_write | CONSOLEIO_CONTINUED,
                        16, 0);
    expect_rc_unchanged(v1, -ENOSYS, __HYPERVISOR_console_io, CONSOLEIO_read | CONSOLEIO_CONTINUED,
                        16, PG(1));
    ck_assert_str_eq(fake_console_output(), "");
}
END_TEST

START_TEST(test_console_write_exactly_4096)
{
    static char text[4097];

    fill_printable(d0, PG(5), 4096, text);
    ck_assert_int_eq(console_write(v0, PG(5), 4096), 0);
    ck_assert(!v0->arch.continued);
    ck_assert_uint_eq(strlen(fake_console_output()), 4096);
    fill_printable(d0, PG(5), 4097, text);
    ck_assert_int_eq(console_write(v0, PG(5), 4097), 0);
    ck_assert(v0->arch.continued);
    ck_assert_uint_eq(v0->arch.cont_args[1], 1);
}
END_TEST

START_TEST(test_console_unknown_cmd)
{
    static const uint64_t cmds[] = {2, 3, 99, 0xffffffffu, UINT64_MAX, 0x80000000u};

    for (unsigned int i = 0; i < ARRAY_SIZE(cmds); i++) {
        expect_rc_unchanged(v0, -ENOSYS, __HYPERVISOR_console_io, cmds[i], 4, PG(1));
        expect_rc_unchanged(v1, -ENOSYS, __HYPERVISOR_console_io, cmds[i], 4, PG(1));
    }
    ck_assert_str_eq(fake_console_output(), "");
}
END_TEST

static long console_read(struct vcpu *v, uint64_t buf, uint64_t count)
{
    return hc(v, __HYPERVISOR_console_io, CONSOLEIO_read, count, buf);
}

START_TEST(test_console_read)
{
    char got[16];

    ck_assert_int_eq(console_read(v0, PG(6), 100), 0); /* nothing typed */
    fake_console_input("typed");
    core_guest_fill(d0, PG(6), 0xaa, 16);
    ck_assert_int_eq(console_read(v0, PG(6), 3), 3);
    ck_assert_int_eq(console_read(v0, PG(6) + 3, 100), 2);
    core_guest_read(d0, PG(6), got, 6);
    ck_assert_int_eq(memcmp(got, "typed\xaa", 6), 0);
    ck_assert_int_eq(console_read(v0, PG(6), 0), 0);
}
END_TEST

START_TEST(test_console_read_unprivileged)
{
    fake_console_input("secret");
    expect_rc_unchanged(v1, -EPERM, __HYPERVISOR_console_io, CONSOLEIO_read, 100, PG(6));
    expect_rc_unchanged(v1, -EPERM, __HYPERVISOR_console_io, CONSOLEIO_read, 100, 0);
    ck_assert_int_eq(console_read(v0, PG(6), 100), 6); /* still there for dom0 */
}
END_TEST

START_TEST(test_console_read_bad_buffer_keeps_input)
{
    static const struct {
        uint64_t buf, count;
    } bad[] = {
        {0, 10},
        {PG(RO_PAGE), 10},
        {PG(NO_PAGE), 10},
        {RAM_END - 4, 10},
        {RAM_END - 100, 1024},         /* the most one read returns, past RAM */
        {RAM_END - 1024, 0xffffffffu}, /* the whole count must be writable */
        {0xffff800000000000ull, 10},
        {UINT64_MAX - 3, 10},
    };
    char got[8];

    fake_console_input("keep");
    for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++)
        expect_rc_unchanged(v0, -EFAULT, __HYPERVISOR_console_io, CONSOLEIO_read, bad[i].count,
                            bad[i].buf);
    ck_assert_int_eq(console_read(v0, RAM_END - 2000, 2000), 4);
    core_guest_read(d0, RAM_END - 2000, got, 4);
    ck_assert_int_eq(memcmp(got, "keep", 4), 0);
}
END_TEST

/* ---- xen_version (H1, H2, H4) ---- */

START_TEST(test_version_and_pagesize)
{
    ck_assert_int_eq(hc(v1, __HYPERVISOR_xen_version, XENVER_version, 0, 0),
                     (SKIFF_ABI_MAJOR << 16) | SKIFF_ABI_MINOR);
    ck_assert_int_eq(hc(v1, __HYPERVISOR_xen_version, XENVER_pagesize, 0, 0), 4096);
    ck_assert_int_eq(hc(v0, __HYPERVISOR_xen_version, XENVER_pagesize, UINT64_MAX, 0), 4096);
}
END_TEST

START_TEST(test_extraversion_fully_defined)
{
    uint8_t got[32], want[32];

    core_guest_fill(d1, PG(7), 0xaa, sizeof(got));
    ck_assert_int_eq(hc(v1, __HYPERVISOR_xen_version, XENVER_extraversion, PG(7), 0), 0);
    core_guest_read(d1, PG(7), got, sizeof(got));
    memset(want, 0xaa, sizeof(want));
    memset(want, 0, XEN_EXTRAVERSION_LEN); /* all 16 bytes: "-skiff" then zeros */
    memcpy(want, "-skiff", 6);
    ck_assert_int_eq(memcmp(got, want, sizeof(want)), 0);
}
END_TEST

START_TEST(test_extraversion_bad_pointers)
{
    static const uint64_t bad[] = {0,
                                   0xff8,
                                   PG(RO_PAGE),
                                   PG(NO_PAGE) - 8,
                                   RAM_END - 15,
                                   RAM_END,
                                   0xffffffff80000000ull,
                                   UINT64_MAX - 7};

    for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++)
        expect_rc_unchanged(v1, -EFAULT, __HYPERVISOR_xen_version, XENVER_extraversion, bad[i], 0);
    ck_assert_int_eq(hc(v1, __HYPERVISOR_xen_version, XENVER_extraversion, RAM_END - 16, 0), 0);
}
END_TEST

static uint32_t features(struct vcpu *v, uint32_t idx)
{
    struct xen_feature_info fi = {.submap_idx = idx, .submap = 0xaaaaaaaau};

    core_guest_write(v->domain, PG(8), &fi, sizeof(fi));
    ck_assert_int_eq(hc(v, __HYPERVISOR_xen_version, XENVER_get_features, PG(8), 0), 0);
    core_guest_read(v->domain, PG(8), &fi, sizeof(fi));
    ck_assert_uint_eq(fi.submap_idx, idx);
    return fi.submap;
}

START_TEST(test_get_features)
{
    uint32_t common = 1u << XENFEAT_auto_translated_physmap;

    ck_assert_uint_eq(features(v0, 0), common | (1u << XENFEAT_dom0));
    ck_assert_uint_eq(features(v1, 0), common);
    ck_assert_uint_eq(features(v0, 1), 0);
    ck_assert_uint_eq(features(v1, 1), 0);
    ck_assert_uint_eq(features(v1, 0xffffffffu), 0);
}
END_TEST

START_TEST(test_get_features_bad_pointers)
{
    static const uint64_t bad[] = {0,
                                   0x10,
                                   PG(RO_PAGE),
                                   PG(NO_PAGE),
                                   PG(NO_PAGE) - 4,
                                   RAM_END - 4,
                                   0x0000800000000000ull,
                                   UINT64_MAX - 3};

    for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++)
        expect_rc_unchanged(v1, -EFAULT, __HYPERVISOR_xen_version, XENVER_get_features, bad[i], 0);
}
END_TEST

START_TEST(test_version_unknown_cmd)
{
    static const uint64_t cmds[] = {2, 3, 4, 5, 8, 9, 100, 0xffffffffu, 0x80000000u};

    for (unsigned int i = 0; i < ARRAY_SIZE(cmds); i++)
        expect_rc_unchanged(v1, -ENOSYS, __HYPERVISOR_xen_version, cmds[i], PG(1), 0);
}
END_TEST

/* ---- sysctl (H1, H2, H4) ---- */

static void put_sysctl(struct domain *d, uint64_t gpa, uint32_t cmd, uint32_t version)
{
    struct skiff_sysctl op;

    memset(&op, 0xaa, sizeof(op));
    op.cmd = cmd;
    op.interface_version = version;
    core_guest_write(d, gpa, &op, sizeof(op));
}

START_TEST(test_physinfo)
{
    struct skiff_sysctl op;
    const uint8_t *raw = (const uint8_t *)&op;

    put_sysctl(d0, PG(9) - 64, SKIFF_SYSCTL_physinfo, SKIFF_SYSCTL_INTERFACE_VERSION);
    ck_assert_int_eq(hc(v0, __HYPERVISOR_sysctl, PG(9) - 64, 0, 0), 0);
    core_guest_read(d0, PG(9) - 64, &op, sizeof(op));
    ck_assert_uint_eq(op.cmd, SKIFF_SYSCTL_physinfo);
    ck_assert_uint_eq(op.interface_version, SKIFF_SYSCTL_INTERFACE_VERSION);
    ck_assert_uint_eq(op.u.physinfo.total_pages, hv_frames.total);
    ck_assert_uint_eq(op.u.physinfo.free_pages, frame_free_count());
    ck_assert_uint_eq(op.u.physinfo.heap_used, heap_bytes_used());
    ck_assert_uint_eq(op.u.physinfo.nr_cpus, 1);
    ck_assert_uint_eq(op.u.physinfo.cpu_khz, 1000000);
    ck_assert_uint_eq(op.u.physinfo.lapic_khz, 1000);
    ck_assert_uint_eq(op.u.physinfo.cpu_features, 0);
    ck_assert_uint_eq(op.u.physinfo.timer_ticks, 0);
    /* H4: nothing of the 0xaa fill survives in the union beyond physinfo. */
    for (size_t i = offsetof(struct skiff_sysctl, u) + sizeof(struct skiff_sysctl_physinfo);
         i < sizeof(op); i++)
        ck_assert_msg(raw[i] == 0, "sysctl byte %zu is 0x%02x", i, raw[i]);
}
END_TEST

START_TEST(test_sysctl_bad_version_and_cmd)
{
    static const uint32_t versions[] = {0, SKIFF_SYSCTL_INTERFACE_VERSION + 1, 0xffffffffu};
    static const uint32_t cmds[] = {0, 4, 99, 0xffffffffu};

    for (unsigned int i = 0; i < ARRAY_SIZE(versions); i++) {
        put_sysctl(d0, PG(10), SKIFF_SYSCTL_physinfo, versions[i]);
        expect_rc_unchanged(v0, -EINVAL, __HYPERVISOR_sysctl, PG(10), 0, 0);
    }
    for (unsigned int i = 0; i < ARRAY_SIZE(cmds); i++) {
        put_sysctl(d0, PG(10), cmds[i], SKIFF_SYSCTL_INTERFACE_VERSION);
        expect_rc_unchanged(v0, -ENOSYS, __HYPERVISOR_sysctl, PG(10), 0, 0);
    }
}
END_TEST

START_TEST(test_sysctl_bad_pointers)
{
    static const uint64_t bad[] = {
        0, 0x800, PG(NO_PAGE) - 64, RAM_END - 64, RAM_END, 0xffffffff80000000ull, UINT64_MAX - 100};

    for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++)
        expect_rc_unchanged(v0, -EFAULT, __HYPERVISOR_sysctl, bad[i], 0, 0);
    /* Readable but not writable: the request is valid, the reply cannot land. */
    put_sysctl(d0, PG(RO_PAGE), SKIFF_SYSCTL_physinfo, SKIFF_SYSCTL_INTERFACE_VERSION);
    expect_rc_unchanged(v0, -EFAULT, __HYPERVISOR_sysctl, PG(RO_PAGE), 0, 0);
}
END_TEST

/* ---- sched_op ---- */

static void put_reason(struct domain *d, unsigned int reason)
{
    struct sched_shutdown s = {.reason = reason};

    core_guest_write(d, PG(11), &s, sizeof(s));
}

START_TEST(test_sched_yield)
{
    ck_assert_int_eq(hc(v0, __HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0), 0);
    ck_assert_int_eq(hc(v1, __HYPERVISOR_sched_op, SCHEDOP_yield, UINT64_MAX, 0), 0);
    ck_assert_int_eq(d1->state, DOMAIN_RUNNING);
}
END_TEST

START_TEST(test_sched_unknown_cmd)
{
    static const uint64_t cmds[] = {99, 1000, 0x7fffffffu, 0xffffffffu};

    for (unsigned int i = 0; i < ARRAY_SIZE(cmds); i++)
        expect_rc_unchanged(v1, -ENOSYS, __HYPERVISOR_sched_op, cmds[i], PG(11), 0);
    ck_assert_int_eq(d1->state, DOMAIN_RUNNING);
}
END_TEST

START_TEST(test_shutdown_bad_reason_and_pointer)
{
    static const unsigned int reasons[] = {SHUTDOWN_suspend, 5, 100, 0x80000000u, 0xffffffffu};
    static const uint64_t bad[] = {0, PG(NO_PAGE), RAM_END - 2, 0xffff800000000000ull};

    for (unsigned int i = 0; i < ARRAY_SIZE(reasons); i++) {
        put_reason(d1, reasons[i]);
        expect_rc_unchanged(v1, -EINVAL, __HYPERVISOR_sched_op, SCHEDOP_shutdown, PG(11), 0);
    }
    for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++)
        expect_rc_unchanged(v1, -EFAULT, __HYPERVISOR_sched_op, SCHEDOP_shutdown, bad[i], 0);
    ck_assert_int_eq(d1->state, DOMAIN_RUNNING);
    ck_assert_str_eq(fake_console_output(), "");
}
END_TEST

START_TEST(test_domu_shutdown)
{
    put_reason(d1, SHUTDOWN_reboot);
    ck_assert_int_eq(hc(v1, __HYPERVISOR_sched_op, SCHEDOP_shutdown, PG(11), 0), 0);
    ck_assert_int_eq(d1->state, DOMAIN_SHUTDOWN);
    ck_assert_uint_eq(d1->shutdown_reason, SHUTDOWN_reboot);
    CORE_ASSERT_CONSOLE_HAS("d1 (test-domain) shut down: reboot");
    /* A second shutdown changes nothing. */
    put_reason(d1, SHUTDOWN_crash);
    ck_assert_int_eq(hc(v1, __HYPERVISOR_sched_op, SCHEDOP_shutdown, PG(11), 0), 0);
    ck_assert_uint_eq(d1->shutdown_reason, SHUTDOWN_reboot);
    ck_assert_int_eq(d0->state, DOMAIN_RUNNING);
}
END_TEST

/* ---- dom0's shutdown stops the machine (common/setup.c) ---- */

static struct boot_info boot;

/*
 * Boots dom0 as hv_start_dom0 does, up to the point where it would run. The
 * fixture's domains go first: domain ids are unique and the leak check
 * counts every domain.
 */
static void boot_dom0(void)
{
    int exit_code;

    domain_destroy(d0);
    domain_destroy(d1);
    d0 = d1 = NULL;
    core_dom0_boot_info(&boot, 0x200000, true);
    CORE_CATCH_EXIT(exit_code, hv_start_dom0(&boot));
    ck_assert_int_eq(exit_code, FAKE_RUN_VCPU);
    ck_assert_ptr_nonnull(dom0);
    ck_assert_int_eq(dom0->state, DOMAIN_RUNNING);
    CORE_ASSERT_CONSOLE_HAS("entering dom0");
}

static int dom0_shutdown(unsigned int reason)
{
    struct sched_shutdown s = {.reason = reason};
    int exit_code;

    ck_assert_int_eq(copy_to_guest(dom0, gva(PG(1)), &s, sizeof(s)), 0);
    fake_console_clear();
    CORE_CATCH_EXIT(exit_code,
                    hc(dom0->vcpu[0], __HYPERVISOR_sched_op, SCHEDOP_shutdown, PG(1), 0));
    return exit_code;
}

static const struct {
    unsigned int reason;
    int exit_code;
    const char *name;
} dom0_exits[] = {
    {SHUTDOWN_poweroff, EXIT_DOM0_POWEROFF, "poweroff"},
    {SHUTDOWN_reboot, EXIT_DOM0_REBOOT, "reboot"},
    {SHUTDOWN_crash, EXIT_DOM0_CRASH, "crash"},
    {SHUTDOWN_watchdog, EXIT_DOM0_WATCHDOG, "watchdog"},
};

START_TEST(test_dom0_shutdown_stops_machine)
{
    char line[64];

    boot_dom0();
    ck_assert_int_eq(dom0_shutdown(dom0_exits[_i].reason), dom0_exits[_i].exit_code);
    snprintf(line, sizeof(line), "d0 (Domain-0) shut down: %s", dom0_exits[_i].name);
    CORE_ASSERT_CONSOLE_HAS(line);
    CORE_ASSERT_CONSOLE_HAS("leak check: ");
    CORE_ASSERT_CONSOLE_HAS(" frames free before dom0 and after: OK");
    snprintf(line, sizeof(line), "stopping the machine (exit code 0x%x)", dom0_exits[_i].exit_code);
    CORE_ASSERT_CONSOLE_HAS(line);
    ck_assert_ptr_null(dom0); /* destroyed */
    core_free_modules(&boot);
}
END_TEST

START_TEST(test_dom0_bad_shutdown_keeps_running)
{
    boot_dom0();
    ck_assert_int_eq(dom0_shutdown(SHUTDOWN_suspend), CORE_NO_EXIT);
    ck_assert_ptr_nonnull(dom0);
    ck_assert_int_eq(dom0->state, DOMAIN_RUNNING);
    ck_assert_int_eq(hc(dom0->vcpu[0], __HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0), 0);
}
END_TEST

START_TEST(test_dom0_leak_is_reported)
{
    boot_dom0();
    mfn_t leaked = frame_alloc(); /* as if dom0 had left a frame behind */
    ck_assert(mfn_valid(leaked));
    ck_assert_int_eq(dom0_shutdown(SHUTDOWN_poweroff), EXIT_LEAK);
    CORE_ASSERT_CONSOLE_HAS(": LEAK");
}
END_TEST

START_TEST(test_dom0_crash_stops_machine)
{
    int exit_code;

    boot_dom0();
    fake_console_clear();
    CORE_CATCH_EXIT(exit_code, domain_crash(dom0, "bad thing %d", 42));
    ck_assert_int_eq(exit_code, EXIT_DOM0_CRASH);
    CORE_ASSERT_CONSOLE_HAS("d0 (Domain-0) killed: bad thing 42");
    CORE_ASSERT_CONSOLE_HAS("frames free before dom0 and after: OK");
}
END_TEST

START_TEST(test_domu_crash_leaves_machine_running)
{
    int exit_code;

    CORE_CATCH_EXIT(exit_code, domain_crash(d1, "oops"));
    ck_assert_int_eq(exit_code, CORE_NO_EXIT);
    ck_assert_int_eq(d1->state, DOMAIN_SHUTDOWN);
    ck_assert_uint_eq(d1->shutdown_reason, SHUTDOWN_crash);
    CORE_ASSERT_CONSOLE_HAS("d1 (test-domain) killed: oops");
}
END_TEST

static Suite *hypercall_suite(void)
{
    Suite *s = suite_create("hypercalls");
    TCase *dispatch = tcase_create("dispatch");
    TCase *console = tcase_create("console_io");
    TCase *version = tcase_create("xen_version");
    TCase *sysctl = tcase_create("sysctl");
    TCase *sched = tcase_create("sched_op");
    TCase *tcs[] = {dispatch, console, version, sysctl, sched};

    for (unsigned int i = 0; i < ARRAY_SIZE(tcs); i++) {
        tcase_add_checked_fixture(tcs[i], hc_setup, hc_teardown);
        suite_add_tcase(s, tcs[i]);
    }
    tcase_add_test(dispatch, test_unknown_numbers);
    tcase_add_test(dispatch, test_names_follow_the_table);
    tcase_add_test(dispatch, test_sysctl_needs_privilege);

    tcase_add_test(console, test_console_write_dom0_raw);
    tcase_add_test(console, test_console_write_domu_prefixed);
    tcase_add_test(console, test_console_write_bad_buffers);
    tcase_add_test(console, test_console_write_count_zero);
    tcase_add_test(console, test_console_write_continues_past_4096);
    tcase_add_test(console, test_console_continuation_revalidates);
    tcase_add_test(console, test_console_write_exactly_4096);
    tcase_add_test(console, test_console_unknown_cmd);
    tcase_add_test(console, test_console_read);
    tcase_add_test(console, test_console_read_unprivileged);
    tcase_add_test(console, test_console_read_bad_buffer_keeps_input);

    tcase_add_test(version, test_version_and_pagesize);
    tcase_add_test(version, test_extraversion_fully_defined);
    tcase_add_test(version, test_extraversion_bad_pointers);
    tcase_add_test(version, test_get_features);
    tcase_add_test(version, test_get_features_bad_pointers);
    tcase_add_test(version, test_version_unknown_cmd);

    tcase_add_test(sysctl, test_physinfo);
    tcase_add_test(sysctl, test_readconsole_reads_recent_output_once);
    tcase_add_test(sysctl, test_readconsole_bad_buffers);
    tcase_add_test(sysctl, test_sysctl_bad_version_and_cmd);
    tcase_add_test(sysctl, test_sysctl_bad_pointers);

    tcase_add_test(sched, test_sched_yield);
    tcase_add_test(sched, test_sched_unknown_cmd);
    tcase_add_test(sched, test_shutdown_bad_reason_and_pointer);
    tcase_add_test(sched, test_domu_shutdown);
    tcase_add_loop_test(sched, test_dom0_shutdown_stops_machine, 0, (int)ARRAY_SIZE(dom0_exits));
    tcase_add_test(sched, test_dom0_bad_shutdown_keeps_running);
    tcase_add_test(sched, test_dom0_leak_is_reported);
    tcase_add_test(sched, test_dom0_crash_stops_machine);
    tcase_add_test(sched, test_domu_crash_leaves_machine_running);
    return s;
}

int main(void)
{
    core_machine_bytes = 32ul << 20; /* dom0_mem=8M plus the 8 MiB the builder keeps */
    return core_run_suite(hypercall_suite());
}
