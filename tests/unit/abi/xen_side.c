/*
 * xen_side.c - abi_items.def expanded against Debian's libxen-dev headers
 * (/usr/include/xen), the reference Skiff's numbers and layouts must match.
 * Nothing here sees a Skiff header: the two share names.
 */
#define __XEN_INTERFACE_VERSION__ 0x00040e00 /* the latest these headers accept */

#include <stddef.h>
#include <stdint.h> /* Xen's headers use the fixed-width types without including it */

#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/callback.h>
#include <xen/event_channel.h>
#include <xen/physdev.h>
#include <xen/memory.h>
#include <xen/grant_table.h>
#include <xen/features.h>
#include <xen/sched.h>
#include <xen/version.h>
#include <xen/io/blkif.h>
#include <xen/io/console.h>

#include "abi_table.h"

#define ABI_HCALL(name)                                    \
    ABI_ITEM(ABI_NAME_TABLE_NR(name), __HYPERVISOR_##name) \
    ABI_ITEM(ABI_NAME_HC_MACRO(name), __HYPERVISOR_##name)
#define ABI_PAIR(label, skiff, xen) ABI_ITEM(label, xen)
#define ABI_ERRNO(name)             ABI_ITEM(ABI_NAME_ERRNO(name), XEN_##name)

const struct abi_item abi_xen_items[] = {
#include "abi_items.def"
};
const size_t abi_xen_count = sizeof(abi_xen_items) / sizeof(abi_xen_items[0]);
