/*
 * selftest_blk_bench.c - blk-pv-bench, the block benchmark of ./skiff bench
 * blk: the native path (blkdev_bench.c: dom0 straight to ram0 and vda) and
 * then the same workload through the PV path (a blk.elf guest in
 * mode=bench, blk_bench.c: blkfront -> blkback -> vda), with blkback
 * mapping grants and then copying them, all in one boot.
 *
 * Cost of a PV request: the guest's and dom0's cpu_time_ns (getdomaininfo:
 * the hypervisor's accounting of each vCPU, its hypercalls and interrupts
 * included, idle left out), from just before the guest is unpaused until it
 * has powered off, minus the same for a run with no requests (build, connect,
 * close, result), divided by the requests. Under -icount shift=0 a ns is an
 * instruction. The native path is counted the same way (dom0's cpu_time_ns
 * around each test) beside its "busy" figure. docs/block.md#benchmarks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <skiff/guest.h>
#include <skiff/test.h>
#include <skiff/time.h>

#include "dom0.h"
#include "domctl.h"
#include "drivers.h"
#include "vbd.h"
#include "xenstore.h"

#define BENCH_GUEST_MIB 16
#define BENCH_RUN_MS    120000
#define BENCH_DRAIN_MS  5000

struct pv_test {
    const char *name;
    unsigned int qd;
    unsigned int div; /* requests = n / div (the 128 KiB tests run n / 8, as blkdev_bench.c) */
};

/* blkdev_bench.c's tests in its order (the sequential write first, so reads read data). */
static const struct pv_test pv_tests[] = {
    {"seq_write_128k", 4, 8}, {"rand_read_4k", 1, 1},   {"rand_read_4k", 32, 1},
    {"rand_write_4k", 1, 1},  {"rand_write_4k", 32, 1}, {"seq_read_128k", 4, 8},
};

/* What one guest run cost and reported. */
struct pv_cost {
    uint64_t guest_ns, dom0_ns;   /* CPU time (-icount: instructions) */
    uint64_t ns, requests, bytes; /* the guest's own timing of its requests */
};

static uint64_t cpu_ns_of(domid_t id)
{
    struct skiff_domctl_getdomaininfo info;

    return domctl_getinfo_of(id, &info) == 0 && info.domid == id ? info.cpu_time_ns : 0;
}

static uint64_t dom0_cpu_ns(void)
{
    return cpu_ns_of(0);
}

/* The guest's "<ns> <requests> <bytes>" from its data/bench. */
static int read_result(domid_t id, struct pv_cost *c)
{
    char path[64], buf[80], *end;
    size_t len;
    int rc;

    snprintf(path, sizeof(path), "/local/domain/%u/data/bench", id);
    rc = xs_read(store_nodes(), 0, 0, path, buf, sizeof(buf) - 1, &len);
    if (rc)
        return rc;
    buf[len < sizeof(buf) ? len : sizeof(buf) - 1] = '\0';
    c->ns = strtoull(buf, &end, 10);
    c->requests = strtoull(end, &end, 10);
    c->bytes = strtoull(end, &end, 10);
    if (*end != '\0')
        return -EINVAL;
    return 0;
}

static bool port_pending(evtchn_port_t port)
{
    return __atomic_load_n(&shared_info->evtchn_pending[port / 64], __ATOMIC_ACQUIRE) >>
               (port % 64) &
           1;
}

/*
 * Waits for the guest to shut down, woken only by events, and looks at the
 * domain (a getdomaininfo) only when VIRQ_DOM_EXC is pending: what dom0
 * does per wake-up in between is its ordinary loop (domains_poll_until: the
 * services, blkback among them, xenstored, the consoles). domains_wait_shutdown
 * also wakes every 2 ms and asks the hypervisor each time; under
 * -icount,sleep=off the virtual clock leaps through such timeouts while the
 * host does the I/O, so their count would measure the host's disk.
 */
static int wait_shutdown(domid_t id)
{
    uint64_t deadline = monotonic_ns() + BENCH_RUN_MS * 1000000ull;
    int port = domains_watch(), rc;

    if (port < 0)
        return port;
    for (;;) {
        /* Timeout 0: clears the port, then one look, so no shutdown event is lost. */
        rc = domains_wait_shutdown(&id, 1, 0);
        if (rc != -ETIMEDOUT || monotonic_ns() >= deadline)
            return rc;
        do
            domains_poll_until((evtchn_port_t)port, deadline);
        while (!port_pending((evtchn_port_t)port) && monotonic_ns() < deadline);
    }
}

/* Destroys the guest and waits for its disk to be gone. */
static void pv_finish(domid_t id)
{
    uint64_t until;

    selftest_destroy_all(&id, 1);
    until = monotonic_ns() + BENCH_DRAIN_MS * 1000000ull;
    while ((vbd_count() || vbd_zombies()) && monotonic_ns() < until)
        domains_poll_until(0, monotonic_ns() + 2000000ull);
}

/* One blk.elf run of `test` at depth qd with n requests on the whole of vda. */
static int pv_run(const char *test, unsigned int qd, unsigned int n, struct pv_cost *c)
{
    char cmdline[96];
    const char *why = "";
    uint64_t d0;
    domid_t id;
    int rc;

    snprintf(cmdline, sizeof(cmdline), "mode=bench test=%s qd=%u requests=%u", test, qd, n);
    rc = selftest_build("blk.elf", BENCH_GUEST_MIB, cmdline, &id, NULL, NULL);
    if (rc)
        return rc;
    rc = vbd_attach(id, "xvda", "vda", false, &why);
    if (rc) {
        printf("blk-pv-bench: attaching vda: %s\n", why);
        goto out;
    }
    d0 = dom0_cpu_ns();
    rc = domctl_unpause(id);
    if (rc == 0)
        rc = wait_shutdown(id);
    c->guest_ns = cpu_ns_of(id);
    c->dom0_ns = dom0_cpu_ns() - d0;
    if (rc == 0 && selftest_reason_of(id) != SHUTDOWN_poweroff)
        rc = -EIO;
    if (rc == 0)
        rc = read_result(id, c);
out:
    pv_finish(id);
    return rc;
}

static uint64_t per_req(uint64_t a, uint64_t base, uint64_t n)
{
    return a > base && n ? (a - base) / n : 0;
}

/* Every test through the PV path with blkback's grant strategy `strat`. */
static int pv_bench(const char *strat, unsigned int n)
{
    struct pv_cost base = {0}, c = {0};
    int rc;

    vbd_use_grant_copy(strcmp(strat, "copy") == 0);
    rc = pv_run("rand_read_4k", 1, 0, &base);
    for (unsigned int i = 0; rc == 0 && i < sizeof(pv_tests) / sizeof(pv_tests[0]); i++) {
        const struct pv_test *t = &pv_tests[i];
        unsigned int reqs = n / t->div ? n / t->div : 1;
        rc = pv_run(t->name, t->qd, reqs, &c);
        if (rc)
            break;
        uint64_t g = per_req(c.guest_ns, base.guest_ns, reqs);
        uint64_t d = per_req(c.dom0_ns, base.dom0_ns, reqs);
        printf("blk-pv-bench: %-4s %-14s qd %2u: %6u requests, %7llu CPU ns/request "
               "(guest %llu + dom0 %llu; -icount: instructions), %7llu IOPS (emulated time)\n",
               strat, t->name, t->qd, reqs, (unsigned long long)(g + d), (unsigned long long)g,
               (unsigned long long)d,
               (unsigned long long)(c.ns ? c.requests * NSEC_PER_SEC / c.ns : 0));
        printf("BENCH blkpv_%s_vda_%s_qd%u %llu %u %llu %llu %llu %llu\n", strat, t->name, t->qd,
               (unsigned long long)(g + d), reqs, (unsigned long long)c.ns,
               (unsigned long long)c.bytes, (unsigned long long)g, (unsigned long long)d);
    }
    vbd_use_grant_copy(false);
    return rc;
}

static int selftest_blk_pv_bench(void)
{
    const char *p = strstr(start_info.cmdline, "requests=");
    unsigned int n = p ? (unsigned int)strtoul(p + 9, NULL, 0) : 2000;
    struct pv_cost warm;
    struct snapshot before;
    struct blkdev *vda;

    blkdev_bench_cpu_ns = dom0_cpu_ns;
    TEST_EQ(ramdisk_create("ram0", 16384), 0);
    TEST_EQ(blkdev_bench(blkdev_find("ram0"), n), 0);
    vda = blkdev_find("vda");
    if (!vda) {
        test_error("blk-pv-bench needs a virtio disk (vda)");
        return test_finish();
    }
    TEST_EQ(blkdev_bench(vda, n), 0);
    blkdev_bench_cpu_ns = NULL;
    /* A first guest grows dom0's maptrack to its peak, 4 x 32 maps (kept, as Xen does). */
    TEST_EQ(pv_run("seq_read_128k", 4, 8, &warm), 0);
    if (!selftest_setup(&before))
        return test_finish();
    TEST_EQ(pv_bench("map", n), 0);
    TEST_EQ(pv_bench("copy", n), 0);
    TEST_EQ(vbd_count(), 0u);
    selftest_expect_snapshot(&before, "blk-pv-bench");
    return test_finish();
}

const struct dom0_selftest dom0_blk_bench_selftests[] = {
    {"blk-pv-bench", "block benchmark: native and PV (map, copy) on vda (requests=N per test)",
     selftest_blk_pv_bench},
    {NULL, NULL, NULL},
};
