/*
 * xenstored.c - the ring side of dom0's xenstored (xenstored.h). It owns,
 * for each domU introduced with a ring, the persistent foreign mapping of
 * its store page in dom0's grant window (the slots after consoled's), dom0's
 * end of its store event channel and the half-moved messages
 * (xs_ring_conn). The page is hostile: xs_ring.c copies each message out
 * once and breaks only that connection on impossible indices.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <skiff/guest.h>
#include <skiff/hypercall.h>

#include "builder.h"
#include "dom0.h"
#include "domctl.h"
#include "xenstored.h"
#include "xs_ring.h"

#define PAGE        4096ull
#define SERVICE_MAX 8 /* passes per call: a watch storm cannot hold dom0 */

struct store_ring {
    bool used;
    bool kick;     /* output queued since the last pump */
    bool reported; /* the broken ring was logged */
    domid_t domid;
    evtchn_port_t port; /* dom0's end */
    struct xs_ring_conn conn;
};

static struct store_ring rings[XENSTORED_MAX];

static uint64_t slot_gfn(const struct store_ring *r)
{
    return start_info.grant_window_base / PAGE + XENSTORED_WINDOW_FIRST + (uint64_t)(r - rings);
}

static struct store_ring *find(domid_t id)
{
    for (unsigned int i = 0; i < XENSTORED_MAX; i++)
        if (rings[i].used && rings[i].domid == id)
            return &rings[i];
    return NULL;
}

static struct store_ring *find_free(void)
{
    for (unsigned int i = 0; i < XENSTORED_MAX; i++)
        if (!rings[i].used)
            return &rings[i];
    return NULL;
}

static void notify(const struct store_ring *r)
{
    struct evtchn_send op = {.port = r->port};

    HYPERVISOR_event_channel_op(EVTCHNOP_send, &op);
}

static void close_port(evtchn_port_t port)
{
    struct evtchn_close op = {.port = port};

    HYPERVISOR_event_channel_op(EVTCHNOP_close, &op);
}

/* ---- transport hooks ---- */

static void output_ready(void *ctx, uint16_t domid)
{
    struct store_ring *r = find(domid);

    (void)ctx;
    if (r)
        r->kick = true;
}

/* XS_INTRODUCE: gfn 0 and port 0 introduce a domain for the books only. */
static int introduce(void *ctx, uint16_t domid, uint64_t gfn, uint32_t port)
{
    struct evtchn_bind_interdomain b = {.remote_dom = domid, .remote_port = port};
    struct store_ring *r;
    int rc;

    (void)ctx;
    if (gfn == 0 && port == 0)
        return 0;
    if (domid == 0 || find(domid))
        return -EEXIST;
    r = find_free();
    if (!r)
        return -ENOSPC;
    memset(r, 0, sizeof(*r));
    rc = domctl_map_foreign(domid, gfn, slot_gfn(r), 1);
    if (rc)
        return rc;
    rc = (int)HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &b);
    if (rc) {
        domctl_unmap_foreign(slot_gfn(r), 1);
        return rc;
    }
    xs_ring_init(&r->conn, (struct xenstore_domain_interface *)(uintptr_t)(slot_gfn(r) * PAGE),
                 domid);
    r->port = b.local_port;
    r->domid = domid;
    r->used = true;
    return 0;
}

static void release(void *ctx, uint16_t domid)
{
    struct store_ring *r = find(domid);

    (void)ctx;
    if (!r)
        return;
    close_port(r->port);
    domctl_unmap_foreign(slot_gfn(r), 1); /* the dead domain's frames can go */
    memset(r, 0, sizeof(*r));
}

const struct xs_transport_ops *xenstored_transport(void)
{
    static const struct xs_transport_ops ops = {output_ready, introduce, release, NULL};

    return &ops;
}

/* ---- builder and destroy hooks ---- */

static int introduce_new_domain(domid_t id, const char *name, uint64_t mem_bytes,
                                const struct builder_ring *ring)
{
    return store_nodes_add_domain(id, name, mem_bytes >> 20, ring->gfn, ring->port);
}

static void domain_destroyed(domid_t id)
{
    store_nodes_remove_domain(id);
}

void xenstored_init(void)
{
    if (start_info.grant_window_size < (XENSTORED_WINDOW_FIRST + XENSTORED_MAX) * PAGE) {
        printf("xenstored: dom0's grant window is too small; domUs get no store ring\n");
        return;
    }
    builder_set_store_backend(introduce_new_domain);
    domctl_add_destroy_hook(domain_destroyed);
}

/* ---- service ---- */

static void clear_pending(evtchn_port_t port)
{
    __atomic_fetch_and(&shared_info->evtchn_pending[port / 64], ~(1ull << (port % 64)),
                       __ATOMIC_SEQ_CST);
}

static bool pump(struct store_ring *r, struct xs_store *s)
{
    bool moved;

    r->kick = false;
    clear_pending(r->port); /* before pumping: a later notify is not lost */
    moved = xs_ring_pump(s, &r->conn);
    if (moved)
        notify(r);
    if (r->conn.broken && !r->reported) {
        r->reported = true;
        printf("xenstored: d%u broke its store ring; disconnected\n", r->domid);
    }
    return moved;
}

void xenstored_service(void)
{
    struct xs_store *s = store_nodes();

    if (!s)
        return;
    /* A request on one ring may queue watch events for another: a few passes. */
    for (unsigned int pass = 0; pass < SERVICE_MAX; pass++) {
        bool moved = false;
        for (unsigned int i = 0; i < XENSTORED_MAX; i++)
            if (rings[i].used && !rings[i].conn.broken)
                moved |= pump(&rings[i], s);
        if (!moved && !xenstored_busy())
            return;
    }
}

bool xenstored_busy(void)
{
    for (unsigned int i = 0; i < XENSTORED_MAX; i++)
        if (rings[i].used && rings[i].kick && !rings[i].conn.broken)
            return true;
    return false;
}

unsigned int xenstored_ports(evtchn_port_t *ports, unsigned int max)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < XENSTORED_MAX && n < max; i++)
        if (rings[i].used && !rings[i].conn.broken)
            ports[n++] = rings[i].port;
    return n;
}

unsigned int xenstored_count(void)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < XENSTORED_MAX; i++)
        n += rings[i].used;
    return n;
}

bool xenstored_connected(domid_t id)
{
    const struct store_ring *r = find(id);

    return r && !r->conn.broken;
}
