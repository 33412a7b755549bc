/*
 * hc_sched.c - HYPERVISOR_sched_op (yield, block, poll, shutdown,
 * remote_shutdown; public/sched.h) and HYPERVISOR_set_timer_op.
 *
 * Block and poll switch away from the caller: they set the value the call
 * returns when the vCPU runs again, then schedule() and never come back
 * here.
 */
#include <public/sched.h>
#include <skiff/arch.h>
#include <skiff/domain.h>
#include <skiff/errno.h>
#include <skiff/evtchn.h>
#include <skiff/guest_access.h>
#include <skiff/hypercall.h>
#include <skiff/sched.h>
#include <skiff/timer.h>

static bool valid_reason(unsigned int reason)
{
    return reason == SHUTDOWN_poweroff || reason == SHUTDOWN_reboot || reason == SHUTDOWN_crash ||
           reason == SHUTDOWN_watchdog;
}

static long sched_shutdown(struct vcpu *v, uint64_t arg)
{
    struct sched_shutdown s;

    if (copy_from_guest(v->domain, &s, gva(arg), sizeof(s)))
        return -EFAULT;
    if (!valid_reason(s.reason))
        return -EINVAL;
    domain_shutdown(v->domain, s.reason);
    return 0;
}

static long remote_shutdown(struct vcpu *v, uint64_t arg)
{
    struct sched_remote_shutdown r;
    struct domain *d;

    if (!v->domain->privileged)
        return -EPERM;
    if (copy_from_guest(v->domain, &r, gva(arg), sizeof(r)))
        return -EFAULT;
    d = domain_by_id(r.domain_id);
    if (!d)
        return -ESRCH;
    if (d == v->domain || !valid_reason(r.reason))
        return -EINVAL;
    domain_shutdown(d, r.reason);
    return 0;
}

/* Switches away from v, which made a blocking call that will return 0. */
static noreturn void sleep_and_switch(struct vcpu *v)
{
    arch_vcpu_set_retval(v, 0);
    vcpu_sleep(v);
    schedule();
}

static long sched_block(struct vcpu *v)
{
    if (!v->info)
        return -EINVAL;
    __atomic_store_n(&v->info->evtchn_upcall_mask, 0, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&v->info->evtchn_upcall_pending, __ATOMIC_SEQ_CST))
        return 0; /* an event is already waiting: its upcall comes as we return */
    v->blocked = true;
    sleep_and_switch(v);
}

static long sched_poll(struct vcpu *v, uint64_t arg)
{
    struct sched_poll p;
    struct domain *d = v->domain;

    if (copy_from_guest(d, &p, gva(arg), sizeof(p)))
        return -EFAULT;
    if (p.nr_ports > SCHED_POLL_MAX_PORTS)
        return -EINVAL;
    if (copy_from_guest(d, v->poll_ports, gva(p.ports), p.nr_ports * sizeof(evtchn_port_t)))
        return -EFAULT;
    for (unsigned int i = 0; i < p.nr_ports; i++) {
        if (v->poll_ports[i] == 0 || v->poll_ports[i] >= d->evtchn.max_ports)
            return -EINVAL;
        if (evtchn_is_pending(d, v->poll_ports[i]))
            return 0;
    }
    v->nr_poll_ports = p.nr_ports;
    v->polling = true;
    v->blocked = true;
    if (p.timeout)
        timer_set(&v->poll_timer, p.timeout);
    sleep_and_switch(v);
}

long do_sched_op(struct vcpu *v, const struct hypercall_args *args)
{
    int cmd = (int)args->arg[0];

    switch (cmd) {
    case SCHEDOP_yield:
        sched_yield();
        return 0;
    case SCHEDOP_block:
        return sched_block(v);
    case SCHEDOP_shutdown:
        return sched_shutdown(v, args->arg[1]);
    case SCHEDOP_poll:
        return sched_poll(v, args->arg[1]);
    case SCHEDOP_remote_shutdown:
        return remote_shutdown(v, args->arg[1]);
    default:
        return -ENOSYS;
    }
}

long do_set_timer_op(struct vcpu *v, const struct hypercall_args *args)
{
    uint64_t timeout = args->arg[0];

    if (timeout == 0)
        timer_stop(&v->timer);
    else
        timer_set(&v->timer, timeout);
    return 0;
}
