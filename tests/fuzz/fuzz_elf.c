/*
 * fuzz_elf.c - libFuzzer harness for the ELF64 guest-image parser
 * (hypervisor/common/elf_loader.c): elf_parse() on the raw input under a few
 * fixed address limits; every accepted image must describe sane segments.
 */
#include <skiff/elf.h>
#include <skiff/errno.h>

#include "fuzz_util.h"

#define GUEST_PAGE 4096ull

/* The limits the dom0 builder and the toolstack use, and the widest possible. */
static const struct elf_limits limits[] = {
    {0x1000, 64ull << 20},
    {2ull << 20, 1ull << 47},
    {0, UINT64_MAX},
};

static int seg_contains(const struct elf_segment *s, uint64_t va, uint64_t len)
{
    return va >= s->vaddr && va - s->vaddr <= s->memsz && len <= s->memsz - (va - s->vaddr);
}

static int exec_contains(const struct elf_image *img, uint64_t va, uint64_t len)
{
    for (unsigned int i = 0; i < img->nr_segments; i++)
        if ((img->segments[i].perms & ELF_SEG_X) && seg_contains(&img->segments[i], va, len))
            return 1;
    return 0;
}

static void check_segment(const struct elf_segment *s, size_t size, const struct elf_limits *lim)
{
    FUZZ_CHECK(s->memsz > 0);
    FUZZ_CHECK(s->vaddr >= lim->min_va && s->vaddr < lim->max_va);
    FUZZ_CHECK(s->memsz <= lim->max_va - s->vaddr);
    FUZZ_CHECK(s->filesz <= s->memsz);
    FUZZ_CHECK(s->offset <= size && s->filesz <= size - s->offset);
    FUZZ_CHECK((s->perms & ~(ELF_SEG_R | ELF_SEG_W | ELF_SEG_X)) == 0);
    FUZZ_CHECK((s->perms & (ELF_SEG_W | ELF_SEG_X)) != (ELF_SEG_W | ELF_SEG_X));
}

static int overlap(const struct elf_segment *a, const struct elf_segment *b)
{
    return a->vaddr < b->vaddr + b->memsz && b->vaddr < a->vaddr + a->memsz;
}

static void check_image(const struct elf_image *img, size_t size, const struct elf_limits *lim)
{
    uint64_t lowest = UINT64_MAX, highest = 0;

    FUZZ_CHECK(img->nr_segments >= 1 && img->nr_segments <= ELF_MAX_SEGMENTS);
    for (unsigned int i = 0; i < img->nr_segments; i++) {
        const struct elf_segment *s = &img->segments[i];
        check_segment(s, size, lim);
        for (unsigned int j = 0; j < i; j++)
            FUZZ_CHECK(!overlap(s, &img->segments[j]));
        lowest = s->vaddr < lowest ? s->vaddr : lowest;
        highest = s->vaddr + s->memsz > highest ? s->vaddr + s->memsz : highest;
    }
    FUZZ_CHECK(img->lowest == lowest && img->highest == highest);
    FUZZ_CHECK(exec_contains(img, img->entry, 1));
    if (img->hypercall_page) {
        FUZZ_CHECK(img->hypercall_page % GUEST_PAGE == 0);
        FUZZ_CHECK(exec_contains(img, img->hypercall_page, GUEST_PAGE));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
        struct elf_image img;
        const char *why = NULL;
        int rc = elf_parse(data, size, &limits[i], &img, &why);

        if (rc == 0)
            check_image(&img, size, &limits[i]);
        else
            FUZZ_CHECK(rc == -ENOEXEC && why != NULL && why[0] != '\0');
    }
    return 0;
}
