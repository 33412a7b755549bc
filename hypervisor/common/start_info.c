/*
 * common/start_info.c - writes a domain's start info as a flattened device
 * tree with libfdt's sequential-write API. The layout is documented in
 * public/start_info.h; guest-lib/src/start_info.c reads it back.
 */
#include <libfdt.h>
#include <stdio.h>

#include <skiff/errno.h>
#include <skiff/start_info.h>

/* Each step returns a libfdt error (< 0) or 0; stop at the first failure. */
#define TRY(call)          \
    do {                   \
        int err_ = (call); \
        if (err_ < 0)      \
            return err_;   \
    } while (0)

static int prop_range(void *fdt, const char *name, uint64_t base, uint64_t size)
{
    fdt64_t cells[2] = {cpu_to_fdt64(base), cpu_to_fdt64(size)};

    return fdt_property(fdt, name, cells, sizeof(cells));
}

static int write_domain(void *fdt, const struct start_info_desc *d)
{
    TRY(fdt_begin_node(fdt, SI_NODE_DOMAIN + 1));
    TRY(fdt_property_u32(fdt, SI_PROP_DOMID, d->domid));
    TRY(fdt_property_u32(fdt, SI_PROP_FLAGS, d->flags));
    TRY(fdt_property_u32(fdt, SI_PROP_VCPUS, d->vcpus));
    TRY(fdt_property_string(fdt, SI_PROP_NAME, d->name ? d->name : ""));
    return fdt_end_node(fdt);
}

static int write_pages(void *fdt, const struct start_info_desc *d)
{
    TRY(fdt_begin_node(fdt, SI_NODE_PAGES + 1));
    TRY(fdt_property_u64(fdt, SI_PROP_SHARED, d->shared_info));
    TRY(fdt_property_u64(fdt, SI_PROP_HCALL_PAGE, d->hypercall_page));
    TRY(prop_range(fdt, SI_PROP_START_INFO, d->start_info_base, d->start_info_size));
    TRY(prop_range(fdt, SI_PROP_GRANT_WIN, d->grant_window_base, d->grant_window_size));
    return fdt_end_node(fdt);
}

static int write_free_memory(void *fdt, const struct start_info_desc *d)
{
    fdt64_t cells[2 * SKIFF_START_INFO_MAX_RANGES];

    for (unsigned int i = 0; i < d->nr_free; i++) {
        cells[2 * i] = cpu_to_fdt64(d->free[i].base);
        cells[2 * i + 1] = cpu_to_fdt64(d->free[i].size);
    }
    TRY(fdt_begin_node(fdt, SI_NODE_FREE_MEM + 1));
    TRY(fdt_property(fdt, "reg", cells, d->nr_free * 2 * sizeof(fdt64_t)));
    return fdt_end_node(fdt);
}

static int write_modules(void *fdt, const struct start_info_desc *d)
{
    char name[32];

    TRY(fdt_begin_node(fdt, SI_NODE_MODULES + 1));
    for (unsigned int i = 0; i < d->nr_modules; i++) {
        snprintf(name, sizeof(name), "module@%u", i);
        TRY(fdt_begin_node(fdt, name));
        TRY(prop_range(fdt, "reg", d->modules[i].base, d->modules[i].size));
        TRY(fdt_property_string(fdt, SI_PROP_CMDLINE,
                                d->modules[i].cmdline ? d->modules[i].cmdline : ""));
        TRY(fdt_end_node(fdt));
    }
    return fdt_end_node(fdt);
}

/* A ring node (skiff,console, skiff,store): the page and the port, when there is one. */
static int write_ring(void *fdt, bool has, const char *path, uint64_t page, uint32_t port)
{
    if (!has)
        return 0;
    TRY(fdt_begin_node(fdt, path + 1));
    TRY(fdt_property_u64(fdt, SI_PROP_CONS_PAGE, page));
    TRY(fdt_property_u32(fdt, SI_PROP_CONS_PORT, port));
    return fdt_end_node(fdt);
}

static int write_hypervisor(void *fdt, const struct start_info_desc *d)
{
    TRY(fdt_begin_node(fdt, SI_NODE_HV + 1));
    TRY(fdt_property_string(fdt, SI_PROP_VERSION, d->hv_version ? d->hv_version : ""));
    if (d->has_machine_base)
        TRY(fdt_property_u64(fdt, SI_PROP_MACH_BASE, d->machine_base));
    return fdt_end_node(fdt);
}

static int write_tree(void *fdt, const struct start_info_desc *d)
{
    TRY(fdt_begin_node(fdt, ""));
    TRY(fdt_property_string(fdt, "compatible", SKIFF_START_INFO_COMPATIBLE));
    TRY(fdt_property_u32(fdt, "#address-cells", 2));
    TRY(fdt_property_u32(fdt, "#size-cells", 2));
    TRY(fdt_begin_node(fdt, SI_NODE_CHOSEN + 1));
    TRY(fdt_property_string(fdt, SI_PROP_BOOTARGS, d->cmdline ? d->cmdline : ""));
    TRY(fdt_end_node(fdt));
    TRY(fdt_begin_node(fdt, SI_NODE_MEMORY + 1));
    TRY(fdt_property_string(fdt, "device_type", "memory"));
    TRY(prop_range(fdt, "reg", 0, d->mem_bytes));
    TRY(fdt_end_node(fdt));
    TRY(write_domain(fdt, d));
    TRY(write_pages(fdt, d));
    TRY(write_free_memory(fdt, d));
    TRY(write_modules(fdt, d));
    TRY(write_ring(fdt, d->has_console, SI_NODE_CONSOLE, d->console_page, d->console_port));
    TRY(write_ring(fdt, d->has_store, SI_NODE_STORE, d->store_page, d->store_port));
    TRY(write_hypervisor(fdt, d));
    return fdt_end_node(fdt);
}

int start_info_build(void *buf, size_t size, const struct start_info_desc *desc)
{
    int err;

    if (desc->nr_free > SKIFF_START_INFO_MAX_RANGES ||
        desc->nr_modules > SKIFF_START_INFO_MAX_MODULES || size > INT32_MAX)
        return -EINVAL;
    err = fdt_create(buf, (int)size);
    if (err == 0)
        err = fdt_finish_reservemap(buf);
    if (err == 0)
        err = write_tree(buf, desc);
    if (err == 0)
        err = fdt_finish(buf);
    if (err == -FDT_ERR_NOSPACE)
        return -ENOSPC;
    return err < 0 ? -EINVAL : 0;
}
