/*
 * skiff/elf.h - the ELF64 image parser used to load guest kernels.
 *
 * elf_parse() validates an image completely before anything is built from
 * it and describes it as a list of loadable segments. It touches nothing but
 * the image bytes, so the dom0 builder in the hypervisor and the domain
 * builder in dom0's toolstack can share it.
 */
#ifndef SKIFF_ELF_H
#define SKIFF_ELF_H

#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_SEGMENTS 16
#define ELF_MAX_PHDRS    64

/* Segment permissions (same bits as P2M_*). */
#define ELF_SEG_R 1u
#define ELF_SEG_W 2u
#define ELF_SEG_X 4u

struct elf_segment {
    uint64_t vaddr;  /* where it goes in guest memory */
    uint64_t memsz;  /* bytes in memory; the part past filesz is zeroed */
    uint64_t offset; /* where its bytes are in the image */
    uint64_t filesz; /* bytes taken from the image */
    uint32_t perms;  /* ELF_SEG_* */
};

struct elf_image {
    uint64_t entry;
    unsigned int nr_segments;
    struct elf_segment segments[ELF_MAX_SEGMENTS];
    uint64_t lowest;         /* lowest segment address */
    uint64_t highest;        /* end of the highest segment */
    uint64_t hypercall_page; /* from the Skiff hypercall-page note; 0 if none */
};

/* Segments must lie inside [min_va, max_va). */
struct elf_limits {
    uint64_t min_va;
    uint64_t max_va;
};

/*
 * Validates `image` (size bytes) and fills *out. Returns 0, or -ENOEXEC with
 * *why set to one line saying what is wrong (bad magic, truncated, segment
 * outside the allowed range, overlapping segments, entry outside text, ...).
 */
int elf_parse(const void *image, size_t size, const struct elf_limits *lim, struct elf_image *out,
              const char **why);

#endif /* SKIFF_ELF_H */
