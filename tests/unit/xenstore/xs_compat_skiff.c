/* xs_compat_skiff.c - xs_compat_items.def expanded against our xs_wire.h. */
#include <stddef.h>

#include "xs_compat.h"
#include "xs_wire.h"

#define XS_ITEM(label, expr) {label, (unsigned long)(expr)},
const struct xs_compat_item xs_skiff_items[] = {
#include "xs_compat_items.def"
};
const size_t xs_skiff_count = sizeof(xs_skiff_items) / sizeof(xs_skiff_items[0]);
