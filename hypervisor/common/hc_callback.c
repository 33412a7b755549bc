/*
 * hc_callback.c - HYPERVISOR_callback_op: where a vCPU's event upcalls enter
 * the guest (public/callback.h).
 */
#include <public/callback.h>
#include <skiff/domain.h>
#include <skiff/errno.h>
#include <skiff/guest_access.h>
#include <skiff/hypercall.h>

static long register_callback(struct vcpu *v, gva_t arg)
{
    struct callback_register cb;

    if (copy_from_guest(v->domain, &cb, arg, sizeof(cb)))
        return -EFAULT;
    if (cb.type != CALLBACKTYPE_event || (cb.flags & ~CALLBACKF_mask_events))
        return -EINVAL;
    if (guest_range_check(v->domain, gva(cb.address), 1, P2M_X) || cb.address == 0)
        return -EINVAL;
    v->event_callback = cb.address;
    return 0;
}

static long unregister_callback(struct vcpu *v, gva_t arg)
{
    struct callback_unregister cb;

    if (copy_from_guest(v->domain, &cb, arg, sizeof(cb)))
        return -EFAULT;
    if (cb.type != CALLBACKTYPE_event)
        return -EINVAL;
    v->event_callback = 0;
    return 0;
}

long do_callback_op(struct vcpu *v, const struct hypercall_args *args)
{
    switch ((int)args->arg[0]) {
    case CALLBACKOP_register:
        return register_callback(v, gva(args->arg[1]));
    case CALLBACKOP_unregister:
        return unregister_callback(v, gva(args->arg[1]));
    default:
        return -ENOSYS;
    }
}
