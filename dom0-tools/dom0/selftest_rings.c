/*
 * selftest_rings.c - the PV ring between two domains: a front guest shares
 * a ring page with a back guest through a grant and they exchange requests
 * and responses with event channels for notification (ring.elf,
 * tests/guests/ring_guest.c). `ring-exchange` is the integration test (one
 * million messages, every response matched); `ring-bench` runs the
 * benchmark matrix for Skiff's ring and Xen's io/ring.h macros compiled
 * into the same guests (tests/bench/run-bench, under -icount).
 */
#include <stdio.h>
#include <string.h>

#include <skiff/guest.h>
#include <skiff/test.h>

#include "dom0.h"
#include "domctl.h"

#define RING_IMAGE "ring.elf"
#define GUEST_MIB  4
#define WAIT_MS    600000

struct ring_config {
    const char *peer; /* skiff, xen */
    unsigned int size;
    unsigned int batch;
    unsigned int suppress;
    unsigned long messages;
};

/* Builds the front, then the back (offered a port of the front), runs them. */
static int run_pair(const struct ring_config *c)
{
    char front_cmd[128], fmt[160];
    struct selftest_binder back = {.fmt = fmt};
    domid_t ids[2];
    int ok;

    snprintf(front_cmd, sizeof(front_cmd),
             "mode=front peer=%s size=%u batch=%u suppress=%u messages=%lu", c->peer, c->size,
             c->batch, c->suppress, c->messages);
    snprintf(fmt, sizeof(fmt),
             "mode=back dom=%%u port=%%u peer=%s size=%u batch=%u suppress=%u messages=%lu",
             c->peer, c->size, c->batch, c->suppress, c->messages);
    snprintf(back.cmdline, sizeof(back.cmdline), fmt, 65535u, 4095u); /* as long as the real one */
    if (selftest_build(RING_IMAGE, GUEST_MIB, front_cmd, &ids[0], NULL, NULL)) {
        test_error("cannot build the front");
        return -1;
    }
    back.peer = ids[0];
    if (selftest_build(RING_IMAGE, GUEST_MIB, back.cmdline, &ids[1], selftest_offer_to_new_domain,
                       &back)) {
        test_error("cannot build the back");
        selftest_destroy_all(ids, 1);
        return -1;
    }
    TEST_EQ(domctl_unpause(ids[0]), 0);
    TEST_EQ(domctl_unpause(ids[1]), 0);
    TEST_EQ(domains_wait_shutdown(ids, 2, WAIT_MS), 0);
    ok = selftest_reason_of(ids[0]) == SHUTDOWN_poweroff &&
         selftest_reason_of(ids[1]) == SHUTDOWN_poweroff;
    TEST_CHECK(ok);
    selftest_destroy_all(ids, 2);
    return ok ? 0 : -1;
}

static int selftest_ring_exchange(void)
{
    static const struct ring_config c = {"skiff", 64, 32, 1, 1000000};
    struct snapshot before;

    if (!selftest_setup(&before))
        return test_finish();
    if (run_pair(&c) == 0)
        printf("ring-exchange: %lu messages through a granted ring, every response matched\n",
               c.messages);
    selftest_expect_snapshot(&before, "ring-exchange");
    return test_finish();
}

/* The matrix of tests/bench/rings in domain mode; the first two rows are the headline. */
static int selftest_ring_bench(void)
{
    static const char *const peers[] = {"skiff", "xen"};
    static const unsigned int sizes[] = {64, 112}, batches[] = {1, 8, 32, 64};
    struct snapshot before;
    unsigned int runs = 0;

    if (!selftest_setup(&before))
        return test_finish();
    for (unsigned int p = 0; p < 2; p++) {
        struct ring_config headline = {peers[p], 64, 32, 1, 10000000};
        printf("ring-bench: %s 64 B batch 32, 10,000,000 messages\n", peers[p]);
        if (run_pair(&headline))
            return test_finish();
    }
    for (unsigned int p = 0; p < 2; p++)
        for (unsigned int s = 0; s < 2; s++)
            for (unsigned int b = 0; b < 4; b++)
                for (unsigned int supp = 0; supp < 2; supp++) {
                    struct ring_config c = {peers[p], sizes[s], batches[b], 1 - supp, 100000};
                    printf("ring-bench: run %u of 32\n", ++runs);
                    if (run_pair(&c))
                        return test_finish();
                }
    selftest_expect_snapshot(&before, "ring-bench");
    return test_finish();
}

const struct dom0_selftest dom0_ring_selftests[] = {
    {"ring-exchange", "1,000,000 messages through a granted ring between two guests",
     selftest_ring_exchange},
    {"ring-bench", "the ring benchmark matrix in domain mode (Skiff's ring and Xen's macros)",
     selftest_ring_bench},
    {NULL, NULL, NULL},
};
