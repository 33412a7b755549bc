/*
 * lib_test.h - helpers shared by the hypervisor/lib unit tests: a small
 * deterministic random number generator and a suite runner.
 */
#ifndef SKIFF_TESTS_LIB_TEST_H
#define SKIFF_TESTS_LIB_TEST_H

#include <check.h>
#include <stdint.h>
#include <stdlib.h>

/* xorshift64*: reproducible from its seed, which must not be 0. */
static inline uint64_t rng_next(uint64_t *state)
{
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    return *state * 0x2545f4914f6cdd1dull;
}

/* A random number below n (n > 0). */
static inline size_t rng_below(uint64_t *state, size_t n)
{
    return rng_next(state) % n;
}

static inline int run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
