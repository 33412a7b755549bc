/*
 * peer_xen.c - the benchmark's loops over Xen's own io/ring.h macros
 * (Debian's libxen-dev), used the way Linux's xen-blkback and blkfront use
 * them: producer-index overflow checks, RING_COPY_REQUEST, Linux's x86
 * barriers (compiler barriers, and a locked add for the full barrier).
 */
#define __XEN_INTERFACE_VERSION__ 0x00040e00

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define xen_mb()  __asm__ __volatile__("lock; addl $0,-4(%%rsp)" : : : "memory", "cc")
#define xen_rmb() __asm__ __volatile__("" : : : "memory")
#define xen_wmb() __asm__ __volatile__("" : : : "memory")

#include <xen/io/ring.h>

#include "bench.h"

DEFINE_RING_TYPES(bxen, struct bench_req, struct bench_rsp);

static union {
    struct bxen_sring s;
    uint8_t page[4096];
} shared __attribute__((aligned(4096)));
static struct bxen_front_ring front __attribute__((aligned(64)));
static struct bxen_back_ring back __attribute__((aligned(64)));

static inline void p_reset(void)
{
    SHARED_RING_INIT(&shared.s);
    FRONT_RING_INIT(&front, &shared.s, sizeof(shared));
    BACK_RING_INIT(&back, &shared.s, sizeof(shared));
}

static void attach(void *page, enum bench_side side)
{
    struct bxen_sring *s = page;

    if (side == SIDE_FRONT) {
        SHARED_RING_INIT(s);
        FRONT_RING_INIT(&front, s, sizeof(shared));
    } else {
        BACK_RING_INIT(&back, s, sizeof(shared));
    }
}

static inline unsigned int p_send_req(const struct bench_req *reqs, unsigned int n, int supp,
                                      int *notify)
{
    unsigned int k = 0;

    for (; k < n && !RING_FULL(&front); k++)
        *RING_GET_REQUEST(&front, front.req_prod_pvt++) = reqs[k];
    *notify = 0;
    if (k && supp) {
        RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&front, *notify);
    } else if (k) {
        RING_PUSH_REQUESTS(&front);
        *notify = 1;
    }
    return k;
}

static inline unsigned int p_recv_req(struct bench_req *reqs, unsigned int max)
{
    RING_IDX rc = back.req_cons, rp = back.sring->req_prod;
    unsigned int k = 0;

    xen_rmb();
    if (RING_REQUEST_PROD_OVERFLOW(&back, rp))
        return 0; /* blkback would disconnect; never happens here */
    for (; k < max && rc != rp && !RING_REQUEST_CONS_OVERFLOW(&back, rc); k++, rc++)
        RING_COPY_REQUEST(&back, rc, &reqs[k]);
    back.req_cons = rc;
    return k;
}

static inline unsigned int p_send_rsp(const struct bench_rsp *rsps, unsigned int n, int supp,
                                      int *notify)
{
    unsigned int k = 0;

    for (; k < n && back.rsp_prod_pvt != back.req_cons; k++)
        *RING_GET_RESPONSE(&back, back.rsp_prod_pvt++) = rsps[k];
    *notify = 0;
    if (k && supp) {
        RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&back, *notify);
    } else if (k) {
        RING_PUSH_RESPONSES(&back);
        *notify = 1;
    }
    return k;
}

static inline unsigned int p_recv_rsp(struct bench_rsp *rsps, unsigned int max)
{
    RING_IDX rc = front.rsp_cons, rp = front.sring->rsp_prod;
    unsigned int k = 0;

    xen_rmb();
    if (RING_RESPONSE_PROD_OVERFLOW(&front, rp))
        return 0;
    for (; k < max && rc != rp; k++, rc++)
        RING_COPY_RESPONSE(&front, rc, &rsps[k]);
    front.rsp_cons = rc;
    return k;
}

static inline int p_arm_req(int supp)
{
    int work;

    if (!supp)
        return RING_HAS_UNCONSUMED_REQUESTS(&back) != 0;
    RING_FINAL_CHECK_FOR_REQUESTS(&back, work);
    return work != 0;
}

static inline int p_arm_rsp(int supp)
{
    int work;

    if (!supp)
        return RING_HAS_UNCONSUMED_RESPONSES(&front) != 0;
    RING_FINAL_CHECK_FOR_RESPONSES(&front, work);
    return work != 0;
}

#include "loops.h"

const struct bench_peer BENCH_PEER_SYM(xen) = {
    "xen", REQ_BYTES, 1, reset, front_stream, back_stream, front_pingpong, single_thread, attach,
};
