/*
 * blkdev.h - the block device interface between dom0's disk drivers
 * (virtio-blk, the RAM disk) and their users (blkback, the native
 * benchmark, self-tests).
 *
 * Model:
 *  - A driver fills a struct blkdev and registers it (blkdev_register);
 *    users find it by name ("vda", "vdb", ..., "ram0").
 *  - Requests are asynchronous: submit() queues the request on the device
 *    and returns 0, or a negative errno at once (-EBUSY when the device's
 *    queue is full: retry after a completion; -EINVAL for a request the
 *    device cannot take: past the end, too many segments, a segment not
 *    sector-aligned; -EROFS for a write to a read-only device). A queued
 *    request completes exactly once: done(req, status) with status 0 or a
 *    negative errno (-EIO for a device error, -EOPNOTSUPP for a flush the
 *    device cannot do). done() runs from blkdev_poll_all() or the driver's
 *    event handler context, never inside submit().
 *  - Segments carry both the machine address (for DMA: dom0 RAM is one
 *    machine-contiguous range, and grant maps with GNTMAP_device_map return
 *    the frame's machine address) and dom0's virtual address of the same
 *    bytes (for drivers that copy, such as the RAM disk). Each segment is a
 *    whole number of 512-byte sectors and does not cross a page boundary.
 *  - BLKDEV_FLUSH has no segments: when it completes with 0, every write
 *    that completed before it was submitted is on stable storage (D2).
 *    A device that cannot flush end to end says so with can_flush = false.
 */
#ifndef DOM0_BLKDEV_H
#define DOM0_BLKDEV_H

#include <stdbool.h>
#include <stdint.h>

#define BLKDEV_SECTOR_SIZE 512u
#define BLKDEV_MAX_SEGS    32u /* segments per request */
#define BLKDEV_NAME_MAX    16u

enum blkdev_op {
    BLKDEV_READ,
    BLKDEV_WRITE,
    BLKDEV_FLUSH,
};

struct blkdev_seg {
    uint64_t maddr; /* machine (DMA) address of the first byte */
    void *va;       /* the same bytes in dom0's address space */
    uint32_t len;   /* bytes: a multiple of 512, within one page */
};

struct blkdev_req;
typedef void blkdev_done_fn(struct blkdev_req *req, int status);

struct blkdev_req {
    enum blkdev_op op;
    uint64_t sector; /* first 512-byte sector (reads and writes) */
    unsigned int nr_segs;
    struct blkdev_seg segs[BLKDEV_MAX_SEGS];
    blkdev_done_fn *done;
    void *cookie; /* the submitter's */
    void *driver; /* the driver's, while queued */
};

struct blkdev {
    char name[BLKDEV_NAME_MAX];
    uint64_t sectors; /* capacity in 512-byte sectors */
    bool readonly;
    bool can_flush;           /* a flush reaches stable storage */
    unsigned int queue_depth; /* requests in flight at most */
    int (*submit)(struct blkdev *dev, struct blkdev_req *req);
    void (*poll)(struct blkdev *dev); /* runs completions; may be NULL */
    void *priv;
    struct blkdev *next; /* registry link */
};

/* Adds dev to the registry. -EEXIST if the name is taken. */
int blkdev_register(struct blkdev *dev);
/* Takes dev out of the registry (its owner frees it). -ENOENT if it is not in it. */
int blkdev_unregister(struct blkdev *dev);
/* The registered device with that name, or NULL. */
struct blkdev *blkdev_find(const char *name);
/* The first registered device (iterate with ->next). */
struct blkdev *blkdev_first(void);
/* Calls every device's poll(): completions run from here. */
void blkdev_poll_all(void);

#endif /* DOM0_BLKDEV_H */
