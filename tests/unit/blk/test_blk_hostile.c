/*
 * test_blk_hostile.c - HOSTILE.md R1-R5 against blkback, with the test as a
 * frontend writing requests straight into the ring, and R2/R7 against
 * blkfront, with the test as a backend writing responses. After each case
 * the backend must go on serving good requests and nothing may leak.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "blk_test.h"

struct raw {
    struct blk_env e;
    struct blkif_front_ring f; /* the test's own front end of the ring */
    uint8_t *page[12];         /* data pages, granted as ref[] */
    grant_ref_t ref[12];
};

static struct raw *raw_setup(enum blkback_strategy s, struct blk_env_cfg cfg)
{
    struct raw *r = calloc(1, sizeof(*r));

    cfg.strategy = s;
    cfg.sectors = cfg.sectors ? cfg.sectors : 256;
    blk_env_init(&r->e, &cfg);
    FRONT_RING_INIT(&r->f, (struct blkif_sring *)r->e.ring_page, 4096);
    for (unsigned int i = 0; i < 12; i++) {
        r->page[i] = aligned_alloc(4096, 4096);
        memset(r->page[i], 0x11 * (int)i, 4096);
        ck_assert_int_eq(fake_gnt_grant(&r->e.gnt, r->page[i], false, &r->ref[i]), 0);
    }
    return r;
}

static void raw_teardown(struct raw *r)
{
    for (unsigned int i = 0; i < 12; i++) {
        ck_assert_int_eq(fake_gnt_end(&r->e.gnt, r->ref[i]), 0);
        free(r->page[i]);
    }
    blk_env_fini(&r->e);
    blk_check_no_leaks(&r->e);
    free(r);
}

static struct blkif_request rw(uint8_t op, uint64_t sector, unsigned int nseg, const struct raw *r)
{
    struct blkif_request rq;

    memset(&rq, 0, sizeof(rq));
    rq.operation = op;
    rq.nr_segments = (uint8_t)nseg;
    rq.id = 0xabc000 + sector;
    rq.sector_number = sector;
    for (unsigned int i = 0; i < nseg && i < 11; i++)
        rq.seg[i] =
            (struct blkif_request_segment){.gref = r->ref[i], .first_sect = 0, .last_sect = 7};
    return rq;
}

static void raw_put(struct raw *r, const void *rq)
{
    ck_assert_int_eq(blkif_front_put_request(&r->f, rq), 0);
    blkif_front_push(&r->f);
}

/* Pumps until one response arrives; its status (the id must match). */
static int raw_status(struct raw *r, uint64_t id)
{
    struct blkif_response rsp;

    for (int i = 0; i < 20; i++) {
        if (blkif_front_take_response(&r->f, &rsp) == 1) {
            ck_assert_uint_eq(rsp.id, id);
            return rsp.status;
        }
        blk_env_pump(&r->e);
    }
    ck_abort_msg("no response");
    return 99;
}

static int raw_one(struct raw *r, struct blkif_request rq)
{
    raw_put(r, &rq);
    return raw_status(r, rq.id);
}

/* The backend still serves a good write and read after whatever came before. */
static void still_serves(struct raw *r)
{
    ck_assert_int_eq(raw_one(r, rw(BLKIF_OP_WRITE, 16, 2, r)), BLKIF_RSP_OKAY);
    ck_assert_int_eq(raw_one(r, rw(BLKIF_OP_READ, 16, 1, r)), BLKIF_RSP_OKAY);
}

static void r3_cases(enum blkback_strategy s)
{
    struct raw *r = raw_setup(s, (struct blk_env_cfg){.can_flush = false});
    struct blkif_request rq;

    rq = rw(BLKIF_OP_READ, 0, 1, r);
    rq.seg[0].gref = 1500; /* never granted */
    ck_assert_int_eq(raw_one(r, rq), BLKIF_RSP_ERROR);
    rq = rw(BLKIF_OP_READ, 0, 1, r);
    rq.seg[0].gref = 3; /* reserved, never granted */
    ck_assert_int_eq(raw_one(r, rq), BLKIF_RSP_ERROR);
    rq = rw(BLKIF_OP_READ, 0, 11, r);
    rq.nr_segments = 12;
    ck_assert_int_eq(raw_one(r, rq), BLKIF_RSP_ERROR);
    rq.nr_segments = 255;
    ck_assert_int_eq(raw_one(r, rq), BLKIF_RSP_ERROR);
    ck_assert_int_eq(raw_one(r, rw(BLKIF_OP_READ, 0, 0, r)), BLKIF_RSP_ERROR);
    ck_assert_int_eq(raw_one(r, rw(BLKIF_OP_WRITE, 0, 0, r)), BLKIF_RSP_ERROR);
    rq = rw(BLKIF_OP_READ, 0, 2, r);
    rq.seg[1].first_sect = 5;
    rq.seg[1].last_sect = 4;
    ck_assert_int_eq(raw_one(r, rq), BLKIF_RSP_ERROR);
    rq.seg[1].first_sect = 0;
    rq.seg[1].last_sect = 8;
    ck_assert_int_eq(raw_one(r, rq), BLKIF_RSP_ERROR);
    ck_assert_int_eq(raw_one(r, rw(BLKIF_OP_READ, 250, 1, r)), BLKIF_RSP_ERROR); /* 250+8 > 256 */
    ck_assert_int_eq(raw_one(r, rw(BLKIF_OP_READ, 248, 1, r)), BLKIF_RSP_OKAY);  /* the last 8 */
    ck_assert_int_eq(raw_one(r, rw(BLKIF_OP_READ, UINT64_MAX - 3, 1, r)), BLKIF_RSP_ERROR);
    ck_assert_int_eq(raw_one(r, rw(BLKIF_OP_WRITE, 257, 1, r)), BLKIF_RSP_ERROR);
    rq = rw(77, 0, 1, r);
    ck_assert_int_eq(raw_one(r, rq), BLKIF_RSP_EOPNOTSUPP);
    ck_assert_int_eq(raw_one(r, rw(BLKIF_OP_DISCARD, 0, 0, r)), BLKIF_RSP_EOPNOTSUPP);
    ck_assert_int_eq(raw_one(r, rw(BLKIF_OP_RESERVED_1, 0, 0, r)), BLKIF_RSP_EOPNOTSUPP);
    ck_assert_int_eq(raw_one(r, rw(BLKIF_OP_INDIRECT, 0, 0, r)), BLKIF_RSP_EOPNOTSUPP);
    /* The disk cannot flush: flush and barrier are not supported, never OKAY. */
    ck_assert_int_eq(raw_one(r, rw(BLKIF_OP_FLUSH_DISKCACHE, 0, 0, r)), BLKIF_RSP_EOPNOTSUPP);
    ck_assert_int_eq(raw_one(r, rw(BLKIF_OP_WRITE_BARRIER, 0, 1, r)), BLKIF_RSP_EOPNOTSUPP);
    /* A read needs a writable grant. */
    grant_ref_t ro;
    ck_assert_int_eq(fake_gnt_grant(&r->e.gnt, r->page[11], true, &ro), 0);
    rq = rw(BLKIF_OP_READ, 0, 1, r);
    rq.seg[0].gref = ro;
    ck_assert_int_eq(raw_one(r, rq), BLKIF_RSP_ERROR);
    ck_assert_int_eq(fake_gnt_end(&r->e.gnt, ro), 0);
    ck_assert_uint_eq(r->e.gnt.maps, 0);
    ck_assert_uint_eq(r->e.disk.writes, 0);
    /* MAP refuses bad grants before the disk; COPY finds them at copy-back. */
    if (s == BLKBACK_MAP)
        ck_assert_uint_eq(r->e.disk.reads, 1);
    still_serves(r);
    raw_teardown(r);
}

START_TEST(r3_validation)
{
    r3_cases(BLKBACK_MAP);
    r3_cases(BLKBACK_COPY);
}
END_TEST

START_TEST(r3_readonly)
{
    struct raw *r = raw_setup(BLKBACK_MAP, (struct blk_env_cfg){.guest_ro = true});

    ck_assert_int_eq(raw_one(r, rw(BLKIF_OP_WRITE, 0, 1, r)), BLKIF_RSP_ERROR);
    ck_assert_int_eq(raw_one(r, rw(BLKIF_OP_READ, 0, 1, r)), BLKIF_RSP_OKAY);
    raw_teardown(r);
    r = raw_setup(BLKBACK_COPY, (struct blk_env_cfg){.disk_ro = true, .can_flush = true});
    ck_assert_int_eq(raw_one(r, rw(BLKIF_OP_WRITE, 0, 1, r)), BLKIF_RSP_ERROR);
    ck_assert_int_eq(raw_one(r, rw(BLKIF_OP_FLUSH_DISKCACHE, 0, 1, r)), BLKIF_RSP_ERROR);
    ck_assert_uint_eq(r->e.disk.writes, 0);
    raw_teardown(r);
}
END_TEST

/* Indirect requests: served up to the advertised limit, checked like direct ones. */
static void indirect_cases(enum blkback_strategy s)
{
    struct raw *r = raw_setup(s, (struct blk_env_cfg){.back_indirect = 20, .can_flush = true});
    uint8_t *ipage = aligned_alloc(4096, 4096);
    struct blkif_request_segment *segs = (void *)ipage;
    union {
        struct blkif_request rq;
        struct blkif_request_indirect ind;
    } u;
    grant_ref_t iref;

    memset(ipage, 0, 4096);
    ck_assert_int_eq(fake_gnt_grant(&r->e.gnt, ipage, true, &iref), 0);
    for (unsigned int i = 0; i < 20; i++)
        segs[i] = (struct blkif_request_segment){.gref = r->ref[i % 12], .last_sect = 0};
    memset(&u, 0, sizeof(u));
    u.ind.operation = BLKIF_OP_INDIRECT;
    u.ind.indirect_op = BLKIF_OP_WRITE;
    u.ind.nr_segments = 20;
    u.ind.id = 42;
    u.ind.sector_number = 100;
    u.ind.indirect_grefs[0] = iref;
    ck_assert_int_eq(raw_one(r, u.rq), BLKIF_RSP_OKAY);
    ck_assert(memcmp(r->e.disk.cache + 100 * 512, r->page[0], 512) == 0);
    ck_assert(memcmp(r->e.disk.cache + 119 * 512, r->page[19 % 12], 512) == 0);
    u.ind.nr_segments = 21; /* over the advertised limit */
    ck_assert_int_eq(raw_one(r, u.rq), BLKIF_RSP_ERROR);
    u.ind.nr_segments = 0;
    ck_assert_int_eq(raw_one(r, u.rq), BLKIF_RSP_ERROR);
    u.ind.nr_segments = 20;
    u.ind.indirect_op = BLKIF_OP_FLUSH_DISKCACHE;
    ck_assert_int_eq(raw_one(r, u.rq), BLKIF_RSP_ERROR);
    u.ind.indirect_op = BLKIF_OP_READ;
    u.ind.indirect_grefs[0] = 1999; /* never granted */
    ck_assert_int_eq(raw_one(r, u.rq), BLKIF_RSP_ERROR);
    u.ind.indirect_grefs[0] = iref;
    segs[7].last_sect = 9; /* a bad segment inside the page */
    ck_assert_int_eq(raw_one(r, u.rq), BLKIF_RSP_ERROR);
    segs[7].last_sect = 0;
    ck_assert_int_eq(raw_one(r, u.rq), BLKIF_RSP_OKAY);
    ck_assert_int_eq(fake_gnt_end(&r->e.gnt, iref), 0);
    free(ipage);
    still_serves(r);
    raw_teardown(r);
}

START_TEST(indirect)
{
    indirect_cases(BLKBACK_MAP);
    indirect_cases(BLKBACK_COPY);
}
END_TEST

/* R2: an impossible req_prod disconnects with one log line; no endless loop. */
static void bogus_prod(RING_IDX prod)
{
    struct raw *r = raw_setup(BLKBACK_MAP, (struct blk_env_cfg){0});
    struct blkif_sring *s = r->e.ring_page;

    ck_assert_int_eq(raw_one(r, rw(BLKIF_OP_READ, 0, 1, r)), BLKIF_RSP_OKAY);
    s->req_prod = prod;
    ck_assert_int_eq(blkback_ring_kick(r->e.back), -EIO);
    ck_assert_uint_eq(r->e.log_lines, 1);
    ck_assert(strstr(r->e.last_log, "disconnecting") != NULL);
    ck_assert_int_eq(blkback_ring_kick(r->e.back), -ENOTCONN);
    ck_assert_uint_eq(r->e.log_lines, 1);
    ck_assert(blkback_ring_quiesced(r->e.back));
    raw_teardown(r);
}

START_TEST(r2_bogus_req_prod)
{
    bogus_prod(1 + 33);      /* more than a ring ahead */
    bogus_prod(0);           /* behind what was consumed */
    bogus_prod(0x80000000u); /* far away */
}
END_TEST

/* R2: exactly a full ring is fine. */
START_TEST(r2_full_ring)
{
    struct raw *r = raw_setup(BLKBACK_COPY, (struct blk_env_cfg){.depth = 64});
    struct blkif_response rsp;
    unsigned int n = 0;

    for (unsigned int i = 0; i < 32; i++) {
        struct blkif_request rq = rw(BLKIF_OP_READ, i, 1, r);
        ck_assert_int_eq(blkif_front_put_request(&r->f, &rq), 0);
    }
    blkif_front_push(&r->f);
    for (int round = 0; round < 10; round++)
        blk_env_pump(&r->e);
    while (blkif_front_take_response(&r->f, &rsp) == 1) {
        ck_assert_int_eq(rsp.status, BLKIF_RSP_OKAY);
        n++;
    }
    ck_assert_uint_eq(n, 32);
    raw_teardown(r);
}
END_TEST

/* R4: a flood meets a fixed pool; consumption pauses and resumes. */
START_TEST(r4_flood_bounded)
{
    struct raw *r = raw_setup(BLKBACK_MAP, (struct blk_env_cfg){.nr_reqs = 4, .depth = 64});
    struct blkif_response rsp;
    unsigned int n = 0;

    for (unsigned int i = 0; i < 32; i++) {
        struct blkif_request rq = rw(BLKIF_OP_READ, i, 11, r);
        ck_assert_int_eq(blkif_front_put_request(&r->f, &rq), 0);
    }
    blkif_front_push(&r->f);
    ck_assert_int_eq(blkback_ring_kick(r->e.back), 0);
    ck_assert_uint_eq(r->e.back->nr_active, 4);
    ck_assert_uint_eq(r->e.back->back.req_cons, 4);
    ck_assert_uint_eq(r->e.gnt.maps, 4 * 11);
    ck_assert_uint_gt(r->e.back->stats.pool_exhausted, 0);
    for (int round = 0; round < 40 && n < 32; round++) {
        blk_env_pump(&r->e);
        ck_assert_uint_le(r->e.back->nr_active, 4);
        ck_assert_uint_le(r->e.gnt.maps, 4 * 11);
        while (blkif_front_take_response(&r->f, &rsp) == 1)
            n++;
    }
    ck_assert_uint_eq(n, 32);
    raw_teardown(r);
}
END_TEST

/* R1: rewriting a request after the backend took it changes nothing. */
static void rewrite_after_read(enum blkback_strategy s)
{
    struct raw *r = raw_setup(s, (struct blk_env_cfg){0});
    struct blkif_sring *sr = r->e.ring_page;
    struct blkif_request rq = rw(BLKIF_OP_READ, 10, 1, r);
    struct blkif_response rsp;

    memset(r->e.disk.cache + 10 * 512, 'A', 8 * 512);
    memset(r->e.disk.cache + 20 * 512, 'B', 8 * 512);
    memset(r->page[0], 0, 4096);
    memset(r->page[1], 'C', 4096);
    raw_put(r, &rq);
    ck_assert_int_eq(blkback_ring_kick(r->e.back), 0); /* taken, on the disk */
    sr->ring[0].req.operation = BLKIF_OP_WRITE;
    sr->ring[0].req.sector_number = 20;
    sr->ring[0].req.seg[0].gref = r->ref[1];
    sr->ring[0].req.id = 999;
    blk_env_pump(&r->e);
    ck_assert_int_eq(blkif_front_take_response(&r->f, &rsp), 1);
    ck_assert_uint_eq(rsp.id, rq.id);
    ck_assert_int_eq(rsp.operation, BLKIF_OP_READ);
    ck_assert_int_eq(rsp.status, BLKIF_RSP_OKAY);
    ck_assert_int_eq(r->page[0][0], 'A');
    ck_assert_int_eq(r->e.disk.cache[20 * 512], 'B');
    ck_assert_uint_eq(r->e.disk.writes, 0);
    raw_teardown(r);
}

START_TEST(r1_rewrite)
{
    rewrite_after_read(BLKBACK_MAP);
    rewrite_after_read(BLKBACK_COPY);
}
END_TEST

/* R5: a grant failure in the middle of a request undoes the rest. */
START_TEST(r5_partial_map)
{
    struct raw *r = raw_setup(BLKBACK_MAP, (struct blk_env_cfg){0});

    r->e.gnt.fail_map_in = 6;
    ck_assert_int_eq(raw_one(r, rw(BLKIF_OP_WRITE, 0, 11, r)), BLKIF_RSP_ERROR);
    ck_assert_uint_eq(r->e.gnt.maps, 0);
    ck_assert_uint_eq(r->e.disk.writes, 0);
    ck_assert_uint_eq(r->e.back->stats.grant_errors, 1);
    still_serves(r);
    raw_teardown(r);
}
END_TEST

START_TEST(r5_partial_copy)
{
    struct raw *r = raw_setup(BLKBACK_COPY, (struct blk_env_cfg){0});

    r->e.gnt.fail_copy_in = 4; /* copy-in of a write */
    ck_assert_int_eq(raw_one(r, rw(BLKIF_OP_WRITE, 0, 11, r)), BLKIF_RSP_ERROR);
    ck_assert_uint_eq(r->e.disk.writes, 0);
    r->e.gnt.fail_copy_in = 9; /* copy-back of a read: never OKAY */
    ck_assert_int_eq(raw_one(r, rw(BLKIF_OP_READ, 0, 11, r)), BLKIF_RSP_ERROR);
    still_serves(r);
    raw_teardown(r);
}
END_TEST

/*
 * D2/D4: writes and a flush in one batch, completed by the disk one at a
 * time in random order: when the flush is answered OKAY the stable image
 * holds every write before it. Flush with data: flush, then the write.
 */
START_TEST(d2_flush_orders)
{
    struct raw *r = raw_setup(BLKBACK_MAP, (struct blk_env_cfg){.depth = 16, .can_flush = true});
    struct blkif_request flush = rw(BLKIF_OP_FLUSH_DISKCACHE, 0, 0, r);
    struct blkif_response rsp;
    bool flushed = false;

    r->e.per_round = 1;
    for (unsigned int i = 0; i < 8; i++) {
        struct blkif_request rq = rw(BLKIF_OP_WRITE, i * 8, 1, r);
        rq.seg[0].gref = r->ref[i];
        ck_assert_int_eq(blkif_front_put_request(&r->f, &rq), 0);
    }
    flush.id = 777;
    ck_assert_int_eq(blkif_front_put_request(&r->f, &flush), 0);
    blkif_front_push(&r->f);
    for (int round = 0; round < 40 && !flushed; round++) {
        blk_env_pump(&r->e);
        while (blkif_front_take_response(&r->f, &rsp) == 1) {
            ck_assert_int_eq(rsp.status, BLKIF_RSP_OKAY);
            flushed |= rsp.id == 777;
        }
    }
    ck_assert(flushed);
    for (unsigned int i = 0; i < 8; i++)
        ck_assert(memcmp(r->e.disk.stable + i * 8 * 512, r->page[i], 4096) == 0);
    /* D4: flush with data. */
    uint64_t flushes = r->e.disk.flushes;
    ck_assert_int_eq(raw_one(r, rw(BLKIF_OP_FLUSH_DISKCACHE, 64, 2, r)), BLKIF_RSP_OKAY);
    ck_assert_uint_eq(r->e.disk.flushes, flushes + 1);
    ck_assert(memcmp(r->e.disk.cache + 64 * 512, r->page[0], 4096) == 0);
    ck_assert_int_eq(raw_one(r, rw(BLKIF_OP_WRITE_BARRIER, 80, 1, r)), BLKIF_RSP_OKAY);
    /* D5: a failed flush is never OKAY, with or without data. */
    r->e.disk.fail_flush_in = 1;
    ck_assert_int_eq(raw_one(r, rw(BLKIF_OP_FLUSH_DISKCACHE, 0, 0, r)), BLKIF_RSP_ERROR);
    r->e.disk.fail_flush_in = 1;
    ck_assert_int_eq(raw_one(r, rw(BLKIF_OP_FLUSH_DISKCACHE, 96, 1, r)), BLKIF_RSP_ERROR);
    ck_assert(r->e.disk.cache[96 * 512] != r->page[0][0] || r->page[0][0] == 0);
    raw_teardown(r);
}
END_TEST

/* R8 with an ordering request waiting to drain and one the disk holds. */
START_TEST(r8_barrier_teardown)
{
    struct raw *r = raw_setup(BLKBACK_COPY, (struct blk_env_cfg){.depth = 16, .can_flush = true});

    for (unsigned int i = 0; i < 4; i++) {
        struct blkif_request rq = rw(BLKIF_OP_WRITE, i * 8, 2, r);
        ck_assert_int_eq(blkif_front_put_request(&r->f, &rq), 0);
    }
    struct blkif_request flush = rw(BLKIF_OP_FLUSH_DISKCACHE, 0, 0, r);
    ck_assert_int_eq(blkif_front_put_request(&r->f, &flush), 0);
    blkif_front_push(&r->f);
    ck_assert_int_eq(blkback_ring_kick(r->e.back), 0);
    ck_assert(r->e.back->barrier != NULL);
    ck_assert_uint_eq(r->e.back->nr_active, 5);
    blkback_ring_disconnect(r->e.back);
    ck_assert_uint_eq(r->e.back->nr_active, 4); /* the waiting flush is dropped */
    fake_disk_complete(&r->e.disk, 0);
    ck_assert(blkback_ring_quiesced(r->e.back));
    ck_assert_uint_eq(r->e.quiesced, 1);
    raw_teardown(r);
}
END_TEST

/* ---- the test as a hostile backend, blkfront under test ---- */

struct rawback {
    struct blk_env e;
    struct blkif_back_ring b;
};

static void done_count(struct blkfront_io *io, int status)
{
    int *calls = io->cookie;

    (*calls)++;
    io->cookie = calls;
    ck_assert_int_ge(status, -1000);
}

static void put_rsp(struct rawback *rb, uint64_t id, int status)
{
    struct blkif_response rsp = {.id = id, .operation = BLKIF_OP_READ, .status = (int16_t)status};

    ck_assert_int_eq(blkif_back_put_response(&rb->b, &rsp), 0);
    blkif_back_push(&rb->b);
}

START_TEST(r7_bogus_ids)
{
    struct rawback *rb = calloc(1, sizeof(*rb));
    uint8_t *buf = aligned_alloc(4096, 8192);
    struct blkfront_io a = {.op = BLKFRONT_READ, .buf = buf, .len = 4096};
    struct blkfront_io b = {.op = BLKFRONT_READ, .buf = buf + 4096, .len = 512};
    struct blkif_request ra, rbq;
    int calls = 0;

    blk_env_init(&rb->e, &(struct blk_env_cfg){.strategy = BLKBACK_MAP});
    BACK_RING_INIT(&rb->b, (struct blkif_sring *)rb->e.ring_page, 4096);
    a.done = b.done = done_count;
    a.cookie = b.cookie = &calls;
    ck_assert_int_eq(blkfront_submit(&rb->e.front, &a), 0);
    ck_assert_int_eq(blkfront_submit(&rb->e.front, &b), 0);
    ck_assert_int_eq(blkif_back_take_request(&rb->b, &ra), 1);
    ck_assert_int_eq(blkif_back_take_request(&rb->b, &rbq), 1);
    put_rsp(rb, ra.id + 32, BLKIF_RSP_OKAY); /* the same slot, an id never issued */
    ck_assert_int_eq(blkfront_poll(&rb->e.front), 0);
    ck_assert_uint_eq(rb->e.front.stats.bogus_responses, 1);
    ck_assert_uint_eq(rb->e.log_lines, 1);
    ck_assert_int_eq(calls, 0);
    ck_assert_uint_eq(rb->e.gnt.grants, 2); /* both still in flight */
    put_rsp(rb, ra.id, BLKIF_RSP_OKAY);
    ck_assert_int_eq(blkfront_poll(&rb->e.front), 1);
    ck_assert_int_eq(calls, 1);
    ck_assert_uint_eq(rb->e.gnt.grants, 1);
    /* Two responses for two requests: a third is impossible (R2). */
    ((struct blkif_sring *)rb->e.ring_page)->rsp_prod++;
    ck_assert_int_eq(blkfront_poll(&rb->e.front), -EIO);
    ck_assert_int_eq(calls, 2); /* b failed */
    ck_assert_int_eq(b.status, -EIO);
    ck_assert_int_eq(blkfront_submit(&rb->e.front, &a), -EIO);
    blkback_ring_disconnect(rb->e.back);
    blk_env_fini(&rb->e);
    blk_check_no_leaks(&rb->e);
    free(buf);
    free(rb);
}
END_TEST

/* An answered id answered again (with room for it) is ignored too. */
START_TEST(r7_duplicate)
{
    struct rawback *rb = calloc(1, sizeof(*rb));
    uint8_t *buf = aligned_alloc(4096, 8192);
    struct blkfront_io a = {.op = BLKFRONT_READ, .buf = buf, .len = 512};
    struct blkfront_io b = {.op = BLKFRONT_READ, .buf = buf + 4096, .len = 512};
    struct blkif_request ra, rbq;
    int calls = 0;

    blk_env_init(&rb->e, &(struct blk_env_cfg){.strategy = BLKBACK_MAP});
    BACK_RING_INIT(&rb->b, (struct blkif_sring *)rb->e.ring_page, 4096);
    a.done = b.done = done_count;
    a.cookie = b.cookie = &calls;
    ck_assert_int_eq(blkfront_submit(&rb->e.front, &a), 0);
    ck_assert_int_eq(blkfront_submit(&rb->e.front, &b), 0);
    ck_assert_int_eq(blkif_back_take_request(&rb->b, &ra), 1);
    ck_assert_int_eq(blkif_back_take_request(&rb->b, &rbq), 1);
    put_rsp(rb, ra.id, BLKIF_RSP_OKAY);
    put_rsp(rb, ra.id, BLKIF_RSP_OKAY); /* b's slot in the ring, a's id again */
    ck_assert_int_eq(blkfront_poll(&rb->e.front), 1);
    ck_assert_int_eq(calls, 1);
    ck_assert_uint_eq(rb->e.front.stats.bogus_responses, 1);
    blkback_ring_disconnect(rb->e.back);
    blk_env_fini(&rb->e); /* b fails with -ENOTCONN, its grant ended */
    ck_assert_int_eq(calls, 2);
    blk_check_no_leaks(&rb->e);
    free(buf);
    free(rb);
}
END_TEST

Suite *blk_hostile_suite(void)
{
    Suite *s = suite_create("blk_hostile");
    TCase *tc = tcase_create("hostile");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, r3_validation);
    tcase_add_test(tc, r3_readonly);
    tcase_add_test(tc, indirect);
    tcase_add_test(tc, r2_bogus_req_prod);
    tcase_add_test(tc, r2_full_ring);
    tcase_add_test(tc, r4_flood_bounded);
    tcase_add_test(tc, r1_rewrite);
    tcase_add_test(tc, r5_partial_map);
    tcase_add_test(tc, r5_partial_copy);
    tcase_add_test(tc, d2_flush_orders);
    tcase_add_test(tc, r8_barrier_teardown);
    tcase_add_test(tc, r7_bogus_ids);
    tcase_add_test(tc, r7_duplicate);
    suite_add_tcase(s, tc);
    return s;
}
