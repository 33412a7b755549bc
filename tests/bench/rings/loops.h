/*
 * loops.h - the benchmark loops, written once and included by every peer
 * after it has defined its ring operations as static inline functions:
 *
 *   p_reset()                                 an empty ring
 *   unsigned p_send_req(const struct bench_req *, unsigned n, int supp, int *notify)
 *   unsigned p_recv_req(struct bench_req *, unsigned max)      copies out
 *   unsigned p_send_rsp(const struct bench_rsp *, unsigned n, int supp, int *notify)
 *   unsigned p_recv_rsp(struct bench_rsp *, unsigned max)      copies out
 *   int p_arm_req(int supp), p_arm_rsp(int supp)   before sleeping: > 0 if work
 *                                                  arrived (with supp: the final check)
 *
 * p_send_* publish what they wrote and set *notify when the peer must be
 * woken (without suppression: on every non-empty push).
 */
#include "bench.h"

/* The idle side waits for its peer: spins (poll) or arms and sleeps (block). */
static inline void idle(struct bench_run *run, enum bench_side who)
{
    if (run->wake == WAKE_POLL) {
        bench_pause();
        return;
    }
    if ((who == SIDE_BACK ? p_arm_req(run->suppress) : p_arm_rsp(run->suppress)) == 0)
        bench_sleep(run, who);
}

static inline void kick(struct bench_run *run, enum bench_side from, int notify)
{
    if (!notify)
        return;
    run->notifies[from]++;
    if (run->wake == WAKE_BLOCK)
        bench_notify(run, from == SIDE_FRONT ? SIDE_BACK : SIDE_FRONT);
}

/* Front: keeps up to BENCH_WINDOW requests in flight, pushing `batch` at a time. */
static void front_stream(struct bench_run *run)
{
    struct bench_req reqs[BENCH_MAX_BATCH];
    struct bench_rsp rsps[BENCH_MAX_BATCH];
    unsigned long sent = 0, answered = 0, n_max = run->messages;

    for (unsigned int i = 0; i < BENCH_MAX_BATCH; i++)
        for (unsigned int j = 0; j < sizeof(reqs[i].payload); j++)
            reqs[i].payload[j] = (uint8_t)j;
    while (answered < n_max) {
        unsigned long room = BENCH_WINDOW - (sent - answered), n = run->batch;
        unsigned int k = 0, got;
        int notify = 0;
        if (n > room)
            n = room;
        if (n > n_max - sent)
            n = n_max - sent;
        if (n > 0) {
            for (unsigned int i = 0; i < n; i++)
                reqs[i].id = sent + i;
            k = p_send_req(reqs, (unsigned int)n, run->suppress, &notify);
            sent += k;
            kick(run, SIDE_FRONT, notify);
        }
        got = p_recv_rsp(rsps, BENCH_MAX_BATCH);
        for (unsigned int i = 0; i < got; i++)
            run->error |= rsps[i].id != answered + i;
        answered += got;
        if (k == 0 && got == 0)
            idle(run, SIDE_FRONT);
    }
}

/* Back: takes up to `batch` requests, answers them with one push. */
static void back_stream(struct bench_run *run)
{
    struct bench_req reqs[BENCH_MAX_BATCH];
    struct bench_rsp rsps[BENCH_MAX_BATCH];
    unsigned long done = 0;
    uint64_t sum = 0;

    while (done < run->messages) {
        unsigned int n = p_recv_req(reqs, run->batch), sent = 0;
        if (n == 0) {
            idle(run, SIDE_BACK);
            continue;
        }
        for (unsigned int i = 0; i < n; i++) {
            run->error |= reqs[i].id != done + i;
            sum += reqs[i].payload[i % sizeof(reqs[i].payload)];
            rsps[i].id = reqs[i].id;
            rsps[i].status = 0;
        }
        while (sent < n) {
            int notify = 0;
            sent += p_send_rsp(rsps + sent, n - sent, run->suppress, &notify);
            kick(run, SIDE_BACK, notify);
            if (sent < n)
                bench_pause();
        }
        done += n;
    }
    run->checksum = sum;
}

/* Front, one request outstanding: the round-trip time of each. */
static void front_pingpong(struct bench_run *run)
{
    struct bench_req req;
    struct bench_rsp rsp;

    for (unsigned int j = 0; j < sizeof(req.payload); j++)
        req.payload[j] = (uint8_t)j;
    for (unsigned long i = 0; i < run->messages; i++) {
        uint64_t t0 = bench_ticks();
        int notify = 0;
        req.id = i;
        while (p_send_req(&req, 1, run->suppress, &notify) == 0)
            bench_pause();
        kick(run, SIDE_FRONT, notify);
        while (p_recv_rsp(&rsp, 1) == 0)
            idle(run, SIDE_FRONT);
        run->lat_ticks[i] = bench_ticks() - t0;
        run->error |= rsp.id != i;
    }
}

/* Both ends in one thread, `batch` at a time: the cost in instructions. */
static void single_thread(struct bench_run *run)
{
    struct bench_req reqs[BENCH_MAX_BATCH];
    struct bench_rsp rsps[BENCH_MAX_BATCH];
    unsigned long done = 0;
    int notify;

    __builtin_memset(reqs, 0, sizeof(reqs));
    __builtin_memset(rsps, 0, sizeof(rsps));
    while (done < run->messages) {
        unsigned int n = run->batch, got;
        for (unsigned int i = 0; i < n; i++)
            reqs[i].id = done + i;
        n = p_send_req(reqs, n, run->suppress, &notify);
        run->notifies[SIDE_FRONT] += notify;
        got = p_recv_req(reqs, n);
        for (unsigned int i = 0; i < got; i++)
            rsps[i].id = reqs[i].id;
        got = p_send_rsp(rsps, got, run->suppress, &notify);
        run->notifies[SIDE_BACK] += notify;
        got = p_recv_rsp(rsps, got);
        run->error |= got != n;
        done += got;
    }
}

static void reset(void)
{
    p_reset();
}
