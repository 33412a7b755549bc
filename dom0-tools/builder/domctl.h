/*
 * domctl.h - dom0's thin wrappers over HYPERVISOR_domctl, the foreign
 * mapping of memory_op and sysctl physinfo: they fill the op structs
 * (public/domctl.h, memory.h, sysctl.h) and return 0 or the hypercall's
 * negative errno.
 */
#ifndef DOM0_DOMCTL_H
#define DOM0_DOMCTL_H

#include <stdint.h>

#include <public/domctl.h>
#include <public/sysctl.h>

/* Creates a paused, zeroed domain of max_pages pages; *id = the new id. */
int domctl_create(const char *name, uint64_t max_pages, uint32_t max_grant_frames, domid_t *id);
int domctl_destroy(domid_t id);
/*
 * Called after every successful domctl_destroy with the destroyed id, in
 * the order added, so backends (console, xenstored, blkback) can drain and
 * release what they hold of the domain at once. Up to 4 hooks (-ENOSPC);
 * adding one twice is a no-op.
 */
typedef void domctl_destroy_hook_fn(domid_t id);
int domctl_add_destroy_hook(domctl_destroy_hook_fn *fn);
int domctl_pause(domid_t id);
int domctl_unpause(domid_t id);

/* The first domain with an id >= from; -ESRCH when there is none. */
int domctl_getinfo(domid_t from, struct skiff_domctl_getdomaininfo *info);
/* Info of exactly domain id; -ESRCH when it does not exist. */
int domctl_getinfo_of(domid_t id, struct skiff_domctl_getdomaininfo *info);

/* Weight (1..65535, 0 = keep) and cap (0..100 % of a CPU, 0 = none). */
int domctl_sched_setparams(domid_t id, uint32_t weight, uint32_t cap);

/* Build steps (only while the domain is building; -EBUSY afterwards). */
int domctl_set_page_perms(domid_t id, uint64_t gfn, uint64_t count, uint32_t perms);
int domctl_hypercall_init(domid_t id, uint64_t gfn);
int domctl_set_shared_info(domid_t id, uint64_t gfn);
int domctl_set_vcpu_context(domid_t id, uint64_t rip, uint64_t rsp, uint64_t rdi);

/*
 * Maps frames [gfn, gfn + count) of domain id at dom0's window pages
 * [window_gfn, window_gfn + count). All or nothing: if any entry fails,
 * those that were mapped are unmapped again and the first entry's error is
 * returned. count at most DOMCTL_MAP_MAX.
 */
#define DOMCTL_MAP_MAX 256
int domctl_map_foreign(domid_t id, uint64_t gfn, uint64_t window_gfn, unsigned int count);
/* Unmaps count window pages from window_gfn; returns the first error, unmapping the rest anyway. */
int domctl_unmap_foreign(uint64_t window_gfn, unsigned int count);

/* sysctl physinfo (free frames for leak checks). */
int domctl_physinfo(struct skiff_sysctl_physinfo *info);

#endif /* DOM0_DOMCTL_H */
