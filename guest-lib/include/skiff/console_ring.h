/*
 * skiff/console_ring.h - both ends of the console ring page
 * (public/io/console.h): the guest writes out and reads in, dom0's console
 * backend reads out and writes in. Pure code with the barriers the protocol
 * asks for and no hypercalls (the caller notifies), so it runs in host unit
 * tests as well as in guest-lib and dom0.
 */
#ifndef SKIFF_GUEST_CONSOLE_RING_H
#define SKIFF_GUEST_CONSOLE_RING_H

#include <stddef.h>

#include <public/io/console.h>

/*
 * Frontend: copies as many of the n bytes as fit into the out ring and
 * publishes them. Returns how many (0 when the ring is full). A producer
 * index the backend could not have left (out_prod - out_cons > size) counts
 * as a full ring.
 */
size_t cons_ring_write_out(struct xencons_interface *c, const char *buf, size_t n);

/*
 * Frontend: copies up to n bytes of input out of the in ring and consumes
 * them. Returns how many; an impossible index (in_prod - in_cons > size) is
 * repaired by dropping the ring's contents (in_cons = in_prod), and 0 read.
 */
size_t cons_ring_read_in(struct xencons_interface *c, char *buf, size_t n);

/*
 * Backend: copies up to n bytes of output out of the out ring (each byte
 * read once) and consumes them. Returns how many, or -EIO (public/errno.h)
 * when the guest's out_prod is more than the ring's size ahead of out_cons
 * (HOSTILE R2): nothing is consumed, the caller disconnects.
 */
int cons_ring_read_out(struct xencons_interface *c, char *buf, size_t n);

/* Backend: copies as many of n bytes as fit into the in ring. Returns how many. */
size_t cons_ring_write_in(struct xencons_interface *c, const char *buf, size_t n);

/* Bytes waiting in the out ring (for the backend), capped at the ring's size. */
size_t cons_ring_out_pending(const struct xencons_interface *c);

#endif
