/*
 * virtio_blk.c - the virtio-blk driver: one request queue, each blkdev
 * request one descriptor chain (header, data segments, status byte), in an
 * indirect table when the device offers indirect descriptors (queue depth up
 * to the queue size) or else directly in the ring (depth = ring size / the
 * longest chain). Completions come from the used ring, found by polling
 * (blkdev_poll_all) or after the device's interrupt (drivers_wait).
 *
 * Durability: VIRTIO_BLK_F_FLUSH (legacy name: WCE) is negotiated when
 * offered, and only then can_flush is true; a legacy device that did not
 * get the feature writes through (virtio 0.9.5, 2.3.2), so no flush is
 * needed. Every request status other than OK completes with -EIO
 * (UNSUPP: -EOPNOTSUPP).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <skiff/events.h>
#include <stdlib.h>

#include <skiff/malloc.h>
#include <skiff/page_alloc.h>

#include "drivers.h"
#include "virtio.h"

#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_RO      5
#define VIRTIO_BLK_F_FLUSH   9
#define VIRTIO_BLK_T_IN      0
#define VIRTIO_BLK_T_OUT     1
#define VIRTIO_BLK_T_FLUSH   4
#define VIRTIO_BLK_S_OK      0
#define VIRTIO_BLK_S_IOERR   1
#define VIRTIO_BLK_S_UNSUPP  2
#define CFG_CAPACITY         0
#define CFG_SEG_MAX          12

#define CHAIN_MAX (BLKDEV_MAX_SEGS + 2) /* header, segments, status */
#define MAX_DEPTH 128u
#define MAX_DISKS 26

struct virtio_blk_outhdr {
    uint32_t type;
    uint32_t ioprio;
    uint64_t sector;
};

/* One request in flight: DMA-visible header, status and (indirect) table. */
struct slot {
    struct vring_desc table[CHAIN_MAX]; /* indirect table (unused when direct) */
    struct virtio_blk_outhdr hdr;
    uint8_t status;
    struct blkdev_req *req; /* NULL: free */
};

struct vblk {
    struct blkdev dev;
    struct virtio_dev vdev;
    struct virtqueue vq;
    bool indirect;
    uint32_t seg_max;
    struct slot *slots;
    unsigned int slot_pages;
    unsigned int *free; /* stack of free slot numbers */
    unsigned int nr_free;
    struct blkdev_req *deferred; /* completed without the device (flush unsupported) */
    int deferred_status;
};

static unsigned int nr_disks;

static struct vblk *vblk_of(struct blkdev *dev)
{
    return dev->priv;
}

static int check_request(const struct vblk *b, const struct blkdev_req *req)
{
    const struct blkdev *dev = &b->dev;
    uint64_t sectors = 0;

    if (req->op == BLKDEV_FLUSH)
        return req->nr_segs == 0 ? 0 : -EINVAL;
    if (req->op != BLKDEV_READ && req->op != BLKDEV_WRITE)
        return -EINVAL;
    if (req->nr_segs == 0 || req->nr_segs > BLKDEV_MAX_SEGS || req->nr_segs > b->seg_max)
        return -EINVAL;
    for (unsigned int i = 0; i < req->nr_segs; i++) {
        const struct blkdev_seg *s = &req->segs[i];
        if (s->len == 0 || s->len % BLKDEV_SECTOR_SIZE || (s->maddr & 4095) + s->len > 4096)
            return -EINVAL;
        sectors += s->len / BLKDEV_SECTOR_SIZE;
    }
    if (req->sector > dev->sectors || sectors > dev->sectors - req->sector)
        return -EINVAL;
    if (req->op == BLKDEV_WRITE && dev->readonly)
        return -EROFS;
    return 0;
}

/* The chain for slot n: in its indirect table, or in the ring at n * CHAIN_MAX. */
static struct vring_desc *chain_of(struct vblk *b, unsigned int n, uint16_t *first)
{
    if (b->indirect) {
        *first = 0;
        return b->slots[n].table;
    }
    *first = (uint16_t)(n * CHAIN_MAX);
    return b->vq.desc;
}

static void fill_chain(struct vblk *b, unsigned int n, const struct blkdev_req *req)
{
    struct slot *s = &b->slots[n];
    uint16_t first, d;
    struct vring_desc *t = chain_of(b, n, &first);
    uint16_t write_flag = req->op == BLKDEV_READ ? VRING_DESC_F_WRITE : 0;

    s->hdr.type = req->op == BLKDEV_READ    ? VIRTIO_BLK_T_IN
                  : req->op == BLKDEV_WRITE ? VIRTIO_BLK_T_OUT
                                            : VIRTIO_BLK_T_FLUSH;
    s->hdr.ioprio = 0;
    s->hdr.sector = req->op == BLKDEV_FLUSH ? 0 : req->sector;
    s->status = 0xff;
    d = first;
    t[d] = (struct vring_desc){virtio_dma_addr(&s->hdr), sizeof(s->hdr), VRING_DESC_F_NEXT,
                               (uint16_t)(d + 1)};
    for (unsigned int i = 0; i < req->nr_segs; i++) {
        d++;
        t[d] = (struct vring_desc){req->segs[i].maddr, req->segs[i].len,
                                   (uint16_t)(VRING_DESC_F_NEXT | write_flag), (uint16_t)(d + 1)};
    }
    d++;
    t[d] = (struct vring_desc){virtio_dma_addr(&s->status), 1, VRING_DESC_F_WRITE, 0};
    if (b->indirect)
        b->vq.desc[n] =
            (struct vring_desc){virtio_dma_addr(t), (uint32_t)((d + 1) * sizeof(struct vring_desc)),
                                VRING_DESC_F_INDIRECT, 0};
}

static int vblk_submit(struct blkdev *dev, struct blkdev_req *req)
{
    struct vblk *b = vblk_of(dev);
    int rc = check_request(b, req);

    if (rc)
        return rc;
    if (req->op == BLKDEV_FLUSH && !dev->can_flush) {
        req->driver = b->deferred; /* completes with -EOPNOTSUPP from poll() */
        b->deferred = req;
        return 0;
    }
    if (b->nr_free == 0)
        return -EBUSY;
    unsigned int n = b->free[--b->nr_free];
    uint16_t head;
    b->slots[n].req = req;
    req->driver = &b->slots[n];
    fill_chain(b, n, req);
    chain_of(b, n, &head);
    virtio_queue_submit(&b->vdev, &b->vq, b->indirect ? (uint16_t)n : head);
    return 0;
}

static int status_to_errno(uint8_t status)
{
    switch (status) {
    case VIRTIO_BLK_S_OK:
        return 0;
    case VIRTIO_BLK_S_UNSUPP:
        return -EOPNOTSUPP;
    default:
        return -EIO;
    }
}

/* Runs the completions the used ring holds. */
static void reap(struct vblk *b)
{
    struct vring_used_elem e;

    while (virtio_queue_next_used(&b->vq, &e)) {
        unsigned int n = b->indirect ? e.id : e.id / CHAIN_MAX;
        if (n >= b->dev.queue_depth || (!b->indirect && e.id % CHAIN_MAX) || !b->slots[n].req) {
            printf("dom0: %s: device completed unknown descriptor %u: ignored\n", b->dev.name,
                   e.id);
            continue;
        }
        struct blkdev_req *req = b->slots[n].req;
        int status = status_to_errno(__atomic_load_n(&b->slots[n].status, __ATOMIC_ACQUIRE));
        b->slots[n].req = NULL;
        b->free[b->nr_free++] = n;
        req->driver = NULL;
        req->done(req, status);
    }
}

static void vblk_poll(struct blkdev *dev)
{
    struct vblk *b = vblk_of(dev);
    bool irq = virtio_irq_ack(&b->vdev);

    while (b->deferred) {
        struct blkdev_req *req = b->deferred;
        b->deferred = req->driver;
        req->driver = NULL;
        req->done(req, -EOPNOTSUPP);
    }
    reap(b);
    if (irq)
        virtio_irq_eoi(&b->vdev);
}

static int alloc_slots(struct vblk *b, unsigned int depth)
{
    size_t bytes = depth * sizeof(struct slot);

    b->slot_pages = (unsigned int)((bytes + 4095) / 4096);
    b->slots = page_alloc(b->slot_pages);
    b->free = malloc(depth * sizeof(*b->free));
    if (!b->slots || !b->free)
        return -ENOMEM;
    for (unsigned int i = 0; i < depth; i++)
        b->free[i] = depth - 1 - i;
    b->nr_free = depth;
    return 0;
}

static void read_config(struct vblk *b)
{
    uint64_t capacity;

    virtio_config_read(&b->vdev, CFG_CAPACITY, &capacity, sizeof(capacity));
    b->dev.sectors = capacity;
    b->seg_max = BLKDEV_MAX_SEGS;
    if (b->vdev.features & (1u << VIRTIO_BLK_F_SEG_MAX)) {
        uint32_t seg_max;
        virtio_config_read(&b->vdev, CFG_SEG_MAX, &seg_max, sizeof(seg_max));
        if (seg_max && seg_max < b->seg_max)
            b->seg_max = seg_max;
    }
    b->dev.readonly = b->vdev.features & (1u << VIRTIO_BLK_F_RO);
    b->dev.can_flush = b->vdev.features & (1u << VIRTIO_BLK_F_FLUSH);
}

int virtio_blk_probe(struct pci_dev *pci)
{
    const uint32_t wanted = 1u << VIRTIO_BLK_F_SEG_MAX | 1u << VIRTIO_BLK_F_RO |
                            1u << VIRTIO_BLK_F_FLUSH | 1u << VIRTIO_F_INDIRECT_DESC;
    struct vblk *b;
    char where[8], irq[32] = "polled";
    int rc;

    if (nr_disks == MAX_DISKS)
        return -ENOSPC;
    b = calloc(1, sizeof(*b));
    if (!b)
        return -ENOMEM;
    rc = virtio_init(&b->vdev, pci, wanted);
    if (rc)
        goto err_free;
    b->indirect = b->vdev.features & (1u << VIRTIO_F_INDIRECT_DESC);
    read_config(b);
    rc = virtio_queue_init(&b->vdev, &b->vq, 0, MAX_DEPTH);
    if (rc)
        goto err_fail;
    unsigned int depth = b->indirect ? b->vq.size : b->vq.size / CHAIN_MAX;
    b->dev.queue_depth = depth < MAX_DEPTH ? depth : MAX_DEPTH;
    rc = b->dev.queue_depth ? alloc_slots(b, b->dev.queue_depth) : -ENODEV;
    if (rc)
        goto err_slots;
    snprintf(b->dev.name, sizeof(b->dev.name), "vd%c", 'a' + nr_disks);
    b->dev.submit = vblk_submit;
    b->dev.poll = vblk_poll;
    b->dev.priv = b;
    rc = blkdev_register(&b->dev);
    if (rc)
        goto err_slots;
    nr_disks++;
    if (virtio_irq_setup(&b->vdev) == 0) /* without it the disk is polled */
        snprintf(irq, sizeof(irq), "interrupt on GSI %u", b->vdev.irq_gsi);
    virtio_driver_ok(&b->vdev);
    pci_name(pci, where);
    printf("dom0: %s: virtio-blk at %s, %llu sectors (%llu MiB)%s%s, queue depth %u, %s\n",
           b->dev.name, where, (unsigned long long)b->dev.sectors,
           (unsigned long long)(b->dev.sectors >> 11), b->dev.readonly ? ", read-only" : "",
           b->dev.can_flush ? ", flush" : ", write-through", b->dev.queue_depth, irq);
    return 0;

err_slots:
    free(b->free);
    page_free(b->slots, b->slot_pages);
err_fail:
    virtio_fail(&b->vdev, &b->vq);
err_free:
    free(b);
    return rc;
}

uint64_t virtio_blk_irq_count(const struct blkdev *dev)
{
    return dev && dev->submit == vblk_submit ? ((const struct vblk *)dev->priv)->vdev.irqs : 0;
}

/* For drivers_irq_ports: the port of disk dev, or 0. */
evtchn_port_t virtio_blk_irq_port(const struct blkdev *dev);
evtchn_port_t virtio_blk_irq_port(const struct blkdev *dev)
{
    if (!dev || dev->submit != vblk_submit)
        return 0;
    const struct vblk *b = dev->priv;
    return b->vdev.irq_gsi != 0xff ? b->vdev.irq_port : 0;
}
