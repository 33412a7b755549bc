/*
 * hc_memory.c - HYPERVISOR_memory_op: mapping pages of another domain into
 * the caller's grant window (XENMEM_add_to_physmap_batch with
 * XENMAPSPACE_gmfn_foreign, for the domain builder) and unmapping them
 * (XENMEM_remove_from_physmap), and placing the caller's grant-table frames
 * in its window (XENMEM_add_to_physmap, XENMAPSPACE_grant_table), and
 * device memory for a privileged domain (XENMAPSPACE_dev_mmio).
 * public/memory.h documents the ABI.
 */
#include <public/memory.h>
#include <skiff/arch.h>
#include <skiff/domain.h>
#include <skiff/errno.h>
#include <skiff/grant_table.h>
#include <skiff/guest_access.h>
#include <skiff/hypercall.h>
#include <skiff/window.h>

#define BATCH_PER_CALL 256 /* entries handled before the call restarts itself */

static int map_one(struct domain *d, struct domain *owner, uint64_t idx, uint64_t gpfn)
{
    if (window_entry(d, gpfn))
        return -EINVAL;
    return window_map_foreign(d, gpfn, owner, idx, P2M_R | P2M_W);
}

/* Maps up to BATCH_PER_CALL entries; rewrites the batch in guest memory if more remain. */
static long foreign_map_batch(struct vcpu *v, gva_t arg, struct xen_add_to_physmap_batch *b)
{
    struct domain *d = v->domain;
    struct domain *owner = domain_by_id(b->u.foreign_domid);
    unsigned int n = b->size < BATCH_PER_CALL ? b->size : BATCH_PER_CALL;

    if (!owner || owner == d)
        return -ESRCH;
    for (unsigned int i = 0; i < n; i++) {
        xen_ulong_t idx;
        xen_pfn_t gpfn;
        int err;
        if (copy_from_guest(d, &idx, gva(b->idxs + i * sizeof(idx)), sizeof(idx)) ||
            copy_from_guest(d, &gpfn, gva(b->gpfns + i * sizeof(gpfn)), sizeof(gpfn)))
            return -EFAULT;
        err = map_one(d, owner, idx, gpfn);
        if (copy_to_guest(d, gva(b->errs + i * sizeof(err)), &err, sizeof(err))) {
            if (err == 0)
                window_unmap(d, gpfn);
            return -EFAULT;
        }
    }
    if (b->size > n) {
        b->size = (uint16_t)(b->size - n);
        b->idxs += n * sizeof(xen_ulong_t);
        b->gpfns += n * sizeof(xen_pfn_t);
        b->errs += n * sizeof(int);
        if (copy_to_guest(d, arg, b, sizeof(*b)))
            return -EFAULT;
        struct hypercall_args again = {{XENMEM_add_to_physmap_batch, arg.va}};
        arch_hypercall_continue(v, __HYPERVISOR_memory_op, &again);
    }
    return 0;
}

static long add_to_physmap_batch(struct vcpu *v, gva_t arg)
{
    struct xen_add_to_physmap_batch b;

    if (copy_from_guest(v->domain, &b, arg, sizeof(b)))
        return -EFAULT;
    if (b.space != XENMAPSPACE_gmfn_foreign)
        return -EOPNOTSUPP;
    if (!v->domain->privileged)
        return -EPERM;
    if (b.domid != DOMID_SELF && b.domid != v->domain->domid)
        return -EINVAL;
    return foreign_map_batch(v, arg, &b);
}

/* XENMAPSPACE_dev_mmio: a device frame for a privileged domain (public/memory.h). */
static long map_dev_mmio(struct domain *d, const struct xen_add_to_physmap *a)
{
    if (!d->privileged)
        return -EPERM;
    if (a->domid != DOMID_SELF && a->domid != d->domid)
        return -EINVAL;
    if (!arch_mmio_frame_ok(a->idx) || !window_contains(d, a->gpfn) || window_entry(d, a->gpfn))
        return -EINVAL;
    return window_map_mmio(d, a->gpfn, a->idx);
}

static long add_to_physmap(struct vcpu *v, gva_t arg)
{
    struct xen_add_to_physmap a;

    if (copy_from_guest(v->domain, &a, arg, sizeof(a)))
        return -EFAULT;
    if (a.space == XENMAPSPACE_dev_mmio)
        return map_dev_mmio(v->domain, &a);
    if (a.space != XENMAPSPACE_grant_table)
        return -EOPNOTSUPP;
    if (a.domid != DOMID_SELF && a.domid != v->domain->domid)
        return -EINVAL;
    if (a.idx & XENMAPIDX_grant_table_status)
        return -EINVAL;
    return gnttab_map_table_frame(v->domain, a.idx, a.gpfn);
}

static long remove_from_physmap(struct vcpu *v, gva_t arg)
{
    struct xen_remove_from_physmap r;

    if (copy_from_guest(v->domain, &r, arg, sizeof(r)))
        return -EFAULT;
    if (r.domid != DOMID_SELF && r.domid != v->domain->domid)
        return -EINVAL;
    if (window_kind_of(v->domain, r.gpfn) == WINDOW_GRANT)
        return -EINVAL; /* grant maps go only through GNTTABOP_unmap_grant_ref */
    return window_unmap(v->domain, r.gpfn);
}

long do_memory_op(struct vcpu *v, const struct hypercall_args *args)
{
    switch ((unsigned int)args->arg[0]) {
    case XENMEM_add_to_physmap:
        return add_to_physmap(v, gva(args->arg[1]));
    case XENMEM_add_to_physmap_batch:
        return add_to_physmap_batch(v, gva(args->arg[1]));
    case XENMEM_remove_from_physmap:
        return remove_from_physmap(v, gva(args->arg[1]));
    default:
        return -ENOSYS;
    }
}
