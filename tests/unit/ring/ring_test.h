/*
 * ring_test.h - what the ring unit tests share: the request and response
 * types both implementations carry, the layout facts each side reports, and
 * the Xen oracle (xen_oracle.c runs Debian's libxen-dev io/ring.h macros on
 * its own page so the tests can compare Skiff's ring with it step by step).
 * No ring header is included here: Skiff's and Xen's share names.
 */
#ifndef RING_TEST_H
#define RING_TEST_H

#include <stddef.h>
#include <stdint.h>

/* A 64-byte request and a 16-byte response. */
struct req64 {
    uint64_t id;
    uint64_t sum; /* of payload, so a torn or rewritten copy shows */
    uint8_t payload[48];
};
struct rsp64 {
    uint64_t id;
    int64_t status;
};

/* Skiff's stand-in for blkif: the same sizes and alignment (112 and 16 bytes). */
struct blk_seg {
    uint32_t gref;
    uint8_t first_sect, last_sect;
};
struct req_blk {
    uint8_t operation, nr_segments;
    uint16_t handle;
    uint64_t id;
    uint64_t sector_number;
    struct blk_seg seg[11];
};
struct rsp_blk {
    uint64_t id;
    uint8_t operation;
    int16_t status;
};

/* Layout of one ring type as one side's header sees it. */
struct ring_layout {
    size_t entry_size, sring_size;
    size_t off_req_prod, off_req_event, off_rsp_prod, off_rsp_event, off_ring;
    unsigned int const_size_4k, const_size_8k, const_size_16k; /* __CONST_RING_SIZE */
    unsigned int init_size_4k;                                 /* RING_SIZE after *_RING_INIT */
};

/* xen_oracle.c: Xen's view. */
void xen_layout_64(struct ring_layout *out);
void xen_layout_blkif(struct ring_layout *out); /* Xen's real blkif ring */
unsigned int xen_pow2_floor(unsigned int x);    /* Xen's __RD32 */

/*
 * The oracle: a front and a back on one 4 KiB page of 64-byte entries, both
 * driven through Xen's macros. Indices start at `start` (to cross 2^32).
 */
void xo_init(unsigned int start);
unsigned int xo_produce(unsigned int k);         /* write up to k requests (free slots); how many */
int xo_push_requests(void);                      /* RING_PUSH_REQUESTS_AND_CHECK_NOTIFY */
unsigned int xo_take_requests(unsigned int max); /* consume up to max; how many */
unsigned int xo_respond(unsigned int k);         /* answer up to k consumed requests; how many */
int xo_push_responses(void);                     /* RING_PUSH_RESPONSES_AND_CHECK_NOTIFY */
unsigned int xo_take_responses(unsigned int max);
int xo_final_check_requests(void);  /* RING_FINAL_CHECK_FOR_REQUESTS */
int xo_final_check_responses(void); /* RING_FINAL_CHECK_FOR_RESPONSES */
void xo_header(uint32_t idx[4]);    /* req_prod, req_event, rsp_prod, rsp_event */

#endif /* RING_TEST_H */
