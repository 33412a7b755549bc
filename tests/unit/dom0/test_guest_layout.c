/*
 * test_guest_layout.c - unit tests for hypervisor/common/guest_layout.c,
 * the guest-physical layout both domain builders use: special pages at
 * the top, modules below them, free ranges around the image, page
 * permissions of the image; and every refusal (memory too small or
 * unaligned, too many modules, modules that do not fit, an image outside
 * its limits). A seeded sweep checks that nothing planned ever overlaps.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include <skiff/guest_layout.h>

#include "lib/lib_test.h"

/* ck_assert_* report every passing check through a pipe: too slow in loops. */
#define LOOP_CHECK(cond)                             \
    do {                                             \
        if (!(cond))                                 \
            ck_abort_msg("check failed: %s", #cond); \
    } while (0)

#define PG    GUEST_LAYOUT_PAGE_SIZE
#define MIB   (1ull << 20)
#define SI    GUEST_LAYOUT_START_INFO_SIZE
#define STACK GUEST_LAYOUT_STACK_SIZE

static struct elf_image image_at(uint64_t lo, uint64_t hi)
{
    struct elf_image img;

    memset(&img, 0, sizeof(img));
    img.nr_segments = 1;
    img.segments[0] = (struct elf_segment){lo, hi - lo, 0, 0, ELF_SEG_R | ELF_SEG_X};
    img.lowest = lo;
    img.highest = hi;
    img.entry = lo;
    return img;
}

static int overlap(uint64_t a, uint64_t an, uint64_t b, uint64_t bn)
{
    return a < b + bn && b < a + an;
}

START_TEST(test_special_pages_at_the_top)
{
    struct guest_layout l;

    ck_assert_int_eq(guest_layout_plan(4 * MIB, NULL, 0, &l), 0);
    ck_assert_uint_eq(l.mem, 4 * MIB);
    ck_assert_uint_eq(l.start_info, 4 * MIB - SI);
    ck_assert_uint_eq(l.start_info_size, SI);
    ck_assert_uint_eq(l.shared_info, 4 * MIB - SI - PG);
    ck_assert_uint_eq(l.stack_top, l.shared_info);
    ck_assert_uint_eq(l.stack_top % 16, 0);
    ck_assert_uint_eq(l.stack_base, l.stack_top - STACK);
    ck_assert_uint_eq(l.modules_base, l.stack_base);
    ck_assert_uint_eq(l.nr_modules, 0);
    ck_assert_uint_eq(l.nr_free, 0);

    struct elf_limits lim = guest_layout_image_limits(&l);
    ck_assert_uint_eq(lim.min_va, PG);
    ck_assert_uint_eq(lim.max_va, l.stack_base);
}
END_TEST

START_TEST(test_console_page_below_the_stack)
{
    struct guest_layout l;

    ck_assert_int_eq(guest_layout_plan(4 * MIB, NULL, 0, &l), 0);
    ck_assert_uint_eq(l.console, 0);
    ck_assert_int_eq(guest_layout_add_console(&l), 0);
    ck_assert_uint_eq(l.console, l.stack_base - PG);
    ck_assert_uint_eq(l.modules_base, l.console);
    ck_assert_uint_eq(guest_layout_image_limits(&l).max_va, l.console);
    ck_assert_int_eq(guest_layout_add_console(&l), -ENOMEM); /* only one */
    ck_assert_int_eq(guest_layout_place_image(&l, &(struct elf_image){0}), -EINVAL);
}
END_TEST

START_TEST(test_store_page_below_the_console)
{
    struct guest_layout l;

    ck_assert_int_eq(guest_layout_plan(4 * MIB, NULL, 0, &l), 0);
    ck_assert_int_eq(guest_layout_add_console(&l), 0);
    ck_assert_int_eq(guest_layout_add_store(&l), 0);
    ck_assert_uint_eq(l.store, l.console - PG);
    ck_assert_uint_eq(l.modules_base, l.store);
    ck_assert_uint_eq(guest_layout_image_limits(&l).max_va, l.store);
    ck_assert_int_eq(guest_layout_add_store(&l), -ENOMEM); /* only one */
}
END_TEST

START_TEST(test_modules_top_down)
{
    const uint64_t sizes[] = {10000, 100, 3 * PG};
    struct guest_layout l;

    ck_assert_int_eq(guest_layout_plan(8 * MIB, sizes, 3, &l), 0);
    ck_assert_uint_eq(l.nr_modules, 3);
    ck_assert_uint_eq(l.modules[2].base, l.stack_base - 3 * PG);
    ck_assert_uint_eq(l.modules[1].base, l.modules[2].base - PG);
    ck_assert_uint_eq(l.modules[0].base, l.modules[1].base - 3 * PG); /* 10000 -> 3 pages */
    ck_assert_uint_eq(l.modules_base, l.modules[0].base);
    for (unsigned int i = 0; i < 3; i++) {
        ck_assert_uint_eq(l.modules[i].size, sizes[i]);
        ck_assert_uint_eq(l.modules[i].base % PG, 0);
    }
}
END_TEST

START_TEST(test_free_ranges_around_the_image)
{
    struct guest_layout l;
    struct elf_image img = image_at(2 * MIB, 2 * MIB + 0x4321);

    ck_assert_int_eq(guest_layout_plan(4 * MIB, NULL, 0, &l), 0);
    ck_assert_int_eq(guest_layout_place_image(&l, &img), 0);
    ck_assert_uint_eq(l.nr_free, 2);
    ck_assert_uint_eq(l.free[0].base, PG);
    ck_assert_uint_eq(l.free[0].size, 2 * MIB - PG);
    ck_assert_uint_eq(l.free[1].base, 2 * MIB + 0x5000);
    ck_assert_uint_eq(l.free[1].base + l.free[1].size, l.stack_base);

    img = image_at(PG, l.stack_base); /* the image fills everything */
    ck_assert_int_eq(guest_layout_place_image(&l, &img), 0);
    ck_assert_uint_eq(l.nr_free, 0);

    img = image_at(PG + 0x10, 0x3000); /* unaligned start: the page below is not free */
    ck_assert_int_eq(guest_layout_place_image(&l, &img), 0);
    ck_assert_uint_eq(l.nr_free, 1);
    ck_assert_uint_eq(l.free[0].base, 0x3000);
}
END_TEST

START_TEST(test_refusals)
{
    const uint64_t sizes[GUEST_LAYOUT_MAX_MODULES + 1] = {0};
    const uint64_t huge[] = {~0ull - 5};
    const uint64_t too_big[] = {4 * MIB};
    struct guest_layout l;
    struct elf_image img;

    ck_assert_int_eq(guest_layout_plan(4 * MIB + 1, NULL, 0, &l), -EINVAL);
    ck_assert_int_eq(guest_layout_plan(0, NULL, 0, &l), -EINVAL);
    ck_assert_int_eq(guest_layout_plan(GUEST_LAYOUT_SPECIAL_SIZE + PG, NULL, 0, &l), -EINVAL);
    ck_assert_int_eq(guest_layout_plan(GUEST_LAYOUT_SPECIAL_SIZE + 2 * PG, NULL, 0, &l), 0);
    ck_assert_int_eq(guest_layout_plan(8 * MIB, sizes, GUEST_LAYOUT_MAX_MODULES + 1, &l), -EINVAL);
    ck_assert_int_eq(guest_layout_plan(8 * MIB, huge, 1, &l), -ENOMEM);
    ck_assert_int_eq(guest_layout_plan(4 * MIB, too_big, 1, &l), -ENOMEM);

    ck_assert_int_eq(guest_layout_plan(4 * MIB, NULL, 0, &l), 0);
    img = image_at(0, 0x1000); /* page 0 */
    ck_assert_int_eq(guest_layout_place_image(&l, &img), -EINVAL);
    img = image_at(2 * MIB, l.stack_base + 1); /* into the stack */
    ck_assert_int_eq(guest_layout_place_image(&l, &img), -EINVAL);
    img = image_at(2 * MIB, 2 * MIB);
    img.nr_segments = 0;
    ck_assert_int_eq(guest_layout_place_image(&l, &img), -EINVAL);
}
END_TEST

START_TEST(test_page_perms)
{
    struct elf_image img;

    memset(&img, 0, sizeof(img));
    img.nr_segments = 3;
    img.segments[0] = (struct elf_segment){0x200000, 0x1800, 0, 0, ELF_SEG_R | ELF_SEG_X};
    img.segments[1] = (struct elf_segment){0x201800, 0x100, 0, 0, ELF_SEG_R}; /* shares a page */
    img.segments[2] = (struct elf_segment){0x204000, 0x10, 0, 0, ELF_SEG_R | ELF_SEG_W};
    img.lowest = 0x200000;
    img.highest = 0x204010;

    ck_assert_uint_eq(guest_layout_image_first_gfn(&img), 0x200);
    ck_assert_uint_eq(guest_layout_image_end_gfn(&img), 0x205);
    ck_assert_uint_eq(guest_layout_page_perms(&img, 0x200), ELF_SEG_R | ELF_SEG_X);
    ck_assert_uint_eq(guest_layout_page_perms(&img, 0x201), ELF_SEG_R | ELF_SEG_X);
    ck_assert_uint_eq(guest_layout_page_perms(&img, 0x202), ELF_SEG_R | ELF_SEG_W); /* a gap */
    ck_assert_uint_eq(guest_layout_page_perms(&img, 0x203), ELF_SEG_R | ELF_SEG_W);
    ck_assert_uint_eq(guest_layout_page_perms(&img, 0x204), ELF_SEG_R | ELF_SEG_W);

    img.segments[1].perms = 0; /* a segment with no flags: read-only, not a gap */
    img.segments[1].vaddr = 0x202000;
    ck_assert_uint_eq(guest_layout_page_perms(&img, 0x202), ELF_SEG_R);
    img.segments[1].perms = ELF_SEG_W;
    ck_assert_uint_eq(guest_layout_page_perms(&img, 0x202), ELF_SEG_R | ELF_SEG_W);
}
END_TEST

/* Random RAM sizes and modules: whatever is planned lies in RAM and never overlaps. */
START_TEST(test_random_plans_never_overlap)
{
    uint64_t rng = 0x1a40u;

    for (int round = 0; round < 20000; round++) {
        uint64_t mem = (1 + rng_below(&rng, 64)) * MIB + rng_below(&rng, 16) * PG;
        unsigned int n = (unsigned int)rng_below(&rng, GUEST_LAYOUT_MAX_MODULES + 1);
        uint64_t sizes[GUEST_LAYOUT_MAX_MODULES];
        struct guest_layout l;
        for (unsigned int i = 0; i < n; i++)
            sizes[i] = rng_below(&rng, 4 * MIB);
        if (guest_layout_plan(mem, sizes, n, &l))
            continue;
        LOOP_CHECK(l.modules_base >= PG && l.start_info + l.start_info_size == mem);
        for (unsigned int i = 0; i < n; i++) {
            LOOP_CHECK(l.modules[i].base >= l.modules_base);
            LOOP_CHECK(l.modules[i].base + l.modules[i].size <= l.stack_base);
            for (unsigned int j = 0; j < i; j++)
                LOOP_CHECK(!overlap(l.modules[i].base, l.modules[i].size, l.modules[j].base,
                                    l.modules[j].size));
        }
        if (l.modules_base == PG)
            continue; /* modules fill all RAM: no room for an image */
        uint64_t lo = PG + rng_below(&rng, l.modules_base - PG);
        uint64_t hi = lo + 1 + rng_below(&rng, l.modules_base - lo);
        struct elf_image img = image_at(lo, hi);
        LOOP_CHECK(guest_layout_place_image(&l, &img) == 0);
        for (unsigned int i = 0; i < l.nr_free; i++) {
            LOOP_CHECK(l.free[i].base % PG == 0 && l.free[i].size % PG == 0);
            LOOP_CHECK(!overlap(l.free[i].base, l.free[i].size, lo, hi - lo));
            LOOP_CHECK(l.free[i].base >= PG && l.free[i].base + l.free[i].size <= l.modules_base);
        }
    }
}
END_TEST

static Suite *layout_suite(void)
{
    Suite *s = suite_create("guest_layout");
    TCase *tc = tcase_create("layout");

    tcase_add_test(tc, test_special_pages_at_the_top);
    tcase_add_test(tc, test_modules_top_down);
    tcase_add_test(tc, test_console_page_below_the_stack);
    tcase_add_test(tc, test_store_page_below_the_console);
    tcase_add_test(tc, test_free_ranges_around_the_image);
    tcase_add_test(tc, test_refusals);
    tcase_add_test(tc, test_page_perms);
    tcase_add_test(tc, test_random_plans_never_overlap);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(layout_suite());
}
