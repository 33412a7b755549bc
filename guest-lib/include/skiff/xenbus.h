/*
 * skiff/xenbus.h - a guest's client of the XenStore (xenstored in dom0):
 * read, write, mkdir, rm, directory, watches with callbacks, transactions
 * with retry, and the device state machine frontends and backends share.
 *
 * Messages go through the shared page (public/io/xs_wire.h) one request at
 * a time; the reply is waited for. Watch events that arrive meanwhile are
 * queued and their callbacks run from xenbus_dispatch_watches() (called at
 * the end of every request, never inside one, so a callback may itself
 * use the store). Functions return 0 (or a length) or a negative errno:
 * the store's error names map to errno values (ENOENT, EACCES, EAGAIN...).
 * Not thread-safe: use it from one thread.
 */
#ifndef SKIFF_GUEST_XENBUS_H
#define SKIFF_GUEST_XENBUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <public/event_channel.h>
#include <public/io/xenbus.h>
#include <public/io/xs_wire.h>

#define XENBUS_MAX_WATCHES 16
#define XENBUS_EVENT_QUEUE 32

/* How the client reaches its ring's other end. */
struct xenbus_ops {
    void (*notify)(void *ctx); /* kick the store (the event channel) */
    void (*wait)(void *ctx);   /* wait until the ring may have changed */
    uint64_t (*now_ns)(void *ctx);
    void *ctx;
};

/* Connects to the store through intf (the page is zeroed by whoever made it). */
void xenbus_init(struct xenstore_domain_interface *intf, const struct xenbus_ops *ops);

/*
 * In a guest (xenbus_guest.c): connects through the store page and event
 * channel dom0 gave this domain; waiting blocks the vCPU until the store's
 * event. -ENODEV without a page or port.
 */
int xenbus_connect(void *page, evtchn_port_t port);
/*
 * Watches control/shutdown: "poweroff" (or "halt") and "reboot" are
 * acknowledged (the node is cleared, as xl expects) and carried out.
 */
int xenbus_watch_shutdown(void);

/*
 * guest-lib's start (xenbus_start, called before main in every domU with a
 * store ring): connects, watches control/shutdown and advertises
 * control/feature-poweroff and -reboot, so `shutdown` in dom0's CLI reaches
 * the guest. The watch runs when the guest idles (thread_set_idle_work) or
 * calls xenbus_poll(). 0, or -errno (the guest goes on without a store).
 */
int xenbus_start(void);
/* Takes watch events already in the ring and runs their callbacks; how many ran. */
int xenbus_poll(void);
/* true once connected to a store. */
bool xenbus_connected(void);

/* XBT_NIL: no transaction. */
#define XBT_NIL 0u

/* The value of path into buf (NUL-terminated); its length, or -errno (-E2BIG if buf is short). */
int xenbus_read(uint32_t tx, const char *path, char *buf, size_t size);
/* An unsigned number stored at path; -EINVAL if the value is not one. */
int xenbus_read_u64(uint32_t tx, const char *path, uint64_t *out);
int xenbus_write(uint32_t tx, const char *path, const char *value);
int xenbus_printf(uint32_t tx, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int xenbus_mkdir(uint32_t tx, const char *path);
int xenbus_rm(uint32_t tx, const char *path);
/* The children of path, NUL-separated, into buf; the number of children, or -errno. */
int xenbus_directory(uint32_t tx, const char *path, char *buf, size_t size);

/* A watch fired: path is the node that changed (or the watched node itself at first). */
typedef void xenbus_watch_fn(const char *path, const char *token, void *data);
/* Watches path (and below) under token; fires once at once, as xenstored does. */
int xenbus_watch(const char *path, const char *token, xenbus_watch_fn *fn, void *data);
int xenbus_unwatch(const char *path, const char *token);
/* Runs the callbacks of the watch events that have arrived. Returns how many ran. */
int xenbus_dispatch_watches(void);
/* Waits for at least one event or reply traffic (blocks on the transport). */
void xenbus_wait(void);

int xenbus_transaction_start(uint32_t *tx);
/* Commits (abort = false) or aborts; -EAGAIN: someone else changed the store first. */
int xenbus_transaction_end(uint32_t tx, bool abort);
/*
 * Runs fn(tx, arg) in a transaction and commits, starting again when the
 * commit gets -EAGAIN (at most `tries` times). fn's own error aborts.
 */
int xenbus_transact(int (*fn)(uint32_t tx, void *arg), void *arg, unsigned int tries);

/* ---- the device state machine (public/io/xenbus.h) ---- */

const char *xenbus_state_name(int state);
/* Writes <dir>/state. */
int xenbus_switch_state(const char *dir, enum xenbus_state state);
/* Reads <dir>/state (Unknown if it is missing or not a number). */
enum xenbus_state xenbus_read_state(const char *dir);
/*
 * Waits until <dir>/state is at least `want` (so a state that came and went
 * while we were not looking is not waited for forever) or the other side
 * closes. Returns the state seen, or -ETIMEDOUT after timeout_ns, having
 * printed both sides' states (my_dir may be NULL).
 */
int xenbus_wait_for_state(const char *dir, enum xenbus_state want, const char *my_dir,
                          uint64_t timeout_ns);
/* A fatal device error: writes it to <dir>/error and switches <dir> to Closing. */
void xenbus_dev_fatal(const char *dir, int err, const char *what);

#endif /* SKIFF_GUEST_XENBUS_H */
