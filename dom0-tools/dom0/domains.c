/*
 * domains.c - dom0's toolstack verbs on domains, shared by the prompt and
 * the self-tests: create one from a boot-store image, destroy, list, count,
 * and wait for domains to shut down (VIRQ_DOM_EXC, polled with a timeout).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <skiff/guest.h>
#include <skiff/hypercall.h>
#include <skiff/time.h>

#include "builder.h"
#include "consoled.h"
#include "dom0.h"
#include "domctl.h"
#include "service.h"
#include "xenstored.h"

#define POLL_SLICE_NS     2000000ull /* re-check at least every 2 ms */
#define SERVICE_PORTS_MAX 256        /* drivers' and backends' ports polled at once */

static evtchn_port_t dom_exc_port;

/* ---- sleeping (system time from guest-lib's monotonic_ns) ---- */

/*
 * Sleeps until port (0: none), a console port or a store port is pending,
 * or until the absolute time `until`; then serves the consoles and the
 * store rings. Every wait of dom0's toolstack comes through here, so
 * guests' output and store requests never stall on it.
 */
void domains_poll_until(evtchn_port_t port, uint64_t until)
{
    evtchn_port_t ports[1 + CONSOLED_MAX + XENSTORED_MAX + SERVICE_PORTS_MAX];
    unsigned int n = 0;

    dom0_service_run();
    xenstored_service(); /* output dom0 itself queued (a write, a watch, a backend's state) */
    if (port)
        ports[n++] = port;
    n += consoled_ports(ports + n, CONSOLED_MAX);
    n += xenstored_ports(ports + n, XENSTORED_MAX);
    n += dom0_service_ports(ports + n, SERVICE_PORTS_MAX);
    struct sched_poll p = {.ports = ports, .nr_ports = n, .timeout = until};
    HYPERVISOR_sched_op(SCHEDOP_poll, &p);
    consoled_service();
    dom0_service_run();
    xenstored_service();
}

void domains_sleep_ms(unsigned int ms)
{
    uint64_t until = monotonic_ns() + ms * 1000000ull;

    do
        domains_poll_until(0, until);
    while (monotonic_ns() < until);
}

/* ---- VIRQ_DOM_EXC ---- */

int domains_watch(void)
{
    struct evtchn_bind_virq b = {.virq = VIRQ_DOM_EXC, .vcpu = 0};
    int rc;

    if (dom_exc_port)
        return (int)dom_exc_port;
    rc = (int)HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &b);
    if (rc)
        return rc;
    dom_exc_port = b.port;
    return (int)b.port;
}

static void clear_pending(evtchn_port_t port)
{
    __atomic_fetch_and(&shared_info->evtchn_pending[port / 64], ~(1ull << (port % 64)),
                       __ATOMIC_SEQ_CST);
}

static bool is_shut_down(domid_t id, int *err)
{
    struct skiff_domctl_getdomaininfo info;

    *err = domctl_getinfo_of(id, &info);
    return *err == 0 && (info.flags & SKIFF_DOMINF_shutdown);
}

static bool all_shut_down(const domid_t *ids, unsigned int n, int *err)
{
    for (unsigned int i = 0; i < n; i++)
        if (!is_shut_down(ids[i], err))
            return false;
    return true;
}

int domains_wait_shutdown(const domid_t *ids, unsigned int n, unsigned int timeout_ms)
{
    uint64_t deadline = monotonic_ns() + timeout_ms * 1000000ull;
    int port = domains_watch();
    int err = 0;

    if (port < 0)
        return port;
    for (;;) {
        clear_pending((evtchn_port_t)port); /* before looking: no event is lost */
        if (all_shut_down(ids, n, &err))
            return 0;
        if (err)
            return err;
        uint64_t now = monotonic_ns();
        if (now >= deadline)
            return -ETIMEDOUT;
        uint64_t until = now + POLL_SLICE_NS < deadline ? now + POLL_SLICE_NS : deadline;
        domains_poll_until((evtchn_port_t)port, until);
    }
}

int domains_wait_flags(domid_t id, uint32_t flags, unsigned int timeout_ms)
{
    uint64_t deadline = monotonic_ns() + timeout_ms * 1000000ull;
    struct skiff_domctl_getdomaininfo info;

    for (;;) {
        int rc = domctl_getinfo_of(id, &info);
        if (rc)
            return rc;
        if ((info.flags & flags) == flags)
            return 0;
        if (monotonic_ns() >= deadline)
            return -ETIMEDOUT;
        domains_sleep_ms(1);
    }
}

/* ---- create, destroy, list ---- */

static bool name_taken(const char *name)
{
    struct skiff_domctl_getdomaininfo info;

    for (domid_t id = 0; domctl_getinfo(id, &info) == 0; id = info.domid + 1)
        if (strncmp(info.name, name, sizeof(info.name)) == 0)
            return true;
    return false;
}

/* "hello.elf" -> "hello", or "hello-2" if that is taken. */
static void default_name(const char *image, char *out, size_t size)
{
    char stem[24];
    const char *dot = strchr(image, '.');
    size_t len = dot ? (size_t)(dot - image) : strlen(image);

    if (len >= sizeof(stem))
        len = sizeof(stem) - 1;
    memcpy(stem, image, len);
    stem[len] = '\0';
    snprintf(out, size, "%s", stem[0] ? stem : "domain");
    for (unsigned int n = 2; name_taken(out) && n < 10000; n++)
        snprintf(out, size, "%s-%u", stem[0] ? stem : "domain", n);
}

static int build_from_store(const struct domain_spec *spec, domid_t *id, const char **why)
{
    char name[BUILDER_NAME_MAX + 1];
    struct ustar_entry image;
    int rc = store_find(spec->image, &image, why);

    if (rc)
        return rc;
    if (spec->mem_mib == 0 || spec->mem_mib > DOMAINS_MAX_MEM_MIB) {
        *why = "bad memory size";
        return -EINVAL;
    }
    if (!spec->name)
        default_name(spec->image, name, sizeof(name));
    const struct builder_request req = {
        .name = spec->name ? spec->name : name,
        .mem_bytes = spec->mem_mib << 20,
        .cmdline = spec->cmdline,
        .image = image.data,
        .image_size = image.size,
        .leave_paused = spec->paused,
        .max_grant_frames = spec->max_grant_frames,
        .on_created = spec->on_created,
        .on_created_arg = spec->on_created_arg,
    };
    return builder_build(&req, id, why); /* introduces it to xenstored (xenstored.c) */
}

int domains_create(const struct domain_spec *spec, domid_t *id, const char **why)
{
    int rc = build_from_store(spec, id, why);

    if (rc)
        printf("create: %s: %s (error %d)\n", spec->image, *why, rc);
    return rc;
}

int domains_count(void)
{
    struct skiff_domctl_getdomaininfo info;
    int n = 0;

    for (domid_t id = 0; domctl_getinfo(id, &info) == 0; id = info.domid + 1)
        n++;
    return n;
}

/* xl-style state letters: running, blocked, paused, shutdown, crashed, building. */
static void state_letters(const struct skiff_domctl_getdomaininfo *i, char out[7])
{
    bool down = i->flags & SKIFF_DOMINF_shutdown;
    bool crashed = down && i->shutdown_reason == SHUTDOWN_crash;

    out[0] = (i->flags & SKIFF_DOMINF_running) ? 'r' : '-';
    out[1] = (i->flags & SKIFF_DOMINF_blocked) ? 'b' : '-';
    out[2] = (i->flags & SKIFF_DOMINF_paused) ? 'p' : '-';
    out[3] = (down && !crashed) ? 's' : '-';
    out[4] = crashed ? 'c' : '-';
    out[5] = (i->flags & SKIFF_DOMINF_building) ? 'B' : '-';
    out[6] = '\0';
}

void domains_print_list(void)
{
    struct skiff_domctl_getdomaininfo info;
    char state[7];

    printf("%-20s %5s %8s %6s %6s %10s\n", "Name", "ID", "Pages", "State", "Ports", "Time(s)");
    for (domid_t id = 0; domctl_getinfo(id, &info) == 0; id = info.domid + 1) {
        uint64_t ms = info.cpu_time_ns / 1000000;
        state_letters(&info, state);
        printf("%-20s %5u %8lu %6s %6u %6lu.%03lu\n", info.name, info.domid,
               (unsigned long)info.tot_pages, state, info.nr_ports, (unsigned long)(ms / 1000),
               (unsigned long)(ms % 1000));
    }
}
