/*
 * common/hc_sched.c - HYPERVISOR_sched_op: yield and shutdown so far
 * (public/sched.h).
 */
#include <public/sched.h>
#include <skiff/domain.h>
#include <skiff/errno.h>
#include <skiff/guest_access.h>
#include <skiff/hypercall.h>

static long sched_shutdown(struct vcpu *v, uint64_t arg)
{
    struct sched_shutdown s;

    if (copy_from_guest(v->domain, &s, gva(arg), sizeof(s)))
        return -EFAULT;
    switch (s.reason) {
    case SHUTDOWN_poweroff:
    case SHUTDOWN_reboot:
    case SHUTDOWN_crash:
    case SHUTDOWN_watchdog:
        domain_shutdown(v->domain, s.reason);
        return 0;
    default:
        return -EINVAL;
    }
}

long do_sched_op(struct vcpu *v, const struct hypercall_args *args)
{
    int cmd = (int)args->arg[0];

    switch (cmd) {
    case SCHEDOP_yield:
        return 0; /* one vCPU in the system: nothing else to run */
    case SCHEDOP_shutdown:
        return sched_shutdown(v, args->arg[1]);
    default:
        return -ENOSYS;
    }
}
