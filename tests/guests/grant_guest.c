/*
 * grant_guest.c - the guest dom0's grant-table self-tests build from the
 * boot store (as grant.elf; dom0-tools/dom0/selftest_grant.c). Two copies
 * run: a granter and a mapper. dom0 builds the mapper first, then the
 * granter, offering it a port of the mapper (the granter binds it, so the
 * mapper learns the granter's id from EVTCHNOP_status and later sees the
 * port come unbound when the granter is destroyed). Command lines:
 *
 *   role=granter test=T peer=B port=P ref=N   grants to domain B
 *   role=mapper test=T ref=N                  maps what the granter grants
 *
 * Tests T:
 *   map     N: a control page granted writable; N+1 a page granted read-only.
 *           The mapper reads the granter's pattern, writes its own back, a
 *           write through the read-only map faults; the granter cannot end
 *           either grant while it is mapped, and can once it is unmapped.
 *   zombie  N: the control page; the granter then waits forever. dom0
 *           destroys it while the mapper maps the page; the mapper sees the
 *           port come unbound, finds the page intact, unmaps it.
 *   copy    N: the control page; N+16.. 256 pages (1 MiB) granted read-only;
 *           the mapper copies all of it with one GNTTABOP_copy batch of 512
 *           ops and checks every byte; the granter then ends every grant.
 *   hostile N: the control page, N+1 read-only. The mapper attacks with
 *           real hypercalls (HOSTILE.md G1-G4, G7, H2): refs beyond the
 *           table, bad domains, refs not granted to it, a writable map of
 *           a read-only grant, bad host addresses, a device map, wrong
 *           handles, removing a grant page with memory_op, bad copies and
 *           bad batch pointers; each gets its GNTST_* status or errno.
 *   bench   N: the control page, N+1 a read-only data page. The mapper
 *           measures a GNTTABOP_map_grant_ref + unmap pair and a 4 KiB
 *           GNTTABOP_copy from the grant, best of 7 rounds, and prints
 *           "BENCH <name> <value>" lines (instructions under -icount) for
 *           tests/bench/run-bench.
 *
 * Both power off on success and crash on failure (dom0 reads the reason).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <skiff/grant.h>
#include <skiff/guest.h>
#include <skiff/hypercall.h>
#include <skiff/page_alloc.h>
#include <skiff/time.h>

#include "guest_test.h"

#define PAGE        4096ul
#define COPY_PAGES  256 /* 1 MiB */
#define COPY_REF0   16  /* ref offset of the copy pages */
#define WAIT_ROUNDS 2000000ul

/* The control page (granted writable at ref N): a state word, then data. */
enum state { ST_INIT, ST_READY, ST_MAPPER_DONE, ST_GRANTER_CHECKED };
struct ctl {
    volatile uint32_t state;
    uint32_t pad[15];
    uint8_t data[PAGE - 64]; /* first half: the granter's, second: the mapper's */
};
#define HALF ((PAGE - 64) / 2)

static const char *test;
volatile uint64_t write_target; /* read by the TRY instruction in mapper_map */
static int failures;

#define CHECK(cond, ...)                   \
    do {                                   \
        if (!(cond)) {                     \
            printf("FAIL %d: ", __LINE__); \
            printf(__VA_ARGS__);           \
            printf("\n");                  \
            failures++;                    \
        }                                  \
    } while (0)

/* An argument's value, "" when absent. */
static const char *arg_str(int argc, char **argv, const char *key)
{
    const char *v = guest_arg(argc, argv, key);

    return v ? v : "";
}

static unsigned long arg_num(int argc, char **argv, const char *key)
{
    return guest_arg_num(argc, argv, key, 0);
}

static uint8_t pattern(unsigned int seed, size_t i)
{
    return (uint8_t)(seed * 31 + i * 7 + (i >> 9));
}

static void yield(void)
{
    HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
}

/* Waits (yielding) until the control page reaches state s. */
static bool wait_state(struct ctl *c, enum state s)
{
    for (unsigned long i = 0; i < WAIT_ROUNDS; i++) {
        if (c->state == s)
            return true;
        yield();
    }
    printf("%s: timed out waiting for state %d (at %u)\n", test, s, c->state);
    return false;
}

static void *pages(size_t n)
{
    void *p = page_alloc(n);

    if (!p)
        panic("out of memory");
    return p;
}

static uint64_t gfn_of(const void *p)
{
    return (uint64_t)(uintptr_t)p / PAGE;
}

static int evtchn_status(evtchn_port_t port, struct evtchn_status *st)
{
    *st = (struct evtchn_status){.dom = DOMID_SELF, .port = port};
    return (int)HYPERVISOR_event_channel_op(EVTCHNOP_status, st);
}

/* ---- granter ---- */

static int granter_bind(domid_t peer, evtchn_port_t port)
{
    struct evtchn_bind_interdomain b = {.remote_dom = peer, .remote_port = port};

    return (int)HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &b);
}

static bool in_use(grant_ref_t ref)
{
    return gnttab_entry_flags(ref) & (GTF_reading | GTF_writing);
}

/* Waits until the mapper no longer uses ref, then ends the grant. */
static void end_when_unused(grant_ref_t ref)
{
    for (unsigned long i = 0; i < WAIT_ROUNDS && in_use(ref); i++)
        yield();
    CHECK(gnttab_end_access(ref) == 0, "end access of ref %u after unmap", ref);
}

static void granter_map(struct ctl *c, domid_t peer, grant_ref_t ref)
{
    uint8_t *ro = pages(1);

    for (size_t i = 0; i < PAGE; i++)
        ro[i] = pattern(start_info.domid + 100, i);
    CHECK(gnttab_grant_access_ref(ref + 1, peer, gfn_of(ro), true) == 0, "grant ro");
    c->state = ST_READY;
    if (!wait_state(c, ST_MAPPER_DONE)) {
        failures++;
        return;
    }
    for (size_t i = 0; i < HALF; i++)
        CHECK(c->data[HALF + i] == pattern(peer, i), "mapper's byte %zu", i);
    CHECK(gnttab_end_access(ref) == -EBUSY, "end access of a mapped rw grant must fail");
    CHECK(gnttab_end_access(ref + 1) == -EBUSY, "end access of a mapped ro grant must fail");
    CHECK(gnttab_entry_flags(ref) == (GTF_permit_access | GTF_reading | GTF_writing),
          "flags of the rw grant: %#x", gnttab_entry_flags(ref));
    CHECK(gnttab_entry_flags(ref + 1) == (GTF_permit_access | GTF_readonly | GTF_reading),
          "flags of the ro grant: %#x", gnttab_entry_flags(ref + 1));
    printf("granter: end access refused while mapped: ok\n");
    c->state = ST_GRANTER_CHECKED;
    end_when_unused(ref);
    end_when_unused(ref + 1);
    printf("granter: end access after unmap: ok\n");
}

static void granter_copy(struct ctl *c, domid_t peer, grant_ref_t ref)
{
    uint8_t *buf = pages(COPY_PAGES);

    for (size_t i = 0; i < COPY_PAGES * PAGE; i++)
        buf[i] = pattern(start_info.domid, i);
    for (unsigned int p = 0; p < COPY_PAGES; p++)
        CHECK(gnttab_grant_access_ref(ref + COPY_REF0 + p, peer, gfn_of(buf + p * PAGE), true) == 0,
              "grant copy page %u", p);
    c->state = ST_READY;
    if (!wait_state(c, ST_MAPPER_DONE)) {
        failures++;
        return;
    }
    for (unsigned int p = 0; p < COPY_PAGES; p++)
        CHECK(gnttab_end_access(ref + COPY_REF0 + p) == 0, "end access of copy page %u", p);
    c->state = ST_GRANTER_CHECKED;
    end_when_unused(ref);
    printf("granter: 256 copy grants ended: ok\n");
}

static void granter_hostile(struct ctl *c, domid_t peer, grant_ref_t ref)
{
    uint8_t *ro = pages(1);

    CHECK(gnttab_grant_access_ref(ref + 1, peer, gfn_of(ro), true) == 0, "grant ro");
    c->state = ST_READY;
    if (!wait_state(c, ST_MAPPER_DONE)) {
        failures++;
        return;
    }
    end_when_unused(ref);
    CHECK(gnttab_end_access(ref + 1) == 0, "the ro grant was never mapped");
    printf("granter: hostile mapper done, grants ended: ok\n");
}

static int granter(int argc, char **argv)
{
    domid_t peer = (domid_t)arg_num(argc, argv, "peer");
    grant_ref_t ref = (grant_ref_t)arg_num(argc, argv, "ref");
    struct ctl *c = pages(1);
    int rc = gnttab_setup(0);

    if (rc) {
        printf("granter: gnttab_setup: %d\n", rc);
        return 1;
    }
    memset(c, 0, PAGE);
    for (size_t i = 0; i < HALF; i++)
        c->data[i] = pattern(start_info.domid, i);
    CHECK(gnttab_grant_access_ref(ref, peer, gfn_of(c), false) == 0, "grant the control page");
    rc = granter_bind(peer, (evtchn_port_t)arg_num(argc, argv, "port"));
    if (rc) {
        printf("granter: cannot bind to domain %u: %d\n", peer, rc);
        return 1;
    }
    printf("granter: domain %u grants ref %u to domain %u\n", start_info.domid, ref, peer);
    if (strcmp(test, "map") == 0) {
        granter_map(c, peer, ref);
    } else if (strcmp(test, "copy") == 0) {
        granter_copy(c, peer, ref);
    } else if (strcmp(test, "hostile") == 0 || strcmp(test, "bench") == 0) {
        granter_hostile(c, peer, ref);
    } else { /* zombie: ready, then wait to be destroyed */
        c->state = ST_READY;
        for (;;)
            HYPERVISOR_sched_op(SCHEDOP_block, NULL);
    }
    return failures != 0;
}

/* ---- mapper ---- */

/* The port dom0 offered: its remote end is the granter. */
static int find_granter(evtchn_port_t *port, domid_t *granter_id)
{
    for (unsigned long i = 0; i < WAIT_ROUNDS; i++) {
        for (evtchn_port_t p = 1; p < 64; p++) {
            struct evtchn_status st;
            if (p == start_info.console_port || p == start_info.store_port) /* dom0's */
                continue;
            if (evtchn_status(p, &st) == 0 && st.status == EVTCHNSTAT_interdomain) {
                *port = p;
                *granter_id = st.u.interdomain.dom;
                return 0;
            }
        }
        yield(); /* the granter has not bound yet */
    }
    return -1;
}

static int map_retrying(domid_t g, grant_ref_t ref, bool ro, void **addr, grant_handle_t *h)
{
    int16_t status = GNTST_general_error;
    int rc = -1;

    for (unsigned long i = 0; i < WAIT_ROUNDS && rc; i++) {
        rc = gnttab_map(g, ref, ro, addr, h, &status);
        if (rc)
            yield();
    }
    if (rc)
        printf("mapper: map of ref %u of domain %u: status %d\n", ref, g, status);
    return rc;
}

static void mapper_map(struct ctl *c, domid_t g, grant_ref_t ref, grant_handle_t hc)
{
    void *rov;
    grant_handle_t hro;
    volatile uint8_t *ro;

    for (size_t i = 0; i < HALF; i++)
        c->data[HALF + i] = pattern(start_info.domid, i);
    if (map_retrying(g, ref + 1, true, &rov, &hro)) {
        failures++;
        return;
    }
    ro = rov;
    for (size_t i = 0; i < PAGE; i++)
        CHECK(ro[i] == pattern(g + 100, i), "ro byte %zu", i);
    CHECK(gnttab_map(g, ref + 1, false, &rov, &hro, NULL) == -EACCES,
          "a writable map of a read-only grant must be refused");
    catch_exceptions();
    write_target = (uint64_t)(uintptr_t)ro;
    uint64_t vec = TRY("mov write_target(%%rip), %%rcx\n\tmovb $1, (%%rcx)");
    CHECK(vec == 14 && caught.cr2 == write_target, "write to the read-only map: vector %lu",
          (unsigned long)vec);
    CHECK(ro[0] == pattern(g + 100, 0), "the read-only page changed");
    printf("mapper: read-only map: pattern ok, a write raised vector %lu\n", (unsigned long)vec);
    c->state = ST_MAPPER_DONE;
    if (!wait_state(c, ST_GRANTER_CHECKED)) {
        failures++;
        return;
    }
    CHECK(gnttab_unmap((void *)ro, hro, NULL) == 0, "unmap ro");
    CHECK(gnttab_unmap(c, hc, NULL) == 0, "unmap control page");
    int16_t st = 0;
    CHECK(gnttab_unmap(c, hc, &st) == -EBADF && st == GNTST_bad_handle, "second unmap: %d", st);
}

/* One raw map; returns its status. */
static int16_t raw_map(domid_t dom, grant_ref_t ref, uint64_t addr, uint32_t flags)
{
    struct gnttab_map_grant_ref op = {.host_addr = addr, .flags = flags, .ref = ref, .dom = dom};
    long rc = HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &op, 1);

    if (rc == 0 && op.status == GNTST_okay) { /* must not happen: undo and report */
        struct gnttab_unmap_grant_ref u = {.handle = op.handle};
        HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1);
    }
    return rc ? (int16_t)0x7fff : op.status;
}

static int16_t raw_unmap(grant_handle_t h, uint64_t addr)
{
    struct gnttab_unmap_grant_ref u = {.host_addr = addr, .handle = h};

    return HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1) ? 0x7fff : u.status;
}

static int16_t raw_copy(struct gnttab_copy c)
{
    return HYPERVISOR_grant_table_op(GNTTABOP_copy, &c, 1) ? 0x7fff : c.status;
}

#define EXPECT_ST(expr, want)                                                    \
    do {                                                                         \
        int16_t st_ = (expr);                                                    \
        CHECK(st_ == (want), "%s: status %d, want %d", #expr, st_, (int)(want)); \
        checks++;                                                                \
    } while (0)

static void mapper_hostile(struct ctl *c, domid_t g, grant_ref_t ref, grant_handle_t hc)
{
    uint64_t win = start_info.grant_window_base, wend = win + start_info.grant_window_size;
    uint64_t free_page = win, me = start_info.domid; /* guest-lib maps from the top */
    uint8_t *own = pages(1);
    unsigned int checks = 0;

    /* G1 */
    EXPECT_ST(raw_map(g, 100000, free_page, GNTMAP_host_map), GNTST_bad_gntref);
    EXPECT_ST(raw_map(g, ~0u, free_page, GNTMAP_host_map), GNTST_bad_gntref);
    EXPECT_ST(raw_map(DOMID_SELF, ref, free_page, GNTMAP_host_map), GNTST_bad_domain);
    EXPECT_ST(raw_map((domid_t)me, ref, free_page, GNTMAP_host_map), GNTST_bad_domain);
    EXPECT_ST(raw_map(250, ref, free_page, GNTMAP_host_map), GNTST_bad_domain);
    EXPECT_ST(raw_map(DOMID_FIRST_RESERVED + 3, ref, free_page, GNTMAP_host_map), GNTST_bad_domain);
    /* G2 */
    EXPECT_ST(raw_map(g, ref + 2, free_page, GNTMAP_host_map), GNTST_permission_denied);
    EXPECT_ST(raw_map(g, ref + 1, free_page, GNTMAP_host_map), GNTST_permission_denied);
    EXPECT_ST(raw_map(g, ref + 1, 0, GNTMAP_device_map), GNTST_permission_denied);
    EXPECT_ST(raw_map(g, ref + 1, free_page, GNTMAP_host_map | GNTMAP_contains_pte),
              GNTST_general_error);
    /* G3 */
    EXPECT_ST(raw_map(g, ref + 1, free_page + 8, GNTMAP_host_map | GNTMAP_readonly),
              GNTST_bad_virt_addr);
    EXPECT_ST(raw_map(g, ref + 1, (uint64_t)(uintptr_t)own, GNTMAP_host_map | GNTMAP_readonly),
              GNTST_bad_virt_addr);
    EXPECT_ST(raw_map(g, ref + 1, wend, GNTMAP_host_map | GNTMAP_readonly), GNTST_bad_virt_addr);
    EXPECT_ST(raw_map(g, ref + 1, win - PAGE, GNTMAP_host_map | GNTMAP_readonly),
              GNTST_bad_virt_addr);
    EXPECT_ST(raw_map(g, ref + 1, (uint64_t)(uintptr_t)c, GNTMAP_host_map | GNTMAP_readonly),
              GNTST_bad_virt_addr); /* already mapped there */
    EXPECT_ST(raw_map(g, ref + 1, 0xffff800000000000ull, GNTMAP_host_map | GNTMAP_readonly),
              GNTST_bad_virt_addr);
    /* G4 */
    EXPECT_ST(raw_unmap(9999, 0), GNTST_bad_handle);
    EXPECT_ST(raw_unmap(hc + 1, 0), GNTST_bad_handle);
    EXPECT_ST(raw_unmap(hc, free_page), GNTST_bad_virt_addr);
    struct xen_remove_from_physmap r = {.domid = DOMID_SELF, .gpfn = gfn_of(c)};
    CHECK(HYPERVISOR_memory_op(XENMEM_remove_from_physmap, &r) == -EINVAL,
          "remove_from_physmap of a grant page");
    CHECK(c->data[0] == pattern(g, 0), "the control page is still mapped");
    /* G7 */
    struct gnttab_copy cp = {.source = {.u.ref = ref + 1, .domid = g},
                             .dest = {.u.gmfn = gfn_of(own), .domid = DOMID_SELF},
                             .len = 0,
                             .flags = GNTCOPY_source_gref};
    EXPECT_ST(raw_copy(cp), GNTST_okay);
    cp.len = 100;
    cp.source.offset = 4000;
    EXPECT_ST(raw_copy(cp), GNTST_bad_copy_arg);
    cp.source.offset = 0;
    cp.dest.offset = 65535;
    EXPECT_ST(raw_copy(cp), GNTST_bad_copy_arg);
    cp.dest.offset = 0;
    cp.dest.domid = g; /* a frame of another domain */
    EXPECT_ST(raw_copy(cp), GNTST_permission_denied);
    cp.dest.domid = DOMID_SELF;
    cp.dest.u.gmfn = 1ull << 40; /* beyond RAM */
    EXPECT_ST(raw_copy(cp), GNTST_bad_page);
    struct gnttab_copy into_ro = {.source = {.u.gmfn = gfn_of(own), .domid = DOMID_SELF},
                                  .dest = {.u.ref = ref + 1, .domid = g},
                                  .len = 8,
                                  .flags = GNTCOPY_dest_gref};
    EXPECT_ST(raw_copy(into_ro), GNTST_permission_denied);
    /* H2, H3: the batch itself */
    uint64_t ram_end = start_info.mem_bytes;
    CHECK(HYPERVISOR_grant_table_op(GNTTABOP_copy, (void *)(uintptr_t)(ram_end - 8), 1) == -EFAULT,
          "batch straddling the end of RAM");
    CHECK(HYPERVISOR_grant_table_op(GNTTABOP_copy, (void *)0xffff800000000000ull, 1) == -EFAULT,
          "batch in hypervisor space");
    CHECK(HYPERVISOR_grant_table_op(GNTTABOP_copy, &cp, 0x7fffffff) == -EINVAL, "huge count");
    CHECK(HYPERVISOR_grant_table_op(99, &cp, 1) == -ENOSYS, "unknown cmd");
    struct gnttab_set_version v = {.version = 2};
    CHECK(HYPERVISOR_grant_table_op(GNTTABOP_set_version, &v, 1) == -EOPNOTSUPP, "version 2");
    printf("mapper: %u hostile grant operations refused: ok\n", checks);
    c->state = ST_MAPPER_DONE;
}

/* ---- bench ---- */

#define BENCH_ROUNDS 7
#define BENCH_OPS    2000

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

struct bench {
    domid_t g;
    grant_ref_t ref;
    uint64_t win_addr;
    uint8_t *own;
};

static void op_map_unmap(struct bench *b)
{
    struct gnttab_map_grant_ref m = {.host_addr = b->win_addr,
                                     .flags = GNTMAP_host_map |
                                              GNTMAP_readonly, /* the granter grants it read-only */
                                     .ref = b->ref,
                                     .dom = b->g};
    struct gnttab_unmap_grant_ref u = {.host_addr = b->win_addr};

    HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &m, 1);
    u.handle = m.handle;
    HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1);
    if (m.status != GNTST_okay || u.status != GNTST_okay)
        failures++;
}

static void op_copy(struct bench *b)
{
    struct gnttab_copy c = {.source = {.u.ref = b->ref, .domid = b->g},
                            .dest = {.u.gmfn = gfn_of(b->own), .domid = DOMID_SELF},
                            .len = PAGE,
                            .flags = GNTCOPY_source_gref};

    HYPERVISOR_grant_table_op(GNTTABOP_copy, &c, 1);
    if (c.status != GNTST_okay)
        failures++;
}

static void op_none(struct bench *b)
{
    __asm__ volatile("" ::"r"(b) : "memory");
}

/* Best of BENCH_ROUNDS rounds of BENCH_OPS calls: TSC ticks and ns per op. */
static void measure(void (*op)(struct bench *), struct bench *b, uint64_t *tsc, uint64_t *ns)
{
    *tsc = *ns = UINT64_MAX;
    for (int r = 0; r < BENCH_ROUNDS; r++) {
        uint64_t t0 = rdtsc(), n0 = monotonic_ns();
        for (int i = 0; i < BENCH_OPS; i++)
            op(b);
        uint64_t t = rdtsc() - t0, n = monotonic_ns() - n0;
        *tsc = t < *tsc ? t : *tsc;
        *ns = n < *ns ? n : *ns;
    }
}

static void report(const char *name, void (*op)(struct bench *), struct bench *b, uint64_t empty)
{
    uint64_t tsc, ns;

    measure(op, b, &tsc, &ns);
    tsc = tsc > empty ? tsc - empty : 0;
    /* Under -icount one TSC tick is one instruction (tests/bench/run-bench). */
    printf("mapper: BENCH %s %lu.%02lu per-op\n", name, (unsigned long)(tsc / BENCH_OPS),
           (unsigned long)(tsc * 100 / BENCH_OPS % 100));
    printf("mapper: BENCH %s_ns %lu.%02lu ns\n", name, (unsigned long)(ns / BENCH_OPS),
           (unsigned long)(ns * 100 / BENCH_OPS % 100));
}

static void mapper_bench(struct ctl *c, domid_t g, grant_ref_t ref)
{
    struct bench b = {.g = g,
                      .ref = ref + 1,
                      .win_addr = start_info.grant_window_base, /* guest-lib maps from the top */
                      .own = pages(1)};
    uint64_t empty, empty_ns;

    measure(op_none, &b, &empty, &empty_ns);
    report("grant_map_unmap", op_map_unmap, &b, empty);
    report("grant_copy_4k", op_copy, &b, empty);
    CHECK(failures == 0, "a measured grant operation failed");
    c->state = ST_MAPPER_DONE;
}

static void mapper_zombie(struct ctl *c, domid_t g, evtchn_port_t port)
{
    struct evtchn_status st;
    unsigned long i;

    for (i = 0; i < 50 * WAIT_ROUNDS; i++) {
        if (evtchn_status(port, &st) == 0 && st.status != EVTCHNSTAT_interdomain)
            break;
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    }
    CHECK(st.status != EVTCHNSTAT_interdomain, "the granter was never destroyed");
    printf("mapper: granter %u destroyed while mapped\n", g);
    for (size_t k = 0; k < HALF; k++)
        CHECK(c->data[k] == pattern(g, k), "zombie page byte %zu", k);
    c->data[HALF] = 0x5a; /* still our mapping to write */
    printf("mapper: page of the destroyed granter intact: ok\n");
}

static void mapper_copy(struct ctl *c, domid_t g, grant_ref_t ref)
{
    enum { OPS = 2 * COPY_PAGES };
    uint8_t *buf = pages(COPY_PAGES);
    struct gnttab_copy *ops = pages((OPS * sizeof(*ops) + PAGE - 1) / PAGE);
    size_t bad = 0;

    memset(buf, 0, COPY_PAGES * PAGE);
    for (unsigned int i = 0; i < OPS; i++) {
        uint16_t off = (uint16_t)((i % 2) * (PAGE / 2));
        ops[i] = (struct gnttab_copy){
            .source = {.u.ref = ref + COPY_REF0 + i / 2, .domid = g, .offset = off},
            .dest = {.u.gmfn = gfn_of(buf + (i / 2) * PAGE), .domid = DOMID_SELF, .offset = off},
            .len = PAGE / 2,
            .flags = GNTCOPY_source_gref};
    }
    CHECK(gnttab_copy_batch(ops, OPS) == 0, "copy batch");
    for (size_t i = 0; i < COPY_PAGES * PAGE; i++)
        bad += buf[i] != pattern(g, i);
    CHECK(bad == 0, "%zu bytes differ after the copy", bad);
    printf("mapper: copied 1 MiB in %u grant copies: %s\n", OPS, bad ? "MISMATCH" : "ok");
    /* Bad ops: offset + len beyond the page, and len 0 (a no-op). */
    ops[0].source.offset = 4000;
    ops[0].len = 200;
    ops[1].len = 0;
    CHECK(gnttab_copy_batch(ops, 2) == -EOVERFLOW, "bad copy arg");
    CHECK(ops[0].status == GNTST_bad_copy_arg && ops[1].status == GNTST_okay, "statuses %d %d",
          ops[0].status, ops[1].status);
    c->state = ST_MAPPER_DONE;
    wait_state(c, ST_GRANTER_CHECKED);
}

static int mapper(int argc, char **argv)
{
    grant_ref_t ref = (grant_ref_t)arg_num(argc, argv, "ref");
    evtchn_port_t port;
    domid_t g;
    void *cv;
    grant_handle_t hc;
    struct ctl *c;

    if (find_granter(&port, &g) || map_retrying(g, ref, false, &cv, &hc)) {
        printf("mapper: no granter\n");
        return 1;
    }
    c = cv;
    if (!wait_state(c, ST_READY))
        return 1;
    for (size_t i = 0; i < HALF; i++)
        CHECK(c->data[i] == pattern(g, i), "granter's byte %zu", i);
    printf("mapper: mapped ref %u of domain %u: pattern ok\n", ref, g);
    if (strcmp(test, "map") == 0) {
        mapper_map(c, g, ref, hc);
    } else if (strcmp(test, "bench") == 0) {
        mapper_bench(c, g, ref);
        CHECK(gnttab_unmap(c, hc, NULL) == 0, "unmap control page");
    } else if (strcmp(test, "hostile") == 0) {
        mapper_hostile(c, g, ref, hc);
        CHECK(gnttab_unmap(c, hc, NULL) == 0, "unmap control page");
    } else if (strcmp(test, "zombie") == 0) {
        mapper_zombie(c, g, port);
        CHECK(gnttab_unmap(c, hc, NULL) == 0, "unmap the zombie's page");
    } else {
        mapper_copy(c, g, ref);
        CHECK(gnttab_unmap(c, hc, NULL) == 0, "unmap control page");
    }
    return failures != 0;
}

int main(int argc, char **argv)
{
    const char *role = arg_str(argc, argv, "role");
    int rc;

    test = arg_str(argc, argv, "test");
    if (strcmp(role, "granter") == 0)
        rc = granter(argc, argv);
    else if (strcmp(role, "mapper") == 0)
        rc = mapper(argc, argv);
    else
        rc = 1;
    printf("%s %s: %s\n", role, test, rc ? "FAILED" : "done");
    return rc;
}
