/*
 * time.c - system time (ns since boot) from the cycle counter, and what
 * guests see of it: each vCPU's vcpu_time_info (refreshed whenever the vCPU
 * is switched in, under a seqlock) and the wall clock in shared_info.
 */
#include <skiff/arch.h>
#include <skiff/domain.h>
#include <skiff/time.h>

static struct time_scale scale;
static uint64_t cycles_at_boot;
static uint64_t wallclock_at_boot; /* seconds since the epoch */

struct time_scale time_scale_for_khz(uint64_t khz)
{
    /* ns per cycle as a 32.32 fixed-point number, normalised into [2^31, 2^32). */
    uint64_t per_cycle = (1000000ull << 32) / (khz ? khz : 1);
    int shift = 0;

    while (per_cycle >= (1ull << 32)) {
        per_cycle >>= 1;
        shift++;
    }
    while (per_cycle && per_cycle < (1ull << 31)) {
        per_cycle <<= 1;
        shift--;
    }
    return (struct time_scale){(uint32_t)per_cycle, (int8_t)shift};
}

uint64_t time_scale_apply(struct time_scale s, uint64_t delta)
{
    if (s.shift >= 0)
        delta <<= s.shift;
    else
        delta >>= -s.shift;
    return (uint64_t)(((unsigned __int128)delta * s.mul) >> 32);
}

static uint64_t cycles_khz;

uint64_t time_ns_to_cycles(uint64_t ns)
{
    return cycles_at_boot + (uint64_t)((unsigned __int128)ns * cycles_khz / 1000000);
}

void time_init(uint64_t tsc_khz, uint64_t wallclock_sec)
{
    cycles_khz = tsc_khz;
    scale = time_scale_for_khz(tsc_khz);
    cycles_at_boot = arch_cycles();
    wallclock_at_boot = wallclock_sec;
}

uint64_t now_ns(void)
{
    return time_scale_apply(scale, arch_cycles() - cycles_at_boot);
}

/* How old (in TSC cycles) a vCPU's time stamp may get before a switch refreshes it. */
#define TIME_REFRESH_CYCLES (1ull << 30)

void time_update_vcpu(struct vcpu *v)
{
    struct vcpu_time_info *t;

    if (!v->info)
        return;
    t = &v->info->time;
    uint64_t cycles = arch_cycles();
    /*
     * With one constant TSC scale the stamp stays exact; refresh it only so
     * that the guest's (tsc - tsc_timestamp) stays small enough for its
     * 64-bit arithmetic. This runs at every switch: skip when it can.
     */
    if (t->version && !(t->version & 1) && t->tsc_to_system_mul == scale.mul &&
        t->tsc_shift == scale.shift && cycles - t->tsc_timestamp < TIME_REFRESH_CYCLES)
        return;
    __atomic_store_n(&t->version, t->version + 1, __ATOMIC_RELEASE);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    t->tsc_timestamp = cycles;
    t->system_time = time_scale_apply(scale, cycles - cycles_at_boot);
    t->tsc_to_system_mul = scale.mul;
    t->tsc_shift = scale.shift;
    t->flags = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    __atomic_store_n(&t->version, t->version + 1, __ATOMIC_RELEASE);
}

void time_update_wallclock(struct domain *d)
{
    struct shared_info *s = d->shared_info;

    if (!s)
        return;
    __atomic_store_n(&s->wc_version, s->wc_version + 1, __ATOMIC_RELEASE);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    s->wc_sec = (uint32_t)wallclock_at_boot;
    s->wc_sec_hi = (uint32_t)(wallclock_at_boot >> 32);
    s->wc_nsec = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    __atomic_store_n(&s->wc_version, s->wc_version + 1, __ATOMIC_RELEASE);
}
