/*
 * common/hc_sysctl.c - HYPERVISOR_sysctl: Skiff's system-wide control
 * operations for the control domain (public/sysctl.h).
 */
#include <string.h>

#include <public/sysctl.h>
#include <skiff/arch.h>
#include <skiff/console.h>
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

#define READCONSOLE_MAX   65536u
#define READCONSOLE_CHUNK 256u

/* Copies the console ring to the guest a chunk at a time (through a small stack buffer). */
static long read_console(struct vcpu *v, struct skiff_sysctl_readconsole *rc)
{
    uint32_t want = rc->count < READCONSOLE_MAX ? rc->count : READCONSOLE_MAX;
    uint64_t index = rc->index, head = 0, buffer = (uint64_t)rc->buffer;
    uint32_t done = 0;
    char chunk[READCONSOLE_CHUNK];

    if (guest_range_check(v->domain, gva(buffer), want, P2M_W))
        return -EFAULT;
    while (done < want) {
        size_t n = console_read_log_from(&index, chunk, MIN(want - done, READCONSOLE_CHUNK), &head);
        if (n == 0)
            break;
        if (copy_to_guest(v->domain, gva(buffer + done), chunk, n))
            return -EFAULT;
        done += (uint32_t)n;
    }
    if (done == 0)
        console_read_log_from(&index, chunk, 0, &head);
    rc->count = done;
    rc->index = index;
    rc->head = head;
    return 0;
}

long do_sysctl(struct vcpu *v, const struct hypercall_args *args)
{
    struct skiff_sysctl op;
    gva_t uop = gva(args->arg[0]);

    if (copy_from_guest(v->domain, &op, uop, sizeof(op)))
        return -EFAULT;
    if (op.interface_version != SKIFF_SYSCTL_INTERFACE_VERSION)
        return -EINVAL;
    struct skiff_sysctl_readconsole in = op.u.readconsole;
    long rc;

    memset(&op.u, 0, sizeof(op.u));
    switch (op.cmd) {
    case SKIFF_SYSCTL_readconsole:
        op.u.readconsole = in;
        rc = read_console(v, &op.u.readconsole);
        if (rc)
            return rc;
        break;
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
