/*
 * xenbus.c - the guest's XenStore client (skiff/xenbus.h): messages in and
 * out of the shared page's byte rings, one request at a time, replies
 * matched by req_id, watch events queued for xenbus_dispatch_watches(),
 * and the device state machine helpers. Portable C: the host unit tests
 * run it against dom0's xenstored library.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <skiff/xenbus.h>

#define XB_PATH_MAX  256
#define XB_VALUE_MAX 1024

struct xb_watch {
    bool used;
    char path[XB_PATH_MAX];
    char token[64];
    xenbus_watch_fn *fn;
    void *data;
};

struct xb_event {
    char path[XB_PATH_MAX];
    char token[64];
};

static struct xenstore_domain_interface *ring;
static struct xenbus_ops ops;
static uint32_t next_req_id = 1;
static struct xb_watch watches[XENBUS_MAX_WATCHES];
static struct xb_event events[XENBUS_EVENT_QUEUE];
static unsigned int ev_head, ev_count;
static bool dispatching;

/* Reply buffer: header + payload of the reply being waited for. */
static struct {
    struct xsd_sockmsg h;
    char body[XENSTORE_PAYLOAD_MAX + 1];
} msg;

static void barrier(void)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void xenbus_init(struct xenstore_domain_interface *intf, const struct xenbus_ops *o)
{
    ring = intf;
    ops = *o;
    memset(watches, 0, sizeof(watches));
    ev_head = ev_count = 0;
}

void xenbus_wait(void)
{
    ops.wait(ops.ctx);
}

/* ---- the byte rings ---- */

static void ring_write(const void *data, size_t len)
{
    const char *p = data;

    while (len > 0) {
        XENSTORE_RING_IDX cons = __atomic_load_n(&ring->req_cons, __ATOMIC_ACQUIRE);
        XENSTORE_RING_IDX prod = ring->req_prod;
        uint32_t space = XENSTORE_RING_SIZE - (prod - cons);
        if (space == 0) {
            ops.notify(ops.ctx);
            ops.wait(ops.ctx);
            continue;
        }
        uint32_t off = MASK_XENSTORE_IDX(prod);
        uint32_t n = XENSTORE_RING_SIZE - off;
        if (n > space)
            n = space;
        if (n > len)
            n = (uint32_t)len;
        memcpy(&ring->req[off], p, n);
        barrier(); /* the bytes before the index */
        __atomic_store_n(&ring->req_prod, prod + n, __ATOMIC_RELEASE);
        p += n;
        len -= n;
    }
    ops.notify(ops.ctx);
}

/* Copies len bytes out of the rsp ring, waiting for them. */
static void ring_read(void *data, size_t len)
{
    char *p = data;

    while (len > 0) {
        XENSTORE_RING_IDX prod = __atomic_load_n(&ring->rsp_prod, __ATOMIC_ACQUIRE);
        XENSTORE_RING_IDX cons = ring->rsp_cons;
        uint32_t avail = prod - cons;
        if (avail == 0 || avail > XENSTORE_RING_SIZE) {
            ops.wait(ops.ctx); /* a bad index from the store: wait for it to make sense */
            continue;
        }
        uint32_t off = MASK_XENSTORE_IDX(cons);
        uint32_t n = XENSTORE_RING_SIZE - off;
        if (n > avail)
            n = avail;
        if (n > len)
            n = (uint32_t)len;
        memcpy(p, &ring->rsp[off], n);
        barrier(); /* the bytes before giving the space back */
        __atomic_store_n(&ring->rsp_cons, cons + n, __ATOMIC_RELEASE);
        ops.notify(ops.ctx);
        p += n;
        len -= n;
    }
}

/* Reads one message into msg; false if its length is absurd (the rest is skipped). */
static bool read_message(void)
{
    ring_read(&msg.h, sizeof(msg.h));
    if (msg.h.len > XENSTORE_PAYLOAD_MAX) {
        for (uint32_t left = msg.h.len; left > 0;) {
            uint32_t n = left < sizeof(msg.body) ? left : (uint32_t)sizeof(msg.body);
            ring_read(msg.body, n);
            left -= n;
        }
        return false;
    }
    ring_read(msg.body, msg.h.len);
    msg.body[msg.h.len] = '\0';
    return true;
}

/* ---- watch events ---- */

static void queue_event(void)
{
    const char *path = msg.body;
    size_t plen = strnlen(path, msg.h.len);
    const char *token = plen < msg.h.len ? path + plen + 1 : "";
    struct xb_event *e;

    if (ev_count == XENBUS_EVENT_QUEUE)
        return; /* full: the oldest events are kept; watchers re-read state anyway */
    e = &events[(ev_head + ev_count++) % XENBUS_EVENT_QUEUE];
    snprintf(e->path, sizeof(e->path), "%s", path);
    snprintf(e->token, sizeof(e->token), "%s", token);
}

int xenbus_dispatch_watches(void)
{
    int ran = 0;

    if (dispatching)
        return 0;
    dispatching = true;
    while (ev_count > 0) {
        struct xb_event e = events[ev_head];
        ev_head = (ev_head + 1) % XENBUS_EVENT_QUEUE;
        ev_count--;
        for (unsigned int i = 0; i < XENBUS_MAX_WATCHES; i++) {
            struct xb_watch *w = &watches[i];
            if (w->used && strcmp(w->token, e.token) == 0) {
                w->fn(e.path, e.token, w->data);
                ran++;
                break;
            }
        }
    }
    dispatching = false;
    return ran;
}

/* ---- requests ---- */

/* The store's error names as errno values (names it never sends, such as EISDIR, give -EIO). */
static int error_to_errno(const char *name)
{
    static const struct {
        const char *name;
        int err;
    } table[] = {{"EINVAL", EINVAL},   {"EACCES", EACCES},       {"EEXIST", EEXIST},
                 {"ENOENT", ENOENT},   {"ENOMEM", ENOMEM},       {"ENOSPC", ENOSPC},
                 {"EIO", EIO},         {"ENOTEMPTY", ENOTEMPTY}, {"ENOSYS", ENOSYS},
                 {"EROFS", EROFS},     {"EBUSY", EBUSY},         {"EAGAIN", EAGAIN},
                 {"EISCONN", EISCONN}, {"E2BIG", E2BIG},         {"EPERM", EPERM}};

    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (strcmp(name, table[i].name) == 0)
            return -table[i].err;
    return -EIO;
}

/*
 * Sends a request of `type` whose payload is the n strings/blobs in parts
 * (each with its length), and waits for its reply in msg. 0, or the
 * store's error as -errno.
 */
static int request(uint32_t type, uint32_t tx, const void *const *parts, const size_t *lens,
                   unsigned int n)
{
    struct xsd_sockmsg h = {.type = type, .req_id = next_req_id++, .tx_id = tx, .len = 0};

    if (!ring)
        return -ENODEV;
    for (unsigned int i = 0; i < n; i++)
        h.len += (uint32_t)lens[i];
    if (h.len > XENSTORE_PAYLOAD_MAX)
        return -E2BIG;
    ring_write(&h, sizeof(h));
    for (unsigned int i = 0; i < n; i++)
        ring_write(parts[i], lens[i]);
    for (;;) {
        if (!read_message())
            continue;
        if (msg.h.type == XS_WATCH_EVENT) {
            queue_event();
            continue;
        }
        if (msg.h.req_id != h.req_id)
            continue; /* not ours (a reply to a request that gave up): skip */
        return msg.h.type == XS_ERROR ? error_to_errno(msg.body) : 0;
    }
}

/* Queues the watch events already in the ring (a new watch's first one follows its reply). */
static void drain_events(void)
{
    while (__atomic_load_n(&ring->rsp_prod, __ATOMIC_ACQUIRE) != ring->rsp_cons) {
        if (read_message() && msg.h.type == XS_WATCH_EVENT)
            queue_event();
    }
}

int xenbus_poll(void)
{
    if (!ring || dispatching)
        return 0;
    drain_events();
    return xenbus_dispatch_watches();
}

bool xenbus_connected(void)
{
    return ring != NULL;
}

/* A request whose payload is one NUL-terminated string (and an optional second part). */
static int request_path(uint32_t type, uint32_t tx, const char *path, const void *extra,
                        size_t extra_len)
{
    const void *parts[2] = {path, extra};
    size_t lens[2] = {strlen(path) + 1, extra_len};
    int rc = request(type, tx, parts, lens, extra ? 2 : 1);
    /* The reply is in msg: keep it while later messages are read. */
    static struct xsd_sockmsg reply_h;
    static char reply_body[XENSTORE_PAYLOAD_MAX + 1];

    if (ring->rsp_prod != ring->rsp_cons) {
        reply_h = msg.h;
        memcpy(reply_body, msg.body, msg.h.len + 1);
        drain_events();
        msg.h = reply_h;
        memcpy(msg.body, reply_body, reply_h.len + 1);
    }
    xenbus_dispatch_watches();
    return rc;
}

int xenbus_read(uint32_t tx, const char *path, char *buf, size_t size)
{
    int rc = request_path(XS_READ, tx, path, NULL, 0);

    if (rc)
        return rc;
    if (msg.h.len + 1 > size)
        return -E2BIG;
    memcpy(buf, msg.body, msg.h.len);
    buf[msg.h.len] = '\0';
    return (int)msg.h.len;
}

int xenbus_read_u64(uint32_t tx, const char *path, uint64_t *out)
{
    char buf[32], *end;
    int rc = xenbus_read(tx, path, buf, sizeof(buf));

    if (rc < 0)
        return rc;
    if (rc == 0 || buf[0] < '0' || buf[0] > '9')
        return -EINVAL;
    *out = strtoull(buf, &end, 10);
    return *end == '\0' ? 0 : -EINVAL;
}

int xenbus_write(uint32_t tx, const char *path, const char *value)
{
    return request_path(XS_WRITE, tx, path, value, strlen(value));
}

int xenbus_printf(uint32_t tx, const char *path, const char *fmt, ...)
{
    char value[XB_VALUE_MAX];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(value, sizeof(value), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(value))
        return -E2BIG;
    return xenbus_write(tx, path, value);
}

int xenbus_mkdir(uint32_t tx, const char *path)
{
    return request_path(XS_MKDIR, tx, path, NULL, 0);
}

int xenbus_rm(uint32_t tx, const char *path)
{
    return request_path(XS_RM, tx, path, NULL, 0);
}

int xenbus_directory(uint32_t tx, const char *path, char *buf, size_t size)
{
    int rc = request_path(XS_DIRECTORY, tx, path, NULL, 0), count = 0;

    if (rc)
        return rc;
    if (msg.h.len > size)
        return -E2BIG;
    memcpy(buf, msg.body, msg.h.len);
    for (uint32_t i = 0; i < msg.h.len; i++)
        count += msg.body[i] == '\0';
    return count;
}

int xenbus_watch(const char *path, const char *token, xenbus_watch_fn *fn, void *data)
{
    struct xb_watch *w = NULL;
    int rc;

    if (!fn || strlen(path) >= XB_PATH_MAX || strlen(token) >= sizeof(w->token))
        return -EINVAL;
    for (unsigned int i = 0; i < XENBUS_MAX_WATCHES && !w; i++)
        if (!watches[i].used)
            w = &watches[i];
    if (!w)
        return -ENOSPC;
    snprintf(w->path, sizeof(w->path), "%s", path);
    snprintf(w->token, sizeof(w->token), "%s", token);
    w->fn = fn;
    w->data = data;
    w->used = true; /* before the request: the first event may come with its reply */
    rc = request_path(XS_WATCH, XBT_NIL, path, token, strlen(token) + 1);
    if (rc)
        w->used = false;
    return rc;
}

int xenbus_unwatch(const char *path, const char *token)
{
    int rc = request_path(XS_UNWATCH, XBT_NIL, path, token, strlen(token) + 1);

    for (unsigned int i = 0; i < XENBUS_MAX_WATCHES; i++)
        if (watches[i].used && strcmp(watches[i].path, path) == 0 &&
            strcmp(watches[i].token, token) == 0)
            watches[i].used = false;
    return rc;
}

int xenbus_transaction_start(uint32_t *tx)
{
    int rc = request_path(XS_TRANSACTION_START, XBT_NIL, "", NULL, 0);

    if (rc == 0)
        *tx = (uint32_t)strtoul(msg.body, NULL, 10);
    return rc;
}

int xenbus_transaction_end(uint32_t tx, bool abort)
{
    return request_path(XS_TRANSACTION_END, tx, abort ? "F" : "T", NULL, 0);
}

int xenbus_transact(int (*fn)(uint32_t tx, void *arg), void *arg, unsigned int tries)
{
    int rc = -EAGAIN;

    for (unsigned int i = 0; i < tries && rc == -EAGAIN; i++) {
        uint32_t tx;
        rc = xenbus_transaction_start(&tx);
        if (rc)
            return rc;
        rc = fn(tx, arg);
        if (rc) {
            xenbus_transaction_end(tx, true);
            return rc;
        }
        rc = xenbus_transaction_end(tx, false);
    }
    return rc;
}

/* ---- device state machine ---- */

const char *xenbus_state_name(int state)
{
    static const char *const names[] = {"Unknown",     "Initialising",  "InitWait",
                                        "Initialised", "Connected",     "Closing",
                                        "Closed",      "Reconfiguring", "Reconfigured"};

    return state >= 0 && state <= XenbusStateReconfigured ? names[state] : "Invalid";
}

int xenbus_switch_state(const char *dir, enum xenbus_state state)
{
    char path[XB_PATH_MAX];

    snprintf(path, sizeof(path), "%s/state", dir);
    return xenbus_printf(XBT_NIL, path, "%d", (int)state);
}

enum xenbus_state xenbus_read_state(const char *dir)
{
    char path[XB_PATH_MAX];
    uint64_t v;

    snprintf(path, sizeof(path), "%s/state", dir);
    if (xenbus_read_u64(XBT_NIL, path, &v) || v > XenbusStateReconfigured)
        return XenbusStateUnknown;
    return (enum xenbus_state)v;
}

/* Watch callback: notes that the state node may have changed. */
static void state_changed(const char *path, const char *token, void *data)
{
    (void)path;
    (void)token;
    *(volatile bool *)data = true;
}

int xenbus_wait_for_state(const char *dir, enum xenbus_state want, const char *my_dir,
                          uint64_t timeout_ns)
{
    char path[XB_PATH_MAX];
    volatile bool changed = true;
    uint64_t deadline = ops.now_ns(ops.ctx) + timeout_ns;
    int state = XenbusStateUnknown, rc;

    snprintf(path, sizeof(path), "%s/state", dir);
    rc = xenbus_watch(path, "xenbus-state", state_changed, (void *)&changed);
    if (rc)
        return rc;
    for (unsigned int wakes = 0;; wakes++) {
        /* The watch makes it prompt; a look every 16 wake-ups makes it certain. */
        if (changed || wakes % 16 == 15) {
            changed = false;
            state = xenbus_read_state(dir);
            if (state >= (int)want || state == XenbusStateClosed)
                break;
        }
        if (ops.now_ns(ops.ctx) >= deadline) {
            printf("xenbus: %s stalled: it is %s, waiting for %s; %s%s%s\n", dir,
                   xenbus_state_name(state), xenbus_state_name(want), my_dir ? my_dir : "",
                   my_dir ? " is " : "",
                   my_dir ? xenbus_state_name(xenbus_read_state(my_dir)) : "");
            state = -ETIMEDOUT;
            break;
        }
        ops.wait(ops.ctx);
        drain_events(); /* events that arrived without a request of ours */
        xenbus_dispatch_watches();
    }
    xenbus_unwatch(path, "xenbus-state");
    return state;
}

void xenbus_dev_fatal(const char *dir, int err, const char *what)
{
    char path[XB_PATH_MAX];

    snprintf(path, sizeof(path), "%s/error", dir);
    xenbus_printf(XBT_NIL, path, "%d %s", -err, what);
    printf("xenbus: %s: fatal error %d: %s\n", dir, err, what);
    xenbus_switch_state(dir, XenbusStateClosing);
}
