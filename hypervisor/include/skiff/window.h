/*
 * skiff/window.h - a domain's grant window: guest-physical pages above its
 * RAM where the hypervisor maps pages owned by other domains (foreign maps
 * for the domain builder, granted pages later). A mapping holds a reference
 * on the owner, so the owner's memory outlives its destruction until the
 * last mapping goes.
 */
#ifndef SKIFF_WINDOW_H
#define SKIFF_WINDOW_H

#include <public/memory.h>
#include <skiff/types.h>

struct domain;

#define WINDOW_BASE_GFN   (SKIFF_GRANT_WINDOW_BASE >> PAGE_SHIFT)
#define WINDOW_DOM0_PAGES SKIFF_GRANT_WINDOW_DOM0_PAGES
#define WINDOW_DOMU_PAGES SKIFF_GRANT_WINDOW_DOMU_PAGES

/* What a used slot maps. */
enum window_kind {
    WINDOW_FREE = 0,
    WINDOW_FOREIGN, /* a frame of `owner` (builder's foreign map); holds a reference */
    WINDOW_GRANT,   /* a granted frame of `owner`; holds a reference; gnttab unmaps it */
    WINDOW_HV,      /* a hypervisor frame of this domain (grant table); no reference */
    WINDOW_MMIO,    /* a machine device frame, uncached (XENMAPSPACE_dev_mmio); no reference */
};

struct window_slot {
    uint64_t mfn;  /* 0 = free */
    domid_t owner; /* domain that owns the frame */
    uint8_t perms; /* P2M_* */
    uint8_t kind;  /* enum window_kind */
    uint8_t pad[4];
};

struct grant_window {
    uint64_t base_gfn;
    uint64_t nr_pages;
    unsigned int used;
    struct window_slot *slots;
};

int window_init(struct domain *d, uint64_t nr_pages);
/* Unmaps everything still mapped (dropping owner references) and frees the window. */
void window_destroy(struct domain *d);

/* Whether gfn is inside d's window. */
bool window_contains(const struct domain *d, uint64_t gfn);
/* The physmap-style entry (mfn << PAGE_SHIFT | perms) of window page gfn, or 0. */
uint64_t window_entry(const struct domain *d, uint64_t gfn);

/* Maps frame owner_gfn of owner at window page gfn of d. 0, -EINVAL, -ENOMEM. */
int window_map_foreign(struct domain *d, uint64_t gfn, struct domain *owner, uint64_t owner_gfn,
                       uint64_t perms);
/* The same for a granted frame (a WINDOW_GRANT slot: only the grant code unmaps it). */
int window_map_grant(struct domain *d, uint64_t gfn, struct domain *owner, uint64_t owner_gfn,
                     uint64_t perms);
/* Maps hypervisor frame f of d itself (its grant table) read-write at gfn. 0 or -EINVAL. */
int window_map_hv(struct domain *d, uint64_t gfn, mfn_t f);
/*
 * Maps machine frame mfn (device memory: the caller checked it is no RAM)
 * read-write and uncached at gfn. 0 or -EINVAL.
 */
int window_map_mmio(struct domain *d, uint64_t gfn, uint64_t mfn);
/* The kind of window page gfn (WINDOW_FREE outside the window). */
enum window_kind window_kind_of(const struct domain *d, uint64_t gfn);
/* Unmaps window page gfn of d (TLB flushed). 0 or -EINVAL. */
int window_unmap(struct domain *d, uint64_t gfn);

#endif /* SKIFF_WINDOW_H */
