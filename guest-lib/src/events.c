/*
 * events.c - event channels in a guest (skiff/events.h): the C half of the
 * upcall, the table of port handlers, port masks, vCPU 0's upcall mask, and
 * the event_channel_op wrappers.
 *
 * Concurrency: one vCPU; the upcall interrupts thread code at any
 * instruction unless the upcall mask is set. `handlers` is read by the
 * upcall and written by threads only with events disabled.
 */
#include <errno.h>
#include <string.h>

#include <public/callback.h>
#include <public/version.h>
#include <skiff/events.h>
#include <skiff/guest.h>
#include <skiff/hypercall.h>

#define BITS_PER_WORD 64

struct port_handler {
    evtchn_handler_fn *fn;
    void *data;
};

/* Written with events disabled; read by the upcall. */
static struct port_handler handlers[EVTCHN_NR_PORTS];
static bool initialised;
/* Counted by the upcall (events masked); read by anyone. */
static volatile uint64_t upcalls, spurious;
static volatile bool in_upcall;

extern char guest_upcall_entry[]; /* arch/x86_64/upcall.S */
void evtchn_do_upcall(void);

static struct vcpu_info *vcpu0(void)
{
    return &shared_info->vcpu_info[0];
}

static void compiler_barrier(void)
{
    __asm__ volatile("" ::: "memory");
}

/* ---- the upcall mask --------------------------------------------------- */

bool local_events_disabled(void)
{
    return __atomic_load_n(&vcpu0()->evtchn_upcall_mask, __ATOMIC_RELAXED) != 0;
}

void local_events_disable(void)
{
    __atomic_store_n(&vcpu0()->evtchn_upcall_mask, 1, __ATOMIC_RELAXED);
    compiler_barrier();
}

/* Any hypercall returns through the hypervisor's pending-upcall check. */
static void force_upcall(void)
{
    HYPERVISOR_xen_version(XENVER_version, NULL);
}

void local_events_enable(void)
{
    struct vcpu_info *vi = vcpu0();

    compiler_barrier();
    __atomic_store_n(&vi->evtchn_upcall_mask, 0, __ATOMIC_RELAXED);
    compiler_barrier();
    /* An event raised while we were masked has set pending without an upcall. */
    if (__atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_RELAXED))
        force_upcall();
}

bool local_events_save(void)
{
    bool was = local_events_disabled();

    local_events_disable();
    return was;
}

void local_events_restore(bool was_disabled)
{
    if (!was_disabled)
        local_events_enable();
}

/* ---- dispatch ---------------------------------------------------------- */

static void dispatch(evtchn_port_t port, void *ctx)
{
    const struct port_handler *h = &handlers[port];

    (void)ctx;
    if (h->fn)
        h->fn(port, h->data);
    else
        spurious++;
}

/* Called by arch/x86_64/upcall.S with upcalls masked. */
void evtchn_do_upcall(void)
{
    struct vcpu_info *vi = vcpu0();

    upcalls++;
    in_upcall = true;
    while (__atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_ACQUIRE))
        evtchn_scan(shared_info, vi, dispatch, NULL);
    in_upcall = false;
}

/* Called by upcall.S after evtchn_do_upcall: ends the upcall with events enabled. */
bool evtchn_upcall_end(void);

bool evtchn_upcall_end(void)
{
    struct vcpu_info *vi = vcpu0();

    __atomic_store_n(&vi->evtchn_upcall_mask, 0, __ATOMIC_SEQ_CST);
    /* An event raised while we were masked left only the pending flag: take it now. */
    if (!__atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST))
        return true;
    __atomic_store_n(&vi->evtchn_upcall_mask, 1, __ATOMIC_SEQ_CST);
    return false;
}

bool events_in_upcall(void)
{
    return in_upcall;
}

uint64_t events_upcall_count(void)
{
    return upcalls;
}

uint64_t events_spurious_count(void)
{
    return spurious;
}

/* ---- set-up ------------------------------------------------------------ */

static void mask_all_ports(void)
{
    for (unsigned int w = 0; w < EVTCHN_NR_PORTS / BITS_PER_WORD; w++)
        __atomic_store_n(&shared_info->evtchn_mask[w], ~0ull, __ATOMIC_SEQ_CST);
}

int events_init(void)
{
    struct callback_register cb = {
        .type = CALLBACKTYPE_event,
        .flags = CALLBACKF_mask_events,
        .address = (unsigned long)guest_upcall_entry,
    };
    int rc;

    if (initialised)
        return 0;
    local_events_disable();
    mask_all_ports();
    rc = (int)HYPERVISOR_callback_op(CALLBACKOP_register, &cb);
    if (rc)
        return rc;
    initialised = true;
    local_events_enable();
    return 0;
}

/* ---- masks ------------------------------------------------------------- */

static bool port_valid(evtchn_port_t port)
{
    return port > 0 && port < EVTCHN_NR_PORTS;
}

static uint64_t port_bit(evtchn_port_t port)
{
    return 1ull << (port % BITS_PER_WORD);
}

void evtchn_mask(evtchn_port_t port)
{
    if (port_valid(port))
        __atomic_fetch_or(&shared_info->evtchn_mask[port / BITS_PER_WORD], port_bit(port),
                          __ATOMIC_SEQ_CST);
}

void evtchn_unmask(evtchn_port_t port)
{
    struct evtchn_unmask op = {.port = port};

    if (!port_valid(port))
        return;
    /*
     * A send that finds the port unmasked raises the upcall itself; one that
     * came while it was masked left only the pending bit, and the hypervisor
     * must raise the upcall for it (it owns the selector and upcall flag).
     */
    __atomic_fetch_and(&shared_info->evtchn_mask[port / BITS_PER_WORD], ~port_bit(port),
                       __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&shared_info->evtchn_pending[port / BITS_PER_WORD], __ATOMIC_SEQ_CST) &
        port_bit(port))
        HYPERVISOR_event_channel_op(EVTCHNOP_unmask, &op);
}

/* ---- handlers ---------------------------------------------------------- */

int evtchn_bind_handler(evtchn_port_t port, evtchn_handler_fn *fn, void *data)
{
    int rc = events_init();
    bool flags;

    if (rc)
        return rc;
    if (!port_valid(port) || !fn)
        return -EINVAL;
    flags = local_events_save();
    if (handlers[port].fn) {
        local_events_restore(flags);
        return -EBUSY;
    }
    handlers[port] = (struct port_handler){fn, data};
    local_events_restore(flags);
    evtchn_unmask(port);
    return 0;
}

void evtchn_unbind_handler(evtchn_port_t port)
{
    bool flags;

    if (!port_valid(port))
        return;
    evtchn_mask(port);
    flags = local_events_save();
    handlers[port] = (struct port_handler){NULL, NULL};
    local_events_restore(flags);
}

/* ---- event_channel_op wrappers ----------------------------------------- */

int evtchn_notify(evtchn_port_t port)
{
    struct evtchn_send op = {.port = port};

    return (int)HYPERVISOR_event_channel_op(EVTCHNOP_send, &op);
}

int evtchn_alloc_unbound(domid_t remote, evtchn_port_t *port)
{
    struct evtchn_alloc_unbound op = {.dom = DOMID_SELF, .remote_dom = remote};
    int rc = (int)HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &op);

    if (rc == 0)
        *port = op.port;
    return rc;
}

int evtchn_bind_interdomain(domid_t remote, evtchn_port_t remote_port, evtchn_port_t *local)
{
    struct evtchn_bind_interdomain op = {.remote_dom = remote, .remote_port = remote_port};
    int rc = (int)HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &op);

    if (rc == 0)
        *local = op.local_port;
    return rc;
}

int evtchn_bind_virq(uint32_t virq, evtchn_port_t *port)
{
    struct evtchn_bind_virq op = {.virq = virq, .vcpu = 0};
    int rc = (int)HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &op);

    if (rc == 0)
        *port = op.port;
    return rc;
}

int evtchn_bind_ipi(evtchn_port_t *port)
{
    struct evtchn_bind_ipi op = {.vcpu = 0};
    int rc = (int)HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &op);

    if (rc == 0)
        *port = op.port;
    return rc;
}

int evtchn_close(evtchn_port_t port)
{
    struct evtchn_close op = {.port = port};

    evtchn_unbind_handler(port);
    /* The hypervisor clears the port's pending bit as it frees it. */
    return (int)HYPERVISOR_event_channel_op(EVTCHNOP_close, &op);
}

int evtchn_port_status(evtchn_port_t port, uint32_t *status)
{
    struct evtchn_status op;
    int rc;

    memset(&op, 0, sizeof(op));
    op.dom = DOMID_SELF;
    op.port = port;
    rc = (int)HYPERVISOR_event_channel_op(EVTCHNOP_status, &op);
    if (rc == 0)
        *status = op.status;
    return rc;
}
