/*
 * common/hc_version.c - HYPERVISOR_xen_version: ABI version, extra version,
 * feature bits and page size (public/version.h).
 */
#include <string.h>

#include <public/skiff.h>
#include <public/version.h>
#include <skiff/domain.h>
#include <skiff/errno.h>
#include <skiff/guest_access.h>
#include <skiff/hypercall.h>

static uint32_t feature_submap(const struct domain *d, unsigned int idx)
{
    uint32_t bits = 0;

    if (idx != 0)
        return 0;
    bits |= 1u << XENFEAT_auto_translated_physmap;
    if (d->domid == 0)
        bits |= 1u << XENFEAT_dom0;
    return bits;
}

static __attribute__((noinline)) long get_features(struct vcpu *v, uint64_t arg)
{
    struct xen_feature_info fi;

    if (copy_from_guest(v->domain, &fi, gva(arg), sizeof(fi)))
        return -EFAULT;
    fi.submap = feature_submap(v->domain, fi.submap_idx);
    return copy_to_guest(v->domain, gva(arg), &fi, sizeof(fi));
}

static long get_extraversion(struct vcpu *v, uint64_t arg)
{
    xen_extraversion_t extra;

    memset(extra, 0, sizeof(extra));
    strlcpy(extra, "-skiff", sizeof(extra));
    return copy_to_guest(v->domain, gva(arg), extra, sizeof(extra));
}

static long xen_version_other(struct vcpu *v, int cmd, uint64_t arg)
{
    switch (cmd) {
    case XENVER_extraversion:
        return get_extraversion(v, arg);
    case XENVER_get_features:
        return get_features(v, arg);
    case XENVER_pagesize:
        return 4096;
    default:
        return -ENOSYS;
    }
}

long do_xen_version(struct vcpu *v, const struct hypercall_args *args)
{
    int cmd = (int)args->arg[0];

    /* XENVER_version is the null hypercall of the benchmarks: keep it lean. */
    if (likely(cmd == XENVER_version))
        return (SKIFF_ABI_MAJOR << 16) | SKIFF_ABI_MINOR;
    return xen_version_other(v, cmd, args->arg[1]);
}
