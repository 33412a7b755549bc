/*
 * test_frame_alloc.c - unit tests for common/frame_alloc.c: pools over a host
 * bitmap (init, add and reserve with clipping, single and aligned range
 * allocation, exhaustion, fragmentation, freeing, double-free panics) and a
 * random workload checked against a shadow model.
 */
#include <errno.h>
#include <stdlib.h>

#include <skiff/frame.h>

#include "core_test.h"

#define POOL_BASE   1000
#define POOL_FRAMES 300
#define BIG_FRAMES  4096

static uint64_t bitmap[BIG_FRAMES / 64 + 1];
static struct frame_pool pool;

/* A pool covering [base, base+nr) with all of it added. */
static void make_pool(uint64_t base, uint64_t nr)
{
    ck_assert_uint_le(frame_pool_bitmap_bytes(nr), sizeof(bitmap));
    frame_pool_init(&pool, base, nr, bitmap);
    frame_pool_add(&pool, mfn(base), nr);
    ck_assert_uint_eq(pool.free_count, nr);
}

static bool range_is_free(uint64_t first, uint64_t count, bool want)
{
    for (uint64_t f = first; f < first + count; f++)
        if (frame_pool_is_free(&pool, mfn(f)) != want)
            return false;
    return true;
}

START_TEST(test_bitmap_bytes)
{
    ck_assert_uint_eq(frame_pool_bitmap_bytes(0), 0);
    ck_assert_uint_eq(frame_pool_bitmap_bytes(1), 8);
    ck_assert_uint_eq(frame_pool_bitmap_bytes(64), 8);
    ck_assert_uint_eq(frame_pool_bitmap_bytes(65), 16);
    ck_assert_uint_eq(frame_pool_bitmap_bytes(1ull << 20), (1ull << 20) / 8);
}
END_TEST

START_TEST(test_init_starts_empty)
{
    memset(bitmap, 0xff, sizeof(bitmap));
    frame_pool_init(&pool, POOL_BASE, POOL_FRAMES, bitmap);
    ck_assert_uint_eq(pool.free_count, 0);
    ck_assert_uint_eq(pool.total, 0);
    ck_assert(range_is_free(POOL_BASE, POOL_FRAMES, false));
    ck_assert(!mfn_valid(frame_pool_alloc(&pool)));
    mfn_t out = mfn(7);
    ck_assert_int_eq(frame_pool_alloc_range(&pool, 1, 1, &out), -ENOMEM);
    ck_assert_uint_eq(out.mfn, 7);
}
END_TEST

START_TEST(test_add_clips_to_pool)
{
    frame_pool_init(&pool, POOL_BASE, POOL_FRAMES, bitmap);
    frame_pool_add(&pool, mfn(0), POOL_BASE);                /* entirely below */
    frame_pool_add(&pool, mfn(POOL_BASE + POOL_FRAMES), 50); /* entirely above */
    frame_pool_add(&pool, mfn(POOL_BASE), 0);
    ck_assert_uint_eq(pool.free_count, 0);

    frame_pool_add(&pool, mfn(POOL_BASE - 100), 200); /* straddles the start */
    ck_assert_uint_eq(pool.free_count, 100);
    ck_assert_uint_eq(pool.total, 100);
    ck_assert(!frame_pool_is_free(&pool, mfn(POOL_BASE - 1)));
    ck_assert(range_is_free(POOL_BASE, 100, true));
    ck_assert(!frame_pool_is_free(&pool, mfn(POOL_BASE + 100)));

    frame_pool_add(&pool, mfn(POOL_BASE + 50), 100); /* half again: counted once */
    ck_assert_uint_eq(pool.free_count, 150);
    ck_assert_uint_eq(pool.total, 150);

    frame_pool_add(&pool, mfn(POOL_BASE + 250), UINT64_MAX); /* end wraps: to the pool end */
    ck_assert_uint_eq(pool.free_count, 200);
    ck_assert(range_is_free(POOL_BASE + 250, 50, true));
    ck_assert(!frame_pool_is_free(&pool, mfn(POOL_BASE + POOL_FRAMES)));
    ck_assert(!frame_pool_is_free(&pool, mfn(UINT64_MAX)));
}
END_TEST

START_TEST(test_reserve_clips_and_counts_once)
{
    make_pool(POOL_BASE, POOL_FRAMES);
    frame_pool_reserve(&pool, mfn(POOL_BASE - 10), 20); /* first 10 frames */
    ck_assert_uint_eq(pool.free_count, POOL_FRAMES - 10);
    frame_pool_reserve(&pool, mfn(POOL_BASE), 20); /* 10 already reserved */
    ck_assert_uint_eq(pool.free_count, POOL_FRAMES - 20);
    frame_pool_reserve(&pool, mfn(0), 5);
    frame_pool_reserve(&pool, mfn(POOL_BASE + POOL_FRAMES), 5);
    frame_pool_reserve(&pool, mfn(POOL_BASE + POOL_FRAMES - 1), UINT64_MAX);
    ck_assert_uint_eq(pool.free_count, POOL_FRAMES - 21);
    ck_assert_uint_eq(pool.total, POOL_FRAMES); /* reserving is not un-adding */
    ck_assert(range_is_free(POOL_BASE, 20, false));
    ck_assert(range_is_free(POOL_BASE + 20, POOL_FRAMES - 21, true));

    /* Reserved frames are never handed out. */
    for (mfn_t f; mfn_valid(f = frame_pool_alloc(&pool));)
        ck_assert(f.mfn >= POOL_BASE + 20 && f.mfn < POOL_BASE + POOL_FRAMES - 1);
    ck_assert_uint_eq(pool.free_count, 0);
}
END_TEST

START_TEST(test_alloc_until_exhausted)
{
    static bool seen[POOL_FRAMES];

    make_pool(POOL_BASE, POOL_FRAMES);
    for (unsigned int n = 0; n < POOL_FRAMES; n++) {
        mfn_t f = frame_pool_alloc(&pool);
        ck_assert(mfn_valid(f));
        ck_assert(f.mfn >= POOL_BASE && f.mfn < POOL_BASE + POOL_FRAMES);
        ck_assert_msg(!seen[f.mfn - POOL_BASE], "frame %llu handed out twice",
                      (unsigned long long)f.mfn);
        seen[f.mfn - POOL_BASE] = true;
        ck_assert(!frame_pool_is_free(&pool, f));
        ck_assert_uint_eq(pool.free_count, POOL_FRAMES - n - 1);
    }
    ck_assert(mfn_eq(frame_pool_alloc(&pool), INVALID_MFN));
    ck_assert(mfn_eq(frame_pool_alloc(&pool), INVALID_MFN));
    ck_assert_uint_eq(pool.free_count, 0);

    frame_pool_free(&pool, mfn(POOL_BASE), POOL_FRAMES);
    ck_assert_uint_eq(pool.free_count, POOL_FRAMES);
    ck_assert(range_is_free(POOL_BASE, POOL_FRAMES, true));
}
END_TEST

START_TEST(test_alloc_wraps_past_hint)
{
    make_pool(0, BIG_FRAMES);
    for (unsigned int n = 0; n < BIG_FRAMES; n++)
        ck_assert(mfn_valid(frame_pool_alloc(&pool)));
    frame_pool_free(&pool, mfn(3), 1); /* below the hint, which is in the last word */
    ck_assert_uint_eq(frame_pool_alloc(&pool).mfn, 3);
    frame_pool_free(&pool, mfn(BIG_FRAMES - 1), 1);
    ck_assert_uint_eq(frame_pool_alloc(&pool).mfn, BIG_FRAMES - 1);
    ck_assert(!mfn_valid(frame_pool_alloc(&pool)));
}
END_TEST

START_TEST(test_alloc_partial_last_word)
{
    make_pool(POOL_BASE, 70); /* 64 + 6: the last bitmap word is partial */
    for (unsigned int n = 0; n < 70; n++) {
        mfn_t f = frame_pool_alloc(&pool);
        ck_assert(mfn_valid(f));
        ck_assert_uint_lt(f.mfn, POOL_BASE + 70);
    }
    ck_assert(!mfn_valid(frame_pool_alloc(&pool)));
}
END_TEST

static void check_aligned_range(uint64_t base, uint64_t count, uint64_t align)
{
    mfn_t f;
    uint64_t before = pool.free_count;

    ck_assert_int_eq(frame_pool_alloc_range(&pool, count, align, &f), 0);
    ck_assert_msg(f.mfn % align == 0, "mfn %llu not aligned to %llu", (unsigned long long)f.mfn,
                  (unsigned long long)align);
    ck_assert(f.mfn >= base && f.mfn + count <= base + BIG_FRAMES);
    ck_assert(range_is_free(f.mfn, count, false));
    ck_assert_uint_eq(pool.free_count, before - count);
}

START_TEST(test_alloc_range_alignment)
{
    static const uint64_t bases[] = {0, 3, 513};

    for (unsigned int b = 0; b < ARRAY_SIZE(bases); b++) {
        make_pool(bases[b], BIG_FRAMES);
        frame_pool_reserve(&pool, mfn(bases[b] + 1), 1); /* a hole near the start */
        check_aligned_range(bases[b], 5, 1);
        check_aligned_range(bases[b], 5, 2);
        check_aligned_range(bases[b], 3, 2);
        check_aligned_range(bases[b], 512, 512);
        check_aligned_range(bases[b], 100, 512);
        check_aligned_range(bases[b], 1, 512);
        check_aligned_range(bases[b], 70, 1); /* crosses bitmap words */
    }
}
END_TEST

START_TEST(test_alloc_range_exact_fit)
{
    mfn_t f;

    make_pool(POOL_BASE, POOL_FRAMES);
    ck_assert_int_eq(frame_pool_alloc_range(&pool, POOL_FRAMES, 1, &f), 0);
    ck_assert_uint_eq(f.mfn, POOL_BASE);
    ck_assert_uint_eq(pool.free_count, 0);
    frame_pool_free(&pool, f, POOL_FRAMES);

    /* Only the last 10 frames free: found at the very end. */
    frame_pool_reserve(&pool, mfn(POOL_BASE), POOL_FRAMES - 10);
    ck_assert_int_eq(frame_pool_alloc_range(&pool, 11, 1, &f), -ENOMEM);
    ck_assert_int_eq(frame_pool_alloc_range(&pool, 10, 1, &f), 0);
    ck_assert_uint_eq(f.mfn, POOL_BASE + POOL_FRAMES - 10);
}
END_TEST

START_TEST(test_alloc_range_einval)
{
    static const uint64_t bad_align[] = {0, 3, 5, 6, 12, 513, UINT64_MAX};
    mfn_t f = mfn(42);

    make_pool(POOL_BASE, POOL_FRAMES);
    ck_assert_int_eq(frame_pool_alloc_range(&pool, 0, 1, &f), -EINVAL);
    for (unsigned int i = 0; i < ARRAY_SIZE(bad_align); i++)
        ck_assert_int_eq(frame_pool_alloc_range(&pool, 1, bad_align[i], &f), -EINVAL);
    ck_assert_uint_eq(f.mfn, 42);
    ck_assert_uint_eq(pool.free_count, POOL_FRAMES);
}
END_TEST

START_TEST(test_alloc_range_enomem)
{
    mfn_t f = mfn(42);

    make_pool(POOL_BASE, POOL_FRAMES);
    ck_assert_int_eq(frame_pool_alloc_range(&pool, POOL_FRAMES + 1, 1, &f), -ENOMEM);
    ck_assert_int_eq(frame_pool_alloc_range(&pool, UINT64_MAX, 1, &f), -ENOMEM);
    /* Alignment beyond the pool: no aligned start inside it. */
    ck_assert_int_eq(frame_pool_alloc_range(&pool, 1, 1ull << 20, &f), -ENOMEM);
    ck_assert_int_eq(frame_pool_alloc_range(&pool, 1, 1ull << 63, &f), -ENOMEM);

    /* Fragmented: every other frame taken, so no two adjacent are free. */
    for (uint64_t i = 0; i < POOL_FRAMES; i += 2)
        frame_pool_reserve(&pool, mfn(POOL_BASE + i), 1);
    ck_assert_uint_eq(pool.free_count, POOL_FRAMES / 2);
    ck_assert_int_eq(frame_pool_alloc_range(&pool, 2, 1, &f), -ENOMEM);
    ck_assert_int_eq(frame_pool_alloc_range(&pool, 1, 2, &f), -ENOMEM); /* free ones are odd */
    ck_assert_uint_eq(f.mfn, 42);
    ck_assert_uint_eq(pool.free_count, POOL_FRAMES / 2);
    ck_assert_int_eq(frame_pool_alloc_range(&pool, 1, 1, &f), 0);
    ck_assert_uint_eq(f.mfn % 2, 1);
}
END_TEST

START_TEST(test_free_restores_counts)
{
    mfn_t a, b;

    make_pool(0, BIG_FRAMES);
    ck_assert_int_eq(frame_pool_alloc_range(&pool, 700, 512, &a), 0);
    ck_assert_int_eq(frame_pool_alloc_range(&pool, 33, 2, &b), 0);
    mfn_t c = frame_pool_alloc(&pool);
    ck_assert_uint_eq(pool.free_count, BIG_FRAMES - 734);
    frame_pool_free(&pool, b, 33);
    frame_pool_free(&pool, c, 1);
    frame_pool_free(&pool, a, 700);
    ck_assert_uint_eq(pool.free_count, BIG_FRAMES);
    ck_assert_uint_eq(pool.total, BIG_FRAMES);
    ck_assert(range_is_free(0, BIG_FRAMES, true));
    frame_pool_free(&pool, a, 0); /* freeing nothing is fine */
    ck_assert_uint_eq(pool.free_count, BIG_FRAMES);
}
END_TEST

START_TEST(test_double_free_panics)
{
    make_pool(POOL_BASE, POOL_FRAMES);
    mfn_t f = frame_pool_alloc(&pool);
    frame_pool_free(&pool, f, 1);
    CORE_EXPECT_PANIC(frame_pool_free(&pool, f, 1));
}
END_TEST

START_TEST(test_double_free_in_range_panics)
{
    mfn_t f;

    make_pool(POOL_BASE, POOL_FRAMES);
    ck_assert_int_eq(frame_pool_alloc_range(&pool, 8, 1, &f), 0);
    frame_pool_free(&pool, mfn(f.mfn + 7), 1);
    CORE_EXPECT_PANIC(frame_pool_free(&pool, f, 8)); /* last frame already free */
}
END_TEST

START_TEST(test_free_outside_pool_panics)
{
    make_pool(POOL_BASE, POOL_FRAMES);
    CORE_EXPECT_PANIC(frame_pool_free(&pool, mfn(POOL_BASE + POOL_FRAMES), 1));
}
END_TEST

START_TEST(test_free_below_pool_panics)
{
    make_pool(POOL_BASE, POOL_FRAMES);
    CORE_EXPECT_PANIC(frame_pool_free(&pool, mfn(POOL_BASE - 1), 1));
}
END_TEST

/* Random single and range allocations and frees, checked against a model. */
START_TEST(test_random_against_model)
{
    static bool model_free[BIG_FRAMES];
    static mfn_t held[BIG_FRAMES];
    static uint64_t held_len[BIG_FRAMES];
    unsigned int nr_held = 0;
    uint64_t rng = 0x5eed, model_count = BIG_FRAMES;

    make_pool(0, BIG_FRAMES);
    for (unsigned int i = 0; i < BIG_FRAMES; i++)
        model_free[i] = true;
    for (unsigned int step = 0; step < 20000; step++) {
        uint64_t op = core_rng_below(&rng, 3);
        if (op == 0 && nr_held < BIG_FRAMES) {
            mfn_t f = frame_pool_alloc(&pool);
            ck_assert_int_eq(mfn_valid(f), model_count > 0);
            if (!mfn_valid(f))
                continue;
            ck_assert(model_free[f.mfn]);
            model_free[f.mfn] = false;
            model_count--;
            held[nr_held] = f;
            held_len[nr_held++] = 1;
        } else if (op == 1 && nr_held < BIG_FRAMES) {
            uint64_t count = 1 + core_rng_below(&rng, 40);
            uint64_t align = 1ull << core_rng_below(&rng, 6);
            mfn_t f;
            if (frame_pool_alloc_range(&pool, count, align, &f))
                continue;
            ck_assert_uint_eq(f.mfn % align, 0);
            for (uint64_t j = 0; j < count; j++) {
                ck_assert(model_free[f.mfn + j]);
                model_free[f.mfn + j] = false;
            }
            model_count -= count;
            held[nr_held] = f;
            held_len[nr_held++] = count;
        } else if (nr_held > 0) {
            unsigned int k = (unsigned int)core_rng_below(&rng, nr_held);
            frame_pool_free(&pool, held[k], held_len[k]);
            for (uint64_t j = 0; j < held_len[k]; j++)
                model_free[held[k].mfn + j] = true;
            model_count += held_len[k];
            held[k] = held[--nr_held];
            held_len[k] = held_len[nr_held];
        }
        CORE_CHECK(pool.free_count == model_count, "step %u: %llu free, model says %llu", step,
                   (unsigned long long)pool.free_count, (unsigned long long)model_count);
    }
    for (unsigned int i = 0; i < BIG_FRAMES; i++)
        ck_assert_int_eq(frame_pool_is_free(&pool, mfn(i)), model_free[i]);
}
END_TEST

START_TEST(test_alloc_zeroed_on_machine)
{
    uint64_t before = frame_free_count();
    mfn_t f = frame_alloc_zeroed();

    ck_assert(mfn_valid(f));
    ck_assert_uint_ne(f.mfn, 0); /* fake_machine_init keeps frame 0 out */
    const uint8_t *p = arch_maddr_to_virt(mfn_to_maddr(f));
    for (size_t i = 0; i < PAGE_SIZE; i++)
        ck_assert_uint_eq(p[i], 0);
    ck_assert_uint_eq(frame_free_count(), before - 1);
    frame_free(f);
    ck_assert_uint_eq(frame_free_count(), before);

    struct core_hoard h;
    core_hoard_until(&h, 0);
    ck_assert(!mfn_valid(frame_alloc_zeroed()));
    core_hoard_release(&h);
    ck_assert_uint_eq(frame_free_count(), before);
}
END_TEST

static Suite *frame_alloc_suite(void)
{
    Suite *s = suite_create("frame_alloc");
    TCase *pools = tcase_create("pools");
    TCase *machine = tcase_create("machine");

    tcase_add_test(pools, test_bitmap_bytes);
    tcase_add_test(pools, test_init_starts_empty);
    tcase_add_test(pools, test_add_clips_to_pool);
    tcase_add_test(pools, test_reserve_clips_and_counts_once);
    tcase_add_test(pools, test_alloc_until_exhausted);
    tcase_add_test(pools, test_alloc_wraps_past_hint);
    tcase_add_test(pools, test_alloc_partial_last_word);
    tcase_add_test(pools, test_alloc_range_alignment);
    tcase_add_test(pools, test_alloc_range_exact_fit);
    tcase_add_test(pools, test_alloc_range_einval);
    tcase_add_test(pools, test_alloc_range_enomem);
    tcase_add_test(pools, test_free_restores_counts);
    tcase_add_test(pools, test_double_free_panics);
    tcase_add_test(pools, test_double_free_in_range_panics);
    tcase_add_test(pools, test_free_outside_pool_panics);
    tcase_add_test(pools, test_free_below_pool_panics);
    tcase_add_test(pools, test_random_against_model);
    suite_add_tcase(s, pools);

    tcase_add_checked_fixture(machine, core_setup, core_teardown);
    tcase_add_test(machine, test_alloc_zeroed_on_machine);
    suite_add_tcase(s, machine);
    return s;
}

int main(void)
{
    return core_run_suite(frame_alloc_suite());
}
