/*
 * test_domain.c - unit tests for common/domain.c: creation, RAM allocation
 * (contiguous and scattered), exact teardown accounting over many cycles,
 * allocation failure at every step leaving nothing behind, and the argument
 * checks of domain_set_perms, domain_gfn_to_mfn and domain_set_shared_info.
 */
#include <errno.h>
#include <stdlib.h>

#include <public/sched.h>
#include <skiff/frame.h>
#include <skiff/heap.h>

#include "core_test.h"

static uint64_t frames_at_start;

static void domain_setup(void)
{
    core_setup();
    frames_at_start = frame_free_count();
    ck_assert_uint_eq(heap_bytes_used(), 0);
}

static void assert_nothing_leaked(void)
{
    ck_assert_uint_eq(frame_free_count(), frames_at_start);
    ck_assert_uint_eq(heap_bytes_used(), 0);
}

/* ---- creation and RAM ---- */

START_TEST(test_create_fields)
{
    struct domain *d = core_create(42, "a-name-that-is-much-longer-than-thirty-one-chars", true);

    ck_assert_ptr_nonnull(d);
    ck_assert_uint_eq(d->domid, 42);
    ck_assert(d->privileged);
    ck_assert_str_eq(d->name, "a-name-that-is-much-longer-than");
    ck_assert_int_eq(d->state, DOMAIN_BUILDING);
    ck_assert(!mfn_valid(d->ram_base));
    ck_assert_ptr_null(d->physmap.p2m);
    ck_assert_uint_eq(d->physmap.nr_pages, 0);
    ck_assert_ptr_null(d->shared_info);
    ck_assert_ptr_nonnull(d->vcpu[0]);
    ck_assert_ptr_eq(d->vcpu[0]->domain, d);
    ck_assert_uint_eq(d->vcpu[0]->vcpu_id, 0);
    ck_assert_uint_ne(d->arch.root_mfn, 0);
    ck_assert(!frame_pool_is_free(&hv_frames, mfn(d->arch.root_mfn)));
    domain_destroy(d);
    assert_nothing_leaked();
}
END_TEST

static void check_fresh_ram(struct domain *d, uint64_t nr_pages, bool contiguous)
{
    ck_assert_uint_eq(d->physmap.nr_pages, nr_pages);
    ck_assert_uint_eq(d->physmap.p2m[0], 0); /* page 0 is never mapped */
    ck_assert(!mfn_valid(domain_gfn_to_mfn(d, 0)));
    ck_assert_int_eq(d->ram_contiguous, contiguous);
    if (contiguous)
        ck_assert_uint_eq(d->ram_base.mfn % 512, 0);
    for (uint64_t g = 1; g < nr_pages; g++) {
        uint64_t e = d->physmap.p2m[g];
        CORE_CHECK((e & P2M_PERMS) == (P2M_R | P2M_W), "gfn %llu perms %llx", (unsigned long long)g,
                   (unsigned long long)(e & P2M_PERMS));
        mfn_t f = domain_gfn_to_mfn(d, g);
        CORE_CHECK(mfn_valid(f) && f.mfn == e >> PAGE_SHIFT, "gfn %llu mfn", (unsigned long long)g);
        CORE_CHECK(!contiguous || f.mfn == d->ram_base.mfn + g, "gfn %llu not contiguous",
                   (unsigned long long)g);
        CORE_CHECK(!frame_pool_is_free(&hv_frames, f), "gfn %llu frame is free",
                   (unsigned long long)g);
        const uint8_t *p = core_guest_page(d, g);
        for (size_t i = 0; i < PAGE_SIZE; i++)
            CORE_CHECK(p[i] == 0, "gfn %llu not zeroed", (unsigned long long)g);
    }
}

START_TEST(test_alloc_ram_contiguous)
{
    struct domain *d = core_create(1, "contig", false);

    ck_assert_int_eq(domain_alloc_ram(d, 700, true), 0);
    check_fresh_ram(d, 700, true);
    domain_destroy(d);
    assert_nothing_leaked();
}
END_TEST

START_TEST(test_alloc_ram_scattered)
{
    struct domain *d = core_create(1, "scattered", false);

    ck_assert_int_eq(domain_alloc_ram(d, 300, false), 0);
    check_fresh_ram(d, 300, false);
    /* Every gfn has its own frame. */
    for (uint64_t a = 1; a < 300; a++)
        for (uint64_t b = a + 1; b < 300; b++)
            CORE_CHECK(domain_gfn_to_mfn(d, a).mfn != domain_gfn_to_mfn(d, b).mfn,
                       "gfns %llu and %llu share a frame", (unsigned long long)a,
                       (unsigned long long)b);
    domain_destroy(d);
    assert_nothing_leaked();
}
END_TEST

START_TEST(test_alloc_ram_einval)
{
    struct domain *d = core_create(1, "einval", false);
    uint64_t limit = arch_guest_va_limit() >> PAGE_SHIFT;

    ck_assert_int_eq(domain_alloc_ram(d, 0, false), -EINVAL);
    ck_assert_int_eq(domain_alloc_ram(d, 1, true), -EINVAL);
    ck_assert_int_eq(domain_alloc_ram(d, limit + 1, false), -EINVAL);
    ck_assert_int_eq(domain_alloc_ram(d, UINT64_MAX, true), -EINVAL);
    ck_assert_ptr_null(d->physmap.p2m);
    ck_assert_int_eq(domain_alloc_ram(d, 16, false), 0);
    uint64_t frames = frame_free_count();
    ck_assert_int_eq(domain_alloc_ram(d, 16, false), -EINVAL); /* RAM already given */
    ck_assert_int_eq(domain_alloc_ram(d, 16, true), -EINVAL);
    ck_assert_uint_eq(frame_free_count(), frames);
    check_fresh_ram(d, 16, false);
    domain_destroy(d);
    assert_nothing_leaked();
}
END_TEST

START_TEST(test_alloc_ram_too_big_for_machine)
{
    struct domain *d = core_create(1, "big", false);
    uint64_t frames = frame_free_count();
    size_t heap = heap_bytes_used();

    /* Within the VA limit but more than the machine has. */
    ck_assert_int_eq(domain_alloc_ram(d, frames + 1, true), -ENOMEM);
    ck_assert_int_eq(domain_alloc_ram(d, frames + 1, false), -ENOMEM);
    /* RAM must end below the grant window. */
    ck_assert_int_eq(domain_alloc_ram(d, WINDOW_BASE_GFN - 1, false), -ENOMEM);
    ck_assert_int_eq(domain_alloc_ram(d, WINDOW_BASE_GFN + 1, false), -EINVAL);
    ck_assert_uint_eq(frame_free_count(), frames);
    ck_assert_uint_eq(heap_bytes_used(), heap);
    ck_assert_ptr_null(d->physmap.p2m);
    ck_assert_uint_eq(d->physmap.nr_pages, 0);
    domain_destroy(d);
    assert_nothing_leaked();
}
END_TEST

/* ---- teardown accounting ---- */

START_TEST(test_create_destroy_cycles)
{
    static const uint64_t sizes[] = {2, 3, 17, 64, 511, 512, 513, 1000, 2048, 100};
    uint64_t rng = 200;

    for (unsigned int cycle = 0; cycle < 200; cycle++) {
        uint64_t pages = sizes[cycle % ARRAY_SIZE(sizes)];
        bool contiguous = core_rng_below(&rng, 2);
        struct domain *d = core_create((domid_t)cycle, "cycle", cycle % 3 == 0);
        ck_assert_ptr_nonnull(d);
        ck_assert_int_eq(domain_alloc_ram(d, pages, contiguous), 0);
        if (cycle % 5 == 2)
            ck_assert_int_eq(domain_set_shared_info(d, pages - 1), 0);
        if (cycle % 4 == 1) {
            uint64_t g = 1 + core_rng_below(&rng, pages - 1);
            ck_assert_int_eq(domain_set_perms(d, g, pages - g, core_rng_below(&rng, 8)), 0);
        }
        if (cycle % 7 == 3)
            domain_shutdown(d, SHUTDOWN_crash);
        domain_destroy(d);
        ck_assert_uint_eq(frame_free_count(), frames_at_start);
        ck_assert_uint_eq(heap_bytes_used(), 0);
    }
}
END_TEST

START_TEST(test_many_live_domains)
{
    enum { N = 40 };
    struct domain *d[N];

    for (unsigned int i = 0; i < N; i++) {
        d[i] = core_create((domid_t)i, "live", false);
        ck_assert_ptr_nonnull(d[i]);
        ck_assert_int_eq(domain_alloc_ram(d[i], 8 + i * 3, i % 4 == 0), 0); /* 10 x 2 MiB */
    }
    for (unsigned int i = 0; i < N; i += 2) /* every other first, then the rest */
        domain_destroy(d[i]);
    for (unsigned int i = 1; i < N; i += 2)
        domain_destroy(d[i]);
    assert_nothing_leaked();
}
END_TEST

/* Runs create + alloc with only `leave` frames free; whatever fails leaves nothing behind. */
static int create_with_frames_left(uint64_t leave, uint64_t pages, bool contiguous)
{
    struct core_hoard h;
    int rc;

    core_hoard_until(&h, leave);
    uint64_t frames = frame_free_count();
    struct domain *d = core_create(9, "tight", false);
    if (!d) {
        rc = -ENOMEM;
    } else {
        rc = domain_alloc_ram(d, pages, contiguous);
        if (rc == 0) {
            ck_assert_uint_eq(d->physmap.nr_pages, pages);
        } else {
            ck_assert_int_eq(rc, -ENOMEM);
            ck_assert_ptr_null(d->physmap.p2m);
            ck_assert_uint_eq(d->physmap.nr_pages, 0);
        }
        domain_destroy(d);
    }
    ck_assert_msg(frame_free_count() == frames, "leave=%llu: %llu frames free, want %llu",
                  (unsigned long long)leave, (unsigned long long)frame_free_count(),
                  (unsigned long long)frames);
    ck_assert_uint_eq(heap_bytes_used(), 0);
    core_hoard_release(&h);
    return rc;
}

START_TEST(test_failure_at_every_step_scattered)
{
    unsigned int failures = 0;

    for (uint64_t leave = 0; leave < 40; leave++)
        failures += create_with_frames_left(leave, 30, false) != 0;
    ck_assert_uint_gt(failures, 20); /* the early steps did fail */
    ck_assert_int_eq(create_with_frames_left(40, 30, false), 0);
    assert_nothing_leaked();
}
END_TEST

START_TEST(test_failure_midway_reports_enomem)
{
    struct core_hoard h;
    struct domain *d = core_create(3, "midway", false);

    core_hoard_until(&h, 50);
    uint64_t frames = frame_free_count();
    ck_assert_int_eq(domain_alloc_ram(d, 200, false), -ENOMEM); /* fails at about gfn 50 */
    ck_assert_uint_eq(frame_free_count(), frames);
    ck_assert_ptr_null(d->physmap.p2m);
    ck_assert_int_eq(domain_alloc_ram(d, 20, false), 0); /* and can try again */
    domain_destroy(d);
    core_hoard_release(&h);
    assert_nothing_leaked();
}
END_TEST

START_TEST(test_contiguous_fails_when_fragmented)
{
    struct core_hoard h;
    struct domain *d = core_create(3, "fragmented", false);

    core_hoard_until(&h, 0);
    /* Give back every frame except the first of each 2 MiB block. */
    uint64_t kept = 0;
    for (uint64_t i = 0; i < h.nr; i++) {
        if (h.frames[i].mfn % 512 == 0)
            h.frames[kept++] = h.frames[i];
        else
            frame_free(h.frames[i]);
    }
    h.nr = kept;
    uint64_t frames = frame_free_count();
    ck_assert_uint_gt(frames, 1000);
    ck_assert_int_eq(domain_alloc_ram(d, 64, true), -ENOMEM);
    ck_assert_uint_eq(frame_free_count(), frames);
    ck_assert_int_eq(domain_alloc_ram(d, 64, false), 0); /* scattered still works */
    domain_destroy(d);
    core_hoard_release(&h);
    assert_nothing_leaked();
}
END_TEST

/* ---- permissions ---- */

START_TEST(test_set_perms_rejects_bad_args)
{
    struct domain *d = core_domain(1, false, 32, _i == 0);
    uint64_t *before = malloc(32 * sizeof(uint64_t));
    static const struct {
        uint64_t first, count, perms;
    } bad[] = {
        {0, 1, P2M_R},      {0, 0, P2M_R},          {32, 1, P2M_R},
        {32, 0, P2M_R},     {UINT64_MAX, 1, P2M_R}, {31, 2, P2M_R},
        {1, 32, P2M_R},     {1, UINT64_MAX, P2M_R}, {2, UINT64_MAX - 1, P2M_R},
        {1, 1, 8},          {1, 1, 0xff},           {1, 1, 1ull << PAGE_SHIFT},
        {1, 1, UINT64_MAX}, {1, 1, P2M_PERMS + 1},
    };

    memcpy(before, d->physmap.p2m, 32 * sizeof(uint64_t));
    for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
        ck_assert_msg(domain_set_perms(d, bad[i].first, bad[i].count, bad[i].perms) == -EINVAL,
                      "case %u accepted", i);
        ck_assert_int_eq(memcmp(before, d->physmap.p2m, 32 * sizeof(uint64_t)), 0);
    }
    struct domain *empty = core_create(2, "no-ram", false);
    ck_assert_int_eq(domain_set_perms(empty, 1, 1, P2M_R), -EINVAL);
    domain_destroy(empty);
    free(before);
    domain_destroy(d);
}
END_TEST

START_TEST(test_set_perms_applies)
{
    struct domain *d = core_domain(1, false, 32, _i == 0);
    mfn_t f5 = domain_gfn_to_mfn(d, 5);

    ck_assert_int_eq(domain_set_perms(d, 1, 0, 0), 0);              /* nothing */
    ck_assert_int_eq(domain_set_perms(d, 31, 1, P2M_R | P2M_X), 0); /* the last page */
    ck_assert_uint_eq(d->physmap.p2m[31] & P2M_PERMS, P2M_R | P2M_X);
    ck_assert_int_eq(domain_set_perms(d, 4, 3, 0), 0); /* unmapped */
    ck_assert(!mfn_valid(domain_gfn_to_mfn(d, 5)));
    ck_assert_uint_eq(d->physmap.p2m[3] & P2M_PERMS, P2M_R | P2M_W);
    ck_assert_uint_eq(d->physmap.p2m[7] & P2M_PERMS, P2M_R | P2M_W);
    ck_assert_int_eq(domain_set_perms(d, 5, 1, P2M_X), 0); /* back, same frame */
    ck_assert_uint_eq(domain_gfn_to_mfn(d, 5).mfn, f5.mfn);
    ck_assert_int_eq(domain_set_perms(d, 1, 31, P2M_PERMS), 0); /* all of RAM */
    for (uint64_t g = 1; g < 32; g++)
        ck_assert_uint_eq(d->physmap.p2m[g] & P2M_PERMS, P2M_PERMS);
    domain_destroy(d);
    assert_nothing_leaked(); /* unmapped pages are still freed */
}
END_TEST

START_TEST(test_gfn_to_mfn_bounds)
{
    struct domain *d = core_domain(1, false, 16, _i == 0);

    ck_assert(!mfn_valid(domain_gfn_to_mfn(d, 0)));
    ck_assert(!mfn_valid(domain_gfn_to_mfn(d, 16)));
    ck_assert(!mfn_valid(domain_gfn_to_mfn(d, 1ull << 40)));
    ck_assert(!mfn_valid(domain_gfn_to_mfn(d, UINT64_MAX)));
    ck_assert(mfn_valid(domain_gfn_to_mfn(d, 15)));
    domain_destroy(d);
}
END_TEST

/* ---- shared_info ---- */

START_TEST(test_shared_info_rejects_bad_gfns)
{
    struct domain *d = core_domain(1, false, 16, _i == 0);
    static const uint64_t bad[] = {0, 16, 17, 1ull << 35, UINT64_MAX, 6};

    ck_assert_int_eq(domain_set_perms(d, 6, 1, 0), 0);
    for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
        ck_assert_int_eq(domain_set_shared_info(d, bad[i]), -EINVAL);
        ck_assert_ptr_null(d->shared_info);
        ck_assert_ptr_null(d->vcpu[0]->info);
        ck_assert_uint_eq(d->shared_info_gfn, 0);
    }
    domain_destroy(d);
}
END_TEST

static void check_shared_info_at(struct domain *d, uint64_t gfn)
{
    const uint8_t *page = core_guest_page(d, gfn);

    ck_assert_uint_eq(d->shared_info_gfn, gfn);
    ck_assert_ptr_eq(d->shared_info, page);
    ck_assert_ptr_eq(d->vcpu[0]->info, &d->shared_info->vcpu_info[0]);
    ck_assert_uint_eq(d->vcpu[0]->info->evtchn_upcall_mask, 1);
    /* Zero except the upcall mask and the wall clock (written at once). */
    size_t mask_at = offsetof(struct shared_info, vcpu_info[0].evtchn_upcall_mask);
    size_t wc_from = offsetof(struct shared_info, wc_version);
    size_t wc_to = offsetof(struct shared_info, arch);
    for (size_t i = 0; i < PAGE_SIZE; i++) {
        if (i >= wc_from && i < wc_to)
            continue;
        CORE_CHECK(page[i] == (i == mask_at ? 1 : 0), "shared_info byte %zu is 0x%02x", i, page[i]);
    }
    ck_assert_uint_eq(d->shared_info->wc_version % 2, 0); /* not mid-update */
}

START_TEST(test_shared_info_zeroed_and_masked)
{
    struct domain *d = core_domain(1, false, 16, _i == 0);

    core_guest_fill(d, 9 * PAGE_SIZE, 0xaa, PAGE_SIZE);
    ck_assert_int_eq(domain_set_shared_info(d, 9), 0);
    check_shared_info_at(d, 9);
    /* Read-only and execute-only pages still count as mapped RAM. */
    ck_assert_int_eq(domain_set_perms(d, 15, 1, P2M_R), 0);
    core_guest_fill(d, 15 * PAGE_SIZE, 0x55, PAGE_SIZE);
    ck_assert_int_eq(domain_set_shared_info(d, 15), 0);
    check_shared_info_at(d, 15);
    domain_destroy(d);
    assert_nothing_leaked();
}
END_TEST

/* ---- shutdown ---- */

START_TEST(test_shutdown_and_destroy_dom0_pointer)
{
    struct domain *d = core_domain(4, false, 8, false);

    domain_shutdown(d, SHUTDOWN_watchdog);
    ck_assert_int_eq(d->state, DOMAIN_SHUTDOWN);
    ck_assert_uint_eq(d->shutdown_reason, SHUTDOWN_watchdog);
    CORE_ASSERT_CONSOLE_HAS("d4 (test-domain) shut down: watchdog");
    domain_shutdown(d, 77); /* already down: ignored */
    ck_assert_uint_eq(d->shutdown_reason, SHUTDOWN_watchdog);
    domain_destroy(d);

    d = core_domain(5, false, 8, false);
    domain_shutdown(d, 77);
    CORE_ASSERT_CONSOLE_HAS("d5 (test-domain) shut down: unknown");
    domain_destroy(d);

    /* Destroying the domain dom0 points at clears the pointer. */
    dom0 = core_create(0, "Domain-0", true);
    domain_destroy(dom0);
    ck_assert_ptr_null(dom0);
    assert_nothing_leaked();
}
END_TEST

static Suite *domain_suite(void)
{
    Suite *s = suite_create("domain");
    TCase *ram = tcase_create("ram");
    TCase *acct = tcase_create("accounting");
    TCase *args = tcase_create("arguments");

    tcase_add_checked_fixture(ram, domain_setup, core_teardown);
    tcase_add_test(ram, test_create_fields);
    tcase_add_test(ram, test_alloc_ram_contiguous);
    tcase_add_test(ram, test_alloc_ram_scattered);
    tcase_add_test(ram, test_alloc_ram_einval);
    tcase_add_test(ram, test_alloc_ram_too_big_for_machine);
    suite_add_tcase(s, ram);

    tcase_add_checked_fixture(acct, domain_setup, core_teardown);
    tcase_add_test(acct, test_create_destroy_cycles);
    tcase_add_test(acct, test_many_live_domains);
    tcase_add_test(acct, test_failure_at_every_step_scattered);
    tcase_add_test(acct, test_failure_midway_reports_enomem);
    tcase_add_test(acct, test_contiguous_fails_when_fragmented);
    suite_add_tcase(s, acct);

    tcase_add_checked_fixture(args, domain_setup, core_teardown);
    tcase_add_loop_test(args, test_set_perms_rejects_bad_args, 0, 2);
    tcase_add_loop_test(args, test_set_perms_applies, 0, 2);
    tcase_add_loop_test(args, test_gfn_to_mfn_bounds, 0, 2);
    tcase_add_loop_test(args, test_shared_info_rejects_bad_gfns, 0, 2);
    tcase_add_loop_test(args, test_shared_info_zeroed_and_masked, 0, 2);
    tcase_add_test(args, test_shutdown_and_destroy_dom0_pointer);
    suite_add_tcase(s, args);
    return s;
}

int main(void)
{
    core_machine_bytes = 32ul << 20;
    return core_run_suite(domain_suite());
}
