/*
 * blkdev_bench.c - the native block benchmark: requests straight to a
 * blkdev (no PV path), so the PV path measured later has a floor to be
 * compared with. 4 KiB random reads and writes at queue depth 1 and 32, and
 * sequential 128 KiB requests (32 segments of 4 KiB) over 1 MiB runs.
 * Prints, per test, one human line and one machine line
 *   BENCH blk_<dev>_<test>_qd<N> <busy cycles/request> <requests> <ns> <bytes> <cpu ns/request>
 * Cycles are TSC ticks: under QEMU's -icount shift=0 that is instructions
 * (./skiff bench blk; docs/benchmarks.md). "Busy" leaves out the time
 * blocked waiting for the device (which -icount,sleep=off skips ahead
 * through), so it is dom0's own work per request: building it, the
 * driver, the notification, the interrupt and completion, and the polls
 * that found nothing. It still varies a little from run to run: how many
 * empty polls happen depends on when the host finishes the I/O.
 * The last field is dom0's hypervisor-accounted CPU time per request
 * (blkdev_bench_cpu_ns, 0 when not set): it also counts the hypervisor's
 * block and wake-up paths that "busy" leaves out, and is how the PV path
 * is counted, so the two compare like with like.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <skiff/page_alloc.h>
#include <skiff/time.h>

#include "drivers.h"
#include "virtio.h"

#define BENCH_MAX_QD    32u
#define BENCH_BUF_PAGES 32u /* one 128 KiB request's worth; reused by every slot */

struct bench_slot {
    struct blkdev_req req;
    bool busy;
};

struct bench {
    struct blkdev *dev;
    struct bench_slot slots[BENCH_MAX_QD];
    unsigned int in_flight, errors;
    uint8_t *buf;
    uint64_t rng;
};

uint64_t (*blkdev_bench_cpu_ns)(void);

static struct bench b;       /* 25 KiB of requests: off dom0's stack */
static uint64_t wait_cycles; /* spent blocked in drivers_wait */

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

static void wait_for_device(uint64_t until)
{
    uint64_t c = rdtsc();

    drivers_wait(until);
    wait_cycles += rdtsc() - c;
}

static uint64_t next_rand(void)
{
    b.rng ^= b.rng >> 12;
    b.rng ^= b.rng << 25;
    b.rng ^= b.rng >> 27;
    return b.rng * 0x2545f4914f6cdd1dull;
}

static void bench_done(struct blkdev_req *req, int status)
{
    struct bench_slot *s = req->cookie;

    s->busy = false;
    b.in_flight--;
    if (status)
        b.errors++;
}

static struct bench_slot *free_slot(unsigned int qd)
{
    for (;;) {
        blkdev_poll_all();
        if (b.in_flight < qd)
            for (unsigned int i = 0; i < qd; i++)
                if (!b.slots[i].busy)
                    return &b.slots[i];
        wait_for_device(monotonic_ns() + NSEC_PER_SEC);
    }
}

/* One request of `segs` 4 KiB segments at sector; retried while the device is busy. */
static int issue(struct bench_slot *s, enum blkdev_op op, uint64_t sector, unsigned int segs)
{
    struct blkdev_req *r = &s->req;
    int rc;

    memset(r, 0, sizeof(*r));
    r->op = op;
    r->sector = sector;
    r->nr_segs = segs;
    for (unsigned int i = 0; i < segs; i++) {
        uint8_t *va = b.buf + (size_t)(i % BENCH_BUF_PAGES) * 4096;
        r->segs[i] = (struct blkdev_seg){virtio_dma_addr(va), va, 4096};
    }
    r->done = bench_done;
    r->cookie = s;
    s->busy = true;
    b.in_flight++;
    while ((rc = b.dev->submit(b.dev, r)) == -EBUSY)
        wait_for_device(0);
    if (rc) {
        s->busy = false;
        b.in_flight--;
    }
    return rc;
}

static void drain(void)
{
    blkdev_poll_all();
    while (b.in_flight)
        wait_for_device(monotonic_ns() + NSEC_PER_SEC);
}

/* Runs n requests; random 4 KiB ones or sequential 128 KiB ones. */
static int run(const char *test, enum blkdev_op op, bool random, unsigned int qd, unsigned int n)
{
    uint64_t pages = b.dev->sectors / 8, seq = 0;
    unsigned int segs = random ? 1 : BLKDEV_MAX_SEGS;

    if (qd > b.dev->queue_depth)
        qd = b.dev->queue_depth;
    if (pages < segs)
        return -ENOSPC;
    b.errors = 0;
    wait_cycles = 0;
    uint64_t cpu0 = blkdev_bench_cpu_ns ? blkdev_bench_cpu_ns() : 0;
    uint64_t t0 = monotonic_ns(), c0 = rdtsc();
    for (unsigned int i = 0; i < n; i++) {
        uint64_t page;
        if (random) {
            page = next_rand() % pages;
        } else {
            if (seq + segs > pages)
                seq = 0;
            page = seq;
            seq += segs;
        }
        int rc = issue(free_slot(qd), op, page * 8, segs);
        if (rc)
            return rc;
    }
    drain();
    uint64_t cycles = rdtsc() - c0 - wait_cycles, ns = monotonic_ns() - t0;
    uint64_t cpu = blkdev_bench_cpu_ns ? blkdev_bench_cpu_ns() - cpu0 : 0;
    uint64_t bytes = (uint64_t)n * segs * 4096;
    if (b.errors)
        return -EIO;
    printf("blk-bench: %-5s %-14s qd %2u: %6u requests, %7llu busy cycles/request, %7llu IOPS, "
           "%5llu.%01llu MB/s (emulated time)\n",
           b.dev->name, test, qd, n, (unsigned long long)(cycles / n),
           (unsigned long long)(ns ? n * NSEC_PER_SEC / ns : 0),
           (unsigned long long)(ns ? bytes * 1000 / ns : 0),
           (unsigned long long)(ns ? bytes * 10000 / ns % 10 : 0));
    printf("BENCH blk_%s_%s_qd%u %llu %u %llu %llu %llu\n", b.dev->name, test, qd,
           (unsigned long long)(cycles / n), n, (unsigned long long)ns, (unsigned long long)bytes,
           (unsigned long long)(cpu / n));
    return 0;
}

int blkdev_bench(struct blkdev *dev, unsigned int n)
{
    int rc = 0;

    memset(&b, 0, sizeof(b));
    b.dev = dev;
    b.rng = 0x9e3779b97f4a7c15ull;
    b.buf = page_alloc(BENCH_BUF_PAGES);
    if (!b.buf)
        return -ENOMEM;
    if (!dev->readonly) /* written first, so that reads read data */
        rc = run("seq_write_128k", BLKDEV_WRITE, false, 4, n / 8 ? n / 8 : 1);
    if (!rc)
        rc = run("rand_read_4k", BLKDEV_READ, true, 1, n);
    if (!rc)
        rc = run("rand_read_4k", BLKDEV_READ, true, 32, n);
    if (!rc && !dev->readonly)
        rc = run("rand_write_4k", BLKDEV_WRITE, true, 1, n);
    if (!rc && !dev->readonly)
        rc = run("rand_write_4k", BLKDEV_WRITE, true, 32, n);
    if (!rc)
        rc = run("seq_read_128k", BLKDEV_READ, false, 4, n / 8 ? n / 8 : 1);
    drain();
    page_free(b.buf, BENCH_BUF_PAGES);
    return rc;
}
