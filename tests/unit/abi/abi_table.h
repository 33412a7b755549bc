/*
 * abi_table.h - the two tables test_xen_compat compares: one entry per item of
 * abi_items.def, filled by skiff_side.c from Skiff's public headers and by
 * xen_side.c from Xen's. Also the expansions both sides share.
 */
#ifndef ABI_TABLE_H
#define ABI_TABLE_H

#include <stddef.h>

struct abi_item {
    const char *name;         /* the same on both sides, e.g. "sizeof(struct vcpu_info)" */
    unsigned long long value; /* what this side's headers say */
};

/* skiff_side.c */
extern const struct abi_item abi_skiff_items[];
extern const size_t abi_skiff_count;
extern const char *const abi_skiff_table_hypercalls[]; /* hypercalls.def names; NULL ends */
extern const char *const abi_skiff_own_hypercalls[];   /* ABI_SKIFF_OWN_HCALL; NULL ends */
extern const char *const abi_skiff_errno_names[];      /* public/errno.h names; NULL ends */

/* xen_side.c */
extern const struct abi_item abi_xen_items[];
extern const size_t abi_xen_count;

/* Item names shared by both sides, so that the tables line up by name. */
#define ABI_PREFIX_TABLE_NR     "hypercalls.def "
#define ABI_PREFIX_ERRNO        "errno "
#define ABI_NAME_TABLE_NR(name) ABI_PREFIX_TABLE_NR #name
#define ABI_NAME_HC_MACRO(name) "__HYPERVISOR_" #name
#define ABI_NAME_ERRNO(name)    ABI_PREFIX_ERRNO #name

#define ABI_ITEM(name, value) {(name), (unsigned long long)(value)},

/* Expansions that read the same on both sides (each side's own headers). */
#define ABI_MEMBER(tag, field) (((struct tag *)0)->field)
#define ABI_CONST(name)        ABI_ITEM(#name, name)
#define ABI_TYPE(type)         ABI_ITEM("sizeof(" #type ")", sizeof(type))
#define ABI_STRUCT(tag)                                     \
    ABI_ITEM("sizeof(struct " #tag ")", sizeof(struct tag)) \
    ABI_ITEM("alignof(struct " #tag ")", _Alignof(struct tag))
#define ABI_FIELD(tag, field)                                                      \
    ABI_ITEM("offsetof(struct " #tag ", " #field ")", offsetof(struct tag, field)) \
    ABI_ITEM("sizeof(struct " #tag "." #field ")", sizeof(ABI_MEMBER(tag, field)))

#endif /* ABI_TABLE_H */
