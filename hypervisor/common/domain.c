/*
 * domain.c - creating, populating, starting, pausing and destroying
 * domains, and the table that finds them by id.
 *
 * Teardown frees exactly what creation took (RAM frames, physmap, vCPUs,
 * event channels, grant table, grant window, page tables), so the free-frame count
 * returns to where it was. A destroyed domain whose pages another domain
 * still maps is unlisted at once but freed when its last reference goes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <public/sched.h>
#include <skiff/arch.h>
#include <skiff/console.h>
#include <skiff/domain.h>
#include <skiff/errno.h>
#include <skiff/evtchn.h>
#include <skiff/frame.h>
#include <skiff/heap.h>
#include <skiff/physdev.h>
#include <skiff/sched.h>
#include <skiff/time.h>

struct domain *dom0;

/* Every domain that exists, listed or lingering, by id. */
static struct domain *domains[DOMAIN_MAX_DOMID + 1];

static bool listed(const struct domain *d)
{
    return d && d->state != DOMAIN_DYING;
}

struct domain *domain_by_id(domid_t id)
{
    return id <= DOMAIN_MAX_DOMID && listed(domains[id]) ? domains[id] : NULL;
}

struct domain *domain_by_id_any(domid_t id)
{
    return id <= DOMAIN_MAX_DOMID ? domains[id] : NULL;
}

struct domain *domain_next(domid_t id)
{
    for (unsigned int i = id; i <= DOMAIN_MAX_DOMID; i++)
        if (listed(domains[i]))
            return domains[i];
    return NULL;
}

struct domain *domain_lookup(struct domain *caller, domid_t id)
{
    return id == DOMID_SELF ? caller : domain_by_id(id);
}

unsigned int domain_count(void)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i <= DOMAIN_MAX_DOMID; i++)
        n += domains[i] != NULL;
    return n;
}

static void vcpu_timer_fired(struct timer *t)
{
    send_virq(t->data, VIRQ_TIMER);
}

static void poll_timeout(struct timer *t)
{
    struct vcpu *v = t->data;

    if (v->polling) {
        v->polling = false;
        v->blocked = false;
        vcpu_wake(v);
    }
}

static struct vcpu *vcpu_create(struct domain *d, unsigned int id)
{
    struct vcpu *v = kzalloc(sizeof(*v));

    if (!v)
        return NULL;
    v->domain = d;
    v->vcpu_id = id;
    sched_vcpu_init(v);
    timer_init(&v->timer, vcpu_timer_fired, v);
    timer_init(&v->poll_timer, poll_timeout, v);
    return v;
}

static void vcpu_free(struct vcpu *v)
{
    if (!v)
        return;
    timer_stop(&v->timer);
    timer_stop(&v->poll_timer);
    sched_vcpu_destroy(v);
    arch_vcpu_destroy(v);
    kfree(v);
}

static void free_domain_struct(struct domain *d)
{
    for (unsigned int i = 0; i < DOMAIN_MAX_VCPUS; i++)
        vcpu_free(d->vcpu[i]);
    kfree(d);
}

struct domain *domain_create(const struct domain_config *cfg)
{
    struct domain *d;

    if (cfg->domid > DOMAIN_MAX_DOMID || domains[cfg->domid])
        return NULL;
    d = kzalloc(sizeof(*d));
    if (!d)
        return NULL;
    d->domid = cfg->domid;
    d->privileged = cfg->privileged;
    strlcpy(d->name, cfg->name, sizeof(d->name));
    d->state = DOMAIN_BUILDING;
    d->pause_count = 1;
    d->ram_base = INVALID_MFN;
    d->weight = cfg->weight ? cfg->weight : SCHED_DEFAULT_WEIGHT;
    d->cap = cfg->cap;
    d->vcpu[0] = vcpu_create(d, 0);
    if (!d->vcpu[0] || evtchn_init(d, cfg->max_ports))
        goto err;
    if (window_init(d, cfg->window_pages))
        goto err_evtchn;
    if (gnttab_init(d, cfg->max_grant_frames))
        goto err_window;
    if (arch_domain_init(d))
        goto err_gnttab;
    domains[d->domid] = d;
    return d;

err_gnttab:
    gnttab_destroy(d);
err_window:
    window_destroy(d);
err_evtchn:
    evtchn_destroy(d);
err:
    free_domain_struct(d);
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

    if (nr_pages < 2 || d->physmap.p2m || nr_pages > WINDOW_BASE_GFN)
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

    if (!mfn_valid(f) || g == 0)
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
    time_update_wallclock(d);
    return 0;
}

int domain_start(struct domain *d)
{
    int rc;

    if (d->state != DOMAIN_BUILDING)
        return -EBUSY;
    if (!d->shared_info)
        return -EINVAL;
    rc = arch_domain_map_ram(d);
    if (rc)
        return rc;
    d->state = DOMAIN_RUNNING;
    return 0;
}

void domain_pause(struct domain *d)
{
    d->pause_count++;
    for (unsigned int i = 0; i < DOMAIN_MAX_VCPUS; i++)
        if (d->vcpu[i])
            vcpu_sleep(d->vcpu[i]);
}

void domain_unpause(struct domain *d)
{
    if (d->pause_count == 0)
        return;
    if (--d->pause_count == 0)
        for (unsigned int i = 0; i < DOMAIN_MAX_VCPUS; i++)
            if (d->vcpu[i])
                vcpu_wake(d->vcpu[i]);
}

/* Frees what is left of a destroyed domain once nothing references it. */
static void domain_free(struct domain *d)
{
    gnttab_destroy(d);
    arch_domain_destroy(d);
    if (d->physmap.p2m) {
        free_ram(d);
        kfree(d->physmap.p2m);
    }
    domains[d->domid] = NULL;
    free_domain_struct(d);
}

void domain_get(struct domain *d)
{
    d->refs++;
}

void domain_put(struct domain *d)
{
    if (--d->refs == 0 && d->state == DOMAIN_DYING)
        domain_free(d);
}

void domain_destroy(struct domain *d)
{
    if (d->state == DOMAIN_DYING)
        return;
    d->state = DOMAIN_DYING;
    for (unsigned int i = 0; i < DOMAIN_MAX_VCPUS; i++) {
        if (!d->vcpu[i])
            continue;
        timer_stop(&d->vcpu[i]->timer);
        timer_stop(&d->vcpu[i]->poll_timer);
        sched_vcpu_destroy(d->vcpu[i]);
    }
    evtchn_destroy(d);
    physdev_domain_destroy(d);  /* after its ports: they unbind its PIRQs */
    gnttab_release_mappings(d); /* before the window: grant maps go through the maptrack */
    window_destroy(d);
    if (d == dom0)
        dom0 = NULL;
    else
        send_global_virq(VIRQ_DOM_EXC);
    pr_debug("d%u (%s) destroyed%s", d->domid, d->name, d->refs ? ", lingering while mapped" : "");
    if (d->refs == 0)
        domain_free(d);
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
    if (d->state == DOMAIN_SHUTDOWN || d->state == DOMAIN_DYING)
        return;
    d->state = DOMAIN_SHUTDOWN;
    d->shutdown_reason = reason;
    for (unsigned int i = 0; i < DOMAIN_MAX_VCPUS; i++) {
        if (!d->vcpu[i])
            continue;
        timer_stop(&d->vcpu[i]->timer);
        timer_stop(&d->vcpu[i]->poll_timer);
        vcpu_sleep(d->vcpu[i]);
    }
    pr_info("d%u (%s) shut down: %s", d->domid, d->name, shutdown_reason_name(reason));
    if (d != dom0)
        send_global_virq(VIRQ_DOM_EXC);
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
