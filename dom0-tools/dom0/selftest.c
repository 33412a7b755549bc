/*
 * selftest.c - self-tests dom0 runs when its command line says
 * selftest=<name>: checks of the start info, the hypercalls a control domain
 * relies on, and guest-lib's memory, each ending in a result line; and the
 * table of every self-test (the domain builder's are in selftest_domains.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <public/start_info.h>
#include <skiff/guest.h>
#include <skiff/hypercall.h>
#include <skiff/malloc.h>
#include <skiff/page_alloc.h>
#include <skiff/test.h>

#include "dom0.h"

static void check_start_info(void)
{
    const struct skiff_start_info *si = &start_info;

    TEST_EQ(si->domid, 0);
    TEST_CHECK(si->flags & SIF_PRIVILEGED);
    TEST_CHECK(si->flags & SIF_INITDOMAIN);
    TEST_EQ(si->vcpus, 1);
    TEST_CHECK(si->mem_bytes >= (4u << 20));
    TEST_CHECK(si->shared_info > 0 && si->shared_info < si->mem_bytes);
    TEST_CHECK(si->hypercall_page == (uint64_t)(uintptr_t)hypercall_page);
    TEST_CHECK(si->nr_free > 0);
    TEST_CHECK(si->has_machine_base);
    for (unsigned int i = 0; i < si->nr_free; i++)
        TEST_CHECK(si->free[i].base + si->free[i].size <= si->mem_bytes);
}

static void check_version(void)
{
    struct xen_feature_info fi = {0, 0};
    char extra[XEN_EXTRAVERSION_LEN];

    TEST_EQ(HYPERVISOR_xen_version(XENVER_version, NULL),
            (SKIFF_ABI_MAJOR << 16) | SKIFF_ABI_MINOR);
    TEST_EQ(HYPERVISOR_xen_version(XENVER_extraversion, extra), 0);
    TEST_CHECK(strcmp(extra, "-skiff") == 0);
    TEST_EQ(HYPERVISOR_xen_version(XENVER_get_features, &fi), 0);
    TEST_CHECK(fi.submap & (1u << XENFEAT_auto_translated_physmap));
    TEST_CHECK(fi.submap & (1u << XENFEAT_dom0));
    TEST_EQ(HYPERVISOR_xen_version(XENVER_pagesize, NULL), 4096);
}

static void check_physinfo(void)
{
    struct skiff_sysctl op = {.cmd = SKIFF_SYSCTL_physinfo,
                              .interface_version = SKIFF_SYSCTL_INTERFACE_VERSION};

    TEST_EQ(HYPERVISOR_sysctl(&op), 0);
    TEST_CHECK(op.u.physinfo.total_pages > 0);
    TEST_CHECK(op.u.physinfo.free_pages > 0 &&
               op.u.physinfo.free_pages < op.u.physinfo.total_pages);
    TEST_CHECK(op.u.physinfo.cpu_khz > 0);
    printf("dom0: %lu of %lu frames free, TSC %u kHz, %lu timer ticks\n",
           (unsigned long)op.u.physinfo.free_pages, (unsigned long)op.u.physinfo.total_pages,
           op.u.physinfo.cpu_khz, (unsigned long)op.u.physinfo.timer_ticks);
}

static void check_memory(void)
{
    size_t free_before = page_alloc_free_pages();
    void *p[64];

    for (unsigned int i = 0; i < 64; i++) {
        p[i] = malloc(16u << (i % 12));
        TEST_CHECK(p[i] != NULL);
        if (p[i])
            memset(p[i], (int)i, 16u << (i % 12));
    }
    for (unsigned int i = 0; i < 64; i++)
        free(p[i]);
    TEST_EQ(malloc_bytes_in_use(), 0);
    TEST_EQ(page_alloc_free_pages(), free_before);
}

static int selftest_boot(void)
{
    check_start_info();
    check_version();
    check_physinfo();
    check_memory();
    return test_finish();
}

static const struct dom0_selftest selftests[] = {
    {"boot", "start info, version, sysctl physinfo and memory of a fresh dom0", selftest_boot},
    {NULL, NULL, NULL},
};

/* Every table of self-tests, each ending with a NULL name. */
static const struct dom0_selftest *const tables[] = {selftests,
                                                     dom0_domain_selftests,
                                                     dom0_sched_selftests,
                                                     dom0_ring_selftests,
                                                     dom0_store_selftests,
                                                     dom0_grant_selftests,
                                                     dom0_console_selftests,
                                                     dom0_device_selftests,
                                                     dom0_blk_selftests,
                                                     dom0_blk_bench_selftests};

static const struct dom0_selftest *find_selftest(const char *name)
{
    for (unsigned int t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
        for (const struct dom0_selftest *s = tables[t]; s->name; s++)
            if (strcmp(s->name, name) == 0)
                return s;
    return NULL;
}

void dom0_list_selftests(void)
{
    for (unsigned int t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
        for (const struct dom0_selftest *s = tables[t]; s->name; s++)
            printf("  %-22s %s\n", s->name, s->what);
}

int dom0_selftest(const char *name)
{
    const struct dom0_selftest *s = find_selftest(name);

    if (s)
        return s->run();
    printf("dom0: no self-test named '%s'; there are:\n", name);
    dom0_list_selftests();
    test_error("unknown self-test");
    test_finish();
    return -1;
}
