/*
 * test_heap.c - unit tests for common/heap.c: kmalloc/kzalloc/kfree of every
 * size from 1 to 5000 and of large runs, contents kept intact, exact return
 * of heap bytes and frames, allocation failure, and the panics on double
 * free and on pointers the heap never handed out.
 */
#include <stdlib.h>

#include <skiff/frame.h>
#include <skiff/heap.h>

#include "core_test.h"

#define MAX_SMALL_TEST 5000

static uint64_t frames_at_start;

static void heap_setup(void)
{
    core_setup();
    frames_at_start = frame_free_count();
    ck_assert_uint_eq(heap_bytes_used(), 0);
}

static void assert_heap_back_to_start(void)
{
    ck_assert_uint_eq(heap_bytes_used(), 0);
    ck_assert_uint_eq(frame_free_count(), frames_at_start);
}

static uint8_t fill_byte(size_t size, size_t i)
{
    return (uint8_t)(size * 31 + i * 7 + 1);
}

static void fill(uint8_t *p, size_t size)
{
    for (size_t i = 0; i < size; i++)
        p[i] = fill_byte(size, i);
}

static void check_fill(const uint8_t *p, size_t size)
{
    for (size_t i = 0; i < size; i++)
        CORE_CHECK(p[i] == fill_byte(size, i), "object of %zu bytes: byte %zu overwritten", size,
                   i);
}

static int cmp_ptr(const void *a, const void *b)
{
    uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

    return (x > y) - (x < y);
}

/* No two live objects share a byte. */
static void check_disjoint(uint8_t **ptrs, size_t nr)
{
    uintptr_t *sorted = malloc(nr * 2 * sizeof(uintptr_t));

    ck_assert_ptr_nonnull(sorted);
    for (size_t i = 0; i < nr; i++) {
        sorted[2 * i] = (uintptr_t)ptrs[i];
        sorted[2 * i + 1] = i + 1; /* size of object i */
    }
    qsort(sorted, nr, 2 * sizeof(uintptr_t), cmp_ptr);
    for (size_t i = 1; i < nr; i++)
        CORE_CHECK(sorted[2 * (i - 1)] + sorted[2 * (i - 1) + 1] <= sorted[2 * i],
                   "objects overlap");
    free(sorted);
}

/* kmalloc for even sizes, kzalloc for odd ones. */
START_TEST(test_every_size_to_5000)
{
    static uint8_t *ptrs[MAX_SMALL_TEST];
    size_t expected_min = 0;

    for (size_t size = 1; size <= MAX_SMALL_TEST; size++) {
        ptrs[size - 1] = size % 2 ? kzalloc(size) : kmalloc(size);
        CORE_CHECK(ptrs[size - 1] != NULL, "kmalloc(%zu) failed", size);
        for (size_t i = 0; size % 2 && i < size; i++)
            CORE_CHECK(ptrs[size - 1][i] == 0, "kzalloc(%zu): byte %zu not zero", size, i);
        CORE_CHECK((uintptr_t)ptrs[size - 1] % 16 == 0, "kmalloc(%zu) misaligned", size);
        fill(ptrs[size - 1], size);
        expected_min += size;
    }
    ck_assert_uint_ge(heap_bytes_used(), expected_min);
    check_disjoint(ptrs, MAX_SMALL_TEST);
    for (size_t size = 1; size <= MAX_SMALL_TEST; size++)
        check_fill(ptrs[size - 1], size);

    /* Free in a scrambled order; the rest stay intact. */
    uint64_t rng = 99;
    for (size_t left = MAX_SMALL_TEST; left > 0; left--) {
        size_t k = (size_t)core_rng_below(&rng, left);
        uint8_t *p = ptrs[k];
        ptrs[k] = ptrs[left - 1];
        ptrs[left - 1] = p;
    }
    for (size_t i = 0; i < MAX_SMALL_TEST; i++)
        kfree(ptrs[i]);
    assert_heap_back_to_start();
}
END_TEST

START_TEST(test_single_sizes_account_exactly)
{
    for (size_t size = 1; size <= MAX_SMALL_TEST; size += 37) {
        uint8_t *p = kmalloc(size);
        ck_assert_ptr_nonnull(p);
        ck_assert_uint_ge(heap_bytes_used(), size);
        ck_assert_uint_lt(frame_free_count(), frames_at_start);
        fill(p, size);
        check_fill(p, size);
        kfree(p);
        assert_heap_back_to_start();
    }
}
END_TEST

START_TEST(test_large_100k)
{
    const size_t size = 100 * 1024;
    uint8_t *a = kmalloc(size), *b = kmalloc(size);

    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(heap_bytes_used(), 2 * size);
    ck_assert_uint_le(frame_free_count(), frames_at_start - 2 * (size / PAGE_SIZE));
    fill(a, size);
    memset(b, 0x77, size);
    check_fill(a, size);
    kfree(b);
    check_fill(a, size);
    kfree(a);
    assert_heap_back_to_start();
}
END_TEST

START_TEST(test_kzalloc_zeroes_reused_memory)
{
    static const size_t sizes[] = {1, 24, 32, 33, 1000, 2048, 2049, 4096, 20000};

    for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
        /* Keep one object alive so the page (and its dirt) is reused. */
        uint8_t *keep = kmalloc(sizes[i]);
        uint8_t *p = kmalloc(sizes[i]);
        memset(p, 0xff, sizes[i]);
        kfree(p);
        p = kzalloc(sizes[i]);
        ck_assert_ptr_nonnull(p);
        for (size_t j = 0; j < sizes[i]; j++)
            CORE_CHECK(p[j] == 0, "kzalloc(%zu): byte %zu not zero", sizes[i], j);
        kfree(p);
        kfree(keep);
    }
    assert_heap_back_to_start();
}
END_TEST

START_TEST(test_zero_size_and_null)
{
    void *p = kmalloc(0);

    ck_assert_ptr_nonnull(p);
    kfree(p);
    kfree(NULL);
    p = kzalloc(0);
    ck_assert_ptr_nonnull(p);
    kfree(p);
    assert_heap_back_to_start();
}
END_TEST

START_TEST(test_huge_requests_fail_cleanly)
{
    static const size_t sizes[] = {SIZE_MAX,   SIZE_MAX - 63,    SIZE_MAX - PAGE_SIZE,
                                   1ull << 41, (1ull << 40) + 1, CORE_MEM_BYTES};

    for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
        ck_assert_ptr_null(kmalloc(sizes[i]));
        ck_assert_ptr_null(kzalloc(sizes[i]));
        assert_heap_back_to_start();
    }
}
END_TEST

START_TEST(test_out_of_frames)
{
    struct core_hoard h;
    uint8_t *small = kmalloc(64); /* a partial page of the 64-byte class */

    ck_assert_ptr_nonnull(small);
    core_hoard_until(&h, 0);
    size_t used = heap_bytes_used();
    void *again = kmalloc(64); /* served from the partial page */
    ck_assert_ptr_nonnull(again);
    used = heap_bytes_used();
    ck_assert_ptr_null(kmalloc(100)); /* a new class needs a frame */
    ck_assert_ptr_null(kmalloc(3000));
    ck_assert_ptr_null(kzalloc(100 * 1024));
    ck_assert_uint_eq(heap_bytes_used(), used);
    core_hoard_release(&h);
    kfree(again);
    kfree(small);
    assert_heap_back_to_start();
}
END_TEST

START_TEST(test_random_workload)
{
    enum { SLOTS = 512 };
    static uint8_t *ptr[SLOTS];
    static size_t len[SLOTS];
    uint64_t rng = 0xc0ffee;

    for (unsigned int step = 0; step < 20000; step++) {
        unsigned int k = (unsigned int)core_rng_below(&rng, SLOTS);
        if (ptr[k]) {
            check_fill(ptr[k], len[k]);
            kfree(ptr[k]);
            ptr[k] = NULL;
            continue;
        }
        len[k] = core_rng_below(&rng, 4) == 0 ? 1 + core_rng_below(&rng, 20000)
                                              : 1 + core_rng_below(&rng, 2100);
        ptr[k] = kmalloc(len[k]);
        CORE_CHECK(ptr[k] != NULL, "kmalloc(%zu) failed", len[k]);
        fill(ptr[k], len[k]);
    }
    for (unsigned int k = 0; k < SLOTS; k++) {
        if (ptr[k]) {
            check_fill(ptr[k], len[k]);
            kfree(ptr[k]);
        }
    }
    assert_heap_back_to_start();
}
END_TEST

START_TEST(test_double_free_small_panics)
{
    void *keep = kmalloc(40); /* keeps the page alive */
    void *p = kmalloc(40);

    ck_assert_ptr_nonnull(keep);
    kfree(p);
    CORE_EXPECT_PANIC(kfree(p));
}
END_TEST

START_TEST(test_double_free_last_object_panics)
{
    void *p = kmalloc(40); /* alone in its page: the page is freed with it */

    kfree(p);
    CORE_EXPECT_PANIC(kfree(p));
}
END_TEST

START_TEST(test_double_free_large_panics)
{
    void *p = kmalloc(50000);

    kfree(p);
    CORE_EXPECT_PANIC(kfree(p));
}
END_TEST

START_TEST(test_foreign_frame_panics)
{
    mfn_t f = frame_alloc_zeroed();
    uint8_t *page = arch_maddr_to_virt(mfn_to_maddr(f));

    CORE_EXPECT_PANIC(kfree(page + 128));
}
END_TEST

START_TEST(test_misaligned_small_pointer_panics)
{
    uint8_t *p = kmalloc(64);

    CORE_EXPECT_PANIC(kfree(p + 8));
}
END_TEST

START_TEST(test_small_header_pointer_panics)
{
    uint8_t *p = kmalloc(32);
    uint8_t *header = (uint8_t *)((uintptr_t)p & PAGE_MASK);

    CORE_EXPECT_PANIC(kfree(header + 32));
}
END_TEST

START_TEST(test_interior_large_pointer_panics)
{
    uint8_t *p = kmalloc(3 * PAGE_SIZE);

    CORE_EXPECT_PANIC(kfree(p + 16));
}
END_TEST

START_TEST(test_second_page_of_large_panics)
{
    uint8_t *p = kmalloc(3 * PAGE_SIZE);

    memset(p, 0, 3 * PAGE_SIZE); /* the second page holds no heap header */
    CORE_EXPECT_PANIC(kfree(p + 2 * PAGE_SIZE));
}
END_TEST

static Suite *heap_suite(void)
{
    Suite *s = suite_create("heap");
    TCase *ok = tcase_create("alloc");
    TCase *bad = tcase_create("misuse");

    tcase_add_checked_fixture(ok, heap_setup, core_teardown);
    tcase_add_test(ok, test_every_size_to_5000);
    tcase_add_test(ok, test_single_sizes_account_exactly);
    tcase_add_test(ok, test_large_100k);
    tcase_add_test(ok, test_kzalloc_zeroes_reused_memory);
    tcase_add_test(ok, test_zero_size_and_null);
    tcase_add_test(ok, test_huge_requests_fail_cleanly);
    tcase_add_test(ok, test_out_of_frames);
    tcase_add_test(ok, test_random_workload);
    suite_add_tcase(s, ok);

    tcase_add_checked_fixture(bad, heap_setup, core_teardown);
    tcase_add_test(bad, test_double_free_small_panics);
    tcase_add_test(bad, test_double_free_last_object_panics);
    tcase_add_test(bad, test_double_free_large_panics);
    tcase_add_test(bad, test_foreign_frame_panics);
    tcase_add_test(bad, test_misaligned_small_pointer_panics);
    tcase_add_test(bad, test_small_header_pointer_panics);
    tcase_add_test(bad, test_interior_large_pointer_panics);
    tcase_add_test(bad, test_second_page_of_large_panics);
    suite_add_tcase(s, bad);
    return s;
}

int main(void)
{
    return core_run_suite(heap_suite());
}
