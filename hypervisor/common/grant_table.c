/*
 * grant_table.c - the grant-table state machine (skiff/grant_table.h):
 * table frames, pinning entries with Xen's GTF_reading/GTF_writing protocol,
 * the maptrack of each mapping domain, map, unmap and copy.
 *
 * Validation comes first and changes nothing; the acting steps that follow
 * undo themselves in reverse order if a later one fails.
 */
#include <string.h>

#include <skiff/arch.h>
#include <skiff/domain.h>
#include <skiff/errno.h>
#include <skiff/frame.h>
#include <skiff/grant_table.h>
#include <skiff/heap.h>
#include <skiff/window.h>

#define CMPXCHG_RETRIES 4 /* an entry the granter keeps rewriting is "unstable" */
#define IN_USE          (GTF_reading | GTF_writing)
#define MAPTRACK_NONE   (~0u)

static uint64_t total_maps, total_active;

/* ---- the table ---- */

int gnttab_init(struct domain *d, unsigned int max_frames)
{
    struct grant_table *gt;

    if (max_frames > GNTTAB_MAX_FRAMES)
        return -EINVAL;
    gt = kzalloc(sizeof(*gt));
    if (!gt)
        return -ENOMEM;
    gt->max_frames = max_frames ? max_frames : GNTTAB_DEFAULT_FRAMES;
    gt->maptrack_limit = (unsigned int)MIN(d->window.nr_pages, (uint64_t)1 << 20) + MAPTRACK_MIN;
    gt->maptrack_free = MAPTRACK_NONE;
    d->grant = gt;
    return 0;
}

static unsigned int nr_entries(const struct grant_table *gt)
{
    return gt->nr_frames * GNTTAB_ENTRIES_PER_FRAME;
}

struct grant_entry_v1 *gnttab_shared_entry(const struct domain *d, grant_ref_t ref)
{
    const struct grant_table *gt = d->grant;
    struct grant_entry_v1 *page;

    if (!gt || ref >= nr_entries(gt))
        return NULL;
    page = arch_maddr_to_virt(mfn_to_maddr(gt->frame[ref / GNTTAB_ENTRIES_PER_FRAME]));
    return &page[ref % GNTTAB_ENTRIES_PER_FRAME];
}

static struct active_grant *active_of(const struct grant_table *gt, grant_ref_t ref)
{
    return &gt->active[ref / GNTTAB_ENTRIES_PER_FRAME][ref % GNTTAB_ENTRIES_PER_FRAME];
}

/* Adds one zeroed frame (all entries invalid) and its active entries. */
static int grow_one(struct grant_table *gt)
{
    unsigned int i = gt->nr_frames;
    mfn_t f = frame_alloc_zeroed();

    if (!mfn_valid(f))
        return -ENOMEM;
    gt->active[i] = kzalloc(GNTTAB_ENTRIES_PER_FRAME * sizeof(struct active_grant));
    if (!gt->active[i]) {
        frame_free(f);
        return -ENOMEM;
    }
    gt->frame[i] = f;
    gt->nr_frames++;
    return 0;
}

int gnttab_map_table_frame(struct domain *d, uint64_t idx, uint64_t gfn)
{
    struct grant_table *gt = d->grant;
    int rc;

    if (idx >= gt->max_frames || !window_contains(d, gfn) || window_entry(d, gfn))
        return -EINVAL;
    while (gt->nr_frames <= idx) {
        rc = grow_one(gt);
        if (rc)
            return rc; /* frames already added stay: the table only grows */
    }
    return window_map_hv(d, gfn, gt->frame[idx]);
}

/* ---- pinning: the GTF_reading / GTF_writing protocol ---- */

static uint32_t *entry_word(struct grant_entry_v1 *e)
{
    return (uint32_t *)(void *)e; /* flags (low 16 bits) and domid (high 16) */
}

/*
 * Sets GTF_reading (and GTF_writing unless ro) with a compare-and-swap that
 * also checks the entry grants `user` access (writable unless ro).
 */
static int mark_in_use(struct grant_entry_v1 *e, domid_t user, bool ro)
{
    uint32_t *word = entry_word(e);
    uint32_t old = __atomic_load_n(word, __ATOMIC_ACQUIRE);

    for (unsigned int tries = 0; tries <= CMPXCHG_RETRIES; tries++) {
        uint16_t flags = (uint16_t)old;
        uint16_t add = ro ? GTF_reading : (GTF_reading | GTF_writing);
        if ((flags & GTF_type_mask) != GTF_permit_access || (domid_t)(old >> 16) != user)
            return -EACCES;
        if (!ro && (flags & GTF_readonly))
            return -EACCES;
        if (__atomic_compare_exchange_n(word, &old, old | add, false, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE))
            return 0;
    }
    return -EBUSY; /* the granter keeps changing it */
}

/* Clears the in-use flags no pin needs any more. */
static void sync_in_use(struct grant_entry_v1 *e, const struct active_grant *act)
{
    uint16_t keep = 0;

    if (act->pin_ro + act->pin_rw)
        keep |= GTF_reading;
    if (act->pin_rw)
        keep |= GTF_writing;
    __atomic_fetch_and(&e->flags, (uint16_t) ~(IN_USE & ~keep), __ATOMIC_RELEASE);
}

/* Records the frame at the first pin; it must be RAM of the granter. */
static int first_pin(struct domain *granter, struct grant_entry_v1 *e, struct active_grant *act,
                     domid_t user)
{
    uint32_t frame = __atomic_load_n(&e->frame, __ATOMIC_ACQUIRE);
    mfn_t f = frame ? domain_gfn_to_mfn(granter, frame) : INVALID_MFN;

    if (!mfn_valid(f))
        return -ERANGE;
    act->domid = user;
    act->gfn = frame;
    act->mfn = f;
    granter->grant->nr_active++;
    total_active++;
    return 0;
}

/* Pins entry ref of granter for user; *out is its active state. */
static int pin(struct domain *granter, grant_ref_t ref, domid_t user, bool ro,
               struct active_grant **out)
{
    struct grant_table *gt = granter->grant;
    struct grant_entry_v1 *e = gnttab_shared_entry(granter, ref);
    struct active_grant *act;
    int rc;

    if (!e)
        return -ENOENT;
    act = active_of(gt, ref);
    if (act->pin_ro + act->pin_rw && act->domid != user)
        return -EACCES;
    rc = mark_in_use(e, user, ro);
    if (rc)
        return rc;
    if (act->pin_ro + act->pin_rw == 0) {
        rc = first_pin(granter, e, act, user);
        if (rc) {
            sync_in_use(e, act);
            return rc;
        }
    }
    if (ro)
        act->pin_ro++;
    else
        act->pin_rw++;
    *out = act;
    return 0;
}

static void unpin(struct domain *granter, grant_ref_t ref, bool ro)
{
    struct active_grant *act = active_of(granter->grant, ref);

    if (ro)
        act->pin_ro--;
    else
        act->pin_rw--;
    if (act->pin_ro + act->pin_rw == 0) {
        granter->grant->nr_active--;
        total_active--;
    }
    sync_in_use(gnttab_shared_entry(granter, ref), act);
}

/* ---- the maptrack ---- */

static int maptrack_grow(struct grant_table *gt)
{
    unsigned int size = gt->maptrack_size ? gt->maptrack_size * 2 : MAPTRACK_MIN;
    struct maptrack *m;

    size = MIN(size, gt->maptrack_limit);
    if (size <= gt->maptrack_size)
        return -ENOSPC;
    m = kzalloc(size * sizeof(*m));
    if (!m)
        return -ENOSPC;
    if (gt->maptrack)
        memcpy(m, gt->maptrack, gt->maptrack_size * sizeof(*m));
    kfree(gt->maptrack);
    gt->maptrack = m;
    for (unsigned int h = size; h-- > gt->maptrack_size;) {
        m[h].ref = gt->maptrack_free;
        gt->maptrack_free = h;
    }
    gt->maptrack_size = size;
    return 0;
}

static int maptrack_get(struct grant_table *gt, grant_handle_t *h)
{
    int rc;

    if (gt->maptrack_free == MAPTRACK_NONE) {
        rc = maptrack_grow(gt);
        if (rc)
            return rc;
    }
    *h = gt->maptrack_free;
    gt->maptrack_free = gt->maptrack[*h].ref;
    gt->maptrack[*h].flags = MT_USED;
    gt->maptrack_used++;
    total_maps++;
    return 0;
}

static void maptrack_put(struct grant_table *gt, grant_handle_t h)
{
    memset(&gt->maptrack[h], 0, sizeof(gt->maptrack[h]));
    gt->maptrack[h].ref = gt->maptrack_free;
    gt->maptrack_free = h;
    gt->maptrack_used--;
    total_maps--;
}

static struct maptrack *maptrack_lookup(const struct grant_table *gt, grant_handle_t h)
{
    if (h >= gt->maptrack_size || !(gt->maptrack[h].flags & MT_USED))
        return NULL;
    return &gt->maptrack[h];
}

/* ---- map ---- */

/* The granter named by dom: another listed domain. */
static struct domain *granter_of(struct domain *d, domid_t dom)
{
    struct domain *g = domain_lookup(d, dom);

    return (g && g != d) ? g : NULL;
}

static int check_map_flags(const struct domain *d, uint32_t flags)
{
    uint32_t known = GNTMAP_device_map | GNTMAP_host_map | GNTMAP_readonly | GNTMAP_application_map;

    if ((flags & ~known) || !(flags & (GNTMAP_device_map | GNTMAP_host_map)))
        return -EOPNOTSUPP;
    if ((flags & GNTMAP_device_map) && !d->privileged)
        return -EACCES;
    return 0;
}

static int check_host_addr(const struct domain *d, const struct gnttab_map_grant_ref *op)
{
    uint64_t gfn = op->host_addr >> PAGE_SHIFT;

    if (!(op->flags & GNTMAP_host_map))
        return 0;
    if (!IS_ALIGNED(op->host_addr, PAGE_SIZE) || !window_contains(d, gfn) || window_entry(d, gfn))
        return -ENXIO;
    return 0;
}

/* Everything that needs no state change, in Xen's order: flags, domain, ref, address. */
static int check_map_request(struct domain *d, const struct gnttab_map_grant_ref *op,
                             struct domain **granter)
{
    int rc = check_map_flags(d, op->flags);

    if (rc)
        return rc;
    *granter = granter_of(d, op->dom);
    if (!*granter)
        return -ESRCH;
    if (!gnttab_shared_entry(*granter, op->ref))
        return -ENOENT;
    return check_host_addr(d, op);
}

static void record_map(struct maptrack *mt, const struct gnttab_map_grant_ref *op, domid_t granter)
{
    mt->flags = MT_USED;
    mt->flags |= (op->flags & GNTMAP_readonly) ? MT_RO : 0;
    mt->flags |= (op->flags & GNTMAP_host_map) ? MT_HOST : 0;
    mt->flags |= (op->flags & GNTMAP_device_map) ? MT_DEV : 0;
    mt->granter = granter;
    mt->ref = op->ref;
    mt->gfn = op->host_addr >> PAGE_SHIFT;
}

int gnttab_map(struct domain *d, const struct gnttab_map_grant_ref *op,
               struct gnttab_map_result *res)
{
    bool ro = op->flags & GNTMAP_readonly;
    struct domain *g;
    struct active_grant *act;
    grant_handle_t h;
    int rc = check_map_request(d, op, &g);

    if (rc)
        return rc;
    rc = maptrack_get(d->grant, &h);
    if (rc)
        return rc;
    rc = pin(g, op->ref, d->domid, ro, &act);
    if (rc)
        goto err_handle;
    if (op->flags & GNTMAP_host_map) {
        rc = window_map_grant(d, op->host_addr >> PAGE_SHIFT, g, act->gfn,
                              ro ? P2M_R : P2M_R | P2M_W);
        if (rc)
            goto err_pin;
    }
    record_map(&d->grant->maptrack[h], op, g->domid);
    domain_get(g);
    res->handle = h;
    res->dev_bus_addr = (op->flags & GNTMAP_device_map) ? mfn_to_maddr(act->mfn).ma : 0;
    return 0;

err_pin:
    unpin(g, op->ref, ro);
err_handle:
    maptrack_put(d->grant, h);
    return rc;
}

/* ---- unmap ---- */

int gnttab_unmap(struct domain *d, grant_handle_t handle, uint64_t host_addr, uint64_t dev_bus_addr)
{
    struct maptrack *mt = maptrack_lookup(d->grant, handle);
    struct domain *g;
    struct active_grant *act;

    if (!mt)
        return -EBADF;
    if (host_addr && (!(mt->flags & MT_HOST) || host_addr != mt->gfn << PAGE_SHIFT))
        return -ENXIO;
    g = domain_by_id_any(mt->granter); /* alive: the mapping holds a reference */
    act = active_of(g->grant, mt->ref);
    if (dev_bus_addr && (!(mt->flags & MT_DEV) || dev_bus_addr != mfn_to_maddr(act->mfn).ma))
        return -ENODEV;
    if (mt->flags & MT_HOST)
        window_unmap(d, mt->gfn); /* TLB flushed before it returns */
    unpin(g, mt->ref, mt->flags & MT_RO);
    maptrack_put(d->grant, handle);
    domain_put(g); /* last: may free a destroyed granter */
    return 0;
}

void gnttab_release_mappings(struct domain *d)
{
    struct grant_table *gt = d->grant;

    for (grant_handle_t h = 0; gt && h < gt->maptrack_size && gt->maptrack_used; h++)
        if (gt->maptrack[h].flags & MT_USED)
            gnttab_unmap(d, h, 0, 0);
}

void gnttab_destroy(struct domain *d)
{
    struct grant_table *gt = d->grant;

    if (!gt)
        return;
    gnttab_release_mappings(d);
    for (unsigned int i = 0; i < gt->nr_frames; i++) {
        frame_free(gt->frame[i]);
        kfree(gt->active[i]);
    }
    kfree(gt->maptrack);
    kfree(gt);
    d->grant = NULL;
}

/* ---- copy ---- */

/* One side of a copy, acquired: where its bytes are and what to release. */
struct copy_side {
    uint8_t *page;
    struct domain *granter; /* NULL: the caller's own frame */
    grant_ref_t ref;
    bool ro;
};

/* A frame of d's own RAM with the guest's permission (P2M_R or P2M_W). */
static int own_frame(struct domain *d, const struct gnttab_copy_ptr *p, uint64_t perm,
                     struct copy_side *s)
{
    uint64_t g = p->u.gmfn;

    if (p->domid != DOMID_SELF && p->domid != d->domid)
        return -EACCES; /* copy by frame only for the caller's own memory */
    if (g == 0 || g >= d->physmap.nr_pages || !(d->physmap.p2m[g] & perm))
        return -ERANGE;
    s->page = arch_maddr_to_virt(maddr(d->physmap.p2m[g] & PAGE_MASK));
    s->granter = NULL;
    return 0;
}

static int acquire_side(struct domain *d, const struct gnttab_copy_ptr *p, bool gref, bool write,
                        struct copy_side *s)
{
    struct active_grant *act;
    int rc;

    if (!gref)
        return own_frame(d, p, write ? P2M_W : P2M_R, s);
    s->granter = granter_of(d, p->domid);
    if (!s->granter)
        return -ESRCH;
    s->ref = p->u.ref;
    s->ro = !write;
    rc = pin(s->granter, s->ref, d->domid, s->ro, &act);
    if (rc)
        return rc;
    s->page = arch_maddr_to_virt(mfn_to_maddr(act->mfn));
    return 0;
}

static void release_side(const struct copy_side *s)
{
    if (s->granter)
        unpin(s->granter, s->ref, s->ro);
}

int gnttab_copy(struct domain *d, const struct gnttab_copy *op)
{
    struct copy_side src, dst;
    int rc;

    if (op->flags & ~(GNTCOPY_source_gref | GNTCOPY_dest_gref))
        return -EOVERFLOW;
    if (op->source.offset + op->len > PAGE_SIZE || op->dest.offset + op->len > PAGE_SIZE)
        return -EOVERFLOW;
    if (op->len == 0)
        return 0;
    rc = acquire_side(d, &op->source, op->flags & GNTCOPY_source_gref, false, &src);
    if (rc)
        return rc;
    rc = acquire_side(d, &op->dest, op->flags & GNTCOPY_dest_gref, true, &dst);
    if (rc)
        goto out_src;
    memmove(dst.page + op->dest.offset, src.page + op->source.offset, op->len);
    release_side(&dst);
out_src:
    release_side(&src);
    return rc;
}

/* ---- status and accounting ---- */

int16_t gnttab_status(int err)
{
    switch (err) {
    case 0:
        return GNTST_okay;
    case -ESRCH:
        return GNTST_bad_domain;
    case -ENOENT:
        return GNTST_bad_gntref;
    case -EBADF:
        return GNTST_bad_handle;
    case -ENXIO:
        return GNTST_bad_virt_addr;
    case -ENODEV:
        return GNTST_bad_dev_addr;
    case -EACCES:
        return GNTST_permission_denied;
    case -ERANGE:
        return GNTST_bad_page;
    case -EOVERFLOW:
        return GNTST_bad_copy_arg;
    case -ENOSPC:
        return GNTST_no_space;
    default:
        return GNTST_general_error;
    }
}

unsigned int gnttab_nr_frames(const struct domain *d)
{
    return d->grant ? d->grant->nr_frames : 0;
}

unsigned int gnttab_max_frames(const struct domain *d)
{
    return d->grant ? d->grant->max_frames : 0;
}

unsigned int gnttab_maps_held(const struct domain *d)
{
    return d->grant ? d->grant->maptrack_used : 0;
}

unsigned int gnttab_grants_active(const struct domain *d)
{
    return d->grant ? d->grant->nr_active : 0;
}

uint64_t gnttab_total_maps(void)
{
    return total_maps;
}

uint64_t gnttab_total_active(void)
{
    return total_active;
}
