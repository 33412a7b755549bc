/*
 * public/event_channel.h - HYPERVISOR_event_channel_op(int cmd, void *arg):
 * event channels, Xen's 2-level ABI.
 *
 * An event channel is a port number in a domain (1 .. max_ports-1; port 0 is
 * never used). Each port has a pending bit (shared_info.evtchn_pending) and a
 * mask bit (shared_info.evtchn_mask). Sending sets the pending bit of the
 * port at the other end; if that bit was clear and the port is not masked,
 * the bit of its word is set in the bound vCPU's evtchn_pending_sel and
 * evtchn_upcall_pending is set: the vCPU gets an upcall (callback_op) the
 * next time it runs with evtchn_upcall_mask clear, and is woken if it was
 * blocked. The guest clears pending bits itself (an atomic and).
 *
 * Numbers and layouts are Xen's. Every op reads its argument once and writes
 * its OUT fields once. Errors common to all: -EFAULT (arg not accessible),
 * -ENOSYS (unknown cmd). A port that is out of range, free, or of the wrong
 * kind for the op gives -EINVAL; naming another domain without being
 * privileged gives -EPERM; a domain id that names no live domain gives
 * -ESRCH. A failed op changes nothing.
 */
#ifndef SKIFF_PUBLIC_EVENT_CHANNEL_H
#define SKIFF_PUBLIC_EVENT_CHANNEL_H

#include <stdint.h>

#include "skiff.h"

#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_bind_virq        1
#define EVTCHNOP_bind_pirq        2 /* privileged domains: public/physdev.h */
#define EVTCHNOP_close            3
#define EVTCHNOP_send             4
#define EVTCHNOP_status           5
#define EVTCHNOP_alloc_unbound    6
#define EVTCHNOP_bind_ipi         7
#define EVTCHNOP_bind_vcpu        8
#define EVTCHNOP_unmask           9

typedef uint32_t evtchn_port_t;

/*
 * alloc_unbound: allocate a port in `dom` that `remote_dom` may bind to.
 * dom may be DOMID_SELF; another domain only for a privileged caller (the
 * toolstack sets up channels between guests). remote_dom may be DOMID_SELF
 * (= dom). -ENOSPC when dom has no free port left.
 */
struct evtchn_alloc_unbound {
    domid_t dom;        /* 0 IN */
    domid_t remote_dom; /* 2 IN */
    evtchn_port_t port; /* 4 OUT */
};

/*
 * bind_interdomain: connect a new local port to remote_port of remote_dom,
 * which must be unbound and offered to the caller (its remote_dom is the
 * caller); otherwise -EINVAL. Both ends are then interdomain, and the local
 * port is marked pending (as Xen does) so that no event is lost.
 */
struct evtchn_bind_interdomain {
    domid_t remote_dom;        /* 0 IN */
    uint16_t pad;              /* 2 */
    evtchn_port_t remote_port; /* 4 IN */
    evtchn_port_t local_port;  /* 8 OUT */
};

/*
 * bind_virq: a port for virtual interrupt `virq` (VIRQ_*, public/skiff.h) on
 * vcpu. A virq can be bound once per vCPU (-EEXIST). VIRQ_DOM_EXC and
 * VIRQ_CONSOLE are global: dom0 only (-EPERM), vcpu 0.
 */
struct evtchn_bind_virq {
    uint32_t virq;      /* 0 IN */
    uint32_t vcpu;      /* 4 IN */
    evtchn_port_t port; /* 8 OUT */
};

/*
 * bind_pirq: a port for a physical interrupt the caller mapped with
 * PHYSDEVOP_map_pirq (public/physdev.h), notifying vCPU 0; the interrupt's
 * IOAPIC pin is unmasked. Privileged domains only (-EPERM). -EINVAL for a
 * PIRQ the caller has not mapped or unknown flags; -EEXIST if the PIRQ is
 * bound already. Lines are never shared: BIND_PIRQ__WILL_SHARE is accepted
 * and ignored. Closing the port masks the pin.
 */
#define BIND_PIRQ__WILL_SHARE 1
struct evtchn_bind_pirq {
    uint32_t pirq;      /* 0 IN */
    uint32_t flags;     /* 4 IN: BIND_PIRQ__* */
    evtchn_port_t port; /* 8 OUT */
};

/* bind_ipi: a port that signals the caller's own vcpu (a self-notification). */
struct evtchn_bind_ipi {
    uint32_t vcpu;      /* 0 IN */
    evtchn_port_t port; /* 4 OUT */
};

/*
 * close: free a local port. An interdomain peer's port goes back to unbound
 * (offered to this domain again), as in Xen.
 */
struct evtchn_close {
    evtchn_port_t port; /* 0 IN */
};

/* send: signal the other end of an interdomain port, or an IPI port's vCPU. */
struct evtchn_send {
    evtchn_port_t port; /* 0 IN */
};

/*
 * status: what a port is (dom = DOMID_SELF, or any domain if privileged). A
 * free port below the domain's limit is EVTCHNSTAT_closed (as in Xen); port
 * 0 or a port beyond the limit is -EINVAL.
 */
#define EVTCHNSTAT_closed      0
#define EVTCHNSTAT_unbound     1
#define EVTCHNSTAT_interdomain 2
#define EVTCHNSTAT_pirq        3
#define EVTCHNSTAT_virq        4
#define EVTCHNSTAT_ipi         5
struct evtchn_status {
    domid_t dom;        /* 0 IN */
    uint16_t pad;       /* 2 */
    evtchn_port_t port; /* 4 IN */
    uint32_t status;    /* 8 OUT: EVTCHNSTAT_* */
    uint32_t vcpu;      /* 12 OUT: vCPU the port notifies */
    union {
        struct {
            domid_t dom;
        } unbound;
        struct {
            domid_t dom;
            uint16_t pad;
            evtchn_port_t port;
        } interdomain;
        uint32_t pirq;
        uint32_t virq;
    } u; /* 16 OUT; bytes not defined by the status are zero */
};

/* bind_vcpu: notify another vCPU of the caller for this port (-EINVAL for a bad vcpu). */
struct evtchn_bind_vcpu {
    evtchn_port_t port; /* 0 IN */
    uint32_t vcpu;      /* 4 IN */
};

/*
 * unmask: clear the port's mask bit and, if it is pending, raise the upcall
 * as a send would have (the way to unmask without losing an edge).
 */
struct evtchn_unmask {
    evtchn_port_t port; /* 0 IN */
};

#endif /* SKIFF_PUBLIC_EVENT_CHANNEL_H */
