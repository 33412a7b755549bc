/*
 * blkfront.c - the blkfront core's life and responses: attach/connect/
 * disconnect (with re-submission), submit with its checks, response
 * matching by id (R7), failure of everything when the backend breaks the
 * ring (R2), and the synchronous API. Splitting into requests is in
 * blkfront_issue.c.
 */
#include <errno.h>
#include <string.h>

#include "blkfront_int.h"

void blkfront_log(struct blkfront *bf, const char *fmt, ...)
{
    va_list ap;

    if (!bf->ops->log)
        return;
    va_start(ap, fmt);
    bf->ops->log(bf->ctx, fmt, ap);
    va_end(ap);
}

void blkfront_init(struct blkfront *bf, const struct blkfront_ops *ops, void *ctx)
{
    memset(bf, 0, sizeof(*bf));
    bf->ops = ops;
    bf->ctx = ctx;
    bf->max_segs = BLKIF_MAX_SEGMENTS_PER_REQUEST;
    bf->next_id = 1;
}

int blkfront_attach(struct blkfront *bf, struct blkif_sring *sring, size_t ring_bytes)
{
    if (!sring || ring_bytes < SKIFF_RING_HEADER_SIZE + sizeof(union blkif_sring_entry))
        return -EINVAL;
    blkif_sring_init(sring);
    blkif_front_init(&bf->front, sring, ring_bytes);
    bf->attached = true;
    return 0;
}

void blkfront_complete(struct blkfront *bf, struct blkfront_io *io)
{
    if (io->queued || io->parts || io->issued < io->len)
        return;
    io->done(io, io->status);
}

/* Detaches slot s from its I/O, ending its grants; the I/O's part count drops. */
static struct blkfront_io *release_slot(struct blkfront *bf, struct blkfront_slot *s)
{
    struct blkfront_io *io = s->io;

    blkfront_slot_end_grants(bf, s);
    s->io = NULL;
    bf->nr_inflight--;
    io->parts--;
    return io;
}

static void set_error(struct blkfront_io *io, int err)
{
    if (!io->status)
        io->status = err;
}

/* Completes every I/O, in flight or queued, with err (at least). */
static void fail_all(struct blkfront *bf, int err)
{
    for (unsigned int i = 0; i < BLKFRONT_MAX_REQS; i++) {
        if (!bf->slots[i].io)
            continue;
        struct blkfront_io *io = release_slot(bf, &bf->slots[i]);
        set_error(io, err);
        blkfront_complete(bf, io);
    }
    while (bf->q_head) {
        struct blkfront_io *io = bf->q_head;

        bf->q_head = io->next;
        io->next = NULL;
        io->queued = false;
        io->issued = io->len;
        set_error(io, err);
        blkfront_complete(bf, io);
    }
    bf->q_tail = NULL;
}

/* Indirect pages for every slot, once; false (none kept) if memory runs out. */
static bool alloc_indirect_pages(struct blkfront *bf)
{
    if (!bf->ops->page_alloc || !bf->ops->page_free)
        return false;
    for (unsigned int i = 0; i < BLKFRONT_MAX_REQS; i++) {
        if (bf->slots[i].ind_page)
            continue;
        bf->slots[i].ind_page = bf->ops->page_alloc(bf->ctx);
        if (!bf->slots[i].ind_page)
            goto err_pages;
    }
    return true;
err_pages:
    for (unsigned int i = 0; i < BLKFRONT_MAX_REQS; i++) {
        if (bf->slots[i].ind_page)
            bf->ops->page_free(bf->ctx, bf->slots[i].ind_page);
        bf->slots[i].ind_page = NULL;
    }
    return false;
}

int blkfront_connect(struct blkfront *bf, const struct blkfront_info *info)
{
    if (!bf->attached)
        return -EINVAL;
    if (info->sector_size != BLKIF_SECTOR_SIZE)
        return -EOPNOTSUPP;
    bf->info = *info;
    bf->max_segs = BLKIF_MAX_SEGMENTS_PER_REQUEST;
    if (info->max_indirect_segs > BLKIF_MAX_SEGMENTS_PER_REQUEST && alloc_indirect_pages(bf))
        bf->max_segs = info->max_indirect_segs < BLKFRONT_MAX_SEGS ? info->max_indirect_segs
                                                                   : BLKFRONT_MAX_SEGS;
    bf->connected = true;
    bf->broken = false;
    blkfront_issue(bf);
    return 0;
}

/* Inserts the I/Os of list[0..n) (sorted by seq) at the head of the queue. */
static void requeue_front(struct blkfront *bf, struct blkfront_io **list, unsigned int n)
{
    while (n--) {
        struct blkfront_io *io = list[n];

        io->restart = false;
        io->issued = 0;
        io->parts = 0;
        io->status = 0;
        bf->stats.resubmitted++;
        if (io->queued)
            continue; /* the partly issued head: it stays where it is */
        io->queued = true;
        io->next = bf->q_head;
        bf->q_head = io;
        if (!bf->q_tail)
            bf->q_tail = io;
    }
}

static void sort_by_seq(struct blkfront_io **list, unsigned int n)
{
    for (unsigned int i = 1; i < n; i++) {
        struct blkfront_io *io = list[i];
        unsigned int j = i;

        for (; j > 0 && list[j - 1]->seq > io->seq; j--)
            list[j] = list[j - 1];
        list[j] = io;
    }
}

void blkfront_disconnect(struct blkfront *bf)
{
    struct blkfront_io *list[BLKFRONT_MAX_REQS];
    unsigned int n = 0;

    for (unsigned int i = 0; i < BLKFRONT_MAX_REQS; i++) {
        if (!bf->slots[i].io)
            continue;
        struct blkfront_io *io = release_slot(bf, &bf->slots[i]);
        if (!io->restart) {
            io->restart = true;
            list[n++] = io;
        }
    }
    sort_by_seq(list, n);
    requeue_front(bf, list, n);
    bf->connected = false;
    bf->attached = false;
}

void blkfront_destroy(struct blkfront *bf)
{
    bf->connected = false;
    bf->broken = true;
    fail_all(bf, -ENOTCONN);
    for (unsigned int i = 0; i < BLKFRONT_MAX_REQS; i++) {
        if (bf->slots[i].ind_page)
            bf->ops->page_free(bf->ctx, bf->slots[i].ind_page);
        bf->slots[i].ind_page = NULL;
    }
}

static int check_io(const struct blkfront *bf, const struct blkfront_io *io)
{
    uint64_t sectors = io->len / BLKIF_SECTOR_SIZE;

    if (!io->done)
        return -EINVAL;
    if (io->op == BLKFRONT_FLUSH)
        return bf->info.can_flush ? 0 : -EOPNOTSUPP;
    if (io->op != BLKFRONT_READ && io->op != BLKFRONT_WRITE)
        return -EINVAL;
    if (!io->len || io->len % BLKIF_SECTOR_SIZE || (uintptr_t)io->buf % BLKIF_SECTOR_SIZE)
        return -EINVAL;
    if (io->sector > bf->info.sectors || sectors > bf->info.sectors - io->sector)
        return -EINVAL;
    if (io->op == BLKFRONT_WRITE && bf->info.readonly)
        return -EROFS;
    return 0;
}

int blkfront_submit(struct blkfront *bf, struct blkfront_io *io)
{
    int rc;

    if (bf->broken)
        return -EIO;
    if (!bf->info.sector_size)
        return -ENOTCONN;
    rc = check_io(bf, io);
    if (rc < 0)
        return rc;
    io->seq = bf->next_seq++;
    io->issued = 0;
    io->parts = 0;
    io->status = 0;
    io->restart = false;
    io->queued = true;
    io->next = NULL;
    if (bf->q_tail)
        bf->q_tail->next = io;
    else
        bf->q_head = io;
    bf->q_tail = io;
    blkfront_issue(bf);
    return 0;
}

/* One response: matched by id to a request in flight (true), or ignored (R7). */
static bool handle_response(struct blkfront *bf, const struct blkif_response *rsp)
{
    struct blkfront_slot *s = &bf->slots[rsp->id & (BLKFRONT_MAX_REQS - 1)];
    struct blkfront_io *io;

    if (!s->io || s->id != rsp->id) {
        bf->stats.bogus_responses++;
        blkfront_log(bf, "blkfront: response id %llu not in flight: ignored",
                     (unsigned long long)rsp->id);
        return false;
    }
    io = release_slot(bf, s);
    bf->stats.responses++;
    if (rsp->status != BLKIF_RSP_OKAY) {
        bf->stats.errors++;
        set_error(io, rsp->status == BLKIF_RSP_EOPNOTSUPP ? -EOPNOTSUPP : -EIO);
    }
    blkfront_complete(bf, io);
    return true;
}

/* The backend's rsp_prod is impossible (R2): nothing from it is trusted again. */
static int backend_broken(struct blkfront *bf)
{
    blkfront_log(bf,
                 "blkfront: rsp_prod %u impossible (rsp_cons %u, req_prod %u): "
                 "disconnecting",
                 bf->front.sring->rsp_prod, bf->front.rsp_cons, bf->front.req_prod_pvt);
    bf->connected = false;
    bf->broken = true;
    fail_all(bf, -EIO);
    return -EIO;
}

int blkfront_poll(struct blkfront *bf)
{
    struct blkif_response rsp;
    int rc, count = 0;

    if (!bf->connected)
        return bf->broken ? -EIO : 0;
    for (;;) {
        rc = blkif_front_take_response(&bf->front, &rsp);
        if (rc == 0) {
            rc = blkif_front_final_check(&bf->front); /* arms rsp_event when 0 */
            if (rc == 0)
                break;
            if (rc > 0)
                continue;
        }
        if (rc < 0)
            return backend_broken(bf);
        count += handle_response(bf, &rsp);
    }
    blkfront_issue(bf);
    return count;
}

/* ---- the synchronous API ---- */

struct sync_wait {
    bool done;
    int status;
};

static void sync_done(struct blkfront_io *io, int status)
{
    struct sync_wait *w = io->cookie;

    w->done = true;
    w->status = status;
}

static int sync_io(struct blkfront *bf, enum blkfront_op op, uint64_t sector, void *buf, size_t len)
{
    struct sync_wait w = {false, 0};
    struct blkfront_io io = {
        .op = op, .sector = sector, .buf = buf, .len = len, .done = sync_done, .cookie = &w};
    int rc = blkfront_submit(bf, &io);

    if (rc < 0)
        return rc;
    while (!w.done) {
        bf->ops->wait(bf->ctx);
        (void)blkfront_poll(bf);
    }
    return w.status;
}

int blkfront_read(struct blkfront *bf, uint64_t sector, void *buf, size_t len)
{
    return sync_io(bf, BLKFRONT_READ, sector, buf, len);
}

int blkfront_write(struct blkfront *bf, uint64_t sector, const void *buf, size_t len)
{
    return sync_io(bf, BLKFRONT_WRITE, sector, (void *)(uintptr_t)buf, len);
}

int blkfront_flush(struct blkfront *bf)
{
    return sync_io(bf, BLKFRONT_FLUSH, 0, NULL, 0);
}
