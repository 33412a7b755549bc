/*
 * fuzz_hypercall.c - libFuzzer harness for the hypercall dispatcher and its
 * handlers on the fake architecture: a few hypercalls per input from a
 * privileged and an unprivileged domain created for that input (format:
 * fuzz_hypercall.h), the invariants of HOSTILE.md H1-H7 checked after each
 * call, and no frame or heap byte leaked once both domains are destroyed.
 */
#include "fuzz_util.h"

#include <inttypes.h>
#include <setjmp.h>

#include <arch/fake.h>
#include <public/skiff.h>
#include <skiff/domain.h>
#include <skiff/frame.h>
#include <skiff/grant_table.h>
#include <skiff/heap.h>
#include <skiff/hypercall.h>

#include "fuzz_hypercall.h"
#include "fuzz_hypercall_check.h"

#define FAKE_MEM_BYTES (8ul << 20)
#define PRIV_DOMID     FUZZ_HC_PRIV_DOMID /* not the global dom0: its shutdown must return */
#define DOMU_DOMID     FUZZ_HC_DOMU_DOMID

static const uint64_t hostile_addresses[] = {
    0,
    FUZZ_HC_RAM_BYTES,     /* just past guest RAM */
    (1ull << 47) - 1,      /* last canonical lower-half byte */
    1ull << 47,            /* first non-canonical address */
    0xffff800000000000ull, /* hypervisor space */
    0xffffffff80000000ull, /* the hypervisor image */
    0x8000000000000000ull, /* sign flip */
    0x7fffffffffffffffull,
    0xfffffffffffff000ull, /* the last page: wraps */
    UINT64_MAX,
    1ull << 32,                       /* truncated to 32 bits: page 0 */
    (1ull << 32) + FUZZ_HC_PAGE_SIZE, /* truncated: page 1 */
};

/* clang-format off */
static const uint64_t lengths[] = {
    0, 1, 2, 4, 7, 8, 16, 48,                   /* small structs */
    127, 128, 129, 255, 256, 257,               /* copy buffers */
    1023, 1024, 1025, 4095, 4096, 4097, 8192,   /* pages and chunks */
    65535, 65536, FUZZ_HC_RAM_BYTES,            /* all of RAM */
    0x7fffffff, 0x80000000, 0xffffffff,         /* int and uint32_t edges */
    0x100000000ull, UINT64_MAX,                 /* truncation, wrap */
};
/* clang-format on */

static const uint64_t hypercall_numbers[] = {
#define HYPERCALL(name, nr, who, nargs, params, args) nr,
#include <public/hypercalls.def>
#undef HYPERCALL
    __HYPERVISOR_domctl, SKIFF_NR_HYPERCALLS - 1, SKIFF_NR_HYPERCALLS, (1ull << 32) | 17,
    UINT64_MAX,
};

static const uint64_t special_pages[] = {FUZZ_HC_RO_PAGE, FUZZ_HC_HOLE_PAGE, FUZZ_HC_XONLY_PAGE,
                                         FUZZ_HC_RAM_PAGES};

#define PICK(table, raw) ((table)[(raw) % (sizeof(table) / sizeof((table)[0]))])

static uint64_t decode_value(struct fuzz_reader *r)
{
    uint8_t kind = fuzz_u8(r) % FV_NR_KINDS;
    uint64_t raw = fuzz_u64(r);

    switch ((enum fuzz_value_kind)kind) {
    case FV_SMALL:
        return raw % 16;
    case FV_SMALL_DIRTY:
        return (raw & 0xffffffff00000000ull) | (raw % 16);
    case FV_NEGATIVE:
        return UINT64_MAX - raw % 16;
    case FV_RAM:
        return FUZZ_HC_PAGE_SIZE + raw % (FUZZ_HC_RAM_BYTES - FUZZ_HC_PAGE_SIZE);
    case FV_RAM_END:
        return FUZZ_HC_RAM_BYTES - raw % 512;
    case FV_PAGE0:
        return raw % FUZZ_HC_PAGE_SIZE;
    case FV_SPECIAL_PAGE:
        return PICK(special_pages, raw) * FUZZ_HC_PAGE_SIZE + (raw >> 8) % (2 * FUZZ_HC_PAGE_SIZE) -
               FUZZ_HC_PAGE_SIZE;
    case FV_HOSTILE:
        return PICK(hostile_addresses, raw) + (uint64_t)(int64_t)(int8_t)(raw >> 32);
    case FV_LENGTH:
        return PICK(lengths, raw);
    case FV_HYPERCALL:
        return PICK(hypercall_numbers, raw);
    default:
        return raw;
    }
}

/* ---- the world: two fresh domains per input ---- */

static struct domain *make_domain(domid_t domid, const char *name, bool privileged, bool contiguous)
{
    const struct domain_config cfg = {
        .domid = domid,
        .name = name,
        .privileged = privileged,
        .max_ports = 64,
        .window_pages = 16,
    };
    struct domain *d = domain_create(&cfg);

    FUZZ_CHECK(d != NULL);
    FUZZ_CHECK(domain_alloc_ram(d, FUZZ_HC_RAM_PAGES, contiguous) == 0);
    FUZZ_CHECK(domain_set_perms(d, FUZZ_HC_RO_PAGE, 1, P2M_R) == 0);
    FUZZ_CHECK(domain_set_perms(d, FUZZ_HC_HOLE_PAGE, 1, 0) == 0);
    FUZZ_CHECK(domain_set_perms(d, FUZZ_HC_XONLY_PAGE, 1, P2M_X) == 0);
    d->state = DOMAIN_RUNNING;
    return d;
}

static void grant_to(struct domain *g, grant_ref_t ref, domid_t to, uint32_t gfn, uint16_t flags)
{
    struct grant_entry_v1 *e = gnttab_shared_entry(g, ref);

    e->frame = gfn;
    e->domid = to;
    e->flags = flags;
}

/* The grants of fuzz_hypercall.h, so that grant_table_op reaches its deep paths. */
static void world_grants(struct hc_world *w)
{
    for (int i = 0; i < 2; i++) {
        struct domain *d = w->d[i], *peer = w->d[1 - i];
        FUZZ_CHECK(gnttab_map_table_frame(d, 0, WINDOW_BASE_GFN) == 0);
        FUZZ_CHECK(window_unmap(d, WINDOW_BASE_GFN) == 0); /* the frame stays in the table */
        grant_to(d, FUZZ_HC_GRANT_RW_REF, peer->domid, FUZZ_HC_GRANT_RW_PAGE, GTF_permit_access);
        grant_to(d, FUZZ_HC_GRANT_RO_REF, peer->domid, FUZZ_HC_GRANT_RO_PAGE,
                 GTF_permit_access | GTF_readonly);
    }
}

static void world_create(struct hc_world *w, uint8_t fill)
{
    w->d[0] = make_domain(PRIV_DOMID, "fuzz-priv", true, true);
    w->d[1] = make_domain(DOMU_DOMID, "fuzz-domu", false, false);
    hc_ram_fill(w->d[0], fill);
    hc_ram_fill(w->d[1], fill);
    world_grants(w);
}

/* Every domain goes, also those a fuzzed domctl created. */
static void world_destroy(struct hc_world *w)
{
    (void)w;
    for (struct domain *d = domain_next(0); d; d = domain_next(0))
        domain_destroy(d);
    FUZZ_CHECK(domain_count() == 0);
    FUZZ_CHECK(gnttab_total_maps() == 0 && gnttab_total_active() == 0);
}

/* SKIFF_FUZZ_TRACE=1: print every call (to read what a crash input does). */
static bool trace;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    trace = getenv("SKIFF_FUZZ_TRACE") != NULL;
    fake_machine_init(FAKE_MEM_BYTES);
    return 0;
}

static void trace_call(const struct hc_call *c)
{
    const uint64_t *a = c->args.arg;

    fprintf(stderr,
            "d%u: %s(%" PRIu64 ") %#" PRIx64 " %#" PRIx64 " %#" PRIx64 " %#" PRIx64 " %#" PRIx64
            " -> %s%ld\n",
            c->d->domid, hypercall_name(c->nr), c->nr, a[0], a[1], a[2], a[3], a[4],
            c->returned ? "" : "(entered a vCPU) ", c->returned ? c->rc : 0);
}

/* ---- one call ---- */

static void apply_patches(struct fuzz_reader *r, const struct domain *d)
{
    unsigned int n = fuzz_u8(r) % FUZZ_HC_MAX_PATCHES;

    for (unsigned int p = 0; p < n && r->left > 0; p++) {
        uint64_t gpa = fuzz_u16(r) % FUZZ_HC_RAM_BYTES;
        uint8_t len = fuzz_u8(r);
        for (unsigned int i = 0; i < len && r->left > 0; i++)
            hc_ram_poke(d, (gpa + i) % FUZZ_HC_RAM_BYTES, fuzz_u8(r));
    }
}

/*
 * Makes the call. Returns false when it entered a vCPU instead of returning
 * (it blocked, or the scheduler switched); a machine exit is a finding: no
 * fuzzed domain is dom0, so nothing a guest does here may stop the machine.
 */
static bool dispatch(struct hc_call *c)
{
    jmp_buf jb;
    int how;

    fake_exit_jmp = &jb;
    how = setjmp(jb);
    if (how == 0)
        c->rc = hypercall_dispatch(c->d->vcpu[0], c->nr, &c->args);
    fake_exit_jmp = NULL;
    if (how != 0 && how != FAKE_RUN_VCPU && how != FAKE_IDLE) {
        fprintf(stderr, "hypercall %s stopped the machine (exit 0x%x):\n%s\n",
                hypercall_name(c->nr), fake_exit_code, fake_console_output());
        abort();
    }
    return how == 0;
}

static void run_call(struct hc_world *w, struct fuzz_reader *r)
{
    static struct hc_state before;
    struct hc_call c = {.w = w};

    c.d = w->d[(fuzz_u8(r) & FUZZ_HC_UNPRIVILEGED) ? 1 : 0];
    c.nr = decode_value(r);
    for (int i = 0; i < 5; i++)
        c.args.arg[i] = decode_value(r);
    apply_patches(r, c.d);
    if (c.d->state != DOMAIN_RUNNING)
        return; /* a domain that shut down makes no more calls */

    hc_take_state(&c, &before);
    fake_console_clear();
    c.d->vcpu[0]->arch.continued = false;
    c.returned = dispatch(&c);
    if (trace)
        trace_call(&c);
    hc_check_call(&c, &before);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_reader r = fuzz_reader_init(data, size);
    uint64_t free_frames = frame_free_count();
    size_t heap_used = heap_bytes_used();
    struct hc_world w;

    world_create(&w, fuzz_u8(&r));
    for (int i = 0; i < FUZZ_HC_MAX_CALLS && r.left > 0; i++)
        run_call(&w, &r);
    world_destroy(&w);
    /* Leaks are findings: everything the calls took went away with the domains. */
    FUZZ_CHECK(frame_free_count() == free_frames);
    FUZZ_CHECK(heap_bytes_used() == heap_used);
    return 0;
}
