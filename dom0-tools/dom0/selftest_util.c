/*
 * selftest_util.c - what dom0's multi-domain self-tests share: building a
 * paused guest from the boot store, offering a guest an event channel on
 * another's behalf (so two guests can connect without a store), reading a
 * shutdown reason, destroying a set of guests.
 */
#include <stdio.h>

#include <skiff/guest.h>
#include <skiff/hypercall.h>
#include <skiff/test.h>

#include "dom0.h"
#include "domctl.h"

int selftest_build(const char *image, unsigned int mem_mib, const char *cmdline, domid_t *id,
                   int (*on_created)(domid_t, void *), void *arg)
{
    struct domain_spec spec = {.image = image,
                               .mem_mib = mem_mib,
                               .cmdline = cmdline,
                               .paused = true,
                               .on_created = on_created,
                               .on_created_arg = arg};
    const char *why;

    return domains_create(&spec, id, &why);
}

int selftest_offer_port(domid_t dom, domid_t peer, evtchn_port_t *port)
{
    struct evtchn_alloc_unbound a = {.dom = dom, .remote_dom = peer};
    int rc = (int)HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &a);

    *port = a.port;
    return rc;
}

int selftest_send_event(evtchn_port_t port)
{
    struct evtchn_send s = {.port = port};

    return (int)HYPERVISOR_event_channel_op(EVTCHNOP_send, &s);
}

uint32_t selftest_reason_of(domid_t id)
{
    struct skiff_domctl_getdomaininfo info;

    return domctl_getinfo_of(id, &info) == 0 ? info.shutdown_reason : ~0u;
}

void selftest_destroy_all(const domid_t *ids, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++)
        TEST_EQ(domctl_destroy(ids[i]), 0);
}

int selftest_offer_to_new_domain(domid_t id, void *arg)
{
    struct selftest_binder *b = arg;
    evtchn_port_t port;
    int rc = selftest_offer_port(b->peer, id, &port);

    if (rc == 0)
        snprintf(b->cmdline, sizeof(b->cmdline), b->fmt, b->peer, port);
    return rc;
}
