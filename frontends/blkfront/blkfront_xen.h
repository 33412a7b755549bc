/*
 * blkfront_xen.h - blkfront in a guest-lib guest: the core (blkfront.h) on
 * guest-lib's grants and event channels (blkfront_xen.c), and the xenbus
 * handshake with dom0's blkback (blkfront_xenbus.c).
 *
 *   struct blkfront_dev d;
 *   blkfront_dev_connect(&d, "device/vbd/768", 5 * NS_PER_SEC);
 *   blkfront_read(&d.xen.core, sector, buf, len);    (or the async API)
 *   blkfront_dev_close(&d, 5 * NS_PER_SEC);
 *
 * The guest must have called events_init() and gnttab_setup() first.
 * The event handler only counts and wakes: responses are taken by
 * blkfront_poll() in thread context (the sync API does it while waiting).
 */
#ifndef FRONTENDS_BLKFRONT_XEN_H
#define FRONTENDS_BLKFRONT_XEN_H

#include <stdint.h>

#include <public/event_channel.h>
#include <skiff/thread.h>

#include "blkfront.h"

/* The core and what its ops need in a guest. */
struct blkfront_xen {
    struct blkfront core;
    domid_t backend_id;
    evtchn_port_t port; /* 0: none */
    void *ring;         /* the shared ring page (NULL: none) */
    grant_ref_t ring_ref;
    bool ring_granted;
    volatile uint64_t events; /* events received (the handler counts) */
    uint64_t events_seen;     /* by the waiter */
    struct wait_queue wq;
};

/* The core's ops on guest-lib (ctx: the struct blkfront_xen). */
extern const struct blkfront_ops blkfront_xen_ops;

/* The ring page (zeroed, attached to the core), its grant and an unbound port. */
int blkfront_xen_setup(struct blkfront_xen *x, domid_t backend_id);
/* Ends the grant, closes the port, frees the page (the backend must have let go). */
int blkfront_xen_release(struct blkfront_xen *x);

/* One virtual block device, as the toolstack described it in the store. */
struct blkfront_dev {
    struct blkfront_xen xen;
    char node[64];     /* device/vbd/<vdev> */
    char backend[128]; /* the backend's directory */
    struct blkfront_info info;
};

/*
 * The frontend half of the handshake (public/io/blkif.h): reads
 * <node>/backend and backend-id, sets up ring and port, writes ring-ref,
 * event-channel and protocol, Initialised; waits for the backend to be
 * Connected, reads what it advertises, Connected. 0 or a negative errno
 * (also written to <node>/error).
 */
int blkfront_dev_connect(struct blkfront_dev *d, const char *node, uint64_t timeout_ns);
/*
 * The backend went away (it is Closing or Closed) with I/Os in flight: lets
 * go of the old ring, goes back to Initialising and does the handshake
 * again; the core then issues every unanswered I/O again, whole and in
 * order. 0 or a negative errno (also written to <node>/error).
 */
int blkfront_dev_reconnect(struct blkfront_dev *d, uint64_t timeout_ns);
/* Closing, waits for the backend to close, releases everything, Closed. */
int blkfront_dev_close(struct blkfront_dev *d, uint64_t timeout_ns);

#endif /* FRONTENDS_BLKFRONT_XEN_H */
