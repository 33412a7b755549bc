/*
 * bench.h - the host ring benchmark's shared definitions: the message types,
 * one run's parameters and counters, the peer table, and the harness
 * services the per-peer loops call (notify and sleep, the clock).
 */
#ifndef BENCH_RINGS_BENCH_H
#define BENCH_RINGS_BENCH_H

#include <stdint.h>

#ifndef REQ_BYTES
#define REQ_BYTES 64
#endif

/* A request of REQ_BYTES bytes (64, or 112 = sizeof(blkif_request_t)). */
struct bench_req {
    uint64_t id;
    uint8_t payload[REQ_BYTES - 8];
};
/* A 16-byte response (the size of blkif_response_t). */
struct bench_rsp {
    uint64_t id;
    int64_t status;
};

/* Requests in flight at most: a 4 KiB Xen-layout ring of 64..126-byte entries. */
#define BENCH_WINDOW    32
#define BENCH_MAX_BATCH 64

enum bench_wake { WAKE_POLL, WAKE_BLOCK };
enum bench_side { SIDE_FRONT, SIDE_BACK };

struct bench_run {
    /* parameters */
    unsigned int batch;     /* requests per push, and the consumer's take */
    unsigned long messages; /* requests (each answered by one response) */
    enum bench_wake wake;   /* how an idle side waits */
    int suppress;           /* event suppression (req_event/rsp_event) on */
    /* results, each written by one side */
    unsigned long notifies[2]; /* notifications sent by SIDE_FRONT / SIDE_BACK */
    unsigned long sleeps[2];
    uint64_t checksum;
    int error;
    uint64_t *lat_ticks; /* ping-pong: one round trip per entry (TSC ticks) */
    /* wake-up objects (eventfd), one per side */
    int efd[2];
};

/*
 * One peer at one request size. The loops are generated per peer (loops.h)
 * so that every ring operation is inlined into them.
 */
struct bench_peer {
    const char *name;
    unsigned int req_bytes;
    int has_suppression; /* the ring has req_event/rsp_event */
    void (*reset)(void); /* an empty ring */
    void (*front_stream)(struct bench_run *);
    void (*back_stream)(struct bench_run *);
    void (*front_pingpong)(struct bench_run *);
    void (*single_thread)(struct bench_run *); /* both ends in one thread (callgrind) */
    /*
     * Domain mode (tests/guests/ring_guest.c): use a shared page of another
     * domain instead of the peer's own. The front initialises the shared
     * ring in it; the back attaches to what the front initialised.
     */
    void (*attach)(void *page, enum bench_side side);
};

/* Harness services (bench_rings.c). */
void bench_notify(struct bench_run *run, enum bench_side to);
void bench_sleep(struct bench_run *run, enum bench_side who);

#ifndef BENCH_GUEST
static inline uint64_t bench_ticks(void)
{
    uint32_t lo, hi;

    __asm__ __volatile__("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return (uint64_t)hi << 32 | lo;
}

static inline void bench_pause(void)
{
    __builtin_ia32_pause();
}
#else
/* In a guest, on one CPU: spinning only burns the peer's time. */
uint64_t bench_ticks(void);
void bench_pause(void);
#endif

#define BENCH_CAT2(a, b) a##b
#define BENCH_CAT(a, b)  BENCH_CAT2(a, b)
/* The exported peer of this translation unit: peer_<name>_<REQ_BYTES>. */
#define BENCH_PEER_SYM(name) BENCH_CAT(BENCH_CAT(peer_##name, _), REQ_BYTES)

#endif /* BENCH_RINGS_BENCH_H */
