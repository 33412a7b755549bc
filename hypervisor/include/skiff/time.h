/*
 * skiff/time.h - system time: nanoseconds since boot, derived from the TSC
 * with one scale (mul, shift) that guests get too, in their vcpu_time_info,
 * so they read the same clock without a hypercall. Plus the wall clock at
 * boot, published in shared_info.
 */
#ifndef SKIFF_TIME_H
#define SKIFF_TIME_H

#include <skiff/types.h>

struct vcpu;
struct domain;

/* TSC -> ns scale: ns = ((delta << shift) * mul) >> 32 (negative shift: right). */
struct time_scale {
    uint32_t mul;
    int8_t shift;
};

/* Computes the scale for a counter of khz kHz. */
struct time_scale time_scale_for_khz(uint64_t khz);
/* Applies a scale to a counter delta. */
uint64_t time_scale_apply(struct time_scale s, uint64_t delta);

/* The TSC value at system time ns (for TSC-deadline timers). */
uint64_t time_ns_to_cycles(uint64_t ns);
/* Sets up system time from the calibrated TSC (tsc_khz) and the RTC (epoch seconds). */
void time_init(uint64_t tsc_khz, uint64_t wallclock_sec);

/* Nanoseconds since time_init. */
uint64_t now_ns(void);

/* Refreshes v's vcpu_time_info (seqlock: version odd while writing). */
void time_update_vcpu(struct vcpu *v);
/* Writes the wall clock into d's shared_info. */
void time_update_wallclock(struct domain *d);

#endif /* SKIFF_TIME_H */
