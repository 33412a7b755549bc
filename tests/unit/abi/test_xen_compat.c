/*
 * test_xen_compat.c - proves Skiff's public headers say what Xen's say: the
 * table skiff_side.c built from Skiff's headers must equal, entry by entry,
 * the one xen_side.c built from Debian's libxen-dev (see abi_items.def).
 */
#include <check.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi_table.h"

#define REPORT_SIZE 8192

/* Appends one printf-style line to a bounded report. */
static void report_line(char *report, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void report_line(char *report, size_t size, const char *fmt, ...)
{
    size_t used = strlen(report);
    va_list ap;

    if (used + 1 >= size)
        return;
    va_start(ap, fmt);
    vsnprintf(report + used, size - used, fmt, ap);
    va_end(ap);
}

/*
 * Compares the tables entry by entry; writes one line per mismatch into
 * report (NUL-terminated) and returns how many there were.
 */
static unsigned int abi_compare(const struct abi_item *skiff, size_t nskiff,
                                const struct abi_item *xen, size_t nxen, char *report, size_t size)
{
    unsigned int bad = 0;

    report[0] = '\0';
    if (nskiff != nxen) {
        report_line(report, size, "tables differ in length: Skiff %zu, Xen %zu\n", nskiff, nxen);
        bad++;
    }
    for (size_t i = 0; i < nskiff && i < nxen; i++) {
        if (strcmp(skiff[i].name, xen[i].name) != 0) {
            report_line(report, size, "entry %zu: Skiff names it %s, Xen %s\n", i, skiff[i].name,
                        xen[i].name);
            bad++;
        } else if (skiff[i].value != xen[i].value) {
            report_line(report, size, "%s: Skiff %llu (0x%llx), Xen %llu (0x%llx)\n", skiff[i].name,
                        skiff[i].value, skiff[i].value, xen[i].value, xen[i].value);
            bad++;
        }
    }
    return bad;
}

static bool has_item(const char *name)
{
    for (size_t i = 0; i < abi_skiff_count; i++)
        if (strcmp(abi_skiff_items[i].name, name) == 0)
            return true;
    return false;
}

static bool in_list(const char *const *list, const char *name)
{
    for (; *list; list++)
        if (strcmp(*list, name) == 0)
            return true;
    return false;
}

START_TEST(skiff_matches_xen)
{
    char report[REPORT_SIZE];
    unsigned int bad = abi_compare(abi_skiff_items, abi_skiff_count, abi_xen_items, abi_xen_count,
                                   report, sizeof(report));

    if (bad)
        fprintf(stderr, "Skiff's public headers differ from Xen's:\n%s", report);
    ck_assert_msg(bad == 0, "%u ABI mismatches with Xen:\n%s", bad, report);
    ck_assert_uint_gt(abi_skiff_count, 100);
}
END_TEST

/* The comparison itself must catch a changed value, and name it. */
START_TEST(compare_reports_a_changed_value)
{
    size_t n = abi_skiff_count, k = n / 2;
    struct abi_item *copy = malloc(n * sizeof(*copy));
    char report[REPORT_SIZE];

    ck_assert_ptr_nonnull(copy);
    memcpy(copy, abi_skiff_items, n * sizeof(*copy));
    ck_assert_uint_eq(abi_compare(copy, n, abi_skiff_items, n, report, sizeof(report)), 0);
    copy[k].value ^= 1;
    ck_assert_uint_eq(abi_compare(copy, n, abi_skiff_items, n, report, sizeof(report)), 1);
    ck_assert_msg(strstr(report, copy[k].name) != NULL, "report does not name %s: %s", copy[k].name,
                  report);
    ck_assert_uint_eq(abi_compare(copy, n - 1, abi_skiff_items, n, report, sizeof(report)), 2);
    free(copy);
}
END_TEST

START_TEST(item_names_are_unique)
{
    for (size_t i = 0; i < abi_skiff_count; i++)
        for (size_t j = 0; j < i; j++)
            ck_assert_msg(strcmp(abi_skiff_items[i].name, abi_skiff_items[j].name) != 0,
                          "abi_items.def lists %s twice", abi_skiff_items[i].name);
}
END_TEST

/* Every hypercall of the table is compared with Xen or declared Skiff's own. */
START_TEST(every_table_hypercall_is_covered)
{
    char name[128];

    for (const char *const *h = abi_skiff_table_hypercalls; *h; h++) {
        snprintf(name, sizeof(name), "%s%s", ABI_PREFIX_TABLE_NR, *h);
        bool compared = has_item(name), own = in_list(abi_skiff_own_hypercalls, *h);
        ck_assert_msg(compared || own,
                      "hypercall %s is in hypercalls.def but not in abi_items.def "
                      "(ABI_HCALL if Xen has it, ABI_SKIFF_OWN_HCALL if not)",
                      *h);
        ck_assert_msg(!(compared && own), "hypercall %s is both ABI_HCALL and Skiff's own", *h);
    }
    for (const char *const *h = abi_skiff_own_hypercalls; *h; h++)
        ck_assert_msg(in_list(abi_skiff_table_hypercalls, *h),
                      "ABI_SKIFF_OWN_HCALL(%s) is not in hypercalls.def", *h);
}
END_TEST

START_TEST(every_error_number_is_covered)
{
    char name[128];

    for (const char *const *e = abi_skiff_errno_names; *e; e++) {
        snprintf(name, sizeof(name), "%s%s", ABI_PREFIX_ERRNO, *e);
        ck_assert_msg(has_item(name), "public/errno.h defines %s but abi_items.def lacks it", *e);
    }
}
END_TEST

static Suite *xen_compat_suite(void)
{
    Suite *s = suite_create("xen_compat");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, skiff_matches_xen);
    tcase_add_test(tc, compare_reports_a_changed_value);
    tcase_add_test(tc, item_names_are_unique);
    tcase_add_test(tc, every_table_hypercall_is_covered);
    tcase_add_test(tc, every_error_number_is_covered);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(xen_compat_suite());

    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
