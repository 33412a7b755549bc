/*
 * skiff_side.c - abi_items.def expanded against Skiff's public headers (the
 * only file of test_xen_compat that sees them), plus the names the coverage
 * checks need: every hypercall of the table and every public error number.
 */
#include <stddef.h>

#include <public/skiff.h>
#include <public/arch-x86_64.h>
#include <public/callback.h>
#include <public/domctl.h>
#include <public/errno.h>
#include <public/event_channel.h>
#include <public/features.h>
#include <public/grant_table.h>
#include <public/io/blkif.h>
#include <public/io/console.h>
#include <public/memory.h>
#include <public/physdev.h>
#include <public/sched.h>
#include <public/start_info.h>
#include <public/sysctl.h>
#include <public/version.h>

#include "abi_table.h"

/* The numbers hypercalls.def gives, by name. */
enum skiff_table_nr {
#define HYPERCALL(name, nr, who, nargs, params, args) SKIFF_TABLE_NR_##name = (nr),
#include <public/hypercalls.def>
#undef HYPERCALL
};

#define ABI_HCALL(name)                                      \
    ABI_ITEM(ABI_NAME_TABLE_NR(name), SKIFF_TABLE_NR_##name) \
    ABI_ITEM(ABI_NAME_HC_MACRO(name), __HYPERVISOR_##name)
#define ABI_PAIR(label, skiff, xen) ABI_ITEM(label, skiff)
#define ABI_ERRNO(name)             ABI_ITEM(ABI_NAME_ERRNO(name), SKIFF_##name)

const struct abi_item abi_skiff_items[] = {
#include "abi_items.def"
};
const size_t abi_skiff_count = sizeof(abi_skiff_items) / sizeof(abi_skiff_items[0]);

const char *const abi_skiff_table_hypercalls[] = {
#define HYPERCALL(name, nr, who, nargs, params, args) #name,
#include <public/hypercalls.def>
#undef HYPERCALL
    NULL,
};

const char *const abi_skiff_own_hypercalls[] = {
#define ABI_SKIFF_OWN_HCALL(name) #name,
#include "abi_items.def"
    NULL,
};

const char *const abi_skiff_errno_names[] = {
#define SKIFF_ERRNO(name, value) #name,
#include <public/errno.h>
    NULL,
};
