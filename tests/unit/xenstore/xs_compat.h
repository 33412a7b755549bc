/* xs_compat.h - the tables test_xs_xen_compat compares (ours against Xen's). */
#ifndef SKIFF_TESTS_XS_COMPAT_H
#define SKIFF_TESTS_XS_COMPAT_H

#include <stddef.h>

struct xs_compat_item {
    const char *label;
    unsigned long value;
};

struct xs_compat_error {
    int errnum;
    const char *name;
};

extern const struct xs_compat_item xs_skiff_items[], xs_xen_items[];
extern const size_t xs_skiff_count, xs_xen_count;
extern const struct xs_compat_error xs_xen_errors[];
extern const size_t xs_xen_error_count;

#endif
