/*
 * peer_ck.c - the benchmark's loops over Concurrency Kit's ck_ring in SPSC
 * mode with typed entries stored by value (CK_RING_PROTOTYPE). A request
 * ring and a response ring; ck has no event suppression and no burst call,
 * so each entry is its own enqueue (ck's idiom).
 */
#include <ck_ring.h>

#include "bench.h"

/* ck keeps one slot empty: 64 slots carry the benchmark's 32 in flight. */
#define CK_SLOTS (2 * BENCH_WINDOW)

CK_RING_PROTOTYPE(breq, bench_req)
CK_RING_PROTOTYPE(brsp, bench_rsp)

static struct ck_ring req_ring __attribute__((aligned(64)));
static struct ck_ring rsp_ring __attribute__((aligned(64)));
static struct bench_req req_buf[CK_SLOTS] __attribute__((aligned(4096)));
static struct bench_rsp rsp_buf[CK_SLOTS] __attribute__((aligned(4096)));

static inline void p_reset(void)
{
    ck_ring_init(&req_ring, CK_SLOTS);
    ck_ring_init(&rsp_ring, CK_SLOTS);
}

static inline unsigned int p_send_req(const struct bench_req *reqs, unsigned int n, int supp,
                                      int *notify)
{
    unsigned int k = 0;

    while (k < n && ck_ring_enqueue_spsc_breq(&req_ring, req_buf, (struct bench_req *)&reqs[k]))
        k++;
    *notify = k != 0;
    return k;
}

static inline unsigned int p_recv_req(struct bench_req *reqs, unsigned int max)
{
    unsigned int k = 0;

    while (k < max && ck_ring_dequeue_spsc_breq(&req_ring, req_buf, &reqs[k]))
        k++;
    return k;
}

static inline unsigned int p_send_rsp(const struct bench_rsp *rsps, unsigned int n, int supp,
                                      int *notify)
{
    unsigned int k = 0;

    while (k < n && ck_ring_enqueue_spsc_brsp(&rsp_ring, rsp_buf, (struct bench_rsp *)&rsps[k]))
        k++;
    *notify = k != 0;
    return k;
}

static inline unsigned int p_recv_rsp(struct bench_rsp *rsps, unsigned int max)
{
    unsigned int k = 0;

    while (k < max && ck_ring_dequeue_spsc_brsp(&rsp_ring, rsp_buf, &rsps[k]))
        k++;
    return k;
}

static inline int p_arm_req(int supp)
{
    return ck_ring_size(&req_ring) != 0;
}

static inline int p_arm_rsp(int supp)
{
    return ck_ring_size(&rsp_ring) != 0;
}

#include "loops.h"

const struct bench_peer BENCH_PEER_SYM(ck) = {
    "ck", REQ_BYTES, 0, reset, front_stream, back_stream, front_pingpong, single_thread, NULL,
};
