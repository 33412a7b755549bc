/*
 * skiff/start_info.h - the start info a guest was given, parsed out of the
 * flattened device tree described in public/start_info.h.
 */
#ifndef SKIFF_GUEST_START_INFO_H
#define SKIFF_GUEST_START_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <public/start_info.h>

struct si_mem_range {
    uint64_t base, size;
};

struct si_module_info {
    uint64_t base, size;
    char cmdline[256];
};

struct skiff_start_info {
    uint32_t domid, flags, vcpus;
    char name[32];
    char cmdline[SKIFF_CMDLINE_MAX];
    uint64_t mem_bytes;
    uint64_t shared_info;
    uint64_t hypercall_page;
    uint64_t start_info_base, start_info_size;
    uint64_t grant_window_base, grant_window_size;
    unsigned int nr_free;
    struct si_mem_range free[SKIFF_START_INFO_MAX_RANGES];
    unsigned int nr_modules;
    struct si_module_info modules[SKIFF_START_INFO_MAX_MODULES];
    bool has_console; /* skiff,console: a domU's console ring and port */
    uint64_t console_page;
    uint32_t console_port;
    bool has_store; /* skiff,store: a domU's xenstore ring and port */
    uint64_t store_page;
    uint32_t store_port;
    bool has_machine_base;
    uint64_t machine_base;
    char hv_version[32];
};

/*
 * Reads and checks the tree at fdt (at most max_size bytes). Returns 0, or
 * -EINVAL with *why naming the first problem (bad header, missing node or
 * property, wrong size, unterminated string, too many ranges or modules).
 */
int start_info_parse(const void *fdt, size_t max_size, struct skiff_start_info *si,
                     const char **why);

#endif
