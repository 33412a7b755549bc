/*
 * test_console_history.c - unit tests for dom0's per-domain console history
 * (dom0-tools/dom0/console_history.c): it keeps exactly the last 64 KiB,
 * across the wrap and for appends larger than itself.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "console_history.h"

static struct console_history h;
static char big[3 * CONSOLE_HISTORY_SIZE], out[CONSOLE_HISTORY_SIZE];

static void setup(void)
{
    console_history_reset(&h);
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (char)('a' + i % 23);
}

START_TEST(short_history)
{
    console_history_append(&h, "hello\n", 6);
    ck_assert_uint_eq(console_history_len(&h), 6);
    ck_assert_uint_eq(console_history_copy(&h, 0, out, sizeof(out)), 6);
    ck_assert_mem_eq(out, "hello\n", 6);
    ck_assert(console_history_contains(&h, "llo"));
    ck_assert(!console_history_contains(&h, "hello\nx"));
    ck_assert_uint_eq(console_history_copy(&h, 6, out, sizeof(out)), 0);
}
END_TEST

/* Appends in odd chunks past several wraps: exactly the last 64 KiB stay. */
START_TEST(keeps_the_last_64k)
{
    size_t done = 0;

    for (unsigned int i = 0; done < 2 * CONSOLE_HISTORY_SIZE + 123; i++) {
        size_t n = 1 + (i * 997) % 5000;
        console_history_append(&h, big + done, n);
        done += n;
    }
    ck_assert_uint_eq(h.total, done);
    ck_assert_uint_eq(console_history_len(&h), CONSOLE_HISTORY_SIZE);
    ck_assert_uint_eq(console_history_copy(&h, 0, out, sizeof(out)), CONSOLE_HISTORY_SIZE);
    ck_assert_mem_eq(out, big + done - CONSOLE_HISTORY_SIZE, CONSOLE_HISTORY_SIZE);
}
END_TEST

START_TEST(append_bigger_than_history)
{
    console_history_append(&h, "x", 1);
    console_history_append(&h, big, sizeof(big));
    ck_assert_uint_eq(h.total, sizeof(big) + 1);
    ck_assert_uint_eq(console_history_copy(&h, 0, out, sizeof(out)), CONSOLE_HISTORY_SIZE);
    ck_assert_mem_eq(out, big + sizeof(big) - CONSOLE_HISTORY_SIZE, CONSOLE_HISTORY_SIZE);
}
END_TEST

/* A marker written across the wrap point is found; an evicted one is not. */
START_TEST(contains_across_the_wrap)
{
    console_history_append(&h, "OLD-MARKER", 10);
    console_history_append(&h, big, CONSOLE_HISTORY_SIZE - 4);
    console_history_append(&h, "NEW-MARKER", 10); /* straddles buf's end */
    ck_assert(console_history_contains(&h, "NEW-MARKER"));
    ck_assert(!console_history_contains(&h, "OLD-MARKER"));
    ck_assert_uint_eq(console_history_copy(&h, CONSOLE_HISTORY_SIZE - 10, out, 100), 10);
    ck_assert_mem_eq(out, "NEW-MARKER", 10);
}
END_TEST

static Suite *history_suite(void)
{
    Suite *s = suite_create("console_history");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, short_history);
    tcase_add_test(tc, keeps_the_last_64k);
    tcase_add_test(tc, append_bigger_than_history);
    tcase_add_test(tc, contains_across_the_wrap);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(history_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
