/*
 * physdev.c - HYPERVISOR_physdev_op and the PIRQ table: device interrupt
 * lines (GSIs) that the privileged domain maps, binds to event channels
 * (evtchn.c calls in here) and acknowledges (public/physdev.h).
 *
 * Life of an interrupt: the arch takes the vector of a GSI and calls
 * physdev_irq(); a level-triggered pin is masked there and stays masked
 * until the owner's PHYSDEVOP_eoi, so a line that stays asserted cannot
 * storm the CPU while the domain services the device. The arch then
 * acknowledges the local APIC.
 *
 * Every op copies its argument in once, checks all of it, then acts.
 */
#include <string.h>

#include <public/physdev.h>
#include <skiff/arch.h>
#include <skiff/console.h>
#include <skiff/domain.h>
#include <skiff/errno.h>
#include <skiff/evtchn.h>
#include <skiff/guest_access.h>
#include <skiff/hypercall.h>
#include <skiff/physdev.h>

#define ISA_GSIS 16

static struct pirq pirqs[PHYSDEV_MAX_GSI];
static bool configured[PHYSDEV_MAX_GSI]; /* setup_gsi was called */

static unsigned int nr_gsis(void)
{
    unsigned int n = arch_gsi_count();

    return n < PHYSDEV_MAX_GSI ? n : PHYSDEV_MAX_GSI;
}

const struct pirq *physdev_pirq(unsigned int gsi)
{
    return gsi < PHYSDEV_MAX_GSI ? &pirqs[gsi] : NULL;
}

/* A GSI a domain may have at all: it has a pin and the hypervisor does not use it. */
static bool gsi_usable(int64_t gsi)
{
    return gsi >= 0 && gsi < nr_gsis() && !arch_gsi_hv_owned((unsigned int)gsi);
}

/* The PIRQ d has mapped, or NULL. */
static struct pirq *mapped_by(const struct domain *d, int64_t pirq)
{
    if (pirq < 0 || pirq >= PHYSDEV_MAX_GSI)
        return NULL;
    struct pirq *p = &pirqs[pirq];
    return p->mapped && p->owner == d->domid ? p : NULL;
}

static bool is_self(const struct domain *d, domid_t id)
{
    return id == DOMID_SELF || id == d->domid;
}

/* Default trigger mode: ISA lines edge, active high; the rest PCI: level, active low. */
static void set_default_mode(unsigned int gsi)
{
    if (configured[gsi])
        return;
    pirqs[gsi].level = gsi >= ISA_GSIS;
    pirqs[gsi].active_low = gsi >= ISA_GSIS;
}

static int map_pirq(struct domain *d, struct physdev_map_pirq *m)
{
    if (!is_self(d, m->domid))
        return -EINVAL;
    if (m->type == MAP_PIRQ_TYPE_MSI)
        return -EOPNOTSUPP;
    if (m->type != MAP_PIRQ_TYPE_GSI)
        return -EINVAL;
    if (!gsi_usable(m->index) || (m->pirq != -1 && m->pirq != m->index))
        return -EINVAL;
    struct pirq *p = &pirqs[m->index];
    if (p->mapped && p->owner != d->domid)
        return -EBUSY;
    if (!p->mapped) {
        set_default_mode((unsigned int)m->index);
        p->mapped = true;
        p->owner = d->domid;
        p->port = 0;
        p->masked_for_eoi = false;
        arch_gsi_setup((unsigned int)m->index, p->level, p->active_low);
    }
    m->pirq = m->index;
    return 0;
}

static int unmap_pirq(struct domain *d, const struct physdev_unmap_pirq *u)
{
    if (!is_self(d, u->domid))
        return -EINVAL;
    struct pirq *p = mapped_by(d, u->pirq);
    if (!p)
        return -EINVAL;
    if (p->port)
        evtchn_close(d, p->port); /* masks the pin through physdev_pirq_unbind */
    arch_gsi_mask((unsigned int)u->pirq);
    memset(p, 0, sizeof(*p));
    return 0;
}

static int setup_gsi(struct domain *d, const struct physdev_setup_gsi *s)
{
    if (!gsi_usable(s->gsi) || s->triggering > 1 || s->polarity > 1)
        return -EINVAL;
    struct pirq *p = &pirqs[s->gsi];
    if (p->mapped && (p->owner != d->domid || p->port))
        return -EBUSY;
    p->level = s->triggering;
    p->active_low = s->polarity;
    configured[s->gsi] = true;
    if (p->mapped)
        arch_gsi_setup((unsigned int)s->gsi, p->level, p->active_low);
    return 0;
}

static int eoi(struct domain *d, const struct physdev_eoi *e)
{
    struct pirq *p = mapped_by(d, e->irq);

    if (!p)
        return -EINVAL;
    if (p->masked_for_eoi && p->port) {
        p->masked_for_eoi = false;
        arch_gsi_unmask(e->irq);
    }
    return 0;
}

static int irq_status_query(struct domain *d, struct physdev_irq_status_query *q)
{
    struct pirq *p = mapped_by(d, q->irq);

    if (!p)
        return -EINVAL;
    q->flags = p->level ? XENIRQSTAT_needs_eoi : 0;
    return 0;
}

long physdev_op(struct domain *d, int cmd, gva_t arg)
{
    switch (cmd) {
    case PHYSDEVOP_set_iopl:
        return -EPERM; /* never IOPL: it would let the guest disable interrupts */
    case PHYSDEVOP_map_pirq:
        if (guest_range_check(d, arg, sizeof(struct physdev_map_pirq), P2M_R | P2M_W))
            return -EFAULT;
        GUEST_STRUCT_OP(struct physdev_map_pirq, map_pirq(d, &op), true);
    case PHYSDEVOP_unmap_pirq:
        GUEST_STRUCT_OP(struct physdev_unmap_pirq, unmap_pirq(d, &op), false);
    case PHYSDEVOP_setup_gsi:
        GUEST_STRUCT_OP(struct physdev_setup_gsi, setup_gsi(d, &op), false);
    case PHYSDEVOP_eoi:
        GUEST_STRUCT_OP(struct physdev_eoi, eoi(d, &op), false);
    case PHYSDEVOP_irq_status_query:
        GUEST_STRUCT_OP(struct physdev_irq_status_query, irq_status_query(d, &op), true);
    default:
        return -ENOSYS;
    }
}

long do_physdev_op(struct vcpu *v, const struct hypercall_args *args)
{
    return physdev_op(v->domain, (int)args->arg[0], gva(args->arg[1]));
}

int physdev_pirq_bind_check(const struct domain *caller, uint32_t pirq)
{
    const struct pirq *p;

    if (!caller->privileged)
        return -EPERM;
    p = mapped_by(caller, pirq);
    if (!p)
        return -EINVAL;
    return p->port ? -EEXIST : 0;
}

void physdev_pirq_bind(struct domain *caller, uint32_t pirq, evtchn_port_t port)
{
    struct pirq *p = &pirqs[pirq];

    p->port = port;
    p->masked_for_eoi = false;
    arch_gsi_unmask(pirq);
}

void physdev_pirq_unbind(struct domain *d, uint32_t pirq)
{
    struct pirq *p = mapped_by(d, pirq);

    if (!p)
        return;
    arch_gsi_mask(pirq);
    p->port = 0;
    p->masked_for_eoi = false;
}

void physdev_irq(unsigned int gsi)
{
    if (gsi >= PHYSDEV_MAX_GSI)
        return;
    struct pirq *p = &pirqs[gsi];
    struct domain *owner = p->mapped ? domain_by_id(p->owner) : NULL;

    if (!owner || !p->port) {
        /* Nobody listens: keep the line quiet until someone binds it. */
        arch_gsi_mask(gsi);
        return;
    }
    p->count++;
    if (p->level) {
        arch_gsi_mask(gsi);
        p->masked_for_eoi = true;
    }
    evtchn_set_pending(owner, p->port);
}

void physdev_domain_destroy(struct domain *d)
{
    for (unsigned int g = 0; g < PHYSDEV_MAX_GSI; g++) {
        if (pirqs[g].mapped && pirqs[g].owner == d->domid) {
            arch_gsi_mask(g);
            memset(&pirqs[g], 0, sizeof(pirqs[g]));
        }
    }
}
