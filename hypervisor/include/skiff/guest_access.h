/*
 * skiff/guest_access.h - the only way the hypervisor touches guest memory
 * named by a guest.
 *
 * Each helper checks the whole range first (inside the domain's RAM, every
 * page mapped with the permission the guest itself has: readable for reads,
 * writable for writes; no wrap-around), then copies exactly once through the
 * hypervisor's own mapping. Nothing is copied when any page fails. Callers
 * copy a request in once, validate the copy, then act (no double fetch).
 */
#ifndef SKIFF_GUEST_ACCESS_H
#define SKIFF_GUEST_ACCESS_H

#include <skiff/types.h>

struct domain;

/* 0 or -EFAULT. */
int copy_from_guest(struct domain *d, void *dst, gva_t src, size_t len);
/* 0 or -EFAULT. */
int copy_to_guest(struct domain *d, gva_t dst, const void *src, size_t len);
/* Zeroes len bytes of guest memory. 0 or -EFAULT. */
int clear_guest(struct domain *d, gva_t dst, size_t len);

/* Checks [va, va+len) has all of perms (P2M_*). 0 or -EFAULT. */
int guest_range_check(const struct domain *d, gva_t va, size_t len, uint64_t perms);

/*
 * The body of a hypercall sub-op on one guest struct: copies the caller's
 * `type` in from `arg` (domain `d`) once, evaluates body (which works on
 * `op`), and copies op back when body succeeded and copy_back says so.
 * Returns from the enclosing function.
 */
#define GUEST_STRUCT_OP(type, body, copy_back)                                 \
    do {                                                                       \
        type op;                                                               \
        if (copy_from_guest(d, &op, arg, sizeof(op)))                          \
            return -EFAULT;                                                    \
        int rc_ = (body);                                                      \
        if (rc_ == 0 && (copy_back) && copy_to_guest(d, arg, &op, sizeof(op))) \
            return -EFAULT;                                                    \
        return rc_;                                                            \
    } while (0)

#endif /* SKIFF_GUEST_ACCESS_H */
