/*
 * skiff/evtchn.h - event channels (Xen's 2-level ABI).
 *
 * Each domain has up to max_ports ports, allocated in buckets of 64 as they
 * are needed. Port 0 is reserved. States: free, unbound (offered to one
 * remote domain), interdomain (connected to a port of another domain, or of
 * the same one), virq, ipi, pirq. Pending and mask bits live in the domain's
 * shared_info; the hypervisor only sets pending bits and reads masks.
 *
 * Lock: none (one CPU, interrupts off in the hypervisor).
 */
#ifndef SKIFF_EVTCHN_H
#define SKIFF_EVTCHN_H

#include <public/event_channel.h>
#include <skiff/types.h>

struct domain;
struct vcpu;

#define EVTCHN_BUCKET_PORTS  64
#define EVTCHN_MAX_PORTS     SKIFF_NR_EVENT_CHANNELS
#define EVTCHN_DEFAULT_PORTS 1024

enum evtchn_state {
    ECS_FREE = 0,
    ECS_RESERVED, /* port 0 */
    ECS_UNBOUND,
    ECS_INTERDOMAIN,
    ECS_VIRQ,
    ECS_IPI,
    ECS_PIRQ, /* a physical interrupt (skiff/physdev.h) */
};

struct evtchn {
    uint8_t state;        /* enum evtchn_state */
    uint8_t notify_vcpu;  /* vCPU to notify */
    domid_t remote_domid; /* unbound: who may bind; interdomain: the peer */
    evtchn_port_t remote_port;
    uint32_t virq; /* ECS_VIRQ: the virq; ECS_PIRQ: the PIRQ */
};

struct evtchn_table {
    unsigned int max_ports;
    unsigned int nr_used; /* ports not free, port 0 included */
    struct evtchn *buckets[EVTCHN_MAX_PORTS / EVTCHN_BUCKET_PORTS];
};

int evtchn_init(struct domain *d, unsigned int max_ports);
/* Closes every port (peers see theirs unbound) and frees the table. */
void evtchn_destroy(struct domain *d);

/* Ports in use (port 0 not counted). */
unsigned int evtchn_ports_in_use(const struct domain *d);

/* The operations, as the hypercall performs them (caller = calling domain). */
int evtchn_alloc_unbound(struct domain *caller, domid_t dom, domid_t remote, evtchn_port_t *port);
int evtchn_bind_interdomain(struct domain *caller, domid_t remote_dom, evtchn_port_t remote_port,
                            evtchn_port_t *port);
int evtchn_bind_virq(struct domain *caller, uint32_t virq, uint32_t vcpu, evtchn_port_t *port);
int evtchn_bind_ipi(struct domain *caller, uint32_t vcpu, evtchn_port_t *port);
int evtchn_bind_pirq(struct domain *caller, uint32_t pirq, uint32_t flags, evtchn_port_t *port);
int evtchn_close(struct domain *d, evtchn_port_t port);
int evtchn_send(struct domain *d, evtchn_port_t port);
int evtchn_status(struct domain *caller, struct evtchn_status *st);
int evtchn_bind_vcpu(struct domain *d, evtchn_port_t port, uint32_t vcpu);
int evtchn_unmask(struct domain *d, evtchn_port_t port);

/* Marks a port of d pending and notifies its vCPU (the core of send). */
void evtchn_set_pending(struct domain *d, evtchn_port_t port);
/* Whether port of d is pending (for poll). */
bool evtchn_is_pending(const struct domain *d, evtchn_port_t port);

/* Sends virtual interrupt virq to v (no-op if v has not bound it). */
void send_virq(struct vcpu *v, uint32_t virq);
/* Sends a global virq (VIRQ_DOM_EXC, VIRQ_CONSOLE) to dom0. */
void send_global_virq(uint32_t virq);

#endif /* SKIFF_EVTCHN_H */
