/*
 * hc_domctl.c - HYPERVISOR_domctl: the toolstack's control of domains
 * (public/domctl.h): create, destroy, pause, unpause, list, and the build
 * steps (page permissions, hypercall page, shared_info, entry state).
 */
#include <string.h>

#include <public/domctl.h>
#include <skiff/arch.h>
#include <skiff/domain.h>
#include <skiff/errno.h>
#include <skiff/frame.h>
#include <skiff/grant_table.h>
#include <skiff/guest_access.h>
#include <skiff/hypercall.h>
#include <skiff/window.h>

#define MIN_DOMU_PAGES 256

static bool valid_name(const char *name, size_t size)
{
    size_t len = strnlen(name, size);

    if (len == 0 || len == size)
        return false;
    for (size_t i = 0; i < len; i++)
        if (name[i] <= ' ' || name[i] > '~')
            return false;
    return true;
}

static int free_domid(domid_t *out)
{
    for (domid_t id = 1; id <= DOMAIN_MAX_DOMID; id++) {
        if (!domain_by_id_any(id)) {
            *out = id;
            return 0;
        }
    }
    return -ENOSPC;
}

static long createdomain(struct skiff_domctl *op)
{
    struct skiff_domctl_createdomain *c = &op->u.createdomain;
    struct domain_config cfg = {0};
    struct domain *d;
    int rc;

    if (!valid_name(c->name, sizeof(c->name)) || c->flags || c->cap > 100 ||
        c->weight > SCHED_MAX_WEIGHT || c->max_pages < MIN_DOMU_PAGES ||
        c->max_pages >= WINDOW_BASE_GFN || c->max_ports == 1 || c->max_ports > EVTCHN_MAX_PORTS ||
        c->max_grant_frames > GNTTAB_MAX_FRAMES || c->pad)
        return -EINVAL;
    if (c->max_pages > frame_free_count())
        return -ENOMEM;
    if (op->domain == 0) {
        rc = free_domid(&op->domain);
        if (rc)
            return rc;
    } else if (op->domain > DOMAIN_MAX_DOMID) {
        return -EINVAL;
    } else if (domain_by_id_any(op->domain)) {
        return -EEXIST;
    }
    cfg.domid = op->domain;
    cfg.name = c->name;
    cfg.weight = c->weight;
    cfg.cap = c->cap;
    cfg.max_ports = c->max_ports;
    cfg.window_pages = WINDOW_DOMU_PAGES;
    cfg.max_grant_frames = c->max_grant_frames;
    for (struct domain *o = domain_next(0); o; o = domain_next(o->domid + 1))
        if (strcmp(o->name, c->name) == 0)
            return -EEXIST;
    d = domain_create(&cfg);
    if (!d)
        return -ENOMEM;
    rc = domain_alloc_ram(d, c->max_pages, false);
    if (rc) {
        domain_destroy(d);
        return rc;
    }
    return 0;
}

static uint32_t info_flags(const struct domain *d)
{
    const struct vcpu *v = d->vcpu[0];
    uint32_t f = d->privileged ? SKIFF_DOMINF_privileged : 0;

    if (d->state == DOMAIN_BUILDING)
        f |= SKIFF_DOMINF_building;
    if (d->state == DOMAIN_SHUTDOWN)
        f |= SKIFF_DOMINF_shutdown;
    if (d->pause_count && d->state != DOMAIN_BUILDING)
        f |= SKIFF_DOMINF_paused;
    if (d->state == DOMAIN_RUNNING && !d->pause_count)
        f |= (v && v->blocked) ? SKIFF_DOMINF_blocked : SKIFF_DOMINF_running;
    return f;
}

static long getdomaininfo(struct skiff_domctl *op)
{
    struct domain *d = domain_next(op->domain);
    struct skiff_domctl_getdomaininfo *i = &op->u.getdomaininfo;

    if (op->domain > DOMAIN_MAX_DOMID || !d)
        return -ESRCH;
    sched_account_current();
    op->domain = d->domid;
    i->domid = d->domid;
    i->flags = info_flags(d);
    i->shutdown_reason = d->state == DOMAIN_SHUTDOWN ? d->shutdown_reason : 0;
    i->nr_vcpus = 1;
    i->tot_pages = d->physmap.nr_pages;
    i->cpu_time_ns = d->vcpu[0] ? d->vcpu[0]->sched.cpu_time : 0;
    i->weight = d->weight;
    i->cap = d->cap;
    i->nr_ports = evtchn_ports_in_use(d);
    i->max_ports = d->evtchn.max_ports;
    strlcpy(i->name, d->name, sizeof(i->name));
    i->nr_grant_frames = gnttab_nr_frames(d);
    i->max_grant_frames = gnttab_max_frames(d);
    i->nr_grant_maps = gnttab_maps_held(d);
    i->nr_grants_active = gnttab_grants_active(d);
    return 0;
}

static long setvcpucontext(struct domain *d, const struct skiff_domctl_setvcpucontext *c)
{
    if (c->vcpu != 0 || c->pad)
        return -EINVAL;
    if (guest_range_check(d, gva(c->rip), 1, P2M_X) || c->rsp >= arch_guest_va_limit())
        return -EINVAL;
    arch_vcpu_init(d->vcpu[0], c->rip, c->rsp, c->rdi);
    return 0;
}

static long hypercall_init(struct domain *d, uint64_t gfn)
{
    mfn_t f = domain_gfn_to_mfn(d, gfn);

    if (!mfn_valid(f) || gfn == 0)
        return -EINVAL;
    arch_fill_hypercall_page(arch_maddr_to_virt(mfn_to_maddr(f)));
    return 0;
}

static long set_page_perms(struct domain *d, const struct skiff_domctl_set_page_perms *p)
{
    uint64_t perms = P2M_R;

    if (p->perms & ~(SKIFF_PERM_R | SKIFF_PERM_W | SKIFF_PERM_X) || p->pad)
        return -EINVAL;
    if ((p->perms & SKIFF_PERM_W) && (p->perms & SKIFF_PERM_X))
        return -EINVAL;
    perms |= (p->perms & SKIFF_PERM_W) ? P2M_W : 0;
    perms |= (p->perms & SKIFF_PERM_X) ? P2M_X : 0;
    return domain_set_perms(d, p->gfn, p->count, perms);
}

static long sched_setparams(struct domain *d, const struct skiff_domctl_sched_params *p)
{
    if (p->weight > SCHED_MAX_WEIGHT || p->cap > 100)
        return -EINVAL;
    if (p->weight)
        d->weight = p->weight;
    d->cap = p->cap;
    return 0;
}

/* Sub-ops that change how a domain is built: only before it first runs. */
static long build_op(struct domain *d, struct skiff_domctl *op)
{
    if (d->state != DOMAIN_BUILDING)
        return -EBUSY;
    switch (op->cmd) {
    case SKIFF_DOMCTL_setvcpucontext:
        return setvcpucontext(d, &op->u.setvcpucontext);
    case SKIFF_DOMCTL_hypercall_init:
        return hypercall_init(d, op->u.hypercall_init.gfn);
    case SKIFF_DOMCTL_set_shared_info:
        return domain_set_shared_info(d, op->u.set_shared_info.gfn);
    case SKIFF_DOMCTL_set_page_perms:
        return set_page_perms(d, &op->u.set_page_perms);
    default:
        return -ENOSYS;
    }
}

static long unpausedomain(struct domain *d)
{
    int rc;

    if (d->state == DOMAIN_BUILDING) {
        rc = domain_start(d);
        if (rc)
            return rc;
    }
    if (d->state != DOMAIN_RUNNING)
        return -EINVAL;
    if (d->pause_count == 0)
        return -EINVAL;
    domain_unpause(d);
    return 0;
}

/* Sub-ops on an existing domain other than the caller. */
static long domain_op(struct vcpu *v, struct skiff_domctl *op)
{
    struct domain *d = domain_by_id(op->domain);

    if (!d)
        return -ESRCH;
    if (d == v->domain)
        return -EINVAL;
    switch (op->cmd) {
    case SKIFF_DOMCTL_destroydomain:
        domain_destroy(d);
        return 0;
    case SKIFF_DOMCTL_pausedomain:
        if (d->state != DOMAIN_RUNNING)
            return -EINVAL;
        domain_pause(d);
        return 0;
    case SKIFF_DOMCTL_unpausedomain:
        return unpausedomain(d);
    case SKIFF_DOMCTL_sched_setparams:
        return sched_setparams(d, &op->u.sched_params);
    default:
        return build_op(d, op);
    }
}

static long run_op(struct vcpu *v, struct skiff_domctl *op)
{
    switch (op->cmd) {
    case SKIFF_DOMCTL_createdomain:
        return createdomain(op);
    case SKIFF_DOMCTL_getdomaininfo:
        memset(&op->u, 0, sizeof(op->u));
        return getdomaininfo(op);
    case SKIFF_DOMCTL_destroydomain:
    case SKIFF_DOMCTL_pausedomain:
    case SKIFF_DOMCTL_unpausedomain:
    case SKIFF_DOMCTL_sched_setparams:
    case SKIFF_DOMCTL_setvcpucontext:
    case SKIFF_DOMCTL_hypercall_init:
    case SKIFF_DOMCTL_set_shared_info:
    case SKIFF_DOMCTL_set_page_perms:
        return domain_op(v, op);
    default:
        return -ENOSYS;
    }
}

long do_domctl(struct vcpu *v, const struct hypercall_args *args)
{
    struct skiff_domctl op;
    gva_t uop = gva(args->arg[0]);
    long rc;

    if (copy_from_guest(v->domain, &op, uop, sizeof(op)))
        return -EFAULT;
    if (op.interface_version != SKIFF_DOMCTL_INTERFACE_VERSION)
        return -EINVAL;
    if (guest_range_check(v->domain, uop, sizeof(op), P2M_W))
        return -EFAULT;
    rc = run_op(v, &op);
    if (rc == 0)
        copy_to_guest(v->domain, uop, &op, sizeof(op));
    return rc;
}
