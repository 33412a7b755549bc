/*
 * skiff/bootinfo.h - what the boot loader told the hypervisor, in a form
 * independent of the boot protocol (the x86_64 code fills it from Multiboot 1
 * or 2). Everything is copied out of the loader's structures, so their memory
 * can be reused afterwards.
 */
#ifndef SKIFF_BOOTINFO_H
#define SKIFF_BOOTINFO_H

#include <skiff/types.h>

#define BOOT_MAX_MEM_RANGES  64
#define BOOT_MAX_MODULES     8
#define BOOT_CMDLINE_MAX     1024
#define BOOT_MOD_CMDLINE_MAX 256

struct boot_mem_range {
    uint64_t start, end; /* machine addresses, [start, end) */
    bool usable;         /* available RAM */
};

struct boot_module {
    uint64_t start, end; /* machine addresses */
    char cmdline[BOOT_MOD_CMDLINE_MAX];
};

struct boot_info {
    const char *loader; /* "multiboot1" or "multiboot2" */
    char cmdline[BOOT_CMDLINE_MAX];
    unsigned int nr_mem;
    struct boot_mem_range mem[BOOT_MAX_MEM_RANGES];
    unsigned int nr_modules;
    struct boot_module modules[BOOT_MAX_MODULES];
};

#endif /* SKIFF_BOOTINFO_H */
