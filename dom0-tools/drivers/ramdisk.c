/*
 * ramdisk.c - RAM disks: block devices backed by dom0 memory, for guests
 * when there is no physical disk and for tests. Requests are copied at
 * submit and complete from poll() (never inside submit, as blkdev.h asks).
 *
 * Flush: there is no cache between a write and the RAM that holds the disk,
 * so a write that completed is as stable as this disk ever gets, and a
 * flush has nothing to do: can_flush is true and flush completes with 0.
 * That is honest for D2 within the disk's own lifetime; a RAM disk loses
 * everything when dom0 stops, which is what it is for.
 */
#include <errno.h>
#include <string.h>

#include <stdlib.h>

#include <skiff/malloc.h>
#include <skiff/page_alloc.h>

#include "drivers.h"

#define RAMDISK_DEPTH 64u

struct ramdisk {
    struct blkdev dev;
    uint8_t *data;
    size_t pages;
    struct blkdev_req *done_head, *done_tail; /* copied, waiting for poll() */
    unsigned int in_flight;
};

static int check(const struct ramdisk *r, const struct blkdev_req *req)
{
    uint64_t sectors = 0;

    if (req->op == BLKDEV_FLUSH)
        return req->nr_segs ? -EINVAL : 0;
    if ((req->op != BLKDEV_READ && req->op != BLKDEV_WRITE) || req->nr_segs == 0 ||
        req->nr_segs > BLKDEV_MAX_SEGS)
        return -EINVAL;
    for (unsigned int i = 0; i < req->nr_segs; i++) {
        const struct blkdev_seg *s = &req->segs[i];
        if (!s->va || s->len == 0 || s->len % BLKDEV_SECTOR_SIZE ||
            ((uintptr_t)s->va & 4095) + s->len > 4096)
            return -EINVAL;
        sectors += s->len / BLKDEV_SECTOR_SIZE;
    }
    if (req->sector > r->dev.sectors || sectors > r->dev.sectors - req->sector)
        return -EINVAL;
    if (req->op == BLKDEV_WRITE && r->dev.readonly)
        return -EROFS;
    return 0;
}

static void copy(struct ramdisk *r, const struct blkdev_req *req)
{
    uint8_t *p = r->data + req->sector * BLKDEV_SECTOR_SIZE;

    for (unsigned int i = 0; i < req->nr_segs; i++) {
        const struct blkdev_seg *s = &req->segs[i];
        if (req->op == BLKDEV_WRITE)
            memcpy(p, s->va, s->len);
        else
            memcpy(s->va, p, s->len);
        p += s->len;
    }
}

static int ramdisk_submit(struct blkdev *dev, struct blkdev_req *req)
{
    struct ramdisk *r = dev->priv;
    int rc = check(r, req);

    if (rc)
        return rc;
    if (r->in_flight == RAMDISK_DEPTH)
        return -EBUSY;
    if (req->op != BLKDEV_FLUSH)
        copy(r, req);
    req->driver = NULL;
    if (r->done_tail)
        r->done_tail->driver = req;
    else
        r->done_head = req;
    r->done_tail = req;
    r->in_flight++;
    return 0;
}

static void ramdisk_poll(struct blkdev *dev)
{
    struct ramdisk *r = dev->priv;

    while (r->done_head) {
        struct blkdev_req *req = r->done_head;
        r->done_head = req->driver;
        if (!r->done_head)
            r->done_tail = NULL;
        req->driver = NULL;
        r->in_flight--;
        req->done(req, 0);
    }
}

int ramdisk_create(const char *name, uint64_t sectors)
{
    struct ramdisk *r;
    size_t len = name ? strlen(name) : 0;

    if (len == 0 || len >= BLKDEV_NAME_MAX || sectors == 0 || sectors > (1ull << 40) / 512)
        return -EINVAL;
    if (blkdev_find(name))
        return -EEXIST;
    r = calloc(1, sizeof(*r));
    if (!r)
        return -ENOMEM;
    r->pages = (size_t)((sectors * BLKDEV_SECTOR_SIZE + 4095) / 4096);
    r->data = page_alloc(r->pages); /* zero-filled */
    if (!r->data) {
        free(r);
        return -ENOMEM;
    }
    memcpy(r->dev.name, name, len + 1);
    r->dev.sectors = sectors;
    r->dev.can_flush = true;
    r->dev.queue_depth = RAMDISK_DEPTH;
    r->dev.submit = ramdisk_submit;
    r->dev.poll = ramdisk_poll;
    r->dev.priv = r;
    return blkdev_register(&r->dev);
}

int ramdisk_destroy(const char *name)
{
    struct blkdev *dev = blkdev_find(name);
    struct ramdisk *r;

    if (!dev || dev->submit != ramdisk_submit)
        return -ENOENT;
    r = dev->priv;
    if (r->in_flight)
        return -EBUSY;
    blkdev_unregister(dev);
    page_free(r->data, r->pages);
    free(r);
    return 0;
}
