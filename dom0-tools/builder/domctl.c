/*
 * domctl.c - the struct plumbing of dom0's control hypercalls (domctl.h):
 * one small function per domctl sub-op, the foreign map and unmap of
 * memory_op, and sysctl physinfo.
 */
#include <errno.h>
#include <string.h>

#include <skiff/hypercall.h>

#include "domctl.h"

static struct skiff_domctl new_op(uint32_t cmd, domid_t id)
{
    struct skiff_domctl op;

    memset(&op, 0, sizeof(op));
    op.cmd = cmd;
    op.interface_version = SKIFF_DOMCTL_INTERFACE_VERSION;
    op.domain = id;
    return op;
}

static int simple_op(uint32_t cmd, domid_t id)
{
    struct skiff_domctl op = new_op(cmd, id);

    return (int)HYPERVISOR_domctl(&op);
}

int domctl_create(const char *name, uint64_t max_pages, uint32_t max_grant_frames, domid_t *id)
{
    struct skiff_domctl op = new_op(SKIFF_DOMCTL_createdomain, 0);
    int rc;

    if (strlcpy(op.u.createdomain.name, name, sizeof(op.u.createdomain.name)) >=
        sizeof(op.u.createdomain.name))
        return -EINVAL;
    op.u.createdomain.max_pages = max_pages;
    op.u.createdomain.max_grant_frames = max_grant_frames;
    rc = (int)HYPERVISOR_domctl(&op);
    if (rc == 0)
        *id = op.domain;
    return rc;
}

int domctl_sched_setparams(domid_t id, uint32_t weight, uint32_t cap)
{
    struct skiff_domctl op = new_op(SKIFF_DOMCTL_sched_setparams, id);

    op.u.sched_params.weight = weight;
    op.u.sched_params.cap = cap;
    return (int)HYPERVISOR_domctl(&op);
}

#define DESTROY_HOOKS_MAX 4
static domctl_destroy_hook_fn *destroy_hooks[DESTROY_HOOKS_MAX];

int domctl_add_destroy_hook(domctl_destroy_hook_fn *fn)
{
    for (unsigned int i = 0; i < DESTROY_HOOKS_MAX; i++) {
        if (destroy_hooks[i] == fn)
            return 0;
        if (!destroy_hooks[i]) {
            destroy_hooks[i] = fn;
            return 0;
        }
    }
    return -ENOSPC;
}

int domctl_destroy(domid_t id)
{
    int rc = simple_op(SKIFF_DOMCTL_destroydomain, id);

    for (unsigned int i = 0; rc == 0 && i < DESTROY_HOOKS_MAX && destroy_hooks[i]; i++)
        destroy_hooks[i](id);
    return rc;
}

int domctl_pause(domid_t id)
{
    return simple_op(SKIFF_DOMCTL_pausedomain, id);
}

int domctl_unpause(domid_t id)
{
    return simple_op(SKIFF_DOMCTL_unpausedomain, id);
}

int domctl_getinfo(domid_t from, struct skiff_domctl_getdomaininfo *info)
{
    struct skiff_domctl op = new_op(SKIFF_DOMCTL_getdomaininfo, from);
    int rc = (int)HYPERVISOR_domctl(&op);

    if (rc == 0)
        *info = op.u.getdomaininfo;
    return rc;
}

int domctl_getinfo_of(domid_t id, struct skiff_domctl_getdomaininfo *info)
{
    int rc = domctl_getinfo(id, info);

    if (rc == 0 && info->domid != id)
        return -ESRCH;
    return rc;
}

int domctl_set_page_perms(domid_t id, uint64_t gfn, uint64_t count, uint32_t perms)
{
    struct skiff_domctl op = new_op(SKIFF_DOMCTL_set_page_perms, id);

    op.u.set_page_perms.gfn = gfn;
    op.u.set_page_perms.count = count;
    op.u.set_page_perms.perms = perms;
    return (int)HYPERVISOR_domctl(&op);
}

int domctl_hypercall_init(domid_t id, uint64_t gfn)
{
    struct skiff_domctl op = new_op(SKIFF_DOMCTL_hypercall_init, id);

    op.u.hypercall_init.gfn = gfn;
    return (int)HYPERVISOR_domctl(&op);
}

int domctl_set_shared_info(domid_t id, uint64_t gfn)
{
    struct skiff_domctl op = new_op(SKIFF_DOMCTL_set_shared_info, id);

    op.u.set_shared_info.gfn = gfn;
    return (int)HYPERVISOR_domctl(&op);
}

int domctl_set_vcpu_context(domid_t id, uint64_t rip, uint64_t rsp, uint64_t rdi)
{
    struct skiff_domctl op = new_op(SKIFF_DOMCTL_setvcpucontext, id);

    op.u.setvcpucontext.vcpu = 0;
    op.u.setvcpucontext.rip = rip;
    op.u.setvcpucontext.rsp = rsp;
    op.u.setvcpucontext.rdi = rdi;
    return (int)HYPERVISOR_domctl(&op);
}

int domctl_unmap_foreign(uint64_t window_gfn, unsigned int count)
{
    int first = 0;

    for (unsigned int i = 0; i < count; i++) {
        struct xen_remove_from_physmap r = {.domid = DOMID_SELF, .gpfn = window_gfn + i};
        int rc = (int)HYPERVISOR_memory_op(XENMEM_remove_from_physmap, &r);
        if (rc && !first)
            first = rc;
    }
    return first;
}

/* After a partly failed batch: unmaps the entries that did map. */
static void unmap_mapped(const xen_pfn_t *gpfns, const int *errs, unsigned int count)
{
    for (unsigned int i = 0; i < count; i++)
        if (errs[i] == 0)
            domctl_unmap_foreign(gpfns[i], 1);
}

int domctl_map_foreign(domid_t id, uint64_t gfn, uint64_t window_gfn, unsigned int count)
{
    xen_ulong_t idxs[DOMCTL_MAP_MAX];
    xen_pfn_t gpfns[DOMCTL_MAP_MAX];
    int errs[DOMCTL_MAP_MAX];
    struct xen_add_to_physmap_batch b = {
        .domid = DOMID_SELF,
        .space = XENMAPSPACE_gmfn_foreign,
        .size = (uint16_t)count,
        .u.foreign_domid = id,
        .idxs = idxs,
        .gpfns = gpfns,
        .errs = errs,
    };
    int rc;

    if (count == 0 || count > DOMCTL_MAP_MAX)
        return -EINVAL;
    for (unsigned int i = 0; i < count; i++) {
        idxs[i] = gfn + i;
        gpfns[i] = window_gfn + i;
        errs[i] = -EINVAL; /* not reached, if the call stops early */
    }
    rc = (int)HYPERVISOR_memory_op(XENMEM_add_to_physmap_batch, &b);
    for (unsigned int i = 0; rc == 0 && i < count; i++)
        rc = errs[i];
    if (rc)
        unmap_mapped(gpfns, errs, count);
    return rc;
}

int domctl_physinfo(struct skiff_sysctl_physinfo *info)
{
    struct skiff_sysctl op;
    int rc;

    memset(&op, 0, sizeof(op));
    op.cmd = SKIFF_SYSCTL_physinfo;
    op.interface_version = SKIFF_SYSCTL_INTERFACE_VERSION;
    rc = (int)HYPERVISOR_sysctl(&op);
    if (rc == 0)
        *info = op.u.physinfo;
    return rc;
}
