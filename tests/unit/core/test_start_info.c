/*
 * test_start_info.c - the start info device tree end to end: written by the
 * hypervisor's start_info_build() (common/start_info.c), read back by
 * guest-lib's start_info_parse() (guest-lib/src/start_info.c, built here for
 * the host). Round trips, build limits, trees edited with libfdt to break one
 * rule each, and a seeded random-corruption loop.
 */
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>

/* guest-lib's header (first on the include path), then the hypervisor's. */
#include <skiff/start_info.h>
#include <hypervisor/include/skiff/start_info.h>

#include "core_test.h"

#define TREE_BUF (SKIFF_START_INFO_MAX_SIZE + 4096)

static _Alignas(8) uint8_t tree[TREE_BUF];
static _Alignas(8) uint8_t edit[TREE_BUF];
static struct skiff_start_info si;

static const char long_cmdline[] =
    "console=hvc0 root=/dev/xvda1 ro quiet loglevel=7 init=/sbin/init "
    "a_rather_long_option_to_make_the_bootargs_property_span_several_fdt_cells=1";

static void full_desc(struct start_info_desc *d)
{
    static const char *const cmdlines[] = {"initrd", "", "module two, spaces & symbols!"};

    memset(d, 0, sizeof(*d));
    d->domid = 7;
    d->flags = SIF_PRIVILEGED | SIF_INITDOMAIN;
    d->vcpus = 1;
    d->name = "guest-seven";
    d->cmdline = long_cmdline;
    d->mem_bytes = 256ull << 20;
    d->shared_info = 0x7000;
    d->hypercall_page = 0x201000;
    d->start_info_base = 0xff0000;
    d->start_info_size = SKIFF_START_INFO_MAX_SIZE;
    d->nr_free = 5;
    for (unsigned int i = 0; i < d->nr_free; i++) {
        d->free[i].base = 0x1000 + i * 0x100000ull;
        d->free[i].size = 0x3000 + i * 0x1000ull;
    }
    d->nr_modules = 3;
    for (unsigned int i = 0; i < d->nr_modules; i++) {
        d->modules[i].base = 0x800000 + i * 0x40000ull;
        d->modules[i].size = 0x12345 + i;
        d->modules[i].cmdline = cmdlines[i];
    }
    d->has_console = true;
    d->console_page = 0xfe0000;
    d->console_port = 3;
    d->has_store = true;
    d->store_page = 0xfdf000;
    d->store_port = 4;
    d->has_machine_base = true;
    d->machine_base = 0x123456789000ull;
    d->hv_version = "0.1";
}

static void build_ok(const struct start_info_desc *d)
{
    ck_assert_int_eq(start_info_build(tree, SKIFF_START_INFO_MAX_SIZE, d), 0);
    ck_assert_int_eq(fdt_check_full(tree, fdt_totalsize(tree)), 0);
}

static int parse(const void *fdt, size_t max, const char **why)
{
    *why = NULL;
    return start_info_parse(fdt, max, &si, why);
}

static void parse_ok(const void *fdt)
{
    const char *why;
    int rc = parse(fdt, TREE_BUF, &why);

    ck_assert_msg(rc == 0, "parse failed: %d (%s)", rc, why ? why : "?");
}

static void expect_equal(const struct start_info_desc *d)
{
    ck_assert_uint_eq(si.domid, d->domid);
    ck_assert_uint_eq(si.flags, d->flags);
    ck_assert_uint_eq(si.vcpus, d->vcpus);
    ck_assert_str_eq(si.name, d->name ? d->name : "");
    ck_assert_str_eq(si.cmdline, d->cmdline ? d->cmdline : "");
    ck_assert_uint_eq(si.mem_bytes, d->mem_bytes);
    ck_assert_uint_eq(si.shared_info, d->shared_info);
    ck_assert_uint_eq(si.hypercall_page, d->hypercall_page);
    ck_assert_uint_eq(si.start_info_base, d->start_info_base);
    ck_assert_uint_eq(si.start_info_size, d->start_info_size);
    ck_assert_uint_eq(si.nr_free, d->nr_free);
    for (unsigned int i = 0; i < d->nr_free; i++) {
        ck_assert_uint_eq(si.free[i].base, d->free[i].base);
        ck_assert_uint_eq(si.free[i].size, d->free[i].size);
    }
    ck_assert_uint_eq(si.nr_modules, d->nr_modules);
    for (unsigned int i = 0; i < d->nr_modules; i++) {
        ck_assert_uint_eq(si.modules[i].base, d->modules[i].base);
        ck_assert_uint_eq(si.modules[i].size, d->modules[i].size);
        ck_assert_str_eq(si.modules[i].cmdline, d->modules[i].cmdline ? d->modules[i].cmdline : "");
    }
    ck_assert_int_eq(si.has_console, d->has_console);
    if (d->has_console) {
        ck_assert_uint_eq(si.console_page, d->console_page);
        ck_assert_uint_eq(si.console_port, d->console_port);
    }
    ck_assert_int_eq(si.has_store, d->has_store);
    if (d->has_store) {
        ck_assert_uint_eq(si.store_page, d->store_page);
        ck_assert_uint_eq(si.store_port, d->store_port);
    }
    ck_assert_int_eq(si.has_machine_base, d->has_machine_base);
    if (d->has_machine_base)
        ck_assert_uint_eq(si.machine_base, d->machine_base);
    ck_assert_str_eq(si.hv_version, d->hv_version ? d->hv_version : "");
}

/* ---- round trips ---- */

START_TEST(test_round_trip_full)
{
    struct start_info_desc d;

    full_desc(&d);
    build_ok(&d);
    parse_ok(tree);
    expect_equal(&d);
}
END_TEST

START_TEST(test_round_trip_minimal)
{
    struct start_info_desc d;

    memset(&d, 0, sizeof(d)); /* NULL strings, no ranges, no modules, no machine base */
    build_ok(&d);
    parse_ok(tree);
    expect_equal(&d);
    ck_assert(!si.has_machine_base);
}
END_TEST

START_TEST(test_round_trip_at_the_limits)
{
    static char name[32], cmdline[SKIFF_CMDLINE_MAX], mod_cmdline[256], version[32];
    struct start_info_desc d;

    full_desc(&d);
    memset(name, 'n', sizeof(name) - 1); /* each string one byte short of its array */
    memset(cmdline, 'c', sizeof(cmdline) - 1);
    memset(mod_cmdline, 'm', sizeof(mod_cmdline) - 1);
    memset(version, 'v', sizeof(version) - 1);
    d.name = name;
    d.cmdline = cmdline;
    d.hv_version = version;
    d.nr_free = SKIFF_START_INFO_MAX_RANGES;
    for (unsigned int i = 0; i < d.nr_free; i++) {
        d.free[i].base = 0xffffffffffffe000ull - i * 0x10000ull; /* ends a page below 2^64 */
        d.free[i].size = 0x1000;
    }
    d.nr_modules = SKIFF_START_INFO_MAX_MODULES;
    for (unsigned int i = 0; i < d.nr_modules; i++) {
        d.modules[i].base = 0xffff0000ull + i * 0x1000;
        d.modules[i].size = 0x1000 - i;
        d.modules[i].cmdline = mod_cmdline;
    }
    d.domid = d.flags = d.vcpus = UINT32_MAX;
    d.machine_base = d.mem_bytes = d.shared_info = UINT64_MAX;
    build_ok(&d);
    parse_ok(tree);
    expect_equal(&d);
}
END_TEST

/* ---- building ---- */

/* skiff,console: port 0, a page outside RAM or unaligned are refused. */
START_TEST(test_console_node_checked)
{
    struct start_info_desc d;
    const char *why;

    full_desc(&d);
    d.console_port = 0;
    build_ok(&d);
    ck_assert_int_eq(parse(tree, TREE_BUF, &why), -EINVAL);
    ck_assert_str_eq(why, "bad " SI_NODE_CONSOLE " node");
    full_desc(&d);
    d.console_page = d.mem_bytes;
    build_ok(&d);
    ck_assert_int_eq(parse(tree, TREE_BUF, &why), -EINVAL);
    full_desc(&d);
    d.console_page = 0x1234;
    build_ok(&d);
    ck_assert_int_eq(parse(tree, TREE_BUF, &why), -EINVAL);
}
END_TEST

/* skiff,store: the same checks. */
START_TEST(test_store_node_checked)
{
    struct start_info_desc d;
    const char *why;

    full_desc(&d);
    d.store_port = 0;
    build_ok(&d);
    ck_assert_int_eq(parse(tree, TREE_BUF, &why), -EINVAL);
    ck_assert_str_eq(why, "bad " SI_NODE_STORE " node");
    full_desc(&d);
    d.store_page = d.mem_bytes;
    build_ok(&d);
    ck_assert_int_eq(parse(tree, TREE_BUF, &why), -EINVAL);
    full_desc(&d);
    d.store_page = 0x1234;
    build_ok(&d);
    ck_assert_int_eq(parse(tree, TREE_BUF, &why), -EINVAL);
    full_desc(&d);
    d.has_store = false;
    build_ok(&d);
    ck_assert_int_eq(parse(tree, TREE_BUF, &why), 0);
}
END_TEST

START_TEST(test_build_needs_room)
{
    struct start_info_desc d;
    static const size_t small[] = {0, 8, 40, 100, 512};

    full_desc(&d);
    build_ok(&d);
    uint32_t need = fdt_totalsize(tree);
    for (unsigned int i = 0; i < ARRAY_SIZE(small); i++) {
        memset(tree, 0xee, sizeof(tree));
        ck_assert_int_eq(start_info_build(tree, small[i], &d), -ENOSPC);
        for (size_t b = small[i]; b < sizeof(tree); b++)
            CORE_CHECK(tree[b] == 0xee, "build into %zu bytes wrote byte %zu", small[i], b);
    }
    /* One byte short fails and writes nothing past the end; exactly enough works. */
    uint8_t *exact = malloc(need);
    ck_assert_ptr_nonnull(exact);
    ck_assert_int_eq(start_info_build(exact, need - 1, &d), -ENOSPC);
    ck_assert_int_eq(start_info_build(exact, need, &d), 0);
    ck_assert_int_eq(start_info_parse(exact, need, &si, &(const char *){NULL}), 0);
    free(exact);
}
END_TEST

START_TEST(test_build_rejects_bad_desc)
{
    struct start_info_desc d;

    full_desc(&d);
    d.nr_free = SKIFF_START_INFO_MAX_RANGES + 1;
    ck_assert_int_eq(start_info_build(tree, sizeof(tree), &d), -EINVAL);
    d.nr_free = UINT32_MAX;
    ck_assert_int_eq(start_info_build(tree, sizeof(tree), &d), -EINVAL);
    full_desc(&d);
    d.nr_modules = SKIFF_START_INFO_MAX_MODULES + 1;
    ck_assert_int_eq(start_info_build(tree, sizeof(tree), &d), -EINVAL);
    full_desc(&d);
    ck_assert_int_eq(start_info_build(tree, (size_t)INT32_MAX + 1, &d), -EINVAL);
    ck_assert_int_eq(start_info_build(tree, SIZE_MAX, &d), -EINVAL);
}
END_TEST

/* ---- parsing trees broken on purpose ---- */

static int node(void *fdt, const char *path)
{
    int off = fdt_path_offset(fdt, path);

    ck_assert_msg(off >= 0, "no node %s", path);
    return off;
}

static void del_node(void *fdt, const char *path)
{
    ck_assert_int_eq(fdt_del_node(fdt, node(fdt, path)), 0);
}

static void del_prop(void *fdt, const char *path, const char *prop)
{
    ck_assert_int_eq(fdt_delprop(fdt, node(fdt, path), prop), 0);
}

static void set_prop(void *fdt, const char *path, const char *prop, const void *val, int len)
{
    ck_assert_int_eq(fdt_setprop(fdt, node(fdt, path), prop, val, len), 0);
}

static void set_filled_string(void *fdt, const char *path, const char *prop, size_t chars)
{
    char *s = malloc(chars + 1);

    memset(s, 'x', chars);
    s[chars] = '\0';
    set_prop(fdt, path, prop, s, (int)chars + 1);
    free(s);
}

static void set_ranges(void *fdt, const char *path, unsigned int n, uint64_t base, uint64_t size)
{
    fdt64_t cells[2 * 20];

    for (unsigned int i = 0; i < n; i++) {
        cells[2 * i] = cpu_to_fdt64(base + i * 0x10000);
        cells[2 * i + 1] = cpu_to_fdt64(size);
    }
    set_prop(fdt, path, "reg", cells, (int)(n * 16));
}

#define MOD0 SI_NODE_MODULES "/module@0"

static void e_no_chosen(void *f)
{
    del_node(f, SI_NODE_CHOSEN);
}
static void e_no_bootargs(void *f)
{
    del_prop(f, SI_NODE_CHOSEN, SI_PROP_BOOTARGS);
}
static void e_bootargs_unterminated(void *f)
{
    set_prop(f, SI_NODE_CHOSEN, SI_PROP_BOOTARGS, "abc", 3);
}
static void e_bootargs_too_long(void *f)
{
    set_filled_string(f, SI_NODE_CHOSEN, SI_PROP_BOOTARGS, SKIFF_CMDLINE_MAX);
}
static void e_no_memory(void *f)
{
    del_node(f, SI_NODE_MEMORY);
}
static void e_memory_reg_short(void *f)
{
    fdt64_t v = cpu_to_fdt64(1 << 20);

    set_prop(f, SI_NODE_MEMORY, "reg", &v, sizeof(v));
}
static void e_memory_reg_base(void *f)
{
    set_ranges(f, SI_NODE_MEMORY, 1, 0x1000, 1 << 20);
}
static void e_memory_no_reg(void *f)
{
    del_prop(f, SI_NODE_MEMORY, "reg");
}
static void e_no_domain(void *f)
{
    del_node(f, SI_NODE_DOMAIN);
}
static void e_domid_8(void *f)
{
    fdt64_t v = cpu_to_fdt64(7);

    set_prop(f, SI_NODE_DOMAIN, SI_PROP_DOMID, &v, sizeof(v));
}
static void e_no_flags(void *f)
{
    del_prop(f, SI_NODE_DOMAIN, SI_PROP_FLAGS);
}
static void e_vcpus_2(void *f)
{
    set_prop(f, SI_NODE_DOMAIN, SI_PROP_VCPUS, "\0\1", 2);
}
static void e_no_name(void *f)
{
    del_prop(f, SI_NODE_DOMAIN, SI_PROP_NAME);
}
static void e_name_unterminated(void *f)
{
    set_prop(f, SI_NODE_DOMAIN, SI_PROP_NAME, "abc", 3);
}
static void e_name_embedded_nul(void *f)
{
    set_prop(f, SI_NODE_DOMAIN, SI_PROP_NAME, "a\0b", 4);
}
static void e_name_empty_prop(void *f)
{
    ck_assert_int_eq(fdt_setprop_empty(f, node(f, SI_NODE_DOMAIN), SI_PROP_NAME), 0);
}
static void e_name_too_long(void *f)
{
    set_filled_string(f, SI_NODE_DOMAIN, SI_PROP_NAME, 32);
}
static void e_no_pages(void *f)
{
    del_node(f, SI_NODE_PAGES);
}
static void e_shared_4(void *f)
{
    set_prop(f, SI_NODE_PAGES, SI_PROP_SHARED, "\0\0\0\1", 4);
}
static void e_no_hcall(void *f)
{
    del_prop(f, SI_NODE_PAGES, SI_PROP_HCALL_PAGE);
}
static void e_start_info_8(void *f)
{
    fdt64_t v = cpu_to_fdt64(0x1000);

    set_prop(f, SI_NODE_PAGES, SI_PROP_START_INFO, &v, sizeof(v));
}
static void e_start_info_24(void *f)
{
    fdt64_t v[3] = {0, 0, 0};

    set_prop(f, SI_NODE_PAGES, SI_PROP_START_INFO, v, sizeof(v));
}
static void e_no_free(void *f)
{
    del_node(f, SI_NODE_FREE_MEM);
}
static void e_free_no_reg(void *f)
{
    del_prop(f, SI_NODE_FREE_MEM, "reg");
}
static void e_free_reg_24(void *f)
{
    fdt64_t v[3] = {0, 0, 0};

    set_prop(f, SI_NODE_FREE_MEM, "reg", v, sizeof(v));
}
static void e_free_17(void *f)
{
    set_ranges(f, SI_NODE_FREE_MEM, SKIFF_START_INFO_MAX_RANGES + 1, 0x100000, 0x1000);
}
static void e_free_wraps(void *f)
{
    set_ranges(f, SI_NODE_FREE_MEM, 1, 0xfffffffffffff000ull, 0x2000);
}
static void e_free_wraps_max(void *f)
{
    set_ranges(f, SI_NODE_FREE_MEM, 1, 1, UINT64_MAX);
}
static void e_modules_9(void *f)
{
    int parent = node(f, SI_NODE_MODULES);
    char name[32];

    for (unsigned int i = 3; i < 9; i++) {
        snprintf(name, sizeof(name), "module@%u", i);
        int n = fdt_add_subnode(f, parent, name);
        ck_assert_int_ge(n, 0);
        fdt64_t reg[2] = {cpu_to_fdt64(0x100000), cpu_to_fdt64(0x1000)};
        ck_assert_int_eq(fdt_setprop(f, n, "reg", reg, sizeof(reg)), 0);
        ck_assert_int_eq(fdt_setprop_string(f, n, SI_PROP_CMDLINE, "x"), 0);
    }
}
static void e_module_no_reg(void *f)
{
    del_prop(f, MOD0, "reg");
}
static void e_module_reg_8(void *f)
{
    fdt64_t v = 0;

    set_prop(f, MOD0, "reg", &v, sizeof(v));
}
static void e_module_no_cmdline(void *f)
{
    del_prop(f, MOD0, SI_PROP_CMDLINE);
}
static void e_module_cmdline_too_long(void *f)
{
    set_filled_string(f, MOD0, SI_PROP_CMDLINE, 256);
}
static void e_module_cmdline_unterminated(void *f)
{
    set_prop(f, MOD0, SI_PROP_CMDLINE, "initrd", 6);
}
static void e_no_hv(void *f)
{
    del_node(f, SI_NODE_HV);
}
static void e_no_version(void *f)
{
    del_prop(f, SI_NODE_HV, SI_PROP_VERSION);
}
static void e_version_too_long(void *f)
{
    set_filled_string(f, SI_NODE_HV, SI_PROP_VERSION, 32);
}
static void e_compatible_v2(void *f)
{
    ck_assert_int_eq(fdt_setprop_string(f, 0, "compatible", "skiff,start-info-v2"), 0);
}
static void e_compatible_prefix(void *f)
{
    ck_assert_int_eq(fdt_setprop_string(f, 0, "compatible", "skiff,start-info-v"), 0);
}
static void e_no_compatible(void *f)
{
    ck_assert_int_eq(fdt_delprop(f, 0, "compatible"), 0);
}

struct edit_case {
    const char *name;
    void (*edit_fn)(void *fdt);
    const char *why;
};

static const struct edit_case edit_cases[] = {
    {"no /chosen", e_no_chosen, "chosen"},
    {"no bootargs", e_no_bootargs, "bootargs"},
    {"bootargs unterminated", e_bootargs_unterminated, "bootargs"},
    {"bootargs too long", e_bootargs_too_long, "bootargs"},
    {"no /memory@0", e_no_memory, "memory"},
    {"memory reg 8 bytes", e_memory_reg_short, "memory"},
    {"memory base not 0", e_memory_reg_base, "memory"},
    {"memory without reg", e_memory_no_reg, "memory"},
    {"no domain node", e_no_domain, "no " SI_NODE_DOMAIN},
    {"domid 8 bytes", e_domid_8, SI_NODE_DOMAIN " properties"},
    {"no flags", e_no_flags, SI_NODE_DOMAIN " properties"},
    {"vcpus 2 bytes", e_vcpus_2, SI_NODE_DOMAIN " properties"},
    {"no name", e_no_name, SI_NODE_DOMAIN " properties"},
    {"name unterminated", e_name_unterminated, SI_NODE_DOMAIN " properties"},
    {"name with inner NUL", e_name_embedded_nul, SI_NODE_DOMAIN " properties"},
    {"name empty property", e_name_empty_prop, SI_NODE_DOMAIN " properties"},
    {"name too long", e_name_too_long, SI_NODE_DOMAIN " properties"},
    {"no pages node", e_no_pages, "no " SI_NODE_PAGES},
    {"shared-info 4 bytes", e_shared_4, SI_NODE_PAGES " properties"},
    {"no hypercall-page", e_no_hcall, SI_NODE_PAGES " properties"},
    {"start-info 8 bytes", e_start_info_8, SI_NODE_PAGES " properties"},
    {"start-info 24 bytes", e_start_info_24, SI_NODE_PAGES " properties"},
    {"no free-memory node", e_no_free, "no " SI_NODE_FREE_MEM},
    {"free-memory without reg", e_free_no_reg, SI_NODE_FREE_MEM "/reg"},
    {"free-memory reg 24 bytes", e_free_reg_24, SI_NODE_FREE_MEM "/reg"},
    {"17 free ranges", e_free_17, "too many free-memory ranges"},
    {"free range wraps", e_free_wraps, "wraps"},
    {"free range size 2^64-1", e_free_wraps_max, "wraps"},
    {"9 modules", e_modules_9, "too many modules"},
    {"module without reg", e_module_no_reg, "module"},
    {"module reg 8 bytes", e_module_reg_8, "module"},
    {"module without cmdline", e_module_no_cmdline, "module"},
    {"module cmdline too long", e_module_cmdline_too_long, "module"},
    {"module cmdline unterminated", e_module_cmdline_unterminated, "module"},
    {"no hypervisor node", e_no_hv, SI_NODE_HV},
    {"no version", e_no_version, SI_NODE_HV},
    {"version too long", e_version_too_long, SI_NODE_HV},
    {"compatible v2", e_compatible_v2, "compatible"},
    {"compatible prefix", e_compatible_prefix, "compatible"},
    {"no compatible", e_no_compatible, "compatible"},
};

/* A valid tree, opened read-write in `edit` with room to grow. */
static void open_for_edit(void)
{
    struct start_info_desc d;

    full_desc(&d);
    build_ok(&d);
    ck_assert_int_eq(fdt_open_into(tree, edit, sizeof(edit)), 0);
}

START_TEST(test_parse_edited)
{
    const struct edit_case *c = &edit_cases[_i];
    const char *why;

    open_for_edit();
    c->edit_fn(edit);
    ck_assert_int_eq(fdt_pack(edit), 0);
    int rc = parse(edit, sizeof(edit), &why);
    ck_assert_msg(rc == -EINVAL, "%s: rc %d, want -EINVAL", c->name, rc);
    ck_assert_msg(why && strstr(why, c->why), "%s: reason \"%s\" lacks \"%s\"", c->name,
                  why ? why : "(none)", c->why);
}
END_TEST

START_TEST(test_parse_edits_that_stay_valid)
{
    open_for_edit();
    /* Optional parts gone, a compatible list that includes ours. */
    del_node(edit, SI_NODE_MODULES);
    del_prop(edit, SI_NODE_HV, SI_PROP_MACH_BASE);
    static const char compat[] = "vendor,other\0" SKIFF_START_INFO_COMPATIBLE;
    set_prop(edit, "/", "compatible", compat, sizeof(compat));
    /* No free ranges at all. */
    ck_assert_int_eq(fdt_setprop_empty(edit, node(edit, SI_NODE_FREE_MEM), "reg"), 0);
    parse_ok(edit);
    ck_assert_uint_eq(si.nr_modules, 0);
    ck_assert_uint_eq(si.nr_free, 0);
    ck_assert(!si.has_machine_base);
    ck_assert_uint_eq(si.domid, 7);
}
END_TEST

static void expect_header_error(const void *fdt, size_t max)
{
    const char *why;
    int rc = parse(fdt, max, &why);

    ck_assert_int_eq(rc, -EINVAL);
    ck_assert_msg(why && strstr(why, "device tree"), "reason \"%s\"", why ? why : "(none)");
}

START_TEST(test_parse_bad_headers)
{
    struct start_info_desc d;
    struct fdt_header *h = (struct fdt_header *)edit;

    full_desc(&d);
    build_ok(&d);
    uint32_t size = fdt_totalsize(tree);

    memcpy(edit, tree, size);
    edit[0] ^= 0xff; /* magic */
    expect_header_error(edit, sizeof(edit));

    expect_header_error(tree, size - 1); /* totalsize beyond max_size */
    expect_header_error(tree, sizeof(struct fdt_header) - 1);
    expect_header_error(tree, 0);

    memcpy(edit, tree, size);
    h->totalsize = cpu_to_fdt32(0xffffffffu);
    expect_header_error(edit, sizeof(edit));

    memcpy(edit, tree, size);
    h->last_comp_version = cpu_to_fdt32(99);
    expect_header_error(edit, sizeof(edit));

    memcpy(edit, tree, size);
    h->off_dt_struct = cpu_to_fdt32(size + 8);
    expect_header_error(edit, sizeof(edit));

    memcpy(edit, tree, size);
    h->size_dt_struct = cpu_to_fdt32(fdt_size_dt_struct(tree) + 0x100000);
    expect_header_error(edit, sizeof(edit));

    memcpy(edit, tree, size);
    h->size_dt_strings = cpu_to_fdt32(3); /* property names cut off */
    expect_header_error(edit, sizeof(edit));

    memcpy(edit, tree, size);
    memset(edit + fdt_off_dt_struct(tree), 0xff, 16); /* garbage tokens */
    expect_header_error(edit, sizeof(edit));
}
END_TEST

/* Everything start_info_parse promises about a tree it accepted. */
static void check_parsed_invariants(void)
{
    CORE_CHECK(si.nr_free <= SKIFF_START_INFO_MAX_RANGES, "nr_free %u", si.nr_free);
    CORE_CHECK(si.nr_modules <= SKIFF_START_INFO_MAX_MODULES, "nr_modules %u", si.nr_modules);
    CORE_CHECK(strnlen(si.name, sizeof(si.name)) < sizeof(si.name), "name unterminated");
    CORE_CHECK(strnlen(si.cmdline, sizeof(si.cmdline)) < sizeof(si.cmdline), "cmdline");
    CORE_CHECK(strnlen(si.hv_version, sizeof(si.hv_version)) < sizeof(si.hv_version), "version");
    for (unsigned int i = 0; i < si.nr_free; i++)
        CORE_CHECK(si.free[i].base + si.free[i].size >= si.free[i].base, "range %u wraps", i);
    for (unsigned int i = 0; i < si.nr_modules; i++)
        CORE_CHECK(strnlen(si.modules[i].cmdline, sizeof(si.modules[i].cmdline)) <
                       sizeof(si.modules[i].cmdline),
                   "module %u cmdline", i);
}

START_TEST(test_random_corruption)
{
    struct start_info_desc d;
    uint64_t rng = 0xfd7c0de;
    unsigned int accepted = 0, rejected = 0;

    full_desc(&d);
    build_ok(&d);
    uint32_t size = fdt_totalsize(tree);
    uint8_t *copy = malloc(size); /* exactly the tree: ASan sees any overread */
    ck_assert_ptr_nonnull(copy);

    for (unsigned int iter = 0; iter < 5000; iter++) {
        memcpy(copy, tree, size);
        unsigned int changes = 1 + (unsigned int)core_rng_below(&rng, 6);
        for (unsigned int c = 0; c < changes; c++) {
            size_t at = core_rng_below(&rng, 3) == 0 ? core_rng_below(&rng, 40)
                                                     : core_rng_below(&rng, size);
            copy[at] = core_rng_below(&rng, 2) ? (uint8_t)core_rng(&rng)
                                               : copy[at] ^ (uint8_t)(1u << (iter % 8));
        }
        size_t max = core_rng_below(&rng, 8) == 0 ? core_rng_below(&rng, size + 1) : size;
        const char *why = NULL;
        if (start_info_parse(copy, max, &si, &why) == 0) {
            check_parsed_invariants();
            accepted++;
        } else {
            CORE_CHECK(why != NULL, "iteration %u: error without a reason", iter);
            rejected++;
        }
    }
    free(copy);
    ck_assert_uint_gt(accepted, 50);
    ck_assert_uint_gt(rejected, 50);
}
END_TEST

static Suite *start_info_suite(void)
{
    Suite *s = suite_create("start_info");
    TCase *trip = tcase_create("round_trip");
    TCase *build = tcase_create("build");
    TCase *bad = tcase_create("parse_bad");
    TCase *fuzz = tcase_create("corruption");

    tcase_add_test(trip, test_round_trip_full);
    tcase_add_test(trip, test_round_trip_minimal);
    tcase_add_test(trip, test_round_trip_at_the_limits);
    tcase_add_test(trip, test_console_node_checked);
    tcase_add_test(trip, test_store_node_checked);
    suite_add_tcase(s, trip);

    tcase_add_test(build, test_build_needs_room);
    tcase_add_test(build, test_build_rejects_bad_desc);
    suite_add_tcase(s, build);

    tcase_add_loop_test(bad, test_parse_edited, 0, (int)ARRAY_SIZE(edit_cases));
    tcase_add_test(bad, test_parse_edits_that_stay_valid);
    tcase_add_test(bad, test_parse_bad_headers);
    suite_add_tcase(s, bad);

    tcase_add_test(fuzz, test_random_corruption);
    suite_add_tcase(s, fuzz);
    return s;
}

int main(void)
{
    return core_run_suite(start_info_suite());
}
