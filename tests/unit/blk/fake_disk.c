/*
 * fake_disk.c - an asynchronous RAM disk behind dom0's struct blkdev for
 * host tests: submit() queues (or -EBUSY / -EINVAL / -EROFS as the
 * interface says), fake_disk_complete() finishes requests in a shuffled
 * order. Writes land in `cache` when they complete; a flush copies the cache
 * as it was when the flush was submitted into `stable` (D2).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "blk_fakes.h"

static uint64_t disk_bytes(const struct fake_disk *d)
{
    return d->dev.sectors * BLKDEV_SECTOR_SIZE;
}

static int check_req(struct fake_disk *d, const struct blkdev_req *req)
{
    uint64_t sectors = 0;

    if (req->op == BLKDEV_FLUSH)
        return req->nr_segs ? -EINVAL : 0;
    if (req->op != BLKDEV_READ && req->op != BLKDEV_WRITE)
        return -EINVAL;
    if (req->op == BLKDEV_WRITE && d->dev.readonly)
        return -EROFS;
    if (req->nr_segs == 0 || req->nr_segs > BLKDEV_MAX_SEGS)
        return -EINVAL;
    for (unsigned int i = 0; i < req->nr_segs; i++) {
        const struct blkdev_seg *s = &req->segs[i];
        uintptr_t off = (uintptr_t)s->va % 4096;

        if (!s->len || s->len % BLKDEV_SECTOR_SIZE || off % BLKDEV_SECTOR_SIZE ||
            off + s->len > 4096)
            return -EINVAL;
        sectors += s->len / BLKDEV_SECTOR_SIZE;
    }
    if (req->sector > d->dev.sectors || sectors > d->dev.sectors - req->sector)
        return -EINVAL;
    return 0;
}

static int disk_submit(struct blkdev *dev, struct blkdev_req *req)
{
    struct fake_disk *d = dev->priv;
    int rc = check_req(d, req);

    if (rc < 0)
        return rc;
    if (d->nq >= dev->queue_depth) {
        d->busy++;
        return -EBUSY;
    }
    d->snap[d->nq] = NULL;
    if (req->op == BLKDEV_FLUSH && dev->can_flush) {
        d->snap[d->nq] = malloc(disk_bytes(d));
        memcpy(d->snap[d->nq], d->cache, disk_bytes(d));
    }
    d->queue[d->nq++] = req;
    return 0;
}

static bool inject(unsigned int *in)
{
    if (*in == 0)
        return false;
    return --*in == 0;
}

static bool touches(const struct blkdev_req *req, uint64_t sector)
{
    uint64_t n = 0;

    for (unsigned int i = 0; i < req->nr_segs; i++)
        n += req->segs[i].len / BLKDEV_SECTOR_SIZE;
    return sector >= req->sector && sector - req->sector < n;
}

/* Moves the data of a read or write between the segments and the cache. */
static void transfer(struct fake_disk *d, const struct blkdev_req *req)
{
    uint8_t *p = d->cache + req->sector * BLKDEV_SECTOR_SIZE;

    for (unsigned int i = 0; i < req->nr_segs; i++) {
        if (req->op == BLKDEV_READ)
            memcpy(req->segs[i].va, p, req->segs[i].len);
        else
            memcpy(p, req->segs[i].va, req->segs[i].len);
        p += req->segs[i].len;
    }
}

/* A disk that cannot flush has no volatile cache: its writes are stable at once. */
static void write_through(struct fake_disk *d, const struct blkdev_req *req)
{
    uint64_t off = req->sector * BLKDEV_SECTOR_SIZE, len = 0;

    for (unsigned int i = 0; i < req->nr_segs; i++)
        len += req->segs[i].len;
    memcpy(d->stable + off, d->cache + off, len);
}

/* Carries out one request; its status. */
static int execute(struct fake_disk *d, const struct blkdev_req *req, uint8_t *snap)
{
    if (req->op == BLKDEV_FLUSH) {
        d->flushes++;
        if (!d->dev.can_flush)
            return -EOPNOTSUPP;
        if (inject(&d->fail_flush_in))
            return -EIO;
        memcpy(d->stable, snap, disk_bytes(d));
        return 0;
    }
    if (req->op == BLKDEV_WRITE) {
        d->writes++;
        if (inject(&d->fail_write_in) || touches(req, d->fail_sector))
            return -EIO;
    } else {
        d->reads++;
    }
    transfer(d, req);
    if (req->op == BLKDEV_WRITE && !d->dev.can_flush) /* write-through (D3) */
        write_through(d, req);
    return 0;
}

static uint32_t next_rand(struct fake_disk *d)
{
    d->rng = d->rng * 1103515245u + 12345u;
    return d->rng >> 8;
}

unsigned int fake_disk_complete(struct fake_disk *d, unsigned int max)
{
    unsigned int done = 0;

    if (!max || max > d->nq)
        max = d->nq;
    while (done < max && d->nq) {
        unsigned int i = next_rand(d) % d->nq;
        struct blkdev_req *req = d->queue[i];
        uint8_t *snap = d->snap[i];
        int status;

        d->queue[i] = d->queue[--d->nq];
        d->snap[i] = d->snap[d->nq];
        status = execute(d, req, snap);
        free(snap);
        if (status < 0)
            d->errors++;
        req->done(req, status);
        done++;
    }
    return done;
}

static void disk_poll(struct blkdev *dev)
{
    fake_disk_complete(dev->priv, 0);
}

void fake_disk_init(struct fake_disk *d, uint64_t sectors, unsigned int depth, bool can_flush,
                    bool readonly)
{
    memset(d, 0, sizeof(*d));
    strcpy(d->dev.name, "fake0");
    d->dev.sectors = sectors;
    d->dev.readonly = readonly;
    d->dev.can_flush = can_flush;
    d->dev.queue_depth = depth > FAKE_DISK_QUEUE ? FAKE_DISK_QUEUE : depth;
    d->dev.submit = disk_submit;
    d->dev.poll = disk_poll;
    d->dev.priv = d;
    d->cache = calloc(1, disk_bytes(d));
    d->stable = calloc(1, disk_bytes(d));
    d->fail_sector = UINT64_MAX;
    d->rng = 12345;
}

void fake_disk_fini(struct fake_disk *d)
{
    for (unsigned int i = 0; i < d->nq; i++)
        free(d->snap[i]);
    free(d->cache);
    free(d->stable);
}
