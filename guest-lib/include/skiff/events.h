/*
 * skiff/events.h - event channels in a guest-lib guest: the upcall entry,
 * dispatch of pending ports to handlers, masking, and wrappers around
 * HYPERVISOR_event_channel_op (public/event_channel.h).
 *
 * Model (Xen's 2-level ABI, vCPU 0 only):
 *  - events_init() registers arch/x86_64/upcall.S with CALLBACKOP_register,
 *    masks every port and enables upcalls. A port is delivered only once a
 *    handler is bound to it (evtchn_bind_handler unmasks it).
 *  - Handlers run in the upcall, on the stack of whatever was interrupted,
 *    with upcalls masked (local_events_disable() state). They must not block,
 *    switch threads or sleep; they may wake threads (thread.h) and notify.
 *    The upcall saves and restores every register and the x87/SSE state, so
 *    handlers may be ordinary C.
 *  - Events coalesce: several sends before the handler runs give one call.
 *    A handler is called at least once after the last send that reached its
 *    port while it was unmasked.
 */
#ifndef SKIFF_GUEST_EVENTS_H
#define SKIFF_GUEST_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include <public/event_channel.h>
#include <public/skiff.h>

/* Ports guest-lib can dispatch: the 2-level ABI's limit. */
#define EVTCHN_NR_PORTS SKIFF_NR_EVENT_CHANNELS

typedef void evtchn_handler_fn(evtchn_port_t port, void *data);

/*
 * Registers the upcall entry, masks all ports, and enables upcalls. Safe to
 * call more than once (later calls do nothing). 0 or the hypercall's error.
 */
int events_init(void);

/*
 * Routes `port` to fn(port, data), then unmasks the port (an event already
 * pending is delivered at once). -EINVAL for port 0, a port >= 4096 or a
 * NULL fn; -EBUSY if the port already has a handler.
 */
int evtchn_bind_handler(evtchn_port_t port, evtchn_handler_fn *fn, void *data);

/* Masks the port and forgets its handler; later events stay pending, undelivered. */
void evtchn_unbind_handler(evtchn_port_t port);

/* Sets the port's mask bit: its events stay pending without an upcall. */
void evtchn_mask(evtchn_port_t port);

/*
 * Clears the mask bit. If the port is pending, asks the hypervisor to
 * unmask it (EVTCHNOP_unmask), which raises the upcall the masked event
 * did not get.
 */
void evtchn_unmask(evtchn_port_t port);

/* EVTCHNOP_send: signals the other end of the port. 0 or -EINVAL. */
int evtchn_notify(evtchn_port_t port);

/* A port that domain `remote` may bind to (DOMID_SELF: this domain). */
int evtchn_alloc_unbound(domid_t remote, evtchn_port_t *port);
/* Connects a new local port to remote_port of domain remote. */
int evtchn_bind_interdomain(domid_t remote, evtchn_port_t remote_port, evtchn_port_t *local);
/* A port for VIRQ_<virq> on vCPU 0. */
int evtchn_bind_virq(uint32_t virq, evtchn_port_t *port);
/* A port that notifies this vCPU (send to self). */
int evtchn_bind_ipi(evtchn_port_t *port);
/* Unbinds the handler (if any) and closes the port (EVTCHNOP_close). */
int evtchn_close(evtchn_port_t port);
/* EVTCHNOP_status of one of this domain's ports: *status = EVTCHNSTAT_*. */
int evtchn_port_status(evtchn_port_t port, uint32_t *status);

/* True while event handlers run (the upcall's context). */
bool events_in_upcall(void);

/* Upcalls taken and events found pending on ports without a handler. */
uint64_t events_upcall_count(void);
uint64_t events_spurious_count(void);

/*
 * The upcall mask of vCPU 0 (evtchn_upcall_mask). While it is set, no
 * upcall is delivered; events stay pending. Enabling checks for a pending
 * upcall and forces its delivery with a cheap hypercall, so nothing waits
 * for the next unrelated hypervisor entry.
 */
void local_events_disable(void);
void local_events_enable(void);
/* Disables and returns the previous state (true = was disabled). */
bool local_events_save(void);
/* Back to a state local_events_save returned. */
void local_events_restore(bool was_disabled);
bool local_events_disabled(void);

/* ---- pure logic, testable on the host (events_scan.c) ---------------- */

/*
 * One pass of the upcall's scan over the 2-level bitmaps: clears
 * vi->evtchn_upcall_pending, takes evtchn_pending_sel (atomic exchange with
 * 0), and for each word it names, each pending and unmasked port in
 * ascending order: atomically clears the port's pending bit, then calls
 * fn(port, ctx). Masked pending ports keep their bit. Returns the number of
 * calls. The caller repeats while vi->evtchn_upcall_pending is set again.
 */
typedef void evtchn_scan_fn(evtchn_port_t port, void *ctx);
unsigned int evtchn_scan(struct shared_info *s, struct vcpu_info *vi, evtchn_scan_fn *fn,
                         void *ctx);

#endif
