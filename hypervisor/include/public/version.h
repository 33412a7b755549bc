/*
 * public/version.h - HYPERVISOR_xen_version(int cmd, void *arg).
 *
 * Numbers and layouts are Xen's. Every sub-op may be called by any domain.
 *
 * XENVER_version:      arg ignored. Returns major << 16 | minor
 *                      (SKIFF_ABI_MAJOR / SKIFF_ABI_MINOR).
 * XENVER_extraversion: arg is a xen_extraversion_t (16 bytes) that receives
 *                      the NUL-terminated extra version ("-skiff"); the bytes
 *                      after the NUL are zero. Returns 0, -EFAULT.
 * XENVER_get_features: arg is a struct xen_feature_info; `submap_idx` is
 *                      read, `submap` is written with the XENFEAT_* bits of
 *                      that word (0 for words beyond XENFEAT_NR_SUBMAPS).
 *                      Returns 0, -EFAULT.
 * XENVER_pagesize:     arg ignored. Returns 4096.
 * Other cmds: -ENOSYS.
 */
#ifndef SKIFF_PUBLIC_VERSION_H
#define SKIFF_PUBLIC_VERSION_H

#include <stdint.h>

#define XENVER_version      0
#define XENVER_extraversion 1
typedef char xen_extraversion_t[16];
#define XEN_EXTRAVERSION_LEN (sizeof(xen_extraversion_t))
#define XENVER_get_features  6
struct xen_feature_info {
    unsigned int submap_idx; /* 0 IN: which 32-bit word of features */
    uint32_t submap;         /* 4 OUT: the features of that word */
};
#define XENVER_pagesize 7

#include "features.h"

#endif /* SKIFF_PUBLIC_VERSION_H */
