/*
 * blkfront_xen.c - the blkfront core's ops on guest-lib: grants to the
 * backend domain (grant.h), the event channel (events.h), pages
 * (page_alloc.h), and waiting on a wait queue the event handler wakes.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <skiff/events.h>
#include <skiff/grant.h>
#include <skiff/page_alloc.h>
#include <skiff/time.h>

#include "blkfront_xen.h"

#define PAGE_SHIFT 12

static int xen_grant(void *ctx, const void *va, bool readonly, grant_ref_t *ref)
{
    struct blkfront_xen *x = ctx;

    /* guest-lib guests run with virtual == guest-physical addresses. */
    return gnttab_grant_access(x->backend_id, (uint64_t)(uintptr_t)va >> PAGE_SHIFT, readonly, ref);
}

static int xen_end_grant(void *ctx, grant_ref_t ref)
{
    (void)ctx;
    return gnttab_end_access(ref);
}

static void xen_notify(void *ctx)
{
    struct blkfront_xen *x = ctx;

    (void)evtchn_notify(x->port);
}

static void xen_log(void *ctx, const char *fmt, va_list ap)
{
    (void)ctx;
    vprintf(fmt, ap);
    putchar('\n');
}

static void *xen_page_alloc(void *ctx)
{
    void *p = page_alloc(1);

    (void)ctx;
    if (p)
        memset(p, 0, 1u << PAGE_SHIFT);
    return p;
}

static void xen_page_free(void *ctx, void *va)
{
    (void)ctx;
    page_free(va, 1);
}

static void xen_wait(void *ctx)
{
    struct blkfront_xen *x = ctx;

    /* Bounded: the caller polls the ring again anyway, so a lost wake-up costs 10 ms. */
    wait_event_timeout(&x->wq, x->events != x->events_seen, monotonic_ns() + 10000000ull);
    x->events_seen = x->events;
}

const struct blkfront_ops blkfront_xen_ops = {
    .grant = xen_grant,
    .end_grant = xen_end_grant,
    .notify = xen_notify,
    .log = xen_log,
    .page_alloc = xen_page_alloc,
    .page_free = xen_page_free,
    .wait = xen_wait,
};

/* Upcall context: count and wake; blkfront_poll runs in the waiting thread. */
static void xen_event(evtchn_port_t port, void *data)
{
    struct blkfront_xen *x = data;

    (void)port;
    x->events++;
    wake_up(&x->wq);
}

int blkfront_xen_setup(struct blkfront_xen *x, domid_t backend_id)
{
    int rc;

    x->backend_id = backend_id;
    wait_queue_init(&x->wq);
    x->ring = xen_page_alloc(x);
    if (!x->ring)
        return -ENOMEM;
    rc = blkfront_attach(&x->core, x->ring, 1u << PAGE_SHIFT);
    if (rc < 0)
        goto err_page;
    rc = xen_grant(x, x->ring, false, &x->ring_ref);
    if (rc < 0)
        goto err_page;
    x->ring_granted = true;
    rc = evtchn_alloc_unbound(backend_id, &x->port);
    if (rc < 0)
        goto err_grant;
    rc = evtchn_bind_handler(x->port, xen_event, x);
    if (rc < 0)
        goto err_port;
    return 0;
err_port:
    (void)evtchn_close(x->port);
    x->port = 0;
err_grant:
    (void)gnttab_end_access(x->ring_ref);
    x->ring_granted = false;
err_page:
    xen_page_free(x, x->ring);
    x->ring = NULL;
    return rc;
}

int blkfront_xen_release(struct blkfront_xen *x)
{
    int rc = 0;

    if (x->port)
        (void)evtchn_close(x->port);
    x->port = 0;
    if (x->ring_granted) {
        rc = gnttab_end_access(x->ring_ref);
        if (rc < 0) /* the backend still maps the ring: keep the page rather than reuse it */
            return rc;
        x->ring_granted = false;
    }
    if (x->ring)
        xen_page_free(x, x->ring);
    x->ring = NULL;
    return 0;
}
