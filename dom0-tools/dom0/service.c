/*
 * service.c - the list of work dom0 does whenever it waits (service.h).
 */
#include <errno.h>
#include <stddef.h>

#include "service.h"

static const struct dom0_service *services[DOM0_SERVICES_MAX];
static unsigned int nr_services;

int dom0_service_add(const struct dom0_service *s)
{
    for (unsigned int i = 0; i < nr_services; i++)
        if (services[i] == s)
            return 0;
    if (nr_services == DOM0_SERVICES_MAX)
        return -ENOSPC;
    services[nr_services++] = s;
    return 0;
}

unsigned int dom0_service_ports(evtchn_port_t *ports, unsigned int max)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < nr_services; i++)
        if (services[i]->ports && n < max)
            n += services[i]->ports(ports + n, max - n);
    return n;
}

void dom0_service_run(void)
{
    for (unsigned int i = 0; i < nr_services; i++)
        if (services[i]->run)
            services[i]->run();
}
