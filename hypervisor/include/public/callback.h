/*
 * public/callback.h - HYPERVISOR_callback_op(int cmd, const void *arg):
 * registering the entry point of event upcalls.
 *
 * CALLBACKOP_register with type CALLBACKTYPE_event sets the address the
 * hypervisor enters to deliver events: when the vCPU is about to run with
 * vcpu_info.evtchn_upcall_pending set and evtchn_upcall_mask clear, the
 * hypervisor writes a bounce frame exactly as for an exception without an
 * error code (public/arch-x86_64.h), sets evtchn_upcall_mask, and enters
 * the callback. The guest handles its events and returns with
 * HYPERVISOR_iret, whose restored rflags.IF clears the mask again; pending
 * events are checked again on every return to the guest, so none is left
 * waiting. The address must be canonical, in the guest's RAM and executable
 * (-EINVAL). flags may be 0 or CALLBACKF_mask_events (ignored: upcalls
 * always mask). CALLBACKOP_unregister removes it. Other types: -EINVAL;
 * other cmds: -ENOSYS.
 */
#ifndef SKIFF_PUBLIC_CALLBACK_H
#define SKIFF_PUBLIC_CALLBACK_H

#include <stdint.h>

#define CALLBACKTYPE_event    0
#define CALLBACKTYPE_failsafe 1
#define CALLBACKTYPE_syscall  2
#define CALLBACKTYPE_nmi      4

#define _CALLBACKF_mask_events 0
#define CALLBACKF_mask_events  (1U << _CALLBACKF_mask_events)

#define CALLBACKOP_register   0
#define CALLBACKOP_unregister 1

struct callback_register {
    uint16_t type;         /* 0 IN: CALLBACKTYPE_* */
    uint16_t flags;        /* 2 IN: CALLBACKF_* */
    uint32_t pad;          /* 4 (implicit in Xen's layout) */
    unsigned long address; /* 8 IN */
};

struct callback_unregister {
    uint16_t type;    /* 0 IN */
    uint16_t _unused; /* 2 */
};

#endif /* SKIFF_PUBLIC_CALLBACK_H */
