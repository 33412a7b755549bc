/*
 * common/domain.c - creating, populating and destroying domains.
 *
 * Teardown frees exactly what creation took (RAM frames, physmap, vCPUs,
 * page tables), so the free-frame count returns to where it was.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <public/sched.h>
#include <skiff/arch.h>
#include <skiff/console.h>
#include <skiff/domain.h>
#include <skiff/errno.h>
#include <skiff/frame.h>
#include <skiff/heap.h>

struct domain *dom0;

struct domain *domain_create(domid_t domid, const char *name, bool privileged)
{
    struct domain *d = kzalloc(sizeof(*d));
    struct vcpu *v = kzalloc(sizeof(*v));

    if (!d || !v)
        goto err;
    d->domid = domid;
    d->privileged = privileged;
    strlcpy(d->name, name, sizeof(d->name));
    d->state = DOMAIN_BUILDING;
    d->ram_base = INVALID_MFN;
    v->domain = d;
    v->vcpu_id = 0;
    d->vcpu[0] = v;
    if (arch_domain_init(d))
        goto err;
    return d;

err:
    kfree(v);
    kfree(d);
    return NULL;
}

static int alloc_contiguous_ram(struct domain *d, uint64_t nr_pages)
{
    mfn_t base;
    int rc = frame_pool_alloc_range(&hv_frames, nr_pages, 512, &base);

    if (rc)
        return rc;
    memset(arch_maddr_to_virt(mfn_to_maddr(base)), 0, nr_pages * PAGE_SIZE);
    for (uint64_t g = 1; g < nr_pages; g++)
        d->physmap.p2m[g] = ((base.mfn + g) << PAGE_SHIFT) | P2M_R | P2M_W;
    d->ram_contiguous = true;
    d->ram_base = base;
    return 0;
}

static void free_ram(struct domain *d)
{
    if (d->ram_contiguous) {
        frame_pool_free(&hv_frames, d->ram_base, d->physmap.nr_pages);
        return;
    }
    for (uint64_t g = 1; g < d->physmap.nr_pages; g++)
        if (d->physmap.p2m[g])
            frame_free(maddr_to_mfn(maddr(d->physmap.p2m[g] & PAGE_MASK)));
}

static int alloc_scattered_ram(struct domain *d, uint64_t nr_pages)
{
    for (uint64_t g = 1; g < nr_pages; g++) {
        mfn_t f = frame_alloc_zeroed();
        if (!mfn_valid(f)) {
            free_ram(d);
            memset(d->physmap.p2m, 0, nr_pages * sizeof(uint64_t));
            return -ENOMEM;
        }
        d->physmap.p2m[g] = (f.mfn << PAGE_SHIFT) | P2M_R | P2M_W;
    }
    return 0;
}

int domain_alloc_ram(struct domain *d, uint64_t nr_pages, bool contiguous)
{
    int rc;

    if (nr_pages < 2 || d->physmap.p2m || nr_pages > (arch_guest_va_limit() >> PAGE_SHIFT))
        return -EINVAL;
    d->physmap.p2m = kzalloc(nr_pages * sizeof(uint64_t));
    if (!d->physmap.p2m)
        return -ENOMEM;
    d->physmap.nr_pages = nr_pages;
    rc = contiguous ? alloc_contiguous_ram(d, nr_pages) : alloc_scattered_ram(d, nr_pages);
    if (rc) {
        kfree(d->physmap.p2m);
        d->physmap.p2m = NULL;
        d->physmap.nr_pages = 0;
    }
    return rc;
}

int domain_set_perms(struct domain *d, uint64_t first_gfn, uint64_t count, uint64_t perms)
{
    if (first_gfn == 0 || first_gfn >= d->physmap.nr_pages ||
        count > d->physmap.nr_pages - first_gfn || (perms & ~P2M_PERMS))
        return -EINVAL;
    for (uint64_t g = first_gfn; g < first_gfn + count; g++)
        d->physmap.p2m[g] = (d->physmap.p2m[g] & PAGE_MASK) | perms;
    return 0;
}

mfn_t domain_gfn_to_mfn(const struct domain *d, uint64_t g)
{
    if (g >= d->physmap.nr_pages || !(d->physmap.p2m[g] & P2M_PERMS))
        return INVALID_MFN;
    return maddr_to_mfn(maddr(d->physmap.p2m[g] & PAGE_MASK));
}

int domain_set_shared_info(struct domain *d, uint64_t g)
{
    mfn_t f = domain_gfn_to_mfn(d, g);

    if (!mfn_valid(f))
        return -EINVAL;
    d->shared_info_gfn = g;
    d->shared_info = arch_maddr_to_virt(mfn_to_maddr(f));
    memset(d->shared_info, 0, PAGE_SIZE);
    for (unsigned int i = 0; i < DOMAIN_MAX_VCPUS; i++) {
        if (!d->vcpu[i])
            continue;
        d->vcpu[i]->info = &d->shared_info->vcpu_info[i];
        d->vcpu[i]->info->evtchn_upcall_mask = 1; /* events off until the guest enables them */
    }
    return 0;
}

void domain_destroy(struct domain *d)
{
    arch_domain_destroy(d);
    if (d->physmap.p2m) {
        free_ram(d);
        kfree(d->physmap.p2m);
    }
    for (unsigned int i = 0; i < DOMAIN_MAX_VCPUS; i++)
        kfree(d->vcpu[i]);
    if (d == dom0)
        dom0 = NULL;
    kfree(d);
}

static const char *shutdown_reason_name(unsigned int reason)
{
    switch (reason) {
    case SHUTDOWN_poweroff:
        return "poweroff";
    case SHUTDOWN_reboot:
        return "reboot";
    case SHUTDOWN_crash:
        return "crash";
    case SHUTDOWN_watchdog:
        return "watchdog";
    default:
        return "unknown";
    }
}

void domain_shutdown(struct domain *d, unsigned int reason)
{
    if (d->state == DOMAIN_SHUTDOWN)
        return;
    d->state = DOMAIN_SHUTDOWN;
    d->shutdown_reason = reason;
    pr_info("d%u (%s) shut down: %s", d->domid, d->name, shutdown_reason_name(reason));
    domain_shutdown_policy(d);
}

void domain_crash(struct domain *d, const char *fmt, ...)
{
    char why[160];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    pr_err("d%u (%s) killed: %s", d->domid, d->name, why);
    arch_vcpu_dump(d->vcpu[0]);
    domain_shutdown(d, SHUTDOWN_crash);
}
