/*
 * public/memory.h - HYPERVISOR_memory_op(unsigned int cmd, void *arg):
 * changes to a domain's guest-physical address space.
 *
 * Every domain has a grant window: a range of guest-physical (= virtual)
 * addresses above its RAM, announced in its start info
 * (skiff,pages/grant-window), where the hypervisor maps pages of other
 * domains on request. A privileged domain uses it to reach the memory of a
 * domain it builds (XENMAPSPACE_gmfn_foreign, as a Xen PVH dom0 does); the
 * grant tables map granted pages there.
 *
 * XENMEM_add_to_physmap_batch, space XENMAPSPACE_gmfn_foreign: for each i
 * < size, map frame idxs[i] of domain u.foreign_domid read-write at
 * gpfns[i] (a page of the caller's grant window that is not in use) and
 * store 0 or a negative error in errs[i]. Entries are independent: a failed
 * entry maps nothing and the others still map, so on a partial failure the
 * caller unmaps the entries whose errs[i] is 0. Privileged callers only (-EPERM);
 * domid must be DOMID_SELF (-EINVAL); the foreign domain must exist and not
 * be the caller (-ESRCH); per entry: -EINVAL for a gfn outside the foreign
 * RAM, a gpfn outside the window or already mapped. The call returns 0 when
 * it processed every entry (check errs[]). At most 256 entries are handled
 * per call; the hypervisor then restarts the call with the rest (size,
 * idxs, gpfns, errs in the struct are updated in guest memory). Other spaces:
 * -EOPNOTSUPP.
 *
 * XENMEM_remove_from_physmap: unmap gpfn from the caller's grant window (the
 * TLB is flushed before the call returns). domid must be DOMID_SELF;
 * -EINVAL if gpfn is not a mapped window page, or holds a grant mapping
 * (those go only through GNTTABOP_unmap_grant_ref).
 *
 * Mapped pages keep their owner alive: a domain destroyed while another
 * maps its pages lingers (it is no longer listed) until the last mapping
 * goes, then its memory is freed. Other cmds: -ENOSYS.
 */
#ifndef SKIFF_PUBLIC_MEMORY_H
#define SKIFF_PUBLIC_MEMORY_H

#include <stdint.h>

#include "skiff.h"

/*
 * Where the grant window lies: guest-physical address SKIFF_GRANT_WINDOW_BASE
 * in every domain (512 GiB, above any RAM a domain may have), and how many
 * pages it has: SKIFF_GRANT_WINDOW_DOM0_PAGES for the control domain,
 * SKIFF_GRANT_WINDOW_DOMU_PAGES for domains made with XEN_DOMCTL_createdomain.
 * The start info repeats both (skiff,pages/grant-window); a domain builder
 * uses these to describe the window of the domain it builds.
 */
#define SKIFF_GRANT_WINDOW_BASE       0x0000008000000000ull
#define SKIFF_GRANT_WINDOW_DOM0_PAGES 16384 /* 64 MiB */
#define SKIFF_GRANT_WINDOW_DOMU_PAGES 1024  /* 4 MiB */

typedef uint64_t xen_pfn_t;
typedef unsigned long xen_ulong_t;

#define XENMEM_add_to_physmap       7
#define XENMEM_remove_from_physmap  15
#define XENMEM_add_to_physmap_batch 23

#define XENMAPSPACE_shared_info  0
#define XENMAPSPACE_grant_table  1
#define XENMAPSPACE_gmfn         2
#define XENMAPSPACE_gmfn_range   3
#define XENMAPSPACE_gmfn_foreign 4
#define XENMAPSPACE_dev_mmio     5 /* device memory for the privileged domain (below) */

struct xen_add_to_physmap_batch {
    domid_t domid;  /*  0 IN: DOMID_SELF */
    uint16_t space; /*  2 IN: XENMAPSPACE_* */
    uint16_t size;  /*  4 IN: entries */
    union {
        domid_t foreign_domid; /* gmfn_foreign */
        uint16_t res0;
    } u;                                  /*  6 IN */
    SKIFF_GUEST_HANDLE(xen_ulong_t) idxs; /*  8 IN: foreign frames */
    SKIFF_GUEST_HANDLE(xen_pfn_t) gpfns;  /* 16 IN: where they appear */
    SKIFF_GUEST_HANDLE(int) errs;         /* 24 OUT: per-entry result */
};

/*
 * XENMEM_add_to_physmap, space XENMAPSPACE_grant_table: make frame idx of the
 * caller's grant table (public/grant_table.h) appear at gpfn, an unused page
 * of the caller's grant window, readable and writable. The table grows to
 * idx + 1 frames if it is smaller. domid must be DOMID_SELF; size is
 * ignored. -EINVAL: idx >= the table's maximum, XENMAPIDX_grant_table_status
 * set (v1 tables have no status frames), gpfn outside the window or in
 * use; -ENOMEM. Other spaces: -EOPNOTSUPP. XENMEM_remove_from_physmap
 * removes such a page again (the frame stays part of the table).
 *
 * XENMEM_add_to_physmap, space XENMAPSPACE_dev_mmio (privileged domains
 * only, else -EPERM before anything else is checked): map machine frame idx
 * of device memory (a PCI memory BAR) read-write, uncached, not executable,
 * at gpfn, an unused page of the caller's grant window; dom0's drivers map
 * BARs this way. -EINVAL: idx is RAM or anything else the machine's memory
 * map lists, below 1 MiB, beyond the CPU's physical address width, the
 * local APIC or the IOAPIC; or gpfn outside the window or in use.
 * XENMEM_remove_from_physmap unmaps it.
 */
#define XENMAPIDX_grant_table_status 0x80000000u
struct xen_add_to_physmap {
    domid_t domid;      /*  0 IN: DOMID_SELF */
    uint16_t size;      /*  2 IN: unused here */
    unsigned int space; /*  4 IN: XENMAPSPACE_grant_table */
    xen_ulong_t idx;    /*  8 IN: frame of the table */
    xen_pfn_t gpfn;     /* 16 IN: where it appears */
};                      /* 24 bytes */

struct xen_remove_from_physmap {
    domid_t domid;   /* 0 IN: DOMID_SELF */
    uint16_t pad[3]; /* 2 */
    xen_pfn_t gpfn;  /* 8 IN */
};

#endif /* SKIFF_PUBLIC_MEMORY_H */
