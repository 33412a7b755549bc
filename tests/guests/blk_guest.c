/*
 * blk_guest.c - the domU of the block tests (blk.elf): blkfront on the
 * disks dom0 attached (device/vbd/51712 = xvda, 51728 = xvdb). Its command
 * line picks what it does:
 *   mode=rw seed=S       writes the pattern (blk_pattern.h) over all of xvda
 *                        with mixed sizes and queue depths, flushes, reads it
 *                        back in other sizes and verifies; prints
 *                        "blk-pattern: seed=S sectors=N" for the host check
 *   mode=loop            writes and reads xvda until the backend goes away
 *                        (detach, dom0's teardown) or the domain is destroyed
 *   mode=durable seed=S  writes the pattern 64 KiB at a time, each followed by
 *                        a flush, and prints "blk-durable: seed=S flushed=K"
 *                        after the K-th flush completed (D2)
 *   mode=errors          the disk fails writes touching sector 2048 and every
 *                        flush (QEMU's blkdebug): each must come back an error
 *   mode=hostile         bypasses blkfront's checks and writes bad requests
 *                        into the ring (HOSTILE R2, R3, R5); xvdb is read-only
 *   mode=demo            writes a message to xvda, flushes, reads it back,
 *                        then waits for control/shutdown
 *   mode=x4              garbage in ring-ref, event-channel and protocol of
 *                        xvda..xvde (HOSTILE X4): each disk must be refused
 *   mode=reconnect seed=S  writes the disk three times at queue depth 16
 *                        while dom0 restarts the backend; reconnects and
 *                        re-issues what was unanswered, then verifies
 *   mode=peak            32 reads of 64 sectors in flight at once: the most
 *                        grant mappings it can make dom0 hold (a warm-up)
 *   mode=bench ...       the block benchmark's workload (blk_bench.c)
 * Prints "blk-guest <domid>: ok: ..." or "... FAILED: ..." and powers off
 * (crash on failure).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <public/io/blkif.h>
#include <skiff/events.h>
#include <skiff/grant.h>
#include <skiff/guest.h>
#include <skiff/page_alloc.h>
#include <skiff/thread.h>
#include <skiff/time.h>
#include <skiff/xenbus.h>

#include "blk_pattern.h"
#include "blkfront_xen.h"

#define XVDA          "device/vbd/51712"
#define XVDB          "device/vbd/51728"
#define SECTOR        512u
#define MAX_DEPTH     32u
#define MAX_IO_SECS   64u /* 32 KiB */
#define WAIT_NS       (10ull * 1000000000ull)
#define CONNECT_NS    (20ull * 1000000000ull)
#define DURABLE_CHUNK (64u * 1024u)

static unsigned int domid;

static int fail(const char *what, int rc)
{
    printf("blk-guest %u: FAILED: %s (%d)\n", domid, what, rc);
    return 1;
}

static unsigned long arg_num(int argc, char **argv, const char *key, unsigned long dflt)
{
    size_t n = strlen(key);

    for (int i = 1; i < argc; i++)
        if (strncmp(argv[i], key, n) == 0 && argv[i][n] == '=')
            return strtoul(argv[i] + n + 1, NULL, 0);
    return dflt;
}

static uint64_t rng_state = 0x853c49e6748fea9bull;

static uint32_t rnd(uint32_t below)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % below);
}

/* ---- async I/O with a bounded queue depth ---- */

struct slot {
    struct blkfront_io io;
    bool busy;
    uint8_t *buf; /* MAX_IO_SECS sectors, page-aligned */
};

static struct slot slots[MAX_DEPTH];
static unsigned int inflight, io_errors;

static void io_done(struct blkfront_io *io, int status)
{
    struct slot *s = io->cookie;

    if (status)
        io_errors++;
    s->busy = false;
    inflight--;
}

static int alloc_buffers(void)
{
    for (unsigned int i = 0; i < MAX_DEPTH; i++) {
        slots[i].buf = page_alloc(MAX_IO_SECS * SECTOR / 4096);
        if (!slots[i].buf)
            return -ENOMEM;
    }
    return 0;
}

static bool reconnecting; /* mode=reconnect: a backend that goes away is reconnected */
static int pump_or_reconnect(struct blkfront_dev *d);

/* Takes responses; waits (up to WAIT_NS) for an event when none came. */
static int poll_once(struct blkfront_dev *d)
{
    struct blkfront_xen *x = &d->xen;

    if (reconnecting)
        return pump_or_reconnect(d);
    int n = blkfront_poll(&x->core);

    if (n != 0)
        return n < 0 ? n : 0;
    if (!wait_event_timeout(&x->wq, x->events != x->events_seen, monotonic_ns() + WAIT_NS))
        return -ETIMEDOUT;
    x->events_seen = x->events;
    return 0;
}

static int drain_to(struct blkfront_dev *d, unsigned int depth)
{
    while (inflight > depth) {
        int rc = poll_once(d);
        if (rc)
            return rc;
    }
    return 0;
}

static struct slot *free_slot(void)
{
    for (unsigned int i = 0; i < MAX_DEPTH; i++)
        if (!slots[i].busy)
            return &slots[i];
    return NULL;
}

static int submit(struct blkfront_dev *d, enum blkfront_op op, uint64_t sector, unsigned int secs,
                  unsigned int depth, struct slot **out)
{
    int rc = drain_to(d, depth - 1);
    struct slot *s = free_slot();

    if (rc)
        return rc;
    s->io = (struct blkfront_io){.op = op,
                                 .sector = sector,
                                 .buf = s->buf,
                                 .len = (size_t)secs * SECTOR,
                                 .done = io_done,
                                 .cookie = s};
    s->busy = true;
    inflight++;
    rc = blkfront_submit(&d->xen.core, &s->io);
    if (rc) {
        s->busy = false;
        inflight--;
    }
    if (out)
        *out = s;
    return rc;
}

static void fill(uint8_t *buf, uint32_t seed, uint64_t sector, unsigned int secs)
{
    for (size_t i = 0; i < (size_t)secs * SECTOR; i++)
        buf[i] = blk_pattern_byte(seed, sector * SECTOR + i);
}

static bool holds(const uint8_t *buf, uint32_t seed, uint64_t sector, unsigned int secs)
{
    for (size_t i = 0; i < (size_t)secs * SECTOR; i++)
        if (buf[i] != blk_pattern_byte(seed, sector * SECTOR + i))
            return false;
    return true;
}

static int connect_disk(struct blkfront_dev *d, const char *node)
{
    int rc = blkfront_dev_connect(d, node, CONNECT_NS);

    if (rc)
        printf("blk-guest %u: cannot connect %s (%d)\n", domid, node, rc);
    return rc;
}

/* ---- mode=rw ---- */

static const unsigned int depths[] = {1, 4, 32, 8};

static int write_pattern(struct blkfront_dev *d, uint32_t seed, uint64_t sectors, unsigned int *ios)
{
    uint64_t s = 0;
    int rc = 0;

    for (unsigned int n = 0; s < sectors && rc == 0; n++) {
        unsigned int depth = depths[(s * 4 / sectors) % 4];
        unsigned int secs = 1 + rnd(MAX_IO_SECS);
        struct slot *slot;
        if (secs > sectors - s)
            secs = (unsigned int)(sectors - s);
        rc = drain_to(d, depth - 1);
        slot = free_slot();
        fill(slot->buf, seed, s, secs);
        if (rc == 0)
            rc = submit(d, BLKFRONT_WRITE, s, secs, depth, NULL);
        s += secs;
        (*ios)++;
    }
    return rc ? rc : drain_to(d, 0);
}

static int read_back(struct blkfront_dev *d, uint32_t seed, uint64_t sectors)
{
    uint64_t s = 0;
    int rc = 0;

    /* One I/O at a time here, in other sizes: each is checked as it lands. */
    while (s < sectors && rc == 0) {
        unsigned int secs = 1 + rnd(MAX_IO_SECS);
        struct slot *slot;
        if (secs > sectors - s)
            secs = (unsigned int)(sectors - s);
        rc = submit(d, BLKFRONT_READ, s, secs, 1, &slot);
        if (rc == 0)
            rc = drain_to(d, 0);
        if (rc == 0 && (io_errors || !holds(slot->buf, seed, s, secs))) {
            printf("blk-guest %u: sectors %lu+%u do not hold the pattern\n", domid,
                   (unsigned long)s, secs);
            return -EIO;
        }
        s += secs;
    }
    return rc;
}

static int mode_rw(uint32_t seed)
{
    struct blkfront_dev d;
    unsigned int ios = 0;
    uint64_t sectors;
    int rc;

    if ((rc = connect_disk(&d, XVDA)))
        return fail("connect", rc);
    sectors = d.info.sectors;
    rc = write_pattern(&d, seed, sectors, &ios);
    if (rc || io_errors)
        return fail("writing the pattern", rc ? rc : -EIO);
    rc = d.info.can_flush ? blkfront_flush(&d.xen.core) : 0;
    if (rc)
        return fail("flush", rc);
    printf("blk-pattern: seed=%u sectors=%lu\n", seed, (unsigned long)sectors);
    rc = read_back(&d, seed, sectors);
    if (rc)
        return fail("reading the pattern back", rc);
    rc = blkfront_dev_close(&d, CONNECT_NS);
    if (rc)
        return fail("close", rc);
    printf("blk-guest %u: ok: wrote %lu sectors in %u I/Os (queue depth 1-32, %s), read back "
           "verified; %lu requests, %lu bogus responses\n",
           domid, (unsigned long)sectors, ios, d.info.can_flush ? "flushed" : "no flush",
           (unsigned long)d.xen.core.stats.requests,
           (unsigned long)d.xen.core.stats.bogus_responses);
    return 0;
}

/* ---- mode=loop: I/O until the backend goes ---- */

static int mode_loop(void)
{
    struct blkfront_dev d;
    uint64_t rounds = 0;
    int rc;

    if ((rc = connect_disk(&d, XVDA)))
        return fail("connect", rc);
    printf("blk-guest %u: looping on %lu sectors\n", domid, (unsigned long)d.info.sectors);
    for (;;) {
        uint64_t s = rnd((uint32_t)(d.info.sectors - MAX_IO_SECS));
        rc = submit(&d, (rounds & 1) ? BLKFRONT_READ : BLKFRONT_WRITE, s, MAX_IO_SECS, 16, NULL);
        if (rc == 0 && xenbus_read_state(d.backend) >= XenbusStateClosing)
            rc = -ENOTCONN;
        if (rc)
            break;
        rounds++;
    }
    printf("blk-guest %u: backend gone after %lu I/Os (%d), %u unanswered; closing\n", domid,
           (unsigned long)rounds, rc, inflight);
    blkfront_dev_close(&d, CONNECT_NS);
    return 0;
}

/* ---- mode=reconnect: the pattern written while dom0 restarts the backend ---- */

static unsigned int reconnects;

/* Takes responses; when none come for 100 ms and the backend left, reconnects. */
static int pump_or_reconnect(struct blkfront_dev *d)
{
    struct blkfront_xen *x = &d->xen;
    int n = blkfront_poll(&x->core);

    if (n != 0)
        return n < 0 ? n : 0;
    if (wait_event_timeout(&x->wq, x->events != x->events_seen, monotonic_ns() + 100000000ull)) {
        x->events_seen = x->events;
        return 0;
    }
    if (xenbus_read_state(d->backend) < XenbusStateClosing)
        return 0;
    printf("blk-guest %u: backend went away with %u I/Os in flight; reconnecting\n", domid,
           inflight);
    reconnects++;
    return blkfront_dev_reconnect(d, CONNECT_NS);
}

static int mode_reconnect(uint32_t seed)
{
    struct blkfront_dev d;
    uint64_t s = 0, sectors;
    uint64_t deadline = monotonic_ns() + 60ull * 1000000000ull;
    int rc;

    if ((rc = connect_disk(&d, XVDA)))
        return fail("connect", rc);
    reconnecting = true;
    sectors = d.info.sectors;
    /* Three passes over the disk at queue depth 16, so the restarts land mid-write. */
    for (unsigned int pass = 0; pass < 3 && rc == 0; pass++) {
        for (s = 0; s < sectors && rc == 0;) {
            unsigned int secs = MAX_IO_SECS;
            while (inflight >= 16 && rc == 0 && monotonic_ns() < deadline)
                rc = pump_or_reconnect(&d);
            struct slot *slot = free_slot();
            fill(slot->buf, seed + pass, s, secs);
            slot->io = (struct blkfront_io){.op = BLKFRONT_WRITE,
                                            .sector = s,
                                            .buf = slot->buf,
                                            .len = (size_t)secs * SECTOR,
                                            .done = io_done,
                                            .cookie = slot};
            slot->busy = true;
            inflight++;
            if (rc == 0 && (rc = blkfront_submit(&d.xen.core, &slot->io)) != 0) {
                slot->busy = false;
                inflight--;
            }
            s += secs;
        }
        while (inflight > 0 && rc == 0 && monotonic_ns() < deadline)
            rc = pump_or_reconnect(&d);
    }
    if (rc || io_errors || inflight)
        return fail("writing through the restarts", rc ? rc : -EIO);
    rc = read_back(&d, seed + 2, sectors);
    if (rc)
        return fail("reading back after the restarts", rc);
    blkfront_dev_close(&d, CONNECT_NS);
    printf("blk-guest %u: ok: wrote the disk 3 times through %u reconnects (%lu I/Os issued "
           "again), read back verified\n",
           domid, reconnects, (unsigned long)d.xen.core.stats.resubmitted);
    return reconnects ? 0 : 1;
}

/* ---- mode=durable ---- */

static int mode_durable(uint32_t seed)
{
    struct blkfront_dev d;
    unsigned int secs = DURABLE_CHUNK / SECTOR;
    int rc;

    if ((rc = connect_disk(&d, XVDA)))
        return fail("connect", rc);
    if (!d.info.can_flush)
        return fail("the disk does not advertise feature-flush-cache", -EOPNOTSUPP);
    for (uint64_t k = 0; (k + 1) * secs <= d.info.sectors; k++) {
        for (unsigned int part = 0; part < secs / MAX_IO_SECS; part++) {
            uint64_t s = k * secs + part * MAX_IO_SECS;
            fill(slots[0].buf, seed, s, MAX_IO_SECS);
            rc = blkfront_write(&d.xen.core, s, slots[0].buf, MAX_IO_SECS * SECTOR);
            if (rc)
                return fail("write", rc);
        }
        rc = blkfront_flush(&d.xen.core);
        if (rc)
            return fail("flush", rc);
        printf("blk-durable: seed=%u flushed=%lu chunk=%u\n", seed, (unsigned long)(k + 1),
               DURABLE_CHUNK);
    }
    printf("blk-guest %u: ok: the whole disk written and flushed\n", domid);
    return 0;
}

/* ---- mode=errors (blkdebug fails writes at sector 2048 and every flush) ---- */

static int mode_errors(void)
{
    struct blkfront_dev d;
    int rc;

    if ((rc = connect_disk(&d, XVDA)))
        return fail("connect", rc);
    memset(slots[0].buf, 0x5a, 8 * SECTOR);
    rc = blkfront_write(&d.xen.core, 0, slots[0].buf, 8 * SECTOR);
    if (rc)
        return fail("a write away from the bad sector failed", rc);
    rc = blkfront_write(&d.xen.core, 2044, slots[0].buf, 8 * SECTOR);
    if (rc != -EIO)
        return fail("a write over sector 2048 did not fail with EIO", rc);
    rc = blkfront_flush(&d.xen.core);
    if (rc != -EIO && rc != -EOPNOTSUPP)
        return fail("a failing flush was not an error", rc);
    rc = blkfront_read(&d.xen.core, 0, slots[1].buf, 8 * SECTOR);
    if (rc || memcmp(slots[0].buf, slots[1].buf, 8 * SECTOR))
        return fail("reading back the good write", rc);
    blkfront_dev_close(&d, CONNECT_NS);
    printf("blk-guest %u: ok: the write error and the flush error reached the guest as errors "
           "(flush: %d)\n",
           domid, rc);
    return 0;
}

/* ---- mode=peak: the most grant mappings this guest ever makes dom0 hold ---- */

static int mode_peak(void)
{
    struct blkfront_dev d;
    int rc = connect_disk(&d, XVDA);

    if (rc)
        return fail("connect", rc);
    for (unsigned int i = 0; i < MAX_DEPTH && rc == 0; i++)
        rc = submit(&d, BLKFRONT_READ, (uint64_t)i * MAX_IO_SECS % (d.info.sectors - MAX_IO_SECS),
                    MAX_IO_SECS, MAX_DEPTH, NULL);
    if (rc == 0)
        rc = drain_to(&d, 0);
    blkfront_dev_close(&d, CONNECT_NS);
    if (rc || io_errors)
        return fail("peak reads", rc ? rc : -EIO);
    printf("blk-guest %u: ok: %u reads of %u sectors in flight at once\n", domid, MAX_DEPTH,
           MAX_IO_SECS);
    return 0;
}

/* ---- mode=demo ---- */

static int mode_demo(void)
{
    static const char msg[] = "Skiff PV block demo: this sector went guest -> blkfront -> "
                              "blkback (dom0) -> virtio-blk -> disk.img";
    struct blkfront_dev d;
    uint64_t t0;
    int rc;

    if ((rc = connect_disk(&d, XVDA)))
        return fail("connect", rc);
    memset(slots[0].buf, 0, SECTOR);
    memcpy(slots[0].buf, msg, sizeof(msg));
    t0 = monotonic_ns();
    rc = blkfront_write(&d.xen.core, 0, slots[0].buf, SECTOR);
    if (rc == 0 && d.info.can_flush)
        rc = blkfront_flush(&d.xen.core);
    if (rc == 0)
        rc = blkfront_read(&d.xen.core, 0, slots[1].buf, SECTOR);
    if (rc || memcmp(slots[1].buf, msg, sizeof(msg)))
        return fail("demo write/flush/read", rc ? rc : -EIO);
    printf("blk-guest %u: xvda: %lu MiB, wrote, flushed and read back sector 0 in %lu us: "
           "\"%.40s...\"\n",
           domid, (unsigned long)(d.info.sectors >> 11),
           (unsigned long)((monotonic_ns() - t0) / 1000), (const char *)slots[1].buf);
    blkfront_dev_close(&d, CONNECT_NS);
    sleep_ns(600ull * 1000000000ull); /* until `shutdown` */
    return 0;
}

int blk_hostile(unsigned int domid);                      /* blk_hostile.c */
int blk_x4(unsigned int domid);                           /* blk_hostile.c */
int blk_bench(unsigned int domid, int argc, char **argv); /* blk_bench.c */

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "mode=rw";
    uint32_t seed = (uint32_t)arg_num(argc, argv, "seed", 1);
    int rc;

    domid = start_info.domid;
    rng_state ^= seed;
    if ((rc = events_init()) || (rc = gnttab_setup(0)) || (rc = alloc_buffers()))
        return fail("set-up", rc);
    if (strcmp(mode, "mode=rw") == 0)
        return mode_rw(seed);
    if (strcmp(mode, "mode=loop") == 0)
        return mode_loop();
    if (strcmp(mode, "mode=durable") == 0)
        return mode_durable(seed);
    if (strcmp(mode, "mode=errors") == 0)
        return mode_errors();
    if (strcmp(mode, "mode=hostile") == 0)
        return blk_hostile(domid);
    if (strcmp(mode, "mode=demo") == 0)
        return mode_demo();
    if (strcmp(mode, "mode=peak") == 0)
        return mode_peak();
    if (strcmp(mode, "mode=x4") == 0)
        return blk_x4(domid);
    if (strcmp(mode, "mode=reconnect") == 0)
        return mode_reconnect(seed);
    if (strcmp(mode, "mode=bench") == 0)
        return blk_bench(domid, argc, argv);
    return fail("unknown mode (rw|loop|durable|errors|hostile|demo|peak|x4|reconnect|bench)",
                -EINVAL);
}
