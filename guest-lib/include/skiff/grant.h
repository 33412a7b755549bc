/*
 * skiff/grant.h - grant tables for guests: sharing this domain's pages with
 * another domain (granting) and using pages other domains granted (mapping
 * into the grant window, or copying with the hypervisor).
 *
 * gnttab_setup() places the frames of this domain's grant table at the top
 * of its grant window (XENMEM_add_to_physmap); the rest of the window, below
 * them, is handed out one page at a time for mappings, from the top down (a
 * control domain's builder uses the bottom of the window for its foreign
 * mappings). A domain that only maps need not call gnttab_setup(); one that
 * also grants calls it first. Refs 0..7 are reserved (GNTTAB_NR_RESERVED_ENTRIES) and are
 * given only by gnttab_grant_access_ref().
 *
 * Functions return 0 or a negative errno. Where the hypervisor reports a
 * GNTST_* status it becomes an errno (gnttab_errno()), and the status itself
 * is stored in *status when status is not NULL.
 *
 * Not thread-safe: call from one thread (or serialize).
 */
#ifndef SKIFF_GUEST_GRANT_H
#define SKIFF_GUEST_GRANT_H

#include <stdbool.h>
#include <stdint.h>

#include <public/grant_table.h>

/* Maps `frames` frames of this domain's table (0: as many as it may have). */
int gnttab_setup(unsigned int frames);
/* Entries the mapped table holds (0 before gnttab_setup). */
unsigned int gnttab_nr_entries(void);

/* Grants domid access to guest frame gfn (ro: read only); *ref is a free ref. */
int gnttab_grant_access(domid_t domid, uint64_t gfn, bool ro, grant_ref_t *ref);
/* The same with a ref the caller chooses (-EBUSY if it is in use, -EINVAL if out of range). */
int gnttab_grant_access_ref(grant_ref_t ref, domid_t domid, uint64_t gfn, bool ro);
/*
 * Ends the grant: -EBUSY while the grantee maps it or copies (GTF_reading /
 * GTF_writing), then the entry is unchanged; 0 and the ref is free again.
 */
int gnttab_end_access(grant_ref_t ref);
/* The entry's flags as they are now (GTF_*). */
uint16_t gnttab_entry_flags(grant_ref_t ref);

/*
 * Maps entry ref of domain dom at a free window page (read-only if ro);
 * *addr is where it appears, *handle names the mapping.
 */
int gnttab_map(domid_t dom, grant_ref_t ref, bool ro, void **addr, grant_handle_t *handle,
               int16_t *status);
/*
 * The same with GNTMAP_device_map (privileged domains only): *maddr is the
 * frame's machine address, for a device to DMA to or from (blkback).
 */
int gnttab_map_device(domid_t dom, grant_ref_t ref, bool ro, void **addr, uint64_t *maddr,
                      grant_handle_t *handle, int16_t *status);
/*
 * Many device maps of domain dom in one hypercall per 32 (blkback's
 * segments): each entry gets its status (GNTST_*), and addr, maddr and
 * handle when it mapped. 0 if all mapped, else the errno of the first
 * failure; the entries that did map stay mapped (the caller unmaps them).
 */
struct gnttab_dev_map {
    grant_ref_t ref;       /* IN */
    bool ro;               /* IN: read-only */
    int16_t status;        /* OUT: GNTST_* */
    void *addr;            /* OUT: the page in the window */
    uint64_t maddr;        /* OUT: its machine address */
    grant_handle_t handle; /* OUT */
};
int gnttab_map_device_batch(domid_t dom, struct gnttab_dev_map *m, unsigned int n);
/* Unmaps entries that mapped, in one hypercall per 32; 0 or the first failure's errno. */
int gnttab_unmap_batch(struct gnttab_dev_map *m, unsigned int n);
/* Unmaps it (the TLB holds no stale entry afterwards) and frees the window page. */
int gnttab_unmap(void *addr, grant_handle_t handle, int16_t *status);

/*
 * GNTTABOP_copy of n operations (any number; the hypervisor works through
 * them in pieces). 0 if every op's status is GNTST_okay; otherwise the
 * errno of the first failed op (each op keeps its status).
 */
int gnttab_copy_batch(struct gnttab_copy *ops, unsigned int n);

/* The errno for a GNTST_* status (0 for GNTST_okay). */
int gnttab_errno(int16_t status);

#endif
