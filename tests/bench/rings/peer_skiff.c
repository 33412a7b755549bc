/*
 * peer_skiff.c - the benchmark's loops over Skiff's ring
 * (public/io/ring.h), through its copy-once, index-checking helpers.
 */
#include <public/io/ring.h>

#include "bench.h"

DEFINE_RING_TYPES(bsk, struct bench_req, struct bench_rsp);

static union {
    struct bsk_sring s;
    uint8_t page[4096];
} shared __attribute__((aligned(4096)));
static struct bsk_front_ring front __attribute__((aligned(64)));
static struct bsk_back_ring back __attribute__((aligned(64)));

static inline void p_reset(void)
{
    bsk_sring_init(&shared.s);
    bsk_front_init(&front, &shared.s, sizeof(shared));
    bsk_back_init(&back, &shared.s, sizeof(shared));
}

static void attach(void *page, enum bench_side side)
{
    struct bsk_sring *s = page;

    if (side == SIDE_FRONT) {
        bsk_sring_init(s);
        bsk_front_init(&front, s, sizeof(shared));
    } else {
        bsk_back_init(&back, s, sizeof(shared));
    }
}

static inline int push_req(int supp)
{
    if (supp)
        return bsk_front_push(&front);
    RING_PUSH_REQUESTS(&front);
    return 1;
}

static inline int push_rsp(int supp)
{
    if (supp)
        return bsk_back_push(&back);
    RING_PUSH_RESPONSES(&back);
    return 1;
}

static inline unsigned int p_send_req(const struct bench_req *reqs, unsigned int n, int supp,
                                      int *notify)
{
    unsigned int k = bsk_front_put_requests(&front, reqs, n);

    *notify = k ? push_req(supp) : 0;
    return k;
}

static inline unsigned int p_recv_req(struct bench_req *reqs, unsigned int max)
{
    int k = bsk_back_take_requests(&back, reqs, max);

    return k > 0 ? (unsigned int)k : 0; /* -EIO: a hostile front; never here */
}

static inline unsigned int p_send_rsp(const struct bench_rsp *rsps, unsigned int n, int supp,
                                      int *notify)
{
    unsigned int k = bsk_back_put_responses(&back, rsps, n);

    *notify = k ? push_rsp(supp) : 0;
    return k;
}

static inline unsigned int p_recv_rsp(struct bench_rsp *rsps, unsigned int max)
{
    int k = bsk_front_take_responses(&front, rsps, max);

    return k > 0 ? (unsigned int)k : 0;
}

static inline int p_arm_req(int supp)
{
    if (supp)
        return bsk_back_final_check(&back) != 0;
    return bsk_back_unconsumed(&back, SKIFF_RING_LOAD_ACQUIRE(&back.sring->req_prod)) != 0;
}

static inline int p_arm_rsp(int supp)
{
    if (supp)
        return bsk_front_final_check(&front) != 0;
    return bsk_front_unconsumed(&front, SKIFF_RING_LOAD_ACQUIRE(&front.sring->rsp_prod)) != 0;
}

#include "loops.h"

const struct bench_peer BENCH_PEER_SYM(skiff) = {
    "skiff", REQ_BYTES, 1, reset, front_stream, back_stream, front_pingpong, single_thread, attach,
};
