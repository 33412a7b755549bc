/*
 * skiff/test.h - the in-guest test result protocol.
 *
 * A test guest checks things with TEST_CHECK / TEST_EQ (failures are printed
 * with file and line and counted) and ends with test_finish(), which prints
 * exactly one line "Test result: SUCCESS|SKIP|ERROR|FAILURE". The test
 * runner boots the guest in a fresh QEMU and reads that line; a guest that
 * prints none has crashed.
 */
#ifndef SKIFF_GUEST_TEST_H
#define SKIFF_GUEST_TEST_H

#include <stdbool.h>

void test_fail_at(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define TEST_CHECK(cond)                                                 \
    do {                                                                 \
        if (!(cond))                                                     \
            test_fail_at(__FILE__, __LINE__, "check failed: %s", #cond); \
    } while (0)

#define TEST_EQ(a, b)                                                                            \
    do {                                                                                         \
        long long a_ = (long long)(a), b_ = (long long)(b);                                      \
        if (a_ != b_)                                                                            \
            test_fail_at(__FILE__, __LINE__, "%s == %lld, expected %s == %lld", #a, a_, #b, b_); \
    } while (0)

/* The test cannot run here (missing feature): SKIP unless something failed. */
void test_skip(const char *why);
/* The test itself went wrong (not the code under test). */
void test_error(const char *why);
/* Number of failures so far. */
int test_failures(void);
/* Prints the result line; returns 0 for SUCCESS or SKIP, 1 otherwise. */
int test_finish(void);

#endif
