/*
 * skiff/start_info.h - building a domain's start info, the flattened device
 * tree described in public/start_info.h.
 */
#ifndef SKIFF_START_INFO_H
#define SKIFF_START_INFO_H

#include <public/start_info.h>
#include <skiff/types.h>

struct si_range {
    uint64_t base, size;
};

struct si_module {
    uint64_t base, size;
    const char *cmdline;
};

struct start_info_desc {
    uint32_t domid, flags, vcpus;
    const char *name;
    const char *cmdline;
    uint64_t mem_bytes;
    uint64_t shared_info;
    uint64_t hypercall_page;
    uint64_t start_info_base, start_info_size;
    uint64_t grant_window_base, grant_window_size;
    unsigned int nr_free;
    struct si_range free[SKIFF_START_INFO_MAX_RANGES];
    unsigned int nr_modules;
    struct si_module modules[SKIFF_START_INFO_MAX_MODULES];
    bool has_console; /* domUs: the skiff,console node */
    uint64_t console_page;
    uint32_t console_port;
    bool has_store; /* domUs: the skiff,store node */
    uint64_t store_page;
    uint32_t store_port;
    bool has_machine_base;
    uint64_t machine_base;
    const char *hv_version;
};

/* Writes the tree into buf. 0, or -ENOSPC / -EINVAL. */
int start_info_build(void *buf, size_t size, const struct start_info_desc *desc);

#endif /* SKIFF_START_INFO_H */
