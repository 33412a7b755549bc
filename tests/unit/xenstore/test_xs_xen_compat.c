/*
 * test_xs_xen_compat.c - our XenStore wire numbers, header layout and
 * error names equal those of Debian's libxen-dev <xen/io/xs_wire.h>.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "lib/lib_test.h"
#include "xs_compat.h"

const char *xs_error_name(int rc); /* xenstore.h's; its header would clash with Xen's names */

START_TEST(test_numbers)
{
    ck_assert_uint_eq(xs_skiff_count, xs_xen_count);
    for (size_t i = 0; i < xs_xen_count; i++) {
        ck_assert_str_eq(xs_skiff_items[i].label, xs_xen_items[i].label);
        ck_assert_msg(xs_skiff_items[i].value == xs_xen_items[i].value, "%s: ours %lu, Xen's %lu",
                      xs_xen_items[i].label, xs_skiff_items[i].value, xs_xen_items[i].value);
    }
}
END_TEST

START_TEST(test_error_names)
{
    ck_assert_uint_eq(xs_xen_error_count, 16);
    for (size_t i = 0; i < xs_xen_error_count; i++)
        ck_assert_str_eq(xs_error_name(-xs_xen_errors[i].errnum), xs_xen_errors[i].name);
    ck_assert_str_eq(xs_error_name(-ESRCH), "EINVAL"); /* no Xen name: EINVAL */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xs_xen_compat");
    TCase *tc = tcase_create("compat");

    tcase_add_test(tc, test_numbers);
    tcase_add_test(tc, test_error_names);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
