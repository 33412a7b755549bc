/*
 * vbd.c - dom0's virtual block devices (vbd.h). It owns, per disk, the two
 * xenstore directories (as xl writes them), the backend's side of the
 * xenbus handshake, the mapping of the guest's ring page, dom0's end of its
 * event channel and the blkback ring (backends/blkback does the requests);
 * and the grant and event operations that core asks for.
 *
 * Everything the guest wrote is hostile (HOSTILE X4): ring-ref and
 * event-channel must be plain decimal numbers in range, protocol absent or
 * "x86_64-abi"; anything else is a fatal device error written to the
 * backend's error node, and the disk goes Closing. Paths are never read
 * from the guest's nodes: both directories are the ones dom0 made.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <public/io/blkif.h>
#include <public/io/xenbus.h>
#include <skiff/grant.h>
#include <skiff/guest.h>
#include <skiff/hypercall.h>
#include <skiff/page_alloc.h>
#include <skiff/time.h>

#include "blkback.h"
#include "dom0.h"
#include "domctl.h"
#include "drivers.h"
#include "service.h"
#include "vbd.h"
#include "vbd_backing.h"
#include "xenstore.h"

#define PATH_LEN    96
#define KICK_ROUNDS 64 /* blkback_ring_kick calls per ring and service: bounded */
#define MAX_PORT    4095u
#define PAGE        4096u
#define VDEV_MAX    8
#define BACKING_MAX 48

struct vbd {
    bool used;
    bool gone;      /* torn down: nodes removed, waiting for the device to drain */
    bool detaching; /* block-detach asked: remove once the frontend closed */
    domid_t domid;
    int devid;
    char vdev[VDEV_MAX];
    char backing[BACKING_MAX];
    struct blkdev *dev;
    bool made_dev; /* dev is a RAM disk made for this disk: freed with it */
    bool readonly;
    int be_state; /* what dom0 last wrote to <be>/state */
    bool ring_up; /* ring page mapped, port bound, blkback ring initialised */
    bool restep;  /* step() again even if the store did not change (a ring still draining) */
    void *ring_va;
    grant_handle_t ring_handle;
    evtchn_port_t port; /* dom0's end */
    struct blkback_ring *ring;
    char be[PATH_LEN], fe[PATH_LEN];
};

static struct vbd vbds[VBD_MAX];
/* blkback's strategy for the rings connected from now on (vbd_use_grant_copy). */
static bool grant_copy;

/* ---- store helpers (dom0 acts as itself: privileged) ---- */

static int node_write(const char *dir, const char *name, const char *value)
{
    char path[PATH_LEN + 40];

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return xs_write(store_nodes(), 0, 0, path, value, strlen(value));
}

static int node_printf(const char *dir, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int node_printf(const char *dir, const char *name, const char *fmt, ...)
{
    char value[64];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(value, sizeof(value), fmt, ap);
    va_end(ap);
    return node_write(dir, name, value);
}

/* The node's value into buf (NUL-terminated); -ENOENT, -E2BIG if longer than size - 1. */
static int node_read(const char *dir, const char *name, char *buf, size_t size)
{
    char path[PATH_LEN + 40];
    size_t len;
    int rc;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    rc = xs_read(store_nodes(), 0, 0, path, buf, size - 1, &len);
    if (rc == 0 && len > size - 1)
        rc = -E2BIG;
    buf[rc ? 0 : len] = '\0';
    return rc;
}

/* A plain decimal number <= max (X4: nothing else is a number here). */
static int parse_number(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;

    if (!*s || strlen(s) > 10)
        return -EINVAL;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -EINVAL;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    if (v > max)
        return -ERANGE;
    *out = v;
    return 0;
}

static int node_number(const char *dir, const char *name, uint64_t max, uint64_t *out)
{
    char buf[16];
    int rc = node_read(dir, name, buf, sizeof(buf));

    return rc ? rc : parse_number(buf, max, out);
}

/* <dir>/state, or Unknown when missing or garbage. */
static int read_state(const char *dir)
{
    uint64_t v;

    return node_number(dir, "state", XenbusStateReconfigured, &v) ? XenbusStateUnknown : (int)v;
}

static void set_state(struct vbd *v, int state)
{
    v->be_state = state;
    node_printf(v->be, "state", "%d", state);
}

static int make_dir(const char *path, domid_t owner, domid_t reader)
{
    char perms[16];
    int n, rc = xs_mkdir(store_nodes(), 0, 0, path);

    n = snprintf(perms, sizeof(perms), "n%u%cr%u", owner, '\0', reader);
    return rc ? rc : xs_set_perms(store_nodes(), 0, 0, path, perms, (size_t)n + 1);
}

/* ---- grant and event operations for blkback's core ---- */

/* One hypercall for a request's segments (gnttab_map_device_batch). */
static int gmap(void *ctx, domid_t dom, struct blkback_gmap *maps, unsigned int n)
{
    struct gnttab_dev_map m[BLKBACK_MAX_SEGS];
    int rc;

    (void)ctx;
    if (n > BLKBACK_MAX_SEGS)
        return -EINVAL;
    for (unsigned int i = 0; i < n; i++)
        m[i] = (struct gnttab_dev_map){.ref = maps[i].ref, .ro = maps[i].readonly};
    rc = gnttab_map_device_batch(dom, m, n);
    for (unsigned int i = 0; i < n; i++) {
        maps[i].status = gnttab_errno(m[i].status);
        maps[i].va = m[i].addr;
        maps[i].maddr = m[i].maddr;
        maps[i].handle = m[i].handle;
    }
    return rc;
}

static void gunmap(void *ctx, struct blkback_gmap *maps, unsigned int n)
{
    struct gnttab_dev_map m[BLKBACK_MAX_SEGS];

    (void)ctx;
    for (unsigned int done = 0; done < n; done += BLKBACK_MAX_SEGS) {
        unsigned int part = n - done < BLKBACK_MAX_SEGS ? n - done : BLKBACK_MAX_SEGS;
        for (unsigned int i = 0; i < part; i++)
            m[i] =
                (struct gnttab_dev_map){.addr = maps[done + i].va, .handle = maps[done + i].handle};
        gnttab_unmap_batch(m, part);
    }
}

static int gcopy(void *ctx, struct gnttab_copy *ops, unsigned int n)
{
    (void)ctx;
    return gnttab_copy_batch(ops, n);
}

static int page_get(void *ctx, struct blkback_page *pg)
{
    void *va = page_alloc(1);

    (void)ctx;
    if (!va)
        return -ENOMEM;
    memset(va, 0, PAGE);
    pg->va = va;
    pg->maddr = start_info.machine_base + (uint64_t)(uintptr_t)va; /* dom0 is identity mapped */
    pg->gfn = (uint64_t)(uintptr_t)va / PAGE;
    return 0;
}

static void page_put(void *ctx, struct blkback_page *pg)
{
    (void)ctx;
    page_free(pg->va, 1);
}

static const struct blkback_grant_ops grant_ops = {gmap, gunmap, gcopy, page_get, page_put};

static void notify(void *ctx)
{
    struct vbd *v = ctx;
    struct evtchn_send op = {.port = v->port};

    HYPERVISOR_event_channel_op(EVTCHNOP_send, &op);
}

static void log_line(void *ctx, const char *fmt, va_list ap)
{
    struct vbd *v = ctx;
    char line[160];

    vsnprintf(line, sizeof(line), fmt, ap);
    printf("blkback d%u/%s: %s\n", v->domid, v->vdev, line);
}

static const struct blkback_env_ops env_ops = {notify, log_line, NULL, NULL};

static void clear_pending(evtchn_port_t port)
{
    __atomic_fetch_and(&shared_info->evtchn_pending[port / 64], ~(1ull << (port % 64)),
                       __ATOMIC_SEQ_CST);
}

/* ---- the handshake ---- */

/* A fatal device error, as xenbus_dev_fatal: <be>/error, then Closing. */
static void fatal(struct vbd *v, const char *what)
{
    printf("blkback d%u/%s: %s\n", v->domid, v->vdev, what);
    node_write(v->be, "error", what);
    set_state(v, XenbusStateClosing);
}

static void close_port(evtchn_port_t port)
{
    struct evtchn_close op = {.port = port};

    HYPERVISOR_event_channel_op(EVTCHNOP_close, &op);
}

/* Stops the ring and lets go of the page and the port; the ring itself goes once drained. */
static void ring_down(struct vbd *v)
{
    if (!v->ring_up)
        return;
    blkback_ring_disconnect(v->ring);
    gnttab_unmap(v->ring_va, v->ring_handle, NULL);
    close_port(v->port);
    v->ring_up = false;
    v->port = 0;
}

/* Frees the ring once nothing is in flight; true when it is gone. */
static bool ring_reap(struct vbd *v)
{
    if (v->ring && blkback_ring_quiesced(v->ring)) {
        blkback_ring_destroy(v->ring);
        free(v->ring);
        v->ring = NULL;
    }
    return v->ring == NULL;
}

/* The frontend's ring-ref, event-channel and protocol, checked (X4). */
static const char *read_frontend(struct vbd *v, grant_ref_t *ref, evtchn_port_t *port)
{
    char proto[16];
    uint64_t r, p;
    int rc;

    if (node_number(v->fe, "ring-ref", UINT32_MAX, &r))
        return "frontend's ring-ref is missing or not a number";
    if (node_number(v->fe, "event-channel", MAX_PORT, &p) || p == 0)
        return "frontend's event-channel is missing or not a port number";
    rc = node_read(v->fe, "protocol", proto, sizeof(proto));
    if (rc != -ENOENT && (rc != 0 || strcmp(proto, "x86_64-abi") != 0))
        return "frontend's protocol is not x86_64-abi";
    *ref = (grant_ref_t)r;
    *port = (evtchn_port_t)p;
    return NULL;
}

static int bind_port(struct vbd *v, evtchn_port_t remote)
{
    struct evtchn_bind_interdomain b = {.remote_dom = v->domid, .remote_port = remote};
    int rc = (int)HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &b);

    v->port = b.local_port;
    return rc;
}

/* Frontend Initialised: map its ring, bind its port, start blkback, tell it the disk. */
static void connect(struct vbd *v)
{
    struct blkback_config cfg = {
        .frontend = v->domid,
        .strategy = grant_copy ? BLKBACK_COPY : BLKBACK_MAP,
        .nr_reqs = 0,
        .max_indirect_segs = BLKBACK_MAX_SEGS,
        .readonly = v->readonly,
        .dev = v->dev,
        .gops = &grant_ops,
        .eops = &env_ops,
        .ctx = v,
    };
    const char *bad;
    grant_ref_t ref;
    evtchn_port_t remote;
    int rc;

    if (!ring_reap(v)) {
        v->restep = true; /* the last connection's requests are still on the device: wait */
        return;
    }
    bad = read_frontend(v, &ref, &remote);
    if (bad)
        return fatal(v, bad);
    v->ring = calloc(1, sizeof(*v->ring));
    if (!v->ring)
        return fatal(v, "out of memory for the ring");
    if (gnttab_map(v->domid, ref, false, &v->ring_va, &v->ring_handle, NULL)) {
        free(v->ring);
        v->ring = NULL;
        return fatal(v, "cannot map the frontend's ring-ref");
    }
    rc = bind_port(v, remote);
    if (rc == 0)
        rc = blkback_ring_init(v->ring, &cfg, v->ring_va, PAGE);
    if (rc) {
        if (v->port)
            close_port(v->port);
        gnttab_unmap(v->ring_va, v->ring_handle, NULL);
        free(v->ring);
        v->ring = NULL;
        return fatal(v, rc == -ENOMEM ? "out of memory for the ring"
                                      : "cannot bind the frontend's event-channel");
    }
    v->ring_up = true;
    node_printf(v->be, "sectors", "%lu", (unsigned long)v->dev->sectors);
    node_write(v->be, "sector-size", "512");
    node_printf(v->be, "info", "%u", v->readonly ? VDISK_READONLY : 0u);
    set_state(v, XenbusStateConnected);
}

/* The slot is free again; a RAM disk made for it goes too (nothing is in flight). */
static void forget(struct vbd *v)
{
    if (v->dev)
        vbd_backing_close(v->dev, v->made_dev);
    memset(v, 0, sizeof(*v));
}

/* Removes both directories and forgets the disk once its ring has drained. */
static void teardown(struct vbd *v)
{
    ring_down(v);
    xs_rm(store_nodes(), 0, 0, v->be);
    xs_rm(store_nodes(), 0, 0, v->fe);
    v->gone = true;
    if (ring_reap(v))
        forget(v);
}

void vbd_use_grant_copy(bool copy)
{
    grant_copy = copy;
}

/* One look at the frontend's state: the backend's next step. */
static void step(struct vbd *v)
{
    int fe;

    v->restep = false;
    fe = read_state(v->fe);

    if (v->gone) {
        if (ring_reap(v))
            forget(v);
        return;
    }
    switch (v->be_state) {
    case XenbusStateInitWait:
        if (v->detaching)
            return teardown(v);
        if (fe == XenbusStateInitialised || fe == XenbusStateConnected)
            connect(v);
        break;
    case XenbusStateConnected:
        if (fe == XenbusStateClosing || fe == XenbusStateClosed || fe == XenbusStateUnknown) {
            ring_down(v);
            set_state(v, fe == XenbusStateClosing ? XenbusStateClosing : XenbusStateClosed);
        }
        break;
    case XenbusStateClosing:
        ring_down(v);
        if (fe == XenbusStateClosed || fe == XenbusStateUnknown || fe == XenbusStateInitialising)
            set_state(v, XenbusStateClosed);
        break;
    case XenbusStateClosed:
        if (v->detaching)
            return teardown(v);
        if (fe == XenbusStateInitialising) { /* the frontend wants to connect again */
            node_write(v->be, "error", "");
            set_state(v, XenbusStateInitWait);
        }
        break;
    default:
        break;
    }
}

/* Requests and completions: bounded work per ring and call. R2 ends the connection. */
static void kick(struct vbd *v)
{
    clear_pending(v->port); /* before the ring is read: a later event is not lost */
    for (unsigned int i = 0; i < KICK_ROUNDS; i++)
        if (blkback_ring_kick(v->ring) != 1)
            break;
    if (v->ring->hostile) {
        ring_down(v);
        fatal(v, "the frontend broke the ring protocol; disconnected");
    }
}

/*
 * Completions and requests on every ring, twice (a RAM disk completes only
 * when polled, so what the first round submitted is answered in the
 * second); the handshake only when the store changed since the last look
 * (reading the frontend's state is most of what a wake-up would cost).
 */
static void vbd_service(void)
{
    static uint64_t seen_gen;
    uint64_t gen = xs_generation(store_nodes());
    bool store_changed = gen != seen_gen;

    seen_gen = gen;
    for (unsigned int round = 0; round < 2; round++) {
        blkdev_poll_all();
        for (unsigned int i = 0; i < VBD_MAX; i++) {
            struct vbd *v = &vbds[i];
            if (v->used && round == 0 && (store_changed || v->gone || v->restep))
                step(v);
            if (v->used && v->ring_up)
                kick(v);
        }
    }
}

static unsigned int vbd_ports(evtchn_port_t *ports, unsigned int max)
{
    unsigned int n = drivers_irq_ports(ports, max);

    for (unsigned int i = 0; i < VBD_MAX && n < max; i++)
        if (vbds[i].used && vbds[i].ring_up)
            ports[n++] = vbds[i].port;
    return n;
}

static const struct dom0_service service = {"blkback", vbd_ports, vbd_service};

/* ---- the toolstack side ---- */

int vbd_devid(const char *vdev)
{
    if (strncmp(vdev, "xvd", 3) != 0 || vdev[3] < 'a' || vdev[3] > 'z' || vdev[4] != '\0')
        return -EINVAL;
    return 202 << 8 | (vdev[3] - 'a') << 4;
}

static struct vbd *find(domid_t domid, int devid)
{
    for (unsigned int i = 0; i < VBD_MAX; i++)
        if (vbds[i].used && !vbds[i].gone && vbds[i].domid == domid && vbds[i].devid == devid)
            return &vbds[i];
    return NULL;
}

static struct vbd *find_free(void)
{
    for (unsigned int i = 0; i < VBD_MAX; i++)
        if (!vbds[i].used)
            return &vbds[i];
    return NULL;
}

/* The frontend's directory, owned by the guest, readable by dom0. */
static int write_frontend(const struct vbd *v)
{
    int rc = make_dir(v->fe, v->domid, 0);

    if (rc == 0)
        rc = node_write(v->fe, "backend", v->be);
    if (rc == 0)
        rc = node_write(v->fe, "backend-id", "0");
    if (rc == 0)
        rc = node_printf(v->fe, "virtual-device", "%d", v->devid);
    if (rc == 0)
        rc = node_write(v->fe, "device-type", "disk");
    if (rc == 0)
        rc = node_printf(v->fe, "state", "%d", XenbusStateInitialising);
    return rc;
}

/* The backend's directory, owned by dom0, readable by the guest; features before InitWait. */
static int write_backend(struct vbd *v)
{
    struct blkback_config cfg = {
        .dev = v->dev, .readonly = v->readonly, .max_indirect_segs = BLKBACK_MAX_SEGS};
    int rc = make_dir(v->be, 0, v->domid);

    if (rc == 0)
        rc = node_write(v->be, "frontend", v->fe);
    if (rc == 0)
        rc = node_printf(v->be, "frontend-id", "%u", v->domid);
    if (rc == 0)
        rc = node_write(v->be, "online", "1");
    if (rc == 0)
        rc = node_write(v->be, "params", v->backing);
    if (rc == 0)
        rc = node_write(v->be, "type", "phy");
    if (rc == 0)
        rc = node_write(v->be, "dev", v->vdev);
    if (rc == 0)
        rc = node_write(v->be, "mode", v->readonly ? "r" : "w");
    if (rc == 0)
        rc = node_write(v->be, "removable", "0");
    if (rc == 0 && blkback_can_flush(&cfg))
        rc = node_write(v->be, "feature-flush-cache", "1");
    if (rc == 0 && blkback_max_indirect_segs(&cfg))
        rc = node_printf(v->be, "feature-max-indirect-segments", "%u",
                         blkback_max_indirect_segs(&cfg));
    if (rc == 0)
        set_state(v, XenbusStateInitWait);
    return rc;
}

static int refuse(const char **why, const char *what, int rc)
{
    *why = what;
    return rc;
}

int vbd_attach(domid_t domid, const char *vdev, const char *backing, bool readonly,
               const char **why)
{
    struct skiff_domctl_getdomaininfo info;
    struct vbd *v;
    int devid = vbd_devid(vdev), rc;

    if (devid < 0)
        return refuse(why, "bad virtual device (xvda .. xvdz)", -EINVAL);
    if (domid == 0 || domctl_getinfo_of(domid, &info))
        return refuse(why, "no such guest", -ESRCH);
    if (!xs_is_introduced(store_nodes(), domid))
        return refuse(why, "the guest has no xenstore home", -ENODEV);
    if (find(domid, devid))
        return refuse(why, "the guest already has that disk", -EEXIST);
    if (strlen(backing) >= BACKING_MAX)
        return refuse(why, "backing spec too long", -EINVAL);
    v = find_free();
    if (!v)
        return refuse(why, "too many disks", -ENOSPC);
    memset(v, 0, sizeof(*v));
    rc = vbd_backing_open(backing, &v->dev, &v->made_dev, why);
    if (rc)
        return rc;
    v->domid = domid;
    v->devid = devid;
    v->readonly = readonly || v->dev->readonly;
    snprintf(v->vdev, sizeof(v->vdev), "%s", vdev);
    snprintf(v->backing, sizeof(v->backing), "%s", backing);
    snprintf(v->be, sizeof(v->be), "/local/domain/0/backend/vbd/%u/%d", domid, devid);
    snprintf(v->fe, sizeof(v->fe), "/local/domain/%u/device/vbd/%d", domid, devid);
    v->used = true;
    rc = write_frontend(v);
    if (rc == 0)
        rc = write_backend(v);
    if (rc) {
        xs_rm(store_nodes(), 0, 0, v->be);
        xs_rm(store_nodes(), 0, 0, v->fe);
        forget(v);
        return refuse(why, "cannot write the device's store nodes", rc);
    }
    return 0;
}

int vbd_detach(domid_t domid, const char *vdev, unsigned int timeout_ms)
{
    int devid = vbd_devid(vdev);
    struct vbd *v = devid < 0 ? NULL : find(domid, devid);
    uint64_t until = monotonic_ns() + timeout_ms * 1000000ull;

    if (!v)
        return -ENOENT;
    v->detaching = true;
    v->restep = true;
    if (v->be_state == XenbusStateConnected)
        set_state(v, XenbusStateClosing);
    while (v->used && !v->gone && monotonic_ns() < until)
        domains_poll_until(0, monotonic_ns() + 2000000ull);
    if (v->used && !v->gone)
        teardown(v); /* the frontend did not close in time */
    return 0;
}

int vbd_restart(domid_t domid, const char *vdev)
{
    int devid = vbd_devid(vdev);
    struct vbd *v = devid < 0 ? NULL : find(domid, devid);

    if (!v)
        return -ENOENT;
    if (v->be_state != XenbusStateConnected)
        return -ENOTCONN;
    ring_down(v); /* requests on the device complete into nothing */
    set_state(v, XenbusStateClosed);
    return 0;
}

static const char *state_name(int s)
{
    static const char *const names[] = {"Unknown",     "Initialising",  "InitWait",
                                        "Initialised", "Connected",     "Closing",
                                        "Closed",      "Reconfiguring", "Reconfigured"};
    return s >= 0 && s <= XenbusStateReconfigured ? names[s] : "?";
}

void vbd_list(domid_t domid)
{
    printf("%-6s %-6s %-13s %-13s %-6s %-7s %s\n", "Vdev", "Devid", "BE-state", "FE-state", "Evtch",
           "Mode", "Backing");
    for (unsigned int i = 0; i < VBD_MAX; i++) {
        struct vbd *v = &vbds[i];
        if (!v->used || v->gone || v->domid != domid)
            continue;
        printf("%-6s %-6d %-13s %-13s %-6u %-7s %s\n", v->vdev, v->devid, state_name(v->be_state),
               state_name(read_state(v->fe)), v->port, v->readonly ? "r" : "w", v->backing);
    }
}

unsigned int vbd_count(void)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < VBD_MAX; i++)
        n += vbds[i].used && !vbds[i].gone;
    return n;
}

unsigned int vbd_zombies(void)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < VBD_MAX; i++)
        n += vbds[i].used && vbds[i].gone;
    return n;
}

/* The guest is dead: its disks go at once (R8). */
static void domain_destroyed(domid_t id)
{
    for (unsigned int i = 0; i < VBD_MAX; i++)
        if (vbds[i].used && !vbds[i].gone && vbds[i].domid == id)
            teardown(&vbds[i]);
}

void vbd_init(void)
{
    dom0_service_add(&service);
    domctl_add_destroy_hook(domain_destroyed);
}
