/*
 * public/grant_table.h - HYPERVISOR_grant_table_op(unsigned int cmd, void
 * *uop, unsigned int count): sharing pages between domains.
 *
 * Numbers and layouts are Xen's (grant_table.h, version 1 entries), with the
 * auto-translated (PVH) semantics: frames are guest frames, and a mapping
 * appears at a guest-physical (= virtual) address in the mapper's grant
 * window (public/memory.h).
 *
 * The grant table. Each domain owns a table of grant entries in up to
 * max_grant_frames page frames (createdomain's max_grant_frames, default
 * SKIFF_GNTTAB_DEFAULT_FRAMES, at most SKIFF_GNTTAB_MAX_FRAMES). The frames
 * belong to the hypervisor; a guest makes frame i of its table appear at a
 * page of its own grant window with memory_op(XENMEM_add_to_physmap, space
 * XENMAPSPACE_grant_table, idx = i, gpfn = that page), which also grows the
 * table to i + 1 frames (new frames are zero: every entry invalid). Entry
 * `ref` lives in frame ref / 512 at byte (ref % 512) * 8.
 *
 * The protocol on one v1 entry (Xen's):
 *  Granting (the granter, [GST]):
 *   1. Write `frame` (the guest frame to share) and `domid` (who may use it).
 *   2. Write barrier.
 *   3. Write `flags` = GTF_permit_access, | GTF_readonly for read-only.
 *  Using (the hypervisor, for a map or a copy by the grantee):
 *   1. Atomically compare-and-swap the 32-bit word {flags, domid}: it must
 *      read GTF_permit_access with domid = the grantee (and no GTF_readonly
 *      for a writable use); GTF_reading (and GTF_writing for a writable use)
 *      are added [HV]. A granter that rewrites the word meanwhile makes the
 *      swap fail; the hypervisor re-reads and re-checks (a few times, then
 *      GNTST_general_error).
 *   2. Read `frame` once; it must be a RAM page of the granter (page 0 and
 *      the granter's grant window are not).
 *   3. When the last map (or the copy) ends, the hypervisor clears
 *      GTF_writing / GTF_reading again [HV] (atomically).
 *  Revoking (the granter):
 *   1. Compare-and-swap `flags` from its value without GTF_reading|
 *      GTF_writing to 0; if either bit is set, the grant is in use and
 *      cannot be revoked now (try again later).
 *   2. Only then may the frame be reused. A granter that clears the entry
 *      with a plain write while it is mapped revokes nothing: the mapping
 *      stays until the grantee unmaps it, and new maps are refused.
 *
 * Operations (uop points at `count` structs of the cmd's type; each element
 * has its own status, Xen's GNTST_*; the call returns 0 once every element
 * was processed, or a negative errno for the call as a whole):
 *   GNTTABOP_map_grant_ref   gnttab_map_grant_ref[count]
 *   GNTTABOP_unmap_grant_ref gnttab_unmap_grant_ref[count]
 *   GNTTABOP_copy            gnttab_copy[count]
 *   GNTTABOP_query_size      gnttab_query_size[1]
 *   GNTTABOP_set_version     gnttab_set_version[1] (only version 1)
 * Call errors: -EFAULT (some element of the batch is not readable and
 * writable guest RAM: checked before any element is acted on), -EINVAL
 * (count 0 where 1 is required, or count > SKIFF_GNTTAB_MAX_BATCH),
 * -ENOSYS (other cmds). Large batches are done in pieces: the call restarts
 * itself with the rest (uop and count updated in the argument registers).
 * docs/hypercall-abi.md lists every status each op returns.
 */
#ifndef SKIFF_PUBLIC_GRANT_TABLE_H
#define SKIFF_PUBLIC_GRANT_TABLE_H

#include <stdint.h>

#include "memory.h"
#include "skiff.h"

typedef uint32_t grant_ref_t;
typedef uint32_t grant_handle_t;

/* Table sizes (Skiff's): frames per domain by default and at most. */
#define SKIFF_GNTTAB_DEFAULT_FRAMES    4
#define SKIFF_GNTTAB_MAX_FRAMES        64
#define SKIFF_GNTTAB_ENTRIES_PER_FRAME 512 /* 4096 / sizeof(grant_entry_v1_t) */
/* Most elements one call accepts (the hypervisor works through them in pieces). */
#define SKIFF_GNTTAB_MAX_BATCH 65536

/* One v1 grant entry; 8 bytes, 512 to a frame. */
struct grant_entry_v1 {
    uint16_t flags; /* 0 [GST,HV] GTF_*: type and permissions [GST], in use [HV] */
    domid_t domid;  /* 2 [GST] the domain allowed to use the grant */
    uint32_t frame; /* 4 [GST] the granter's guest frame being shared */
};                  /* 8 bytes */
typedef struct grant_entry_v1 grant_entry_v1_t;

/* Entries the toolstack may use for the console and xenstore rings (Xen's). */
#define GNTTAB_NR_RESERVED_ENTRIES 8
#define GNTTAB_RESERVED_CONSOLE    0
#define GNTTAB_RESERVED_XENSTORE   1

/* flags: type (bits 0-1) */
#define GTF_invalid         (0U << 0) /* no access */
#define GTF_permit_access   (1U << 0) /* domid may map or copy frame */
#define GTF_accept_transfer (2U << 0) /* not supported by Skiff */
#define GTF_transitive      (3U << 0) /* not supported by Skiff (v2) */
#define GTF_type_mask       (3U << 0)
/* flags: subflags */
#define _GTF_readonly (2)
#define GTF_readonly  (1U << _GTF_readonly) /* [GST] domid may only read */
#define _GTF_reading  (3)
#define GTF_reading   (1U << _GTF_reading) /* [HV] mapped or being copied by domid */
#define _GTF_writing  (4)
#define GTF_writing   (1U << _GTF_writing) /* [HV] mapped writable or being written */

/* Sub-operations (Xen's numbers; Skiff implements the ones documented above). */
#define GNTTABOP_map_grant_ref     0
#define GNTTABOP_unmap_grant_ref   1
#define GNTTABOP_setup_table       2
#define GNTTABOP_dump_table        3
#define GNTTABOP_transfer          4
#define GNTTABOP_copy              5
#define GNTTABOP_query_size        6
#define GNTTABOP_unmap_and_replace 7
#define GNTTABOP_set_version       8
#define GNTTABOP_get_status_frames 9
#define GNTTABOP_get_version       10

/* gnttab_map_grant_ref.flags */
#define _GNTMAP_device_map      (0)
#define GNTMAP_device_map       (1 << _GNTMAP_device_map) /* dev_bus_addr: machine address (privileged) */
#define _GNTMAP_host_map        (1)
#define GNTMAP_host_map         (1 << _GNTMAP_host_map) /* map at host_addr in the grant window */
#define _GNTMAP_readonly        (2)
#define GNTMAP_readonly         (1 << _GNTMAP_readonly) /* read-only mapping and pin */
#define _GNTMAP_application_map (3)
#define GNTMAP_application_map  (1 << _GNTMAP_application_map) /* accepted, no meaning */
#define _GNTMAP_contains_pte    (4)
#define GNTMAP_contains_pte     (1 << _GNTMAP_contains_pte) /* not supported: general_error */

/*
 * GNTTABOP_map_grant_ref: map entry `ref` of domain `dom`'s table.
 * With GNTMAP_host_map, at host_addr: a page-aligned, unused page of the
 * caller's grant window (readable; writable unless GNTMAP_readonly). With
 * GNTMAP_device_map (privileged domains only), dev_bus_addr returns the
 * frame's machine address for DMA. One of the two is required. `handle`
 * names the mapping for unmap; the granter's frame stays allocated (and the
 * granter, if destroyed, lingers) until it is unmapped.
 */
struct gnttab_map_grant_ref {
    uint64_t host_addr;    /*  0 IN: guest-physical address in the grant window */
    uint32_t flags;        /*  8 IN: GNTMAP_* */
    grant_ref_t ref;       /* 12 IN */
    domid_t dom;           /* 16 IN: the granter */
    int16_t status;        /* 18 OUT: GNTST_* */
    grant_handle_t handle; /* 20 OUT */
    uint64_t dev_bus_addr; /* 24 OUT: machine address with GNTMAP_device_map, else 0 */
};                         /* 32 bytes */
typedef struct gnttab_map_grant_ref gnttab_map_grant_ref_t;

/*
 * GNTTABOP_unmap_grant_ref: remove the mapping `handle`. host_addr and
 * dev_bus_addr are checked against the mapping when non-zero. No stale
 * translation remains in any TLB when the call returns.
 */
struct gnttab_unmap_grant_ref {
    uint64_t host_addr;    /*  0 IN: 0, or the mapping's address */
    uint64_t dev_bus_addr; /*  8 IN: 0, or the mapping's machine address */
    grant_handle_t handle; /* 16 IN */
    int16_t status;        /* 20 OUT: GNTST_* */
    uint16_t pad;          /* 22 */
};                         /* 24 bytes */
typedef struct gnttab_unmap_grant_ref gnttab_unmap_grant_ref_t;

/*
 * GNTTABOP_copy: copy len bytes from source to dest. Each side is either a
 * grant (GNTCOPY_*_gref: u.ref of domain `domid`, which must grant the caller
 * access; writable for the destination) or a frame of the caller's own RAM
 * (u.gmfn, domid = DOMID_SELF; readable for the source, writable for the
 * destination). offset + len must stay inside the page; len 0 copies
 * nothing.
 */
#define _GNTCOPY_source_gref (0)
#define GNTCOPY_source_gref  (1 << _GNTCOPY_source_gref)
#define _GNTCOPY_dest_gref   (1)
#define GNTCOPY_dest_gref    (1 << _GNTCOPY_dest_gref)

struct gnttab_copy_ptr {
    union {
        grant_ref_t ref; /* with GNTCOPY_*_gref */
        xen_pfn_t gmfn;  /* without: a guest frame of the caller */
    } u;                 /*  0 IN */
    domid_t domid;       /*  8 IN */
    uint16_t offset;     /* 10 IN: byte offset in the page */
    uint32_t pad;        /* 12 */
};                       /* 16 bytes */

struct gnttab_copy {
    struct gnttab_copy_ptr source; /*  0 IN */
    struct gnttab_copy_ptr dest;   /* 16 IN */
    uint16_t len;                  /* 32 IN: bytes, at most 4096 */
    uint16_t flags;                /* 34 IN: GNTCOPY_* */
    int16_t status;                /* 36 OUT: GNTST_* */
    uint16_t pad;                  /* 38 */
};                                 /* 40 bytes */
typedef struct gnttab_copy gnttab_copy_t;

/*
 * GNTTABOP_query_size: the table size of `dom` (DOMID_SELF; another domain
 * only for privileged callers).
 */
struct gnttab_query_size {
    domid_t dom;            /*  0 IN */
    uint16_t pad;           /*  2 */
    uint32_t nr_frames;     /*  4 OUT: frames in the table now */
    uint32_t max_nr_frames; /*  8 OUT: frames it may grow to */
    int16_t status;         /* 12 OUT: GNTST_* */
    uint16_t pad2;          /* 14 */
};                          /* 16 bytes */
typedef struct gnttab_query_size gnttab_query_size_t;

/* GNTTABOP_set_version: IN the version wanted (1); OUT the version in use. */
struct gnttab_set_version {
    uint32_t version; /* 0 IN/OUT */
};                    /* 4 bytes */
typedef struct gnttab_set_version gnttab_set_version_t;

/* Status codes (gnttab_*.status), Xen's values. */
#define GNTST_okay              (0)
#define GNTST_general_error     (-1) /* unsupported flags, unstable entry, no memory */
#define GNTST_bad_domain        (-2) /* no such domain, or the caller itself */
#define GNTST_bad_gntref        (-3) /* ref beyond the granter's table */
#define GNTST_bad_handle        (-4) /* no such mapping */
#define GNTST_bad_virt_addr     (-5) /* host_addr not a free, aligned grant-window page */
#define GNTST_bad_dev_addr      (-6) /* dev_bus_addr does not match the mapping */
#define GNTST_no_device_space   (-7)
#define GNTST_permission_denied (-8)  /* not granted to the caller, or not writable */
#define GNTST_bad_page          (-9)  /* the frame is not the owner's RAM */
#define GNTST_bad_copy_arg      (-10) /* offset + len beyond the page, bad flags */
#define GNTST_address_too_big   (-11)
#define GNTST_eagain            (-12)
#define GNTST_no_space          (-13) /* no free handle */

#endif /* SKIFF_PUBLIC_GRANT_TABLE_H */
