/*
 * drivers.h - dom0's physical drivers as a whole: bringing them up at boot,
 * waiting for device interrupts, and the drivers' own entry points (the
 * block devices they create are used through blkdev.h).
 */
#ifndef DOM0_DRIVERS_H
#define DOM0_DRIVERS_H

#include <stdint.h>

#include <public/event_channel.h>

#include "blkdev.h"

/*
 * Enumerates PCI (assigning BARs the firmware left unassigned) and starts a
 * driver for each device it knows: virtio-blk disks register as "vda",
 * "vdb", ... One console line per device found; none is fine. Safe to call
 * again (does nothing). Returns the number of block devices registered.
 */
int drivers_init(void);

/*
 * The event channels of device interrupts (for a caller that polls them
 * with others); returns how many, at most max.
 */
unsigned int drivers_irq_ports(evtchn_port_t *ports, unsigned int max);

/*
 * Blocks until a device interrupts or system time `until` (ns; 0 = only
 * check), then runs completions (blkdev_poll_all). It does not know what is
 * in flight: run blkdev_poll_all() first and wait only if what you wait for
 * is still outstanding (RAM disks and devices without an interrupt complete
 * only when polled; with no interrupt ports at all this returns at once).
 */
void drivers_wait(uint64_t until);

/*
 * Submits req and waits for it (tests, the benchmark): 0 or the request's
 * negative status; -ETIMEDOUT after timeout_ms (the request may still
 * complete later, so req must stay valid: a timeout is fatal for a test).
 */
int blkdev_sync(struct blkdev *dev, struct blkdev_req *req, unsigned int timeout_ms);

/*
 * blkdev_bench.c: the native benchmark on dev (n requests per test: 4 KiB
 * random reads and writes at depth 1 and 32, sequential 128 KiB ones).
 * Prints a line per test and "BENCH blk_<dev>_<test> <cycles/request> ...";
 * 0 or the first error. Writes: run it on a scratch disk.
 */
int blkdev_bench(struct blkdev *dev, unsigned int n);
/*
 * Optional (NULL by default): dom0's CPU time in ns (its getdomaininfo
 * cpu_time_ns). When set, each BENCH line gets a last field: that time per
 * request, counted the way the PV benchmark counts it (selftest_blk_bench.c).
 */
extern uint64_t (*blkdev_bench_cpu_ns)(void);

/* block-devices at the prompt: name, size, flags and depth of every blkdev. */
void drivers_print_block_devices(void);

/* ---- virtio_blk.c ---- */

struct pci_dev;
/* Drives a virtio-blk PCI function as the next "vdX". 0 or a negative errno. */
int virtio_blk_probe(struct pci_dev *pci);
/* Interrupts taken by device dev ("vda"...), or 0 if it is not a virtio disk. */
uint64_t virtio_blk_irq_count(const struct blkdev *dev);

/* ---- ramdisk.c ---- */

/*
 * Creates and registers a RAM disk of `sectors` 512-byte sectors, zeroed.
 * -EINVAL (bad name or size 0), -EEXIST (name taken), -ENOMEM.
 */
int ramdisk_create(const char *name, uint64_t sectors);
/* Unregisters and frees it: -ENOENT (no such RAM disk), -EBUSY (requests in flight). */
int ramdisk_destroy(const char *name);

#endif /* DOM0_DRIVERS_H */
