/*
 * xenbus_guest.c - connecting guest-lib's XenStore client (xenbus.c) to a
 * real store: the shared page and event channel dom0 gave this domain, an
 * event handler that wakes the waiting client, and the control/shutdown
 * protocol (xl shutdown / reboot write "poweroff" / "reboot" there; the
 * guest acknowledges by clearing the node and shuts down).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <skiff/events.h>
#include <skiff/guest.h>
#include <skiff/hypercall.h>
#include <skiff/thread.h>
#include <skiff/time.h>
#include <skiff/xenbus.h>

#define WAIT_SLICE_NS 10000000ull /* 10 ms */

static evtchn_port_t store_port;
static volatile unsigned long store_events;
static unsigned long store_events_seen;
static unsigned long store_events_polled;

static void on_store_event(evtchn_port_t port, void *data)
{
    (void)port;
    (void)data;
    store_events++;
}

static void notify_store(void *ctx)
{
    (void)ctx;
    evtchn_notify(store_port);
}

/*
 * Waits for the store's next event (one that already came counts), or
 * WAIT_SLICE_NS at most: callers look at the ring again either way, so a
 * wake-up that went astray costs a few milliseconds, never a hang, and
 * their own deadlines (xenbus_wait_for_state) are kept.
 */
static void wait_store(void *ctx)
{
    (void)ctx;
    local_events_disable();
    if (store_events == store_events_seen) {
        struct sched_poll p = {
            .ports = &store_port, .nr_ports = 1, .timeout = monotonic_ns() + WAIT_SLICE_NS};
        HYPERVISOR_sched_op(SCHEDOP_poll, &p);
    }
    local_events_enable();
    store_events_seen = store_events;
}

static uint64_t now(void *ctx)
{
    (void)ctx;
    return monotonic_ns();
}

int xenbus_connect(void *page, evtchn_port_t port)
{
    static const struct xenbus_ops ops = {notify_store, wait_store, now, NULL};
    int rc;

    if (!page || port == 0)
        return -ENODEV;
    rc = events_init();
    if (rc == 0)
        rc = evtchn_bind_handler(port, on_store_event, NULL);
    if (rc)
        return rc;
    store_port = port;
    xenbus_init(page, &ops);
    return 0;
}

/* control/shutdown changed: act on "poweroff", "reboot" or "halt" after acknowledging. */
static void on_shutdown_request(const char *path, const char *token, void *data)
{
    char req[32];

    (void)path;
    (void)token;
    (void)data;
    if (xenbus_read(XBT_NIL, "control/shutdown", req, sizeof(req)) <= 0)
        return;
    xenbus_write(XBT_NIL, "control/shutdown", ""); /* the acknowledgement xl waits for */
    if (strcmp(req, "poweroff") == 0 || strcmp(req, "halt") == 0) {
        printf("xenbus: shutdown requested: powering off\n");
        guest_shutdown(SHUTDOWN_poweroff);
    } else if (strcmp(req, "reboot") == 0) {
        printf("xenbus: reboot requested\n");
        guest_shutdown(SHUTDOWN_reboot);
    } else {
        printf("xenbus: unknown control/shutdown request '%s' (ignored)\n", req);
    }
}

int xenbus_watch_shutdown(void)
{
    return xenbus_watch("control/shutdown", "control-shutdown", on_shutdown_request, NULL);
}

/* The idle hook: watch events may have come since the last look. */
static bool poll_if_kicked(void)
{
    unsigned long seen = store_events;

    if (seen == store_events_polled)
        return false;
    store_events_polled = seen;
    return xenbus_poll() > 0;
}

int xenbus_start(void)
{
    int rc;

    if (!start_info.has_store || (start_info.flags & SIF_INITDOMAIN))
        return -ENODEV;
    rc = xenbus_connect((void *)(uintptr_t)start_info.store_page, start_info.store_port);
    if (rc == 0)
        rc = xenbus_watch_shutdown();
    if (rc == 0)
        rc = xenbus_write(XBT_NIL, "control/feature-poweroff", "1");
    if (rc == 0)
        rc = xenbus_write(XBT_NIL, "control/feature-reboot", "1");
    if (rc == 0)
        thread_set_idle_work(poll_if_kicked);
    return rc;
}
