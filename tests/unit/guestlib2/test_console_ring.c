/*
 * test_console_ring.c - unit tests for the console ring page's two byte
 * rings (guest-lib/src/console_ring.c): wrap-around of the 2048-byte out
 * and 1024-byte in rings, partial writes into a nearly full ring, a full
 * ring, indices wrapping at 2^32, and hostile indices (HOSTILE R2).
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include <public/errno.h>
#include <skiff/console_ring.h>

static struct xencons_interface page;
static char src[8192], dst[8192];

static void setup(void)
{
    memset(&page, 0, sizeof(page));
    for (size_t i = 0; i < sizeof(src); i++)
        src[i] = (char)(i * 7 + 3);
    memset(dst, 0, sizeof(dst));
}

START_TEST(layout_is_xens)
{
    ck_assert_uint_eq(sizeof(page.in), 1024);
    ck_assert_uint_eq(sizeof(page.out), 2048);
    ck_assert_uint_eq(offsetof(struct xencons_interface, in_cons), 3072);
    ck_assert_uint_eq(offsetof(struct xencons_interface, out_prod), 3084);
}
END_TEST

START_TEST(out_round_trip)
{
    ck_assert_uint_eq(cons_ring_write_out(&page, src, 100), 100);
    ck_assert_uint_eq(page.out_prod, 100);
    ck_assert_uint_eq(cons_ring_out_pending(&page), 100);
    ck_assert_int_eq(cons_ring_read_out(&page, dst, sizeof(dst)), 100);
    ck_assert_mem_eq(dst, src, 100);
    ck_assert_uint_eq(page.out_cons, 100);
    ck_assert_int_eq(cons_ring_read_out(&page, dst, sizeof(dst)), 0);
}
END_TEST

START_TEST(out_full_ring_and_partial_write)
{
    ck_assert_uint_eq(cons_ring_write_out(&page, src, 3000), 2048); /* partial: what fits */
    ck_assert_uint_eq(cons_ring_write_out(&page, src, 1), 0);       /* full */
    ck_assert_uint_eq(cons_ring_out_pending(&page), 2048);
    ck_assert_int_eq(cons_ring_read_out(&page, dst, 48), 48); /* partial read */
    ck_assert_uint_eq(cons_ring_write_out(&page, src + 2048, 100), 48);
    ck_assert_int_eq(cons_ring_read_out(&page, dst + 48, sizeof(dst)), 2048);
    ck_assert_mem_eq(dst, src, 2096);
}
END_TEST

/* Many odd-sized chunks: every offset of the ring is crossed by a write. */
START_TEST(out_wraps_around)
{
    size_t sent = 0, got = 0;
    char chunk[2048];

    for (unsigned int round = 0; round < 2001; round++) {
        size_t n = 1 + (round * 37) % 1500;
        sent += cons_ring_write_out(&page, src + (sent % 4096), n);
        /* The last round drains everything. */
        int r = cons_ring_read_out(&page, chunk, round == 2000 ? sizeof(chunk) : 1 + round % 1900);
        ck_assert_int_ge(r, 0);
        for (int i = 0; i < r; i++) /* byte k of the stream is src[k % 4096] */
            ck_assert_int_eq(chunk[i], src[(got + (size_t)i) % 4096]);
        got += (size_t)r;
    }
    ck_assert_uint_eq(got, sent);
    ck_assert_uint_gt(sent, 10 * 2048);
    ck_assert_uint_eq(page.out_prod, (uint32_t)sent);
}
END_TEST

START_TEST(indices_wrap_at_2_32)
{
    page.out_prod = page.out_cons = UINT32_MAX - 10;
    ck_assert_uint_eq(cons_ring_write_out(&page, src, 2048), 2048);
    ck_assert_uint_eq(page.out_prod, (uint32_t)(UINT32_MAX - 10 + 2048));
    ck_assert_int_eq(cons_ring_read_out(&page, dst, 5000), 2048);
    ck_assert_mem_eq(dst, src, 2048);
    page.in_prod = page.in_cons = UINT32_MAX;
    ck_assert_uint_eq(cons_ring_write_in(&page, src, 10), 10);
    ck_assert_uint_eq(cons_ring_read_in(&page, dst, 10), 10);
    ck_assert_mem_eq(dst, src, 10);
}
END_TEST

START_TEST(in_ring_wraps_and_fills)
{
    size_t total = 0;

    for (unsigned int i = 0; i < 50; i++) {
        ck_assert_uint_eq(cons_ring_write_in(&page, src + i, 700), 700);
        ck_assert_uint_eq(cons_ring_read_in(&page, dst, 300), 300);
        ck_assert_mem_eq(dst, src + i, 300);
        ck_assert_uint_eq(cons_ring_read_in(&page, dst, 1000), 400);
        ck_assert_mem_eq(dst, src + i + 300, 400);
        total += 700;
    }
    ck_assert_uint_eq(page.in_prod, total);
    ck_assert_uint_eq(cons_ring_write_in(&page, src, 5000), 1024);
    ck_assert_uint_eq(cons_ring_write_in(&page, src, 1), 0);
}
END_TEST

/* A guest publishing out_prod more than a ring ahead gets -EIO, nothing consumed. */
START_TEST(hostile_out_prod)
{
    page.out_prod = 2049;
    ck_assert_int_eq(cons_ring_read_out(&page, dst, sizeof(dst)), -SKIFF_EIO);
    ck_assert_uint_eq(page.out_cons, 0);
    page.out_prod = UINT32_MAX; /* "behind" the consumer */
    ck_assert_int_eq(cons_ring_read_out(&page, dst, sizeof(dst)), -SKIFF_EIO);
    ck_assert_uint_eq(cons_ring_out_pending(&page), 2048);
}
END_TEST

/* A backend rewriting the indices cannot make the guest overrun or hang. */
START_TEST(hostile_in_and_out_cons)
{
    page.in_prod = 5000; /* impossible: dropped, nothing read */
    ck_assert_uint_eq(cons_ring_read_in(&page, dst, sizeof(dst)), 0);
    ck_assert_uint_eq(page.in_cons, 5000);
    page.out_cons = 100; /* ahead of out_prod = 0: looks more than full */
    ck_assert_uint_eq(cons_ring_write_out(&page, src, 10), 0);
}
END_TEST

static Suite *ring_suite(void)
{
    Suite *s = suite_create("console_ring");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, layout_is_xens);
    tcase_add_test(tc, out_round_trip);
    tcase_add_test(tc, out_full_ring_and_partial_write);
    tcase_add_test(tc, out_wraps_around);
    tcase_add_test(tc, indices_wrap_at_2_32);
    tcase_add_test(tc, in_ring_wraps_and_fills);
    tcase_add_test(tc, hostile_out_prod);
    tcase_add_test(tc, hostile_in_and_out_cons);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(ring_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
