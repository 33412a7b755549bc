/*
 * skiff/physdev.h - physical device interrupts (PIRQs) of the privileged
 * domain: which domain mapped each GSI, the event channel it is bound to,
 * and the mask/EOI state of its pin (common/physdev.c). The ABI is
 * public/physdev.h; the arch drives the IOAPIC (skiff/arch.h, arch_gsi_*).
 *
 * Lock: none (one CPU, interrupts off in the hypervisor).
 */
#ifndef SKIFF_PHYSDEV_H
#define SKIFF_PHYSDEV_H

#include <public/event_channel.h>
#include <skiff/types.h>

struct domain;

/* GSIs Skiff can route at most (the vectors the arch sets aside for them). */
#define PHYSDEV_MAX_GSI 32

struct pirq {
    bool mapped;        /* owner may bind it */
    domid_t owner;      /* valid while mapped */
    evtchn_port_t port; /* owner's port, 0 = not bound */
    bool level;         /* level-triggered (masked until EOI) */
    bool active_low;
    bool masked_for_eoi; /* the pin is masked waiting for PHYSDEVOP_eoi */
    uint64_t count;      /* interrupts taken */
};

/* The state of GSI gsi (tests), or NULL out of range. */
const struct pirq *physdev_pirq(unsigned int gsi);

/*
 * EVTCHNOP_bind_pirq's two halves: check that caller may bind pirq (0,
 * -EPERM, -EINVAL, -EEXIST), then, once the port exists, record it and
 * unmask the pin (cannot fail).
 */
int physdev_pirq_bind_check(const struct domain *caller, uint32_t pirq);
void physdev_pirq_bind(struct domain *caller, uint32_t pirq, evtchn_port_t port);
/* The port bound to pirq is closing: mask the pin and forget the port. */
void physdev_pirq_unbind(struct domain *d, uint32_t pirq);

/* Called by the arch for an interrupt on gsi (before it acknowledges the local APIC). */
void physdev_irq(unsigned int gsi);

/* Forgets every PIRQ d mapped (its ports are closed already). */
void physdev_domain_destroy(struct domain *d);

/* Sub-ops of HYPERVISOR_physdev_op for d (d privileged: the dispatcher checked). */
long physdev_op(struct domain *d, int cmd, gva_t arg);

#endif /* SKIFF_PHYSDEV_H */
