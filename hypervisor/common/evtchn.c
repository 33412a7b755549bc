/*
 * evtchn.c - event channels: the per-domain port table and its state
 * machine, and raising events in shared_info (skiff/evtchn.h).
 *
 * Every operation validates everything first and changes state only when it
 * cannot fail any more. Ports are looked up through port_of(), which returns
 * NULL for anything out of range or in an unallocated bucket.
 */
#include <string.h>

#include <skiff/domain.h>
#include <skiff/errno.h>
#include <skiff/evtchn.h>
#include <skiff/heap.h>
#include <skiff/physdev.h>
#include <skiff/sched.h>

#define BITS_PER_WORD 64

int evtchn_init(struct domain *d, unsigned int max_ports)
{
    struct evtchn_table *t = &d->evtchn;

    if (max_ports == 0)
        max_ports = EVTCHN_DEFAULT_PORTS;
    if (max_ports < 2 || max_ports > EVTCHN_MAX_PORTS)
        return -EINVAL;
    memset(t, 0, sizeof(*t));
    t->max_ports = max_ports;
    t->buckets[0] = kzalloc(EVTCHN_BUCKET_PORTS * sizeof(struct evtchn));
    if (!t->buckets[0])
        return -ENOMEM;
    t->buckets[0][0].state = ECS_RESERVED;
    t->nr_used = 1;
    return 0;
}

static struct evtchn *port_of(const struct domain *d, evtchn_port_t port)
{
    const struct evtchn_table *t = &d->evtchn;
    struct evtchn *b;

    if (port == 0 || port >= t->max_ports)
        return NULL;
    b = t->buckets[port / EVTCHN_BUCKET_PORTS];
    return b ? &b[port % EVTCHN_BUCKET_PORTS] : NULL;
}

/* A port of d in state `state`, or NULL (bad port, or another state). */
static struct evtchn *port_in_state(const struct domain *d, evtchn_port_t port, int state)
{
    struct evtchn *c = port_of(d, port);

    return (c && c->state == state) ? c : NULL;
}

unsigned int evtchn_ports_in_use(const struct domain *d)
{
    return d->evtchn.nr_used ? d->evtchn.nr_used - 1 : 0;
}

/* The lowest free port, allocating its bucket if needed. -ENOSPC when full. */
static int get_free_port(struct domain *d, evtchn_port_t *out)
{
    struct evtchn_table *t = &d->evtchn;

    for (evtchn_port_t p = 1; p < t->max_ports; p++) {
        struct evtchn **b = &t->buckets[p / EVTCHN_BUCKET_PORTS];
        if (!*b) {
            *b = kzalloc(EVTCHN_BUCKET_PORTS * sizeof(struct evtchn));
            if (!*b)
                return -ENOMEM;
        }
        if ((*b)[p % EVTCHN_BUCKET_PORTS].state == ECS_FREE) {
            *out = p;
            return 0;
        }
    }
    return -ENOSPC;
}

/* Claims a free port found by get_free_port (its bucket exists). */
static struct evtchn *claim_port(struct domain *d, evtchn_port_t port, int state)
{
    struct evtchn *c = &d->evtchn.buckets[port / EVTCHN_BUCKET_PORTS][port % EVTCHN_BUCKET_PORTS];

    memset(c, 0, sizeof(*c));
    c->state = (uint8_t)state;
    d->evtchn.nr_used++;
    return c;
}

static void clear_pending(struct domain *d, evtchn_port_t port)
{
    if (d->shared_info)
        __atomic_fetch_and(&d->shared_info->evtchn_pending[port / BITS_PER_WORD],
                           ~(1ull << (port % BITS_PER_WORD)), __ATOMIC_SEQ_CST);
}

/* Frees a port; an event still pending on it must not reach its next owner. */
static void free_port(struct domain *d, evtchn_port_t port, struct evtchn *c)
{
    clear_pending(d, port);
    memset(c, 0, sizeof(*c));
    d->evtchn.nr_used--;
}

static bool vcpu_valid(const struct domain *d, uint32_t vcpu)
{
    return vcpu < DOMAIN_MAX_VCPUS && d->vcpu[vcpu];
}

int evtchn_alloc_unbound(struct domain *caller, domid_t dom, domid_t remote, evtchn_port_t *port)
{
    struct domain *d, *r;
    struct evtchn *c;
    int rc;

    if (dom != DOMID_SELF && dom != caller->domid && !caller->privileged)
        return -EPERM;
    d = domain_lookup(caller, dom);
    if (!d)
        return -ESRCH;
    r = domain_lookup(d, remote);
    if (!r)
        return -ESRCH;
    rc = get_free_port(d, port);
    if (rc)
        return rc;
    c = claim_port(d, *port, ECS_UNBOUND);
    c->remote_domid = r->domid;
    return 0;
}

int evtchn_bind_interdomain(struct domain *caller, domid_t remote_dom, evtchn_port_t remote_port,
                            evtchn_port_t *port)
{
    struct domain *r = domain_lookup(caller, remote_dom);
    struct evtchn *rc_chan, *lc;
    int rc;

    if (!r)
        return -ESRCH;
    rc_chan = port_in_state(r, remote_port, ECS_UNBOUND);
    if (!rc_chan || rc_chan->remote_domid != caller->domid)
        return -EINVAL;
    rc = get_free_port(caller, port);
    if (rc)
        return rc;
    lc = claim_port(caller, *port, ECS_INTERDOMAIN);
    lc->remote_domid = r->domid;
    lc->remote_port = remote_port;
    rc_chan->state = ECS_INTERDOMAIN;
    rc_chan->remote_domid = caller->domid;
    rc_chan->remote_port = *port;
    /* As Xen does: the new end starts pending, so no event can be lost. */
    evtchn_set_pending(caller, *port);
    return 0;
}

static bool virq_is_global(uint32_t virq)
{
    return virq == VIRQ_DOM_EXC || virq == VIRQ_CONSOLE;
}

int evtchn_bind_virq(struct domain *caller, uint32_t virq, uint32_t vcpu, evtchn_port_t *port)
{
    struct evtchn *c;
    int rc;

    if (virq >= NR_VIRQS || (virq != VIRQ_TIMER && virq != VIRQ_DEBUG && !virq_is_global(virq)))
        return -EINVAL;
    if (virq_is_global(virq) && (caller != dom0 || vcpu != 0))
        return caller != dom0 ? -EPERM : -EINVAL;
    if (!vcpu_valid(caller, vcpu))
        return -EINVAL;
    if (caller->vcpu[vcpu]->virq_port[virq])
        return -EEXIST;
    rc = get_free_port(caller, port);
    if (rc)
        return rc;
    c = claim_port(caller, *port, ECS_VIRQ);
    c->virq = virq;
    c->notify_vcpu = (uint8_t)vcpu;
    caller->vcpu[vcpu]->virq_port[virq] = *port;
    return 0;
}

int evtchn_bind_ipi(struct domain *caller, uint32_t vcpu, evtchn_port_t *port)
{
    struct evtchn *c;
    int rc;

    if (!vcpu_valid(caller, vcpu))
        return -EINVAL;
    rc = get_free_port(caller, port);
    if (rc)
        return rc;
    c = claim_port(caller, *port, ECS_IPI);
    c->notify_vcpu = (uint8_t)vcpu;
    return 0;
}

int evtchn_bind_pirq(struct domain *caller, uint32_t pirq, uint32_t flags, evtchn_port_t *port)
{
    struct evtchn *c;
    int rc;

    if (!caller->privileged)
        return -EPERM;
    if (flags & ~(uint32_t)BIND_PIRQ__WILL_SHARE)
        return -EINVAL;
    rc = physdev_pirq_bind_check(caller, pirq);
    if (rc)
        return rc;
    rc = get_free_port(caller, port);
    if (rc)
        return rc;
    c = claim_port(caller, *port, ECS_PIRQ);
    c->virq = pirq;
    physdev_pirq_bind(caller, pirq, *port);
    return 0;
}

/* The peer's end of an interdomain channel goes back to unbound. */
static void unbind_peer(struct domain *d, struct evtchn *c)
{
    struct domain *r = domain_by_id_any(c->remote_domid);
    struct evtchn *rc = r ? port_in_state(r, c->remote_port, ECS_INTERDOMAIN) : NULL;

    if (rc && rc->remote_domid == d->domid) {
        rc->state = ECS_UNBOUND;
        rc->remote_domid = d->domid;
        rc->remote_port = 0;
    }
}

int evtchn_close(struct domain *d, evtchn_port_t port)
{
    struct evtchn *c = port_of(d, port);

    if (!c || c->state == ECS_FREE || c->state == ECS_RESERVED)
        return -EINVAL;
    if (c->state == ECS_INTERDOMAIN)
        unbind_peer(d, c);
    if (c->state == ECS_VIRQ)
        d->vcpu[c->notify_vcpu]->virq_port[c->virq] = 0;
    if (c->state == ECS_PIRQ)
        physdev_pirq_unbind(d, c->virq);
    free_port(d, port, c);
    return 0;
}

int evtchn_send(struct domain *d, evtchn_port_t port)
{
    struct evtchn *c = port_of(d, port);
    struct domain *r;

    if (!c)
        return -EINVAL;
    switch (c->state) {
    case ECS_INTERDOMAIN:
        r = domain_by_id(c->remote_domid);
        if (r)
            evtchn_set_pending(r, c->remote_port);
        return 0;
    case ECS_IPI:
        evtchn_set_pending(d, port);
        return 0;
    case ECS_UNBOUND:
        return 0; /* nobody listens yet: dropped, as in Xen */
    default:
        return -EINVAL;
    }
}

int evtchn_status(struct domain *caller, struct evtchn_status *st)
{
    struct domain *d;
    struct evtchn *c;

    if (st->dom != DOMID_SELF && st->dom != caller->domid && !caller->privileged)
        return -EPERM;
    d = domain_lookup(caller, st->dom);
    if (!d)
        return -ESRCH;
    if (st->port == 0 || st->port >= d->evtchn.max_ports)
        return -EINVAL;
    memset(&st->u, 0, sizeof(st->u));
    st->pad = 0;
    c = port_of(d, st->port); /* NULL: a free port whose bucket is not allocated yet */
    st->vcpu = c ? c->notify_vcpu : 0;
    switch (c ? c->state : ECS_FREE) {
    case ECS_UNBOUND:
        st->status = EVTCHNSTAT_unbound;
        st->u.unbound.dom = c->remote_domid;
        break;
    case ECS_INTERDOMAIN:
        st->status = EVTCHNSTAT_interdomain;
        st->u.interdomain.dom = c->remote_domid;
        st->u.interdomain.port = c->remote_port;
        break;
    case ECS_VIRQ:
        st->status = EVTCHNSTAT_virq;
        st->u.virq = c->virq;
        break;
    case ECS_IPI:
        st->status = EVTCHNSTAT_ipi;
        break;
    case ECS_PIRQ:
        st->status = EVTCHNSTAT_pirq;
        st->u.pirq = c->virq;
        break;
    default:
        st->status = EVTCHNSTAT_closed;
        break;
    }
    return 0;
}

int evtchn_bind_vcpu(struct domain *d, evtchn_port_t port, uint32_t vcpu)
{
    struct evtchn *c = port_of(d, port);

    if (!c || c->state == ECS_FREE || c->state == ECS_RESERVED || !vcpu_valid(d, vcpu))
        return -EINVAL;
    if (c->state == ECS_VIRQ || c->state == ECS_PIRQ)
        return -EINVAL; /* virqs and pirqs stay on the vCPU they were bound for */
    c->notify_vcpu = (uint8_t)vcpu;
    return 0;
}

/* ---- shared_info bits ---- */

static bool test_and_set(volatile uint64_t *word, unsigned int bit)
{
    return __atomic_fetch_or(word, 1ull << bit, __ATOMIC_SEQ_CST) & (1ull << bit);
}

static bool test(const volatile uint64_t *word, unsigned int bit)
{
    return (__atomic_load_n(word, __ATOMIC_SEQ_CST) >> bit) & 1;
}

bool evtchn_is_pending(const struct domain *d, evtchn_port_t port)
{
    if (!d->shared_info || port >= EVTCHN_MAX_PORTS)
        return false;
    return test(&d->shared_info->evtchn_pending[port / BITS_PER_WORD], port % BITS_PER_WORD);
}

/* Wakes v if it polls for port. */
static void wake_poller(struct vcpu *v, evtchn_port_t port)
{
    if (!v->polling)
        return;
    for (unsigned int i = 0; i < v->nr_poll_ports; i++) {
        if (v->poll_ports[i] == port) {
            v->polling = false;
            v->blocked = false;
            timer_stop(&v->poll_timer);
            vcpu_wake(v);
            return;
        }
    }
}

/* Marks the upcall pending on v and wakes it if it blocked for events. */
static void mark_upcall(struct vcpu *v, unsigned int word)
{
    struct vcpu_info *vi = v->info;

    if (test_and_set(&vi->evtchn_pending_sel, word))
        return;
    __atomic_store_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
    if (v->blocked && !v->polling) {
        v->blocked = false;
        vcpu_wake(v);
    }
}

void evtchn_set_pending(struct domain *d, evtchn_port_t port)
{
    struct shared_info *s = d->shared_info;
    struct evtchn *c = port_of(d, port);
    unsigned int word = port / BITS_PER_WORD, bit = port % BITS_PER_WORD;

    if (!s || !c)
        return;
    if (test_and_set(&s->evtchn_pending[word], bit))
        return; /* already pending: events coalesce */
    struct vcpu *v = d->vcpu[c->notify_vcpu];
    if (!v)
        return;
    if (!test(&s->evtchn_mask[word], bit))
        mark_upcall(v, word);
    wake_poller(v, port);
}

int evtchn_unmask(struct domain *d, evtchn_port_t port)
{
    struct shared_info *s = d->shared_info;
    struct evtchn *c = port_of(d, port);
    unsigned int word = port / BITS_PER_WORD, bit = port % BITS_PER_WORD;

    if (!c || c->state == ECS_FREE || c->state == ECS_RESERVED || !s)
        return -EINVAL;
    __atomic_fetch_and(&s->evtchn_mask[word], ~(1ull << bit), __ATOMIC_SEQ_CST);
    if (test(&s->evtchn_pending[word], bit) && d->vcpu[c->notify_vcpu])
        mark_upcall(d->vcpu[c->notify_vcpu], word);
    return 0;
}

void send_virq(struct vcpu *v, uint32_t virq)
{
    if (v && virq < NR_VIRQS && v->virq_port[virq])
        evtchn_set_pending(v->domain, v->virq_port[virq]);
}

void send_global_virq(uint32_t virq)
{
    if (dom0)
        send_virq(dom0->vcpu[0], virq);
}

void evtchn_destroy(struct domain *d)
{
    struct evtchn_table *t = &d->evtchn;

    for (evtchn_port_t p = 1; p < t->max_ports; p++) {
        struct evtchn *c = port_of(d, p);
        if (c && c->state != ECS_FREE)
            evtchn_close(d, p);
    }
    for (unsigned int i = 0; i < EVTCHN_MAX_PORTS / EVTCHN_BUCKET_PORTS; i++) {
        kfree(t->buckets[i]);
        t->buckets[i] = NULL;
    }
    t->nr_used = 0;
}
