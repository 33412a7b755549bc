/*
 * blkback_io.c - moving a validated request's data: grant-map its pages
 * (MAP) or copy through bounce pages (COPY), hand it to the blkdev, take
 * the completion, and give every grant back whatever happened (R5, D5).
 */
#include <errno.h>
#include <string.h>

#include "blkback.h"

static uint32_t seg_offset(const struct blkif_request_segment *s)
{
    return (uint32_t)s->first_sect * BLKIF_SECTOR_SIZE;
}

static uint32_t seg_len(const struct blkif_request_segment *s)
{
    return (uint32_t)(s->last_sect - s->first_sect + 1) * BLKIF_SECTOR_SIZE;
}

/* MAP: every segment's page; on any failure the ones mapped are unmapped (R5). */
static int map_segments(struct blkback_ring *r, struct blkback_req *req)
{
    unsigned int i, n = 0;
    int rc;

    for (i = 0; i < req->nr_segs; i++) {
        req->maps[i] = (struct blkback_gmap){.ref = req->segs[i].gref, .readonly = req->write};
        req->maps[i].status = -EINVAL;
    }
    rc = r->cfg.gops->map(r->cfg.ctx, r->cfg.frontend, req->maps, req->nr_segs);
    if (rc == 0) {
        req->nr_mapped = req->nr_segs;
        return 0;
    }
    /* Pack the mapped ones to the front and unmap them in one call. */
    for (i = 0; i < req->nr_segs; i++)
        if (req->maps[i].status == 0)
            req->maps[n++] = req->maps[i];
    if (n)
        r->cfg.gops->unmap(r->cfg.ctx, req->maps, n);
    return rc < 0 ? rc : -EIO;
}

/* COPY: one GNTTABOP_copy per segment between the guest's pages and the bounce pages. */
static int copy_segments(struct blkback_ring *r, struct blkback_req *req, bool to_guest)
{
    for (unsigned int i = 0; i < req->nr_segs; i++) {
        struct gnttab_copy *op = &r->copy_ops[i];
        struct gnttab_copy_ptr guest = {.domid = r->cfg.frontend};
        struct gnttab_copy_ptr local = {.domid = DOMID_SELF};

        memset(op, 0, sizeof(*op));
        guest.u.ref = req->segs[i].gref;
        guest.offset = (uint16_t)seg_offset(&req->segs[i]);
        local.u.gmfn = req->bounce[i].gfn;
        local.offset = guest.offset;
        op->source = to_guest ? local : guest;
        op->dest = to_guest ? guest : local;
        op->flags = to_guest ? GNTCOPY_dest_gref : GNTCOPY_source_gref;
        op->len = (uint16_t)seg_len(&req->segs[i]);
    }
    return r->cfg.gops->copy(r->cfg.ctx, r->copy_ops, req->nr_segs);
}

static void fill_dreq_segs(struct blkback_ring *r, struct blkback_req *req)
{
    for (unsigned int i = 0; i < req->nr_segs; i++) {
        uint32_t off = seg_offset(&req->segs[i]);
        struct blkdev_seg *d = &req->dreq.segs[i];

        if (r->cfg.strategy == BLKBACK_MAP) {
            d->maddr = req->maps[i].maddr + off;
            d->va = (uint8_t *)req->maps[i].va + off;
        } else {
            d->maddr = req->bounce[i].maddr + off;
            d->va = (uint8_t *)req->bounce[i].va + off;
        }
        d->len = seg_len(&req->segs[i]);
    }
}

/* Makes the data pages reachable by the device (and, for a COPY write, fills them). */
static int acquire_pages(struct blkback_ring *r, struct blkback_req *req)
{
    if (r->cfg.strategy == BLKBACK_MAP)
        return map_segments(r, req);
    if (req->write)
        return copy_segments(r, req, false);
    return 0;
}

static void dev_done(struct blkdev_req *dreq, int status)
{
    struct blkback_req *req = dreq->cookie;
    struct blkback_ring *r = req->ring;

    req->in_device = false;
    r->nr_in_device--;
    if (status < 0) {
        r->stats.device_errors++;
        blkback_finish(req, BLKIF_RSP_ERROR);
        return;
    }
    if (req->phase == BLKBACK_FLUSH && req->nr_segs && r->connected) {
        /* The data goes after the flush; blkback_ring_kick starts it. */
        req->phase = BLKBACK_DATA;
        if (r->cfg.eops->wake)
            r->cfg.eops->wake(r->cfg.ctx);
        return;
    }
    blkback_finish(req, BLKIF_RSP_OKAY);
}

static void prepare_dreq(struct blkback_req *req, enum blkdev_op op)
{
    req->dreq.op = op;
    req->dreq.sector = op == BLKDEV_FLUSH ? 0 : req->sector;
    req->dreq.nr_segs = op == BLKDEV_FLUSH ? 0 : req->nr_segs;
    req->dreq.done = dev_done;
    req->dreq.cookie = req;
    req->dreq.driver = NULL;
}

void blkback_io_start(struct blkback_req *req)
{
    struct blkback_ring *r = req->ring;

    if (req->phase == BLKBACK_FLUSH) {
        prepare_dreq(req, BLKDEV_FLUSH);
        blkback_submit(req);
        return;
    }
    if (acquire_pages(r, req) < 0) {
        r->stats.grant_errors++;
        blkback_finish(req, BLKIF_RSP_ERROR);
        return;
    }
    prepare_dreq(req, req->write ? BLKDEV_WRITE : BLKDEV_READ);
    fill_dreq_segs(r, req);
    blkback_submit(req);
}

int blkback_io_release(struct blkback_req *req, bool ok)
{
    struct blkback_ring *r = req->ring;
    int rc = 0;

    if (r->cfg.strategy == BLKBACK_MAP) {
        if (req->nr_mapped)
            r->cfg.gops->unmap(r->cfg.ctx, req->maps, req->nr_mapped);
        req->nr_mapped = 0;
        return 0;
    }
    if (ok && req->phase == BLKBACK_DATA && !req->write && req->nr_segs) {
        rc = copy_segments(r, req, true);
        if (rc < 0)
            r->stats.grant_errors++;
    }
    return rc;
}
