/*
 * test_malloc.c - unit tests for guest-lib's heap (guest-lib/src/malloc.c),
 * built with its functions renamed gl_* and run on an arena of host memory.
 */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <skiff/malloc.h>
#include <skiff/page_alloc.h>

/* guest-lib's allocator, renamed for the host build (see CMakeLists.txt). */
void *gl_malloc(size_t size);
void gl_free(void *p);
void *gl_calloc(size_t count, size_t size);
void *gl_realloc(void *p, size_t size);
void *gl_aligned_alloc(size_t align, size_t size);
int gl_posix_memalign(void **out, size_t align, size_t size);

#define PAGE        PAGE_ALLOC_PAGE_SIZE
#define ARENA_PAGES 8192 /* 32 MiB */
#define SMALL_MAX   2048

/*
 * Assertion for hot loops: ck_assert() records a checkpoint through a system
 * call each time it passes, which makes loops of millions of checks crawl.
 */
#define REQUIRE(cond)                                             \
    do {                                                          \
        if (!(cond))                                              \
            ck_abort_msg("%s:%d: %s", __FILE__, __LINE__, #cond); \
    } while (0)

/* ---- guest_lib_bug hook: records instead of panicking ------------------ */

static int bug_count;
static uintptr_t last_bug_addr;

void guest_lib_bug(const char *what, uintptr_t addr)
{
    (void)what;
    bug_count++;
    last_bug_addr = addr;
}

/* ---- fixture: one arena, and a check that every test gives it all back - */

static char *arena;
static size_t start_free_pages;

static void setup(void)
{
    page_alloc_reset();
    bug_count = 0;
    last_bug_addr = 0;
    arena = aligned_alloc(PAGE, ARENA_PAGES * PAGE);
    ck_assert_ptr_nonnull(arena);
    memset(arena, 0xa5, ARENA_PAGES * PAGE);
    ck_assert_int_eq(page_alloc_add_range((uintptr_t)arena, ARENA_PAGES * PAGE), 0);
    start_free_pages = page_alloc_free_pages();
    ck_assert_uint_eq(malloc_bytes_in_use(), 0);
}

static void teardown(void)
{
    ck_assert_uint_eq(malloc_bytes_in_use(), 0);
    ck_assert_uint_eq(page_alloc_free_pages(), start_free_pages);
    page_alloc_reset();
    free(arena);
}

static bool in_arena(const void *p, size_t size)
{
    const char *c = p;
    return c >= arena && size <= (size_t)(arena + ARENA_PAGES * PAGE - c);
}

static void fill(void *p, size_t size, unsigned seed)
{
    unsigned char *c = p;
    for (size_t i = 0; i < size; i++)
        c[i] = (unsigned char)(seed + i * 7);
}

static bool holds_fill(const void *p, size_t size, unsigned seed)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < size; i++) {
        if (c[i] != (unsigned char)(seed + i * 7))
            return false;
    }
    return true;
}

static bool is_all_zero(const void *p, size_t size)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < size; i++) {
        if (c[i] != 0)
            return false;
    }
    return true;
}

/* Expects exactly one new guest_lib_bug() report, about addr. */
#define ASSERT_ONE_BUG_ABOUT(stmt, addr)                           \
    do {                                                           \
        int bugs_before_ = bug_count;                              \
        size_t bytes_before_ = malloc_bytes_in_use();              \
        size_t pages_before_ = page_alloc_free_pages();            \
        stmt;                                                      \
        ck_assert_int_eq(bug_count, bugs_before_ + 1);             \
        ck_assert_uint_eq(last_bug_addr, (uintptr_t)(addr));       \
        ck_assert_uint_eq(malloc_bytes_in_use(), bytes_before_);   \
        ck_assert_uint_eq(page_alloc_free_pages(), pages_before_); \
    } while (0)

/* ---- live-block bookkeeping shared by several tests -------------------- */

struct block {
    char *p;
    size_t size;
    unsigned seed;
};

static int by_address(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const struct block *)a)->p;
    uintptr_t y = (uintptr_t)((const struct block *)b)->p;
    return x < y ? -1 : x > y;
}

/* No two blocks overlap (sorts the array by address). */
static void assert_disjoint(struct block *blocks, size_t n)
{
    qsort(blocks, n, sizeof(*blocks), by_address);
    for (size_t i = 1; i < n; i++) {
        size_t prev = blocks[i - 1].size ? blocks[i - 1].size : 1;
        ck_assert_msg(blocks[i - 1].p + prev <= blocks[i].p, "blocks %zu and %zu overlap", i - 1,
                      i);
    }
}

/* ---- basic allocation -------------------------------------------------- */

START_TEST(test_malloc_every_size_up_to_5000)
{
    enum { MAX_SIZE = 5000 };
    struct block *blocks = calloc(MAX_SIZE + 1, sizeof(*blocks));
    size_t requested = 0;

    for (size_t size = 0; size <= MAX_SIZE; size++) {
        char *p = gl_malloc(size);
        ck_assert_ptr_nonnull(p);
        ck_assert_uint_eq((uintptr_t)p % 16, 0);
        ck_assert(in_arena(p, size));
        fill(p, size, (unsigned)size);
        blocks[size] = (struct block){p, size, (unsigned)size};
        requested += size;
    }
    ck_assert_uint_ge(malloc_bytes_in_use(), requested);
    for (size_t i = 0; i <= MAX_SIZE; i++)
        ck_assert(holds_fill(blocks[i].p, blocks[i].size, blocks[i].seed));
    assert_disjoint(blocks, MAX_SIZE + 1);
    for (size_t i = 0; i <= MAX_SIZE; i++)
        gl_free(blocks[i].p);
    ck_assert_int_eq(bug_count, 0);
    free(blocks);
}
END_TEST

START_TEST(test_free_null_is_noop)
{
    gl_free(NULL);
    ck_assert_int_eq(bug_count, 0);
}
END_TEST

START_TEST(test_malloc_zero_gives_unique_blocks)
{
    char *a = gl_malloc(0);
    char *b = gl_malloc(0);

    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ck_assert_ptr_ne(a, b);
    gl_free(a);
    gl_free(b);
}
END_TEST

START_TEST(test_bytes_in_use_accounting)
{
    char *a = gl_malloc(1);
    ck_assert_uint_eq(malloc_bytes_in_use(), 16);
    char *b = gl_malloc(100);
    ck_assert_uint_eq(malloc_bytes_in_use(), 16 + 128);
    char *c = gl_malloc(2048);
    ck_assert_uint_eq(malloc_bytes_in_use(), 16 + 128 + 2048);
    char *d = gl_malloc(10000);
    size_t big = malloc_bytes_in_use() - (16 + 128 + 2048);
    ck_assert_uint_ge(big, 10000);
    ck_assert_uint_lt(big, 10000 + PAGE);

    gl_free(c);
    ck_assert_uint_eq(malloc_bytes_in_use(), 16 + 128 + big);
    gl_free(d);
    ck_assert_uint_eq(malloc_bytes_in_use(), 16 + 128);
    gl_free(a);
    gl_free(b);
    ck_assert_uint_eq(malloc_bytes_in_use(), 0);
}
END_TEST

/* ---- realloc ----------------------------------------------------------- */

START_TEST(test_realloc_grows_and_shrinks_keeping_contents)
{
    static const size_t sizes[] = {10,     100,   200,  2000, 2048, 2049, 3000, 10000,
                                   100000, 40000, 5000, 2100, 1000, 16,   1};
    size_t nsizes = sizeof(sizes) / sizeof(sizes[0]);
    char *p = gl_realloc(NULL, sizes[0]);
    size_t kept = sizes[0];

    ck_assert_ptr_nonnull(p);
    fill(p, kept, 42);
    for (size_t i = 1; i < nsizes; i++) {
        p = gl_realloc(p, sizes[i]);
        ck_assert_ptr_nonnull(p);
        ck_assert_uint_eq((uintptr_t)p % 16, 0);
        size_t common = kept < sizes[i] ? kept : sizes[i];
        ck_assert_msg(holds_fill(p, common, 42), "contents lost resizing to %zu", sizes[i]);
        fill(p, sizes[i], 42);
        kept = sizes[i];
    }
    gl_free(p);
    ck_assert_int_eq(bug_count, 0);
}
END_TEST

START_TEST(test_realloc_stays_in_place_when_it_fits)
{
    char *p = gl_malloc(100); /* 128-byte class */
    ck_assert_ptr_eq(gl_realloc(p, 120), p);
    ck_assert_ptr_eq(gl_realloc(p, 65), p);

    char *q = gl_malloc(3 * PAGE);
    ck_assert_ptr_eq(gl_realloc(q, 3 * PAGE - 100), q);
    ck_assert_ptr_eq(gl_realloc(q, 2 * PAGE), q);
    gl_free(p);
    gl_free(q);
}
END_TEST

START_TEST(test_realloc_to_zero_returns_min_block)
{
    char *p = gl_malloc(5000);
    char *q = gl_realloc(p, 0);

    ck_assert_ptr_nonnull(q);
    ck_assert_uint_eq(malloc_bytes_in_use(), 16);
    gl_free(q);
}
END_TEST

START_TEST(test_realloc_failure_keeps_block)
{
    char *p = gl_malloc(300);
    fill(p, 300, 9);

    ck_assert_ptr_null(gl_realloc(p, (size_t)ARENA_PAGES * PAGE));
    ck_assert_ptr_null(gl_realloc(p, SIZE_MAX));
    ck_assert(holds_fill(p, 300, 9));
    gl_free(p);
    ck_assert_int_eq(bug_count, 0);
}
END_TEST

/* ---- calloc ------------------------------------------------------------ */

START_TEST(test_calloc_overflow_returns_null)
{
    ck_assert_ptr_null(gl_calloc(SIZE_MAX / 2, 3));
    ck_assert_ptr_null(gl_calloc(3, SIZE_MAX / 2));
    ck_assert_ptr_null(gl_calloc(SIZE_MAX, SIZE_MAX));
    ck_assert_uint_eq(malloc_bytes_in_use(), 0);
    ck_assert_int_eq(bug_count, 0);
}
END_TEST

START_TEST(test_calloc_zeroes_reused_memory)
{
    char *keep = gl_malloc(1000); /* keeps the 1024-byte slab alive */
    char *dirty[8];

    for (int i = 0; i < 8; i++) {
        dirty[i] = gl_malloc(1000);
        memset(dirty[i], 0xff, 1000);
    }
    for (int i = 0; i < 8; i++)
        gl_free(dirty[i]);
    char *small = gl_calloc(100, 10);
    ck_assert_ptr_eq(small, dirty[0]); /* the lowest free chunk is reused */
    ck_assert(is_all_zero(small, 1000));

    char *big = gl_calloc(900, 10);
    ck_assert(is_all_zero(big, 9000));
    char *none = gl_calloc(0, 7);
    ck_assert_ptr_nonnull(none);
    gl_free(small);
    gl_free(big);
    gl_free(none);
    gl_free(keep);
}
END_TEST

/* ---- alignment --------------------------------------------------------- */

START_TEST(test_aligned_alloc)
{
    static const size_t sizes[] = {1, 16, 100, 2048, 3000, 10000};

    for (size_t align = 1; align <= 8192; align *= 2) {
        for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
            char *p = gl_aligned_alloc(align, sizes[i]);
            ck_assert_ptr_nonnull(p);
            ck_assert_msg((uintptr_t)p % align == 0, "align %zu size %zu", align, sizes[i]);
            ck_assert_uint_eq((uintptr_t)p % 16, 0);
            fill(p, sizes[i], 3);
            ck_assert(holds_fill(p, sizes[i], 3));
            gl_free(p);
        }
    }
    ck_assert_ptr_null(gl_aligned_alloc(0, 16));
    ck_assert_ptr_null(gl_aligned_alloc(24, 16));
    ck_assert_ptr_null(gl_aligned_alloc((size_t)1 << 62, 16));
    ck_assert_int_eq(bug_count, 0);
}
END_TEST

START_TEST(test_aligned_blocks_stay_apart)
{
    struct block blocks[40];

    for (int i = 0; i < 40; i++) {
        size_t align = (size_t)16 << (i % 10); /* 16 .. 8192 */
        size_t size = 1 + (size_t)i * 211;
        blocks[i] = (struct block){gl_aligned_alloc(align, size), size, (unsigned)i};
        ck_assert_ptr_nonnull(blocks[i].p);
        ck_assert_uint_eq((uintptr_t)blocks[i].p % align, 0);
        fill(blocks[i].p, size, (unsigned)i);
    }
    for (int i = 0; i < 40; i++)
        ck_assert(holds_fill(blocks[i].p, blocks[i].size, blocks[i].seed));
    assert_disjoint(blocks, 40);
    for (int i = 0; i < 40; i++)
        gl_free(blocks[i].p);
}
END_TEST

START_TEST(test_posix_memalign)
{
    void *p = NULL;

    ck_assert_int_eq(gl_posix_memalign(&p, 4096, 100), 0);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq((uintptr_t)p % 4096, 0);
    gl_free(p);

    p = &bug_count;
    ck_assert_int_eq(gl_posix_memalign(&p, 4, 100), 22);  /* not a multiple of void * */
    ck_assert_int_eq(gl_posix_memalign(&p, 24, 100), 22); /* not a power of two */
    ck_assert_int_eq(gl_posix_memalign(&p, 64, (size_t)ARENA_PAGES * PAGE), 12);
    ck_assert_ptr_eq(p, &bug_count); /* untouched on failure */
}
END_TEST

/* ---- exhaustion -------------------------------------------------------- */

/* Allocates blocks of `size` until malloc fails; returns how many it got. */
static size_t allocate_until_null(char **out, size_t max, size_t size)
{
    size_t n = 0;
    while (n < max) {
        char *p = gl_malloc(size);
        if (p == NULL)
            return n;
        out[n++] = p;
    }
    ck_abort_msg("arena never ran out");
    return n;
}

START_TEST(test_exhaustion_and_recovery)
{
    size_t max = ARENA_PAGES * 4;
    char **blocks = calloc(max, sizeof(*blocks));

    size_t n = allocate_until_null(blocks, max, 1000);
    ck_assert_uint_gt(n, 20000); /* 15 per 4-page slab: most of 32 MiB */
    ck_assert_ptr_null(gl_malloc(100000));
    ck_assert_ptr_null(gl_aligned_alloc(4096, 20000));

    /* Freeing some lets the same size through again, but not a big run yet. */
    for (size_t i = 0; i < n; i += 2)
        gl_free(blocks[i]);
    char *again = gl_malloc(1000);
    ck_assert_ptr_nonnull(again);
    gl_free(again);

    for (size_t i = 1; i < n; i += 2)
        gl_free(blocks[i]);
    ck_assert_uint_eq(page_alloc_free_pages(), start_free_pages);
    char *huge = gl_malloc((ARENA_PAGES - 8) * PAGE);
    ck_assert_ptr_nonnull(huge);
    gl_free(huge);

    /* Same with big blocks. */
    n = allocate_until_null(blocks, max, 20000);
    ck_assert_uint_gt(n, ARENA_PAGES / 6);
    for (size_t i = 0; i < n; i++)
        gl_free(blocks[i]);
    ck_assert_int_eq(bug_count, 0);
    free(blocks);
}
END_TEST

/* ---- misuse ------------------------------------------------------------ */

START_TEST(test_double_free_small_detected)
{
    char *keep = gl_malloc(40); /* keeps the slab alive */
    char *p = gl_malloc(40);
    fill(keep, 40, 1);

    gl_free(p);
    ASSERT_ONE_BUG_ABOUT(gl_free(p), p);
    ASSERT_ONE_BUG_ABOUT(gl_realloc(p, 10), p);

    /* The slab still works: p's chunk is handed out once, not twice. */
    char *x = gl_malloc(40);
    char *y = gl_malloc(40);
    ck_assert_ptr_ne(x, y);
    ck_assert(holds_fill(keep, 40, 1));
    gl_free(x);
    gl_free(y);
    gl_free(keep);

    /* Freed again after its slab went back to page_alloc. */
    ASSERT_ONE_BUG_ABOUT(gl_free(keep), keep);
}
END_TEST

START_TEST(test_double_free_big_detected)
{
    char *p = gl_malloc(50000);
    gl_free(p);
    ASSERT_ONE_BUG_ABOUT(gl_free(p), p);

    char *q = gl_aligned_alloc(8192, 50000);
    gl_free(q);
    ASSERT_ONE_BUG_ABOUT(gl_free(q), q);
}
END_TEST

START_TEST(test_bad_frees_detected)
{
    int on_stack = 0;
    char *small = gl_malloc(64);
    char *big = gl_malloc(3 * PAGE);
    char *pages = page_alloc(2); /* memory that malloc did not hand out */
    uintptr_t slab = (uintptr_t)small & ~(uintptr_t)(PAGE - 1);

    ASSERT_ONE_BUG_ABOUT(gl_free(&on_stack), &on_stack);
    ASSERT_ONE_BUG_ABOUT(gl_free(small + 16), small + 16);
    ASSERT_ONE_BUG_ABOUT(gl_free(small + 64 * 20), small + 64 * 20); /* never handed out */
    ASSERT_ONE_BUG_ABOUT(gl_free((void *)(slab + 8)), slab + 8);     /* slab header */
    ASSERT_ONE_BUG_ABOUT(gl_free(big + 1), big + 1);
    ASSERT_ONE_BUG_ABOUT(gl_free(big + PAGE), big + PAGE);
    ASSERT_ONE_BUG_ABOUT(gl_free(pages + 64), pages + 64);
    ASSERT_ONE_BUG_ABOUT(gl_free(pages + PAGE), pages + PAGE);
    ASSERT_ONE_BUG_ABOUT(ck_assert_ptr_null(gl_realloc(big + 32, 10)), big + 32);

    /* Nothing got corrupted. */
    gl_free(small);
    gl_free(big);
    page_free(pages, 2);
    ck_assert_int_eq(bug_count, 9);
}
END_TEST

/* ---- randomized -------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static size_t random_size(void)
{
    uint64_t r = rng_next() % 100;
    if (r < 70)
        return rng_next() % 257;
    if (r < 90)
        return 257 + rng_next() % (SMALL_MAX - 256);
    return SMALL_MAX + 1 + rng_next() % 30000;
}

/* Checks b against every other live block for overlap: the test's shadow map. */
static void assert_no_overlap(const struct block *live, size_t nlive, const struct block *b)
{
    size_t bsize = b->size ? b->size : 1;
    for (size_t i = 0; i < nlive; i++) {
        if (&live[i] == b)
            continue;
        size_t isize = live[i].size ? live[i].size : 1;
        REQUIRE(b->p + bsize <= live[i].p || live[i].p + isize <= b->p);
    }
}

START_TEST(test_randomized_against_shadow)
{
    enum { OPS = 20000, MAX_LIVE = 1500 };
    struct block *live = calloc(MAX_LIVE, sizeof(*live));
    size_t nlive = 0, live_bytes = 0;
    unsigned seed = 1;

    rng_state = 0x9e3779b97f4a7c15ull;
    for (int op = 0; op < OPS; op++) {
        uint64_t what = rng_next() % 100;
        if (nlive == 0 || (nlive < MAX_LIVE && what < 50)) {
            size_t size = random_size();
            size_t align = 16;
            char *p;
            if (rng_next() % 10 == 0) {
                align = (size_t)16 << (rng_next() % 10);
                p = gl_aligned_alloc(align, size);
            } else {
                p = gl_malloc(size);
            }
            REQUIRE(p != NULL);
            REQUIRE((uintptr_t)p % align == 0);
            REQUIRE(in_arena(p, size));
            live[nlive] = (struct block){p, size, seed++};
            assert_no_overlap(live, nlive, &live[nlive]);
            fill(p, size, live[nlive].seed);
            live_bytes += size;
            nlive++;
        } else if (what < 60) {
            struct block *b = &live[rng_next() % nlive];
            size_t size = random_size();
            char *p = gl_realloc(b->p, size);
            REQUIRE(p != NULL);
            REQUIRE(holds_fill(p, b->size < size ? b->size : size, b->seed));
            live_bytes = live_bytes - b->size + size;
            *b = (struct block){p, size, seed++};
            assert_no_overlap(live, nlive, b);
            fill(p, size, b->seed);
        } else {
            size_t k = rng_next() % nlive;
            REQUIRE(holds_fill(live[k].p, live[k].size, live[k].seed));
            gl_free(live[k].p);
            live_bytes -= live[k].size;
            live[k] = live[--nlive];
        }
        REQUIRE(malloc_bytes_in_use() >= live_bytes);
    }

    while (nlive > 0) {
        nlive--;
        ck_assert(holds_fill(live[nlive].p, live[nlive].size, live[nlive].seed));
        gl_free(live[nlive].p);
    }
    ck_assert_uint_eq(malloc_bytes_in_use(), 0);
    ck_assert_uint_eq(page_alloc_free_pages(), start_free_pages);
    ck_assert_int_eq(bug_count, 0);
    free(live);
}
END_TEST

static Suite *malloc_suite(void)
{
    Suite *s = suite_create("malloc");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_malloc_every_size_up_to_5000);
    tcase_add_test(tc, test_free_null_is_noop);
    tcase_add_test(tc, test_malloc_zero_gives_unique_blocks);
    tcase_add_test(tc, test_bytes_in_use_accounting);
    tcase_add_test(tc, test_realloc_grows_and_shrinks_keeping_contents);
    tcase_add_test(tc, test_realloc_stays_in_place_when_it_fits);
    tcase_add_test(tc, test_realloc_to_zero_returns_min_block);
    tcase_add_test(tc, test_realloc_failure_keeps_block);
    tcase_add_test(tc, test_calloc_overflow_returns_null);
    tcase_add_test(tc, test_calloc_zeroes_reused_memory);
    tcase_add_test(tc, test_aligned_alloc);
    tcase_add_test(tc, test_aligned_blocks_stay_apart);
    tcase_add_test(tc, test_posix_memalign);
    tcase_add_test(tc, test_exhaustion_and_recovery);
    tcase_add_test(tc, test_double_free_small_detected);
    tcase_add_test(tc, test_double_free_big_detected);
    tcase_add_test(tc, test_bad_frees_detected);
    tcase_add_test(tc, test_randomized_against_shadow);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(malloc_suite());

    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
