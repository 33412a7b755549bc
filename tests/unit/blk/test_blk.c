/*
 * test_blk.c - blkfront's core against blkback's core on the host (blk_env.c):
 * data integrity with mixed sizes, queue depths, both data strategies and
 * indirect requests; flush durability (D2, D3), errors from below (D5),
 * teardown with I/O in flight (R8) and re-submission after a reconnect.
 * Hostile peers are in test_blk_hostile.c. Every test ends with the fake
 * grant table's counts back at zero.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "blk_fakes.h"
#include "blk_test.h"

void blk_check_no_leaks(const struct blk_env *e)
{
    ck_assert_uint_eq(e->gnt.grants, 0);
    ck_assert_uint_eq(e->gnt.maps, 0);
    ck_assert_uint_eq(e->gnt.pages_live, 0);
    ck_assert_uint_eq(e->gnt.misuse, 0);
}

void *test_pages(size_t len)
{
    return aligned_alloc(4096, (len + 4095) & ~(size_t)4095);
}

/* ---- async I/O helpers ---- */

struct tio {
    struct blkfront_io io;
    uint8_t *mem; /* allocation; io.buf lies inside */
    bool done;
    int status;
};

static void tio_done(struct blkfront_io *io, int status)
{
    struct tio *t = io->cookie;

    ck_assert(!t->done); /* exactly once */
    t->done = true;
    t->status = status;
}

/* A buffer of len bytes at a 512-aligned, possibly unaligned-to-page offset. */
static void tio_prepare(struct tio *t, enum blkfront_op op, uint64_t sector, size_t len,
                        unsigned int off_sectors)
{
    memset(t, 0, sizeof(*t));
    t->mem = test_pages(len + 4096);
    t->io.op = op;
    t->io.sector = sector;
    t->io.buf = t->mem + (off_sectors % 8) * 512;
    t->io.len = len;
    t->io.done = tio_done;
    t->io.cookie = t;
}

static void fill(uint8_t *p, size_t len, uint32_t seed)
{
    for (size_t i = 0; i < len; i++)
        p[i] = (uint8_t)((seed * 2654435761u + i * 40503u) >> 13);
}

static void pump_until_done(struct blk_env *e, struct tio *t, unsigned int n)
{
    for (unsigned int round = 0; round < 10000; round++) {
        unsigned int left = 0;

        blkfront_poll(&e->front);
        for (unsigned int i = 0; i < n; i++)
            left += !t[i].done;
        if (!left)
            return;
        blk_env_pump(e);
    }
    ck_abort_msg("I/O did not complete");
}

static uint32_t rnd(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

#define REGIONS 16

/*
 * Rounds of REGIONS concurrent writes of random size and buffer offset (one
 * per disjoint region), a flush, then reads of random ranges compared with
 * the model; the stable image must equal the model after each flush.
 */
static void integrity(enum blkback_strategy s, unsigned int indirect, unsigned int depth,
                      unsigned int per_round)
{
    struct blk_env_cfg cfg = {.strategy = s,
                              .back_indirect = indirect,
                              .sectors = 4096,
                              .depth = depth,
                              .can_flush = true};
    struct blk_env *e = calloc(1, sizeof(*e));
    uint64_t region = 4096 / REGIONS;
    uint8_t *model = calloc(1, 4096 * 512);
    struct tio t[REGIONS];
    uint32_t seed = 7 + depth + indirect;

    blk_env_init(e, &cfg);
    e->per_round = per_round;
    for (int round = 0; round < 6; round++) {
        for (unsigned int i = 0; i < REGIONS; i++) {
            uint64_t start = i * region + rnd(&seed) % (region / 2);
            size_t len = (1 + rnd(&seed) % (region / 2)) * 512;

            tio_prepare(&t[i], BLKFRONT_WRITE, start, len, rnd(&seed));
            fill(t[i].io.buf, len, rnd(&seed));
            memcpy(model + start * 512, t[i].io.buf, len);
            ck_assert_int_eq(blkfront_submit(&e->front, &t[i].io), 0);
        }
        pump_until_done(e, t, REGIONS);
        for (unsigned int i = 0; i < REGIONS; i++) {
            ck_assert_int_eq(t[i].status, 0);
            free(t[i].mem);
        }
        ck_assert_int_eq(blkfront_flush(&e->front), 0);
        ck_assert(memcmp(e->disk.stable, model, 4096 * 512) == 0);
        for (unsigned int i = 0; i < REGIONS; i++) {
            uint64_t start = rnd(&seed) % 4000;
            size_t len = (1 + rnd(&seed) % 96) * 512;

            tio_prepare(&t[i], BLKFRONT_READ, start, len, rnd(&seed));
            ck_assert_int_eq(blkfront_submit(&e->front, &t[i].io), 0);
        }
        pump_until_done(e, t, REGIONS);
        for (unsigned int i = 0; i < REGIONS; i++) {
            ck_assert_int_eq(t[i].status, 0);
            ck_assert(memcmp(t[i].io.buf, model + t[i].io.sector * 512, t[i].io.len) == 0);
            free(t[i].mem);
        }
    }
    ck_assert_uint_eq(e->front.stats.bogus_responses, 0);
    ck_assert_uint_eq(e->back->stats.rsp_error, 0);
    blk_env_fini(e);
    blk_check_no_leaks(e);
    free(model);
    free(e);
}

START_TEST(integrity_map)
{
    integrity(BLKBACK_MAP, 0, 16, 0);
    integrity(BLKBACK_MAP, 0, 2, 1);
}
END_TEST

START_TEST(integrity_copy)
{
    integrity(BLKBACK_COPY, 0, 16, 0);
    integrity(BLKBACK_COPY, 0, 3, 2);
}
END_TEST

START_TEST(integrity_indirect)
{
    integrity(BLKBACK_MAP, 32, 16, 0);
    integrity(BLKBACK_COPY, 32, 4, 1);
}
END_TEST

/* The sync API: any sector-aligned length, from unaligned-to-page buffers. */
START_TEST(sync_sizes)
{
    struct blk_env_cfg cfg = {
        .strategy = BLKBACK_MAP, .sectors = 2048, .depth = 4, .can_flush = true};
    struct blk_env e;
    uint8_t *w = test_pages(300 * 512 + 4096), *r = test_pages(300 * 512 + 4096);

    blk_env_init(&e, &cfg);
    for (size_t n = 1; n <= 300; n += 37) {
        fill(w + 512, n * 512, (uint32_t)n);
        ck_assert_int_eq(blkfront_write(&e.front, 1000, w + 512, n * 512), 0);
        memset(r, 0, 300 * 512 + 4096);
        ck_assert_int_eq(blkfront_read(&e.front, 1000, r + 1536, n * 512), 0);
        ck_assert(memcmp(w + 512, r + 1536, n * 512) == 0);
    }
    ck_assert_int_eq(blkfront_flush(&e.front), 0);
    blk_env_fini(&e);
    blk_check_no_leaks(&e);
    free(w);
    free(r);
}
END_TEST

/* Bad I/Os are refused by blkfront before anything is issued. */
START_TEST(front_refuses)
{
    struct blk_env_cfg cfg = {.strategy = BLKBACK_MAP, .sectors = 64, .guest_ro = true};
    struct blk_env e;
    uint8_t *buf = aligned_alloc(4096, 8192);

    blk_env_init(&e, &cfg);
    ck_assert_int_eq(blkfront_read(&e.front, 0, buf + 1, 512), -EINVAL);
    ck_assert_int_eq(blkfront_read(&e.front, 0, buf, 100), -EINVAL);
    ck_assert_int_eq(blkfront_read(&e.front, 0, buf, 0), -EINVAL);
    ck_assert_int_eq(blkfront_read(&e.front, 63, buf, 1024), -EINVAL);
    ck_assert_int_eq(blkfront_read(&e.front, UINT64_MAX, buf, 512), -EINVAL);
    ck_assert_int_eq(blkfront_write(&e.front, 0, buf, 512), -EROFS);
    ck_assert_int_eq(blkfront_flush(&e.front), -EOPNOTSUPP); /* not advertised */
    ck_assert_int_eq(blkfront_read(&e.front, 63, buf, 512), 0);
    ck_assert_uint_eq(e.front.stats.requests, 1);
    blk_env_fini(&e);
    blk_check_no_leaks(&e);
    free(buf);
}
END_TEST

/* D3: a disk that cannot flush is written through; flush is not offered. */
START_TEST(no_flush_writes_through)
{
    struct blk_env_cfg cfg = {.strategy = BLKBACK_COPY, .sectors = 64};
    struct blk_env e;
    uint8_t *buf = aligned_alloc(4096, 4096);

    blk_env_init(&e, &cfg);
    ck_assert(!blk_env_info(&e).can_flush);
    fill(buf, 4096, 3);
    ck_assert_int_eq(blkfront_write(&e.front, 8, buf, 4096), 0);
    ck_assert(memcmp(e.disk.stable + 8 * 512, buf, 4096) == 0);
    ck_assert_int_eq(blkfront_flush(&e.front), -EOPNOTSUPP);
    blk_env_fini(&e);
    blk_check_no_leaks(&e);
    free(buf);
}
END_TEST

/* D5: an error below becomes an error above; a failed flush is never OKAY. */
static void errors_from_below(enum blkback_strategy s)
{
    struct blk_env_cfg cfg = {.strategy = s, .sectors = 512, .depth = 4, .can_flush = true};
    struct blk_env e;
    uint8_t *buf = test_pages(64 * 512);

    blk_env_init(&e, &cfg);
    fill(buf, 64 * 512, 9);
    e.disk.fail_write_in = 1;
    ck_assert_int_eq(blkfront_write(&e.front, 0, buf, 512), -EIO);
    e.disk.fail_flush_in = 1;
    ck_assert_int_eq(blkfront_flush(&e.front), -EIO);
    /* One failing part of a multi-request write fails the whole I/O. */
    e.disk.fail_sector = 40;
    ck_assert_int_eq(blkfront_write(&e.front, 0, buf, 64 * 512), -EIO);
    e.disk.fail_sector = UINT64_MAX;
    ck_assert_uint_eq(e.back->stats.rsp_error, 2 + 1);
    ck_assert_uint_eq(e.back->stats.device_errors, 3);
    ck_assert_int_eq(blkfront_write(&e.front, 0, buf, 64 * 512), 0);
    ck_assert_int_eq(blkfront_flush(&e.front), 0);
    blk_env_fini(&e);
    blk_check_no_leaks(&e);
    free(buf);
}

START_TEST(d5_errors)
{
    errors_from_below(BLKBACK_MAP);
    errors_from_below(BLKBACK_COPY);
}
END_TEST

/*
 * R8: the backend disconnects while requests are on the device, held in
 * its retry queue (-EBUSY) and waiting as an ordering point; nothing is
 * freed until the device is done, then everything is.
 */
static void teardown_mid_io(enum blkback_strategy s)
{
    struct blk_env_cfg cfg = {.strategy = s, .sectors = 4096, .depth = 3, .can_flush = true};
    struct blk_env *e = calloc(1, sizeof(*e));
    struct tio t[12];

    blk_env_init(e, &cfg);
    for (unsigned int i = 0; i < 12; i++) {
        tio_prepare(&t[i], BLKFRONT_WRITE, i * 100, (1 + i) * 4096, i);
        fill(t[i].io.buf, t[i].io.len, i);
        ck_assert_int_eq(blkfront_submit(&e->front, &t[i].io), 0);
    }
    while (blkback_ring_kick(e->back) == 1)
        ;
    ck_assert_uint_eq(e->disk.nq, 3);
    ck_assert(e->back->retry_head != NULL);
    if (s == BLKBACK_MAP)
        ck_assert_uint_gt(e->gnt.maps, 0);
    blkback_ring_disconnect(e->back);
    ck_assert(!blkback_ring_quiesced(e->back));
    ck_assert_int_eq(blkback_ring_destroy(e->back), -EBUSY);
    ck_assert_uint_eq(e->quiesced, 0);
    ck_assert_int_eq(blkback_ring_kick(e->back), -ENOTCONN);
    fake_disk_complete(&e->disk, 0);
    ck_assert(blkback_ring_quiesced(e->back));
    ck_assert_uint_eq(e->quiesced, 1);
    ck_assert_uint_eq(e->gnt.maps, 0);
    blk_env_fini(e);
    for (unsigned int i = 0; i < 12; i++) {
        ck_assert(t[i].done);
        ck_assert_int_eq(t[i].status, -ENOTCONN);
        free(t[i].mem);
    }
    blk_check_no_leaks(e);
    free(e);
}

START_TEST(r8_teardown_mid_io)
{
    teardown_mid_io(BLKBACK_MAP);
    teardown_mid_io(BLKBACK_COPY);
}
END_TEST

/* I/Os in flight when the backend goes are issued again on the next connection. */
START_TEST(reconnect_resubmits)
{
    struct blk_env_cfg cfg = {
        .strategy = BLKBACK_MAP, .sectors = 4096, .depth = 2, .can_flush = true};
    struct blk_env *e = calloc(1, sizeof(*e));
    struct blkfront_info info;
    struct tio t[8];
    uint8_t *check = test_pages(64 * 4096);

    blk_env_init(e, &cfg);
    for (unsigned int i = 0; i < 8; i++) {
        tio_prepare(&t[i], BLKFRONT_WRITE, i * 200, (1 + i) * 8192, i);
        fill(t[i].io.buf, t[i].io.len, 100 + i);
        ck_assert_int_eq(blkfront_submit(&e->front, &t[i].io), 0);
    }
    while (blkback_ring_kick(e->back) == 1)
        ;
    fake_disk_complete(&e->disk, 1); /* one answered before the backend goes */
    blkfront_poll(&e->front);
    blk_env_back_stop(e); /* the rest finish on the disk, unanswered */
    blkfront_disconnect(&e->front);
    ck_assert_uint_eq(e->gnt.grants, 0);
    blk_env_back_start(e);
    info = blk_env_info(e);
    ck_assert_int_eq(blkfront_connect(&e->front, &info), 0);
    ck_assert_uint_gt(e->front.stats.resubmitted, 0);
    pump_until_done(e, t, 8);
    for (unsigned int i = 0; i < 8; i++) {
        ck_assert_int_eq(t[i].status, 0);
        ck_assert_int_eq(blkfront_read(&e->front, i * 200, check, t[i].io.len), 0);
        ck_assert(memcmp(check, t[i].io.buf, t[i].io.len) == 0);
        free(t[i].mem);
    }
    blk_env_fini(e);
    blk_check_no_leaks(e);
    free(check);
    free(e);
}
END_TEST

Suite *blk_suite(void)
{
    Suite *s = suite_create("blk");
    TCase *tc = tcase_create("front_back");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, integrity_map);
    tcase_add_test(tc, integrity_copy);
    tcase_add_test(tc, integrity_indirect);
    tcase_add_test(tc, sync_sizes);
    tcase_add_test(tc, front_refuses);
    tcase_add_test(tc, no_flush_writes_through);
    tcase_add_test(tc, d5_errors);
    tcase_add_test(tc, r8_teardown_mid_io);
    tcase_add_test(tc, reconnect_resubmits);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(blk_suite());
    int failed;

    srunner_add_suite(sr, blk_hostile_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
