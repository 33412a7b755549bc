/*
 * selftest_devices.c - dom0 self-tests of device access (I/O ports, PCI,
 * interrupts as event channels) and of the physical drivers: PCI
 * enumeration, virtio-blk and RAM disk reads and writes at several queue
 * depths checked end to end (and, for virtio-blk, against the host's image
 * file: tests/integration/check-disk-pattern), device errors reaching the
 * submitter, and an unprivileged guest refused device access.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <skiff/guest.h>
#include <skiff/page_alloc.h>
#include <skiff/test.h>
#include <skiff/time.h>

#include "../dom0/dom0.h"
#include "domctl.h"
#include "drivers.h"
#include "pci.h"
#include "virtio.h"

#define REQ_TIMEOUT_MS 10000u
#define MAX_QD         32u
#define RW_SECTORS     4096u /* 2 MiB written and read back */
#define DEFAULT_SEED   0x5eed5eedull

/* ---- the pattern the host can recompute (check-disk-pattern) ---- */

static uint64_t xorshift(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545f4914f6cdd1dull;
}

/* Sector `sector` of the pattern: 64 little-endian words of xorshift64* seeded by both. */
static void pattern_sector(uint64_t seed, uint64_t sector, uint8_t *out)
{
    uint64_t s = (seed ^ (sector * 0x9e3779b97f4a7c15ull)) | 1;

    for (unsigned int i = 0; i < BLKDEV_SECTOR_SIZE / 8; i++) {
        uint64_t w = xorshift(&s);
        memcpy(out + 8 * i, &w, 8);
    }
}

/* ---- an asynchronous request engine with a bounded queue depth ---- */

struct engine {
    struct blkdev *dev;
    struct blkdev_req reqs[MAX_QD];
    bool busy[MAX_QD];
    unsigned int in_flight, max_in_flight, qd;
    unsigned int submitted, errors, first_error_status_neg;
};

static void engine_done(struct blkdev_req *req, int status)
{
    struct engine *e = req->cookie;
    unsigned int i = (unsigned int)(req - e->reqs);

    e->busy[i] = false;
    e->in_flight--;
    if (status) {
        e->errors++;
        if (!e->first_error_status_neg)
            e->first_error_status_neg = (unsigned int)-status;
    }
}

/* A free request slot, waiting for completions while the depth is reached. */
static struct blkdev_req *engine_slot(struct engine *e)
{
    uint64_t deadline = monotonic_ns() + REQ_TIMEOUT_MS * NSEC_PER_MSEC;

    for (;;) {
        blkdev_poll_all();
        if (e->in_flight < e->qd)
            for (unsigned int i = 0; i < e->qd; i++)
                if (!e->busy[i])
                    return &e->reqs[i];
        if (monotonic_ns() > deadline)
            return NULL;
        drivers_wait(deadline);
    }
}

static int engine_submit(struct engine *e, struct blkdev_req *req)
{
    unsigned int i = (unsigned int)(req - e->reqs);
    int rc;

    req->done = engine_done;
    req->cookie = e;
    e->busy[i] = true;
    e->in_flight++;
    while ((rc = e->dev->submit(e->dev, req)) == -EBUSY)
        drivers_wait(0);
    if (rc) {
        e->busy[i] = false;
        e->in_flight--;
        return rc;
    }
    e->submitted++;
    if (e->in_flight > e->max_in_flight)
        e->max_in_flight = e->in_flight;
    return 0;
}

static bool engine_drain(struct engine *e)
{
    uint64_t deadline = monotonic_ns() + REQ_TIMEOUT_MS * NSEC_PER_MSEC;

    blkdev_poll_all();
    while (e->in_flight && monotonic_ns() < deadline) {
        drivers_wait(deadline);
    }
    return e->in_flight == 0;
}

/*
 * Moves sectors [first, end) between the disk and buf (page-aligned, laid
 * out like the disk from sector 0) in requests of random shape: 1..32
 * segments each of 1..8 sectors inside one page of buf, at queue depth qd.
 * 0 or the first error.
 */
static int transfer(struct blkdev *dev, enum blkdev_op op, uint8_t *buf, uint64_t first, uint64_t n,
                    unsigned int qd, uint64_t *rng, unsigned int *requests)
{
    static struct engine e; /* 25 KiB of requests: not on dom0's 16 KiB stack */
    uint64_t s = first;

    memset(&e, 0, sizeof(e));
    e.dev = dev;
    e.qd = qd < dev->queue_depth ? qd : dev->queue_depth;
    n += first;
    if (e.qd > MAX_QD)
        e.qd = MAX_QD;
    while (s < n) {
        struct blkdev_req *req = engine_slot(&e);
        if (!req)
            return -ETIMEDOUT;
        memset(req, 0, sizeof(*req));
        req->op = op;
        req->sector = s;
        unsigned int segs = 1 + (unsigned int)(xorshift(rng) % BLKDEV_MAX_SEGS);
        while (req->nr_segs < segs && s < n) {
            uint64_t room = 8 - s % 8, k = 1 + xorshift(rng) % room;
            if (k > n - s)
                k = n - s;
            struct blkdev_seg *g = &req->segs[req->nr_segs++];
            g->va = buf + s * BLKDEV_SECTOR_SIZE;
            g->maddr = virtio_dma_addr(g->va);
            g->len = (uint32_t)(k * BLKDEV_SECTOR_SIZE);
            s += k;
        }
        int rc = engine_submit(&e, req);
        if (rc)
            return rc;
    }
    if (!engine_drain(&e))
        return -ETIMEDOUT;
    *requests += e.submitted;
    return e.errors ? -(int)e.first_error_status_neg : 0;
}

static int flush(struct blkdev *dev)
{
    struct blkdev_req req = {.op = BLKDEV_FLUSH};

    return blkdev_sync(dev, &req, REQ_TIMEOUT_MS);
}

static uint64_t seed_from_cmdline(void)
{
    const char *p = strstr(start_info.cmdline, "seed=");

    return p ? strtoull(p + 5, NULL, 0) : DEFAULT_SEED;
}

/* Writes the pattern to [0, n) at each queue depth in turn, flushes, reads back, compares. */
static void rw_test(struct blkdev *dev, const char *name)
{
    static const unsigned int depths[] = {1, 4, MAX_QD};
    uint64_t seed = seed_from_cmdline(), rng = seed | 1, n = RW_SECTORS;
    unsigned int requests = 0;

    if (n > dev->sectors)
        n = dev->sectors;
    size_t pages = (size_t)(n * BLKDEV_SECTOR_SIZE + 4095) / 4096;
    uint8_t *want = page_alloc(pages), *got = page_alloc(pages);
    if (!want || !got) {
        test_error("out of memory");
        return;
    }
    for (uint64_t s = 0; s < n; s++)
        pattern_sector(seed, s, want + s * BLKDEV_SECTOR_SIZE);
    /* Thirds of the range at depth 1, 4 and 32. */
    uint64_t third = n / 3;
    for (unsigned int i = 0; i < 3; i++) {
        uint64_t first = i * third, count = i == 2 ? n - first : third;
        TEST_EQ(transfer(dev, BLKDEV_WRITE, want, first, count, depths[i], &rng, &requests), 0);
    }
    if (dev->can_flush)
        TEST_EQ(flush(dev), 0);
    TEST_EQ(transfer(dev, BLKDEV_READ, got, 0, n, MAX_QD, &rng, &requests), 0);
    TEST_CHECK(memcmp(want, got, n * BLKDEV_SECTOR_SIZE) == 0);
    printf("%s: %s: wrote the pattern (seed 0x%llx) to sectors 0-%llu in %u requests at queue "
           "depths 1, 4, %u, %s, read back: %s\n",
           name, dev->name, (unsigned long long)seed, (unsigned long long)n - 1, requests, MAX_QD,
           dev->can_flush ? "flushed" : "no flush (write-through)",
           memcmp(want, got, n * BLKDEV_SECTOR_SIZE) == 0 ? "ok" : "MISMATCH");
    page_free(want, pages);
    page_free(got, pages);
}

/* Requests the device must refuse at submit. */
static void bad_requests(struct blkdev *dev)
{
    static uint8_t buf[4096] __attribute__((aligned(4096)));
    struct blkdev_req r = {.op = BLKDEV_READ, .sector = 0, .nr_segs = 1};

    r.segs[0] = (struct blkdev_seg){virtio_dma_addr(buf), buf, 512};
    r.nr_segs = 0;
    TEST_EQ(dev->submit(dev, &r), -EINVAL); /* no segment */
    r.nr_segs = BLKDEV_MAX_SEGS + 1;
    TEST_EQ(dev->submit(dev, &r), -EINVAL);
    r.nr_segs = 1;
    r.segs[0].len = 100;
    TEST_EQ(dev->submit(dev, &r), -EINVAL); /* not whole sectors */
    r.segs[0] = (struct blkdev_seg){virtio_dma_addr(buf + 3584), buf + 3584, 1024};
    TEST_EQ(dev->submit(dev, &r), -EINVAL); /* crosses a page */
    r.segs[0] = (struct blkdev_seg){virtio_dma_addr(buf), buf, 1024};
    r.sector = dev->sectors - 1;
    TEST_EQ(dev->submit(dev, &r), -EINVAL); /* past the end */
    r.sector = ~0ull;
    TEST_EQ(dev->submit(dev, &r), -EINVAL); /* wrapping */
    r.sector = 0;
    r.op = (enum blkdev_op)7;
    TEST_EQ(dev->submit(dev, &r), -EINVAL);
    r.op = BLKDEV_FLUSH;
    TEST_EQ(dev->submit(dev, &r), -EINVAL); /* a flush has no segments */
}

static struct blkdev *first_disk(void)
{
    drivers_init();
    return blkdev_find("vda");
}

/* ---- the tests ---- */

static int selftest_pci_enumerate(void)
{
    unsigned int n = pci_enumerate();
    struct pci_dev *host = pci_device(0), *blk;
    char where[8];

    TEST_CHECK(n >= 2); /* host bridge and ISA bridge at least */
    TEST_CHECK(host && host->bus == 0 && host->dev == 0);
    for (unsigned int i = 0; i < n; i++) {
        struct pci_dev *d = pci_device(i);
        pci_name(d, where);
        printf("pci-enumerate: %s %04x:%04x class %02x.%02x irq pin %u line %u\n", where, d->vendor,
               d->device, d->class_code, d->subclass, d->irq_pin, d->irq_line);
    }
    blk = pci_find(VIRTIO_PCI_VENDOR, VIRTIO_PCI_LEGACY_BLK, 0);
    TEST_CHECK(blk != NULL);
    if (!blk)
        return test_finish();
    TEST_CHECK(blk->bar[0].io && blk->bar[0].base >= 0xc000 && blk->bar[0].size >= 0x40);
    TEST_CHECK(blk->irq_pin != 0 && blk->irq_line != 0 && blk->irq_line != 0xff);
    TEST_EQ(drivers_init(), 1);
    TEST_CHECK(blk->claimed);
    uint16_t cmd = pci_read16(blk->bus, blk->dev, blk->fn, PCI_COMMAND);
    TEST_CHECK((cmd & (PCI_CMD_IO | PCI_CMD_MASTER)) == (PCI_CMD_IO | PCI_CMD_MASTER));
    /* Config space survives a second look: the BAR reads back as assigned. */
    uint32_t bar0 = pci_read32(blk->bus, blk->dev, blk->fn, 0x10);
    TEST_EQ(bar0 & ~3u, blk->bar[0].base);
    /* Its MSI-X table (memory BAR 1), mapped uncached: every vector starts masked. */
    volatile uint32_t *msix = (volatile uint32_t *)pci_map_bar(blk, 1);
    TEST_CHECK(msix != NULL);
    if (msix) {
        TEST_EQ(msix[3] & 1, 1); /* entry 0, vector control: masked */
        TEST_CHECK(pci_map_bar(blk, 1) == msix);
    }
    TEST_CHECK(pci_map_bar(blk, 0) == NULL); /* an I/O BAR */
    pci_name(blk, where);
    printf("pci-enumerate: MSI-X table of %s mapped at %p (BAR 1 at 0x%llx)\n", where, (void *)msix,
           (unsigned long long)blk->bar[1].base);
    printf("pci-enumerate: %u functions, virtio-blk at %s: I/O BAR 0x%llx (%llu bytes%s), GSI %u\n",
           n, where, (unsigned long long)blk->bar[0].base, (unsigned long long)blk->bar[0].size,
           blk->bar[0].assigned ? ", assigned by dom0" : "", blk->irq_line);
    return test_finish();
}

static int selftest_virtio_blk_rw(void)
{
    struct blkdev *dev = first_disk();

    TEST_CHECK(dev != NULL);
    if (!dev)
        return test_finish();
    TEST_CHECK(dev->sectors >= RW_SECTORS);
    TEST_CHECK(dev->queue_depth >= MAX_QD);
    TEST_CHECK(dev->can_flush); /* QEMU offers it with cache=writeback */
    bad_requests(dev);
    rw_test(dev, "virtio-blk-rw");
    uint64_t irqs = virtio_blk_irq_count(dev);
    TEST_CHECK(irqs > 0);
    printf("virtio-blk-rw: %llu interrupts\n", (unsigned long long)irqs);
    return test_finish();
}

/*
 * Under QEMU's blkdebug (tests/integration/blkdebug-eio.conf): writes that
 * touch sector 2048 and every flush fail with EIO below dom0.
 */
static int selftest_virtio_blk_errors(void)
{
    static uint8_t buf[4096] __attribute__((aligned(4096)));
    struct blkdev *dev = first_disk();
    struct blkdev_req r;

    TEST_CHECK(dev != NULL);
    if (!dev)
        return test_finish();
    memset(buf, 0xa5, sizeof(buf));
    /* A write elsewhere succeeds and reads back. */
    r = (struct blkdev_req){.op = BLKDEV_WRITE, .sector = 8, .nr_segs = 1};
    r.segs[0] = (struct blkdev_seg){virtio_dma_addr(buf), buf, 4096};
    TEST_EQ(blkdev_sync(dev, &r, REQ_TIMEOUT_MS), 0);
    /* The write to sector 2048 fails, and so does a flush (D5: never OKAY). */
    r = (struct blkdev_req){.op = BLKDEV_WRITE, .sector = 2048, .nr_segs = 1};
    r.segs[0] = (struct blkdev_seg){virtio_dma_addr(buf), buf, 4096};
    int wrc = blkdev_sync(dev, &r, REQ_TIMEOUT_MS);
    TEST_EQ(wrc, -EIO);
    r = (struct blkdev_req){.op = BLKDEV_FLUSH};
    int frc = blkdev_sync(dev, &r, REQ_TIMEOUT_MS);
    TEST_EQ(frc, -EIO);
    /* The device goes on: reads still work. */
    r = (struct blkdev_req){.op = BLKDEV_READ, .sector = 8, .nr_segs = 1};
    r.segs[0] = (struct blkdev_seg){virtio_dma_addr(buf), buf, 4096};
    memset(buf, 0, sizeof(buf));
    TEST_EQ(blkdev_sync(dev, &r, REQ_TIMEOUT_MS), 0);
    TEST_EQ(buf[100], 0xa5);
    printf("virtio-blk-errors: write to sector 2048: %d, flush: %d (EIO below dom0 reached the "
           "submitter)\n",
           wrc, frc);
    return test_finish();
}

/*
 * D2 at the device: after a flush completed, the pattern must be in the
 * host's image even if QEMU dies that instant. Prints the marker the runner
 * kills QEMU on (tests.list: @kill-on, expectation powercut), then keeps
 * the machine busy; check-disk-pattern judges the image.
 */
static int selftest_virtio_blk_durable(void)
{
    struct blkdev *dev = first_disk();

    TEST_CHECK(dev && dev->can_flush);
    if (!dev || !dev->can_flush)
        return test_finish();
    rw_test(dev, "virtio-blk-durable"); /* writes, flushes, reads back */
    if (test_failures())
        return test_finish();
    printf("virtio-blk-durable: flush completed: DURABLE-AFTER-FLUSH\n");
    for (;;)
        domains_sleep_ms(1000); /* the runner kills QEMU now */
}

static int selftest_ramdisk_rw(void)
{
    TEST_EQ(ramdisk_create("ram0", 8192), 0);
    TEST_EQ(ramdisk_create("ram0", 8192), -EEXIST);
    TEST_EQ(ramdisk_create("", 8), -EINVAL);
    TEST_EQ(ramdisk_create("ram1", 0), -EINVAL);
    TEST_EQ(ramdisk_create("a-name-far-too-long", 8), -EINVAL);
    struct blkdev *dev = blkdev_find("ram0");
    TEST_CHECK(dev != NULL);
    if (!dev)
        return test_finish();
    TEST_EQ(dev->sectors, 8192);
    TEST_CHECK(dev->can_flush);
    bad_requests(dev);
    rw_test(dev, "ramdisk-rw");
    return test_finish();
}

/*
 * An unprivileged guest (tests/guests/hostile_dev.c) tries every device
 * operation: it powers off if all were refused, crashes otherwise. dom0's
 * own device access keeps working afterwards.
 */
static int selftest_device_hostile(void)
{
    struct snapshot before;
    domid_t id;

    if (!selftest_setup(&before))
        return test_finish();
    if (selftest_build("hostile-dev.elf", 8, NULL, &id, NULL, NULL)) {
        test_error("cannot build hostile-dev.elf");
        return test_finish();
    }
    TEST_EQ(domctl_unpause(id), 0);
    TEST_EQ(domains_wait_shutdown(&id, 1, 20000), 0);
    uint32_t reason = selftest_reason_of(id);
    TEST_EQ(reason, SHUTDOWN_poweroff);
    printf("device-hostile: unprivileged domain %u %s\n", id,
           reason == SHUTDOWN_poweroff ? "was refused every device operation"
                                       : "was allowed a device operation (it crashed)");
    selftest_destroy_all(&id, 1);
    /* dom0 still has its ports and its interrupt. */
    TEST_EQ(pci_read16(0, 0, 0, 0), 0x8086);
    struct blkdev *dev = first_disk();
    if (dev) {
        static uint8_t buf[4096] __attribute__((aligned(4096)));
        struct blkdev_req r = {.op = BLKDEV_READ, .sector = 0, .nr_segs = 1};
        r.segs[0] = (struct blkdev_seg){virtio_dma_addr(buf), buf, 4096};
        TEST_EQ(blkdev_sync(dev, &r, REQ_TIMEOUT_MS), 0);
    }
    selftest_expect_snapshot(&before, "device-hostile");
    return test_finish();
}

/* The native benchmark (./skiff bench blk) on a RAM disk and on vda if there is one. */
static int selftest_blk_bench(void)
{
    const char *p = strstr(start_info.cmdline, "requests=");
    unsigned int n = p ? (unsigned int)strtoul(p + 9, NULL, 0) : 2000;
    struct blkdev *vda = first_disk();

    TEST_EQ(ramdisk_create("ram0", 16384), 0);
    TEST_EQ(blkdev_bench(blkdev_find("ram0"), n), 0);
    if (vda)
        TEST_EQ(blkdev_bench(vda, n), 0);
    return test_finish();
}

const struct dom0_selftest dom0_device_selftests[] = {
    {"pci-enumerate", "PCI enumeration finds and enables the virtio-blk disk",
     selftest_pci_enumerate},
    {"virtio-blk-rw", "virtio-blk: pattern written at depths 1-32, flushed, read back",
     selftest_virtio_blk_rw},
    {"virtio-blk-errors", "virtio-blk under blkdebug: write and flush errors reach the submitter",
     selftest_virtio_blk_errors},
    {"virtio-blk-durable", "virtio-blk: pattern flushed, then the runner kills QEMU (D2)",
     selftest_virtio_blk_durable},
    {"ramdisk-rw", "RAM disk: pattern written at depths 1-32, read back", selftest_ramdisk_rw},
    {"device-hostile", "an unprivileged guest is refused ports, PIRQs and device memory",
     selftest_device_hostile},
    {"blk-bench", "native block benchmark on ram0 and vda (requests=N per test)",
     selftest_blk_bench},
    {NULL, NULL, NULL},
};
