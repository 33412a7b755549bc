/*
 * selftest_grant.c - dom0 self-tests of grant tables between two guests
 * built from the boot store (grant.elf, tests/guests/grant_guest.c): a
 * mapper and a granter that share pages by grant reference. dom0 builds the
 * mapper, then the granter with the mapper's id, a port of the mapper to
 * bind and the ref to use on its command line; the guests report through
 * their shutdown reasons. Each test ends with free frames, domains, dom0's
 * ports and dom0's grant counts where they started.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <skiff/guest.h>
#include <skiff/hypercall.h>
#include <skiff/test.h>

#include "dom0.h"
#include "domctl.h"

#define GRANT_IMAGE "grant.elf"
#define GUEST_MIB   8
#define WAIT_MS     120000
#define GRANT_REF   10 /* the granter grants ref 10 (and 11, 26.. for the other tests) */

struct pair {
    const char *test;
    unsigned int granter_frames; /* its max_grant_frames (0: default) */
    domid_t mapper, granter;
    char cmdline[128];
};

/* The granter is told the mapper's id and a port of the mapper offered to it. */
static int offer_to_granter(domid_t id, void *arg)
{
    struct pair *p = arg;
    struct evtchn_alloc_unbound a = {.dom = p->mapper, .remote_dom = id};
    int rc = (int)HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &a);

    if (rc == 0)
        snprintf(p->cmdline, sizeof(p->cmdline), "role=granter test=%s peer=%u port=%u ref=%u",
                 p->test, p->mapper, a.port, GRANT_REF);
    return rc;
}

static int build(const char *cmdline, unsigned int frames, domid_t *id,
                 int (*hook)(domid_t, void *), void *arg)
{
    struct domain_spec spec = {.image = GRANT_IMAGE,
                               .mem_mib = GUEST_MIB,
                               .cmdline = cmdline,
                               .paused = true,
                               .max_grant_frames = frames,
                               .on_created = hook,
                               .on_created_arg = arg};
    const char *why;

    return domains_create(&spec, id, &why);
}

/* Builds the mapper and then the granter, both paused. false (test error) if not. */
static bool build_pair(struct pair *p)
{
    char mapper_cmd[64];

    snprintf(mapper_cmd, sizeof(mapper_cmd), "role=mapper test=%s ref=%u", p->test, GRANT_REF);
    /* As long as the final text, for the builder's checks (the hook rewrites it). */
    snprintf(p->cmdline, sizeof(p->cmdline), "role=granter test=%s peer=65535 port=65535 ref=%u",
             p->test, GRANT_REF);
    if (build(mapper_cmd, 0, &p->mapper, NULL, NULL)) {
        test_error("cannot build the mapper");
        return false;
    }
    if (build(p->cmdline, p->granter_frames, &p->granter, offer_to_granter, p)) {
        test_error("cannot build the granter");
        domctl_destroy(p->mapper);
        return false;
    }
    return true;
}

static uint32_t reason_of(domid_t id)
{
    struct skiff_domctl_getdomaininfo info;

    return domctl_getinfo_of(id, &info) == 0 ? info.shutdown_reason : ~0u;
}

static uint64_t free_pages(void)
{
    struct skiff_sysctl_physinfo pi;

    return domctl_physinfo(&pi) == 0 ? pi.free_pages : 0;
}

/* dom0 maps no grants and none of its own are in use, before and after. */
static void expect_dom0_grants_idle(const char *when)
{
    struct skiff_domctl_getdomaininfo info;

    TEST_EQ(domctl_getinfo_of(0, &info), 0);
    if (info.nr_grant_maps || info.nr_grants_active)
        printf("%s: dom0 maps %u grants, %u of its grants in use\n", when, info.nr_grant_maps,
               info.nr_grants_active);
    TEST_EQ(info.nr_grant_maps, 0);
    TEST_EQ(info.nr_grants_active, 0);
}

/* The granter's table: as many frames as it may have (guest-lib maps them all). */
static void expect_granter_frames(const struct pair *p)
{
    struct skiff_domctl_getdomaininfo info;
    unsigned int want = p->granter_frames ? p->granter_frames : SKIFF_GNTTAB_DEFAULT_FRAMES;

    TEST_EQ(domctl_getinfo_of(p->granter, &info), 0);
    TEST_EQ(info.max_grant_frames, want);
    TEST_EQ(info.nr_grant_frames, want);
    TEST_EQ(info.nr_grants_active, 0);
}

/* Both run to the end and power off; then both are destroyed. */
static int run_pair(const char *test, unsigned int granter_frames)
{
    struct snapshot before;
    struct pair p = {.test = test, .granter_frames = granter_frames};
    domid_t ids[2];

    if (!selftest_setup(&before) || !build_pair(&p))
        return test_finish();
    ids[0] = p.mapper;
    ids[1] = p.granter;
    TEST_EQ(domctl_unpause(p.mapper), 0);
    TEST_EQ(domctl_unpause(p.granter), 0);
    TEST_EQ(domains_wait_shutdown(ids, 2, WAIT_MS), 0);
    TEST_EQ(reason_of(p.mapper), SHUTDOWN_poweroff);
    TEST_EQ(reason_of(p.granter), SHUTDOWN_poweroff);
    printf("grant-%s: granter %u and mapper %u powered off\n", test, p.granter, p.mapper);
    expect_granter_frames(&p);
    TEST_EQ(domctl_destroy(p.granter), 0);
    TEST_EQ(domctl_destroy(p.mapper), 0);
    expect_dom0_grants_idle(test);
    selftest_expect_snapshot(&before, test);
    return test_finish();
}

static int selftest_grant_map(void)
{
    domid_t id;
    int before = domains_count();

    /* A table larger than the hypervisor allows is refused before anything exists. */
    TEST_EQ(build("role=mapper", SKIFF_GNTTAB_MAX_FRAMES + 1, &id, NULL, NULL), -EINVAL);
    TEST_EQ(domains_count(), before);
    return run_pair("map", 0);
}

static int selftest_grant_hostile(void)
{
    return run_pair("hostile", 0);
}

static int selftest_grant_bench(void)
{
    return run_pair("bench", 0);
}

static int selftest_grant_copy(void)
{
    return run_pair("copy", 1); /* 282 refs fit one frame */
}

/* ---- zombie (G8) ---- */

/* Waits until the mapper maps one grant and the granter has one in use. */
static int wait_mapped(const struct pair *p)
{
    struct skiff_domctl_getdomaininfo m, g;

    for (unsigned int ms = 0; ms < WAIT_MS; ms += 10) {
        if (domctl_getinfo_of(p->mapper, &m) || domctl_getinfo_of(p->granter, &g))
            return -ESRCH;
        if (m.nr_grant_maps == 1 && g.nr_grants_active == 1)
            return 0;
        domains_sleep_ms(10);
    }
    return -ETIMEDOUT;
}

static int selftest_grant_zombie(void)
{
    struct snapshot before;
    struct pair p = {.test = "zombie"};
    struct skiff_domctl_getdomaininfo info;
    uint64_t free_destroyed, free_unmapped;

    if (!selftest_setup(&before) || !build_pair(&p))
        return test_finish();
    TEST_EQ(domctl_unpause(p.mapper), 0);
    TEST_EQ(domctl_unpause(p.granter), 0);
    TEST_EQ(wait_mapped(&p), 0);
    TEST_EQ(domctl_destroy(p.granter), 0);
    free_destroyed = free_pages();
    TEST_EQ(domctl_getinfo_of(p.granter, &info), -ESRCH); /* unlisted at once */
    TEST_EQ(domains_count(), before.nr_domains + 1);
    TEST_EQ(domains_wait_shutdown(&p.mapper, 1, WAIT_MS), 0);
    TEST_EQ(reason_of(p.mapper), SHUTDOWN_poweroff);
    free_unmapped = free_pages();
    /* The granter's RAM came back only when the mapper unmapped its page. */
    printf("grant-zombie: %lu frames came back at the last unmap\n",
           (unsigned long)(free_unmapped - free_destroyed));
    TEST_CHECK(free_unmapped >= free_destroyed + GUEST_MIB * 256);
    TEST_EQ(domctl_destroy(p.mapper), 0);
    expect_dom0_grants_idle("zombie");
    selftest_expect_snapshot(&before, "zombie");
    return test_finish();
}

const struct dom0_selftest dom0_grant_selftests[] = {
    {"grant-map",
     "a guest maps another's grants rw and ro, a ro write faults, end access waits for unmap",
     selftest_grant_map},
    {"grant-zombie", "G8: a granter destroyed while mapped lingers until the last unmap",
     selftest_grant_zombie},
    {"grant-hostile", "G1-G4, G7: a guest's bad grant operations get their GNTST_* statuses",
     selftest_grant_hostile},
    {"grant-copy", "1 MiB copied between two guests with GNTTABOP_copy, checked byte by byte",
     selftest_grant_copy},
    {"grant-bench", "cost of a grant map+unmap and of a 4 KiB grant copy (./skiff bench)",
     selftest_grant_bench},
    {NULL, NULL, NULL},
};
