/*
 * start_info.c - reads a domain's start info (the flattened device tree of
 * public/start_info.h) with libfdt, checking every property's size and every
 * string's termination before using it.
 */
#include <libfdt.h>
#include <string.h>

#include <public/start_info.h>
#include <skiff/start_info.h>

#define EINVAL_ 22

static int fail(const char **why, const char *msg)
{
    if (why)
        *why = msg;
    return -EINVAL_;
}

/* Property data is only 4-byte aligned: read 64-bit cells with fdt64_ld. */
static uint64_t cell64(const fdt64_t *p)
{
    return fdt64_ld(p);
}

/* A property of exactly len bytes, or NULL. */
static const void *prop_exact(const void *fdt, int node, const char *name, int len)
{
    int got;
    const void *p = fdt_getprop(fdt, node, name, &got);

    return (p && got == len) ? p : NULL;
}

static int read_u32(const void *fdt, int node, const char *name, uint32_t *out)
{
    const fdt32_t *p = prop_exact(fdt, node, name, sizeof(*p));

    if (!p)
        return -1;
    *out = fdt32_ld(p);
    return 0;
}

static int read_u64(const void *fdt, int node, const char *name, uint64_t *out)
{
    const fdt64_t *p = prop_exact(fdt, node, name, sizeof(*p));

    if (!p)
        return -1;
    *out = cell64(p);
    return 0;
}

static int read_range(const void *fdt, int node, const char *name, uint64_t *base, uint64_t *size)
{
    const fdt64_t *p = prop_exact(fdt, node, name, 2 * sizeof(*p));

    if (!p)
        return -1;
    *base = cell64(&p[0]);
    *size = cell64(&p[1]);
    return 0;
}

/* Copies a NUL-terminated string property that fits in size bytes. */
static int read_string(const void *fdt, int node, const char *name, char *out, size_t size)
{
    int len;
    const char *p = fdt_getprop(fdt, node, name, &len);

    if (!p || len <= 0 || (size_t)len > size || p[len - 1] != '\0' ||
        strnlen(p, (size_t)len) != (size_t)len - 1)
        return -1;
    memcpy(out, p, (size_t)len);
    return 0;
}

static int parse_domain(const void *fdt, struct skiff_start_info *si, const char **why)
{
    int node = fdt_path_offset(fdt, SI_NODE_DOMAIN);

    if (node < 0)
        return fail(why, "no " SI_NODE_DOMAIN " node");
    if (read_u32(fdt, node, SI_PROP_DOMID, &si->domid) ||
        read_u32(fdt, node, SI_PROP_FLAGS, &si->flags) ||
        read_u32(fdt, node, SI_PROP_VCPUS, &si->vcpus) ||
        read_string(fdt, node, SI_PROP_NAME, si->name, sizeof(si->name)))
        return fail(why, "bad " SI_NODE_DOMAIN " properties");
    return 0;
}

static int parse_pages(const void *fdt, struct skiff_start_info *si, const char **why)
{
    int node = fdt_path_offset(fdt, SI_NODE_PAGES);

    if (node < 0)
        return fail(why, "no " SI_NODE_PAGES " node");
    if (read_u64(fdt, node, SI_PROP_SHARED, &si->shared_info) ||
        read_u64(fdt, node, SI_PROP_HCALL_PAGE, &si->hypercall_page) ||
        read_range(fdt, node, SI_PROP_START_INFO, &si->start_info_base, &si->start_info_size) ||
        read_range(fdt, node, SI_PROP_GRANT_WIN, &si->grant_window_base, &si->grant_window_size))
        return fail(why, "bad " SI_NODE_PAGES " properties");
    return 0;
}

static int parse_free_memory(const void *fdt, struct skiff_start_info *si, const char **why)
{
    int node = fdt_path_offset(fdt, SI_NODE_FREE_MEM), len;
    const fdt64_t *p;

    if (node < 0)
        return fail(why, "no " SI_NODE_FREE_MEM " node");
    p = fdt_getprop(fdt, node, "reg", &len);
    if (!p || len < 0 || len % (2 * sizeof(fdt64_t)) != 0)
        return fail(why, "bad " SI_NODE_FREE_MEM "/reg");
    if ((size_t)len / (2 * sizeof(fdt64_t)) > SKIFF_START_INFO_MAX_RANGES)
        return fail(why, "too many free-memory ranges");
    si->nr_free = (unsigned int)((size_t)len / (2 * sizeof(fdt64_t)));
    for (unsigned int i = 0; i < si->nr_free; i++) {
        si->free[i].base = cell64(&p[2 * i]);
        si->free[i].size = cell64(&p[2 * i + 1]);
        if (si->free[i].base + si->free[i].size < si->free[i].base)
            return fail(why, "free-memory range wraps around");
    }
    return 0;
}

static int parse_modules(const void *fdt, struct skiff_start_info *si, const char **why)
{
    int parent = fdt_path_offset(fdt, SI_NODE_MODULES), node;

    if (parent < 0)
        return 0; /* optional */
    fdt_for_each_subnode(node, fdt, parent)
    {
        if (si->nr_modules == SKIFF_START_INFO_MAX_MODULES)
            return fail(why, "too many modules");
        struct si_module_info *m = &si->modules[si->nr_modules++];
        if (read_range(fdt, node, "reg", &m->base, &m->size) ||
            read_string(fdt, node, SI_PROP_CMDLINE, m->cmdline, sizeof(m->cmdline)))
            return fail(why, "bad module node");
    }
    return 0;
}

/*
 * A ring node (skiff,console, skiff,store): optional (dom0 has none); a page
 * outside RAM or unaligned, or port 0, is refused.
 */
/* 0, or -1 for a bad node (the caller says which). */
static int parse_ring(const void *fdt, const char *path, uint64_t mem_bytes, bool *has,
                      uint64_t *page, uint32_t *port)
{
    int node = fdt_path_offset(fdt, path);

    if (node < 0)
        return 0;
    if (read_u64(fdt, node, SI_PROP_CONS_PAGE, page) ||
        read_u32(fdt, node, SI_PROP_CONS_PORT, port) || *port == 0 || *page == 0 ||
        *page % 4096 != 0 || *page >= mem_bytes)
        return -1;
    *has = true;
    return 0;
}

static int parse_console(const void *fdt, struct skiff_start_info *si, const char **why)
{
    if (parse_ring(fdt, SI_NODE_CONSOLE, si->mem_bytes, &si->has_console, &si->console_page,
                   &si->console_port))
        return fail(why, "bad " SI_NODE_CONSOLE " node");
    return 0;
}

static int parse_store(const void *fdt, struct skiff_start_info *si, const char **why)
{
    if (parse_ring(fdt, SI_NODE_STORE, si->mem_bytes, &si->has_store, &si->store_page,
                   &si->store_port))
        return fail(why, "bad " SI_NODE_STORE " node");
    return 0;
}

static int parse_hypervisor(const void *fdt, struct skiff_start_info *si, const char **why)
{
    int node = fdt_path_offset(fdt, SI_NODE_HV);

    if (node < 0 || read_string(fdt, node, SI_PROP_VERSION, si->hv_version, sizeof(si->hv_version)))
        return fail(why, "bad " SI_NODE_HV " node");
    si->has_machine_base = read_u64(fdt, node, SI_PROP_MACH_BASE, &si->machine_base) == 0;
    return 0;
}

static int parse_basics(const void *fdt, struct skiff_start_info *si, const char **why)
{
    int node;

    if (fdt_node_check_compatible(fdt, 0, SKIFF_START_INFO_COMPATIBLE) != 0)
        return fail(why, "not a Skiff start info (compatible)");
    node = fdt_path_offset(fdt, SI_NODE_CHOSEN);
    if (node < 0 || read_string(fdt, node, SI_PROP_BOOTARGS, si->cmdline, sizeof(si->cmdline)))
        return fail(why, "bad " SI_NODE_CHOSEN "/" SI_PROP_BOOTARGS);
    node = fdt_path_offset(fdt, SI_NODE_MEMORY);
    uint64_t base;
    if (node < 0 || read_range(fdt, node, "reg", &base, &si->mem_bytes) || base != 0)
        return fail(why, "bad " SI_NODE_MEMORY " node");
    return 0;
}

int start_info_parse(const void *fdt, size_t max_size, struct skiff_start_info *si,
                     const char **why)
{
    int rc;

    memset(si, 0, sizeof(*si));
    if (max_size < sizeof(struct fdt_header) || fdt_check_header(fdt) != 0 ||
        fdt_totalsize(fdt) > max_size)
        return fail(why, "bad device tree header");
    /* Builders write version 17; older trees also trip a NULL dereference in
     * Debian's libfdt 1.6.1 fdt_check_full(), so refuse them first. */
    if (fdt_version(fdt) < 17)
        return fail(why, "device tree version older than 17");
    if (fdt_check_full(fdt, fdt_totalsize(fdt)) != 0)
        return fail(why, "malformed device tree");
    rc = parse_basics(fdt, si, why);
    if (!rc)
        rc = parse_domain(fdt, si, why);
    if (!rc)
        rc = parse_pages(fdt, si, why);
    if (!rc)
        rc = parse_free_memory(fdt, si, why);
    if (!rc)
        rc = parse_modules(fdt, si, why);
    if (!rc)
        rc = parse_console(fdt, si, why);
    if (!rc)
        rc = parse_store(fdt, si, why);
    if (!rc)
        rc = parse_hypervisor(fdt, si, why);
    return rc;
}
