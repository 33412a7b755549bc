/*
 * virtio_pci.c - the legacy virtio-pci transport (I/O BAR 0), the split
 * virtqueue and the device's interrupt as a PIRQ event channel (virtio.h).
 */
#include <errno.h>
#include <string.h>

#include <public/physdev.h>
#include <skiff/guest.h>
#include <skiff/hypercall.h>
#include <skiff/page_alloc.h>

#include "portio.h"
#include "virtio.h"

/* Legacy register block (offsets in I/O BAR 0). */
#define VIRTIO_PCI_HOST_FEATURES  0x00
#define VIRTIO_PCI_GUEST_FEATURES 0x04
#define VIRTIO_PCI_QUEUE_PFN      0x08
#define VIRTIO_PCI_QUEUE_NUM      0x0c
#define VIRTIO_PCI_QUEUE_SEL      0x0e
#define VIRTIO_PCI_QUEUE_NOTIFY   0x10
#define VIRTIO_PCI_STATUS         0x12
#define VIRTIO_PCI_ISR            0x13
#define VRING_ALIGN               4096u
#define NO_IRQ                    0xff

#define wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#define rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define mb()  __atomic_thread_fence(__ATOMIC_SEQ_CST)

uint64_t virtio_dma_addr(const void *p)
{
    return start_info.machine_base + (uint64_t)(uintptr_t)p;
}

int virtio_init(struct virtio_dev *v, struct pci_dev *pci, uint32_t wanted)
{
    memset(v, 0, sizeof(*v));
    v->pci = pci;
    v->irq_gsi = NO_IRQ;
    if (!pci->bar[0].io || !pci->bar[0].base || !start_info.has_machine_base)
        return -ENODEV;
    v->io = (uint16_t)pci->bar[0].base;
    pci_enable(pci);
    outb(v->io + VIRTIO_PCI_STATUS, 0); /* reset */
    outb(v->io + VIRTIO_PCI_STATUS, VIRTIO_STATUS_ACK);
    outb(v->io + VIRTIO_PCI_STATUS, VIRTIO_STATUS_ACK | VIRTIO_STATUS_DRIVER);
    v->features = inl(v->io + VIRTIO_PCI_HOST_FEATURES) & wanted;
    outl(v->io + VIRTIO_PCI_GUEST_FEATURES, v->features);
    return 0;
}

void virtio_config_read(const struct virtio_dev *v, unsigned int off, void *out, unsigned int n)
{
    uint8_t *p = out;

    for (unsigned int i = 0; i < n; i++)
        p[i] = inb((uint16_t)(v->io + VIRTIO_LEGACY_CONFIG + off + i));
}

static size_t vring_bytes(unsigned int size)
{
    size_t first = 16u * size + 2 * (3u + size);
    size_t used = 2 * 3u + 8u * size;

    first = (first + VRING_ALIGN - 1) & ~(size_t)(VRING_ALIGN - 1);
    return first + ((used + VRING_ALIGN - 1) & ~(size_t)(VRING_ALIGN - 1));
}

int virtio_queue_init(struct virtio_dev *v, struct virtqueue *q, unsigned int index,
                      unsigned int max)
{
    memset(q, 0, sizeof(*q));
    outw(v->io + VIRTIO_PCI_QUEUE_SEL, (uint16_t)index);
    unsigned int size = inw(v->io + VIRTIO_PCI_QUEUE_NUM);
    if (size == 0 || (size & (size - 1)) || inl(v->io + VIRTIO_PCI_QUEUE_PFN))
        return -ENODEV;
    (void)max; /* legacy devices fix the size: the ring must have exactly `size` entries */
    q->index = index;
    q->size = size;
    q->mem_pages = (unsigned int)(vring_bytes(size) / VRING_ALIGN);
    q->mem = page_alloc(q->mem_pages);
    if (!q->mem)
        return -ENOMEM;
    q->desc = q->mem;
    q->avail = (struct vring_avail *)((uint8_t *)q->mem + 16u * size);
    size_t used_off = (16u * size + 2 * (3u + size) + VRING_ALIGN - 1) & ~(size_t)(VRING_ALIGN - 1);
    q->used = (struct vring_used *)((uint8_t *)q->mem + used_off);
    outl(v->io + VIRTIO_PCI_QUEUE_PFN, (uint32_t)(virtio_dma_addr(q->mem) / VRING_ALIGN));
    return 0;
}

void virtio_queue_submit(const struct virtio_dev *v, struct virtqueue *q, uint16_t head)
{
    uint16_t idx = q->avail->idx;

    q->avail->ring[idx % q->size] = head;
    wmb(); /* the entry before the index */
    __atomic_store_n(&q->avail->idx, (uint16_t)(idx + 1), __ATOMIC_RELEASE);
    mb(); /* the index before reading the device's flags */
    if (!(__atomic_load_n(&q->used->flags, __ATOMIC_ACQUIRE) & VRING_USED_F_NO_NOTIFY))
        outw(v->io + VIRTIO_PCI_QUEUE_NOTIFY, (uint16_t)q->index);
}

bool virtio_queue_next_used(struct virtqueue *q, struct vring_used_elem *out)
{
    if (__atomic_load_n(&q->used->idx, __ATOMIC_ACQUIRE) == q->last_used)
        return false;
    rmb();
    *out = q->used->ring[q->last_used % q->size];
    q->last_used++;
    return true;
}

void virtio_driver_ok(const struct virtio_dev *v)
{
    outb(v->io + VIRTIO_PCI_STATUS,
         VIRTIO_STATUS_ACK | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_DRIVER_OK);
}

void virtio_fail(const struct virtio_dev *v, struct virtqueue *q)
{
    outb(v->io + VIRTIO_PCI_STATUS, VIRTIO_STATUS_FAILED);
    if (q && q->mem) {
        outw(v->io + VIRTIO_PCI_QUEUE_SEL, (uint16_t)q->index);
        outl(v->io + VIRTIO_PCI_QUEUE_PFN, 0);
        page_free(q->mem, q->mem_pages);
        q->mem = NULL;
    }
}

/* ---- the interrupt ---- */

static void port_mask(evtchn_port_t port)
{
    __atomic_fetch_or(&shared_info->evtchn_mask[port / 64], 1ull << (port % 64), __ATOMIC_SEQ_CST);
}

static bool port_test_and_clear(evtchn_port_t port)
{
    uint64_t bit = 1ull << (port % 64);

    return __atomic_fetch_and(&shared_info->evtchn_pending[port / 64], ~bit, __ATOMIC_SEQ_CST) &
           bit;
}

int virtio_irq_setup(struct virtio_dev *v)
{
    uint8_t line = v->pci->irq_line;

    if (!v->pci->irq_pin || line == 0 || line >= 0x80)
        return -ENODEV;
    /*
     * PCI INTx is level-triggered. Polarity: a line routed to the IOAPIC's
     * PCI inputs (16 and up) is active low; one routed through the chipset's
     * PIRQ router to an ISA input (what qboot and SeaBIOS do on QEMU's pc
     * machine) is active high, as QEMU's MADT interrupt source overrides
     * for IRQs 5, 9, 10 and 11 say (and as its IOAPIC behaves). A dom0 with
     * an ACPI parser would take both from the MADT.
     */
    struct physdev_setup_gsi s = {.gsi = line, .triggering = 1, .polarity = line >= 16};
    long rc = HYPERVISOR_physdev_op(PHYSDEVOP_setup_gsi, &s);
    if (rc)
        return (int)rc;
    struct physdev_map_pirq m = {
        .domid = DOMID_SELF, .type = MAP_PIRQ_TYPE_GSI, .index = line, .pirq = -1};
    rc = HYPERVISOR_physdev_op(PHYSDEVOP_map_pirq, &m);
    if (rc)
        return (int)rc;
    struct evtchn_bind_pirq b = {.pirq = (uint32_t)m.pirq, .flags = 0};
    /* Masked before it can fire: dom0 waits with SCHEDOP_poll, not upcalls. */
    rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_pirq, &b);
    if (rc) {
        struct physdev_unmap_pirq u = {.domid = DOMID_SELF, .pirq = m.pirq};
        HYPERVISOR_physdev_op(PHYSDEVOP_unmap_pirq, &u);
        return (int)rc;
    }
    port_mask(b.port);
    v->irq_gsi = line;
    v->irq_port = b.port;
    return 0;
}

bool virtio_irq_ack(struct virtio_dev *v)
{
    if (v->irq_gsi == NO_IRQ || !port_test_and_clear(v->irq_port))
        return false;
    (void)inb(v->io + VIRTIO_PCI_ISR); /* reading it lowers the line */
    v->irqs++;
    return true;
}

void virtio_irq_eoi(const struct virtio_dev *v)
{
    struct physdev_eoi e = {.irq = v->irq_gsi};

    if (v->irq_gsi != NO_IRQ)
        HYPERVISOR_physdev_op(PHYSDEVOP_eoi, &e);
}
