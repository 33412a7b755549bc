/*
 * blkback_decode.c - validation of one request the frontend wrote (HOSTILE
 * R3): the ring entry is already a private copy; indirect segments are
 * copied out of their pages once here, then checked like direct ones.
 * Nothing is acted on until everything has been checked.
 */
#include <errno.h>
#include <string.h>

#include "blkback.h"

/* Segments one indirect page holds, as a plain number. */
#define SEGS_PER_PAGE ((unsigned int)BLKIF_SEGS_PER_INDIRECT_FRAME)

/* MAP: one indirect page mapped read-only, its first n segments copied out, unmapped. */
static int fetch_page_map(struct blkback_ring *r, grant_ref_t ref,
                          struct blkif_request_segment *out, unsigned int n)
{
    struct blkback_gmap m = {.ref = ref, .readonly = true};
    int rc = r->cfg.gops->map(r->cfg.ctx, r->cfg.frontend, &m, 1);

    if (rc < 0) {
        if (m.status == 0)
            r->cfg.gops->unmap(r->cfg.ctx, &m, 1);
        return rc;
    }
    memcpy(out, m.va, n * sizeof(*out));
    r->cfg.gops->unmap(r->cfg.ctx, &m, 1);
    return 0;
}

/* COPY: the first n segments of an indirect page copied into the scratch page. */
static int fetch_page_copy(struct blkback_ring *r, grant_ref_t ref,
                           struct blkif_request_segment *out, unsigned int n)
{
    struct gnttab_copy *op = &r->copy_ops[0];
    int rc;

    memset(op, 0, sizeof(*op));
    op->source.u.ref = ref;
    op->source.domid = r->cfg.frontend;
    op->dest.u.gmfn = r->scratch.gfn;
    op->dest.domid = DOMID_SELF;
    op->len = (uint16_t)(n * sizeof(*out));
    op->flags = GNTCOPY_source_gref;
    rc = r->cfg.gops->copy(r->cfg.ctx, op, 1);
    if (rc < 0)
        return rc;
    memcpy(out, r->scratch.va, n * sizeof(*out));
    return 0;
}

/* The segments of an indirect request, into req->segs (copied once). */
static int fetch_indirect(struct blkback_ring *r, const struct blkif_request_indirect *ind,
                          struct blkback_req *req)
{
    unsigned int left = req->nr_segs, page = 0;
    int rc;

    while (left) {
        unsigned int n = left < SEGS_PER_PAGE ? left : SEGS_PER_PAGE;
        struct blkif_request_segment *out = &req->segs[page * SEGS_PER_PAGE];
        grant_ref_t ref = ind->indirect_grefs[page];

        if (r->cfg.strategy == BLKBACK_MAP)
            rc = fetch_page_map(r, ref, out, n);
        else
            rc = fetch_page_copy(r, ref, out, n);
        if (rc < 0)
            return rc;
        left -= n;
        page++;
    }
    return 0;
}

/* Segment bounds and the disk range they cover: BLKBACK_VALID or BLKIF_RSP_ERROR. */
static int check_segments(struct blkback_ring *r, struct blkback_req *req)
{
    uint64_t sectors = 0;

    for (unsigned int i = 0; i < req->nr_segs; i++) {
        const struct blkif_request_segment *s = &req->segs[i];

        if (s->first_sect > s->last_sect || s->last_sect >= BLKIF_SECTORS_PER_PAGE)
            return BLKIF_RSP_ERROR;
        sectors += (uint64_t)(s->last_sect - s->first_sect + 1);
    }
    /* sector + sectors <= capacity, written so that it cannot wrap. */
    if (req->sector > r->cfg.dev->sectors || sectors > r->cfg.dev->sectors - req->sector)
        return BLKIF_RSP_ERROR;
    return BLKBACK_VALID;
}

/* What applies to every data request once its segments are known. */
static int check_data(struct blkback_ring *r, struct blkback_req *req)
{
    if (req->write && (r->cfg.readonly || r->cfg.dev->readonly))
        return BLKIF_RSP_ERROR;
    return check_segments(r, req);
}

/* READ, WRITE, and FLUSH_DISKCACHE / WRITE_BARRIER (with or without data). */
static int decode_direct(struct blkback_ring *r, const struct blkif_request *rq,
                         struct blkback_req *req)
{
    bool ordering =
        rq->operation == BLKIF_OP_FLUSH_DISKCACHE || rq->operation == BLKIF_OP_WRITE_BARRIER;

    if (ordering && !r->cfg.dev->can_flush)
        return BLKIF_RSP_EOPNOTSUPP;
    if (rq->nr_segments > BLKIF_MAX_SEGMENTS_PER_REQUEST)
        return BLKIF_RSP_ERROR;
    if (!ordering && rq->nr_segments == 0)
        return BLKIF_RSP_ERROR;
    req->flush = ordering;
    req->write = rq->operation != BLKIF_OP_READ;
    req->sector = rq->sector_number;
    req->nr_segs = rq->nr_segments;
    memcpy(req->segs, rq->seg, req->nr_segs * sizeof(req->segs[0]));
    if (ordering && req->nr_segs == 0) {
        req->write = false;
        return BLKBACK_VALID;
    }
    return check_data(r, req);
}

static int decode_indirect(struct blkback_ring *r, const struct blkif_request *rq,
                           struct blkback_req *req)
{
    struct blkif_request_indirect ind;

    /* The same bytes seen through the indirect layout (both 8-aligned copies). */
    memcpy(&ind, rq, sizeof(ind));
    if (!r->cfg.max_indirect_segs)
        return BLKIF_RSP_EOPNOTSUPP;
    if (ind.indirect_op != BLKIF_OP_READ && ind.indirect_op != BLKIF_OP_WRITE)
        return BLKIF_RSP_ERROR;
    if (ind.nr_segments == 0 || ind.nr_segments > r->cfg.max_indirect_segs)
        return BLKIF_RSP_ERROR;
    req->write = ind.indirect_op == BLKIF_OP_WRITE;
    req->sector = ind.sector_number;
    req->nr_segs = ind.nr_segments;
    if (req->write && (r->cfg.readonly || r->cfg.dev->readonly))
        return BLKIF_RSP_ERROR;
    if (fetch_indirect(r, &ind, req) < 0) {
        r->stats.grant_errors++;
        return BLKIF_RSP_ERROR;
    }
    return check_segments(r, req);
}

int blkback_decode(struct blkback_ring *r, const struct blkif_request *rq, struct blkback_req *req)
{
    int rc;

    req->id = rq->id;
    req->operation = rq->operation;
    req->write = req->flush = false;
    req->nr_segs = req->nr_mapped = 0;
    switch (rq->operation) {
    case BLKIF_OP_READ:
    case BLKIF_OP_WRITE:
    case BLKIF_OP_FLUSH_DISKCACHE:
    case BLKIF_OP_WRITE_BARRIER:
        rc = decode_direct(r, rq, req);
        break;
    case BLKIF_OP_INDIRECT:
        rc = decode_indirect(r, rq, req);
        break;
    default: /* DISCARD (not advertised), RESERVED_1, unknown */
        rc = BLKIF_RSP_EOPNOTSUPP;
        break;
    }
    if (rc == BLKIF_RSP_ERROR)
        r->stats.invalid++;
    return rc;
}
