/*
 * blkfront_issue.c - turning queued I/Os into ring requests: one segment
 * per page the buffer touches, 11 per direct request or up to the indirect
 * limit through an indirect page, each page granted for the request's life.
 */
#include <errno.h>
#include <string.h>

#include "blkfront_int.h"

#define PAGE_MASK ((uintptr_t)BLKIF_PAGE_SIZE - 1)

static struct blkfront_slot *free_slot(struct blkfront *bf)
{
    for (unsigned int i = 0; i < BLKFRONT_MAX_REQS; i++)
        if (!bf->slots[i].io)
            return &bf->slots[i];
    return NULL;
}

/* Ends every grant the slot holds. */
void blkfront_slot_end_grants(struct blkfront *bf, struct blkfront_slot *s)
{
    for (unsigned int i = 0; i < s->nr_grefs; i++)
        if (bf->ops->end_grant(bf->ctx, s->grefs[i]) < 0)
            bf->stats.grants_busy++;
    s->nr_grefs = 0;
    if (s->indirect && bf->ops->end_grant(bf->ctx, s->ind_gref) < 0)
        bf->stats.grants_busy++;
    s->indirect = false;
}

/*
 * Fills segs[] for the next part of io (from io->issued) and grants the
 * pages; returns the segment count and sets *bytes, or a negative errno
 * (nothing stays granted).
 */
static int build_segments(struct blkfront *bf, struct blkfront_io *io, struct blkfront_slot *s,
                          struct blkif_request_segment *segs, size_t *bytes)
{
    uintptr_t addr = (uintptr_t)io->buf + io->issued;
    size_t left = io->len - io->issued, done = 0;
    unsigned int n = 0;
    int rc;

    while (left > done && n < bf->max_segs) {
        uintptr_t a = addr + done, off = a & PAGE_MASK;
        size_t chunk = BLKIF_PAGE_SIZE - off;

        if (chunk > left - done)
            chunk = left - done;
        rc = bf->ops->grant(bf->ctx, (const void *)(a - off), io->op == BLKFRONT_WRITE,
                            &s->grefs[n]);
        if (rc < 0) {
            blkfront_slot_end_grants(bf, s);
            return rc;
        }
        s->nr_grefs = ++n;
        segs[n - 1] = (struct blkif_request_segment){
            .gref = s->grefs[n - 1],
            .first_sect = (uint8_t)(off / BLKIF_SECTOR_SIZE),
            .last_sect = (uint8_t)((off + chunk - 1) / BLKIF_SECTOR_SIZE),
        };
        done += chunk;
    }
    *bytes = done;
    return (int)n;
}

static uint64_t new_id(struct blkfront *bf, struct blkfront_slot *s)
{
    return (bf->next_id++ << 5) | (uint64_t)(s - bf->slots);
}

/* A direct request (<= 11 segments), into the ring. */
static void put_direct(struct blkfront *bf, struct blkfront_slot *s, uint8_t op, uint64_t sector,
                       const struct blkif_request_segment *segs, unsigned int n)
{
    struct blkif_request rq;

    memset(&rq, 0, sizeof(rq));
    rq.operation = op;
    rq.nr_segments = (uint8_t)n;
    rq.id = s->id;
    rq.sector_number = sector;
    if (n)
        memcpy(rq.seg, segs, n * sizeof(segs[0]));
    (void)blkif_front_put_request(&bf->front, &rq);
}

/* An indirect request: the segments go in the slot's page, granted read-only. */
static int put_indirect(struct blkfront *bf, struct blkfront_slot *s, uint8_t op, uint64_t sector,
                        const struct blkif_request_segment *segs, unsigned int n)
{
    union {
        struct blkif_request rq;
        struct blkif_request_indirect ind;
    } u;
    int rc;

    memcpy(s->ind_page, segs, n * sizeof(segs[0]));
    rc = bf->ops->grant(bf->ctx, s->ind_page, true, &s->ind_gref);
    if (rc < 0)
        return rc;
    s->indirect = true;
    memset(&u, 0, sizeof(u));
    u.ind.operation = BLKIF_OP_INDIRECT;
    u.ind.indirect_op = op;
    u.ind.nr_segments = (uint16_t)n;
    u.ind.id = s->id;
    u.ind.sector_number = sector;
    u.ind.indirect_grefs[0] = s->ind_gref;
    (void)blkif_front_put_request(&bf->front, &u.rq);
    return 0;
}

/* One part of a read or write into slot s: 0, or an errno that fails the I/O. */
static int issue_data(struct blkfront *bf, struct blkfront_io *io, struct blkfront_slot *s)
{
    struct blkif_request_segment segs[BLKFRONT_MAX_SEGS];
    uint8_t op = io->op == BLKFRONT_WRITE ? BLKIF_OP_WRITE : BLKIF_OP_READ;
    uint64_t sector = io->sector + io->issued / BLKIF_SECTOR_SIZE;
    size_t bytes;
    int n = build_segments(bf, io, s, segs, &bytes);

    if (n < 0)
        return n;
    if (n <= BLKIF_MAX_SEGMENTS_PER_REQUEST) {
        put_direct(bf, s, op, sector, segs, (unsigned int)n);
    } else {
        int rc = put_indirect(bf, s, op, sector, segs, (unsigned int)n);
        if (rc < 0) {
            blkfront_slot_end_grants(bf, s);
            return rc;
        }
    }
    io->issued += bytes;
    return 0;
}

static void issue_flush(struct blkfront *bf, struct blkfront_slot *s)
{
    put_direct(bf, s, BLKIF_OP_FLUSH_DISKCACHE, 0, NULL, 0);
}

/* Issues the next part of io; false when it must wait (no slot or ring space). */
static bool issue_part(struct blkfront *bf, struct blkfront_io *io)
{
    struct blkfront_slot *s = free_slot(bf);
    int rc = 0;

    if (!s || RING_FULL(&bf->front))
        return false;
    s->id = new_id(bf, s);
    s->io = io;
    if (io->op == BLKFRONT_FLUSH)
        issue_flush(bf, s);
    else
        rc = issue_data(bf, io, s);
    if (rc < 0) {
        s->io = NULL;
        if (!io->status)
            io->status = rc;
        io->issued = io->len; /* the rest is not issued: the I/O has failed */
        return true;
    }
    bf->nr_inflight++;
    io->parts++;
    bf->stats.requests++;
    return true;
}

static void dequeue_head(struct blkfront *bf)
{
    struct blkfront_io *io = bf->q_head;

    bf->q_head = io->next;
    if (!bf->q_head)
        bf->q_tail = NULL;
    io->next = NULL;
    io->queued = false;
}

/* Issues one queued I/O as far as it goes: true when it is all on the ring. */
static bool issue_io(struct blkfront *bf, struct blkfront_io *io)
{
    if (io->op == BLKFRONT_FLUSH) {
        if (bf->nr_inflight) /* drain: the flush covers everything before it */
            return false;
        return issue_part(bf, io);
    }
    while (io->issued < io->len)
        if (!issue_part(bf, io))
            return false;
    return true;
}

void blkfront_issue(struct blkfront *bf)
{
    bool pushed = false;
    int notify;

    while (bf->connected && bf->q_head) {
        struct blkfront_io *io = bf->q_head;
        RING_IDX before = bf->front.req_prod_pvt;
        bool all = issue_io(bf, io);

        pushed |= bf->front.req_prod_pvt != before;
        if (!all)
            break;
        dequeue_head(bf);
        if (!io->parts) /* failed before any part went out */
            blkfront_complete(bf, io);
    }
    if (!pushed)
        return;
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&bf->front, notify);
    if (notify)
        bf->ops->notify(bf->ctx);
}
