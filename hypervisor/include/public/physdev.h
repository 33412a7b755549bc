/*
 * public/physdev.h - HYPERVISOR_physdev_op(int cmd, void *arg): physical
 * device interrupts for the control domain.
 *
 * The hypervisor owns the interrupt hardware (IOAPIC and local APIC). A
 * device interrupt line (a GSI: an IOAPIC input; PCI INTx lines reach the
 * IOAPIC at the pin their "interrupt line" register names on a PC) becomes a
 * PIRQ of the privileged domain, and the PIRQ is bound to an event channel
 * (EVTCHNOP_bind_pirq, public/event_channel.h). Protocol, as in Xen:
 *
 *  1. PHYSDEVOP_setup_gsi (optional): trigger mode and polarity of the GSI
 *     (what the firmware's tables say). Without it, GSIs 0-15 are ISA lines
 *     (edge, active high) and 16 and up PCI lines (level, active low), except
 *     that a GSI given an ISA interrupt line by PCI firmware is level as well:
 *     call setup_gsi(level) for PCI lines below 16.
 *  2. PHYSDEVOP_map_pirq (type MAP_PIRQ_TYPE_GSI, index = GSI, pirq = -1 or
 *     the GSI): the caller may now bind it. pirq == GSI in Skiff.
 *  3. EVTCHNOP_bind_pirq: a port for the PIRQ; the IOAPIC pin is unmasked.
 *  4. On an interrupt the hypervisor masks the pin (level-triggered lines),
 *     acknowledges the local APIC and raises the port.
 *  5. The domain services the device (so it drops the line), then calls
 *     PHYSDEVOP_eoi, which unmasks the pin. A line still asserted interrupts
 *     again at once.
 *  6. EVTCHNOP_close masks the pin again; PHYSDEVOP_unmap_pirq forgets it.
 *
 * Numbers and layouts are Xen's (checked against libxen-dev). Every op is
 * for privileged domains only (-EPERM before the argument is read). Errors
 * common to all: -EFAULT (arg not accessible), -ENOSYS (unknown cmd).
 * A failed op changes nothing.
 *
 * I/O ports are not asked for: a privileged domain may use every port the
 * hypervisor does not own, through the TSS I/O permission bitmap (see
 * docs/devices.md); PHYSDEVOP_set_iopl is always refused (-EPERM), since
 * IOPL 3 would also let a guest disable interrupts.
 */
#ifndef SKIFF_PUBLIC_PHYSDEV_H
#define SKIFF_PUBLIC_PHYSDEV_H

#include <stdint.h>

#include "skiff.h"

#define PHYSDEVOP_irq_status_query 5
#define PHYSDEVOP_set_iopl         6
#define PHYSDEVOP_eoi              12
#define PHYSDEVOP_map_pirq         13
#define PHYSDEVOP_unmap_pirq       14
#define PHYSDEVOP_setup_gsi        21

/*
 * eoi: the domain has serviced PIRQ irq; unmask its pin. -EINVAL for a PIRQ
 * the caller has not mapped; an EOI of a pin that is not masked does nothing.
 */
struct physdev_eoi {
    uint32_t irq; /* 0 IN: the PIRQ */
};

/*
 * irq_status_query: whether the PIRQ needs PHYSDEVOP_eoi after each event
 * (XENIRQSTAT_needs_eoi: always for level-triggered lines). -EINVAL for a
 * PIRQ the caller has not mapped.
 */
#define _XENIRQSTAT_needs_eoi 0
#define XENIRQSTAT_needs_eoi  (1u << _XENIRQSTAT_needs_eoi)
#define _XENIRQSTAT_shared    1
#define XENIRQSTAT_shared     (1u << _XENIRQSTAT_shared)
struct physdev_irq_status_query {
    uint32_t irq;   /* 0 IN: the PIRQ */
    uint32_t flags; /* 4 OUT: XENIRQSTAT_* */
};

/* set_iopl: refused (-EPERM) for everyone; the layout is Xen's. */
struct physdev_set_iopl {
    uint32_t iopl; /* 0 IN */
};

/*
 * map_pirq: let the caller use GSI `index` as a PIRQ. domid must be
 * DOMID_SELF or the caller; type MAP_PIRQ_TYPE_GSI (MSI: -EOPNOTSUPP);
 * pirq IN -1 (any) or the GSI itself, OUT the PIRQ (= the GSI). -EINVAL for
 * a GSI with no IOAPIC pin or one the hypervisor uses itself (the timer,
 * the serial port, the RTC); -EBUSY if another domain has it; mapping it
 * again is harmless. bus, devfn, entry_nr, table_base: MSI only, ignored.
 */
#define MAP_PIRQ_TYPE_MSI     0x0
#define MAP_PIRQ_TYPE_GSI     0x1
#define MAP_PIRQ_TYPE_UNKNOWN 0x2
struct physdev_map_pirq {
    domid_t domid;       /*  0 IN */
    uint16_t pad;        /*  2 */
    int32_t type;        /*  4 IN: MAP_PIRQ_TYPE_* */
    int32_t index;       /*  8 IN: the GSI */
    int32_t pirq;        /* 12 IN/OUT */
    int32_t bus;         /* 16 IN (MSI) */
    int32_t devfn;       /* 20 IN (MSI) */
    int32_t entry_nr;    /* 24 IN (MSI) */
    uint32_t pad2;       /* 28 */
    uint64_t table_base; /* 32 IN (MSI) */
};                       /* 40 bytes */

/*
 * unmap_pirq: forget a mapping (closing its event channel first, if one is
 * bound). -EINVAL if the caller has not mapped it.
 */
struct physdev_unmap_pirq {
    domid_t domid; /* 0 IN: DOMID_SELF or the caller */
    uint16_t pad;  /* 2 */
    int32_t pirq;  /* 4 IN */
};

/*
 * setup_gsi: trigger mode (0 edge, 1 level) and polarity (0 active high,
 * 1 active low) of a GSI, before it is bound. -EINVAL for a bad GSI or
 * value, -EBUSY while the GSI is bound to an event channel or mapped by
 * another domain.
 */
struct physdev_setup_gsi {
    int32_t gsi;        /* 0 IN */
    uint8_t triggering; /* 4 IN */
    uint8_t polarity;   /* 5 IN */
    uint16_t pad;       /* 6 */
};

#endif /* SKIFF_PUBLIC_PHYSDEV_H */
