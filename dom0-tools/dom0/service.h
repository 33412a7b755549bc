/*
 * service.h - work dom0 does whenever it waits: each registered service
 * names the event channels that should wake dom0 and runs its work after
 * every wake-up (domains_poll_until). The console and xenstored are served
 * there directly; drivers and backends register here.
 */
#ifndef DOM0_SERVICE_H
#define DOM0_SERVICE_H

#include <public/event_channel.h>

#define DOM0_SERVICES_MAX 8

struct dom0_service {
    const char *name;
    /* Its ports into ports[0..max); how many. May be NULL. */
    unsigned int (*ports)(evtchn_port_t *ports, unsigned int max);
    /* Its work: cheap when there is nothing to do. */
    void (*run)(void);
};

/* Adds s (kept by pointer). -ENOSPC when full; adding one twice is a no-op. */
int dom0_service_add(const struct dom0_service *s);
/* Every service's ports into ports[0..max); how many. */
unsigned int dom0_service_ports(evtchn_port_t *ports, unsigned int max);
/* Runs every service once. */
void dom0_service_run(void);

#endif /* DOM0_SERVICE_H */
