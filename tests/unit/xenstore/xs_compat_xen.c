/*
 * xs_compat_xen.c - xs_compat_items.def expanded against Debian's
 * libxen-dev <xen/io/xs_wire.h>, and its xsd_errors table (which needs
 * <errno.h> first), the reference our numbers and error names must match.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/io/xs_wire.h>

#include "xs_compat.h"

#define XS_ITEM(label, expr) {label, (unsigned long)(expr)},
const struct xs_compat_item xs_xen_items[] = {
#include "xs_compat_items.def"
};
const size_t xs_xen_count = sizeof(xs_xen_items) / sizeof(xs_xen_items[0]);

const struct xs_compat_error xs_xen_errors[] = {
#define XS_ERR(i) {xsd_errors[i].errnum, xsd_errors[i].errstring},
    XS_ERR(0) XS_ERR(1) XS_ERR(2) XS_ERR(3) XS_ERR(4) XS_ERR(5) XS_ERR(6) XS_ERR(7) XS_ERR(8)
        XS_ERR(9) XS_ERR(10) XS_ERR(11) XS_ERR(12) XS_ERR(13) XS_ERR(14) XS_ERR(15)};
const size_t xs_xen_error_count = sizeof(xsd_errors) / sizeof(xsd_errors[0]);
