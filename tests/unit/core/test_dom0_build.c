/*
 * test_dom0_build.c - unit tests for common/dom0_build.c: dom0 built from an
 * ELF image and a second boot module in fake machine memory; its layout,
 * loaded bytes, page permissions and start info (parsed with guest-lib's
 * start_info_parse) are checked, and every refusal (bad image, no module,
 * modules too big, no memory) must print why and leave nothing behind.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <skiff/start_info.h> /* guest-lib's parser (first on the include path) */
#include <skiff/bootinfo.h>
#include <skiff/cmdline.h>
#include <skiff/frame.h>
#include <skiff/guest_access.h>
#include <skiff/heap.h>
#include <skiff/setup.h>
#include <skiff_version.h>

#include "core_test.h"

#define BASE         0x200000ull
#define DOM0_MEM     (8ull << 20)
#define SI_SIZE      SKIFF_START_INFO_MAX_SIZE
#define SPECIAL_SIZE (SI_SIZE + PAGE_SIZE + 16 * 1024) /* stack, shared_info, start info */
#define MODULE1_SIZE 10000
#define MODULE2_SIZE 100

static struct boot_info boot;
static uint8_t module1[MODULE1_SIZE], module2[MODULE2_SIZE];
static uint64_t frames_before;
static size_t heap_before;
static struct skiff_start_info si;

static void fill_modules(void)
{
    for (size_t i = 0; i < sizeof(module1); i++)
        module1[i] = (uint8_t)(i * 251 + 3);
    for (size_t i = 0; i < sizeof(module2); i++)
        module2[i] = (uint8_t)(0xf0 - i);
}

/* dom0's image at base (plus two modules with full); counts taken after. */
static void prepare(uint64_t base, bool note, bool modules)
{
    core_dom0_boot_info(&boot, base, note);
    if (modules) {
        fill_modules();
        core_add_module(&boot, module1, sizeof(module1), "initrd arg=1");
        core_add_module(&boot, module2, sizeof(module2), "");
    }
    fake_console_clear();
    frames_before = frame_free_count();
    heap_before = heap_bytes_used();
}

static void assert_nothing_left(void)
{
    ck_assert_uint_eq(frame_free_count(), frames_before);
    ck_assert_uint_eq(heap_bytes_used(), heap_before);
    ck_assert_ptr_null(dom0);
}

/* Builds dom0 and expects a refusal with rc and a console line containing msg. */
static void expect_refused(int rc_want, const char *msg)
{
    struct domain *d = (struct domain *)0x1234;
    int rc = dom0_build(&boot, &d);

    ck_assert_msg(rc == rc_want, "dom0_build: %d, want %d\n%s", rc, rc_want, fake_console_output());
    ck_assert_ptr_eq(d, (struct domain *)0x1234);
    CORE_ASSERT_CONSOLE_HAS(msg);
    assert_nothing_left();
}

static struct domain *build_ok(void)
{
    struct domain *d = NULL;
    int rc = dom0_build(&boot, &d);

    ck_assert_msg(rc == 0, "dom0_build: %d\n%s", rc, fake_console_output());
    ck_assert_ptr_nonnull(d);
    return d;
}

static void parse_start_info(struct domain *d)
{
    uint8_t *tree = malloc(SI_SIZE);
    const char *why = NULL;

    ck_assert_int_eq(copy_from_guest(d, tree, gva(d->vcpu[0]->arch.arg0), SI_SIZE), 0);
    ck_assert_msg(start_info_parse(tree, SI_SIZE, &si, &why) == 0, "start info: %s", why);
    free(tree);
}

static uint64_t perms_of(struct domain *d, uint64_t gpa)
{
    return d->physmap.p2m[gpa >> PAGE_SHIFT] & P2M_PERMS;
}

/* ---- a good build ---- */

static void check_domain_and_vcpu(struct domain *d)
{
    ck_assert_uint_eq(d->domid, 0);
    ck_assert(d->privileged);
    ck_assert_str_eq(d->name, "Domain-0");
    ck_assert_int_eq(d->state, DOMAIN_RUNNING);
    ck_assert(d->ram_contiguous);
    ck_assert(d->arch.mapped);
    ck_assert_uint_eq(d->physmap.nr_pages, DOM0_MEM / PAGE_SIZE);
    ck_assert_uint_eq(d->vcpu[0]->arch.entry, BASE + 0x10);
    ck_assert_uint_eq(d->vcpu[0]->arch.arg0, DOM0_MEM - SI_SIZE);
    uint64_t stack = d->vcpu[0]->arch.stack;
    ck_assert_uint_eq(stack % 16, 0);
    ck_assert_uint_eq(stack, DOM0_MEM - SI_SIZE - PAGE_SIZE); /* just below shared_info */
    for (uint64_t p = stack - 16 * 1024; p < stack; p += PAGE_SIZE)
        ck_assert_uint_eq(perms_of(d, p), P2M_R | P2M_W);
    ck_assert_uint_eq(d->shared_info_gfn, (DOM0_MEM - SI_SIZE - PAGE_SIZE) >> PAGE_SHIFT);
    ck_assert_uint_eq(d->vcpu[0]->info->evtchn_upcall_mask, 1);
}

static void check_start_info_fields(struct domain *d, bool note)
{
    ck_assert_uint_eq(si.domid, 0);
    ck_assert_uint_eq(si.flags, SIF_PRIVILEGED | SIF_INITDOMAIN);
    ck_assert_uint_eq(si.vcpus, 1);
    ck_assert_str_eq(si.name, "Domain-0");
    ck_assert_str_eq(si.cmdline, "dom0 console=hvc0");
    ck_assert_uint_eq(si.mem_bytes, DOM0_MEM);
    ck_assert_uint_eq(si.shared_info, DOM0_MEM - SI_SIZE - PAGE_SIZE);
    ck_assert_uint_eq(si.hypercall_page, note ? BASE + 0x1000 : 0);
    ck_assert_uint_eq(si.start_info_base, DOM0_MEM - SI_SIZE);
    ck_assert_uint_eq(si.start_info_size, SI_SIZE);
    ck_assert(si.has_machine_base);
    ck_assert_uint_eq(si.machine_base, mfn_to_maddr(d->ram_base).ma);
    ck_assert_str_eq(si.hv_version, SKIFF_VERSION_STRING);
}

static bool ranges_overlap(uint64_t a, uint64_t a_len, uint64_t b, uint64_t b_len)
{
    return a < b + b_len && b < a + a_len;
}

static void check_modules(struct domain *d)
{
    static const uint8_t *const bytes[] = {module1, module2};
    static const size_t sizes[] = {MODULE1_SIZE, MODULE2_SIZE};
    static const char *const cmdlines[] = {"initrd arg=1", ""};

    ck_assert_uint_eq(si.nr_modules, 2);
    for (unsigned int i = 0; i < 2; i++) {
        const struct si_module_info *m = &si.modules[i];
        ck_assert_uint_eq(m->size, sizes[i]);
        ck_assert_str_eq(m->cmdline, cmdlines[i]);
        ck_assert_uint_eq(m->base % PAGE_SIZE, 0);
        ck_assert_uint_ge(m->base, BASE + 0x4000); /* above the image */
        ck_assert_uint_le(m->base + m->size, DOM0_MEM - SPECIAL_SIZE);
        uint8_t *copy = malloc(m->size);
        ck_assert_int_eq(copy_from_guest(d, copy, gva(m->base), m->size), 0);
        ck_assert_int_eq(memcmp(copy, bytes[i], m->size), 0);
        free(copy);
    }
    ck_assert(!ranges_overlap(si.modules[0].base, ALIGN_UP(si.modules[0].size, PAGE_SIZE),
                              si.modules[1].base, ALIGN_UP(si.modules[1].size, PAGE_SIZE)));
}

/* Free ranges: page aligned, usable, clear of page 0, image, modules, special pages. */
static void check_free_ranges(struct domain *d)
{
    uint64_t total = 0, used = PAGE_SIZE + 0x4000 + SPECIAL_SIZE;

    ck_assert_uint_ge(si.nr_free, 1);
    for (unsigned int i = 0; i < si.nr_free; i++) {
        uint64_t b = si.free[i].base, n = si.free[i].size;
        ck_assert_uint_eq(b % PAGE_SIZE, 0);
        ck_assert_uint_eq(n % PAGE_SIZE, 0);
        ck_assert_uint_gt(n, 0);
        ck_assert_uint_ge(b, PAGE_SIZE);
        ck_assert_uint_le(b + n, DOM0_MEM - SPECIAL_SIZE);
        ck_assert(!ranges_overlap(b, n, BASE, 0x4000));
        for (unsigned int m = 0; m < si.nr_modules; m++)
            ck_assert(
                !ranges_overlap(b, n, si.modules[m].base, ALIGN_UP(si.modules[m].size, PAGE_SIZE)));
        for (unsigned int j = 0; j < i; j++)
            ck_assert(!ranges_overlap(b, n, si.free[j].base, si.free[j].size));
        for (uint64_t p = b; p < b + n; p += PAGE_SIZE)
            CORE_CHECK(perms_of(d, p) == (P2M_R | P2M_W), "free page 0x%llx not RW",
                       (unsigned long long)p);
        total += n;
    }
    for (unsigned int m = 0; m < si.nr_modules; m++)
        used += ALIGN_UP(si.modules[m].size, PAGE_SIZE);
    ck_assert_uint_eq(total, DOM0_MEM - used); /* nothing else is held back */
}

static void expect_bytes(struct domain *d, uint64_t gpa, unsigned int seg, uint64_t n)
{
    uint8_t *got = malloc(n);

    core_guest_read(d, gpa, got, n);
    for (uint64_t i = 0; i < n; i++)
        CORE_CHECK(got[i] == te_pattern(seg, i), "segment %u byte %llu", seg,
                   (unsigned long long)i);
    free(got);
}

static void expect_zero(struct domain *d, uint64_t gpa, uint64_t n)
{
    uint8_t *got = malloc(n);

    core_guest_read(d, gpa, got, n);
    for (uint64_t i = 0; i < n; i++)
        CORE_CHECK(got[i] == 0, "byte at 0x%llx not zero", (unsigned long long)(gpa + i));
    free(got);
}

static void check_image(struct domain *d, bool note)
{
    char marker[9] = {0};

    expect_bytes(d, BASE, 0, 0x300);
    expect_zero(d, BASE + 0x300, 0x1000 - 0x300);
    core_guest_read(d, BASE + 0x1000, marker, 8);
    if (note)
        ck_assert_str_eq(marker, "FAKEHCPG");
    else
        expect_zero(d, BASE + 0x1000, 0x1000);
    expect_bytes(d, BASE + 0x2000, 1, 0x100);
    expect_bytes(d, BASE + 0x3000, 2, 0x80);
    expect_zero(d, BASE + 0x3080, 0x1000 - 0x80); /* bss */

    ck_assert_uint_eq(perms_of(d, BASE), P2M_R | P2M_X);
    ck_assert_uint_eq(perms_of(d, BASE + 0x1000), P2M_R | P2M_X);
    ck_assert_uint_eq(perms_of(d, BASE + 0x2000), P2M_R);
    ck_assert_uint_eq(perms_of(d, BASE + 0x3000), P2M_R | P2M_W);
    ck_assert_uint_eq(perms_of(d, 0), 0);
}

static void check_no_wx_page(struct domain *d)
{
    for (uint64_t g = 0; g < d->physmap.nr_pages; g++) {
        uint64_t p = d->physmap.p2m[g] & P2M_PERMS;
        CORE_CHECK(!((p & P2M_W) && (p & P2M_X)), "gfn 0x%llx is writable and executable",
                   (unsigned long long)g);
    }
}

START_TEST(test_build_with_note_and_modules)
{
    prepare(BASE, true, true);
    struct domain *d = build_ok();

    check_domain_and_vcpu(d);
    parse_start_info(d);
    check_start_info_fields(d, true);
    check_modules(d);
    check_free_ranges(d);
    check_image(d, true);
    check_no_wx_page(d);
    CORE_ASSERT_CONSOLE_HAS("dom0: 8 MiB at machine 0x");
    CORE_ASSERT_CONSOLE_HAS("entry 0x200010, 3 segments, start info at 0x7f0000");
    domain_destroy(d);
    assert_nothing_left();
    core_free_modules(&boot);
}
END_TEST

START_TEST(test_build_without_note_or_modules)
{
    prepare(BASE, false, false);
    struct domain *d = build_ok();

    check_domain_and_vcpu(d);
    parse_start_info(d);
    check_start_info_fields(d, false);
    ck_assert_uint_eq(si.nr_modules, 0);
    check_free_ranges(d);
    check_image(d, false);
    domain_destroy(d);
    assert_nothing_left();
    core_free_modules(&boot);
}
END_TEST

START_TEST(test_build_twice_in_a_row)
{
    prepare(BASE, true, true);
    for (int i = 0; i < 5; i++) {
        struct domain *d = build_ok();
        domain_destroy(d);
        assert_nothing_left();
    }
}
END_TEST

/* ---- dom0_mem ---- */

START_TEST(test_dom0_mem_minimum)
{
    prepare(BASE, true, false);
    ck_assert_int_eq(hv_parse_cmdline("dom0_mem=1M"), 0);
    struct domain *d = build_ok();
    ck_assert_uint_eq(d->physmap.nr_pages * PAGE_SIZE, 4ull << 20);
    domain_destroy(d);

    ck_assert_int_eq(hv_parse_cmdline("dom0_mem=5M"), 0); /* rounded down to 2 MiB */
    d = build_ok();
    ck_assert_uint_eq(d->physmap.nr_pages * PAGE_SIZE, 4ull << 20);
    domain_destroy(d);
    assert_nothing_left();
}
END_TEST

START_TEST(test_dom0_mem_more_than_free)
{
    prepare(BASE, true, false);
    ck_assert_int_eq(hv_parse_cmdline("dom0_mem=1G"), 0);
    struct domain *d = build_ok();
    uint64_t mem = d->physmap.nr_pages * PAGE_SIZE;

    CORE_ASSERT_CONSOLE_HAS("dom0_mem=1024 MiB is more than is free");
    ck_assert_uint_eq(mem % (2ull << 20), 0);
    ck_assert_uint_lt(mem, core_machine_bytes);
    ck_assert_uint_ge(frame_free_count() * PAGE_SIZE + 2 * (2ull << 20), 8ull << 20); /* kept */
    domain_destroy(d);
    assert_nothing_left();
}
END_TEST

/*
 * docs/architecture.md: dom0_mem is "at least 4 MiB". When free memory is
 * short, dom0_memory() caps dom0 at (free - 8 MiB) after applying the
 * minimum, so dom0 can end up with 2 MiB (or 0, which then fails as -EINVAL).
 */
START_TEST(test_dom0_mem_never_below_minimum)
{
    struct core_hoard h;

    prepare(0x100000, true, false); /* an image that fits in 2 MiB */
    core_hoard_until(&h, ((8ull << 20) + (3ull << 20)) / PAGE_SIZE);
    frames_before = frame_free_count();
    struct domain *d = NULL;
    int rc = dom0_build(&boot, &d);
    if (rc == 0) {
        uint64_t mem = d->physmap.nr_pages * PAGE_SIZE;
        domain_destroy(d);
        ck_assert_msg(mem >= (4ull << 20), "dom0 built with %llu KiB, below the 4 MiB minimum",
                      (unsigned long long)(mem >> 10));
    }
    assert_nothing_left();
    core_hoard_release(&h);
}
END_TEST

/* ---- refusals ---- */

START_TEST(test_no_module)
{
    prepare(BASE, true, false);
    core_free_modules(&boot);
    frames_before = frame_free_count();
    expect_refused(-ENOENT, "dom0: no boot module");
}
END_TEST

static void replace_image(void (*patch)(uint8_t *img, size_t *size), struct te_spec *spec)
{
    static uint8_t img[TE_IMG_SIZE];
    size_t size = te_build(spec, img, sizeof(img));

    if (patch)
        patch(img, &size);
    core_free_modules(&boot);
    core_add_module(&boot, img, size, "dom0");
    frames_before = frame_free_count();
}

static void break_magic(uint8_t *img, size_t *size)
{
    img[0] = 0;
}

static void cut_short(uint8_t *img, size_t *size)
{
    *size = 40;
}

START_TEST(test_bad_kernel_images)
{
    struct te_spec spec;

    prepare(BASE, true, true);
    te_default_spec(&spec, BASE, true);
    replace_image(break_magic, &spec);
    expect_refused(-ENOEXEC, "dom0: bad kernel image: bad ELF magic");

    fake_console_clear();
    replace_image(cut_short, &spec);
    expect_refused(-ENOEXEC, "dom0: bad kernel image: truncated: smaller than an ELF header");

    fake_console_clear();
    te_default_spec(&spec, BASE, true);
    spec.seg[2].flags |= PF_X;
    replace_image(NULL, &spec);
    expect_refused(-ENOEXEC, "dom0: bad kernel image: segment both writable and executable");

    fake_console_clear();
    te_default_spec(&spec, BASE, true);
    spec.entry = BASE + 0x3000;
    replace_image(NULL, &spec);
    expect_refused(-ENOEXEC, "dom0: bad kernel image: entry point outside executable segments");

    fake_console_clear();
    te_default_spec(&spec, 0, true); /* page 0 */
    replace_image(NULL, &spec);
    expect_refused(-ENOEXEC, "dom0: bad kernel image: segment outside the allowed address range");

    fake_console_clear();
    te_default_spec(&spec, DOM0_MEM - 0x2000, false); /* over the special pages */
    replace_image(NULL, &spec);
    expect_refused(-ENOEXEC, "dom0: bad kernel image: segment outside the allowed address range");
}
END_TEST

START_TEST(test_image_over_modules)
{
    static uint8_t big[7 << 20];

    prepare(BASE, true, false);
    core_add_module(&boot, big, sizeof(big), "big initrd"); /* modules now start below 2 MiB */
    frames_before = frame_free_count();
    expect_refused(-ENOEXEC, "dom0: bad kernel image: segment outside the allowed address range");
    core_free_modules(&boot);
}
END_TEST

START_TEST(test_modules_too_big)
{
    static uint8_t huge[9 << 20];

    prepare(BASE, true, false);
    core_add_module(&boot, huge, sizeof(huge), "too big");
    frames_before = frame_free_count();
    expect_refused(-ENOMEM, "dom0: boot modules do not fit in dom0_mem=8 MiB");
    core_free_modules(&boot);
}
END_TEST

START_TEST(test_no_contiguous_memory)
{
    struct core_hoard h;

    prepare(BASE, true, true);
    core_hoard_until(&h, 0);
    /* Give back all but the first frame of each 2 MiB block: lots free, none of it usable. */
    uint64_t kept = 0;
    for (uint64_t i = 0; i < h.nr; i++) {
        if (h.frames[i].mfn % 512 == 0)
            h.frames[kept++] = h.frames[i];
        else
            frame_free(h.frames[i]);
    }
    h.nr = kept;
    frames_before = frame_free_count();
    expect_refused(-ENOMEM, "dom0: cannot build the domain (error -12)");
    core_hoard_release(&h);
}
END_TEST

/* With only a few frames free, every step that can fail does; nothing leaks. */
START_TEST(test_out_of_memory_at_every_step)
{
    prepare(BASE, true, true);
    for (uint64_t leave = 0; leave < 12; leave++) {
        struct core_hoard h;
        core_hoard_until(&h, leave);
        frames_before = frame_free_count();
        struct domain *d = NULL;
        ck_assert_int_ne(dom0_build(&boot, &d), 0);
        assert_nothing_left();
        core_hoard_release(&h);
    }
}
END_TEST

static Suite *dom0_build_suite(void)
{
    Suite *s = suite_create("dom0_build");
    TCase *good = tcase_create("build");
    TCase *mem = tcase_create("dom0_mem");
    TCase *bad = tcase_create("refusals");

    tcase_add_checked_fixture(good, core_setup, core_teardown);
    tcase_add_test(good, test_build_with_note_and_modules);
    tcase_add_test(good, test_build_without_note_or_modules);
    tcase_add_test(good, test_build_twice_in_a_row);
    suite_add_tcase(s, good);

    tcase_add_checked_fixture(mem, core_setup, core_teardown);
    tcase_add_test(mem, test_dom0_mem_minimum);
    tcase_add_test(mem, test_dom0_mem_more_than_free);
    tcase_add_test(mem, test_dom0_mem_never_below_minimum);
    suite_add_tcase(s, mem);

    tcase_add_checked_fixture(bad, core_setup, core_teardown);
    tcase_add_test(bad, test_no_module);
    tcase_add_test(bad, test_bad_kernel_images);
    tcase_add_test(bad, test_image_over_modules);
    tcase_add_test(bad, test_modules_too_big);
    tcase_add_test(bad, test_no_contiguous_memory);
    tcase_add_test(bad, test_out_of_memory_at_every_step);
    suite_add_tcase(s, bad);
    return s;
}

int main(void)
{
    return core_run_suite(dom0_build_suite());
}
