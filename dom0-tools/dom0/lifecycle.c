/*
 * lifecycle.c - what happens when a domain created from a config stops:
 * its on_poweroff / on_reboot / on_crash action (destroy, restart,
 * preserve), as xl carries them out. dom0 notices through VIRQ_DOM_EXC
 * while it waits at the prompt, sleeps or runs a script
 * (lifecycle_service). A domain that keeps stopping is restarted at most
 * LIFECYCLE_MAX_RESTARTS times, then destroyed.
 */
#include <stdio.h>
#include <string.h>

#include <skiff/guest.h>
#include <skiff/hypercall.h>
#include <skiff/time.h>

#include "config.h"
#include "dom0.h"
#include "domctl.h"

#define MANAGED_MAX            16
#define LIFECYCLE_MAX_RESTARTS 3

struct managed {
    bool used;
    domid_t id;
    char name[CONFIG_NAME_MAX];
    char kernel[CONFIG_PATH_MAX];
    char cmdline[CONFIG_CMDLINE_MAX];
    uint64_t memory_mib;
    enum config_action on_poweroff, on_reboot, on_crash;
    unsigned int restarts;
};

static struct managed managed[MANAGED_MAX];

static struct managed *find(domid_t id)
{
    for (unsigned int i = 0; i < MANAGED_MAX; i++)
        if (managed[i].used && managed[i].id == id)
            return &managed[i];
    return NULL;
}

void lifecycle_manage(domid_t id, const struct domain_config *cfg)
{
    struct managed *m = find(id);

    for (unsigned int i = 0; !m && i < MANAGED_MAX; i++)
        if (!managed[i].used)
            m = &managed[i];
    if (!m) {
        printf("create: %s: more than %u domains from configs: its on_* actions are not "
               "watched\n",
               cfg->name, MANAGED_MAX);
        return;
    }
    memset(m, 0, sizeof(*m));
    m->used = true;
    m->id = id;
    memcpy(m->name, cfg->name, sizeof(m->name));
    memcpy(m->kernel, cfg->kernel, sizeof(m->kernel));
    memcpy(m->cmdline, cfg->cmdline, sizeof(m->cmdline));
    m->memory_mib = cfg->memory_mib;
    m->on_poweroff = cfg->on_poweroff;
    m->on_reboot = cfg->on_reboot;
    m->on_crash = cfg->on_crash;
    domains_watch();
}

void lifecycle_forget(domid_t id)
{
    struct managed *m = find(id);

    if (m)
        m->used = false;
}

static enum config_action action_for(const struct managed *m, uint32_t reason)
{
    if (reason == SHUTDOWN_crash || reason == SHUTDOWN_watchdog)
        return m->on_crash;
    if (reason == SHUTDOWN_reboot)
        return m->on_reboot;
    return m->on_poweroff;
}

static const char *reason_name(uint32_t reason)
{
    switch (reason) {
    case SHUTDOWN_poweroff:
        return "powered off";
    case SHUTDOWN_reboot:
        return "rebooted";
    case SHUTDOWN_crash:
        return "crashed";
    case SHUTDOWN_watchdog:
        return "was stopped by its watchdog";
    default:
        return "shut down";
    }
}

static void restart(struct managed *m)
{
    struct domain_spec spec = {.image = m->kernel,
                               .name = m->name,
                               .mem_mib = m->memory_mib,
                               .cmdline = m->cmdline[0] ? m->cmdline : NULL};
    const char *why;
    domid_t old = m->id, id;

    domctl_destroy(old);
    if (++m->restarts > LIFECYCLE_MAX_RESTARTS) {
        printf("domain %u (%s): restarted %u times already: destroyed, not restarted\n", old,
               m->name, LIFECYCLE_MAX_RESTARTS);
        m->used = false;
        return;
    }
    if (domains_create(&spec, &id, &why)) {
        m->used = false;
        return;
    }
    printf("domain %u (%s): restarted as domain %u (restart %u of at most %u)\n", old, m->name, id,
           m->restarts, LIFECYCLE_MAX_RESTARTS);
    m->id = id;
}

/* Carries out the action for one managed domain that has stopped. */
static void act(struct managed *m, uint32_t reason)
{
    enum config_action a = action_for(m, reason);

    printf("domain %u (%s) %s: on_%s=%s\n", m->id, m->name, reason_name(reason),
           reason == SHUTDOWN_crash || reason == SHUTDOWN_watchdog ? "crash"
           : reason == SHUTDOWN_reboot                             ? "reboot"
                                                                   : "poweroff",
           config_action_name(a));
    if (a == CONFIG_ACTION_RESTART) {
        restart(m);
    } else if (a == CONFIG_ACTION_DESTROY) {
        domctl_destroy(m->id);
        m->used = false;
    } else {
        m->used = false; /* preserve: left as it is, for the user to look at */
    }
}

void lifecycle_service(void)
{
    store_nodes_reconcile();
    for (unsigned int i = 0; i < MANAGED_MAX; i++) {
        struct skiff_domctl_getdomaininfo info;
        struct managed *m = &managed[i];
        if (!m->used)
            continue;
        if (domctl_getinfo_of(m->id, &info)) {
            m->used = false; /* destroyed by someone else */
            continue;
        }
        if (info.flags & SKIFF_DOMINF_shutdown)
            act(m, info.shutdown_reason);
    }
}

void lifecycle_sleep_ms(unsigned int ms)
{
    uint64_t until = monotonic_ns() + ms * 1000000ull;
    int port = domains_watch();

    lifecycle_service();
    while (monotonic_ns() < until) {
        evtchn_port_t pp = port > 0 ? (evtchn_port_t)port : 0;
        domains_poll_until(pp, until); /* consoles are served there too */
        if (pp)
            __atomic_fetch_and(&shared_info->evtchn_pending[pp / 64], ~(1ull << (pp % 64)),
                               __ATOMIC_SEQ_CST);
        lifecycle_service();
    }
}
