/*
 * blk_bench.c - blk.elf's benchmark mode: the native block benchmark's
 * workload (dom0-tools/drivers/blkdev_bench.c) issued through blkfront, so
 * dom0 (selftest_blk_bench.c) can put the PV path beside the native one.
 *   mode=bench test=<rand_read_4k|rand_write_4k|seq_read_128k|seq_write_128k>
 *              qd=<1..32> requests=<N>
 * Connects xvda, runs N requests (random 4 KiB pages, or 128 KiB requests
 * walking the disk from sector 0), at most qd in flight, closes, writes
 * "<ns> <requests> <bytes>" (its own emulated time for the requests) to
 * data/bench and powers off. requests=0 does everything but the requests:
 * dom0 subtracts that run's CPU time as the fixed cost.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <skiff/page_alloc.h>
#include <skiff/thread.h>
#include <skiff/time.h>
#include <skiff/xenbus.h>

#include "blkfront_xen.h"

#define BENCH_QD_MAX  32u
#define BENCH_SEQ_SEG 32u /* pages per sequential request: 128 KiB */
#define BENCH_WAIT_NS (10ull * 1000000000ull)
#define BENCH_CONN_NS (20ull * 1000000000ull)

struct bench_slot {
    struct blkfront_io io;
    bool busy;
    uint8_t *buf;
};

static struct bench_slot bslots[BENCH_QD_MAX];
static unsigned int b_inflight, b_errors;
static uint64_t b_rng = 0x9e3779b97f4a7c15ull; /* blkdev_bench.c's seed and generator */

static uint64_t bench_rand(void)
{
    b_rng ^= b_rng >> 12;
    b_rng ^= b_rng << 25;
    b_rng ^= b_rng >> 27;
    return b_rng * 0x2545f4914f6cdd1dull;
}

static const char *arg_str(int argc, char **argv, const char *key)
{
    size_t n = strlen(key);

    for (int i = 1; i < argc; i++)
        if (strncmp(argv[i], key, n) == 0 && argv[i][n] == '=')
            return argv[i] + n + 1;
    return NULL;
}

static void bench_done(struct blkfront_io *io, int status)
{
    struct bench_slot *s = io->cookie;

    if (status)
        b_errors++;
    s->busy = false;
    b_inflight--;
}

/* Takes responses; blocks for an event when none came (as blk_guest.c's poll_once). */
static int bench_poll(struct blkfront_dev *d)
{
    struct blkfront_xen *x = &d->xen;
    int n = blkfront_poll(&x->core);

    if (n != 0)
        return n < 0 ? n : 0;
    if (!wait_event_timeout(&x->wq, x->events != x->events_seen, monotonic_ns() + BENCH_WAIT_NS))
        return -ETIMEDOUT;
    x->events_seen = x->events;
    return 0;
}

static struct bench_slot *bench_slot_free(struct blkfront_dev *d, unsigned int qd, int *rc)
{
    while (b_inflight >= qd)
        if ((*rc = bench_poll(d)))
            return NULL;
    for (unsigned int i = 0; i < qd; i++)
        if (!bslots[i].busy)
            return &bslots[i];
    *rc = -EIO; /* fewer in flight than qd, yet none free: cannot happen */
    return NULL;
}

static int bench_issue(struct blkfront_dev *d, struct bench_slot *s, enum blkfront_op op,
                       uint64_t sector, size_t len)
{
    int rc;

    s->io = (struct blkfront_io){
        .op = op, .sector = sector, .buf = s->buf, .len = len, .done = bench_done, .cookie = s};
    s->busy = true;
    b_inflight++;
    rc = blkfront_submit(&d->xen.core, &s->io);
    if (rc) {
        s->busy = false;
        b_inflight--;
    }
    return rc;
}

/* n requests as blkdev_bench.c's run() makes them; the time they took into *ns. */
static int bench_run(struct blkfront_dev *d, enum blkfront_op op, bool random, unsigned int qd,
                     unsigned int n, uint64_t *ns)
{
    unsigned int segs = random ? 1 : BENCH_SEQ_SEG;
    uint64_t pages = d->info.sectors / 8, seq = 0, t0 = monotonic_ns();
    int rc = 0;

    if (pages < segs)
        return -ENOSPC;
    for (unsigned int i = 0; i < n && rc == 0; i++) {
        uint64_t page;
        struct bench_slot *s = bench_slot_free(d, qd, &rc);
        if (!s)
            break;
        if (random) {
            page = bench_rand() % pages;
        } else {
            if (seq + segs > pages)
                seq = 0;
            page = seq;
            seq += segs;
        }
        rc = bench_issue(d, s, op, page * 8, (size_t)segs * 4096);
    }
    while (rc == 0 && b_inflight)
        rc = bench_poll(d);
    *ns = monotonic_ns() - t0;
    return rc ? rc : b_errors ? -EIO : 0;
}

static int bench_buffers(unsigned int qd, unsigned int pages)
{
    for (unsigned int i = 0; i < qd; i++) {
        bslots[i].buf = page_alloc(pages);
        if (!bslots[i].buf)
            return -ENOMEM;
    }
    return 0;
}

int blk_bench(unsigned int domid, int argc, char **argv);

int blk_bench(unsigned int domid, int argc, char **argv)
{
    const char *test = arg_str(argc, argv, "test"), *q = arg_str(argc, argv, "qd");
    const char *r = arg_str(argc, argv, "requests");
    unsigned int qd = q ? (unsigned int)strtoul(q, NULL, 0) : 1;
    unsigned int n = r ? (unsigned int)strtoul(r, NULL, 0) : 0;
    bool random = test && strncmp(test, "rand_", 5) == 0;
    enum blkfront_op op = test && strstr(test, "_write_") ? BLKFRONT_WRITE : BLKFRONT_READ;
    struct blkfront_dev d;
    uint64_t ns = 0;
    int rc;

    if (!test || qd == 0 || qd > BENCH_QD_MAX) {
        printf("blk-bench %u: FAILED: needs test=<name> and qd=1..%u\n", domid, BENCH_QD_MAX);
        return 1;
    }
    rc = bench_buffers(qd, random ? 1 : BENCH_SEQ_SEG);
    if (rc == 0)
        rc = blkfront_dev_connect(&d, "device/vbd/51712", BENCH_CONN_NS);
    if (rc) {
        printf("blk-bench %u: FAILED: set-up (%d)\n", domid, rc);
        return 1;
    }
    rc = bench_run(&d, op, random, qd, n, &ns);
    blkfront_dev_close(&d, BENCH_CONN_NS);
    if (rc) {
        printf("blk-bench %u: FAILED: %s qd %u (%d)\n", domid, test, qd, rc);
        return 1;
    }
    rc = xenbus_printf(XBT_NIL, "data/bench", "%llu %u %llu", (unsigned long long)ns, n,
                       (unsigned long long)n * (random ? 1 : BENCH_SEQ_SEG) * 4096);
    return rc ? 1 : 0;
}
