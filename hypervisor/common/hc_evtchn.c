/*
 * hc_evtchn.c - HYPERVISOR_event_channel_op: decodes each sub-op's argument
 * (copied in once), runs it (evtchn.c) and copies the OUT fields back
 * (public/event_channel.h).
 */
#include <string.h>

#include <public/event_channel.h>
#include <skiff/domain.h>
#include <skiff/errno.h>
#include <skiff/evtchn.h>
#include <skiff/guest_access.h>
#include <skiff/hypercall.h>
#include <skiff/sched.h>

/*
 * An OUT port must reach the guest: check the struct is writable before
 * allocating, so a bad pointer cannot leave an allocated port behind.
 */
static int writable(struct domain *d, gva_t arg, size_t size)
{
    return guest_range_check(d, arg, size, P2M_R | P2M_W);
}

static long evtchn_op(struct domain *d, int cmd, gva_t arg)
{
    switch (cmd) {
    case EVTCHNOP_alloc_unbound:
        if (writable(d, arg, sizeof(struct evtchn_alloc_unbound)))
            return -EFAULT;
        GUEST_STRUCT_OP(struct evtchn_alloc_unbound,
                        evtchn_alloc_unbound(d, op.dom, op.remote_dom, &op.port), true);
    case EVTCHNOP_bind_interdomain:
        if (writable(d, arg, sizeof(struct evtchn_bind_interdomain)))
            return -EFAULT;
        GUEST_STRUCT_OP(struct evtchn_bind_interdomain,
                        evtchn_bind_interdomain(d, op.remote_dom, op.remote_port, &op.local_port),
                        true);
    case EVTCHNOP_bind_virq:
        if (writable(d, arg, sizeof(struct evtchn_bind_virq)))
            return -EFAULT;
        GUEST_STRUCT_OP(struct evtchn_bind_virq, evtchn_bind_virq(d, op.virq, op.vcpu, &op.port),
                        true);
    case EVTCHNOP_bind_ipi:
        if (writable(d, arg, sizeof(struct evtchn_bind_ipi)))
            return -EFAULT;
        GUEST_STRUCT_OP(struct evtchn_bind_ipi, evtchn_bind_ipi(d, op.vcpu, &op.port), true);
    case EVTCHNOP_bind_pirq:
        if (!d->privileged)
            return -EPERM; /* before the argument is looked at (H7) */
        if (writable(d, arg, sizeof(struct evtchn_bind_pirq)))
            return -EFAULT;
        GUEST_STRUCT_OP(struct evtchn_bind_pirq, evtchn_bind_pirq(d, op.pirq, op.flags, &op.port),
                        true);
    case EVTCHNOP_close:
        GUEST_STRUCT_OP(struct evtchn_close, evtchn_close(d, op.port), false);
    case EVTCHNOP_send:
        GUEST_STRUCT_OP(struct evtchn_send, evtchn_send(d, op.port), false);
    case EVTCHNOP_status:
        GUEST_STRUCT_OP(struct evtchn_status, evtchn_status(d, &op), true);
    case EVTCHNOP_bind_vcpu:
        GUEST_STRUCT_OP(struct evtchn_bind_vcpu, evtchn_bind_vcpu(d, op.port, op.vcpu), false);
    case EVTCHNOP_unmask:
        GUEST_STRUCT_OP(struct evtchn_unmask, evtchn_unmask(d, op.port), false);
    default:
        return -ENOSYS;
    }
}

long do_event_channel_op(struct vcpu *v, const struct hypercall_args *args)
{
    return evtchn_op(v->domain, (int)args->arg[0], gva(args->arg[1]));
}
