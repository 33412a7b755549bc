/*
 * multiboot.c - reads the boot loader's Multiboot 1 or 2 information into a
 * struct boot_info (memory map, modules, command lines). Everything is copied
 * out, bounded by the structure's own sizes, so nothing points back into the
 * loader's memory afterwards.
 */
#include <string.h>

#include <skiff/bootinfo.h>
#include <skiff/errno.h>

#include "x86.h"

#define MB1_BOOT_MAGIC   0x2BADB002
#define MB2_BOOT_MAGIC   0x36d76289
#define MB1_INFO_CMDLINE (1u << 2)
#define MB1_INFO_MODS    (1u << 3)
#define MB1_INFO_MMAP    (1u << 6)
#define MB2_TAG_END      0
#define MB2_TAG_CMDLINE  1
#define MB2_TAG_MODULE   3
#define MB2_TAG_MMAP     6
#define E820_RAM         1
#define MB_MAX_INFO_SIZE (64 * 1024)

struct mb1_info {
    uint32_t flags;
    uint32_t mem_lower, mem_upper;
    uint32_t boot_device;
    uint32_t cmdline;
    uint32_t mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
};

struct mb1_module {
    uint32_t mod_start, mod_end, string, reserved;
};

struct mb1_mmap_entry {
    uint32_t size; /* of the rest of the entry */
    uint64_t addr, len;
    uint32_t type;
} __attribute__((packed));

struct mb2_tag {
    uint32_t type, size;
};

struct mb2_mmap_entry {
    uint64_t addr, len;
    uint32_t type, reserved;
};

static void copy_string(char *dst, size_t size, uint64_t pa)
{
    const char *src = early_phys(pa);
    size_t i = 0;

    if (pa) {
        for (; i + 1 < size && src[i]; i++)
            dst[i] = src[i];
    }
    dst[i] = '\0';
}

/* Multiboot 1 command lines start with the image's file name: drop it. */
static void drop_first_word(char *s)
{
    char *p = s;

    while (*p && *p != ' ')
        p++;
    while (*p == ' ')
        p++;
    memmove(s, p, strlen(p) + 1);
}

static void add_mem(struct boot_info *bi, uint64_t addr, uint64_t len, uint32_t type)
{
    if (bi->nr_mem == BOOT_MAX_MEM_RANGES || len == 0 || addr + len < addr)
        return;
    bi->mem[bi->nr_mem].start = addr;
    bi->mem[bi->nr_mem].end = addr + len;
    bi->mem[bi->nr_mem].usable = type == E820_RAM;
    bi->nr_mem++;
}

static void add_module(struct boot_info *bi, uint64_t start, uint64_t end, uint64_t str,
                       bool drop_name)
{
    struct boot_module *m;

    if (bi->nr_modules == BOOT_MAX_MODULES || end < start)
        return;
    m = &bi->modules[bi->nr_modules++];
    m->start = start;
    m->end = end;
    copy_string(m->cmdline, sizeof(m->cmdline), str);
    if (drop_name)
        drop_first_word(m->cmdline);
}

static void parse_mb1(uint64_t info_pa, struct boot_info *bi)
{
    const struct mb1_info *mbi = early_phys(info_pa);

    bi->loader = "multiboot1";
    if (mbi->flags & MB1_INFO_CMDLINE) {
        copy_string(bi->cmdline, sizeof(bi->cmdline), mbi->cmdline);
        drop_first_word(bi->cmdline);
    }
    if (mbi->flags & MB1_INFO_MODS) {
        const struct mb1_module *mods = early_phys(mbi->mods_addr);
        for (uint32_t i = 0; i < mbi->mods_count && i < BOOT_MAX_MODULES; i++)
            add_module(bi, mods[i].mod_start, mods[i].mod_end, mods[i].string, true);
    }
    if (mbi->flags & MB1_INFO_MMAP) {
        uint64_t p = mbi->mmap_addr, end = p + mbi->mmap_length;
        while (p + sizeof(struct mb1_mmap_entry) <= end) {
            const struct mb1_mmap_entry *e = early_phys(p);
            add_mem(bi, e->addr, e->len, e->type);
            p += e->size + sizeof(e->size);
        }
    }
}

static void parse_mb2_mmap(const struct mb2_tag *tag, struct boot_info *bi)
{
    const uint32_t *hdr = (const uint32_t *)(tag + 1);
    uint32_t entry_size = hdr[0];
    const uint8_t *p = (const uint8_t *)(tag + 1) + 8;
    const uint8_t *end = (const uint8_t *)tag + tag->size;

    if (entry_size < sizeof(struct mb2_mmap_entry))
        return;
    for (; p + entry_size <= end; p += entry_size) {
        const struct mb2_mmap_entry *e = (const void *)p;
        add_mem(bi, e->addr, e->len, e->type);
    }
}

static void parse_mb2(uint64_t info_pa, struct boot_info *bi)
{
    uint32_t total = *(const uint32_t *)early_phys(info_pa);
    uint64_t p = info_pa + 8, end = info_pa + (total < MB_MAX_INFO_SIZE ? total : MB_MAX_INFO_SIZE);

    bi->loader = "multiboot2";
    while (p + sizeof(struct mb2_tag) <= end) {
        const struct mb2_tag *tag = early_phys(p);
        if (tag->type == MB2_TAG_END || tag->size < sizeof(*tag) || p + tag->size > end)
            break;
        if (tag->type == MB2_TAG_CMDLINE) {
            copy_string(bi->cmdline, sizeof(bi->cmdline), p + sizeof(*tag));
        } else if (tag->type == MB2_TAG_MODULE) {
            const uint32_t *m = (const uint32_t *)(tag + 1);
            add_module(bi, m[0], m[1], p + sizeof(*tag) + 8, false);
        } else if (tag->type == MB2_TAG_MMAP) {
            parse_mb2_mmap(tag, bi);
        }
        p += (tag->size + 7) & ~7u;
    }
}

int multiboot_parse(uint32_t magic, uint64_t info_pa, struct boot_info *bi)
{
    memset(bi, 0, sizeof(*bi));
    if (magic == MB1_BOOT_MAGIC)
        parse_mb1(info_pa, bi);
    else if (magic == MB2_BOOT_MAGIC)
        parse_mb2(info_pa, bi);
    else
        return -EINVAL;
    return 0;
}
