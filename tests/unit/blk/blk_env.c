/*
 * blk_env.c - blkfront's core connected to blkback's core on the host: one
 * in-memory ring page, the fake grant table and the fake disk; events are
 * counters and a "wait" is one pump of the backend and the disk.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blk_fakes.h"

_Static_assert(offsetof(struct blk_env, gnt) == 0, "fake_gnt_back_ops get the env as ctx");

/* ---- the backend's environment ---- */

static void back_notify(void *ctx)
{
    ((struct blk_env *)ctx)->front_notified++;
}

static void back_log(void *ctx, const char *fmt, va_list ap)
{
    struct blk_env *e = ctx;

    vsnprintf(e->last_log, sizeof(e->last_log), fmt, ap);
    e->log_lines++;
}

static void back_wake(void *ctx)
{
    ((struct blk_env *)ctx)->wakes++;
}

static void back_quiesced(void *ctx)
{
    ((struct blk_env *)ctx)->quiesced++;
}

static const struct blkback_env_ops back_env_ops = {
    .notify = back_notify,
    .log = back_log,
    .wake = back_wake,
    .quiesced = back_quiesced,
};

/* ---- the frontend's environment ---- */

static int front_grant(void *ctx, const void *va, bool readonly, grant_ref_t *ref)
{
    return fake_gnt_grant(&((struct blk_env *)ctx)->gnt, va, readonly, ref);
}

static int front_end_grant(void *ctx, grant_ref_t ref)
{
    return fake_gnt_end(&((struct blk_env *)ctx)->gnt, ref);
}

static void front_notify(void *ctx)
{
    ((struct blk_env *)ctx)->back_notified++;
}

static void *front_page_alloc(void *ctx)
{
    return fake_gnt_page_alloc(&((struct blk_env *)ctx)->gnt);
}

static void front_page_free(void *ctx, void *va)
{
    fake_gnt_page_free(&((struct blk_env *)ctx)->gnt, va);
}

static void front_wait(void *ctx)
{
    blk_env_pump(ctx);
}

static const struct blkfront_ops front_ops = {
    .grant = front_grant,
    .end_grant = front_end_grant,
    .notify = front_notify,
    .log = back_log,
    .page_alloc = front_page_alloc,
    .page_free = front_page_free,
    .wait = front_wait,
};

void blk_env_back_start(struct blk_env *e)
{
    struct blkback_config bc = {
        .frontend = FAKE_FRONTEND,
        .strategy = e->cfg.strategy,
        .nr_reqs = e->cfg.nr_reqs,
        .max_indirect_segs = e->cfg.back_indirect,
        .readonly = e->cfg.guest_ro,
        .dev = &e->disk.dev,
        .gops = &fake_gnt_back_ops,
        .eops = &back_env_ops,
        .ctx = e,
    };

    e->ring_page = aligned_alloc(4096, 4096);
    memset(e->ring_page, 0, 4096);
    e->back = calloc(1, sizeof(*e->back));
    if (blkfront_attach(&e->front, e->ring_page, 4096) < 0 ||
        blkback_ring_init(e->back, &bc, e->ring_page, 4096) < 0)
        abort();
    e->quiesced = 0;
}

void blk_env_back_stop(struct blk_env *e)
{
    blkback_ring_disconnect(e->back);
    while (!blkback_ring_quiesced(e->back))
        fake_disk_complete(&e->disk, 0);
    if (blkback_ring_destroy(e->back) < 0)
        abort();
    free(e->back);
    free(e->ring_page);
    e->back = NULL;
    e->ring_page = NULL;
}

struct blkfront_info blk_env_info(const struct blk_env *e)
{
    return (struct blkfront_info){
        .sectors = e->disk.dev.sectors,
        .sector_size = 512,
        .info = e->cfg.guest_ro || e->cfg.disk_ro ? VDISK_READONLY : 0,
        .readonly = e->cfg.guest_ro || e->cfg.disk_ro,
        .can_flush = blkback_can_flush(&e->back->cfg),
        .max_indirect_segs = blkback_max_indirect_segs(&e->back->cfg),
    };
}

void blk_env_init(struct blk_env *e, const struct blk_env_cfg *cfg)
{
    struct blkfront_info info;

    memset(e, 0, sizeof(*e));
    e->cfg = *cfg;
    fake_gnt_init(&e->gnt);
    fake_disk_init(&e->disk, cfg->sectors ? cfg->sectors : 4096, cfg->depth ? cfg->depth : 16,
                   cfg->can_flush, cfg->disk_ro);
    blkfront_init(&e->front, &front_ops, e);
    blk_env_back_start(e);
    info = blk_env_info(e);
    if (blkfront_connect(&e->front, &info) < 0)
        abort();
}

static void kick_until_idle(struct blk_env *e)
{
    if (e->back)
        while (blkback_ring_kick(e->back) == 1)
            ;
}

void blk_env_pump(struct blk_env *e)
{
    kick_until_idle(e);
    fake_disk_complete(&e->disk, e->per_round);
    kick_until_idle(e);
}

void blk_env_fini(struct blk_env *e)
{
    blkfront_disconnect(&e->front);
    if (e->back)
        blk_env_back_stop(e);
    blkfront_destroy(&e->front);
    fake_disk_fini(&e->disk);
    fake_gnt_fini(&e->gnt);
}
