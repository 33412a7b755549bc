/*
 * xenstored.h - the ring side of dom0's xenstored: each domU's store page
 * and event channel (public/io/xs_wire.h), served from dom0's wait loop.
 * docs/xenstore.md, "Rings".
 */
#ifndef DOM0_XENSTORED_H
#define DOM0_XENSTORED_H

#include <stdbool.h>
#include <stdint.h>

#include <public/event_channel.h>
#include <public/skiff.h>

#include "consoled.h"
#include "xenstore.h"

#define XENSTORED_MAX 64 /* domains with a store ring at once */
/* dom0 grant-window pages [FIRST, FIRST + XENSTORED_MAX) hold the mapped store pages. */
#define XENSTORED_WINDOW_FIRST (CONSOLED_WINDOW_FIRST + CONSOLED_MAX)

/*
 * The transport hooks store_nodes() creates the store with: XS_INTRODUCE
 * with a ring maps the page and binds the port, XS_RELEASE undoes it,
 * queued output marks the ring for the next service.
 */
const struct xs_transport_ops *xenstored_transport(void);

/*
 * Registers with the builder (each new domU is introduced with its ring
 * before it runs) and with domctl_destroy (released at once). Call once.
 */
void xenstored_init(void);

/* Moves requests in and replies and watch events out on every ring. Cheap when idle. */
void xenstored_service(void);
/* true if some ring has output waiting (dom0 should not sleep). */
bool xenstored_busy(void);
/* dom0's store ports into ports[0..max); returns how many. */
unsigned int xenstored_ports(evtchn_port_t *ports, unsigned int max);
/* Rings connected now (for leak checks). */
unsigned int xenstored_count(void);
/* true if domain id has a ring that has not been broken. */
bool xenstored_connected(domid_t id);

#endif /* DOM0_XENSTORED_H */
