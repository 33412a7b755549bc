/*
 * fdt_mutator.c - a structure-aware libFuzzer mutator for device trees, used
 * by fuzz_start_info: it resizes, rewrites, adds and deletes properties and
 * nodes with libfdt, so values get new lengths while the tree stays well
 * formed (byte flips alone almost never get past fdt_check_full()).
 */
#include "fuzz_util.h"

#include <libfdt.h>
#include <public/start_info.h>

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

#define TREE_MAX  SKIFF_START_INFO_MAX_SIZE
#define VALUE_MAX 2048

/* Names the parser looks for, so added properties and nodes can matter. */
static const char *const prop_names[] = {
    "compatible",     "reg",           "device_type",      "#address-cells",
    SI_PROP_BOOTARGS, SI_PROP_DOMID,   SI_PROP_FLAGS,      SI_PROP_VCPUS,
    SI_PROP_NAME,     SI_PROP_SHARED,  SI_PROP_HCALL_PAGE, SI_PROP_START_INFO,
    SI_PROP_CMDLINE,  SI_PROP_VERSION, SI_PROP_MACH_BASE,
};
static const char *const node_names[] = {"chosen",      "memory@0",          "skiff,domain",
                                         "skiff,pages", "skiff,free-memory", "skiff,modules",
                                         "module@9",    "skiff,hypervisor"};
/* Value lengths around the parser's limits (u32, u64, range, the string arrays). */
static const int lengths[] = {0,  1,  3,   4,   5,   8,    12,   16,   24,      31,
                              32, 33, 255, 256, 257, 1023, 1024, 1025, 16 * 16, 16 * 17};

static uint64_t rng_state;

static uint32_t rng(uint32_t below)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % below);
}

#define PICK(table) ((table)[rng(sizeof(table) / sizeof((table)[0]))])

/* The n-th node (0 = root) of the tree, or the root when there are fewer. */
static int pick_node(const void *tree)
{
    int node = 0, want = (int)rng(32);

    for (int i = 0, next; i < want && (next = fdt_next_node(tree, node, NULL)) >= 0; i++)
        node = next;
    return node;
}

/* Some property of node (by offset), or a negative value when it has none. */
static int pick_prop(const void *tree, int node)
{
    int prop, chosen = -1, seen = 0;

    fdt_for_each_property_offset(prop, tree, node)
    {
        if (rng((uint32_t)++seen) == 0)
            chosen = prop;
    }
    return chosen;
}

/* A value of a new length: the old bytes, a fill, and sometimes a final NUL. */
static int make_value(uint8_t *val, const void *old, int old_len)
{
    int len = rng(4) == 0 ? (int)rng(VALUE_MAX) : PICK(lengths);
    int keep = old_len < len ? old_len : len;

    if (keep > 0)
        memcpy(val, old, (size_t)keep);
    memset(val + keep, 'a' + (int)rng(26), (size_t)(len - keep));
    if (len > 0 && rng(2))
        val[len - 1] = '\0';
    return len;
}

static void resize_prop(void *tree, int node, int prop)
{
    static uint8_t val[VALUE_MAX];
    char name[256];
    const char *pname;
    int len;
    const void *old = fdt_getprop_by_offset(tree, prop, &pname, &len);

    if (!old || len < 0 || strlen(pname) >= sizeof(name))
        return;
    strcpy(name, pname);
    memcpy(val, old, (size_t)(len < VALUE_MAX ? len : VALUE_MAX));
    len = make_value(val, val, len < VALUE_MAX ? len : VALUE_MAX);
    fdt_setprop(tree, node, name, val, len);
}

static void mutate_value_bytes(void *tree, int node, int prop)
{
    static uint8_t val[VALUE_MAX];
    const char *pname;
    int len;
    const void *old = fdt_getprop_by_offset(tree, prop, &pname, &len);

    if (!old || len <= 0 || len > VALUE_MAX)
        return;
    memcpy(val, old, (size_t)len);
    if (LLVMFuzzerMutate(val, (size_t)len, (size_t)len) == (size_t)len)
        fdt_setprop_inplace(tree, node, pname, val, len);
}

static void delete_prop(void *tree, int node, int prop)
{
    char name[256];
    const char *pname;

    if (!fdt_getprop_by_offset(tree, prop, &pname, NULL) || strlen(pname) >= sizeof(name))
        return;
    strcpy(name, pname);
    fdt_delprop(tree, node, name);
}

static void add_prop(void *tree, int node)
{
    static uint8_t val[VALUE_MAX];
    int len = make_value(val, "", 0);

    fdt_setprop(tree, node, PICK(prop_names), val, len);
}

static void mutate_tree(void *tree)
{
    int node = pick_node(tree), prop = pick_prop(tree, node);

    switch (rng(6)) {
    case 0:
        if (prop >= 0)
            resize_prop(tree, node, prop);
        break;
    case 1:
        if (prop >= 0)
            mutate_value_bytes(tree, node, prop);
        break;
    case 2:
        if (prop >= 0)
            delete_prop(tree, node, prop);
        break;
    case 3:
        add_prop(tree, node);
        break;
    case 4:
        fdt_add_subnode(tree, node, PICK(node_names));
        break;
    default:
        if (node > 0)
            fdt_del_node(tree, node);
        break;
    }
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    static uint8_t tree[TREE_MAX];

    rng_state = seed | 1ull << 32;
    /* libfdt's fdt_check_full() crashes on trees older than 16: leave them to byte mutations. */
    if (rng(4) == 0 || size < sizeof(struct fdt_header) || fdt_check_header(data) != 0 ||
        fdt_version(data) < 16 || fdt_check_full(data, size) != 0 ||
        fdt_open_into(data, tree, sizeof(tree)) != 0)
        return LLVMFuzzerMutate(data, size, max_size);
    for (unsigned int n = 1 + rng(3); n > 0; n--)
        mutate_tree(tree);
    if (fdt_pack(tree) != 0 || fdt_totalsize(tree) > max_size)
        return LLVMFuzzerMutate(data, size, max_size);
    memcpy(data, tree, fdt_totalsize(tree));
    return fdt_totalsize(tree);
}
