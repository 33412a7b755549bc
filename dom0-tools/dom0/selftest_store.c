/*
 * selftest_store.c - dom0 self-tests of the toolstack's use of xenstored:
 * 100 create/destroy cycles leave no store nodes, watches or domains behind
 * (nor frames or ports), and every domain's home has the nodes xl writes.
 */
#include <stdio.h>
#include <string.h>

#include <skiff/guest.h>
#include <skiff/test.h>

#include "dom0.h"
#include "domctl.h"
#include "xenstore.h"

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
        TEST_EQ(domctl_destroy(id), 0);
        TEST_EQ(store_nodes_reconcile(), 1);
        TEST_CHECK(!xs_is_introduced(store_nodes(), id));
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

const struct dom0_selftest dom0_store_selftests[] = {
    {"store-cycles", "100 create/destroy cycles leave no store nodes or domains behind",
     selftest_store_cycles},
    {NULL, NULL, NULL},
};
