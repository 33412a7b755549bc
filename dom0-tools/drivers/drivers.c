/*
 * drivers.c - bringing dom0's physical drivers up (PCI enumeration, one
 * driver per known device), waiting for their interrupts, and a synchronous
 * request helper for tests and the benchmark (drivers.h).
 */
#include <errno.h>
#include <stdio.h>

#include <skiff/hypercall.h>
#include <skiff/time.h>

#include "drivers.h"
#include "pci.h"
#include "virtio.h"

#define MAX_IRQ_PORTS 16

evtchn_port_t virtio_blk_irq_port(const struct blkdev *dev); /* virtio_blk.c */

static bool started;
static int nr_blk;

int drivers_init(void)
{
    if (started)
        return nr_blk;
    started = true;
    unsigned int n = pci_enumerate();
    for (unsigned int i = 0; i < n; i++) {
        struct pci_dev *d = pci_device(i);
        if (d->vendor != VIRTIO_PCI_VENDOR ||
            (d->device != VIRTIO_PCI_LEGACY_BLK && d->device != VIRTIO_PCI_MODERN_BLK))
            continue;
        int rc = virtio_blk_probe(d);
        if (rc == 0)
            nr_blk++;
        else
            printf("dom0: virtio-blk at %02x:%02x.%x not usable (error %d)\n", d->bus, d->dev,
                   d->fn, rc);
    }
    return nr_blk;
}

unsigned int drivers_irq_ports(evtchn_port_t *ports, unsigned int max)
{
    unsigned int n = 0;

    for (struct blkdev *d = blkdev_first(); d && n < max; d = d->next) {
        evtchn_port_t p = virtio_blk_irq_port(d);
        if (p)
            ports[n++] = p;
    }
    return n;
}

void drivers_wait(uint64_t until)
{
    evtchn_port_t ports[MAX_IRQ_PORTS];
    unsigned int n = drivers_irq_ports(ports, MAX_IRQ_PORTS);

    if (n && until) {
        struct sched_poll p = {.ports = ports, .nr_ports = n, .timeout = until};
        HYPERVISOR_sched_op(SCHEDOP_poll, &p);
    }
    blkdev_poll_all();
}

static void sync_done(struct blkdev_req *req, int status)
{
    int *result = req->cookie;

    *result = status;
}

int blkdev_sync(struct blkdev *dev, struct blkdev_req *req, unsigned int timeout_ms)
{
    volatile int result = 1; /* 1: not yet */
    uint64_t deadline = monotonic_ns() + timeout_ms * NSEC_PER_MSEC;

    req->done = sync_done;
    req->cookie = (void *)&result;
    int rc = dev->submit(dev, req);
    while (rc == -EBUSY && monotonic_ns() < deadline) {
        drivers_wait(0);
        rc = dev->submit(dev, req);
    }
    if (rc)
        return rc;
    blkdev_poll_all(); /* a RAM disk completes here, without an interrupt */
    while (result == 1 && monotonic_ns() < deadline)
        drivers_wait(deadline);
    return result == 1 ? -ETIMEDOUT : result;
}

void drivers_print_block_devices(void)
{
    printf("%-8s %12s %8s %5s %6s %10s\n", "name", "sectors", "MiB", "ro", "flush", "depth");
    for (struct blkdev *d = blkdev_first(); d; d = d->next)
        printf("%-8s %12llu %8llu %5s %6s %10u\n", d->name, (unsigned long long)d->sectors,
               (unsigned long long)(d->sectors >> 11), d->readonly ? "yes" : "no",
               d->can_flush ? "yes" : "no", d->queue_depth);
}
