/*
 * selftest_blk.c - dom0 self-tests of the block split driver: blk.elf
 * guests (tests/guests/blk_guest.c) with blkfront on disks that vbd.c
 * attaches and blkback serves, on dom0's virtio disk (the tests give QEMU
 * one with @disk) or on RAM disks:
 *   blk-rw       the pattern over a 4 MiB range of vda, read back; the host
 *                then checks the image file (@check)
 *   blk-ram      the same on a RAM disk (no virtio disk needed)
 *   blk-two      two guests on two ranges of vda at once
 *   blk-hostile  a guest sends bad requests (R2, R3, R5) while another
 *                guest's disk keeps working
 *   blk-destroy  a guest destroyed mid-I/O: nothing is left (R8)
 *   blk-detach   a disk detached while I/O is in flight
 *   blk-errors   write and flush errors below dom0 reach the guest (D5)
 *   blk-durable  flushes while the runner kills QEMU (D2; the host checks)
 * Each ends with no disk attached and frames and ports where they began.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <skiff/guest.h>
#include <skiff/hypercall.h>
#include <skiff/test.h>
#include <skiff/time.h>

#include "dom0.h"
#include "domctl.h"
#include "vbd.h"

#define GUEST_MIB 16
#define RUN_MS    60000 /* a guest's whole run (the runner gives 90 s) */
#define DRAIN_MS  5000

struct disk {
    const char *vdev, *backing;
    bool readonly;
};

/* Builds blk.elf paused, attaches its disks, lets it run. */
static int start_guest(const char *cmdline, const struct disk *disks, unsigned int n, domid_t *id)
{
    const char *why = "";
    int rc = selftest_build("blk.elf", GUEST_MIB, cmdline, id, NULL, NULL);

    for (unsigned int i = 0; rc == 0 && i < n; i++) {
        rc = vbd_attach(*id, disks[i].vdev, disks[i].backing, disks[i].readonly, &why);
        if (rc) {
            printf("blk: attaching %s (%s): %s\n", disks[i].vdev, disks[i].backing, why);
            domctl_destroy(*id);
        }
    }
    if (rc == 0)
        rc = domctl_unpause(*id);
    if (rc)
        test_error("cannot start a blk.elf guest");
    return rc;
}

/* Waits for the guests to power off by themselves (their own checks passed). */
static void expect_poweroff(const domid_t *ids, unsigned int n)
{
    int rc = domains_wait_shutdown(ids, n, RUN_MS);

    if (rc) { /* what the guests were doing, for the log */
        struct skiff_sysctl op = {.cmd = SKIFF_SYSCTL_sched_dump};
        HYPERVISOR_sysctl(&op);
        vbd_list(ids[0]);
        if (n > 1)
            vbd_list(ids[1]);
    }
    TEST_EQ(rc, 0);
    for (unsigned int i = 0; i < n; i++)
        TEST_EQ(selftest_reason_of(ids[i]), SHUTDOWN_poweroff);
}

/* Destroys the guests, lets blkback drain, checks that nothing is left (and, with before, frames and ports). */
static void finish(const domid_t *ids, unsigned int n, const struct snapshot *before,
                   const char *name)
{
    uint64_t until;

    selftest_destroy_all(ids, n);
    until = monotonic_ns() + DRAIN_MS * 1000000ull;
    while ((vbd_count() || vbd_zombies()) && monotonic_ns() < until)
        domains_poll_until(0, monotonic_ns() + 2000000ull);
    TEST_EQ(vbd_count(), 0u);
    TEST_EQ(vbd_zombies(), 0u);
    if (before)
        selftest_expect_snapshot(before, name);
}

/*
 * selftest_setup, then one short blk.elf run on a RAM disk before the
 * snapshot: the hypervisor grows dom0's maptrack (its table of grant
 * mappings) to the peak number of mappings and keeps it, as Xen does; the
 * warm-up reaches that peak, so the test's frame count compares like with
 * like.
 */
static bool blk_setup(struct snapshot *s)
{
    static const struct disk warm[2] = {{"xvda", "ram:1M", false}, {"xvda", "ram:1M", false}};
    domid_t ids[2];

    /* Two guests at their peak at once: the most any test here makes dom0 map. */
    if (!selftest_setup(s) || start_guest("mode=peak", &warm[0], 1, &ids[0]))
        return false;
    if (start_guest("mode=peak", &warm[1], 1, &ids[1]) == 0) {
        expect_poweroff(ids, 2);
        finish(ids, 2, NULL, "blk warm-up");
    } else {
        finish(ids, 1, NULL, "blk warm-up");
    }
    return selftest_setup(s);
}

static int run_one_guest(const char *name, const char *cmdline, const struct disk *disks,
                         unsigned int n)
{
    struct snapshot before;
    domid_t id;

    if (!blk_setup(&before) || start_guest(cmdline, disks, n, &id))
        return test_finish();
    expect_poweroff(&id, 1);
    finish(&id, 1, &before, name);
    return test_finish();
}

static int selftest_blk_rw(void)
{
    static const struct disk d = {"xvda", "vda:0+8192", false};

    return run_one_guest("blk-rw", "mode=rw seed=2718281", &d, 1);
}

static int selftest_blk_ram(void)
{
    static const struct disk d = {"xvda", "ram:4M", false};

    return run_one_guest("blk-ram", "mode=rw seed=31415", &d, 1);
}

static int selftest_blk_errors(void)
{
    static const struct disk d = {"xvda", "vda:0+4096", false};

    return run_one_guest("blk-errors", "mode=errors", &d, 1);
}

static int selftest_blk_durable(void)
{
    static const struct disk d = {"xvda", "vda:0+8192", false};

    /* The runner kills QEMU after a few flushes; if it does not, the run ends normally. */
    return run_one_guest("blk-durable", "mode=durable seed=1618033", &d, 1);
}

static int selftest_blk_two(void)
{
    static const struct disk a = {"xvda", "vda:0+4096", false},
                             b = {"xvda", "vda:4096+4096", false};
    struct snapshot before;
    domid_t ids[2];

    if (!blk_setup(&before) || start_guest("mode=rw seed=11", &a, 1, &ids[0]))
        return test_finish();
    if (start_guest("mode=rw seed=22", &b, 1, &ids[1])) {
        finish(ids, 1, &before, "blk-two");
        return test_finish();
    }
    expect_poweroff(ids, 2);
    finish(ids, 2, &before, "blk-two");
    return test_finish();
}

static int selftest_blk_hostile(void)
{
    static const struct disk bad[] = {{"xvda", "ram:1M", false}, {"xvdb", "ram:1M", true}};
    static const struct disk good = {"xvda", "ram:4M", false};
    struct snapshot before;
    domid_t ids[2];

    if (!blk_setup(&before) || start_guest("mode=rw seed=99", &good, 1, &ids[0]))
        return test_finish();
    if (start_guest("mode=hostile", bad, 2, &ids[1])) {
        finish(ids, 1, &before, "blk-hostile");
        return test_finish();
    }
    expect_poweroff(ids, 2); /* both passed their own checks */
    finish(ids, 2, &before, "blk-hostile");
    return test_finish();
}

/* Waits until the guest printed that it loops (its first I/Os are in flight). */
static void let_it_run(domid_t id, unsigned int ms)
{
    (void)id;
    domains_sleep_ms(ms);
}

/* X4: five disks, five bad handshakes; each refused, nothing mapped or bound. */
static int selftest_blk_x4(void)
{
    static const struct disk d[] = {{"xvda", "ram:64K", false},
                                    {"xvdb", "ram:64K", false},
                                    {"xvdc", "ram:64K", false},
                                    {"xvdd", "ram:64K", false},
                                    {"xvde", "ram:64K", false}};
    struct snapshot before;
    domid_t id;

    if (!blk_setup(&before) || start_guest("mode=x4", d, 5, &id))
        return test_finish();
    expect_poweroff(&id, 1);
    TEST_EQ(vbd_count(), 5u);
    finish(&id, 1, &before, "blk-x4");
    return test_finish();
}

/* The backend restarts twice under a writing guest: it reconnects, nothing is lost. */
static int selftest_blk_reconnect(void)
{
    static const struct disk d = {"xvda", "ram:4M", false};
    struct snapshot before;
    unsigned int restarts = 0;
    domid_t id;

    if (!blk_setup(&before) || start_guest("mode=reconnect seed=5", &d, 1, &id))
        return test_finish();
    /* Once the guest writes (Connected), and again as soon as it has reconnected. */
    for (unsigned int i = 0; i < 1000 && restarts < 2; i++) {
        domains_sleep_ms(5);
        restarts += vbd_restart(id, "xvda") == 0;
    }
    TEST_EQ(restarts, 2u);
    expect_poweroff(&id, 1);
    finish(&id, 1, &before, "blk-reconnect");
    printf("blk-reconnect: the backend went away %u times under I/O; the guest reconnected\n",
           restarts);
    return test_finish();
}

static int selftest_blk_destroy(void)
{
    static const struct disk d = {"xvda", "ram:4M", false};
    struct snapshot before;
    domid_t id;

    if (!blk_setup(&before))
        return test_finish();
    for (unsigned int round = 0; round < 5 && !test_failures(); round++) {
        if (start_guest("mode=loop", &d, 1, &id))
            break;
        let_it_run(id, 300 + 100 * round);
        TEST_EQ(vbd_count(), 1u);
        finish(&id, 1, &before, "blk-destroy");
    }
    printf("blk-destroy: 5 guests destroyed in the middle of their I/O: nothing left\n");
    return test_finish();
}

static int selftest_blk_detach(void)
{
    static const struct disk d = {"xvda", "ram:4M", false};
    struct snapshot before;
    domid_t id;

    if (!blk_setup(&before) || start_guest("mode=loop", &d, 1, &id))
        return test_finish();
    let_it_run(id, 500);
    TEST_EQ(vbd_detach(id, "xvda", DRAIN_MS), 0);
    TEST_EQ(vbd_count(), 0u);
    expect_poweroff(&id, 1); /* it saw its backend go and closed cleanly */
    finish(&id, 1, &before, "blk-detach");
    printf("blk-detach: a disk detached under I/O; the guest closed its side\n");
    return test_finish();
}

const struct dom0_selftest dom0_blk_selftests[] = {
    {"blk-rw", "a guest writes, flushes and verifies a 4 MiB range of vda", selftest_blk_rw},
    {"blk-ram", "the same on a RAM disk", selftest_blk_ram},
    {"blk-two", "two guests on two ranges of vda at once", selftest_blk_two},
    {"blk-hostile", "bad requests (R2, R3, R5) get errors; another guest goes on",
     selftest_blk_hostile},
    {"blk-x4", "garbage ring-ref, event-channel, protocol (X4): each disk refused",
     selftest_blk_x4},
    {"blk-reconnect", "the backend goes away twice under I/O: blkfront reconnects, re-issues",
     selftest_blk_reconnect},
    {"blk-destroy", "guests destroyed mid-I/O leave nothing behind (R8)", selftest_blk_destroy},
    {"blk-detach", "a disk detached while I/O is in flight", selftest_blk_detach},
    {"blk-errors", "write and flush errors below dom0 reach the guest (D5)", selftest_blk_errors},
    {"blk-durable", "a guest flushes chunk after chunk (the runner kills QEMU: D2)",
     selftest_blk_durable},
    {NULL, NULL, NULL},
};
