/*
 * null_hypercall.c - the cost of a hypercall round trip, measured in a guest
 * (booted as dom0) with the TSC. Under QEMU's -icount shift=0 every
 * instruction advances the TSC by exactly one, so the figures are
 * instruction counts, the same on every run and machine; without -icount
 * they are TCG cycles (emulated time, for reference only).
 *
 * Prints "BENCH <name> <value> <unit>" lines for tests/bench/run-bench.
 */
#include <stdio.h>

#include <skiff/hypercall.h>
#include <public/sysctl.h>

#define ROUNDS     7
#define ITERATIONS 20000

static inline uint64_t tsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* The measuring loop alone: the overhead to subtract. */
static uint64_t empty_loop(void)
{
    uint64_t t0 = tsc();
    for (unsigned int i = 0; i < ITERATIONS; i++)
        __asm__ volatile("" ::: "memory");
    return tsc() - t0;
}

/* xen_version(XENVER_version): the cheapest hypercall, through the hypercall page. */
static uint64_t null_hypercalls(void)
{
    uint64_t t0 = tsc();
    for (unsigned int i = 0; i < ITERATIONS; i++)
        HYPERVISOR_xen_version(XENVER_version, NULL);
    return tsc() - t0;
}

/* The smallest value of ROUNDS runs (interrupts, if any, only add). */
static uint64_t best_of(uint64_t (*fn)(void))
{
    uint64_t best = ~0ull;

    for (int r = 0; r < ROUNDS; r++) {
        uint64_t t = fn();
        best = t < best ? t : best;
    }
    return best;
}

static void report(const char *name, uint64_t total, uint64_t overhead)
{
    uint64_t net = total > overhead ? total - overhead : 0;
    /* Two decimals without floating point. */
    uint64_t hundredths = net * 100 / ITERATIONS;

    printf("BENCH %s %lu.%02lu per-op\n", name, (unsigned long)(hundredths / 100),
           (unsigned long)(hundredths % 100));
}

int main(void)
{
    uint64_t loop = best_of(empty_loop);
    uint64_t hc = best_of(null_hypercalls);

    struct skiff_sysctl op = {.cmd = SKIFF_SYSCTL_physinfo,
                              .interface_version = SKIFF_SYSCTL_INTERFACE_VERSION};

    report("null_hypercall", hc, loop);
    report("loop_overhead", loop, 0);
    if (HYPERVISOR_sysctl(&op) == 0)
        printf("BENCH tsc_khz %u.00 kHz\n", op.u.physinfo.cpu_khz);
    return 0;
}
