/*
 * selftest_console.c - dom0 self-tests of the PV console (consoled.c and
 * guest-lib's ring output), with hello.elf guests:
 *   console-ring     a guest's marker arrives through its ring (found in
 *                    dom0's history) and a typed line reaches its input ring
 *   console-flood    a guest prints 125 KiB: every line is printed, the
 *                    history keeps exactly the last 64 KiB
 *   console-destroy  guests destroyed with output pending (ring full, guest
 *                    waiting) and while paused: nothing leaks
 *   console-stalled  dom0 stops draining a guest's ring: the guest falls
 *                    back to console_io after its timeout, nothing is lost
 *   console-hostile  a guest publishes an impossible out_prod (HOSTILE R2):
 *                    its console is disconnected, another guest's works
 * Each ends with frames, domains and dom0's ports where they started.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <public/io/console.h>
#include <skiff/console.h>
#include <skiff/guest.h>
#include <skiff/hypercall.h>
#include <skiff/test.h>
#include <skiff/time.h>

#include "consoled.h"
#include "xenstored.h"
#include "dom0.h"
#include "domctl.h"

#define GUEST_MIB   4
#define WAIT_MS     60000
#define HELLO       "hello.elf"
#define FLOOD_LINES 1600 /* hello_guest.c */
#define FLOOD_LINE  80

static bool start(const char *cmdline, domid_t *id)
{
    struct domain_spec spec = {.image = HELLO, .mem_mib = GUEST_MIB, .cmdline = cmdline};
    const char *why;
    int rc = domains_create(&spec, id, &why);

    TEST_EQ(rc, 0);
    return rc == 0;
}

static bool history_has(domid_t id, const char *s)
{
    const struct console_history *h = consoled_history(id);

    return h && console_history_contains(h, s);
}

/* ---- console-ring ---- */

static void check_marker(void)
{
    char want[64];
    domid_t id;

    if (!start("mode=marker", &id))
        return;
    TEST_EQ(domains_wait_shutdown(&id, 1, WAIT_MS), 0);
    consoled_service();
    snprintf(want, sizeof(want), "console marker %u: through the ring\n", id);
    TEST_CHECK(history_has(id, want));
    TEST_EQ(consoled_lines(id), 1);
    TEST_EQ(domctl_destroy(id), 0);
    TEST_CHECK(consoled_history(id) == NULL);
    printf("console-ring: d%u's marker found in dom0's history\n", id);
}

/* Waits (serving consoles) until the history of id holds s. */
static bool wait_history(domid_t id, const char *s)
{
    uint64_t deadline = monotonic_ns() + WAIT_MS * 1000000ull;

    while (!history_has(id, s) && monotonic_ns() < deadline)
        domains_sleep_ms(2);
    return history_has(id, s);
}

static void check_input(void)
{
    static const char line[] = "ping through the in ring\n";
    domid_t id;

    if (!start("mode=echo", &id))
        return;
    TEST_CHECK(wait_history(id, "echo: waiting for a line\n"));
    TEST_EQ(consoled_input(id, line, sizeof(line) - 1), (int)sizeof(line) - 1);
    TEST_EQ(domains_wait_shutdown(&id, 1, WAIT_MS), 0);
    consoled_service();
    TEST_CHECK(history_has(id, "echo: ping through the in ring\n"));
    TEST_EQ(selftest_reason_of(id), SHUTDOWN_poweroff);
    TEST_EQ(domctl_destroy(id), 0);
    printf("console-ring: d%u echoed a line typed into its input ring\n", id);
}

static int selftest_console_ring(void)
{
    struct snapshot before;

    if (!selftest_setup(&before))
        return test_finish();
    check_marker();
    check_input();
    TEST_EQ(consoled_history(0) == NULL, 1); /* dom0 has no console ring */
    TEST_EQ(consoled_count(), 0);
    selftest_expect_snapshot(&before, "console-ring");
    return test_finish();
}

/* ---- console-flood ---- */

static int selftest_console_flood(void)
{
    struct snapshot before;
    char done[64], first[16], last[16];
    domid_t id;

    if (!selftest_setup(&before) || !start("mode=flood", &id))
        return test_finish();
    TEST_EQ(domains_wait_shutdown(&id, 1, WAIT_MS), 0);
    consoled_service();
    const struct console_history *h = consoled_history(id);
    int done_len =
        snprintf(done, sizeof(done), "flood done: %u lines through the ring\n", FLOOD_LINES);
    uint64_t total = (uint64_t)FLOOD_LINES * FLOOD_LINE + (uint64_t)done_len;
    snprintf(first, sizeof(first), "flood %04u ", 0);
    snprintf(last, sizeof(last), "flood %04u ", FLOOD_LINES - 1);
    TEST_CHECK(h != NULL);
    if (h) {
        TEST_EQ(h->total, total);                              /* nothing lost */
        TEST_EQ(console_history_len(h), CONSOLE_HISTORY_SIZE); /* the last 64 KiB */
        TEST_CHECK(history_has(id, done));
        TEST_CHECK(history_has(id, last));
        TEST_CHECK(!history_has(id, first));
    }
    TEST_EQ(consoled_lines(id), FLOOD_LINES + 1); /* every line printed */
    printf("console-flood: d%u printed %lu bytes in %lu lines; history keeps the last %u\n", id,
           (unsigned long)total, (unsigned long)consoled_lines(id), CONSOLE_HISTORY_SIZE);
    TEST_EQ(domctl_destroy(id), 0);
    TEST_EQ(consoled_count(), 0);
    selftest_expect_snapshot(&before, "console-flood");
    return test_finish();
}

/* ---- console-destroy ---- */

/* Lets guests run for ms without serving their consoles, so their rings fill. */
static void run_unserved(unsigned int ms)
{
    uint64_t until = monotonic_ns() + ms * 1000000ull;

    while (monotonic_ns() < until) {
        xenstored_service(); /* the guests' start talks to the store */
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    }
}

static int selftest_console_destroy(void)
{
    struct snapshot before;
    domid_t ids[3];
    size_t pending = 0;

    if (!selftest_setup(&before))
        return test_finish();
    for (unsigned int round = 0; round < 20; round++) {
        if (!start("mode=flood", &ids[0]) || !start("mode=flood", &ids[1]))
            break;
        TEST_EQ(selftest_build(HELLO, GUEST_MIB, "mode=flood", &ids[2], NULL, NULL), 0);
        run_unserved(20);
        consoled_service(); /* some output drained: the guests write more */
        run_unserved(5);
        TEST_EQ(consoled_count(), 3);
        pending += consoled_pending(ids[0]) + consoled_pending(ids[1]);
        selftest_destroy_all(ids, 3);
        TEST_EQ(consoled_count(), 0);
        if (test_failures())
            break;
    }
    TEST_CHECK(pending > 0); /* the running guests had output waiting when destroyed */
    selftest_expect_snapshot(&before, "console-destroy");
    printf("console-destroy: 20 rounds of guests destroyed with output pending (%lu bytes in "
           "all): ok\n",
           (unsigned long)pending);
    return test_finish();
}

/* ---- console-stalled ---- */

static int selftest_console_stalled(void)
{
    struct snapshot before;
    domid_t id;

    if (!selftest_setup(&before))
        return test_finish();
    /* Built paused, so the hold is in place before it prints anything. */
    TEST_EQ(selftest_build(HELLO, GUEST_MIB, "mode=flood", &id, NULL, NULL), 0);
    if (test_failures())
        return test_finish();
    consoled_hold(id, true);
    TEST_EQ(domctl_unpause(id), 0);
    TEST_EQ(domains_wait_shutdown(&id, 1, WAIT_MS), 0); /* it did not wait forever */
    TEST_EQ(selftest_reason_of(id), SHUTDOWN_poweroff);
    TEST_EQ(consoled_history(id)->total, 0);
    consoled_hold(id, false);
    consoled_service();
    /* The ring was full when the guest gave up: exactly one ring-full came through it. */
    TEST_EQ(consoled_history(id)->total, XENCONS_OUT_SIZE);
    TEST_CHECK(history_has(id, "flood 0000 "));
    printf("console-stalled: d%u gave up on its ring after %u ms; %u bytes came through it\n", id,
           CONSOLE_RING_TIMEOUT_MS, XENCONS_OUT_SIZE);
    TEST_EQ(domctl_destroy(id), 0);
    selftest_expect_snapshot(&before, "console-stalled");
    return test_finish();
}

/* ---- console-hostile ---- */

static int selftest_console_hostile(void)
{
    struct snapshot before;
    char want[64];
    domid_t ids[2];

    if (!selftest_setup(&before))
        return test_finish();
    if (!start("mode=bad-ring", &ids[0]) || !start("mode=marker", &ids[1]))
        return test_finish();
    TEST_EQ(domains_wait_shutdown(ids, 2, WAIT_MS), 0);
    consoled_service();
    TEST_CHECK(!consoled_connected(ids[0]));
    TEST_EQ(selftest_reason_of(ids[0]), SHUTDOWN_poweroff);
    TEST_CHECK(consoled_connected(ids[1]));
    snprintf(want, sizeof(want), "console marker %u: through the ring\n", ids[1]);
    TEST_CHECK(history_has(ids[1], want));
    TEST_EQ(consoled_input(ids[0], "x", 1), -EIO);
    selftest_destroy_all(ids, 2);
    TEST_EQ(consoled_count(), 0);
    selftest_expect_snapshot(&before, "console-hostile");
    printf("console-hostile: d%u's broken ring disconnected, d%u's console unaffected: ok\n",
           ids[0], ids[1]);
    return test_finish();
}

const struct dom0_selftest dom0_console_selftests[] = {
    {"console-ring", "a guest's output through its console ring; a line into its input ring",
     selftest_console_ring},
    {"console-flood", "a guest prints 125 KiB: every line printed, the last 64 KiB kept",
     selftest_console_flood},
    {"console-destroy", "guests destroyed with console output pending leak nothing",
     selftest_console_destroy},
    {"console-stalled", "dom0 stops draining a guest's ring: it falls back to console_io",
     selftest_console_stalled},
    {"console-hostile", "a guest breaks its ring (R2): its console is disconnected, others go on",
     selftest_console_hostile},
    {NULL, NULL, NULL},
};
