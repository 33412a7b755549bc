/*
 * peer_dpdk.c - the benchmark's loops over DPDK's rte_ring in
 * single-producer/single-consumer mode with elements stored by value
 * (rte_ring_*_elem), on our own memory (rte_ring_init: no EAL needed). A
 * request ring and a response ring; DPDK has no event suppression.
 */
#include <stdio.h>
#include <stdlib.h>

#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "bench.h"

/*
 * RING_F_EXACT_SZ: 32 usable slots, as many as the Xen-layout page carries
 * (DPDK keeps one slot empty, so the storage is 64 entries).
 */
#define RING_FLAGS (RING_F_SP_ENQ | RING_F_SC_DEQ | RING_F_EXACT_SZ)

static struct rte_ring *req_ring, *rsp_ring;

static struct rte_ring *make_ring(const char *name, unsigned int esize)
{
    ssize_t size = rte_ring_get_memsize_elem(esize, 2 * BENCH_WINDOW); /* EXACT_SZ storage */
    struct rte_ring *r;

    if (size < 0 || posix_memalign((void **)&r, 4096, (size_t)size) != 0)
        abort();
    if (rte_ring_init(r, name, BENCH_WINDOW, RING_FLAGS) != 0) {
        fprintf(stderr, "bench_rings: rte_ring_init failed\n");
        abort();
    }
    return r;
}

static inline void p_reset(void)
{
    if (!req_ring) {
        req_ring = make_ring("req", sizeof(struct bench_req));
        rsp_ring = make_ring("rsp", sizeof(struct bench_rsp));
    }
    rte_ring_reset(req_ring);
    rte_ring_reset(rsp_ring);
}

static inline unsigned int p_send_req(const struct bench_req *reqs, unsigned int n, int supp,
                                      int *notify)
{
    unsigned int k = rte_ring_sp_enqueue_burst_elem(req_ring, reqs, sizeof(*reqs), n, NULL);

    *notify = k != 0;
    return k;
}

static inline unsigned int p_recv_req(struct bench_req *reqs, unsigned int max)
{
    return rte_ring_sc_dequeue_burst_elem(req_ring, reqs, sizeof(*reqs), max, NULL);
}

static inline unsigned int p_send_rsp(const struct bench_rsp *rsps, unsigned int n, int supp,
                                      int *notify)
{
    unsigned int k = rte_ring_sp_enqueue_burst_elem(rsp_ring, rsps, sizeof(*rsps), n, NULL);

    *notify = k != 0;
    return k;
}

static inline unsigned int p_recv_rsp(struct bench_rsp *rsps, unsigned int max)
{
    return rte_ring_sc_dequeue_burst_elem(rsp_ring, rsps, sizeof(*rsps), max, NULL);
}

static inline int p_arm_req(int supp)
{
    return !rte_ring_empty(req_ring);
}

static inline int p_arm_rsp(int supp)
{
    return !rte_ring_empty(rsp_ring);
}

#include "loops.h"

const struct bench_peer BENCH_PEER_SYM(dpdk) = {
    "dpdk", REQ_BYTES, 0, reset, front_stream, back_stream, front_pingpong, single_thread, NULL,
};
