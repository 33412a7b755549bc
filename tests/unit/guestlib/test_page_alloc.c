/*
 * test_page_alloc.c - unit tests for guest-lib's page allocator
 * (guest-lib/src/page_alloc.c), run on arenas of host memory.
 */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <skiff/page_alloc.h>

#define PAGE       PAGE_ALLOC_PAGE_SIZE
#define MAX_ARENAS 24
#define GARBAGE    0xa5

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
static const char *last_bug_what;

void guest_lib_bug(const char *what, uintptr_t addr)
{
    bug_count++;
    last_bug_addr = addr;
    last_bug_what = what;
}

/* ---- arenas of host memory --------------------------------------------- */

static void *arenas[MAX_ARENAS];
static size_t narenas;

/* An align-aligned block of host memory filled with garbage (to prove zero-filling). */
static char *new_arena_aligned(size_t pages, size_t align)
{
    void *mem = NULL;

    ck_assert_uint_lt(narenas, MAX_ARENAS);
    ck_assert_int_eq(posix_memalign(&mem, align, pages * PAGE), 0);
    memset(mem, GARBAGE, pages * PAGE);
    arenas[narenas++] = mem;
    return mem;
}

static char *new_arena(size_t pages)
{
    return new_arena_aligned(pages, PAGE);
}

/* New arena handed whole to the allocator. */
static char *add_arena(size_t pages)
{
    char *mem = new_arena(pages);
    ck_assert_int_eq(page_alloc_add_range((uintptr_t)mem, pages * PAGE), 0);
    return mem;
}

static void setup(void)
{
    page_alloc_reset();
    bug_count = 0;
    last_bug_addr = 0;
    last_bug_what = NULL;
    narenas = 0;
}

static void teardown(void)
{
    page_alloc_reset();
    for (size_t i = 0; i < narenas; i++)
        free(arenas[i]);
    narenas = 0;
}

static bool is_all_zero(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != 0)
            return false;
    }
    return true;
}

/* Expects exactly one new guest_lib_bug() report, about addr, and no change in free pages. */
#define ASSERT_ONE_BUG_ABOUT(stmt, addr)                          \
    do {                                                          \
        int bugs_before_ = bug_count;                             \
        size_t free_before_ = page_alloc_free_pages();            \
        stmt;                                                     \
        ck_assert_int_eq(bug_count, bugs_before_ + 1);            \
        ck_assert_uint_eq(last_bug_addr, (uintptr_t)(addr));      \
        ck_assert_uint_eq(page_alloc_free_pages(), free_before_); \
    } while (0)

/* ---- ranges ------------------------------------------------------------ */

START_TEST(test_add_range_rejects_bad_ranges)
{
    char *mem = new_arena(64);
    uintptr_t base = (uintptr_t)mem;

    ck_assert_int_eq(page_alloc_add_range(base + 8, 16 * PAGE), -22);
    ck_assert_int_eq(page_alloc_add_range(base, 16 * PAGE + 1), -22);
    ck_assert_int_eq(page_alloc_add_range(base, 0), -22);
    ck_assert_int_eq(page_alloc_add_range(UINTPTR_MAX & ~(uintptr_t)(PAGE - 1), 2 * PAGE), -22);
    ck_assert_int_eq(page_alloc_add_range(UINTPTR_MAX & ~(uintptr_t)(PAGE - 1), PAGE), -22);
    ck_assert_uint_eq(page_alloc_total_pages(), 0);

    ck_assert_int_eq(page_alloc_add_range(base, 16 * PAGE), 0);
    ck_assert_int_eq(page_alloc_add_range(base, 16 * PAGE), -22);
    ck_assert_int_eq(page_alloc_add_range(base + 15 * PAGE, 4 * PAGE), -22);
    ck_assert_int_eq(page_alloc_add_range(base - 4 * PAGE, 8 * PAGE), -22);
    ck_assert_int_eq(page_alloc_add_range(base + 4 * PAGE, 2 * PAGE), -22);
    /* Adjacent is fine. */
    ck_assert_int_eq(page_alloc_add_range(base + 16 * PAGE, 16 * PAGE), 0);
    ck_assert_uint_eq(page_alloc_total_pages(), 2 * 15);
    ck_assert_int_eq(bug_count, 0);
}
END_TEST

START_TEST(test_range_table_full)
{
    char *mem = new_arena(2 * (PAGE_ALLOC_MAX_RANGES + 1));

    /* Each 2-page range is one bitmap page and one usable page. */
    for (size_t i = 0; i < PAGE_ALLOC_MAX_RANGES; i++)
        ck_assert_int_eq(page_alloc_add_range((uintptr_t)(mem + 2 * i * PAGE), 2 * PAGE), 0);
    ck_assert_int_eq(
        page_alloc_add_range((uintptr_t)(mem + 2 * PAGE_ALLOC_MAX_RANGES * PAGE), 2 * PAGE), -28);
    ck_assert_uint_eq(page_alloc_total_pages(), PAGE_ALLOC_MAX_RANGES);
    ck_assert_uint_eq(page_alloc_free_pages(), PAGE_ALLOC_MAX_RANGES);
}
END_TEST

START_TEST(test_tiny_range_accepted_but_unused)
{
    char *mem = new_arena(1);

    ck_assert_int_eq(page_alloc_add_range((uintptr_t)mem, PAGE), 0);
    ck_assert_uint_eq(page_alloc_total_pages(), 0);
    ck_assert_ptr_null(page_alloc(1));
}
END_TEST

START_TEST(test_metadata_lives_at_range_start)
{
    char *mem = add_arena(100);

    ck_assert_uint_eq(page_alloc_total_pages(), 99);
    char *p = page_alloc(99);
    ck_assert_ptr_eq(p, mem + PAGE);
    ck_assert_ptr_null(page_alloc(1));
    page_free(p, 99);
    ck_assert_uint_eq(page_alloc_free_pages(), 99);
}
END_TEST

/* ---- allocation -------------------------------------------------------- */

/* Which arena of `mems` holds [p, p + n pages), or -1. */
static int arena_holding(char *const *mems, const size_t *pages, int count, char *p, size_t n)
{
    for (int i = 0; i < count; i++) {
        if (p >= mems[i] + PAGE && p + n * PAGE <= mems[i] + pages[i] * PAGE)
            return i;
    }
    return -1;
}

START_TEST(test_multiple_ranges_page_by_page)
{
    size_t pages[3] = {10, 37, 64};
    char *mems[3];
    for (int i = 0; i < 3; i++)
        mems[i] = add_arena(pages[i]);

    size_t total = page_alloc_total_pages();
    ck_assert_uint_eq(total, 9 + 36 + 63);

    char **got = calloc(total, sizeof(*got));
    int per_arena[3] = {0};
    for (size_t i = 0; i < total; i++) {
        got[i] = page_alloc(1);
        ck_assert_ptr_nonnull(got[i]);
        int a = arena_holding(mems, pages, 3, got[i], 1);
        ck_assert_int_ge(a, 0);
        per_arena[a]++;
        ck_assert(is_all_zero(got[i], PAGE));
        memset(got[i], (int)(i & 0xff), PAGE);
    }
    ck_assert_ptr_null(page_alloc(1));
    ck_assert_uint_eq(page_alloc_free_pages(), 0);
    ck_assert_int_eq(per_arena[0], 9);
    ck_assert_int_eq(per_arena[1], 36);
    ck_assert_int_eq(per_arena[2], 63);

    /* Distinct pages: every page still holds what was written into it. */
    for (size_t i = 0; i < total; i++) {
        ck_assert_int_eq((unsigned char)got[i][0], i & 0xff);
        ck_assert_int_eq((unsigned char)got[i][PAGE - 1], i & 0xff);
        page_free(got[i], 1);
    }
    ck_assert_uint_eq(page_alloc_free_pages(), total);
    ck_assert_int_eq(bug_count, 0);
    free(got);
}
END_TEST

START_TEST(test_run_never_spans_ranges)
{
    char *mem = new_arena(20);

    ck_assert_int_eq(page_alloc_add_range((uintptr_t)mem, 10 * PAGE), 0);
    ck_assert_int_eq(page_alloc_add_range((uintptr_t)mem + 10 * PAGE, 10 * PAGE), 0);
    ck_assert_uint_eq(page_alloc_total_pages(), 18);
    ck_assert_ptr_null(page_alloc(10));
    char *a = page_alloc(9);
    char *b = page_alloc(9);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    page_free(a, 9);
    page_free(b, 9);
    ck_assert_uint_eq(page_alloc_free_pages(), 18);
}
END_TEST

START_TEST(test_exhaustion_and_exact_fit)
{
    add_arena(65);
    size_t total = page_alloc_total_pages();

    ck_assert_uint_eq(total, 64);
    ck_assert_ptr_null(page_alloc(0));
    ck_assert_ptr_null(page_alloc(total + 1));
    ck_assert_ptr_null(page_alloc(SIZE_MAX));

    char *all = page_alloc(total);
    ck_assert_ptr_nonnull(all);
    ck_assert_uint_eq(page_alloc_free_pages(), 0);
    ck_assert_ptr_null(page_alloc(1));
    page_free(all, total);

    char *a = page_alloc(30);
    char *b = page_alloc(34);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ck_assert_ptr_null(page_alloc(1));
    page_free(a, 30);
    ck_assert_ptr_null(page_alloc(31));
    a = page_alloc(30);
    ck_assert_ptr_nonnull(a);
    page_free(a, 30);
    page_free(b, 34);
    ck_assert_uint_eq(page_alloc_free_pages(), total);
    ck_assert_int_eq(bug_count, 0);
}
END_TEST

START_TEST(test_zero_fill)
{
    add_arena(9);

    char *p = page_alloc(8);
    ck_assert(is_all_zero(p, 8 * PAGE));
    memset(p, 0xff, 8 * PAGE);
    page_free(p, 8);

    p = page_alloc(8); /* the only place it fits: the same, dirty pages */
    ck_assert(is_all_zero(p, 8 * PAGE));
    page_free(p, 8);
}
END_TEST

START_TEST(test_alignment)
{
    /* An 8 MiB-aligned arena, so where aligned runs must land is known. */
    const size_t arena_pages = 2048 + 3;
    char *mem = new_arena_aligned(arena_pages, 2048 * PAGE);
    ck_assert_int_eq(page_alloc_add_range((uintptr_t)mem, arena_pages * PAGE), 0);
    size_t total = page_alloc_total_pages();

    for (size_t align = 1; align <= 1024; align *= 2) {
        for (size_t n = 1; n <= 5; n += 2) {
            char *p = page_alloc_aligned(n, align);
            ck_assert_ptr_nonnull(p);
            REQUIRE((uintptr_t)p % (align * PAGE) == 0);
            REQUIRE(is_all_zero(p, n * PAGE));
            page_free(p, n);
        }
    }
    ck_assert_ptr_null(page_alloc_aligned(1, 0));
    ck_assert_ptr_null(page_alloc_aligned(1, 3));
    ck_assert_ptr_null(page_alloc_aligned(1, 6));
    ck_assert_ptr_null(page_alloc_aligned(1, (size_t)1 << 62));

    page_alloc_reset();
    ck_assert_int_eq(page_alloc_add_range((uintptr_t)mem, arena_pages * PAGE), 0);
    /* Page 0 of the arena holds the bitmaps; usable pages are 1..2050. */
    char *a = page_alloc(3);
    ck_assert_ptr_eq(a, mem + 1 * PAGE);
    char *b = page_alloc_aligned(2, 4);
    ck_assert_ptr_eq(b, mem + 4 * PAGE);
    char *c = page_alloc_aligned(1, 1024);
    ck_assert_ptr_eq(c, mem + 1024 * PAGE);
    char *d = page_alloc_aligned(1, 2048);
    ck_assert_ptr_eq(d, mem + 2048 * PAGE);
    /* Plenty of free pages, but no other 2048-aligned place. */
    ck_assert_ptr_null(page_alloc_aligned(1, 2048));
    ck_assert_ptr_null(page_alloc_aligned(2048, 2048));
    page_free(a, 3);
    page_free(b, 2);
    page_free(c, 1);
    page_free(d, 1);
    ck_assert_uint_eq(page_alloc_free_pages(), total);
    ck_assert_int_eq(bug_count, 0);
}
END_TEST

START_TEST(test_fragmentation_then_coalescing)
{
    add_arena(129);
    size_t total = page_alloc_total_pages();
    char *pages[128];

    for (size_t i = 0; i < total; i++) {
        pages[i] = page_alloc(1);
        ck_assert_ptr_nonnull(pages[i]);
    }
    for (size_t i = 0; i < total; i += 2)
        page_free(pages[i], 1);
    ck_assert_uint_eq(page_alloc_free_pages(), total / 2);
    ck_assert_ptr_null(page_alloc(2));

    for (size_t i = 1; i < total; i += 2)
        page_free(pages[i], 1);
    char *all = page_alloc(total);
    ck_assert_ptr_nonnull(all);
    ck_assert(is_all_zero(all, total * PAGE));
    page_free(all, total);
    ck_assert_uint_eq(page_alloc_free_pages(), total);
    ck_assert_int_eq(bug_count, 0);
}
END_TEST

START_TEST(test_block_start)
{
    char *mem = add_arena(16);

    char *a = page_alloc(1);
    char *b = page_alloc(5);
    ck_assert_ptr_eq(page_alloc_block_start(a), a);
    ck_assert_ptr_eq(page_alloc_block_start(a + PAGE - 1), a);
    ck_assert_ptr_eq(page_alloc_block_start(b), b);
    ck_assert_ptr_eq(page_alloc_block_start(b + 3 * PAGE + 17), b);
    ck_assert_ptr_eq(page_alloc_block_start(b + 5 * PAGE - 1), b);
    ck_assert_ptr_null(page_alloc_block_start(b + 5 * PAGE)); /* free page */
    ck_assert_ptr_null(page_alloc_block_start(mem));          /* bitmap page */
    ck_assert_ptr_null(page_alloc_block_start(&bug_count));   /* not managed */
    page_free(a, 1);
    ck_assert_ptr_null(page_alloc_block_start(a));
    page_free(b, 5);
    ck_assert_ptr_null(page_alloc_block_start(b + PAGE));
}
END_TEST

/* ---- misuse ------------------------------------------------------------ */

START_TEST(test_double_free_detected)
{
    add_arena(33);
    size_t total = page_alloc_total_pages();

    char *a = page_alloc(3);
    char *b = page_alloc(2);
    page_free(a, 3);
    ASSERT_ONE_BUG_ABOUT(page_free(a, 3), a);
    ck_assert_ptr_nonnull(strstr(last_bug_what, "double free"));

    /* a's pages are reused; b is still intact and the counts are right. */
    char *c = page_alloc(3);
    ck_assert_ptr_nonnull(c);
    page_free(c, 3);
    page_free(b, 2);
    ASSERT_ONE_BUG_ABOUT(page_free(b, 2), b);
    ck_assert_uint_eq(page_alloc_free_pages(), total);
    char *all = page_alloc(total);
    ck_assert_ptr_nonnull(all);
    page_free(all, total);
    ck_assert_int_eq(bug_count, 2);
}
END_TEST

START_TEST(test_bad_frees_detected)
{
    char *mem = add_arena(33);
    char *other = new_arena(4);
    size_t total = page_alloc_total_pages();
    char *a = page_alloc(4);
    char *b = page_alloc(4);
    char *never = b + 8 * PAGE;

    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ASSERT_ONE_BUG_ABOUT(page_free(a + 100, 4), a + 100);                 /* misaligned */
    ASSERT_ONE_BUG_ABOUT(page_free(other, 1), other);                     /* not managed */
    ASSERT_ONE_BUG_ABOUT(page_free(mem, 1), mem);                         /* bitmap page */
    ASSERT_ONE_BUG_ABOUT(page_free(never, 1), never);                     /* never allocated */
    ASSERT_ONE_BUG_ABOUT(page_free(a + PAGE, 3), a + PAGE);               /* inside a run */
    ASSERT_ONE_BUG_ABOUT(page_free(a, 3), a);                             /* too short */
    ASSERT_ONE_BUG_ABOUT(page_free(b, 5), b);                             /* too long */
    ASSERT_ONE_BUG_ABOUT(page_free(a, 8), a);                             /* two runs */
    ASSERT_ONE_BUG_ABOUT(page_free(a, 0), a);                             /* zero pages */
    ASSERT_ONE_BUG_ABOUT(page_free(b, SIZE_MAX), b);                      /* absurd count */
    ASSERT_ONE_BUG_ABOUT(page_free(mem + 33 * PAGE, 1), mem + 33 * PAGE); /* past the end */

    int bugs = bug_count;
    page_free(NULL, 1);
    ck_assert_int_eq(bug_count, bugs);

    /* Nothing was corrupted: the real frees work and everything comes back. */
    page_free(a, 4);
    page_free(b, 4);
    ck_assert_uint_eq(page_alloc_free_pages(), total);
    char *all = page_alloc(total);
    ck_assert_ptr_nonnull(all);
    page_free(all, total);
    ck_assert_int_eq(bug_count, bugs);
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

struct live_run {
    char *p;
    size_t n;
    unsigned char tag;
};

/* Owner of each page of two arenas, indexed by page number from the lowest one. */
struct shadow {
    char *lo;
    size_t npages;
    unsigned *owner; /* 0: free */
};

static unsigned *shadow_slot(struct shadow *s, char *p)
{
    REQUIRE(p >= s->lo);
    size_t idx = (size_t)(p - s->lo) / PAGE;
    REQUIRE(idx < s->npages);
    return &s->owner[idx];
}

static void shadow_claim(struct shadow *s, const struct live_run *r, unsigned id)
{
    for (size_t i = 0; i < r->n; i++) {
        unsigned *slot = shadow_slot(s, r->p + i * PAGE);
        REQUIRE(*slot == 0); /* else it overlaps a live allocation */
        *slot = id;
    }
}

static void shadow_release(struct shadow *s, const struct live_run *r, unsigned id)
{
    for (size_t i = 0; i < r->n; i++) {
        unsigned *slot = shadow_slot(s, r->p + i * PAGE);
        REQUIRE(*slot == id);
        *slot = 0;
    }
}

static void check_contents(const struct live_run *r)
{
    for (size_t i = 0; i < r->n * PAGE; i += 61)
        REQUIRE((unsigned char)r->p[i] == r->tag);
    REQUIRE((unsigned char)r->p[r->n * PAGE - 1] == r->tag);
}

START_TEST(test_randomized_against_shadow)
{
    enum { OPS = 20000, MAX_LIVE = 512 };
    char *arena = new_arena(700);
    /* Two ranges of different sizes inside one arena, with a gap of unmanaged pages. */
    ck_assert_int_eq(page_alloc_add_range((uintptr_t)arena, 300 * PAGE), 0);
    ck_assert_int_eq(page_alloc_add_range((uintptr_t)arena + 310 * PAGE, 390 * PAGE), 0);
    size_t total = page_alloc_total_pages();

    struct shadow shadow = {arena, 700, calloc(700, sizeof(unsigned))};
    struct live_run *live = calloc(MAX_LIVE, sizeof(*live));
    unsigned *ids = calloc(MAX_LIVE, sizeof(*ids));
    size_t nlive = 0, live_pages = 0, failures = 0;
    unsigned next_id = 1;

    rng_state = 0x5eed5eed12345678ull;
    for (int op = 0; op < OPS; op++) {
        bool do_alloc = nlive == 0 || (nlive < MAX_LIVE && rng_next() % 100 < 55);
        if (do_alloc) {
            size_t n = rng_next() % 8 == 0 ? 1 + rng_next() % 40 : 1 + rng_next() % 6;
            size_t align = rng_next() % 4 == 0 ? (size_t)1 << (rng_next() % 5) : 1;
            char *p = page_alloc_aligned(n, align);
            if (p == NULL) {
                failures++;
                continue;
            }
            REQUIRE((uintptr_t)p % (align * PAGE) == 0);
            REQUIRE(is_all_zero(p, n * PAGE));
            struct live_run r = {p, n, (unsigned char)(1 + rng_next() % 255)};
            shadow_claim(&shadow, &r, next_id);
            memset(p, r.tag, n * PAGE);
            ids[nlive] = next_id++;
            live[nlive++] = r;
            live_pages += n;
        } else {
            size_t k = rng_next() % nlive;
            check_contents(&live[k]);
            shadow_release(&shadow, &live[k], ids[k]);
            page_free(live[k].p, live[k].n);
            live_pages -= live[k].n;
            live[k] = live[--nlive];
            ids[k] = ids[nlive];
        }
        REQUIRE(page_alloc_free_pages() == total - live_pages);
    }
    ck_assert_uint_gt(failures, 0); /* the run did reach exhaustion at times */

    while (nlive > 0) {
        nlive--;
        check_contents(&live[nlive]);
        shadow_release(&shadow, &live[nlive], ids[nlive]);
        page_free(live[nlive].p, live[nlive].n);
    }
    ck_assert_uint_eq(page_alloc_free_pages(), total);
    ck_assert_int_eq(bug_count, 0);
    /* And the free space is whole again. */
    char *big = page_alloc(389);
    ck_assert_ptr_nonnull(big);
    page_free(big, 389);

    free(shadow.owner);
    free(live);
    free(ids);
}
END_TEST

/* ---- a range of several GiB -------------------------------------------- */

START_TEST(test_large_range)
{
    /* Lazily backed: only the bitmaps and the pages handed out get touched. */
    size_t size = (size_t)4 << 30;
    void *mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mem == MAP_FAILED)
        return; /* no address space for it here: nothing to test */
    uintptr_t base = ((uintptr_t)mem + PAGE - 1) & ~(uintptr_t)(PAGE - 1);
    size_t pages = (size - (base - (uintptr_t)mem)) / PAGE;

    ck_assert_int_eq(page_alloc_add_range(base, pages * PAGE), 0);
    size_t meta = (2 * ((pages + 63) / 64) * 8 + PAGE - 1) / PAGE;
    ck_assert_uint_eq(page_alloc_total_pages(), pages - meta);

    char *first = page_alloc(1);
    ck_assert_uint_eq((uintptr_t)first, base + meta * PAGE);
    /* A page aligned to 256 MiB lies far into the range. */
    char *far = page_alloc_aligned(2, (size_t)1 << 16);
    ck_assert_ptr_nonnull(far);
    ck_assert_uint_eq((uintptr_t)far % ((size_t)256 << 20), 0);
    ck_assert_ptr_eq(page_alloc_block_start(far + PAGE + 5), far);
    ck_assert_ptr_null(page_alloc(pages));
    page_free(first, 1);
    page_free(far, 2);
    ck_assert_uint_eq(page_alloc_free_pages(), pages - meta);
    ck_assert_int_eq(bug_count, 0);
    page_alloc_reset();
    munmap(mem, size);
}
END_TEST

static Suite *page_alloc_suite(void)
{
    Suite *s = suite_create("page_alloc");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_add_range_rejects_bad_ranges);
    tcase_add_test(tc, test_range_table_full);
    tcase_add_test(tc, test_tiny_range_accepted_but_unused);
    tcase_add_test(tc, test_metadata_lives_at_range_start);
    tcase_add_test(tc, test_multiple_ranges_page_by_page);
    tcase_add_test(tc, test_run_never_spans_ranges);
    tcase_add_test(tc, test_exhaustion_and_exact_fit);
    tcase_add_test(tc, test_zero_fill);
    tcase_add_test(tc, test_alignment);
    tcase_add_test(tc, test_fragmentation_then_coalescing);
    tcase_add_test(tc, test_block_start);
    tcase_add_test(tc, test_double_free_detected);
    tcase_add_test(tc, test_bad_frees_detected);
    tcase_add_test(tc, test_randomized_against_shadow);
    tcase_add_test(tc, test_large_range);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(page_alloc_suite());

    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
