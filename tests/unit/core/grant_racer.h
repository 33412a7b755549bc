/*
 * grant_racer.h - a host thread standing in for a granter's vCPU on another
 * CPU: it rewrites one 32-bit grant-entry word {flags, domid} in a loop
 * while the test runs the hypervisor core. Kept apart from the hypervisor's
 * headers (pthread.h and skiff/sched.h both declare sched_yield).
 */
#ifndef SKIFF_TESTS_GRANT_RACER_H
#define SKIFF_TESTS_GRANT_RACER_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Starts rewriting *word, alternating between a and b. polite: with a
 * compare-and-swap that keeps the bits of keep_mask (the in-use flags) as
 * they are; otherwise with plain stores. Returns 0 or an errno.
 */
int grant_racer_start(uint32_t *word, uint32_t a, uint32_t b, bool polite, uint32_t keep_mask);
/* Rewrites so far. */
unsigned long grant_racer_writes(void);
/* Stops the thread; returns how many rewrites it made. */
unsigned long grant_racer_stop(void);

#endif
