/*
 * common/hc_sysctl.c - HYPERVISOR_sysctl: Skiff's system-wide control
 * operations for the control domain (public/sysctl.h).
 */
#include <string.h>

#include <public/sysctl.h>
#include <skiff/arch.h>
#include <skiff/domain.h>
#include <skiff/errno.h>
#include <skiff/frame.h>
#include <skiff/guest_access.h>
#include <skiff/heap.h>
#include <skiff/hypercall.h>
#include <skiff/sched.h>

static void fill_physinfo(struct skiff_sysctl_physinfo *pi)
{
    pi->total_pages = hv_frames.total;
    pi->free_pages = hv_frames.free_count;
    pi->heap_used = heap_bytes_used();
    arch_fill_physinfo(pi);
}

long do_sysctl(struct vcpu *v, const struct hypercall_args *args)
{
    struct skiff_sysctl op;
    gva_t uop = gva(args->arg[0]);

    if (copy_from_guest(v->domain, &op, uop, sizeof(op)))
        return -EFAULT;
    if (op.interface_version != SKIFF_SYSCTL_INTERFACE_VERSION)
        return -EINVAL;
    memset(&op.u, 0, sizeof(op.u));
    switch (op.cmd) {
    case SKIFF_SYSCTL_physinfo:
        fill_physinfo(&op.u.physinfo);
        break;
    case SKIFF_SYSCTL_sched_dump:
        sched_dump();
        break;
    default:
        return -ENOSYS;
    }
    return copy_to_guest(v->domain, uop, &op, sizeof(op));
}
