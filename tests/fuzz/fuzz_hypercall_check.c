/*
 * fuzz_hypercall_check.c - the invariants fuzz_hypercall checks after every
 * call: public error codes only (H1, H3), -EPERM for privileged operations
 * (H7), -EFAULT exactly for buffers the guest may not access (H2), no stale
 * bytes copied out (H4), bounded output and continuations (H3, H6), and
 * nothing touched that the call does not own.
 */
#include "fuzz_util.h"

#include <arch/fake.h>
#include <public/sched.h>
#include <public/skiff.h>
#include <public/sysctl.h>
#include <public/version.h>
#include <skiff/arch.h>
#include <skiff/errno.h>
#include <skiff/frame.h>
#include <skiff/heap.h>

#include "fuzz_hypercall_check.h"

/* hc_console.c prints at most this many guest bytes per call, then continues. */
#define CONSOLE_WRITE_MAX 4096
/* Console bytes one guest byte may become: "\r\n", a "(dN) " prefix, "\r\n". */
#define CONSOLE_PER_BYTE 24
/* A log line (such as "domain shut down") is shorter than this. */
#define CONSOLE_LOG_LINE 256

/* Xen's numbers, for hypercalls this tree may not have yet (they then get -ENOSYS). */
#ifndef __HYPERVISOR_memory_op
#define __HYPERVISOR_memory_op 12
#endif
#ifndef __HYPERVISOR_event_channel_op
#define __HYPERVISOR_event_channel_op 32
#endif

/*
 * Every byte the console prints, counted on its way to the fake arch: the
 * harness is linked with --wrap=arch_console_putc (guest bytes may be NULs,
 * so the length of fake_console_output() would undercount).
 */
static size_t console_bytes;
void __real_arch_console_putc(char c);
void __wrap_arch_console_putc(char c);

void __wrap_arch_console_putc(char c)
{
    console_bytes++;
    __real_arch_console_putc(c);
}

static const uint64_t guarded_pages[3] = {FUZZ_HC_RO_PAGE, FUZZ_HC_HOLE_PAGE, FUZZ_HC_XONLY_PAGE};

/* ---- guest RAM, read and written directly (bypassing the checked helpers) ---- */

/* The hypervisor mapping of guest page gfn, or NULL when it has no frame. */
static uint8_t *ram_page(const struct domain *d, uint64_t gfn)
{
    uint64_t e = d->physmap.p2m[gfn];

    if ((e & PAGE_MASK) == 0)
        return NULL;
    return arch_maddr_to_virt(maddr(e & PAGE_MASK));
}

void hc_ram_poke(const struct domain *d, uint64_t gpa, uint8_t byte)
{
    uint8_t *p = ram_page(d, gpa / PAGE_SIZE);

    if (p)
        p[gpa % PAGE_SIZE] = byte;
}

void hc_ram_fill(const struct domain *d, uint8_t byte)
{
    for (uint64_t g = 1; g < FUZZ_HC_RAM_PAGES; g++)
        memset(ram_page(d, g), byte, PAGE_SIZE);
}

/* Copies len bytes at gpa (inside RAM, every page backed) out of guest RAM. */
static void ram_peek(const struct domain *d, uint64_t gpa, void *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        uint8_t *p = ram_page(d, (gpa + i) / PAGE_SIZE);
        FUZZ_CHECK(p != NULL);
        ((uint8_t *)buf)[i] = p[(gpa + i) % PAGE_SIZE];
    }
}

static void ram_save(const struct domain *d, uint8_t *ram)
{
    for (uint64_t g = 1; g < FUZZ_HC_RAM_PAGES; g++)
        memcpy(ram + g * PAGE_SIZE, ram_page(d, g), PAGE_SIZE);
}

/* Whether d's RAM (but page 0 and page `except`) still equals what ram_save() saved. */
static int ram_unchanged(const struct domain *d, const uint8_t *ram, uint64_t except)
{
    for (uint64_t g = 1; g < FUZZ_HC_RAM_PAGES; g++)
        if (g != except && memcmp(ram + g * PAGE_SIZE, ram_page(d, g), PAGE_SIZE) != 0)
            return 0;
    return 1;
}

static const struct domain *other_domain(const struct hc_call *c)
{
    return c->d == c->w->d[0] ? c->w->d[1] : c->w->d[0];
}

/* ---- the layout model (fuzz_hypercall.h), independent of guest_access.c ---- */

static uint64_t model_page_perms(uint64_t gfn)
{
    if (gfn == 0 || gfn >= FUZZ_HC_RAM_PAGES || gfn == FUZZ_HC_HOLE_PAGE)
        return 0;
    if (gfn == FUZZ_HC_RO_PAGE)
        return P2M_R;
    if (gfn == FUZZ_HC_XONLY_PAGE)
        return P2M_X;
    return P2M_R | P2M_W;
}

/* Whether the guest itself may access [va, va+len) with perms. */
static int model_range_ok(uint64_t va, uint64_t len, uint64_t perms)
{
    uint64_t end;

    if (len == 0)
        return 1;
    if (__builtin_add_overflow(va, len, &end))
        return 0;
    /* Stops at the first page past RAM, so this loops at most 17 times. */
    for (uint64_t page = va / PAGE_SIZE; page <= (end - 1) / PAGE_SIZE; page++)
        if ((model_page_perms(page) & perms) != perms)
            return 0;
    return 1;
}

/* ---- state the call must leave alone ---- */

/* Calls that may keep memory after they return (the leak check at teardown covers them). */
static int may_allocate(uint64_t nr)
{
    return nr == __HYPERVISOR_memory_op || nr == __HYPERVISOR_event_channel_op ||
           nr == __HYPERVISOR_domctl || nr == __HYPERVISOR_grant_table_op;
}

void hc_take_state(const struct hc_call *c, struct hc_state *s)
{
    s->free_frames = frame_free_count();
    s->heap_used = heap_bytes_used();
    s->console_bytes = console_bytes;
    s->domid = c->d->domid;
    s->privileged = c->d->privileged;
    for (int i = 0; i < 2; i++)
        memcpy(s->p2m[i], c->w->d[i]->physmap.p2m, sizeof(s->p2m[i]));
    for (int i = 0; i < 3; i++)
        memcpy(s->guarded[i], ram_page(c->d, guarded_pages[i]), PAGE_SIZE);
    ram_save(other_domain(c), s->other_ram);
}

static void check_untouched(const struct hc_call *c, const struct hc_state *s)
{
    if (!may_allocate(c->nr)) {
        FUZZ_CHECK(frame_free_count() == s->free_frames);
        FUZZ_CHECK(heap_bytes_used() == s->heap_used);
    }
    FUZZ_CHECK(c->d->domid == s->domid && c->d->privileged == s->privileged);
    for (int i = 0; i < 2; i++)
        FUZZ_CHECK(memcmp(s->p2m[i], c->w->d[i]->physmap.p2m, sizeof(s->p2m[i])) == 0);
    for (int i = 0; i < 3; i++)
        FUZZ_CHECK(memcmp(s->guarded[i], ram_page(c->d, guarded_pages[i]), PAGE_SIZE) == 0);
    /* Grant copies may write the page the other domain granted writable. */
    FUZZ_CHECK(ram_unchanged(other_domain(c), s->other_ram,
                             c->nr == __HYPERVISOR_grant_table_op ? FUZZ_HC_GRANT_RW_PAGE : 0));
}

/* ---- return values: H1, H3, H7 ---- */

static int is_public_errno(long e)
{
    switch (e) {
#define SKIFF_ERRNO(name, value) case value:
#include <public/errno.h>
        return 1;
    default:
        return 0;
    }
}

enum { WHO_NONE, WHO_ANY, WHO_PRIV };

/* Who may make hypercall nr, from hypercalls.def: WHO_NONE if it does not exist. */
static int hypercall_who(uint64_t nr)
{
    switch (nr) {
#define HYPERCALL(name, n, who, nargs, params, args) \
    case n:                                          \
        return WHO_##who;
#include <public/hypercalls.def>
#undef HYPERCALL
    default:
        return WHO_NONE;
    }
}

static int is_op(const struct hc_call *c, uint64_t nr, int cmd)
{
    return c->nr == nr && (int)c->args.arg[0] == cmd;
}

/* A console write, first call or continuation (which checks only its chunk). */
static int is_console_write(const struct hc_call *c)
{
    return is_op(c, __HYPERVISOR_console_io, CONSOLEIO_write) ||
           is_op(c, __HYPERVISOR_console_io, CONSOLEIO_write | CONSOLEIO_CONTINUED);
}

/* Calls whose success may be a positive number. */
static int may_return_positive(const struct hc_call *c)
{
    if (is_op(c, __HYPERVISOR_console_io, CONSOLEIO_read))
        return c->rc <= (long)(uint32_t)c->args.arg[1];
    return c->nr == __HYPERVISOR_xen_version || c->nr == __HYPERVISOR_memory_op;
}

static void check_return(const struct hc_call *c)
{
    if (c->rc < 0)
        FUZZ_CHECK(is_public_errno(-c->rc));
    if (c->rc > 0)
        FUZZ_CHECK(may_return_positive(c));
    if (hypercall_who(c->nr) == WHO_NONE)
        FUZZ_CHECK(c->rc == -ENOSYS);
    /* Privileged calls, and sub-ops stricter than their call (docs/hypercall-abi.md). */
    if (!c->d->privileged &&
        (hypercall_who(c->nr) == WHO_PRIV || is_op(c, __HYPERVISOR_console_io, CONSOLEIO_read)))
        FUZZ_CHECK(c->rc == -EPERM);
}

/* ---- guest buffers: H2 ---- */

/*
 * Failing check_perms on the buffer must give -EFAULT; having all_perms must
 * not (a handler may read a struct first and write it back later).
 */
struct pointer_rule {
    uint64_t nr;
    int cmd;     /* args[0], or -1 for any */
    int ptr_arg; /* argument holding the guest address */
    int len_arg; /* argument holding the length (as uint32_t), or -1 for len */
    uint64_t len;
    uint64_t len_cap; /* with len_arg: only the first len_cap bytes are checked (0: all) */
    uint64_t check_perms, all_perms;
};

static const struct pointer_rule pointer_rules[] = {
    {__HYPERVISOR_console_io, CONSOLEIO_write, 2, 1, 0, 0, P2M_R, P2M_R},
    {__HYPERVISOR_console_io, CONSOLEIO_write | CONSOLEIO_CONTINUED, 2, 1, 0, CONSOLE_WRITE_MAX,
     P2M_R, P2M_R},
    {__HYPERVISOR_console_io, CONSOLEIO_read, 2, 1, 0, 0, P2M_W, P2M_W},
    {__HYPERVISOR_xen_version, XENVER_extraversion, 1, -1, sizeof(xen_extraversion_t), 0, P2M_W,
     P2M_W},
    {__HYPERVISOR_xen_version, XENVER_get_features, 1, -1, sizeof(struct xen_feature_info), 0,
     P2M_R, P2M_R | P2M_W},
    {__HYPERVISOR_sched_op, SCHEDOP_shutdown, 1, -1, sizeof(struct sched_shutdown), 0, P2M_R,
     P2M_R},
    {__HYPERVISOR_sysctl, -1, 0, -1, sizeof(struct skiff_sysctl), 0, P2M_R, P2M_R | P2M_W},
};

/* A sysctl whose op holds a second guest pointer (readconsole's buffer) may fault on that one. */
static bool has_inner_pointer(const struct hc_call *c)
{
    struct skiff_sysctl op;

    if (c->nr != __HYPERVISOR_sysctl || !model_range_ok(c->args.arg[0], sizeof(op), P2M_R))
        return false;
    ram_peek(c->d, c->args.arg[0], &op, sizeof(op));
    return op.cmd == SKIFF_SYSCTL_readconsole;
}

static void check_pointer_rule(const struct hc_call *c, const struct pointer_rule *r)
{
    uint64_t va = c->args.arg[r->ptr_arg];
    uint64_t len = r->len_arg >= 0 ? (uint32_t)c->args.arg[r->len_arg] : r->len;

    if (r->len_cap && len > r->len_cap)
        len = r->len_cap;

    if (c->rc == -EPERM)
        return;
    if (!model_range_ok(va, len, r->check_perms))
        FUZZ_CHECK(c->rc == -EFAULT);
    if (model_range_ok(va, len, r->all_perms) && !has_inner_pointer(c))
        FUZZ_CHECK(c->rc != -EFAULT);
}

static void check_pointers(const struct hc_call *c)
{
    for (size_t i = 0; i < sizeof(pointer_rules) / sizeof(pointer_rules[0]); i++) {
        const struct pointer_rule *r = &pointer_rules[i];
        if (c->nr == r->nr && (r->cmd < 0 || (int)c->args.arg[0] == r->cmd))
            check_pointer_rule(c, r);
    }
}

/* ---- copies out: H4 ---- */

static void check_sysctl_out(const struct hc_call *c)
{
    struct skiff_sysctl op;
    static const uint8_t zero[sizeof(op.u)];
    size_t used = sizeof(op.u.physinfo);

    ram_peek(c->d, c->args.arg[0], &op, sizeof(op));
    if (op.cmd == SKIFF_SYSCTL_readconsole) {
        used = sizeof(op.u.readconsole);
        FUZZ_CHECK(op.u.readconsole.count <= 65536);
        FUZZ_CHECK(op.u.readconsole.index <= op.u.readconsole.head);
    } else if (op.cmd == SKIFF_SYSCTL_physinfo) {
        FUZZ_CHECK(op.u.physinfo.free_pages == frame_free_count());
    }
    FUZZ_CHECK(memcmp((uint8_t *)&op.u + used, zero, sizeof(op.u) - used) == 0);
}

static void check_extraversion_out(const struct hc_call *c)
{
    xen_extraversion_t extra;

    ram_peek(c->d, c->args.arg[1], extra, sizeof(extra));
    size_t n = strnlen(extra, sizeof(extra));
    FUZZ_CHECK(n < sizeof(extra));
    for (size_t i = n; i < sizeof(extra); i++)
        FUZZ_CHECK(extra[i] == '\0');
}

static void check_no_leak(const struct hc_call *c)
{
    if (c->rc != 0)
        return;
    if (c->nr == __HYPERVISOR_sysctl)
        check_sysctl_out(c);
    if (is_op(c, __HYPERVISOR_xen_version, XENVER_extraversion))
        check_extraversion_out(c);
}

/* ---- bounded work: H3, H6 ---- */

static void check_console(const struct hc_call *c, const struct hc_state *before)
{
    size_t grew = console_bytes - before->console_bytes;

    if (c->returned && is_console_write(c) && c->rc == 0) {
        uint32_t count = (uint32_t)c->args.arg[1];
        size_t printed = count < CONSOLE_WRITE_MAX ? count : CONSOLE_WRITE_MAX;
        FUZZ_CHECK(grew >= printed && grew <= printed * CONSOLE_PER_BYTE + CONSOLE_LOG_LINE);
    } else {
        FUZZ_CHECK(grew <= CONSOLE_LOG_LINE);
    }
}

/* A continued call restarts itself with strictly less work left. */
static void check_continuation(const struct hc_call *c)
{
    const struct arch_vcpu *a = &c->d->vcpu[0]->arch;

    if (!a->continued)
        return;
    FUZZ_CHECK(c->rc == 0 && a->cont_nr == c->nr);
    if (c->nr == __HYPERVISOR_console_io)
        FUZZ_CHECK((uint32_t)a->cont_args[1] < (uint32_t)c->args.arg[1]);
}

static void check_domain_state(const struct hc_call *c)
{
    if (c->d->state == DOMAIN_RUNNING)
        return;
    FUZZ_CHECK(c->d->state == DOMAIN_SHUTDOWN);
    FUZZ_CHECK(is_op(c, __HYPERVISOR_sched_op, SCHEDOP_shutdown) && c->rc == 0);
}

void hc_check_call(const struct hc_call *c, const struct hc_state *before)
{
    if (c->returned) {
        check_return(c);
        check_pointers(c);
        check_no_leak(c);
        check_continuation(c);
        check_domain_state(c);
    }
    check_console(c, before);
    check_untouched(c, before);
}
