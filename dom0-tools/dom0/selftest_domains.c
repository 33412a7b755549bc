/*
 * selftest_domains.c - dom0 self-tests of the domain builder and of domain
 * life cycles, run by the integration tests with selftest=<name>: guests
 * built from the boot store, waited for, destroyed in every state, bad
 * images refused (X5) and an unprivileged guest refused every privileged
 * call (H7). Each test ends with free frames, the number of domains and
 * dom0's event channels where they started.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <skiff/guest.h>
#include <skiff/hypercall.h>
#include <skiff/test.h>
#include <skiff/time.h>

#include "dom0.h"
#include "domctl.h"

#define GUEST_MIB      4
#define WAIT_MS        20000
#define NR_CYCLES      200
#define CYCLE_PROGRESS 50
#define HELLO          "hello.elf"
#define H7             "h7.elf"

static int take_snapshot(struct snapshot *s)
{
    struct skiff_sysctl_physinfo pi;
    struct skiff_domctl_getdomaininfo d0;
    int rc = domctl_physinfo(&pi);

    if (rc == 0)
        rc = domctl_getinfo_of(0, &d0);
    s->free_pages = pi.free_pages;
    s->nr_domains = domains_count();
    s->dom0_ports = d0.nr_ports;
    return rc;
}

void selftest_expect_snapshot(const struct snapshot *before, const char *when)
{
    struct snapshot now;

    TEST_EQ(take_snapshot(&now), 0);
    if (now.free_pages != before->free_pages || now.nr_domains != before->nr_domains ||
        now.dom0_ports != before->dom0_ports)
        printf("%s: %lu frames free (was %lu), %d domains (was %d), dom0 ports %u (was %u)\n", when,
               (unsigned long)now.free_pages, (unsigned long)before->free_pages, now.nr_domains,
               before->nr_domains, now.dom0_ports, before->dom0_ports);
    TEST_EQ(now.free_pages, before->free_pages);
    TEST_EQ(now.nr_domains, before->nr_domains);
    TEST_EQ(now.dom0_ports, before->dom0_ports);
}

static int create(const char *image, const char *cmdline, bool paused, domid_t *id)
{
    struct domain_spec spec = {
        .image = image, .mem_mib = GUEST_MIB, .cmdline = cmdline, .paused = paused};
    const char *why;

    return domains_create(&spec, id, &why);
}

/* A hello.elf guest in the given mode; a failure counts against the test. */
static bool start(const char *cmdline, bool paused, domid_t *id)
{
    int rc = create(HELLO, cmdline, paused, id);

    TEST_EQ(rc, 0);
    return rc == 0;
}

static void destroy_and_check_gone(domid_t id)
{
    struct skiff_domctl_getdomaininfo info;

    TEST_EQ(domctl_destroy(id), 0);
    TEST_EQ(domctl_getinfo_of(id, &info), -ESRCH);
}

static uint32_t flags_of(domid_t id)
{
    struct skiff_domctl_getdomaininfo info;

    return domctl_getinfo_of(id, &info) == 0 ? info.flags : 0;
}

static uint32_t shutdown_reason_of(domid_t id)
{
    struct skiff_domctl_getdomaininfo info;

    return domctl_getinfo_of(id, &info) == 0 ? info.shutdown_reason : ~0u;
}

/*
 * Common start: the boot store is there, VIRQ_DOM_EXC is bound, and one
 * guest was built and destroyed, so that the page-table frames dom0's
 * first foreign mapping gives its grant window (kept while dom0 lives) are
 * not counted as a leak. Then the snapshot.
 */
/*
 * The hypervisor makes page tables for dom0's grant window on first use and
 * keeps them; grant maps go from the top of the window down (guest-lib's
 * grant.c). One foreign mapping in each 2 MiB of the top 8 MiB makes them
 * now, so a test's frame count compares like with like.
 */
static void warm_grant_window(domid_t guest)
{
    uint64_t top = (start_info.grant_window_base + start_info.grant_window_size) / 4096;

    for (uint64_t k = 1; k <= 2048 && k < start_info.grant_window_size / 4096; k += 512)
        if (domctl_map_foreign(guest, 16, top - k, 1) == 0)
            domctl_unmap_foreign(top - k, 1);
}

bool selftest_setup(struct snapshot *s)
{
    const void *archive;
    size_t size;
    domid_t id;

    if (store_get(&archive, &size)) {
        test_error("no boot store (a module with command line \"store\")");
        return false;
    }
    if (domains_watch() < 0 || create(HELLO, NULL, true, &id)) {
        test_error("cannot set up (VIRQ_DOM_EXC, or a first paused guest)");
        return false;
    }
    warm_grant_window(id);
    domctl_destroy(id);
    TEST_EQ(take_snapshot(s), 0);
    return true;
}

/* ---- build-three ---- */

static int selftest_build_three(void)
{
    struct snapshot before;
    domid_t ids[3];
    int rc;

    if (!selftest_setup(&before))
        return test_finish();
    for (unsigned int i = 0; i < 3; i++)
        TEST_EQ(create(HELLO, "mode=hello", false, &ids[i]), 0);
    if (test_failures())
        return test_finish();
    rc = domains_wait_shutdown(ids, 3, WAIT_MS);
    TEST_EQ(rc, 0);
    domains_print_list();
    for (unsigned int i = 0; i < 3; i++) {
        TEST_CHECK(flags_of(ids[i]) & SKIFF_DOMINF_shutdown);
        TEST_EQ(shutdown_reason_of(ids[i]), SHUTDOWN_poweroff);
        destroy_and_check_gone(ids[i]);
    }
    selftest_expect_snapshot(&before, "build-three");
    printf("build-three: domains %u, %u and %u said hello and powered off\n", ids[0], ids[1],
           ids[2]);
    return test_finish();
}

/* ---- create-destroy-cycles ---- */

/* Cycle i: destroyed while still paused, just unpaused, after exiting, or while spinning. */
static void one_cycle(unsigned int i)
{
    static const char *const cmdlines[] = {"mode=hello", "mode=hello", "mode=hello", "mode=spin"};
    unsigned int kind = i % 4;
    domid_t id;

    if (!start(cmdlines[kind], kind == 0, &id))
        return;
    if (kind == 2)
        TEST_EQ(domains_wait_shutdown(&id, 1, WAIT_MS), 0);
    if (kind == 3)
        domains_sleep_ms(2); /* let it spin a little */
    TEST_EQ(domctl_destroy(id), 0);
}

static int selftest_create_destroy_cycles(void)
{
    struct snapshot before;
    struct skiff_sysctl_physinfo pi;
    uint64_t start = monotonic_ns();

    if (!selftest_setup(&before))
        return test_finish();
    for (unsigned int i = 0; i < NR_CYCLES && test_failures() == 0; i++) {
        one_cycle(i);
        if ((i + 1) % CYCLE_PROGRESS == 0 && domctl_physinfo(&pi) == 0)
            printf("cycles: %u of %u done, %lu frames free, %lu ms\n", i + 1, NR_CYCLES,
                   (unsigned long)pi.free_pages,
                   (unsigned long)((monotonic_ns() - start) / 1000000));
    }
    selftest_expect_snapshot(&before, "create-destroy-cycles");
    return test_finish();
}

/* ---- destroy-states ---- */

static void destroy_running(void)
{
    struct skiff_domctl_getdomaininfo info = {0};
    domid_t id;

    if (!start("mode=spin", false, &id))
        return;
    for (unsigned int i = 0; i < 1000 && domctl_getinfo_of(id, &info) == 0; i++) {
        /* Past guest-lib's start (which waits on xenstored) and spinning. */
        if (info.cpu_time_ns > 0 && (info.flags & SKIFF_DOMINF_running))
            break;
        domains_sleep_ms(1);
    }
    TEST_CHECK(info.cpu_time_ns > 0);
    TEST_CHECK(flags_of(id) & SKIFF_DOMINF_running);
    destroy_and_check_gone(id);
}

static void destroy_blocked(void)
{
    domid_t id;

    if (!start("mode=block", false, &id))
        return;
    TEST_EQ(domains_wait_flags(id, SKIFF_DOMINF_blocked, WAIT_MS), 0);
    destroy_and_check_gone(id);
}

static void destroy_crashed(void)
{
    domid_t id;

    if (!start("mode=crash", false, &id))
        return;
    TEST_EQ(domains_wait_shutdown(&id, 1, WAIT_MS), 0);
    TEST_EQ(shutdown_reason_of(id), SHUTDOWN_crash);
    destroy_and_check_gone(id);
}

static void destroy_paused(void)
{
    domid_t id;

    if (!start("mode=spin", false, &id))
        return;
    domains_sleep_ms(2);
    TEST_EQ(domctl_pause(id), 0);
    TEST_CHECK(flags_of(id) & SKIFF_DOMINF_paused);
    TEST_CHECK(!(flags_of(id) & SKIFF_DOMINF_running));
    destroy_and_check_gone(id);
}

static void destroy_building(void)
{
    domid_t id;

    if (!start("mode=hello", true, &id))
        return;
    TEST_CHECK(flags_of(id) & SKIFF_DOMINF_building);
    destroy_and_check_gone(id);
}

static int selftest_destroy_states(void)
{
    static const struct {
        const char *state;
        void (*run)(void);
    } cases[] = {
        {"running", destroy_running}, {"blocked", destroy_blocked},   {"crashed", destroy_crashed},
        {"paused", destroy_paused},   {"building", destroy_building},
    };
    struct snapshot before;

    if (!selftest_setup(&before))
        return test_finish();
    for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int failed = test_failures();
        cases[i].run();
        selftest_expect_snapshot(&before, cases[i].state);
        printf("destroy-states: %s guest destroyed: %s\n", cases[i].state,
               test_failures() == failed ? "ok" : "FAILED");
    }
    return test_finish();
}

/* ---- page-perms ---- */

/* A guest that does mode's forbidden access must crash; a hello guest powers off. */
static void expect_outcome(const char *mode, uint32_t reason)
{
    domid_t id;

    if (!start(mode, false, &id))
        return;
    TEST_EQ(domains_wait_shutdown(&id, 1, WAIT_MS), 0);
    uint32_t got = shutdown_reason_of(id);
    TEST_EQ(got, reason);
    printf("page-perms: %s: %s\n", mode, got == SHUTDOWN_crash ? "faulted" : "ran to the end");
    destroy_and_check_gone(id);
}

static int selftest_page_perms(void)
{
    struct snapshot before;

    if (!selftest_setup(&before))
        return test_finish();
    expect_outcome("mode=hello", SHUTDOWN_poweroff);
    expect_outcome("mode=exec-data", SHUTDOWN_crash);
    expect_outcome("mode=write-text", SHUTDOWN_crash);
    expect_outcome("mode=write-rodata", SHUTDOWN_crash);
    selftest_expect_snapshot(&before, "page-perms");
    return test_finish();
}

/* ---- bad-images (X5) ---- */

struct refusal {
    const char *image;
    const char *name;     /* NULL: default */
    uint64_t mem_mib;     /* 0: GUEST_MIB */
    int rc;               /* expected error */
    const char *why_part; /* expected in the reason line */
};

static const struct refusal refusals[] = {
    {"bad-truncated.elf", NULL, 0, -ENOEXEC, "truncated"},
    {"bad-notelf.elf", NULL, 0, -ENOEXEC, "bad ELF magic"},
    {"bad-beyond-ram.elf", NULL, 0, -ENOEXEC, "outside the allowed address range"},
    {"bad-overlap.elf", NULL, 0, -ENOEXEC, "overlapping segments"},
    {"bad-wx.elf", NULL, 0, -ENOEXEC, "writable and executable"},
    {"bad-phoff.elf", NULL, 0, -ENOEXEC, "program headers past the end"},
    {"bad-huge.elf", NULL, 0, -ENOEXEC, "outside the allowed address range"},
    {"bad-entry.elf", NULL, 0, -ENOEXEC, "entry point outside executable segments"},
    /* A good image that does not fit: linked at 2 MiB, given 2 MiB of RAM. */
    {HELLO, NULL, 2, -ENOEXEC, "outside the allowed address range"},
    {HELLO, "has space", 0, -EINVAL, "bad name"},
    {HELLO, NULL, DOMAINS_MAX_MEM_MIB, -ENOMEM, "not enough free memory"},
    {"no-such.elf", NULL, 0, -ENOENT, "no such file"},
};

static void expect_refused(const struct refusal *r, const struct snapshot *before)
{
    struct domain_spec spec = {
        .image = r->image, .name = r->name, .mem_mib = r->mem_mib ? r->mem_mib : GUEST_MIB};
    const char *why = "";
    domid_t id;
    int rc = domains_create(&spec, &id, &why);

    TEST_EQ(rc, r->rc);
    if (!strstr(why, r->why_part))
        test_fail_at(__FILE__, __LINE__, "%s: reason '%s' lacks '%s'", r->image, why, r->why_part);
    if (rc == 0)
        domctl_destroy(id);
    selftest_expect_snapshot(before, r->image);
}

static int selftest_bad_images(void)
{
    struct snapshot before;

    if (!selftest_setup(&before))
        return test_finish();
    for (unsigned int i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++)
        expect_refused(&refusals[i], &before);
    printf("bad-images: %u bad requests refused, nothing created\n",
           (unsigned int)(sizeof(refusals) / sizeof(refusals[0])));
    return test_finish();
}

/* ---- h7 ---- */

static int selftest_h7(void)
{
    struct snapshot before;
    domid_t id;

    if (!selftest_setup(&before))
        return test_finish();
    if (create(H7, NULL, false, &id)) {
        test_error("cannot build the H7 guest");
        return test_finish();
    }
    TEST_EQ(domains_wait_shutdown(&id, 1, WAIT_MS), 0);
    uint32_t reason = shutdown_reason_of(id);
    TEST_EQ(reason, SHUTDOWN_poweroff);
    printf("h7: unprivileged domain %u %s\n", id,
           reason == SHUTDOWN_poweroff ? "was refused every privileged operation"
                                       : "was allowed a privileged operation (it crashed)");
    destroy_and_check_gone(id);
    selftest_expect_snapshot(&before, "h7");
    return test_finish();
}

const struct dom0_selftest dom0_domain_selftests[] = {
    {"build-three", "build three guests from the store, wait for them, destroy them",
     selftest_build_three},
    {"create-destroy-cycles", "200 create/destroy cycles in every state; nothing leaks",
     selftest_create_destroy_cycles},
    {"destroy-states", "destroy running, blocked, crashed, paused and building guests",
     selftest_destroy_states},
    {"page-perms", "the builder's W^X: data is not executable, code and rodata not writable",
     selftest_page_perms},
    {"bad-images", "the builder refuses bad images and requests; nothing is created (X5)",
     selftest_bad_images},
    {"h7", "an unprivileged guest is refused every privileged operation (H7)", selftest_h7},
    {NULL, NULL, NULL},
};
