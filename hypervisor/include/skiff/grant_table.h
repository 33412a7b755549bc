/*
 * skiff/grant_table.h - grant tables (v1): each domain's table of grant
 * entries in hypervisor-owned frames, the active (pinned) state of entries
 * other domains use, and the maptrack of the mappings a domain holds.
 *
 * Lifetime: a domain's table lives from domain_create until domain_free
 * (not domain_destroy), so mappings of a destroyed granter's pages can still
 * be unmapped and unpinned; gnttab_release_mappings() in domain_destroy
 * drops everything the dying domain itself maps.
 *
 * Errors are negative errnos inside the hypervisor; gnttab_status() turns
 * them into Xen's GNTST_* codes at the ABI:
 *   -ESRCH bad_domain, -ENOENT bad_gntref, -EBADF bad_handle,
 *   -ENXIO bad_virt_addr, -ENODEV bad_dev_addr, -EACCES permission_denied,
 *   -ERANGE bad_page, -EOVERFLOW bad_copy_arg, -ENOSPC no_space,
 *   anything else general_error.
 *
 * Lock: none yet (one CPU runs the hypervisor with interrupts off, so each
 * operation is atomic with respect to other vCPUs). Guest-writable entries
 * are still only changed with atomic compare-and-swap / and, because the
 * granter writes them from its own vCPU at any time.
 */
#ifndef SKIFF_GRANT_TABLE_H
#define SKIFF_GRANT_TABLE_H

#include <public/grant_table.h>
#include <skiff/types.h>

struct domain;

#define GNTTAB_ENTRIES_PER_FRAME SKIFF_GNTTAB_ENTRIES_PER_FRAME
#define GNTTAB_MAX_FRAMES        SKIFF_GNTTAB_MAX_FRAMES
#define GNTTAB_DEFAULT_FRAMES    SKIFF_GNTTAB_DEFAULT_FRAMES
#define MAPTRACK_MIN             64 /* handles beyond the window size (device maps) */

/* An entry of this domain's table that another domain uses (pinned). */
struct active_grant {
    uint32_t pin_ro; /* read-only maps and copies from it */
    uint32_t pin_rw; /* writable maps and copies into it */
    domid_t domid;   /* the user, fixed while pinned */
    uint16_t pad;
    uint32_t gfn; /* the granter's frame, read at the first pin */
    mfn_t mfn;
};

#define MT_USED 1u
#define MT_RO   2u /* read-only */
#define MT_HOST 4u /* mapped at gfn in the window */
#define MT_DEV  8u /* dev_bus_addr handed out */

/* A mapping this domain holds; its index is the grant handle. */
struct maptrack {
    uint8_t flags; /* MT_* */
    uint8_t pad;
    domid_t granter; /* holds a reference on it */
    grant_ref_t ref; /* in use: the entry; free: next free handle */
    uint64_t gfn;    /* MT_HOST: the window page */
};

struct grant_table {
    unsigned int nr_frames, max_frames;
    mfn_t frame[GNTTAB_MAX_FRAMES];                 /* the shared entries */
    struct active_grant *active[GNTTAB_MAX_FRAMES]; /* 512 each, with the frame */
    unsigned int nr_active;                         /* entries pinned by others */
    struct maptrack *maptrack;                      /* grows by doubling */
    unsigned int maptrack_size, maptrack_limit, maptrack_used;
    uint32_t maptrack_free; /* free list head (~0: empty) */
};

/* Creates d's (empty) table: up to max_frames (0: default). 0, -EINVAL, -ENOMEM. */
int gnttab_init(struct domain *d, unsigned int max_frames);
/* domain_destroy: unmaps everything d maps of other domains. */
void gnttab_release_mappings(struct domain *d);
/* domain_free: frees the table (no other domain may still pin it). */
void gnttab_destroy(struct domain *d);

/* XENMAPSPACE_grant_table: grows the table to idx + 1 frames and maps frame idx at gfn. */
int gnttab_map_table_frame(struct domain *d, uint64_t idx, uint64_t gfn);
/* The shared entry ref of d's table, or NULL beyond the table. */
struct grant_entry_v1 *gnttab_shared_entry(const struct domain *d, grant_ref_t ref);

struct gnttab_map_result {
    grant_handle_t handle;
    uint64_t dev_bus_addr;
};
/* GNTTABOP_map_grant_ref for d. 0 or an errno above. */
int gnttab_map(struct domain *d, const struct gnttab_map_grant_ref *op,
               struct gnttab_map_result *res);
/* GNTTABOP_unmap_grant_ref: host_addr / dev_bus_addr checked if non-zero. */
int gnttab_unmap(struct domain *d, grant_handle_t handle, uint64_t host_addr,
                 uint64_t dev_bus_addr);
/* One GNTTABOP_copy element. */
int gnttab_copy(struct domain *d, const struct gnttab_copy *op);

/* The GNTST_* status of an errno from the functions above. */
int16_t gnttab_status(int err);

/* For getdomaininfo and leak checks. */
unsigned int gnttab_nr_frames(const struct domain *d);
unsigned int gnttab_max_frames(const struct domain *d);
unsigned int gnttab_maps_held(const struct domain *d);     /* its maptrack entries */
unsigned int gnttab_grants_active(const struct domain *d); /* its entries in use */
/* Mappings held and entries pinned over all domains (0 when nothing is shared). */
uint64_t gnttab_total_maps(void);
uint64_t gnttab_total_active(void);

#endif /* SKIFF_GRANT_TABLE_H */
