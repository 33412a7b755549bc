/*
 * public/io/console.h - the PV console ring: one shared page through which a
 * domain's console output goes to dom0's console backend and typed input
 * comes back. Layout and semantics are Xen's public io/console.h (struct
 * xencons_interface; checked against Debian's libxen-dev by
 * tests/unit/abi), written here from the protocol.
 *
 * The domain builder gives every domU a zeroed console page and an event
 * channel offered to dom0 (EVTCHNOP_alloc_unbound, remote dom0), and names
 * both in the start info (public/start_info.h, node skiff,console). dom0
 * maps the page (foreign map) and binds the port.
 *
 *   offset  field     writer   meaning
 *   0       in[1024]  [BACK]   input ring: bytes typed for the guest
 *   1024    out[2048] [FRONT]  output ring: bytes the guest printed
 *   3072    in_cons   [FRONT]  input bytes [0, in_cons) were consumed
 *   3076    in_prod   [BACK]   input bytes [0, in_prod) were produced
 *   3080    out_cons  [BACK]   output bytes [0, out_cons) were consumed
 *   3084    out_prod  [FRONT]  output bytes [0, out_prod) were produced
 *   3088    (rest of the page unused, zero)
 *
 * Indices are free-running 32-bit counters (XENCONS_RING_IDX) that wrap at
 * 2^32; byte i of a ring lives at MASK_XENCONS_IDX(i, ring). A ring holds
 * prod - cons bytes (mod 2^32), never more than its size: full when
 * prod - cons == size, empty when prod == cons.
 *
 * Producer (the guest for out, dom0 for in):
 *   1. load cons (acquire); free = size - (prod - cons);
 *   2. write up to `free` bytes at prod, prod + 1, ...;
 *   3. release barrier, then store prod += written;
 *   4. notify the port.
 * Consumer (dom0 for out, the guest for in):
 *   1. load prod (acquire); check prod - cons <= size (else the peer is
 *      broken or hostile: HOSTILE R2; dom0 disconnects the console);
 *   2. copy the bytes [cons, prod) out of the ring once;
 *   3. release barrier, then store cons = prod;
 *   4. notify the port (a producer waiting for space wakes up).
 * There is no event suppression: every batch is followed by a notify.
 *
 * Neither side trusts the page: the backend copies bytes out before use and
 * checks every index it reads. Freestanding: needs only <stdint.h>; compiles
 * as C99 and C++11.
 */
#ifndef SKIFF_PUBLIC_IO_CONSOLE_H
#define SKIFF_PUBLIC_IO_CONSOLE_H

#include <stdint.h>

typedef uint32_t XENCONS_RING_IDX;

/* The slot of free-running index idx in ring (an array member of the page). */
#define MASK_XENCONS_IDX(idx, ring) ((idx) & (sizeof(ring) - 1))

#define XENCONS_IN_SIZE  1024
#define XENCONS_OUT_SIZE 2048

struct xencons_interface {
    char in[XENCONS_IN_SIZE];   /* [BACK] written by dom0, read by the guest */
    char out[XENCONS_OUT_SIZE]; /* [FRONT] written by the guest, read by dom0 */
    XENCONS_RING_IDX in_cons;   /* [FRONT] */
    XENCONS_RING_IDX in_prod;   /* [BACK] */
    XENCONS_RING_IDX out_cons;  /* [BACK] */
    XENCONS_RING_IDX out_prod;  /* [FRONT] */
};

/* Layout checks that compile as C99 and C++11 (a negative array size fails). */
typedef char skiff_xencons_size_check[sizeof(struct xencons_interface) == 3088 ? 1 : -1];
typedef char skiff_xencons_in_pow2[(XENCONS_IN_SIZE & (XENCONS_IN_SIZE - 1)) == 0 ? 1 : -1];
typedef char skiff_xencons_out_pow2[(XENCONS_OUT_SIZE & (XENCONS_OUT_SIZE - 1)) == 0 ? 1 : -1];

#endif /* SKIFF_PUBLIC_IO_CONSOLE_H */
