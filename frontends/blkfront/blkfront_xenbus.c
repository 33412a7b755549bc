/*
 * blkfront_xenbus.c - blkfront's half of the xenbus handshake with dom0's
 * blkback (the nodes are listed in public/io/blkif.h): find the backend,
 * publish ring-ref / event-channel / protocol, follow the backend to
 * Connected, read what it advertises; and the orderly close.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <skiff/thread.h>
#include <skiff/time.h>
#include <skiff/xenbus.h>

#include "blkfront_xen.h"

#define RECONNECT_ATTEMPTS 4

static int read_node(const char *dir, const char *name, char *buf, size_t size)
{
    char path[192];

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return xenbus_read(XBT_NIL, path, buf, size);
}

/* A number the backend wrote; `dflt` when the node is absent (optional features). */
static int read_u64(const char *dir, const char *name, uint64_t dflt, bool optional, uint64_t *out)
{
    char path[192];
    int rc;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    rc = xenbus_read_u64(XBT_NIL, path, out);
    if (rc == -ENOENT && optional) {
        *out = dflt;
        return 0;
    }
    return rc;
}

static int find_backend(struct blkfront_dev *d)
{
    uint64_t id;
    int rc = read_node(d->node, "backend", d->backend, sizeof(d->backend));

    if (rc < 0)
        return rc;
    rc = read_u64(d->node, "backend-id", 0, false, &id);
    if (rc < 0)
        return rc;
    if (id >= DOMID_FIRST_RESERVED)
        return -EINVAL;
    d->xen.backend_id = (domid_t)id;
    return 0;
}

static int publish(uint32_t tx, void *arg)
{
    struct blkfront_dev *d = arg;
    char path[192];
    int rc;

    snprintf(path, sizeof(path), "%s/ring-ref", d->node);
    rc = xenbus_printf(tx, path, "%u", (unsigned int)d->xen.ring_ref);
    if (rc < 0)
        return rc;
    snprintf(path, sizeof(path), "%s/event-channel", d->node);
    rc = xenbus_printf(tx, path, "%u", (unsigned int)d->xen.port);
    if (rc < 0)
        return rc;
    snprintf(path, sizeof(path), "%s/protocol", d->node);
    return xenbus_write(tx, path, "x86_64-abi");
}

/* What the backend advertises, checked. */
static int read_info(struct blkfront_dev *d)
{
    uint64_t sectors, ssize, info, flush, ind;
    char mode[4];
    int rc;

    if ((rc = read_u64(d->backend, "sectors", 0, false, &sectors)) < 0 ||
        (rc = read_u64(d->backend, "sector-size", 512, true, &ssize)) < 0 ||
        (rc = read_u64(d->backend, "info", 0, true, &info)) < 0 ||
        (rc = read_u64(d->backend, "feature-flush-cache", 0, true, &flush)) < 0 ||
        (rc = read_u64(d->backend, "feature-max-indirect-segments", 0, true, &ind)) < 0)
        return rc;
    rc = read_node(d->backend, "mode", mode, sizeof(mode));
    if (rc < 0)
        return rc;
    d->info = (struct blkfront_info){
        .sectors = sectors,
        .sector_size = ssize > 0xffffffffu ? 0 : (unsigned int)ssize,
        .info = (unsigned int)info,
        .readonly = strcmp(mode, "w") != 0 || (info & VDISK_READONLY),
        .can_flush = flush == 1,
        .max_indirect_segs = ind > BLKFRONT_MAX_SEGS ? BLKFRONT_MAX_SEGS : (unsigned int)ind,
    };
    return 0;
}

/* Waits for the backend to reach `want`; -ENOTCONN if it closed instead. */
static int wait_backend(struct blkfront_dev *d, enum xenbus_state want, uint64_t timeout_ns)
{
    int st = xenbus_wait_for_state(d->backend, want, d->node, timeout_ns);

    if (st < 0)
        return st;
    if (st > XenbusStateConnected && want <= XenbusStateConnected)
        return -ENOTCONN;
    return 0;
}

/*
 * From the backend's InitWait to both ends Connected: a fresh ring and
 * port, published, then what the backend advertises. *what says which step
 * failed.
 */
static int handshake(struct blkfront_dev *d, uint64_t timeout_ns, const char **what)
{
    int rc;

    *what = "setting up the ring";
    rc = blkfront_xen_setup(&d->xen, d->xen.backend_id);
    if (rc < 0)
        return rc;
    *what = "publishing the ring";
    rc = xenbus_transact(publish, d, 8);
    if (rc == 0)
        rc = xenbus_switch_state(d->node, XenbusStateInitialised);
    if (rc < 0)
        goto err_ring;
    *what = "connecting to the backend";
    rc = wait_backend(d, XenbusStateConnected, timeout_ns);
    if (rc == 0)
        rc = read_info(d);
    if (rc == 0)
        rc = blkfront_connect(&d->xen.core, &d->info);
    if (rc < 0)
        goto err_ring;
    rc = xenbus_switch_state(d->node, XenbusStateConnected);
    if (rc < 0)
        goto err_ring;
    return 0;
err_ring:
    blkfront_disconnect(&d->xen.core);
    (void)blkfront_xen_release(&d->xen);
    return rc;
}

int blkfront_dev_connect(struct blkfront_dev *d, const char *node, uint64_t timeout_ns)
{
    const char *what = "reading the backend";
    int rc;

    memset(d, 0, sizeof(*d));
    if (strlen(node) >= sizeof(d->node))
        return -ENAMETOOLONG;
    strlcpy(d->node, node, sizeof(d->node));
    blkfront_init(&d->xen.core, &blkfront_xen_ops, &d->xen);
    rc = find_backend(d);
    if (rc < 0)
        goto err;
    what = "waiting for the backend";
    rc = wait_backend(d, XenbusStateInitWait, timeout_ns);
    if (rc == 0)
        rc = handshake(d, timeout_ns, &what);
    if (rc < 0)
        goto err;
    return 0;
err:
    xenbus_dev_fatal(d->node, rc, what);
    return rc;
}

/* Polls (1 ms apart) until the backend is exactly InitWait again; -ETIMEDOUT. */
static int wait_backend_initwait(struct blkfront_dev *d, uint64_t timeout_ns)
{
    uint64_t deadline = monotonic_ns() + timeout_ns;

    while (xenbus_read_state(d->backend) != XenbusStateInitWait) {
        if (monotonic_ns() >= deadline)
            return -ETIMEDOUT;
        sleep_ns(1000000);
    }
    return 0;
}

/* One attempt: let go of the ring, Closed, Initialising, the handshake. */
static int reconnect_once(struct blkfront_dev *d, uint64_t timeout_ns, const char **what)
{
    uint64_t deadline = monotonic_ns() + timeout_ns;
    int rc;

    *what = "releasing the old ring";
    blkfront_disconnect(&d->xen.core); /* I/Os in flight are kept for the new ring */
    /* The backend unmaps the ring before it says Closing; until then the grant is busy. */
    while ((rc = blkfront_xen_release(&d->xen)) == -EBUSY && monotonic_ns() < deadline)
        sleep_ns(1000000);
    if (rc < 0)
        return rc;
    *what = "asking the backend again";
    rc = xenbus_switch_state(d->node, XenbusStateClosed);
    if (rc == 0)
        rc = xenbus_switch_state(d->node, XenbusStateInitialising);
    if (rc == 0)
        rc = wait_backend_initwait(d, timeout_ns);
    if (rc == 0)
        rc = handshake(d, timeout_ns, what);
    return rc;
}

int blkfront_dev_reconnect(struct blkfront_dev *d, uint64_t timeout_ns)
{
    const char *what = "";
    int rc;

    /* A backend that goes away again during the handshake (-ENOTCONN) is asked again. */
    for (unsigned int attempt = 0; attempt < RECONNECT_ATTEMPTS; attempt++) {
        rc = reconnect_once(d, timeout_ns, &what);
        if (rc != -ENOTCONN)
            break;
    }
    if (rc < 0)
        xenbus_dev_fatal(d->node, rc, what);
    return rc;
}

int blkfront_dev_close(struct blkfront_dev *d, uint64_t timeout_ns)
{
    int rc = xenbus_switch_state(d->node, XenbusStateClosing);

    if (rc == 0)
        rc = xenbus_wait_for_state(d->backend, XenbusStateClosing, d->node, timeout_ns);
    blkfront_disconnect(&d->xen.core);
    blkfront_destroy(&d->xen.core);
    if (rc >= 0)
        rc = blkfront_xen_release(&d->xen);
    (void)xenbus_switch_state(d->node, XenbusStateClosed);
    return rc < 0 ? rc : 0;
}
