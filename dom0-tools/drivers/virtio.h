/*
 * virtio.h - virtio over PCI for dom0's drivers: the legacy (virtio 0.9.5)
 * register block in I/O BAR 0, which QEMU's transitional virtio-pci
 * devices offer by default, and the split virtqueue in the legacy layout
 * (descriptor table, available ring, used ring on the next 4 KiB
 * boundary), with DMA addresses = dom0's machine base + guest-physical
 * address (dom0 RAM is machine-contiguous and identity-mapped).
 *
 * Interrupts: the device's INTx line is mapped as a PIRQ and bound to an
 * event channel (public/physdev.h) that stays masked: dom0 waits for it with
 * SCHEDOP_poll (drivers_wait) rather than an upcall. virtio_irq_ack()
 * reads the ISR (which lowers the line), and virtio_irq_eoi() unmasks the
 * IOAPIC pin again. Everything also works by polling the used ring.
 */
#ifndef DOM0_VIRTIO_H
#define DOM0_VIRTIO_H

#include <stdbool.h>
#include <stdint.h>

#include <public/event_channel.h>

#include "pci.h"

#define VIRTIO_PCI_VENDOR       0x1af4
#define VIRTIO_PCI_LEGACY_BLK   0x1001 /* transitional virtio-blk */
#define VIRTIO_PCI_MODERN_BLK   0x1042
#define VIRTIO_F_INDIRECT_DESC  28
#define VIRTIO_STATUS_ACK       1
#define VIRTIO_STATUS_DRIVER    2
#define VIRTIO_STATUS_DRIVER_OK 4
#define VIRTIO_STATUS_FAILED    0x80
#define VIRTIO_LEGACY_CONFIG    0x14 /* device-specific config (no MSI-X) */

#define VRING_DESC_F_NEXT          1
#define VRING_DESC_F_WRITE         2
#define VRING_DESC_F_INDIRECT      4
#define VRING_USED_F_NO_NOTIFY     1
#define VRING_AVAIL_F_NO_INTERRUPT 1

struct vring_desc {
    uint64_t addr; /* machine address */
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};
_Static_assert(sizeof(struct vring_desc) == 16, "vring_desc");

struct vring_avail {
    uint16_t flags;
    uint16_t idx;
    uint16_t ring[];
};

struct vring_used_elem {
    uint32_t id;
    uint32_t len;
};

struct vring_used {
    uint16_t flags;
    uint16_t idx;
    struct vring_used_elem ring[];
};

struct virtqueue {
    unsigned int index, size; /* queue number, entries (a power of two) */
    struct vring_desc *desc;
    struct vring_avail *avail;
    struct vring_used *used;
    void *mem;
    unsigned int mem_pages;
    uint16_t last_used; /* next used entry to look at */
};

struct virtio_dev {
    struct pci_dev *pci;
    uint16_t io;       /* I/O BAR 0 */
    uint32_t features; /* negotiated */
    uint8_t irq_gsi;   /* 0xff: polling only */
    evtchn_port_t irq_port;
    uint64_t irqs; /* interrupts seen */
};

/* dom0's machine address of a pointer into its RAM. */
uint64_t virtio_dma_addr(const void *p);

/*
 * Resets the device, acknowledges it, offers `wanted` & what it has, and
 * keeps the result in v->features. 0, or -ENODEV (no I/O BAR 0).
 */
int virtio_init(struct virtio_dev *v, struct pci_dev *pci, uint32_t wanted);
/* Reads n bytes of device config at off (legacy: byte by byte is always allowed). */
void virtio_config_read(const struct virtio_dev *v, unsigned int off, void *out, unsigned int n);
/* Sets up queue `index` (size as the device says, at most max). 0, -ENODEV, -ENOMEM. */
int virtio_queue_init(struct virtio_dev *v, struct virtqueue *q, unsigned int index,
                      unsigned int max);
/* Makes descriptor chain `head` available and notifies the device if it wants that. */
void virtio_queue_submit(const struct virtio_dev *v, struct virtqueue *q, uint16_t head);
/* Next used element, or false when the used ring has nothing new. */
bool virtio_queue_next_used(struct virtqueue *q, struct vring_used_elem *out);
/* DRIVER_OK: the device may start. */
void virtio_driver_ok(const struct virtio_dev *v);
/* Marks the device failed and frees the queue. */
void virtio_fail(const struct virtio_dev *v, struct virtqueue *q);

/*
 * Maps the device's INTx line (the GSI in its interrupt-line register) and
 * binds it to a masked event channel. 0 or a negative errno (then the
 * device is polled only).
 */
int virtio_irq_setup(struct virtio_dev *v);
/* If the port is pending: clears it, reads the ISR. true if an interrupt was taken. */
bool virtio_irq_ack(struct virtio_dev *v);
/* PHYSDEVOP_eoi: the line may interrupt again. */
void virtio_irq_eoi(const struct virtio_dev *v);

#endif /* DOM0_VIRTIO_H */
