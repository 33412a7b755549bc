/*
 * hc_grant_table.c - HYPERVISOR_grant_table_op(cmd, uop, count): decoding
 * batches of grant operations (public/grant_table.h) into the state machine
 * of grant_table.c, a bounded piece per call, and writing back each
 * element's GNTST_* status.
 */
#include <public/grant_table.h>
#include <skiff/domain.h>
#include <skiff/errno.h>
#include <skiff/grant_table.h>
#include <skiff/guest_access.h>
#include <skiff/hypercall.h>

#define BATCH_PER_CALL 256 /* elements handled before the call restarts itself */

union gnttab_elem {
    struct gnttab_map_grant_ref map;
    struct gnttab_unmap_grant_ref unmap;
    struct gnttab_copy copy;
};

static void map_elem(struct domain *d, union gnttab_elem *e)
{
    struct gnttab_map_result res = {0};
    int rc = gnttab_map(d, &e->map, &res);

    e->map.status = gnttab_status(rc);
    if (rc == 0) {
        e->map.handle = res.handle;
        e->map.dev_bus_addr = res.dev_bus_addr;
    }
}

static void unmap_elem(struct domain *d, union gnttab_elem *e)
{
    struct gnttab_unmap_grant_ref *u = &e->unmap;

    u->status = gnttab_status(gnttab_unmap(d, u->handle, u->host_addr, u->dev_bus_addr));
}

static void copy_elem(struct domain *d, union gnttab_elem *e)
{
    e->copy.status = gnttab_status(gnttab_copy(d, &e->copy));
}

/*
 * Runs fn on up to BATCH_PER_CALL elements of `size` bytes at uop (all of
 * them checked readable and writable first), then restarts the call with
 * the rest.
 */
static long run_batch(struct vcpu *v, unsigned int cmd, gva_t uop, unsigned int count, size_t size,
                      void (*fn)(struct domain *, union gnttab_elem *))
{
    struct domain *d = v->domain;
    unsigned int n = MIN(count, (unsigned int)BATCH_PER_CALL);
    union gnttab_elem e;

    if (count > SKIFF_GNTTAB_MAX_BATCH)
        return -EINVAL;
    if (n == 0)
        return 0;
    if (guest_range_check(d, uop, n * size, P2M_R | P2M_W))
        return -EFAULT;
    for (unsigned int i = 0; i < n; i++) {
        gva_t at = gva(uop.va + i * size);
        if (copy_from_guest(d, &e, at, size))
            return -EFAULT;
        fn(d, &e);
        if (copy_to_guest(d, at, &e, size))
            return -EFAULT; /* the op unmapped the window page holding the batch */
    }
    if (count > n) {
        struct hypercall_args again = {{cmd, uop.va + n * size, count - n}};
        arch_hypercall_continue(v, __HYPERVISOR_grant_table_op, &again);
    }
    return 0;
}

static long query_size(struct domain *d, gva_t uop)
{
    struct gnttab_query_size q;
    struct domain *t;

    if (copy_from_guest(d, &q, uop, sizeof(q)))
        return -EFAULT;
    t = domain_lookup(d, q.dom);
    q.nr_frames = q.max_nr_frames = 0;
    if (!t)
        q.status = GNTST_bad_domain;
    else if (t != d && !d->privileged)
        q.status = GNTST_permission_denied;
    else {
        q.nr_frames = gnttab_nr_frames(t);
        q.max_nr_frames = gnttab_max_frames(t);
        q.status = GNTST_okay;
    }
    return copy_to_guest(d, uop, &q, sizeof(q));
}

static long set_version(struct domain *d, gva_t uop)
{
    struct gnttab_set_version s;
    long rc = 0;

    if (copy_from_guest(d, &s, uop, sizeof(s)))
        return -EFAULT;
    if (s.version == 2)
        rc = -EOPNOTSUPP;
    else if (s.version != 1)
        rc = -EINVAL;
    s.version = 1;
    if (copy_to_guest(d, uop, &s, sizeof(s)))
        return -EFAULT;
    return rc;
}

long do_grant_table_op(struct vcpu *v, const struct hypercall_args *args)
{
    unsigned int cmd = (unsigned int)args->arg[0];
    gva_t uop = gva(args->arg[1]);
    unsigned int count = (unsigned int)args->arg[2];

    switch (cmd) {
    case GNTTABOP_map_grant_ref:
        return run_batch(v, cmd, uop, count, sizeof(struct gnttab_map_grant_ref), map_elem);
    case GNTTABOP_unmap_grant_ref:
        return run_batch(v, cmd, uop, count, sizeof(struct gnttab_unmap_grant_ref), unmap_elem);
    case GNTTABOP_copy:
        return run_batch(v, cmd, uop, count, sizeof(struct gnttab_copy), copy_elem);
    case GNTTABOP_query_size:
        return count == 1 ? query_size(v->domain, uop) : -EINVAL;
    case GNTTABOP_set_version:
        return count == 1 ? set_version(v->domain, uop) : -EINVAL;
    default:
        return -ENOSYS;
    }
}
