/*
 * grant.c - guest side of grant tables (skiff/grant.h): the table's frames
 * in the top of the grant window, a bitmap of refs in use, a bitmap
 * allocator of window pages for mappings, and the hypercall wrappers.
 */
#include <errno.h>
#include <string.h>

#include <skiff/grant.h>
#include <skiff/guest.h>
#include <skiff/hypercall.h>

#define PAGE_SIZE     4096ul
#define MAX_REFS      (SKIFF_GNTTAB_MAX_FRAMES * SKIFF_GNTTAB_ENTRIES_PER_FRAME)
#define MAX_WIN_PAGES SKIFF_GRANT_WINDOW_DOM0_PAGES
#define BITS          64
#define IN_USE        (GTF_reading | GTF_writing)

static struct grant_entry_v1 *table; /* our entries, through the window */
static unsigned int nr_frames;
static uint64_t ref_used[MAX_REFS / BITS];
static uint64_t page_used[MAX_WIN_PAGES / BITS];
static unsigned int win_pages; /* window pages usable for mappings: [0, win_pages) */

static bool test_bit(const uint64_t *map, unsigned int i)
{
    return map[i / BITS] >> (i % BITS) & 1;
}

static void set_bit_to(uint64_t *map, unsigned int i, bool v)
{
    if (v)
        map[i / BITS] |= 1ull << (i % BITS);
    else
        map[i / BITS] &= ~(1ull << (i % BITS));
}

int gnttab_errno(int16_t status)
{
    switch (status) {
    case GNTST_okay:
        return 0;
    case GNTST_bad_domain:
        return -ESRCH;
    case GNTST_bad_gntref:
        return -ENOENT;
    case GNTST_bad_handle:
        return -EBADF;
    case GNTST_bad_virt_addr:
        return -ENXIO;
    case GNTST_bad_dev_addr:
        return -ENODEV;
    case GNTST_permission_denied:
        return -EACCES;
    case GNTST_bad_page:
        return -ERANGE;
    case GNTST_bad_copy_arg:
        return -EOVERFLOW;
    case GNTST_no_space:
        return -ENOSPC;
    default:
        return -EIO;
    }
}

/* ---- set-up ---- */

static int query_max_frames(unsigned int *max)
{
    struct gnttab_query_size q = {.dom = DOMID_SELF};
    long rc = HYPERVISOR_grant_table_op(GNTTABOP_query_size, &q, 1);

    if (rc)
        return (int)rc;
    if (q.status != GNTST_okay)
        return gnttab_errno(q.status);
    *max = q.max_nr_frames;
    return 0;
}

static int map_table_frame(unsigned int idx, uint64_t gpfn)
{
    struct xen_add_to_physmap a = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = idx, .gpfn = gpfn};

    return (int)HYPERVISOR_memory_op(XENMEM_add_to_physmap, &a);
}

int gnttab_setup(unsigned int frames)
{
    uint64_t base = start_info.grant_window_base;
    uint64_t pages = start_info.grant_window_size / PAGE_SIZE;
    unsigned int max = 0;
    int rc;

    if (table)
        return -EBUSY;
    for (unsigned int i = 0; i < MAX_WIN_PAGES / BITS; i++)
        if (page_used[i])
            return -EBUSY; /* set up the table before mapping anything */
    rc = query_max_frames(&max);
    if (rc)
        return rc;
    if (frames == 0 || frames > max)
        frames = max;
    if (pages > MAX_WIN_PAGES || pages <= frames)
        return -ENOSPC;
    /* The table takes the top `frames` pages of the window. */
    win_pages = (unsigned int)(pages - frames);
    for (unsigned int i = 0; i < frames; i++) {
        rc = map_table_frame(i, base / PAGE_SIZE + win_pages + i);
        if (rc)
            return rc;
    }
    nr_frames = frames;
    table = (struct grant_entry_v1 *)(uintptr_t)(base + (uint64_t)win_pages * PAGE_SIZE);
    return 0;
}

unsigned int gnttab_nr_entries(void)
{
    return nr_frames * SKIFF_GNTTAB_ENTRIES_PER_FRAME;
}

/* ---- granting ---- */

int gnttab_grant_access_ref(grant_ref_t ref, domid_t domid, uint64_t gfn, bool ro)
{
    struct grant_entry_v1 *e;

    if (!table || ref >= gnttab_nr_entries() || gfn > UINT32_MAX)
        return -EINVAL;
    if (test_bit(ref_used, ref))
        return -EBUSY;
    e = &table[ref];
    e->frame = (uint32_t)gfn;
    e->domid = domid;
    /* The frame and domid are visible before the flags that make them valid. */
    __atomic_store_n(&e->flags, (uint16_t)(GTF_permit_access | (ro ? GTF_readonly : 0)),
                     __ATOMIC_RELEASE);
    set_bit_to(ref_used, ref, true);
    return 0;
}

int gnttab_grant_access(domid_t domid, uint64_t gfn, bool ro, grant_ref_t *ref)
{
    for (grant_ref_t r = GNTTAB_NR_RESERVED_ENTRIES; r < gnttab_nr_entries(); r++) {
        if (!test_bit(ref_used, r)) {
            *ref = r;
            return gnttab_grant_access_ref(r, domid, gfn, ro);
        }
    }
    return table ? -ENOSPC : -EINVAL;
}

int gnttab_end_access(grant_ref_t ref)
{
    uint16_t flags;

    if (!table || ref >= gnttab_nr_entries() || !test_bit(ref_used, ref))
        return -EINVAL;
    flags = __atomic_load_n(&table[ref].flags, __ATOMIC_ACQUIRE);
    do {
        if (flags & IN_USE)
            return -EBUSY;
    } while (!__atomic_compare_exchange_n(&table[ref].flags, &flags, 0, false, __ATOMIC_ACQ_REL,
                                          __ATOMIC_ACQUIRE));
    set_bit_to(ref_used, ref, false);
    return 0;
}

uint16_t gnttab_entry_flags(grant_ref_t ref)
{
    if (!table || ref >= gnttab_nr_entries())
        return 0;
    return __atomic_load_n(&table[ref].flags, __ATOMIC_ACQUIRE);
}

/* ---- mapping ---- */

/* Without a table of our own, the whole window serves mappings. */
static void window_ready(void)
{
    uint64_t pages = start_info.grant_window_size / PAGE_SIZE;

    if (!table && win_pages == 0)
        win_pages = (unsigned int)(pages < MAX_WIN_PAGES ? pages : MAX_WIN_PAGES);
}

static int page_alloc_window(unsigned int *page)
{
    window_ready();
    for (unsigned int p = win_pages; p-- > 0;) {
        if (!test_bit(page_used, p)) {
            set_bit_to(page_used, p, true);
            *page = p;
            return 0;
        }
    }
    return -ENOSPC;
}

static void *page_addr(unsigned int page)
{
    return (void *)(uintptr_t)(start_info.grant_window_base + (uint64_t)page * PAGE_SIZE);
}

static void set_status(int16_t *status, int16_t value)
{
    if (status)
        *status = value;
}

/* Maps at a free window page with flags; *maddr gets dev_bus_addr. */
static int map_with_flags(domid_t dom, grant_ref_t ref, uint32_t flags, void **addr,
                          uint64_t *maddr, grant_handle_t *handle, int16_t *status)
{
    struct gnttab_map_grant_ref op = {.flags = flags, .ref = ref, .dom = dom};
    unsigned int page;
    long rc;

    set_status(status, GNTST_general_error);
    rc = page_alloc_window(&page);
    if (rc)
        return (int)rc;
    op.host_addr = (uint64_t)(uintptr_t)page_addr(page);
    rc = HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &op, 1);
    if (rc == 0) {
        set_status(status, op.status);
        rc = gnttab_errno(op.status);
    }
    if (rc) {
        set_bit_to(page_used, page, false);
        return (int)rc;
    }
    *addr = page_addr(page);
    *handle = op.handle;
    if (maddr)
        *maddr = op.dev_bus_addr;
    return 0;
}

int gnttab_map(domid_t dom, grant_ref_t ref, bool ro, void **addr, grant_handle_t *handle,
               int16_t *status)
{
    return map_with_flags(dom, ref, GNTMAP_host_map | (ro ? GNTMAP_readonly : 0), addr, NULL,
                          handle, status);
}

int gnttab_map_device(domid_t dom, grant_ref_t ref, bool ro, void **addr, uint64_t *maddr,
                      grant_handle_t *handle, int16_t *status)
{
    return map_with_flags(dom, ref,
                          GNTMAP_host_map | GNTMAP_device_map | (ro ? GNTMAP_readonly : 0), addr,
                          maddr, handle, status);
}

int gnttab_unmap(void *addr, grant_handle_t handle, int16_t *status)
{
    uint64_t a = (uint64_t)(uintptr_t)addr, base = start_info.grant_window_base;
    struct gnttab_unmap_grant_ref op = {.host_addr = a, .handle = handle};
    long rc;

    set_status(status, GNTST_general_error);
    if (a < base || a % PAGE_SIZE || (a - base) / PAGE_SIZE >= win_pages)
        return -EINVAL;
    rc = HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, &op, 1);
    if (rc)
        return (int)rc;
    set_status(status, op.status);
    if (op.status == GNTST_okay)
        set_bit_to(page_used, (unsigned int)((a - base) / PAGE_SIZE), false);
    return gnttab_errno(op.status);
}

/* ---- copying ---- */

int gnttab_copy_batch(struct gnttab_copy *ops, unsigned int n)
{
    long rc = n ? HYPERVISOR_grant_table_op(GNTTABOP_copy, ops, n) : 0;

    if (rc)
        return (int)rc;
    for (unsigned int i = 0; i < n; i++)
        if (ops[i].status != GNTST_okay)
            return gnttab_errno(ops[i].status);
    return 0;
}

/* ---- batches (one hypercall for many mappings: blkback's segments) ---- */

#define BATCH_MAX 32u /* ops per hypercall */

static int map_batch_part(domid_t dom, struct gnttab_dev_map *m, unsigned int n)
{
    struct gnttab_map_grant_ref ops[BATCH_MAX];
    unsigned int pages[BATCH_MAX], got = 0;
    int rc = 0;
    long hc;

    for (; got < n; got++) {
        if (page_alloc_window(&pages[got]))
            break;
        ops[got] = (struct gnttab_map_grant_ref){
            .host_addr = (uint64_t)(uintptr_t)page_addr(pages[got]),
            .flags = GNTMAP_host_map | GNTMAP_device_map | (m[got].ro ? GNTMAP_readonly : 0),
            .ref = m[got].ref,
            .dom = dom};
    }
    hc = got ? HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, ops, got) : 0;
    for (unsigned int i = 0; i < n; i++) {
        int16_t st = i >= got ? GNTST_no_device_space : hc ? GNTST_general_error : ops[i].status;
        m[i].status = st;
        if (i < got && st != GNTST_okay)
            set_bit_to(page_used, pages[i], false);
        if (st == GNTST_okay) {
            m[i].addr = page_addr(pages[i]);
            m[i].maddr = ops[i].dev_bus_addr;
            m[i].handle = ops[i].handle;
        } else if (!rc) {
            rc = hc ? (int)hc : gnttab_errno(st);
        }
    }
    return rc;
}

int gnttab_map_device_batch(domid_t dom, struct gnttab_dev_map *m, unsigned int n)
{
    int rc = 0;

    for (unsigned int done = 0; done < n; done += BATCH_MAX) {
        unsigned int part = n - done < BATCH_MAX ? n - done : BATCH_MAX;
        int r = map_batch_part(dom, m + done, part);
        if (r && !rc)
            rc = r;
    }
    return rc;
}

static int unmap_batch_part(struct gnttab_dev_map *m, unsigned int n)
{
    struct gnttab_unmap_grant_ref ops[BATCH_MAX];
    uint64_t base = start_info.grant_window_base;
    long hc;
    int rc = 0;

    for (unsigned int i = 0; i < n; i++) {
        uint64_t a = (uint64_t)(uintptr_t)m[i].addr;
        if (a < base || a % PAGE_SIZE || (a - base) / PAGE_SIZE >= win_pages)
            return -EINVAL;
        ops[i] = (struct gnttab_unmap_grant_ref){.host_addr = a, .handle = m[i].handle};
    }
    hc = HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, ops, n);
    if (hc)
        return (int)hc;
    for (unsigned int i = 0; i < n; i++) {
        m[i].status = ops[i].status;
        if (ops[i].status == GNTST_okay)
            set_bit_to(page_used, (unsigned int)((ops[i].host_addr - base) / PAGE_SIZE), false);
        else if (!rc)
            rc = gnttab_errno(ops[i].status);
    }
    return rc;
}

int gnttab_unmap_batch(struct gnttab_dev_map *m, unsigned int n)
{
    int rc = 0;

    for (unsigned int done = 0; done < n; done += BATCH_MAX) {
        unsigned int part = n - done < BATCH_MAX ? n - done : BATCH_MAX;
        int r = unmap_batch_part(m + done, part);
        if (r && !rc)
            rc = r;
    }
    return rc;
}
