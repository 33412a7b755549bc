/*
 * xs_ring.h - the ring transport between xenstored and one domain: its
 * shared page (public/io/xs_wire.h) and what is half-way through it.
 */
#ifndef DOM0_XS_RING_H
#define DOM0_XS_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xenstore.h"
#include "xs_wire.h"

struct xs_ring_conn {
    struct xenstore_domain_interface *intf; /* the domain's page, mapped in dom0 */
    uint16_t domid;
    bool broken; /* the domain broke the protocol: ignored from now on */
    size_t staged_len;
    size_t sent; /* bytes of the oldest output message already in rsp */
    unsigned char staged[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX];
};

void xs_ring_init(struct xs_ring_conn *c, struct xenstore_domain_interface *intf, uint16_t domid);
/*
 * Moves requests in and replies out until nothing moves. true if anything
 * moved (notify the domain's event channel).
 */
bool xs_ring_pump(struct xs_store *s, struct xs_ring_conn *c);

#endif /* DOM0_XS_RING_H */
