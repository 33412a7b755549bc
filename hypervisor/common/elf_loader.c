/*
 * common/elf_loader.c - validation of ELF64 guest images.
 *
 * Everything about the image is checked before the caller builds anything:
 * header fields, program header table bounds, each PT_LOAD segment's file
 * range and address range (overflow-checked), overlaps, W^X, the entry point
 * and the Skiff hypercall-page note. The first problem found is reported as
 * one line in *why.
 */
#include <string.h>

#include <public/elfnote.h>
#include <skiff/elf.h>
#include <skiff/errno.h>

#define EI_NIDENT   16
#define ELFCLASS64  2
#define ELFDATA2LSB 1
#define EV_CURRENT  1
#define ET_EXEC     2
#define EM_X86_64   62
#define PT_LOAD     1
#define PT_DYNAMIC  2
#define PT_INTERP   3
#define PT_NOTE     4
#define PF_X        1
#define PF_W        2
#define PF_R        4
#define GUEST_PAGE  4096ull

struct elf64_ehdr {
    unsigned char e_ident[EI_NIDENT];
    uint16_t e_type;
    uint16_t e_machine;
    uint32_t e_version;
    uint64_t e_entry;
    uint64_t e_phoff;
    uint64_t e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize;
    uint16_t e_phentsize;
    uint16_t e_phnum;
    uint16_t e_shentsize;
    uint16_t e_shnum;
    uint16_t e_shstrndx;
};

struct elf64_phdr {
    uint32_t p_type;
    uint32_t p_flags;
    uint64_t p_offset;
    uint64_t p_vaddr;
    uint64_t p_paddr;
    uint64_t p_filesz;
    uint64_t p_memsz;
    uint64_t p_align;
};

struct elf64_nhdr {
    uint32_t n_namesz;
    uint32_t n_descsz;
    uint32_t n_type;
};

_Static_assert(sizeof(struct elf64_ehdr) == 64, "Elf64_Ehdr");
_Static_assert(sizeof(struct elf64_phdr) == 56, "Elf64_Phdr");

/* [off, off+len) lies inside an object of `size` bytes, without overflow. */
static int range_in(uint64_t off, uint64_t len, uint64_t size)
{
    return off <= size && len <= size - off;
}

static int fail(const char **why, const char *msg)
{
    *why = msg;
    return -ENOEXEC;
}

static int check_header(const struct elf64_ehdr *eh, size_t size, const char **why)
{
    static const unsigned char magic[4] = {0x7f, 'E', 'L', 'F'};

    if (memcmp(eh->e_ident, magic, sizeof(magic)) != 0)
        return fail(why, "bad ELF magic");
    if (eh->e_ident[4] != ELFCLASS64)
        return fail(why, "not a 64-bit ELF image");
    if (eh->e_ident[5] != ELFDATA2LSB)
        return fail(why, "not a little-endian ELF image");
    if (eh->e_ident[6] != EV_CURRENT || eh->e_version != EV_CURRENT)
        return fail(why, "unknown ELF version");
    if (eh->e_type != ET_EXEC)
        return fail(why, "not an executable (ET_EXEC) image");
    if (eh->e_machine != EM_X86_64)
        return fail(why, "not an x86_64 image");
    if (eh->e_phentsize != sizeof(struct elf64_phdr))
        return fail(why, "bad program header entry size");
    if (eh->e_phnum == 0)
        return fail(why, "no program headers");
    if (eh->e_phnum > ELF_MAX_PHDRS)
        return fail(why, "too many program headers");
    if (!range_in(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr), size))
        return fail(why, "truncated: program headers past the end of the image");
    return 0;
}

static uint32_t seg_perms(uint32_t p_flags)
{
    return ((p_flags & PF_R) ? ELF_SEG_R : 0) | ((p_flags & PF_W) ? ELF_SEG_W : 0) |
           ((p_flags & PF_X) ? ELF_SEG_X : 0);
}

static int add_load_segment(const struct elf64_phdr *ph, size_t size, const struct elf_limits *lim,
                            struct elf_image *out, const char **why)
{
    if (ph->p_memsz == 0)
        return 0;
    if (ph->p_filesz > ph->p_memsz)
        return fail(why, "segment file size larger than its memory size");
    if (!range_in(ph->p_offset, ph->p_filesz, size))
        return fail(why, "truncated: segment data past the end of the image");
    if (ph->p_vaddr < lim->min_va || ph->p_vaddr >= lim->max_va ||
        ph->p_memsz > lim->max_va - ph->p_vaddr)
        return fail(why, "segment outside the allowed address range");
    if ((ph->p_flags & PF_W) && (ph->p_flags & PF_X))
        return fail(why, "segment both writable and executable");
    if (out->nr_segments == ELF_MAX_SEGMENTS)
        return fail(why, "too many loadable segments");

    struct elf_segment *s = &out->segments[out->nr_segments++];
    s->vaddr = ph->p_vaddr;
    s->memsz = ph->p_memsz;
    s->offset = ph->p_offset;
    s->filesz = ph->p_filesz;
    s->perms = seg_perms(ph->p_flags);
    return 0;
}

/* Scans one PT_NOTE segment for the Skiff hypercall-page note. */
static int parse_notes(const unsigned char *image, const struct elf64_phdr *ph, size_t size,
                       struct elf_image *out, const char **why)
{
    static const char name[] = SKIFF_ELFNOTE_NAME;

    if (!range_in(ph->p_offset, ph->p_filesz, size))
        return fail(why, "truncated: note segment past the end of the image");
    const unsigned char *p = image + ph->p_offset;
    uint64_t left = ph->p_filesz;

    while (left >= sizeof(struct elf64_nhdr)) {
        struct elf64_nhdr nh;
        memcpy(&nh, p, sizeof(nh));
        uint64_t namesz = ((uint64_t)nh.n_namesz + 3) & ~3ull;
        uint64_t descsz = ((uint64_t)nh.n_descsz + 3) & ~3ull;
        uint64_t total = sizeof(nh) + namesz + descsz;
        if (total > left)
            return fail(why, "truncated ELF note");
        if (nh.n_namesz == sizeof(name) && memcmp(p + sizeof(nh), name, sizeof(name)) == 0 &&
            nh.n_type == SKIFF_ELFNOTE_HYPERCALL_PAGE) {
            if (nh.n_descsz != 8)
                return fail(why, "bad hypercall-page note size");
            memcpy(&out->hypercall_page, p + sizeof(nh) + namesz, 8);
        }
        p += total;
        left -= total;
    }
    return 0;
}

static int segments_overlap(const struct elf_segment *a, const struct elf_segment *b)
{
    return a->vaddr < b->vaddr + b->memsz && b->vaddr < a->vaddr + a->memsz;
}

/* Pages get the union of the permissions of the segments touching them. */
static int share_a_page(const struct elf_segment *a, const struct elf_segment *b)
{
    uint64_t a_first = a->vaddr / GUEST_PAGE, a_last = (a->vaddr + a->memsz - 1) / GUEST_PAGE;
    uint64_t b_first = b->vaddr / GUEST_PAGE, b_last = (b->vaddr + b->memsz - 1) / GUEST_PAGE;

    return a_first <= b_last && b_first <= a_last;
}

static int writable_and_executable(uint32_t perms)
{
    return (perms & ELF_SEG_W) && (perms & ELF_SEG_X);
}

/* The executable segment holding [va, va+len) from file bytes, or NULL. */
static const struct elf_segment *exec_segment_for(const struct elf_image *img, uint64_t va,
                                                  uint64_t len)
{
    for (unsigned int i = 0; i < img->nr_segments; i++) {
        const struct elf_segment *s = &img->segments[i];
        if ((s->perms & ELF_SEG_X) && va >= s->vaddr && range_in(va - s->vaddr, len, s->memsz))
            return s;
    }
    return NULL;
}

static int check_layout(struct elf_image *out, const char **why)
{
    if (out->nr_segments == 0)
        return fail(why, "no loadable segments");
    out->lowest = UINT64_MAX;
    out->highest = 0;
    for (unsigned int i = 0; i < out->nr_segments; i++) {
        const struct elf_segment *s = &out->segments[i];
        for (unsigned int j = 0; j < i; j++) {
            const struct elf_segment *t = &out->segments[j];
            if (segments_overlap(s, t))
                return fail(why, "overlapping segments");
            if (share_a_page(s, t) && writable_and_executable(s->perms | t->perms))
                return fail(why, "writable and executable segments share a page");
        }
        out->lowest = s->vaddr < out->lowest ? s->vaddr : out->lowest;
        out->highest = s->vaddr + s->memsz > out->highest ? s->vaddr + s->memsz : out->highest;
    }
    if (!exec_segment_for(out, out->entry, 1))
        return fail(why, "entry point outside executable segments");
    if (out->hypercall_page && (out->hypercall_page % GUEST_PAGE ||
                                !exec_segment_for(out, out->hypercall_page, GUEST_PAGE)))
        return fail(why, "hypercall page not a page-aligned executable page of the image");
    return 0;
}

int elf_parse(const void *image, size_t size, const struct elf_limits *lim, struct elf_image *out,
              const char **why)
{
    const unsigned char *bytes = image;
    struct elf64_ehdr eh;
    int rc;

    memset(out, 0, sizeof(*out));
    if (size < sizeof(eh))
        return fail(why, "truncated: smaller than an ELF header");
    memcpy(&eh, bytes, sizeof(eh));
    rc = check_header(&eh, size, why);
    if (rc)
        return rc;
    out->entry = eh.e_entry;

    for (unsigned int i = 0; i < eh.e_phnum; i++) {
        struct elf64_phdr ph;
        memcpy(&ph, bytes + eh.e_phoff + i * sizeof(ph), sizeof(ph));
        if (ph.p_type == PT_LOAD)
            rc = add_load_segment(&ph, size, lim, out, why);
        else if (ph.p_type == PT_NOTE)
            rc = parse_notes(bytes, &ph, size, out, why);
        else if (ph.p_type == PT_DYNAMIC || ph.p_type == PT_INTERP)
            rc = fail(why, "dynamically linked images are not supported");
        if (rc)
            return rc;
    }
    return check_layout(out, why);
}
