/*
 * blkback.c - a blkback ring's life: setup, the consume loop (copy out,
 * validate, start; R2 and R4), responses with event suppression, ordering
 * points, and teardown while requests are in flight (R8).
 * Validation is in blkback_decode.c, data movement in blkback_io.c.
 */
#include <errno.h>
#include <string.h>

#include "blkback.h"

void blkback_log(struct blkback_ring *r, const char *fmt, ...)
{
    va_list ap;

    if (!r->cfg.eops->log)
        return;
    va_start(ap, fmt);
    r->cfg.eops->log(r->cfg.ctx, fmt, ap);
    va_end(ap);
}

unsigned int blkback_max_indirect_segs(const struct blkback_config *cfg)
{
    return cfg->max_indirect_segs;
}

bool blkback_can_flush(const struct blkback_config *cfg)
{
    return cfg->dev->can_flush;
}

static int check_config(const struct blkback_config *cfg)
{
    if (!cfg->dev || !cfg->gops || !cfg->eops || !cfg->eops->notify)
        return -EINVAL;
    if (cfg->nr_reqs > BLKBACK_MAX_REQS)
        return -EINVAL;
    if (cfg->max_indirect_segs != 0 && (cfg->max_indirect_segs <= BLKIF_MAX_SEGMENTS_PER_REQUEST ||
                                        cfg->max_indirect_segs > BLKBACK_MAX_SEGS))
        return -EINVAL;
    if (cfg->strategy == BLKBACK_MAP && (!cfg->gops->map || !cfg->gops->unmap))
        return -EINVAL;
    if (cfg->strategy == BLKBACK_COPY &&
        (!cfg->gops->copy || !cfg->gops->page_alloc || !cfg->gops->page_free))
        return -EINVAL;
    if (cfg->strategy != BLKBACK_MAP && cfg->strategy != BLKBACK_COPY)
        return -EINVAL;
    return 0;
}

static void free_pages(struct blkback_ring *r, unsigned int n)
{
    while (n--)
        r->cfg.gops->page_free(r->cfg.ctx, &r->bounce[n]);
    if (r->scratch.va)
        r->cfg.gops->page_free(r->cfg.ctx, &r->scratch);
    r->scratch.va = NULL;
}

/* COPY: every request's bounce pages and the indirect scratch page, now. */
static int alloc_pages(struct blkback_ring *r)
{
    unsigned int n = r->cfg.nr_reqs * r->segs_max, i;
    int rc = 0;

    if (r->cfg.strategy != BLKBACK_COPY)
        return 0;
    for (i = 0; i < n; i++) {
        rc = r->cfg.gops->page_alloc(r->cfg.ctx, &r->bounce[i]);
        if (rc < 0)
            goto err_pages;
    }
    if (r->cfg.max_indirect_segs) {
        rc = r->cfg.gops->page_alloc(r->cfg.ctx, &r->scratch);
        if (rc < 0)
            goto err_pages;
    }
    for (i = 0; i < r->cfg.nr_reqs; i++)
        r->pool[i].bounce = &r->bounce[i * r->segs_max];
    return 0;
err_pages:
    free_pages(r, i);
    return rc;
}

static void init_pool(struct blkback_ring *r)
{
    r->free = NULL;
    for (unsigned int i = r->cfg.nr_reqs; i-- > 0;) {
        r->pool[i].ring = r;
        r->pool[i].phase = BLKBACK_FREE;
        r->pool[i].next = r->free;
        r->free = &r->pool[i];
    }
}

int blkback_ring_init(struct blkback_ring *r, const struct blkback_config *cfg,
                      struct blkif_sring *sring, size_t ring_bytes)
{
    int rc = check_config(cfg);

    if (rc < 0)
        return rc;
    if (!sring || ring_bytes < SKIFF_RING_HEADER_SIZE + sizeof(union blkif_sring_entry))
        return -EINVAL;
    memset(r, 0, sizeof(*r));
    r->cfg = *cfg;
    if (!r->cfg.nr_reqs)
        r->cfg.nr_reqs = BLKBACK_MAX_REQS;
    r->segs_max = cfg->max_indirect_segs ? cfg->max_indirect_segs : BLKIF_MAX_SEGMENTS_PER_REQUEST;
    rc = alloc_pages(r);
    if (rc < 0)
        return rc;
    BACK_RING_INIT(&r->back, sring, ring_bytes);
    init_pool(r);
    r->connected = true;
    return 0;
}

static struct blkback_req *pool_get(struct blkback_ring *r)
{
    struct blkback_req *req = r->free;

    if (!req)
        return NULL;
    r->free = req->next;
    req->next = NULL;
    r->nr_active++;
    return req;
}

static void pool_put(struct blkback_ring *r, struct blkback_req *req)
{
    req->phase = BLKBACK_FREE;
    req->next = r->free;
    r->free = req;
    r->nr_active--;
}

/* Publishes the responses written so far; notifies if the frontend asked. */
static void push_responses(struct blkback_ring *r)
{
    int notify;

    if (!r->connected || r->back.rsp_prod_pvt == r->back.sring->rsp_prod)
        return;
    RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&r->back, notify);
    if (notify)
        r->cfg.eops->notify(r->cfg.ctx);
}

static void count_status(struct blkback_ring *r, int status)
{
    if (status == BLKIF_RSP_OKAY)
        r->stats.rsp_okay++;
    else if (status == BLKIF_RSP_EOPNOTSUPP)
        r->stats.rsp_eopnotsupp++;
    else
        r->stats.rsp_error++;
}

/* Writes the response (a slot is always free: the request's own). */
static void respond(struct blkback_ring *r, uint64_t id, uint8_t op, int status)
{
    struct blkif_response rsp;

    memset(&rsp, 0, sizeof(rsp));
    rsp.id = id;
    rsp.operation = op;
    rsp.status = (int16_t)status;
    count_status(r, status);
    (void)blkif_back_put_response(&r->back, &rsp);
}

static void tell_quiesced(struct blkback_ring *r)
{
    if (r->connected || r->nr_active || r->quiesced_told)
        return;
    r->quiesced_told = true;
    if (r->cfg.eops->quiesced)
        r->cfg.eops->quiesced(r->cfg.ctx);
}

void blkback_finish(struct blkback_req *req, int status)
{
    struct blkback_ring *r = req->ring;
    bool was_starved = !r->free;

    if (blkback_io_release(req, status == BLKIF_RSP_OKAY && r->connected) < 0 &&
        status == BLKIF_RSP_OKAY)
        status = BLKIF_RSP_ERROR;
    if (r->barrier == req)
        r->barrier = NULL;
    if (r->connected) {
        respond(r, req->id, req->operation, status);
        push_responses(r);
    }
    pool_put(r, req);
    tell_quiesced(r);
    if (r->connected && (was_starved || r->barrier || !r->nr_active) && r->cfg.eops->wake)
        r->cfg.eops->wake(r->cfg.ctx);
}

/* Hostile index (R2): stop for good, with one log line. */
static int hostile_index(struct blkback_ring *r)
{
    blkback_log(r,
                "blkback: dom%u: req_prod %u impossible (req_cons %u, rsp_prod %u): "
                "disconnecting",
                (unsigned int)r->cfg.frontend, r->back.sring->req_prod, r->back.req_cons,
                r->back.rsp_prod_pvt);
    r->hostile = true;
    blkback_ring_disconnect(r);
    return -EIO;
}

/*
 * The next request copied out of the ring (1), none (0, the request event
 * armed: RING_FINAL_CHECK_FOR_REQUESTS with the R2 check), or -EIO.
 */
static int take_request(struct blkback_ring *r, struct blkif_request *rq)
{
    int rc = blkif_back_take_request(&r->back, rq);

    if (rc != 0)
        return rc;
    rc = blkif_back_final_check(&r->back);
    if (rc <= 0)
        return rc;
    return blkif_back_take_request(&r->back, rq);
}

/*
 * Moves the ordering request on: its flush once everything before it has
 * completed (it is then the only active request), its data once the flush
 * has completed (dev_done set phase DATA).
 */
static void start_barrier(struct blkback_ring *r)
{
    struct blkback_req *req = r->barrier;

    if (req->in_device || req->busy)
        return;
    if (req->phase == BLKBACK_DRAIN) {
        if (r->nr_active != 1)
            return;
        req->phase = BLKBACK_FLUSH;
    }
    blkback_io_start(req);
}

/* Hands req->dreq to the device: 0 queued, -EBUSY full, or another error. */
static int submit_now(struct blkback_req *req)
{
    struct blkback_ring *r = req->ring;
    int rc = r->cfg.dev->submit(r->cfg.dev, &req->dreq);

    if (rc == 0) {
        req->in_device = true;
        r->nr_in_device++;
    }
    return rc;
}

void blkback_submit(struct blkback_req *req)
{
    struct blkback_ring *r = req->ring;
    int rc = r->retry_head ? -EBUSY : submit_now(req);

    if (rc == -EBUSY) {
        r->stats.device_busy++;
        req->busy = true;
        req->next = NULL;
        if (r->retry_tail)
            r->retry_tail->next = req;
        else
            r->retry_head = req;
        r->retry_tail = req;
        return;
    }
    if (rc < 0) {
        r->stats.device_errors++;
        blkback_finish(req, BLKIF_RSP_ERROR);
    }
}

/* Resubmits, in order, requests the device refused with -EBUSY. */
static void retry_busy(struct blkback_ring *r)
{
    struct blkback_req *req;
    int rc;

    while ((req = r->retry_head) != NULL) {
        rc = submit_now(req);
        if (rc == -EBUSY)
            return;
        r->retry_head = req->next;
        if (!r->retry_head)
            r->retry_tail = NULL;
        req->next = NULL;
        req->busy = false;
        if (rc < 0) {
            r->stats.device_errors++;
            blkback_finish(req, BLKIF_RSP_ERROR);
        }
    }
}

/* One copied request: validated, then answered at once or started. */
static void handle_request(struct blkback_ring *r, struct blkback_req *req,
                           const struct blkif_request *rq)
{
    int rc;

    r->stats.requests++;
    rc = blkback_decode(r, rq, req);
    if (rc != BLKBACK_VALID) {
        blkback_finish(req, rc);
        return;
    }
    if (req->flush) {
        req->phase = BLKBACK_DRAIN;
        r->barrier = req;
        start_barrier(r);
        return;
    }
    req->phase = BLKBACK_DATA;
    blkback_io_start(req);
}

/* What keeps the loop from consuming now: 1 blocked, 0 go on. */
static int blocked(struct blkback_ring *r)
{
    if (r->barrier) {
        start_barrier(r);
        return r->barrier != NULL;
    }
    if (r->retry_head)
        return 1;
    if (!r->free) {
        r->stats.pool_exhausted++;
        return 1;
    }
    return 0;
}

int blkback_ring_kick(struct blkback_ring *r)
{
    struct blkif_request rq;
    unsigned int budget = RING_SIZE(&r->back);
    int rc = 0;

    if (!r->connected)
        return -ENOTCONN;
    retry_busy(r);
    while (r->connected && !blocked(r)) {
        if (budget-- == 0) {
            rc = 1;
            break;
        }
        rc = take_request(r, &rq);
        if (rc <= 0)
            break;
        handle_request(r, pool_get(r), &rq);
        rc = 0;
    }
    if (rc < 0)
        return hostile_index(r);
    push_responses(r);
    return r->connected ? rc : -ENOTCONN;
}

/* Releases a request the device does not hold, without answering it. */
static void drop_request(struct blkback_ring *r, struct blkback_req *req)
{
    (void)blkback_io_release(req, false);
    pool_put(r, req);
}

void blkback_ring_disconnect(struct blkback_ring *r)
{
    struct blkback_req *req;

    if (!r->connected)
        return;
    r->connected = false;
    while ((req = r->retry_head) != NULL) {
        r->retry_head = req->next;
        req->busy = false;
        if (req == r->barrier)
            r->barrier = NULL;
        drop_request(r, req);
    }
    r->retry_tail = NULL;
    /* An ordering request waiting to drain, or between its flush and its data. */
    if (r->barrier && !r->barrier->in_device)
        drop_request(r, r->barrier);
    r->barrier = NULL;
    tell_quiesced(r);
}

bool blkback_ring_quiesced(const struct blkback_ring *r)
{
    return !r->connected && r->nr_active == 0;
}

int blkback_ring_destroy(struct blkback_ring *r)
{
    if (!blkback_ring_quiesced(r))
        return -EBUSY;
    if (r->cfg.strategy == BLKBACK_COPY)
        free_pages(r, r->cfg.nr_reqs * r->segs_max);
    return 0;
}
