/*
 * selftest_store.c - dom0 self-tests of the toolstack's use of xenstored:
 * 100 create/destroy cycles leave no store nodes, watches or domains behind
 * (nor frames or ports), and every domain's home has the nodes xl writes.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <skiff/guest.h>
#include <skiff/test.h>
#include <skiff/time.h>

#include "dom0.h"
#include "domctl.h"
#include "xenstore.h"
#include "xenstored.h"

#define CYCLES    100
#define GUEST_MIB 4

static void expect_home(domid_t id, const char *name)
{
    char path[64], value[64];
    size_t len;

    snprintf(path, sizeof(path), "/local/domain/%u/name", id);
    TEST_EQ(xs_read(store_nodes(), 0, 0, path, value, sizeof(value) - 1, &len), 0);
    value[len < sizeof(value) ? len : 0] = '\0';
    TEST_CHECK(strcmp(value, name) == 0);
    TEST_CHECK(xs_is_introduced(store_nodes(), id));
}

static uint32_t domain_homes(void)
{
    char buf[2048];
    size_t len;
    uint32_t n = 0;

    if (xs_directory(store_nodes(), 0, 0, "/local/domain", buf, sizeof(buf), &len))
        return ~0u;
    for (size_t i = 0; i < len; i++)
        n += buf[i] == '\0';
    return n;
}

static int selftest_store_cycles(void)
{
    struct snapshot before;
    struct xs_usage u0, u1;
    uint32_t homes;
    domid_t id;

    if (!selftest_setup(&before))
        return test_finish();
    store_nodes_reconcile();
    TEST_EQ(xs_domain_usage(store_nodes(), 0, &u0), 0);
    homes = domain_homes();
    TEST_EQ(homes, (uint32_t)domains_count()); /* a home for each domain, no more */
    for (unsigned int i = 0; i < CYCLES; i++) {
        char name[32];
        snprintf(name, sizeof(name), "cycle-%u", i);
        struct domain_spec spec = {
            .image = "hello.elf", .name = name, .mem_mib = GUEST_MIB, .paused = (i % 2) == 0};
        const char *why;
        if (domains_create(&spec, &id, &why)) {
            test_error("cannot create a guest");
            break;
        }
        expect_home(id, name);
        TEST_EQ(domctl_destroy(id), 0); /* xenstored's destroy hook releases it at once */
        TEST_CHECK(!xs_is_introduced(store_nodes(), id));
        TEST_EQ(store_nodes_reconcile(), 0);
    }
    TEST_EQ(xs_domain_usage(store_nodes(), 0, &u1), 0);
    TEST_EQ(u1.nodes, u0.nodes);
    TEST_EQ(u1.watches, u0.watches);
    TEST_EQ(domain_homes(), homes);
    TEST_EQ(domain_homes(), (uint32_t)domains_count());
    TEST_EQ(xs_store_check(store_nodes()), 0);
    printf("store-cycles: %u create/destroy cycles; dom0 owns %u nodes before and after, %u "
           "domain homes before and after\n",
           CYCLES, u0.nodes, homes);
    selftest_expect_snapshot(&before, "store-cycles");
    return test_finish();
}

/* ---- guests on their own store rings (store.elf) ---- */

#define WAIT_MS 20000

/* Reads /local/domain/<id>/<rel> into buf, waiting up to WAIT_MS for it to appear. */
static int wait_node(domid_t id, const char *rel, char *buf, size_t size)
{
    char path[96];
    size_t len;
    uint64_t until = monotonic_ns() + WAIT_MS * 1000000ull;

    snprintf(path, sizeof(path), "/local/domain/%u/%s", id, rel);
    while (xs_read(store_nodes(), 0, 0, path, buf, size - 1, &len) != 0 || len == 0) {
        if (monotonic_ns() >= until)
            return -ETIMEDOUT;
        domains_poll_until(0, monotonic_ns() + 5000000ull);
    }
    buf[len] = '\0';
    return 0;
}

static int read_node(domid_t id, const char *rel, char *buf, size_t size)
{
    char path[96];
    size_t len;
    int rc;

    snprintf(path, sizeof(path), "/local/domain/%u/%s", id, rel);
    rc = xs_read(store_nodes(), 0, 0, path, buf, size - 1, &len);
    buf[rc ? 0 : len] = '\0';
    return rc;
}

static int build_store_guest(const char *mode, domid_t *id)
{
    char name[32];
    static unsigned int seq;

    snprintf(name, sizeof(name), "store-%s-%u", mode + 5, seq++);
    struct domain_spec spec = {
        .image = "store.elf", .name = name, .mem_mib = GUEST_MIB, .cmdline = mode};
    const char *why;
    int rc = domains_create(&spec, id, &why);
    if (rc)
        test_error("cannot create a store.elf guest");
    return rc;
}

/* control/shutdown = poweroff: the guest acknowledges (clears it) and powers off. */
static void expect_graceful_poweroff(domid_t id)
{
    char value[16];

    TEST_EQ(store_nodes_request_shutdown(id, "poweroff"), 0);
    TEST_EQ(domains_wait_shutdown(&id, 1, WAIT_MS), 0);
    TEST_EQ(selftest_reason_of(id), SHUTDOWN_poweroff);
    TEST_EQ(read_node(id, "control/shutdown", value, sizeof(value)), 0);
    TEST_CHECK(value[0] == '\0'); /* acknowledged */
}

static int selftest_store_ring(void)
{
    struct snapshot before;
    char value[64], expect[64];
    domid_t id;

    if (!selftest_setup(&before) || build_store_guest("mode=hello", &id))
        return test_finish();
    TEST_EQ(wait_node(id, "data/hello", value, sizeof(value)), 0);
    snprintf(expect, sizeof(expect), "hello from %u", id);
    TEST_CHECK(strcmp(value, expect) == 0);
    TEST_EQ(read_node(id, "control/feature-poweroff", value, sizeof(value)), 0);
    TEST_CHECK(strcmp(value, "1") == 0);
    TEST_CHECK(xenstored_connected(id));
    expect_graceful_poweroff(id);
    TEST_EQ(domctl_destroy(id), 0);
    TEST_EQ(xenstored_count(), 0u);
    TEST_CHECK(!xs_is_introduced(store_nodes(), id));
    printf("store-ring: d%u wrote data/hello through its ring and powered off through "
           "control/shutdown\n",
           id);
    selftest_expect_snapshot(&before, "store-ring");
    return test_finish();
}

/* X2: one guest exhausts its node quota; another guest and dom0 keep working. */
static int selftest_store_flood(void)
{
    struct snapshot before;
    char value[64];
    domid_t ids[2];

    if (!selftest_setup(&before) || build_store_guest("mode=flood", &ids[0]))
        return test_finish();
    if (build_store_guest("mode=hello", &ids[1])) {
        selftest_destroy_all(ids, 1);
        return test_finish();
    }
    TEST_EQ(wait_node(ids[0], "data/flood", value, sizeof(value)), 0);
    printf("store-flood: d%u made %s nodes before its quota refused one\n", ids[0], value);
    TEST_EQ(wait_node(ids[1], "data/hello", value, sizeof(value)), 0);
    TEST_EQ(xs_write(store_nodes(), 0, 0, "/tool/flood-check", "ok", 2), 0);
    TEST_EQ(xs_rm(store_nodes(), 0, 0, "/tool/flood-check"), 0);
    expect_graceful_poweroff(ids[1]);
    expect_graceful_poweroff(ids[0]);
    selftest_destroy_all(ids, 2);
    TEST_EQ(xenstored_count(), 0u);
    TEST_EQ(xs_store_check(store_nodes()), 0);
    selftest_expect_snapshot(&before, "store-flood");
    return test_finish();
}

/* X4: garbage where the toolstack looks is refused; dom0 falls back and goes on. */
static int selftest_store_garbage(void)
{
    struct snapshot before;
    char value[64];
    domid_t id;

    if (!selftest_setup(&before) || build_store_guest("mode=garbage", &id))
        return test_finish();
    TEST_EQ(wait_node(id, "control/shutdown", value, sizeof(value)), 0);
    TEST_EQ(store_nodes_request_shutdown(id, "poweroff"), -EOPNOTSUPP);
    TEST_EQ(store_nodes_request_shutdown(id, "reboot"), -EOPNOTSUPP);
    TEST_EQ(xs_read(store_nodes(), 0, 0, "/local/domain/0/name", value, sizeof(value) - 1,
                    &(size_t){0}),
            0);
    TEST_CHECK(strncmp(value, "Domain-0", 8) == 0);
    selftest_destroy_all(&id, 1);
    TEST_EQ(xenstored_count(), 0u);
    selftest_expect_snapshot(&before, "store-garbage");
    return test_finish();
}

const struct dom0_selftest dom0_store_selftests[] = {
    {"store-cycles", "100 create/destroy cycles leave no store nodes or domains behind",
     selftest_store_cycles},
    {"store-ring", "a guest writes through its store ring and obeys control/shutdown",
     selftest_store_ring},
    {"store-flood", "X2: a guest exhausts its node quota; another guest and dom0 go on",
     selftest_store_flood},
    {"store-garbage", "X4: garbage in a guest's control nodes is refused, dom0 falls back",
     selftest_store_garbage},
    {NULL, NULL, NULL},
};
