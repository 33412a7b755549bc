/*
 * test_grant.c - the grant-table state machine (grant_table.c) and its
 * hypercall decoding (hc_grant_table.c, XENMEM_add_to_physmap) against the
 * fake arch: every hostile case G1-G8 of HOSTILE.md, the in-use flags of
 * Xen's protocol, maptrack and reference counts, copy, batches and
 * continuations, and that nothing leaks when domains go.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include <public/domctl.h>
#include <public/grant_table.h>
#include <public/memory.h>
#include <skiff/errno.h>
#include <skiff/frame.h>
#include <skiff/grant_table.h>
#include <skiff/guest_access.h>
#include <skiff/heap.h>
#include <skiff/hypercall.h>

#include "core_test.h"
#include "grant_racer.h"

#define RAM_PAGES 64
#define WIN(i)    ((WINDOW_BASE_GFN + (i)) << PAGE_SHIFT) /* window page i's address */
#define SCRATCH   0x10000ull                              /* guest RAM for hypercall structs */

static struct domain *d0, *d1, *d2; /* d0 privileged */
static uint64_t free_at_start;

static struct domain *make(domid_t id, bool priv)
{
    return core_domain(id, priv, RAM_PAGES, id == 0);
}

static void gt_setup(void)
{
    core_setup();
    free_at_start = frame_free_count();
    d0 = make(0, true);
    d1 = make(1, false);
    d2 = make(2, false);
    /* Each puts frame 0 of its table at window page 0. */
    ck_assert_int_eq(gnttab_map_table_frame(d0, 0, WINDOW_BASE_GFN), 0);
    ck_assert_int_eq(gnttab_map_table_frame(d1, 0, WINDOW_BASE_GFN), 0);
    ck_assert_int_eq(gnttab_map_table_frame(d2, 0, WINDOW_BASE_GFN), 0);
}

static void destroy_all(void)
{
    if (d2)
        domain_destroy(d2);
    if (d1)
        domain_destroy(d1);
    if (d0)
        domain_destroy(d0);
    d0 = d1 = d2 = NULL;
}

static void gt_teardown(void)
{
    destroy_all();
    ck_assert_uint_eq(domain_count(), 0);
    ck_assert_uint_eq(gnttab_total_maps(), 0);
    ck_assert_uint_eq(gnttab_total_active(), 0);
    ck_assert_uint_eq(frame_free_count(), free_at_start);
    ck_assert_uint_eq(fake_pages_mapped, 0);
    core_teardown();
}

/* ---- helpers: the granter's side (what a guest writes into its table) ---- */

static struct grant_entry_v1 *entry(struct domain *g, grant_ref_t ref)
{
    struct grant_entry_v1 *e = gnttab_shared_entry(g, ref);

    ck_assert_ptr_nonnull(e);
    return e;
}

static void grant(struct domain *g, grant_ref_t ref, domid_t to, uint32_t gfn, uint16_t flags)
{
    struct grant_entry_v1 *e = entry(g, ref);

    e->frame = gfn;
    e->domid = to;
    __atomic_store_n(&e->flags, flags, __ATOMIC_RELEASE);
}

/* guest-lib's end of access: fails while the hypervisor holds the entry in use. */
static bool end_access(struct domain *g, grant_ref_t ref)
{
    struct grant_entry_v1 *e = entry(g, ref);
    uint16_t f = __atomic_load_n(&e->flags, __ATOMIC_ACQUIRE);

    do {
        if (f & (GTF_reading | GTF_writing))
            return false;
    } while (
        !__atomic_compare_exchange_n(&e->flags, &f, 0, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
    return true;
}

static uint16_t flags_of(struct domain *g, grant_ref_t ref)
{
    return entry(g, ref)->flags;
}

/* ---- helpers: the mapper's side ---- */

static int map(struct domain *d, domid_t dom, grant_ref_t ref, uint64_t addr, uint32_t flags,
               grant_handle_t *h)
{
    struct gnttab_map_grant_ref op = {.host_addr = addr, .flags = flags, .ref = ref, .dom = dom};
    struct gnttab_map_result res = {.handle = ~0u};
    int st = gnttab_status(gnttab_map(d, &op, &res));

    if (h)
        *h = res.handle;
    return st;
}

static int map_host(struct domain *d, domid_t dom, grant_ref_t ref, unsigned int page, bool ro,
                    grant_handle_t *h)
{
    return map(d, dom, ref, WIN(page), GNTMAP_host_map | (ro ? GNTMAP_readonly : 0), h);
}

static int unmap(struct domain *d, grant_handle_t h)
{
    return gnttab_status(gnttab_unmap(d, h, 0, 0));
}

/* The machine frame behind window page i of d (0 if unmapped) and its perms. */
static uint64_t win_mfn(struct domain *d, unsigned int i)
{
    return window_entry(d, WINDOW_BASE_GFN + i) >> PAGE_SHIFT;
}

static uint64_t ram_mfn(struct domain *d, uint64_t gfn)
{
    return domain_gfn_to_mfn(d, gfn).mfn;
}

/* ---- the table and its frames ---- */

static long memory_op(struct domain *d, unsigned int cmd, const void *arg, size_t size)
{
    struct hypercall_args a = {{cmd, SCRATCH}};

    core_guest_write(d, SCRATCH, arg, size);
    return hypercall_dispatch(d->vcpu[0], __HYPERVISOR_memory_op, &a);
}

static long add_table_frame(struct domain *d, uint64_t idx, uint64_t gpfn, unsigned int space)
{
    struct xen_add_to_physmap a = {.domid = DOMID_SELF, .space = space, .idx = idx, .gpfn = gpfn};

    return memory_op(d, XENMEM_add_to_physmap, &a, sizeof(a));
}

START_TEST(table_frames_grow_on_demand)
{
    ck_assert_uint_eq(gnttab_nr_frames(d1), 1);
    ck_assert_uint_eq(gnttab_max_frames(d1), GNTTAB_DEFAULT_FRAMES);
    ck_assert_ptr_null(gnttab_shared_entry(d1, GNTTAB_ENTRIES_PER_FRAME));
    ck_assert_int_eq(add_table_frame(d1, 3, WINDOW_BASE_GFN + 1, XENMAPSPACE_grant_table), 0);
    ck_assert_uint_eq(gnttab_nr_frames(d1), 4);
    ck_assert_ptr_nonnull(gnttab_shared_entry(d1, 4 * GNTTAB_ENTRIES_PER_FRAME - 1));
    ck_assert_ptr_null(gnttab_shared_entry(d1, 4 * GNTTAB_ENTRIES_PER_FRAME));
    ck_assert_uint_eq(win_mfn(d1, 1), d1->grant->frame[3].mfn);
    ck_assert_uint_eq(window_kind_of(d1, WINDOW_BASE_GFN + 1), WINDOW_HV);
    /* New frames are zero: every entry invalid. */
    ck_assert_uint_eq(entry(d1, 3 * GNTTAB_ENTRIES_PER_FRAME + 7)->flags, 0);
}
END_TEST

START_TEST(table_frames_bad_requests)
{
    uint64_t g = WINDOW_BASE_GFN;

    ck_assert_int_eq(add_table_frame(d1, GNTTAB_DEFAULT_FRAMES, g + 2, XENMAPSPACE_grant_table),
                     -EINVAL);
    ck_assert_int_eq(
        add_table_frame(d1, XENMAPIDX_grant_table_status, g + 2, XENMAPSPACE_grant_table), -EINVAL);
    ck_assert_int_eq(add_table_frame(d1, 0, g, XENMAPSPACE_grant_table), -EINVAL); /* in use */
    ck_assert_int_eq(add_table_frame(d1, 0, 5, XENMAPSPACE_grant_table), -EINVAL); /* RAM */
    ck_assert_int_eq(add_table_frame(d1, 0, g + 16, XENMAPSPACE_grant_table), -EINVAL);
    ck_assert_int_eq(add_table_frame(d1, 0, g + 2, XENMAPSPACE_gmfn), -EOPNOTSUPP);
    struct xen_add_to_physmap other = {.domid = 2, .space = XENMAPSPACE_grant_table, .gpfn = g + 2};
    ck_assert_int_eq(memory_op(d1, XENMEM_add_to_physmap, &other, sizeof(other)), -EINVAL);
    ck_assert_uint_eq(gnttab_nr_frames(d1), 1);
}
END_TEST

START_TEST(table_frame_removed_stays_in_table)
{
    struct xen_remove_from_physmap r = {.domid = DOMID_SELF, .gpfn = WINDOW_BASE_GFN};

    grant(d1, 5, 2, 7, GTF_permit_access);
    ck_assert_int_eq(memory_op(d1, XENMEM_remove_from_physmap, &r, sizeof(r)), 0);
    ck_assert_uint_eq(win_mfn(d1, 0), 0);
    ck_assert_uint_eq(gnttab_nr_frames(d1), 1);
    ck_assert_int_eq(map_host(d2, 1, 5, 1, true, NULL), GNTST_okay); /* still a table */
}
END_TEST

START_TEST(max_frames_configurable)
{
    const struct domain_config cfg = {
        .domid = 9, .name = "big", .window_pages = 4, .max_grant_frames = GNTTAB_MAX_FRAMES};
    const struct domain_config too_big = {.domid = 10,
                                          .name = "too-big",
                                          .window_pages = 4,
                                          .max_grant_frames = GNTTAB_MAX_FRAMES + 1};
    struct domain *d = domain_create(&cfg);

    ck_assert_ptr_nonnull(d);
    ck_assert_uint_eq(gnttab_max_frames(d), GNTTAB_MAX_FRAMES);
    ck_assert_int_eq(gnttab_map_table_frame(d, GNTTAB_MAX_FRAMES - 1, WINDOW_BASE_GFN), 0);
    ck_assert_uint_eq(gnttab_nr_frames(d), GNTTAB_MAX_FRAMES);
    ck_assert_int_eq(gnttab_map_table_frame(d, GNTTAB_MAX_FRAMES, WINDOW_BASE_GFN + 1), -EINVAL);
    domain_destroy(d);
    ck_assert_ptr_null(domain_create(&too_big));
}
END_TEST

/* ---- the toolstack's view: createdomain and getdomaininfo ---- */

static long domctl(struct skiff_domctl *op)
{
    struct hypercall_args a = {{SCRATCH}};
    long rc;

    op->interface_version = SKIFF_DOMCTL_INTERFACE_VERSION;
    core_guest_write(d0, SCRATCH, op, sizeof(*op));
    rc = hypercall_dispatch(d0->vcpu[0], __HYPERVISOR_domctl, &a);
    core_guest_read(d0, SCRATCH, op, sizeof(*op));
    return rc;
}

static struct skiff_domctl_getdomaininfo info_of(domid_t id)
{
    struct skiff_domctl op = {.cmd = SKIFF_DOMCTL_getdomaininfo, .domain = id};

    ck_assert_int_eq(domctl(&op), 0);
    ck_assert_uint_eq(op.domain, id);
    return op.u.getdomaininfo;
}

static long create_with_frames(uint32_t frames, uint32_t pad)
{
    struct skiff_domctl op = {.cmd = SKIFF_DOMCTL_createdomain};

    op.u.createdomain.max_pages = 256;
    op.u.createdomain.max_grant_frames = frames;
    op.u.createdomain.pad = pad;
    strcpy(op.u.createdomain.name, "sized");
    return domctl(&op) ?: op.domain;
}

START_TEST(domctl_grant_frames_and_counts)
{
    grant_handle_t h;
    long id;

    ck_assert_int_eq(create_with_frames(GNTTAB_MAX_FRAMES + 1, 0), -EINVAL);
    ck_assert_int_eq(create_with_frames(4, 1), -EINVAL);
    id = create_with_frames(16, 0);
    ck_assert_int_gt(id, 2);
    ck_assert_uint_eq(info_of((domid_t)id).max_grant_frames, 16);
    ck_assert_uint_eq(info_of((domid_t)id).nr_grant_frames, 0);
    domain_destroy(domain_by_id((domid_t)id));
    ck_assert_int_eq(create_with_frames(0, 0), id); /* 0: the default */
    ck_assert_uint_eq(info_of((domid_t)id).max_grant_frames, GNTTAB_DEFAULT_FRAMES);
    domain_destroy(domain_by_id((domid_t)id));

    grant(d2, 1, 1, 5, GTF_permit_access);
    ck_assert_int_eq(map_host(d1, 2, 1, 1, false, &h), GNTST_okay);
    ck_assert_uint_eq(info_of(1).nr_grant_maps, 1);
    ck_assert_uint_eq(info_of(1).nr_grants_active, 0);
    ck_assert_uint_eq(info_of(2).nr_grants_active, 1);
    ck_assert_uint_eq(info_of(2).nr_grant_frames, 1);
    ck_assert_int_eq(unmap(d1, h), GNTST_okay);
    ck_assert_uint_eq(info_of(1).nr_grant_maps, 0);
    ck_assert_uint_eq(info_of(2).nr_grants_active, 0);
}
END_TEST

/* ---- G1: bad refs and domains ---- */

START_TEST(g1_bad_refs_and_domains)
{
    grant(d0, 1, 1, 5, GTF_permit_access);
    ck_assert_int_eq(map_host(d1, 0, GNTTAB_ENTRIES_PER_FRAME, 1, false, NULL), GNTST_bad_gntref);
    ck_assert_int_eq(map_host(d1, 0, ~0u, 1, false, NULL), GNTST_bad_gntref);
    ck_assert_int_eq(map_host(d1, 77, 1, 1, false, NULL), GNTST_bad_domain);
    ck_assert_int_eq(map_host(d1, DOMAIN_MAX_DOMID + 1, 1, 1, false, NULL), GNTST_bad_domain);
    ck_assert_int_eq(map_host(d1, DOMID_FIRST_RESERVED + 1, 1, 1, false, NULL), GNTST_bad_domain);
    ck_assert_int_eq(map_host(d1, DOMID_SELF, 1, 1, false, NULL), GNTST_bad_domain);
    ck_assert_int_eq(map_host(d1, 1, 1, 1, false, NULL), GNTST_bad_domain); /* itself */
    ck_assert_uint_eq(flags_of(d0, 1), GTF_permit_access);
    ck_assert_uint_eq(gnttab_maps_held(d1), 0);
    ck_assert_uint_eq(fake_pages_mapped, 3); /* the three table frames only */
}
END_TEST

START_TEST(g1_granter_without_table)
{
    const struct domain_config cfg = {.domid = 5, .name = "no-table", .window_pages = 4};
    struct domain *g = domain_create(&cfg);

    ck_assert_ptr_nonnull(g);
    ck_assert_int_eq(domain_alloc_ram(g, 8, false), 0);
    g->state = DOMAIN_RUNNING;
    ck_assert_int_eq(map_host(d1, 5, 0, 1, true, NULL), GNTST_bad_gntref);
    domain_destroy(g);
}
END_TEST

/* ---- G2: permissions ---- */

START_TEST(g2_not_granted_to_me)
{
    grant(d0, 1, 2, 5, GTF_permit_access);   /* to d2 */
    grant(d0, 2, 1, 5, GTF_invalid);         /* nothing */
    grant(d0, 3, 1, 5, GTF_accept_transfer); /* not access */
    grant(d0, 4, 1, 5, GTF_transitive);      /* v2 only */
    grant(d0, 5, 1, 5, GTF_readonly);        /* readonly without permit_access */
    for (grant_ref_t r = 1; r <= 5; r++) {
        uint16_t before = flags_of(d0, r);
        ck_assert_int_eq(map_host(d1, 0, r, 1, true, NULL), GNTST_permission_denied);
        ck_assert_uint_eq(flags_of(d0, r), before);
    }
    ck_assert_uint_eq(gnttab_grants_active(d0), 0);
}
END_TEST

START_TEST(g2_rw_map_of_readonly_grant)
{
    grant_handle_t h;

    grant(d0, 1, 1, 5, GTF_permit_access | GTF_readonly);
    ck_assert_int_eq(map_host(d1, 0, 1, 1, false, NULL), GNTST_permission_denied);
    ck_assert_uint_eq(flags_of(d0, 1), GTF_permit_access | GTF_readonly);
    ck_assert_int_eq(map_host(d1, 0, 1, 1, true, &h), GNTST_okay);
    ck_assert_uint_eq(flags_of(d0, 1), GTF_permit_access | GTF_readonly | GTF_reading);
    ck_assert_uint_eq(window_entry(d1, WINDOW_BASE_GFN + 1) & P2M_PERMS, P2M_R);
    /* Still no writable map while a read-only one exists. */
    ck_assert_int_eq(map_host(d1, 0, 1, 2, false, NULL), GNTST_permission_denied);
    ck_assert_int_eq(unmap(d1, h), GNTST_okay);
    ck_assert_uint_eq(flags_of(d0, 1), GTF_permit_access | GTF_readonly);
}
END_TEST

START_TEST(g2_pinned_by_another_domain)
{
    grant_handle_t h;

    grant(d0, 1, 1, 5, GTF_permit_access);
    ck_assert_int_eq(map_host(d1, 0, 1, 1, false, &h), GNTST_okay);
    grant(d0, 1, 2, 5, GTF_permit_access | GTF_reading | GTF_writing); /* now "to d2" */
    ck_assert_int_eq(map_host(d2, 0, 1, 1, true, NULL), GNTST_permission_denied);
    ck_assert_int_eq(unmap(d1, h), GNTST_okay);
}
END_TEST

START_TEST(g2_device_map_privileged_only)
{
    struct gnttab_map_grant_ref op = {.flags = GNTMAP_device_map, .ref = 1, .dom = 1};
    struct gnttab_map_result res;

    grant(d1, 1, 0, 9, GTF_permit_access);
    grant(d0, 1, 1, 9, GTF_permit_access);
    ck_assert_int_eq(map(d2, 1, 1, 0, GNTMAP_device_map, NULL), GNTST_permission_denied);
    ck_assert_int_eq(map(d1, 0, 1, WIN(1), GNTMAP_device_map | GNTMAP_host_map, NULL),
                     GNTST_permission_denied);
    ck_assert_int_eq(gnttab_map(d0, &op, &res), 0);
    ck_assert_uint_eq(res.dev_bus_addr, ram_mfn(d1, 9) << PAGE_SHIFT);
    ck_assert_uint_eq(flags_of(d1, 1), GTF_permit_access | GTF_reading | GTF_writing);
    ck_assert_int_eq(gnttab_status(gnttab_unmap(d0, res.handle, 0, 4096)), GNTST_bad_dev_addr);
    ck_assert_int_eq(gnttab_status(gnttab_unmap(d0, res.handle, WIN(1), 0)), GNTST_bad_virt_addr);
    ck_assert_int_eq(gnttab_unmap(d0, res.handle, 0, res.dev_bus_addr), 0);
    ck_assert_uint_eq(flags_of(d1, 1), GTF_permit_access);
}
END_TEST

START_TEST(g2_unsupported_flags)
{
    grant(d0, 1, 1, 5, GTF_permit_access);
    ck_assert_int_eq(map(d1, 0, 1, WIN(1), 0, NULL), GNTST_general_error);
    ck_assert_int_eq(map(d1, 0, 1, WIN(1), GNTMAP_readonly, NULL), GNTST_general_error);
    ck_assert_int_eq(map(d1, 0, 1, WIN(1), GNTMAP_host_map | GNTMAP_contains_pte, NULL),
                     GNTST_general_error);
    ck_assert_int_eq(map(d1, 0, 1, WIN(1), GNTMAP_host_map | 0x100, NULL), GNTST_general_error);
    ck_assert_uint_eq(flags_of(d0, 1), GTF_permit_access);
}
END_TEST

START_TEST(bad_page_frames)
{
    uint32_t frames[] = {0, RAM_PAGES, RAM_PAGES + 1000, (uint32_t)WINDOW_BASE_GFN, ~0u};

    for (unsigned int i = 0; i < ARRAY_SIZE(frames); i++) {
        grant(d0, 1, 1, frames[i], GTF_permit_access);
        ck_assert_int_eq(map_host(d1, 0, 1, 1, false, NULL), GNTST_bad_page);
        ck_assert_uint_eq(flags_of(d0, 1), GTF_permit_access); /* in-use flags undone */
    }
    ck_assert_uint_eq(gnttab_grants_active(d0), 0);
    ck_assert_uint_eq(gnttab_maps_held(d1), 0);
}
END_TEST

/* ---- G3: where the mapping goes ---- */

START_TEST(g3_bad_host_addresses)
{
    grant_handle_t h;
    uint64_t bad[] = {
        WIN(1) + 8,         /* misaligned */
        WIN(0),             /* window page 0: the table frame */
        0,                  /* page 0 */
        0x5000,             /* RAM */
        WIN(0) - PAGE_SIZE, /* just below the window */
        WIN(16),            /* just past the window */
        ~0ull & PAGE_MASK,  /* far away */
    };

    grant(d0, 1, 1, 5, GTF_permit_access);
    grant(d0, 2, 1, 6, GTF_permit_access);
    ck_assert_int_eq(map_host(d1, 0, 2, 3, false, &h), GNTST_okay);
    for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
        ck_assert_int_eq(map(d1, 0, 1, bad[i], GNTMAP_host_map, NULL), GNTST_bad_virt_addr);
        ck_assert_uint_eq(flags_of(d0, 1), GTF_permit_access);
    }
    /* Over an existing grant mapping. */
    ck_assert_int_eq(map_host(d1, 0, 1, 3, false, NULL), GNTST_bad_virt_addr);
    ck_assert_uint_eq(win_mfn(d1, 3), ram_mfn(d0, 6));
    ck_assert_uint_eq(gnttab_maps_held(d1), 1);
    ck_assert_int_eq(unmap(d1, h), GNTST_okay);
}
END_TEST

START_TEST(g3_arch_map_failure_undone)
{
    grant(d0, 1, 1, 5, GTF_permit_access);
    fake_map_page_error = -ENOMEM;
    ck_assert_int_eq(map_host(d1, 0, 1, 1, false, NULL), GNTST_general_error);
    fake_map_page_error = 0;
    ck_assert_uint_eq(flags_of(d0, 1), GTF_permit_access);
    ck_assert_uint_eq(gnttab_maps_held(d1), 0);
    ck_assert_uint_eq(gnttab_grants_active(d0), 0);
    ck_assert_uint_eq(d0->refs, 0);
}
END_TEST

/* ---- a plain map: what the mapper sees ---- */

START_TEST(map_shows_the_granted_page)
{
    grant_handle_t h;

    grant(d0, 7, 1, 5, GTF_permit_access);
    ck_assert_int_eq(map_host(d1, 0, 7, 2, false, &h), GNTST_okay);
    ck_assert_uint_eq(win_mfn(d1, 2), ram_mfn(d0, 5));
    ck_assert_uint_eq(window_entry(d1, WINDOW_BASE_GFN + 2) & P2M_PERMS, P2M_R | P2M_W);
    ck_assert_uint_eq(window_kind_of(d1, WINDOW_BASE_GFN + 2), WINDOW_GRANT);
    ck_assert_uint_eq(flags_of(d0, 7), GTF_permit_access | GTF_reading | GTF_writing);
    ck_assert_uint_eq(gnttab_maps_held(d1), 1);
    ck_assert_uint_eq(gnttab_grants_active(d0), 1);
    ck_assert_uint_eq(d0->refs, 2); /* the window slot and the maptrack entry */
    ck_assert(!end_access(d0, 7));
    uint64_t flushes = fake_tlb_flushes;
    ck_assert_int_eq(unmap(d1, h), GNTST_okay);
    ck_assert_uint_eq(fake_tlb_flushes, flushes + 1);
    ck_assert_uint_eq(win_mfn(d1, 2), 0);
    ck_assert_uint_eq(d0->refs, 0);
    ck_assert(end_access(d0, 7));
    ck_assert_uint_eq(flags_of(d0, 7), 0);
}
END_TEST

START_TEST(remove_from_physmap_refuses_grant_pages)
{
    struct xen_remove_from_physmap r = {.domid = DOMID_SELF, .gpfn = WINDOW_BASE_GFN + 2};
    grant_handle_t h;

    grant(d0, 7, 1, 5, GTF_permit_access);
    ck_assert_int_eq(map_host(d1, 0, 7, 2, false, &h), GNTST_okay);
    ck_assert_int_eq(memory_op(d1, XENMEM_remove_from_physmap, &r, sizeof(r)), -EINVAL);
    ck_assert_uint_eq(win_mfn(d1, 2), ram_mfn(d0, 5));
    ck_assert_int_eq(unmap(d1, h), GNTST_okay);
}
END_TEST

/* ---- G4: reference counts ---- */

START_TEST(g4_rw_and_ro_unmapped_in_either_order)
{
    for (int order = 0; order < 2; order++) {
        grant_handle_t rw, ro;
        grant(d0, 1, 1, 5, GTF_permit_access);
        ck_assert_int_eq(map_host(d1, 0, 1, 1, false, &rw), GNTST_okay);
        ck_assert_int_eq(map_host(d1, 0, 1, 2, true, &ro), GNTST_okay);
        ck_assert_uint_ne(rw, ro);
        ck_assert_uint_eq(flags_of(d0, 1), GTF_permit_access | GTF_reading | GTF_writing);
        ck_assert_uint_eq(gnttab_grants_active(d0), 1);
        ck_assert_uint_eq(gnttab_maps_held(d1), 2);
        if (order == 0) {
            ck_assert_int_eq(unmap(d1, rw), GNTST_okay);
            ck_assert_uint_eq(flags_of(d0, 1), GTF_permit_access | GTF_reading);
            ck_assert_int_eq(unmap(d1, ro), GNTST_okay);
        } else {
            ck_assert_int_eq(unmap(d1, ro), GNTST_okay);
            ck_assert_uint_eq(flags_of(d0, 1), GTF_permit_access | GTF_reading | GTF_writing);
            ck_assert_int_eq(unmap(d1, rw), GNTST_okay);
        }
        ck_assert_uint_eq(flags_of(d0, 1), GTF_permit_access);
        ck_assert_uint_eq(gnttab_grants_active(d0), 0);
        ck_assert_uint_eq(gnttab_maps_held(d1), 0);
        ck_assert_uint_eq(d0->refs, 0);
        /* Twice: the second fails and changes nothing. */
        ck_assert_int_eq(unmap(d1, rw), GNTST_bad_handle);
        ck_assert_int_eq(unmap(d1, ro), GNTST_bad_handle);
    }
}
END_TEST

START_TEST(g4_wrong_handles)
{
    grant_handle_t h, h2;

    grant(d0, 1, 1, 5, GTF_permit_access);
    grant(d0, 2, 2, 6, GTF_permit_access);
    ck_assert_int_eq(map_host(d1, 0, 1, 1, false, &h), GNTST_okay);
    ck_assert_int_eq(map_host(d2, 0, 2, 1, false, &h2), GNTST_okay);
    ck_assert_int_eq(unmap(d1, h + 1), GNTST_bad_handle);
    ck_assert_int_eq(unmap(d1, MAPTRACK_MIN), GNTST_bad_handle);
    ck_assert_int_eq(unmap(d1, ~0u), GNTST_bad_handle);
    ck_assert_int_eq(unmap(d0, h), GNTST_bad_handle); /* d0 holds no mapping */
    ck_assert_int_eq(gnttab_status(gnttab_unmap(d1, h, WIN(2), 0)), GNTST_bad_virt_addr);
    ck_assert_int_eq(gnttab_status(gnttab_unmap(d1, h, 0, 4096)), GNTST_bad_dev_addr);
    ck_assert_uint_eq(gnttab_maps_held(d1), 1);
    ck_assert_uint_eq(win_mfn(d1, 1), ram_mfn(d0, 5));
    ck_assert_int_eq(gnttab_unmap(d1, h, WIN(1), 0), 0);
    ck_assert_int_eq(unmap(d2, h2), GNTST_okay); /* d2's handle was never d1's */
}
END_TEST

START_TEST(g4_maptrack_runs_out)
{
    const struct domain_config cfg = {.domid = 6, .name = "mapper", .window_pages = 4};
    struct domain *m = domain_create(&cfg);

    ck_assert_ptr_nonnull(m);
    ck_assert_int_eq(domain_alloc_ram(m, 8, false), 0);
    m->state = DOMAIN_RUNNING;
    grant(d0, 1, 6, 5, GTF_permit_access | GTF_readonly);
    /* An unprivileged domain makes host maps only, so its window bounds them. */
    for (unsigned int p = 0; p < 4; p++)
        ck_assert_int_eq(map_host(m, 0, 1, p, true, NULL), GNTST_okay);
    ck_assert_int_eq(map_host(m, 0, 1, 4, true, NULL), GNTST_bad_virt_addr);
    ck_assert_uint_eq(gnttab_maps_held(m), 4);
    ck_assert_uint_eq(d0->grant->active[0][1].pin_ro, 4);
    domain_destroy(m); /* releases all four */
    ck_assert_uint_eq(flags_of(d0, 1), GTF_permit_access | GTF_readonly);
    ck_assert_uint_eq(d0->refs, 0);
}
END_TEST

START_TEST(g4_maptrack_limit_device_maps)
{
    grant_handle_t h[16 + MAPTRACK_MIN + 1];
    unsigned int n = 0;

    grant(d1, 1, 0, 5, GTF_permit_access);
    while (n < ARRAY_SIZE(h) && map(d0, 1, 1, 0, GNTMAP_device_map, &h[n]) == GNTST_okay)
        n++;
    ck_assert_uint_eq(n, 16 + MAPTRACK_MIN); /* d0's window (16 pages) + MAPTRACK_MIN */
    ck_assert_int_eq(map(d0, 1, 1, 0, GNTMAP_device_map, NULL), GNTST_no_space);
    ck_assert_uint_eq(d1->grant->active[0][1].pin_rw, n);
    for (unsigned int i = 0; i < n; i++)
        ck_assert_int_eq(unmap(d0, h[i]), GNTST_okay);
    ck_assert_uint_eq(flags_of(d1, 1), GTF_permit_access);
    ck_assert_uint_eq(d1->refs, 0);
}
END_TEST

/* ---- G5: interleaved operations of two mappers (one CPU: each op is atomic) ---- */

#define G5_REFS  4
#define G5_PAGES 15 /* window pages 1..15 */

struct g5_map {
    bool used, ro;
    grant_ref_t ref;
    grant_handle_t h;
};

struct g5_model {
    struct g5_map m[2][G5_PAGES + 1]; /* [mapper][window page] */
    unsigned int ro[G5_REFS], rw[G5_REFS];
};

static void g5_check(struct g5_model *md, struct domain *mappers[2])
{
    unsigned int active = 0, held[2] = {0, 0};

    for (grant_ref_t r = 0; r < G5_REFS; r++) {
        uint16_t f = flags_of(d0, r);
        const struct active_grant *act = &d0->grant->active[0][r];
        CORE_CHECK(act->pin_ro == md->ro[r] && act->pin_rw == md->rw[r], "pins of ref %u", r);
        CORE_CHECK(!!(f & GTF_reading) == !!(md->ro[r] + md->rw[r]), "GTF_reading of %u", r);
        CORE_CHECK(!!(f & GTF_writing) == !!md->rw[r], "GTF_writing of %u", r);
        active += md->ro[r] + md->rw[r] != 0;
    }
    for (int i = 0; i < 2; i++)
        for (unsigned int p = 1; p <= G5_PAGES; p++)
            held[i] += md->m[i][p].used;
    CORE_CHECK(gnttab_grants_active(d0) == active, "active entries");
    CORE_CHECK(gnttab_maps_held(mappers[0]) == held[0], "maps of d1");
    CORE_CHECK(gnttab_maps_held(mappers[1]) == held[1], "maps of d2");
    CORE_CHECK(d0->refs == 2 * (held[0] + held[1]), "references on the granter");
}

static void g5_step(struct g5_model *md, struct domain *mappers[2], uint64_t *rng)
{
    int who = (int)core_rng_below(rng, 2);
    struct domain *d = mappers[who];
    unsigned int p = 1 + (unsigned int)core_rng_below(rng, G5_PAGES);
    grant_ref_t r = (grant_ref_t)core_rng_below(rng, G5_REFS);
    struct g5_map *m = &md->m[who][p];
    bool ro = core_rng_below(rng, 2);

    switch (core_rng_below(rng, 4)) {
    case 0: /* map at p */
    case 1: {
        grant_handle_t h;
        int st = map_host(d, 0, r, p, ro, &h);
        bool pinned_by_other = (md->ro[r] + md->rw[r]) && d0->grant->active[0][r].domid != d->domid;
        bool ok = !m->used && !pinned_by_other && entry(d0, r)->domid == d->domid &&
                  (ro || !(entry(d0, r)->flags & GTF_readonly));
        CORE_CHECK((st == GNTST_okay) == ok, "map of ref %u by d%u at %u: %d", r, d->domid, p, st);
        if (st == GNTST_okay) {
            *m = (struct g5_map){.used = true, .ro = ro, .ref = r, .h = h};
            ro ? md->ro[r]++ : md->rw[r]++;
        }
        break;
    }
    case 2: /* unmap the mapping at p */
        if (m->used) {
            CORE_CHECK(unmap(d, m->h) == GNTST_okay, "unmap");
            m->ro ? md->ro[m->ref]-- : md->rw[m->ref]--;
            m->used = false;
        }
        break;
    default: { /* copy from the grant into the mapper's own page */
        struct gnttab_copy c = {.source = {.u.ref = r, .domid = 0},
                                .dest = {.u.gmfn = 3, .domid = DOMID_SELF},
                                .len = 64,
                                .flags = GNTCOPY_source_gref};
        bool pinned_by_other = (md->ro[r] + md->rw[r]) && d0->grant->active[0][r].domid != d->domid;
        int st = gnttab_status(gnttab_copy(d, &c));
        CORE_CHECK((st == GNTST_okay) == (!pinned_by_other && entry(d0, r)->domid == d->domid),
                   "copy of ref %u by d%u: %d", r, d->domid, st);
        break;
    }
    }
}

START_TEST(g5_interleaved_mappers)
{
    struct domain *mappers[2] = {d1, d2};
    static struct g5_model md;
    uint64_t rng = 0x9e3779b97f4a7c15ull;

    memset(&md, 0, sizeof(md));
    for (grant_ref_t r = 0; r < G5_REFS; r++) /* refs 0, 1 to d1; 2, 3 to d2; odd read-only */
        grant(d0, r, r < 2 ? 1 : 2, 10 + r, GTF_permit_access | (r & 1 ? GTF_readonly : 0));
    for (int i = 0; i < 20000; i++) {
        g5_step(&md, mappers, &rng);
        if (i % 1000 == 999) /* the granter re-grants an idle entry to the other mapper */
            for (grant_ref_t r = 0; r < G5_REFS; r++)
                if (md.ro[r] + md.rw[r] == 0 && end_access(d0, r))
                    grant(d0, r, entry(d0, r)->domid == 1 ? 2 : 1, 10 + r,
                          GTF_permit_access | (r & 1 ? GTF_readonly : 0));
        g5_check(&md, mappers);
    }
    domain_destroy(d1);
    domain_destroy(d2);
    d1 = d2 = NULL;
    for (grant_ref_t r = 0; r < G5_REFS; r++)
        ck_assert_uint_eq(flags_of(d0, r) & (GTF_reading | GTF_writing), 0);
    ck_assert_uint_eq(gnttab_grants_active(d0), 0);
    ck_assert_uint_eq(d0->refs, 0);
}
END_TEST

/*
 * The granter's vCPU on another CPU rewrites the entry while the mapper maps
 * and unmaps (a real host thread: the entry is the only state a guest
 * writes concurrently). Polite: compare-and-swap keeping the in-use flags,
 * as a granter that follows the protocol does. Hostile: plain stores.
 */
static void race_granter(bool polite)
{
    uint32_t *word = (uint32_t *)(void *)entry(d0, 1);
    unsigned long ok = 0, refused = 0, writes;

    grant(d0, 1, 1, 5, GTF_permit_access);
    ck_assert_int_eq(grant_racer_start(word, 1u << 16 | GTF_permit_access,
                                       2u << 16 | GTF_permit_access | GTF_readonly, polite,
                                       GTF_reading | GTF_writing),
                     0);
    for (unsigned long spins = 0; grant_racer_writes() < 1000 && spins < 4000000000ul; spins++)
        __asm__ volatile("pause");
    for (int i = 0; i < 20000; i++) {
        grant_handle_t h;
        int st = map_host(d1, 0, 1, 1, i & 1, &h);
        CORE_CHECK(st == GNTST_okay || st == GNTST_permission_denied || st == GNTST_general_error,
                   "map while the granter rewrites: %d", st);
        if (st != GNTST_okay) {
            refused++;
            continue;
        }
        ok++;
        CORE_CHECK(win_mfn(d1, 1) == ram_mfn(d0, 5), "mapped the granted frame");
        if (polite) /* a granter that keeps the in-use flags cannot hide the mapping */
            CORE_CHECK(entry(d0, 1)->flags & GTF_reading, "GTF_reading while mapped");
        CORE_CHECK(unmap(d1, h) == GNTST_okay, "unmap");
    }
    writes = grant_racer_stop();
    ck_assert_uint_eq(gnttab_grants_active(d0), 0);
    ck_assert_uint_eq(gnttab_maps_held(d1), 0);
    ck_assert_uint_eq(d0->refs, 0);
    if (polite)
        ck_assert_uint_eq(flags_of(d0, 1) & (GTF_reading | GTF_writing), 0);
    printf("granter race (%s): %lu maps, %lu refused, %lu rewrites\n",
           polite ? "polite" : "hostile", ok, refused, writes);
}

START_TEST(g5_granter_rewrites_concurrently)
{
    race_granter(true);
    race_granter(false);
}
END_TEST

/* ---- G6: the granter revokes or rewrites a mapped entry ---- */

START_TEST(g6_revoke_fails_while_mapped)
{
    grant_handle_t h;

    grant(d0, 1, 1, 5, GTF_permit_access | GTF_readonly);
    ck_assert_int_eq(map_host(d1, 0, 1, 1, true, &h), GNTST_okay);
    ck_assert(!end_access(d0, 1));
    ck_assert_uint_eq(flags_of(d0, 1), GTF_permit_access | GTF_readonly | GTF_reading);
    ck_assert_int_eq(unmap(d1, h), GNTST_okay);
    ck_assert(end_access(d0, 1));
}
END_TEST

START_TEST(g6_plain_rewrite_while_mapped)
{
    grant_handle_t h;

    grant(d0, 1, 1, 5, GTF_permit_access);
    ck_assert_int_eq(map_host(d1, 0, 1, 1, false, &h), GNTST_okay);
    /* A hostile granter clears the entry and points it elsewhere with plain writes. */
    grant(d0, 1, 1, 6, 0);
    ck_assert_uint_eq(win_mfn(d1, 1), ram_mfn(d0, 5)); /* the mapping stays as it was */
    ck_assert_int_eq(map_host(d1, 0, 1, 2, false, NULL), GNTST_permission_denied);
    /* Re-granted: a second map uses the pinned frame, not the rewritten one. */
    grant(d0, 1, 1, 6, GTF_permit_access);
    grant_handle_t h2;
    ck_assert_int_eq(map_host(d1, 0, 1, 2, false, &h2), GNTST_okay);
    ck_assert_uint_eq(win_mfn(d1, 2), ram_mfn(d0, 5));
    ck_assert_int_eq(unmap(d1, h2), GNTST_okay);
    /* The granter gives it to d2 meanwhile: the unmap still clears only in-use flags. */
    grant(d0, 1, 2, 6, GTF_permit_access | GTF_reading | GTF_writing);
    ck_assert_int_eq(unmap(d1, h), GNTST_okay);
    ck_assert_uint_eq(flags_of(d0, 1), GTF_permit_access);
    ck_assert_uint_eq(entry(d0, 1)->domid, 2);
    ck_assert_int_eq(map_host(d2, 0, 1, 1, false, &h), GNTST_okay);
    ck_assert_uint_eq(win_mfn(d2, 1), ram_mfn(d0, 6));
    ck_assert_int_eq(unmap(d2, h), GNTST_okay);
}
END_TEST

START_TEST(g6_flags_forged_by_granter)
{
    grant_handle_t h;

    /* The granter sets the in-use flags itself: nothing is pinned, nothing breaks. */
    grant(d0, 1, 1, 5, GTF_permit_access | GTF_reading | GTF_writing);
    ck_assert_int_eq(map_host(d1, 0, 1, 1, true, &h), GNTST_okay);
    ck_assert_int_eq(unmap(d1, h), GNTST_okay);
    ck_assert_uint_eq(flags_of(d0, 1), GTF_permit_access);
    ck_assert_uint_eq(gnttab_grants_active(d0), 0);
}
END_TEST

/* ---- G7: copy ---- */

static int copy(struct domain *d, struct gnttab_copy c)
{
    return gnttab_status(gnttab_copy(d, &c));
}

static struct gnttab_copy gref_to_own(grant_ref_t ref, domid_t dom, uint16_t soff, uint64_t gfn,
                                      uint16_t doff, uint16_t len)
{
    return (struct gnttab_copy){.source = {.u.ref = ref, .domid = dom, .offset = soff},
                                .dest = {.u.gmfn = gfn, .domid = DOMID_SELF, .offset = doff},
                                .len = len,
                                .flags = GNTCOPY_source_gref};
}

START_TEST(g7_copy_bounds)
{
    uint8_t *snap;

    grant(d0, 1, 1, 5, GTF_permit_access);
    core_guest_fill(d0, 5 * PAGE_SIZE, 0xab, PAGE_SIZE);
    snap = core_guest_snapshot(d1);
    ck_assert_int_eq(copy(d1, gref_to_own(1, 0, 0, 7, 0, 0)), GNTST_okay);
    ck_assert_int_eq(copy(d1, gref_to_own(1, 0, 4096, 7, 4096, 0)), GNTST_okay);
    ck_assert_int_eq(copy(d1, gref_to_own(1, 0, 1, 7, 0, 4096)), GNTST_bad_copy_arg);
    ck_assert_int_eq(copy(d1, gref_to_own(1, 0, 0, 7, 1, 4096)), GNTST_bad_copy_arg);
    ck_assert_int_eq(copy(d1, gref_to_own(1, 0, 65535, 7, 0, 1)), GNTST_bad_copy_arg);
    ck_assert_int_eq(copy(d1, gref_to_own(1, 0, 0, 7, 65535, 65535)), GNTST_bad_copy_arg);
    struct gnttab_copy bad_flags = gref_to_own(1, 0, 0, 7, 0, 8);
    bad_flags.flags |= 4;
    ck_assert_int_eq(copy(d1, bad_flags), GNTST_bad_copy_arg);
    core_assert_guest_unchanged(d1, snap, "refused copies");
    free(snap);
    ck_assert_uint_eq(flags_of(d0, 1), GTF_permit_access);
    ck_assert_int_eq(copy(d1, gref_to_own(1, 0, 4000, 7, 96, 96)), GNTST_okay);
    uint8_t buf[100];
    core_guest_read(d1, 7 * PAGE_SIZE + 95, buf, sizeof(buf));
    ck_assert_uint_ne(buf[0], 0xab);
    ck_assert_uint_eq(buf[1], 0xab);
    ck_assert_uint_eq(buf[96], 0xab);
    ck_assert_uint_ne(buf[97], 0xab);
    ck_assert_uint_eq(flags_of(d0, 1), GTF_permit_access); /* in use only during the copy */
}
END_TEST

START_TEST(g7_copy_sides_checked)
{
    grant(d0, 1, 1, 5, GTF_permit_access | GTF_readonly);
    grant(d0, 2, 1, 6, GTF_permit_access);
    grant(d0, 3, 2, 6, GTF_permit_access);
    domain_set_perms(d1, 9, 1, P2M_R); /* a read-only page of d1 */
    /* Source grants need reading, destination grants writing. */
    ck_assert_int_eq(copy(d1, gref_to_own(1, 0, 0, 7, 0, 8)), GNTST_okay);
    struct gnttab_copy to_ro = {.source = {.u.gmfn = 7, .domid = DOMID_SELF},
                                .dest = {.u.ref = 1, .domid = 0},
                                .len = 8,
                                .flags = GNTCOPY_dest_gref};
    ck_assert_int_eq(copy(d1, to_ro), GNTST_permission_denied);
    to_ro.dest.u.ref = 3; /* granted to d2 */
    ck_assert_int_eq(copy(d1, to_ro), GNTST_permission_denied);
    to_ro.dest.u.ref = 9999;
    ck_assert_int_eq(copy(d1, to_ro), GNTST_bad_gntref);
    to_ro.dest.u.ref = 2;
    to_ro.dest.domid = 55;
    ck_assert_int_eq(copy(d1, to_ro), GNTST_bad_domain);
    to_ro.dest.domid = 1; /* own grant */
    ck_assert_int_eq(copy(d1, to_ro), GNTST_bad_domain);
    /* Frame sides: own RAM only, with the caller's permissions. */
    ck_assert_int_eq(copy(d1, gref_to_own(1, 0, 0, 9, 0, 8)), GNTST_bad_page);
    ck_assert_int_eq(copy(d1, gref_to_own(1, 0, 0, 0, 0, 8)), GNTST_bad_page);
    ck_assert_int_eq(copy(d1, gref_to_own(1, 0, 0, RAM_PAGES, 0, 8)), GNTST_bad_page);
    ck_assert_int_eq(copy(d1, gref_to_own(1, 0, 0, WINDOW_BASE_GFN, 0, 8)), GNTST_bad_page);
    struct gnttab_copy other = gref_to_own(1, 0, 0, 7, 0, 8);
    other.dest.domid = 2;
    ck_assert_int_eq(copy(d1, other), GNTST_permission_denied);
    struct gnttab_copy plain = {
        .source = {.u.gmfn = 9, .domid = DOMID_SELF}, .dest = {.u.gmfn = 7, .domid = 1}, .len = 8};
    ck_assert_int_eq(copy(d1, plain), GNTST_okay); /* reading a read-only page is fine */
    for (grant_ref_t r = 1; r <= 3; r++)
        ck_assert_uint_eq(flags_of(d0, r) & (GTF_reading | GTF_writing), 0);
}
END_TEST

START_TEST(copy_grant_to_grant)
{
    uint8_t pattern[PAGE_SIZE], out[PAGE_SIZE];

    for (size_t i = 0; i < sizeof(pattern); i++)
        pattern[i] = (uint8_t)(i * 13 + 1);
    core_guest_write(d0, 5 * PAGE_SIZE, pattern, PAGE_SIZE);
    grant(d0, 1, 1, 5, GTF_permit_access | GTF_readonly);
    grant(d2, 1, 1, 8, GTF_permit_access);
    struct gnttab_copy c = {.source = {.u.ref = 1, .domid = 0},
                            .dest = {.u.ref = 1, .domid = 2},
                            .len = PAGE_SIZE,
                            .flags = GNTCOPY_source_gref | GNTCOPY_dest_gref};
    ck_assert_int_eq(copy(d1, c), GNTST_okay);
    core_guest_read(d2, 8 * PAGE_SIZE, out, PAGE_SIZE);
    ck_assert_mem_eq(out, pattern, PAGE_SIZE);
    ck_assert_uint_eq(flags_of(d2, 1), GTF_permit_access);
}
END_TEST

/* ---- the hypercall: batches, faults, continuations ---- */

static long gntop(struct domain *d, unsigned int cmd, uint64_t uop, unsigned int count)
{
    struct hypercall_args a = {{cmd, uop, count}};

    d->vcpu[0]->arch.continued = false;
    return hypercall_dispatch(d->vcpu[0], __HYPERVISOR_grant_table_op, &a);
}

/* Runs the call and its continuations to the end, like a guest re-issuing it. */
static long gntop_all(struct domain *d, unsigned int cmd, uint64_t uop, unsigned int count,
                      unsigned int *pieces)
{
    long rc = gntop(d, cmd, uop, count);

    *pieces = 1;
    while (rc == 0 && d->vcpu[0]->arch.continued) {
        const uint64_t *n = d->vcpu[0]->arch.cont_args;
        ck_assert_uint_eq(d->vcpu[0]->arch.cont_nr, __HYPERVISOR_grant_table_op);
        rc = gntop(d, (unsigned int)n[0], n[1], (unsigned int)n[2]);
        (*pieces)++;
    }
    return rc;
}

START_TEST(hypercall_map_unmap_batch)
{
    struct gnttab_map_grant_ref m[3] = {
        {.host_addr = WIN(1), .flags = GNTMAP_host_map, .ref = 1, .dom = 0},
        {.host_addr = WIN(2), .flags = GNTMAP_host_map, .ref = 600, .dom = 0},
        {.host_addr = WIN(3), .flags = GNTMAP_host_map | GNTMAP_readonly, .ref = 1, .dom = 0},
    };
    struct gnttab_unmap_grant_ref u[2];
    unsigned int pieces;

    grant(d0, 1, 1, 5, GTF_permit_access);
    core_guest_write(d1, SCRATCH, m, sizeof(m));
    ck_assert_int_eq(gntop_all(d1, GNTTABOP_map_grant_ref, SCRATCH, 3, &pieces), 0);
    core_guest_read(d1, SCRATCH, m, sizeof(m));
    ck_assert_int_eq(m[0].status, GNTST_okay);
    ck_assert_int_eq(m[1].status, GNTST_bad_gntref);
    ck_assert_int_eq(m[2].status, GNTST_okay);
    ck_assert_uint_eq(m[0].dev_bus_addr, 0);
    u[0] = (struct gnttab_unmap_grant_ref){.host_addr = WIN(1), .handle = m[0].handle};
    u[1] = (struct gnttab_unmap_grant_ref){.handle = m[2].handle};
    core_guest_write(d1, SCRATCH, u, sizeof(u));
    ck_assert_int_eq(gntop_all(d1, GNTTABOP_unmap_grant_ref, SCRATCH, 2, &pieces), 0);
    core_guest_read(d1, SCRATCH, u, sizeof(u));
    ck_assert_int_eq(u[0].status, GNTST_okay);
    ck_assert_int_eq(u[1].status, GNTST_okay);
    ck_assert_uint_eq(gnttab_maps_held(d1), 0);
}
END_TEST

START_TEST(hypercall_bad_batches)
{
    struct gnttab_map_grant_ref m = {
        .host_addr = WIN(1), .flags = GNTMAP_host_map, .ref = 1, .dom = 0};
    uint64_t end = RAM_PAGES * PAGE_SIZE;

    grant(d0, 1, 1, 5, GTF_permit_access);
    /* The first element is fine, the second straddles the end of RAM: nothing is done. */
    core_guest_write(d1, end - sizeof(m) - 8, &m, sizeof(m));
    ck_assert_int_eq(gntop(d1, GNTTABOP_map_grant_ref, end - sizeof(m) - 8, 2), -EFAULT);
    ck_assert_uint_eq(gnttab_maps_held(d1), 0);
    ck_assert_uint_eq(flags_of(d0, 1), GTF_permit_access);
    /* Read-only memory cannot take the status. */
    domain_set_perms(d1, 20, 1, P2M_R);
    core_guest_write(d1, 20 * PAGE_SIZE, &m, sizeof(m));
    ck_assert_int_eq(gntop(d1, GNTTABOP_map_grant_ref, 20 * PAGE_SIZE, 1), -EFAULT);
    ck_assert_uint_eq(gnttab_maps_held(d1), 0);
    ck_assert_int_eq(gntop(d1, GNTTABOP_map_grant_ref, 0, 1), -EFAULT);
    ck_assert_int_eq(gntop(d1, GNTTABOP_map_grant_ref, 0xffff800000000000ull, 1), -EFAULT);
    ck_assert_int_eq(gntop(d1, GNTTABOP_copy, SCRATCH, SKIFF_GNTTAB_MAX_BATCH + 1), -EINVAL);
    ck_assert_int_eq(gntop(d1, GNTTABOP_copy, SCRATCH, ~0u), -EINVAL);
    ck_assert_int_eq(gntop(d1, GNTTABOP_copy, 0, 0), 0); /* nothing to do */
    ck_assert_int_eq(gntop(d1, GNTTABOP_setup_table, SCRATCH, 1), -ENOSYS);
    ck_assert_int_eq(gntop(d1, GNTTABOP_transfer, SCRATCH, 1), -ENOSYS);
    ck_assert_int_eq(gntop(d1, 12345, SCRATCH, 1), -ENOSYS);
    ck_assert_int_eq(gntop(d1, GNTTABOP_query_size, SCRATCH, 2), -EINVAL);
    ck_assert_int_eq(gntop(d1, GNTTABOP_set_version, SCRATCH, 0), -EINVAL);
}
END_TEST

START_TEST(g7_huge_copy_batch_continues)
{
    enum { N = 1000 };
    static struct gnttab_copy c[N];
    unsigned int pieces;
    uint64_t arr = 0x20000; /* 40 KB of d1's RAM */

    grant(d0, 1, 1, 5, GTF_permit_access);
    core_guest_fill(d0, 5 * PAGE_SIZE, 0x77, PAGE_SIZE);
    for (int i = 0; i < N; i++)
        c[i] = gref_to_own(1, 0, (uint16_t)(i % 64), 7, (uint16_t)(i % 64), 16);
    core_guest_write(d1, arr, c, sizeof(c));
    ck_assert_int_eq(gntop_all(d1, GNTTABOP_copy, arr, N, &pieces), 0);
    ck_assert_uint_eq(pieces, (N + 255) / 256);
    core_guest_read(d1, arr, c, sizeof(c));
    for (int i = 0; i < N; i++)
        CORE_CHECK(c[i].status == GNTST_okay, "copy %d: %d", i, c[i].status);
    ck_assert_uint_eq(core_guest_page(d1, 7)[70], 0x77);
    ck_assert_uint_eq(flags_of(d0, 1), GTF_permit_access);
}
END_TEST

START_TEST(hypercall_query_size_and_version)
{
    struct gnttab_query_size q = {.dom = DOMID_SELF};
    struct gnttab_set_version v = {.version = 1};

    core_guest_write(d1, SCRATCH, &q, sizeof(q));
    ck_assert_int_eq(gntop(d1, GNTTABOP_query_size, SCRATCH, 1), 0);
    core_guest_read(d1, SCRATCH, &q, sizeof(q));
    ck_assert_int_eq(q.status, GNTST_okay);
    ck_assert_uint_eq(q.nr_frames, 1);
    ck_assert_uint_eq(q.max_nr_frames, GNTTAB_DEFAULT_FRAMES);
    q = (struct gnttab_query_size){.dom = 2, .nr_frames = 99};
    core_guest_write(d1, SCRATCH, &q, sizeof(q));
    ck_assert_int_eq(gntop(d1, GNTTABOP_query_size, SCRATCH, 1), 0);
    core_guest_read(d1, SCRATCH, &q, sizeof(q));
    ck_assert_int_eq(q.status, GNTST_permission_denied);
    ck_assert_uint_eq(q.nr_frames, 0);
    q = (struct gnttab_query_size){.dom = 2};
    core_guest_write(d0, SCRATCH, &q, sizeof(q));
    ck_assert_int_eq(gntop(d0, GNTTABOP_query_size, SCRATCH, 1), 0);
    core_guest_read(d0, SCRATCH, &q, sizeof(q));
    ck_assert_int_eq(q.status, GNTST_okay);
    q = (struct gnttab_query_size){.dom = 200};
    core_guest_write(d0, SCRATCH, &q, sizeof(q));
    ck_assert_int_eq(gntop(d0, GNTTABOP_query_size, SCRATCH, 1), 0);
    core_guest_read(d0, SCRATCH, &q, sizeof(q));
    ck_assert_int_eq(q.status, GNTST_bad_domain);

    core_guest_write(d1, SCRATCH, &v, sizeof(v));
    ck_assert_int_eq(gntop(d1, GNTTABOP_set_version, SCRATCH, 1), 0);
    v.version = 2;
    core_guest_write(d1, SCRATCH, &v, sizeof(v));
    ck_assert_int_eq(gntop(d1, GNTTABOP_set_version, SCRATCH, 1), -EOPNOTSUPP);
    core_guest_read(d1, SCRATCH, &v, sizeof(v));
    ck_assert_uint_eq(v.version, 1);
    v.version = 0;
    core_guest_write(d1, SCRATCH, &v, sizeof(v));
    ck_assert_int_eq(gntop(d1, GNTTABOP_set_version, SCRATCH, 1), -EINVAL);
}
END_TEST

/* ---- G8: the granter dies while mapped ---- */

START_TEST(g8_granter_destroyed_while_mapped)
{
    grant_handle_t h;
    uint64_t frame;

    grant(d1, 1, 2, 5, GTF_permit_access);
    core_guest_fill(d1, 5 * PAGE_SIZE, 0x42, PAGE_SIZE);
    ck_assert_int_eq(map_host(d2, 1, 1, 1, false, &h), GNTST_okay);
    frame = win_mfn(d2, 1);
    ck_assert_uint_eq(domain_count(), 3);
    domain_destroy(d1);
    ck_assert_ptr_null(domain_by_id(1));
    ck_assert_uint_eq(domain_count(), 3); /* lingering */
    ck_assert_ptr_eq(domain_by_id_any(1), d1);
    /* The page is still there and still the granter's, and nobody can map anew. */
    ck_assert_uint_eq(((uint8_t *)arch_maddr_to_virt(maddr(frame << PAGE_SHIFT)))[9], 0x42);
    ck_assert_int_eq(map_host(d2, 1, 1, 2, true, NULL), GNTST_bad_domain);
    ck_assert_uint_eq(gnttab_maps_held(d2), 1);
    ck_assert_int_eq(unmap(d2, h), GNTST_okay);
    ck_assert_ptr_null(domain_by_id_any(1));
    ck_assert_uint_eq(domain_count(), 2);
    d1 = NULL;
}
END_TEST

START_TEST(g8_mapper_destroyed_releases)
{
    grant_handle_t h;

    grant(d0, 1, 1, 5, GTF_permit_access);
    grant(d0, 2, 1, 6, GTF_permit_access | GTF_readonly);
    ck_assert_int_eq(map_host(d1, 0, 1, 1, false, &h), GNTST_okay);
    ck_assert_int_eq(map_host(d1, 0, 2, 2, true, &h), GNTST_okay);
    domain_destroy(d1);
    d1 = NULL;
    ck_assert_uint_eq(flags_of(d0, 1), GTF_permit_access);
    ck_assert_uint_eq(flags_of(d0, 2), GTF_permit_access | GTF_readonly);
    ck_assert_uint_eq(gnttab_grants_active(d0), 0);
    ck_assert_uint_eq(d0->refs, 0);
}
END_TEST

START_TEST(g8_mutual_maps_both_destroyed)
{
    grant_handle_t h;

    grant(d1, 1, 2, 5, GTF_permit_access);
    grant(d2, 1, 1, 5, GTF_permit_access);
    ck_assert_int_eq(map_host(d2, 1, 1, 1, false, &h), GNTST_okay);
    ck_assert_int_eq(map_host(d1, 2, 1, 1, false, &h), GNTST_okay);
    domain_destroy(d1);
    ck_assert_uint_eq(domain_count(), 3);
    domain_destroy(d2);
    d1 = d2 = NULL;
    ck_assert_uint_eq(domain_count(), 1);
}
END_TEST

START_TEST(counts_return_after_cycles)
{
    grant_handle_t warm;

    /* d1's maptrack is allocated by its first map and stays for its lifetime. */
    grant(d0, 1, 1, 5, GTF_permit_access);
    ck_assert_int_eq(map_host(d1, 0, 1, 1, false, &warm), GNTST_okay);
    ck_assert_int_eq(unmap(d1, warm), GNTST_okay);
    uint64_t free_now = frame_free_count();
    size_t heap = heap_bytes_used();

    for (int i = 0; i < 50; i++) {
        const struct domain_config cfg = {.domid = 20, .name = "cycle", .window_pages = 16};
        struct domain *g = domain_create(&cfg);
        grant_handle_t h;
        ck_assert_ptr_nonnull(g);
        ck_assert_int_eq(domain_alloc_ram(g, 16, false), 0);
        g->state = DOMAIN_RUNNING;
        ck_assert_int_eq(gnttab_map_table_frame(g, 2, WINDOW_BASE_GFN), 0);
        grant(g, 3, 1, 4, GTF_permit_access);
        grant(d1, 3, 20, 4, GTF_permit_access);
        ck_assert_int_eq(map_host(d1, 20, 3, 1, false, &h), GNTST_okay);
        ck_assert_int_eq(map_host(g, 1, 3, 1, true, NULL), GNTST_okay);
        domain_destroy(g); /* lingers: d1 maps it */
        ck_assert_uint_eq(flags_of(d1, 3), GTF_permit_access);
        ck_assert_int_eq(unmap(d1, h), GNTST_okay);
    }
    ck_assert_uint_eq(frame_free_count(), free_now);
    ck_assert_uint_eq(heap_bytes_used(), heap);
}
END_TEST

static Suite *grant_suite(void)
{
    Suite *s = suite_create("grant");
    TCase *t = tcase_create("core");

    tcase_add_checked_fixture(t, gt_setup, gt_teardown);
    tcase_set_timeout(t, 60);
    tcase_add_test(t, table_frames_grow_on_demand);
    tcase_add_test(t, table_frames_bad_requests);
    tcase_add_test(t, table_frame_removed_stays_in_table);
    tcase_add_test(t, max_frames_configurable);
    tcase_add_test(t, domctl_grant_frames_and_counts);
    tcase_add_test(t, g1_bad_refs_and_domains);
    tcase_add_test(t, g1_granter_without_table);
    tcase_add_test(t, g2_not_granted_to_me);
    tcase_add_test(t, g2_rw_map_of_readonly_grant);
    tcase_add_test(t, g2_pinned_by_another_domain);
    tcase_add_test(t, g2_device_map_privileged_only);
    tcase_add_test(t, g2_unsupported_flags);
    tcase_add_test(t, bad_page_frames);
    tcase_add_test(t, g3_bad_host_addresses);
    tcase_add_test(t, g3_arch_map_failure_undone);
    tcase_add_test(t, map_shows_the_granted_page);
    tcase_add_test(t, remove_from_physmap_refuses_grant_pages);
    tcase_add_test(t, g4_rw_and_ro_unmapped_in_either_order);
    tcase_add_test(t, g4_wrong_handles);
    tcase_add_test(t, g4_maptrack_runs_out);
    tcase_add_test(t, g4_maptrack_limit_device_maps);
    tcase_add_test(t, g5_interleaved_mappers);
    tcase_add_test(t, g5_granter_rewrites_concurrently);
    tcase_add_test(t, g6_revoke_fails_while_mapped);
    tcase_add_test(t, g6_plain_rewrite_while_mapped);
    tcase_add_test(t, g6_flags_forged_by_granter);
    tcase_add_test(t, g7_copy_bounds);
    tcase_add_test(t, g7_copy_sides_checked);
    tcase_add_test(t, copy_grant_to_grant);
    tcase_add_test(t, hypercall_map_unmap_batch);
    tcase_add_test(t, hypercall_bad_batches);
    tcase_add_test(t, g7_huge_copy_batch_continues);
    tcase_add_test(t, hypercall_query_size_and_version);
    tcase_add_test(t, g8_granter_destroyed_while_mapped);
    tcase_add_test(t, g8_mapper_destroyed_releases);
    tcase_add_test(t, g8_mutual_maps_both_destroyed);
    tcase_add_test(t, counts_return_after_cycles);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return core_run_suite(grant_suite());
}
