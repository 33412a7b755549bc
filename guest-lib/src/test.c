/*
 * test.c - the in-guest test result protocol (skiff/test.h).
 */
#include <stdarg.h>
#include <stdio.h>

#include <skiff/test.h>

static int failures;
static const char *skip_reason;
static const char *error_reason;

void test_fail_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    failures++;
    printf("FAIL %s:%d: ", file, line);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

void test_skip(const char *why)
{
    skip_reason = why;
}

void test_error(const char *why)
{
    error_reason = why;
    printf("ERROR: %s\n", why);
}

int test_failures(void)
{
    return failures;
}

int test_finish(void)
{
    const char *result = "SUCCESS";

    if (error_reason)
        result = "ERROR";
    else if (failures)
        result = "FAILURE";
    else if (skip_reason)
        result = "SKIP";
    if (skip_reason && !failures && !error_reason)
        printf("skipped: %s\n", skip_reason);
    printf("Test result: %s\n", result);
    console_flush();
    return (error_reason || failures) ? 1 : 0;
}
